//! ABAC: loads an `--authorization-policy-file` and authorizes requests with it, as the
//! kube-apiserver's ABAC mode does (pkg/auth/authorizer/abac/abac.go).
//!
//! Upstream refuses to start on the first bad line; kauthz reports every bad line as an error
//! [`Problem`] and keeps the good ones, leaving it to the caller (`--strict`) to make that fatal.
//! The request's user is always present here: every [`Attributes`] carries one, so the upstream
//! rule that a request without user information matches no policy never applies.

mod decode;
mod json;
mod value;
mod yaml;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::decision::Verdict;
use crate::diagnostics::Problem;
use crate::request::Attributes;

/// A line longer than the apiserver's line scanner can hold.
pub const CODE_LINE_TOO_LONG: &str = "kauthz::abac::line-too-long";
/// A line that is not well-formed JSON (or, when it does not start with `{`, YAML).
pub const CODE_SYNTAX: &str = "kauthz::abac::invalid-syntax";
/// A line that is well-formed but not an object (a YAML scalar or sequence).
pub const CODE_NOT_OBJECT: &str = "kauthz::abac::not-an-object";
/// A policy field with a value of the wrong type, such as `"readonly": "yes"`.
pub const CODE_WRONG_TYPE: &str = "kauthz::abac::wrong-type";
/// An `apiVersion` with more than one `/`.
pub const CODE_BAD_API_VERSION: &str = "kauthz::abac::bad-api-version";
/// An `apiVersion`/`kind` that is not an ABAC Policy, or only half of one.
pub const CODE_UNKNOWN_TYPE: &str = "kauthz::abac::unknown-type";

/// The longest line `bufio.Scanner` returns with its default 64 KiB buffer: the buffer must also
/// hold the line break, and a longer line stops the scan with "token too long".
pub const MAX_LINE_BYTES: usize = 64 * 1024 - 1;

/// The reason ABAC gives when no policy matches.
pub const NO_MATCH_REASON: &str = "No policy matched.";

/// The schema a policy line was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AbacVersion {
    /// Legacy unversioned lines, or `abac.authorization.kubernetes.io/v0`.
    V0,
    /// `abac.authorization.kubernetes.io/v1beta1`.
    V1beta1,
    /// `abac.authorization.kubernetes.io/__internal`: the apiserver's decoder also accepts its
    /// internal type, with Go field names (`Spec`, `User`, ...) and no conversion at all.
    Internal,
}

/// One policy line after conversion to the internal form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbacRule {
    pub user: String,
    pub group: String,
    pub readonly: bool,
    pub api_group: String,
    pub resource: String,
    pub namespace: String,
    pub non_resource_path: String,
    /// 1-based line in the file.
    pub line: u32,
    pub version: AbacVersion,
    /// The line as the apiserver's decoder saw it (without a final `\r`).
    pub text: String,
}

/// The policies of one file, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AbacPolicy {
    pub path: String,
    pub rules: Vec<AbacRule>,
}

/// Parses a policy file's text. Never fails: every line that cannot be loaded yields an error
/// [`Problem`] placed at the line (or at the offending value), and the other lines still load.
pub fn parse_policy_file(path: &str, text: &str) -> (AbacPolicy, Vec<Problem>) {
    let source: Arc<str> = Arc::from(text);
    let mut policy = AbacPolicy {
        path: path.to_string(),
        rules: Vec::new(),
    };
    let mut problems = Vec::new();
    for (index, (start, raw)) in scan_lines(text).enumerate() {
        let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if raw.len() > MAX_LINE_BYTES {
            problems.push(
                Problem::error(
                    CODE_LINE_TOO_LONG,
                    format!(
                        "line is {} bytes long, more than the {MAX_LINE_BYTES} a policy line can have",
                        raw.len()
                    ),
                )
                .with_help(
                    "the apiserver reads the policy file with a 64 KiB line buffer and refuses to start at a longer line; split the policy over several lines",
                )
                .at(path, &source, start, 0),
            );
            continue;
        }
        // bufio.ScanLines drops one `\r` before the line break.
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let content_offset = line.len() - line.trim_start().len();
        match decode::decode_line(line, (content_offset, trimmed.len())) {
            Ok((spec, version)) => policy.rules.push(AbacRule {
                user: spec.user,
                group: spec.group,
                readonly: spec.readonly,
                api_group: spec.api_group,
                resource: spec.resource,
                namespace: spec.namespace,
                non_resource_path: spec.non_resource_path,
                line: line_number,
                version,
                text: line.to_string(),
            }),
            Err(err) => {
                let (offset, len) = err.span;
                problems.push(
                    Problem::error(err.code, err.message)
                        .with_help(err.help)
                        .at(path, &source, start + offset, len),
                );
            }
        }
    }
    (policy, problems)
}

/// The lines as `bufio.Scanner` with `ScanLines` yields them: split at `\n`, with no empty line
/// after a final line break. Each comes with its byte offset in `text`.
fn scan_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    std::iter::from_fn(move || {
        if offset >= text.len() {
            return None;
        }
        let start = offset;
        let rest = &text[start..];
        let line = match rest.find('\n') {
            Some(end) => {
                offset = start + end + 1;
                &rest[..end]
            }
            None => {
                offset = text.len();
                rest
            }
        };
        Some((start, line))
    })
}

impl AbacPolicy {
    /// Allow with an empty reason on the first matching rule, else NoOpinion `No policy matched.`.
    pub fn authorize(&self, a: &Attributes) -> Verdict {
        match self.first_match(a) {
            Some(_) => Verdict::allow(""),
            None => Verdict::no_opinion(NO_MATCH_REASON),
        }
    }

    /// Index of the first matching rule (for explain), if any.
    pub fn first_match(&self, a: &Attributes) -> Option<usize> {
        self.rules.iter().position(|rule| rule.matches(a))
    }
}

impl AbacRule {
    /// Whether the policy's user and group admit the request's user. A `*` can only remain here
    /// in an internal-version line, since conversion rewrites it; upstream honours it anyway.
    pub fn subject_matches(&self, a: &Attributes) -> bool {
        let mut matched = false;
        if !self.user.is_empty() {
            if self.user != "*" && self.user != a.user {
                return false;
            }
            matched = true;
        }
        if !self.group.is_empty() {
            if self.group != "*" && !a.groups.contains(&self.group) {
                return false;
            }
            matched = true;
        }
        // Neither set: the policy names nobody.
        matched
    }

    /// Read-only requests (`get`, `list`, `watch`) pass every policy; others need `readonly: false`.
    pub fn verb_matches(&self, a: &Attributes) -> bool {
        a.is_read_only() || !self.readonly
    }

    /// Namespace, resource and API group each `*` or equal; subresource and name play no part.
    pub fn resource_matches(&self, a: &Attributes) -> bool {
        a.resource_request
            && (self.namespace == "*" || self.namespace == a.namespace)
            && (self.resource == "*" || self.resource == a.resource)
            && (self.api_group == "*" || self.api_group == a.api_group)
    }

    /// `*`, the exact path, or a prefix ending in `*` (every trailing `*` dropped before comparing).
    pub fn non_resource_matches(&self, a: &Attributes) -> bool {
        if a.resource_request {
            return false;
        }
        let pattern = self.non_resource_path.as_str();
        pattern == "*"
            || pattern == a.path
            || (pattern.ends_with('*') && a.path.starts_with(pattern.trim_end_matches('*')))
    }

    pub fn matches(&self, a: &Attributes) -> bool {
        self.subject_matches(a)
            && self.verb_matches(a)
            && (self.resource_matches(a) || self.non_resource_matches(a))
    }
}
