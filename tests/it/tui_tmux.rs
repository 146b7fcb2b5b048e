//! End to end in a real terminal: tmux runs `procure`, keys are sent with
//! send-keys and the screen is read with capture-pane. A clerk reorders a
//! saved basket; the order is then found on the shop.

use crate::common::faults::{self, Fault};
use crate::common::*;
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(home: &Home, width: u16, height: u16) -> Tmux {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let session = format!("procure-test-{}-{width}x{height}-{n}", std::process::id());
        let cmd = format!("env PROCURE_HOME={} TERM=xterm-256color {}", home.path().display(), BIN);
        let st = Command::new("tmux")
            .args(["new-session", "-d", "-s", &session, "-x", &width.to_string(), "-y", &height.to_string(), &cmd])
            .status()
            .expect("tmux must be installed (tests/run.sh installs it)");
        assert!(st.success());
        Tmux { session }
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let st = Command::new("tmux").args(["send-keys", "-t", &self.session, k]).status().unwrap();
            assert!(st.success());
            // A lone Escape must not merge with the next key into Alt+key.
            let pause = if *k == "Escape" { 600 } else { 60 };
            std::thread::sleep(Duration::from_millis(pause));
        }
    }

    fn literal(&self, text: &str) {
        let st = Command::new("tmux").args(["send-keys", "-t", &self.session, "-l", text]).status().unwrap();
        assert!(st.success());
        std::thread::sleep(Duration::from_millis(60));
    }

    /// A bracketed paste as tmux makes it: line ends become CR.
    fn paste(&self, text: &str) {
        let buffer = format!("{}-paste", self.session);
        let st = Command::new("tmux").args(["set-buffer", "-b", &buffer, text]).status().unwrap();
        assert!(st.success());
        let st = Command::new("tmux")
            .args(["paste-buffer", "-p", "-d", "-b", &buffer, "-t", &self.session])
            .status()
            .unwrap();
        assert!(st.success());
        std::thread::sleep(Duration::from_millis(200));
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux").args(["capture-pane", "-p", "-t", &self.session]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {text:?}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn alive(&self) -> bool {
        Command::new("tmux").args(["has-session", "-t", &self.session]).status().map(|s| s.success()).unwrap_or(false)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.session]).status();
    }
}

#[test]
fn reorder_a_saved_basket_in_a_real_terminal() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "10"]).ok();
    home.run(&["basket", "add", "weekly", "T-SCR-1", "200"]).ok();

    let t = Tmux::start(&home, 120, 36);
    t.wait_for("Type number, SKU");
    t.keys(&["F3"]);
    t.wait_for("weekly — 2 lines");
    t.keys(&["c"]);
    t.wait_for("Checkout — basket weekly");
    t.literal("TMUX-7");
    t.keys(&["C-s"]);
    t.wait_for("earliest delivery");
    t.keys(&["C-s"]);
    let screen = t.wait_for(" placed");
    let number = screen
        .find("Order ")
        .and_then(|at| screen[at + 6..].split_whitespace().next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("order number on screen:\n{screen}"));
    t.keys(&["Escape", "q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.alive(), "q quits the app");

    let list = home.run(&["--json", "order", "list"]).ok().json();
    let found = list.as_array().unwrap().iter().find(|o| o["number"] == number.as_str()).cloned();
    let found = found.unwrap_or_else(|| panic!("order {number} not on the shop: {list}"));
    assert_eq!(found["po_number"], "TMUX-7");
    assert_eq!(found["line_count"], 2);
}

/// The same clerk on an 80×24 terminal: adds a known part by type number
/// (type it, ^A, 10, Enter), pastes two more lines as tmux pastes them,
/// then checks out with F3 c PO ^S ^S.
#[test]
fn add_paste_and_order_at_80x24() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();

    let t = Tmux::start(&home, 80, 24);
    t.wait_for("Type number, SKU");
    t.wait_for("catalog up to date");
    t.literal("62052rsh");
    t.wait_for("6205-2RSH/C3");
    t.keys(&["C-a"]);
    t.wait_for("Add T-BRG-1 to basket weekly");
    t.literal("10");
    t.keys(&["Enter"]);
    t.wait_for("10 × T-BRG-1 added to weekly");

    t.paste("T-SCR-1 200\n4011209780106 1\n");
    t.wait_for("Quick entry into weekly");
    t.keys(&["C-s"]);
    t.wait_for("2 lines added to weekly");

    t.keys(&["F3"]);
    t.wait_for("weekly — 3 lines");
    t.keys(&["c"]);
    t.wait_for("Checkout — basket weekly");
    t.literal("TMUX-80");
    t.keys(&["C-s"]);
    let preview = t.wait_for("earliest delivery");
    assert!(preview.contains("^S place the order"), "the form says what ^S does next:\n{preview}");
    t.keys(&["C-s"]);
    let screen = t.wait_for(" placed");
    let number = screen
        .find("Order ")
        .and_then(|at| screen[at + 6..].split_whitespace().next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("order number on screen:\n{screen}"));
    t.keys(&["Escape", "q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.alive(), "q quits the app");

    let list = home.run(&["--json", "order", "list"]).ok().json();
    let found = list.as_array().unwrap().iter().find(|o| o["number"] == number.as_str()).cloned();
    let found = found.unwrap_or_else(|| panic!("order {number} not on the shop: {list}"));
    assert_eq!(found["po_number"], "TMUX-80");
    assert_eq!(found["line_count"], 3);
}

fn wait_gone(t: &Tmux) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.alive(), "the app quit; screen:\n{}", t.screen());
}

#[test]
fn a_waiting_order_survives_quit_and_is_sent_on_the_next_start() {
    let shop = shop_with_catalog();
    let relay = faults::relay(&shop.url, |_| false, |_| false);
    let home = Home::synced(&relay.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "10"]).ok();

    // Online: the order history is seen once, the order previewed; then the shop goes away.
    let t = Tmux::start(&home, 120, 36);
    t.wait_for("Type number, SKU");
    t.keys(&["F4"]);
    t.wait_for("SO-");
    t.keys(&["F3"]);
    t.wait_for("T-BRG-1");
    t.keys(&["c"]);
    t.wait_for("Checkout — basket weekly");
    t.literal("TMUX-W1");
    t.keys(&["C-s"]);
    t.wait_for("earliest delivery");
    relay.set(Fault::Down);
    t.keys(&["C-s"]);
    t.wait_for("the order waits");
    let text = std::fs::read_to_string(home.basket_file("default", "weekly")).unwrap();
    assert!(text.contains("[pending.draft]") && text.contains("TMUX-W1"), "written before it says so: {text}");
    // Quitting asks first.
    t.keys(&["Escape", "q"]);
    let screen = t.wait_for("y yes");
    assert!(screen.contains("waits for the"), "{screen}");
    t.keys(&["Enter"]);
    wait_gone(&t);

    // Still offline: the history is the one last seen, marked; quitting asks again.
    let t = Tmux::start(&home, 120, 36);
    t.wait_for("Type number, SKU");
    t.keys(&["F4"]);
    t.wait_for("OFFLINE: as last seen");
    t.keys(&["q"]);
    let screen = t.wait_for("y yes");
    assert!(screen.contains("waits for the"), "{screen}");
    t.keys(&["Enter"]);
    wait_gone(&t);

    // The shop is back: the next start sends it, with the same key.
    relay.set(Fault::Pass);
    let t = Tmux::start(&home, 120, 36);
    t.wait_for("Type number, SKU");
    t.keys(&["F4"]);
    // The order history shows it (the status line says so too, for a few seconds).
    t.wait_for("TMUX-W1");
    t.keys(&["q"]);
    wait_gone(&t);
    let orders = orders_with_po(&home, "TMUX-W1");
    assert_eq!(orders.len(), 1, "exactly one order on the shop: {orders:?}");
    assert_eq!(orders[0]["line_count"], 1);
    let text = std::fs::read_to_string(home.basket_file("default", "weekly")).unwrap();
    assert!(!text.contains("[pending"), "nothing waits any more: {text}");
}
