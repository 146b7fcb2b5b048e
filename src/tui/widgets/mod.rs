//! Small widgets of the terminal app.

pub mod columns;
pub mod input;
pub mod scroll;
