//! Table columns that degrade: figures keep their whole width, codes (a
//! SKU, a type number) keep theirs while there is room and are cut visibly
//! (with …) when one would crowd out the rest, text columns shrink, and
//! columns that may go are dropped, least important first, before a figure
//! would be cut. Widths are display widths (as the terminal draws them: a
//! CJK character or an emoji takes two cells, a combining mark none).

/// One column: the width it needs, whether it shrinks, and when it goes
/// (0: never; higher goes first).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col {
    pub(crate) width: u16,
    /// Shrinks to what is left (never below `width` unless nothing else can go).
    pub(crate) flex: bool,
    pub(crate) drop: u8,
    /// A code that may be cut (visibly) to no less than this, when it would
    /// crowd out the others; `None`: a figure, never cut.
    pub(crate) cut_to: Option<u16>,
}

/// The narrowest a code column is cut to.
const CODE_MIN: u16 = 8;

impl Col {
    /// A figure, kept whole: as wide as its widest text.
    pub(crate) fn keep(title: &str, texts: impl IntoIterator<Item = usize>) -> Col {
        Col { width: widest(title, texts), flex: false, drop: 0, cut_to: None }
    }

    /// A code (SKU, type number): whole while there is room; when there is
    /// not, at most three eighths of the table, cut with … rather than crowd
    /// out the other columns.
    pub(crate) fn code(title: &str, texts: impl IntoIterator<Item = usize>) -> Col {
        let floor = (width(title) as u16).max(CODE_MIN);
        Col { width: widest(title, texts), flex: false, drop: 0, cut_to: Some(floor) }
    }

    /// Kept whole while there is room, dropped in `drop` order.
    pub(crate) fn optional(title: &str, texts: impl IntoIterator<Item = usize>, cap: u16, drop: u8) -> Col {
        Col { width: widest(title, texts).min(cap), flex: false, drop, cut_to: None }
    }

    /// Takes what is left, at least `min`.
    pub(crate) fn flex(min: u16) -> Col {
        Col { width: min, flex: true, drop: 0, cut_to: None }
    }
}

/// The cells a text takes on a terminal, grapheme by grapheme as the
/// screen buffer draws it.
pub(crate) fn width(text: &str) -> usize {
    super::text::cells(text)
}

fn widest(title: &str, texts: impl IntoIterator<Item = usize>) -> u16 {
    texts.into_iter().chain(std::iter::once(width(title))).max().unwrap_or(0).min(u16::MAX as usize) as u16
}

/// The width of each column inside `avail` cells (1 cell between columns),
/// `None` for a dropped one. When the columns do not fit, a code column
/// wider than three eighths of `avail` is cut to that share first (one long
/// SKU never takes the name column of every row), then optional columns go.
pub(crate) fn fit(cols: &[Col], avail: u16) -> Vec<Option<u16>> {
    let mut widths: Vec<u16> = cols.iter().map(|c| c.width).collect();
    let mut shown = vec![true; cols.len()];
    let need = |shown: &[bool], widths: &[u16]| -> u16 {
        let n = shown.iter().filter(|s| **s).count() as u16;
        widths.iter().zip(shown).filter(|(_, s)| **s).map(|(w, _)| *w).fold(0u16, |a, w| a.saturating_add(w))
            + n.saturating_sub(1)
    };
    if need(&shown, &widths) > avail {
        let share = (u32::from(avail) * 3 / 8) as u16;
        for (w, c) in widths.iter_mut().zip(cols) {
            if let Some(floor) = c.cut_to {
                *w = (*w).min(share.max(floor));
            }
        }
    }
    while need(&shown, &widths) > avail {
        let next = cols
            .iter()
            .enumerate()
            .filter(|(i, c)| shown[*i] && c.drop > 0)
            .max_by_key(|(_, c)| c.drop)
            .map(|(i, _)| i);
        match next {
            Some(i) => shown[i] = false,
            None => break,
        }
    }
    let total = need(&shown, &widths);
    let flex_sum: u16 =
        cols.iter().zip(&widths).zip(&shown).filter(|((c, _), s)| **s && c.flex).map(|((_, w), _)| *w).sum();
    let fixed = total - flex_sum;
    let flex = cols.iter().zip(&shown).filter(|(c, s)| **s && c.flex).count() as u16;
    let rest = avail.saturating_sub(fixed);
    let mut given = 0;
    let mut seen = 0;
    cols.iter()
        .zip(&shown)
        .zip(&widths)
        .map(|((c, s), w)| {
            if !*s {
                return None;
            }
            if !c.flex {
                return Some(*w);
            }
            seen += 1;
            // The last text column takes the remainder.
            let w = if seen == flex { rest.saturating_sub(given) } else { rest / flex };
            given += w;
            Some(w)
        })
        .collect()
}

/// A count in at most `room` cells: whole when it fits, else abbreviated
/// visibly and never up (1,234,567 → `1.2M`, 987,654,321 → `987M`): a
/// number is never cut.
pub(crate) fn count(n: u64, room: usize) -> String {
    let whole = n.to_string();
    if whole.len() <= room {
        return whole;
    }
    // The largest unit the count has at least one of: 1.2M rather than 1234k.
    for (unit, size) in [("T", 1_000_000_000_000u64), ("G", 1_000_000_000), ("M", 1_000_000), ("k", 1_000)] {
        let units = n / size;
        if units == 0 {
            continue;
        }
        // One decimal when it fits and says something (1.2M), else whole units (987M).
        let tenth = (n % size) * 10 / size;
        let with_tenth = format!("{units}.{tenth}{unit}");
        if units < 10 && with_tenth.len() <= room {
            return with_tenth;
        }
        let plain = format!("{units}{unit}");
        if plain.len() <= room {
            return plain;
        }
        break;
    }
    // Too narrow for any: the column must be dropped instead; say it is more.
    "…".into()
}

/// Only the cells of the columns that are shown.
pub(crate) fn shown<T>(cells: Vec<T>, widths: &[Option<u16>]) -> Vec<T> {
    cells.into_iter().zip(widths).filter(|(_, w)| w.is_some()).map(|(c, _)| c).collect()
}

/// The constraints of the shown columns.
pub(crate) fn constraints(widths: &[Option<u16>]) -> Vec<ratatui::layout::Constraint> {
    widths.iter().flatten().map(|w| ratatui::layout::Constraint::Length(*w)).collect()
}

/// A list screen's table in the widths `fit` gave: the titles of the shown
/// columns dimmed, the selected row marked, in a focused border.
pub(crate) fn list_table<'a>(
    t: &crate::tui::theme::Theme,
    title: impl Into<ratatui::text::Line<'a>>,
    titles: &[&'a str],
    widths: &[Option<u16>],
    rows: Vec<ratatui::widgets::Row<'a>>,
) -> ratatui::widgets::Table<'a> {
    use ratatui::widgets::{Block, Row, Table};
    Table::new(rows, constraints(widths))
        .header(Row::new(shown(titles.to_vec(), widths)).style(t.dim()))
        .row_highlight_style(t.selected())
        .highlight_symbol("▶ ")
        .block(Block::bordered().title(title).border_style(t.focus_border()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_stay_whole_and_optional_columns_go_first() {
        let cols = [
            Col::keep("SKU", [8]),
            Col::optional("Maker", [12], 14, 2),
            Col::flex(12),
            Col::keep("Price", [10]),
            Col::optional("Stock", [5], 6, 1),
        ];
        assert_eq!(fit(&cols, 100), vec![Some(8), Some(12), Some(61), Some(10), Some(5)]);
        // 8 + 12 + 12 + 10 + 5 + 4 gaps = 51: the maker goes first.
        assert_eq!(fit(&cols, 45), vec![Some(8), None, Some(19), Some(10), Some(5)]);
        assert_eq!(fit(&cols, 30), vec![Some(8), None, Some(10), Some(10), None]);
    }

    #[test]
    fn a_long_code_takes_three_eighths_at_most_when_the_columns_do_not_fit() {
        let cols = [Col::code("SKU", [49]), Col::code("Type number", [9]), Col::flex(16), Col::keep("Price", [10])];
        // 76 cells: the SKU is held to three eighths (28); the name keeps the rest.
        assert_eq!(fit(&cols, 76), vec![Some(28), Some(11), Some(24), Some(10)]);
        // Where everything fits, nothing is cut.
        assert_eq!(fit(&cols, 136), vec![Some(49), Some(11), Some(63), Some(10)]);
        // Never below its floor; the price stays whole.
        assert_eq!(fit(&cols, 20), vec![Some(8), Some(11), Some(0), Some(10)]);
    }

    #[test]
    fn display_width_counts_cells_not_characters() {
        assert_eq!(width("深沟球轴承"), 10);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("ab\u{200B}c"), 3);
    }

    #[test]
    fn counts_are_abbreviated_never_cut() {
        assert_eq!(count(999_999, 6), "999999");
        assert_eq!(count(1_234_567, 6), "1.2M");
        assert_eq!(count(987_654_321, 6), "987M");
        assert_eq!(count(4_294_967_295, 6), "4.2G");
        assert_eq!(count(1_999_999, 6), "1.9M", "never rounded up");
        assert_eq!(count(12_345_678, 4), "12M");
    }
}
