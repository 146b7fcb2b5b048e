//! Test harness: the real `procure` binary, the real reference shop on an
//! ephemeral loopback port, real files under a temporary PROCURE_HOME.

pub mod disk;
pub mod faults;
pub mod tmux;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_procure");

/// A reference shop process serving a demo-seeded database.
pub struct Shop {
    child: Child,
    pub url: String,
    pub db: PathBuf,
    _dir: tempfile::TempDir,
}

impl Shop {
    pub fn start(products: usize) -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shop.db");
        Self::start_on(dir, db, products)
    }

    fn start_on(dir: tempfile::TempDir, db: PathBuf, products: usize) -> Shop {
        let mut child = Command::new(BIN)
            .args(["shop", "serve", "--db"])
            .arg(&db)
            .args(["--addr", "127.0.0.1:0", "--seed", "demo", "--seed-products", &products.to_string()])
            .env("PROCURE_HOME", dir.path().join("shop-home"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start shop");
        let stdout = child.stdout.take().unwrap();
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        let url = loop {
            line.clear();
            if reader.read_line(&mut line).unwrap() == 0 {
                panic!("shop exited before listening");
            }
            if let Some(rest) = line.trim().strip_prefix("procure shop listening on ") {
                break rest.to_string();
            }
            assert!(Instant::now() < deadline, "shop did not start");
        };
        // Keep draining stdout so the shop never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
        Shop { child, url, db, _dir: dir }
    }

    /// Runs `procure shop import` against this shop's database.
    pub fn import(&self, catalog_csv: &str, prices_csv: Option<&str>) -> Output {
        let dir = tempfile::tempdir().unwrap();
        let cat = dir.path().join("catalog.csv");
        std::fs::write(&cat, catalog_csv).unwrap();
        let mut cmd = Command::new(BIN);
        cmd.args(["shop", "import", "--db"]).arg(&self.db).arg(&cat);
        if let Some(p) = prices_csv {
            let pp = dir.path().join("prices.csv");
            std::fs::write(&pp, p).unwrap();
            cmd.arg("--prices").arg(&pp);
        }
        cmd.env("PROCURE_HOME", dir.path()).output().unwrap()
    }

    /// The supplier at work: `procure shop ARGS --db DB` on this shop's
    /// database (`quote offer …`, `peppol orders …`).
    pub fn supplier(&self, args: &[&str]) -> Run {
        let home = self.db.with_file_name("supplier-home");
        Run(Command::new(BIN)
            .arg("shop")
            .args(args)
            .arg("--db")
            .arg(&self.db)
            .env("PROCURE_HOME", home)
            .output()
            .unwrap())
    }

    /// The shop's process id (its memory is in /proc/PID/status).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A user's PROCURE_HOME.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home { dir: tempfile::tempdir().unwrap() }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args).env("PROCURE_HOME", self.path()).env_remove("PROCURE_PROFILE").env_remove("PROCURE_PASSWORD");
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run(self.cmd(args).stdin(Stdio::null()).output().unwrap())
    }

    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        let mut child =
            self.cmd(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        Run(child.wait_with_output().unwrap())
    }

    /// Logs in as `user` of `company` with the demo password.
    pub fn login(&self, shop: &str, company: &str, user: &str) -> Run {
        self.run_stdin(&["login", "--shop", shop, "--company", company, "--user", user, "--password-stdin"], "demo\n")
            .ok()
    }

    /// Logs in as `user` of `company` at `url` (the demo password) and
    /// syncs the catalog: how nearly every test begins.
    pub fn login_and_sync(&self, url: &str, company: &str, user: &str) {
        self.login(url, company, user);
        self.run(&["sync"]).ok();
    }

    /// A new home, logged in and synced (`login_and_sync`).
    pub fn synced(url: &str, company: &str, user: &str) -> Home {
        let home = Home::new();
        home.login_and_sync(url, company, user);
        home
    }

    pub fn basket_file(&self, profile: &str, name: &str) -> PathBuf {
        self.path().join("data/profiles").join(profile).join("baskets").join(format!("{name}.toml"))
    }

    pub fn write_config(&self, extra: &str) {
        let p = self.path().join("config.toml");
        let mut text = std::fs::read_to_string(&p).unwrap_or_default();
        text.push_str(extra);
        std::fs::write(p, text).unwrap();
    }
}

pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.0.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout(), self.stderr()))
    }
    pub fn ok(self) -> Run {
        assert_eq!(self.code(), 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout(), self.stderr());
        self
    }
    /// Fails with any documented error (not a crash: a panic is 101).
    pub fn fails_with_any(self) -> Run {
        assert!(
            (1..=8).contains(&self.code()),
            "expected a failure\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
    pub fn fails_with(self, code: i32) -> Run {
        assert_eq!(self.code(), code, "expected exit {code}\nstdout:\n{}\nstderr:\n{}", self.stdout(), self.stderr());
        self
    }
}

/// Orders on the shop with this PO number, as `home`'s company sees them.
pub fn orders_with_po(home: &Home, po: &str) -> Vec<serde_json::Value> {
    let list = home.run(&["--json", "order", "list", "-n", "500"]).ok().json();
    list.as_array().unwrap().iter().filter(|o| o["po_number"] == po).cloned().collect()
}

/// A small catalog with known parts, imported into every test shop.
pub const CATALOG: &str = "\
sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,lead_time_days,stock,list_price,datasheet,Material
T-BRG-1,Deep groove ball bearing 6205-2RSH/C3,6205-2RSH/C3,SKF,7316572352042,Bearings,pc,1,1,3,120,7.80,https://docs.example/t-brg-1.pdf,Steel
T-SCR-1,Hex head screw DIN 933 M8x25 A2-70,DIN 933 M8x25 A2-70,Würth,4011231123458,Fasteners,pc,100,100,2,5000,0.0834,,A2-70
T-CON-1,Contactor 3RT2015-1BB41 24V DC,3RT2015-1BB41,Siemens,4011209780106,Contactors,pc,1,1,5,12,38.50,,
";

/// Contract prices of ACME for two of them.
pub const ACME_PRICES: &str = "\
company,sku,min_qty,unit_price
ACME,T-BRG-1,1,6.90
ACME,T-BRG-1,10,6.10
ACME,T-CON-1,1,31.00
";

pub fn shop_with_catalog() -> Shop {
    let shop = Shop::start(300);
    let out = shop.import(CATALOG, Some(ACME_PRICES));
    assert!(
        out.status.success(),
        "import failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    shop
}
