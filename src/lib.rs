//! procure's two faces over the client library (`procure_client`): the
//! command line (`cli`) and the terminal app (`tui`). They parse, draw and
//! print; every business rule lives in the client's service layer.
#![forbid(unsafe_code)]
// Errors are values with context, not panics (tests may unwrap).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

/// When the process started (first asked at the start of `cli::run`): for
/// the app's own start-up timing in the log.
pub(crate) fn started() -> std::time::Instant {
    static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *STARTED.get_or_init(std::time::Instant::now)
}

pub mod cli;
mod logging;
pub mod tui;
