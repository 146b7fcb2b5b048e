//! order preview|submit|list|show

use super::CmdResult;
use super::output::{Out, fit};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use procure_client::core::money::format_amount;
use procure_client::core::order::CheckoutOptions;
use procure_client::service::history::{self, OrderFilter};
use procure_client::service::ordering::{self, Checkout};
use procure_client::service::{Context, Error};
use procure_client::store::Paths;
use std::io::BufRead;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Let the shop price and check a basket as an order, without placing it.
    #[command(after_help = "Examples:
  procure order preview --basket weekly --po PO-4711
  procure order preview --basket weekly --po PO-4711 --deliver-on 2026-12-15 --ship-complete --ship-to plant-2")]
    Preview(CheckoutArgs),
    /// Place a basket as an order (previews first; stops on a price change unless --yes).
    #[command(after_help = "Examples:
  procure order submit --basket weekly --po PO-4711 --deliver-on 2026-12-15
  procure --json order submit --basket weekly --po PO-4711 --yes")]
    Submit(SubmitArgs),
    /// Your company's orders, newest first; the options narrow the list.
    #[command(after_help = "Examples:
  procure order list --status shipped
  procure order list --po 4711 --since 2026-11-01
  procure --json order list -n 10")]
    List(ListArgs),
    /// One order with its lines.
    #[command(after_help = "Examples:\n  procure order show SO-100001\n  procure --json order show SO-100001")]
    Show {
        /// The order number, as `order list` shows it. Example: SO-100001
        number: String,
    },
    /// Copy a past order into a basket (discontinued parts become their successors).
    #[command(after_help = "Examples:\n  procure order reorder SO-100001 --into weekly")]
    Reorder {
        /// The order to copy. Example: SO-100001
        number: String,
        /// The basket to fill (created when missing, otherwise added to). Example: --into weekly
        #[arg(long)]
        into: String,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// At most this many orders. Example: -n 10
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: usize,
    /// Only orders in this state: placed, pending_approval, confirmed, shipped, delivered or cancelled. Example: --status shipped
    #[arg(long, value_parser = history::parse_status)]
    pub status: Option<procure_client::api::OrderStatus>,
    /// Only orders whose PO number contains this text (case ignored). Example: --po 4711
    #[arg(long)]
    pub po: Option<String>,
    /// Only orders placed on or after this day (YYYY-MM-DD). Example: --since 2026-11-01
    #[arg(long, value_parser = super::parse_date)]
    pub since: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct CheckoutArgs {
    /// The basket to order. Example: --basket weekly
    #[arg(long)]
    pub basket: String,
    /// Your purchase order number. Example: --po PO-4711
    #[arg(long)]
    pub po: String,
    /// Requested delivery date (YYYY-MM-DD). Example: --deliver-on 2026-12-15
    #[arg(long, value_parser = super::parse_date)]
    pub deliver_on: Option<NaiveDate>,
    /// Ship-to address id (see `procure account`; default: the company's first). Example: --ship-to plant-2
    #[arg(long)]
    pub ship_to: Option<String>,
    /// Deliver only complete (no partial deliveries). Example: --ship-complete
    #[arg(long)]
    pub ship_complete: bool,
    /// Shipping method id (see `procure order preview`; default: the company's first). Example: --shipping express
    #[arg(long)]
    pub shipping: Option<String>,
    /// A comment for the supplier. Example: --comment "gate 3, ask for Mr Weber"
    #[arg(long)]
    pub comment: Option<String>,
}

#[derive(Debug, Args)]
pub struct SubmitArgs {
    #[command(flatten)]
    pub checkout: CheckoutArgs,
    /// Place the order even if prices changed since the basket was priced. Example: --yes
    #[arg(long)]
    pub yes: bool,
}

impl CheckoutArgs {
    fn options(&self) -> CheckoutOptions {
        CheckoutOptions {
            po_number: self.po.clone(),
            ship_to: self.ship_to.clone(),
            requested_delivery_date: self.deliver_on,
            ship_complete: self.ship_complete,
            shipping_method: self.shipping.clone(),
            comment: self.comment.clone(),
        }
    }
}

pub async fn run(out: &Out, paths: Paths, asked: Option<&str>, cmd: OrderCommand) -> CmdResult {
    let ctx = Context::open(paths, asked)?;
    match cmd {
        OrderCommand::Preview(args) => {
            let checkout = ordering::preview(&ctx, &args.basket, &args.options()).await?;
            if out.json {
                out.data(&checkout);
            } else {
                print_checkout(out, &ctx, &checkout);
            }
        }
        OrderCommand::Submit(args) => {
            let checkout = ordering::preview(&ctx, &args.checkout.basket, &args.checkout.options()).await?;
            let mut accept = args.yes;
            if !checkout.price_changes.is_empty() && !accept {
                print_changes(out, &checkout);
                if out.interactive() {
                    out.note("Place the order at the new prices? [y/N] ");
                    let mut line = String::new();
                    let _ = std::io::stdin().lock().read_line(&mut line);
                    accept = matches!(line.trim(), "y" | "Y" | "yes");
                }
                if !accept {
                    return Err(Error::PricesChanged(checkout.price_changes.clone()));
                }
            }
            let done = ordering::submit(&ctx, &args.checkout.basket, &checkout, accept).await?;
            if out.json {
                out.data(&done);
            } else {
                let o = &done.order;
                out.line(format!(
                    "Order {} {} — PO {}, {} lines, {} {} gross{}",
                    o.number,
                    if done.replayed { "was already placed" } else { "placed" },
                    o.po_number,
                    o.lines.len(),
                    format_amount(o.totals.gross),
                    o.totals.currency,
                    if o.status == procure_client::api::OrderStatus::PendingApproval {
                        " — waiting for approval (above your order limit)"
                    } else {
                        ""
                    }
                ));
            }
        }
        OrderCommand::List(args) => {
            let filter = OrderFilter { status: args.status, po: args.po, since: args.since };
            let orders = history::orders(&ctx, args.limit, &filter).await?;
            if out.json {
                out.data(&orders);
            } else if orders.is_empty() {
                out.note("No orders yet.");
            } else {
                out.line(format!(
                    "{} {} {} {} {:>12}  {}",
                    fit("ORDER", 14),
                    fit("DATE", 10),
                    fit("STATUS", 16),
                    fit("PO", 16),
                    "NET",
                    "BY"
                ));
                for o in &orders {
                    out.line(format!(
                        "{} {} {} {} {:>12}  {}",
                        fit(&o.number, 14),
                        o.created_at.date_naive(),
                        fit(o.status.as_str(), 16),
                        fit(&o.po_number, 16),
                        format_amount(o.totals.net),
                        o.placed_by
                    ));
                }
            }
        }
        OrderCommand::Show { number } => {
            let o = ordering::show(&ctx, &number).await?;
            if out.json {
                out.data(&o);
            } else {
                out.line(format!("Order {} — {} — {}", o.number, o.status.as_str(), o.created_at.date_naive()));
                out.line(format!("  PO {}   placed by {}", o.po_number, o.placed_by));
                if let Some(q) = &o.quote_number {
                    out.line(format!("  From quote {q} (offered prices)"));
                }
                if let Some(a) = &o.approval {
                    let verb =
                        if a.decision == procure_client::api::Decision::Approved { "Approved" } else { "Rejected" };
                    let why = a.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default();
                    out.line(format!("  {verb} by {} on {}{why}", a.decided_by, a.decided_at.date_naive()));
                }
                out.line(format!(
                    "  Ship to {}: {}, {}, {} {}, {}",
                    o.ship_to.id,
                    o.ship_to.name,
                    o.ship_to.street,
                    o.ship_to.postal_code,
                    o.ship_to.city,
                    o.ship_to.country
                ));
                if let Some(d) = o.requested_delivery_date {
                    out.line(format!("  Requested delivery {d}{}", if o.ship_complete { ", complete" } else { "" }));
                }
                out.line(format!("  Shipping {}   Payment {}", o.shipping_method.name, o.payment_terms));
                if let Some(c) = &o.comment {
                    out.line(format!("  Comment {c}"));
                }
                print_lines(out, &o.lines, &o.totals);
            }
        }
        OrderCommand::Reorder { number, into } => {
            let r = ordering::reorder(&ctx, &number, &into).await?;
            if out.json {
                out.data(&r);
            } else {
                out.line(format!("Order {} → basket {}", r.order, r.basket));
                for l in &r.lines {
                    let price = match l.new_unit_price {
                        Some(p) if p != l.old_unit_price => {
                            format!("price {} → {}", format_amount(l.old_unit_price), format_amount(p))
                        }
                        Some(p) => format!("price {} unchanged", format_amount(p)),
                        None => "no current price".into(),
                    };
                    if l.replaced {
                        out.line(format!(
                            "  {} × {}  REPLACED: {} is discontinued, successor {}; {price}",
                            l.sku, l.qty, l.ordered_sku, l.sku
                        ));
                    } else {
                        out.line(format!("  {} × {}  {price}", l.sku, l.qty));
                    }
                }
                for (sku, why) in &r.skipped {
                    out.line(format!("  {sku} not added: {why}"));
                }
            }
            if !r.skipped.is_empty() {
                return Ok(super::exit(procure_client::service::ErrorKind::Rejected));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_changes(out: &Out, c: &Checkout) {
    if out.json {
        return;
    }
    out.note("Prices changed since the basket was priced:");
    for ch in &c.price_changes {
        out.note(format!(
            "  {} × {}: {} → {}",
            ch.sku,
            ch.quantity,
            ch.seen.map(format_amount).unwrap_or_else(|| "-".into()),
            format_amount(ch.now)
        ));
    }
}

/// Priced lines and totals of an order or a preview.
fn print_lines(out: &Out, lines: &[procure_client::api::PricedLine], t: &procure_client::api::Totals) {
    for l in lines {
        out.line(format!(
            "  {} {:>7} {:>10} {:>11}  {}",
            fit(&l.sku, 12),
            l.quantity,
            format_amount(l.unit_price),
            format_amount(l.line_total),
            l.name
        ));
    }
    out.line(format!(
        "  net {}  shipping {}  VAT {}  total {} {}",
        format_amount(t.net),
        format_amount(t.shipping),
        format_amount(t.vat),
        format_amount(t.gross),
        t.currency
    ));
}

fn print_checkout(out: &Out, ctx: &Context, c: &Checkout) {
    let p = &c.preview;
    out.line(format!("Order preview for basket {} (PO {})", c.basket.name, c.draft.po_number));
    print_lines(out, &p.lines, &p.totals);
    out.line(format!("  earliest delivery {}", p.earliest_delivery));
    if p.needs_approval {
        out.line("  needs approval: above your order limit");
    }
    if let Some(c) = &p.credit {
        match c.available {
            Some(a) => out.line(format!(
                "  credit: available {} {} (limit {}, open {})",
                format_amount(a),
                c.currency,
                c.limit.map(format_amount).unwrap_or_default(),
                format_amount(c.open_balance)
            )),
            None => out.line(format!("  credit: no limit (open {} {})", format_amount(c.open_balance), c.currency)),
        }
    }
    if let Ok(Some(me)) = ctx.cache().and_then(|c| Ok(c.me()?)) {
        out.line(format!("  payment {}", me.company.payment_terms));
        for a in &me.company.ship_to {
            out.line(format!("  ship-to {:<10} {}, {}, {} {}", a.id, a.name, a.street, a.postal_code, a.city));
        }
        for m in &me.company.shipping_methods {
            out.line(format!("  shipping {:<9} {} ({})", m.id, m.name, format_amount(m.price)));
        }
    }
    if !c.price_changes.is_empty() {
        print_changes(out, c);
    }
}
