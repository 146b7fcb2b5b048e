//! Text that comes from a shop is untrusted: before it reaches a terminal it
//! loses escape sequences and control characters.

/// Strips terminal escape sequences (CSI, OSC, …) and every other control
/// character; tabs and newlines become spaces.
pub fn clean(text: &str) -> String {
    if !text.chars().any(|c| c.is_control()) {
        return text.to_string();
    }
    let stripped = strip_ansi_escapes::strip_str(text);
    stripped
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Cleans every text field of a value that came from a shop.
pub trait Clean {
    fn clean(&mut self);
}

fn c(s: &mut String) {
    if s.chars().any(|ch| ch.is_control()) {
        *s = clean(s);
    }
}

fn co(s: &mut Option<String>) {
    if let Some(s) = s {
        c(s);
    }
}

use crate::api;

impl Clean for api::Product {
    fn clean(&mut self) {
        for s in [
            &mut self.sku,
            &mut self.mpn,
            &mut self.manufacturer,
            &mut self.gtin,
            &mut self.name,
            &mut self.description,
            &mut self.category,
            &mut self.unit,
        ] {
            c(s);
        }
        for a in &mut self.attributes {
            c(&mut a.name);
            c(&mut a.value);
        }
        for d in &mut self.documents {
            c(&mut d.title);
            c(&mut d.url);
        }
        co(&mut self.replaced_by);
    }
}

impl Clean for api::Address {
    fn clean(&mut self) {
        for s in [
            &mut self.id,
            &mut self.label,
            &mut self.name,
            &mut self.street,
            &mut self.postal_code,
            &mut self.city,
            &mut self.country,
        ] {
            c(s);
        }
    }
}

impl Clean for api::Me {
    fn clean(&mut self) {
        c(&mut self.user.username);
        c(&mut self.user.name);
        let co_ = &mut self.company;
        for s in [&mut co_.code, &mut co_.name, &mut co_.currency, &mut co_.payment_terms] {
            c(s);
        }
        co_.billing_address.clean();
        for a in &mut co_.ship_to {
            a.clean();
        }
        for m in &mut co_.shipping_methods {
            c(&mut m.id);
            c(&mut m.name);
        }
        if let Some(s) = &mut self.supplier {
            c(&mut s.name);
            for f in [&mut s.sales_contact, &mut s.phone, &mut s.email, &mut s.support_hours] {
                co(f);
            }
        }
    }
}

impl Clean for api::PricedLine {
    fn clean(&mut self) {
        c(&mut self.sku);
        c(&mut self.name);
        co(&mut self.note);
    }
}

impl Clean for api::LineError {
    fn clean(&mut self) {
        c(&mut self.sku);
        c(&mut self.code);
        c(&mut self.message);
    }
}

impl Clean for api::ApiError {
    fn clean(&mut self) {
        c(&mut self.code);
        c(&mut self.message);
        self.details.iter_mut().for_each(Clean::clean);
    }
}

impl Clean for api::Preview {
    fn clean(&mut self) {
        self.lines.iter_mut().for_each(Clean::clean);
        self.errors.iter_mut().for_each(Clean::clean);
    }
}

impl Clean for api::Order {
    fn clean(&mut self) {
        for s in [&mut self.number, &mut self.placed_by, &mut self.po_number, &mut self.payment_terms] {
            c(s);
        }
        self.lines.iter_mut().for_each(Clean::clean);
        self.ship_to.clean();
        c(&mut self.shipping_method.id);
        c(&mut self.shipping_method.name);
        co(&mut self.comment);
    }
}

impl Clean for api::OrderSummary {
    fn clean(&mut self) {
        c(&mut self.number);
        c(&mut self.po_number);
        c(&mut self.placed_by);
    }
}

impl Clean for api::PriceListHeader {
    fn clean(&mut self) {
        c(&mut self.currency);
        co(&mut self.contract_ref);
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn strips_escapes_and_controls() {
        assert_eq!(clean("plain"), "plain");
        assert_eq!(clean("\x1b[31mred\x1b[0m"), "red");
        assert_eq!(clean("title\x1b]0;owned\x07 ok"), "title ok");
        assert_eq!(clean("a\u{0}b\u{7}c\u{9b}d"), "abcd");
        assert_eq!(clean("line1\nline2"), "line1 line2");
    }
}
