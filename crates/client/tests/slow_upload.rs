//! A request whose body reaches the reference shop too slowly: the shop
//! answers 408 `request_timeout` without acting on it, and procure tells it
//! as a timeout (exit 4, try again), not as a refusal (exit 5). The real
//! shop runs on loopback with a short body read timeout; a relay between
//! it and procure passes the request head at once and holds the body.

use procure_client::service::session::{self, LoginFields};
use procure_client::service::{ErrorKind, Paths, Workspace};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

/// A relay to `upstream` that forwards each request's head, then waits
/// `hold` before the rest; answers go back as they come.
fn stalling_relay(upstream: std::net::SocketAddr, hold: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        // Bounded: a few connections are all the test makes.
        for client in listener.incoming().take(8).flatten() {
            let Ok(server) = TcpStream::connect(upstream) else { continue };
            let (mut from_client, mut to_server) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                let mut head_sent = false;
                while let Ok(n) = from_client.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut chunk = &buf[..n];
                    if !head_sent && let Some(end) = chunk.windows(4).position(|w| w == b"\r\n\r\n") {
                        if to_server.write_all(&chunk[..end + 4]).is_err() {
                            break;
                        }
                        head_sent = true;
                        chunk = &chunk[end + 4..];
                        std::thread::sleep(hold);
                    }
                    if to_server.write_all(chunk).is_err() {
                        break;
                    }
                }
                let _ = to_server.shutdown(Shutdown::Write);
            });
            let (mut from_server, mut to_client) = (server, client);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_server, &mut to_client);
                let _ = to_client.shutdown(Shutdown::Write);
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_the_shop_timed_out_is_a_timeout_not_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    procure_shop::seed_demo(&db, 20).unwrap();
    let opts = procure_shop::ShopOptions {
        body_read_timeout: Duration::from_millis(300),
        request_deadline: Duration::from_secs(1),
        ..procure_shop::ShopOptions::default()
    };
    let shop = procure_shop::spawn(db, ([127, 0, 0, 1], 0).into(), opts).await.unwrap();
    let relay = stalling_relay(shop.addr, Duration::from_secs(2));

    let mut ws = Workspace::open(Paths::under(dir.path().join("home"))).unwrap();
    let given = LoginFields {
        shop: Some(relay),
        company: Some("ACME".into()),
        user: Some("buyer".into()),
        allow_insecure_http: false,
    };
    let (name, profile) = session::login_profile(&ws, Some("slow"), &given).unwrap();
    let started = std::time::Instant::now();
    let e = session::login(&mut ws, &name, profile, "demo").await.err().expect("the login cannot succeed");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(e.kind(), ErrorKind::Unreachable, "{e}");
    assert_eq!(e.kind().exit_code(), 4);
    let text = e.to_string();
    assert!(text.contains("HTTP 408") && text.contains("did not receive the request in time"), "{text}");
    assert!(text.contains("try again"), "{text}");
}
