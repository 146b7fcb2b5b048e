//! Network work: each effect that asks a supplier's shop runs as a tokio
//! task, and its answer becomes a message through one helper, [`reply`]:
//! call → online flag → the message, or the failure.

use super::Suppliers;
use super::local::{Job, Queue, push};
use super::msg::{Effect, Failure, Msg, fail};
use procure_client::api::AcceptQuote;
use procure_client::service::ordering::{self, PriceGuard, Submission};
use procure_client::service::{self, Error, ErrorKind, Result, Supplier, history, quotes};
use std::sync::{Arc, Condvar, Mutex};
use tokio::sync::mpsc::UnboundedSender;

/// Whether the supplier's shop answered: anything but "unreachable" is an
/// answer (a refusal too).
fn online(tx: &UnboundedSender<Msg>, supplier: &str, e: Option<&Error>) {
    let up = !matches!(e.map(|e| e.kind()), Some(ErrorKind::Unreachable));
    let _ = tx.send(Msg::Online { supplier: supplier.to_string(), up });
}

/// The one way a shop's answer becomes a message: the online flag from the
/// outcome, then `ok` of the value or `err` of the error.
fn reply<T>(
    tx: &UnboundedSender<Msg>,
    supplier: &str,
    r: Result<T>,
    ok: impl FnOnce(T) -> Msg,
    err: impl FnOnce(Error) -> Msg,
) -> Msg {
    online(tx, supplier, r.as_ref().err());
    match r {
        Ok(v) => ok(v),
        Err(e) => err(e),
    }
}

/// An error as the failure of `what`.
fn failed(what: Failure) -> impl FnOnce(Error) -> Msg {
    move |e| fail(what, &e)
}

/// A submission that could not reach the shop waits with its basket; a PO
/// number already used is a question for the buyer.
fn not_submitted(basket: String) -> impl FnOnce(Error) -> Msg {
    move |e| match e {
        e if e.kind() == ErrorKind::Unreachable => Msg::SubmitQueued { basket, reason: e.to_string() },
        Error::DuplicatePo(e) => Msg::DuplicatePo { message: e.message },
        e => fail(Failure::Submit, &e),
    }
}

/// Runs a network effect for `sup`: the message to send, if one is left
/// (a few effects send theirs on the way).
pub(super) async fn answer(
    effect: Effect,
    sup: Arc<Supplier>,
    suppliers: &Suppliers,
    tx: &UnboundedSender<Msg>,
    queue: &(Mutex<Queue>, Condvar),
) -> Option<Msg> {
    let name = sup.name().to_string();
    let sup = &*sup;
    let msg = match effect {
        Effect::Login { password, .. } => {
            // Logged in again: the new session replaces the supplier, then
            // the shop says who it is.
            let r = async {
                let sup = suppliers.replace(service::session::relogin(sup, &password).await?);
                service::session::me(&sup).await
            }
            .await;
            let logged_in = |me| Msg::LoggedIn { supplier: name.clone(), me: Box::new(me) };
            reply(tx, &name, r, logged_in, failed(Failure::Login))
        }
        Effect::Sync { .. } => {
            let mut progress = |_: service::sync::SyncStep<'_>| {};
            let r = service::sync::sync_supplier(sup, &mut progress).await;
            // The order and invoice history too: what changed since the last time.
            if r.is_ok()
                && let Err(e) = service::local::sync(sup).await
            {
                tracing::warn!(error = %e, "order and invoice history not synced");
            }
            if r.as_ref().is_ok_and(|r| !r.not_modified) {
                push(queue, |q| q.jobs.push_back(Job::Reindex { supplier: name.clone() }));
            }
            let synced = |r: service::sync::SyncReport| {
                let summary = if r.not_modified {
                    format!("catalog up to date ({} parts)", r.products_total)
                } else {
                    format!("synced: {} parts changed, {} prices", r.products_changed, r.prices_changed)
                };
                Msg::Synced { supplier: name.clone(), summary }
            };
            reply(tx, &name, r, synced, failed(Failure::Sync))
        }
        Effect::SyncAll { .. } => {
            let progress: service::suppliers::SyncProgress = std::sync::Arc::new(|_, _| {});
            let results = match service::suppliers::sync_all(suppliers.workspace(), progress).await {
                Ok(r) => r,
                Err(e) => return Some(fail(Failure::Sync, &e)),
            };
            let mut failed = Vec::new();
            for r in &results {
                match &r.report {
                    // A catalog that changed is read again (if it is open).
                    Some(report) if !report.not_modified => {
                        let supplier = r.supplier.clone();
                        push(queue, |q| q.jobs.push_back(Job::Reindex { supplier }));
                    }
                    Some(_) => {}
                    None => failed.push(r.supplier.clone()),
                }
                online(tx, &r.supplier, None);
                if r.supplier == name {
                    let _ = tx.send(Msg::Synced { supplier: name.clone(), summary: r.summary() });
                }
            }
            let summary = if failed.is_empty() {
                format!("all {} suppliers synced", results.len())
            } else {
                let why: Vec<String> = results
                    .iter()
                    .filter_map(|r| r.error.as_ref().map(|e| format!("{}: {}", r.supplier, e.message)))
                    .collect();
                format!("{} of {} suppliers synced; {}", results.len() - failed.len(), results.len(), why.join("; "))
            };
            Msg::SyncedAll { summary, failed }
        }
        Effect::Orders { .. } => {
            let r = history::latest(sup, 200).await;
            // The list as last seen: the shop did not answer.
            let kept = r.as_ref().is_ok_and(|h| h.cached_at.is_some());
            let msg = reply(tx, &name, r, |h| Msg::Orders(Box::new(h)), failed(Failure::Orders));
            if kept {
                let _ = tx.send(Msg::Online { supplier: name.clone(), up: false });
            }
            msg
        }
        Effect::Order { number, .. } => {
            let r = service::expediting::order(sup, &number).await;
            reply(tx, &name, r, |o| Msg::Order(Box::new(o)), failed(Failure::Order))
        }
        Effect::Late { .. } => {
            let r = service::expediting::late(sup).await;
            let offline = r.as_ref().is_ok_and(|l| l.freshness.offline);
            let msg = reply(tx, &name, r, |l| Msg::Late(Box::new(l)), failed(Failure::Late));
            if offline {
                let _ = tx.send(Msg::Online { supplier: name.clone(), up: false });
            }
            msg
        }
        Effect::Receive { order, lines, .. } => {
            let goods = service::receiving::Goods::Lines(lines);
            let r = service::receiving::receive(sup, &order, &goods, None, None).await;
            reply(tx, &name, r, |r| Msg::Received(Box::new(r)), failed(Failure::Receive))
        }
        Effect::Invoices { .. } => {
            let r = service::invoices::list(sup, service::invoices::Which::Open).await;
            reply(tx, &name, r, |l| Msg::Invoices(Box::new(l)), failed(Failure::Invoices))
        }
        Effect::Dispute { number, reason, .. } => {
            let r = service::invoices::dispute(sup, &number, &reason).await;
            reply(tx, &name, r, |v| Msg::Disputed(Box::new(v)), failed(Failure::Dispute))
        }
        Effect::Statement { .. } => {
            let r = service::statement::statement(sup).await;
            reply(tx, &name, r, |s| Msg::Statement(Box::new(s)), failed(Failure::Statement))
        }
        Effect::ResumePending { .. } => match ordering::resume_all(sup).await {
            Ok(results) => {
                for (basket, r) in results {
                    let msg = reply(tx, &name, r, |s| Msg::Submitted(Box::new(s)), not_submitted(basket));
                    let _ = tx.send(msg);
                }
                return None;
            }
            Err(e) => fail(Failure::Submit, &e),
        },
        Effect::Reorder { number, into, merge, .. } => {
            let r = ordering::reorder(sup, &number, &into, merge).await;
            reply(tx, &name, r, Msg::Reordered, failed(Failure::Reorder))
        }
        Effect::Preview { basket, opts, .. } => {
            let r = ordering::preview(sup, &basket, &opts).await;
            reply(tx, &name, r, |c| Msg::Previewed(Box::new(c)), failed(Failure::Preview))
        }
        Effect::Submit { basket, opts, accepted, .. } => {
            // Only the changes the buyer saw and accepted may pass.
            let guard = PriceGuard { seen: accepted, ..Default::default() };
            let r = ordering::submit(sup, &basket, &opts, &guard).await;
            let placed = |s| match s {
                Submission::Placed(s) => Msg::Submitted(s),
                Submission::PricesChanged(checkout) => Msg::PricesChanged(checkout),
            };
            reply(tx, &name, r, placed, not_submitted(basket))
        }
        Effect::Quotes { .. } => {
            let r = quotes::list(sup).await;
            reply(tx, &name, r, Msg::Quotes, failed(Failure::Quotes))
        }
        Effect::Quote { number, .. } => {
            let r = quotes::show(sup, &number).await;
            reply(tx, &name, r, |q| Msg::Quote(Box::new(q)), failed(Failure::Quote))
        }
        Effect::RequestQuote { basket, targets, comment, .. } => {
            let r = quotes::request(sup, &basket, &targets, None, comment).await;
            let sent = |q: procure_client::api::Quote| Msg::QuoteDone {
                message: format!("quote request {} sent for {basket}", q.number),
            };
            reply(tx, &name, r, sent, failed(Failure::Quote))
        }
        Effect::AcceptQuote { number, po, .. } => {
            let accept = AcceptQuote {
                po_number: po,
                ship_to: None,
                shipping_method: None,
                ship_complete: false,
                requested_delivery_date: None,
                comment: None,
            };
            let r = quotes::accept(sup, &number, &accept).await;
            let accepted = |a: quotes::Accepted| Msg::QuoteDone {
                message: format!(
                    "quote {number} {}: order {} ({})",
                    if a.replayed { "was already accepted" } else { "accepted" },
                    a.order.number,
                    a.order.status.as_str()
                ),
            };
            reply(tx, &name, r, accepted, failed(Failure::Quote))
        }
        Effect::DeclineQuote { number, reason, .. } => {
            let r = quotes::decline(sup, &number, reason).await;
            let declined = |_| Msg::QuoteDone { message: format!("quote {number} declined") };
            reply(tx, &name, r, declined, failed(Failure::Quote))
        }
        Effect::OpenDocument { document, .. } => {
            let r = service::documents::fetch_and_open(sup, &document).await;
            reply(tx, &name, r, |k| Msg::DocumentOpened(Box::new(k)), failed(Failure::Document))
        }
        Effect::Approvals { .. } => {
            let r = service::approvals::queue(sup).await;
            reply(tx, &name, r, Msg::Approvals, failed(Failure::Approvals))
        }
        Effect::Decide { number, decision, reason, .. } => {
            let r = service::approvals::decide(sup, &number, decision, reason).await;
            reply(tx, &name, r, |o| Msg::Decided(Box::new(o)), failed(Failure::Approval))
        }
        Effect::Account { .. } => {
            let r = service::account::account(sup).await;
            reply(tx, &name, r, |a| Msg::Account(Box::new(a)), failed(Failure::Account))
        }
        // `Engine::run` gives these to the local worker; they never come here.
        Effect::Search { .. }
        | Effect::Switch { .. }
        | Effect::CopyBasket { .. }
        | Effect::Detail { .. }
        | Effect::LineChoices { .. }
        | Effect::Baskets { .. }
        | Effect::Price { .. }
        | Effect::Basket { .. }
        | Effect::Reindex { .. }
        | Effect::Compare { .. }
        | Effect::AddOffer { .. }
        | Effect::Invoice { .. } => return None,
    };
    Some(msg)
}
