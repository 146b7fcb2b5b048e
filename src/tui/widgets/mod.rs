//! Small widgets of the terminal app.

pub(crate) mod columns;
pub(crate) mod input;
pub(crate) mod scroll;
pub(crate) mod text;

use ratatui::layout::Rect;

/// A box of at most `width` × `height` in the middle of `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
