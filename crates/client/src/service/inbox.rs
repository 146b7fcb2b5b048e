//! Supplier documents that arrive as files (Peppol order responses and
//! despatch advices): read into the orders, problems reported.

use super::{Result, Supplier};
use crate::backend::InboxReport;
use crate::core::sanitize::clean;

/// Applies what arrived in the profile's inbox. Backends without one report nothing.
pub async fn receive(sup: &Supplier) -> Result<InboxReport> {
    let mut r = sup.backend.receive().await?;
    for a in &mut r.applied {
        a.file = clean(&a.file);
        a.document = clean(&a.document);
        a.order = clean(&a.order);
    }
    for p in &mut r.problems {
        p.file = clean(&p.file);
        p.reason = clean(&p.reason);
    }
    for p in &r.problems {
        tracing::warn!(file = %p.file, reason = %p.reason, "inbox document not applied");
    }
    Ok(r)
}
