//! A company as its users see it: profile, users, prices of its parts.

use super::db;
use super::error::ShopError;
use chrono::NaiveDate;
use procure_protocol::api::{
    Address, Company, Me, PriceListHeader, Product, Role, ShippingMethod, SupplierContact, Tier, User,
};
use procure_protocol::money;
use rusqlite::{Connection, OptionalExtension, named_params};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

pub fn decimal(text: &str) -> Result<Decimal, ShopError> {
    Decimal::from_str(text).map_err(|e| ShopError::Internal(anyhow::anyhow!("stored amount {text:?}: {e}")))
}

fn date(text: &str) -> Result<NaiveDate, ShopError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| ShopError::Internal(anyhow::anyhow!("stored date {text:?}: {e}")))
}

/// The company row with its price-list header.
pub struct CompanyRecord {
    pub company: Company,
    pub header: PriceListHeader,
    pub visibility_seq: i64,
    pub pricing_seq: i64,
}

pub fn load(conn: &Connection, company_id: i64) -> Result<CompanyRecord, ShopError> {
    type Row =
        (String, String, String, String, String, String, String, Option<String>, String, Option<String>, i64, i64);
    let row: Row = conn
        .prepare_cached(
            "SELECT code, name, currency, payment_terms, billing_address, ship_to, shipping_methods,
                    contract_ref, valid_from, valid_to, visibility_seq, pricing_seq
             FROM companies WHERE id = ?1",
        )?
        .query_row([company_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
            ))
        })?;
    let (code, name, currency, terms, billing, ship_to, methods, contract_ref, from, to, vis, pri) = row;
    let billing: Address = serde_json::from_str(&billing)?;
    let ship_to: Vec<Address> = serde_json::from_str(&ship_to)?;
    let shipping_methods: Vec<ShippingMethod> = serde_json::from_str(&methods)?;
    Ok(CompanyRecord {
        header: PriceListHeader {
            currency: currency.clone(),
            valid_from: date(&from)?,
            valid_to: to.as_deref().map(date).transpose()?,
            contract_ref,
        },
        company: Company {
            code,
            name,
            currency,
            terms: procure_protocol::terms::PaymentTerms::parse(&terms),
            payment_terms: terms,
            billing_address: billing,
            ship_to,
            shipping_methods,
        },
        visibility_seq: vis,
        pricing_seq: pri,
    })
}

pub fn user(conn: &Connection, user_id: i64) -> Result<User, ShopError> {
    let (username, name, role, limit): (String, String, String, Option<String>) = conn
        .prepare_cached("SELECT username, name, role, order_limit FROM users WHERE id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let role = match role.as_str() {
        "buyer" => Role::Buyer,
        "approver" => Role::Approver,
        "admin" => Role::Admin,
        other => {
            return Err(ShopError::Internal(anyhow::anyhow!("stored role {other:?}")));
        }
    };
    Ok(User { username, name, role, order_limit: limit.as_deref().map(decimal).transpose()? })
}

pub fn me(conn: &Connection, company_id: i64, user_id: i64) -> Result<Me, ShopError> {
    Ok(Me {
        user: user(conn, user_id)?,
        company: load(conn, company_id)?.company,
        supplier: supplier(conn, company_id)?,
    })
}

/// The supplier's contact for this company, if the supplier set one.
pub fn supplier(conn: &Connection, company_id: i64) -> Result<Option<SupplierContact>, ShopError> {
    let data: Option<String> = conn
        .prepare_cached("SELECT data FROM supplier_contacts WHERE company_id = ?1")?
        .query_row([company_id], |r| r.get(0))
        .optional()?;
    Ok(data.as_deref().map(serde_json::from_str).transpose()?)
}

/// Sets (or with `None` removes) the supplier's contact for a company.
pub fn set_supplier(conn: &Connection, company_id: i64, contact: Option<&SupplierContact>) -> Result<(), ShopError> {
    match contact {
        Some(c) => conn.execute(
            "INSERT OR REPLACE INTO supplier_contacts (company_id, data) VALUES (?1, ?2)",
            rusqlite::params![company_id, serde_json::to_string(c)?],
        )?,
        None => conn.execute("DELETE FROM supplier_contacts WHERE company_id = ?1", [company_id])?,
    };
    Ok(())
}

/// Discount percentages of a company by product family.
pub fn discounts(conn: &Connection, company_id: i64) -> Result<HashMap<String, Decimal>, ShopError> {
    let mut stmt = conn.prepare_cached("SELECT family, percent FROM discounts WHERE company_id = ?1")?;
    let rows = stmt.query_map([company_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (family, pct) = row?;
        out.insert(family, decimal(&pct)?);
    }
    Ok(out)
}

/// List tiers less a discount in percent; unit prices rounded to six
/// decimals, half away from zero (`money::less_percent`).
pub fn discounted(list: &[Tier], percent: Decimal) -> Vec<Tier> {
    if percent.is_zero() {
        return list.to_vec();
    }
    list.iter().map(|t| Tier::new(t.min_qty, money::less_percent(t.unit_price, percent).normalize())).collect()
}

/// The company's tiers of a part: its contract tiers, else the list tiers
/// less its discount for the part's family. Sorted by quantity.
pub fn company_tiers(
    contract: Option<&str>,
    list: &str,
    family: &str,
    discounts: &HashMap<String, Decimal>,
) -> Result<Vec<Tier>, ShopError> {
    let mut tiers: Vec<Tier> = match contract {
        Some(c) => serde_json::from_str(c)?,
        None => {
            let list: Vec<Tier> = serde_json::from_str(list)?;
            discounted(&list, discounts.get(family).copied().unwrap_or_default())
        }
    };
    tiers.sort_by_key(|t| t.min_qty);
    Ok(tiers)
}

/// A part as one company sees it.
pub struct VisibleProduct {
    pub product: Product,
    pub tiers: Vec<Tier>,
    pub vat_rate: Decimal,
}

/// Looks a part up by sku — only among the parts the company may see, so a
/// hidden part is indistinguishable from one that does not exist.
pub fn visible_product(
    conn: &Connection,
    company_id: i64,
    sku: &str,
    discounts: &HashMap<String, Decimal>,
) -> Result<Option<VisibleProduct>, ShopError> {
    let sql = format!(
        "SELECT p.data, p.list_tiers, p.family, p.vat_rate, cp.tiers FROM products p
         LEFT JOIN contract_prices cp ON cp.company_id = :company AND cp.product_id = p.id
         WHERE p.sku = :sku AND p.deleted = 0 AND {}",
        db::VISIBLE
    );
    let row = conn
        .prepare_cached(&sql)?
        .query_row(named_params! {":company": company_id, ":sku": sku.trim()}, |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .optional()?;
    let Some((data, list, family, vat, contract)) = row else {
        return Ok(None);
    };
    Ok(Some(VisibleProduct {
        product: serde_json::from_str(&data)?,
        tiers: company_tiers(contract.as_deref(), &list, &family, discounts)?,
        vat_rate: decimal(&vat)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn discount_rounds_unit_prices_to_six_decimals() {
        let list = vec![Tier::new(1, dec!(0.0834)), Tier::new(10, dec!(38.50)), Tier::new(4000, dec!(0.00868))];
        let d = discounted(&list, dec!(12));
        // 0.0834 × 0.88 = 0.073392, exact; 38.50 × 0.88 = 33.88; 0.00868 × 0.88 = 0.0076384 → 0.007638
        assert_eq!(d[0].unit_price, dec!(0.073392));
        assert_eq!(d[1].unit_price, dec!(33.88));
        assert_eq!(d[2].unit_price, dec!(0.007638));
        assert_eq!(d[2].min_qty, 4000, "a tier keeps where it starts");
        assert_eq!(discounted(&list, Decimal::ZERO), list);
    }
}
