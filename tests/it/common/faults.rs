//! Fault servers, shared by every test that needs a network that misbehaves:
//! a TCP relay that loses answers or dies on purpose, a hostile HTTP proxy
//! in front of the real shop that rewrites what the shop says, a sink that
//! accepts and never answers (a shop that hangs) and records whether anybody
//! reached it, a server that answers every request with the same bytes,
//! and an address where nothing listens (a shop that is down).
//!
//! Every one binds port 0 and keeps its socket for as long as it lives: no
//! test learns a free port number and binds it later, which another process
//! could take in between.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What a relay does to the traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Fault {
    Pass = 0,
    /// Forward the matching request, then drop its answer: the server acted,
    /// the client never hears.
    LoseAnswer = 1,
    /// At the matching request stop: it and everything after never arrive.
    DieAt = 2,
    /// The server is gone: every connection is closed at once.
    Down = 3,
}

impl Fault {
    fn from_u8(v: u8) -> Fault {
        match v {
            1 => Fault::LoseAnswer,
            2 => Fault::DieAt,
            3 => Fault::Down,
            _ => Fault::Pass,
        }
    }
}

/// A TCP relay between the client and a real server that fails on purpose.
pub struct Relay {
    pub url: String,
    mode: Arc<AtomicU8>,
}

impl Relay {
    pub fn set(&self, fault: Fault) {
        self.mode.store(fault as u8, Ordering::SeqCst);
    }

    pub fn fault(&self) -> Fault {
        Fault::from_u8(self.mode.load(Ordering::SeqCst))
    }
}

/// A relay to `upstream` (`http://host:port`). `lose_answer_to` picks the
/// request whose answer `Fault::LoseAnswer` drops; `die_at` the request
/// where `Fault::DieAt` turns into `Fault::Down`.
pub fn relay(upstream: &str, lose_answer_to: fn(&[u8]) -> bool, die_at: fn(&[u8]) -> bool) -> Relay {
    let target = upstream.trim_start_matches("http://").trim_end_matches('/').to_string();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mode = Arc::new(AtomicU8::new(Fault::Pass as u8));
    let m = mode.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            if Fault::from_u8(m.load(Ordering::SeqCst)) == Fault::Down {
                let _ = client.shutdown(Shutdown::Both);
                continue;
            }
            let Ok(server) = TcpStream::connect(&target) else {
                continue;
            };
            let doomed = Arc::new(AtomicU8::new(0));
            let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (d1, m1) = (doomed.clone(), m.clone());
            let c_kill = client.try_clone().unwrap();
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n) = c_read.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let chunk = &buf[..n];
                    match Fault::from_u8(m1.load(Ordering::SeqCst)) {
                        Fault::LoseAnswer if lose_answer_to(chunk) => d1.store(1, Ordering::SeqCst),
                        Fault::DieAt if die_at(chunk) => m1.store(Fault::Down as u8, Ordering::SeqCst),
                        _ => {}
                    }
                    if Fault::from_u8(m1.load(Ordering::SeqCst)) == Fault::Down {
                        let _ = c_kill.shutdown(Shutdown::Both);
                        let _ = s_write.shutdown(Shutdown::Both);
                        return;
                    }
                    if s_write.write_all(chunk).is_err() {
                        break;
                    }
                }
                let _ = s_write.shutdown(Shutdown::Write);
            });
            let (mut s_read, mut c_write) = (server, client);
            let m2 = m.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n) = s_read.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if doomed.load(Ordering::SeqCst) == 1 || Fault::from_u8(m2.load(Ordering::SeqCst)) == Fault::Down {
                        // The server has answered; the client never hears it.
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
    Relay { url, mode }
}

/// One HTTP request as the hostile proxy saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, e.g. `/api/v1/catalog?cursor=x`.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// An answer the hostile proxy sends.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    /// This many bytes of JSON-ish filler, streamed without a length.
    Endless(usize),
}

impl Answer {
    pub fn json(status: u16, value: &serde_json::Value) -> Answer {
        Answer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Body::Bytes(serde_json::to_vec(value).unwrap()),
        }
    }

    pub fn redirect(status: u16, location: &str) -> Answer {
        Answer { status, headers: vec![("location".into(), location.into())], body: Body::Bytes(vec![]) }
    }

    /// The body as JSON (when it is).
    pub fn value(&self) -> Option<serde_json::Value> {
        match &self.body {
            Body::Bytes(b) => serde_json::from_slice(b).ok(),
            Body::Endless(_) => None,
        }
    }
}

/// What the proxy does with one exchange: `None` forwards the request to the
/// shop and passes its answer through `Rule::rewrite`.
pub trait Rule: Send + Sync + 'static {
    /// Answer without asking the shop.
    fn answer(&self, _req: &Request) -> Option<Answer> {
        None
    }
    /// Change the shop's answer.
    fn rewrite(&self, _req: &Request, answer: Answer) -> Answer {
        answer
    }
}

/// Forwards everything unchanged.
pub struct PassThrough;
impl Rule for PassThrough {}

/// An HTTP proxy in front of the real shop whose rule can be swapped while
/// it runs. Every request is recorded.
pub struct Hostile {
    pub url: String,
    rule: Arc<Mutex<Arc<dyn Rule>>>,
    pub seen: Arc<Mutex<Vec<Request>>>,
}

impl Hostile {
    pub fn start(upstream: &str) -> Hostile {
        let upstream: SocketAddr = upstream.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let rule: Arc<Mutex<Arc<dyn Rule>>> = Arc::new(Mutex::new(Arc::new(PassThrough)));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (r, s) = (rule.clone(), seen.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (r, s) = (r.clone(), s.clone());
                std::thread::spawn(move || serve_one(conn, upstream, r, s));
            }
        });
        Hostile { url, rule, seen }
    }

    pub fn set(&self, rule: impl Rule) {
        *self.rule.lock().unwrap() = Arc::new(rule);
    }

    pub fn requests(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let len: usize = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request { method, target, headers, body })
}

/// Sends a request to the shop on a fresh connection and reads its answer.
fn forward(upstream: SocketAddr, req: &Request) -> Answer {
    let mut s = TcpStream::connect(upstream).unwrap();
    let _ = s.set_nodelay(true);
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.target);
    for (k, v) in &req.headers {
        // Answers come back uncompressed, so rules can read and rewrite them.
        if !matches!(k.as_str(), "connection" | "content-length" | "if-none-match" | "accept-encoding") {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", req.body.len()));
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&req.body).unwrap();
    let mut reader = BufReader::new(s);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status: u16 = status_line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(502);
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            if !matches!(k.as_str(), "content-length" | "connection" | "transfer-encoding") {
                headers.push((k, v.trim().to_string()));
            }
        }
    }
    let mut body = Vec::new();
    let _ = reader.read_to_end(&mut body);
    Answer { status, headers, body: Body::Bytes(body) }
}

fn write_answer(conn: &mut TcpStream, answer: &Answer) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} X\r\n", answer.status);
    for (k, v) in &answer.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    match &answer.body {
        Body::Bytes(b) => {
            head.push_str(&format!("content-length: {}\r\nconnection: keep-alive\r\n\r\n", b.len()));
            // One write: a head and a body in two small segments would wait
            // on the peer's delayed ACK.
            let mut all = head.into_bytes();
            all.extend_from_slice(b);
            conn.write_all(&all)
        }
        Body::Endless(n) => {
            head.push_str("content-type: application/json\r\nconnection: close\r\n\r\n");
            conn.write_all(head.as_bytes())?;
            conn.write_all(b"{\"items\": [\"")?;
            let chunk = vec![b'x'; 1 << 16];
            let mut sent = 0;
            while sent < *n {
                conn.write_all(&chunk)?;
                sent += chunk.len();
            }
            let _ = conn.shutdown(Shutdown::Both);
            Ok(())
        }
    }
}

fn serve_one(conn: TcpStream, upstream: SocketAddr, rule: Arc<Mutex<Arc<dyn Rule>>>, seen: Arc<Mutex<Vec<Request>>>) {
    let _ = conn.set_nodelay(true);
    let mut writer = conn.try_clone().unwrap();
    let mut reader = BufReader::new(conn);
    while let Some(req) = read_request(&mut reader) {
        seen.lock().unwrap().push(req.clone());
        let rule = rule.lock().unwrap().clone();
        let answer = match rule.answer(&req) {
            Some(a) => a,
            None => rule.rewrite(&req, forward(upstream, &req)),
        };
        if write_answer(&mut writer, &answer).is_err() || matches!(answer.body, Body::Endless(_)) {
            return;
        }
    }
}

/// A listener that answers nothing and counts who reached it.
pub struct Sink {
    pub addr: SocketAddr,
    reached: Arc<AtomicUsize>,
    bytes: Arc<AtomicUsize>,
}

impl Sink {
    /// Listens on `ip` (e.g. 127.0.0.2, another loopback host).
    pub fn start(ip: &str) -> Sink {
        let listener = TcpListener::bind(format!("{ip}:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let (reached, bytes) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let (r, b) = (reached.clone(), bytes.clone());
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                r.fetch_add(1, Ordering::SeqCst);
                let b = b.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = conn.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        b.fetch_add(n, Ordering::SeqCst);
                    }
                });
            }
        });
        Sink { addr, reached, bytes }
    }

    /// Connections made and bytes received so far.
    pub fn received(&self) -> (usize, usize) {
        (self.reached.load(Ordering::SeqCst), self.bytes.load(Ordering::SeqCst))
    }
}

impl Sink {
    /// `http://` and the address.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// A server that answers every connection with `bytes` (after reading what
/// the client sent first), e.g. something that is not the protocol.
pub struct Canned {
    pub url: String,
}

impl Canned {
    pub fn start(bytes: &'static [u8]) -> Canned {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                let mut buf = [0u8; 4096];
                let _ = conn.read(&mut buf);
                let _ = conn.write_all(bytes);
            }
        });
        Canned { url }
    }
}

/// A loopback address where nothing listens: a shop that is down. The port
/// is held by a socket that is bound and never listens, so a connection is
/// refused at once, as by a host without the server — and, unlike a port
/// whose listener was closed, no other process can start listening on it
/// while the test runs.
pub struct Refusing {
    pub url: String,
    _held: socket2::Socket,
}

impl Refusing {
    pub fn start() -> Refusing {
        use socket2::{Domain, Protocol, SockAddr, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        socket.bind(&SockAddr::from(any)).unwrap();
        let addr = socket.local_addr().unwrap().as_socket().unwrap();
        Refusing { url: format!("http://{addr}"), _held: socket }
    }
}
