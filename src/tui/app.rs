//! The terminal app: routes events to the screen or dialog that has the
//! keys, engine results to whoever takes them, and runs the commands they
//! return. It never blocks and never does IO; screens own their state
//! (screens/), the app only the frame around them.

use super::component::{Cmd, Component, Cx, Level, Screen, ScreenId, inside};
use super::dialogs::confirm::{Confirm, Then};
use super::dialogs::{self, checkout, prompt::Prompt};
use super::engine::{Effect, Failure, Msg};
use super::frame;
use super::keymap::{Action, Key, Keymap, Scope};
use super::screens::{self, SCREENS};
use super::theme::Theme;
use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};
use procure_client::api::Me;
use procure_client::service::{Clock, ErrorKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use std::any::Any;
use std::time::{Duration, Instant};

/// Where things were drawn in the last frame, for mouse hits.
#[derive(Debug, Default, Clone)]
pub(crate) struct Areas {
    pub(crate) tabs: Vec<(ScreenId, Rect)>,
    pub(crate) body: Rect,
}

pub struct App {
    pub(crate) cx: Cx,
    screens: Vec<Box<dyn Screen>>,
    current: usize,
    dialogs: Vec<Box<dyn Component>>,
    pub(crate) areas: Areas,
    pub(crate) quit: bool,
    /// When the baskets were last read from disk.
    pub(crate) reloaded: Instant,
    /// The sync at start waits for the catalog to open: the first query's
    /// results come first.
    sync_when_open: bool,
    /// Dialogs open at the last frame drawn: fewer now means one closed.
    drawn_dialogs: usize,
}

impl App {
    /// The app for `supplier` (its profile's name) at `shop`. Its clock is
    /// the system's until `tui::build` gives it the workspace's.
    pub(crate) fn new(
        keymap: Keymap,
        theme: Theme,
        supplier: &str,
        shop: &str,
        me: Option<Me>,
        logged_in: bool,
    ) -> App {
        App {
            cx: Cx {
                keymap,
                theme,
                supplier: supplier.to_string(),
                suppliers: vec![supplier.to_string()],
                shop: shop.to_string(),
                me,
                logged_in,
                online: None,
                indexed: None,
                syncing: false,
                status: None,
                pending_submission: None,
                clock: Clock::system(),
                screen: screens::search::ID,
                caps: None,
                basket: None,
                baskets: vec![],
                baskets_listed: false,
                covered: false,
                waiting: vec![],
            },
            screens: SCREENS.iter().map(|r| (r.make)()).collect(),
            current: 0,
            dialogs: vec![],
            areas: Areas::default(),
            quit: false,
            reloaded: Instant::now(),
            sync_when_open: false,
            drawn_dialogs: 0,
        }
    }

    /// What to do first: load baskets; log in or sync.
    pub fn start(&mut self) -> Vec<Effect> {
        let supplier = self.cx.supplier.clone();
        let mut fx = vec![Effect::Baskets { supplier: supplier.clone() }];
        if self.cx.logged_in {
            self.cx.syncing = true;
            // An order that waited when the app last ran is sent first, with its key.
            fx.push(Effect::ResumePending { supplier });
            self.sync_when_open = true;
        } else {
            self.dialogs.push(Box::new(Prompt::password(&self.cx.shop)));
        }
        fx
    }

    /// The screens this user and shop have, in tab order.
    pub(crate) fn tabs(&self) -> Vec<ScreenId> {
        self.screens.iter().filter(|s| s.available(&self.cx)).map(|s| s.id()).collect()
    }

    /// The screen on show.
    pub fn screen_id(&self) -> ScreenId {
        self.screens[self.current].id()
    }

    /// A screen's state, by its type.
    pub(crate) fn screen<T: Screen>(&self) -> Option<&T> {
        self.screens.iter().find_map(|s| (&**s as &dyn Any).downcast_ref::<T>())
    }

    #[cfg(test)]
    pub(crate) fn screen_mut<T: Screen>(&mut self) -> Option<&mut T> {
        self.screens.iter_mut().find_map(|s| (&mut **s as &mut dyn Any).downcast_mut::<T>())
    }

    /// The top dialog, if it is a `T`.
    pub(crate) fn dialog<T: Component>(&self) -> Option<&T> {
        self.dialogs.last().and_then(|d| (&**d as &dyn Any).downcast_ref::<T>())
    }

    #[cfg(test)]
    pub(crate) fn dialog_mut<T: Component>(&mut self) -> Option<&mut T> {
        self.dialogs.last_mut().and_then(|d| (&mut **d as &mut dyn Any).downcast_mut::<T>())
    }

    #[cfg(test)]
    pub(crate) fn dialogs(&self) -> usize {
        self.dialogs.len()
    }

    /// Opens a dialog on top (as a screen would).
    #[cfg(test)]
    pub(crate) fn open(&mut self, dialog: impl Component) {
        self.dialogs.push(Box::new(dialog));
    }

    #[cfg(test)]
    pub(crate) fn close_dialogs(&mut self) {
        self.dialogs.clear();
    }

    /// Shows a screen as it is, without loading anything.
    pub(crate) fn show(&mut self, id: ScreenId) {
        if let Some(i) = self.screens.iter().position(|s| s.id() == id) {
            self.current = i;
            self.cx.screen = id;
        }
    }

    /// The scopes whose bindings apply now, most specific first.
    pub(crate) fn scopes(&self) -> (Vec<Scope>, bool) {
        match self.dialogs.last() {
            Some(d) => d.scopes(&self.cx),
            None => self.screens[self.current].scopes(&self.cx),
        }
    }

    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        let cmds = match event {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.key(k),
            Event::Paste(text) => match self.dialogs.last_mut() {
                Some(d) => d.paste(&mut self.cx, &text),
                None => self.screens[self.current].paste(&mut self.cx, &text),
            },
            Event::Mouse(m) => self.mouse(m.kind, m.column, m.row),
            _ => vec![],
        };
        self.apply(cmds)
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Cmd> {
        let key = Key::from_event(&k);
        let (scopes, text_focus) = self.scopes();
        if let Some(action) = self.cx.keymap.lookup(&key, &scopes, text_focus) {
            return self.route(action);
        }
        // Not bound here: text for a focused field.
        match self.dialogs.last_mut() {
            Some(d) => d.key(&mut self.cx, &k),
            None => self.screens[self.current].key(&mut self.cx, &k),
        }
    }

    fn mouse(&mut self, kind: MouseEventKind, col: u16, row: u16) -> Vec<Cmd> {
        if !self.dialogs.is_empty() {
            return vec![];
        }
        match kind {
            MouseEventKind::ScrollDown => self.route(Action::Down),
            MouseEventKind::ScrollUp => self.route(Action::Up),
            MouseEventKind::Down(MouseButton::Left) if inside(self.areas.body, col, row) => {
                self.screens[self.current].mouse(&mut self.cx, kind, col, row)
            }
            MouseEventKind::Down(MouseButton::Left) => {
                // The tabs as they were drawn.
                match self.areas.tabs.iter().find(|(_, r)| inside(*r, col, row)) {
                    Some((id, _)) => vec![Cmd::Go(*id)],
                    None => vec![],
                }
            }
            _ => vec![],
        }
    }

    /// An action, as if its key was pressed.
    #[cfg(test)]
    pub(crate) fn action(&mut self, action: Action) -> Vec<Effect> {
        let cmds = self.route(action);
        self.apply(cmds)
    }

    /// The top dialog or the screen first; what neither takes is the app's.
    fn route(&mut self, action: Action) -> Vec<Cmd> {
        let taken = match self.dialogs.last_mut() {
            Some(d) => d.action(&mut self.cx, action),
            None => self.screens[self.current].action(&mut self.cx, action),
        };
        if let Some(cmds) = taken {
            return cmds;
        }
        let unsaved = self.dialogs.last().and_then(|d| d.unsaved());
        match action {
            Action::Quit => match (self.dialogs.iter().find_map(|d| d.unsaved()), self.waiting_orders()) {
                (Some(what), _) => {
                    vec![Cmd::Open(Box::new(Confirm::new(format!("Quit and lose {what}?"), Then::Quit)))]
                }
                (None, Some(what)) => vec![Cmd::Open(Box::new(Confirm::new(
                    format!("{what} waits for the shop: it is kept and sent when procure next starts. Quit?"),
                    Then::Quit,
                )))],
                (None, None) => vec![Cmd::Quit],
            },
            Action::Help => vec![Cmd::Open(Box::new(dialogs::help::Help::default()))],
            Action::Back => match (unsaved, self.dialogs.is_empty()) {
                (Some(what), _) => {
                    vec![Cmd::Open(Box::new(Confirm::new(format!("Throw away {what}?"), Then::Discard)))]
                }
                (None, false) => vec![Cmd::Close],
                // On a screen: back to Search.
                (None, true) if self.screen_id() != screens::search::ID => vec![Cmd::Go(screens::search::ID)],
                (None, true) => vec![],
            },
            // Leaving a screen closes its dialogs: not over what would be lost.
            Action::Search | Action::NextTab | Action::PrevTab | Action::Screen(_) if unsaved.is_some() => {
                self.cx.say(Level::Warn, "finish or close the open dialog first (Esc)");
                vec![]
            }
            Action::Search => vec![Cmd::Go(screens::search::ID)],
            Action::NextTab | Action::PrevTab => {
                let tabs = self.tabs();
                let i = tabs.iter().position(|t| *t == self.screen_id()).unwrap_or(0);
                let n = tabs.len();
                let next = if action == Action::NextTab { (i + 1) % n } else { (i + n - 1) % n };
                vec![Cmd::Go(tabs[next])]
            }
            Action::Screen(id) => {
                if !self.tabs().contains(&id) {
                    let title = screens::registration(id).map(|r| r.title).unwrap_or(id.0);
                    self.cx.say(Level::Warn, format!("{title}: not available for this user or shop"));
                    return vec![];
                }
                vec![Cmd::Go(id)]
            }
            Action::Supplier if unsaved.is_some() => {
                self.cx.say(Level::Warn, "finish or close the open dialog first (Esc)");
                vec![]
            }
            Action::Supplier if self.cx.suppliers.len() < 2 => {
                self.cx.say(Level::Info, "there is only one supplier (procure login --profile NAME adds one)");
                vec![]
            }
            Action::Supplier => {
                vec![Cmd::CloseAll, Cmd::Open(Box::new(dialogs::choose_supplier::ChooseSupplier::new(&self.cx)))]
            }
            Action::SyncAll => {
                if self.cx.syncing {
                    vec![]
                } else {
                    self.cx.syncing = true;
                    self.cx.say(Level::Info, format!("syncing all {} suppliers…", self.cx.suppliers.len()));
                    vec![Cmd::Run(Effect::SyncAll { supplier: self.cx.supplier.clone() })]
                }
            }
            Action::Sync => {
                if self.cx.logged_in && !self.cx.syncing {
                    self.cx.syncing = true;
                    self.cx.say(Level::Info, "syncing…");
                    vec![Cmd::Run(Effect::Sync { supplier: self.cx.supplier.clone() })]
                } else {
                    vec![]
                }
            }
            _ => vec![],
        }
    }

    /// Runs what components asked for; returns the engine's work.
    fn apply(&mut self, cmds: Vec<Cmd>) -> Vec<Effect> {
        let mut fx = vec![];
        for cmd in cmds {
            match cmd {
                Cmd::Run(e) => fx.push(e),
                Cmd::Open(d) => self.dialogs.push(d),
                Cmd::Replace(d) => {
                    let same = self
                        .dialogs
                        .last()
                        .is_some_and(|top| (&**top as &dyn Any).type_id() == (&*d as &dyn Any).type_id());
                    if same {
                        self.dialogs.pop();
                    }
                    self.dialogs.push(d);
                }
                Cmd::Close => {
                    self.dialogs.pop();
                }
                Cmd::CloseAll => self.dialogs.clear(),
                Cmd::Pass(msg) => fx.extend(self.on_msg(msg)),
                Cmd::Go(id) => {
                    self.dialogs.clear();
                    self.show(id);
                    let more = self.screens[self.current].enter(&mut self.cx);
                    fx.extend(self.apply(more));
                }
                Cmd::Show(id) => self.show(id),
                Cmd::Quit => self.quit = true,
            }
        }
        fx
    }

    /// A result from the engine: the app's own part first, then offered to
    /// the dialogs (top first), the screen on show and the other screens.
    pub fn on_msg(&mut self, msg: Msg) -> Vec<Effect> {
        let mut out = vec![];
        match &msg {
            // What concerns the supplier on show; another's catalog or
            // shop does not change the header.
            Msg::Indexed { supplier, parts } if *supplier == self.cx.supplier => {
                self.cx.indexed = Some(*parts);
                if std::mem::take(&mut self.sync_when_open) {
                    out.push(Cmd::Run(Effect::Sync { supplier: supplier.clone() }));
                }
            }
            Msg::LoggedIn { supplier, me } if *supplier == self.cx.supplier => {
                self.cx.logged_in = true;
                self.cx.me = Some((**me).clone());
                self.cx.say(Level::Ok, "logged in");
                self.cx.syncing = true;
                out.push(Cmd::Run(Effect::ResumePending { supplier: supplier.clone() }));
                out.push(Cmd::Run(Effect::Sync { supplier: supplier.clone() }));
            }
            Msg::Synced { supplier, summary } if *supplier == self.cx.supplier => {
                self.cx.syncing = false;
                self.cx.say(Level::Ok, summary.clone());
                let accepted = self.accepted();
                return checkout::retry_pending(&mut self.cx, accepted, true);
            }
            Msg::SyncedAll { summary, failed } => {
                self.cx.syncing = false;
                let level = if failed.is_empty() { Level::Ok } else { Level::Warn };
                self.cx.say(level, summary.clone());
                return vec![];
            }
            Msg::Online { supplier, up } => {
                if *supplier == self.cx.supplier {
                    self.cx.online = Some(*up);
                }
                return vec![];
            }
            Msg::Switched { supplier, shop, logged_in, caps, me } => {
                let was = std::mem::replace(&mut self.cx.supplier, supplier.clone());
                self.cx.shop = shop.clone();
                self.cx.logged_in = *logged_in;
                self.cx.caps = Some(*caps);
                self.cx.me = me.as_deref().cloned();
                self.cx.online = None;
                self.cx.indexed = None;
                self.cx.syncing = false;
                self.cx.basket = None;
                self.cx.baskets.clear();
                self.cx.baskets_listed = false;
                self.cx.waiting.clear();
                self.cx.say(Level::Info, format!("working on supplier {supplier} (was {was})"));
                self.dialogs.clear();
                // Every screen shows the new supplier: what was loaded for
                // the other is dropped, the screen on show loads again.
                for screen in &mut self.screens {
                    screen.switched(&mut self.cx);
                }
                let id = if self.tabs().contains(&self.screen_id()) { self.screen_id() } else { screens::search::ID };
                out.push(Cmd::Go(id));
                out.push(Cmd::Run(Effect::Baskets { supplier: supplier.clone() }));
                if *logged_in {
                    out.push(Cmd::Run(Effect::ResumePending { supplier: supplier.clone() }));
                } else {
                    out.push(Cmd::Open(Box::new(Prompt::password(&self.cx.shop))));
                }
            }
            Msg::Baskets { supplier, list } if *supplier == self.cx.supplier => {
                self.cx.baskets_listed = true;
                self.cx.waiting = list
                    .iter()
                    .filter(|(_, b)| b.as_ref().is_ok_and(|b| b.pending.as_ref().is_some_and(|p| p.draft.is_some())))
                    .map(|(n, _)| n.clone())
                    .collect();
            }
            // An offer compared went into a basket of its supplier: the
            // basket list is read again where it is the one on show.
            Msg::OfferAdded { supplier, basket, message } => {
                self.cx.say(Level::Ok, message.clone());
                if *supplier == self.cx.supplier {
                    self.cx.basket = Some(basket.clone());
                    out.push(Cmd::Run(Effect::Baskets { supplier: supplier.clone() }));
                }
                return self.apply(out);
            }
            // A waiting order resumed at start, with no checkout open: it keeps waiting.
            Msg::SubmitQueued { basket, .. } if self.dialog::<checkout::CheckoutForm>().is_none() => {
                self.cx.pending_submission = Some((Default::default(), basket.clone(), Instant::now()));
                self.cx.say(Level::Warn, "shop unreachable: the order waits and is sent when the shop answers");
                return vec![];
            }
            Msg::Failed { what, message, kind } => {
                let (what, kind) = (*what, *kind);
                if let Some(d) = self.dialogs.last_mut() {
                    d.failed(&mut self.cx, what, message);
                }
                self.screens[self.current].failed(&mut self.cx, what, message);
                if what == Failure::Sync {
                    self.cx.syncing = false;
                }
                if what == Failure::Catalog && std::mem::take(&mut self.sync_when_open) {
                    out.push(Cmd::Run(Effect::Sync { supplier: self.cx.supplier.clone() }));
                }
                if kind == ErrorKind::AuthNeeded && what != Failure::Login {
                    self.cx.logged_in = false;
                    self.dialogs.push(Box::new(Prompt::password(&self.cx.shop)));
                }
                let level = if kind == ErrorKind::Unreachable { Level::Warn } else { Level::Error };
                self.cx.say(level, format!("{what}: {message}"));
                return vec![];
            }
            _ => {}
        }
        let mut left = Some(msg);
        for d in self.dialogs.iter_mut().rev() {
            let Some(m) = left.take() else { break };
            left = d.on_msg(&mut self.cx, m, &mut out);
        }
        let current = self.current;
        let order = std::iter::once(current).chain((0..self.screens.len()).filter(|i| *i != current));
        for i in order {
            let Some(m) = left.take() else { break };
            left = self.screens[i].on_msg(&mut self.cx, m, &mut out);
        }
        self.apply(out)
    }

    pub fn tick(&mut self) -> Vec<Effect> {
        if let Some((_, _, at)) = &self.cx.status
            && at.elapsed() > Duration::from_secs(8)
        {
            self.cx.status = None;
        }
        let accepted = self.accepted();
        let mut fx = checkout::retry_pending(&mut self.cx, accepted, false);
        // Another procure may change a basket file: the baskets are read again
        // every few seconds (every change is made on the file as it is then).
        if self.screen_id() == screens::baskets::ID
            && self.dialogs.is_empty()
            && self.reloaded.elapsed() > Duration::from_secs(3)
        {
            self.reloaded = Instant::now();
            fx.push(Effect::Baskets { supplier: self.cx.supplier.clone() });
        }
        fx
    }

    /// The orders that wait for the shop, in words, if any.
    pub(crate) fn waiting_orders(&self) -> Option<String> {
        let mut baskets = self.cx.waiting.clone();
        if let Some((_, b, _)) = &self.cx.pending_submission
            && !baskets.contains(b)
        {
            baskets.push(b.clone());
        }
        match baskets.len() {
            0 => None,
            1 => Some(format!("An order of basket {}", baskets[0])),
            n => Some(format!("{n} orders ({})", baskets.join(", "))),
        }
    }

    /// The price changes the buyer saw in an open checkout.
    fn accepted(&self) -> Vec<procure_client::core::order::PriceChange> {
        let form = self.dialog::<checkout::CheckoutForm>();
        form.and_then(|f| f.preview.as_ref()).map(|c| c.price_changes.clone()).unwrap_or_default()
    }

    /// One frame, drawn from the state alone.
    /// Whether a dialog closed since the last frame: the next frame is
    /// drawn whole, so no cell a dialog left (a wide character the
    /// terminal drew wider than the app measured) stays on the screen.
    pub(crate) fn take_uncovered(&mut self) -> bool {
        let closed = self.dialogs.len() < self.drawn_dialogs;
        self.drawn_dialogs = self.dialogs.len();
        closed
    }

    pub(crate) fn draw(&mut self, f: &mut Frame) {
        // The keys that work here always; a message above them, a long one
        // wrapped onto up to three rows instead of being cut.
        let status_h = match &self.cx.status {
            Some((_, text, _)) => (text.chars().count() as u16 + 1).div_ceil(f.area().width.max(1)).clamp(1, 3) + 1,
            None => 1,
        };
        let [top, tabs, body, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(status_h),
        ])
        .areas(f.area());
        frame::header(f, &self.cx, top);
        let ids = self.tabs();
        self.areas = Areas { tabs: frame::tab_bar(f, &self.cx, &ids, self.screen_id(), tabs), body };
        self.cx.covered = !self.dialogs.is_empty();
        self.screens[self.current].draw(f, &self.cx, body);
        for d in &mut self.dialogs {
            d.draw(f, &self.cx, body);
        }
        let (scopes, text_focus) = self.scopes();
        frame::status_bar(f, &self.cx, &scopes, text_focus, status);
    }
}

/// What a driver without a terminal (the end-to-end tests, the benchmark)
/// reads of the app: its state, and each screen and dialog by name.
impl App {
    /// Parts in the catalog of the supplier on show, once it is open.
    pub fn indexed(&self) -> Option<usize> {
        self.cx.indexed
    }

    pub fn syncing(&self) -> bool {
        self.cx.syncing
    }

    /// Whether the shop answered the last call (`None`: not asked yet).
    pub fn online(&self) -> Option<bool> {
        self.cx.online
    }

    /// Who is logged in, as the shop last said.
    pub fn me(&self) -> Option<&Me> {
        self.cx.me.as_ref()
    }

    /// The status line's text, if one is shown.
    pub fn status(&self) -> Option<&str> {
        self.cx.status.as_ref().map(|(_, text, _)| text.as_str())
    }

    /// Clears the status line (the key hints show again).
    pub fn clear_status(&mut self) {
        self.cx.status = None;
    }

    /// The basket adds go to.
    pub fn current_basket(&self) -> Option<String> {
        self.cx.current_basket()
    }

    /// The first key bound to an action, as the keymap shows it.
    pub fn key_label(&self, action: Action) -> Option<String> {
        self.cx.keymap.bindings.iter().find(|b| b.action == action).and_then(|b| b.keys.first()).map(Key::to_string)
    }

    /// A screen's state (each is made at start, `SCREENS`).
    pub fn search(&self) -> Option<&screens::search::Search> {
        self.screen()
    }

    pub fn baskets(&self) -> Option<&screens::baskets::Baskets> {
        self.screen()
    }

    pub fn orders(&self) -> Option<&screens::orders::Orders> {
        self.screen()
    }

    pub fn invoices(&self) -> Option<&screens::invoices::Invoices> {
        self.screen()
    }

    pub fn quotes(&self) -> Option<&screens::quotes::Quotes> {
        self.screen()
    }

    pub fn approvals(&self) -> Option<&screens::approvals::Approvals> {
        self.screen()
    }

    pub fn account(&self) -> Option<&screens::account::Account> {
        self.screen()
    }

    /// The top dialog, if it is a checkout form.
    pub fn checkout(&self) -> Option<&checkout::CheckoutForm> {
        self.dialog()
    }

    pub fn quick_entry(&self) -> Option<&dialogs::quick_entry::QuickEntry> {
        self.dialog()
    }

    pub fn choose_part(&self) -> Option<&dialogs::choose_part::ChoosePart> {
        self.dialog()
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        self.dialog()
    }

    pub fn confirm(&self) -> Option<&Confirm> {
        self.dialog()
    }

    pub fn quote_detail(&self) -> Option<&dialogs::quote_detail::QuoteDetail> {
        self.dialog()
    }
}
