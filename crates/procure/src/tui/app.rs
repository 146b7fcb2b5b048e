//! The terminal app's state and how it changes. `update` takes an event and
//! returns the effects to run; it never blocks, never does IO.

use super::engine::{BasketOp, Effect, Msg};
use super::keymap::{Action, Key, Keymap, Scope};
use super::theme::Theme;
use super::widgets::input::Input;
use chrono::NaiveDate;
use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};
use procure_client::api::{Me, Order, OrderSummary};
use procure_client::core::basket::{Basket, PricedBasket};
use procure_client::core::import::ImportProblem;
use procure_client::core::money;
use procure_client::core::order::CheckoutOptions;
use procure_client::core::quantity::{QuantityRules, parse_quantity};
use procure_client::search::Highlights;
use procure_client::service::ErrorKind;
use procure_client::service::ordering::{Checkout, Submitted};
use procure_client::service::search::{PartDetail, SearchRow};
use ratatui::layout::Rect;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Search,
    Baskets,
    Orders,
    Quotes,
    Approvals,
}

impl Tab {
    /// The function key that opens the screen (shown in the tab bar).
    pub fn key(self) -> &'static str {
        match self {
            Tab::Search => "F2",
            Tab::Baskets => "F3",
            Tab::Orders => "F4",
            Tab::Quotes => "F6",
            Tab::Approvals => "F7",
        }
    }

    pub const ALL: [Tab; 5] = [Tab::Search, Tab::Baskets, Tab::Orders, Tab::Quotes, Tab::Approvals];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Search => "Search",
            Tab::Baskets => "Baskets",
            Tab::Orders => "Orders",
            Tab::Quotes => "Quotes",
            Tab::Approvals => "Approvals",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Input,
    List,
    Lines,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    AddQty { sku: String, rules: QuantityRules, tiers: Vec<procure_client::api::Tier>, currency: String },
    EditQty { sku: String },
    Note { sku: String },
    NewBasket,
    ReorderInto { number: String },
    Password,
    RequestQuote { basket: String },
    AcceptQuote { number: String },
    DeclineQuote { number: String },
    RejectOrder { number: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub title: String,
    pub input: Input,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Po,
    Date,
    ShipTo,
    Complete,
    Shipping,
    Comment,
}

impl Field {
    pub const ALL: [Field; 6] =
        [Field::Po, Field::Date, Field::ShipTo, Field::Complete, Field::Shipping, Field::Comment];
}

#[derive(Debug, Clone)]
pub struct CheckoutForm {
    pub basket: String,
    pub field: usize,
    pub po: Input,
    pub date: Input,
    pub ship_to: usize,
    pub complete: bool,
    pub shipping: usize,
    pub comment: Input,
    pub preview: Option<Checkout>,
    pub busy: bool,
    pub error: Option<String>,
    pub placed: Option<Submitted>,
    pub queued: Option<String>,
}

#[derive(Debug, Clone)]
pub struct QuickEntry {
    pub basket: String,
    pub text: String,
    pub problems: Vec<ImportProblem>,
    pub added: usize,
    pub busy: bool,
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help,
    Detail(Box<PartDetail>),
    Prompt(Prompt),
    QuickEntry(QuickEntry),
    Checkout(Box<CheckoutForm>),
    Order(Box<Order>),
    Quote(Box<procure_client::api::Quote>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Ok,
    Warn,
    Error,
}

#[derive(Debug, Default)]
pub struct SearchState {
    pub input: Input,
    pub rows: Vec<SearchRow>,
    pub highlights: Vec<Highlights>,
    pub total: usize,
    pub selected: usize,
    pub seq: u64,
    pub shown_seq: u64,
    pub took: Option<Duration>,
    pub suggestions: Vec<String>,
}

#[derive(Debug, Default)]
pub struct BasketsState {
    pub list: Vec<(String, Result<Basket, String>)>,
    pub selected: usize,
    pub priced: Option<PricedBasket>,
    pub line: usize,
    /// The basket that "add" puts parts into.
    pub current: Option<String>,
}

#[derive(Debug, Default)]
pub struct OrdersState {
    pub list: Vec<OrderSummary>,
    pub selected: usize,
    pub loaded: bool,
}

#[derive(Debug, Default)]
pub struct QuotesState {
    pub list: Vec<procure_client::api::QuoteSummary>,
    pub selected: usize,
    pub loaded: bool,
}

/// Screen areas of the last frame, for mouse hits.
#[derive(Debug, Default, Clone, Copy)]
pub struct Areas {
    pub tabs: Rect,
    pub list: Rect,
    pub lines: Rect,
    /// Rows above the first data row inside `list` / `lines` (border + header).
    pub list_offset: u16,
}

pub struct App {
    pub keymap: Keymap,
    pub theme: Theme,
    pub profile: String,
    pub shop: String,
    pub me: Option<Me>,
    pub logged_in: bool,
    pub online: Option<bool>,
    pub indexed: Option<usize>,
    pub syncing: bool,
    pub tab: Tab,
    pub focus: Focus,
    pub overlays: Vec<Overlay>,
    pub search: SearchState,
    pub baskets: BasketsState,
    pub orders: OrdersState,
    pub quotes: QuotesState,
    /// Orders of the company waiting for an approver.
    pub approvals: OrdersState,
    pub status: Option<(Level, String, Instant)>,
    pub outbox: Option<(CheckoutOptions, String, Instant)>,
    pub areas: Areas,
    pub quit: bool,
    pub today: NaiveDate,
    /// An add was asked for before the part's detail was loaded.
    pub pending_add: bool,
    /// What the profile's shop supports; screens and fields it lacks are hidden or marked.
    pub caps: Option<procure_client::backend::Capabilities>,
}

const PAGE: usize = 10;

impl App {
    pub fn new(keymap: Keymap, theme: Theme, profile: &str, shop: &str, me: Option<Me>, logged_in: bool) -> App {
        App {
            keymap,
            theme,
            profile: profile.to_string(),
            shop: shop.to_string(),
            me,
            logged_in,
            online: None,
            indexed: None,
            syncing: false,
            tab: Tab::Search,
            focus: Focus::Input,
            overlays: vec![],
            search: SearchState::default(),
            baskets: BasketsState::default(),
            orders: OrdersState::default(),
            quotes: QuotesState::default(),
            approvals: OrdersState::default(),
            status: None,
            outbox: None,
            areas: Areas::default(),
            quit: false,
            today: chrono::Local::now().date_naive(),
            pending_add: false,
            caps: None,
        }
    }

    /// What to do first: load baskets; log in or sync.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx = vec![Effect::Baskets];
        if self.logged_in {
            self.syncing = true;
            fx.push(Effect::Sync);
        } else {
            self.open_password_prompt();
        }
        fx
    }

    fn open_password_prompt(&mut self) {
        self.overlays.push(Overlay::Prompt(Prompt {
            kind: PromptKind::Password,
            title: format!("Log in to {} — password", self.shop),
            input: Input::masked(),
            error: None,
        }));
    }

    /// The screens this user has: approvals only for approvers and admins.
    pub fn tabs(&self) -> Vec<Tab> {
        let approver = self.me.as_ref().is_some_and(|m| m.user.role != procure_client::api::Role::Buyer);
        let quotes = self.caps.is_none_or(|c| c.quote_requests);
        let approvals = self.caps.is_none_or(|c| c.approvals);
        Tab::ALL
            .into_iter()
            .filter(|t| match t {
                Tab::Approvals => approver && approvals,
                Tab::Quotes => quotes,
                _ => true,
            })
            .collect()
    }

    /// Whether the shop can carry a checkout field.
    pub fn supports(&self, field: Field) -> bool {
        match (field, self.caps) {
            (Field::Date, Some(c)) => c.requested_delivery_date,
            (Field::Complete, Some(c)) => c.ship_complete,
            _ => true,
        }
    }

    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        // Status texts may quote a shop's words.
        self.status = Some((level, procure_client::core::sanitize::clean(&text.into()), Instant::now()));
    }

    /// The scopes whose bindings apply now, most specific first.
    pub fn scopes(&self) -> (Vec<Scope>, bool) {
        match self.overlays.last() {
            Some(Overlay::Help) => (vec![], false),
            Some(Overlay::Detail(_)) => (vec![Scope::Detail], false),
            Some(Overlay::Prompt(_)) => (vec![Scope::Prompt], true),
            Some(Overlay::QuickEntry(_)) => (vec![Scope::QuickEntry], true),
            Some(Overlay::Checkout(f)) => {
                let text = matches!(Field::ALL[f.field], Field::Po | Field::Date | Field::Comment);
                (vec![Scope::Checkout], text)
            }
            Some(Overlay::Order(_)) if self.tab == Tab::Approvals => (vec![Scope::Approvals], false),
            Some(Overlay::Order(_)) => (vec![Scope::Orders], false),
            Some(Overlay::Quote(_)) => (vec![Scope::Quotes], false),
            None => match (self.tab, self.focus) {
                (Tab::Search, Focus::Input) => (vec![Scope::SearchInput], true),
                (Tab::Search, _) => (vec![Scope::Results, Scope::Lists], false),
                (Tab::Baskets, Focus::Lines) => (vec![Scope::BasketLines, Scope::Lists], false),
                (Tab::Baskets, _) => (vec![Scope::Baskets, Scope::Lists], false),
                (Tab::Orders, _) => (vec![Scope::Orders, Scope::Lists], false),
                (Tab::Quotes, _) => (vec![Scope::Quotes, Scope::Lists], false),
                (Tab::Approvals, _) => (vec![Scope::Approvals, Scope::Lists], false),
            },
        }
    }

    pub fn current_basket(&self) -> Option<String> {
        self.baskets
            .current
            .clone()
            .or_else(|| self.baskets.list.iter().find(|(_, b)| b.is_ok()).map(|(n, _)| n.clone()))
    }

    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.key(k),
            Event::Paste(text) => self.paste(&text),
            Event::Mouse(m) => self.mouse(m.kind, m.column, m.row),
            _ => vec![],
        }
    }

    fn paste(&mut self, text: &str) -> Vec<Effect> {
        match self.overlays.last_mut() {
            Some(Overlay::QuickEntry(q)) => {
                q.text.push_str(&text.replace("\r\n", "\n").replace('\r', "\n"));
                vec![]
            }
            Some(Overlay::Prompt(p)) => {
                p.input.insert_str(text.lines().next().unwrap_or(""));
                vec![]
            }
            None if self.tab == Tab::Search => {
                if text.contains('\n') {
                    // Many lines pasted into search: that is a quick entry.
                    let basket = self.current_basket();
                    match basket {
                        Some(b) => {
                            self.overlays.push(Overlay::QuickEntry(QuickEntry {
                                basket: b,
                                text: text.to_string(),
                                problems: vec![],
                                added: 0,
                                busy: false,
                            }));
                            vec![]
                        }
                        None => {
                            self.say(Level::Warn, "create a basket first (Baskets, n)");
                            vec![]
                        }
                    }
                } else {
                    self.focus = Focus::Input;
                    self.search.input.insert_str(text);
                    self.run_search()
                }
            }
            _ => vec![],
        }
    }

    fn mouse(&mut self, kind: MouseEventKind, col: u16, row: u16) -> Vec<Effect> {
        if !self.overlays.is_empty() {
            return vec![];
        }
        let inside = |r: Rect| col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height;
        match kind {
            MouseEventKind::ScrollDown => self.action(Action::Down),
            MouseEventKind::ScrollUp => self.action(Action::Up),
            MouseEventKind::Down(MouseButton::Left) => {
                if inside(self.areas.tabs) {
                    let mut x = self.areas.tabs.x;
                    for t in self.tabs() {
                        // As drawn: "F2 " + marker + title + " " + " ".
                        let w = (t.key().len() + t.title().len() + 4) as u16;
                        if col < x + w {
                            return self.switch_tab(t);
                        }
                        x += w;
                    }
                    return vec![];
                }
                for (area, focus) in [(self.areas.list, Focus::List), (self.areas.lines, Focus::Lines)] {
                    if inside(area) && row >= area.y + self.areas.list_offset {
                        let idx = (row - area.y - self.areas.list_offset) as usize;
                        self.focus = focus;
                        return match (self.tab, focus) {
                            (Tab::Search, _) => {
                                self.search.selected = idx.min(self.search.rows.len().saturating_sub(1));
                                vec![]
                            }
                            (Tab::Baskets, Focus::Lines) => {
                                let n = self.baskets.priced.as_ref().map(|p| p.lines.len()).unwrap_or(0);
                                self.baskets.line = idx.min(n.saturating_sub(1));
                                vec![]
                            }
                            (Tab::Baskets, _) => self.select_basket(idx),
                            (Tab::Orders, _) => {
                                self.orders.selected = idx.min(self.orders.list.len().saturating_sub(1));
                                vec![]
                            }
                            (Tab::Quotes, _) => {
                                self.quotes.selected = idx.min(self.quotes.list.len().saturating_sub(1));
                                vec![]
                            }
                            (Tab::Approvals, _) => {
                                self.approvals.selected = idx.min(self.approvals.list.len().saturating_sub(1));
                                vec![]
                            }
                        };
                    }
                }
                vec![]
            }
            _ => vec![],
        }
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let key = Key::from_event(&k);
        let (scopes, text_focus) = self.scopes();
        if matches!(self.overlays.last(), Some(Overlay::Help)) {
            // Any key closes the help.
            self.overlays.pop();
            return vec![];
        }
        if let Some(action) = self.keymap.lookup(&key, &scopes, text_focus) {
            // In a prompt, plain letters are text, except the prompt's own bindings.
            let prompt_text = matches!(self.overlays.last(), Some(Overlay::Prompt(_))) && key.is_text();
            if !prompt_text {
                return self.action(action);
            }
        }
        // Text input.
        match self.overlays.last_mut() {
            Some(Overlay::Prompt(p)) => {
                p.input.handle(&k);
                p.error = None;
                vec![]
            }
            Some(Overlay::QuickEntry(q)) => {
                use crossterm::event::KeyCode;
                match k.code {
                    KeyCode::Char(c) => q.text.push(c),
                    KeyCode::Enter => q.text.push('\n'),
                    KeyCode::Backspace => {
                        q.text.pop();
                    }
                    _ => {}
                }
                vec![]
            }
            Some(Overlay::Checkout(f)) => {
                match Field::ALL[f.field] {
                    Field::Po => f.po.handle(&k),
                    Field::Date => f.date.handle(&k),
                    Field::Comment => f.comment.handle(&k),
                    _ => false,
                };
                f.preview = None;
                vec![]
            }
            None if self.tab == Tab::Search && self.focus == Focus::Input => {
                if self.search.input.handle(&k) {
                    self.run_search()
                } else {
                    vec![]
                }
            }
            _ => vec![],
        }
    }

    fn run_search(&mut self) -> Vec<Effect> {
        self.search.seq += 1;
        let query = self.search.input.text().to_string();
        if query.trim().is_empty() {
            self.search.rows.clear();
            self.search.highlights.clear();
            self.search.total = 0;
            self.search.shown_seq = self.search.seq;
            return vec![];
        }
        vec![Effect::Search { seq: self.search.seq, query, qty: None }]
    }

    fn switch_tab(&mut self, tab: Tab) -> Vec<Effect> {
        self.tab = tab;
        self.focus = if tab == Tab::Search { Focus::Input } else { Focus::List };
        match tab {
            Tab::Orders if !self.orders.loaded => vec![Effect::Orders],
            Tab::Quotes => vec![Effect::Quotes],
            Tab::Approvals => vec![Effect::Approvals],
            Tab::Baskets => vec![Effect::Baskets],
            _ => vec![],
        }
    }

    fn select_basket(&mut self, idx: usize) -> Vec<Effect> {
        let n = self.baskets.list.len();
        if n == 0 {
            return vec![];
        }
        self.baskets.selected = idx.min(n - 1);
        self.baskets.line = 0;
        let name = self.baskets.list[self.baskets.selected].0.clone();
        self.baskets.current = Some(name.clone());
        vec![Effect::Price { basket: name }]
    }

    fn move_sel(&mut self, delta: isize, to_end: Option<bool>) -> Vec<Effect> {
        fn step(cur: usize, len: usize, delta: isize, to_end: Option<bool>) -> usize {
            if len == 0 {
                return 0;
            }
            match to_end {
                Some(true) => len - 1,
                Some(false) => 0,
                None => (cur as isize + delta).clamp(0, len as isize - 1) as usize,
            }
        }
        if let Some(Overlay::Checkout(f)) = self.overlays.last_mut() {
            f.field = step(f.field, Field::ALL.len(), delta, to_end);
            return vec![];
        }
        match (self.tab, self.focus) {
            (Tab::Search, _) => {
                self.search.selected = step(self.search.selected, self.search.rows.len(), delta, to_end);
                vec![]
            }
            (Tab::Baskets, Focus::Lines) => {
                let n = self.baskets.priced.as_ref().map(|p| p.lines.len()).unwrap_or(0);
                self.baskets.line = step(self.baskets.line, n, delta, to_end);
                vec![]
            }
            (Tab::Baskets, _) => {
                let i = step(self.baskets.selected, self.baskets.list.len(), delta, to_end);
                self.select_basket(i)
            }
            (Tab::Orders, _) => {
                self.orders.selected = step(self.orders.selected, self.orders.list.len(), delta, to_end);
                vec![]
            }
            (Tab::Quotes, _) => {
                self.quotes.selected = step(self.quotes.selected, self.quotes.list.len(), delta, to_end);
                vec![]
            }
            (Tab::Approvals, _) => {
                self.approvals.selected = step(self.approvals.selected, self.approvals.list.len(), delta, to_end);
                vec![]
            }
        }
    }

    fn selected_part(&self) -> Option<String> {
        match self.overlays.last() {
            Some(Overlay::Detail(d)) => Some(d.product.sku.clone()),
            _ => self.search.rows.get(self.search.selected).map(|r| r.sku.clone()),
        }
    }

    fn add_prompt(&mut self, d: &PartDetail) {
        let rules = QuantityRules::of(&d.product);
        self.overlays.push(Overlay::Prompt(Prompt {
            title: format!(
                "Add {} to basket {}",
                d.product.sku,
                self.current_basket().unwrap_or_else(|| "(new)".into())
            ),
            input: Input::new(&rules.smallest().to_string()),
            error: None,
            kind: PromptKind::AddQty {
                sku: d.product.sku.clone(),
                rules,
                tiers: d.prices.as_ref().map(|p| p.tiers.clone()).unwrap_or_default(),
                currency: d.currency.clone(),
            },
        }));
    }

    pub fn action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => {
                self.quit = true;
                vec![]
            }
            Action::Help => {
                self.overlays.push(Overlay::Help);
                vec![]
            }
            Action::Back => {
                if self.overlays.pop().is_none() {
                    match (self.tab, self.focus) {
                        (Tab::Search, Focus::List) => self.focus = Focus::Input,
                        (Tab::Search, Focus::Input) if !self.search.input.text().is_empty() => {
                            self.search.input.clear();
                            return self.run_search();
                        }
                        (Tab::Baskets, Focus::Lines) => self.focus = Focus::List,
                        _ => {}
                    }
                }
                vec![]
            }
            Action::Search => {
                self.overlays.clear();
                self.tab = Tab::Search;
                self.focus = Focus::Input;
                vec![]
            }
            Action::NextTab | Action::PrevTab => {
                let tabs = self.tabs();
                let i = tabs.iter().position(|t| *t == self.tab).unwrap_or(0);
                let n = tabs.len();
                let next = if action == Action::NextTab { (i + 1) % n } else { (i + n - 1) % n };
                self.overlays.clear();
                self.switch_tab(tabs[next])
            }
            Action::FocusNext => {
                if !self.overlays.is_empty() {
                    if let Some(Overlay::Checkout(_)) = self.overlays.last() {
                        return self.move_sel(1, None);
                    }
                    return vec![];
                }
                self.focus = match (self.tab, self.focus) {
                    (Tab::Search, Focus::Input) => Focus::List,
                    (Tab::Search, _) => Focus::Input,
                    (Tab::Baskets, Focus::List) => Focus::Lines,
                    (Tab::Baskets, _) => Focus::List,
                    (_, f) => f,
                };
                vec![]
            }
            Action::Up => self.move_sel(-1, None),
            Action::Down => self.move_sel(1, None),
            Action::PageUp => self.move_sel(-(PAGE as isize), None),
            Action::PageDown => self.move_sel(PAGE as isize, None),
            Action::Top => self.move_sel(0, Some(false)),
            Action::Bottom => self.move_sel(0, Some(true)),
            Action::Left | Action::Right => {
                let d: isize = if action == Action::Right { 1 } else { -1 };
                let me = self.me.clone();
                if let Some(Overlay::Checkout(f)) = self.overlays.last_mut() {
                    let (n_ship, n_meth) = me
                        .as_ref()
                        .map(|m| (m.company.ship_to.len(), m.company.shipping_methods.len()))
                        .unwrap_or((0, 0));
                    let cycle = |cur: usize, n: usize| {
                        if n == 0 { 0 } else { (cur as isize + d).rem_euclid(n as isize) as usize }
                    };
                    match Field::ALL[f.field] {
                        Field::ShipTo => f.ship_to = cycle(f.ship_to, n_ship),
                        Field::Shipping => f.shipping = cycle(f.shipping, n_meth),
                        Field::Complete => f.complete = !f.complete,
                        Field::Po => {
                            if d > 0 {
                                f.po.right()
                            } else {
                                f.po.left()
                            }
                        }
                        Field::Date => {
                            if d > 0 {
                                f.date.right()
                            } else {
                                f.date.left()
                            }
                        }
                        Field::Comment => {
                            if d > 0 {
                                f.comment.right()
                            } else {
                                f.comment.left()
                            }
                        }
                    }
                    f.preview = None;
                }
                vec![]
            }
            Action::Toggle => {
                if let Some(Overlay::Checkout(f)) = self.overlays.last_mut()
                    && Field::ALL[f.field] == Field::Complete
                {
                    f.complete = !f.complete;
                    f.preview = None;
                }
                vec![]
            }
            Action::Open => self.open(),
            Action::Add => {
                if self.current_basket().is_none() {
                    self.say(Level::Warn, "no basket yet: create one in Baskets with n");
                    return vec![];
                }
                match self.selected_part() {
                    Some(sku) => {
                        if let Some(Overlay::Detail(d)) = self.overlays.last() {
                            let d = d.clone();
                            self.add_prompt(&d);
                            vec![]
                        } else {
                            // Load the detail first; the prompt opens when it arrives.
                            self.pending_add = true;
                            vec![Effect::Detail { sku }]
                        }
                    }
                    None => vec![],
                }
            }
            Action::Edit | Action::Note | Action::Remove => {
                let Some(line) = self.baskets.priced.as_ref().and_then(|p| p.lines.get(self.baskets.line)).cloned()
                else {
                    return vec![];
                };
                let Some(basket) = self.baskets.priced.as_ref().map(|p| p.name.clone()) else {
                    return vec![];
                };
                match action {
                    Action::Remove => vec![Effect::Basket(BasketOp::Remove { basket, sku: line.sku })],
                    Action::Edit => {
                        self.overlays.push(Overlay::Prompt(Prompt {
                            kind: PromptKind::EditQty { sku: line.sku.clone() },
                            title: format!("Quantity of {}", line.sku),
                            input: Input::new(&line.qty.to_string()),
                            error: None,
                        }));
                        vec![]
                    }
                    _ => {
                        self.overlays.push(Overlay::Prompt(Prompt {
                            kind: PromptKind::Note { sku: line.sku.clone() },
                            title: format!("Line note / cost centre for {}", line.sku),
                            input: Input::new(line.note.as_deref().unwrap_or("")),
                            error: None,
                        }));
                        vec![]
                    }
                }
            }
            Action::NewBasket => {
                self.overlays.push(Overlay::Prompt(Prompt {
                    kind: PromptKind::NewBasket,
                    title: "New basket — name".into(),
                    input: Input::default(),
                    error: None,
                }));
                vec![]
            }
            Action::QuickEntry => match self.current_basket() {
                Some(b) => {
                    self.overlays.push(Overlay::QuickEntry(QuickEntry {
                        basket: b,
                        text: String::new(),
                        problems: vec![],
                        added: 0,
                        busy: false,
                    }));
                    vec![]
                }
                None => {
                    self.say(Level::Warn, "create a basket first (n)");
                    vec![]
                }
            },
            Action::Checkout => self.open_checkout(),
            Action::Reorder => {
                if let Some(o) = self.orders.list.get(self.orders.selected).cloned() {
                    self.overlays.push(Overlay::Prompt(Prompt {
                        kind: PromptKind::ReorderInto { number: o.number.clone() },
                        title: format!("Reorder {} into basket", o.number),
                        input: Input::new(&format!("reorder-{}", o.number.to_lowercase().replace(['#', ' '], ""))),
                        error: None,
                    }));
                }
                vec![]
            }
            Action::Sync => {
                if self.logged_in && !self.syncing {
                    self.syncing = true;
                    self.say(Level::Info, "syncing…");
                    vec![Effect::Sync]
                } else {
                    vec![]
                }
            }
            Action::Apply => self.apply(),
            Action::ScreenSearch
            | Action::ScreenBaskets
            | Action::ScreenOrders
            | Action::ScreenQuotes
            | Action::ScreenApprovals => {
                let tab = match action {
                    Action::ScreenSearch => Tab::Search,
                    Action::ScreenBaskets => Tab::Baskets,
                    Action::ScreenOrders => Tab::Orders,
                    Action::ScreenQuotes => Tab::Quotes,
                    _ => Tab::Approvals,
                };
                if !self.tabs().contains(&tab) {
                    self.say(Level::Warn, format!("{}: not available for this user or shop", tab.title()));
                    return vec![];
                }
                self.overlays.clear();
                self.switch_tab(tab)
            }
            Action::RequestQuote if !self.tabs().contains(&Tab::Quotes) => {
                self.say(Level::Warn, "this shop does not take quote requests");
                vec![]
            }
            Action::RequestQuote => {
                let Some(basket) =
                    self.baskets.priced.as_ref().map(|p| p.name.clone()).or_else(|| self.current_basket())
                else {
                    return vec![];
                };
                self.prompt(
                    PromptKind::RequestQuote { basket: basket.clone() },
                    format!("Request a quote for {basket} — comment (optional)"),
                    "",
                );
                vec![]
            }
            Action::Accept | Action::Decline => {
                let number = match self.overlays.last() {
                    Some(Overlay::Quote(q)) => Some(q.number.clone()),
                    _ => self.quotes.list.get(self.quotes.selected).map(|q| q.number.clone()),
                };
                if let Some(number) = number {
                    if action == Action::Accept {
                        self.prompt(
                            PromptKind::AcceptQuote { number: number.clone() },
                            format!("Accept {number} — your PO number"),
                            "",
                        );
                    } else {
                        self.prompt(
                            PromptKind::DeclineQuote { number: number.clone() },
                            format!("Decline {number} — reason (optional)"),
                            "",
                        );
                    }
                }
                vec![]
            }
            Action::Approve | Action::Reject => {
                let number = match self.overlays.last() {
                    Some(Overlay::Order(o)) => Some(o.number.clone()),
                    _ => self.approvals.list.get(self.approvals.selected).map(|o| o.number.clone()),
                };
                let Some(number) = number else { return vec![] };
                if action == Action::Approve {
                    self.say(Level::Info, format!("approving {number}…"));
                    vec![Effect::Decide { number, decision: procure_client::api::Decision::Approved, reason: None }]
                } else {
                    self.prompt(
                        PromptKind::RejectOrder { number: number.clone() },
                        format!("Reject {number} — reason for the buyer"),
                        "",
                    );
                    vec![]
                }
            }
        }
    }

    fn prompt(&mut self, kind: PromptKind, title: String, text: &str) {
        self.overlays.push(Overlay::Prompt(Prompt { kind, title, input: Input::new(text), error: None }));
    }

    fn open(&mut self) -> Vec<Effect> {
        match self.overlays.last() {
            Some(Overlay::Detail(d)) => {
                return match d.product.replaced_by.clone() {
                    Some(s) => vec![Effect::Detail { sku: s }],
                    None => vec![],
                };
            }
            Some(_) => return vec![],
            None => {}
        }
        match self.tab {
            Tab::Search => match self.search.rows.get(self.search.selected) {
                Some(r) => vec![Effect::Detail { sku: r.sku.clone() }],
                None => vec![],
            },
            Tab::Baskets => {
                if self.focus == Focus::List {
                    self.focus = Focus::Lines;
                    let idx = self.baskets.selected;
                    self.select_basket(idx)
                } else {
                    vec![]
                }
            }
            Tab::Orders => match self.orders.list.get(self.orders.selected) {
                Some(o) => vec![Effect::Order { number: o.number.clone() }],
                None => vec![],
            },
            Tab::Quotes => match self.quotes.list.get(self.quotes.selected) {
                Some(q) => vec![Effect::Quote { number: q.number.clone() }],
                None => vec![],
            },
            Tab::Approvals => match self.approvals.list.get(self.approvals.selected) {
                Some(o) => vec![Effect::Order { number: o.number.clone() }],
                None => vec![],
            },
        }
    }

    fn open_checkout(&mut self) -> Vec<Effect> {
        let Some(basket) = self.baskets.priced.as_ref().map(|p| p.name.clone()).or_else(|| self.current_basket())
        else {
            self.say(Level::Warn, "no basket to check out");
            return vec![];
        };
        self.overlays.push(Overlay::Checkout(Box::new(CheckoutForm {
            basket,
            field: 0,
            po: Input::default(),
            date: Input::default(),
            ship_to: 0,
            complete: false,
            shipping: 0,
            comment: Input::default(),
            preview: None,
            busy: false,
            error: None,
            placed: None,
            queued: None,
        })));
        vec![]
    }

    pub fn checkout_options(&self, f: &CheckoutForm) -> Result<CheckoutOptions, String> {
        let date = match f.date.text().trim() {
            "" => None,
            t => Some(
                NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| format!("{t:?} is not a date like 2026-12-24"))?,
            ),
        };
        let company = self.me.as_ref().map(|m| &m.company);
        let opts = CheckoutOptions {
            po_number: f.po.text().trim().to_string(),
            ship_to: company.and_then(|c| c.ship_to.get(f.ship_to)).map(|a| a.id.clone()),
            requested_delivery_date: date.filter(|_| self.supports(Field::Date)),
            ship_complete: f.complete && self.supports(Field::Complete),
            shipping_method: company.and_then(|c| c.shipping_methods.get(f.shipping)).map(|m| m.id.clone()),
            comment: Some(f.comment.text().to_string()).filter(|c| !c.trim().is_empty()),
        };
        procure_client::core::order::validate_options(&opts, self.today)?;
        Ok(opts)
    }

    fn apply(&mut self) -> Vec<Effect> {
        let current = self.current_basket();
        match self.overlays.last_mut() {
            Some(Overlay::QuickEntry(q)) => {
                if q.busy || q.text.trim().is_empty() {
                    return vec![];
                }
                q.busy = true;
                vec![Effect::Basket(BasketOp::QuickEntry { basket: q.basket.clone(), text: q.text.clone() })]
            }
            Some(Overlay::Checkout(f)) => {
                if f.busy || f.placed.is_some() {
                    if f.placed.is_some() {
                        self.overlays.pop();
                    }
                    return vec![];
                }
                let f = f.clone();
                let opts = match self.checkout_options(&f) {
                    Ok(o) => o,
                    Err(e) => {
                        if let Some(Overlay::Checkout(f)) = self.overlays.last_mut() {
                            f.error = Some(e);
                        }
                        return vec![];
                    }
                };
                let effect = match &f.preview {
                    None => Effect::Preview { basket: f.basket.clone(), opts },
                    Some(c) => Effect::Submit { basket: f.basket.clone(), opts, accepted: c.price_changes.clone() },
                };
                if let Some(Overlay::Checkout(f)) = self.overlays.last_mut() {
                    f.busy = true;
                    f.error = None;
                }
                vec![effect]
            }
            Some(Overlay::Prompt(p)) => {
                let text = p.input.text().trim().to_string();
                let kind = p.kind.clone();
                let fail = |p: &mut Prompt, e: String| {
                    p.error = Some(e);
                    vec![]
                };
                match kind {
                    PromptKind::Password => {
                        if text.is_empty() {
                            return fail(p, "type your password".into());
                        }
                        let password = p.input.text().to_string();
                        p.error = Some("logging in…".into());
                        vec![Effect::Login { password }]
                    }
                    PromptKind::AddQty { sku, rules, .. } => match parse_quantity(&text) {
                        Err(e) => fail(p, e),
                        Ok(q) => match rules.check(q) {
                            Err(e) => fail(p, e.to_string()),
                            Ok(()) => {
                                self.overlays.pop();
                                match current {
                                    Some(basket) => vec![Effect::Basket(BasketOp::Add { basket, sku, qty: q })],
                                    None => vec![],
                                }
                            }
                        },
                    },
                    PromptKind::EditQty { sku } => match parse_quantity(&text) {
                        Err(e) => fail(p, e),
                        Ok(q) => {
                            self.overlays.pop();
                            match self.baskets.priced.as_ref().map(|b| b.name.clone()) {
                                Some(basket) => vec![Effect::Basket(BasketOp::Set { basket, sku, qty: q })],
                                None => vec![],
                            }
                        }
                    },
                    PromptKind::Note { sku } => {
                        self.overlays.pop();
                        match self.baskets.priced.as_ref().map(|b| b.name.clone()) {
                            Some(basket) => vec![Effect::Basket(BasketOp::Note {
                                basket,
                                sku,
                                note: Some(text).filter(|t| !t.is_empty()),
                            })],
                            None => vec![],
                        }
                    }
                    PromptKind::NewBasket => match procure_client::core::basket::validate_name(&text) {
                        Err(e) => fail(p, e),
                        Ok(()) => {
                            self.overlays.pop();
                            self.baskets.current = Some(text.clone());
                            vec![Effect::Basket(BasketOp::New { name: text })]
                        }
                    },
                    PromptKind::RequestQuote { basket } => {
                        self.overlays.pop();
                        self.say(Level::Info, format!("requesting a quote for {basket}…"));
                        vec![Effect::RequestQuote { basket, comment: Some(text).filter(|t| !t.is_empty()) }]
                    }
                    PromptKind::AcceptQuote { number } => {
                        if text.is_empty() {
                            return fail(p, "a PO number is required".into());
                        }
                        self.overlays.pop();
                        vec![Effect::AcceptQuote { number, po: text }]
                    }
                    PromptKind::DeclineQuote { number } => {
                        self.overlays.pop();
                        vec![Effect::DeclineQuote { number, reason: Some(text).filter(|t| !t.is_empty()) }]
                    }
                    PromptKind::RejectOrder { number } => {
                        if text.is_empty() {
                            return fail(p, "the buyer needs a reason".into());
                        }
                        self.overlays.pop();
                        vec![Effect::Decide {
                            number,
                            decision: procure_client::api::Decision::Rejected,
                            reason: Some(text),
                        }]
                    }
                    PromptKind::ReorderInto { number } => match procure_client::core::basket::validate_name(&text) {
                        Err(e) => fail(p, e),
                        Ok(()) => {
                            self.overlays.pop();
                            self.say(Level::Info, format!("reordering {number}…"));
                            vec![Effect::Reorder { number, into: text }]
                        }
                    },
                }
            }
            _ => vec![],
        }
    }

    /// A result from the engine.
    pub fn on_msg(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Indexed { parts } => {
                self.indexed = Some(parts);
                // Re-run the query against the fresh index.
                if !self.search.input.text().trim().is_empty() {
                    return self.run_search();
                }
            }
            Msg::Searched { seq, rows, highlights, total, took, suggestions } => {
                // A superseded search never reaches the screen.
                if seq == self.search.seq {
                    self.search.suggestions = suggestions;
                    self.search.rows = rows;
                    self.search.highlights = highlights;
                    self.search.total = total;
                    self.search.shown_seq = seq;
                    self.search.took = Some(took);
                    self.search.selected = self.search.selected.min(self.search.rows.len().saturating_sub(1));
                }
            }
            Msg::Detail(d) => {
                if std::mem::take(&mut self.pending_add) {
                    self.add_prompt(&d);
                } else {
                    if matches!(self.overlays.last(), Some(Overlay::Detail(_))) {
                        self.overlays.pop();
                    }
                    self.overlays.push(Overlay::Detail(d));
                }
            }
            Msg::Baskets(list) => {
                self.baskets.list = list;
                if self.baskets.current.is_none() {
                    self.baskets.current = self.baskets.list.iter().find(|(_, b)| b.is_ok()).map(|(n, _)| n.clone());
                }
                if let Some(cur) = self.baskets.current.clone()
                    && let Some(i) = self.baskets.list.iter().position(|(n, _)| *n == cur)
                {
                    self.baskets.selected = i;
                    return vec![Effect::Price { basket: cur }];
                }
            }
            Msg::Priced(p) => {
                self.baskets.line = self.baskets.line.min(p.lines.len().saturating_sub(1));
                self.baskets.priced = Some(p);
            }
            Msg::BasketDone { basket, message } => {
                self.say(Level::Ok, message);
                self.baskets.current = Some(basket.clone());
                return vec![Effect::Baskets];
            }
            Msg::QuickEntryDone { basket, report } => {
                if let Some(Overlay::QuickEntry(q)) = self.overlays.last_mut() {
                    q.busy = false;
                    q.added += report.added.len();
                    // Keep only the lines that failed, so they can be fixed and retried.
                    let bad: std::collections::HashSet<usize> = report.problems.iter().map(|p| p.line).collect();
                    q.text = q
                        .text
                        .lines()
                        .enumerate()
                        .filter(|(i, _)| bad.contains(&(i + 1)))
                        .map(|(_, l)| l)
                        .collect::<Vec<_>>()
                        .join("\n");
                    q.problems = report
                        .problems
                        .iter()
                        .enumerate()
                        .map(|(i, p)| ImportProblem { line: i + 1, ..p.clone() })
                        .collect();
                    if q.problems.is_empty() {
                        self.overlays.pop();
                    }
                }
                self.say(
                    if report.problems.is_empty() { Level::Ok } else { Level::Warn },
                    format!("{} lines added to {basket}, {} not added", report.added.len(), report.problems.len()),
                );
                self.baskets.current = Some(basket);
                return vec![Effect::Baskets];
            }
            Msg::LoggedIn(me) => {
                self.logged_in = true;
                self.me = Some(*me);
                if matches!(self.overlays.last(), Some(Overlay::Prompt(Prompt { kind: PromptKind::Password, .. }))) {
                    self.overlays.pop();
                }
                self.say(Level::Ok, "logged in");
                self.syncing = true;
                return vec![Effect::Sync];
            }
            Msg::Synced { summary } => {
                self.syncing = false;
                self.say(Level::Ok, summary);
                return self.retry_outbox(true);
            }
            Msg::Online(up) => self.online = Some(up),
            Msg::Orders(list) => {
                self.orders.list = list;
                self.orders.loaded = true;
                self.orders.selected = self.orders.selected.min(self.orders.list.len().saturating_sub(1));
            }
            Msg::Order(o) => self.overlays.push(Overlay::Order(o)),
            Msg::Reordered(r) => {
                let replaced: Vec<String> =
                    r.lines.iter().filter(|l| l.replaced).map(|l| format!("{} → {}", l.ordered_sku, l.sku)).collect();
                let changed =
                    r.lines.iter().filter(|l| l.new_unit_price.is_some_and(|p| p != l.old_unit_price)).count();
                let mut text = format!("{} lines into {}", r.lines.len(), r.basket);
                if !replaced.is_empty() {
                    text += &format!("; replaced (discontinued): {}", replaced.join(", "));
                }
                if changed > 0 {
                    text += &format!("; {changed} prices changed since");
                }
                if !r.skipped.is_empty() {
                    text += &format!(
                        "; not added: {}",
                        r.skipped.iter().map(|s| s.0.as_str()).collect::<Vec<_>>().join(", ")
                    );
                }
                self.say(if replaced.is_empty() && r.skipped.is_empty() { Level::Ok } else { Level::Warn }, text);
                self.baskets.current = Some(r.basket);
                self.overlays.clear();
                self.tab = Tab::Baskets;
                self.focus = Focus::Lines;
                return vec![Effect::Baskets];
            }
            Msg::Previewed(c) | Msg::PricesChanged(c) => {
                if let Some(Overlay::Checkout(f)) = self.overlays.last_mut() {
                    f.busy = false;
                    f.queued = None;
                    f.preview = Some(*c);
                }
            }
            Msg::Submitted(s) => {
                self.outbox = None;
                let text = format!("order {} placed", s.order.number);
                if let Some(Overlay::Checkout(f)) = self.overlays.last_mut() {
                    f.busy = false;
                    f.queued = None;
                    f.placed = Some(*s);
                }
                self.orders.loaded = false;
                self.say(Level::Ok, text);
                return vec![Effect::Baskets, Effect::Orders];
            }
            Msg::SubmitQueued { basket, reason } => {
                let mut opts = None;
                if let Some(Overlay::Checkout(f)) = self.overlays.last_mut() {
                    f.busy = false;
                    f.queued = Some(reason.clone());
                    opts = Some(f.clone());
                }
                if let Some(f) = opts
                    && let Ok(o) = self.checkout_options(&f)
                {
                    self.outbox = Some((o, basket, Instant::now()));
                }
                self.say(Level::Warn, "shop unreachable: the order waits and is sent when the shop answers");
            }
            Msg::Quotes(list) => {
                self.quotes.list = list;
                self.quotes.loaded = true;
                self.quotes.selected = self.quotes.selected.min(self.quotes.list.len().saturating_sub(1));
            }
            Msg::Quote(q) => {
                if matches!(self.overlays.last(), Some(Overlay::Quote(_))) {
                    self.overlays.pop();
                }
                self.overlays.push(Overlay::Quote(q));
            }
            Msg::QuoteDone { message } => {
                self.say(Level::Ok, message);
                if matches!(self.overlays.last(), Some(Overlay::Quote(_))) {
                    self.overlays.pop();
                }
                self.orders.loaded = false;
                return vec![Effect::Quotes, Effect::Baskets];
            }
            Msg::Approvals(list) => {
                self.approvals.list = list;
                self.approvals.loaded = true;
                self.approvals.selected = self.approvals.selected.min(self.approvals.list.len().saturating_sub(1));
            }
            Msg::Decided(o) => {
                let text = match &o.approval {
                    Some(a) => format!(
                        "order {} {}",
                        o.number,
                        if a.decision == procure_client::api::Decision::Approved { "approved" } else { "rejected" }
                    ),
                    None => format!("order {} is {}", o.number, o.status.as_str()),
                };
                self.say(Level::Ok, text);
                if matches!(self.overlays.last(), Some(Overlay::Order(_))) {
                    self.overlays.pop();
                }
                self.orders.loaded = false;
                return vec![Effect::Approvals];
            }
            Msg::Failed { what, message, kind } => {
                match self.overlays.last_mut() {
                    Some(Overlay::Checkout(f)) if matches!(what, "preview" | "order") => {
                        f.busy = false;
                        f.error = Some(message.clone());
                    }
                    Some(Overlay::Prompt(p)) if what == "login" => p.error = Some(message.clone()),
                    Some(Overlay::QuickEntry(q)) => q.busy = false,
                    _ => {}
                }
                if what == "sync" {
                    self.syncing = false;
                }
                if kind == ErrorKind::AuthNeeded && what != "login" {
                    self.logged_in = false;
                    self.open_password_prompt();
                }
                let level = if kind == ErrorKind::Unreachable { Level::Warn } else { Level::Error };
                self.say(level, format!("{what}: {message}"));
            }
        }
        vec![]
    }

    /// Sends a waiting order again: on a tick every few seconds, or at once
    /// when the shop is back.
    fn retry_outbox(&mut self, now: bool) -> Vec<Effect> {
        let Some((opts, basket, since)) = &self.outbox else {
            return vec![];
        };
        if !now && since.elapsed() < Duration::from_secs(5) {
            return vec![];
        }
        let effect = Effect::Submit {
            basket: basket.clone(),
            opts: opts.clone(),
            accepted: match self.overlays.last() {
                Some(Overlay::Checkout(f)) => f.preview.as_ref().map(|c| c.price_changes.clone()).unwrap_or_default(),
                _ => vec![],
            },
        };
        self.outbox = self.outbox.take().map(|(o, b, _)| (o, b, Instant::now()));
        vec![effect]
    }

    pub fn tick(&mut self) -> Vec<Effect> {
        if let Some((_, _, at)) = &self.status
            && at.elapsed() > Duration::from_secs(8)
        {
            self.status = None;
        }
        self.retry_outbox(false)
    }

    /// Unit price for a quantity, and what the next tier would cost.
    pub fn tier_hint(tiers: &[procure_client::api::Tier], qty: u32) -> (Option<String>, Option<String>) {
        let now = money::unit_price_for(tiers, qty).map(|u| {
            format!("{} × {} = {}", qty, money::format_amount(u), money::format_amount(money::line_total(u, qty)))
        });
        let next = money::next_tier(tiers, qty)
            .map(|t| format!("from {}: {} each", t.min_qty, money::format_amount(t.unit_price)));
        (now, next)
    }
}
