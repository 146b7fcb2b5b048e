//! quote request|list|show|accept|decline|message

use super::CmdResult;
use super::output::{Out, fit};
use clap::Subcommand;
use procure_client::api::{AcceptQuote, Quote};
use procure_client::core::order::DeliveryDate;
use procure_client::core::text::format_amount;
use procure_client::service::{Supplier, Workspace, quotes};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum QuoteCommand {
    /// Ask the supplier for a quote on a basket.
    #[command(after_help = "Examples:
  procure quote request --basket yearly
  procure quote request --basket yearly --target P-100233=5.50 --target P-100240=0.07 --deliver-on 2027-01-15")]
    Request {
        /// The basket to ask a quote for. Example: --basket yearly
        #[arg(long)]
        basket: String,
        /// Target unit price for a line: SKU=PRICE (repeatable). Example: --target P-100233=5.50
        #[arg(long = "target", value_parser = procure_client::core::text::parse_sku_price)]
        targets: Vec<(String, Decimal)>,
        /// Requested delivery date: YYYY-MM-DD, or days or weeks from today (+30d, +4w). Example: --deliver-on 2027-01-15
        #[arg(long, value_parser = super::parse_delivery)]
        deliver_on: Option<DeliveryDate>,
        /// A comment for the supplier. Example: --comment "yearly demand, delivery in 4 lots"
        #[arg(long)]
        comment: Option<String>,
    },
    /// Your company's quote requests.
    #[command(
        after_help = "Examples:\n  procure quote list\n  procure --json quote list\n  procure quote list --all-suppliers"
    )]
    List {
        /// Every supplier's quote requests, newest first, each with its supplier. Example: -A
        #[arg(long, short = 'A')]
        all_suppliers: bool,
    },
    /// A quote with offered prices beside your targets, and its messages.
    #[command(after_help = "Examples:\n  procure quote show Q-ACME-1001")]
    Show {
        /// The quote number. Example: Q-ACME-1001
        number: String,
    },
    /// Accept an offer: it becomes an order at the offered prices.
    #[command(
        after_help = "Examples:\n  procure quote accept Q-ACME-1001 --po PO-4712\n  procure quote accept Q-ACME-1001 --po PO-4712 --ship-to plant-2 --ship-complete"
    )]
    Accept {
        /// The quote number. Example: Q-ACME-1001
        number: String,
        /// Your purchase order number. Example: --po PO-4712
        #[arg(long)]
        po: String,
        /// Ship-to address id (see `procure account`). Example: --ship-to plant-2
        #[arg(long)]
        ship_to: Option<String>,
        /// Shipping method id. Example: --shipping freight
        #[arg(long)]
        shipping: Option<String>,
        /// Deliver only complete (no partial deliveries). Example: --ship-complete
        #[arg(long)]
        ship_complete: bool,
        /// Requested delivery date: YYYY-MM-DD, or days or weeks from today (+30d, +4w). Example: --deliver-on 2027-01-15
        #[arg(long, value_parser = super::parse_delivery)]
        deliver_on: Option<DeliveryDate>,
        /// A comment for the supplier. Example: --comment "call before delivery"
        #[arg(long)]
        comment: Option<String>,
    },
    /// Decline an offer.
    #[command(after_help = "Examples:\n  procure quote decline Q-ACME-1001 --reason \"too expensive\"")]
    Decline {
        /// The quote number. Example: Q-ACME-1001
        number: String,
        /// Why, for the supplier. Example: --reason "too expensive"
        #[arg(long)]
        reason: Option<String>,
    },
    /// Add a message to the quote's thread.
    #[command(after_help = "Examples:\n  procure quote message Q-ACME-1001 \"Can you do 4 weeks?\"")]
    Message {
        /// The quote number. Example: Q-ACME-1001
        number: String,
        /// The message. Example: "Can you do 4 weeks?"
        text: String,
    },
}

pub async fn run(out: &Out, sup: &Supplier, cmd: QuoteCommand) -> CmdResult {
    match cmd {
        QuoteCommand::Request { basket, targets, deliver_on, comment } => {
            let targets: BTreeMap<String, Decimal> = targets.into_iter().collect();
            let deliver_on = deliver_on.map(|d| d.resolve(sup.clock().today()));
            let q = quotes::request(sup, &basket, &targets, deliver_on, comment).await?;
            if out.json {
                out.data(&q);
            } else {
                out.line(format!(
                    "Quote request {} sent ({} lines); the supplier will answer with an offer.",
                    q.number,
                    q.lines.len()
                ));
            }
        }
        QuoteCommand::List { .. } => {
            let seen = quotes::list_or_seen(sup).await?;
            let list = &seen.value;
            out.seen_list(list, seen.offline, seen.as_of, "the quotes");
            if out.json {
                // Written by `seen_list`.
            } else if list.is_empty() {
                out.note("No quote requests yet.");
            } else {
                out.line(format!(
                    "{} {} {} {:>5}  {}",
                    fit("QUOTE", 14),
                    fit("DATE", 10),
                    fit("STATUS", 10),
                    "LINES",
                    "VALID UNTIL / ORDER"
                ));
                for q in list {
                    let tail = match (&q.order_number, q.valid_until) {
                        (Some(o), _) => format!("order {o}"),
                        (None, Some(d)) => d.to_string(),
                        _ => String::new(),
                    };
                    out.line(format!(
                        "{} {} {} {:>5}  {tail}",
                        fit(&q.number, 14),
                        q.created_at.date_naive(),
                        fit(q.status.as_str(), 10),
                        q.line_count
                    ));
                }
            }
        }
        QuoteCommand::Show { number } => {
            let q = quotes::show(sup, &number).await?;
            if out.json {
                out.data(&q);
            } else {
                print_quote(out, &q);
            }
        }
        QuoteCommand::Accept { number, po, ship_to, shipping, ship_complete, deliver_on, comment } => {
            let accept = AcceptQuote {
                po_number: po,
                ship_to,
                shipping_method: shipping,
                ship_complete,
                requested_delivery_date: deliver_on.map(|d| d.resolve(sup.clock().today())),
                comment,
            };
            let a = quotes::accept(sup, &number, &accept).await?;
            if out.json {
                out.data(&a);
            } else {
                out.line(format!(
                    "Quote {} {}: order {} ({}) — {} {} gross at the offered prices",
                    a.quote.number,
                    if a.replayed { "was already accepted" } else { "accepted" },
                    a.order.number,
                    a.order.status.as_str(),
                    format_amount(a.order.totals.gross),
                    a.order.totals.currency
                ));
            }
        }
        QuoteCommand::Decline { number, reason } => {
            let q = quotes::decline(sup, &number, reason).await?;
            if out.json {
                out.data(&q);
            } else {
                out.line(format!("Quote {} declined.", q.number));
            }
        }
        QuoteCommand::Message { number, text } => {
            let q = quotes::message(sup, &number, &text).await?;
            if out.json {
                out.data(&q);
            } else {
                out.note(format!("Message added to {}.", q.number));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_quote(out: &Out, q: &Quote) {
    out.line(format!(
        "Quote {} — {} — requested {} by {}",
        q.number,
        q.status.as_str(),
        q.created_at.date_naive(),
        q.requested_by
    ));
    if let Some(d) = q.valid_until {
        out.line(format!("  offer valid until {d}"));
    }
    if let Some(d) = q.requested_delivery_date {
        out.line(format!("  requested delivery {d}"));
    }
    if let Some(o) = &q.order_number {
        out.line(format!("  became order {o}"));
    }
    out.line(format!(
        "  {} {:>7} {:>10} {:>10} {:>10}  {}",
        fit("SKU", 12),
        "QTY",
        "LIST",
        "TARGET",
        "OFFERED",
        "NAME"
    ));
    let dash = || "-".to_string();
    for l in &q.lines {
        out.line(format!(
            "  {} {:>7} {:>10} {:>10} {:>10}  {}",
            fit(&l.sku, 12),
            l.quantity,
            l.list_unit_price.map(format_amount).unwrap_or_else(dash),
            l.target_unit_price.map(format_amount).unwrap_or_else(dash),
            l.offered_unit_price.map(format_amount).unwrap_or_else(dash),
            l.name
        ));
    }
    if let Some(t) = &q.offer_totals {
        out.line(format!(
            "  offer: net {} shipping {} VAT {} total {} {}",
            format_amount(t.net),
            format_amount(t.shipping),
            format_amount(t.vat),
            format_amount(t.gross),
            t.currency
        ));
    }
    if let Some(c) = &q.comment {
        out.line(format!("  comment: {c}"));
    }
    for m in &q.messages {
        out.line(format!("  [{} {} {}] {}", m.at.format("%Y-%m-%d %H:%M"), m.side, m.author, m.text));
    }
}

/// `quote list --all-suppliers`: one list, each quote with its supplier.
pub async fn list_all(out: &Out, ws: &Workspace) -> CmdResult {
    let all = procure_client::service::suppliers::quotes(ws).await?;
    if out.json {
        out.data(&all.items);
    } else if all.items.is_empty() && all.failed.is_empty() {
        out.note("No quote requests yet.");
    } else if !all.items.is_empty() {
        let width = all.items.iter().map(|q| q.supplier.chars().count()).max().unwrap_or(8).clamp(8, 14);
        out.line(format!(
            "{} {} {} {} {:>5}  {}",
            fit("SUPPLIER", width),
            fit("QUOTE", 14),
            fit("DATE", 10),
            fit("STATUS", 10),
            "LINES",
            "VALID UNTIL / ORDER"
        ));
        for q in &all.items {
            let (s, q) = (&q.supplier, &q.item);
            let tail = match (&q.order_number, q.valid_until) {
                (Some(o), _) => format!("order {o}"),
                (None, Some(d)) => d.to_string(),
                _ => String::new(),
            };
            out.line(format!(
                "{} {} {} {} {:>5}  {tail}",
                fit(s, width),
                fit(&q.number, 14),
                q.created_at.date_naive(),
                fit(q.status.as_str(), 10),
                q.line_count
            ));
        }
    }
    match all.failure() {
        Some(e) => Ok(out.fail(&e)),
        None => Ok(ExitCode::SUCCESS),
    }
}
