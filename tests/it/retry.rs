//! A submission whose answer is lost on the way back is retried without
//! making a second order. The fault is a real one: a TCP relay between the
//! client and the real shop that drops the answer to the order creation.

use crate::common::*;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

struct Relay {
    url: String,
    drop_order_answers: Arc<AtomicBool>,
}

fn relay(upstream: &str) -> Relay {
    let target = upstream.trim_start_matches("http://").to_string();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let drop_flag = Arc::new(AtomicBool::new(false));
    let flag = drop_flag.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(&target) else {
                continue;
            };
            let doomed = Arc::new(AtomicBool::new(false));
            let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (d1, f1) = (doomed.clone(), flag.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n) = c_read.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if f1.load(Ordering::SeqCst) && buf[..n].starts_with(b"POST /api/v1/orders HTTP/1.1") {
                        d1.store(true, Ordering::SeqCst);
                    }
                    if s_write.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = s_write.shutdown(Shutdown::Write);
            });
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n) = s_read.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if doomed.load(Ordering::SeqCst) {
                        // The shop has answered (the order exists); the buyer never hears it.
                        let _ = c_write.shutdown(Shutdown::Both);
                        let _ = s_read.shutdown(Shutdown::Both);
                        return;
                    }
                    if c_write.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = c_write.shutdown(Shutdown::Write);
            });
        }
    });
    Relay { url, drop_order_answers: drop_flag }
}

#[test]
fn a_retried_submission_makes_one_order() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url);
    let home = Home::new();
    home.login(&relay.url, "ACME", "buyer");
    home.run(&["sync"]).ok();
    home.run(&["basket", "new", "r"]).ok();
    home.run(&["basket", "add", "r", "T-BRG-1", "3"]).ok();

    relay.drop_order_answers.store(true, Ordering::SeqCst);
    let first = home.run(&["order", "submit", "--basket", "r", "--po", "R-1"]).fails_with(4);
    assert!(first.stderr().contains("run the same command again"), "{}", first.stderr());
    let text = std::fs::read_to_string(home.basket_file("default", "r")).unwrap();
    assert!(text.contains("idempotency_key"), "the key is kept for the retry: {text}");

    relay.drop_order_answers.store(false, Ordering::SeqCst);
    let second = home.run(&["--json", "order", "submit", "--basket", "r", "--po", "R-1"]).ok().json();
    assert_eq!(second["replayed"], true, "the shop returned the order made by the first try: {second}");

    let list = home.run(&["--json", "order", "list"]).ok().json();
    let orders: Vec<_> = list.as_array().unwrap().iter().filter(|o| o["po_number"] == "R-1").collect();
    assert_eq!(orders.len(), 1, "exactly one order: {list}");
    assert_eq!(orders[0]["number"], second["order"]["number"]);

    // A further submission after the confirmed one is a new order (the basket is a template).
    let third = home.run(&["--json", "order", "submit", "--basket", "r", "--po", "R-2"]).ok().json();
    assert_eq!(third["replayed"], false);
    assert_ne!(third["order"]["number"], second["order"]["number"]);
}
