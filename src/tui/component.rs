//! What a screen or dialog of the terminal app is. Each one owns its state,
//! names the key scopes that apply while it has the focus, turns actions,
//! typed keys, pastes and engine results into commands, and draws itself.
//! `App` only routes between them (see app.rs).

use super::engine::{Effect, Failure, Msg};
use super::keymap::{Action, Keymap, Scope};
use super::theme::Theme;
use chrono::NaiveDate;
use crossterm::event::{KeyEvent, MouseEventKind};
use procure_client::api::Me;
use procure_client::core::order::CheckoutOptions;
use procure_client::service::{Capabilities, Clock};
use ratatui::Frame;
use ratatui::layout::Rect;
use std::any::Any;
use std::time::Instant;

/// A top-level screen, by the name it is registered under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScreenId(pub &'static str);

/// Which part of a screen has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Focus {
    #[default]
    Input,
    List,
    Lines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Info,
    Ok,
    Warn,
    Error,
}

/// What the whole app shares: the supplier it works with, who is logged in,
/// the shop's state, the status line, and the basket that "add" puts parts
/// into. Screens read it and change only these few things.
pub(crate) struct Cx {
    pub(crate) keymap: Keymap,
    pub(crate) theme: Theme,
    /// The supplier (profile) the screens show and every effect is for.
    pub(crate) supplier: String,
    /// Every supplier of the workspace, by name (the picker lists them).
    pub(crate) suppliers: Vec<String>,
    pub(crate) shop: String,
    pub(crate) me: Option<Me>,
    pub(crate) logged_in: bool,
    pub(crate) online: Option<bool>,
    pub(crate) indexed: Option<usize>,
    pub(crate) syncing: bool,
    pub(crate) status: Option<(Level, String, Instant)>,
    /// A submission waiting for the shop to answer: options, basket, last try.
    pub(crate) pending_submission: Option<(CheckoutOptions, String, Instant)>,
    /// Where "today" comes from: the service's clock (the buyer's local
    /// date, read each time, so the app has the new date after midnight).
    pub(crate) clock: Clock,
    /// The screen on show.
    pub(crate) screen: ScreenId,
    /// What the profile's shop supports; screens and fields it lacks are hidden or marked.
    pub(crate) caps: Option<Capabilities>,
    /// The basket that "add" puts parts into.
    pub(crate) basket: Option<String>,
    /// The readable baskets, as last listed.
    pub(crate) baskets: Vec<String>,
    /// Whether the baskets were listed yet (before that, none known is not
    /// "none there").
    pub(crate) baskets_listed: bool,
    /// A dialog covers the screen being drawn (it has the keys).
    pub(crate) covered: bool,
    /// Baskets with an order that waits for the shop, as last listed.
    pub(crate) waiting: Vec<String>,
}

impl Cx {
    /// The buyer's local date, now.
    pub(crate) fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    pub(crate) fn say(&mut self, level: Level, text: impl Into<String>) {
        // Status texts may quote a shop's words.
        self.status = Some((level, procure_client::core::sanitize::clean(&text.into()), Instant::now()));
    }

    /// The basket adds go to: the chosen one, else the first readable one.
    pub(crate) fn current_basket(&self) -> Option<String> {
        self.basket.clone().or_else(|| self.baskets.first().cloned())
    }

    /// There is no basket to add to, as far as is known: says so and how
    /// to make one. Before the baskets are listed this is not known yet.
    pub(crate) fn no_basket(&mut self) -> bool {
        let none = self.baskets_listed && self.current_basket().is_none();
        if none {
            self.say(Level::Warn, "no basket yet: create one in Baskets with n");
        }
        none
    }

    /// " of SUPPLIER" where there are several suppliers (a list's title
    /// says whose numbers it shows: two suppliers can have the same).
    pub(crate) fn of_supplier(&self) -> String {
        if self.suppliers.len() > 1 { format!(" of {}", self.supplier) } else { String::new() }
    }

    pub(crate) fn quote_requests(&self) -> bool {
        self.caps.is_none_or(|c| c.quote_requests)
    }
}

/// What a component asks of the app besides its own state changes.
pub(crate) enum Cmd {
    /// Work for the engine.
    Run(Effect),
    /// Open a dialog on top.
    Open(Box<dyn Component>),
    /// Open a dialog, replacing the top one if it is of the same kind.
    Replace(Box<dyn Component>),
    /// Close the dialog that asks (the top one).
    Close,
    /// Hand a message to the components as an engine result is (dialogs
    /// top first): how a dialog tells the one under it what was chosen.
    Pass(Msg),
    /// Close every dialog.
    CloseAll,
    /// Go to a screen (it loads what it shows).
    Go(ScreenId),
    /// Show a screen as it is, without reloading it.
    Show(ScreenId),
    Quit,
}

pub(crate) fn run(effect: Effect) -> Vec<Cmd> {
    vec![Cmd::Run(effect)]
}

/// A screen or a dialog.
pub(crate) trait Component: Any {
    /// The scopes whose bindings apply, most specific first, and whether a
    /// text field has the focus (plain letters then type).
    fn scopes(&self, cx: &Cx) -> (Vec<Scope>, bool);

    /// A bound key's action. `None`: not this component's; the app's own
    /// handling applies (quit, help, screens, back, sync).
    fn action(&mut self, _cx: &mut Cx, _action: Action) -> Option<Vec<Cmd>> {
        None
    }

    /// A key no binding took: text for a focused field.
    fn key(&mut self, _cx: &mut Cx, _key: &KeyEvent) -> Vec<Cmd> {
        vec![]
    }

    fn paste(&mut self, _cx: &mut Cx, _text: &str) -> Vec<Cmd> {
        vec![]
    }

    /// A result from the engine. Return it to pass it on to the next
    /// component (dialogs top first, then the current screen, then the others).
    fn on_msg(&mut self, _cx: &mut Cx, msg: Msg, _out: &mut Vec<Cmd>) -> Option<Msg> {
        Some(msg)
    }

    /// Whether closing it would throw away something the user typed.
    fn unsaved(&self) -> Option<&'static str> {
        None
    }

    /// Something the engine did failed (the app has already said so).
    fn failed(&mut self, _cx: &mut Cx, _what: Failure, _message: &str) {}

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect);
}

/// A top-level screen, shown in the tab bar.
pub(crate) trait Screen: Component {
    fn id(&self) -> ScreenId;

    /// Whether this user and shop have the screen.
    fn available(&self, _cx: &Cx) -> bool {
        true
    }

    /// The screen is shown: what to load.
    fn enter(&mut self, _cx: &mut Cx) -> Vec<Cmd> {
        vec![]
    }

    /// A mouse event inside the body (rows were recorded when drawn).
    fn mouse(&mut self, _cx: &mut Cx, _kind: MouseEventKind, _col: u16, _row: u16) -> Vec<Cmd> {
        vec![]
    }

    /// The app works on another supplier now (`cx.supplier`): forget what
    /// was loaded for the one before. The screen on show is entered again.
    fn switched(&mut self, _cx: &mut Cx) {}
}

/// How a screen is registered: its name, tab title, keys and constructor.
pub(crate) struct Registration {
    pub(crate) id: ScreenId,
    pub(crate) title: &'static str,
    /// The `[keys]` name of the binding that shows it.
    pub(crate) action: &'static str,
    pub(crate) keys: &'static [&'static str],
    pub(crate) help: &'static str,
    pub(crate) make: fn() -> Box<dyn Screen>,
}

/// Whether a point is inside a rectangle.
pub(crate) fn inside(r: Rect, col: u16, row: u16) -> bool {
    col >= r.x && col < r.x + r.width && row >= r.y && row < r.y + r.height
}

/// A list selection moved by a step or to an end.
pub(crate) fn step(cur: usize, len: usize, delta: isize, to_end: Option<bool>) -> usize {
    if len == 0 {
        return 0;
    }
    match to_end {
        Some(true) => len - 1,
        Some(false) => 0,
        None => (cur as isize + delta).clamp(0, len as isize - 1) as usize,
    }
}

pub(crate) const PAGE: usize = 10;

/// The list movement an action asks for, if it is one.
pub(crate) fn movement(action: Action) -> Option<(isize, Option<bool>)> {
    match action {
        Action::Up => Some((-1, None)),
        Action::Down => Some((1, None)),
        Action::PageUp => Some((-(PAGE as isize), None)),
        Action::PageDown => Some((PAGE as isize, None)),
        Action::Top => Some((0, Some(false))),
        Action::Bottom => Some((0, Some(true))),
        _ => None,
    }
}
