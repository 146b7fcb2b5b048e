//! `procure-shop order confirm|ship` and `procure-shop invoice
//! issue|credit|pay|list|show`: the supplier's side after the order, on the
//! shop's database (the server may be running). Each prints what it did
//! (`--json`: the order or invoice), or refuses with exit 5 and changes
//! nothing.

use crate::cli::{InvoiceCommand, OrderCommand, refused, shop_error, versioned};
use crate::fulfil::{self, NewDocument, Shipping};
use crate::{self as shop, invoices};
use procure_protocol::api::{Invoice, InvoiceKind, Order};
use procure_protocol::money::format_amount;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::ExitCode;

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", serde_json::to_string_pretty(&versioned(value))?)?;
    Ok(())
}

/// A document or invoice with the code of its company, as the lists print it.
#[derive(serde::Serialize)]
struct OfCompany<'a, T> {
    company: &'a str,
    #[serde(flatten)]
    value: &'a T,
}

/// The order's lines with their quantities and dates, as the supplier reads them.
fn print_lines(order: &Order) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for (i, l) in order.lines.iter().enumerate() {
        let mut dates = String::new();
        if let Some(p) = l.promised_delivery {
            dates.push_str(&format!("  promised {p}"));
            if let Some(r) = order.requested_delivery_date.filter(|r| p > *r) {
                dates.push_str(&format!(" (later than requested {r})"));
            }
        }
        writeln!(
            out,
            "  {:>3}  {:<20} {:>8} ordered {:>8} shipped {:>8} invoiced{dates}",
            i + 1,
            l.sku,
            l.quantity,
            l.shipped,
            l.invoiced
        )?;
    }
    Ok(())
}

pub fn order_command(cmd: OrderCommand) -> anyhow::Result<ExitCode> {
    let now = chrono::Utc::now();
    match cmd {
        OrderCommand::Confirm { db, number, promises, json } => {
            let mut conn = shop::open_db(&db)?;
            let order = match fulfil::confirm(&mut conn, &number, &promises, now) {
                Ok(o) => o,
                Err(e) => return shop_error(e),
            };
            if json {
                print_json(&order)?;
            } else {
                println!("Confirmed {} ({} lines):", order.number, order.lines.len());
                print_lines(&order)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        OrderCommand::Ship { db, number, lines, carrier, tracking, certificates, json } => {
            // Files first: a file that cannot be read refuses the shipment before anything changes.
            let mut documents = Vec::new();
            for (sku, path) in certificates {
                let shown = path.display();
                match std::fs::metadata(&path) {
                    Ok(m) if !m.is_file() => return refused(format!("{shown} is not a file (certificate for {sku})")),
                    Ok(m) if m.len() > fulfil::MAX_DOCUMENT_BYTES as u64 => {
                        return refused(format!(
                            "{shown} has {} bytes; a document has at most {} (10 MiB) (certificate for {sku})",
                            m.len(),
                            fulfil::MAX_DOCUMENT_BYTES
                        ));
                    }
                    Ok(_) => {}
                    Err(e) => return refused(format!("cannot read {shown}: {e} (certificate for {sku})")),
                }
                let content = match std::fs::read(&path) {
                    Ok(c) => c,
                    Err(e) => return refused(format!("cannot read {shown}: {e} (certificate for {sku})")),
                };
                let file_name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                documents.push(NewDocument { sku, file_name, content });
            }
            let mut conn = shop::open_db(&db)?;
            let shipping = Shipping { lines, carrier, tracking, documents };
            let order = match fulfil::ship(&mut conn, &number, shipping, now) {
                Ok(o) => o,
                Err(e) => return shop_error(e),
            };
            if json {
                print_json(&order)?;
            } else if let Some(s) = order.shipments.last() {
                let mut how = Vec::new();
                if let Some(c) = &s.carrier {
                    how.push(format!("carrier {c}"));
                }
                if let Some(t) = &s.tracking {
                    how.push(format!("tracking {t}"));
                }
                let how = if how.is_empty() { String::new() } else { format!(", {}", how.join(", ")) };
                println!(
                    "Shipped {} of {} ({}){how}:",
                    s.number,
                    order.number,
                    order.status.as_str().replace('_', " ")
                );
                for l in &s.lines {
                    println!("  {:>3}  {:<20} {:>8}", l.line, l.sku, l.quantity);
                }
                for d in &s.documents {
                    println!("  document for {}: {} ({})", d.sku, d.document.title, d.document.url);
                }
                println!("The order now:");
                print_lines(&order)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_invoice(company: &str, i: &Invoice) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let cur = &i.totals.currency;
    let what = match i.kind {
        InvoiceKind::Invoice => "Invoice",
        InvoiceKind::CreditNote => "Credit note",
    };
    writeln!(out, "{what} {} of {company} (orders {})", i.number, i.order_numbers.join(", "))?;
    if let Some(c) = &i.credits_invoice {
        writeln!(out, "credits {c}{}", i.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())?;
    }
    writeln!(out, "issued {}, due {} ({})", i.issue_date, i.due_date, i.payment_terms)?;
    if let Some(e) = &i.early_payment {
        writeln!(
            out,
            "early payment: {} % until {}: pay {} {cur} (discount {})",
            e.percent.normalize(),
            e.until,
            format_amount(e.amount),
            format_amount(e.discount)
        )?;
    }
    for l in &i.lines {
        let order = match (&l.order_number, l.order_line) {
            (Some(o), Some(n)) => format!("  ({o} line {n})"),
            _ => String::new(),
        };
        writeln!(
            out,
            "  {:>3}  {:<20} {:>8} × {:>10} = {:>12}  VAT {} %{order}",
            l.line,
            l.sku,
            l.quantity,
            format_amount(l.unit_price),
            format_amount(l.line_total),
            l.vat_rate.normalize()
        )?;
    }
    let t = &i.totals;
    writeln!(
        out,
        "net {}  shipping {}  VAT {}  gross {} {cur}",
        format_amount(t.net),
        format_amount(t.shipping),
        format_amount(t.vat),
        format_amount(t.gross)
    )?;
    writeln!(out, "{}", invoices::summary(i))?;
    for p in &i.payments {
        let r = p.reference.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
        writeln!(out, "  paid {} {cur} on {}{r}", format_amount(p.amount), p.date)?;
    }
    for d in &i.disputes {
        writeln!(out, "  DISPUTED on {} by {}: {}", d.at.date_naive(), d.by, d.reason)?;
    }
    Ok(())
}

pub fn invoice_command(cmd: InvoiceCommand) -> anyhow::Result<ExitCode> {
    let now = chrono::Utc::now();
    match cmd {
        InvoiceCommand::Issue { db, order, prices, json } => {
            let mut map = BTreeMap::new();
            for (sku, price) in prices {
                if map.insert(sku.clone(), price).is_some() {
                    return refused(format!("{sku} has two prices"));
                }
            }
            let mut conn = shop::open_db(&db)?;
            let i = match invoices::issue(&mut conn, &order, &map, now) {
                Ok(i) => i,
                Err(e) => return shop_error(e),
            };
            if json {
                print_json(&i)?;
            } else {
                println!(
                    "Issued {} for {}: {} lines, gross {} {}, due {}.",
                    i.number,
                    order.trim(),
                    i.lines.len(),
                    format_amount(i.totals.gross),
                    i.totals.currency,
                    i.due_date
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        InvoiceCommand::Credit { db, invoice, lines, reason, json } => {
            let mut conn = shop::open_db(&db)?;
            let c = match invoices::credit(&mut conn, &invoice, &lines, reason.as_deref(), now) {
                Ok(c) => c,
                Err(e) => return shop_error(e),
            };
            if json {
                print_json(&c)?;
            } else {
                println!(
                    "Issued credit note {} for {}: {} lines, gross {} {}.",
                    c.number,
                    invoice.trim(),
                    c.lines.len(),
                    format_amount(c.totals.gross),
                    c.totals.currency
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        InvoiceCommand::Pay { db, invoice, amount, reference, json } => {
            let mut conn = shop::open_db(&db)?;
            let i = match invoices::pay(&mut conn, &invoice, amount, reference.as_deref(), now) {
                Ok(i) => i,
                Err(e) => return shop_error(e),
            };
            if json {
                print_json(&i)?;
            } else {
                let today: Vec<String> = i
                    .payments
                    .iter()
                    .rev()
                    .take_while(|p| p.date == now.date_naive())
                    .map(|p| match &p.reference {
                        Some(r) => format!("{} ({r})", format_amount(p.amount)),
                        None => format_amount(p.amount),
                    })
                    .collect();
                println!(
                    "Recorded {} {} on {}: {}.",
                    today.into_iter().rev().collect::<Vec<_>>().join(" and "),
                    i.totals.currency,
                    i.number,
                    invoices::summary(&i)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        InvoiceCommand::List { db, company, open, json } => {
            let conn = shop::open_db(&db)?;
            let all = match invoices::list(&conn, company.as_deref(), open) {
                Ok(a) => a,
                Err(e) => return shop_error(e),
            };
            let mut out = std::io::stdout().lock();
            if json {
                let items: Vec<OfCompany<'_, Invoice>> =
                    all.iter().map(|(c, i)| OfCompany { company: c, value: i }).collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
            } else {
                for (c, i) in &all {
                    let disputed = if i.disputes.is_empty() { String::new() } else { "  DISPUTED".to_string() };
                    writeln!(
                        out,
                        "{:<14} {:<6} {:<11} {} due {}  gross {:>12} {}  open {:>12}  {:<11} {}{disputed}",
                        i.number,
                        c,
                        i.kind.as_str(),
                        i.issue_date,
                        i.due_date,
                        format_amount(i.totals.gross),
                        i.totals.currency,
                        format_amount(i.open),
                        i.status.as_str(),
                        i.order_numbers.join(",")
                    )?;
                    for d in &i.disputes {
                        writeln!(out, "    disputed on {} by {}: {}", d.at.date_naive(), d.by, d.reason)?;
                    }
                }
                if all.is_empty() {
                    eprintln!("No invoices.");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        InvoiceCommand::Show { db, number, json } => {
            let conn = shop::open_db(&db)?;
            let (company, i) = match invoices::get(&conn, None, &number) {
                Ok(found) => found,
                Err(e) => return shop_error(e),
            };
            if json {
                print_json(&OfCompany { company: &company, value: &i })?;
            } else {
                print_invoice(&company, &i)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
