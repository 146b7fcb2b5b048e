//! The approval queue: orders of the company above a buyer's limit, for an
//! approver to approve or reject.

use super::orders::{self, OrderList};
use crate::tui::component::{Cmd, Component, Cx, Level, Registration, Screen, ScreenId, run};
use crate::tui::dialogs::order_detail::{self, OrderDetail};
use crate::tui::engine::{Effect, Msg};
use crate::tui::keymap::{Action, Scope};
use crossterm::event::MouseEventKind;
use ratatui::Frame;
use ratatui::layout::Rect;

pub const ID: ScreenId = ScreenId("approvals");

pub(crate) const REGISTRATION: Registration = Registration {
    id: ID,
    title: "Approvals",
    action: "screen_approvals",
    keys: &["f7"],
    help: "Approvals screen (approvers)",
    make: || Box::new(Approvals::default()),
};

#[derive(Debug, Default)]
pub struct Approvals {
    pub(crate) queue: OrderList,
}

impl Approvals {
    /// The orders waiting for approval, as last loaded.
    pub fn list(&self) -> &[procure_client::api::OrderSummary] {
        &self.queue.list
    }
}

impl Component for Approvals {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Approvals, Scope::Lists], false)
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if self.queue.movement(action) {
            return Some(vec![]);
        }
        Some(match action {
            Action::Open => match self.queue.selected_number() {
                Some(number) => run(Effect::Order { supplier: cx.supplier.clone(), number }),
                None => vec![],
            },
            Action::Approve | Action::Reject => match self.queue.selected_number() {
                Some(number) => order_detail::decide(cx, action, number),
                None => vec![],
            },
            _ => return None,
        })
    }

    fn on_msg(&mut self, cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::Approvals(list) => self.queue.set(list),
            Msg::Order(o) => out.push(Cmd::Open(Box::new(OrderDetail::new(o, true)))),
            Msg::Decided(o) => {
                let text = match &o.approval {
                    Some(a) => format!(
                        "order {} {}",
                        o.number,
                        if a.decision == procure_client::api::Decision::Approved { "approved" } else { "rejected" }
                    ),
                    None => format!("order {} is {}", o.number, o.status.as_str()),
                };
                cx.say(Level::Ok, text);
                out.extend(run(Effect::Approvals { supplier: cx.supplier.clone() }));
                // The history shows the order's new state too.
                return Some(Msg::Decided(o));
            }
            other => return Some(other),
        }
        None
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        orders::draw_list(
            f,
            cx,
            &mut self.queue,
            " Waiting for your approval — Enter detail · y approve · n reject ",
            area,
        )
    }
}

impl Screen for Approvals {
    fn id(&self) -> ScreenId {
        ID
    }

    /// Approvers and admins, on a shop that has approvals.
    fn available(&self, cx: &Cx) -> bool {
        let approver = cx.me.as_ref().is_some_and(|m| m.user.role != procure_client::api::Role::Buyer);
        approver && cx.caps.is_none_or(|c| c.approvals)
    }

    fn enter(&mut self, cx: &mut Cx) -> Vec<Cmd> {
        run(Effect::Approvals { supplier: cx.supplier.clone() })
    }

    fn mouse(&mut self, _cx: &mut Cx, kind: MouseEventKind, col: u16, row: u16) -> Vec<Cmd> {
        self.queue.click(kind, col, row);
        vec![]
    }

    fn switched(&mut self, _cx: &mut Cx) {
        *self = Approvals::default();
    }
}
