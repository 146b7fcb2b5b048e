//! The help overlay: every binding of the keymap, by where it works.

use crate::tui::component::{Cmd, Component, Cx, movement, step};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::centered;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Cell, Clear, Row, Table};

/// The keys, scrolled to `top`.
#[derive(Debug, Default)]
pub(crate) struct Help {
    pub(crate) top: usize,
    rows: usize,
    page: usize,
    /// The last row that can be on top (the rest fills the page).
    last_top: usize,
}

impl Component for Help {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Help, Scope::Lists], false)
    }

    fn action(&mut self, _cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if let Some((delta, to_end)) = movement(action) {
            let delta = if delta.abs() > 1 { delta.signum() * self.page.max(1) as isize } else { delta };
            self.top = step(self.top, self.last_top + 1, delta, to_end);
            return Some(vec![]);
        }
        Some(match action {
            Action::Back => vec![Cmd::Close],
            // Other keys do nothing while the help is open.
            _ => vec![],
        })
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        let t = &cx.theme;
        let all = cx.keymap.help_rows();
        let r = centered(area, 110, area.height);
        // The action name (for config.toml) goes first when narrow. What a
        // key does is wrapped onto more rows when it is long, never cut.
        let wide = r.width >= 100;
        let (widths, does) = if wide {
            let does = r.width.saturating_sub(2 + 19 + 16 + 16 + 3).max(10);
            (
                vec![Constraint::Length(19), Constraint::Length(16), Constraint::Length(does), Constraint::Length(16)],
                does,
            )
        } else {
            let does = r.width.saturating_sub(2 + 19 + 14 + 2).max(10);
            (vec![Constraint::Length(19), Constraint::Length(14), Constraint::Length(does)], does)
        };
        let wrapped: Vec<Vec<String>> = all.iter().map(|(_, _, _, help)| wrap(help, does as usize)).collect();
        // Borders and the header row.
        let avail = area.height.saturating_sub(3) as usize;
        let mut last_top = wrapped.len();
        let mut used = 0;
        while last_top > 0 && used + wrapped[last_top - 1].len() <= avail {
            used += wrapped[last_top - 1].len();
            last_top -= 1;
        }
        self.last_top = last_top;
        self.rows = all.len();
        self.top = self.top.min(last_top);
        let mut used = 0;
        self.page = wrapped[self.top..]
            .iter()
            .take_while(|w| {
                used += w.len();
                used <= avail
            })
            .count()
            .max(1);
        let shown = format!(" {}–{} of {} ", self.top + 1, (self.top + self.page).min(self.rows), self.rows);
        let rows: Vec<Row> = all
            .into_iter()
            .zip(wrapped)
            .skip(self.top)
            .map(|((scope, keys, name, _), help)| {
                let height = help.len() as u16;
                Row::new(vec![
                    Cell::from(Span::styled(scope, t.dim())),
                    Cell::from(Span::styled(keys, t.key())),
                    Cell::from(Text::from(help.into_iter().map(Line::raw).collect::<Vec<_>>())),
                    Cell::from(Span::styled(name, t.dim())),
                ])
                .height(height)
            })
            .collect();
        let header = if wide { vec!["Where", "Keys", "Does", "[keys] name"] } else { vec!["Where", "Keys", "Does"] };
        f.render_widget(Clear, r);
        f.render_widget(
            Table::new(rows, widths)
                .header(Row::new(header).style(Style::default().add_modifier(Modifier::BOLD)))
                .block(
                    Block::bordered()
                        .title(" Help — Esc/q close · ↑↓ PgUp PgDn scroll · keys: config.toml [keys] ")
                        .title_bottom(Line::from(shown).right_aligned()),
                ),
            r,
        );
    }
}

/// `text` in lines of at most `width` cells, broken between words (a word
/// longer than a line is broken where the line ends).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let line = lines.last_mut().map(|l| (Span::raw(l.as_str()).width(), l));
            let Some((used, line)) = line else { break };
            let w = Span::raw(word.as_str()).width();
            let gap = usize::from(used > 0);
            if used + gap + w <= width {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if used > 0 {
                lines.push(String::new());
                continue;
            }
            // A word longer than the line: what fits, then the rest.
            let cut: String = word
                .chars()
                .scan(0, |n, c| {
                    *n += Span::raw(c.to_string()).width();
                    (*n <= width).then_some(c)
                })
                .collect();
            let cut = if cut.is_empty() { word.chars().take(1).collect() } else { cut };
            line.push_str(&cut);
            word = word[cut.len()..].to_string();
            if word.is_empty() {
                break;
            }
            lines.push(String::new());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn long_help_wraps_between_words_and_keeps_every_character() {
        let text = "Account screen: company, limits, credit, addresses and the supplier's contact";
        let lines = wrap(text, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
