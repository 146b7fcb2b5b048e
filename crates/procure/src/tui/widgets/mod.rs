//! Small widgets of the terminal app.

pub mod input;
