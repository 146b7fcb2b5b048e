//! A small element tree over quick-xml, enough to read UBL documents by
//! element path, and a writer that emits them indented and escaped.
//!
//! A document is read whole ([`parse`]) or one child of its root at a time
//! ([`Elements`]), for documents too large to hold (a T19 catalogue of a
//! gigabyte): memory then grows with the largest child, not the file. Both
//! count lines as they read, so an error names the line it is on. Neither
//! expands entities a document declares (no DTD is read): only the five
//! predefined ones and character references, so neither an external entity
//! (XXE) nor "billion laughs" can do anything but fail.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::collections::VecDeque;
use std::io::{BufRead, Read as _};
use std::str::FromStr;

/// An element: its local name (prefix dropped), attributes, text and children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    pub name: String,
    /// The namespace URI of the element's prefix, as declared on it or an ancestor.
    pub ns: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
    /// The line of the document the element starts on (1 is the first).
    pub line: usize,
}

impl Node {
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The element at a path of local names below this one (`"Delivery/DeliveryLocation"`).
    pub fn at(&self, path: &str) -> Option<&Node> {
        path.split('/').try_fold(self, |n, part| n.child(part))
    }

    /// The trimmed text at a path; `None` when missing or empty.
    pub fn text_at(&self, path: &str) -> Option<String> {
        self.at(path).map(|n| n.text.trim().to_string()).filter(|t| !t.is_empty())
    }

    /// The trimmed text at a path, or "".
    pub fn str_at(&self, path: &str) -> String {
        self.text_at(path).unwrap_or_default()
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The line of the element at a path, or of this one when there is none.
    pub fn line_at(&self, path: &str) -> usize {
        self.at(path).map_or(self.line, |n| n.line)
    }

    /// The text at a path parsed as `T`; an error naming the element and its line when it does not parse.
    pub fn parse_at<T: FromStr>(&self, path: &str) -> Result<Option<T>, String> {
        match self.text_at(path) {
            None => Ok(None),
            Some(t) => t
                .parse::<T>()
                .map(Some)
                .map_err(|_| format!("{}/{path} (line {}): {t:?} is not a valid value", self.name, self.line_at(path))),
        }
    }
}

/// The encodings documents come in: UTF-8, or ISO-8859-1 as OpenPEPPOL's
/// catalogue examples are.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Encoding {
    Utf8,
    Latin1,
}

/// The encoding an XML declaration at the start of `head` names (UTF-8 when none does).
fn declared_encoding(head: &[u8]) -> Result<Encoding, String> {
    let head = &head[..head.len().min(200)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let encoding = head
        .strip_prefix("<?xml")
        .and_then(|d| d.split("?>").next())
        .and_then(|d| d.split("encoding").nth(1))
        .and_then(|rest| {
            let rest = rest.trim_start().strip_prefix('=')?.trim_start();
            let q = rest.chars().next()?;
            rest[1..].split(q).next().map(str::to_string)
        })
        .unwrap_or_else(|| "utf-8".to_string());
    match encoding.as_str() {
        "utf-8" | "utf8" => Ok(Encoding::Utf8),
        "iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" => Ok(Encoding::Latin1),
        other => Err(format!("unsupported character encoding {other:?} (UTF-8 or ISO-8859-1 expected)")),
    }
}

/// `Read::read` for a reader whose `BufRead` side does the work.
fn read_from_buf(r: &mut impl BufRead, buf: &mut [u8]) -> std::io::Result<usize> {
    let available = r.fill_buf()?;
    let n = available.len().min(buf.len());
    buf[..n].copy_from_slice(&available[..n]);
    r.consume(n);
    Ok(n)
}

/// ISO-8859-1 read as UTF-8: each byte is the code point of the same value.
struct Latin1<R> {
    inner: R,
    out: Vec<u8>,
    at: usize,
}

impl<R: BufRead> std::io::Read for Latin1<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        read_from_buf(self, buf)
    }
}

impl<R: BufRead> BufRead for Latin1<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.at >= self.out.len() {
            self.out.clear();
            self.at = 0;
            let chunk = self.inner.fill_buf()?;
            for &b in chunk {
                if b < 0x80 {
                    self.out.push(b);
                } else {
                    self.out.extend_from_slice(&[0xC0 | (b >> 6), 0x80 | (b & 0x3F)]);
                }
            }
            let n = chunk.len();
            self.inner.consume(n);
        }
        Ok(&self.out[self.at..])
    }

    fn consume(&mut self, n: usize) {
        self.at += n;
    }
}

/// A document's bytes, UTF-8 either way.
enum Decoded<R> {
    Utf8(R),
    Latin1(Latin1<R>),
}

impl<R: BufRead> std::io::Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Decoded::Utf8(r) => r.read(buf),
            Decoded::Latin1(r) => r.read(buf),
        }
    }
}

impl<R: BufRead> BufRead for Decoded<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        match self {
            Decoded::Utf8(r) => r.fill_buf(),
            Decoded::Latin1(r) => r.fill_buf(),
        }
    }

    fn consume(&mut self, n: usize) {
        match self {
            Decoded::Utf8(r) => r.consume(n),
            Decoded::Latin1(r) => r.consume(n),
        }
    }
}

/// Where the lines start that the parser has read last: enough to name the
/// line of anything an event or an error points at.
const RECENT_LINES: usize = 1 << 16;

/// Counts the lines of what the parser consumes.
struct Lines<R> {
    inner: R,
    consumed: u64,
    newlines: u64,
    /// Offsets just past the most recent newlines, oldest first.
    recent: VecDeque<u64>,
}

impl<R: BufRead> Lines<R> {
    /// The line byte `pos` of what was consumed is on (the current line
    /// for a position not consumed yet).
    fn line_at(&self, pos: u64) -> usize {
        let later = self.recent.len() - self.recent.partition_point(|&start| start <= pos);
        usize::try_from(self.newlines - later as u64 + 1).unwrap_or(usize::MAX)
    }
}

impl<R: BufRead> std::io::Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        read_from_buf(self, buf)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        // The bytes consumed are the start of what `fill_buf` gave: asking
        // again reads nothing.
        if let Ok(buf) = self.inner.fill_buf() {
            for at in memchr::memchr_iter(b'\n', &buf[..n.min(buf.len())]) {
                self.newlines += 1;
                if self.recent.len() == RECENT_LINES {
                    self.recent.pop_front();
                }
                self.recent.push_back(self.consumed + at as u64 + 1);
            }
        }
        self.consumed += n as u64;
        self.inner.consume(n);
    }
}

/// The most text and attributes one child of the root may hold (a
/// catalogue line with its embedded documents): what one element read
/// whole may take of memory.
pub const MAX_ELEMENT_BYTES: usize = 64 * 1024 * 1024;

/// How much of a document's start is read to find its encoding.
const HEAD_BYTES: usize = 256;

/// A document's bytes as the parser reads them: its start (read to find the
/// encoding) and the rest, as UTF-8, counted in lines.
type Source<R> = Lines<Decoded<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>>;

/// A document read one child of its root at a time.
pub struct Elements<R> {
    xml: quick_xml::Reader<Source<R>>,
    /// Event buffers: between the root's children, and within one.
    buf: Vec<u8>,
    child_buf: Vec<u8>,
    root: Node,
    /// Namespace declarations in scope (prefix, URI), innermost last.
    scope: Vec<(String, String)>,
    /// How many of `scope` the root declared.
    root_scope: usize,
    /// Whether the root's own text is kept (a document read whole).
    keep_root_text: bool,
    ended: bool,
}

impl<R: BufRead> Elements<R> {
    /// Reads up to the root's start tag.
    pub fn open(mut src: R) -> Result<Self, String> {
        // The start, for the XML declaration's encoding, however small the reads.
        let mut head = Vec::with_capacity(HEAD_BYTES);
        while head.len() < HEAD_BYTES {
            let chunk = src.fill_buf().map_err(|e| format!("cannot read the document: {e}"))?;
            if chunk.is_empty() {
                break;
            }
            let n = chunk.len().min(HEAD_BYTES - head.len());
            head.extend_from_slice(&chunk[..n]);
            src.consume(n);
        }
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        if bom {
            head.drain(..3);
        }
        let encoding = declared_encoding(&head)?;
        let src = std::io::Cursor::new(head).chain(src);
        let decoded = match encoding {
            Encoding::Utf8 => Decoded::Utf8(src),
            Encoding::Latin1 => Decoded::Latin1(Latin1 { inner: src, out: Vec::new(), at: 0 }),
        };
        let lines = Lines { inner: decoded, consumed: 0, newlines: 0, recent: VecDeque::new() };
        let mut xml = quick_xml::Reader::from_reader(lines);
        xml.config_mut().trim_text(false);
        let mut elements = Elements {
            xml,
            buf: Vec::new(),
            child_buf: Vec::new(),
            root: Node::default(),
            scope: Vec::new(),
            root_scope: 0,
            keep_root_text: false,
            ended: false,
        };
        loop {
            elements.buf.clear();
            let event = match elements.xml.read_event_into(&mut elements.buf) {
                Ok(e) => e.into_owned(),
                Err(e) => return Err(elements.error_at_reader(e.to_string())),
            };
            match event {
                Event::Start(ref s) | Event::Empty(ref s) => {
                    let empty = matches!(event, Event::Empty(_));
                    let line = elements.start_line(s.len(), empty);
                    let (node, declared) = elements.open_element(s, line)?;
                    elements.root = node;
                    elements.root_scope = declared;
                    elements.ended = empty;
                    return Ok(elements);
                }
                Event::GeneralRef(r) => {
                    // Outside the root it means nothing; an unknown one is still an error.
                    elements.resolve(&r)?;
                }
                Event::Eof => return Err("not XML: no root element".to_string()),
                _ => {}
            }
        }
    }

    /// The root element: its name, namespace, attributes and line (its
    /// children are handed out by [`Elements::next_child`]).
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The next child element of the root, read whole with everything in
    /// it; `None` once the root has ended (and nothing but comments follow it).
    pub fn next_child(&mut self) -> Result<Option<Node>, String> {
        if self.ended {
            return Ok(None);
        }
        // The events borrow the buffer, not the reader.
        let mut buf = std::mem::take(&mut self.buf);
        let next = self.next_child_in(&mut buf);
        self.buf = buf;
        next
    }

    fn next_child_in(&mut self, buf: &mut Vec<u8>) -> Result<Option<Node>, String> {
        loop {
            let event = self.next_event(buf)?;
            match event {
                Event::Start(s) => {
                    let line = self.start_line(s.len(), false);
                    let mut child_buf = std::mem::take(&mut self.child_buf);
                    let child = self.read_child(&mut child_buf, &s, line);
                    self.child_buf = child_buf;
                    return child.map(Some);
                }
                Event::Empty(s) => {
                    let line = self.start_line(s.len(), true);
                    let (node, declared) = self.open_element(&s, line)?;
                    self.scope.truncate(self.scope.len() - declared);
                    return Ok(Some(node));
                }
                Event::End(_) => {
                    self.ended = true;
                    self.after_root(buf)?;
                    return Ok(None);
                }
                Event::Text(t) => {
                    let text = t.decode().map_err(|e| self.error_here(e.to_string()))?;
                    if self.keep_root_text {
                        self.root.text.push_str(&text);
                    }
                }
                Event::CData(t) => {
                    let text = t.decode().map_err(|e| self.error_here(e.to_string()))?;
                    if self.keep_root_text {
                        self.root.text.push_str(&text);
                    }
                }
                Event::GeneralRef(r) => {
                    let text = self.resolve(&r)?;
                    if self.keep_root_text {
                        self.root.text.push_str(&text);
                    }
                }
                Event::Eof => return Err(self.ends_inside(&self.root.name)),
                _ => {}
            }
        }
    }

    /// One child of the root, from its start tag `s` to its end tag.
    fn read_child(&mut self, buf: &mut Vec<u8>, s: &BytesStart, line: usize) -> Result<Node, String> {
        let (node, declared) = self.open_element(s, line)?;
        // Open elements, each with how many namespace declarations it added.
        let mut open = vec![(node, declared)];
        let mut size = 0usize;
        loop {
            let event = self.next_event(buf)?;
            match event {
                Event::Start(s) => {
                    let line = self.start_line(s.len(), false);
                    size += s.len();
                    open.push(self.open_element(&s, line)?);
                }
                Event::Empty(s) => {
                    let line = self.start_line(s.len(), true);
                    size += s.len();
                    let (node, declared) = self.open_element(&s, line)?;
                    self.scope.truncate(self.scope.len() - declared);
                    if let Some((parent, _)) = open.last_mut() {
                        parent.children.push(node);
                    }
                }
                Event::End(_) => {
                    let Some((node, declared)) = open.pop() else {
                        return Err(self.error_here("unexpected end tag".into()));
                    };
                    self.scope.truncate(self.scope.len() - declared);
                    match open.last_mut() {
                        Some((parent, _)) => parent.children.push(node),
                        None => return Ok(node),
                    }
                }
                Event::Text(t) => {
                    let text = t.decode().map_err(|e| self.error_here(e.to_string()))?;
                    size += text.len();
                    if let Some((n, _)) = open.last_mut() {
                        n.text.push_str(&text);
                    }
                }
                Event::CData(t) => {
                    let text = t.decode().map_err(|e| self.error_here(e.to_string()))?;
                    size += text.len();
                    if let Some((n, _)) = open.last_mut() {
                        n.text.push_str(&text);
                    }
                }
                Event::GeneralRef(r) => {
                    let text = self.resolve(&r)?;
                    size += text.len();
                    if let Some((n, _)) = open.last_mut() {
                        n.text.push_str(&text);
                    }
                }
                Event::Eof => {
                    let name = open.last().map(|(n, _)| n.name.clone()).unwrap_or_default();
                    return Err(self.ends_inside(&name));
                }
                _ => {}
            }
            if size > MAX_ELEMENT_BYTES {
                return Err(format!(
                    "the element <{}> that starts at line {line} holds more than {} MiB",
                    open.first().map(|(n, _)| n.name.as_str()).unwrap_or(""),
                    MAX_ELEMENT_BYTES / (1024 * 1024)
                ));
            }
        }
    }

    /// After the root's end tag: comments, processing instructions and
    /// blanks, nothing else.
    fn after_root(&mut self, buf: &mut Vec<u8>) -> Result<(), String> {
        loop {
            let event = self.next_event(buf)?;
            match event {
                Event::Eof => return Ok(()),
                Event::Start(_) | Event::Empty(_) | Event::End(_) => {
                    return Err(self.error_here("content after the root element".into()));
                }
                Event::GeneralRef(r) => {
                    self.resolve(&r)?;
                }
                _ => {}
            }
        }
    }

    /// The line of the start tag just read (`len` bytes between `<` and `>`).
    fn start_line(&self, len: usize, empty: bool) -> usize {
        let tag = len as u64 + if empty { 3 } else { 2 };
        self.xml.get_ref().line_at(self.xml.buffer_position().saturating_sub(tag))
    }

    /// An error at the event just read.
    fn error_here(&self, e: String) -> String {
        let lines = self.xml.get_ref();
        format!("not well-formed XML at line {}: {e}", lines.line_at(lines.consumed.saturating_sub(1)))
    }

    /// An error the parser found, where it says it is.
    /// The next event, read into `buf` (cleared first).
    fn next_event<'b>(&mut self, buf: &'b mut Vec<u8>) -> Result<Event<'b>, String> {
        buf.clear();
        self.xml.read_event_into(buf).map_err(|e| self.error_at_reader(e.to_string()))
    }

    fn error_at_reader(&self, e: String) -> String {
        format!("not well-formed XML at line {}: {e}", self.xml.get_ref().line_at(self.xml.error_position()))
    }

    /// The document ended inside an element: said at its last line.
    fn ends_inside(&self, name: &str) -> String {
        let lines = self.xml.get_ref();
        let last = if lines.recent.back() == Some(&lines.consumed) { lines.newlines } else { lines.newlines + 1 };
        format!("not well-formed XML at line {}: the document ends inside <{name}>", last.max(1))
    }

    /// A character reference or one of the five predefined entities; any
    /// other entity is an error (declared ones are never expanded).
    fn resolve(&self, r: &quick_xml::events::BytesRef) -> Result<String, String> {
        match r.resolve_char_ref().map_err(|e| self.error_here(e.to_string()))? {
            Some(c) => Ok(c.to_string()),
            None => {
                let name = r.decode().map_err(|e| self.error_here(e.to_string()))?;
                quick_xml::escape::resolve_predefined_entity(&name)
                    .map(str::to_string)
                    .ok_or_else(|| self.error_here(format!("unknown entity &{name};")))
            }
        }
    }

    /// The element a start tag opens, with its namespace; its namespace
    /// declarations are pushed onto the scope (the count is returned).
    fn open_element(&mut self, s: &BytesStart, line: usize) -> Result<(Node, usize), String> {
        let qname = String::from_utf8_lossy(s.name().as_ref()).to_string();
        let mut attrs = Vec::new();
        let mut declared = 0;
        for a in s.attributes() {
            let a = a.map_err(|e| self.error_at(line, e.to_string()))?;
            let key = String::from_utf8_lossy(a.key.as_ref()).to_string();
            let value = a.unescape_value().map_err(|e| self.error_at(line, e.to_string()))?.to_string();
            if key == "xmlns" {
                self.scope.push((String::new(), value.clone()));
                declared += 1;
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                self.scope.push((p.to_string(), value.clone()));
                declared += 1;
            }
            attrs.push((key, value));
        }
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (p, l.to_string()),
            None => ("", qname.clone()),
        };
        let ns = self.scope.iter().rev().find(|(p, _)| p == prefix).map(|(_, u)| u.clone()).unwrap_or_default();
        Ok((Node { name: local, ns, attrs, text: String::new(), children: Vec::new(), line }, declared))
    }

    fn error_at(&self, line: usize, e: String) -> String {
        format!("not well-formed XML at line {line}: {e}")
    }
}

/// Parses a whole document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Node, String> {
    let mut elements = Elements::open(bytes)?;
    elements.keep_root_text = true;
    let mut children = Vec::new();
    while let Some(child) = elements.next_child()? {
        children.push(child);
    }
    let mut root = std::mem::take(&mut elements.root);
    root.children = children;
    Ok(root)
}

/// Writes an indented UTF-8 document. Element names are given with their
/// prefix (`cbc:ID`); text is escaped.
pub struct XmlOut {
    w: Writer<Vec<u8>>,
    open: Vec<String>,
}

impl Default for XmlOut {
    fn default() -> Self {
        Self::new()
    }
}

impl XmlOut {
    pub fn new() -> XmlOut {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        // Writing into a Vec cannot fail.
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        XmlOut { w, open: Vec::new() }
    }

    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        let mut s = BytesStart::new(name);
        for (k, v) in attrs {
            s.push_attribute((*k, *v));
        }
        let _ = self.w.write_event(Event::Start(s));
        self.open.push(name.to_string());
        self
    }

    pub fn end(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
        }
        self
    }

    /// `<name attrs>text</name>`.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        let mut s = BytesStart::new(name);
        for (k, v) in attrs {
            s.push_attribute((*k, *v));
        }
        let _ = self.w.write_event(Event::Start(s));
        let _ = self.w.write_event(Event::Text(BytesText::new(text)));
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
        self
    }

    /// A leaf only when there is text: BIS documents must not carry empty elements.
    pub fn opt(&mut self, name: &str, text: Option<&str>) -> &mut Self {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => self.leaf(name, &[], t),
            None => self,
        }
    }

    pub fn finish(mut self) -> Vec<u8> {
        while !self.open.is_empty() {
            self.end();
        }
        let mut out = self.w.into_inner();
        out.push(b'\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_latin1_entities_and_namespaces() {
        let doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<x:A xmlns:x=\"urn:a\" xmlns:c=\"urn:c\"><c:B k=\"v&amp;w\">K\xf6ln &amp; &#65;</c:B><c:E/></x:A>";
        let n = parse(doc).unwrap();
        assert_eq!(n.name, "A");
        assert_eq!(n.ns, "urn:a");
        assert_eq!(n.text_at("B").as_deref(), Some("Köln & A"));
        assert_eq!(n.at("B").unwrap().attr("k"), Some("v&w"));
        assert_eq!(n.at("B").unwrap().ns, "urn:c");
        assert!(n.child("E").is_some());
    }

    #[test]
    fn broken_documents_name_the_line() {
        let e = parse(b"<a>\n<b>\n</a>").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        assert!(parse(b"").unwrap_err().contains("no root"));
        assert!(parse(b"<a>").unwrap_err().contains("ends inside"));
        assert!(parse(b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>").unwrap_err().contains("encoding"));
    }

    /// A document with `fault` on line 8 (of 14), and the same filler around it.
    fn faulty(fault: &str) -> String {
        let head =
            "<?xml version=\"1.0\"?>\n<Catalogue xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2\">\n";
        let filler = "<x a=\"1\">a</x>\n".repeat(5);
        format!("{head}{filler}{fault}\n{filler}</Catalogue>\n")
    }

    #[test]
    fn every_kind_of_fault_names_its_line() {
        for fault in [
            "<y>&nope;</y>",
            "<y>&#xZZ;</y>",
            "<y a=\"1\" a=\"2\"/>",
            "<y a=1/>",
            "<y></z>",
            "<!-- x",
            "</Catalogue><z/>",
            "<y>\u{1}</y> <q>&lt</q>",
        ] {
            let e = parse(faulty(fault).as_bytes()).unwrap_err();
            assert!(e.contains("at line 8:"), "{fault}: {e}");
        }
        // Found where the document shows it: the missing end tag at the root's.
        let e = parse(faulty("<y>").as_bytes()).unwrap_err();
        assert!(e.contains("at line 14:"), "{e}");
        // Far into a large document, and in one read a child at a time.
        let mut doc = String::from("<r>\n");
        for i in 0..20_000 {
            doc.push_str(&format!("<l n=\"{i}\">\n<v>{i}</v>\n</l>\n"));
        }
        doc.push_str("<l><v>&bad;</v></l>\n</r>\n");
        let e = parse(doc.as_bytes()).unwrap_err();
        assert!(e.contains("at line 60002:"), "{e}");
        let mut elements = Elements::open(std::io::BufReader::with_capacity(4096, doc.as_bytes())).unwrap();
        let mut n = 0;
        let e = loop {
            match elements.next_child() {
                Ok(Some(l)) => {
                    assert_eq!(l.line, 2 + 3 * n, "{l:?}");
                    assert_eq!(l.at("v").unwrap().line, 3 + 3 * n);
                    n += 1;
                }
                Ok(None) => panic!("no error"),
                Err(e) => break e,
            }
        };
        assert_eq!(n, 20_000);
        assert!(e.contains("at line 60002:"), "{e}");
    }

    #[test]
    fn declared_entities_are_never_expanded() {
        let xxe =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<r><a>&x;</a></r>";
        let e = parse(xxe.as_bytes()).unwrap_err();
        assert!(e.contains("unknown entity &x;") && e.contains("line 3"), "{e}");
        let mut laughs = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n<!ENTITY l0 \"ha\">\n");
        for i in 1..10 {
            laughs.push_str(&format!("<!ENTITY l{i} \"{}\">\n", format!("&l{};", i - 1).repeat(10)));
        }
        laughs.push_str("]>\n<r><a>&l9;</a></r>\n");
        let e = parse(laughs.as_bytes()).unwrap_err();
        assert!(e.contains("unknown entity &l9;"), "{e}");
        let mut elements = Elements::open(laughs.as_bytes()).unwrap();
        assert!(elements.next_child().unwrap_err().contains("unknown entity &l9;"));
    }

    #[test]
    fn a_child_larger_than_the_bound_is_refused() {
        let big = format!("<r>\n<a>{}</a></r>", "x".repeat(MAX_ELEMENT_BYTES + 1));
        let mut elements = Elements::open(big.as_bytes()).unwrap();
        let e = elements.next_child().unwrap_err();
        assert!(e.contains("<a> that starts at line 2 holds more than 64 MiB"), "{e}");
    }

    #[test]
    fn writes_escaped_text_and_skips_empty_leaves() {
        let mut w = XmlOut::new();
        w.start("r", &[("xmlns", "urn:r")]).leaf("n", &[("a", "x\"y")], "1 < 2 & ü").opt("e", Some("  ")).end();
        let out = String::from_utf8(w.finish()).unwrap();
        assert!(out.contains("1 &lt; 2 &amp; ü"), "{out}");
        assert!(!out.contains("<e"), "{out}");
        let back = parse(out.as_bytes()).unwrap();
        assert_eq!(back.str_at("n"), "1 < 2 & ü");
        assert_eq!(back.at("n").unwrap().attr("a"), Some("x\"y"));
    }
}
