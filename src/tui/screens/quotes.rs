//! Quote requests: status, offered prices beside target prices, accept/decline.

use crate::tui::component::{Cmd, Component, Cx, Level, Registration, Screen, ScreenId, inside, movement, run, step};
use crate::tui::dialogs::quote_detail::{QuoteDetail, answer};
use crate::tui::engine::{Effect, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::columns::{self, Col};
use crossterm::event::{MouseButton, MouseEventKind};
use procure_client::api::QuoteStatus;
use procure_client::api::QuoteSummary;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, TableState};

pub const ID: ScreenId = ScreenId("quotes");

pub(crate) const REGISTRATION: Registration = Registration {
    id: ID,
    title: "Quotes",
    action: "screen_quotes",
    keys: &["f6"],
    help: "Quotes screen",
    make: || Box::new(Quotes::default()),
};

#[derive(Debug, Default)]
pub struct Quotes {
    pub(crate) list: Vec<QuoteSummary>,
    pub(crate) selected: usize,
    pub(crate) loaded: bool,
    pub(crate) area: Rect,
}

impl Quotes {
    /// The quote requests as last loaded.
    pub fn list(&self) -> &[QuoteSummary] {
        &self.list
    }
}

impl Component for Quotes {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Quotes, Scope::Lists], false)
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if let Some((delta, to_end)) = movement(action) {
            self.selected = step(self.selected, self.list.len(), delta, to_end);
            return Some(vec![]);
        }
        let number = self.list.get(self.selected).map(|q| q.number.clone());
        Some(match (action, number) {
            (Action::Open, Some(number)) => run(Effect::Quote { supplier: cx.supplier.clone(), number }),
            (Action::Accept | Action::Decline, Some(number)) => answer(action, number),
            (Action::Open | Action::Accept | Action::Decline, None) => vec![],
            _ => return None,
        })
    }

    fn on_msg(&mut self, cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::Quotes(list) => {
                self.list = list;
                self.loaded = true;
                self.selected = self.selected.min(self.list.len().saturating_sub(1));
            }
            Msg::Quote(q) => out.push(Cmd::Replace(Box::new(QuoteDetail::new(q)))),
            Msg::QuoteDone { message } => {
                cx.say(Level::Ok, message.clone());
                let supplier = cx.supplier.clone();
                out.extend([
                    Cmd::Run(Effect::Quotes { supplier: supplier.clone() }),
                    Cmd::Run(Effect::Baskets { supplier }),
                ]);
                // An accepted quote is a new order in the history.
                return Some(Msg::QuoteDone { message });
            }
            other => return Some(other),
        }
        None
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        draw(f, cx, self, area)
    }
}

impl Screen for Quotes {
    fn id(&self) -> ScreenId {
        ID
    }

    fn available(&self, cx: &Cx) -> bool {
        cx.quote_requests()
    }

    fn enter(&mut self, cx: &mut Cx) -> Vec<Cmd> {
        run(Effect::Quotes { supplier: cx.supplier.clone() })
    }

    fn mouse(&mut self, _cx: &mut Cx, kind: MouseEventKind, col: u16, row: u16) -> Vec<Cmd> {
        if kind == MouseEventKind::Down(MouseButton::Left) && inside(self.area, col, row) && row >= self.area.y + 2 {
            self.selected = ((row - self.area.y - 2) as usize).min(self.list.len().saturating_sub(1));
        }
        vec![]
    }

    fn switched(&mut self, _cx: &mut Cx) {
        *self = Quotes::default();
    }
}

fn draw(f: &mut Frame, cx: &Cx, q: &mut Quotes, area: Rect) {
    let t = &cx.theme;
    q.area = area;
    if q.list.is_empty() {
        let text = if q.loaded {
            "No quote requests yet: in Baskets, Q asks the supplier for a quote on a basket."
        } else {
            "Loading quotes…"
        };
        f.render_widget(
            Paragraph::new(Line::styled(text, t.dim()))
                .block(Block::bordered().title(format!(" Quotes{} ", cx.of_supplier()))),
            area,
        );
        return;
    }
    let len = columns::width;
    let titles = ["Quote", "Date", "Status", "Lines", "By", ""];
    let cols = [
        Col::keep(titles[0], q.list.iter().map(|s| len(&s.number))),
        Col::keep(titles[1], [10]),
        Col::keep(titles[2], q.list.iter().map(|s| len(s.status.as_str()))),
        Col::optional(titles[3], [5], 5, 1),
        Col::optional(titles[4], q.list.iter().map(|s| len(&s.requested_by)), 14, 2),
        Col::flex(22),
    ];
    let widths = columns::fit(&cols, area.width.saturating_sub(4));
    let rows: Vec<Row> = q
        .list
        .iter()
        .map(|s| {
            let status = match s.status {
                QuoteStatus::Offered => Span::styled(s.status.as_str(), t.ok()),
                QuoteStatus::Expired | QuoteStatus::Declined => Span::styled(s.status.as_str(), t.dim()),
                _ => Span::raw(s.status.as_str()),
            };
            let tail = match (&s.order_number, s.valid_until) {
                (Some(o), _) => format!("order {o}"),
                (None, Some(d)) => format!("valid until {d}"),
                _ => String::new(),
            };
            let cells = vec![
                Cell::from(s.number.clone()),
                Cell::from(s.created_at.date_naive().to_string()),
                Cell::from(status),
                Cell::from(Line::from(s.line_count.to_string()).right_aligned()),
                Cell::from(s.requested_by.clone()),
                Cell::from(tail),
            ];
            Row::new(columns::shown(cells, &widths))
        })
        .collect();
    let mut state = TableState::default().with_selected(Some(q.selected));
    let title = format!(" Quotes{} — Enter detail · a accept · x decline ", cx.of_supplier());
    f.render_stateful_widget(columns::list_table(t, title, &titles, &widths, rows), area, &mut state);
}
