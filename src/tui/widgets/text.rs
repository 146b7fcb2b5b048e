//! Text cut to fit: ellipsised lines, and the rows wrapped text takes.

use ratatui::text::{Line, Span};

/// Rows the lines take when wrapped at a width.
pub fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let w = width.max(1) as usize;
    lines.iter().map(|l| l.width().max(1).div_ceil(w) as u16).sum()
}

/// A text cut to a width, ending in `…` when it was longer.
pub fn ellipsize(text: &str, width: usize) -> String {
    if Span::raw(text).width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = Span::raw(c.to_string()).width();
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// A styled line cut to a width, ending in `…` when it was longer.
pub fn ellipsize_line(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let room = width.saturating_sub(used + 1);
        let w = span.width();
        if w <= room {
            used += w;
            spans.push(span);
            continue;
        }
        let cut = ellipsize(&span.content, room + 1);
        spans.push(Span::styled(cut.trim_end_matches('…').to_string(), span.style));
        break;
    }
    spans.push(Span::raw("…"));
    Line::from(spans)
}
