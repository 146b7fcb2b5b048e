//! The screens of the terminal app: the tabs, one module each (dialogs,
//! which open over a screen, are in `tui::dialogs`).
//!
//! A new screen is a module with a `Screen` and its `REGISTRATION`, plus one
//! line in `SCREENS`.

pub mod account;
pub mod approvals;
pub mod baskets;
pub mod invoices;
pub mod orders;
pub mod quotes;
pub mod search;

use super::component::{Cx, Registration, ScreenId};
use super::keymap::Key;

/// Every top-level screen, in tab order.
#[rustfmt::skip]
pub(crate) const SCREENS: &[Registration] = &[
    search::REGISTRATION,
    baskets::REGISTRATION,
    orders::REGISTRATION,
    invoices::REGISTRATION,
    quotes::REGISTRATION,
    approvals::REGISTRATION,
    account::REGISTRATION,
];

pub(crate) fn registration(id: ScreenId) -> Option<&'static Registration> {
    SCREENS.iter().find(|r| r.id == id)
}

/// The label of the key that shows a screen, as the keymap has it.
pub(crate) fn key_label(cx: &Cx, id: ScreenId) -> String {
    cx.keymap
        .bindings
        .iter()
        .find(|b| b.action == super::keymap::Action::Screen(id))
        .and_then(|b| b.keys.first())
        .map(Key::to_string)
        .unwrap_or_default()
}
