//! procure's end-to-end tests, one binary: the real `procure` binary, the
//! real reference shop on an ephemeral loopback port, real files under a
//! temporary PROCURE_HOME, and a real terminal (tmux) for the app.
//!
//! `common` holds the shared harness; each module is one area. The Medusa
//! tests are `#[ignore]`d unless a Medusa test server runs
//! (`tests/run.sh` starts one and runs them with `-- --ignored medusa`).

mod common;

mod after_order;
mod cli_conventions;
mod cli_flow;
mod compare;
mod discontinued;
mod documents;
mod first_hour;
mod group_decisions;
mod hostile;
mod json_doc;
mod medusa_backend;
mod offline;
mod order_rules;
mod peppol;
mod price_lists;
mod retry;
mod safety;
mod scripts;
mod search_index;
mod suppliers;
mod tui_flow;
mod tui_tmux;
mod words;
