//! One-line prompts: log in, a quantity, a note, a basket name, a PO number,
//! a reason. What Enter does depends on what was asked.

use crate::tui::component::{Cmd, Component, Cx, Level, run};
use crate::tui::engine::{BasketOp, Effect, Failure, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::centered;
use crate::tui::widgets::input::Input;
use crate::tui::widgets::text;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use procure_client::core::pricing::{PriceHint, QuantityEntry};
use procure_client::core::text::parse_quantity;
use procure_client::core::text::{format_amount, format_price};
use procure_client::service::baskets::{Merge, validate_name};
use procure_client::service::search::PartDetail;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    AddQty {
        /// The supplier whose part it is: it goes into one of its baskets.
        supplier: String,
        sku: String,
        /// The basket the part goes into; Tab picks another of `baskets`.
        basket: String,
        /// The supplier's readable baskets, the most recently used first.
        baskets: Vec<String>,
        entry: QuantityEntry,
        currency: String,
    },
    EditQty {
        basket: String,
        sku: String,
    },
    Note {
        basket: String,
        sku: String,
    },
    NewBasket,
    ReorderInto {
        number: String,
    },
    /// Into a basket that exists: add to its lines or replace them.
    ReorderMerge {
        number: String,
        into: String,
    },
    Password,
    AcceptQuote {
        number: String,
    },
    DeclineQuote {
        number: String,
    },
    RejectOrder {
        number: String,
    },
    /// Goods received of an order: `SKU=QTY …`.
    Receive {
        order: String,
    },
    /// Why the buyer disputes an invoice.
    Dispute {
        number: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub(crate) kind: PromptKind,
    pub(crate) title: String,
    pub(crate) input: Input,
    pub(crate) error: Option<String>,
    /// Letters typed in the quantity prompt: they choose the basket whose
    /// name starts with them (quantities are digits), as in the basket list.
    pub(crate) typed: Option<(String, std::time::Instant)>,
}

impl Prompt {
    /// What is asked.
    pub fn kind(&self) -> &PromptKind {
        &self.kind
    }

    pub(crate) fn new(kind: PromptKind, title: impl Into<String>, text: &str) -> Prompt {
        Prompt { kind, title: title.into(), input: Input::suggested(text), error: None, typed: None }
    }

    pub(crate) fn password(shop: &str) -> Prompt {
        Prompt {
            kind: PromptKind::Password,
            title: format!("Log in to {shop} — password"),
            input: Input::masked(),
            error: None,
            typed: None,
        }
    }

    /// The quantity prompt for adding a part to the current basket. The
    /// smallest valid quantity is suggested: typing replaces it.
    pub(crate) fn add_qty(cx: &Cx, d: &PartDetail) -> Prompt {
        let basket = cx.current_basket().unwrap_or_else(|| "(new)".into());
        Self::add_qty_at(cx, &cx.supplier, basket, cx.baskets.clone(), d)
    }

    /// The quantity prompt for adding a part of `supplier` (perhaps not the
    /// one on show: a search of all suppliers) to one of its `baskets`,
    /// `basket` first.
    pub(crate) fn add_qty_at(cx: &Cx, supplier: &str, basket: String, baskets: Vec<String>, d: &PartDetail) -> Prompt {
        let entry = d.quantity_entry();
        Prompt {
            title: add_title(cx, supplier, &d.product.sku, &basket),
            input: Input::suggested(&entry.suggested().to_string()),
            error: None,
            typed: None,
            kind: PromptKind::AddQty {
                supplier: supplier.to_string(),
                sku: d.product.sku.clone(),
                basket,
                baskets,
                entry,
                currency: d.currency.clone(),
            },
        }
    }

    /// The baskets an add may go into: its part's supplier's.
    fn baskets(&self) -> &[String] {
        match &self.kind {
            PromptKind::AddQty { baskets, .. } => baskets,
            _ => &[],
        }
    }

    /// Where the basket of an add is among the baskets.
    fn basket_index(&self) -> Option<usize> {
        match &self.kind {
            PromptKind::AddQty { basket, baskets, .. } => baskets.iter().position(|b| b == basket),
            _ => None,
        }
    }

    /// The add goes into the `i`th basket.
    fn choose(&mut self, cx: &Cx, i: usize) {
        if let PromptKind::AddQty { supplier, sku, basket, baskets, .. } = &mut self.kind
            && let Some(name) = baskets.get(i)
        {
            *basket = name.clone();
            self.title = add_title(cx, supplier, sku, basket);
            self.error = None;
        }
    }

    fn fail(&mut self, e: String) -> Vec<Cmd> {
        self.error = Some(e);
        vec![]
    }

    fn apply(&mut self, cx: &mut Cx) -> Vec<Cmd> {
        let text = self.input.text().trim().to_string();
        let close = |mut cmds: Vec<Cmd>| {
            cmds.insert(0, Cmd::Close);
            cmds
        };
        let supplier = cx.supplier.clone();
        let basket_op = |op| close(run(Effect::Basket { supplier: supplier.clone(), op }));
        match self.kind.clone() {
            PromptKind::Password => {
                if text.is_empty() {
                    return self.fail("type your password".into());
                }
                let password = self.input.text().to_string();
                self.error = Some("logging in…".into());
                run(Effect::Login { supplier: cx.supplier.clone(), password })
            }
            PromptKind::AddQty { supplier: theirs, sku, basket, baskets, entry, .. } => match entry.check(&text) {
                Err(e) => self.fail(e),
                Ok(c) => match c.orderable() {
                    Err(e) => self.fail(e.to_string()),
                    Ok(q) if baskets.contains(&basket) => {
                        // The next add goes to the same basket (the one on show's).
                        if theirs == cx.supplier {
                            cx.basket = Some(basket.clone());
                        }
                        close(run(Effect::Basket { supplier: theirs, op: BasketOp::Add { basket, sku, qty: q } }))
                    }
                    Ok(_) => close(vec![]),
                },
            },
            PromptKind::EditQty { basket, sku } => match parse_quantity(&text) {
                Err(e) => self.fail(e),
                Ok(q) => basket_op(BasketOp::Set { basket, sku, qty: q }),
            },
            PromptKind::Note { basket, sku } => {
                basket_op(BasketOp::Note { basket, sku, note: Some(text).filter(|t| !t.is_empty()) })
            }
            PromptKind::NewBasket => match validate_name(&text) {
                Err(e) => self.fail(e),
                Ok(()) => {
                    cx.basket = Some(text.clone());
                    basket_op(BasketOp::New { name: text })
                }
            },
            PromptKind::AcceptQuote { number } => {
                if text.is_empty() {
                    return self.fail("a PO number is required".into());
                }
                close(run(Effect::AcceptQuote { supplier, number, po: text }))
            }
            PromptKind::DeclineQuote { number } => {
                close(run(Effect::DeclineQuote { supplier, number, reason: Some(text).filter(|t| !t.is_empty()) }))
            }
            PromptKind::RejectOrder { number } => {
                if text.is_empty() {
                    return self.fail("the buyer needs a reason".into());
                }
                close(run(Effect::Decide {
                    supplier,
                    number,
                    decision: procure_client::api::Decision::Rejected,
                    reason: Some(text),
                }))
            }
            PromptKind::Receive { order } => match procure_client::core::receipt::parse_pairs(&text) {
                Err(e) => self.fail(e),
                Ok(lines) => {
                    cx.say(Level::Info, format!("recording goods received of {order}…"));
                    close(run(Effect::Receive { supplier, order, lines }))
                }
            },
            PromptKind::Dispute { number } => {
                if text.is_empty() {
                    return self.fail("the supplier needs a reason".into());
                }
                cx.say(Level::Info, format!("disputing {number}…"));
                close(run(Effect::Dispute { supplier, number, reason: text }))
            }
            PromptKind::ReorderInto { number } => match validate_name(&text) {
                Err(e) => self.fail(e),
                Ok(()) if cx.baskets.contains(&text) => {
                    // Adding is not replacing: the buyer says which.
                    self.title = format!("Basket {text} exists: type add (add the quantities) or replace");
                    self.kind = PromptKind::ReorderMerge { number, into: text };
                    self.input = Input::new("add");
                    self.error = None;
                    vec![]
                }
                Ok(()) => {
                    cx.say(Level::Info, format!("reordering {number}…"));
                    close(run(Effect::Reorder { supplier, number, into: text, merge: Merge::Ask }))
                }
            },
            PromptKind::ReorderMerge { number, into } => {
                let merge = match text.to_lowercase().as_str() {
                    "a" | "add" => Merge::Add,
                    "r" | "replace" => Merge::Replace,
                    _ => return self.fail("type add or replace".into()),
                };
                cx.say(Level::Info, format!("reordering {number}…"));
                close(run(Effect::Reorder { supplier, number, into, merge }))
            }
        }
    }
}

/// "Add SKU to basket B", with the supplier when there are several.
fn add_title(cx: &Cx, supplier: &str, sku: &str, basket: &str) -> String {
    if cx.suppliers.len() > 1 {
        format!("Add {sku} of {supplier} to its basket {basket}")
    } else {
        format!("Add {sku} to basket {basket}")
    }
}

/// Unit price for a quantity, and what the next tier would cost, as text.
pub(crate) fn tier_hint(hint: &PriceHint) -> (Option<String>, Option<String>) {
    let now = hint
        .now
        .map(|l| format!("{} × {} = {}", l.qty, format_price(l.unit_price, l.base_quantity), format_amount(l.total)));
    let next = hint.next.map(|t| {
        let each = if t.base_quantity == rust_decimal::Decimal::ONE { " each" } else { "" };
        format!("from {}: {}{each}", t.min_qty, format_price(t.unit_price, t.base_quantity))
    });
    (now, next)
}

impl Component for Prompt {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        match self.kind {
            PromptKind::AddQty { .. } => (vec![Scope::AddQty, Scope::Prompt], true),
            _ => (vec![Scope::Prompt], true),
        }
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        match action {
            Action::Apply => Some(self.apply(cx)),
            // Every supplier's offer at the quantity typed (or suggested).
            Action::Compare => match &self.kind {
                PromptKind::AddQty { sku, entry, .. } => {
                    let qty = entry.check(self.input.text()).map(|c| c.qty).unwrap_or_else(|_| entry.suggested());
                    let mut cmds = vec![Cmd::Close];
                    cmds.extend(crate::tui::dialogs::compare::CompareView::open(&cx.supplier, sku, qty));
                    Some(cmds)
                }
                _ => None,
            },
            // Tab the next basket, Shift-Tab the one before (the part's
            // supplier's baskets as listed: the one used last first).
            Action::FocusNext | Action::Up if matches!(self.kind, PromptKind::AddQty { .. }) => {
                let n = self.baskets().len();
                let at = self.basket_index();
                match (action, at) {
                    (_, None) => self.choose(cx, 0),
                    (Action::FocusNext, Some(i)) => self.choose(cx, (i + 1) % n.max(1)),
                    (_, Some(i)) => self.choose(cx, (i + n - 1) % n.max(1)),
                }
                Some(vec![])
            }
            Action::FocusNext => Some(vec![]),
            _ => None,
        }
    }

    fn key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Cmd> {
        if let (PromptKind::AddQty { .. }, KeyCode::Char(c)) = (&self.kind, key.code)
            && c.is_alphabetic()
            && key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
        {
            let mut typed = match self.typed.take() {
                Some((t, at)) if at.elapsed() < std::time::Duration::from_secs(1) => t,
                _ => String::new(),
            };
            typed.extend(c.to_lowercase());
            match self.baskets().iter().position(|b| b.to_lowercase().starts_with(&typed)) {
                Some(i) => self.choose(cx, i),
                None => self.error = Some(format!("no basket starts with {typed:?}")),
            }
            self.typed = Some((typed, std::time::Instant::now()));
            return vec![];
        }
        self.input.handle(key);
        self.error = None;
        vec![]
    }

    fn paste(&mut self, _cx: &mut Cx, text: &str) -> Vec<Cmd> {
        self.input.insert_str(text.lines().next().unwrap_or(""));
        vec![]
    }

    fn on_msg(&mut self, _cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        if matches!(msg, Msg::LoggedIn { .. }) && self.kind == PromptKind::Password {
            out.push(Cmd::Close);
        }
        Some(msg)
    }

    fn failed(&mut self, _cx: &mut Cx, what: Failure, message: &str) {
        if what == Failure::Login {
            self.error = Some(message.to_string());
        }
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        let t = &cx.theme;
        let p = self;
        let text =
            if p.input.selected { Span::styled(p.input.display(), t.selected()) } else { Span::raw(p.input.display()) };
        let mut lines = vec![Line::from(vec![Span::raw("› "), text, Span::styled("▏", t.key())])];
        if let PromptKind::AddQty { supplier, entry, currency, basket, baskets, .. } = &p.kind {
            let rules = &entry.rules;
            let n = baskets.len();
            let choose = match p.basket_index() {
                Some(i) if n > 1 => format!(" ({} of {n}) · Tab/S-Tab or its first letters: another", i + 1),
                _ => String::new(),
            };
            let mut into = vec![Span::styled("into basket ", t.dim()), Span::styled(basket.clone(), t.key())];
            if cx.suppliers.len() > 1 {
                into.push(Span::styled(" of ", t.dim()));
                into.push(Span::styled(supplier.clone(), t.key()));
            }
            into.push(Span::styled(choose, t.dim()));
            lines.push(Line::from(into));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("pack {} · minimum {} · step {}", rules.pack_size, rules.minimum(), rules.order_step),
                t.dim(),
            ));
            if let Ok(c) = entry.check(p.input.text()) {
                let (now, next) = tier_hint(&c.hint);
                if let Some(now) = now {
                    lines.push(Line::raw(format!("{now} {currency}")));
                }
                if let Some(next) = next {
                    lines.push(Line::styled(format!("next tier {next}"), t.dim()));
                }
                if let Err(e) = c.orderable() {
                    lines.push(Line::styled(e.to_string(), t.warn()));
                }
            }
        }
        if let Some(e) = &p.error {
            lines.push(Line::styled(e.clone(), t.error()));
        }
        lines.push(Line::styled("Enter ok · Esc cancel", t.dim()));
        let width = 64.min(area.width);
        let height = text::wrapped_height(&lines, width.saturating_sub(2)) + 2;
        let r = centered(area, width, height);
        f.render_widget(Clear, r);
        f.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(format!(" {} ", p.title))),
            r,
        );
    }
}
