//! Runs what the app asks for, off the UI thread, and reports back through a
//! channel. The engine holds the workspace and the suppliers it has opened
//! (by name); every effect names its supplier. Local work (search, cache
//! reads, basket files) runs on one worker thread (`local`); a search
//! superseded by a newer one is dropped unseen. Network work runs as tokio
//! tasks (`network`).

mod local;
mod msg;
mod network;

pub use msg::{BasketOp, Effect, Failure, Msg};

use local::{Job, Queue, SearchJob};
use procure_client::service::{Error, Result, Supplier, Workspace};
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use tokio::sync::mpsc::UnboundedSender;

/// The workspace and the suppliers opened from it, shared by the local
/// worker and the network tasks. A supplier is opened the first time an
/// effect names it, and replaced when it logs in again.
pub(crate) struct Suppliers {
    workspace: Workspace,
    open: RwLock<HashMap<String, Arc<Supplier>>>,
}

impl Suppliers {
    fn new(workspace: Workspace, first: Supplier) -> Suppliers {
        let open = HashMap::from([(first.name().to_string(), Arc::new(first))]);
        Suppliers { workspace, open: RwLock::new(open) }
    }

    /// The supplier by name, opened from the workspace if it was not yet.
    pub(crate) fn get(&self, name: &str) -> Result<Arc<Supplier>> {
        let found = match self.open.read() {
            Ok(open) => open.get(name).cloned(),
            Err(poisoned) => poisoned.into_inner().get(name).cloned(),
        };
        match found {
            Some(s) => Ok(s),
            None => {
                let sup = self.workspace.supplier(Some(name))?;
                Ok(self.replace(sup))
            }
        }
    }

    /// The workspace: every supplier, for what works on all of them.
    pub(crate) fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// Keeps `sup` (a new login) in place of the one of its name.
    pub(crate) fn replace(&self, sup: Supplier) -> Arc<Supplier> {
        let sup = Arc::new(sup);
        match self.open.write() {
            Ok(mut open) => open.insert(sup.name().to_string(), sup.clone()),
            Err(poisoned) => poisoned.into_inner().insert(sup.name().to_string(), sup.clone()),
        };
        sup
    }
}

pub struct Engine {
    queue: Arc<(Mutex<Queue>, Condvar)>,
    suppliers: Arc<Suppliers>,
    tx: UnboundedSender<Msg>,
    rt: tokio::runtime::Handle,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl Engine {
    /// Starts the worker, which opens `first`'s catalog at once.
    pub fn start(
        workspace: Workspace,
        first: Supplier,
        tx: UnboundedSender<Msg>,
        rt: tokio::runtime::Handle,
    ) -> Engine {
        let queue: Arc<(Mutex<Queue>, Condvar)> = Arc::default();
        let open_first = first.name().to_string();
        let suppliers = Arc::new(Suppliers::new(workspace, first));
        let (q, wtx, ws) = (queue.clone(), tx.clone(), suppliers.clone());
        let worker = std::thread::Builder::new()
            .name("procure-local".into())
            .spawn(move || local::worker(q, wtx, ws, open_first))
            .ok();
        Engine { queue, suppliers, tx, rt, worker }
    }

    /// Every effect is named here: a new one does not compile until it is
    /// given to the local worker or to the network.
    pub fn run(&self, effect: Effect) {
        match effect {
            Effect::Search { supplier, seq, query, qty, all } => {
                self.local(|q| q.search = Some(SearchJob { supplier, seq, query, qty, all }))
            }
            Effect::Switch { supplier } => self.job(Job::Switch { supplier }),
            Effect::CopyBasket { supplier, basket, to } => self.job(Job::CopyBasket { supplier, basket, to }),
            Effect::Detail { supplier, sku } => self.job(Job::Detail { supplier, sku }),
            Effect::LineChoices { supplier, line, text } => self.job(Job::LineChoices { supplier, line, text }),
            Effect::Baskets { supplier } => self.job(Job::Baskets { supplier }),
            Effect::Price { supplier, basket } => self.job(Job::Price { supplier, basket }),
            Effect::Basket { supplier, op } => self.job(Job::Basket { supplier, op }),
            Effect::Reindex { supplier } => self.job(Job::Reindex { supplier }),
            Effect::Compare { supplier: _, seq, query, qty, by } => self.job(Job::Compare { seq, query, qty, by }),
            Effect::AddOffer { supplier, sku, qty, basket, otherwise } => {
                self.job(Job::AddOffer { supplier, sku, qty, basket, otherwise })
            }
            Effect::Invoice { supplier, number } => self.job(Job::Invoice { supplier, number }),
            // What the local history holds at once, then what the shop says.
            Effect::Invoices { supplier } => {
                self.job(Job::Invoices { supplier: supplier.clone() });
                self.net(Effect::Invoices { supplier })
            }
            net @ (Effect::Login { .. }
            | Effect::Sync { .. }
            | Effect::SyncAll { .. }
            | Effect::Orders { .. }
            | Effect::Order { .. }
            | Effect::Reorder { .. }
            | Effect::ResumePending { .. }
            | Effect::Preview { .. }
            | Effect::Submit { .. }
            | Effect::Quotes { .. }
            | Effect::Quote { .. }
            | Effect::RequestQuote { .. }
            | Effect::AcceptQuote { .. }
            | Effect::DeclineQuote { .. }
            | Effect::Approvals { .. }
            | Effect::Decide { .. }
            | Effect::Account { .. }
            | Effect::OpenDocument { .. }
            | Effect::Late { .. }
            | Effect::Receive { .. }
            | Effect::Dispute { .. }
            | Effect::Statement { .. }) => self.net(net),
        }
    }

    fn job(&self, job: Job) {
        self.local(|q| q.jobs.push_back(job));
    }

    fn local(&self, f: impl FnOnce(&mut Queue)) {
        local::push(&self.queue, f);
    }

    fn net(&self, effect: Effect) {
        let sup = match self.suppliers.get(effect.supplier()) {
            Ok(s) => s,
            Err(e) => return self.cannot_open(&e),
        };
        let (tx, suppliers, queue) = (self.tx.clone(), self.suppliers.clone(), self.queue.clone());
        self.rt.spawn(async move {
            if let Some(msg) = network::answer(effect, sup, &suppliers, &tx, &queue).await {
                let _ = tx.send(msg);
            }
        });
    }

    /// A supplier named by an effect could not be opened.
    fn cannot_open(&self, e: &Error) {
        let _ = self.tx.send(msg::fail(Failure::Supplier, e));
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.local(|q| q.stop = true);
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}
