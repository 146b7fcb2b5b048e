//! Text cut to fit: ellipsised lines, and the rows wrapped text takes.

use ratatui::text::{Line, Span};

/// Rows the lines take when wrapped at a width.
pub(crate) fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let w = width.max(1) as usize;
    lines.iter().map(|l| l.width().max(1).div_ceil(w) as u16).sum()
}

/// Rows a text takes when wrapped at word boundaries (as a `Paragraph` with
/// `Wrap` wraps it, near enough: a word wider than the row is cut). Never
/// fewer than [`wrapped_height`] gives.
pub(crate) fn word_wrapped_height(text: &str, width: u16) -> u16 {
    let w = width.max(1) as usize;
    let mut rows = 0;
    for line in text.split('\n') {
        let (mut lines, mut used) = (1, 0);
        for word in line.split(' ') {
            let len = Span::raw(word).width();
            if used == 0 {
                used = len;
            } else if used + 1 + len <= w {
                used += 1 + len;
            } else {
                lines += 1;
                used = len;
            }
            while used > w {
                lines += 1;
                used -= w;
            }
        }
        rows += lines;
    }
    rows
}

/// The cells a text takes as the screen buffer draws it: grapheme by
/// grapheme (a Lam-Alef pair is two cells here, as terminals draw it, where
/// a whole-string width would say one).
pub(crate) fn cells(text: &str) -> usize {
    Span::raw(text).styled_graphemes(ratatui::style::Style::default()).map(|g| Span::raw(g.symbol).width()).sum()
}

/// A text cut to a width, ending in `…` when it was longer. Cut between
/// graphemes, as the terminal draws them: a flag (two regional indicators),
/// an emoji with its modifier or a letter with its combining marks is kept
/// whole or left out whole, never split into a stray half.
pub(crate) fn ellipsize(text: &str, width: usize) -> String {
    if cells(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in Span::raw(text).styled_graphemes(ratatui::style::Style::default()) {
        let w = Span::raw(g.symbol).width();
        if used + w + 1 > width {
            break;
        }
        out.push_str(g.symbol);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// A styled line cut to a width, ending in `…` when it was longer (between
/// graphemes, as [`ellipsize`]).
pub(crate) fn ellipsize_line(line: Line<'static>, width: usize) -> Line<'static> {
    if line.spans.iter().map(|s| cells(&s.content)).sum::<usize>() <= width {
        return line;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let room = width.saturating_sub(used + 1);
        let w = cells(&span.content);
        if w <= room {
            used += w;
            spans.push(span);
            continue;
        }
        let cut = ellipsize(&span.content, room + 1);
        spans.push(Span::styled(cut.trim_end_matches('…').to_string(), span.style));
        break;
    }
    if width > 0 {
        spans.push(Span::raw("…"));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_whole() {
        // "aaa bbb" fits 7; at 5 "bbb" goes to the next row.
        assert_eq!(word_wrapped_height("aaa bbb", 7), 1);
        assert_eq!(word_wrapped_height("aaa bbb", 5), 2);
        assert_eq!(word_wrapped_height("aaaaaaaaaa", 4), 3, "a long word is cut");
        assert_eq!(word_wrapped_height("a\nb", 10), 2);
        // Characters alone would say 2 rows; words take 3.
        let text = "aaaaaaa bbbbbbb ccc";
        assert_eq!(wrapped_height(&[Line::raw(text)], 10), 2);
        assert_eq!(word_wrapped_height(text, 10), 3);
    }

    #[test]
    fn a_cut_never_splits_a_grapheme() {
        // A flag is two regional indicators: never one of them alone.
        assert_eq!(ellipsize("ab🇩🇪cd", 4), "ab…");
        assert_eq!(ellipsize("ab🇩🇪cd", 5), "ab🇩🇪…");
        assert_eq!(ellipsize("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(ellipsize("深沟球轴承", 6), "深沟…");
        assert_eq!(ellipsize("abc", 0), "");
        // Lam-Alef: one cell as a string's width, two as drawn.
        assert_eq!(cells("\u{644}\u{627}"), 2);
    }
}
