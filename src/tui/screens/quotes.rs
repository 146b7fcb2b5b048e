//! Quote requests: status, offered prices beside target prices, accept/decline.

use super::prompt::{Prompt, PromptKind};
use crate::tui::component::{Cmd, Component, Cx, Level, Registration, Screen, ScreenId, inside, movement, run, step};
use crate::tui::engine::{Effect, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::columns::{self, Col};
use crate::tui::widgets::scroll::{self, Scroll};
use crossterm::event::{MouseButton, MouseEventKind};
use procure_client::api::QuoteSummary;
use procure_client::api::{Quote, QuoteStatus};
use procure_client::core::text::format_amount;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

pub const ID: ScreenId = ScreenId("quotes");

pub const REGISTRATION: Registration = Registration {
    id: ID,
    title: "Quotes",
    action: "screen_quotes",
    keys: &["f6"],
    help: "Quotes screen",
    make: || Box::new(Quotes::default()),
};

#[derive(Debug, Default)]
pub struct Quotes {
    pub list: Vec<QuoteSummary>,
    pub selected: usize,
    pub loaded: bool,
    pub area: Rect,
}

/// Accept (asks the PO number) or decline (asks an optional reason).
fn answer(action: Action, number: String) -> Vec<Cmd> {
    let prompt = if action == Action::Accept {
        Prompt::new(PromptKind::AcceptQuote { number: number.clone() }, format!("Accept {number} — your PO number"), "")
    } else {
        Prompt::new(
            PromptKind::DeclineQuote { number: number.clone() },
            format!("Decline {number} — reason (optional)"),
            "",
        )
    };
    vec![Cmd::Open(Box::new(prompt))]
}

impl Component for Quotes {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Quotes, Scope::Lists], false)
    }

    fn action(&mut self, _cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if let Some((delta, to_end)) = movement(action) {
            self.selected = step(self.selected, self.list.len(), delta, to_end);
            return Some(vec![]);
        }
        let number = self.list.get(self.selected).map(|q| q.number.clone());
        Some(match (action, number) {
            (Action::Open, Some(number)) => run(Effect::Quote { number }),
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
            Msg::Quote(q) => out.push(Cmd::Replace(Box::new(QuoteDetail { quote: q, scroll: Scroll::default() }))),
            Msg::QuoteDone { message } => {
                cx.say(Level::Ok, message.clone());
                out.extend([Cmd::Run(Effect::Quotes), Cmd::Run(Effect::Baskets)]);
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

    fn enter(&mut self, _cx: &mut Cx) -> Vec<Cmd> {
        run(Effect::Quotes)
    }

    fn mouse(&mut self, _cx: &mut Cx, kind: MouseEventKind, col: u16, row: u16) -> Vec<Cmd> {
        if kind == MouseEventKind::Down(MouseButton::Left) && inside(self.area, col, row) && row >= self.area.y + 2 {
            self.selected = ((row - self.area.y - 2) as usize).min(self.list.len().saturating_sub(1));
        }
        vec![]
    }
}

/// One quote: offered beside target prices; accept or decline it.
#[derive(Debug)]
pub struct QuoteDetail {
    pub quote: Box<Quote>,
    pub scroll: Scroll,
}

impl Component for QuoteDetail {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Quotes, Scope::Lists], false)
    }

    fn action(&mut self, _cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if self.scroll.apply(action) {
            return Some(vec![]);
        }
        Some(match action {
            Action::Open => vec![],
            Action::Accept | Action::Decline => answer(action, self.quote.number.clone()),
            _ => return None,
        })
    }

    fn on_msg(&mut self, _cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        if matches!(msg, Msg::QuoteDone { .. }) {
            out.push(Cmd::Close);
        }
        Some(msg)
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        detail(f, cx, &self.quote, area, &mut self.scroll)
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
        f.render_widget(Paragraph::new(Line::styled(text, t.dim())).block(Block::bordered().title(" Quotes ")), area);
        return;
    }
    let len = |t: &str| t.chars().count();
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
            Row::new(super::shown(cells, &widths))
        })
        .collect();
    let mut state = TableState::default().with_selected(Some(q.selected));
    f.render_stateful_widget(
        Table::new(rows, super::constraints(&widths))
            .header(Row::new(super::shown(titles.to_vec(), &widths)).style(t.dim()))
            .row_highlight_style(t.selected())
            .highlight_symbol("▶ ")
            .block(
                Block::bordered()
                    .title(" Quotes — Enter detail · a accept · x decline ")
                    .border_style(t.focus_border()),
            ),
        area,
        &mut state,
    );
}

fn detail(f: &mut Frame, cx: &Cx, q: &Quote, area: Rect, scroll: &mut Scroll) {
    let t = &cx.theme;
    let mut lines = vec![Line::styled(format!("Quote {} — {}", q.number, q.status.as_str()), t.title())];
    lines.push(Line::raw(format!(
        "requested {} by {}{}",
        q.created_at.date_naive(),
        q.requested_by,
        q.requested_delivery_date.map(|d| format!(" · delivery wanted {d}")).unwrap_or_default()
    )));
    if let Some(d) = q.valid_until {
        let style = if q.status == QuoteStatus::Expired { t.warn() } else { t.ok() };
        lines.push(Line::styled(format!("offer valid until {d}"), style));
    }
    if let Some(o) = &q.order_number {
        lines.push(Line::styled(format!("became order {o}"), t.ok()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("{:<12} {:>7} {:>10} {:>10} {:>10}  {}", "SKU", "Qty", "List", "Target", "Offered", "Name"),
        t.dim(),
    ));
    let dash = || "–".to_string();
    let room = 110.min(area.width).saturating_sub(2 + 12 + 8 + 11 * 3 + 2) as usize;
    for l in &q.lines {
        let better = match (l.offered_unit_price, l.target_unit_price) {
            (Some(o), Some(tg)) if o <= tg => t.ok(),
            _ => t.base(),
        };
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{:<12} {:>7} {:>10} {:>10} ",
                l.sku,
                l.quantity,
                l.list_unit_price.map(format_amount).unwrap_or_else(dash),
                l.target_unit_price.map(format_amount).unwrap_or_else(dash)
            )),
            Span::styled(format!("{:>10}", l.offered_unit_price.map(format_amount).unwrap_or_else(dash)), better),
            Span::raw(format!("  {}", super::ellipsize(&l.name, room))),
        ]));
    }
    if let Some(tt) = &q.offer_totals {
        lines.push(Line::raw(format!(
            "offer: net {}  VAT {}  total {} {}",
            format_amount(tt.net),
            format_amount(tt.vat),
            format_amount(tt.gross),
            tt.currency
        )));
    }
    if !q.messages.is_empty() {
        lines.push(Line::raw(""));
        for m in &q.messages {
            lines.push(Line::from(vec![
                Span::styled(format!("{} {} ({}): ", m.at.format("%Y-%m-%d %H:%M"), m.author, m.side), t.dim()),
                Span::raw(m.text.clone()),
            ]));
        }
    }
    lines.push(Line::raw(""));
    let keys = if q.status == QuoteStatus::Offered { "a accept · x decline · Esc back" } else { "Esc back" };
    scroll::dialog(f, area, 110, Block::bordered(), lines, Line::styled(keys, t.dim()), scroll);
}
