//! The help overlay: every binding of the keymap, by where it works.

use crate::tui::component::{Cmd, Component, Cx, movement, step};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::centered;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Row, Table};

/// The keys, scrolled to `top`.
#[derive(Debug, Default)]
pub(crate) struct Help {
    pub(crate) top: usize,
    rows: usize,
    page: usize,
}

impl Component for Help {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Help, Scope::Lists], false)
    }

    fn action(&mut self, _cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if let Some((delta, to_end)) = movement(action) {
            let delta = if delta.abs() > 1 { delta.signum() * self.page.max(1) as isize } else { delta };
            self.top = step(self.top, self.rows.saturating_sub(self.page) + 1, delta, to_end);
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
        // Borders and the header row.
        self.page = area.height.saturating_sub(3) as usize;
        self.rows = all.len();
        self.top = self.top.min(self.rows.saturating_sub(self.page));
        let shown = format!(" {}–{} of {} ", self.top + 1, (self.top + self.page).min(self.rows), self.rows);
        let rows: Vec<Row> = all
            .into_iter()
            .skip(self.top)
            .map(|(scope, keys, name, help)| {
                Row::new(vec![
                    Span::styled(scope, t.dim()),
                    Span::styled(keys, t.key()),
                    Span::raw(help),
                    Span::styled(name, t.dim()),
                ])
            })
            .collect();
        let r = centered(area, 110, area.height);
        // The action name (for config.toml) goes first when narrow.
        let widths = if r.width >= 100 {
            vec![Constraint::Length(19), Constraint::Length(16), Constraint::Min(30), Constraint::Length(16)]
        } else {
            vec![Constraint::Length(19), Constraint::Length(14), Constraint::Min(20)]
        };
        let header =
            if r.width >= 100 { vec!["Where", "Keys", "Does", "[keys] name"] } else { vec!["Where", "Keys", "Does"] };
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
