//! Order history and order detail; reorder into a basket, receive goods.
//! Orders with late lines are marked, and a key shows only the late lines
//! (the expediting list of `order late`).

use crate::tui::component::{Cmd, Component, Cx, Registration, Screen, ScreenId, inside, movement, run, step};
use crate::tui::dialogs::order_detail::{OrderDetail, reorder_prompt};
use crate::tui::engine::{Effect, Failure, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::columns::{self, Col};
use crate::tui::widgets::text;
use crossterm::event::{MouseButton, MouseEventKind};
use procure_client::api::OrderStatus;
use procure_client::api::OrderSummary;
use procure_client::core::expediting::LateLine;
use procure_client::core::text::format_amount;
use procure_client::service::expediting::Late;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, TableState};

pub const ID: ScreenId = ScreenId("orders");

pub(crate) const REGISTRATION: Registration = Registration {
    id: ID,
    title: "Orders",
    action: "screen_orders",
    keys: &["f4"],
    help: "Orders screen",
    make: || Box::new(Orders::default()),
};

/// A list of orders: the history here, the approval queue in approvals.rs.
#[derive(Debug, Default)]
pub(crate) struct OrderList {
    pub(crate) list: Vec<OrderSummary>,
    pub(crate) selected: usize,
    pub(crate) loaded: bool,
    pub(crate) area: Rect,
    /// Shown beside the title: e.g. that the list is the one last seen (offline).
    pub(crate) note: Option<String>,
    /// Orders with late lines, marked in the list.
    pub(crate) late: std::collections::BTreeSet<String>,
}

impl OrderList {
    pub(crate) fn set(&mut self, list: Vec<OrderSummary>) {
        self.list = list;
        self.loaded = true;
        self.selected = self.selected.min(self.list.len().saturating_sub(1));
    }

    /// Moves the selection; false when the action is not a movement.
    pub(crate) fn movement(&mut self, action: Action) -> bool {
        match movement(action) {
            Some((delta, to_end)) => {
                self.selected = step(self.selected, self.list.len(), delta, to_end);
                true
            }
            None => false,
        }
    }

    pub(crate) fn selected_number(&self) -> Option<String> {
        self.list.get(self.selected).map(|o| o.number.clone())
    }

    pub(crate) fn click(&mut self, kind: MouseEventKind, col: u16, row: u16) {
        // Border and header above the first row.
        if kind == MouseEventKind::Down(MouseButton::Left) && inside(self.area, col, row) && row >= self.area.y + 2 {
            self.selected = ((row - self.area.y - 2) as usize).min(self.list.len().saturating_sub(1));
        }
    }
}

#[derive(Debug, Default)]
pub struct Orders {
    pub(crate) orders: OrderList,
    /// The late lines, as last loaded (the local history, refreshed).
    pub(crate) late: Option<Box<Late>>,
    /// Only the late lines are shown.
    pub(crate) only_late: bool,
    pub(crate) late_selected: usize,
    pub(crate) late_area: Rect,
}

impl Orders {
    /// The order history as last loaded.
    pub fn list(&self) -> &[OrderSummary] {
        &self.orders.list
    }

    /// The late lines as last loaded.
    pub fn late_lines(&self) -> &[LateLine] {
        self.late.as_ref().map(|l| l.lines.as_slice()).unwrap_or_default()
    }

    /// Whether only the late lines are shown.
    pub fn only_late(&self) -> bool {
        self.only_late
    }
}

impl Component for Orders {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Orders, Scope::Lists], false)
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if action == Action::LateOnly {
            self.only_late = !self.only_late;
            return Some(if self.late.is_none() {
                run(Effect::Late { supplier: cx.supplier.clone() })
            } else {
                vec![]
            });
        }
        if self.only_late {
            if let Some((delta, to_end)) = movement(action) {
                self.late_selected = step(self.late_selected, self.late_lines().len(), delta, to_end);
                return Some(vec![]);
            }
        } else if self.orders.movement(action) {
            return Some(vec![]);
        }
        let selected = if self.only_late {
            self.late_lines().get(self.late_selected).map(|l| l.order.clone())
        } else {
            self.orders.selected_number()
        };
        Some(match action {
            Action::Open | Action::Receive => match selected {
                Some(number) => run(Effect::Order { supplier: cx.supplier.clone(), number }),
                None => vec![],
            },
            Action::Reorder => selected.map(|n| reorder_prompt(&n)).into_iter().collect(),
            _ => return None,
        })
    }

    fn on_msg(&mut self, cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            // A list asked for before the app switched suppliers is not this one's.
            Msg::Orders(history) if history.supplier != cx.supplier => {}
            Msg::Orders(history) => {
                self.orders.set(history.orders);
                self.orders.note =
                    history.cached_at.map(|at| format!("OFFLINE: as last seen {} ", at.format("%Y-%m-%d %H:%M UTC")));
            }
            Msg::Order(o) => out.push(Cmd::Open(Box::new(OrderDetail::new(o, false)))),
            Msg::Late(l) => {
                self.orders.late = l.lines.iter().map(|l| l.order.clone()).collect();
                self.late_selected = self.late_selected.min(l.lines.len().saturating_sub(1));
                self.late = Some(l);
            }
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
        if self.only_late {
            draw_late(f, cx, self, area);
        } else {
            let late = self.orders.late.len();
            let title = if late > 0 {
                format!(
                    " Orders{} — {late} with late lines · L late only · Enter detail · r reorder ",
                    cx.of_supplier()
                )
            } else {
                format!(" Orders{} — Enter detail · r reorder into a basket · L late lines ", cx.of_supplier())
            };
            draw_list(f, cx, &mut self.orders, &title, area)
        }
    }
}

impl Screen for Orders {
    fn id(&self) -> ScreenId {
        ID
    }

    fn enter(&mut self, cx: &mut Cx) -> Vec<Cmd> {
        let mut cmds = vec![];
        if !self.orders.loaded {
            cmds.extend(run(Effect::Orders { supplier: cx.supplier.clone() }));
        }
        // The late lines every time: promises pass with the days.
        cmds.extend(run(Effect::Late { supplier: cx.supplier.clone() }));
        cmds
    }

    fn mouse(&mut self, _cx: &mut Cx, kind: MouseEventKind, col: u16, row: u16) -> Vec<Cmd> {
        if self.only_late {
            let a = self.late_area;
            if kind == MouseEventKind::Down(MouseButton::Left) && inside(a, col, row) && row >= a.y + 2 {
                self.late_selected = ((row - a.y - 2) as usize).min(self.late_lines().len().saturating_sub(1));
            }
        } else {
            self.orders.click(kind, col, row);
        }
        vec![]
    }

    fn switched(&mut self, _cx: &mut Cx) {
        self.orders = OrderList::default();
    }
}

/// An order list: the history, or the approval queue.
pub(crate) fn draw_list(f: &mut Frame, cx: &Cx, o: &mut OrderList, title: &str, area: Rect) {
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
    let len = columns::width;
    let titles = ["Order", "Date", "Status", "PO", "Lines", "Net", "By"];
    let cols = [
        Col::keep(titles[0], o.list.iter().map(|s| len(&s.number))),
        Col::keep(titles[1], [10]),
        Col::keep(
            titles[2],
            o.list.iter().map(|s| len(s.status.as_str()) + if o.late.contains(&s.number) { 5 } else { 0 }),
        ),
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
                _ if o.late.contains(&s.number) => Span::styled(format!("{} LATE", s.status.as_str()), t.warn()),
                OrderStatus::PendingApproval => Span::styled(s.status.as_str().to_string(), t.warn()),
                OrderStatus::Cancelled | OrderStatus::Rejected => {
                    Span::styled(s.status.as_str().to_string(), t.error())
                }
                OrderStatus::AcceptedWithChanges | OrderStatus::PartlyShipped => {
                    Span::styled(s.status.as_str().to_string(), t.warn())
                }
                _ => Span::raw(s.status.as_str().to_string()),
            };
            let cells = vec![
                Cell::from(s.number.clone()),
                Cell::from(s.created_at.date_naive().to_string()),
                Cell::from(status),
                Cell::from(text::ellipsize(&s.po_number, po_w)),
                Cell::from(Line::from(s.line_count.to_string()).right_aligned()),
                Cell::from(Line::from(net(s)).right_aligned()),
                Cell::from(s.placed_by.clone()),
            ];
            Row::new(columns::shown(cells, &widths))
        })
        .collect();
    let mut state = TableState::default().with_selected(Some(o.selected));
    f.render_stateful_widget(columns::list_table(t, title.to_string(), &titles, &widths, rows), area, &mut state);
}

/// The expediting list: the late lines, most urgent first.
fn draw_late(f: &mut Frame, cx: &Cx, o: &mut Orders, area: Rect) {
    let t = &cx.theme;
    o.late_area = area;
    let note = o.late.as_ref().and_then(|l| l.freshness.note()).map(|n| format!("— {n} ")).unwrap_or_default();
    let title = format!(" Late lines — L every order · Enter order {note}");
    let lines = o.late_lines();
    if lines.is_empty() {
        let text = if o.late.is_some() { "Nothing is late." } else { "Loading…" };
        f.render_widget(Paragraph::new(Line::styled(text, t.dim())).block(Block::bordered().title(title)), area);
        return;
    }
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    let len = |t: &str| t.chars().count();
    let titles = ["Order", "#", "SKU", "Requested", "Promised", "Days", "Why", "PO"];
    let cols = [
        Col::keep(titles[0], lines.iter().map(|l| len(&l.order))),
        Col::keep(titles[1], lines.iter().map(|l| len(&l.line.to_string()))),
        Col::keep(titles[2], lines.iter().map(|l| len(&l.sku))),
        Col::optional(titles[3], [10], 10, 2),
        Col::keep(titles[4], [10]),
        Col::keep(titles[5], lines.iter().map(|l| len(&l.days_late.to_string()))),
        Col::flex(12),
        Col::optional(titles[7], lines.iter().map(|l| len(&l.po_number)), 16, 1),
    ];
    let widths = columns::fit(&cols, area.width.saturating_sub(4));
    let why_w = widths[6].unwrap_or(0) as usize;
    let rows: Vec<Row> = lines
        .iter()
        .map(|l| {
            let cells = vec![
                Cell::from(l.order.clone()),
                Cell::from(Line::from(l.line.to_string()).right_aligned()),
                Cell::from(l.sku.clone()),
                Cell::from(day(l.requested)),
                Cell::from(day(l.promised)),
                Cell::from(Line::from(l.days_late.to_string()).right_aligned()),
                Cell::from(Span::styled(text::ellipsize(&l.reason.as_str().replace('_', " "), why_w), t.warn())),
                Cell::from(l.po_number.clone()),
            ];
            Row::new(columns::shown(cells, &widths))
        })
        .collect();
    let mut state = TableState::default().with_selected(Some(o.late_selected));
    f.render_stateful_widget(columns::list_table(t, title, &titles, &widths, rows), area, &mut state);
}
