//! Parties, addresses and identifiers, the same in every document.

use super::xml::{Node, XmlOut};
use serde::{Deserialize, Serialize};

/// An identifier with its scheme (ISO 6523 ICD for parties, `0160` GTIN for items).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Id {
    pub scheme: String,
    pub id: String,
}

impl Id {
    /// `"0106:12345678"` → scheme 0106, id 12345678.
    pub fn parse(s: &str) -> Result<Id, String> {
        match s.trim().split_once(':') {
            Some((scheme, id)) if !scheme.trim().is_empty() && !id.trim().is_empty() => {
                Ok(Id { scheme: scheme.trim().into(), id: id.trim().into() })
            }
            _ => Err(format!("{s:?} is not a Peppol participant id (scheme:id, e.g. 0106:12345678)")),
        }
    }

    pub(crate) fn read(n: Option<&Node>) -> Option<Id> {
        let n = n?;
        let id = n.text.trim();
        if id.is_empty() {
            return None;
        }
        Some(Id { scheme: n.attr("schemeID").unwrap_or("").to_string(), id: id.to_string() })
    }

    pub(crate) fn write(&self, w: &mut XmlOut, name: &str) {
        if self.scheme.is_empty() {
            w.leaf(name, &[], &self.id);
        } else {
            w.leaf(name, &[("schemeID", &self.scheme)], &self.id);
        }
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.scheme.is_empty() { write!(f, "{}", self.id) } else { write!(f, "{}:{}", self.scheme, self.id) }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    pub street: String,
    pub additional_street: String,
    pub city: String,
    pub postal_code: String,
    pub region: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

impl PostalAddress {
    pub(crate) fn read(n: Option<&Node>) -> Option<PostalAddress> {
        let n = n?;
        let a = PostalAddress {
            street: n.str_at("StreetName"),
            additional_street: n.str_at("AdditionalStreetName"),
            city: n.str_at("CityName"),
            postal_code: n.str_at("PostalZone"),
            region: n.str_at("CountrySubentity"),
            country: n.str_at("Country/IdentificationCode"),
        };
        (a != PostalAddress::default()).then_some(a)
    }

    pub(crate) fn write(&self, w: &mut XmlOut, name: &str) {
        w.start(name, &[]);
        w.opt("cbc:StreetName", Some(&self.street))
            .opt("cbc:AdditionalStreetName", Some(&self.additional_street))
            .opt("cbc:CityName", Some(&self.city))
            .opt("cbc:PostalZone", Some(&self.postal_code))
            .opt("cbc:CountrySubentity", Some(&self.region));
        if !self.country.trim().is_empty() {
            w.start("cac:Country", &[]).leaf("cbc:IdentificationCode", &[], self.country.trim()).end();
        }
        w.end();
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub email: String,
}

impl Contact {
    pub(crate) fn read(n: Option<&Node>) -> Option<Contact> {
        let n = n?;
        let c = Contact { name: n.str_at("Name"), phone: n.str_at("Telephone"), email: n.str_at("ElectronicMail") };
        (c != Contact::default()).then_some(c)
    }

    pub(crate) fn write(&self, w: &mut XmlOut, name: &str) {
        if *self == Contact::default() {
            return;
        }
        w.start(name, &[])
            .opt("cbc:Name", Some(&self.name))
            .opt("cbc:Telephone", Some(&self.phone))
            .opt("cbc:ElectronicMail", Some(&self.email))
            .end();
    }
}

/// A `cac:Party`: buyer, seller, catalogue provider or receiver.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// The Peppol participant id (`cbc:EndpointID`).
    pub endpoint: Option<Id>,
    /// `cac:PartyIdentification/cbc:ID`.
    pub id: Option<Id>,
    /// `cac:PartyName/cbc:Name`.
    pub name: String,
    /// `cac:PartyLegalEntity/cbc:RegistrationName`.
    pub legal_name: String,
    pub address: Option<PostalAddress>,
    pub contact: Option<Contact>,
}

impl Party {
    /// The name to show: the trading name, else the legal one.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() { &self.legal_name } else { &self.name }
    }

    /// Reads the `cac:Party` below `n` (or `n` itself when it is one).
    pub(crate) fn read(n: Option<&Node>) -> Party {
        let Some(n) = n else { return Party::default() };
        let p = if n.name == "Party" { n } else { n.child("Party").unwrap_or(n) };
        Party {
            endpoint: Id::read(p.child("EndpointID")),
            id: Id::read(p.at("PartyIdentification/ID")),
            name: p.str_at("PartyName/Name"),
            legal_name: p.str_at("PartyLegalEntity/RegistrationName"),
            address: PostalAddress::read(p.child("PostalAddress")),
            contact: Contact::read(p.child("Contact")),
        }
    }

    /// `<wrapper><cac:Party>…</cac:Party></wrapper>`, as in `cac:BuyerCustomerParty`.
    pub(crate) fn write_in(&self, w: &mut XmlOut, wrapper: &str, with_name: bool, with_legal: bool) {
        w.start(wrapper, &[]);
        self.write(w, "cac:Party", with_name, with_legal);
        w.end();
    }

    /// Writes the party as element `name` (`cac:Party`, `cac:ProviderParty` …), in schema order.
    pub(crate) fn write(&self, w: &mut XmlOut, name: &str, with_name: bool, with_legal: bool) {
        w.start(name, &[]);
        if let Some(e) = &self.endpoint {
            e.write(w, "cbc:EndpointID");
        }
        if let Some(id) = &self.id {
            w.start("cac:PartyIdentification", &[]);
            id.write(w, "cbc:ID");
            w.end();
        }
        if with_name && !self.name.trim().is_empty() {
            w.start("cac:PartyName", &[]).leaf("cbc:Name", &[], self.name.trim()).end();
        }
        if let Some(a) = &self.address {
            a.write(w, "cac:PostalAddress");
        }
        let legal = if self.legal_name.trim().is_empty() { self.name.trim() } else { self.legal_name.trim() };
        if with_legal && !legal.is_empty() {
            w.start("cac:PartyLegalEntity", &[]).leaf("cbc:RegistrationName", &[], legal).end();
        }
        if let Some(c) = &self.contact {
            c.write(w, "cac:Contact");
        }
        w.end();
    }
}
