//! Text longer than its box: scrolled, with the keys line kept below it.

use crate::tui::keymap::Action;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scroll {
    pub(crate) top: u16,
    /// Rows shown and rows in all, as last drawn.
    pub(crate) page: u16,
    pub(crate) total: u16,
}

impl Scroll {
    /// Scrolls for a movement action; false when it is not one.
    pub(crate) fn apply(&mut self, action: Action) -> bool {
        let max = self.total.saturating_sub(self.page);
        let page = self.page.max(1);
        self.top = match action {
            Action::Up => self.top.saturating_sub(1),
            Action::Down => self.top + 1,
            Action::PageUp => self.top.saturating_sub(page),
            Action::PageDown => self.top + page,
            Action::Top => 0,
            Action::Bottom => max,
            _ => return false,
        }
        .min(max);
        true
    }
}

/// Rows the lines take when wrapped at a width (a close estimate of
/// ratatui's word wrap).
pub(crate) fn rows(lines: &[Line], width: u16) -> u16 {
    let w = width.max(1) as usize;
    lines.iter().map(|l| l.width().max(1).div_ceil(w) as u16).sum()
}

/// Draws `lines` in a centred box at most `width` wide, scrolled by `s`;
/// `keys` stays on the last row, with "more" marks when there is more.
pub(crate) fn dialog(
    f: &mut Frame,
    area: Rect,
    width: u16,
    block: Block,
    lines: Vec<Line>,
    keys: Line,
    s: &mut Scroll,
) {
    let width = width.min(area.width);
    let total = rows(&lines, width.saturating_sub(2));
    let height = (total + 1 + 2).min(area.height);
    let r = super::centered(area, width, height);
    f.render_widget(Clear, r);
    fill(f, r, block, lines, keys, s);
}

/// Like `dialog`, filling the whole area (a screen's body).
pub(crate) fn fill(f: &mut Frame, r: Rect, block: Block, lines: Vec<Line>, keys: Line, s: &mut Scroll) {
    let total = rows(&lines, r.width.saturating_sub(2));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let [body, foot] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    s.page = body.height;
    s.total = total;
    s.top = s.top.min(total.saturating_sub(body.height));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((s.top, 0)), body);
    let more = match (s.top > 0, s.top + body.height < total) {
        (true, true) => "  ↑↓ more",
        (false, true) => "  ↓ more",
        (true, false) => "  ↑ more",
        (false, false) => "",
    };
    let mut keys = keys;
    keys.spans.push(ratatui::text::Span::styled(more, Style::default().add_modifier(Modifier::DIM)));
    f.render_widget(Paragraph::new(keys), foot);
}
