//! invoice list|show|check|dispute, and statement

use super::CmdResult;
use super::output::{Out, fit};
use clap::{Args, Subcommand};
use procure_client::api::InvoiceKind;
use procure_client::core::matching::MatchStatus;
use procure_client::core::text::{format_amount, format_totals};
use procure_client::service::invoices::{self, InvoiceView, Which};
use procure_client::service::statement::{self, Statement};
use procure_client::service::{ErrorKind, Supplier, Workspace};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum InvoiceCommand {
    /// Invoices and credit notes, newest first: number, orders, dates, amounts, payment and match status (offline: as last synced).
    #[command(
        after_help = "Examples:\n  procure invoice list --open\n  procure invoice list --overdue\n  procure --json invoice list"
    )]
    List(ListArgs),
    /// One invoice or credit note: lines, totals, due date and early-payment discount, payments, disputes and its three-way match.
    #[command(
        after_help = "Examples:\n  procure invoice show INV-ACME-1001\n  procure --json invoice show CN-ACME-1001"
    )]
    Show {
        /// The invoice or credit note number. Example: INV-ACME-1001
        number: String,
    },
    /// The three-way match of an invoice: per line ordered, received and invoiced quantity and the unit price against the order's; exit 8 when a line holds it.
    #[command(
        after_help = "Examples:\n  procure invoice check INV-ACME-1001\n  procure --json invoice check INV-ACME-1001 || echo held"
    )]
    Check {
        /// The invoice (or credit note: matched against its invoice). Example: INV-ACME-1001
        number: String,
    },
    /// Tell the supplier you object to an invoice, and why (a Peppol supplier gets an Invoice Response).
    #[command(
        after_help = "Examples:\n  procure invoice dispute INV-ACME-1001 --reason \"line 1 is 3 % above the order price\""
    )]
    Dispute {
        /// The invoice. Example: INV-ACME-1001
        number: String,
        /// Why, for the supplier (up to 1000 characters). Example: --reason "5 of 10 delivered"
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only those with something open (credit notes too). Example: --open
    #[arg(long, conflicts_with = "overdue")]
    pub open: bool,
    /// Only open invoices past their due date. Example: --overdue
    #[arg(long)]
    pub overdue: bool,
}

pub async fn run(out: &Out, sup: &Supplier, cmd: InvoiceCommand) -> CmdResult {
    super::order::report_inbox(out, sup).await?;
    match cmd {
        InvoiceCommand::List(args) => {
            let which = if args.open {
                Which::Open
            } else if args.overdue {
                Which::Overdue
            } else {
                Which::All
            };
            let list = invoices::list(sup, which).await?;
            if let Some(n) = list.freshness.note() {
                out.note(n);
            }
            for r in &list.refused {
                out.note(format!("Refused on arrival ({}): {}", r.at, r.reason));
            }
            if out.json {
                out.data(&list);
            } else if list.invoices.is_empty() {
                out.note(match which {
                    Which::All => "No invoices yet.",
                    Which::Open => "Nothing open.",
                    Which::Overdue => "Nothing overdue.",
                });
            } else {
                out.line(format!(
                    "{} {} {} {} {:>12} {:>12}  {} {}",
                    fit("NUMBER", 16),
                    fit("DATE", 10),
                    fit("DUE", 10),
                    fit("ORDERS", 14),
                    "GROSS",
                    "OPEN",
                    fit("STATUS", 11),
                    "MATCH"
                ));
                out.lines(list.invoices.iter().map(|i| {
                    let r = &i.row;
                    let sign = if r.kind == InvoiceKind::CreditNote { "-" } else { "" };
                    let mut status = r.status.as_str().replace('_', " ");
                    if i.days_overdue > 0 {
                        status = format!("{} d over", i.days_overdue);
                    }
                    format!(
                        "{} {} {} {} {:>12} {:>12}  {} {}{}",
                        fit(&r.number, 16),
                        r.issue_date,
                        r.due_date,
                        fit(&r.order_numbers.join(","), 14),
                        format!("{sign}{}", format_amount(r.gross)),
                        format!("{sign}{}", format_amount(r.open)),
                        fit(&status, 11),
                        match_word(r.match_status),
                        if r.disputed { " disputed" } else { "" }
                    )
                }));
            }
        }
        InvoiceCommand::Show { number } => {
            let v = invoices::show(sup, &number).await?;
            if out.json {
                out.data(&v);
            } else {
                print_invoice(out, &v);
            }
        }
        InvoiceCommand::Check { number } => {
            let v = invoices::show(sup, &number).await?;
            if out.json {
                out.data(&serde_json::json!({
                    "number": v.invoice.number,
                    "kind": v.invoice.kind,
                    "status": v.matched.status,
                    "lines": v.matched.lines,
                    "problems": v.matched.problems,
                    "as_of": v.freshness.as_of,
                    "offline": v.freshness.offline,
                }));
            } else {
                if let Some(n) = v.freshness.note() {
                    out.note(n);
                }
                print_match(out, &v);
            }
            if v.held() {
                return Ok(super::exit(ErrorKind::Held));
            }
        }
        InvoiceCommand::Dispute { number, reason } => {
            let v = invoices::dispute(sup, &number, &reason).await?;
            if out.json {
                out.data(&v);
            } else {
                out.line(format!(
                    "Disputed {} {}: {}",
                    v.invoice.kind.as_str().replace('_', " "),
                    v.invoice.number,
                    v.invoice.disputes.last().map(|d| d.reason.as_str()).unwrap_or(reason.as_str())
                ));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn match_word(m: MatchStatus) -> &'static str {
    match m {
        MatchStatus::Matched => "matched",
        MatchStatus::Credited => "credited",
        MatchStatus::Held => "HELD",
    }
}

fn print_invoice(out: &Out, v: &InvoiceView) {
    let i = &v.invoice;
    if let Some(n) = v.freshness.note() {
        out.note(n);
    }
    let kind = if i.kind == InvoiceKind::CreditNote { "Credit note" } else { "Invoice" };
    out.line(format!("{kind} {} of {} — {}", i.number, i.issue_date, i.status.as_str().replace('_', " ")));
    if !i.order_numbers.is_empty() {
        out.line(format!("  Orders {}", i.order_numbers.join(", ")));
    }
    if let Some(c) = &i.credits_invoice {
        out.line(format!("  Credits invoice {c}{}", i.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()));
    }
    out.line(format!(
        "  Due {} ({}){}",
        i.due_date,
        i.payment_terms,
        if v.days_overdue > 0 { format!(" — {} days overdue", v.days_overdue) } else { String::new() }
    ));
    if let Some(e) = &i.early_payment {
        out.line(format!(
            "  Pay {} {} until {} ({} % off, {} less)",
            format_amount(e.amount),
            i.totals.currency,
            e.until,
            e.percent.normalize(),
            format_amount(e.discount)
        ));
    }
    for l in &i.lines {
        out.line(format!(
            "  {:>3} {} {:>7} {:>10} {:>11}  {}{}",
            l.line,
            fit(&l.sku, 12),
            l.quantity,
            format_amount(l.unit_price),
            format_amount(l.line_total),
            l.name,
            match (&l.order_number, l.order_line) {
                (Some(o), Some(n)) => format!("  [{o} line {n}]"),
                (Some(o), None) => format!("  [{o}]"),
                _ => String::new(),
            }
        ));
    }
    let t = &i.totals;
    out.line(format!("  {}  paid {}  open {}", format_totals(t), format_amount(i.paid), format_amount(i.open)));
    for p in &i.payments {
        out.line(format!(
            "  Paid {} on {}{}",
            format_amount(p.amount),
            p.date,
            p.reference.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()
        ));
    }
    for d in &i.disputes {
        out.line(format!("  Disputed {} by {}: {}", d.at.format("%Y-%m-%d %H:%M UTC"), d.by, d.reason));
    }
    if !v.credit_notes.is_empty() {
        out.line(format!("  Credit notes {}", v.credit_notes.join(", ")));
    }
    print_match(out, v);
}

/// The match line by line; held lines with why.
fn print_match(out: &Out, v: &InvoiceView) {
    let m = &v.matched;
    out.line(format!("  Three-way match: {}", match_word(m.status)));
    for p in &m.problems {
        out.line(format!("    {}", p.message));
    }
    let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
    for l in &m.lines {
        out.line(format!(
            "    line {} {} ordered {} received {} invoiced {} at {} (order {}): {}",
            l.line,
            l.sku,
            num(l.ordered),
            num(l.received),
            l.invoiced,
            format_amount(l.unit_price),
            l.order_unit_price.map(format_amount).unwrap_or_else(|| "-".into()),
            match_word(l.status)
        ));
        for p in &l.problems {
            out.line(format!("      {}", p.message));
        }
    }
}

/// `statement` of the suppliers named.
pub async fn statements(out: &Out, ws: &Workspace, names: &[String]) -> CmdResult {
    let all = statement::across(ws, names).await?;
    for s in &all.suppliers {
        if let Some(e) = &s.error {
            out.note(format!("{}: {e}", s.supplier));
        }
    }
    if out.json {
        out.data(&all);
        return Ok(ExitCode::SUCCESS);
    }
    for (i, s) in all.statements.iter().enumerate() {
        if i > 0 {
            out.line("");
        }
        print_statement(out, s);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_statement(out: &Out, s: &Statement) {
    let c = &s.currency;
    let a = |d: rust_decimal::Decimal| format!("{} {c}", format_amount(d));
    out.line(format!(
        "Statement of account — {}{}",
        s.supplier,
        s.freshness
            .note()
            .or_else(|| s.freshness.as_of.map(|t| format!("as of {}", t.format("%Y-%m-%d %H:%M UTC"))))
            .map(|n| format!(" ({n})"))
            .unwrap_or_default()
    ));
    if s.open_items.is_empty() {
        out.line("  Nothing open.");
    } else {
        out.line(format!(
            "  {} {} {} {:>12} {:>12}  {}",
            fit("NUMBER", 16),
            fit("DATE", 10),
            fit("DUE", 10),
            "GROSS",
            "OPEN",
            "STATE"
        ));
    }
    out.lines(s.open_items.iter().map(|i| {
        let sign = if i.kind == InvoiceKind::CreditNote { "-" } else { "" };
        let mut state = Vec::new();
        // A credit note is the supplier's to settle: never overdue.
        if i.kind == InvoiceKind::CreditNote {
            state.push("credit to you".into());
        } else if i.days_overdue > 0 {
            state.push(format!("{} days overdue", i.days_overdue));
        }
        if i.match_status == MatchStatus::Held {
            state.push("HELD by the match".into());
        }
        if i.disputed {
            state.push("disputed".into());
        }
        if let Some(e) = &i.early_payment {
            state.push(format!("{} % off until {}", e.percent.normalize(), e.until));
        }
        format!(
            "  {} {} {} {:>12} {:>12}  {}",
            fit(&i.number, 16),
            i.issue_date,
            i.due_date,
            format!("{sign}{}", format_amount(i.gross)),
            format!("{sign}{}", format_amount(i.open)),
            state.join(", ")
        )
    }));
    out.line(format!(
        "  Open {} (invoices {} less credit notes {})",
        a(s.open_total),
        format_amount(s.invoices_open),
        format_amount(s.credits_open)
    ));
    out.line(format!("  Overdue {}   held by the match {}", a(s.overdue_total), a(s.held_total)));
    let ages: Vec<String> = s.ageing.buckets().iter().map(|(n, v)| format!("{n} {}", format_amount(*v))).collect();
    out.line(format!("  Ageing: {}", ages.join(" · ")));
    out.line(format!("  Ordered, not yet invoiced {}   open balance {}", a(s.ordered_not_invoiced), a(s.open_balance)));
    if !s.payments.is_empty() {
        out.line(format!("  Payments of the last {} days:", statement::PAYMENT_DAYS));
        out.lines(s.payments.iter().map(|p| {
            format!(
                "    {} {} {}{}",
                p.date,
                fit(&p.invoice, 16),
                a(p.amount),
                p.reference.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()
            )
        }));
    }
}
