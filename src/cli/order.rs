//! order preview|submit|pending|discard-pending|list|show|late|receive|reorder

use super::CmdResult;
use super::output::{Out, fit};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use procure_client::core::order::{CheckoutOptions, DeliveryDate};
use procure_client::core::text::{format_amount, format_price, format_totals};
use procure_client::service::baskets::{self, Merge};
use procure_client::service::expediting::{self, OrderView};
use procure_client::service::history::{self, OrderFilter};
use procure_client::service::ordering::{self, Checkout, PriceGuard, Submission};
use procure_client::service::receiving::{self, Goods};
use procure_client::service::{Error, Supplier};
use std::io::BufRead;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Let the shop price and check a basket as an order, without placing it (exit 6 where submit would stop on a price change).
    #[command(after_help = "Examples:
  procure order preview --basket weekly --po PO-4711
  procure order preview --basket weekly --po PO-4711 --deliver-on 2026-12-15 --ship-complete --ship-to plant-2")]
    Preview(PreviewArgs),
    /// Place a basket as an order (previews first; stops on a price change unless --yes); sends a waiting one.
    #[command(after_help = "Examples:
  procure order submit --basket weekly --po PO-4711 --deliver-on 2026-12-15
  procure --json order submit --basket weekly --po PO-4711 --max-increase 3
  procure order submit --basket weekly            # send the order that waits for the shop")]
    Submit(SubmitArgs),
    /// Submissions that wait for the shop (it was unreachable when they were sent).
    #[command(after_help = "Examples:\n  procure order pending\n  procure --json order pending")]
    Pending,
    /// Drop a waiting submission of a basket (asks first at a terminal).
    #[command(after_help = "Examples:\n  procure order discard-pending weekly")]
    DiscardPending {
        /// The basket. Example: weekly
        basket: String,
        /// Do not ask. Example: --yes
        #[arg(long)]
        yes: bool,
    },
    /// Your company's orders, newest first; the options narrow the list.
    #[command(after_help = "Examples:
  procure order list --status shipped
  procure order list --po 4711 --since 2026-11-01
  procure --json order list -n 10
  procure order list --all-suppliers --status shipped")]
    List(ListArgs),
    /// One order with its lines: per line ordered, requested, promised, shipped, received and invoiced; shipments with carrier, tracking and documents; goods receipts (offline: as last synced).
    #[command(after_help = "Examples:\n  procure order show SO-ACME-1001\n  procure --json order show SO-ACME-1001")]
    Show {
        /// The order number, as `order list` shows it. Example: SO-ACME-1001
        number: String,
    },
    /// The expediting list: open lines promised later than requested, past their promised date and not fully shipped, or not confirmed by the requested date; most urgent first. Every supplier unless --profile names one; exit 0 when nothing is late.
    #[command(
        after_help = "Examples:\n  procure order late\n  procure --json order late\n  procure --profile acme order late"
    )]
    Late,
    /// Record what arrived of an order (goods receipt): SKU=QTY per part, or --all for everything shipped and not received yet. More than shipped is refused.
    #[command(after_help = "Examples:
  procure order receive SO-ACME-1001 T-BRG-1=5 T-SCR-1=200
  procure order receive SO-ACME-1001 --all --note \"gate 3, one box damaged\"
  procure order receive SO-ACME-1001 --all --id DN-ACME-1001-1   # a rerun with this id records nothing new")]
    Receive(ReceiveArgs),
    /// Copy a past order into a basket (discontinued parts become their successors).
    #[command(after_help = "Examples:\n  procure order reorder SO-ACME-1001 --into weekly")]
    Reorder {
        /// The order to copy. Example: SO-ACME-1001
        number: String,
        /// The basket to fill (created when missing; one with lines needs --add or --replace). Example: --into weekly
        #[arg(long)]
        into: String,
        #[command(flatten)]
        merge: MergeArgs,
    },
}

#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// The order, as `order list` shows it. Example: SO-ACME-1001
    pub number: String,
    /// What arrived, as SKU=QTY (a part on several lines fills them in order). Example: T-BRG-1=5
    #[arg(value_parser = parse_sku_qty, required_unless_present = "all", conflicts_with = "all")]
    pub lines: Vec<(String, u32)>,
    /// Everything shipped (or, where the supplier reports no shipments, ordered) and not received yet; a rerun receives nothing more. Example: --all
    #[arg(long)]
    pub all: bool,
    /// A note kept with the receipt. Example: --note "one box damaged"
    #[arg(long)]
    pub note: Option<String>,
    /// The receipt's id, e.g. the delivery note's number: the same id again records nothing new (with other goods it is refused). Example: --id DN-ACME-1001-1
    #[arg(long)]
    pub id: Option<String>,
}

fn parse_sku_qty(s: &str) -> Result<(String, u32), String> {
    procure_client::core::receipt::parse_pair(s)
}

/// Into a basket that has lines: add to them or replace them.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Add the quantities to the basket's lines. Example: --add
    #[arg(long, conflicts_with = "replace")]
    pub add: bool,
    /// Make the basket exactly the new lines. Example: --replace
    #[arg(long)]
    pub replace: bool,
}

impl MergeArgs {
    pub fn merge(&self) -> Merge {
        if self.add {
            Merge::Add
        } else if self.replace {
            Merge::Replace
        } else {
            Merge::Ask
        }
    }
}

/// Which price changes since the buyer agreed may pass.
#[derive(Debug, Args)]
pub struct GuardArgs {
    /// Accept every price change (the order is placed at the shop's prices). Example: --yes
    #[arg(long)]
    pub yes: bool,
    /// Accept price increases up to this many percent (decreases always pass). Example: --max-increase 3
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub max_increase: Option<rust_decimal::Decimal>,
}

impl GuardArgs {
    fn guard(&self) -> PriceGuard {
        PriceGuard { accept_all: self.yes, max_increase: self.max_increase, seen: vec![] }
    }
}

fn parse_percent(s: &str) -> Result<rust_decimal::Decimal, String> {
    let p: rust_decimal::Decimal =
        s.trim().trim_end_matches('%').parse().map_err(|_| format!("{s:?} is not a percentage like 10 or 2.5"))?;
    if p < rust_decimal::Decimal::ZERO {
        return Err("--max-increase cannot be negative".into());
    }
    Ok(p)
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub checkout: CheckoutArgs,
    #[command(flatten)]
    pub guard: GuardArgs,
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
    /// Every supplier's orders, newest first, each with its supplier (order numbers can be the same at two). Example: -A
    #[arg(long, short = 'A')]
    pub all_suppliers: bool,
}

#[derive(Debug, Args)]
pub struct CheckoutArgs {
    /// The basket to order. Example: --basket weekly
    #[arg(long)]
    pub basket: String,
    /// Your purchase order number (not needed to send a waiting submission). Example: --po PO-4711
    #[arg(long)]
    pub po: Option<String>,
    /// Requested delivery date: YYYY-MM-DD, or days or weeks from today (+30d, +4w). Example: --deliver-on +30d
    #[arg(long, value_parser = super::parse_delivery)]
    pub deliver_on: Option<DeliveryDate>,
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
    /// Place the order even if another open order has this PO number. Example: --allow-duplicate-po
    #[arg(long)]
    pub allow_duplicate_po: bool,
}

#[derive(Debug, Args)]
pub struct SubmitArgs {
    #[command(flatten)]
    pub checkout: CheckoutArgs,
    #[command(flatten)]
    pub guard: GuardArgs,
    /// Check everything and place nothing: the same as `order preview`, with its exit code. Example: --dry-run
    #[arg(long)]
    pub dry_run: bool,
}

impl CheckoutArgs {
    /// The options; a delivery date from today counts from `today`.
    fn options(&self, today: NaiveDate) -> CheckoutOptions {
        CheckoutOptions {
            po_number: self.po.clone().unwrap_or_default(),
            ship_to: self.ship_to.clone(),
            requested_delivery_date: self.deliver_on.map(|d| d.resolve(today)),
            ship_complete: self.ship_complete,
            shipping_method: self.shipping.clone(),
            comment: self.comment.clone(),
            allow_duplicate_po: self.allow_duplicate_po,
        }
    }
}

pub async fn run(out: &Out, sup: &Supplier, cmd: OrderCommand) -> CmdResult {
    match cmd {
        OrderCommand::Preview(args) => return preview(out, sup, &args.checkout, &args.guard).await,
        OrderCommand::Submit(args) if args.dry_run => return preview(out, sup, &args.checkout, &args.guard).await,
        OrderCommand::Pending => {
            let waiting = ordering::pending(sup)?;
            if out.json {
                out.data(&waiting);
            } else if waiting.is_empty() {
                out.note("No submission waits for the shop.");
            } else {
                for w in &waiting {
                    out.line(format!(
                        "{} PO {}  {} line{}  waiting since {}  → procure order submit --basket {}",
                        fit(&w.basket, 20),
                        w.po_number,
                        w.lines,
                        if w.lines == 1 { "" } else { "s" },
                        w.started_at.format("%Y-%m-%d %H:%M UTC"),
                        w.basket
                    ));
                    if w.basket_changed {
                        out.line(format!(
                            "{} the basket changed since: its changes are not in this order (it is sent as it was)",
                            " ".repeat(20)
                        ));
                    }
                }
            }
        }
        OrderCommand::DiscardPending { basket, yes } => {
            if !yes && out.interactive() {
                let w = ordering::pending(sup)?.into_iter().find(|w| w.basket == basket);
                if let Some(w) = w
                    && !ask(&format!(
                        "Drop the waiting order of basket {basket} (PO {})? If it reached the shop it stays there. [y/N] ",
                        w.po_number
                    ))
                {
                    out.note("Kept.");
                    return Ok(ExitCode::SUCCESS);
                }
            }
            let w = ordering::discard_pending(sup, &basket).await?;
            if out.json {
                out.data(&w);
            } else {
                out.note(format!(
                    "Dropped the waiting submission of {basket} (PO {}). Check `procure order list`: if it had reached \
                     the shop, the order is there.",
                    w.po_number
                ));
            }
        }
        OrderCommand::Submit(args) => {
            let opts = args.checkout.options(sup.clock().today());
            let mut guard = args.guard.guard();
            let done = loop {
                match ordering::submit(sup, &args.checkout.basket, &opts, &guard).await? {
                    Submission::Placed(done) => break done,
                    Submission::PricesChanged(checkout) => {
                        print_changes(out, &checkout);
                        // Only the changes shown here can be accepted; the shop is asked again.
                        if out.interactive() && ask("Place the order at the new prices? [y/N] ") {
                            guard.seen = checkout.price_changes.clone();
                            continue;
                        }
                        return Err(Error::PricesChanged(guard.blocked(&checkout.price_changes)));
                    }
                }
            };
            if out.json {
                out.data(&done);
            } else {
                let o = &done.order;
                for c in &done.accepted_price_changes {
                    out.note(format!("  price accepted: {} × {}: {}", c.sku, c.quantity, c.describe()));
                }
                out.line(format!(
                    "Order {} {} — PO {}, {} lines, {} {} gross{}",
                    o.number,
                    if done.replayed {
                        "was already placed"
                    } else if done.resumed {
                        "placed (it was waiting for the shop)"
                    } else {
                        "placed"
                    },
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
            note_waiting(out, sup);
            report_inbox(out, sup).await?;
            let filtered = args.status.is_some() || args.po.is_some() || args.since.is_some();
            let filter = OrderFilter { status: args.status, po: args.po, since: args.since };
            let seen = history::orders_or_seen(sup, args.limit, &filter).await?;
            let orders = &seen.value;
            out.seen_list(orders, seen.offline, seen.as_of, "the orders");
            if out.json {
                // Written by `seen_list`.
            } else if orders.is_empty() && filtered {
                out.note("No orders match.");
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
                for o in orders {
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
            report_inbox(out, sup).await?;
            let v = expediting::order(sup, &number).await?;
            if out.json {
                out.data(&v);
            } else {
                print_order(out, &v);
            }
        }
        // Handled in `cli::dispatch`, which knows the suppliers.
        OrderCommand::Late => {}
        OrderCommand::Receive(args) => {
            report_inbox(out, sup).await?;
            let goods = if args.all { Goods::All } else { Goods::Lines(args.lines) };
            let r = receiving::receive(sup, &args.number, &goods, args.note, args.id).await?;
            if out.json {
                out.data(&r);
            } else {
                match (&r.receipt, r.replayed) {
                    (None, _) => out.note(format!(
                        "Nothing to receive of order {}: everything {} is received.",
                        r.order.order.number, r.order.receive_limit
                    )),
                    (Some(rc), replayed) => {
                        out.line(format!(
                            "{} {} of order {}{}:",
                            if replayed { "Receipt was already recorded:" } else { "Received" },
                            rc.id,
                            rc.order,
                            rc.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
                        ));
                        for l in &rc.lines {
                            out.line(format!("  line {} {} × {}", l.line, l.sku, l.quantity));
                        }
                    }
                }
                print_progress(out, &r.order);
            }
        }
        OrderCommand::Reorder { number, into, merge } => {
            let r = ordering::reorder(sup, &number, &into, merge.merge()).await?;
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

/// `order preview` and `order submit --dry-run`: every check submit runs,
/// with the exit code submit would give. Where submit would stop after
/// the shop priced the order (a price change: 6; more than the available
/// credit: 5), the preview is printed on stdout and the error, as submit
/// writes it, on stderr. At a terminal the buyer may accept the new
/// prices, which then count as agreed.
async fn preview(out: &Out, sup: &Supplier, args: &CheckoutArgs, guard: &GuardArgs) -> CmdResult {
    note_waiting(out, sup);
    let checkout = ordering::preview(sup, &args.basket, &args.options(sup.clock().today())).await?;
    if out.json {
        out.data(&checkout);
    } else {
        print_checkout(out, sup, &checkout);
    }
    let blocked = guard.guard().blocked(&checkout.price_changes);
    if !blocked.is_empty() {
        if out.interactive() && ask("Accept the new prices for this basket? [y/N] ") {
            let prices: Vec<_> = checkout.price_changes.iter().map(|c| (c.sku.clone(), c.now)).collect();
            baskets::agree(sup, &args.basket, &prices)?;
            out.note("Accepted: the basket's agreed prices are the new ones.");
        } else {
            return Ok(out.fail(&Error::PricesChanged(blocked)));
        }
    }
    if let Some(refusal) = ordering::refusal(&checkout) {
        return Ok(out.fail(&refusal));
    }
    Ok(ExitCode::SUCCESS)
}

/// Says on stderr which baskets have an order waiting for the shop (not
/// with `--json`: stderr then holds the error document alone, and `order
/// pending --json` lists them).
fn note_waiting(out: &Out, sup: &Supplier) {
    if out.json {
        return;
    }
    for w in ordering::pending(sup).unwrap_or_default() {
        out.note(format!(
            "Basket {} has an order waiting for the shop (PO {}, since {}): send it with `procure order submit \
             --basket {}`.",
            w.basket,
            w.po_number,
            w.started_at.format("%Y-%m-%d %H:%M UTC"),
            w.basket
        ));
    }
}

pub(super) fn ask(question: &str) -> bool {
    eprint!("{question}");
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    matches!(line.trim(), "y" | "Y" | "yes")
}

/// What arrived in a document inbox (Peppol): applied answers and the files left in place, on stderr.
/// `order list --all-suppliers`: one list, each order with its supplier.
/// Suppliers that cannot answer are named; the others' orders are shown,
/// and the exit code is the first failed one's.
pub async fn list_all(out: &Out, ws: &procure_client::service::Workspace, args: ListArgs) -> CmdResult {
    use procure_client::service::suppliers;
    let filter = OrderFilter { status: args.status, po: args.po, since: args.since };
    let all = suppliers::orders(ws, args.limit, &filter).await?;
    if out.json {
        out.data(&all.items);
    } else if all.items.is_empty() && all.failed.is_empty() {
        out.note("No orders yet.");
    } else if !all.items.is_empty() {
        let width = all.items.iter().map(|o| o.supplier.chars().count()).max().unwrap_or(8).clamp(8, 14);
        out.line(format!(
            "{} {} {} {} {} {:>12} {}  {}",
            fit("SUPPLIER", width),
            fit("ORDER", 14),
            fit("DATE", 10),
            fit("STATUS", 16),
            fit("PO", 16),
            "NET",
            fit("CUR", 3),
            "BY"
        ));
        for o in &all.items {
            let (s, o) = (&o.supplier, &o.item);
            out.line(format!(
                "{} {} {} {} {} {:>12} {}  {}",
                fit(s, width),
                fit(&o.number, 14),
                o.created_at.date_naive(),
                fit(o.status.as_str(), 16),
                fit(&o.po_number, 16),
                format_amount(o.totals.net),
                fit(&o.totals.currency, 3),
                o.placed_by
            ));
        }
    }
    match all.failure() {
        Some(e) => Ok(out.fail(&e)),
        None => Ok(ExitCode::SUCCESS),
    }
}

pub async fn report_inbox(out: &Out, sup: &Supplier) -> Result<(), Error> {
    let r = procure_client::service::inbox::receive(sup).await?;
    for a in &r.applied {
        out.note(format!("Received {} for order {}: {} ({})", a.document, a.order, a.status.as_str(), a.file));
    }
    for p in &r.problems {
        out.note(format!("Not applied: {}: {}", p.file, p.reason));
    }
    Ok(())
}

/// The supplier's answers to an order, with every changed line.
fn print_events(out: &Out, events: &[procure_client::api::OrderEvent]) {
    use procure_client::core::events::{describe_change, describe_event};
    for e in events {
        out.line(format!("  {}", describe_event(e)));
        for c in &e.changes {
            out.line(format!("    {}", describe_change(c)));
        }
    }
}

fn print_changes(out: &Out, c: &Checkout) {
    if out.json {
        return;
    }
    out.note("Prices changed since you agreed to them:");
    for ch in &c.price_changes {
        out.note(format!("  {} × {}: {}", ch.sku, ch.quantity, ch.describe()));
    }
}

/// Priced lines and totals of an order or a preview.
fn print_lines(out: &Out, lines: &[procure_client::api::PricedLine], t: &procure_client::api::Totals) {
    // A SKU is never cut: distributors' run to 20 characters and more.
    let sku_w = lines.iter().map(|l| l.sku.chars().count()).max().unwrap_or(0).max(12);
    for l in lines {
        out.line(format!(
            "  {} {:>7} {:>10} {:>11}  {}{}",
            fit(&l.sku, sku_w),
            l.quantity,
            format_price(l.unit_price, l.base_quantity),
            format_amount(l.line_total),
            l.name,
            l.note.as_ref().map(|n| format!("  [{n}]")).unwrap_or_default()
        ));
    }
    out.line(format!("  {}", format_totals(t)));
}

fn print_checkout(out: &Out, sup: &Supplier, c: &Checkout) {
    let p = &c.preview;
    out.line(format!("Order preview for basket {} (PO {})", c.basket.name, c.draft.po_number));
    if c.waiting {
        out.line("  the order waiting for the shop, as it was written: submit sends this, not the basket as it is now");
    }
    if let Some(number) = &p.replay_of {
        out.line(format!("  already placed as order {number}: submit answers with that order and places nothing new"));
    }
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
    if let (Some(short), Some(cr)) = (c.credit_shortfall, &p.credit) {
        out.line(format!(
            "  this order exceeds your available credit by {} {}: the shop will refuse it",
            format_amount(short),
            cr.currency
        ));
    }
    if let Some(me) = procure_client::service::session::cached_me(sup) {
        out.line(format!("  payment {}", me.company.payment_terms));
        // The ones this order uses are marked (none named: the company's first).
        let co = &me.company;
        let ship_to = c.draft.ship_to.as_deref().or(co.ship_to.first().map(|a| a.id.as_str()));
        let method = c.draft.shipping_method.as_deref().or(co.shipping_methods.first().map(|m| m.id.as_str()));
        let mark = |used: bool| if used { "▶" } else { " " };
        for a in &co.ship_to {
            out.line(format!(
                "  ship-to  {} {:<10} {}, {}, {} {}",
                mark(Some(a.id.as_str()) == ship_to),
                a.id,
                a.name,
                a.street,
                a.postal_code,
                a.city
            ));
        }
        for m in &co.shipping_methods {
            out.line(format!(
                "  shipping {} {:<10} {} ({})",
                mark(Some(m.id.as_str()) == method),
                m.id,
                m.name,
                format_amount(m.price)
            ));
        }
        out.line("  (▶ this order's; --ship-to and --shipping choose another)");
    }
    if !c.price_changes.is_empty() {
        print_changes(out, c);
    }
}

/// One order as `order show` prints it: header, lines with their dates and
/// quantities, shipments, receipts, invoices, the supplier's answers.
fn print_order(out: &Out, v: &OrderView) {
    let o = &v.order;
    if let Some(n) = v.freshness.note() {
        out.note(format!("{n} (the shop did not answer)"));
    }
    out.line(format!("Order {} — {} — {}", o.number, o.status.as_str(), o.created_at.date_naive()));
    out.line(format!("  PO {}   placed by {}", o.po_number, o.placed_by));
    if let Some(q) = &o.quote_number {
        out.line(format!("  From quote {q} (offered prices)"));
    }
    if let Some(a) = &o.approval {
        let verb = if a.decision == procure_client::api::Decision::Approved { "Approved" } else { "Rejected" };
        let why = a.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default();
        out.line(format!("  {verb} by {} on {}{why}", a.decided_by, a.decided_at.date_naive()));
    }
    out.line(format!(
        "  Ship to {}: {}, {}, {} {}, {}",
        o.ship_to.id, o.ship_to.name, o.ship_to.street, o.ship_to.postal_code, o.ship_to.city, o.ship_to.country
    ));
    if let Some(d) = o.requested_delivery_date {
        out.line(format!("  Requested delivery {d}{}", if o.ship_complete { ", complete" } else { "" }));
    }
    if let Some(c) = o.confirmed_at {
        out.line(format!("  Confirmed {}", c.format("%Y-%m-%d %H:%M UTC")));
    }
    out.line(format!("  Shipping {}   Payment {}", o.shipping_method.name, o.payment_terms));
    if let Some(c) = &o.comment {
        out.line(format!("  Comment {c}"));
    }
    print_lines(out, &o.lines, &o.totals);
    print_progress(out, v);
    for s in &o.shipments {
        let how = [s.carrier.as_deref(), s.tracking.as_deref().map(|t| t.to_string()).as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", tracking ");
        out.line(format!(
            "  Shipment {} of {}{}",
            s.number,
            s.date,
            if how.is_empty() { String::new() } else { format!(" — {how}") }
        ));
        for l in &s.lines {
            out.line(format!("    line {} {} × {}", l.line, l.sku, l.quantity));
        }
        for d in &s.documents {
            out.line(format!("    {} ({}) {}: {}", d.document.title, d.document.kind.as_str(), d.sku, d.document.url));
        }
    }
    for r in &v.receipts {
        let items = r.lines.iter().map(|l| format!("{} × {}", l.sku, l.quantity)).collect::<Vec<_>>().join(", ");
        out.line(format!(
            "  Receipt {} of {}: {items}{}",
            r.id,
            r.at.format("%Y-%m-%d %H:%M UTC"),
            r.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
        ));
    }
    if !v.invoices.is_empty() {
        out.line(format!("  Invoices {}", v.invoices.join(", ")));
    }
    print_events(out, &o.events);
}

/// Per line: ordered, requested, promised, shipped, received, invoiced.
fn print_progress(out: &Out, v: &OrderView) {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    out.line(format!(
        "  {:>4} {} {:>7} {:>10} {:>10} {:>7} {:>8} {:>8}  {}",
        "LINE",
        fit("SKU", 12),
        "ORDERED",
        "REQUESTED",
        "PROMISED",
        "SHIPPED",
        "RECEIVED",
        "INVOICED",
        "LATE"
    ));
    for p in &v.progress {
        let late = match (p.late, p.days_late) {
            (Some(r), Some(d)) => format!("{} ({d} d)", r.as_str().replace('_', " ")),
            _ => String::new(),
        };
        out.line(format!(
            "  {:>4} {} {:>7} {:>10} {:>10} {:>7} {:>8} {:>8}  {late}",
            p.line,
            fit(&p.sku, 12),
            p.ordered,
            day(p.requested),
            day(p.promised),
            p.shipped,
            p.received,
            p.invoiced
        ));
    }
}

/// `order late` of the suppliers named, merged most urgent first.
pub async fn late(out: &Out, ws: &procure_client::service::Workspace, names: &[String]) -> CmdResult {
    use procure_client::core::expediting::LateLine;
    let all = expediting::late_across(ws, names).await?;
    for s in &all.suppliers {
        match &s.error {
            Some(e) => out.note(format!("{}: {e}", s.supplier)),
            None if s.offline => out.note(format!(
                "{}: offline: shown as of {}",
                s.supplier,
                s.as_of.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "-".into())
            )),
            None => {}
        }
    }
    if out.json {
        out.data(&all);
        return Ok(ExitCode::SUCCESS);
    }
    if all.lines.is_empty() {
        out.note("Nothing is late.");
        return Ok(ExitCode::SUCCESS);
    }
    let several = all.suppliers.len() > 1;
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    let who = |l: &LateLine| if several { format!("{} ", fit(&l.supplier, 12)) } else { String::new() };
    out.line(format!(
        "{}{} {} {:>4} {} {:>10} {:>10} {:>5}  {}",
        if several { format!("{} ", fit("SUPPLIER", 12)) } else { String::new() },
        fit("ORDER", 14),
        fit("PO", 12),
        "LINE",
        fit("SKU", 14),
        "REQUESTED",
        "PROMISED",
        "DAYS",
        "WHY"
    ));
    out.lines(all.lines.iter().map(|l| {
        format!(
            "{}{} {} {:>4} {} {:>10} {:>10} {:>5}  {}",
            who(l),
            fit(&l.order, 14),
            fit(&l.po_number, 12),
            l.line,
            fit(&l.sku, 14),
            day(l.requested),
            day(l.promised),
            l.days_late,
            l.describe()
        )
    }));
    Ok(ExitCode::SUCCESS)
}
