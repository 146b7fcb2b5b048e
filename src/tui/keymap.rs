//! Key bindings as data. The help overlay and the status-bar hints are both
//! generated from this table, and config.toml `[keys]` overrides it.

use super::component::ScreenId;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    Search,
    NextTab,
    PrevTab,
    FocusNext,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Add,
    Remove,
    Edit,
    Note,
    NewBasket,
    QuickEntry,
    Checkout,
    Reorder,
    Sync,
    Apply,
    Toggle,
    Left,
    Right,
    Accept,
    Decline,
    Approve,
    Reject,
    RequestQuote,
    /// Swap a basket's discontinued parts for their successors.
    ReplaceDiscontinued,
    /// Open a part's document (downloaded, or the copy kept).
    OpenDocument,
    /// Record goods received of an order.
    Receive,
    /// Show only the late lines (the expediting list), or every order again.
    LateOnly,
    /// Tell the supplier you object to an invoice.
    Dispute,
    /// Choose among the parts a quick-entry line's type number names.
    ChoosePart,
    /// Search every supplier's catalog, or again only the one on show.
    AllSuppliers,
    /// Work on another supplier (a picker of them).
    Supplier,
    /// Sync every supplier.
    SyncAll,
    /// Make the basket at another supplier.
    CopyBasket,
    /// Every supplier's offer for a part at the quantity.
    Compare,
    /// Show a screen; its binding comes from the screen's registration.
    Screen(ScreenId),
}

impl Action {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Search => "search",
            Action::NextTab => "next_tab",
            Action::PrevTab => "prev_tab",
            Action::FocusNext => "focus_next",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::Back => "back",
            Action::Add => "add",
            Action::Remove => "remove",
            Action::Edit => "edit",
            Action::Note => "note",
            Action::NewBasket => "new_basket",
            Action::QuickEntry => "quick_entry",
            Action::Checkout => "checkout",
            Action::Reorder => "reorder",
            Action::Sync => "sync",
            Action::Apply => "apply",
            Action::Toggle => "toggle",
            Action::Left => "left",
            Action::Right => "right",
            Action::Accept => "accept",
            Action::Decline => "decline",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::RequestQuote => "request_quote",
            Action::ReplaceDiscontinued => "replace_discontinued",
            Action::OpenDocument => "open_document",
            Action::Receive => "receive",
            Action::LateOnly => "late_only",
            Action::Dispute => "dispute",
            Action::ChoosePart => "choose_part",
            Action::AllSuppliers => "all_suppliers",
            Action::Supplier => "supplier",
            Action::SyncAll => "sync_all",
            Action::CopyBasket => "copy_basket",
            Action::Compare => "compare",
            Action::Screen(id) => super::screens::registration(id).map(|r| r.action).unwrap_or("screen"),
        }
    }
}

/// Where a binding applies. `Global` applies everywhere unless a text field
/// has the focus and the key is a plain character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Scope {
    Global,
    Lists,
    SearchInput,
    Results,
    Detail,
    Baskets,
    BasketLines,
    Orders,
    Invoices,
    Quotes,
    Approvals,
    QuickEntry,
    Checkout,
    CheckoutPreviewed,
    Prompt,
    AddQty,
    Confirm,
    Help,
    Successor,
    QuoteRequest,
    /// Quick entry with a type number that names several parts.
    QuickChoice,
    PartChooser,
    SupplierPicker,
    /// Every supplier's offer for one part.
    Compare,
}

impl Scope {
    pub(crate) fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Lists => "Lists",
            Scope::SearchInput => "Search field",
            Scope::Results => "Search results",
            Scope::Detail => "Part detail",
            Scope::Baskets => "Baskets",
            Scope::BasketLines => "Basket lines",
            Scope::Orders => "Orders",
            Scope::Invoices => "Invoices",
            Scope::Quotes => "Quotes",
            Scope::Approvals => "Approvals",
            Scope::QuickEntry => "Quick entry",
            Scope::Checkout => "Checkout",
            Scope::CheckoutPreviewed => "Checkout, previewed",
            Scope::Prompt => "Prompts",
            Scope::AddQty => "Quantity prompt",
            Scope::Confirm => "Questions",
            Scope::Help => "This help",
            Scope::Successor => "Discontinued part",
            Scope::QuoteRequest => "Quote request",
            Scope::QuickChoice => "Quick entry, a type number names several parts",
            Scope::PartChooser => "Choosing the part of a type number",
            Scope::SupplierPicker => "Choosing a supplier",
            Scope::Compare => "Comparing suppliers",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub(crate) code: KeyCode,
    pub(crate) mods: KeyModifiers,
}

impl Key {
    pub(crate) fn from_event(e: &KeyEvent) -> Key {
        // Shift is part of the character for printable keys, and of
        // Shift-Tab (terminals report BackTab with Shift held).
        let mods = match e.code {
            KeyCode::Char(_) | KeyCode::BackTab => e.modifiers - KeyModifiers::SHIFT,
            _ => e.modifiers,
        };
        Key { code: e.code, mods }
    }

    /// A plain printable character: goes into a focused text field.
    pub(crate) fn is_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && (self.mods - KeyModifiers::SHIFT).is_empty()
    }

    pub(crate) fn parse(s: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt-") {
                mods |= KeyModifiers::ALT;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "delete" => KeyCode::Delete,
            "backspace" => KeyCode::Backspace,
            "space" => KeyCode::Char(' '),
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return Err(format!("unknown key {s:?}")),
                }
            }
        };
        Ok(Key { code, mods })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            write!(f, "^")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            write!(f, "M-")?;
        }
        match self.code {
            KeyCode::Char(' ') => write!(f, "Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => write!(f, "Enter"),
            KeyCode::Esc => write!(f, "Esc"),
            KeyCode::Tab => write!(f, "Tab"),
            KeyCode::BackTab => write!(f, "S-Tab"),
            KeyCode::Up => write!(f, "↑"),
            KeyCode::Down => write!(f, "↓"),
            KeyCode::Left => write!(f, "←"),
            KeyCode::Right => write!(f, "→"),
            KeyCode::PageUp => write!(f, "PgUp"),
            KeyCode::PageDown => write!(f, "PgDn"),
            KeyCode::Home => write!(f, "Home"),
            KeyCode::End => write!(f, "End"),
            KeyCode::Delete => write!(f, "Del"),
            KeyCode::Backspace => write!(f, "Bksp"),
            KeyCode::F(n) => write!(f, "F{n}"),
            _ => write!(f, "?"),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) scope: Scope,
    pub(crate) action: Action,
    pub(crate) keys: Vec<Key>,
    /// Short text for the status bar; empty: not shown there.
    pub(crate) hint: &'static str,
    pub(crate) help: &'static str,
}

#[derive(Debug, Clone)]
pub(crate) struct Keymap {
    pub(crate) bindings: Vec<Binding>,
}

fn b(scope: Scope, action: Action, keys: &[&str], hint: &'static str, help: &'static str) -> Binding {
    Binding { scope, action, keys: keys.iter().filter_map(|k| Key::parse(k).ok()).collect(), hint, help }
}

impl Default for Keymap {
    fn default() -> Self {
        use Action::*;
        use Scope::{
            Approvals, BasketLines, Baskets, Detail, Global, Lists, Orders, Prompt, Quotes, Results, SearchInput,
        };
        const CHECKOUT_SCOPE: Scope = Scope::Checkout;
        const QUICK_SCOPE: Scope = Scope::QuickEntry;
        const HELP_SCOPE: Scope = Scope::Help;
        Keymap {
            bindings: vec![
                b(Global, Quit, &["q", "ctrl-c"], "quit", "Quit procure"),
                b(Global, Help, &["?", "f1"], "help", "Show or hide this help"),
                b(Global, Search, &["/"], "search", "Go to the search field"),
                // One binding per registered screen, from its registration.
            ]
            .into_iter()
            .chain(super::screens::SCREENS.iter().map(|r| b(Global, Screen(r.id), r.keys, "", r.help)))
            .chain([
                b(Global, NextTab, &["ctrl-right", "]"], "", "Next screen"),
                b(Global, PrevTab, &["ctrl-left", "["], "", "Previous screen"),
                b(Global, FocusNext, &["tab"], "pane", "Move between panes"),
                b(Global, Back, &["esc"], "back", "Close, cancel or go back"),
                b(Global, Sync, &["ctrl-r"], "", "Sync catalog and prices now"),
                b(Global, SyncAll, &["R"], "", "Sync every supplier (three at a time)"),
                b(Global, Supplier, &["f9"], "", "Work on another supplier (every screen shows it)"),
                b(Lists, Up, &["up", "k"], "", "Move up"),
                b(Lists, Down, &["down", "j"], "", "Move down"),
                b(Lists, PageUp, &["pageup", "ctrl-u"], "", "Page up"),
                b(Lists, PageDown, &["pagedown", "ctrl-d"], "", "Page down"),
                b(Lists, Top, &["home", "g"], "", "First row"),
                b(Lists, Bottom, &["end", "G"], "", "Last row"),
                b(SearchInput, Help, &["?"], "help", "Show the keys (type numbers never contain '?')"),
                b(SearchInput, Down, &["down", "ctrl-n"], "", "Move down in the results"),
                b(SearchInput, Up, &["up", "ctrl-p"], "", "Move up in the results"),
                b(SearchInput, Open, &["enter"], "detail", "Open the selected part"),
                b(SearchInput, Add, &["ctrl-a"], "add", "Add the selected part to the basket"),
                b(
                    SearchInput,
                    AllSuppliers,
                    &["ctrl-t"],
                    "all/one supplier",
                    "Search every supplier, or only the one on show",
                ),
                b(Results, Open, &["enter", "l"], "detail", "Open the selected part"),
                b(Results, Add, &["a", "+"], "add", "Add the selected part to a basket of its supplier"),
                b(
                    Results,
                    AllSuppliers,
                    &["ctrl-t", "A"],
                    "all/one supplier",
                    "Search every supplier, or only the one on show",
                ),
                b(SearchInput, Compare, &["ctrl-k"], "compare", "Every supplier's offer for the selected part"),
                b(Results, Compare, &["c", "ctrl-k"], "compare", "Every supplier's offer for the selected part"),
                b(Detail, Add, &["a", "+"], "add", "Add this part to the basket"),
                b(Detail, OpenDocument, &["o"], "open document", "Open the chosen document (kept for offline use)"),
                b(Detail, Left, &["left"], "", "Choose the previous document"),
                b(Detail, Right, &["right"], "", "Choose the next document"),
                b(Scope::Successor, Open, &["enter"], "successor", "Open the successor of a discontinued part"),
                b(Baskets, Open, &["enter", "l"], "open", "Open the basket's lines"),
                b(Baskets, NewBasket, &["n"], "new", "New basket"),
                b(Baskets, Checkout, &["c"], "checkout", "Check out the basket"),
                b(Baskets, QuickEntry, &["i"], "quick entry", "Type or paste many `sku qty` lines"),
                b(
                    Baskets,
                    CopyBasket,
                    &["C"],
                    "copy to…",
                    "Make the basket at another supplier (by maker and type number)",
                ),
                b(BasketLines, Edit, &["e", "enter"], "qty", "Edit the quantity in place"),
                b(BasketLines, Note, &["n"], "note", "Line note / cost centre"),
                b(BasketLines, Remove, &["d", "delete"], "remove", "Remove the line"),
                b(BasketLines, Checkout, &["c"], "checkout", "Check out the basket"),
                b(BasketLines, QuickEntry, &["i"], "quick entry", "Type or paste many `sku qty` lines"),
                b(Orders, Open, &["enter", "l"], "detail", "Show the order"),
                b(Orders, Reorder, &["r"], "reorder", "Reorder into a basket"),
                b(Orders, Receive, &["R"], "receive", "Record goods received of the order (what is open is filled in)"),
                b(Orders, LateOnly, &["L"], "late", "Only the late lines (expediting), or every order again"),
                b(Scope::Invoices, Open, &["enter", "l"], "detail", "Show the invoice with its three-way match"),
                b(Scope::Invoices, Dispute, &["d"], "dispute", "Dispute the invoice with the supplier (asks why)"),
                b(Baskets, RequestQuote, &["Q"], "quote", "Request a quote for the basket"),
                b(BasketLines, RequestQuote, &["Q"], "quote", "Request a quote for the basket"),
                b(
                    Baskets,
                    ReplaceDiscontinued,
                    &["R"],
                    "successors",
                    "Discontinued parts → their successors (shown first)",
                ),
                b(
                    BasketLines,
                    ReplaceDiscontinued,
                    &["R"],
                    "successors",
                    "Discontinued parts → their successors (shown first)",
                ),
                b(Quotes, Open, &["enter", "l"], "detail", "Show the quote: offered beside target prices"),
                b(Quotes, Accept, &["a"], "accept", "Accept the offer (asks for a PO number)"),
                b(Quotes, Decline, &["x"], "decline", "Decline the offer"),
                b(Approvals, Open, &["enter", "l"], "detail", "Show the order waiting for approval"),
                b(Approvals, Approve, &["y"], "approve", "Approve the order"),
                b(Approvals, Reject, &["n"], "reject", "Reject the order with a reason"),
                b(QUICK_SCOPE, Apply, &["ctrl-s", "alt-enter"], "add lines", "Add the lines to the basket"),
                b(
                    QUICK_SCOPE,
                    FocusNext,
                    &["tab"],
                    "",
                    "Type a tab (tab-separated lines, as a spreadsheet copies them)",
                ),
                b(
                    Scope::QuickChoice,
                    ChoosePart,
                    &["ctrl-o"],
                    "choose part",
                    "List the parts a line's type number names, to choose one",
                ),
                b(Scope::PartChooser, Apply, &["enter"], "take it", "The line gets this part, the quantity as typed"),
                b(Scope::PartChooser, Back, &["esc"], "leave it", "Leave the line as it is"),
                b(Scope::SupplierPicker, Apply, &["enter"], "work on it", "Work on the selected supplier"),
                b(Scope::SupplierPicker, Back, &["esc", "f9"], "stay", "Keep the supplier on show"),
                b(CHECKOUT_SCOPE, Up, &["up", "backtab"], "", "Previous field"),
                b(CHECKOUT_SCOPE, Down, &["down"], "", "Next field"),
                b(CHECKOUT_SCOPE, Left, &["left"], "", "Previous choice"),
                b(CHECKOUT_SCOPE, Right, &["right"], "", "Next choice"),
                b(CHECKOUT_SCOPE, Toggle, &["space"], "", "Toggle ship complete"),
                b(CHECKOUT_SCOPE, PageUp, &["pageup"], "", "Scroll the order lines up"),
                b(CHECKOUT_SCOPE, PageDown, &["pagedown"], "", "Scroll the order lines down"),
                b(
                    CHECKOUT_SCOPE,
                    Apply,
                    &["ctrl-s", "f5"],
                    "preview",
                    "Preview on the shop (prices, delivery, checks)",
                ),
                b(Scope::CheckoutPreviewed, Apply, &["ctrl-s", "f5"], "place order", "Place the order as previewed"),
                b(Prompt, Apply, &["enter"], "ok", "Confirm"),
                b(Scope::AddQty, FocusNext, &["tab"], "other basket", "Put the part into the next basket"),
                b(Scope::AddQty, Compare, &["ctrl-k"], "compare", "Every supplier's offer at the quantity typed"),
                b(
                    Scope::Compare,
                    Add,
                    &["a", "enter"],
                    "add",
                    "Add the offer, at what it has to be ordered in, to a basket of its supplier",
                ),
                b(Scope::Compare, Toggle, &["t"], "cost/date", "The best offer by cost, or by arrival date"),
                b(
                    Scope::AddQty,
                    Up,
                    &["backtab"],
                    "",
                    "Put the part into the previous basket (letters: the basket named so)",
                ),
                b(Scope::Confirm, Apply, &["y", "enter"], "yes", "Yes, do it"),
                b(Scope::Confirm, Back, &["n", "esc"], "no", "No, keep what is there"),
                b(Scope::QuoteRequest, Up, &["up", "backtab"], "", "Previous line"),
                b(Scope::QuoteRequest, Down, &["down"], "", "Next line"),
                b(Scope::QuoteRequest, Apply, &["ctrl-s", "f5"], "send", "Send the quote request"),
                b(HELP_SCOPE, Back, &["esc", "q", "?", "f1"], "close", "Close the help"),
            ])
            .collect(),
        }
    }
}

impl Keymap {
    /// The defaults with the user's `[keys]` overrides applied. Unknown
    /// action names or keys are reported, not ignored.
    pub(crate) fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (name, keys) in overrides {
            let parsed = keys.iter().map(|k| Key::parse(k)).collect::<Result<Vec<_>, _>>()?;
            let mut found = false;
            for bnd in map.bindings.iter_mut().filter(|b| b.action.name() == name) {
                bnd.keys = parsed.clone();
                found = true;
            }
            if !found {
                return Err(format!("[keys] {name}: no such action (see the help screen for names)"));
            }
        }
        Ok(map)
    }

    /// The first key of an action, as the help shows it.
    pub(crate) fn label(&self, action: Action) -> Option<String> {
        self.bindings.iter().find(|b| b.action == action).and_then(|b| b.keys.first()).map(Key::to_string)
    }

    /// The action for a key in the given scopes (most specific first).
    pub(crate) fn lookup(&self, key: &Key, scopes: &[Scope], text_focus: bool) -> Option<Action> {
        for scope in scopes.iter().chain(std::iter::once(&Scope::Global)) {
            // Typing goes into the field; only special keys act, and the few
            // characters a field's own scope claims (no type number has a '?').
            if text_focus && key.is_text() && !matches!(scope, Scope::Prompt | Scope::SearchInput) {
                continue;
            }
            if let Some(bnd) = self.bindings.iter().find(|b| b.scope == *scope && b.keys.contains(key)) {
                return Some(bnd.action);
            }
        }
        None
    }

    /// Status-bar hints for the scopes, specific ones first.
    /// With a text field focused, plain letters type, so hints show the
    /// binding's other keys.
    #[cfg(test)]
    pub(crate) fn hints(&self, scopes: &[Scope], text_focus: bool) -> Vec<(String, &'static str)> {
        self.hints_but(scopes, text_focus, &[])
    }

    /// `hints`, without those of the actions in `hide` (that do nothing here).
    pub(crate) fn hints_but(&self, scopes: &[Scope], text_focus: bool, hide: &[Action]) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        // A key a more specific scope binds does not do the general thing here.
        let mut taken: Vec<Key> = Vec::new();
        for scope in scopes.iter().chain(std::iter::once(&Scope::Global)) {
            for bnd in self.bindings.iter().filter(|b| b.scope == *scope) {
                // Typing goes into the field: a plain letter does not act there.
                let types = |k: &Key| text_focus && k.is_text() && !matches!(scope, Scope::Prompt | Scope::SearchInput);
                let usable = bnd.keys.iter().find(|k| !taken.contains(k) && !types(k));
                if let Some(k) = usable
                    && !bnd.hint.is_empty()
                    && !hide.contains(&bnd.action)
                    && !out.iter().any(|(_, h)| *h == bnd.hint)
                {
                    out.push((k.to_string(), bnd.hint));
                }
            }
            taken.extend(self.bindings.iter().filter(|b| b.scope == *scope).flat_map(|b| b.keys.iter().copied()));
        }
        out
    }

    /// Help overlay rows: (where, keys, action name, description). A global
    /// binding's plain letters do not act in a text field (they type there),
    /// so they get a row of their own that says so.
    pub(crate) fn help_rows(&self) -> Vec<(&'static str, String, &'static str, &'static str)> {
        let join = |keys: &[&Key]| keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(" ");
        let mut rows = Vec::new();
        for b in &self.bindings {
            let (text, other): (Vec<&Key>, Vec<&Key>) = b.keys.iter().partition(|k| k.is_text());
            if b.scope == Scope::Global && !text.is_empty() {
                if !other.is_empty() {
                    rows.push(((b.scope, 0), "Everywhere", join(&other), b.action.name(), b.help));
                }
                rows.push(((b.scope, 1), "Not in text fields", join(&text), b.action.name(), b.help));
            } else {
                let keys: Vec<&Key> = b.keys.iter().collect();
                rows.push(((b.scope, 0), b.scope.title(), join(&keys), b.action.name(), b.help));
            }
        }
        rows.sort_by_key(|r| r.0);
        rows.into_iter().map(|(_, w, k, n, h)| (w, k, n, h)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys() {
        assert_eq!(Key::parse("ctrl-c").unwrap(), Key { code: KeyCode::Char('c'), mods: KeyModifiers::CONTROL });
        assert_eq!(Key::parse("F1").unwrap().code, KeyCode::F(1));
        assert_eq!(Key::parse("G").unwrap().code, KeyCode::Char('G'));
        assert!(Key::parse("nope").is_err());
    }

    #[test]
    fn text_focus_keeps_letters_for_typing() {
        let km = Keymap::default();
        let q = Key::parse("q").unwrap();
        assert_eq!(km.lookup(&q, &[Scope::Results, Scope::Lists], false), Some(Action::Quit));
        assert_eq!(km.lookup(&q, &[Scope::SearchInput], true), None);
        assert_eq!(km.lookup(&Key::parse("?").unwrap(), &[Scope::SearchInput], true), Some(Action::Help));
        let ctrl_c = Key::parse("ctrl-c").unwrap();
        assert_eq!(km.lookup(&ctrl_c, &[Scope::SearchInput], true), Some(Action::Quit));
    }

    #[test]
    fn overrides_replace_keys_and_feed_hints_and_help() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["ctrl-q".to_string()]);
        let km = Keymap::with_overrides(&o).unwrap();
        assert_eq!(km.lookup(&Key::parse("q").unwrap(), &[Scope::Results], false), None);
        assert_eq!(km.lookup(&Key::parse("ctrl-q").unwrap(), &[Scope::Results], false), Some(Action::Quit));
        assert!(km.hints(&[Scope::Results], false).iter().any(|(k, h)| k == "^q" && *h == "quit"));
        assert!(km.help_rows().iter().any(|r| r.1 == "^q" && r.2 == "quit"));
        o.insert("fly".to_string(), vec!["x".to_string()]);
        assert!(Keymap::with_overrides(&o).is_err());
    }
}
