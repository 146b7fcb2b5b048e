//! A small element tree over quick-xml, enough to read UBL documents by
//! element path, and a writer that emits them indented and escaped.

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
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

    /// The text at a path parsed as `T`; an error naming the element when it does not parse.
    pub fn parse_at<T: FromStr>(&self, path: &str) -> Result<Option<T>, String> {
        match self.text_at(path) {
            None => Ok(None),
            Some(t) => {
                t.parse::<T>().map(Some).map_err(|_| format!("{}/{path}: {t:?} is not a valid value", self.name))
            }
        }
    }
}

/// Decodes the bytes of a document (UTF-8, or ISO-8859-1 as OpenPEPPOL's
/// catalogue examples are) into text.
fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = &bytes[..bytes.len().min(200)];
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
        "utf-8" | "utf8" => String::from_utf8(bytes.to_vec()).map_err(|e| format!("not UTF-8 text: {e}")),
        // Latin-1 maps each byte to the code point of the same value.
        "iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" => Ok(bytes.iter().map(|&b| b as char).collect()),
        other => Err(format!("unsupported character encoding {other:?} (UTF-8 or ISO-8859-1 expected)")),
    }
}

fn line_of(text: &str, pos: u64) -> usize {
    let pos = (pos as usize).min(text.len());
    text.as_bytes()[..pos].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Parses a whole document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Node, String> {
    let text = decode(bytes)?;
    let mut reader = Reader::from_str(&text);
    reader.config_mut().trim_text(false);
    // Element stack, and per element the namespace declarations in scope.
    let mut stack: Vec<(Node, Vec<(String, String)>)> = Vec::new();
    let mut root: Option<Node> = None;
    let err = |reader: &Reader<&[u8]>, e: String| {
        format!("not well-formed XML at line {}: {e}", line_of(&text, reader.error_position()))
    };
    loop {
        let event = reader.read_event().map_err(|e| err(&reader, e.to_string()))?;
        match event {
            Event::Start(ref s) | Event::Empty(ref s) => {
                let is_empty = matches!(event, Event::Empty(_));
                if root.is_some() {
                    return Err(err(&reader, "content after the root element".into()));
                }
                let (node, scope) =
                    open(s, stack.last().map(|(_, sc)| sc.as_slice()).unwrap_or(&[])).map_err(|e| err(&reader, e))?;
                if is_empty {
                    close(&mut stack, &mut root, node);
                } else {
                    stack.push((node, scope));
                }
            }
            Event::End(_) => {
                let (node, _) = stack.pop().ok_or_else(|| err(&reader, "unexpected end tag".into()))?;
                close(&mut stack, &mut root, node);
            }
            Event::Text(t) => {
                if let Some((n, _)) = stack.last_mut() {
                    n.text.push_str(&t.decode().map_err(|e| err(&reader, e.to_string()))?);
                }
            }
            Event::CData(t) => {
                if let Some((n, _)) = stack.last_mut() {
                    n.text.push_str(&t.decode().map_err(|e| err(&reader, e.to_string()))?);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| err(&reader, e.to_string()))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| err(&reader, e.to_string()))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| err(&reader, format!("unknown entity &{name};")))?
                            .to_string()
                    }
                };
                if let Some((n, _)) = stack.last_mut() {
                    n.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(format!(
            "not well-formed XML at line {}: the document ends inside <{}>",
            text.lines().count().max(1),
            stack[stack.len() - 1].0.name
        ));
    }
    root.ok_or_else(|| "not XML: no root element".to_string())
}

fn open(s: &BytesStart, outer: &[(String, String)]) -> Result<(Node, Vec<(String, String)>), String> {
    let qname = String::from_utf8_lossy(s.name().as_ref()).to_string();
    let mut scope = outer.to_vec();
    let mut attrs = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(a.key.as_ref()).to_string();
        let value = a.unescape_value().map_err(|e| e.to_string())?.to_string();
        if key == "xmlns" {
            scope.push((String::new(), value.clone()));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            scope.push((p.to_string(), value.clone()));
        }
        attrs.push((key, value));
    }
    let (prefix, local) = match qname.split_once(':') {
        Some((p, l)) => (p.to_string(), l.to_string()),
        None => (String::new(), qname.clone()),
    };
    let ns = scope.iter().rev().find(|(p, _)| *p == prefix).map(|(_, u)| u.clone()).unwrap_or_default();
    Ok((Node { name: local, ns, attrs, text: String::new(), children: Vec::new() }, scope))
}

fn close(stack: &mut [(Node, Vec<(String, String)>)], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        Some((parent, _)) => parent.children.push(node),
        None => *root = Some(node),
    }
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
