//! Quick entry: many `sku qty` lines typed or pasted into a basket at once.
//! Lines that could not be added stay, with the reason, to be fixed.

use super::choose_part::ChoosePart;
use crate::tui::component::{Cmd, Component, Cx, Level, run};
use crate::tui::engine::{BasketOp, Effect, Failure, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::centered;
use crate::tui::widgets::text;
use crossterm::event::{KeyCode, KeyEvent};
use procure_client::core::import::ImportProblem;
use procure_client::service::baskets::ImportReport;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

#[derive(Debug, Clone)]
pub struct QuickEntry {
    pub(crate) basket: String,
    pub(crate) text: String,
    pub(crate) problems: Vec<ImportProblem>,
    pub(crate) added: usize,
    pub(crate) busy: bool,
}

impl QuickEntry {
    pub(crate) fn new(basket: &str, text: &str) -> QuickEntry {
        QuickEntry { basket: basket.to_string(), text: text.to_string(), problems: vec![], added: 0, busy: false }
    }
}

impl QuickEntry {
    /// The lines typed or pasted (after a run: those not added).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Why the lines left were not added.
    pub fn problems(&self) -> &[ImportProblem] {
        &self.problems
    }

    /// The first line whose type number names several parts, if any.
    pub fn choosable(&self) -> Option<usize> {
        self.problems.iter().find(|p| !p.choices.is_empty()).map(|p| p.line)
    }
}

impl Component for QuickEntry {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        if self.choosable().is_some() {
            (vec![Scope::QuickChoice, Scope::QuickEntry], true)
        } else {
            (vec![Scope::QuickEntry], true)
        }
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        match action {
            // Typed as well as pasted: tab-separated lines.
            Action::FocusNext => {
                self.text.push('\t');
                Some(vec![])
            }
            Action::ChoosePart => {
                let Some(line) = self.choosable() else { return Some(vec![]) };
                let text = self.text.split('\n').nth(line - 1).unwrap_or_default().to_string();
                Some(run(Effect::LineChoices { supplier: cx.supplier.clone(), line, text }))
            }
            Action::Apply => {
                if self.busy || self.text.trim().is_empty() {
                    return Some(vec![]);
                }
                self.busy = true;
                let op = BasketOp::QuickEntry { basket: self.basket.clone(), text: self.text.clone() };
                Some(run(Effect::Basket { supplier: cx.supplier.clone(), op }))
            }
            _ => None,
        }
    }

    fn key(&mut self, _cx: &mut Cx, key: &KeyEvent) -> Vec<Cmd> {
        match key.code {
            KeyCode::Char(c) => self.text.push(c),
            KeyCode::Enter => self.text.push('\n'),
            KeyCode::Backspace => {
                self.text.pop();
            }
            _ => {}
        }
        vec![]
    }

    fn paste(&mut self, _cx: &mut Cx, text: &str) -> Vec<Cmd> {
        self.text.push_str(&text.replace("\r\n", "\n").replace('\r', "\n"));
        vec![]
    }

    fn on_msg(&mut self, cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::LineChoices { line, choices } => {
                if choices.parts.is_empty() {
                    cx.say(Level::Info, format!("line {line} names one part or none now: nothing to choose"));
                    self.problems.retain(|p| p.line != line || p.choices.is_empty());
                } else {
                    out.push(Cmd::Open(Box::new(ChoosePart::new(line, choices))));
                }
                return None;
            }
            Msg::PartChosen { line, text } => {
                let mut lines: Vec<&str> = self.text.split('\n').collect();
                if let Some(l) = lines.get_mut(line - 1) {
                    *l = &text;
                }
                self.text = lines.join("\n");
                self.problems.retain(|p| p.line != line);
                return None;
            }
            _ => {}
        }
        if let Msg::QuickEntryDone { report, .. } = &msg {
            self.busy = false;
            self.added += report.added.len();
            // Keep only the lines that failed, so they can be fixed and
            // retried, under the header if there was one (it says the columns).
            let kept: Vec<usize> = report.header.into_iter().chain(report.problems.iter().map(|p| p.line)).collect();
            self.text = self
                .text
                .lines()
                .enumerate()
                .filter(|(i, _)| kept.contains(&(i + 1)))
                .map(|(_, l)| l)
                .collect::<Vec<_>>()
                .join("\n");
            let renumbered = |old: usize| kept.iter().filter(|&&k| k <= old).count();
            self.problems =
                report.problems.iter().map(|p| ImportProblem { line: renumbered(p.line), ..p.clone() }).collect();
            if self.problems.is_empty() {
                out.push(Cmd::Close);
            }
        }
        // The baskets screen reports it and reloads.
        Some(msg)
    }

    fn unsaved(&self) -> Option<&'static str> {
        (!self.text.trim().is_empty()).then_some("the lines typed or pasted")
    }

    fn failed(&mut self, _cx: &mut Cx, _what: Failure, _message: &str) {
        self.busy = false;
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        draw(f, cx, self, area)
    }
}

/// What the baskets screen says when a quick entry is done: the lines
/// added with their quantities as typed (the first few), and how many not.
pub(crate) fn report(cx: &mut Cx, basket: &str, report: &ImportReport) {
    const NAMED: usize = 3;
    let (added, problems) = (report.added.len(), report.problems.len());
    let mut named: Vec<String> =
        report.added.iter().take(NAMED).map(|l| format!("{} × {}", l.quantity, l.sku)).collect();
    if added > NAMED {
        named.push("…".into());
    }
    let named = if named.is_empty() { String::new() } else { format!(" ({})", named.join(", ")) };
    cx.say(
        if problems == 0 { Level::Ok } else { Level::Warn },
        format!("{added} {} added to {basket}{named}, {problems} not added", if added == 1 { "line" } else { "lines" }),
    );
}

fn draw(f: &mut Frame, cx: &Cx, q: &QuickEntry, area: Rect) {
    let t = &cx.theme;
    let head = Line::styled("One part per line: SKU or type number, then the quantity (paste works).", t.dim());
    let mut text: Vec<Line> = Vec::new();
    for (i, l) in q.text.split('\n').enumerate() {
        let problem = q.problems.iter().find(|p| p.line == i + 1);
        let style = if problem.is_some() { t.warn() } else { t.base() };
        // A tab shows as one mark, so the columns a spreadsheet copied read as such.
        text.push(Line::styled(format!("{:>3} {}", i + 1, l.replace('\t', "⇥")), style));
    }
    if let Some(last) = text.last_mut() {
        last.spans.push(Span::styled("▏", t.key()));
    }
    let mut problems: Vec<Line> = Vec::new();
    if !q.problems.is_empty() {
        problems.push(Line::styled(format!("{} added; these lines were not:", q.added), t.warn()));
        let choose = cx
            .keymap
            .bindings
            .iter()
            .find(|b| b.action == Action::ChoosePart)
            .and_then(|b| b.keys.first())
            .map(|k| k.to_string());
        for p in &q.problems {
            let mut line = Line::styled(format!("  line {}: {}: {}", p.line, p.sku, p.reason), t.warn());
            if let (false, Some(key)) = (p.choices.is_empty(), &choose) {
                line.spans.push(Span::raw(" — "));
                line.spans.push(Span::styled(key.clone(), t.key()));
                line.spans.push(Span::raw(" to choose"));
            }
            problems.push(line);
        }
    }
    let foot = Line::styled(if q.busy { "adding…" } else { "^S add the lines · Esc close" }, t.dim());
    let width = 90.min(area.width);
    let inner_w = width.saturating_sub(2);
    let want = 1 + text.len() as u16 + text::wrapped_height(&problems, inner_w) + 2 + 2;
    let r = centered(area, width, want.clamp(12, area.height.max(1)).min(area.height));
    f.render_widget(Clear, r);
    let block = Block::bordered().title(format!(" Quick entry into {} ", q.basket));
    let inner = block.inner(r);
    f.render_widget(block, r);
    // The problems get at most a third; the typed lines follow the cursor.
    let fixed = 2u16.min(inner.height);
    let room = inner.height - fixed;
    let problems_h = text::wrapped_height(&problems, inner_w).min(room / 3 + 1).min(room);
    let text_h = room - problems_h;
    let [head_area, text_area, problems_area, foot_area] = Layout::vertical([
        Constraint::Length(1.min(fixed)),
        Constraint::Length(text_h),
        Constraint::Length(problems_h),
        Constraint::Length(fixed.saturating_sub(1)),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(head), head_area);
    let skip = text.len().saturating_sub(text_h as usize);
    let mut shown: Vec<Line> = text.into_iter().skip(skip).collect();
    if skip > 0
        && let Some(first) = shown.first_mut()
    {
        *first = Line::styled(format!("  … {} lines above", skip + 1), t.dim());
    }
    f.render_widget(Paragraph::new(shown), text_area);
    f.render_widget(Paragraph::new(problems).wrap(Wrap { trim: false }), problems_area);
    f.render_widget(Paragraph::new(foot), foot_area);
}
