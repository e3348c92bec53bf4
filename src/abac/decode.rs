//! Decodes one policy line into an internal policy the way the apiserver's ABAC loader does.
//!
//! Upstream (pkg/auth/authorizer/abac/abac.go `NewFromFile`) asks its universal decoder for the
//! line's type from `apiVersion`/`kind` (matched without regard to case), decodes it into that
//! type (field names matched with case), and converts it to the internal form. When the type is
//! missing or unknown it decodes the line a second time with the v0 `Policy` type as the default
//! for whatever is missing. Each step that can fail here fails there too, and stops the server.

use super::json;
use super::value::{Member, Span, SyntaxError, Value};
use super::yaml;
use super::{
    AbacVersion, CODE_BAD_API_VERSION, CODE_NOT_OBJECT, CODE_SYNTAX, CODE_UNKNOWN_TYPE,
    CODE_WRONG_TYPE,
};

/// The API group of every ABAC policy version.
pub(super) const GROUP: &str = "abac.authorization.kubernetes.io";
const KIND: &str = "Policy";
/// `runtime.APIVersionInternal`: the internal type is registered under this version too.
const INTERNAL_VERSION: &str = "__internal";
/// `user.AllAuthenticated`.
pub(super) const ALL_AUTHENTICATED: &str = "system:authenticated";

/// The fields of the internal `abac.PolicySpec`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Spec {
    pub user: String,
    pub group: String,
    pub readonly: bool,
    pub api_group: String,
    pub resource: String,
    pub namespace: String,
    pub non_resource_path: String,
}

/// Why a line cannot be loaded, placed in the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct LineError {
    pub code: &'static str,
    pub message: String,
    pub help: String,
    pub span: Span,
}

const REFUSES: &str = "the apiserver refuses to start with this line in its policy file";
const EXAMPLE: &str = "{\"apiVersion\": \"abac.authorization.kubernetes.io/v1beta1\", \"kind\": \"Policy\", \"spec\": {\"user\": \"alice\", \"namespace\": \"*\", \"resource\": \"*\", \"apiGroup\": \"*\"}}";

/// Decodes `line` (one line of the file, without its line break); `content` is the span of its
/// text without surrounding whitespace, where line-wide problems are placed.
pub(super) fn decode_line(line: &str, content: Span) -> Result<(Spec, AbacVersion), LineError> {
    let value = read(line, content)?;
    let members: &[Member] = match &value {
        Value::Object(members) => members,
        // Go decodes `null` into a struct by leaving it alone, so the line is an empty object.
        Value::Null => &[],
        other => {
            return Err(LineError {
                code: CODE_NOT_OBJECT,
                message: format!(
                    "a policy line must be an object, found {}",
                    other.describe()
                ),
                help: format!("write one JSON object per line, such as `{EXAMPLE}`"),
                span: content,
            });
        }
    };

    let meta = interpret(members)?;
    let Some((group, version)) = parse_group_version(&meta.api_version) else {
        return Err(LineError {
            code: CODE_BAD_API_VERSION,
            message: format!("`{}` is not a valid apiVersion", meta.api_version),
            help: format!(
                "an apiVersion is `group/version` or `version`; ABAC lines use `{GROUP}/v1beta1`; {REFUSES}"
            ),
            span: meta.api_version_span.unwrap_or(content),
        });
    };

    // The first decode: a complete, registered type is decoded as itself.
    if !meta.kind.is_empty()
        && !version.is_empty()
        && let Some(known) = registered(group, version, &meta.kind)
    {
        let spec = decode_fields(known, members)?;
        return Ok((convert(known, spec), known));
    }

    // The second decode fills in what is missing from the v0 Policy type, as the JSON
    // serializer's `gvkWithDefaults` does, and must then land on exactly that type.
    let kind = if meta.kind.is_empty() {
        KIND
    } else {
        meta.kind.as_str()
    };
    let (group, version) = match (group, version) {
        ("", "") => (GROUP, "v0"),
        (GROUP, "") => (GROUP, "v0"),
        other => other,
    };
    match registered(group, version, kind) {
        Some(AbacVersion::V0) => {
            let spec = decode_fields(AbacVersion::V0, members)?;
            Ok((convert(AbacVersion::V0, spec), AbacVersion::V0))
        }
        Some(other) => {
            // Upstream decodes into the named type, then finds no conversion from it to v0.
            decode_fields(other, members)?;
            Err(LineError {
                code: CODE_UNKNOWN_TYPE,
                message: format!(
                    "a line with `apiVersion` `{}` needs `kind` `Policy`",
                    meta.api_version
                ),
                help: format!(
                    "add `\"kind\": \"Policy\"`: without it the line is read as a legacy v0 policy, which cannot have this apiVersion; {REFUSES}"
                ),
                span: meta.api_version_span.unwrap_or(content),
            })
        }
        None => Err(unknown_type(&meta, content)),
    }
}

fn read(line: &str, content: Span) -> Result<Value, LineError> {
    // The universal decoder hands a line to its JSON serializer when the first non-space
    // character is `{`, and to YAML otherwise; a `{` line never gets a second chance as YAML.
    let result = if line.trim_start().starts_with('{') {
        json::parse(line)
    } else {
        yaml::parse(line, content)
    };
    result.map_err(|SyntaxError { span, message }| LineError {
        code: CODE_SYNTAX,
        message,
        help: format!("write one JSON object per line, such as `{EXAMPLE}`; {REFUSES}"),
        span,
    })
}

/// `apiVersion` and `kind` as the decoder's type sniffing reads them.
struct TypeMeta {
    api_version: String,
    api_version_span: Option<Span>,
    kind: String,
    kind_span: Option<Span>,
}

/// Reads `apiVersion` and `kind` as Go's `encoding/json` fills a struct: keys match without
/// regard to case, the last one wins, `null` leaves the field alone, another type is an error.
fn interpret(members: &[Member]) -> Result<TypeMeta, LineError> {
    let mut meta = TypeMeta {
        api_version: String::new(),
        api_version_span: None,
        kind: String::new(),
        kind_span: None,
    };
    for member in members {
        let (field, span) = if folds_to(&member.key, "APIVERSION") {
            (&mut meta.api_version, &mut meta.api_version_span)
        } else if folds_to(&member.key, "KIND") {
            (&mut meta.kind, &mut meta.kind_span)
        } else {
            continue;
        };
        match &member.value {
            Value::String(s) => {
                *field = s.clone();
                *span = Some(member.value_span);
            }
            Value::Null => {}
            other => return Err(wrong_type(member, "a string", other)),
        }
    }
    Ok(meta)
}

/// Whether `key` equals `upper` (ASCII upper case) under Go's `encoding/json` key folding:
/// ASCII letters match either case, and the Kelvin sign and long s fold to `K` and `S`.
fn folds_to(key: &str, upper: &str) -> bool {
    let mut chars = key.chars();
    for expected in upper.chars() {
        let folded = match chars.next() {
            Some('\u{212A}') => 'K',
            Some('\u{17F}') => 'S',
            Some(c) => c.to_ascii_uppercase(),
            None => return false,
        };
        if folded != expected {
            return false;
        }
    }
    chars.next().is_none()
}

/// `schema.ParseGroupVersion`: `None` when there is more than one `/`.
fn parse_group_version(api_version: &str) -> Option<(&str, &str)> {
    if api_version.is_empty() || api_version == "/" {
        return Some(("", ""));
    }
    match api_version.split_once('/') {
        None => Some(("", api_version)),
        Some((_, rest)) if rest.contains('/') => None,
        Some(pair) => Some(pair),
    }
}

/// The types in the ABAC scheme: `Policy` in v0, v1beta1 and the internal version.
fn registered(group: &str, version: &str, kind: &str) -> Option<AbacVersion> {
    if group != GROUP || kind != KIND {
        return None;
    }
    match version {
        "v0" => Some(AbacVersion::V0),
        "v1beta1" => Some(AbacVersion::V1beta1),
        INTERNAL_VERSION => Some(AbacVersion::Internal),
        _ => None,
    }
}

fn unknown_type(meta: &TypeMeta, content: Span) -> LineError {
    let what = match (meta.api_version.is_empty(), meta.kind.is_empty()) {
        (false, false) => format!(
            "`{}` `{}` is not an ABAC policy type",
            meta.api_version, meta.kind
        ),
        (false, true) => format!("`{}` is not an ABAC policy apiVersion", meta.api_version),
        _ => format!(
            "`kind` `{}` without `apiVersion` is not an ABAC policy type",
            meta.kind
        ),
    };
    LineError {
        code: CODE_UNKNOWN_TYPE,
        message: what,
        help: format!(
            "use `\"apiVersion\": \"{GROUP}/v1beta1\", \"kind\": \"Policy\"`, or leave out both for a legacy v0 line; {REFUSES}"
        ),
        span: meta.api_version_span.or(meta.kind_span).unwrap_or(content),
    }
}

/// Fills the fields of `version`'s Policy type from the members, as the apiserver's
/// case-sensitive JSON decoding does; unknown fields are ignored.
fn decode_fields(version: AbacVersion, members: &[Member]) -> Result<Spec, LineError> {
    let mut spec = Spec::default();
    match version {
        AbacVersion::V0 => {
            for member in members {
                match member.key.as_str() {
                    "apiVersion" | "kind" => check_string(member)?,
                    "user" => set_string(&mut spec.user, member)?,
                    "group" => set_string(&mut spec.group, member)?,
                    "readonly" => set_bool(&mut spec.readonly, member)?,
                    "resource" => set_string(&mut spec.resource, member)?,
                    "namespace" => set_string(&mut spec.namespace, member)?,
                    _ => {}
                }
            }
        }
        AbacVersion::V1beta1 => {
            for member in members {
                match member.key.as_str() {
                    "apiVersion" | "kind" => check_string(member)?,
                    // Two `spec` members fill the same struct one after the other, as in Go.
                    "spec" => for_each_spec_field(member, &mut spec, v1beta1_field)?,
                    _ => {}
                }
            }
        }
        AbacVersion::Internal => {
            for member in members {
                match member.key.as_str() {
                    "apiVersion" | "kind" => check_string(member)?,
                    // The internal type has no JSON tags, so Go's field names are the keys.
                    "Spec" => for_each_spec_field(member, &mut spec, internal_field)?,
                    _ => {}
                }
            }
        }
    }
    Ok(spec)
}

fn v1beta1_field(spec: &mut Spec, member: &Member) -> Result<(), LineError> {
    match member.key.as_str() {
        "user" => set_string(&mut spec.user, member),
        "group" => set_string(&mut spec.group, member),
        "readonly" => set_bool(&mut spec.readonly, member),
        "apiGroup" => set_string(&mut spec.api_group, member),
        "resource" => set_string(&mut spec.resource, member),
        "namespace" => set_string(&mut spec.namespace, member),
        "nonResourcePath" => set_string(&mut spec.non_resource_path, member),
        _ => Ok(()),
    }
}

fn internal_field(spec: &mut Spec, member: &Member) -> Result<(), LineError> {
    match member.key.as_str() {
        "User" => set_string(&mut spec.user, member),
        "Group" => set_string(&mut spec.group, member),
        "Readonly" => set_bool(&mut spec.readonly, member),
        "APIGroup" => set_string(&mut spec.api_group, member),
        "Resource" => set_string(&mut spec.resource, member),
        "Namespace" => set_string(&mut spec.namespace, member),
        "NonResourcePath" => set_string(&mut spec.non_resource_path, member),
        _ => Ok(()),
    }
}

fn for_each_spec_field(
    member: &Member,
    spec: &mut Spec,
    field: fn(&mut Spec, &Member) -> Result<(), LineError>,
) -> Result<(), LineError> {
    match &member.value {
        Value::Object(fields) => fields.iter().try_for_each(|f| field(spec, f)),
        Value::Null => Ok(()),
        other => Err(wrong_type(member, "an object", other)),
    }
}

fn check_string(member: &Member) -> Result<(), LineError> {
    let mut ignored = String::new();
    set_string(&mut ignored, member)
}

fn set_string(field: &mut String, member: &Member) -> Result<(), LineError> {
    match &member.value {
        Value::String(s) => {
            field.clone_from(s);
            Ok(())
        }
        Value::Null => Ok(()),
        other => Err(wrong_type(member, "a string", other)),
    }
}

fn set_bool(field: &mut bool, member: &Member) -> Result<(), LineError> {
    match &member.value {
        Value::Bool(b) => {
            *field = *b;
            Ok(())
        }
        Value::Null => Ok(()),
        other => Err(wrong_type(member, "a boolean", other)),
    }
}

fn wrong_type(member: &Member, expected: &str, found: &Value) -> LineError {
    let help = match expected {
        "a boolean" => format!("write `true` or `false` without quotes; {REFUSES}"),
        "an object" => format!(
            "`{}` holds the policy fields, such as `{{\"user\": \"alice\", \"resource\": \"pods\"}}`; {REFUSES}",
            member.key
        ),
        _ => format!("write the value in double quotes; {REFUSES}"),
    };
    LineError {
        code: CODE_WRONG_TYPE,
        message: format!(
            "`{}` must be {expected}, found {}",
            member.key,
            found.describe()
        ),
        help,
        span: member.value_span,
    }
}

/// The conversions to the internal type (pkg/apis/abac/v0/conversion.go,
/// pkg/apis/abac/v1beta1/conversion.go); the internal type is taken as it is.
fn convert(version: AbacVersion, spec: Spec) -> Spec {
    match version {
        AbacVersion::V0 => {
            let mut out = Spec {
                user: spec.user.clone(),
                group: spec.group.clone(),
                readonly: spec.readonly,
                namespace: spec.namespace.clone(),
                resource: spec.resource.clone(),
                // v0 has neither field: every v0 line covers all API groups.
                api_group: "*".to_string(),
                non_resource_path: String::new(),
            };
            if spec.user.is_empty() && spec.group.is_empty() {
                out.group = ALL_AUTHENTICATED.to_string();
            }
            if spec.user == "*" || spec.group == "*" {
                out.group = ALL_AUTHENTICATED.to_string();
                out.user.clear();
            }
            if spec.namespace.is_empty() {
                out.namespace = "*".to_string();
            }
            if spec.resource.is_empty() {
                out.resource = "*".to_string();
            }
            if spec.namespace.is_empty() && spec.resource.is_empty() {
                out.non_resource_path = "*".to_string();
            }
            out
        }
        AbacVersion::V1beta1 => {
            let mut out = spec;
            if out.user == "*" || out.group == "*" {
                out.group = ALL_AUTHENTICATED.to_string();
                out.user.clear();
            }
            out
        }
        AbacVersion::Internal => spec,
    }
}
