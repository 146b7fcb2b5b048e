//! A supplier on Peppol (BIS Ordering 3, UBL 2.1), through files, the way
//! access-point software picks documents up and drops them off
//! (docs/peppol.md maps each field):
//!
//! - Catalogue: the T19 document(s) at `catalogue` are the catalog and the
//!   price list; every sync reads them in full, a line at a time, and
//!   hands them on a page at a time (memory does not grow with their size).
//! - Orders: one T01 document per submission, written atomically into
//!   `outbox` as `<document id>.xml`; the document id is the submission's
//!   idempotency key, and a retry writes nothing new.
//! - Answers: T76 order responses and T16 despatch advices in `inbox` update
//!   the orders; a file that cannot be applied is reported and left there.
//! - No login, no approvals, no credit, no quotes; the preview is priced
//!   locally from the catalogue.

mod catalogue;
mod invoices;
mod orders;

use super::{Backend, BackendError, Capabilities, Created, Fetched, InboxReport, Result};
use crate::api::{
    Address, CatalogPage, Invoice, InvoicePage, LoginResponse, Me, Order, OrderDraft, OrderList, OrderedSkus, Preview,
    PriceListHeader, PriceListPage, Role, User,
};
use crate::store::config::{BackendKind, Profile};
use async_trait::async_trait;
use chrono::Utc;
use procure_protocol::peppol::{Contact, Id, Party, PostalAddress};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub(crate) const SHIPPING_ID: &str = "peppol";
pub(crate) const DELIVERY_ID: &str = "delivery";

/// The profile settings a Peppol supplier needs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub catalogue: PathBuf,
    pub outbox: PathBuf,
    /// Make a missing outbox instead of refusing to send (`create_outbox`).
    pub create_outbox: bool,
    pub inbox: PathBuf,
    pub buyer: Party,
    pub delivery_name: String,
    pub delivery: PostalAddress,
}

fn opt(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or("").to_string()
}

impl Settings {
    pub fn from_profile(p: &Profile) -> Result<Settings> {
        let need = |v: &Option<String>, key: &str, what: &str| {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).ok_or_else(|| {
                BackendError::Misconfigured(format!("this Peppol profile has no `{key}` in config.toml ({what})"))
            })
        };
        let endpoint = need(&p.buyer_endpoint, "buyer_endpoint", "your Peppol participant id, scheme:id")?;
        let endpoint = Id::parse(&endpoint).map_err(|e| BackendError::Misconfigured(format!("buyer_endpoint: {e}")))?;
        let name = need(&p.buyer_name, "buyer_name", "your company's name")?;
        let address = PostalAddress {
            street: opt(&p.buyer_street),
            city: opt(&p.buyer_city),
            postal_code: opt(&p.buyer_postal_code),
            country: opt(&p.buyer_country).to_ascii_uppercase(),
            ..Default::default()
        };
        let contact = Contact { name: opt(&p.buyer_contact), email: opt(&p.buyer_email), phone: opt(&p.buyer_phone) };
        let delivery = PostalAddress {
            street: opt(&p.delivery_street),
            city: opt(&p.delivery_city),
            postal_code: opt(&p.delivery_postal_code),
            country: opt(&p.delivery_country).to_ascii_uppercase(),
            ..Default::default()
        };
        let delivery = if delivery == PostalAddress::default() { address.clone() } else { delivery };
        Ok(Settings {
            catalogue: need(&p.catalogue, "catalogue", "the supplier's T19 catalogue file or folder")?.into(),
            outbox: need(&p.outbox, "outbox", "the folder procure writes Order documents to")?.into(),
            create_outbox: p.create_outbox,
            inbox: need(&p.inbox, "inbox", "the folder order responses and despatch advices arrive in")?.into(),
            delivery_name: { if opt(&p.delivery_name).is_empty() { name.clone() } else { opt(&p.delivery_name) } },
            buyer: Party {
                endpoint: Some(endpoint.clone()),
                id: Some(endpoint),
                name: name.clone(),
                legal_name: name,
                address: (address != PostalAddress::default()).then_some(address),
                contact: (contact != Contact::default()).then_some(contact),
            },
            delivery,
        })
    }

    fn ship_to(&self) -> Address {
        catalogue::address(DELIVERY_ID, "delivery address", &self.delivery_name, &self.delivery)
    }
}

pub struct PeppolBackend {
    settings: Settings,
    state: orders::StateFile,
    /// The catalogue as last read, with the files it came from: a sync asks
    /// for catalog, account and prices, and each would otherwise parse it again.
    loaded: Mutex<Option<(catalogue::Fingerprint, Arc<catalogue::Loaded>)>>,
    /// The catalog or price list being paged through, where it stands: the
    /// next page reads on from there.
    paging: Mutex<Option<Paging>>,
    /// The parts previews and orders asked for (`None`: not in the
    /// catalogue), while the catalogue is the same.
    asked: Mutex<Option<(Arc<catalogue::Loaded>, Asked)>>,
}

/// Parts asked for by sku (`None`: not in the catalogue).
type Asked = HashMap<String, Option<catalogue::Part>>;

/// Parts handed out per catalog or price-list page.
const PAGE_PARTS: usize = 2_000;

struct Paging {
    of: Arc<catalogue::Loaded>,
    prices: bool,
    /// Parts handed out so far: the cursor of the next page.
    done: usize,
    parts: catalogue::PartStream,
}

impl PeppolBackend {
    pub fn new(settings: Settings, state_dir: &Path) -> PeppolBackend {
        PeppolBackend {
            settings,
            state: orders::StateFile::new(state_dir),
            loaded: Mutex::new(None),
            paging: Mutex::new(None),
            asked: Mutex::new(None),
        }
    }

    /// The catalogue, read again only when one of its files changed (or the day did).
    fn load(&self) -> Result<Arc<catalogue::Loaded>> {
        let today = Utc::now().date_naive();
        let print = catalogue::fingerprint(&self.settings.catalogue, today)?;
        let mut cached = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((p, l)) = cached.as_ref()
            && *p == print
        {
            return Ok(l.clone());
        }
        let l = Arc::new(catalogue::load(&self.settings.catalogue, today)?);
        *cached = Some((print, l.clone()));
        Ok(l)
    }

    /// The catalogue with the parts of the draft's lines.
    fn load_draft(&self, draft: &OrderDraft) -> Result<Arc<catalogue::Loaded>> {
        let loaded = self.load()?;
        let mut asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        let known = match asked.as_mut() {
            Some((of, known)) if Arc::ptr_eq(of, &loaded) => known,
            _ => &mut asked.insert((loaded.clone(), HashMap::new())).1,
        };
        let missing: HashSet<String> =
            draft.lines.iter().map(|l| l.sku.clone()).filter(|s| !known.contains_key(s)).collect();
        if !missing.is_empty() {
            let found = catalogue::load_parts(&loaded, &missing)?;
            for sku in missing {
                let part = found.parts.get(&sku).cloned();
                known.insert(sku, part);
            }
        }
        let parts = draft
            .lines
            .iter()
            .filter_map(|l| known.get(&l.sku).cloned().flatten().map(|p| (l.sku.clone(), p)))
            .collect();
        Ok(Arc::new(loaded.with_parts(parts)))
    }

    /// The next page of parts from `cursor` (the parts handed out before
    /// it), and the cursor after it unless it is the last.
    fn page(
        &self,
        prices: bool,
        cursor: Option<&str>,
    ) -> Result<(Arc<catalogue::Loaded>, Vec<catalogue::Part>, Option<String>)> {
        let loaded = self.load()?;
        let start = match cursor {
            None => 0,
            Some(c) => {
                c.parse::<usize>().map_err(|_| BackendError::Protocol(format!("not a catalogue cursor: {c:?}")))?
            }
        };
        let kept = self.paging.lock().unwrap_or_else(|e| e.into_inner()).take();
        let mut parts = match kept {
            Some(p) if p.prices == prices && p.done == start && Arc::ptr_eq(&p.of, &loaded) => p.parts,
            _ => {
                let clean = if prices { catalogue::Clean::Prices } else { catalogue::Clean::Products };
                let mut parts = loaded.parts(clean);
                for _ in 0..start {
                    if parts.next_part()?.is_none() {
                        break;
                    }
                }
                parts
            }
        };
        let mut page = Vec::with_capacity(PAGE_PARTS);
        while page.len() < PAGE_PARTS {
            match parts.next_part()? {
                Some(p) => page.push(p),
                None => return Ok((loaded, page, None)),
            }
        }
        let done = start + page.len();
        *self.paging.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Paging { of: loaded.clone(), prices, done, parts });
        Ok((loaded, page, Some(done.to_string())))
    }
}

#[async_trait]
impl Backend for PeppolBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Peppol
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            company_accounts: false,
            po_number: true,
            requested_delivery_date: true,
            ship_complete: true,
            tier_prices: true,
            documents: true,
            incremental_sync: false,
            order_preview: true,
            quote_requests: false,
            approvals: false,
            credit: false,
            order_changes: false,
            shipments: true,
            invoices: true,
            disputes: true,
        }
    }

    fn set_token(&mut self, _token: Option<String>) {}

    async fn login(&self, _company: &str, _user: &str, _password: &str) -> Result<LoginResponse> {
        Err(BackendError::Unsupported("logging in (a Peppol profile needs no login)"))
    }

    async fn logout(&self) -> Result<()> {
        Ok(())
    }

    async fn me(&self) -> Result<Me> {
        let loaded = self.load()?;
        let b = &self.settings.buyer;
        Ok(Me {
            user: User {
                username: b.endpoint.as_ref().map(|e| e.to_string()).unwrap_or_default(),
                name: b.contact.as_ref().map(|c| c.name.clone()).filter(|n| !n.is_empty()).unwrap_or(b.name.clone()),
                role: Role::Buyer,
                order_limit: None,
            },
            supplier: Some(catalogue::supplier(&loaded)),
            company: catalogue::company(&loaded, b, self.settings.ship_to()),
        })
    }

    async fn catalog_page(
        &self,
        _since: Option<&str>,
        cursor: Option<&str>,
        _etag: Option<&str>,
    ) -> Result<Fetched<CatalogPage>> {
        let (_, parts, next_cursor) = self.page(false, cursor)?;
        Ok(Fetched::whole(parts.into_iter().map(|p| p.product).collect(), next_cursor))
    }

    async fn price_list_page(&self, _since: Option<&str>, cursor: Option<&str>) -> Result<PriceListPage> {
        let (loaded, parts, next_cursor) = self.page(true, cursor)?;
        Ok(PriceListPage {
            header: PriceListHeader {
                currency: loaded.currency.clone(),
                valid_from: loaded.valid_from.unwrap_or_else(|| Utc::now().date_naive()),
                valid_to: loaded.valid_to,
                contract_ref: loaded.contract_ref.clone(),
            },
            items: parts.into_iter().filter(|p| !p.prices.tiers.is_empty()).map(|p| p.prices).collect(),
            removed: vec![],
            next_cursor,
            sync_token: String::new(),
            full: true,
        })
    }

    async fn ordered_skus(&self) -> Result<OrderedSkus> {
        self.state.ordered_skus()
    }

    async fn preview(&self, draft: &OrderDraft, idempotency_key: Option<&str>) -> Result<Preview> {
        orders::check_options(draft)?;
        let replay_of = orders::check_placing(&self.state, draft, idempotency_key)?;
        let loaded = self.load_draft(draft)?;
        let mut preview = orders::price(&loaded, draft, Utc::now().date_naive()).preview;
        preview.replay_of = replay_of;
        Ok(preview)
    }

    async fn create_order(&self, draft: &OrderDraft, idempotency_key: &str) -> Result<Created> {
        orders::create(&self.state, &self.settings, || self.load_draft(draft), draft, idempotency_key)
    }

    async fn orders(&self, cursor: Option<&str>) -> Result<OrderList> {
        let _ = self.receive().await?;
        self.state.list(cursor)
    }

    async fn order(&self, number: &str) -> Result<Order> {
        let _ = self.receive().await?;
        self.state.get(number)
    }

    async fn receive(&self) -> Result<InboxReport> {
        orders::receive(&self.state, &self.settings.inbox)
    }

    /// Every invoice and credit note of the inbox, every time (the files stay).
    async fn invoices(&self, _since: Option<&str>, _cursor: Option<&str>) -> Result<InvoicePage> {
        Ok(InvoicePage {
            items: invoices::invoices(&self.state, &self.settings.inbox)?,
            next_cursor: None,
            sync_token: String::new(),
        })
    }

    async fn invoice(&self, number: &str) -> Result<Invoice> {
        invoices::invoice(&self.state, &self.settings.inbox, number)
    }

    async fn dispute(&self, number: &str, reason: &str) -> Result<Invoice> {
        invoices::dispute(&self.state, &self.settings, number, reason, Utc::now())
    }
}
