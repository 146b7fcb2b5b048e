//! The terminal app driven headlessly through its own event path, against
//! the real reference shop: search → add → basket → checkout → order placed.

use crate::common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use procure::tui::app::App;
use procure::tui::engine::{Engine, Msg};
use procure::tui::keymap::Action;
use procure::tui::screens::approvals::Approvals;
use procure::tui::screens::baskets::{self, Baskets};
use procure::tui::screens::orders::{self, Orders};
use procure::tui::screens::quotes::Quotes;
use procure::tui::screens::search::Search;
use procure_client::service::{Paths, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

struct Harness {
    app: App,
    engine: Engine,
    rx: mpsc::UnboundedReceiver<Msg>,
    rt: tokio::runtime::Runtime,
    term: Terminal<TestBackend>,
}

impl Harness {
    fn new(home: &Home) -> Harness {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let ws = Workspace::open(Paths::under(home.path().to_path_buf())).unwrap();
        let sup = ws.supplier(None).unwrap();
        let mut app = procure::tui::build(&ws, &sup, Some("never")).unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        let engine = Engine::start(ws, sup, tx, rt.handle().clone());
        for fx in app.start() {
            engine.run(fx);
        }
        Harness { app, engine, rx, rt, term: Terminal::new(TestBackend::new(120, 36)).unwrap() }
    }

    fn event(&mut self, e: Event) {
        for fx in self.app.handle(e) {
            self.engine.run(fx);
        }
        procure::tui::draw(&mut self.term, &mut self.app).unwrap();
    }

    fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.event(Event::Key(KeyEvent::new(code, mods)));
    }

    fn press(&mut self, c: char) {
        self.key(KeyCode::Char(c), KeyModifiers::NONE);
    }

    fn ctrl(&mut self, c: char) {
        self.key(KeyCode::Char(c), KeyModifiers::CONTROL);
    }

    fn type_text(&mut self, s: &str) {
        for c in s.chars() {
            self.press(c);
        }
    }

    fn wait(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(&self.app) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for {what}\n{}", self.screen());
            let msg = self.rt.block_on(async { tokio::time::timeout(left, self.rx.recv()).await });
            if let Ok(Some(m)) = msg {
                for fx in self.app.on_msg(m) {
                    self.engine.run(fx);
                }
            }
        }
        procure::tui::draw(&mut self.term, &mut self.app).unwrap();
    }

    fn screen(&mut self) -> String {
        procure::tui::draw(&mut self.term, &mut self.app).unwrap();
        format!("{}", self.term.backend())
    }
}

fn search_state(a: &App) -> &Search {
    a.search().unwrap()
}

fn baskets_state(a: &App) -> &Baskets {
    a.baskets().unwrap()
}

fn orders_state(a: &App) -> &Orders {
    a.orders().unwrap()
}

fn quotes_state(a: &App) -> &Quotes {
    a.quotes().unwrap()
}

fn approvals_state(a: &App) -> &Approvals {
    a.approvals().unwrap()
}

fn status(app: &App) -> String {
    app.status().unwrap_or_default().to_string()
}

#[test]
fn search_add_basket_checkout_places_an_order() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();

    let mut h = Harness::new(&home);
    h.wait("the index", |a| a.indexed().is_some() && !a.syncing());

    // Search by a half-remembered type number.
    h.type_text("62052rsh");
    h.wait("results", |a| search_state(a).rows().first().is_some_and(|r| r.sku == "T-BRG-1"));
    let screen = h.screen();
    assert!(screen.contains("6205-2RSH/C3") && screen.contains("6.90"), "{screen}");

    // Add 12: the prompt shows the tier price.
    h.ctrl('a');
    h.wait("the quantity prompt", |a| a.prompt().is_some());
    h.ctrl('u');
    h.type_text("12");
    let screen = h.screen();
    assert!(screen.contains("12 × 6.10 = 73.20"), "{screen}");
    h.key(KeyCode::Enter, KeyModifiers::NONE);
    h.wait("the add", |a| status(a).contains("added to weekly"));

    // The basket, priced.
    h.key(KeyCode::F(3), KeyModifiers::NONE);
    assert_eq!(h.app.screen_id(), baskets::ID);
    h.wait("the priced basket", |a| baskets_state(a).priced().is_some_and(|p| p.lines.len() == 1));
    assert!(h.screen().contains("73.20"));

    // Checkout: PO, preview, place.
    h.press('c');
    assert!(h.app.checkout().is_some());
    h.type_text("TUI-1");
    h.ctrl('s');
    h.wait("the preview", |a| a.checkout().is_some_and(|f| f.preview().is_some() || f.error().is_some()));
    let screen = h.screen();
    assert!(screen.contains("invoice") && screen.contains("earliest delivery"), "{screen}");
    h.ctrl('s');
    h.wait("the order", |a| a.checkout().is_some_and(|f| f.placed().is_some() || f.error().is_some()));
    let form = h.app.checkout().expect("the checkout");
    let number = form.placed().map(|p| p.order.number.clone()).expect("placed");
    assert!(h.screen().contains(&number));

    // The order is on the shop, with the PO number typed in the app.
    let list = home.run(&["--json", "order", "list"]).ok().json();
    assert_eq!(list[0]["number"], number.as_str());
    assert_eq!(list[0]["po_number"], "TUI-1");

    // Orders screen shows it; reorder it into a new basket.
    h.key(KeyCode::Esc, KeyModifiers::NONE);
    h.key(KeyCode::F(4), KeyModifiers::NONE);
    assert_eq!(h.app.screen_id(), orders::ID);
    h.wait("the order list", |a| orders_state(a).list().iter().any(|o| o.number == number));
    h.press('r');
    h.ctrl('u');
    h.type_text("again");
    h.key(KeyCode::Enter, KeyModifiers::NONE);
    h.wait("the reorder", |a| baskets_state(a).priced().is_some_and(|p| p.name == "again" && p.lines.len() == 1));
}

#[test]
fn superseded_searches_never_reach_the_screen() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let mut h = Harness::new(&home);
    h.wait("the index", |a| a.indexed().is_some());
    // Type fast: every keystroke supersedes the previous search.
    h.type_text("3rt2015");
    let last = search_state(&h.app).seq();
    h.wait("the last search", |a| search_state(a).shown_seq() == last);
    assert!(search_state(&h.app).rows().iter().any(|r| r.sku == "T-CON-1"));
    assert_eq!(
        search_state(&h.app).shown_seq(),
        search_state(&h.app).seq(),
        "only the newest query's results are shown"
    );
}

#[test]
fn offline_the_app_still_searches_and_marks_it() {
    let mut shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    shop.stop();
    let mut h = Harness::new(&home);
    h.wait("the offline marker", |a| a.online() == Some(false));
    h.type_text("m8x25");
    h.wait("results from the cache", |a| search_state(a).rows().iter().any(|r| r.sku == "T-SCR-1"));
    assert!(h.screen().contains("OFFLINE"));
}

#[test]
fn a_quote_and_an_approval_in_two_apps() {
    let shop = shop_with_catalog();
    let more = "sku,name,mpn,manufacturer,unit,pack_size,min_qty,lead_time_days,stock,list_price\nT-HUN-1,Gear motor 100,GM-100,Acme Drives,pc,1,1,5,500,100.00\n";
    assert!(shop.import(more, None).status.success());
    let buyer_home = Home::synced(&shop.url, "ACME", "buyer");
    buyer_home.run(&["basket", "new", "yearly"]).ok();
    buyer_home.run(&["basket", "add", "yearly", "T-HUN-1", "60"]).ok();
    let approver_home = Home::synced(&shop.url, "ACME", "approver");

    // The buyer asks for a quote on the basket.
    let mut buyer = Harness::new(&buyer_home);
    buyer.wait("the index", |a| a.indexed().is_some() && !a.syncing());
    buyer.key(KeyCode::F(3), KeyModifiers::NONE);
    buyer.wait("the basket", |a| baskets_state(a).priced().is_some_and(|p| p.name == "yearly"));
    // A target price for the line, and a comment.
    buyer.press('Q');
    buyer.type_text("90");
    buyer.key(KeyCode::Down, KeyModifiers::NONE);
    buyer.type_text("yearly need");
    buyer.ctrl('s');
    buyer.wait("the request", |a| status(a).contains("quote request"));
    let number = status(&buyer.app).split_whitespace().nth(2).unwrap().to_string();

    // The supplier offers 5 % under list.
    shop.supplier(&["quote", "offer", &number, "--discount", "5"]).ok();

    // The buyer sees the offer beside the list price and accepts it.
    buyer.key(KeyCode::F(6), KeyModifiers::NONE);
    buyer.wait("the offered quote", |a| {
        quotes_state(a).list().iter().any(|q| q.number == number && q.status.as_str() == "offered")
    });
    buyer.key(KeyCode::Enter, KeyModifiers::NONE);
    buyer.wait("the quote detail", |a| a.quote_detail().is_some());
    let screen = buyer.screen();
    assert!(screen.contains("100.00") && screen.contains("95.00"), "{screen}");
    assert!(screen.contains("90.00"), "the target price typed in the request: {screen}");
    buyer.press('a');
    buyer.type_text("Q-PO-7");
    buyer.key(KeyCode::Enter, KeyModifiers::NONE);
    buyer.wait("the order from the quote", |a| status(a).contains("accepted"));
    assert!(
        status(&buyer.app).contains("pending_approval"),
        "60 × 95.00 = 5,700 is above the buyer's 5,000: {}",
        status(&buyer.app)
    );
    let order = status(&buyer.app).split("order ").nth(1).unwrap().split_whitespace().next().unwrap().to_string();

    // The approver, in the other app, approves it.
    let mut approver = Harness::new(&approver_home);
    approver.wait("the approver's app", |a| a.me().is_some() && !a.syncing());
    approver.key(KeyCode::F(7), KeyModifiers::NONE);
    approver.wait("the queue", |a| approvals_state(a).list().iter().any(|o| o.number == order));
    approver.press('y');
    approver.wait("the approval", |a| status(a).contains("approved"));

    let shown = buyer_home.run(&["--json", "order", "show", &order]).ok().json();
    assert_eq!(shown["status"], "placed");
    assert_eq!(shown["quote_number"], number.as_str());
    assert_eq!(shown["approval"]["decided_by"], "approver");
}

#[test]
fn quick_entry_takes_a_pasted_list_and_keeps_the_bad_lines() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "paste"]).ok();
    let mut h = Harness::new(&home);
    h.wait("the index", |a| a.indexed().is_some() && !a.syncing());
    h.key(KeyCode::F(3), KeyModifiers::NONE);
    h.wait("the basket", |a| baskets_state(a).priced().is_some());
    h.press('i');
    h.event(Event::Paste("T-BRG-1 4\nT-BRG-X 2\nT-SCR-1 150\n4011209780106\t1\n".into()));
    h.ctrl('s');
    h.wait("the quick entry", |a| status(a).contains("lines added"));
    let screen = h.screen();
    assert!(screen.contains("T-BRG-X") && screen.contains("did you mean"), "{screen}");
    assert!(screen.contains("sold in packs of 100") && screen.contains("next valid quantity"), "{screen}");
    h.wait("the priced basket", |a| baskets_state(a).priced().is_some_and(|p| p.lines.len() == 2));
    let b = home.run(&["--json", "basket", "show", "paste"]).ok().json();
    let skus: Vec<_> = b["lines"].as_array().unwrap().iter().map(|l| l["sku"].as_str().unwrap().to_string()).collect();
    assert_eq!(skus, vec!["T-BRG-1", "T-CON-1"]);
}

#[test]
fn quick_entry_lets_the_buyer_choose_among_the_parts_of_a_type_number() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    // The demo catalog has a second part with T-CON-1's type number;
    // `basket import` names both, as quick entry will.
    home.run(&["basket", "new", "probe"]).ok();
    let file = home.path().join("list.csv");
    std::fs::write(&file, "T-BRG-1;4\n3RT2015-1BB41 2\n").unwrap();
    let report = home.run(&["--json", "basket", "import", "probe", file.to_str().unwrap()]).fails_with(5).json();
    assert_eq!(report["added"][0], serde_json::json!({"line": 1, "sku": "T-BRG-1", "quantity": 4}));
    let choices = report["problems"][0]["choices"].as_array().expect("the candidates").clone();
    assert!(choices.len() >= 2 && choices.contains(&"T-CON-1".into()), "{report}");
    home.run(&["basket", "new", "pick"]).ok();
    let mut h = Harness::new(&home);
    h.wait("the index", |a| a.indexed().is_some() && !a.syncing());
    h.key(KeyCode::F(3), KeyModifiers::NONE);
    h.wait("the basket", |a| baskets_state(a).priced().is_some());
    h.press('i');
    // `;`, `SKU QTY` and tab lines, as `basket import` reads them.
    h.event(Event::Paste("T-BRG-1;4\n3RT2015-1BB41 2\nT-BRG-X 1\r\n".into()));
    // A typed tab separates as a pasted one does.
    h.type_text("T-SCR-1");
    h.key(KeyCode::Tab, KeyModifiers::NONE);
    h.type_text("200");
    assert!(h.app.quick_entry().unwrap().text().ends_with("T-SCR-1\t200"));
    h.ctrl('s');
    h.wait("the quick entry", |a| status(a).contains("lines added"));
    // The quantities as typed, not the line's total afterwards.
    assert!(
        status(&h.app).contains("2 lines added to pick (4 × T-BRG-1, 200 × T-SCR-1), 2 not added"),
        "{}",
        status(&h.app)
    );
    let q = h.app.quick_entry().unwrap();
    assert_eq!(q.text(), "3RT2015-1BB41 2\nT-BRG-X 1");
    assert!(q.problems()[0].choices.len() >= 2 && q.problems()[0].choices.contains(&"T-CON-1".to_string()), "{q:?}");
    assert!(q.problems()[1].choices.is_empty());
    let named = q.problems()[0].choices.clone();
    // The key is shown on the problem line and in the hints, from the keymap.
    let key = h.app.key_label(Action::ChoosePart).unwrap();
    h.app.clear_status();
    let screen = h.screen();
    assert!(screen.contains(&format!("{key} to choose")) && screen.contains(&format!("{key} choose part")), "{screen}");

    h.ctrl('o');
    h.wait("the candidates", |a| a.choose_part().is_some());
    let chooser = h.app.choose_part().unwrap().clone();
    assert_eq!((chooser.line(), chooser.choices().qty, chooser.choices().typed.as_str()), (1, 2, "3RT2015-1BB41"));
    let skus: Vec<&str> = chooser.choices().parts.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(skus, named, "the list names the parts the problem named");
    assert_eq!(choices, named, "as `basket import` names them");
    let at = skus.iter().position(|s| *s == "T-CON-1").unwrap();
    let con = &chooser.choices().parts[at];
    assert_eq!((con.mpn.as_str(), con.manufacturer.as_str()), ("3RT2015-1BB41", "Siemens"));
    assert_eq!(con.unit_price, Some(rust_decimal_macros::dec!(31.00)), "ACME's price for 2");
    let screen = h.screen();
    assert!(screen.contains("Choose the part") && screen.contains("Siemens") && screen.contains("31.00"), "{screen}");

    // Esc leaves the line as it was.
    h.key(KeyCode::Esc, KeyModifiers::NONE);
    assert!(h.app.choose_part().is_none());
    assert_eq!(h.app.quick_entry().unwrap().text(), "3RT2015-1BB41 2\nT-BRG-X 1");

    h.ctrl('o');
    h.wait("the candidates again", |a| a.choose_part().is_some());
    for _ in 0..at {
        h.key(KeyCode::Down, KeyModifiers::NONE);
    }
    h.key(KeyCode::Enter, KeyModifiers::NONE);
    let q = h.app.quick_entry().expect("back in the quick entry");
    assert_eq!(q.text(), "T-CON-1 2\nT-BRG-X 1", "the chosen SKU, the quantity as typed, the other line untouched");
    assert_eq!(q.problems().len(), 1);
    assert_eq!(q.problems()[0].sku, "T-BRG-X");
    assert_eq!(q.choosable(), None);

    h.app.clear_status();
    h.ctrl('s');
    h.wait("the second run", |a| status(a).contains("added to"));
    assert!(status(&h.app).contains("1 line added to pick (2 × T-CON-1), 1 not added"), "{}", status(&h.app));
    let b = home.run(&["--json", "basket", "show", "pick"]).ok().json();
    let lines: Vec<(String, u64)> = b["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["sku"].as_str().unwrap().to_string(), l["quantity"].as_u64().unwrap()))
        .collect();
    assert_eq!(lines, vec![("T-BRG-1".into(), 4), ("T-SCR-1".into(), 200), ("T-CON-1".into(), 2)]);
}

#[test]
fn quick_entry_keeps_the_header_over_the_lines_left_to_fix() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "hdr"]).ok();
    let mut h = Harness::new(&home);
    h.wait("the index", |a| a.indexed().is_some() && !a.syncing());
    h.key(KeyCode::F(3), KeyModifiers::NONE);
    h.wait("the basket", |a| baskets_state(a).priced().is_some());
    h.press('i');
    // Columns in a spreadsheet's order, quantity first.
    h.event(Event::Paste("Menge;Artikel\n4;T-BRG-1\n2;T-BRG-X\n".into()));
    h.ctrl('s');
    h.wait("the quick entry", |a| status(a).contains("added to"));
    let q = h.app.quick_entry().unwrap();
    assert_eq!(q.text(), "Menge;Artikel\n2;T-BRG-X", "the header still says which column is which");
    assert_eq!((q.problems().len(), q.problems()[0].line, q.problems()[0].sku.as_str()), (1, 2, "T-BRG-X"));
    // Fixed in place and sent again: read with the same columns.
    h.key(KeyCode::Backspace, KeyModifiers::NONE);
    h.type_text("1");
    h.app.clear_status();
    h.ctrl('s');
    h.wait("the second run", |a| status(a).contains("added to"));
    assert!(status(&h.app).contains("1 line added to hdr (2 × T-BRG-1), 0 not added"), "{}", status(&h.app));
    let b = home.run(&["--json", "basket", "show", "hdr"]).ok().json();
    assert_eq!(b["lines"][0]["quantity"], 6, "{b}");
}

#[test]
fn the_basket_used_last_comes_first_in_the_next_session() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "alpha"]).ok();
    home.run(&["basket", "new", "zeta"]).ok();
    {
        let mut h = Harness::new(&home);
        h.wait("the index", |a| a.indexed().is_some() && !a.syncing());
        h.key(KeyCode::F(3), KeyModifiers::NONE);
        // Made last on the command line: zeta first.
        h.wait("the first basket", |a| baskets_state(a).priced().is_some_and(|p| p.name == "zeta"));
        h.key(KeyCode::Down, KeyModifiers::NONE);
        h.wait("alpha", |a| baskets_state(a).priced().is_some_and(|p| p.name == "alpha"));
    }
    let mut h = Harness::new(&home);
    h.wait("the baskets", |a| !baskets_state(a).list().is_empty());
    assert_eq!(baskets_state(&h.app).list()[0].0, "alpha", "sorted by last use");
    assert_eq!(h.app.current_basket().as_deref(), Some("alpha"), "adds go to the basket used last");
}

#[test]
fn the_account_screen_asks_the_shop() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let mut h = Harness::new(&home);
    h.wait("the app", |a| a.me().is_some() && !a.syncing());
    h.key(KeyCode::F(8), KeyModifiers::NONE);
    h.wait("the account", |a| a.account().is_some_and(|s| s.account().is_some() || s.error().is_some()));
    let account = h.app.account().unwrap().account().cloned().expect("the account");
    assert!(!account.offline);
    let screen = h.screen();
    assert!(screen.contains(&account.company.name) && screen.contains("available of"), "{screen}");
    let cli = home.run(&["--json", "account"]).ok().json();
    assert_eq!(cli["company"]["name"], account.company.name.as_str(), "the same account as the command line");
}

#[test]
fn a_po_number_already_used_is_asked_about_and_reorder_asks_add_or_replace() {
    use procure::tui::dialogs::prompt::PromptKind;
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "2"]).ok();
    home.run(&["order", "submit", "--basket", "weekly", "--po", "TUI-DUP"]).ok();
    home.run(&["basket", "add", "weekly", "T-CON-1", "1"]).ok();

    let mut h = Harness::new(&home);
    h.wait("the index", |a| a.indexed().is_some() && !a.syncing());
    h.key(KeyCode::F(3), KeyModifiers::NONE);
    h.wait("the priced basket", |a| baskets_state(a).priced().is_some_and(|p| p.lines.len() == 2));
    h.press('c');
    h.type_text("TUI-DUP");
    h.ctrl('s');
    // The preview asks, before anything is placed.
    h.wait("the preview", |a| a.checkout().is_some_and(|f| f.preview().is_some()));
    assert!(h.app.checkout().is_some_and(|f| f.allows_duplicate_po()), "{}", h.screen());
    assert!(h.screen().contains("already used by order"), "{}", h.screen());
    assert_eq!(home.run(&["--json", "order", "list"]).ok().json()[0]["po_number"], "TUI-DUP");
    h.ctrl('s');
    h.wait("the second order", |a| a.checkout().is_some_and(|f| f.placed().is_some() || f.busy()));
    h.wait("the second order", |a| a.checkout().is_some_and(|f| f.placed().is_some()));
    let list = home.run(&["--json", "order", "list"]).ok().json();
    let with_po: Vec<_> = list.as_array().unwrap().iter().filter(|o| o["po_number"] == "TUI-DUP").collect();
    assert_eq!(with_po.len(), 2, "asked, then placed once more: {list}");
    let number = with_po[0]["number"].as_str().unwrap().to_string();

    // Reorder into the basket (it exists): the app asks add or replace.
    h.key(KeyCode::Esc, KeyModifiers::NONE);
    h.key(KeyCode::F(4), KeyModifiers::NONE);
    h.wait("the orders", |a| orders_state(a).list().iter().any(|o| o.number == number));
    let i = orders_state(&h.app).list().iter().position(|o| o.number == number).unwrap();
    for _ in 0..i {
        h.key(KeyCode::Down, KeyModifiers::NONE);
    }
    h.press('r');
    h.ctrl('u');
    h.type_text("weekly");
    h.key(KeyCode::Enter, KeyModifiers::NONE);
    assert!(h.app.prompt().is_some_and(|p| matches!(p.kind(), PromptKind::ReorderMerge { .. })), "{}", h.screen());
    h.ctrl('u');
    h.type_text("replace");
    h.key(KeyCode::Enter, KeyModifiers::NONE);
    h.wait("the reorder", |a| status(a).contains("lines into weekly"));
    let b = home.run(&["--json", "basket", "show", "weekly"]).ok().json();
    let lines: Vec<(String, u64)> = b["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["sku"].as_str().unwrap().to_string(), l["quantity"].as_u64().unwrap()))
        .collect();
    assert_eq!(lines, vec![("T-BRG-1".into(), 2), ("T-CON-1".into(), 1)], "the order's lines, not added on top: {b}");
}

#[test]
fn the_basket_screen_reads_a_basket_another_process_changed() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "2"]).ok();

    let mut h = Harness::new(&home);
    h.wait("the index", |a| a.indexed().is_some() && !a.syncing());
    h.key(KeyCode::F(3), KeyModifiers::NONE);
    h.wait("the priced basket", |a| baskets_state(a).priced().is_some_and(|p| p.lines.len() == 1));
    // Another procure adds a line while the app shows the basket.
    home.run(&["basket", "add", "weekly", "T-CON-1", "1"]).ok();
    // The app reads the baskets again every few seconds.
    std::thread::sleep(Duration::from_millis(3100));
    for fx in h.app.tick() {
        h.engine.run(fx);
    }
    h.wait("the reloaded basket", |a| baskets_state(a).priced().is_some_and(|p| p.lines.len() == 2));
    // An edit in the app now keeps the other process's line.
    h.key(KeyCode::Tab, KeyModifiers::NONE);
    h.press('d');
    h.wait("the removal", |a| status(a).contains("removed"));
    let b = home.run(&["--json", "basket", "show", "weekly"]).ok().json();
    assert_eq!(b["lines"].as_array().unwrap().len(), 1, "{b}");
}

/// A basket shown in the app is a basket agreed to, as in `basket show`:
/// a price changed since the buyer agreed to it is asked about, and a yes
/// makes it the agreed price.
#[test]
fn the_app_asks_about_prices_changed_since_a_basket_was_agreed() {
    let shop = shop_with_catalog();
    let home = Home::new();
    home.login(&shop.url, "ACME", "buyer");
    home.run(&["sync"]).ok();
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "2"]).ok();
    // ACME's price of the part goes up after it was agreed.
    let out = shop.import(CATALOG, Some("company,sku,min_qty,unit_price\nACME,T-BRG-1,1,7.20\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    home.run(&["sync"]).ok();

    let mut h = Harness::new(&home);
    h.wait("the index", |a| a.indexed().is_some() && !a.syncing());
    assert!(h.app.confirm().is_none(), "not asked on the search screen");
    h.key(KeyCode::F(3), KeyModifiers::NONE);
    h.wait("the question", |a| a.confirm().is_some());
    let screen = h.screen();
    assert!(screen.contains("T-BRG-1 × 2: 6.90 → 7.20") && screen.contains("Accept the new"), "{screen}");
    h.press('y');
    h.wait("the new price agreed", |a| status(a).contains("new prices accepted for weekly"));
    let b = home.run(&["--json", "basket", "show", "weekly"]).ok().json();
    assert_eq!(b["lines"][0]["agreed_price"], "7.20", "{b}");
}
