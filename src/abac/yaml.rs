//! Reads a policy line that does not start with `{` as YAML, as the apiserver's decoder does.
//!
//! Upstream turns such a line into JSON with `sigs.k8s.io/yaml` (go-yaml v2, YAML 1.1 scalars)
//! before decoding it. serde-saphyr is set up to resolve plain scalars the same way (`yes` is a
//! boolean, `0755` an octal number), so a field gets a string when upstream's would. Known
//! corners where serde-saphyr still differs from go-yaml v2: it reads mixed-case `yEs`/`nULL` as
//! a boolean/null (go-yaml: a string), `0o17` as a number and `1e999` as an error (go-yaml: both
//! strings), and accepts a leading tab (go-yaml: an error).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::options::DuplicateKeyPolicy;

use super::value::{Member, Span, SyntaxError, Value};

/// Parses `line` as one YAML document. Every span in the result is `whole`: YAML values carry no
/// byte positions through serde, so problems point at the line.
pub(super) fn parse(line: &str, whole: Span) -> Result<Value, SyntaxError> {
    let mut options = serde_saphyr::Options::default();
    // go-yaml v2 keeps the last of two equal keys.
    options.duplicate_keys = DuplicateKeyPolicy::LastWins;
    // YAML 1.1 reads `0755` as an octal number, as go-yaml v2 does.
    options.legacy_octal_numbers = true;
    options.with_snippet = false;
    match serde_saphyr::from_str_with_options::<YamlValue>(line, options) {
        Ok(YamlValue(value)) => Ok(with_spans(value, whole)),
        Err(err) => {
            let span = err
                .location()
                .and_then(|loc| byte_offset(line, loc.line(), loc.column()))
                .map_or(whole, |offset| (offset, 0));
            Err(SyntaxError {
                span,
                message: format!("invalid YAML: {}", first_line(&err)),
            })
        }
    }
}

/// The error's own text without the snippet and location that serde-saphyr adds: its line
/// numbers count within the one line, and the problem is placed in the file anyway.
fn first_line(err: &serde_saphyr::Error) -> String {
    let text = err.to_string();
    let mut first = text.lines().next().unwrap_or("").trim();
    if let Some(at) = first.find(" at line ") {
        first = &first[..at];
    }
    first.strip_suffix('.').unwrap_or(first).to_string()
}

/// Byte offset of a 1-based line and character column in `line` (a single line, so line 1).
fn byte_offset(line: &str, row: u64, column: u64) -> Option<usize> {
    if row != 1 || column == 0 {
        return None;
    }
    let column = usize::try_from(column - 1).ok()?;
    match line.char_indices().nth(column) {
        Some((offset, _)) => Some(offset),
        None => Some(line.len()),
    }
}

fn with_spans(value: Value, whole: Span) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|m| Member {
                    key: m.key,
                    key_span: whole,
                    value: with_spans(m.value, whole),
                    value_span: whole,
                })
                .collect(),
        ),
        other => other,
    }
}

/// A YAML node as `sigs.k8s.io/yaml` hands it on as JSON.
struct YamlValue(Value);

impl<'de> Deserialize<'de> for YamlValue {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(YamlValue)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Value, E> {
        Ok(Value::Number)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Value, E> {
        Ok(Value::Number)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Value, E> {
        Ok(Value::Number)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Value, E> {
        Ok(Value::Number)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // Go's json.Marshal refuses NaN and infinities, so upstream fails on such a line.
        if v.is_finite() {
            Ok(Value::Number)
        } else {
            Err(E::custom("a non-finite number cannot be turned into JSON"))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<YamlValue>()?.is_some() {}
        Ok(Value::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members: Vec<Member> = Vec::new();
        while let Some(YamlKey(key)) = map.next_key::<YamlKey>()? {
            let YamlValue(value) = map.next_value::<YamlValue>()?;
            // go-yaml's map keeps only the last of equal keys (and order never matters after it).
            members.retain(|m| m.key != key);
            members.push(Member {
                key,
                key_span: (0, 0),
                value,
                value_span: (0, 0),
            });
        }
        Ok(Value::Object(members))
    }
}

/// A mapping key as `sigs.k8s.io/yaml` turns it into a JSON key: scalars become strings, a null
/// or a collection as a key is an error.
struct YamlKey(String);

impl<'de> Deserialize<'de> for YamlKey {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor).map(YamlKey)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar mapping key")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Err(E::custom("a null mapping key cannot be turned into JSON"))
    }
}
