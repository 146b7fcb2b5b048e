//! The order rules every backend obeys, written once in the protocol: which
//! orders keep a PO number, how long a PO number may be, and one code for
//! one problem. Each test runs the real `procure` binary against the real
//! reference shop twice over: through its HTTP API (the native backend) and
//! as a Peppol supplier through files (the Peppol backend), for the same
//! company. Medusa's side is in medusa_backend.rs.

use crate::common::*;
use crate::peppol::{Peppol, xml_files};
use serde_json::{Value, json};

/// A buyer of ACME on the shop's HTTP API: the shop behind `pp`.
fn native(pp: &Peppol) -> Home {
    let home = Home::new();
    home.login(&pp.shop.url, "ACME", "buyer");
    home.run(&["sync"]).ok();
    home
}

fn basket(home: &Home, name: &str, lines: &[(&str, &str)]) {
    home.run(&["basket", "new", name]).ok();
    for (sku, qty) in lines {
        home.run(&["basket", "add", name, sku, qty]).ok();
    }
}

/// The `--json` error a failed command wrote to stderr.
fn error(r: &Run) -> Value {
    serde_json::from_str(&r.stderr()).unwrap_or_else(|e| panic!("stderr is not a JSON error ({e}):\n{}", r.stderr()))
}

fn submit(home: &Home, basket: &str, po: &str) -> Run {
    home.run(&["--json", "order", "submit", "--basket", basket, "--po", po])
}

#[test]
fn a_po_number_on_another_order_is_duplicate_po_from_every_backend() {
    let pp = Peppol::new("Acme GmbH");
    let native = native(&pp);
    for (home, backend) in [(&native, "native"), (&pp.home, "peppol")] {
        basket(home, "first", &[("T-BRG-1", "1")]);
        basket(home, "second", &[("T-BRG-1", "2")]);
        let first = submit(home, "first", "PO-SAME").ok().json();
        let number = first["order"]["number"].as_str().unwrap().to_string();

        let e = error(&submit(home, "second", "PO-SAME").fails_with(5));
        assert_eq!(e["error"]["details"]["code"], "duplicate_po", "{backend}: {e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains("PO-SAME") && message.contains(&number), "{backend}: {message}");
        // The message names the problem; how to override it is the face's to say.
        assert!(!message.contains("allow"), "{backend}: {message}");
        let text = home.run(&["order", "submit", "--basket", "second", "--po", "PO-SAME"]).fails_with(5);
        assert!(
            text.stderr().contains("hint: --allow-duplicate-po places another order with this PO number"),
            "{backend}: {}",
            text.stderr()
        );
        let second =
            home.run(&["--json", "order", "submit", "--basket", "second", "--po", "PO-SAME", "--allow-duplicate-po"]);
        assert_ne!(second.ok().json()["order"]["number"], number.as_str(), "{backend}");
    }
    assert_eq!(xml_files(&pp.orders).len(), 2, "the refused Peppol order wrote nothing");
}

#[test]
fn a_cancelled_or_rejected_order_frees_its_po_number_on_every_backend() {
    let pp = Peppol::new("Acme GmbH");
    let native = native(&pp);

    // Native: an order above the buyer's limit waits for approval and holds
    // its PO number; rejected by the approver it is cancelled and frees it.
    basket(&native, "big", &[("T-BRG-1", "1000")]);
    basket(&native, "small", &[("T-BRG-1", "1")]);
    let big = submit(&native, "big", "PO-FREE").ok().json();
    assert_eq!(big["order"]["status"], "pending_approval", "{big}");
    let number = big["order"]["number"].as_str().unwrap().to_string();
    assert_eq!(error(&submit(&native, "small", "PO-FREE").fails_with(5))["error"]["details"]["code"], "duplicate_po");
    let approver = Home::new();
    approver.login(&pp.shop.url, "ACME", "approver");
    let rejected = approver.run(&["--json", "approvals", "reject", &number, "--reason", "too many"]).ok().json();
    assert_eq!(rejected["status"], "cancelled");
    submit(&native, "small", "PO-FREE").ok();

    // Peppol: the supplier rejects an order it cannot supply; the rejected
    // order frees the PO number, the one sent before it held it.
    pp.basket("stopped", &[("T-CON-1", "1")]);
    pp.basket("other", &[("T-BRG-1", "1")]);
    let update = "sku,name,list_price,discontinued\nT-CON-1,Contactor 3RT2015-1BB41 24V DC,38.50,true\n";
    assert!(pp.shop.import(update, None).status.success());
    let sent = submit(&pp.home, "stopped", "PO-PEPPOL").ok().json();
    assert_eq!(
        error(&submit(&pp.home, "other", "PO-PEPPOL").fails_with(5))["error"]["details"]["code"],
        "duplicate_po"
    );
    pp.answer();
    let number = sent["order"]["number"].as_str().unwrap();
    let o = pp.home.run(&["--json", "order", "show", number]).ok().json();
    assert_eq!(o["status"], "rejected", "{o}");
    let again = submit(&pp.home, "other", "PO-PEPPOL").ok().json();
    assert_eq!(again["order"]["status"], "sent", "{again}");
}

/// The shop's own check, asked directly: (status, body) of a preview with this PO number.
fn shop_preview(shop: &Shop, po: &str) -> (u16, Value) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let http = reqwest::Client::new();
        let login: Value = http
            .post(format!("{}/api/v1/auth/login", shop.url))
            .json(&json!({"company": "ACME", "user": "buyer", "password": "demo"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let resp = http
            .post(format!("{}/api/v1/orders/preview", shop.url))
            .bearer_auth(login["token"].as_str().unwrap())
            // The PO number is on the order placed above: only its length is asked about here.
            .json(&json!({"po_number": po, "lines": [{"sku": "T-BRG-1", "quantity": 1}], "allow_duplicate_po": true}))
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.json().await.unwrap())
    })
}

/// 64 umlauts are 128 bytes: a PO number is counted in characters, the same
/// by the client (whatever its backend) and by the shop.
#[test]
fn a_po_number_is_counted_in_characters_by_the_client_and_the_shop() {
    let pp = Peppol::new("Acme GmbH");
    let native = native(&pp);
    let at_limit = "Ä".repeat(64);
    let over = format!("{at_limit}Ö");
    for (home, backend) in [(&native, "native"), (&pp.home, "peppol")] {
        basket(home, "po", &[("T-BRG-1", "1")]);
        let e = error(&submit(home, "po", &over).fails_with(5));
        assert!(e["error"]["message"].as_str().unwrap().contains("65 characters; the most is 64"), "{backend}: {e}");
        let done = submit(home, "po", &at_limit).ok().json();
        assert_eq!(done["order"]["po_number"], at_limit.as_str(), "{backend}");
    }
    let t01 = std::fs::read_to_string(&xml_files(&pp.orders)[0]).unwrap();
    assert!(t01.contains(&format!("<cbc:CustomerReference>{at_limit}</cbc:CustomerReference>")), "{t01}");

    let (status, _) = shop_preview(&pp.shop, &at_limit);
    assert_eq!(status, 200);
    let (status, body) = shop_preview(&pp.shop, &over);
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid_order");
    assert!(body["error"]["message"].as_str().unwrap().contains("65 characters"), "{body}");
}

/// A part the supplier stopped after the buyer's last sync: the shop's
/// preview and the Peppol catalogue both refuse the line as `discontinued`.
#[test]
fn a_part_the_supplier_stopped_is_discontinued_from_every_backend() {
    let pp = Peppol::new("Acme GmbH");
    let native = native(&pp);
    basket(&native, "b", &[("T-BRG-1", "1"), ("T-CON-1", "1")]);
    pp.basket("b", &[("T-BRG-1", "1"), ("T-CON-1", "1")]);
    let update = "sku,name,list_price,discontinued\nT-CON-1,Contactor 3RT2015-1BB41 24V DC,38.50,true\n";
    assert!(pp.shop.import(update, None).status.success());
    pp.export();
    for (home, backend) in [(&native, "native"), (&pp.home, "peppol")] {
        let e = error(&home.run(&["--json", "order", "preview", "--basket", "b", "--po", "PO-D"]).fails_with(5));
        let lines = e["error"]["details"]["details"].as_array().unwrap_or_else(|| panic!("{backend}: {e}"));
        assert_eq!(lines.len(), 1, "{backend}: {e}");
        assert_eq!((lines[0]["line"].as_u64(), lines[0]["sku"].as_str()), (Some(1), Some("T-CON-1")), "{backend}");
        assert_eq!(lines[0]["code"], "discontinued", "{backend}: {e}");
    }
}
