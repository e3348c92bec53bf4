//! Reading a pasted Forbidden message back into the request it describes.
//!
//! The message is built by the apiserver (see `response::forbidden_message`): an optional
//! `Error from server (Forbidden): ` from kubectl, the group-resource wrapper
//! (`forbidden: `, `<gr> is forbidden: `, `<gr> "<name>" is forbidden: `), the HTML-sanitised
//! base (`User "<u>" cannot <verb> resource "<res>" in API group "<g>" in the namespace "<ns>"`,
//! `... at the cluster scope`, or `... path "<p>"`) and an optional `: <reason>`. Quoted values
//! are Go `%q` strings; this module undoes the quoting and the sanitising, so parsing the
//! message of any request gives that request back.

use crate::request::Attributes;

/// What a Forbidden message says: the request (user, verb, resource or path, namespace, name;
/// no groups: the message carries none) and the reason the chain gave, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedMessage {
    pub request: Attributes,
    pub reason: String,
}

/// Why a message could not be read; `expected` says what was wanted where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageError {
    pub message: String,
}

fn err<T>(message: impl Into<String>) -> Result<T, MessageError> {
    Err(MessageError {
        message: message.into(),
    })
}

/// Parses a Forbidden message as kubectl prints it or as the Status body carries it.
pub fn parse_forbidden_message(text: &str) -> Result<ParsedMessage, MessageError> {
    // Leading and trailing whitespace (a pasted line's break) is not part of the message.
    let mut s = text.trim();
    // A pasted Status body: take its message.
    if s.starts_with('{')
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(s)
        && let Some(m) = v.get("message").and_then(|m| m.as_str())
    {
        return parse_forbidden_message(m);
    }
    for prefix in ["Error from server (Forbidden): ", "Error from server: "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
            break;
        }
    }
    // The wrapper: `forbidden: `, `<gr> is forbidden: ` or `<gr> "<name>" is forbidden: `.
    let (name, rest) = if let Some(rest) = s.strip_prefix("forbidden: ") {
        (String::new(), rest)
    } else {
        let Some(space) = s.find(' ') else {
            return err("expected `... is forbidden: User \"...\" cannot ...`");
        };
        let after_gr = &s[space + 1..];
        if let Some(rest) = after_gr.strip_prefix("is forbidden: ") {
            (String::new(), rest)
        } else if after_gr.starts_with('"') {
            let (name, after) = take_quoted(after_gr, false)?;
            let Some(rest) = after.strip_prefix(" is forbidden: ") else {
                return err("expected ` is forbidden: ` after the object name");
            };
            (name, rest)
        } else {
            return err("expected `is forbidden: ` after the resource");
        }
    };
    let Some(rest) = rest.strip_prefix("User ") else {
        return err("expected `User \"...\"` after `is forbidden: `");
    };
    let (user, rest) = take_quoted(rest, true)?;
    let Some(rest) = rest.strip_prefix(" cannot ") else {
        return err("expected ` cannot ` after the user");
    };
    let path_at = rest.find(" path \"");
    let resource_at = rest.find(" resource \"");
    let mut a = Attributes {
        user,
        name,
        ..Attributes::default()
    };
    let rest = match (path_at, resource_at) {
        (Some(p), r) if r.is_none_or(|r| p < r) => {
            a.verb = html_unescape(&rest[..p]);
            let (path, rest) = take_quoted(&rest[p + " path ".len()..], true)?;
            a.path = path;
            rest
        }
        (_, Some(r)) => {
            a.verb = html_unescape(&rest[..r]);
            a.resource_request = true;
            let (combined, rest) = take_quoted(&rest[r + " resource ".len()..], true)?;
            match combined.split_once('/') {
                Some((res, sub)) => {
                    a.resource = res.to_string();
                    a.subresource = sub.to_string();
                }
                None => a.resource = combined,
            }
            let Some(rest) = rest.strip_prefix(" in API group ") else {
                return err("expected ` in API group \"...\"` after the resource");
            };
            let (group, rest) = take_quoted(rest, true)?;
            a.api_group = group;
            if let Some(rest) = rest.strip_prefix(" at the cluster scope") {
                rest
            } else if let Some(rest) = rest.strip_prefix(" in the namespace ") {
                let (ns, rest) = take_quoted(rest, true)?;
                a.namespace = ns;
                rest
            } else {
                return err(
                    "expected ` in the namespace \"...\"` or ` at the cluster scope` after the API group",
                );
            }
        }
        _ => return err("expected `resource \"...\"` or `path \"...\"` after the verb"),
    };
    let reason = if rest.is_empty() {
        String::new()
    } else if let Some(reason) = rest.strip_prefix(": ") {
        reason.to_string()
    } else {
        return err(format!("unexpected text after the request: `{rest}`"));
    };
    Ok(ParsedMessage { request: a, reason })
}

/// Reads one Go-quoted string at the start of `s` (HTML-unescaping it first when it sits in
/// the sanitised base) and returns its value and the rest.
fn take_quoted(s: &str, sanitized: bool) -> Result<(String, &str), MessageError> {
    let Some(body) = s.strip_prefix('"') else {
        return err("expected a quoted value");
    };
    let mut end = None;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            end = Some(i);
            break;
        }
    }
    let Some(end) = end else {
        return err("a quoted value is not closed");
    };
    let raw = &body[..end];
    let raw = if sanitized {
        html_unescape(raw)
    } else {
        raw.to_string()
    };
    Ok((go_unquote(&raw)?, &body[end + 1..]))
}

/// Undoes the apiserver's sanitiser (`&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`) in one pass.
fn html_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (ch, len) = if tail.starts_with("&amp;") {
            ('&', 5)
        } else if tail.starts_with("&lt;") {
            ('<', 4)
        } else if tail.starts_with("&gt;") {
            ('>', 4)
        } else {
            ('&', 1)
        };
        out.push(ch);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// The inside of a Go `%q` string (`strconv.Unquote` without the quotes).
fn go_unquote(s: &str) -> Result<String, MessageError> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            return err("a quoted value ends in a lone backslash");
        };
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| -> Result<u32, MessageError> {
            let digits: String = chars.by_ref().take(n).collect();
            if digits.len() != n {
                return err("a quoted value has a short escape");
            }
            u32::from_str_radix(&digits, 16).or_else(|_| err("a quoted value has a bad escape"))
        };
        let ch = match e {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            'x' => char::from_u32(hex(&mut chars, 2)?).unwrap_or('\u{fffd}'),
            'u' => char::from_u32(hex(&mut chars, 4)?).unwrap_or('\u{fffd}'),
            'U' => char::from_u32(hex(&mut chars, 8)?).unwrap_or('\u{fffd}'),
            '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                let digits = format!("{e}{rest}");
                let v = u32::from_str_radix(&digits, 8)
                    .or_else(|_| err("a quoted value has a bad octal escape"))?;
                char::from_u32(v).unwrap_or('\u{fffd}')
            }
            other => return err(format!("a quoted value has an unknown escape `\\{other}`")),
        };
        out.push(ch);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::forbidden_message;

    fn res(
        user: &str,
        verb: &str,
        group: &str,
        resource: &str,
        sub: &str,
        ns: &str,
        name: &str,
    ) -> Attributes {
        Attributes {
            user: user.into(),
            verb: verb.into(),
            resource_request: true,
            api_group: group.into(),
            resource: resource.into(),
            subresource: sub.into(),
            namespace: ns.into(),
            name: name.into(),
            ..Attributes::default()
        }
    }

    #[test]
    fn reads_every_shape_of_message() {
        let cases = [
            res("jane", "list", "", "pods", "", "dev", ""),
            res(
                "system:serviceaccount:ci:deployer",
                "create",
                "apps",
                "deployments",
                "",
                "prod",
                "",
            ),
            res("u", "get", "", "pods", "log", "dev", "x"),
            res("u", "get", "", "nodes", "", "", ""),
            res("a&b <c>", "get", "", "secrets", "", "n\"s", "we\"ird\n"),
            Attributes {
                user: "system:anonymous".into(),
                verb: "get".into(),
                path: "/healthz".into(),
                ..Attributes::default()
            },
        ];
        for a in cases {
            for reason in [
                "",
                "RBAC: role.rbac.authorization.k8s.io \"x\" not found",
                "No policy matched.\nRBAC: x",
            ] {
                let msg = forbidden_message(&a, reason);
                for pasted in [
                    msg.clone(),
                    format!("Error from server (Forbidden): {msg}\n"),
                ] {
                    let p = parse_forbidden_message(&pasted).unwrap();
                    assert_eq!(p.request, a, "{pasted}");
                    assert_eq!(p.reason, reason);
                }
            }
        }
    }

    #[test]
    fn reads_the_message_of_a_status_body() {
        let body = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \"system:anonymous\" cannot get path \"/\"","reason":"Forbidden","details":{},"code":403}"#;
        let p = parse_forbidden_message(body).unwrap();
        assert_eq!(p.request.path, "/");
        assert!(!p.request.resource_request);
    }

    #[test]
    fn rejects_what_is_not_a_forbidden_message() {
        for bad in [
            "",
            "pods is forbidden",
            "pods is forbidden: Group \"x\" cannot get",
            "pods is forbidden: User \"x\" cannot get resource \"pods\"",
            "pods is forbidden: User \"x cannot get resource",
            "pods is forbidden: User \"x\" cannot get resource \"pods\" in API group \"\" in the namespace \"a\"trailing",
        ] {
            assert!(parse_forbidden_message(bad).is_err(), "{bad}");
        }
    }
}
