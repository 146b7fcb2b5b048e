//! Order history and order detail; reorder into a basket.

use super::prompt::{Prompt, PromptKind};
use crate::tui::component::{Cmd, Component, Cx, Level, Registration, Screen, ScreenId, inside, movement, run, step};
use crate::tui::engine::{Effect, Failure, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::columns::{self, Col};
use crate::tui::widgets::scroll::{self, Scroll};
use crossterm::event::{MouseButton, MouseEventKind};
use procure_client::api::OrderSummary;
use procure_client::api::{Order, OrderStatus};
use procure_client::core::events;
use procure_client::core::text::format_amount;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

pub const ID: ScreenId = ScreenId("orders");

pub const REGISTRATION: Registration = Registration {
    id: ID,
    title: "Orders",
    action: "screen_orders",
    keys: &["f4"],
    help: "Orders screen",
    make: || Box::new(Orders::default()),
};

/// A list of orders: the history here, the approval queue in approvals.rs.
#[derive(Debug, Default)]
pub struct OrderList {
    pub list: Vec<OrderSummary>,
    pub selected: usize,
    pub loaded: bool,
    pub area: Rect,
    /// Shown beside the title: e.g. that the list is the one last seen (offline).
    pub note: Option<String>,
}

impl OrderList {
    pub fn set(&mut self, list: Vec<OrderSummary>) {
        self.list = list;
        self.loaded = true;
        self.selected = self.selected.min(self.list.len().saturating_sub(1));
    }

    /// Moves the selection; false when the action is not a movement.
    pub fn movement(&mut self, action: Action) -> bool {
        match movement(action) {
            Some((delta, to_end)) => {
                self.selected = step(self.selected, self.list.len(), delta, to_end);
                true
            }
            None => false,
        }
    }

    pub fn selected_number(&self) -> Option<String> {
        self.list.get(self.selected).map(|o| o.number.clone())
    }

    pub fn click(&mut self, kind: MouseEventKind, col: u16, row: u16) {
        // Border and header above the first row.
        if kind == MouseEventKind::Down(MouseButton::Left) && inside(self.area, col, row) && row >= self.area.y + 2 {
            self.selected = ((row - self.area.y - 2) as usize).min(self.list.len().saturating_sub(1));
        }
    }
}

#[derive(Debug, Default)]
pub struct Orders {
    pub orders: OrderList,
}

/// The prompt that reorders an order into a new basket.
fn reorder_prompt(number: &str) -> Cmd {
    Cmd::Open(Box::new(Prompt::new(
        PromptKind::ReorderInto { number: number.to_string() },
        format!("Reorder {number} into basket"),
        &format!("reorder-{}", number.to_lowercase().replace(['#', ' '], "")),
    )))
}

impl Component for Orders {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Orders, Scope::Lists], false)
    }

    fn action(&mut self, _cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if self.orders.movement(action) {
            return Some(vec![]);
        }
        Some(match action {
            Action::Open => match self.orders.selected_number() {
                Some(number) => run(Effect::Order { number }),
                None => vec![],
            },
            Action::Reorder => self.orders.selected_number().map(|n| reorder_prompt(&n)).into_iter().collect(),
            _ => return None,
        })
    }

    fn on_msg(&mut self, _cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::Orders { list, cached_at } => {
                self.orders.set(list);
                self.orders.note =
                    cached_at.map(|at| format!("OFFLINE: as last seen {} ", at.format("%Y-%m-%d %H:%M UTC")));
            }
            Msg::Order(o) => out.push(Cmd::Open(Box::new(OrderDetail::new(o, false)))),
            // An order changed elsewhere: load the history again when shown
            // (and let the screen that asked report it).
            Msg::Decided(_) | Msg::QuoteDone { .. } => {
                self.orders.loaded = false;
                return Some(msg);
            }
            other => return Some(other),
        }
        None
    }

    fn failed(&mut self, _cx: &mut Cx, what: Failure, message: &str) {
        // Not "Loading…" for ever: say why there is nothing.
        if what == Failure::Orders {
            self.orders.loaded = true;
            self.orders.note = Some(format!("cannot load: {message} "));
        }
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        draw_list(f, cx, &mut self.orders, " Orders — Enter detail · r reorder into a basket ", area)
    }
}

impl Screen for Orders {
    fn id(&self) -> ScreenId {
        ID
    }

    fn enter(&mut self, _cx: &mut Cx) -> Vec<Cmd> {
        if self.orders.loaded { vec![] } else { run(Effect::Orders) }
    }

    fn mouse(&mut self, _cx: &mut Cx, kind: MouseEventKind, col: u16, row: u16) -> Vec<Cmd> {
        self.orders.click(kind, col, row);
        vec![]
    }
}

/// One order, over the history or the approval queue.
#[derive(Debug)]
pub struct OrderDetail {
    pub order: Box<Order>,
    /// Opened from the approval queue: approve or reject it.
    pub approval: bool,
    pub scroll: Scroll,
}

impl OrderDetail {
    pub fn new(order: Box<Order>, approval: bool) -> OrderDetail {
        OrderDetail { order, approval, scroll: Scroll::default() }
    }
}

impl Component for OrderDetail {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![if self.approval { Scope::Approvals } else { Scope::Orders }, Scope::Lists], false)
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if self.scroll.apply(action) {
            return Some(vec![]);
        }
        let number = self.order.number.clone();
        Some(match action {
            Action::Open => vec![],
            Action::Reorder if !self.approval => vec![reorder_prompt(&number)],
            Action::Approve | Action::Reject if self.approval => decide(cx, action, number),
            _ => return None,
        })
    }

    fn on_msg(&mut self, _cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        if matches!(msg, Msg::Decided(_)) {
            out.push(Cmd::Close);
        }
        Some(msg)
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        detail(f, cx, &self.order, self.approval, area, &mut self.scroll)
    }
}

/// Approve at once, or ask the reason for a rejection.
pub fn decide(cx: &mut Cx, action: Action, number: String) -> Vec<Cmd> {
    if action == Action::Approve {
        cx.say(Level::Info, format!("approving {number}…"));
        run(Effect::Decide { number, decision: procure_client::api::Decision::Approved, reason: None })
    } else {
        vec![Cmd::Open(Box::new(Prompt::new(
            PromptKind::RejectOrder { number: number.clone() },
            format!("Reject {number} — reason for the buyer"),
            "",
        )))]
    }
}

/// An order list: the history, or the approval queue.
pub fn draw_list(f: &mut Frame, cx: &Cx, o: &mut OrderList, title: &str, area: Rect) {
    let t = &cx.theme;
    o.area = area;
    let title = match &o.note {
        Some(n) => format!("{title}— {n}"),
        None => title.to_string(),
    };
    let title = title.as_str();
    if o.list.is_empty() {
        let text = if o.loaded { "Nothing here." } else { "Loading…" };
        f.render_widget(
            Paragraph::new(Line::styled(text, t.dim())).block(Block::bordered().title(title.to_string())),
            area,
        );
        return;
    }
    let net = |s: &OrderSummary| format!("{} {}", format_amount(s.totals.net), s.totals.currency);
    let len = |t: &str| t.chars().count();
    let titles = ["Order", "Date", "Status", "PO", "Lines", "Net", "By"];
    let cols = [
        Col::keep(titles[0], o.list.iter().map(|s| len(&s.number))),
        Col::keep(titles[1], [10]),
        Col::keep(titles[2], o.list.iter().map(|s| len(s.status.as_str()))),
        Col::flex(8),
        Col::optional(titles[4], [5], 5, 1),
        Col::keep(titles[5], o.list.iter().map(|s| len(&net(s)))),
        Col::optional(titles[6], o.list.iter().map(|s| len(&s.placed_by)), 16, 2),
    ];
    let widths = columns::fit(&cols, area.width.saturating_sub(4));
    let po_w = widths[3].unwrap_or(0) as usize;
    let rows: Vec<Row> = o
        .list
        .iter()
        .map(|s| {
            let status = match s.status {
                OrderStatus::PendingApproval => Span::styled(s.status.as_str(), t.warn()),
                OrderStatus::Cancelled | OrderStatus::Rejected => Span::styled(s.status.as_str(), t.error()),
                OrderStatus::AcceptedWithChanges | OrderStatus::PartlyShipped => {
                    Span::styled(s.status.as_str(), t.warn())
                }
                _ => Span::raw(s.status.as_str()),
            };
            let cells = vec![
                Cell::from(s.number.clone()),
                Cell::from(s.created_at.date_naive().to_string()),
                Cell::from(status),
                Cell::from(super::ellipsize(&s.po_number, po_w)),
                Cell::from(Line::from(s.line_count.to_string()).right_aligned()),
                Cell::from(Line::from(net(s)).right_aligned()),
                Cell::from(s.placed_by.clone()),
            ];
            Row::new(super::shown(cells, &widths))
        })
        .collect();
    let mut state = TableState::default().with_selected(Some(o.selected));
    f.render_stateful_widget(
        Table::new(rows, super::constraints(&widths))
            .header(Row::new(super::shown(titles.to_vec(), &widths)).style(t.dim()))
            .row_highlight_style(t.selected())
            .highlight_symbol("▶ ")
            .block(Block::bordered().title(title.to_string()).border_style(t.focus_border())),
        area,
        &mut state,
    );
}

fn detail(f: &mut Frame, cx: &Cx, o: &Order, approval: bool, area: Rect, scroll: &mut Scroll) {
    let t = &cx.theme;
    let mut lines = vec![
        Line::styled(format!("Order {} — {}", o.number, o.status.as_str()), t.title()),
        Line::raw(format!("PO {} · placed {} by {}", o.po_number, o.created_at.date_naive(), o.placed_by)),
        Line::raw(format!(
            "Ship to {}: {}, {}, {} {}, {}",
            o.ship_to.label, o.ship_to.name, o.ship_to.street, o.ship_to.postal_code, o.ship_to.city, o.ship_to.country
        )),
        Line::raw(format!(
            "Requested delivery {}{} · {} · {}",
            o.requested_delivery_date.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            if o.ship_complete { ", complete" } else { ", partial allowed" },
            o.shipping_method.name,
            o.payment_terms
        )),
    ];
    if let Some(c) = &o.comment {
        lines.push(Line::raw(format!("Comment: {c}")));
    }
    if let Some(a) = &o.approval {
        let verb = if a.decision == procure_client::api::Decision::Approved { "Approved" } else { "Rejected" };
        lines.push(Line::styled(
            format!(
                "{verb} by {} on {}{}",
                a.decided_by,
                a.decided_at.date_naive(),
                a.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
            ),
            if a.decision == procure_client::api::Decision::Approved { t.ok() } else { t.warn() },
        ));
    }
    lines.push(Line::raw(""));
    let sku_w = o.lines.iter().map(|l| l.sku.chars().count()).max().unwrap_or(3);
    let room = 110.min(area.width).saturating_sub(2) as usize;
    for (i, l) in o.lines.iter().enumerate() {
        // A line the supplier changed (Peppol order response) is marked and highlighted.
        let changed = events::line_changed(&o.events, i + 1);
        let figures = format!(
            "{:<sku_w$} {:>6} × {:>9} = {:>10}  {}",
            l.sku,
            l.quantity,
            format_amount(l.unit_price),
            format_amount(l.line_total),
            if changed { "CHANGED " } else { "" }
        );
        let text = format!("{}{}", l.name, l.note.as_ref().map(|n| format!("  [{n}]")).unwrap_or_default());
        let name = super::ellipsize(&text, room.saturating_sub(figures.chars().count()));
        let row = format!("{figures}{name}");
        lines.push(if changed { Line::styled(row, t.warn()) } else { Line::raw(row) });
    }
    // The supplier's answers: order responses and despatch advices.
    for e in &o.events {
        lines.push(Line::styled(super::ellipsize(&events::describe_event(e), room), t.title()));
        for c in &e.changes {
            lines.push(Line::raw(super::ellipsize(&format!("  {}", events::describe_change(c)), room)));
        }
    }
    let tt = &o.totals;
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!(
        "net {}  shipping {}  VAT {}  total {} {}",
        format_amount(tt.net),
        format_amount(tt.shipping),
        format_amount(tt.vat),
        format_amount(tt.gross),
        tt.currency
    )));
    let keys = if approval { "y approve · n reject · Esc back" } else { "r reorder into a basket · Esc back" };
    scroll::dialog(f, area, 110, Block::bordered(), lines, Line::styled(keys, t.dim()), scroll);
}
