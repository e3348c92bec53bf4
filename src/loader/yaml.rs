//! YAML documents to a small spanned tree, built from granit-parser events.
//!
//! granit-parser is the YAML parser under serde-saphyr; building the tree from its events is
//! about four times faster than deserializing a spanned tree through serde (README, design
//! notes). Every node keeps its byte span in the file so conversion can point at the exact
//! value. Streams are split into documents first (at `---` / `...` lines in column 0, where
//! YAML itself ends a document), so one broken document costs only itself and documents can
//! be parsed in parallel.

use std::borrow::Cow;
use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle};

/// A YAML value with its place in the file. Scalars borrow the document's text where YAML
/// wrote them without escapes or folding (almost always): the tree is built and dropped for
/// every document, and owning each scalar made it most of the load's allocations.
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'a> {
    pub value: Value<'a>,
    /// Byte offset in the file.
    pub offset: u32,
    pub len: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// A plain scalar that resolves to a number; the text is kept as written.
    Number(Cow<'a, str>),
    Str(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
}

impl Value<'_> {
    /// How a type error names what it found.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl<'a> Node<'a> {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The same tree owning its scalars, for a caller that outlives the text it parsed.
    pub fn into_owned(self) -> Node<'static> {
        let value = match self.value {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Number(n) => Value::Number(Cow::Owned(n.into_owned())),
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
            Value::Seq(items) => Value::Seq(items.into_iter().map(Node::into_owned).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            ),
        };
        Node {
            value,
            offset: self.offset,
            len: self.len,
        }
    }
}

/// How YAML 1.1 (go-yaml v2, which sigs.k8s.io/yaml and so kubectl use) resolves a plain
/// scalar: null, boolean, number or string.
fn resolve_plain(text: Cow<'_, str>) -> Value<'_> {
    match &*text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" | "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "false" | "False" | "FALSE" | "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    if looks_numeric(&text) {
        Value::Number(text)
    } else {
        Value::Str(text)
    }
}

fn looks_numeric(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    if t.is_empty() {
        return false;
    }
    if matches!(t, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit() || c == '_');
    }
    let mut digits = 0;
    let mut dots = 0;
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => digits += 1,
            '_' => {}
            '.' => dots += 1,
            'e' | 'E' => {
                if digits == 0 {
                    return false;
                }
                if matches!(chars.peek(), Some('+' | '-')) {
                    chars.next();
                }
                return chars.clone().count() > 0 && chars.all(|c| c.is_ascii_digit());
            }
            _ => return false,
        }
    }
    digits > 0 && dots <= 1
}

/// A YAML syntax error: message and byte offset within the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

enum Frame<'a> {
    Seq(Vec<Node<'a>>, u32, usize),
    Map(Vec<(Node<'a>, Node<'a>)>, Option<Node<'a>>, u32, usize),
}

/// Parses one document (`doc` is its text; `base` its offset in the file).
pub fn parse_document(doc: &str, base: usize) -> Result<Node<'_>, SyntaxError> {
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut anchors: HashMap<usize, Node<'_>> = HashMap::new();
    let mut root: Option<Node<'_>> = None;
    let off = |m: &granit_parser::Marker| (base + m.byte_offset().unwrap_or(0)) as u32;
    for event in Parser::new_from_str(doc) {
        let (event, span) = event.map_err(|e| SyntaxError {
            message: clean_message(&e.info()),
            offset: base + e.marker().byte_offset().unwrap_or(0).min(doc.len()),
        })?;
        let start = off(&span.start);
        let end = off(&span.end).max(start);
        let complete = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let is_str_tag = tag.as_ref().and_then(|t| t.core_suffix()) == Some("str");
                let value = if style == ScalarStyle::Plain && !is_str_tag {
                    resolve_plain(text)
                } else {
                    Value::Str(text)
                };
                Some((value_node(value, start, end), anchor))
            }
            Event::Alias(id) => anchors.get(&id).cloned().map(|mut n| {
                n.offset = start;
                n.len = end - start;
                (n, 0)
            }),
            Event::SequenceStart(_, anchor, _) => {
                stack.push(Frame::Seq(Vec::new(), start, anchor));
                None
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push(Frame::Map(Vec::new(), None, start, anchor));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items, s, anchor)) => {
                    Some((value_node(Value::Seq(items), s, end), anchor))
                }
                Some(Frame::Map(entries, _, s, anchor)) => {
                    Some((value_node(Value::Map(merge_keys(entries)), s, end), anchor))
                }
                None => None,
            },
            _ => None,
        };
        let Some((node, anchor)) = complete else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(entries, pending, ..)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
            None => root = Some(node),
        }
    }
    Ok(root.unwrap_or(Node {
        value: Value::Null,
        offset: base as u32,
        len: 0,
    }))
}

fn value_node(value: Value<'_>, start: u32, end: u32) -> Node<'_> {
    Node {
        value,
        offset: start,
        len: end - start,
    }
}

/// YAML 1.1 merge keys (`<<: *base`), which go-yaml v2 honours: entries of the merged
/// mapping(s) that the mapping does not set itself.
fn merge_keys<'a>(entries: Vec<(Node<'a>, Node<'a>)>) -> Vec<(Node<'a>, Node<'a>)> {
    if !entries
        .iter()
        .any(|(k, _)| matches!(&k.value, Value::Str(s) if s == "<<"))
    {
        return entries;
    }
    let mut own: Vec<(Node<'a>, Node<'a>)> = Vec::new();
    let mut merged: Vec<(Node<'a>, Node<'a>)> = Vec::new();
    for (k, v) in entries {
        if matches!(&k.value, Value::Str(s) if s == "<<") {
            match v.value {
                Value::Map(m) => merged.extend(m),
                Value::Seq(items) => {
                    for item in items {
                        if let Value::Map(m) = item.value {
                            merged.extend(m);
                        }
                    }
                }
                _ => {}
            }
        } else {
            own.push((k, v));
        }
    }
    for (k, v) in merged {
        if !own.iter().any(|(ok, _)| ok.value == k.value) {
            own.push((k, v));
        }
    }
    own
}

fn clean_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    let mut m = first.trim_end_matches('.').to_string();
    if let Some(c) = m.get(..1) {
        let lower = c.to_lowercase();
        m.replace_range(..1, &lower);
    }
    if m.is_empty() {
        m = "invalid YAML".into();
    }
    m
}

/// Byte ranges of the documents of a YAML stream, empty documents (only comments or blank
/// lines) left out. A `---` line belongs to the document it starts.
pub fn split_documents(text: &str) -> Vec<(usize, usize)> {
    let mut docs = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        let line_end = memchr_newline(bytes, pos);
        let line = &text[pos..line_end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let next = (line_end + 1).min(bytes.len());
        if is_marker(line, "---") {
            push_doc(text, start, pos, &mut docs);
            start = pos;
        } else if is_marker(line, "...") {
            push_doc(text, start, pos, &mut docs);
            start = next;
        }
        pos = line_end + 1;
    }
    push_doc(text, start, bytes.len(), &mut docs);
    docs
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

fn push_doc(text: &str, start: usize, end: usize, docs: &mut Vec<(usize, usize)>) {
    if start >= end {
        return;
    }
    let has_content = text[start..end].lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#') && t != "---" && !t.starts_with("%")
    });
    if has_content {
        docs.push((start, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_markers_only_in_column_zero() {
        let text = "a: 1\n---\nb: 2\n  ---\n--- \n# only a comment\n---\nc: |\n  ---x\n...\n";
        let docs: Vec<&str> = split_documents(text)
            .iter()
            .map(|&(s, e)| &text[s..e])
            .collect();
        assert_eq!(
            docs,
            vec!["a: 1\n", "---\nb: 2\n  ---\n", "---\nc: |\n  ---x\n"]
        );
    }

    #[test]
    fn nodes_carry_file_offsets() {
        let text = "x: 0\n---\nkind: Role\nrules:\n- verbs: [get]\n";
        let docs = split_documents(text);
        let (s, e) = docs[1];
        let node = parse_document(&text[s..e], s).unwrap();
        let kind = node.get("kind").unwrap();
        assert_eq!(kind.as_str(), Some("Role"));
        assert_eq!(&text[kind.offset as usize..][..4], "Role");
        let verbs = &node.get("rules").unwrap();
        let Value::Seq(items) = &verbs.value else {
            panic!()
        };
        let v = items[0].get("verbs").unwrap();
        let Value::Seq(vs) = &v.value else { panic!() };
        assert_eq!(&text[vs[0].offset as usize..][..3], "get");
    }

    #[test]
    fn syntax_errors_are_placed_in_the_file() {
        let text = "a: 1\n---\nb: [1, 2\n";
        let (s, e) = split_documents(text)[1];
        let err = parse_document(&text[s..e], s).unwrap_err();
        assert!(err.offset >= s, "{err:?}");
        assert!(!err.message.is_empty());
    }
}
