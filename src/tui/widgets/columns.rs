//! Table columns that degrade: columns with figures and codes keep their
//! whole width, text columns shrink, and columns that may go are dropped,
//! least important first, before a figure would be cut.

/// One column: the width it needs, whether it shrinks, and when it goes
/// (0: never; higher goes first).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col {
    pub(crate) width: u16,
    /// Shrinks to what is left (never below `width` unless nothing else can go).
    pub(crate) flex: bool,
    pub(crate) drop: u8,
}

impl Col {
    /// Kept whole: as wide as its widest text.
    pub(crate) fn keep(title: &str, texts: impl IntoIterator<Item = usize>) -> Col {
        Col { width: widest(title, texts), flex: false, drop: 0 }
    }

    /// Kept whole while there is room, dropped in `drop` order.
    pub(crate) fn optional(title: &str, texts: impl IntoIterator<Item = usize>, cap: u16, drop: u8) -> Col {
        Col { width: widest(title, texts).min(cap), flex: false, drop }
    }

    /// Takes what is left, at least `min`.
    pub(crate) fn flex(min: u16) -> Col {
        Col { width: min, flex: true, drop: 0 }
    }
}

fn widest(title: &str, texts: impl IntoIterator<Item = usize>) -> u16 {
    texts.into_iter().chain(std::iter::once(title.chars().count())).max().unwrap_or(0) as u16
}

/// The width of each column inside `avail` cells (1 cell between columns),
/// `None` for a dropped one.
pub(crate) fn fit(cols: &[Col], avail: u16) -> Vec<Option<u16>> {
    let mut shown = vec![true; cols.len()];
    let need = |shown: &[bool]| -> u16 {
        let n = shown.iter().filter(|s| **s).count() as u16;
        cols.iter().zip(shown).filter(|(_, s)| **s).map(|(c, _)| c.width).sum::<u16>() + n.saturating_sub(1)
    };
    while need(&shown) > avail {
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
    let fixed: u16 =
        need(&shown) - cols.iter().zip(&shown).filter(|(c, s)| **s && c.flex).map(|(c, _)| c.width).sum::<u16>();
    let flex = cols.iter().zip(&shown).filter(|(c, s)| **s && c.flex).count() as u16;
    let rest = avail.saturating_sub(fixed);
    let mut given = 0;
    let mut seen = 0;
    cols.iter()
        .zip(&shown)
        .map(|(c, s)| {
            if !*s {
                return None;
            }
            if !c.flex {
                return Some(c.width);
            }
            seen += 1;
            // The last text column takes the remainder.
            let w = if seen == flex { rest.saturating_sub(given) } else { rest / flex };
            given += w;
            Some(w)
        })
        .collect()
}

/// Only the cells of the columns that are shown.
pub(crate) fn shown<T>(cells: Vec<T>, widths: &[Option<u16>]) -> Vec<T> {
    cells.into_iter().zip(widths).filter(|(_, w)| w.is_some()).map(|(c, _)| c).collect()
}

/// The constraints of the shown columns.
pub(crate) fn constraints(widths: &[Option<u16>]) -> Vec<ratatui::layout::Constraint> {
    widths.iter().flatten().map(|w| ratatui::layout::Constraint::Length(*w)).collect()
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
}
