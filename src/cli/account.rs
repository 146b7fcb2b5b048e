//! account: who you are at the supplier, and whom to call there.

use super::CmdResult;
use super::output::Out;
use procure_client::core::text::format_amount;
use procure_client::service::{Supplier, account};
use std::process::ExitCode;

pub async fn account(out: &Out, sup: &Supplier) -> CmdResult {
    let a = account::account(sup).await?;
    if out.json {
        out.data(&a);
        return Ok(ExitCode::SUCCESS);
    }
    if a.offline {
        out.note(match a.as_of {
            Some(at) => format!(
                "Offline: the shop did not answer; this is the account as last seen {}.",
                at.format("%Y-%m-%d %H:%M UTC")
            ),
            None => "Offline: the shop did not answer; this is the account as of the last sync.".to_string(),
        });
    }
    let (u, c) = (&a.user, &a.company);
    out.line(format!("{} ({})", c.name, c.code));
    out.line(format!("  Profile       {} at {}", a.profile, a.shop));
    let limit = match u.order_limit {
        Some(l) => format!("order limit {} {} net", format_amount(l), c.currency),
        None => "no order limit".into(),
    };
    out.line(format!("  User          {} ({}), {}, {limit}", u.name, u.username, u.role.as_str()));
    out.line(format!("  Payment       {}", c.payment_terms));
    // Credit seen earlier than now says when.
    let when = match (a.offline, a.credit_as_of) {
        (true, Some(at)) => format!(" — as last seen {}", at.format("%Y-%m-%d %H:%M UTC")),
        _ => String::new(),
    };
    match &a.credit {
        Some(cr) => match (cr.limit, cr.available) {
            (Some(l), Some(av)) => out.line(format!(
                "  Credit        available {} {cur} of {} (open {}){when}",
                format_amount(av),
                format_amount(l),
                format_amount(cr.open_balance),
                cur = cr.currency
            )),
            _ => out.line(format!(
                "  Credit        no limit (open {} {}){when}",
                format_amount(cr.open_balance),
                cr.currency
            )),
        },
        None if !a.credit_shown => out.line("  Credit        not shown by this shop"),
        None if a.offline => out.line("  Credit        not known: the shop is unreachable and no credit was seen yet"),
        None => out.line("  Credit        not available now (see the log)"),
    }
    let b = &c.billing_address;
    out.line(format!("  Billing       {}, {}, {} {}, {}", b.name, b.street, b.postal_code, b.city, b.country));
    for s in &c.ship_to {
        out.line(format!(
            "  Ship-to       {} ({}): {}, {}, {} {}, {}",
            s.id, s.label, s.name, s.street, s.postal_code, s.city, s.country
        ));
    }
    match &a.supplier {
        Some(s) => {
            out.line(format!("  Supplier      {}", if s.name.is_empty() { "(unnamed)" } else { &s.name }));
            for (what, v) in [
                ("Sales contact", &s.sales_contact),
                ("Phone", &s.phone),
                ("E-mail", &s.email),
                ("Support hours", &s.support_hours),
            ] {
                if let Some(v) = v {
                    out.line(format!("    {what:<14}{v}"));
                }
            }
        }
        None => out.line("  Supplier      no contact given by the shop"),
    }
    Ok(ExitCode::SUCCESS)
}
