//! Diagnostics go to a log file, never to stdout. `PROCURE_LOG` sets the
//! filter (default `info`). Secrets are never logged.

use std::path::Path;

pub fn init(log_dir: &Path) -> Option<()> {
    let file = procure_client::service::files::open_log(log_dir).ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("PROCURE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_target(false)
        .try_init()
        .ok()
}
