//! The reference shop: the procure protocol over SQLite.
//! (Interface placeholder until the server lands.)

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct ShopOptions {}

pub struct RunningShop {
    pub addr: SocketAddr,
}

impl RunningShop {
    pub async fn shutdown(self) {}
}

pub async fn spawn(_db: PathBuf, _addr: SocketAddr, _opts: ShopOptions) -> anyhow::Result<RunningShop> {
    anyhow::bail!("the reference shop is not built yet")
}

pub fn seed_demo(_db: &Path, _products: usize) -> anyhow::Result<()> {
    anyhow::bail!("the reference shop is not built yet")
}
