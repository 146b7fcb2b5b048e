//! Baskets: the list, the lines of the selected one, and what is done to
//! them (quantities, notes, quick entry, checkout, a quote request).

use crate::tui::component::{
    Cmd, Component, Cx, Focus, Level, Registration, Screen, ScreenId, inside, movement, run, step,
};
use crate::tui::dialogs::checkout::CheckoutForm;
use crate::tui::dialogs::confirm::{Confirm, Then};
use crate::tui::dialogs::prompt::{Prompt, PromptKind};
use crate::tui::dialogs::quick_entry::{self, QuickEntry};
use crate::tui::dialogs::quote_request::QuoteRequest;
use crate::tui::engine::{BasketOp, Effect, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::columns::{self, Col};
use crate::tui::widgets::text;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEventKind};
use procure_client::core::basket::{Basket, PricedBasket, PricedBasketLine};
use procure_client::core::order::PriceChange;
use procure_client::core::text::{format_amount, format_price};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, List, ListItem, ListState, Paragraph, Row, Table, TableState, Wrap};

pub const ID: ScreenId = ScreenId("baskets");

pub(crate) const REGISTRATION: Registration = Registration {
    id: ID,
    title: "Baskets",
    action: "screen_baskets",
    keys: &["f3"],
    help: "Baskets screen",
    make: || Box::new(Baskets::default()),
};

#[derive(Debug, Default)]
pub struct Baskets {
    pub(crate) list: Vec<(String, Result<Basket, String>)>,
    pub(crate) selected: usize,
    pub(crate) priced: Option<PricedBasket>,
    pub(crate) line: usize,
    pub(crate) focus: Focus,
    pub(crate) list_area: Rect,
    pub(crate) lines_area: Rect,
    /// Letters typed in the list: the basket whose name starts with them is selected.
    typed: String,
    typed_at: Option<std::time::Instant>,
    /// Prices of the basket shown that changed since the buyer agreed to
    /// them, not asked about yet (asked when the screen is on show).
    unasked: Vec<PriceChange>,
    /// The changes asked about in this session, by basket: not asked again.
    asked: Vec<(String, PriceChange)>,
}

impl Baskets {
    /// The baskets as last listed, each read or with why it cannot be.
    pub fn list(&self) -> &[(String, Result<Basket, String>)] {
        &self.list
    }

    /// The basket shown, priced.
    pub fn priced(&self) -> Option<&PricedBasket> {
        self.priced.as_ref()
    }

    fn select_basket(&mut self, cx: &mut Cx, idx: usize) -> Vec<Cmd> {
        let n = self.list.len();
        if n == 0 {
            return vec![];
        }
        self.selected = idx.min(n - 1);
        self.line = 0;
        let name = self.list[self.selected].0.clone();
        cx.basket = Some(name.clone());
        run(Effect::Price { supplier: cx.supplier.clone(), basket: name })
    }

    /// Asks, once per change, whether the basket on show may have the
    /// prices that changed since the buyer agreed to them.
    fn ask_prices(&mut self, cx: &Cx) -> Vec<Cmd> {
        let Some(p) = &self.priced else { return vec![] };
        if cx.screen != ID || self.unasked.is_empty() {
            return vec![];
        }
        let changes = std::mem::take(&mut self.unasked);
        self.asked.extend(changes.iter().map(|c| (p.name.clone(), c.clone())));
        // As `basket show` asks it, one change a line.
        let mut question = format!("Prices in {} changed since you agreed to them:", p.name);
        for c in changes.iter().take(5) {
            question += &format!("\n  {} × {}: {}", c.sku, c.quantity, c.describe());
        }
        if changes.len() > 5 {
            question += &format!("\n  and {} more", changes.len() - 5);
        }
        question += "\nAccept the new prices?";
        let accept = BasketOp::AcceptPrices { basket: p.name.clone(), changes };
        let then = Then::Run(Effect::Basket { supplier: cx.supplier.clone(), op: accept });
        vec![Cmd::Open(Box::new(Confirm::new(question, then)))]
    }

    /// The basket on screen, else the one adds go to.
    fn shown(&self, cx: &Cx) -> Option<String> {
        self.priced.as_ref().map(|p| p.name.clone()).or_else(|| cx.current_basket())
    }

    fn line_action(&mut self, cx: &Cx, action: Action) -> Vec<Cmd> {
        let Some(p) = self.priced.as_ref() else { return vec![] };
        let Some(line) = p.lines.get(self.line).cloned() else { return vec![] };
        let basket = p.name.clone();
        match action {
            Action::Remove => {
                run(Effect::Basket { supplier: cx.supplier.clone(), op: BasketOp::Remove { basket, sku: line.sku } })
            }
            Action::Edit => vec![Cmd::Open(Box::new(Prompt::new(
                PromptKind::EditQty { basket, sku: line.sku.clone() },
                format!("Quantity of {}", line.sku),
                &line.qty.to_string(),
            )))],
            _ => vec![Cmd::Open(Box::new(Prompt::new(
                PromptKind::Note { basket, sku: line.sku.clone() },
                format!("Line note / cost centre for {}", line.sku),
                line.note.as_deref().unwrap_or(""),
            )))],
        }
    }
}

impl Component for Baskets {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        match self.focus {
            Focus::Lines => (vec![Scope::BasketLines, Scope::Lists], false),
            _ => (vec![Scope::Baskets, Scope::Lists], false),
        }
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if let Some((delta, to_end)) = movement(action) {
            return Some(if self.focus == Focus::Lines {
                let n = self.priced.as_ref().map(|p| p.lines.len()).unwrap_or(0);
                self.line = step(self.line, n, delta, to_end);
                vec![]
            } else {
                let i = step(self.selected, self.list.len(), delta, to_end);
                self.select_basket(cx, i)
            });
        }
        Some(match action {
            Action::Open => {
                if self.focus == Focus::Lines {
                    return Some(vec![]);
                }
                self.focus = Focus::Lines;
                let idx = self.selected;
                self.select_basket(cx, idx)
            }
            Action::FocusNext => {
                self.focus = if self.focus == Focus::Lines { Focus::List } else { Focus::Lines };
                vec![]
            }
            Action::Back if self.focus == Focus::Lines => {
                self.focus = Focus::List;
                vec![]
            }
            Action::Edit | Action::Note | Action::Remove => self.line_action(cx, action),
            Action::NewBasket => {
                vec![Cmd::Open(Box::new(Prompt::new(PromptKind::NewBasket, "New basket — name", "")))]
            }
            Action::QuickEntry => match cx.current_basket() {
                Some(b) => vec![Cmd::Open(Box::new(QuickEntry::new(&b, "")))],
                None => {
                    cx.say(Level::Warn, "create a basket first (n)");
                    vec![]
                }
            },
            Action::Checkout => match self.shown(cx) {
                Some(basket) => vec![Cmd::Open(Box::new(CheckoutForm::new(&basket)))],
                None => {
                    cx.say(Level::Warn, "no basket to check out");
                    vec![]
                }
            },
            Action::RequestQuote if !cx.quote_requests() => {
                cx.say(Level::Warn, "this shop does not take quote requests");
                vec![]
            }
            Action::RequestQuote => match &self.priced {
                Some(p) if !p.lines.is_empty() => vec![Cmd::Open(Box::new(QuoteRequest::new(p)))],
                _ => {
                    cx.say(Level::Warn, "open a basket with lines to ask for a quote");
                    vec![]
                }
            },
            _ => return None,
        })
    }

    /// Letters no binding took jump to the basket whose name starts with them.
    fn key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Cmd> {
        let KeyCode::Char(c) = key.code else { return vec![] };
        if self.focus != Focus::List || !key.modifiers.difference(KeyModifiers::SHIFT).is_empty() {
            return vec![];
        }
        if self.typed_at.is_none_or(|at| at.elapsed() > std::time::Duration::from_secs(1)) {
            self.typed.clear();
        }
        self.typed.push(c.to_ascii_lowercase());
        self.typed_at = Some(std::time::Instant::now());
        match self.list.iter().position(|(n, _)| n.to_lowercase().starts_with(&self.typed)) {
            Some(i) => self.select_basket(cx, i),
            None => vec![],
        }
    }

    fn on_msg(&mut self, cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::Baskets(list) => {
                self.list = list;
                cx.baskets = self.list.iter().filter(|(_, b)| b.is_ok()).map(|(n, _)| n.clone()).collect();
                if cx.basket.is_none() {
                    cx.basket = cx.baskets.first().cloned();
                }
                if let Some(cur) = cx.basket.clone()
                    && let Some(i) = self.list.iter().position(|(n, _)| *n == cur)
                {
                    self.selected = i;
                    out.extend(run(Effect::Price { supplier: cx.supplier.clone(), basket: cur }));
                }
            }
            Msg::Priced(shown) => {
                let p = shown.basket;
                self.line = self.line.min(p.lines.len().saturating_sub(1));
                let asked = |c: &PriceChange| self.asked.iter().any(|(b, a)| *b == p.name && a == c);
                self.unasked = shown.changed.into_iter().filter(|c| !asked(c)).collect();
                self.priced = Some(p);
                out.extend(self.ask_prices(cx));
            }
            Msg::BasketDone { basket, message } => {
                cx.say(Level::Ok, message);
                cx.basket = Some(basket);
                out.extend(run(Effect::Baskets { supplier: cx.supplier.clone() }));
            }
            Msg::QuickEntryDone { basket, report } => {
                quick_entry::report(cx, &basket, &report);
                cx.basket = Some(basket);
                out.extend(run(Effect::Baskets { supplier: cx.supplier.clone() }));
            }
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
                cx.say(if replaced.is_empty() && r.skipped.is_empty() { Level::Ok } else { Level::Warn }, text);
                cx.basket = Some(r.basket);
                self.focus = Focus::Lines;
                out.extend([Cmd::CloseAll, Cmd::Show(ID), Cmd::Run(Effect::Baskets { supplier: cx.supplier.clone() })]);
            }
            // Placed by a retry after the checkout was closed.
            Msg::Submitted(s) => out.extend(crate::tui::dialogs::checkout::placed(cx, &s)),
            other => return Some(other),
        }
        None
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        draw(f, cx, self, area)
    }
}

impl Screen for Baskets {
    fn id(&self) -> ScreenId {
        ID
    }

    fn enter(&mut self, cx: &mut Cx) -> Vec<Cmd> {
        self.focus = Focus::List;
        run(Effect::Baskets { supplier: cx.supplier.clone() })
    }

    fn mouse(&mut self, cx: &mut Cx, kind: MouseEventKind, col: u16, row: u16) -> Vec<Cmd> {
        if kind != MouseEventKind::Down(MouseButton::Left) {
            return vec![];
        }
        // Border + header above the first line; border only above the first basket.
        if inside(self.list_area, col, row) && row > self.list_area.y {
            self.focus = Focus::List;
            return self.select_basket(cx, (row - self.list_area.y - 1) as usize);
        }
        if inside(self.lines_area, col, row) && row > self.lines_area.y + 1 {
            self.focus = Focus::Lines;
            let n = self.priced.as_ref().map(|p| p.lines.len()).unwrap_or(0);
            self.line = ((row - self.lines_area.y - 2) as usize).min(n.saturating_sub(1));
        }
        vec![]
    }
}

fn draw(f: &mut Frame, cx: &Cx, b: &mut Baskets, area: Rect) {
    let t = &cx.theme;
    // The names narrow first: the lines carry the money.
    let list_w = (area.width / 4).clamp(18, 30);
    let [left, right] = Layout::horizontal([Constraint::Length(list_w), Constraint::Min(40)]).areas(area);
    let items: Vec<ListItem> = b
        .list
        .iter()
        .map(|(name, basket)| match basket {
            Ok(bk) => {
                let current = if Some(name) == cx.basket.as_ref() { "● " } else { "  " };
                let pending = if bk.pending.is_some() { " ⧗" } else { "" };
                let count = if list_w >= 26 {
                    format!("  {} lines{pending}", bk.lines.len())
                } else {
                    format!("  {}{pending}", bk.lines.len())
                };
                let room = (list_w as usize).saturating_sub(3 + 2 + Span::raw(count.as_str()).width());
                ListItem::new(Line::from(vec![
                    Span::raw(format!("{current}{}", text::ellipsize(name, room))),
                    Span::styled(count, t.dim()),
                ]))
            }
            Err(_) => ListItem::new(Line::styled(
                text::ellipsize(&format!("  {name}  (unreadable)"), (list_w as usize).saturating_sub(3)),
                t.error(),
            )),
        })
        .collect();
    let list_focused = b.focus == Focus::List && !cx.covered;
    let mut state = ListState::default().with_selected(Some(b.selected));
    let empty = b.list.is_empty();
    f.render_stateful_widget(
        List::new(items).highlight_style(t.selected()).highlight_symbol("▶").block(
            Block::bordered()
                .title(if empty { " Baskets — n new " } else { " Baskets " })
                .border_style(if list_focused { t.focus_border() } else { t.dim() }),
        ),
        left,
        &mut state,
    );
    b.list_area = left;
    b.lines_area = right;

    let lines_focused = b.focus == Focus::Lines && !cx.covered;
    let block = |title: String| {
        Block::bordered().title(title).border_style(if lines_focused { t.focus_border() } else { t.dim() })
    };
    if let Some((_, Err(e))) = b.list.get(b.selected) {
        f.render_widget(
            Paragraph::new(vec![
                Line::styled("This basket file cannot be read; it is left untouched:", t.error()),
                Line::raw(e.clone()),
            ])
            .wrap(Wrap { trim: false })
            .block(block(" Basket ".into())),
            right,
        );
        return;
    }
    let Some(p) = &b.priced else {
        let hint = if empty { "No baskets yet: press n to create one." } else { "Select a basket." };
        f.render_widget(Paragraph::new(Line::styled(hint, t.dim())).block(block(" Basket ".into())), right);
        return;
    };
    let tt = &p.totals;
    let mut total_lines = vec![Line::raw(format!(
        "net {} {}   VAT {}   total {} {}",
        format_amount(tt.net),
        tt.currency,
        format_amount(tt.vat),
        format_amount(tt.gross),
        tt.currency
    ))];
    if !p.orderable && !p.lines.is_empty() {
        total_lines.push(Line::styled("fix the marked lines before checkout", t.warn()));
    }
    total_lines.push(Line::styled("shipping is added at checkout · c checkout", t.dim()));
    let totals_h = text::wrapped_height(&total_lines, right.width.saturating_sub(2)) + 2;
    let [table_area, totals] = Layout::vertical([Constraint::Min(3), Constraint::Length(totals_h)]).areas(right);
    let amount = |a: Option<rust_decimal::Decimal>| a.map(format_amount).unwrap_or_else(|| "–".into());
    let price =
        |l: &PricedBasketLine| l.unit_price.map(|p| format_price(p, l.base_quantity)).unwrap_or_else(|| "–".into());
    let len = |t: &str| t.chars().count();
    let titles = ["SKU", "Qty", "Unit", "Total", "Name"];
    let cols = [
        Col::keep(titles[0], p.lines.iter().map(|l| len(&l.sku))),
        Col::keep(titles[1], p.lines.iter().map(|l| len(&l.qty.to_string()))),
        Col::keep(titles[2], p.lines.iter().map(|l| len(&price(l)))),
        Col::keep(titles[3], p.lines.iter().map(|l| len(&amount(l.line_total)))),
        Col::flex(10),
    ];
    let widths = columns::fit(&cols, table_area.width.saturating_sub(4));
    let name_w = widths[4].unwrap_or(0) as usize;
    let rows: Vec<Row> = p
        .lines
        .iter()
        .map(|l| {
            let mut name = vec![Span::raw(l.name.clone())];
            if let Some(n) = &l.note {
                name.push(Span::styled(format!("  [{n}]"), t.key()));
            }
            let mut height = 1;
            let cells = vec![
                Cell::from(l.sku.clone()),
                Cell::from(Line::from(l.qty.to_string()).right_aligned()),
                Cell::from(Line::from(price(l)).right_aligned()),
                Cell::from(Line::from(amount(l.line_total)).right_aligned()),
            ];
            let mut name_lines = vec![text::ellipsize_line(Line::from(name), name_w)];
            for w in &l.warnings {
                // A warning is read in full: it wraps within the name column.
                let text = format!("! {w}");
                let chars: Vec<char> = text.chars().collect();
                for chunk in chars.chunks(name_w.max(1)) {
                    name_lines.push(Line::styled(chunk.iter().collect::<String>(), t.warn()));
                    height += 1;
                }
            }
            let mut cells = cells;
            cells.push(Cell::from(name_lines));
            Row::new(cells).height(height)
        })
        .collect();
    let mut state = TableState::default().with_selected(if p.lines.is_empty() { None } else { Some(b.line) });
    let title = format!(" {} — {} lines ", p.name, p.lines.len());
    if p.lines.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled("Empty: add parts from Search (a) or paste lines with i.", t.dim()))
                .wrap(Wrap { trim: false })
                .block(block(title)),
            table_area,
        );
    } else {
        f.render_stateful_widget(
            Table::new(rows, columns::constraints(&widths))
                .header(Row::new(titles.to_vec()).style(t.dim()))
                .row_highlight_style(t.selected())
                .highlight_symbol("▶ ")
                .block(block(title)),
            table_area,
            &mut state,
        );
    }
    f.render_widget(Paragraph::new(total_lines).wrap(Wrap { trim: false }).block(Block::bordered()), totals);
}
