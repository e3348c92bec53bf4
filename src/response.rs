//! What the server and kubectl print for a decision: the Forbidden message, the 403 Status
//! body byte for byte, and `kubectl auth can-i`'s output.
//!
//! Upstream: apiserver `endpoints/handlers/responsewriters/errors.go` (message, HTML
//! sanitising), apimachinery `api/errors` (`NewForbidden`), kubectl `cmd/auth/cani.go`.

use serde::Serialize;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::decision::{Decision, Verdict};
use crate::request::Attributes;

/// Go's `strconv.Quote` (`%q`): printable runes as they are, the rest escaped.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    // Almost every name is printable ASCII without quotes or backslashes.
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push_str(s);
        out.push('"');
        return out;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_ascii() {
        return c.is_ascii_graphic();
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter
            | GeneralCategoryGroup::Mark
            | GeneralCategoryGroup::Number
            | GeneralCategoryGroup::Punctuation
            | GeneralCategoryGroup::Symbol
    )
}

/// The apiserver's sanitiser: the base message must not look like HTML.
fn sanitize_html(s: String) -> String {
    if !s.contains(['&', '<', '>']) {
        return s;
    }
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `User "u" cannot <verb> ...`: the base of the Forbidden message, before sanitising.
pub fn forbidden_base(a: &Attributes) -> String {
    if !a.resource_request {
        return format!(
            "User {} cannot {} path {}",
            go_quote(&a.user),
            a.verb,
            go_quote(&a.path)
        );
    }
    let resource = a.combined_resource();
    if a.namespace.is_empty() {
        format!(
            "User {} cannot {} resource {} in API group {} at the cluster scope",
            go_quote(&a.user),
            a.verb,
            go_quote(&resource),
            go_quote(&a.api_group)
        )
    } else {
        format!(
            "User {} cannot {} resource {} in API group {} in the namespace {}",
            go_quote(&a.user),
            a.verb,
            go_quote(&resource),
            go_quote(&a.api_group),
            go_quote(&a.namespace)
        )
    }
}

/// `schema.GroupResource.String()`.
pub fn group_resource(group: &str, resource: &str) -> String {
    if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    }
}

/// The `message` of the 403 Status for a request the chain did not allow with `reason`.
pub fn forbidden_message(a: &Attributes, reason: &str) -> String {
    let mut out = String::with_capacity(192);
    write_forbidden_message(&mut out, a, reason);
    out
}

/// Appends `go_quote(s)`; names are almost always printable ASCII, quoted without a copy.
fn push_go_quoted(out: &mut String, s: &str) {
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&go_quote(s));
    }
}

/// Appends [`forbidden_message`]: the same bytes as `format!` over [`forbidden_base`] and
/// [`group_resource`], written in place (eval builds one per denied request).
pub fn write_forbidden_message(out: &mut String, a: &Attributes, reason: &str) {
    if a.api_group.is_empty() && a.resource.is_empty() {
        out.push_str("forbidden: ");
    } else {
        out.push_str(&a.resource);
        if !a.api_group.is_empty() {
            out.push('.');
            out.push_str(&a.api_group);
        }
        if !a.name.is_empty() {
            out.push(' ');
            push_go_quoted(out, &a.name);
        }
        out.push_str(" is forbidden: ");
    }
    let base = out.len();
    out.push_str("User ");
    push_go_quoted(out, &a.user);
    out.push_str(" cannot ");
    out.push_str(&a.verb);
    if !a.resource_request {
        out.push_str(" path ");
        push_go_quoted(out, &a.path);
    } else {
        out.push_str(" resource ");
        if a.subresource.is_empty() {
            push_go_quoted(out, &a.resource);
        } else {
            push_go_quoted(out, &a.combined_resource());
        }
        out.push_str(" in API group ");
        push_go_quoted(out, &a.api_group);
        if a.namespace.is_empty() {
            out.push_str(" at the cluster scope");
        } else {
            out.push_str(" in the namespace ");
            push_go_quoted(out, &a.namespace);
        }
    }
    // Only the base is sanitised, as the server does before adding the reason.
    if out.as_bytes()[base..]
        .iter()
        .any(|b| matches!(b, b'&' | b'<' | b'>'))
    {
        let sanitized = sanitize_html(out[base..].to_string());
        out.truncate(base);
        out.push_str(&sanitized);
    }
    if !reason.is_empty() {
        out.push_str(": ");
        out.push_str(reason);
    }
}

/// `metav1.StatusDetails` as the 403 carries it; empty fields are left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StatusDetails {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// The plural resource, not a Kind, as `NewForbidden` fills it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
}

impl StatusDetails {
    /// `{"name":…,"group":…,"kind":…}` with empty fields left out, strings escaped by `escape`
    /// (Go's encoder for the response body, serde's for eval's own lines).
    /// `quote` is `"`, or `\"` when the object is itself written inside a JSON string.
    fn write_json(&self, out: &mut String, quote: &str, escape: fn(&mut String, &str)) {
        write_details(out, [&self.name, &self.group, &self.kind], quote, escape);
    }
}

/// [`StatusDetails::write_json`] for borrowed name, group and kind.
fn write_details(out: &mut String, fields: [&str; 3], quote: &str, escape: fn(&mut String, &str)) {
    out.push('{');
    let mut first = true;
    for (key, value) in ["name", "group", "kind"].into_iter().zip(fields) {
        if value.is_empty() {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(quote);
        out.push_str(key);
        out.push_str(quote);
        out.push(':');
        escape(out, value);
    }
    out.push('}');
}

/// The `metav1.Status` of a 403, fields in the order the server writes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub kind: &'static str,
    pub api_version: &'static str,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    pub status: &'static str,
    pub message: String,
    pub reason: &'static str,
    pub details: StatusDetails,
    pub code: u16,
}

impl Status {
    pub fn forbidden(a: &Attributes, reason: &str) -> Status {
        Status {
            kind: "Status",
            api_version: "v1",
            metadata: serde_json::Map::new(),
            status: "Failure",
            message: forbidden_message(a, reason),
            reason: "Forbidden",
            details: StatusDetails {
                name: a.name.clone(),
                group: a.api_group.clone(),
                kind: a.resource.clone(),
            },
            code: 403,
        }
    }

    /// The exact response body: compact JSON as Go's encoder writes it, newline-terminated.
    pub fn body(&self) -> String {
        let mut out = String::with_capacity(256 + self.message.len());
        out.push_str("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":");
        go_json_string(&mut out, &self.message);
        out.push_str(",\"reason\":\"Forbidden\",\"details\":");
        self.details.write_json(&mut out, "\"", go_json_string);
        out.push_str(&format!(",\"code\":{}}}\n", self.code));
        out
    }
}

/// A JSON string as Go's `encoding/json` writes it with HTML escaping on: `<`, `>`, `&`,
/// U+2028 and U+2029 as `\u` escapes, other controls as short or `\u00XX` escapes.
pub fn go_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let short = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            '<' | '>' | '&' | '\u{0}'..='\u{1f}' | '\u{2028}' | '\u{2029}' => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        start = i + c.len_utf8();
        if !short.is_empty() {
            out.push_str(short);
            continue;
        }
        let b = c as u32;
        out.push_str("\\u");
        for shift in [12, 8, 4, 0] {
            out.push(HEX[((b >> shift) & 0xf) as usize] as char);
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// `kubectl auth can-i`'s standard output for a verdict.
pub fn kubectl_can_i(verdict: &Verdict) -> String {
    if verdict.is_allowed() {
        return "yes\n".to_string();
    }
    let mut out = String::from("no");
    if !verdict.reason.is_empty() {
        out.push_str(" - ");
        out.push_str(&verdict.reason);
    }
    if !verdict.error.is_empty() {
        out.push_str(" - ");
        out.push_str(&verdict.error);
    }
    out.push('\n');
    out
}

/// Every observable consequence of one decision, with the fields (and order) of the
/// conformance corpus's `expected.jsonl`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub decision: Decision,
    pub allowed: bool,
    pub reason: String,
    pub kubectl_can_i: String,
    pub kubectl_can_i_exit: i32,
    pub forbidden_message: String,
    pub kubectl_error: String,
    pub http_code: u16,
    pub status: Option<Status>,
    pub status_body: String,
}

impl Outcome {
    pub fn new(a: &Attributes, verdict: &Verdict) -> Outcome {
        let allowed = verdict.is_allowed();
        let status = (!allowed).then(|| Status::forbidden(a, &verdict.reason));
        let forbidden_message = status
            .as_ref()
            .map(|s| s.message.clone())
            .unwrap_or_default();
        Outcome {
            decision: verdict.decision,
            allowed,
            reason: verdict.reason.clone(),
            kubectl_can_i: kubectl_can_i(verdict),
            kubectl_can_i_exit: if allowed { 0 } else { 1 },
            kubectl_error: if allowed {
                String::new()
            } else {
                format!("Error from server (Forbidden): {forbidden_message}")
            },
            forbidden_message,
            http_code: if allowed { 200 } else { 403 },
            status_body: status.as_ref().map(Status::body).unwrap_or_default(),
            status,
        }
    }
}

/// A JSON string as serde_json writes it (the escaping of `eval`'s own output lines).
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    json_escape_into(out, s);
    out.push('"');
}

/// The inside of a serde_json string: runs without escapes are copied whole.
fn json_escape_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(offset) = bytes[start..]
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
    {
        let i = start + offset;
        out.push_str(&s[start..i]);
        match bytes[i] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b => out.push_str(&format!("\\u{b:04x}")),
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Appends `eval`'s answer line for `a` (without newline): the same bytes as
/// `serde_json::to_string(&Outcome::new(a, verdict))`, built without the intermediate
/// strings, because eval writes a hundred megabytes of these for a large request stream.
pub fn write_eval_line(out: &mut String, a: &Attributes, verdict: &Verdict) {
    let allowed = verdict.is_allowed();
    out.push_str("{\"decision\":\"");
    out.push_str(verdict.decision.as_str());
    out.push_str(if allowed {
        "\",\"allowed\":true,\"reason\":"
    } else {
        "\",\"allowed\":false,\"reason\":"
    });
    json_string(out, &verdict.reason);
    // `kubectl_can_i(verdict)` as a JSON string, escaped piece by piece.
    if allowed {
        out.push_str(",\"kubectl_can_i\":\"yes\\n\"");
    } else {
        out.push_str(",\"kubectl_can_i\":\"no");
        for part in [&verdict.reason, &verdict.error] {
            if !part.is_empty() {
                out.push_str(" - ");
                json_escape_into(out, part);
            }
        }
        out.push_str("\\n\"");
    }
    if allowed {
        out.push_str(",\"kubectl_can_i_exit\":0,\"forbidden_message\":\"\",\"kubectl_error\":\"\",\"http_code\":200,\"status\":null,\"status_body\":\"\"}");
        return;
    }
    out.push_str(",\"kubectl_can_i_exit\":1,\"forbidden_message\":\"");
    let details = [a.name.as_str(), a.api_group.as_str(), a.resource.as_str()];
    let Some(plain) = PlainMessage::new(a) else {
        write_denial_escaping(out, a, &verdict.reason, details);
        return;
    };
    // Every part of the message is plain: its escaped forms are written from the parts, no
    // byte of it scanned, and the JSON form is written once and copied twice.
    let start = out.len();
    plain.write(out, "\\\"");
    if !verdict.reason.is_empty() {
        out.push_str(": ");
        json_escape_into(out, &verdict.reason);
    }
    let end = out.len();
    out.push_str("\",\"kubectl_error\":\"Error from server (Forbidden): ");
    out.extend_from_within(start..end);
    out.push_str("\",\"http_code\":403,\"status\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"");
    out.extend_from_within(start..end);
    out.push_str("\",\"reason\":\"Forbidden\",\"details\":");
    write_details(out, details, "\"", push_plain_quoted);
    out.push_str(",\"code\":403},\"status_body\":\"");
    out.push_str(r#"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""#);
    plain.write(out, r#"\\\""#);
    if !verdict.reason.is_empty() {
        out.push_str(": ");
        json_of_go_json_inner(out, &verdict.reason);
    }
    out.push_str(r#"\",\"reason\":\"Forbidden\",\"details\":"#);
    write_details(out, details, "\\\"", push_plain_escaped_quoted);
    out.push_str(r#",\"code\":403}\n"}"#);
}

/// The rest of [`write_eval_line`]'s denial (after `"forbidden_message":"`) for a request
/// with a part that needs escaping or HTML sanitising: the message is built, then escaped.
fn write_denial_escaping(out: &mut String, a: &Attributes, reason: &str, details: [&str; 3]) {
    let mut status_message = String::with_capacity(192);
    write_forbidden_message(&mut status_message, a, reason);
    // The message appears three times; escape it once.
    let mut message = String::with_capacity(status_message.len() + 32);
    json_escape_into(&mut message, &status_message);
    out.push_str(&message);
    out.push_str("\",\"kubectl_error\":\"Error from server (Forbidden): ");
    out.push_str(&message);
    out.push_str("\",\"http_code\":403,\"status\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"");
    out.push_str(&message);
    out.push('"');
    out.push_str(",\"reason\":\"Forbidden\",\"details\":");
    write_details(out, details, "\"", json_string);
    out.push_str(",\"code\":403},\"status_body\":\"");
    // The body is Go-escaped JSON, and here it is escaped again as a JSON string: both
    // escapings compose, so write the doubly escaped form in one pass.
    out.push_str(r#"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"#);
    json_of_go_json_string(out, &status_message);
    out.push_str(r#",\"reason\":\"Forbidden\",\"details\":"#);
    write_details(out, details, "\\\"", json_of_go_json_string);
    out.push_str(r#",\"code\":403}\n"}"#);
}

/// Bytes that no escaping of the Forbidden message changes: printable ASCII except the quote,
/// the backslash (JSON, Go) and `&<>` (the server's HTML sanitiser, Go's HTML-safe encoder).
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        table[b] = !matches!(b as u8, b'"' | b'\\' | b'&' | b'<' | b'>');
        b += 1;
    }
    table
};

fn is_plain(s: &str) -> bool {
    s.bytes().all(|b| PLAIN[b as usize])
}

/// One piece of a Forbidden message: fixed text, a request field, or a request field in
/// the quotes `%q` puts around it (with `/subresource` when the second part is not empty).
#[derive(Clone, Copy)]
enum Part<'a> {
    Text(&'a str),
    Quoted(&'a str, &'a str),
}

/// [`write_forbidden_message`] as its parts, when every request field in it is plain: then
/// `%q` adds only the quotes, the sanitiser changes nothing, and each escaped form of the
/// message is the parts with its own form of the quote.
struct PlainMessage<'a> {
    /// At most 16: the prefix takes 6 (`resource.group "name" is forbidden: `), user and
    /// verb 4, a resource's scope 6.
    parts: [Part<'a>; 16],
    len: usize,
}

impl<'a> PlainMessage<'a> {
    /// `None` unless every field the message or the Status details may hold is plain.
    fn new(a: &'a Attributes) -> Option<Self> {
        let fields = [
            &a.user,
            &a.verb,
            &a.api_group,
            &a.resource,
            &a.subresource,
            &a.namespace,
            &a.name,
            &a.path,
        ];
        if !fields.iter().all(|f| is_plain(f)) {
            return None;
        }
        let mut m = PlainMessage {
            parts: [Part::Text(""); 16],
            len: 0,
        };
        if a.api_group.is_empty() && a.resource.is_empty() {
            m.push(Part::Text("forbidden: "));
        } else {
            m.push(Part::Text(&a.resource));
            if !a.api_group.is_empty() {
                m.push(Part::Text("."));
                m.push(Part::Text(&a.api_group));
            }
            if !a.name.is_empty() {
                m.push(Part::Text(" "));
                m.push(Part::Quoted(&a.name, ""));
            }
            m.push(Part::Text(" is forbidden: "));
        }
        m.push(Part::Text("User "));
        m.push(Part::Quoted(&a.user, ""));
        m.push(Part::Text(" cannot "));
        m.push(Part::Text(&a.verb));
        if !a.resource_request {
            m.push(Part::Text(" path "));
            m.push(Part::Quoted(&a.path, ""));
        } else {
            m.push(Part::Text(" resource "));
            m.push(Part::Quoted(&a.resource, &a.subresource));
            m.push(Part::Text(" in API group "));
            m.push(Part::Quoted(&a.api_group, ""));
            if a.namespace.is_empty() {
                m.push(Part::Text(" at the cluster scope"));
            } else {
                m.push(Part::Text(" in the namespace "));
                m.push(Part::Quoted(&a.namespace, ""));
            }
        }
        Some(m)
    }

    fn push(&mut self, part: Part<'a>) {
        self.parts[self.len] = part;
        self.len += 1;
    }

    /// The message with `quote` for each `"`: `"` itself, `\"` in a JSON string, `\\\"` in
    /// a JSON string holding JSON.
    fn write(&self, out: &mut String, quote: &str) {
        for part in &self.parts[..self.len] {
            match *part {
                Part::Text(s) => out.push_str(s),
                Part::Quoted(s, sub) => {
                    out.push_str(quote);
                    out.push_str(s);
                    if !sub.is_empty() {
                        out.push('/');
                        out.push_str(sub);
                    }
                    out.push_str(quote);
                }
            }
        }
    }
}

/// A plain string as a JSON string.
fn push_plain_quoted(out: &mut String, s: &str) {
    out.push('"');
    out.push_str(s);
    out.push('"');
}

/// A plain string as a JSON string inside a JSON string.
fn push_plain_escaped_quoted(out: &mut String, s: &str) {
    out.push_str("\\\"");
    out.push_str(s);
    out.push_str("\\\"");
}

/// `json_string(go_json_string(s))` without its outer quotes, in one pass: every Go escape
/// starts with a backslash, which the JSON escaping doubles, and Go's quotes become `\"`.
/// Everything Go leaves unescaped (no quote, backslash or control) JSON leaves alone too.
fn json_of_go_json_string(out: &mut String, s: &str) {
    out.push_str("\\\"");
    json_of_go_json_inner(out, s);
    out.push_str("\\\"");
}

/// [`json_of_go_json_string`] without the escaped quotes around it.
fn json_of_go_json_inner(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Bytes that may start a Go escape: quote, backslash, controls, `<>&`, and 0xE2, the
    // lead byte of U+2028 and U+2029 (checked in full below). Scanning bytes rather than
    // chars: the message is almost all ASCII and this runs for every denied request.
    let stop = |b: u8| b < 0x20 || matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xe2);
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut from = 0;
    while let Some(offset) = bytes[from..].iter().position(|&b| stop(b)) {
        let i = from + offset;
        from = i + 1;
        let short = match bytes[i] {
            b'"' => "\\\\\\\"",
            b'\\' => "\\\\\\\\",
            b'\n' => "\\\\n",
            b'\r' => "\\\\r",
            b'\t' => "\\\\t",
            0x08 => "\\\\b",
            0x0c => "\\\\f",
            0xe2 => {
                if bytes.get(i + 1) != Some(&0x80) || !matches!(bytes.get(i + 2), Some(0xa8 | 0xa9))
                {
                    continue;
                }
                ""
            }
            _ => "",
        };
        out.push_str(&s[start..i]);
        if !short.is_empty() {
            out.push_str(short);
            start = i + 1;
            continue;
        }
        let (code, len) = match bytes[i] {
            0xe2 => (if bytes[i + 2] == 0xa8 { 0x2028 } else { 0x2029 }, 3),
            b => (u32::from(b), 1),
        };
        start = i + len;
        from = start;
        out.push_str("\\\\u");
        for shift in [12, 8, 4, 0] {
            out.push(HEX[((code >> shift) & 0xf) as usize] as char);
        }
    }
    out.push_str(&s[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_quote_escapes_like_strconv() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("tab\there\n"), r#""tab\there\n""#);
        assert_eq!(go_quote("\u{1}\u{7f}"), r#""\x01\x7f""#);
        assert_eq!(go_quote("héllo 世界"), "\"héllo 世界\"");
        assert_eq!(go_quote("nb\u{a0}sp"), r#""nb\u00a0sp""#);
        assert_eq!(go_quote("zw\u{200b}"), r#""zw\u200b""#);
        assert_eq!(go_quote("\u{e0001}"), r#""\U000e0001""#);
    }

    #[test]
    fn go_json_escapes_html_and_line_separators() {
        let mut s = String::new();
        go_json_string(&mut s, "<a&b>\u{2028}\u{1}\u{7f}é");
        assert_eq!(s, "\"\\u003ca\\u0026b\\u003e\\u2028\\u0001\u{7f}é\"");
    }

    fn pods(ns: &str, name: &str) -> Attributes {
        Attributes {
            user: "jane".into(),
            verb: "list".into(),
            resource_request: true,
            resource: "pods".into(),
            namespace: ns.into(),
            name: name.into(),
            ..Attributes::default()
        }
    }

    /// The message as `format!` over the upstream pieces builds it: the reference that
    /// [`write_forbidden_message`]'s in-place writing must equal.
    fn message_by_format(a: &Attributes, reason: &str) -> String {
        let mut err = sanitize_html(forbidden_base(a));
        if !reason.is_empty() {
            err = format!("{err}: {reason}");
        }
        if a.api_group.is_empty() && a.resource.is_empty() {
            format!("forbidden: {err}")
        } else if a.name.is_empty() {
            format!(
                "{} is forbidden: {err}",
                group_resource(&a.api_group, &a.resource)
            )
        } else {
            let gr = group_resource(&a.api_group, &a.resource);
            format!("{gr} {} is forbidden: {err}", go_quote(&a.name))
        }
    }

    #[test]
    fn written_message_and_double_escape_equal_the_composed_forms() {
        let odd = [
            "",
            "a<b&c>",
            "q\"uo\\te",
            "tab\there",
            "é\u{2028}\u{1}",
            "plain",
        ];
        for (i, text) in odd.iter().enumerate() {
            let other = odd[(i + 1) % odd.len()];
            for resource_request in [true, false] {
                let a = Attributes {
                    user: (*text).into(),
                    verb: other.into(),
                    resource_request,
                    api_group: other.into(),
                    resource: (*text).into(),
                    subresource: other.into(),
                    namespace: (*text).into(),
                    name: other.into(),
                    path: (*text).into(),
                    ..Attributes::default()
                };
                for reason in ["", "RBAC: <x>"] {
                    let message = forbidden_message(&a, reason);
                    assert_eq!(message, message_by_format(&a, reason));
                    let mut go = String::new();
                    go_json_string(&mut go, &message);
                    let mut composed = String::new();
                    json_escape_into(&mut composed, &go);
                    let mut one_pass = String::new();
                    json_of_go_json_string(&mut one_pass, &message);
                    assert_eq!(one_pass, composed);
                }
            }
        }
    }

    #[test]
    fn forbidden_message_shapes() {
        assert_eq!(
            forbidden_message(&pods("dev", ""), ""),
            r#"pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "dev""#
        );
        let mut a = pods("", "web");
        a.api_group = "apps".into();
        a.resource = "deployments".into();
        a.subresource = "scale".into();
        assert_eq!(
            forbidden_message(&a, "RBAC: x"),
            r#"deployments.apps "web" is forbidden: User "jane" cannot list resource "deployments/scale" in API group "apps" at the cluster scope: RBAC: x"#
        );
        let url = Attributes {
            user: "system:anonymous".into(),
            verb: "get".into(),
            path: "/".into(),
            ..Attributes::default()
        };
        assert_eq!(
            Status::forbidden(&url, "").body(),
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"forbidden: User \\\"system:anonymous\\\" cannot get path \\\"/\\\"\",\"reason\":\"Forbidden\",\"details\":{},\"code\":403}\n"
        );
    }

    #[test]
    fn html_escaping_covers_only_the_base_message() {
        let mut a = pods("dev", "x<y");
        a.user = "a<b>&c".into();
        assert_eq!(
            forbidden_message(&a, "<r>"),
            r#"pods "x<y" is forbidden: User "a&lt;b&gt;&amp;c" cannot list resource "pods" in API group "" in the namespace "dev": <r>"#
        );
    }

    #[test]
    fn kubectl_output() {
        assert_eq!(
            kubectl_can_i(&Verdict::allow("RBAC: allowed by x")),
            "yes\n"
        );
        assert_eq!(kubectl_can_i(&Verdict::no_opinion("")), "no\n");
        assert_eq!(kubectl_can_i(&Verdict::no_opinion("a\nb")), "no - a\nb\n");
    }
}
