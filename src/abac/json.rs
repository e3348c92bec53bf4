//! A JSON reader that accepts exactly what Go's `encoding/json` accepts, for policy lines.
//!
//! serde_json differs from Go where a policy line can tell: Go nests up to 10000 levels (serde_json
//! stops at 128), turns an unpaired `\ud800` escape into U+FFFD (serde_json fails), and never
//! converts a number it does not store. Writing the grammar out keeps those answers identical
//! and lets every error point at the exact byte.

use super::value::{Member, Span, SyntaxError, Value};

/// Go's `encoding/json` scanner refuses containers nested deeper than this.
const MAX_NESTING: usize = 10_000;

/// Objects up to this depth keep their members: the policy itself and its `spec`.
const KEPT_DEPTH: usize = 2;

/// Parses one JSON text, the whole `line`, with Go's grammar.
pub(super) fn parse(line: &str) -> Result<Value, SyntaxError> {
    let mut p = Parser {
        text: line,
        bytes: line.as_bytes(),
        pos: 0,
    };
    p.skip_whitespace();
    let (value, _) = p.value(1)?;
    p.skip_whitespace();
    if p.pos < p.bytes.len() {
        return Err(p.error_here("unexpected text after the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    /// Go's JSON whitespace: only these four, never the wider Unicode set.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The character at the current position, for messages.
    fn current_char(&self) -> Option<char> {
        self.text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
    }

    /// An error at the current character (or at the end of the line) describing what was found.
    fn error_here(&self, what: &str) -> SyntaxError {
        match self.current_char() {
            Some(c) => SyntaxError {
                span: (self.pos, c.len_utf8()),
                message: format!("invalid JSON: {what}, found `{}`", c.escape_debug()),
            },
            None => SyntaxError {
                span: (self.pos, 0),
                message: format!("invalid JSON: {what}, found the end of the line"),
            },
        }
    }

    /// Reads a value whose containers (if it is one) sit at nesting `depth` (the top level is 1).
    fn value(&mut self, depth: usize) -> Result<(Value, Span), SyntaxError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') if depth <= KEPT_DEPTH => Value::Object(self.object(depth)?),
            Some(b'{') => {
                self.skip_container(depth)?;
                Value::Object(Vec::new())
            }
            Some(b'[') => {
                self.skip_container(depth)?;
                Value::Array
            }
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
                Value::Number
            }
            Some(b't') => {
                self.literal("true")?;
                Value::Bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                Value::Bool(false)
            }
            Some(b'n') => {
                self.literal("null")?;
                Value::Null
            }
            _ => return Err(self.error_here("expected a value")),
        };
        Ok((value, (start, self.pos - start)))
    }

    fn check_depth(&self, depth: usize) -> Result<(), SyntaxError> {
        if depth > MAX_NESTING {
            return Err(SyntaxError {
                span: (self.pos, 1),
                message: format!("invalid JSON: nested deeper than {MAX_NESTING} levels"),
            });
        }
        Ok(())
    }

    /// Reads an object whose members are kept; the cursor is on `{`.
    fn object(&mut self, depth: usize) -> Result<Vec<Member>, SyntaxError> {
        self.check_depth(depth)?;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(members);
        }
        loop {
            self.skip_whitespace();
            let key_start = self.pos;
            if self.peek() != Some(b'"') {
                return Err(self.error_here("expected a string key"));
            }
            let key = self.string()?;
            let key_span = (key_start, self.pos - key_start);
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error_here("expected `:` after an object key"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let (value, value_span) = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_span,
                value,
                value_span,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(members);
                }
                _ => return Err(self.error_here("expected `,` or `}` after an object member")),
            }
        }
    }

    /// Checks a container that no policy field can be inside, without recursion: Go accepts
    /// 10000 levels, which is deeper than a thread's stack would allow us to recurse.
    fn skip_container(&mut self, depth: usize) -> Result<(), SyntaxError> {
        // `true` for an object, `false` for an array.
        let mut open: Vec<bool> = Vec::new();
        loop {
            // Here a value is expected.
            self.skip_whitespace();
            match self.peek() {
                Some(c @ (b'{' | b'[')) => {
                    self.check_depth(depth + open.len())?;
                    self.pos += 1;
                    let is_object = c == b'{';
                    open.push(is_object);
                    self.skip_whitespace();
                    let close = if is_object { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        open.pop();
                    } else if is_object {
                        self.member_key()?;
                        continue;
                    } else {
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal("true")?,
                Some(b'f') => self.literal("false")?,
                Some(b'n') => self.literal("null")?,
                _ => return Err(self.error_here("expected a value")),
            }
            // Here a value has just ended: close containers or move to the next element.
            loop {
                let Some(&is_object) = open.last() else {
                    return Ok(());
                };
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if is_object {
                            self.member_key()?;
                        }
                        break;
                    }
                    Some(b'}') if is_object => {
                        self.pos += 1;
                        open.pop();
                    }
                    Some(b']') if !is_object => {
                        self.pos += 1;
                        open.pop();
                    }
                    _ if is_object => {
                        return Err(self.error_here("expected `,` or `}` after an object member"));
                    }
                    _ => return Err(self.error_here("expected `,` or `]` after an array element")),
                }
            }
        }
    }

    /// Reads `"key":` inside a skipped object, leaving the cursor before the value.
    fn member_key(&mut self) -> Result<(), SyntaxError> {
        self.skip_whitespace();
        if self.peek() != Some(b'"') {
            return Err(self.error_here("expected a string key"));
        }
        self.string()?;
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.error_here("expected `:` after an object key"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Reads a string literal; the cursor is on the opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut run_start = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(SyntaxError {
                    span: (open, self.pos - open),
                    message: "invalid JSON: string is not closed before the end of the line"
                        .to_string(),
                });
            };
            match b {
                b'"' => {
                    out.push_str(&self.text[run_start..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run_start..self.pos]);
                    self.escape(&mut out)?;
                    run_start = self.pos;
                }
                0x00..=0x1f => {
                    return Err(SyntaxError {
                        span: (self.pos, 1),
                        message: format!(
                            "invalid JSON: control character `{}` inside a string",
                            char::from(b).escape_debug()
                        ),
                    });
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Decodes one escape; the cursor is on the backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let start = self.pos;
        let bad = |p: &Self| {
            let len = p
                .text
                .get(start..)
                .and_then(|r| r.chars().nth(1))
                .map_or(1, |c| 1 + c.len_utf8());
            SyntaxError {
                span: (start, len),
                message: format!(
                    "invalid JSON: invalid escape `{}` in a string",
                    p.text.get(start..start + len).unwrap_or("\\")
                ),
            }
        };
        let simple = match self.bytes.get(start + 1) {
            Some(b'"') => Some('"'),
            Some(b'\\') => Some('\\'),
            Some(b'/') => Some('/'),
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{c}'),
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            Some(b'u') => None,
            _ => return Err(bad(self)),
        };
        if let Some(c) = simple {
            out.push(c);
            self.pos = start + 2;
            return Ok(());
        }
        let Some(unit) = self.hex4(start + 2) else {
            return Err(SyntaxError {
                span: (start, 2),
                message: "invalid JSON: `\\u` must be followed by four hex digits".to_string(),
            });
        };
        self.pos = start + 6;
        // Go pairs a high surrogate with a following `\u` low surrogate; anything else that is
        // a surrogate becomes U+FFFD, and a second escape is then read on its own.
        if (0xD800..0xE000).contains(&unit) {
            if (0xD800..0xDC00).contains(&unit)
                && self.bytes.get(self.pos) == Some(&b'\\')
                && self.bytes.get(self.pos + 1) == Some(&b'u')
                && let Some(low) = self.hex4(self.pos + 2)
                && (0xDC00..0xE000).contains(&low)
            {
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                self.pos += 6;
                return Ok(());
            }
            out.push('\u{FFFD}');
            return Ok(());
        }
        out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
        Ok(())
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes.get(at..at + 4)?;
        let mut unit = 0u32;
        for &d in digits {
            unit = unit * 16 + char::from(d).to_digit(16)?;
        }
        Some(unit)
    }

    /// Checks a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<(), SyntaxError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error_here("expected a digit in a number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error_here("expected a digit after the decimal point"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error_here("expected a digit in the exponent"));
            }
            self.digits();
        }
        Ok(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), SyntaxError> {
        for expected in word.bytes() {
            if self.peek() != Some(expected) {
                return Err(self.error_here(&format!("expected `{word}`")));
            }
            self.pos += 1;
        }
        Ok(())
    }
}
