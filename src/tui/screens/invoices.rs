//! Invoices: the open items with their due dates and three-way match, from
//! the local history at once and then as the shop says; Enter shows one
//! with the lines the match holds, `d` disputes it with the supplier.

use crate::tui::component::{Cmd, Component, Cx, Level, Registration, Screen, ScreenId, inside, movement, run, step};
use crate::tui::dialogs::invoice_detail::{InvoiceDetail, dispute_prompt};
use crate::tui::engine::{Effect, Failure, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::columns::{self, Col};
use crossterm::event::{MouseButton, MouseEventKind};
use procure_client::api::InvoiceKind;
use procure_client::core::matching::MatchStatus;
use procure_client::core::statement::{self, Item};
use procure_client::core::text::format_amount;
use procure_client::service::invoices::InvoiceList;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, TableState};

pub const ID: ScreenId = ScreenId("invoices");

pub(crate) const REGISTRATION: Registration = Registration {
    id: ID,
    title: "Invoices",
    action: "screen_invoices",
    keys: &["f5"],
    help: "Invoices screen: open items, due dates, the three-way match; dispute",
    make: || Box::new(Invoices::default()),
};

#[derive(Debug, Default)]
pub struct Invoices {
    pub(crate) list: Option<Box<InvoiceList>>,
    pub(crate) selected: usize,
    pub(crate) area: Rect,
    /// Why the list could not be loaded.
    pub(crate) error: Option<String>,
}

impl Invoices {
    /// The open items as last loaded.
    pub fn list(&self) -> Option<&InvoiceList> {
        self.list.as_deref()
    }

    fn selected_number(&self) -> Option<String> {
        self.list.as_ref().and_then(|l| l.invoices.get(self.selected)).map(|i| i.row.number.clone())
    }
}

impl Component for Invoices {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Invoices, Scope::Lists], false)
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if let Some((delta, to_end)) = movement(action) {
            let len = self.list.as_ref().map_or(0, |l| l.invoices.len());
            self.selected = step(self.selected, len, delta, to_end);
            return Some(vec![]);
        }
        let number = self.selected_number();
        Some(match (action, number) {
            (Action::Open, Some(number)) => run(Effect::Invoice { supplier: cx.supplier.clone(), number }),
            (Action::Dispute, Some(number)) => vec![dispute_prompt(&number)],
            (Action::Open | Action::Dispute, None) => vec![],
            _ => return None,
        })
    }

    fn on_msg(&mut self, cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::Invoices(l) => {
                self.selected = self.selected.min(l.invoices.len().saturating_sub(1));
                self.list = Some(l);
                self.error = None;
            }
            Msg::Invoice(v) => out.push(Cmd::Open(Box::new(InvoiceDetail::new(v)))),
            Msg::Disputed(v) => {
                cx.say(Level::Ok, format!("{} disputed: the supplier is told", v.invoice.number));
                out.extend(run(Effect::Invoices { supplier: cx.supplier.clone() }));
            }
            other => return Some(other),
        }
        None
    }

    fn failed(&mut self, _cx: &mut Cx, what: Failure, message: &str) {
        if what == Failure::Invoices {
            self.error = Some(message.to_string());
        }
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        let t = &cx.theme;
        self.area = area;
        let title = " Invoices — open items · Enter detail · d dispute ";
        let Some(list) = self.list.as_deref() else {
            let text = match &self.error {
                Some(e) => Line::styled(format!("cannot be loaded: {e}"), t.warn()),
                None => Line::styled("Loading…", t.dim()),
            };
            f.render_widget(Paragraph::new(text).block(Block::bordered().title(title)), area);
            return;
        };
        let [body, foot] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
        let today = cx.today();
        let sums = statement::sums(
            list.invoices.iter().map(|i| Item {
                kind: i.row.kind,
                due_date: i.row.due_date,
                open: i.row.open,
                held: i.row.match_status == MatchStatus::Held,
            }),
            today,
        );
        let currency = list.invoices.first().map(|i| i.row.currency.clone()).unwrap_or_default();
        let mut summary = vec![
            Span::raw(format!(" open {} {currency}", format_amount(sums.open_total))),
            Span::styled(format!(" · overdue {}", format_amount(sums.overdue_total)), t.warn()),
            Span::styled(format!(" · held {}", format_amount(sums.held_total)), t.warn()),
        ];
        if let Some(n) = list.freshness.note() {
            summary.push(Span::styled(format!(" · {n}"), t.warn()));
        }
        if !list.refused.is_empty() {
            summary.push(Span::styled(format!(" · {} refused on arrival", list.refused.len()), t.error()));
        }
        f.render_widget(Paragraph::new(Line::from(summary)), foot);
        if list.invoices.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled("Nothing open.", t.dim())).block(Block::bordered().title(title)),
                body,
            );
            return;
        }
        let len = |t: &str| t.chars().count();
        let amount = |kind: InvoiceKind, d| {
            format!("{}{}", if kind == InvoiceKind::CreditNote { "-" } else { "" }, format_amount(d))
        };
        let state = |i: &procure_client::service::invoices::InvoiceItem| {
            if i.days_overdue > 0 {
                format!("{} d over", i.days_overdue)
            } else {
                i.row.status.as_str().replace('_', " ")
            }
        };
        let titles = ["Number", "Due", "Open", "Status", "Match", "Date", "Orders"];
        let items = &list.invoices;
        let cols = [
            Col::keep(titles[0], items.iter().map(|i| len(&i.row.number))),
            Col::keep(titles[1], [10]),
            Col::keep(titles[2], items.iter().map(|i| len(&amount(i.row.kind, i.row.open)))),
            Col::keep(titles[3], items.iter().map(|i| len(&state(i)))),
            Col::keep(titles[4], items.iter().map(|i| 8 + if i.row.disputed { 9 } else { 0 })),
            Col::optional(titles[5], [10], 10, 2),
            Col::optional(titles[6], items.iter().map(|i| len(&i.row.order_numbers.join(","))), 30, 1),
        ];
        let widths = columns::fit(&cols, body.width.saturating_sub(4));
        let rows: Vec<Row> = items
            .iter()
            .map(|i| {
                let r = &i.row;
                let mut m = match r.match_status {
                    MatchStatus::Held => Span::styled("HELD", t.error()),
                    MatchStatus::Credited => Span::styled("credited", t.ok()),
                    MatchStatus::Matched => Span::raw("matched"),
                };
                if r.disputed {
                    m = Span::styled(format!("{} disputed", m.content), m.style);
                }
                let overdue = if i.days_overdue > 0 { t.warn() } else { t.base() };
                let cells = vec![
                    Cell::from(r.number.clone()),
                    Cell::from(Span::styled(r.due_date.to_string(), overdue)),
                    Cell::from(Line::from(amount(r.kind, r.open)).right_aligned()),
                    Cell::from(Span::styled(state(i), overdue)),
                    Cell::from(m),
                    Cell::from(r.issue_date.to_string()),
                    Cell::from(r.order_numbers.join(",")),
                ];
                Row::new(columns::shown(cells, &widths))
            })
            .collect();
        let mut table_state = TableState::default().with_selected(Some(self.selected));
        f.render_stateful_widget(columns::list_table(t, title, &titles, &widths, rows), body, &mut table_state);
    }
}

impl Screen for Invoices {
    fn id(&self) -> ScreenId {
        ID
    }

    /// Only where the shop gives invoices.
    fn available(&self, cx: &Cx) -> bool {
        cx.caps.is_none_or(|c| c.invoices)
    }

    /// The local history at once (offline too), then the shop's answer.
    fn enter(&mut self, cx: &mut Cx) -> Vec<Cmd> {
        run(Effect::Invoices { supplier: cx.supplier.clone() })
    }

    fn mouse(&mut self, _cx: &mut Cx, kind: MouseEventKind, col: u16, row: u16) -> Vec<Cmd> {
        let a = self.area;
        if kind == MouseEventKind::Down(MouseButton::Left) && inside(a, col, row) && row >= a.y + 2 {
            let len = self.list.as_ref().map_or(0, |l| l.invoices.len());
            self.selected = ((row - a.y - 2) as usize).min(len.saturating_sub(1));
        }
        vec![]
    }
}
