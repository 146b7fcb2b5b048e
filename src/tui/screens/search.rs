//! The search screen: a query field and live results.

use crate::tui::component::{
    Cmd, Component, Cx, Focus, Level, Registration, Screen, ScreenId, inside, movement, run, step,
};
use crate::tui::dialogs::part_detail::Detail;
use crate::tui::dialogs::prompt::Prompt;
use crate::tui::dialogs::quick_entry::QuickEntry;
use crate::tui::engine::{Effect, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::columns::{self, Col};
use crate::tui::widgets::input::Input;
use crate::tui::widgets::text;
use crossterm::event::{KeyEvent, MouseButton, MouseEventKind};
use procure_client::core::text::format_price;
use procure_client::search::Highlights;
use procure_client::service::search::SearchRow;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};
use std::time::Duration;

/// Text with the matched characters emphasised.
pub(crate) fn marked(text: &str, hits: &[usize], base: Style, mark: Style) -> Line<'static> {
    if hits.is_empty() {
        return Line::styled(text.to_string(), base);
    }
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_hit = false;
    for (i, c) in text.chars().enumerate() {
        let hit = hits.contains(&i);
        if hit != run_hit && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), if run_hit { mark } else { base }));
        }
        run_hit = hit;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hit { mark } else { base }));
    }
    Line::from(spans)
}

pub const ID: ScreenId = ScreenId("search");

pub(crate) const REGISTRATION: Registration = Registration {
    id: ID,
    title: "Search",
    action: "screen_search",
    keys: &["f2"],
    help: "Search screen",
    make: || Box::new(Search::default()),
};

#[derive(Debug, Default)]
pub struct Search {
    pub(crate) input: Input,
    pub(crate) rows: Vec<SearchRow>,
    pub(crate) highlights: Vec<Highlights>,
    pub(crate) total: usize,
    pub(crate) selected: usize,
    pub(crate) seq: u64,
    pub(crate) shown_seq: u64,
    pub(crate) took: Option<Duration>,
    pub(crate) suggestions: Vec<String>,
    pub(crate) focus: Focus,
    /// An add was asked for before the part's detail was loaded.
    pub(crate) pending_add: bool,
    /// Where the results were drawn, and the rows above the first one.
    pub(crate) list_area: Rect,
    pub(crate) list_offset: u16,
}

impl Search {
    /// The rows of the newest search shown.
    pub fn rows(&self) -> &[SearchRow] {
        &self.rows
    }

    /// The number of the newest search asked for, and of the one shown.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    pub fn shown_seq(&self) -> u64 {
        self.shown_seq
    }

    fn run_search(&mut self, cx: &Cx) -> Vec<Cmd> {
        self.seq += 1;
        let query = self.input.text().to_string();
        if query.trim().is_empty() {
            self.rows.clear();
            self.highlights.clear();
            self.total = 0;
            self.shown_seq = self.seq;
            return vec![];
        }
        run(Effect::Search { supplier: cx.supplier.clone(), seq: self.seq, query, qty: None })
    }

    fn selected_sku(&self) -> Option<String> {
        self.rows.get(self.selected).map(|r| r.sku.clone())
    }
}

impl Component for Search {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        match self.focus {
            Focus::Input => (vec![Scope::SearchInput], true),
            _ => (vec![Scope::Results, Scope::Lists], false),
        }
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if let Some((delta, to_end)) = movement(action) {
            self.selected = step(self.selected, self.rows.len(), delta, to_end);
            return Some(vec![]);
        }
        Some(match action {
            Action::Open => match self.selected_sku() {
                Some(sku) => run(Effect::Detail { supplier: cx.supplier.clone(), sku }),
                None => vec![],
            },
            Action::Add => {
                // Typed fast, the part may be added before the baskets are
                // listed: its detail comes after the list, and the prompt
                // then knows.
                if cx.no_basket() {
                    return Some(vec![]);
                }
                match self.selected_sku() {
                    Some(sku) => {
                        // Load the detail first; the prompt opens when it arrives.
                        self.pending_add = true;
                        run(Effect::Detail { supplier: cx.supplier.clone(), sku })
                    }
                    None => vec![],
                }
            }
            Action::FocusNext => {
                self.focus = if self.focus == Focus::Input { Focus::List } else { Focus::Input };
                vec![]
            }
            Action::Back => match self.focus {
                Focus::Input if !self.input.text().is_empty() => {
                    self.input.clear();
                    self.run_search(cx)
                }
                // An empty field: Esc goes to the results.
                Focus::Input => {
                    self.focus = Focus::List;
                    vec![]
                }
                _ => {
                    self.focus = Focus::Input;
                    vec![]
                }
            },
            _ => return None,
        })
    }

    fn key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Cmd> {
        if self.focus == Focus::Input && self.input.handle(key) { self.run_search(cx) } else { vec![] }
    }

    fn paste(&mut self, cx: &mut Cx, text: &str) -> Vec<Cmd> {
        // tmux pastes with CR line ends.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if text.trim_end().contains('\n') {
            // Many lines pasted into search: that is a quick entry.
            match cx.current_basket() {
                Some(b) => vec![Cmd::Open(Box::new(QuickEntry::new(&b, &text)))],
                None => {
                    cx.say(Level::Warn, "create a basket first (Baskets, n)");
                    vec![]
                }
            }
        } else {
            self.focus = Focus::Input;
            self.input.insert_str(text.trim_end());
            self.run_search(cx)
        }
    }

    fn on_msg(&mut self, cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::Indexed { supplier, .. } if supplier == cx.supplier => {
                // Re-run the query against the fresh index, unless its
                // search is still to come (it runs on the fresh index then).
                if !self.input.text().trim().is_empty() && self.shown_seq == self.seq {
                    out.extend(self.run_search(cx));
                }
            }
            Msg::Searched { seq, rows, highlights, total, took, suggestions } => {
                // A superseded search never reaches the screen.
                if seq == self.seq {
                    self.suggestions = suggestions;
                    self.rows = rows;
                    self.highlights = highlights;
                    self.total = total;
                    self.shown_seq = seq;
                    self.took = Some(took);
                    self.selected = self.selected.min(self.rows.len().saturating_sub(1));
                }
            }
            Msg::Detail(d) => {
                if std::mem::take(&mut self.pending_add) {
                    if !cx.no_basket() {
                        out.push(Cmd::Open(Box::new(Prompt::add_qty(cx, &d))));
                    }
                } else {
                    out.push(Cmd::Replace(Box::new(Detail::new(d))));
                }
            }
            other => return Some(other),
        }
        None
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        draw(f, cx, self, area)
    }
}

impl Screen for Search {
    fn id(&self) -> ScreenId {
        ID
    }

    fn enter(&mut self, _cx: &mut Cx) -> Vec<Cmd> {
        self.focus = Focus::Input;
        vec![]
    }

    fn mouse(&mut self, _cx: &mut Cx, kind: MouseEventKind, col: u16, row: u16) -> Vec<Cmd> {
        let area = self.list_area;
        if kind == MouseEventKind::Down(MouseButton::Left) && inside(area, col, row) && row >= area.y + self.list_offset
        {
            self.focus = Focus::List;
            let idx = (row - area.y - self.list_offset) as usize;
            self.selected = idx.min(self.rows.len().saturating_sub(1));
        }
        vec![]
    }
}

fn draw(f: &mut Frame, cx: &Cx, s: &mut Search, area: Rect) {
    let t = &cx.theme;
    let [input, results] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
    let focused = s.focus == Focus::Input && !cx.covered;
    let counter = if s.input.text().trim().is_empty() {
        String::new()
    } else {
        let pending = if s.shown_seq != s.seq { " …" } else { "" };
        let shown = s.rows.len().min(s.total);
        let more = if s.total > shown { format!(" · {} more", s.total - shown) } else { String::new() };
        format!(" {shown}/{}{more}{pending} ", s.total)
    };
    let cursor = if focused { Span::styled("▏", t.key()) } else { Span::raw("") };
    f.render_widget(
        Paragraph::new(Line::from(vec![Span::styled("/ ", t.key()), Span::raw(s.input.text().to_string()), cursor]))
            .block(
                Block::bordered()
                    .title(" Type number, SKU, GTIN, maker or name ")
                    .title_bottom(Line::from(counter).right_aligned())
                    .border_style(if focused { t.focus_border() } else { t.dim() }),
            ),
        input,
    );
    if s.rows.is_empty() {
        let hint = if cx.indexed.is_none() {
            "Loading the catalog…".to_string()
        } else if s.input.text().trim().is_empty() {
            "Start typing a type number: 6205-2rs, m8x25, 3rt2015 … (separators don't matter)".to_string()
        } else if s.shown_seq == s.seq && !s.suggestions.is_empty() {
            format!("No part matches {:?}. Did you mean {}?", s.input.text(), s.suggestions.join(", "))
        } else if s.shown_seq == s.seq {
            format!("No part matches {:?}.", s.input.text())
        } else {
            "Searching…".to_string()
        };
        f.render_widget(
            Paragraph::new(Line::styled(hint, t.dim()))
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(Block::bordered()),
            results,
        );
        s.list_area = results;
        return;
    }
    let mark = t.matched();
    let price_of = |r: &SearchRow| {
        let price = r.unit_price.map(|p| format_price(p, r.base_quantity)).unwrap_or_else(|| "–".into());
        format!("{price} ×{}", r.quantity)
    };
    let len = |t: &str| t.chars().count();
    let titles = ["SKU", "Type number", "Maker", "Name", "Your price", "Stock", "Lead"];
    let cols = [
        Col::keep(titles[0], s.rows.iter().map(|r| len(&r.sku))),
        Col::keep(titles[1], s.rows.iter().map(|r| len(&r.mpn))),
        Col::optional(titles[2], s.rows.iter().map(|r| len(&r.manufacturer)), 14, 3),
        Col::flex(16),
        Col::keep(titles[4], s.rows.iter().map(|r| len(&price_of(r)))),
        Col::optional(titles[5], s.rows.iter().map(|r| len(&r.stock.to_string())), 6, 1),
        Col::optional(titles[6], s.rows.iter().map(|r| len(&format!("{}d", r.lead_time_days))), 5, 2),
    ];
    // Borders and the selection marker.
    let widths = columns::fit(&cols, results.width.saturating_sub(4));
    let name_w = widths[3].unwrap_or(0) as usize;
    let maker_w = widths[2].unwrap_or(0) as usize;
    let rows: Vec<Row> = s
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let h = s.highlights.get(i);
            let empty = vec![];
            let (hs, hm, hn) = h.map(|h| (&h.sku, &h.mpn, &h.name)).unwrap_or((&empty, &empty, &empty));
            let mut name = marked(&r.name, hn, Style::default(), mark);
            if r.discontinued {
                name.spans.insert(0, Span::styled("[discontinued] ", t.warn()));
            }
            if r.ordered_before {
                name.spans.insert(0, Span::styled("★ ", t.key()));
            }
            let stock = if r.stock > 0 { Span::raw(format!("{}", r.stock)) } else { Span::styled("0", t.warn()) };
            let cells = vec![
                Cell::from(marked(&r.sku, hs, Style::default(), mark)),
                Cell::from(marked(&r.mpn, hm, Style::default(), mark)),
                Cell::from(text::ellipsize(&r.manufacturer, maker_w)),
                Cell::from(text::ellipsize_line(name, name_w)),
                Cell::from(Line::from(price_of(r)).right_aligned()),
                Cell::from(Line::from(stock).right_aligned()),
                Cell::from(Line::from(format!("{}d", r.lead_time_days)).right_aligned()),
            ];
            Row::new(columns::shown(cells, &widths))
        })
        .collect();
    let mut state = TableState::default().with_selected(Some(s.selected));
    let list_focused = s.focus == Focus::List && !cx.covered;
    let legend = if s.rows.iter().any(|r| r.ordered_before) { " ★ ordered before " } else { "" };
    let table = Table::new(rows, columns::constraints(&widths))
        .header(Row::new(columns::shown(titles.to_vec(), &widths)).style(t.dim()))
        .row_highlight_style(t.selected())
        .highlight_symbol("▶ ")
        .block(
            Block::bordered()
                .title(" Results — Enter detail · a add (Tab to the list) ")
                .title_bottom(Line::styled(legend, t.dim()))
                .border_style(if list_focused { t.focus_border() } else { t.dim() }),
        );
    f.render_stateful_widget(table, results, &mut state);
    s.list_area = results;
    s.list_offset = 2;
}
