//! Your account: the company, you and your order limit, payment terms,
//! credit, the statement's totals, ship-to addresses and the supplier's
//! contact.

use crate::tui::component::{Cmd, Component, Cx, Registration, Screen, ScreenId, run};
use crate::tui::engine::{Effect, Failure, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::scroll::{self, Scroll};
use crate::tui::widgets::text;
use procure_client::core::text::format_amount;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub const ID: ScreenId = ScreenId("account");

pub(crate) const REGISTRATION: Registration = Registration {
    id: ID,
    title: "Account",
    action: "screen_account",
    keys: &["f8"],
    help: "Account screen: company, limits, credit, addresses, supplier contact",
    make: || Box::new(Account::default()),
};

#[derive(Debug, Default)]
pub struct Account {
    /// As the shop answered; until then what the last login or sync saw.
    pub(crate) account: Option<Box<procure_client::service::account::Account>>,
    /// Why it could not be loaded.
    pub(crate) error: Option<String>,
    /// The statement of account, where the shop gives invoices.
    pub(crate) statement: Option<Box<procure_client::service::statement::Statement>>,
    pub(crate) statement_error: Option<String>,
    pub(crate) scroll: Scroll,
}

impl Account {
    /// The account as the shop last answered.
    pub fn account(&self) -> Option<&procure_client::service::account::Account> {
        self.account.as_deref()
    }

    /// Why it could not be loaded.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

impl Component for Account {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Lists], false)
    }

    fn action(&mut self, _cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        self.scroll.apply(action).then(Vec::new)
    }

    fn on_msg(&mut self, _cx: &mut Cx, msg: Msg, _out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::Account(a) => {
                self.account = Some(a);
                self.error = None;
                None
            }
            Msg::Statement(s) => {
                self.statement = Some(s);
                self.statement_error = None;
                None
            }
            other => Some(other),
        }
    }

    fn failed(&mut self, _cx: &mut Cx, what: Failure, message: &str) {
        if what == Failure::Account {
            self.error = Some(message.to_string());
        }
        if what == Failure::Statement {
            self.statement_error = Some(message.to_string());
        }
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        let t = &cx.theme;
        let fresh = self.account.as_deref();
        let me = match (fresh, &cx.me) {
            (Some(a), _) => Some((&a.user, &a.company, &a.supplier)),
            (None, Some(m)) => Some((&m.user, &m.company, &m.supplier)),
            (None, None) => None,
        };
        let Some((u, co, supplier)) = me else {
            let text = "Not logged in: the account shows once the shop has said who you are.";
            f.render_widget(
                Paragraph::new(Line::styled(text, t.dim())).wrap(Wrap { trim: false }).block(Block::bordered()),
                area,
            );
            return;
        };
        let label = |l: &str| Span::styled(format!("{l:<16}"), t.dim());
        let mut lines = vec![
            Line::from(vec![
                label("Company"),
                Span::raw(format!("{} ({}) · prices in {}", co.name, co.code, co.currency)),
            ]),
            Line::from(vec![
                label("You"),
                Span::raw(format!("{} ({}) · role {}", u.name, u.username, u.role.as_str())),
            ]),
            Line::from(vec![
                label("Order limit"),
                Span::raw(match u.order_limit {
                    Some(l) => format!("{} {} net; above it an approver signs off", format_amount(l), co.currency),
                    None => "none: your orders need no approval".to_string(),
                }),
            ]),
            Line::from(vec![label("Payment terms"), Span::raw(co.payment_terms.clone())]),
        ];
        let credit = if cx.caps.is_some_and(|c| !c.credit) {
            Span::styled("not offered by this shop", t.dim())
        } else {
            // Credit seen earlier than now says when.
            let when = match fresh.and_then(|a| a.credit_as_of.filter(|_| a.offline)) {
                Some(at) => format!(" — as last seen {}", at.format("%Y-%m-%d %H:%M UTC")),
                None => String::new(),
            };
            match (fresh.map(|a| &a.credit), &self.error) {
                (Some(Some(c)), _) => Span::raw(match (c.available, c.limit) {
                    (Some(a), Some(l)) => format!(
                        "{} {} available of {} (open balance {}){when}",
                        format_amount(a),
                        c.currency,
                        format_amount(l),
                        format_amount(c.open_balance)
                    ),
                    _ => {
                        format!("no credit limit (open balance {} {}){when}", format_amount(c.open_balance), c.currency)
                    }
                }),
                (Some(None), _) if fresh.is_some_and(|a| a.offline) => {
                    Span::styled("not known: the shop is unreachable and no credit was seen yet", t.warn())
                }
                (Some(None), _) => Span::styled("not given by this shop", t.dim()),
                (None, Some(e)) => Span::styled(format!("cannot be loaded: {e}"), t.warn()),
                (None, None) => Span::styled("loading…", t.dim()),
            }
        };
        lines.push(Line::from(vec![label("Credit"), credit]));
        if cx.caps.is_none_or(|c| c.invoices) {
            match (&self.statement, &self.statement_error) {
                (Some(s), _) => {
                    let c = &s.currency;
                    let mut owe =
                        vec![label("You owe"), Span::raw(format!("{} {c} open", format_amount(s.open_total)))];
                    if !s.overdue_total.is_zero() || !s.held_total.is_zero() {
                        owe.push(Span::styled(
                            format!(
                                " · overdue {} · held by the match {}",
                                format_amount(s.overdue_total),
                                format_amount(s.held_total)
                            ),
                            t.warn(),
                        ));
                    }
                    lines.push(Line::from(owe));
                    lines.push(Line::from(vec![
                        label("Open balance"),
                        Span::raw(format!(
                            "{} {c} with {} ordered, not invoiced{}",
                            format_amount(s.open_balance),
                            format_amount(s.ordered_not_invoiced),
                            s.freshness.note().map(|n| format!(" — {n}")).unwrap_or_default()
                        )),
                    ]));
                }
                (None, Some(e)) => lines
                    .push(Line::from(vec![label("You owe"), Span::styled(format!("cannot be loaded: {e}"), t.warn())])),
                (None, None) => lines.push(Line::from(vec![label("You owe"), Span::styled("loading…", t.dim())])),
            }
        }
        let address = |a: &procure_client::api::Address| {
            format!("{}, {}, {} {}, {}", a.name, a.street, a.postal_code, a.city, a.country)
        };
        lines.push(Line::from(vec![label("Invoice to"), Span::raw(address(&co.billing_address))]));
        lines.push(Line::raw(""));
        lines.push(Line::styled("Ship-to addresses", t.title()));
        if co.ship_to.is_empty() {
            lines.push(Line::styled("  none given by this shop", t.dim()));
        }
        let label_w = co.ship_to.iter().map(|a| a.label.chars().count()).max().unwrap_or(0).clamp(12, 24);
        for a in &co.ship_to {
            let label = text::ellipsize(&a.label, label_w);
            lines
                .push(Line::from(vec![Span::styled(format!("  {label:<label_w$}  "), t.key()), Span::raw(address(a))]));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("Your supplier", t.title()));
        match supplier {
            None => lines.push(Line::styled("  not given by this shop", t.dim())),
            Some(s) => {
                let given = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
                lines.push(Line::from(vec![label("  Supplier"), Span::raw(s.name.clone())]));
                lines.push(Line::from(vec![label("  Sales contact"), Span::raw(given(&s.sales_contact))]));
                lines.push(Line::from(vec![label("  Phone"), Span::raw(given(&s.phone))]));
                lines.push(Line::from(vec![label("  E-mail"), Span::raw(given(&s.email))]));
                lines.push(Line::from(vec![label("  Support hours"), Span::raw(given(&s.support_hours))]));
            }
        }
        let block = Block::bordered().title(" Account ").border_style(t.focus_border());
        let keys = Line::styled("↑/↓ scroll · Esc back to Search", t.dim());
        scroll::fill(f, area, block, lines, keys, &mut self.scroll);
    }
}

impl Screen for Account {
    fn id(&self) -> ScreenId {
        ID
    }

    fn enter(&mut self, cx: &mut Cx) -> Vec<Cmd> {
        let mut cmds = if cx.logged_in { run(Effect::Account { supplier: cx.supplier.clone() }) } else { vec![] };
        if cx.caps.is_none_or(|c| c.invoices) {
            cmds.extend(run(Effect::Statement { supplier: cx.supplier.clone() }));
        }
        cmds
    }

    fn switched(&mut self, _cx: &mut Cx) {
        *self = Account::default();
    }
}
