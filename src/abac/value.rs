//! The shape of one decoded policy line, shared by the JSON and YAML readers.
//!
//! Only what the apiserver's decoder can look at is kept: the members of the top-level object
//! and of objects directly inside it (`spec`), with their byte spans in the line. Deeper
//! containers are checked for syntax and then dropped, since no policy field lives there.

/// A byte range `(offset, len)` inside the line.
pub(super) type Span = (usize, usize);

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
    Null,
    Bool(bool),
    Number,
    String(String),
    Array,
    /// Members in the order written. Objects nested deeper than the policy's own fields are
    /// kept empty: their content can never reach a policy field.
    Object(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
    pub value_span: Span,
}

impl Value {
    /// How a message names the kind of value that was found.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number => "a number",
            Value::String(_) => "a string",
            Value::Array => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// A line that is not well-formed JSON or YAML, with the place that gave it away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub span: Span,
    pub message: String,
}
