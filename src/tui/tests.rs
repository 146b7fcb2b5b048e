//! Every screen and dialog of the terminal app rendered into ratatui's
//! TestBackend and compared with its snapshot (snapshots/ beside this file).
//! State is built directly, so these snapshots change only when the drawing
//! does; keys are driven through the app's own event path.

use super::app::App;
use super::component::Focus;
use super::dialogs::checkout::CheckoutForm;
use super::dialogs::choose_part::ChoosePart;
use super::dialogs::help::Help;
use super::dialogs::order_detail::OrderDetail;
use super::dialogs::part_detail::Detail;
use super::dialogs::prompt::{Prompt, PromptKind};
use super::dialogs::quick_entry::QuickEntry;
use super::dialogs::quote_detail::QuoteDetail;
use super::engine::{BasketOp, Effect, Failure, Msg};
use super::keymap::{Action, Keymap};
use super::screens::account;
use super::screens::approvals::{self, Approvals};
use super::screens::baskets::{self, Baskets};
use super::screens::orders::{self, Orders};
use super::screens::quotes::{self, Quotes};
use super::screens::search::{self, Search};
use super::theme::Theme;
use super::widgets::input::Input;
use chrono::{TimeZone, Utc};
use procure_client::api::*;
use procure_client::core::basket::{Basket, BasketLine, PricedBasket, PricedBasketLine};
use procure_client::core::import::ImportProblem;
use procure_client::core::order::{CheckoutOptions, PriceChange};
use procure_client::search::Highlights;
use procure_client::service::Clock;
use procure_client::service::ordering::Checkout;
use procure_client::service::search::{PartDetail, SearchRow};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal_macros::dec;

fn addr(id: &str, label: &str) -> Address {
    Address {
        id: id.into(),
        label: label.into(),
        name: "Acme Maschinenbau GmbH".into(),
        street: "Werkstraße 12".into(),
        postal_code: "70565".into(),
        city: "Stuttgart".into(),
        country: "DE".into(),
    }
}

fn me() -> Me {
    Me {
        user: User {
            username: "buyer".into(),
            name: "Anna Buyer".into(),
            role: Role::Buyer,
            order_limit: Some(dec!(5000)),
        },
        company: Company {
            code: "ACME".into(),
            name: "Acme Maschinenbau GmbH".into(),
            currency: "EUR".into(),
            payment_terms: "invoice, 30 days end of month".into(),
            billing_address: addr("bill", "Billing"),
            ship_to: vec![addr("main", "Main plant"), addr("hall3", "Hall 3")],
            shipping_methods: vec![
                ShippingMethod { id: "std".into(), name: "Standard parcel".into(), price: dec!(9.90) },
                ShippingMethod { id: "exp".into(), name: "Express".into(), price: dec!(24.90) },
            ],
            terms: None,
        },
        supplier: Some(SupplierContact {
            name: "Nordwerk Industriebedarf GmbH".into(),
            sales_contact: Some("Jonas Weber".into()),
            phone: Some("+49 711 123456-0".into()),
            email: Some("service@nordwerk.example".into()),
            support_hours: Some("Mon–Fri 7:00–17:00".into()),
        }),
    }
}

fn product() -> Product {
    Product {
        sku: "P-100233".into(),
        mpn: "6205-2RSH/C3".into(),
        manufacturer: "SKF".into(),
        gtin: "7316572352042".into(),
        name: "Deep groove ball bearing 6205-2RSH/C3 25x52x15".into(),
        description: "Sealed both sides, C3 clearance.".into(),
        category: "Bearings".into(),
        unit: "pc".into(),
        pack_size: 1,
        min_qty: 1,
        order_step: 1,
        stock: 120,
        lead_time_days: 3,
        attributes: vec![
            Attribute { name: "d".into(), value: "25 mm".into() },
            Attribute { name: "D".into(), value: "52 mm".into() },
        ],
        documents: vec![Document {
            kind: DocumentKind::Datasheet,
            title: "Datasheet".into(),
            url: "https://docs.supplier.example/p-100233.pdf".into(),
        }],
        replaced_by: None,
        discontinued: false,
    }
}

fn row(sku: &str, mpn: &str, name: &str, price: rust_decimal::Decimal, stock: u32) -> SearchRow {
    SearchRow {
        supplier: "demo".into(),
        currency: "EUR".into(),
        sku: sku.into(),
        mpn: mpn.into(),
        manufacturer: "SKF".into(),
        name: name.into(),
        kind: "prefix",
        quantity: 1,
        unit_price: Some(price),
        base_quantity: dec!(1),
        unit: "pc".into(),
        stock,
        lead_time_days: 3,
        discontinued: false,
        replaced_by: None,
        ordered_before: false,
    }
}

fn app(color: bool) -> App {
    let mut a = App::new(Keymap::default(), Theme { color }, "demo", "http://127.0.0.1:8450", Some(me()), true);
    a.cx.online = Some(true);
    a.cx.indexed = Some(50_000);
    a.cx.clock = Clock::fixed(chrono::DateTime::parse_from_rfc3339("2026-11-28T10:00:00+01:00").unwrap());
    a
}

fn search(a: &mut App) -> &mut Search {
    a.screen_mut::<Search>().unwrap()
}

fn baskets_of(a: &mut App) -> &mut Baskets {
    a.screen_mut::<Baskets>().unwrap()
}

fn orders_of(a: &mut App) -> &mut Orders {
    a.screen_mut::<Orders>().unwrap()
}

fn quotes_of(a: &mut App) -> &mut Quotes {
    a.screen_mut::<Quotes>().unwrap()
}

fn approvals_of(a: &mut App) -> &mut Approvals {
    a.screen_mut::<Approvals>().unwrap()
}

/// The screen at 80×24 and at 140×40, each against its snapshot; returns
/// the small one for assertions.
fn sizes(name: &str, a: &mut App) -> String {
    let small = render_at(a, 80, 24);
    insta::assert_snapshot!(format!("{name}_80x24"), small);
    insta::assert_snapshot!(format!("{name}_140x40"), render_at(a, 140, 40));
    small
}

fn render(a: &mut App) -> String {
    render_at(a, 110, 30)
}

fn render_at(a: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    super::draw(&mut t, a).unwrap();
    format!("{}", t.backend())
}

fn search_app() -> App {
    let mut a = app(true);
    search(&mut a).input = Input::new("62052rs");
    search(&mut a).seq = 7;
    search(&mut a).shown_seq = 7;
    let mut ordered =
        row("P-100233", "6205-2RSH/C3", "Deep groove ball bearing 6205-2RSH/C3 25x52x15", dec!(6.90), 120);
    ordered.ordered_before = true;
    let mut disc = row("P-100411", "6205-2RS1", "Deep groove ball bearing 6205-2RS1", dec!(5.80), 0);
    disc.discontinued = true;
    search(&mut a).rows =
        vec![ordered, disc, row("P-100234", "6205-2RSH", "Deep groove ball bearing 6205-2RSH", dec!(6.40), 48)];
    search(&mut a).total = 3;
    search(&mut a).highlights = vec![
        Highlights { sku: vec![], mpn: vec![0, 1, 2, 3, 5, 6, 7], name: vec![] },
        Highlights { sku: vec![], mpn: vec![0, 1, 2, 3, 5, 6, 7], name: vec![] },
        Highlights { sku: vec![], mpn: vec![0, 1, 2, 3, 5, 6, 7], name: vec![] },
    ];
    a
}

#[test]
fn search_screen() {
    insta::assert_snapshot!(render(&mut search_app()));
    let small = sizes("search", &mut search_app());
    for whole in ["P-100233", "6205-2RSH/C3", "6.90 ×1", "5.80 ×1", "6.40 ×1"] {
        assert!(small.contains(whole), "{whole} is cut at 80×24:\n{small}");
    }
}

#[test]
fn a_cut_result_list_says_how_many_more_match() {
    let mut a = search_app();
    search(&mut a).total = 164;
    let screen = render(&mut a);
    assert!(screen.contains(" 3/164 · 161 more "), "{screen}");
    let small = render_at(&mut a, 80, 24);
    assert!(small.contains(" 3/164 · 161 more "), "{small}");
}

#[test]
fn search_screen_without_colour_keeps_the_selection_visible() {
    let mut a = search_app();
    a.cx.theme = Theme { color: false };
    search(&mut a).focus = Focus::List;
    search(&mut a).selected = 1;
    let screen = render(&mut a);
    assert!(screen.contains("▶ P-100411"), "{screen}");
    insta::assert_snapshot!(screen);
    sizes("search_without_colour", &mut a);
}

#[test]
fn offline_marker() {
    let mut a = search_app();
    a.cx.online = Some(false);
    let screen = render(&mut a);
    assert!(screen.contains("OFFLINE"), "{screen}");
}

#[test]
fn part_detail() {
    let mut a = search_app();
    let mut p = product();
    p.discontinued = true;
    p.replaced_by = Some("P-100234".into());
    let mut succ = product();
    succ.sku = "P-100234".into();
    succ.name = "Deep groove ball bearing 6205-2RSH".into();
    a.open(Detail::new(
        "demo",
        Box::new(PartDetail {
            product: p,
            prices: Some(PriceEntry {
                sku: "P-100233".into(),
                tiers: vec![Tier::new(1, dec!(6.90)), Tier::new(10, dec!(6.10))],
                vat_rate: dec!(19),
            }),
            currency: "EUR".into(),
            successor: Some(succ),
        }),
    ));
    insta::assert_snapshot!(render(&mut a));
    sizes("part_detail", &mut a);
}

#[test]
fn add_prompt_shows_tier_and_next_tier() {
    let mut a = search_app();
    a.cx.basket = Some("weekly".into());
    a.open(Prompt {
        kind: PromptKind::AddQty {
            supplier: "default".into(),
            sku: "P-100233".into(),
            basket: "weekly".into(),
            baskets: vec!["weekly".into()],
            entry: procure_client::core::pricing::QuantityEntry::new(
                procure_client::core::pricing::QuantityRules::new(1, 1, 1),
                vec![Tier::new(1, dec!(6.90)), Tier::new(10, dec!(6.10))],
            ),
            currency: "EUR".into(),
        },
        title: "Add P-100233 to basket weekly".into(),
        input: Input::new("8"),
        error: None,
        typed: None,
    });
    let screen = render(&mut a);
    assert!(screen.contains("8 × 6.90 = 55.20 EUR"), "{screen}");
    assert!(screen.contains("next tier from 10: 6.10 each"), "{screen}");
    insta::assert_snapshot!(screen);
    let small = sizes("add_prompt", &mut a);
    assert!(small.contains("into basket weekly"), "{small}");
}

fn basket_app() -> App {
    let mut a = app(true);
    a.show(baskets::ID);
    baskets_of(&mut a).focus = Focus::Lines;
    a.cx.baskets = vec!["weekly".into()];
    let now = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
    let mut b = Basket::new("weekly", now);
    b.lines.push(BasketLine { sku: "P-100233".into(), qty: 12, note: Some("CC-4711".into()), agreed_price: None });
    baskets_of(&mut a).list = vec![("weekly".into(), Ok(b)), ("broken".into(), Err("broken.toml: line 3".into()))];
    a.cx.basket = Some("weekly".into());
    baskets_of(&mut a).priced = Some(PricedBasket {
        name: "weekly".into(),
        lines: vec![
            PricedBasketLine {
                agreed_price: None,
                sku: "P-100233".into(),
                mpn: "6205-2RSH/C3".into(),
                manufacturer: "SKF".into(),
                gtin: String::new(),
                name: "Deep groove ball bearing 6205-2RSH/C3".into(),
                qty: 12,
                note: Some("CC-4711".into()),
                unit_price: Some(dec!(6.10)),
                base_quantity: dec!(1),
                line_total: Some(dec!(73.20)),
                vat_rate: Some(dec!(19)),
                stock: Some(120),
                lead_time_days: Some(3),
                warnings: vec![],
            },
            PricedBasketLine {
                agreed_price: None,
                sku: "P-200100".into(),
                mpn: "DIN 933 M8x25 A2-70".into(),
                manufacturer: "Würth".into(),
                gtin: String::new(),
                name: "Hex head screw DIN 933 M8x25 A2-70".into(),
                qty: 150,
                note: None,
                unit_price: Some(dec!(0.0834)),
                base_quantity: dec!(1),
                line_total: Some(dec!(12.51)),
                vat_rate: Some(dec!(19)),
                stock: Some(5000),
                lead_time_days: Some(2),
                warnings: vec!["quantity 150 is not valid (sold in packs of 100); next valid quantity is 200".into()],
            },
        ],
        totals: Totals {
            currency: "EUR".into(),
            net: dec!(85.71),
            shipping: dec!(0),
            vat: dec!(16.28),
            gross: dec!(101.99),
        },
        orderable: false,
    });
    a
}

#[test]
fn baskets_screen() {
    insta::assert_snapshot!(render(&mut basket_app()));
    let small = sizes("baskets", &mut basket_app());
    for whole in ["P-100233", "P-200100", "6.10", "73.20", "0.0834", "12.51", "101.99 EUR", "85.71 EUR"] {
        assert!(small.contains(whole), "{whole} is cut at 80×24:\n{small}");
    }
}

#[test]
fn quick_entry_with_problems() {
    let mut a = basket_app();
    a.open(QuickEntry {
        basket: "weekly".into(),
        text: "P-10023 4\nP-200100 150".into(),
        problems: vec![
            ImportProblem {
                line: 1,
                sku: "P-10023".into(),
                reason: "unknown SKU \"P-10023\" (did you mean P-100233?)".into(),
                ..Default::default()
            },
            ImportProblem {
                line: 2,
                sku: "P-200100".into(),
                reason: "next valid quantity is 200".into(),
                ..Default::default()
            },
        ],
        added: 3,
        busy: false,
    });
    insta::assert_snapshot!(render(&mut a));
    sizes("quick_entry", &mut a);
}

fn ambiguous_quick_entry() -> App {
    let mut a = basket_app();
    a.open(QuickEntry {
        basket: "weekly".into(),
        text: "3RT2015-1BB41;1.000\nP-10023 4".into(),
        problems: vec![
            ImportProblem {
                line: 1,
                sku: "3RT2015-1BB41".into(),
                reason: "type number \"3RT2015-1BB41\" matches several parts: P-300417, P-300418; use the SKU".into(),
                choices: vec!["P-300417".into(), "P-300418".into()],
            },
            ImportProblem {
                line: 2,
                sku: "P-10023".into(),
                reason: "unknown SKU \"P-10023\" (did you mean P-100233?)".into(),
                ..Default::default()
            },
        ],
        added: 1,
        busy: false,
    });
    a
}

#[test]
fn quick_entry_offers_the_choice_of_part() {
    let mut a = ambiguous_quick_entry();
    let small = sizes("quick_entry_ambiguous", &mut a);
    // On the problem line and in the hints, with the key the keymap has.
    assert!(small.contains("^o to choose") && small.contains("^o choose part"), "{small}");
    let mut plain = basket_app();
    plain.open(QuickEntry::new("weekly", "P-100233 4"));
    assert!(!render_at(&mut plain, 80, 24).contains("choose part"), "no hint without a choice to make");
}

#[test]
fn part_chooser() {
    use procure_client::service::baskets::{Candidate, LineChoices};
    let mut a = ambiguous_quick_entry();
    let part = |sku: &str, maker: &str, name: &str, price| Candidate {
        sku: sku.into(),
        mpn: "3RT2015-1BB41".into(),
        manufacturer: maker.into(),
        name: name.into(),
        unit_price: price,
        line: format!("{sku};1.000"),
    };
    a.open(ChoosePart {
        line: 1,
        choices: LineChoices {
            typed: "3RT2015-1BB41".into(),
            qty: 1000,
            currency: "EUR".into(),
            parts: vec![
                part(
                    "P-300417",
                    "Siemens",
                    "Contactor SIRIUS 3RT2015-1BB41, 3 kW, 24 V DC, screw terminals, 1 NO auxiliary contact",
                    Some(dec!(31.0000)),
                ),
                part("P-300418", "Siemens Industry Automation", "Contactor 3RT2015-1BB41 (spare)", None),
            ],
        },
        selected: 1,
    });
    let small = sizes("part_chooser", &mut a);
    for whole in ["P-300417", "P-300418", "3RT2015-1BB41", "31.00", "EUR ×1000", "Enter take it", "Esc leave it"] {
        assert!(small.contains(whole), "{whole} is cut at 80×24:\n{small}");
    }
}

#[test]
fn checkout_with_a_price_change() {
    let mut a = basket_app();
    let preview = Preview {
        lines: vec![PricedLine {
            sku: "P-100233".into(),
            name: "Deep groove ball bearing 6205-2RSH/C3".into(),
            quantity: 12,
            unit_price: dec!(6.30),
            base_quantity: dec!(1),
            line_total: dec!(75.60),
            vat_rate: dec!(19),
            note: None,
            promised_delivery: None,
            shipped: 0,
            invoiced: 0,
        }],
        totals: Totals {
            currency: "EUR".into(),
            net: dec!(75.60),
            shipping: dec!(9.90),
            vat: dec!(16.25),
            gross: dec!(101.75),
        },
        errors: vec![],
        needs_approval: false,
        earliest_delivery: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        credit: None,
        replay_of: None,
    };
    let priced = baskets_of(&mut a).priced.clone().unwrap();
    let draft = procure_client::core::order::draft_from(
        &priced,
        &CheckoutOptions { po_number: "PO-4711".into(), ..Default::default() },
    );
    a.open(CheckoutForm {
        basket: "weekly".into(),
        field: 0,
        po: Input::new("PO-4711"),
        date: Input::new("2026-12-15"),
        ship_to: 1,
        complete: true,
        shipping: 0,
        comment: Input::new("gate 3"),
        preview: Some(Checkout {
            basket: priced,
            draft,
            preview,
            price_changes: vec![PriceChange::new("P-100233", 12, Some(dec!(6.10)), dec!(6.30))],
            credit_shortfall: None,
            waiting: false,
            refusal: None,
        }),
        busy: false,
        error: None,
        placed: None,
        queued: None,
        allow_duplicate_po: false,
        scroll: 0,
        page: 0,
    });
    let screen = render(&mut a);
    assert!(screen.contains("(was 6.10)"), "{screen}");
    insta::assert_snapshot!(screen);
    let small = sizes("checkout_previewed", &mut a);
    assert!(small.contains("101.75 EUR") && small.contains("^S place the order"), "{small}");
    assert!(small.contains("place order"), "the hint says what ^S does now: {small}");
}

#[test]
fn orders_screen_and_detail() {
    let mut a = app(true);
    a.show(orders::ID);
    orders_of(&mut a).orders.loaded = true;
    let created = Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap();
    let totals = Totals {
        currency: "EUR".into(),
        net: dec!(135.20),
        shipping: dec!(9.90),
        vat: dec!(27.57),
        gross: dec!(172.67),
    };
    orders_of(&mut a).orders.list = vec![
        OrderSummary {
            number: "SO-100002".into(),
            status: OrderStatus::PendingApproval,
            created_at: created,
            po_number: "PO-4712".into(),
            placed_by: "buyer".into(),
            line_count: 3,
            totals: totals.clone(),
        },
        OrderSummary {
            number: "SO-100001".into(),
            status: OrderStatus::Placed,
            created_at: created,
            po_number: "PO-4711".into(),
            placed_by: "buyer".into(),
            line_count: 2,
            totals: totals.clone(),
        },
    ];
    insta::assert_snapshot!("orders_list", render(&mut a));
    let small = sizes("orders_list", &mut a);
    assert!(small.contains("SO-100002") && small.contains("135.20 EUR") && small.contains("PO-4712"), "{small}");
    a.open(OrderDetail::new(Box::new(order_view(totals.clone())), false));
    insta::assert_snapshot!("order_detail", render(&mut a));
    let small = sizes("order_detail", &mut a);
    assert!(small.contains("LATE +5 d") && small.contains("73.20"), "{small}");
    // The rest scrolls into view: shipments, receipts, totals.
    render_at(&mut a, 80, 24);
    for _ in 0..20 {
        a.dialog_mut::<OrderDetail>().unwrap().scroll.apply(Action::Down);
    }
    let end = render_at(&mut a, 80, 24);
    assert!(end.contains("tracking 00340434161094042557") && end.contains("172.67 EUR"), "{end}");
    assert!(end.contains("Received 2026-11-27"), "{end}");
}

/// An order of two lines: the first promised five days after the date
/// asked for and partly shipped (with tracking and a certificate) and
/// received, the second on time.
fn order_view(totals: Totals) -> procure_client::service::expediting::OrderView {
    use procure_client::core::expediting::LateReason;
    use procure_client::core::receipt::{Receipt, ReceiptLine};
    use procure_client::service::expediting::{LineProgress, OrderView};
    use procure_client::service::local::Freshness;
    let created = Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap();
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d);
    let line = |sku: &str, name: &str, q, p, total, promised: u32, shipped| PricedLine {
        sku: sku.into(),
        name: name.into(),
        quantity: q,
        unit_price: p,
        base_quantity: dec!(1),
        line_total: total,
        vat_rate: dec!(19),
        note: (sku == "P-100233").then(|| "CC-4711".into()),
        promised_delivery: day(promised),
        shipped,
        invoiced: 0,
    };
    let order = Order {
        number: "SO-100001".into(),
        status: OrderStatus::Confirmed,
        created_at: created,
        placed_by: "buyer".into(),
        po_number: "PO-4711".into(),
        lines: vec![
            line("P-100233", "Deep groove ball bearing", 12, dec!(6.10), dec!(73.20), 20, 5),
            line("P-100501", "Contactor 3RT2015-1BB41 24V DC", 2, dec!(31.00), dec!(62.00), 15, 0),
        ],
        totals,
        ship_to: addr("main", "Main plant"),
        requested_delivery_date: day(15),
        ship_complete: false,
        payment_terms: "invoice, 30 days end of month".into(),
        shipping_method: ShippingMethod { id: "std".into(), name: "Standard parcel".into(), price: dec!(9.90) },
        comment: Some("gate 3".into()),
        approval: None,
        quote_number: None,
        events: vec![],
        earliest_delivery: day(3),
        confirmed_at: Some(Utc.with_ymd_and_hms(2026, 11, 21, 8, 0, 0).unwrap()),
        shipments: vec![Shipment {
            number: "DN-100001-1".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            carrier: Some("DHL".into()),
            tracking: Some("00340434161094042557".into()),
            lines: vec![ShipmentLine { line: 1, sku: "P-100233".into(), quantity: 5 }],
            documents: vec![ShipmentDocument {
                sku: "P-100233".into(),
                document: Document {
                    kind: DocumentKind::Certificate,
                    title: "Inspection certificate 3.1".into(),
                    url: "http://127.0.0.1:8450/api/v1/documents/7".into(),
                },
            }],
        }],
    };
    let progress =
        |l: u32, sku: &str, ordered, promised, shipped, received, late: Option<(LateReason, i64)>| LineProgress {
            line: l,
            sku: sku.into(),
            ordered,
            requested: day(15),
            promised: day(promised),
            shipped,
            received,
            invoiced: 0,
            late: late.map(|l| l.0),
            days_late: late.map(|l| l.1),
        };
    OrderView {
        order,
        progress: vec![
            progress(1, "P-100233", 12, 20, 5, 5, Some((LateReason::PromisedLate, 5))),
            progress(2, "P-100501", 2, 15, 0, 0, None),
        ],
        receipts: vec![Receipt {
            id: "GR-SO-100001-1".into(),
            order: "SO-100001".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 27, 7, 15, 0).unwrap(),
            note: Some("gate 3".into()),
            lines: vec![ReceiptLine { line: 1, sku: "P-100233".into(), quantity: 5 }],
        }],
        invoices: vec![],
        receive_limit: "shipped",
        freshness: Freshness { as_of: Some(created), offline: false },
    }
}

#[test]
fn help_overlay_lists_the_keymap() {
    let mut a = search_app();
    a.open(Help::default());
    let screen = render_at(&mut a, 110, 52);
    assert!(screen.contains("Quit procure") && screen.contains("all_suppliers"), "{screen}");
    insta::assert_snapshot!(screen);
    let mut a = search_app();
    a.open(Help::default());
    sizes("help", &mut a);
}

#[test]
fn login_prompt_masks_the_password() {
    let mut a = App::new(Keymap::default(), Theme { color: true }, "demo", "http://127.0.0.1:8450", None, false);
    a.start();
    if let Some(p) = a.dialog_mut::<Prompt>() {
        p.input.insert_str("secret");
    }
    let screen = render(&mut a);
    assert!(screen.contains("••••••") && !screen.contains("secret"), "{screen}");
    insta::assert_snapshot!(screen);
    sizes("login", &mut a);
}

#[test]
fn resize_redraws_cleanly() {
    let mut a = search_app();
    for (w, h) in [(60, 15), (200, 50), (40, 10)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        super::draw(&mut t, &mut a).unwrap();
        let screen = format!("{}", t.backend());
        assert!(screen.contains("procure"), "{w}x{h}: {screen}");
    }
}

#[test]
fn quotes_and_approvals_screens() {
    let mut a = app(true);
    a.cx.me.as_mut().unwrap().user.role = Role::Approver;
    a.show(quotes::ID);
    quotes_of(&mut a).loaded = true;
    let created = Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap();
    quotes_of(&mut a).list = vec![QuoteSummary {
        number: "Q-100001".into(),
        status: QuoteStatus::Offered,
        created_at: created,
        requested_by: "buyer".into(),
        line_count: 2,
        valid_until: chrono::NaiveDate::from_ymd_opt(2026, 12, 5),
        order_number: None,
    }];
    a.open(QuoteDetail {
        scroll: Default::default(),
        quote: Box::new(Quote {
            number: "Q-100001".into(),
            status: QuoteStatus::Offered,
            created_at: created,
            requested_by: "buyer".into(),
            lines: vec![QuoteLine {
                sku: "P-100233".into(),
                name: "Deep groove ball bearing".into(),
                quantity: 400,
                target_unit_price: Some(dec!(5.50)),
                offered_unit_price: Some(dec!(5.80)),
                list_unit_price: Some(dec!(6.10)),
                note: None,
            }],
            requested_delivery_date: None,
            comment: Some("yearly volume".into()),
            valid_until: chrono::NaiveDate::from_ymd_opt(2026, 12, 5),
            offer_totals: None,
            order_number: None,
            messages: vec![QuoteMessage {
                at: created,
                side: "supplier".into(),
                author: "Sales".into(),
                text: "best we can do".into(),
            }],
        }),
    });
    let screen = render(&mut a);
    assert!(screen.contains("Approvals"), "approvers get the approvals screen: {screen}");
    assert!(screen.contains("5.50") && screen.contains("5.80"), "{screen}");
    insta::assert_snapshot!("quote_detail", screen);
    let small = sizes("quote_detail", &mut a);
    assert!(small.contains("5.50") && small.contains("5.80") && small.contains("6.10"), "{small}");

    a.close_dialogs();
    let list = sizes("quotes_list", &mut a);
    assert!(list.contains("Q-100001") && list.contains("valid until 2026-12-05"), "{list}");
    a.show(approvals::ID);
    approvals_of(&mut a).queue.loaded = true;
    approvals_of(&mut a).queue.list = vec![OrderSummary {
        number: "SO-100009".into(),
        status: OrderStatus::PendingApproval,
        created_at: created,
        po_number: "PO-BIG".into(),
        placed_by: "buyer".into(),
        line_count: 1,
        totals: Totals {
            currency: "EUR".into(),
            net: dec!(5000.01),
            shipping: dec!(9.90),
            vat: dec!(951.88),
            gross: dec!(5961.79),
        },
    }];
    insta::assert_snapshot!("approvals_list", render(&mut a));
    sizes("approvals_list", &mut a);
}

#[test]
fn buyers_have_no_approvals_screen() {
    let mut a = app(true);
    let screen = render(&mut a);
    assert!(!screen.contains("Approvals") && screen.contains("Quotes"), "{screen}");
}

#[test]
fn what_a_shop_lacks_is_hidden_or_marked() {
    let mut a = basket_app();
    a.cx.caps = Some(procure_client::service::Capabilities {
        company_accounts: false,
        po_number: true,
        requested_delivery_date: false,
        ship_complete: false,
        tier_prices: false,
        documents: false,
        incremental_sync: false,
        order_preview: false,
        quote_requests: false,
        approvals: false,
        credit: false,
        order_changes: false,
        shipments: false,
        invoices: false,
        disputes: false,
    });
    a.open(CheckoutForm {
        basket: "weekly".into(),
        field: 0,
        po: Input::new("PO-1"),
        date: Input::new("2026-12-15"),
        ship_to: 0,
        complete: true,
        shipping: 0,
        comment: Input::default(),
        preview: None,
        busy: false,
        error: None,
        placed: None,
        queued: None,
        allow_duplicate_po: false,
        scroll: 0,
        page: 0,
    });
    let screen = render(&mut a);
    assert!(!screen.contains("Quotes"), "no quotes screen for a shop without quote requests: {screen}");
    assert!(screen.contains("not supported by this shop"), "{screen}");
    let opts = a.dialog::<CheckoutForm>().unwrap().options(&a.cx).unwrap();
    assert_eq!(opts.requested_delivery_date, None);
    assert!(!opts.ship_complete);
}

#[test]
fn mouse_selects_rows_and_scrolls() {
    use crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut a = search_app();
    render(&mut a); // records where the list is
    let list = search(&mut a).list_area;
    let offset = search(&mut a).list_offset;
    let click = |row: u16| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: list.x + 5,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // Third data row: border + header above the first one.
    a.handle(click(list.y + offset + 2));
    assert_eq!(search(&mut a).selected, 2);
    assert_eq!(search(&mut a).focus, Focus::List);
    let scroll =
        |kind| Event::Mouse(MouseEvent { kind, column: list.x + 5, row: list.y + 3, modifiers: KeyModifiers::NONE });
    a.handle(scroll(MouseEventKind::ScrollUp));
    assert_eq!(search(&mut a).selected, 1);
    a.handle(scroll(MouseEventKind::ScrollDown));
    a.handle(scroll(MouseEventKind::ScrollDown));
    assert_eq!(search(&mut a).selected, 2, "stops at the last row");
    // A click on the tab bar switches screens.
    // Where "Baskets" is on screen (the first character is the quote).
    let screen = render(&mut a);
    let bar = screen.lines().nth(1).unwrap();
    let x = bar[..bar.find("Baskets").unwrap()].chars().count() as u16 - 1;
    a.handle(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x,
        row: 1,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(a.screen_id(), baskets::ID);
}

#[test]
fn account_screen_shows_company_limits_addresses_and_the_supplier() {
    let mut a = app(true);
    a.show(account::ID);
    let me = me();
    let account = procure_client::service::account::Account {
        profile: "demo".into(),
        shop: "http://127.0.0.1:8450".into(),
        user: me.user,
        company: me.company,
        supplier: me.supplier,
        credit: Some(Credit {
            currency: "EUR".into(),
            limit: Some(dec!(20000)),
            open_balance: dec!(5961.79),
            available: Some(dec!(14038.21)),
        }),
        offline: false,
        as_of: None,
        credit_as_of: None,
        credit_shown: true,
    };
    // What the engine reports for the screen's request.
    let fx = a.action(Action::Screen(account::ID));
    assert_eq!(fx, vec![Effect::Account { supplier: "demo".into() }, Effect::Statement { supplier: "demo".into() }]);
    a.on_msg(Msg::Account(Box::new(account)));
    a.on_msg(Msg::Statement(Box::new(statement())));
    let small = sizes("account", &mut a);
    for want in [
        "Acme Maschinenbau GmbH",
        "Anna Buyer",
        "5000.00 EUR net",
        "invoice, 30 days end of month",
        "14038.21 EUR available of 20000.00",
        "Hall 3",
        "Jonas Weber",
        "+49 711 123456-0",
        "service@nordwerk.example",
        "You owe",
        "1218.13 EUR open · overdue 1190.00 · held by the match 48.13",
        "5961.79 EUR with 4743.66 ordered",
    ] {
        assert!(small.contains(want), "{want} at 80×24:\n{small}");
    }
}

/// A statement: one invoice overdue, one held by the match, a credit note.
fn statement() -> procure_client::service::statement::Statement {
    use procure_client::core::statement::Ageing;
    use procure_client::service::local::Freshness;
    procure_client::service::statement::Statement {
        supplier: "demo".into(),
        currency: "EUR".into(),
        freshness: Freshness { as_of: Some(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()), offline: false },
        open_total: dec!(1218.13),
        invoices_open: dec!(1238.13),
        credits_open: dec!(20.00),
        overdue_total: dec!(1190.00),
        held_total: dec!(48.13),
        ordered_not_invoiced: dec!(4743.66),
        open_balance: dec!(5961.79),
        ageing: Ageing {
            not_due: dec!(28.13),
            days_1_30: dec!(1190.00),
            days_31_60: dec!(0),
            days_61_90: dec!(0),
            over_90: dec!(0),
        },
        open_items: vec![],
        payments: vec![],
    }
}

#[test]
fn account_screen_says_when_the_shop_gives_no_supplier_contact() {
    let mut a = app(true);
    a.cx.me.as_mut().unwrap().supplier = None;
    a.show(account::ID);
    let screen = render_at(&mut a, 80, 24);
    assert!(screen.contains("not given by this shop") && screen.contains("loading…"), "{screen}");
    a.on_msg(Msg::Failed {
        what: Failure::Account,
        message: "the shop is not reachable".into(),
        kind: procure_client::service::ErrorKind::Unreachable,
    });
    let screen = render_at(&mut a, 80, 24);
    assert!(screen.contains("cannot be loaded: the shop is not reachable"), "{screen}");
}

fn long_checkout(lines: usize) -> App {
    let mut a = basket_app();
    let priced = baskets_of(&mut a).priced.clone().unwrap();
    let line = |i: usize| PricedLine {
        sku: format!("P-{:06}", 200000 + i),
        name: format!("Hex head screw DIN 933 M8x{} A2-70, long name that does not fit", 10 + i),
        quantity: 100,
        unit_price: dec!(0.0834),
        base_quantity: dec!(1),
        line_total: dec!(8.34),
        vat_rate: dec!(19),
        note: None,
        promised_delivery: None,
        shipped: 0,
        invoiced: 0,
    };
    let preview = Preview {
        lines: (0..lines).map(line).collect(),
        totals: Totals {
            currency: "EUR".into(),
            net: dec!(1668.00),
            shipping: dec!(9.90),
            vat: dec!(318.80),
            gross: dec!(1996.70),
        },
        errors: vec![],
        needs_approval: false,
        earliest_delivery: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        credit: Some(Credit {
            currency: "EUR".into(),
            limit: Some(dec!(20000)),
            open_balance: dec!(100),
            available: Some(dec!(19900)),
        }),
        replay_of: None,
    };
    let draft = procure_client::core::order::draft_from(&priced, &CheckoutOptions::default());
    let mut form = CheckoutForm::new("weekly");
    form.po = Input::new("PO-77");
    form.preview = Some(Checkout {
        basket: priced,
        draft,
        preview,
        price_changes: vec![],
        credit_shortfall: None,
        waiting: false,
        refusal: None,
    });
    a.open(form);
    a
}

#[test]
fn a_long_checkout_scrolls_its_lines_and_keeps_the_totals_and_the_action() {
    let mut a = long_checkout(200);
    let small = sizes("checkout_200_lines", &mut a);
    for want in ["1996.70 EUR", "earliest delivery 2026-12-01", "credit available", "^S place the order", "of 200"] {
        assert!(small.contains(want), "{want} at 80×24:\n{small}");
    }
    assert!(small.contains("P-200000") && !small.contains("P-200199"), "{small}");
    a.action(Action::Bottom);
    a.action(Action::PageDown);
    for _ in 0..100 {
        a.action(Action::PageDown);
    }
    let end = render_at(&mut a, 80, 24);
    assert!(end.contains("P-200199") && end.contains("1996.70 EUR"), "the last line and the totals:\n{end}");
}

#[test]
fn three_lines_at_80x24_show_delivery_credit_and_the_place_line() {
    let mut a = long_checkout(3);
    let small = render_at(&mut a, 80, 24);
    for want in ["earliest delivery", "credit available", "^S place the order", "P-200002"] {
        assert!(small.contains(want), "{want}:\n{small}");
    }
}

#[test]
fn the_help_scrolls_and_q_closes_it() {
    let mut a = search_app();
    search(&mut a).focus = Focus::List;
    a.action(Action::Help);
    let first = render_at(&mut a, 80, 24);
    assert!(first.contains("Quit procure") && first.contains("of "), "{first}");
    a.action(Action::Bottom);
    let last = render_at(&mut a, 80, 24);
    assert!(last.contains("Close the help"), "the last rows: {last}");
    let q = crossterm::event::Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('q'),
        crossterm::event::KeyModifiers::NONE,
    ));
    a.handle(q.clone());
    assert_eq!(a.dialogs(), 0, "q closes the help");
    assert!(!a.quit);
    a.handle(q);
    assert!(a.quit, "q quits outside a text field");
}

#[test]
fn quote_request_asks_a_target_price_per_line() {
    let mut a = basket_app();
    a.action(Action::RequestQuote);
    let small = sizes("quote_request", &mut a);
    assert!(small.contains("P-100233") && small.contains("P-200100") && small.contains("Target"), "{small}");
}

#[test]
fn quick_entry_follows_the_cursor_after_a_long_paste() {
    let mut a = basket_app();
    let text: String = (1..=60).map(|i| format!("P-{:06} {i}\n", 100000 + i)).collect();
    a.open(QuickEntry::new("weekly", text.trim_end()));
    let small = sizes("quick_entry_long", &mut a);
    assert!(small.contains("P-100060 60") && small.contains("lines above"), "{small}");
}

// Keys, driven through the app's own event path (no shop needed: the
// effects the app asks for are checked instead).

fn key(code: crossterm::event::KeyCode) -> crossterm::event::Event {
    crossterm::event::Event::Key(crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE))
}

fn ch(c: char) -> crossterm::event::Event {
    key(crossterm::event::KeyCode::Char(c))
}

fn esc() -> crossterm::event::Event {
    key(crossterm::event::KeyCode::Esc)
}

#[test]
fn esc_goes_back_everywhere() {
    let mut a = search_app();
    a.handle(esc());
    assert_eq!(search(&mut a).input.text(), "", "Esc clears a filled search field");
    a.handle(esc());
    assert_eq!(search(&mut a).focus, Focus::List, "on an empty field Esc goes to the results");
    a.handle(ch('q'));
    assert!(a.quit, "q quits from the results");
    let mut a = basket_app();
    baskets_of(&mut a).focus = Focus::List;
    a.handle(esc());
    assert_eq!(a.screen_id(), search::ID, "Esc on a screen returns to Search");
    a.show(orders::ID);
    a.handle(esc());
    assert_eq!(a.screen_id(), search::ID);
}

#[test]
fn q_types_in_the_search_field() {
    let mut a = app(true);
    a.handle(ch('q'));
    assert!(!a.quit);
    assert_eq!(search(&mut a).input.text(), "q");
}

#[test]
fn typed_digits_replace_the_suggested_quantity_and_tab_picks_the_basket() {
    let mut a = search_app();
    a.cx.baskets = vec!["weekly".into(), "yearly".into()];
    a.cx.basket = Some("weekly".into());
    let mut p = product();
    p.min_qty = 2;
    let detail = PartDetail { product: p, prices: None, currency: "EUR".into(), successor: None };
    a.open(Prompt::add_qty(&a.cx, &detail));
    assert_eq!(a.dialog::<Prompt>().unwrap().input.text(), "2", "the smallest valid quantity is suggested");
    a.handle(ch('1'));
    a.handle(ch('0'));
    assert_eq!(a.dialog::<Prompt>().unwrap().input.text(), "10", "typing replaces the suggestion");
    a.handle(key(crossterm::event::KeyCode::Tab));
    assert!(render_at(&mut a, 80, 24).contains("into basket yearly"));
    let fx = a.handle(key(crossterm::event::KeyCode::Enter));
    assert_eq!(
        fx,
        vec![Effect::Basket {
            supplier: "demo".into(),
            op: BasketOp::Add { basket: "yearly".into(), sku: "P-100233".into(), qty: 10 }
        }]
    );
    assert_eq!(a.cx.basket.as_deref(), Some("yearly"), "the next add goes to the basket used last");
}

#[test]
fn a_paste_with_cr_line_ends_opens_quick_entry() {
    let mut a = app(true);
    a.cx.baskets = vec!["weekly".into()];
    a.handle(crossterm::event::Event::Paste("T-BRG-1 4\rT-SCR-1 200\r".into()));
    let q = a.dialog::<QuickEntry>().expect("quick entry opens");
    assert_eq!(q.text, "T-BRG-1 4\nT-SCR-1 200\n");
}

#[test]
fn esc_or_q_never_throw_away_a_filled_checkout_without_asking() {
    let mut a = basket_app();
    a.open(CheckoutForm::new("weekly"));
    for c in "PO-9".chars() {
        a.handle(ch(c));
    }
    a.handle(esc());
    assert!(render_at(&mut a, 80, 24).contains("Throw away the checkout form?"));
    a.handle(ch('n'));
    assert_eq!(a.dialog::<CheckoutForm>().unwrap().po.text(), "PO-9", "n keeps the form");
    // On a field that is not text, q asks too.
    a.handle(key(crossterm::event::KeyCode::Down));
    a.handle(key(crossterm::event::KeyCode::Down));
    a.handle(ch('q'));
    assert!(!a.quit && render_at(&mut a, 80, 24).contains("Quit and lose the checkout form?"));
    a.handle(esc());
    a.handle(esc());
    a.handle(ch('y'));
    assert_eq!(a.dialogs(), 0, "y throws it away");
    // An empty form closes at once.
    a.open(CheckoutForm::new("weekly"));
    a.handle(esc());
    assert_eq!(a.dialogs(), 0);
}

#[test]
fn the_delivery_toggle_reads_the_same_way_in_both_states() {
    let mut a = basket_app();
    a.open(CheckoutForm::new("weekly"));
    for _ in 0..3 {
        a.handle(key(crossterm::event::KeyCode::Down));
    }
    assert!(render_at(&mut a, 140, 40).contains("[ ] ship complete only"));
    a.handle(ch(' '));
    assert!(render_at(&mut a, 140, 40).contains("[x] ship complete only"));
}

#[test]
fn only_a_discontinued_part_offers_its_successor() {
    let mut a = search_app();
    let detail = |p: Product| {
        Detail::new("demo", Box::new(PartDetail { product: p, prices: None, currency: "EUR".into(), successor: None }))
    };
    a.open(detail(product()));
    assert!(!render_at(&mut a, 140, 40).contains("successor"));
    let mut p = product();
    p.discontinued = true;
    p.replaced_by = Some("P-100234".into());
    a.open(detail(p));
    let fx = a.handle(key(crossterm::event::KeyCode::Enter));
    assert_eq!(fx, vec![Effect::Detail { supplier: "demo".into(), sku: "P-100234".into() }]);
    assert!(render_at(&mut a, 140, 40).contains("Enter successor"));
}

#[test]
fn typing_a_baskets_first_letters_selects_it() {
    let mut a = basket_app();
    baskets_of(&mut a).focus = Focus::List;
    let fx = a.handle(ch('b'));
    assert_eq!(baskets_of(&mut a).selected, 1);
    assert_eq!(fx, vec![Effect::Price { supplier: "demo".into(), basket: "broken".into() }]);
}

/// A buyer who adds a part the moment it shows up, before the app has
/// listed the baskets, is not told there is none: the part's detail is
/// read after the list, and the quantity prompt opens then. Once listed
/// with none, the add says how to make one.
#[test]
fn an_add_before_the_baskets_are_listed_waits_for_the_list() {
    let ctrl_a = crossterm::event::Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('a'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    let mut a = search_app();
    assert!(a.cx.baskets.is_empty() && !a.cx.baskets_listed);
    let fx = a.handle(ctrl_a.clone());
    let sku = search(&mut a).rows[0].sku.clone();
    assert_eq!(fx, vec![Effect::Detail { supplier: "demo".into(), sku }]);
    assert!(a.cx.status.is_none(), "{:?}", a.cx.status);

    // The list arrives (with a basket), then the detail.
    a.cx.baskets = vec!["weekly".into()];
    a.cx.baskets_listed = true;
    let detail = PartDetail { product: product(), prices: None, currency: "EUR".into(), successor: None };
    a.on_msg(Msg::Detail(Box::new(detail.clone())));
    assert!(render_at(&mut a, 80, 24).contains("weekly"), "{}", render_at(&mut a, 80, 24));
    assert!(a.dialog::<Prompt>().is_some());

    // Listed, and none there: the hint, and no detail asked for.
    let mut b = search_app();
    b.cx.baskets_listed = true;
    assert!(b.handle(ctrl_a).is_empty());
    assert!(b.cx.status.as_ref().is_some_and(|s| s.1.contains("no basket yet")), "{:?}", b.cx.status);
}

/// Distributors' parts at 80×24: SKUs of 16 to 20 characters, prices with
/// five and six decimals at reel quantities. Every price is shown whole,
/// with every decimal it has, on the search, basket and detail screens.
#[test]
fn distributor_prices_stay_whole_at_80x24() {
    let mut a = app(true);
    search(&mut a).input = Input::new("rc0603fr");
    search(&mut a).seq = 1;
    search(&mut a).shown_seq = 1;
    let reel = |sku: &str, price, quantity| SearchRow {
        quantity,
        manufacturer: "YAGEO".into(),
        ..row(sku, "RC0603FR-0710KL", "RES 10K OHM 1% 1/10W 0603 (reel)", price, 1_250_000)
    };
    search(&mut a).rows = vec![
        reel("311-10.0KHRTR-ND", dec!(0.00868), 10_000),
        reel("603-RC0603FR-0710KL", dec!(0.001475), 100_000),
        reel("RC0402FR-0710KL-ARW", dec!(0.00198), 10_000),
        // A Peppol catalogue's price for several units.
        SearchRow { base_quantity: dec!(3), ..reel("T-CON-1", dec!(1.00), 999_999_999) },
    ];
    search(&mut a).total = 4;
    let screen = render_at(&mut a, 80, 24);
    for whole in [
        "311-10.0KHRTR-ND",
        "603-RC0603FR-0710KL",
        "0.00868 ×10000",
        "0.001475 ×100000",
        "0.00198 ×10000",
        "1.00 per 3 ×999999999",
    ] {
        assert!(screen.contains(whole), "{whole} is cut at 80×24:\n{screen}");
    }

    let mut a = basket_app();
    let priced = baskets_of(&mut a).priced.as_mut().unwrap();
    priced.lines[0].sku = "603-RC0603FR-0710KL".into();
    (priced.lines[0].qty, priced.lines[0].unit_price, priced.lines[0].line_total) =
        (100_000, Some(dec!(0.001475)), Some(dec!(147.50)));
    let per_three = PricedBasketLine {
        sku: "T-CON-1".into(),
        qty: 999_999_999,
        unit_price: Some(dec!(1.00)),
        base_quantity: dec!(3),
        line_total: Some(dec!(333333333.00)),
        ..priced.lines[0].clone()
    };
    priced.lines.push(per_three);
    priced.lines[1].sku = "311-10.0KHRTR-ND".into();
    priced.lines[1].warnings.clear();
    (priced.lines[1].qty, priced.lines[1].unit_price, priced.lines[1].line_total) =
        (10_000, Some(dec!(0.00868)), Some(dec!(86.80)));
    let screen = render_at(&mut a, 80, 24);
    for whole in [
        "603-RC0603FR-0710KL",
        "100000",
        "0.001475",
        "147.50",
        "311-10.0KHRTR-ND",
        "0.00868",
        "86.80",
        "999999999",
        "1.00 per 3",
        "333333333.00",
    ] {
        assert!(screen.contains(whole), "{whole} is cut at 80×24:\n{screen}");
    }

    let mut a = search_app();
    let mut p = product();
    (p.sku, p.pack_size, p.min_qty) = ("311-10.0KHRTR-ND".into(), 5000, 5000);
    a.open(Detail::new(
        "demo",
        Box::new(PartDetail {
            product: p,
            prices: Some(PriceEntry {
                sku: "311-10.0KHRTR-ND".into(),
                tiers: vec![
                    Tier::new(5000, dec!(0.00912)),
                    Tier::new(10_000, dec!(0.00868)),
                    Tier::new(50_000, dec!(0.007351)),
                ],
                vat_rate: dec!(19),
            }),
            currency: "EUR".into(),
            successor: None,
        }),
    ));
    let screen = render_at(&mut a, 80, 24);
    for whole in
        ["from   5000     0.00912", "from  10000     0.00868", "from  50000    0.007351", "= 45.60", "= 367.55"]
    {
        assert!(screen.contains(whole), "{whole} is cut at 80×24:\n{screen}");
    }
}

/// The checkout checks the delivery date against the service's clock, read
/// when the form is sent: an app left open past midnight has the new date.
#[test]
fn an_app_open_past_midnight_has_the_new_date() {
    let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
    let mut a = basket_app();
    let clock = Clock::fixed(at("2026-11-28T23:59:00+01:00"));
    a.cx.clock = clock.clone();
    let mut form = CheckoutForm::new("weekly");
    form.po = Input::new("PO-1");
    form.date = Input::new("2026-11-28");
    a.open(form);
    let options = |a: &App| a.dialog::<CheckoutForm>().unwrap().options(&a.cx);
    assert!(options(&a).is_ok(), "today, a minute before midnight: {:?}", options(&a));
    clock.set(at("2026-11-29T00:01:00+01:00"));
    let e = options(&a).unwrap_err();
    assert!(e.contains("2026-11-28 is in the past"), "{e}");
}

fn shown(changed: Vec<PriceChange>) -> Msg {
    let mut a = basket_app();
    let basket = baskets_of(&mut a).priced.clone().unwrap();
    Msg::Priced(Box::new(procure_client::service::baskets::Shown { basket, changed }))
}

/// A basket shown with prices changed since the buyer agreed to them asks
/// whether to take the new ones (once per change), when the baskets screen
/// is on show; a yes asks the engine to record them.
#[test]
fn a_basket_shown_asks_about_changed_prices_once() {
    use super::dialogs::confirm::Confirm;
    let change = PriceChange::new("P-100233", 12, Some(dec!(6.10)), dec!(6.30));
    let mut a = basket_app();
    a.show(search::ID);
    a.on_msg(shown(vec![change.clone()]));
    assert!(a.dialog::<Confirm>().is_none(), "not over another screen");
    a.show(baskets::ID);
    a.on_msg(shown(vec![change.clone()]));
    let screen = render_at(&mut a, 80, 24);
    assert!(screen.contains("P-100233 × 12: 6.10 → 6.30") && screen.contains("y yes"), "{screen}");
    let fx = a.handle(ch('y'));
    let op = BasketOp::AcceptPrices { basket: "weekly".into(), changes: vec![change.clone()] };
    assert_eq!(fx, vec![Effect::Basket { supplier: "demo".into(), op }]);
    assert!(a.dialog::<Confirm>().is_none());
    a.on_msg(shown(vec![change.clone()]));
    assert!(a.dialog::<Confirm>().is_none(), "asked once");
    let other = PriceChange::new("P-100233", 12, Some(dec!(6.10)), dec!(6.50));
    a.on_msg(shown(vec![other]));
    assert!(a.dialog::<Confirm>().is_some(), "another change is asked about");
    a.handle(ch('n'));
    assert!(a.dialog::<Confirm>().is_none(), "n keeps the agreed prices");
}

/// What a catalog may hold, at 80×24: a name of 10,000 characters, right-to-left
/// text, U+202E (as the service hands it on: cleaned), zero-width and
/// combining characters, emoji and CJK, a 49-character SKU, stock and prices
/// at their limits. Every row keeps its name column, every figure is whole
/// (or visibly abbreviated), and every row is exactly as wide as the screen.
fn hostile_search_app(prices_at_limit: bool) -> App {
    let mut a = app(true);
    search(&mut a).input = Input::new("bearing");
    search(&mut a).seq = 1;
    search(&mut a).shown_seq = 1;
    let long_sku = "SKU-".to_string() + &"X".repeat(45);
    let bidi = procure_client::core::sanitize::clean("Bearing \u{202E}fdp.exe\u{202C} 6205");
    let (high, low) = if prices_at_limit { (dec!(9999999.999999), dec!(0.000001)) } else { (dec!(19.99), dec!(0.01)) };
    search(&mut a).rows = vec![
        row("P-1", "LONG-1", &"Very long name ".repeat(667)[..10_000], dec!(6.90), 1_234_567),
        row("P-2", "RTL-2", "محمل كروي عميق الأخدود 6205", dec!(12.50), 987_654_321),
        row("P-3", "BIDI-3", &bidi, dec!(1.00), u32::MAX),
        row("P-4", "ZW-4", "Zero\u{200B}width\u{200D}joined\u{FEFF} bearing", high, 5),
        row("P-5", "COMB-5", "Bearin\u{0301}\u{0301}\u{0301}g with combining marks", low, 0),
        row("P-6", "EMOJI-6", "🔩🔧 Bolt kit 👍🏽🇩🇪 for 6205", dec!(3.10), 42),
        row("P-7", "CJK-7", "深沟球轴承６２０５－２ＲＳ　带密封圈", dec!(4.20), 999_999),
        row(&long_sku, "LONGSKU-8", "Bearing with a long SKU", dec!(5.00), 7),
    ];
    search(&mut a).total = 8;
    a
}

/// The rows of a rendered screen as the terminal shows them (TestBackend
/// notes hidden cells after a row's closing quote).
fn screen_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| l.starts_with('"'))
        .map(|l| {
            let l = &l[1..];
            l.find("\" Hidden").map_or(l.trim_end_matches('"'), |end| &l[..end]).to_string()
        })
        .collect()
}

#[test]
fn hostile_names_and_limits_at_80x24() {
    for (name, at_limit) in [("hostile_names", false), ("hostile_names_prices_at_limit", true)] {
        let small = sizes(name, &mut hostile_search_app(at_limit));
        for row in screen_rows(&small) {
            assert_eq!(crate::tui::widgets::text::cells(&row), 80, "a row is not 80 cells wide: {row}");
        }
        for cut in ["234567", "654321", "967295"] {
            assert!(!small.contains(cut), "a number is cut from the left ({cut}):\n{small}");
        }
        // The name column stays for every row, even beside a 49-character SKU.
        for name in ["Very long", "محمل", "Bearing fdp.exe", "Zero", "Bolt kit", "深沟球轴承", "Bearing with"]
        {
            assert!(small.contains(name), "{name} is missing at 80×24:\n{small}");
        }
        assert!(small.contains("SKU-XXXXXXXX"), "the long SKU is shown, cut visibly:\n{small}");
        // A flag is whole or not there: never a lone regional indicator.
        let lone = small.chars().filter(|c| ('\u{1F1E6}'..='\u{1F1FF}').contains(c)).count();
        assert_eq!(lone % 2, 0, "a regional indicator alone:\n{small}");
        if at_limit {
            for whole in ["9999999.999999 ×1", "0.000001 ×1"] {
                assert!(small.contains(whole), "{whole} is cut at 80×24:\n{small}");
            }
        } else {
            // Stock whole or abbreviated with its unit, never cut.
            for whole in ["1.2M", "987M", "4.2G", "999999"] {
                assert!(small.contains(whole), "{whole} is missing at 80×24:\n{small}");
            }
        }
    }
}

/// A terminal may draw a wide character (a lone regional indicator, an
/// emoji) wider than the app measured it, leaving a stray cell beside it
/// that the app's buffer thinks is blank. Once a dialog closes, every cell
/// is painted again: nothing the dialog's text left stays on the list.
#[test]
fn closing_a_dialog_repaints_every_cell() {
    use ratatui::backend::Backend;
    let mut a = search_app();
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    super::draw(&mut t, &mut a).unwrap();
    let clean = t.backend().buffer().clone();
    a.open(Detail::new(
        "demo",
        Box::new(PartDetail {
            product: Product { name: "Flag kit \u{1F1E9} lone".into(), ..product() },
            prices: None,
            currency: "EUR".into(),
            successor: None,
        }),
    ));
    super::draw(&mut t, &mut a).unwrap();
    // The terminal's stray half on a row of the results, outside the dialog.
    let mut stray = ratatui::buffer::Cell::default();
    stray.set_symbol("\u{1F1E9}");
    t.backend_mut().draw(std::iter::once((1u16, 22u16, &stray))).unwrap();
    a.handle(esc());
    super::draw(&mut t, &mut a).unwrap();
    assert_eq!(t.backend().buffer(), &clean, "after Esc the screen is the screen before the detail");
}

/// Four suppliers, the search of all of them on show: rows from three.
fn all_suppliers_app() -> App {
    let mut a = search_app();
    a.cx.suppliers = vec!["acme".into(), "bolt".into(), "crane".into(), "nordwerk-industrie".into()];
    a.cx.supplier = "acme".into();
    let s = search(&mut a);
    s.all = true;
    let mut rows = s.rows.clone();
    rows[0].supplier = "acme".into();
    rows[1].supplier = "nordwerk-industrie".into();
    rows[1].currency = "CHF".into();
    rows[2].supplier = "bolt".into();
    s.rows = rows;
    s.statuses = vec![procure_client::service::catalog::CatalogStatus {
        supplier: "crane".into(),
        state: procure_client::service::catalog::CatalogState::Missing,
        synced_at: None,
        parts: 0,
        note: Some("never synced".into()),
    }];
    a
}

/// At 80×24 the search of all suppliers keeps every SKU, price (with its
/// currency) and a short supplier name; the maker, stock and lead go first.
#[test]
fn a_search_of_all_suppliers_has_a_supplier_column_that_fits_80x24() {
    let mut a = all_suppliers_app();
    let small = sizes("search_all_suppliers", &mut a);
    for whole in ["P-100233", "P-100411", "P-100234", "6.90 EUR ×1", "5.80 CHF ×1", "6.40 EUR ×1", "nordwer…", "bolt"]
    {
        assert!(small.contains(whole), "{whole} is cut at 80×24:\n{small}");
    }
    assert!(small.contains("all suppliers"), "the field says what is searched:\n{small}");
    assert!(small.contains("crane not searched"), "a supplier that cannot answer is named:\n{small}");
    assert!(small.contains("acme · "), "the header names the supplier on show:\n{small}");
}

/// The key switches the search between the supplier on show and all of
/// them, and the search it sends says which.
#[test]
fn a_key_switches_the_search_between_this_supplier_and_all() {
    let mut a = search_app();
    a.cx.suppliers = vec!["demo".into(), "bolt".into()];
    let fx = a.action(Action::AllSuppliers);
    assert!(search(&mut a).all);
    assert!(matches!(&fx[..], [Effect::Search { all: true, supplier, .. }] if supplier == "demo"), "{fx:?}");
    let fx = a.action(Action::AllSuppliers);
    assert!(matches!(&fx[..], [Effect::Search { all: false, .. }]), "{fx:?}");
    // The keymap's key does it, from the field too.
    let fx = a.handle(crossterm::event::Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('t'),
        crossterm::event::KeyModifiers::CONTROL,
    )));
    assert!(matches!(&fx[..], [Effect::Search { all: true, .. }]), "{fx:?}");
    // One supplier: nothing to switch to.
    let mut one = search_app();
    assert!(one.action(Action::AllSuppliers).is_empty());
    assert!(!search(&mut one).all);
}

/// Adding another supplier's part asks for that supplier's baskets and puts
/// the part into one of them, saying which supplier.
#[test]
fn adding_another_suppliers_part_goes_into_that_suppliers_basket() {
    let mut a = all_suppliers_app();
    a.cx.baskets = vec!["weekly".into()];
    a.cx.baskets_listed = true;
    search(&mut a).focus = Focus::List;
    search(&mut a).selected = 2;
    let fx = a.action(Action::Add);
    assert_eq!(
        fx,
        vec![
            Effect::Baskets { supplier: "bolt".into() },
            Effect::Detail { supplier: "bolt".into(), sku: "P-100234".into() }
        ]
    );
    let basket = |name: &str| (name.to_string(), Ok(Basket::new(name, Utc::now())));
    a.on_msg(Msg::Baskets { supplier: "bolt".into(), list: vec![basket("bolt-spares"), basket("bolt-yearly")] });
    assert_eq!(a.cx.baskets, ["weekly"], "the baskets of the supplier on show stay");
    let mut p = product();
    p.sku = "P-100234".into();
    a.on_msg(Msg::Detail(Box::new(PartDetail { product: p, prices: None, currency: "EUR".into(), successor: None })));
    let prompt = a.prompt().expect("the quantity prompt");
    assert!(
        matches!(prompt.kind(), PromptKind::AddQty { supplier, basket, .. } if supplier == "bolt" && basket == "bolt-spares")
    );
    let small = render_at(&mut a, 80, 24);
    assert!(small.contains("into basket bolt-spares of bolt"), "{small}");
    insta::assert_snapshot!("add_prompt_other_supplier_80x24", small);
    // Tab picks another of bolt's baskets; Enter adds there, for bolt.
    a.action(Action::FocusNext);
    let fx = a.action(Action::Apply);
    assert_eq!(
        fx,
        vec![Effect::Basket {
            supplier: "bolt".into(),
            op: BasketOp::Add { basket: "bolt-yearly".into(), sku: "P-100234".into(), qty: 1 }
        }]
    );
    assert_eq!(a.cx.basket, None, "the basket on show is not bolt's");
}

/// The picker lists every supplier; choosing one asks the engine for it,
/// and once it is open every screen shows it.
#[test]
fn the_app_switches_the_supplier_it_works_on() {
    let mut a = all_suppliers_app();
    let fx = a.action(Action::Supplier);
    assert!(fx.is_empty());
    let picker = a.dialog::<super::dialogs::choose_supplier::ChooseSupplier>().expect("the picker");
    assert_eq!(picker.names().len(), 4);
    let small = render_at(&mut a, 80, 24);
    assert!(small.contains("acme (on show)"), "{small}");
    insta::assert_snapshot!("supplier_picker_80x24", small);
    a.action(Action::Down);
    let fx = a.action(Action::Apply);
    assert_eq!(fx, vec![Effect::Switch { supplier: "bolt".into() }]);
    orders_of(&mut a).orders.loaded = true;
    let fx = a.on_msg(Msg::Switched {
        supplier: "bolt".into(),
        shop: "https://bolt.example".into(),
        logged_in: true,
        caps: procure_client::service::Capabilities::ALL,
        me: None,
    });
    assert_eq!(a.cx.supplier, "bolt");
    assert!(!orders_of(&mut a).orders.loaded, "the orders are loaded again for bolt");
    assert!(fx.contains(&Effect::Baskets { supplier: "bolt".into() }), "{fx:?}");
    a.show(orders::ID);
    let fx = a.action(Action::Screen(orders::ID));
    assert_eq!(fx, vec![Effect::Orders { supplier: "bolt".into() }, Effect::Late { supplier: "bolt".into() }]);
    let screen = render_at(&mut a, 80, 24);
    assert!(screen.contains("Orders of bolt") && screen.contains("procure bolt ·"), "{screen}");
}

/// R syncs every supplier; the summary names the ones that failed.
#[test]
fn every_supplier_syncs_from_the_app() {
    let mut a = all_suppliers_app();
    search(&mut a).focus = Focus::List;
    let fx = a.action(Action::SyncAll);
    assert_eq!(fx, vec![Effect::SyncAll { supplier: "acme".into() }]);
    assert!(a.action(Action::SyncAll).is_empty(), "one sync at a time");
    a.on_msg(Msg::SyncedAll {
        summary: "3 of 4 suppliers synced; crane: cannot reach".into(),
        failed: vec!["crane".into()],
    });
    assert!(!a.cx.syncing);
    assert_eq!(a.status(), Some("3 of 4 suppliers synced; crane: cannot reach"));
}

/// C on a basket lists the other suppliers; the one chosen makes the basket
/// there, and the lines not found are told.
#[test]
fn a_basket_is_made_at_another_supplier_from_the_app() {
    let mut a = all_suppliers_app();
    a.show(baskets::ID);
    a.cx.baskets = vec!["weekly".into()];
    a.cx.basket = Some("weekly".into());
    baskets_of(&mut a).list = vec![("weekly".into(), Ok(Basket::new("weekly", Utc::now())))];
    a.action(Action::CopyBasket);
    let picker = a.dialog::<super::dialogs::choose_supplier::ChooseSupplier>().expect("the picker");
    assert_eq!(picker.names(), ["bolt", "crane", "nordwerk-industrie"], "the others");
    assert!(render_at(&mut a, 80, 24).contains("Make basket weekly at"));
    let fx = a.action(Action::Apply);
    assert_eq!(fx, vec![Effect::CopyBasket { supplier: "acme".into(), basket: "weekly".into(), to: "bolt".into() }]);
    let report = procure_client::service::baskets::CopyReport {
        from: "acme".into(),
        basket: "weekly".into(),
        to: "bolt".into(),
        into: "weekly".into(),
        from_currency: "EUR".into(),
        currency: "EUR".into(),
        copied: vec![],
        unresolved: vec![procure_client::service::baskets::UnresolvedLine {
            line: 1,
            sku: "T-REL-1".into(),
            mpn: "XR-4471-24VDC".into(),
            manufacturer: "Finder".into(),
            quantity: 2,
            reason: "bolt has no part with type number \"XR-4471-24VDC\" of Finder".into(),
            choices: vec![],
        }],
        made: false,
    };
    a.on_msg(Msg::BasketCopied(Box::new(report)));
    let said = a.status().unwrap_or_default().to_string();
    assert!(said.starts_with("no line of weekly was found at bolt") && said.contains("line 1 T-REL-1"), "{said}");
}

/// The detail of another supplier's part says whose it is; its "add" goes
/// into a basket of that supplier, and its successor is that supplier's.
#[test]
fn the_detail_of_another_suppliers_part_adds_it_there() {
    let mut a = all_suppliers_app();
    a.cx.baskets = vec!["weekly".into()];
    search(&mut a).focus = Focus::List;
    search(&mut a).selected = 2;
    let fx = a.action(Action::Open);
    assert_eq!(fx, vec![Effect::Detail { supplier: "bolt".into(), sku: "P-100234".into() }]);
    let mut p = product();
    p.sku = "P-100234".into();
    p.discontinued = true;
    p.replaced_by = Some("P-200000".into());
    a.on_msg(Msg::Detail(Box::new(PartDetail { product: p, prices: None, currency: "EUR".into(), successor: None })));
    let screen = render_at(&mut a, 80, 24);
    assert!(screen.contains("Supplier     bolt"), "{screen}");
    assert_eq!(a.action(Action::Open), vec![Effect::Detail { supplier: "bolt".into(), sku: "P-200000".into() }]);
    let fx = a.action(Action::Add);
    assert_eq!(
        fx,
        vec![
            Effect::Baskets { supplier: "bolt".into() },
            Effect::Detail { supplier: "bolt".into(), sku: "P-100234".into() }
        ]
    );
    assert_eq!(a.dialogs(), 0, "the detail closed; the quantity prompt follows");
}

/// A comparison of four suppliers' offers for P-100233's part at 9: the
/// supplier on show (covers from stock), one in dollars (short of stock),
/// one in pounds (no rate) and one that sells packs of 10 (no stock).
fn comparison() -> procure_client::service::compare::Comparison {
    use procure_client::core::compare::{self, By, Listing, Makers, Rates};
    use procure_client::search::MatchKind;
    use procure_client::service::catalog::{CatalogState, CatalogStatus};
    let listing = |supplier: &str, sku: &str, currency: &str, pack: u32, stock: u32, lead: u32, tiers: &[(u32, _)]| {
        let mut p = product();
        (p.sku, p.pack_size, p.min_qty, p.stock, p.lead_time_days) = (sku.into(), pack, pack, stock, lead);
        Listing {
            supplier: supplier.into(),
            currency: currency.into(),
            product: p,
            tiers: tiers.iter().map(|&(q, price)| Tier::new(q, price)).collect(),
            matched: Some(MatchKind::Exact),
        }
    };
    let listings = [
        listing("demo", "P-100233", "EUR", 1, 120, 3, &[(1, dec!(6.90)), (10, dec!(6.10))]),
        listing("bolt", "B-6205", "USD", 1, 8, 4, &[(1, dec!(7.40)), (10, dec!(6.60))]),
        listing("crane", "C-6205", "GBP", 1, 300, 2, &[(1, dec!(5.00))]),
        listing("dock", "D-6205-10", "EUR", 10, 0, 14, &[(10, dec!(6.00))]),
    ];
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let rates = Rates::new("EUR", [("USD".to_string(), dec!(0.86))]);
    let part = compare::compare_part(&listings, 9, By::Cost, today, &rates, &Makers::default());
    let status = |name: &str, state, note: Option<&str>| CatalogStatus {
        supplier: name.into(),
        state,
        synced_at: None,
        parts: 0,
        note: note.map(str::to_string),
    };
    procure_client::service::compare::Comparison {
        query: "P-100233".into(),
        quantity: 9,
        by: By::Cost,
        currency: "EUR".into(),
        today,
        parts: vec![part],
        total: 1,
        notes: vec!["offers in GBP are listed but not ranked: config.toml has no rate for GBP".into()],
        suppliers: vec![
            status("demo", CatalogState::Ready, None),
            status("old", CatalogState::Missing, Some("never synced: run `procure --profile old sync`")),
        ],
    }
}

/// Every supplier's offer for one part, at 80×24 and 140×40: codes and
/// figures whole, the best marked with its reason, the larger quantity that
/// costs less, the currency without a rate and the supplier that cannot
/// answer said; `a` adds the selected offer at its order quantity to a
/// basket of its own supplier, `t` compares by arrival instead.
#[test]
fn compare_view() {
    use super::dialogs::compare::CompareView;
    use procure_client::core::compare::By;
    let mut a = search_app();
    a.cx.baskets = vec!["weekly".into()];
    a.cx.basket = Some("weekly".into());
    a.open(CompareView::with("demo", "P-100233", comparison()));
    let small = sizes("compare_view", &mut a);
    for whole in ["P-100233", "B-6205", "C-6205", "D-6205-10", "62.10", "57.28", "60.00", "▶ best: demo P-100233"] {
        assert!(small.contains(whole), "{whole} is cut at 80×24:\n{small}");
    }
    assert!(small.contains("buy more: demo P-100233: 10 for 61.00 EUR instead of 9 for 62.10 EUR"), "{small}");
    assert!(small.contains("old (missing)"), "{small}");
    // The best first; the backorders by arrival; the one not ranked last.
    let offers: Vec<String> =
        a.dialog::<CompareView>().unwrap().part().unwrap().offers.iter().map(|o| o.sku.clone()).collect();
    assert_eq!(offers, ["P-100233", "B-6205", "D-6205-10", "C-6205"]);
    // Another supplier's offer goes into that supplier's basket used last.
    a.handle(key(crossterm::event::KeyCode::Down));
    let fx = a.handle(ch('a'));
    assert_eq!(
        fx,
        vec![Effect::AddOffer {
            supplier: "bolt".into(),
            sku: "B-6205".into(),
            qty: 9,
            basket: None,
            otherwise: "weekly".into()
        }]
    );
    // Packs of 10: the order quantity, into the basket adds go to here.
    a.handle(key(crossterm::event::KeyCode::Down));
    let fx = a.handle(key(crossterm::event::KeyCode::Enter));
    assert!(matches!(&fx[..], [Effect::AddOffer { supplier, qty: 10, .. }] if supplier == "dock"), "{fx:?}");
    a.handle(ch('g'));
    let fx = a.handle(ch('a'));
    assert!(
        matches!(&fx[..], [Effect::AddOffer { supplier, basket: Some(b), qty: 9, .. }] if supplier == "demo" && b == "weekly"),
        "{fx:?}"
    );
    let fx = a.handle(ch('t'));
    assert!(matches!(&fx[..], [Effect::Compare { query, qty: 9, by: By::Date, .. }] if query == "P-100233"), "{fx:?}");
    // An older answer is dropped; the one asked for is shown.
    let Effect::Compare { seq, .. } = fx[0].clone() else { unreachable!() };
    a.on_msg(Msg::Compared { seq: seq - 1, comparison: Box::new(comparison()) });
    assert!(a.dialog::<CompareView>().unwrap().comparison().is_some_and(|c| c.by == By::Cost));
    let mut by_date = comparison();
    by_date.by = By::Date;
    a.on_msg(Msg::Compared { seq, comparison: Box::new(by_date) });
    assert!(a.dialog::<CompareView>().unwrap().comparison().is_some_and(|c| c.by == By::Date));
    // Added elsewhere: said, and the supplier on show keeps its basket.
    let fx = a.on_msg(Msg::OfferAdded {
        supplier: "bolt".into(),
        basket: "weekly".into(),
        message: "9 × B-6205 added".into(),
    });
    assert!(fx.is_empty());
    assert_eq!(a.cx.basket.as_deref(), Some("weekly"));
    let fx = a.on_msg(Msg::OfferAdded { supplier: "demo".into(), basket: "spares".into(), message: "added".into() });
    assert_eq!(fx, vec![Effect::Baskets { supplier: "demo".into() }]);
    assert_eq!(a.cx.basket.as_deref(), Some("spares"));
    a.handle(esc());
    assert!(a.dialog::<CompareView>().is_none());
}

/// From a search result (its smallest quantity) and from the quantity
/// prompt (the quantity typed), a key compares the part.
#[test]
fn a_part_is_compared_from_its_search_result_and_from_the_quantity_prompt() {
    use super::dialogs::compare::CompareView;
    let mut a = search_app();
    let ctrl_k = crossterm::event::Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('k'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    let fx = a.handle(ctrl_k.clone());
    assert!(matches!(&fx[..], [Effect::Compare { query, qty: 1, .. }] if query == "P-100233"), "{fx:?}");
    let screen = render_at(&mut a, 80, 24);
    assert!(screen.contains("Comparing every supplier's offer for P-100233 at 1…"), "{screen}");
    a.handle(esc());
    a.cx.baskets = vec!["weekly".into()];
    a.cx.basket = Some("weekly".into());
    let detail = PartDetail { product: product(), prices: None, currency: "EUR".into(), successor: None };
    a.open(Prompt::add_qty(&a.cx, &detail));
    a.handle(ch('4'));
    a.handle(ch('0'));
    let fx = a.handle(ctrl_k);
    assert!(matches!(&fx[..], [Effect::Compare { query, qty: 40, .. }] if query == "P-100233"), "{fx:?}");
    assert!(a.dialog::<Prompt>().is_none() && a.dialog::<CompareView>().is_some());
}

/// The expediting list a supplier gave: one line promised late, one past its promise.
fn late() -> procure_client::service::expediting::Late {
    use procure_client::core::expediting::{LateLine, LateReason};
    use procure_client::service::local::Freshness;
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d);
    let line = |order: &str, sku: &str, reason, days, promised| LateLine {
        supplier: "demo".into(),
        order: order.into(),
        po_number: "PO-4711".into(),
        line: 1,
        sku: sku.into(),
        name: "Deep groove ball bearing".into(),
        quantity: 12,
        shipped: 5,
        requested: day(15),
        promised,
        days_late: days,
        reason,
    };
    procure_client::service::expediting::Late {
        supplier: "demo".into(),
        freshness: Freshness { as_of: Some(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()), offline: true },
        lines: vec![
            line("SO-100002", "P-100501", LateReason::PastPromise, 2, chrono::NaiveDate::from_ymd_opt(2026, 11, 26)),
            line("SO-100001", "P-100233", LateReason::PromisedLate, 5, day(20)),
        ],
    }
}

#[test]
fn orders_marks_late_orders_and_a_key_shows_only_the_late_lines() {
    let mut a = app(true);
    let fx = a.action(Action::Screen(orders::ID));
    assert!(fx.contains(&Effect::Late { supplier: "demo".into() }), "{fx:?}");
    orders_of(&mut a).orders.loaded = true;
    let created = Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap();
    let totals = Totals {
        currency: "EUR".into(),
        net: dec!(135.20),
        shipping: dec!(9.90),
        vat: dec!(27.57),
        gross: dec!(172.67),
    };
    let summary = |n: &str, status| OrderSummary {
        number: n.into(),
        status,
        created_at: created,
        po_number: "PO-4711".into(),
        placed_by: "buyer".into(),
        line_count: 2,
        totals: totals.clone(),
    };
    orders_of(&mut a).orders.list = vec![
        summary("SO-100003", OrderStatus::Delivered),
        summary("SO-100002", OrderStatus::PartlyShipped),
        summary("SO-100001", OrderStatus::Confirmed),
    ];
    a.on_msg(Msg::Late(Box::new(late())));
    let small = sizes("orders_late_marked", &mut a);
    assert!(small.contains("partly_shipped LATE") && small.contains("confirmed LATE"), "{small}");
    assert!(small.contains("2 with late lines"), "{small}");
    // L: the late lines alone, most urgent first; Enter opens the order of the selected one.
    a.action(Action::LateOnly);
    assert!(orders_of(&mut a).only_late());
    let small = sizes("orders_late_only", &mut a);
    assert!(small.contains("Late lines") && small.contains("SO-100002") && small.contains("offline"), "{small}");
    assert!(small.find("SO-100002") < small.find("SO-100001"), "{small}");
    a.action(Action::Down);
    let fx = a.action(Action::Open);
    assert_eq!(fx, vec![Effect::Order { supplier: "demo".into(), number: "SO-100001".into() }]);
    a.action(Action::LateOnly);
    assert!(!orders_of(&mut a).only_late());
}

#[test]
fn order_detail_receives_what_is_open() {
    let mut a = app(true);
    a.show(orders::ID);
    let totals = Totals {
        currency: "EUR".into(),
        net: dec!(135.20),
        shipping: dec!(9.90),
        vat: dec!(27.57),
        gross: dec!(172.67),
    };
    let mut v = order_view(totals);
    // 5 shipped of line 1, 5 received: nothing open. Ship 4 more of line 2.
    v.progress[1].shipped = 2;
    a.open(OrderDetail::new(Box::new(v), false));
    a.action(Action::Receive);
    let p = a.dialog_mut::<Prompt>().expect("the receive prompt");
    assert_eq!(p.kind(), &PromptKind::Receive { order: "SO-100001".into() });
    assert_eq!(p.input.text(), "P-100501=2", "what is shipped and not received");
    let fx = a.action(Action::Apply);
    assert_eq!(
        fx,
        vec![Effect::Receive {
            supplier: "demo".into(),
            order: "SO-100001".into(),
            lines: vec![("P-100501".into(), 2)]
        }]
    );
}

fn invoice_list() -> procure_client::service::invoices::InvoiceList {
    use procure_client::core::matching::MatchStatus;
    use procure_client::service::invoices::{InvoiceItem, InvoiceList};
    use procure_client::service::local::Freshness;
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let item = |n: &str, kind, issued, due, open, m, days, disputed| InvoiceItem {
        row: procure_client::service::invoices::InvoiceRow {
            number: n.into(),
            kind,
            issue_date: issued,
            due_date: due,
            order_numbers: vec!["SO-100001".into()],
            credits_invoice: (kind == InvoiceKind::CreditNote).then(|| "INV-100002".into()),
            currency: "EUR".into(),
            gross: open,
            paid: dec!(0),
            open,
            status: PaymentStatus::Open,
            match_status: m,
            disputed,
            early_payment: None,
        },
        days_overdue: days,
    };
    InvoiceList {
        supplier: "demo".into(),
        freshness: Freshness { as_of: Some(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()), offline: false },
        invoices: vec![
            item(
                "CN-100001",
                InvoiceKind::CreditNote,
                day(11, 27),
                day(12, 31),
                dec!(3.68),
                MatchStatus::Matched,
                0,
                false,
            ),
            item("INV-100002", InvoiceKind::Invoice, day(11, 26), day(12, 31), dec!(87.11), MatchStatus::Held, 0, true),
            item(
                "INV-100001",
                InvoiceKind::Invoice,
                day(10, 2),
                day(11, 20),
                dec!(1190.00),
                MatchStatus::Matched,
                8,
                false,
            ),
        ],
        refused: vec![],
    }
}

fn invoice_view() -> procure_client::service::invoices::InvoiceView {
    use procure_client::core::matching::{LineMatch, Match, MatchStatus, Problem, ProblemCode};
    use procure_client::service::local::Freshness;
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let line = |n: u32, sku: &str, q, p: rust_decimal::Decimal, total| InvoiceLine {
        line: n,
        order_number: Some("SO-100001".into()),
        order_line: Some(n),
        sku: sku.into(),
        name: "Deep groove ball bearing".into(),
        quantity: q,
        unit_price: p,
        line_total: total,
        vat_rate: dec!(19),
    };
    let invoice = Invoice {
        number: "INV-100002".into(),
        kind: InvoiceKind::Invoice,
        issue_date: day(11, 26),
        due_date: day(12, 31),
        payment_terms: "30 days end of month".into(),
        early_payment: None,
        order_numbers: vec!["SO-100001".into()],
        credits_invoice: None,
        reason: None,
        lines: vec![line(1, "P-100233", 5, dec!(6.283), dec!(31.42)), line(2, "P-100501", 2, dec!(31.30), dec!(62.60))],
        totals: Totals {
            currency: "EUR".into(),
            net: dec!(94.02),
            shipping: dec!(0),
            vat: dec!(17.86),
            gross: dec!(111.88),
        },
        paid: dec!(0),
        open: dec!(111.88),
        status: PaymentStatus::Open,
        payments: vec![],
        disputes: vec![Dispute {
            at: Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap(),
            by: "buyer".into(),
            reason: "line 1 is 3 % above the order price".into(),
        }],
    };
    let m = |n: u32, sku: &str, price, ordered_at, status, problems: Vec<Problem>| LineMatch {
        line: n,
        sku: sku.into(),
        order_number: Some("SO-100001".into()),
        order_line: Some(n),
        ordered: Some(12),
        received: Some(5),
        invoiced: 5,
        invoiced_to_date: Some(5),
        order_unit_price: Some(ordered_at),
        unit_price: price,
        status,
        problems,
        credit_notes: vec![],
    };
    procure_client::service::invoices::InvoiceView {
        invoice,
        matched: Match {
            status: MatchStatus::Held,
            lines: vec![
                m(
                    1,
                    "P-100233",
                    dec!(6.283),
                    dec!(6.10),
                    MatchStatus::Held,
                    vec![Problem {
                        code: ProblemCode::PriceAboveOrder,
                        message: "unit price 6.283 is above the order's 6.10 by 3.0 % (0.92 more for 5)".into(),
                        percent: Some(dec!(3.0)),
                        amount: Some(dec!(0.92)),
                    }],
                ),
                m(2, "P-100501", dec!(31.30), dec!(31.00), MatchStatus::Matched, vec![]),
            ],
            problems: vec![],
        },
        credit_notes: vec![],
        days_overdue: 0,
        freshness: Freshness { as_of: Some(Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()), offline: false },
    }
}

#[test]
fn invoices_screen_and_a_held_invoice() {
    use super::dialogs::invoice_detail::InvoiceDetail;
    use super::screens::invoices;
    let mut a = app(true);
    let fx = a.action(Action::Screen(invoices::ID));
    assert_eq!(fx, vec![Effect::Invoices { supplier: "demo".into() }]);
    a.on_msg(Msg::Invoices(Box::new(invoice_list())));
    let small = sizes("invoices", &mut a);
    for want in
        ["INV-100002", "HELD disputed", "8 d over", "-3.68", "open 1273.43 EUR", "overdue 1190.00", "held 87.11"]
    {
        assert!(small.contains(want), "{want}:\n{small}");
    }
    a.action(Action::Down);
    assert_eq!(a.action(Action::Open), vec![Effect::Invoice { supplier: "demo".into(), number: "INV-100002".into() }]);
    a.on_msg(Msg::Invoice(Box::new(invoice_view())));
    assert!(a.dialog_mut::<InvoiceDetail>().is_some());
    let small = sizes("invoice_detail", &mut a);
    for want in ["Three-way match: HELD", "by 3.0 % (0.92 more for 5)", "d dispute"] {
        assert!(small.contains(want), "{want}:\n{small}");
    }
    // d asks why, Enter sends the dispute.
    a.action(Action::Dispute);
    a.dialog_mut::<Prompt>().unwrap().input.insert_str("line 1 above the order price");
    let fx = a.action(Action::Apply);
    assert_eq!(
        fx,
        vec![Effect::Dispute {
            supplier: "demo".into(),
            number: "INV-100002".into(),
            reason: "line 1 above the order price".into()
        }]
    );
}
