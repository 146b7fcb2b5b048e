//! approvals list|approve|reject, and the company's credit.

use super::CmdResult;
use super::output::{Out, fit};
use clap::Subcommand;
use procure_client::api::Decision;
use procure_client::core::text::format_amount;
use procure_client::service::{Supplier, approvals};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum ApprovalsCommand {
    /// Orders of your company waiting for an approver.
    #[command(after_help = "Examples:\n  procure approvals list\n  procure --json approvals list")]
    List,
    /// Approve an order (not your own).
    #[command(
        after_help = "Examples:\n  procure approvals approve SO-ACME-1007\n  procure approvals approve SO-ACME-1007 --reason \"budget Q1\""
    )]
    Approve {
        /// The order number. Example: SO-ACME-1007
        number: String,
        /// A note for the buyer. Example: --reason "budget Q1"
        #[arg(long)]
        reason: Option<String>,
    },
    /// Reject an order; the buyer sees the reason.
    #[command(after_help = "Examples:\n  procure approvals reject SO-ACME-1008 --reason \"split it per quarter\"")]
    Reject {
        /// The order number. Example: SO-ACME-1008
        number: String,
        /// Why, for the buyer (required). Example: --reason "split it per quarter"
        #[arg(long)]
        reason: String,
    },
}

pub async fn run(out: &Out, sup: &Supplier, cmd: ApprovalsCommand) -> CmdResult {
    match cmd {
        ApprovalsCommand::List => {
            let seen = approvals::queue_or_seen(sup).await?;
            let list = &seen.value;
            out.seen_list(list, seen.offline, seen.as_of, "the approvals");
            if out.json {
                // Written by `seen_list`.
            } else if list.is_empty() {
                out.note("Nothing waits for approval.");
            } else {
                out.line(format!(
                    "{} {} {} {:>12} {}  {}",
                    fit("ORDER", 14),
                    fit("DATE", 10),
                    fit("PO", 16),
                    "NET",
                    fit("CUR", 3),
                    "BY"
                ));
                for o in list {
                    out.line(format!(
                        "{} {} {} {:>12} {}  {}",
                        fit(&o.number, 14),
                        o.created_at.date_naive(),
                        fit(&o.po_number, 16),
                        format_amount(o.totals.net),
                        o.totals.currency,
                        o.placed_by
                    ));
                }
            }
        }
        ApprovalsCommand::Approve { number, reason } => {
            let o = approvals::decide(sup, &number, Decision::Approved, reason).await?;
            if out.json {
                out.data(&o);
            } else {
                out.line(format!("Order {} approved: now {}.", o.number, o.status.as_str()));
            }
        }
        ApprovalsCommand::Reject { number, reason } => {
            let o = approvals::decide(sup, &number, Decision::Rejected, Some(reason)).await?;
            if out.json {
                out.data(&o);
            } else {
                out.line(format!("Order {} rejected: now {}.", o.number, o.status.as_str()));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn credit(out: &Out, sup: &Supplier) -> CmdResult {
    let seen = approvals::credit_or_seen(sup).await?;
    let c = &seen.value;
    if out.json {
        out.data(&seen);
    } else {
        if let Some(note) = seen.note() {
            out.note(format!("Offline: the shop did not answer; the credit {note}."));
        }
        match (c.limit, c.available) {
            (Some(l), Some(a)) => out.line(format!(
                "Credit limit {} {cur}, open balance {} {cur}, available {} {cur}",
                format_amount(l),
                format_amount(c.open_balance),
                format_amount(a),
                cur = c.currency
            )),
            _ => out.line(format!("No credit limit; open balance {} {}", format_amount(c.open_balance), c.currency)),
        }
    }
    Ok(ExitCode::SUCCESS)
}
