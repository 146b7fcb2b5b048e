//! Where procure keeps its files. `PROCURE_HOME` relocates all of them.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Paths {
    pub config_file: PathBuf,
    /// Baskets, credentials, the demo shop's database.
    pub data_dir: PathBuf,
    /// The catalog cache: can be rebuilt by a sync.
    pub cache_dir: PathBuf,
    pub log_dir: PathBuf,
}

impl Paths {
    pub fn resolve() -> Result<Paths, String> {
        if let Some(home) = std::env::var_os("PROCURE_HOME").filter(|h| !h.is_empty()) {
            return Ok(Paths::under(PathBuf::from(home)));
        }
        let dirs = directories::ProjectDirs::from("", "", "procure")
            .ok_or("cannot find a home directory; set PROCURE_HOME")?;
        Ok(Paths {
            config_file: dirs.config_dir().join("config.toml"),
            data_dir: dirs.data_dir().to_path_buf(),
            cache_dir: dirs.cache_dir().to_path_buf(),
            log_dir: dirs.data_local_dir().join("logs"),
        })
    }

    pub fn under(home: PathBuf) -> Paths {
        Paths {
            config_file: home.join("config.toml"),
            data_dir: home.join("data"),
            cache_dir: home.join("cache"),
            log_dir: home.join("logs"),
        }
    }

    pub fn profile_dir(&self, profile: &str) -> PathBuf {
        self.data_dir.join("profiles").join(profile)
    }

    pub fn baskets_dir(&self, profile: &str) -> PathBuf {
        self.profile_dir(profile).join("baskets")
    }

    pub fn token_file(&self, profile: &str) -> PathBuf {
        self.profile_dir(profile).join("token.json")
    }

    pub fn cache_db(&self, profile: &str) -> PathBuf {
        self.cache_dir.join(profile).join("catalog.db")
    }

    /// The local history of orders and invoices: beside the catalog cache,
    /// since a full sync rebuilds it.
    pub fn history_db(&self, profile: &str) -> PathBuf {
        self.cache_dir.join(profile).join("history.db")
    }

    /// Goods receipts: the buyer's own records, beside the baskets.
    pub fn receipts_dir(&self, profile: &str) -> PathBuf {
        self.profile_dir(profile).join("receipts")
    }

    pub fn demo_shop_db(&self) -> PathBuf {
        self.data_dir.join("demo-shop").join("shop.db")
    }
}
