//! Checkout: order header, the shop's preview with price changes, confirm.

use crate::tui::component::{Cmd, Component, Cx, Level, movement, step};
use crate::tui::engine::{Effect, Failure, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::centered;
use crate::tui::widgets::input::Input;
use crate::tui::widgets::text;
use crossterm::event::KeyEvent;
use procure_client::core::order::{CheckoutOptions, PriceChange};
use procure_client::core::text::{format_amount, format_price, format_totals};
use procure_client::service::ordering::{Checkout, Submitted};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Po,
    Date,
    ShipTo,
    Complete,
    Shipping,
    Comment,
}

impl Field {
    pub(crate) const ALL: [Field; 6] =
        [Field::Po, Field::Date, Field::ShipTo, Field::Complete, Field::Shipping, Field::Comment];
}

/// Whether the shop can carry a checkout field.
pub(crate) fn supports(cx: &Cx, field: Field) -> bool {
    match (field, cx.caps) {
        (Field::Date, Some(c)) => c.requested_delivery_date,
        (Field::Complete, Some(c)) => c.ship_complete,
        _ => true,
    }
}

#[derive(Debug, Clone)]
pub struct CheckoutForm {
    pub(crate) basket: String,
    pub(crate) field: usize,
    pub(crate) po: Input,
    pub(crate) date: Input,
    pub(crate) ship_to: usize,
    pub(crate) complete: bool,
    pub(crate) shipping: usize,
    pub(crate) comment: Input,
    pub(crate) preview: Option<Checkout>,
    pub(crate) busy: bool,
    pub(crate) error: Option<String>,
    pub(crate) placed: Option<Submitted>,
    pub(crate) queued: Option<String>,
    /// The buyer was told the PO number is on another order; the next ^S places one more.
    pub(crate) allow_duplicate_po: bool,
    /// The first order line shown, and how many fit.
    pub(crate) scroll: usize,
    pub(crate) page: usize,
}

impl CheckoutForm {
    /// The shop's preview of the order, once asked for.
    pub fn preview(&self) -> Option<&Checkout> {
        self.preview.as_ref()
    }

    /// The order placed.
    pub fn placed(&self) -> Option<&Submitted> {
        self.placed.as_ref()
    }

    /// What went wrong last, in words.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Waiting for the shop's answer.
    pub fn busy(&self) -> bool {
        self.busy
    }

    /// The buyer was told the PO number is on another order: ^S places one more.
    pub fn allows_duplicate_po(&self) -> bool {
        self.allow_duplicate_po
    }

    pub(crate) fn new(basket: &str) -> CheckoutForm {
        CheckoutForm {
            basket: basket.to_string(),
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
            allow_duplicate_po: false,
            scroll: 0,
            page: 0,
        }
    }

    pub(crate) fn options(&self, cx: &Cx) -> Result<CheckoutOptions, String> {
        let f = self;
        // A day, or a time from today as the command line takes it (+30d).
        let date = match f.date.text().trim() {
            "" => None,
            t => Some(procure_client::core::order::parse_delivery_date(t)?.resolve(cx.today())),
        };
        let company = cx.me.as_ref().map(|m| &m.company);
        let opts = CheckoutOptions {
            po_number: f.po.text().trim().to_string(),
            ship_to: company.and_then(|c| c.ship_to.get(f.ship_to)).map(|a| a.id.clone()),
            requested_delivery_date: date.filter(|_| supports(cx, Field::Date)),
            ship_complete: f.complete && supports(cx, Field::Complete),
            shipping_method: company.and_then(|c| c.shipping_methods.get(f.shipping)).map(|m| m.id.clone()),
            comment: Some(f.comment.text().to_string()).filter(|c| !c.trim().is_empty()),
            allow_duplicate_po: f.allow_duplicate_po,
        };
        procure_client::core::order::validate_options(&opts, cx.today())?;
        Ok(opts)
    }

    fn apply(&mut self, cx: &mut Cx) -> Vec<Cmd> {
        if self.busy || self.placed.is_some() {
            return if self.placed.is_some() { vec![Cmd::Close] } else { vec![] };
        }
        let opts = match self.options(cx) {
            Ok(o) => o,
            Err(e) => {
                self.error = Some(e);
                return vec![];
            }
        };
        let effect = match &self.preview {
            None => Effect::Preview { supplier: cx.supplier.clone(), basket: self.basket.clone(), opts },
            Some(c) => Effect::Submit {
                supplier: cx.supplier.clone(),
                basket: self.basket.clone(),
                opts,
                accepted: c.price_changes.clone(),
            },
        };
        self.busy = true;
        self.error = None;
        vec![Cmd::Run(effect)]
    }

    fn choose(&mut self, cx: &Cx, d: isize) {
        let f = self;
        let (n_ship, n_meth) =
            cx.me.as_ref().map(|m| (m.company.ship_to.len(), m.company.shipping_methods.len())).unwrap_or((0, 0));
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
}

/// An order was placed (from the form or by a retry of a waiting one).
pub(crate) fn placed(cx: &mut Cx, s: &Submitted) -> Vec<Cmd> {
    cx.pending_submission = None;
    if s.resumed {
        cx.say(
            Level::Ok,
            format!("order {} placed: it was waiting for the shop (PO {})", s.order.number, s.order.po_number),
        );
    } else {
        cx.say(Level::Ok, format!("order {} placed", s.order.number));
    }
    let supplier = cx.supplier.clone();
    vec![Cmd::Run(Effect::Baskets { supplier: supplier.clone() }), Cmd::Run(Effect::Orders { supplier })]
}

/// Sends a waiting submission again: on a tick every few seconds, or at
/// once when the shop is back.
pub(crate) fn retry_pending(cx: &mut Cx, accepted: Vec<PriceChange>, now: bool) -> Vec<Effect> {
    let Some((opts, basket, since)) = &cx.pending_submission else {
        return vec![];
    };
    if !now && since.elapsed() < Duration::from_secs(5) {
        return vec![];
    }
    let effect = Effect::Submit { supplier: cx.supplier.clone(), basket: basket.clone(), opts: opts.clone(), accepted };
    cx.pending_submission = cx.pending_submission.take().map(|(o, b, _)| (o, b, Instant::now()));
    vec![effect]
}

impl Component for CheckoutForm {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        let text = matches!(Field::ALL[self.field], Field::Po | Field::Date | Field::Comment);
        if self.preview.is_some() && self.placed.is_none() {
            (vec![Scope::CheckoutPreviewed, Scope::Checkout], text)
        } else {
            (vec![Scope::Checkout], text)
        }
    }

    fn unsaved(&self) -> Option<&'static str> {
        let typed = [&self.po, &self.date, &self.comment].iter().any(|i| !i.text().trim().is_empty());
        // An order that waits for the shop is written with its basket: closing loses nothing.
        (self.placed.is_none() && self.queued.is_none() && (typed || self.preview.is_some()))
            .then_some("the checkout form")
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if matches!(action, Action::PageUp | Action::PageDown) {
            // Drawing keeps it within the lines.
            let page = self.page.max(1);
            self.scroll = if action == Action::PageUp { self.scroll.saturating_sub(page) } else { self.scroll + page };
            return Some(vec![]);
        }
        if let Some((delta, to_end)) = movement(action) {
            self.field = step(self.field, Field::ALL.len(), delta, to_end);
            return Some(vec![]);
        }
        Some(match action {
            Action::FocusNext => {
                self.field = step(self.field, Field::ALL.len(), 1, None);
                vec![]
            }
            Action::Left | Action::Right => {
                self.choose(cx, if action == Action::Right { 1 } else { -1 });
                vec![]
            }
            Action::Toggle => {
                if Field::ALL[self.field] == Field::Complete {
                    self.complete = !self.complete;
                    self.preview = None;
                }
                vec![]
            }
            Action::Apply => self.apply(cx),
            _ => return None,
        })
    }

    fn key(&mut self, _cx: &mut Cx, key: &KeyEvent) -> Vec<Cmd> {
        match Field::ALL[self.field] {
            Field::Po => self.po.handle(key),
            Field::Date => self.date.handle(key),
            Field::Comment => self.comment.handle(key),
            _ => false,
        };
        self.preview = None;
        self.allow_duplicate_po = false;
        vec![]
    }

    fn on_msg(&mut self, cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::Previewed(c) | Msg::PricesChanged(c) => {
                self.busy = false;
                self.queued = None;
                if let Some(e) = &c.refusal {
                    // Asked before anything is placed: ^S places another order with this PO number.
                    self.allow_duplicate_po = true;
                    self.error = Some(format!(
                        "{} — ^S places another order with this PO number; change the PO number otherwise",
                        e.message
                    ));
                }
                self.preview = Some(*c);
            }
            Msg::Submitted(s) => {
                out.extend(placed(cx, &s));
                self.busy = false;
                self.queued = None;
                self.placed = Some(*s);
            }
            Msg::SubmitQueued { basket, reason } => {
                self.busy = false;
                self.queued = Some(reason);
                // The submission is written with the basket; a retry sends it as it was.
                cx.pending_submission = Some((self.options(cx).unwrap_or_default(), basket, Instant::now()));
                cx.say(Level::Warn, "shop unreachable: the order waits and is sent when the shop answers");
            }
            Msg::DuplicatePo { message } => {
                // The buyer decides: ^S again places another order with this PO number.
                self.busy = false;
                self.allow_duplicate_po = true;
                self.error = Some(format!(
                    "{message} — ^S places another order with this PO number; change the PO number otherwise"
                ));
            }
            other => return Some(other),
        }
        None
    }

    fn failed(&mut self, _cx: &mut Cx, what: Failure, message: &str) {
        if matches!(what, Failure::Preview | Failure::Submit) {
            self.busy = false;
            self.error = Some(message.to_string());
        }
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        draw(f, cx, self, area)
    }
}

fn draw(f: &mut Frame, cx: &Cx, c: &mut CheckoutForm, area: Rect) {
    let t = &cx.theme;
    let company = cx.me.as_ref().map(|m| &m.company);
    let field = Field::ALL[c.field];
    let narrow = area.width < 100;
    let label_w = if narrow { 12 } else { 20 };
    let row = |label: &str, value: String, this: Field| {
        let selected = this == field;
        let marker = if selected { "▶ " } else { "  " };
        let style = if selected { t.selected() } else { t.base() };
        Line::from(vec![
            Span::raw(marker),
            Span::styled(format!("{label:<label_w$}"), t.dim()),
            Span::styled(value, style),
        ])
    };
    let ship_to = company
        .and_then(|co| co.ship_to.get(c.ship_to))
        .map(|a| format!("◀ {} — {}, {}, {} {} ▶", a.label, a.name, a.street, a.postal_code, a.city))
        .unwrap_or_else(|| "(the company's default)".into());
    let shipping = company
        .and_then(|co| co.shipping_methods.get(c.shipping))
        .map(|m| format!("◀ {} ({}) ▶", m.name, format_amount(m.price)))
        .unwrap_or_else(|| "(default)".into());
    let cursor = |s: &str, this: Field| {
        if this == field { format!("{s}▏") } else { s.to_string() }
    };
    let date_hint = if narrow { "  (YYYY-MM-DD or empty)" } else { "  (YYYY-MM-DD, empty: as soon as possible)" };
    let head = vec![
        row("PO number", cursor(c.po.text(), Field::Po), Field::Po),
        if supports(cx, Field::Date) {
            row("Deliver on", cursor(c.date.text(), Field::Date) + date_hint, Field::Date)
        } else {
            row("Deliver on", "not supported by this shop".into(), Field::Date)
        },
        row("Ship to", ship_to, Field::ShipTo),
        row(
            "Delivery",
            // Both states name the same thing, so the box reads one way.
            if !supports(cx, Field::Complete) {
                "partial deliveries (this shop cannot promise complete-only)"
            } else if c.complete {
                "[x] ship complete only — Space: allow partial deliveries"
            } else {
                "[ ] ship complete only — partial deliveries allowed (Space)"
            }
            .into(),
            Field::Complete,
        ),
        row("Shipping", shipping, Field::Shipping),
        row("Comment", cursor(c.comment.text(), Field::Comment), Field::Comment),
        Line::from(vec![
            Span::raw("  "),
            Span::styled(format!("{:<label_w$}", "Payment"), t.dim()),
            Span::raw(company.map(|co| co.payment_terms.clone()).unwrap_or_default()),
        ]),
    ];
    // The order lines scroll; totals and what the next key does stay.
    let mut body: Vec<Line> = Vec::new();
    let mut foot: Vec<Line> = Vec::new();
    let width = 110.min(area.width);
    if let Some(p) = &c.placed {
        foot.push(Line::styled(
            format!(
                "Order {} {} — {} {} gross{}",
                p.order.number,
                if p.replayed { "was already placed" } else { "placed" },
                format_amount(p.order.totals.gross),
                p.order.totals.currency,
                if p.order.status == procure_client::api::OrderStatus::PendingApproval {
                    " — waiting for approval (above your order limit)"
                } else {
                    ""
                }
            ),
            t.ok(),
        ));
        foot.push(Line::styled("The basket stays as a reorder template. Enter or Esc closes.", t.dim()));
    } else if let Some(pv) = &c.preview {
        let changes = &pv.price_changes;
        let sku_w = pv.preview.lines.iter().map(|l| l.sku.chars().count()).max().unwrap_or(3).max(3);
        for l in &pv.preview.lines {
            let change = changes.iter().find(|ch| ch.sku == l.sku);
            let style = if change.is_some() { t.warn() } else { t.base() };
            let was = change
                .map(|ch| format!("  (was {})", ch.seen.map(format_amount).unwrap_or_else(|| "–".into())))
                .unwrap_or_default();
            let figures = format!(
                "  {:<sku_w$} {:>6} × {:>9} = {:>10}{was}",
                l.sku,
                l.quantity,
                format_price(l.unit_price, l.base_quantity),
                format_amount(l.line_total),
            );
            let room = (width as usize).saturating_sub(2 + Span::raw(figures.as_str()).width() + 2);
            body.push(Line::styled(format!("{figures}  {}", text::ellipsize(&l.name, room)), style));
        }
        let tt = &pv.preview.totals;
        foot.push(Line::raw(format!("  {}", format_totals(tt))));
        foot.push(Line::styled(format!("  earliest delivery {}", pv.preview.earliest_delivery), t.dim()));
        if let Some(cr) = &pv.preview.credit {
            let text = match (cr.available, cr.limit) {
                (Some(a), Some(l)) => format!(
                    "  credit available {} {} (limit {}, open balance {})",
                    format_amount(a),
                    cr.currency,
                    format_amount(l),
                    format_amount(cr.open_balance)
                ),
                _ => format!("  no credit limit (open balance {} {})", format_amount(cr.open_balance), cr.currency),
            };
            foot.push(Line::styled(text, if pv.credit_shortfall.is_some() { t.error() } else { t.dim() }));
            if let Some(short) = pv.credit_shortfall {
                foot.push(Line::styled(
                    format!("  this order exceeds your available credit by {} {}", format_amount(short), cr.currency),
                    t.error(),
                ));
            }
        }
        if pv.preview.needs_approval {
            foot.push(Line::styled("  above your order limit: an approver must sign off", t.warn()));
        }
        if !changes.is_empty() {
            foot.push(Line::styled(
                format!("  {} price(s) changed since the basket was priced (marked) — ^S accepts them", changes.len()),
                t.warn(),
            ));
        }
        foot.push(Line::styled("^S place the order · editing a field previews again", t.key()));
    } else {
        foot.push(Line::styled("^S preview on the shop (prices, delivery date, checks)", t.key()));
    }
    if c.busy {
        foot.push(Line::styled("talking to the shop…", t.dim()));
    }
    if let Some(q) = &c.queued {
        foot.push(Line::styled(format!("waiting for the shop, retrying: {q}"), t.warn()));
    }
    if let Some(e) = &c.error {
        foot.push(Line::styled(e.clone(), t.error()));
    }
    foot.push(Line::styled("↑/↓ field · ←/→ choose · PgUp/PgDn lines · Esc cancel", t.dim()));

    let inner = width.saturating_sub(2);
    let head_h = text::wrapped_height(&head, inner);
    let foot_h = text::wrapped_height(&foot, inner);
    let want = head_h + 1 + body.len() as u16 + foot_h + 2;
    let r = centered(area, width, want.min(area.height));
    f.render_widget(Clear, r);
    let block = Block::bordered().title(format!(" Checkout — basket {} ", c.basket));
    let inside = block.inner(r);
    f.render_widget(block, r);
    // Fields first; the lines get what is left above the footer.
    let head_h = head_h.min(inside.height.saturating_sub(foot_h.min(inside.height)));
    let foot_h = foot_h.min(inside.height - head_h);
    let body_h = inside.height - head_h - foot_h;
    let [head_area, body_area, foot_area] =
        Layout::vertical([Constraint::Length(head_h), Constraint::Length(body_h), Constraint::Length(foot_h)])
            .areas(inside);
    f.render_widget(Paragraph::new(head).wrap(Wrap { trim: false }), head_area);
    // One blank row between the fields and the lines when there is room.
    let rows = body_h.saturating_sub(1) as usize;
    c.page = rows;
    let max = body.len().saturating_sub(rows);
    c.scroll = c.scroll.min(max);
    if rows > 0 && !body.is_empty() {
        let more = if max > 0 {
            format!("  lines {}–{} of {} (PgUp/PgDn)", c.scroll + 1, (c.scroll + rows).min(body.len()), body.len())
        } else {
            String::new()
        };
        let shown: Vec<Line> =
            std::iter::once(Line::styled(more, t.dim())).chain(body.into_iter().skip(c.scroll).take(rows)).collect();
        f.render_widget(Paragraph::new(shown), body_area);
    }
    f.render_widget(Paragraph::new(foot).wrap(Wrap { trim: false }), foot_area);
}
