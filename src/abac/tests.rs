//! Tests of ABAC loading and matching: one per upstream quirk, then the conformance corpus.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails by panicking"
)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;
use crate::decision::Decision;
use crate::diagnostics::Severity;

const V1: &str = r#""apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy""#;

fn load(text: &str) -> (AbacPolicy, Vec<Problem>) {
    parse_policy_file("policy.jsonl", text)
}

/// Loads text that must have no problems.
fn policy(text: &str) -> AbacPolicy {
    let (policy, problems) = load(text);
    assert!(problems.is_empty(), "unexpected problems: {problems:#?}");
    policy
}

/// The single rule of a one-line policy.
fn rule(line: &str) -> AbacRule {
    let policy = policy(line);
    assert_eq!(policy.rules.len(), 1, "{line}");
    policy.rules[0].clone()
}

/// The single problem of a policy.
fn problem(text: &str) -> Problem {
    let (_, problems) = load(text);
    assert_eq!(
        problems.len(),
        1,
        "expected one problem for {text:?}: {problems:#?}"
    );
    problems[0].clone()
}

fn v1(spec: &str) -> String {
    format!("{{{V1}, \"spec\": {spec}}}")
}

fn resource(
    user: &str,
    groups: &[&str],
    verb: &str,
    group: &str,
    res: &str,
    ns: &str,
) -> Attributes {
    Attributes {
        user: user.to_string(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        verb: verb.to_string(),
        resource_request: true,
        api_group: group.to_string(),
        resource: res.to_string(),
        namespace: ns.to_string(),
        ..Attributes::default()
    }
}

fn path(user: &str, groups: &[&str], verb: &str, path: &str) -> Attributes {
    Attributes {
        user: user.to_string(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        verb: verb.to_string(),
        resource_request: false,
        path: path.to_string(),
        ..Attributes::default()
    }
}

const AUTH: &[&str] = &["system:authenticated"];

// ---- conversion -------------------------------------------------------------------------------

#[test]
fn v0_empty_object_grants_every_authenticated_user_everything() {
    let r = rule("{}");
    assert_eq!(r.version, AbacVersion::V0);
    assert_eq!(
        (
            r.user.as_str(),
            r.group.as_str(),
            r.namespace.as_str(),
            r.resource.as_str()
        ),
        ("", "system:authenticated", "*", "*")
    );
    assert_eq!(
        (r.api_group.as_str(), r.non_resource_path.as_str()),
        ("*", "*")
    );
    assert!(r.matches(&resource(
        "x",
        AUTH,
        "delete",
        "apps",
        "deployments",
        "prod"
    )));
    assert!(r.matches(&resource("x", AUTH, "create", "", "nodes", "")));
    assert!(r.matches(&path("x", AUTH, "post", "/anything/at/all")));
    // The grant is to the group: a user outside it is not covered.
    assert!(!r.matches(&path(
        "system:anonymous",
        &["system:unauthenticated"],
        "get",
        "/healthz"
    )));
}

#[test]
fn v0_user_alone_grants_that_user_everything() {
    let r = rule(r#"{"user": "admin"}"#);
    assert_eq!((r.user.as_str(), r.group.as_str()), ("admin", ""));
    assert_eq!(r.non_resource_path, "*");
    assert!(r.matches(&resource(
        "admin",
        &[],
        "delete",
        "rbac.authorization.k8s.io",
        "roles",
        "x"
    )));
    assert!(r.matches(&path("admin", &[], "put", "/logs")));
    assert!(!r.matches(&resource("bob", AUTH, "get", "", "pods", "x")));
}

#[test]
fn v0_namespace_or_resource_limits_to_resources() {
    let r = rule(r#"{"user": "bob", "resource": "pods"}"#);
    assert_eq!(
        (r.namespace.as_str(), r.non_resource_path.as_str()),
        ("*", "")
    );
    assert!(r.matches(&resource("bob", &[], "create", "", "pods", "a")));
    // v0 lines cover every API group.
    assert!(r.matches(&resource(
        "bob",
        &[],
        "create",
        "metrics.k8s.io",
        "pods",
        "a"
    )));
    assert!(!r.matches(&path("bob", &[], "get", "/healthz")));
    let r = rule(r#"{"user": "bob", "namespace": "dev"}"#);
    assert_eq!(
        (r.resource.as_str(), r.non_resource_path.as_str()),
        ("*", "")
    );
    assert!(r.matches(&resource("bob", &[], "get", "", "secrets", "dev")));
    assert!(!r.matches(&resource("bob", &[], "get", "", "secrets", "prod")));
    assert!(!r.matches(&resource("bob", &[], "get", "", "nodes", "")));
}

#[test]
fn star_user_or_group_becomes_all_authenticated_in_both_versions() {
    for line in [
        r#"{"user": "*"}"#.to_string(),
        r#"{"group": "*", "user": "bob"}"#.to_string(),
        v1(r#"{"user": "*", "resource": "*", "namespace": "*", "apiGroup": "*"}"#),
        v1(r#"{"user": "bob", "group": "*", "resource": "*", "namespace": "*", "apiGroup": "*"}"#),
    ] {
        let r = rule(&line);
        assert_eq!(
            (r.user.as_str(), r.group.as_str()),
            ("", "system:authenticated"),
            "{line}"
        );
        assert!(
            r.matches(&resource("carol", AUTH, "get", "", "pods", "x")),
            "{line}"
        );
        assert!(
            !r.matches(&resource("bob", &[], "get", "", "pods", "x")),
            "{line}"
        );
    }
}

#[test]
fn v1beta1_copies_fields_as_written() {
    let r = rule(&v1(
        r#"{"user": "u", "group": "g", "readonly": true, "apiGroup": "apps", "resource": "r", "namespace": "", "nonResourcePath": "/p"}"#,
    ));
    assert_eq!(r.version, AbacVersion::V1beta1);
    assert_eq!(
        (
            &*r.user,
            &*r.group,
            r.readonly,
            &*r.api_group,
            &*r.resource,
            &*r.namespace,
            &*r.non_resource_path
        ),
        ("u", "g", true, "apps", "r", "", "/p")
    );
    assert_eq!(r.line, 1);
    assert_eq!(
        r.text,
        v1(
            r#"{"user": "u", "group": "g", "readonly": true, "apiGroup": "apps", "resource": "r", "namespace": "", "nonResourcePath": "/p"}"#,
        )
    );
}

#[test]
fn v1beta1_empty_subject_matches_nobody() {
    let r = rule(&v1(
        r#"{"resource": "*", "namespace": "*", "apiGroup": "*", "nonResourcePath": "*"}"#,
    ));
    assert!(!r.matches(&resource("alice", AUTH, "get", "", "pods", "x")));
    assert!(!r.matches(&path("alice", AUTH, "get", "/healthz")));
    // Without any field at all the spec is empty too.
    let r = rule(&format!("{{{V1}}}"));
    assert_eq!(r.group, "");
    assert!(!r.matches(&resource("alice", AUTH, "get", "", "pods", "x")));
}

#[test]
fn user_and_group_must_both_match_when_both_are_set() {
    let r = rule(&v1(
        r#"{"user": "carol", "group": "ops", "resource": "*", "namespace": "*", "apiGroup": "*"}"#,
    ));
    assert!(r.matches(&resource("carol", &["ops"], "get", "", "pods", "x")));
    assert!(!r.matches(&resource("carol", &["dev"], "get", "", "pods", "x")));
    assert!(!r.matches(&resource("dave", &["ops"], "get", "", "pods", "x")));
}

// ---- matching ---------------------------------------------------------------------------------

#[test]
fn readonly_policies_pass_only_get_list_and_watch() {
    let ro = rule(r#"{"user": "u", "readonly": true}"#);
    let rw = rule(r#"{"user": "u", "readonly": false}"#);
    for verb in ["get", "list", "watch"] {
        assert!(
            ro.verb_matches(&resource("u", &[], verb, "", "pods", "x")),
            "{verb}"
        );
    }
    for verb in [
        "create",
        "update",
        "patch",
        "delete",
        "deletecollection",
        "post",
        "GET",
        "proxy",
    ] {
        let a = resource("u", &[], verb, "", "pods", "x");
        assert!(!ro.verb_matches(&a), "{verb}");
        assert!(rw.verb_matches(&a), "{verb}");
    }
    assert!(ro.matches(&path("u", &[], "get", "/metrics")));
    assert!(!ro.matches(&path("u", &[], "post", "/metrics")));
}

#[test]
fn subresource_and_name_are_ignored() {
    let r = rule(&v1(
        r#"{"user": "bob", "resource": "pods", "namespace": "dev", "apiGroup": ""}"#,
    ));
    let mut a = resource("bob", &[], "create", "", "pods", "dev");
    a.subresource = "exec".to_string();
    a.name = "web-0".to_string();
    assert!(r.resource_matches(&a));
    assert!(r.matches(&a));
}

#[test]
fn non_resource_paths_match_exactly_or_by_star_prefix() {
    let cases: &[(&str, &str, bool)] = &[
        ("*", "/anything", true),
        ("/healthz", "/healthz", true),
        ("/healthz", "/healthz/etcd", false),
        ("/healthz/*", "/healthz/etcd", true),
        ("/healthz/*", "/healthz/", true),
        ("/healthz/*", "/healthz", false),
        ("/healthz*", "/healthzfoo", true),
        ("/healthz*", "/healthz", true),
        ("/healthz**", "/healthz/x", true),
        ("/*", "/", true),
        ("", "/healthz", false),
        ("", "/", false),
    ];
    for (pattern, p, want) in cases {
        let r = rule(&v1(&format!(
            r#"{{"user": "u", "nonResourcePath": "{pattern}"}}"#
        )));
        assert_eq!(
            r.non_resource_matches(&path("u", &[], "get", p)),
            *want,
            "{pattern} vs {p}"
        );
        assert_eq!(
            r.matches(&path("u", &[], "get", p)),
            *want,
            "{pattern} vs {p}"
        );
    }
}

#[test]
fn empty_non_resource_path_equals_an_empty_request_path() {
    // Upstream compares the strings before anything else, so an empty pattern does match an
    // empty path (a SubjectAccessReview can ask that; HTTP requests always have `/`).
    let r = rule(&v1(r#"{"user": "u"}"#));
    assert!(r.non_resource_matches(&path("u", &[], "get", "")));
}

#[test]
fn resource_and_non_resource_policies_never_cross() {
    let paths = rule(&v1(r#"{"user": "u", "nonResourcePath": "*"}"#));
    assert!(!paths.matches(&resource("u", &[], "get", "", "pods", "x")));
    let resources = rule(&v1(
        r#"{"user": "u", "resource": "*", "namespace": "*", "apiGroup": "*"}"#,
    ));
    assert!(!resources.matches(&path("u", &[], "get", "/healthz")));
}

#[test]
fn empty_namespace_matches_only_cluster_scoped_requests() {
    let r = rule(&v1(
        r#"{"user": "u", "resource": "*", "namespace": "", "apiGroup": "*"}"#,
    ));
    assert!(r.matches(&resource("u", &[], "get", "", "nodes", "")));
    assert!(!r.matches(&resource("u", &[], "get", "", "pods", "default")));
    let r = rule(&v1(
        r#"{"user": "u", "resource": "*", "namespace": "*", "apiGroup": "*"}"#,
    ));
    assert!(r.matches(&resource("u", &[], "get", "", "nodes", "")));
}

#[test]
fn api_group_must_be_star_or_equal() {
    let core = rule(&v1(r#"{"user": "u", "resource": "*", "namespace": "*"}"#));
    assert!(core.matches(&resource("u", &[], "get", "", "pods", "x")));
    assert!(!core.matches(&resource("u", &[], "get", "apps", "deployments", "x")));
    let apps = rule(&v1(
        r#"{"user": "u", "resource": "*", "namespace": "*", "apiGroup": "apps"}"#,
    ));
    assert!(apps.matches(&resource("u", &[], "get", "apps", "deployments", "x")));
    assert!(!apps.matches(&resource("u", &[], "get", "", "pods", "x")));
}

#[test]
fn first_match_wins_and_reasons_follow_upstream() {
    let p = policy(&format!(
        "{}\n{}\n",
        v1(r#"{"user": "a", "resource": "pods", "namespace": "*", "apiGroup": ""}"#),
        r#"{"user": "b"}"#
    ));
    assert_eq!(
        p.first_match(&resource("a", &[], "get", "", "pods", "x")),
        Some(0)
    );
    assert_eq!(
        p.first_match(&resource("b", &[], "get", "", "pods", "x")),
        Some(1)
    );
    assert_eq!(
        p.first_match(&resource("c", &[], "get", "", "pods", "x")),
        None
    );
    assert_eq!(
        p.authorize(&resource("b", &[], "get", "", "pods", "x")),
        Verdict::allow("")
    );
    let denied = p.authorize(&resource("c", &[], "get", "", "pods", "x"));
    assert_eq!(denied.decision, Decision::NoOpinion);
    assert_eq!(denied.reason, "No policy matched.");
    assert_eq!(denied.error, "");
    assert_eq!(
        AbacPolicy::default()
            .authorize(&path("a", &[], "get", "/"))
            .reason,
        "No policy matched."
    );
}

// ---- reading the file -------------------------------------------------------------------------

#[test]
fn field_names_are_case_sensitive() {
    // `User` is an unknown field: this is a v0 line with no subject, which grants everyone.
    let r = rule(r#"{"User": "bob"}"#);
    assert_eq!(
        (r.user.as_str(), r.group.as_str()),
        ("", "system:authenticated")
    );
    assert!(r.matches(&resource("mallory", AUTH, "delete", "", "secrets", "x")));
    let r = rule(r#"{"user": "bob", "readOnly": true}"#);
    assert!(!r.readonly);
    let r = rule(&v1(r#"{"User": "bob", "Resource": "pods"}"#));
    assert_eq!((r.user.as_str(), r.resource.as_str()), ("", ""));
    let r = rule(&format!(r#"{{{V1}, "Spec": {{"user": "bob"}}}}"#));
    assert_eq!(r.user, "");
}

#[test]
fn api_version_and_kind_are_found_without_regard_to_case() {
    let r = rule(
        r#"{"APIVERSION": "abac.authorization.kubernetes.io/v1beta1", "Kind": "Policy", "spec": {"user": "u"}}"#,
    );
    assert_eq!((r.version, r.user.as_str()), (AbacVersion::V1beta1, "u"));
    // Go folds the Kelvin sign to K and the long s to S.
    let r = rule(
        "{\"apiVer\u{17F}ion\": \"abac.authorization.kubernetes.io/v1beta1\", \"\u{212A}ind\": \"Policy\", \"spec\": {\"user\": \"u\"}}",
    );
    assert_eq!(r.version, AbacVersion::V1beta1);
    // The value itself is compared exactly.
    let p =
        problem(r#"{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "policy"}"#);
    assert_eq!(p.code, CODE_UNKNOWN_TYPE);
    // The last of two spellings wins; null leaves the field alone.
    let r = rule(
        r#"{"kind": "Pod", "KIND": "Policy", "apiVersion": "abac.authorization.kubernetes.io/v0", "apiversion": null, "user": "u"}"#,
    );
    assert_eq!(r.version, AbacVersion::V0);
}

#[test]
fn partial_type_information_defaults_to_v0() {
    for line in [
        r#"{"kind": "Policy", "user": "u"}"#,
        r#"{"apiVersion": "abac.authorization.kubernetes.io/v0", "user": "u"}"#,
        r#"{"apiVersion": "abac.authorization.kubernetes.io/", "user": "u"}"#,
        r#"{"apiVersion": "abac.authorization.kubernetes.io/v0", "kind": "Policy", "user": "u"}"#,
        r#"{"apiVersion": "", "kind": "", "user": "u"}"#,
        r#"{"apiVersion": "/", "user": "u"}"#,
    ] {
        let r = rule(line);
        assert_eq!(
            (r.version, r.user.as_str(), r.api_group.as_str()),
            (AbacVersion::V0, "u", "*"),
            "{line}"
        );
    }
}

#[test]
fn v0_ignores_v1beta1_only_fields() {
    let r = rule(
        r#"{"user": "u", "resource": "pods", "apiGroup": "apps", "nonResourcePath": "/x", "spec": 5}"#,
    );
    assert_eq!(
        (r.api_group.as_str(), r.non_resource_path.as_str()),
        ("*", "")
    );
}

#[test]
fn internal_version_is_taken_without_conversion() {
    let r = rule(
        r#"{"apiVersion": "abac.authorization.kubernetes.io/__internal", "kind": "Policy", "Spec": {"User": "*", "Resource": "pods", "Namespace": "*", "APIGroup": "*", "Readonly": true, "NonResourcePath": "/x"}}"#,
    );
    assert_eq!(r.version, AbacVersion::Internal);
    assert_eq!(
        (r.user.as_str(), r.group.as_str(), r.readonly),
        ("*", "", true)
    );
    // A `*` user survives and matches anyone, even outside system:authenticated.
    assert!(r.matches(&resource(
        "system:anonymous",
        &["system:unauthenticated"],
        "get",
        "",
        "pods",
        "x"
    )));
    assert!(r.matches(&path("anyone", &[], "get", "/x")));
}

#[test]
fn comments_blank_lines_and_line_numbers() {
    let text =
        "# comment\n\n   \t\n   # indented comment\n{\"user\": \"a\"}\n\u{a0}\n{\"user\": \"b\"}";
    let p = policy(text);
    let lines: Vec<(u32, &str)> = p.rules.iter().map(|r| (r.line, r.user.as_str())).collect();
    assert_eq!(lines, [(5, "a"), (7, "b")]);
    assert_eq!(p.path, "policy.jsonl");
    assert!(policy("").rules.is_empty());
    assert!(policy("\n\n").rules.is_empty());
}

#[test]
fn crlf_line_endings_are_dropped() {
    let p = policy("# c\r\n{\"user\": \"a\"}\r\n\r\n{\"user\": \"b\"}\r");
    let lines: Vec<(u32, &str, &str)> = p
        .rules
        .iter()
        .map(|r| (r.line, r.user.as_str(), r.text.as_str()))
        .collect();
    assert_eq!(
        lines,
        [(2, "a", "{\"user\": \"a\"}"), (4, "b", "{\"user\": \"b\"}")]
    );
    // Only one `\r` goes; a second one is JSON whitespace and still fine.
    assert_eq!(policy("{\"user\": \"a\"}\r\r\n").rules.len(), 1);
}

#[test]
fn good_lines_load_around_bad_ones() {
    let (p, problems) = load("{\"user\": \"a\"}\n{\"user\": 5}\n{\"user\": \"b\"}\nnot json {\n");
    assert_eq!(p.rules.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 3]);
    assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 4]);
    assert!(
        problems
            .iter()
            .all(|p| p.severity == Severity::Error && p.help.is_some())
    );
}

#[test]
fn json_follows_go_encoding_json() {
    // Escapes, including a surrogate pair; an unpaired surrogate becomes U+FFFD.
    let r = rule(r#"{"user": "a\u00e9\ud83d\ude00\n\/\"", "group": "\ud800x"}"#);
    assert_eq!(
        (r.user.as_str(), r.group.as_str()),
        ("a\u{e9}\u{1f600}\n/\"", "\u{fffd}x")
    );
    // null leaves a field alone; the last of duplicate keys wins.
    let r = rule(r#"{"user": "a", "user": null, "readonly": true, "readonly": false}"#);
    assert_eq!((r.user.as_str(), r.readonly), ("a", false));
    let r = rule(r#"{"user": "a", "user": "b"}"#);
    assert_eq!(r.user, "b");
    // Two `spec` members fill the same struct.
    let r = rule(&format!(
        r#"{{{V1}, "spec": {{"user": "a"}}, "spec": {{"group": "g"}}, "spec": null}}"#
    ));
    assert_eq!((r.user.as_str(), r.group.as_str()), ("a", "g"));
    // Unknown fields may hold anything, nested as deep as Go allows, numbers of any size.
    let deep = format!("{}{}", "[".repeat(9_999), "]".repeat(9_999));
    let r = rule(&format!(
        r#"{{"x": {deep}, "n": 1e999, "o": {{"a": [{{"b": -0.5E+3}}]}}, "user": "u"}}"#
    ));
    assert_eq!(r.user, "u");
}

#[test]
fn lines_not_starting_with_a_brace_are_yaml() {
    let r = rule("user: alice");
    assert_eq!((r.version, r.user.as_str()), (AbacVersion::V0, "alice"));
    // YAML 1.1 booleans, as go-yaml v2 reads them.
    assert!(rule("readonly: yes").readonly);
    assert_eq!(rule("user: 'yes' # quoted, so a string").user, "yes");
    let r = rule("spec: {user: a}");
    assert_eq!(r.version, AbacVersion::V0);
    // An anchor or a tag before a flow mapping keeps the line out of the JSON reader.
    let r = rule("&x {user: alice, namespace: dev}");
    assert_eq!((r.user.as_str(), r.namespace.as_str()), ("alice", "dev"));
    // A YAML null is an empty object to Go, so it grants everything like `{}`.
    for line in ["null", "~", "---"] {
        let r = rule(line);
        assert_eq!(
            (r.group.as_str(), r.non_resource_path.as_str()),
            ("system:authenticated", "*"),
            "{line}"
        );
    }
}

// ---- problems ---------------------------------------------------------------------------------

fn assert_problem(text: &str, code: &str, line: u32, column: u32, message: &str) {
    let p = problem(text);
    assert_eq!(
        (p.code, p.line, p.column),
        (code, line, column),
        "{text:?}: {p:#?}"
    );
    assert!(
        p.message.contains(message),
        "{:?} lacks {message:?}",
        p.message
    );
    assert_eq!(p.severity, Severity::Error);
    assert_eq!(p.path, "policy.jsonl");
    assert!(p.help.as_deref().is_some_and(|h| !h.is_empty()));
    assert!(p.source.is_some() && p.span.is_some());
    let first = p.message.chars().next().unwrap_or(' ');
    assert!(
        !first.is_uppercase() && !p.message.ends_with('.'),
        "message style: {:?}",
        p.message
    );
}

#[test]
fn wrong_value_types_are_placed_at_the_value() {
    assert_problem(
        "# c\n{\"user\": \"a\", \"readonly\": \"yes\"}",
        CODE_WRONG_TYPE,
        2,
        27,
        "`readonly` must be a boolean, found a string",
    );
    assert_problem(
        "{\"user\": 5}",
        CODE_WRONG_TYPE,
        1,
        10,
        "`user` must be a string, found a number",
    );
    assert_problem(
        "{\"group\": [\"a\"]}",
        CODE_WRONG_TYPE,
        1,
        11,
        "found an array",
    );
    assert_problem(
        &format!("{{{V1}, \"spec\": \"x\"}}"),
        CODE_WRONG_TYPE,
        1,
        86,
        "`spec` must be an object, found a string",
    );
    assert_problem(
        &v1("{\"nonResourcePath\": true}"),
        CODE_WRONG_TYPE,
        1,
        106,
        "`nonResourcePath` must be a string, found a boolean",
    );
    assert_problem(
        "{\"kind\": 5}",
        CODE_WRONG_TYPE,
        1,
        10,
        "`kind` must be a string",
    );
    // Sniffing the type folds case, so a wrongly typed `KIND` fails too.
    assert_problem(
        "{\"KIND\": {}}",
        CODE_WRONG_TYPE,
        1,
        10,
        "`KIND` must be a string, found an object",
    );
    assert_problem(
        "user: yes",
        CODE_WRONG_TYPE,
        1,
        1,
        "`user` must be a string, found a boolean",
    );
    assert_problem("  user: 0755", CODE_WRONG_TYPE, 1, 3, "found a number");
}

#[test]
fn syntax_errors_are_placed_at_the_offending_character() {
    assert_problem(
        "\n{\"user\": }",
        CODE_SYNTAX,
        2,
        10,
        "expected a value, found `}`",
    );
    // A line that starts with `{` is JSON only: YAML flow syntax is not tried.
    assert_problem("{user: alice}", CODE_SYNTAX, 1, 2, "expected a string key");
    assert_problem(
        "{\"user\": \"a\",}",
        CODE_SYNTAX,
        1,
        14,
        "expected a string key",
    );
    assert_problem(
        "{\"user\": \"a\"} x",
        CODE_SYNTAX,
        1,
        15,
        "after the JSON value",
    );
    assert_problem(
        "{\"user\": \"a\"",
        CODE_SYNTAX,
        1,
        13,
        "found the end of the line",
    );
    assert_problem(
        "{\"user\": \"a\\qb\"}",
        CODE_SYNTAX,
        1,
        12,
        "invalid escape `\\q`",
    );
    assert_problem(
        "{\"user\": \"a\tb\"}",
        CODE_SYNTAX,
        1,
        12,
        "control character",
    );
    assert_problem("{\"n\": 01}", CODE_SYNTAX, 1, 8, "expected `,` or `}`");
    assert_problem(
        "{\"n\": 1.}",
        CODE_SYNTAX,
        1,
        9,
        "digit after the decimal point",
    );
    assert_problem("{\"b\": tru}", CODE_SYNTAX, 1, 10, "expected `true`");
    // Go's JSON whitespace is narrower than Unicode's, which decides that the line is JSON.
    assert_problem(
        "\u{a0}{\"user\": \"a\"}",
        CODE_SYNTAX,
        1,
        1,
        "expected a value",
    );
    let too_deep = format!("{{\"x\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert_problem(
        &too_deep,
        CODE_SYNTAX,
        1,
        10_006,
        "nested deeper than 10000 levels",
    );
    assert_problem(
        "user: [a",
        CODE_SYNTAX,
        1,
        7,
        "invalid YAML: unclosed bracket",
    );
    assert!(!problem("user: [a").message.contains("line 1"));
    assert_problem(
        "apiVersion: abac.authorization.kubernetes.io/v1beta1",
        CODE_UNKNOWN_TYPE,
        1,
        1,
        "needs `kind` `Policy`",
    );
}

#[test]
fn lines_that_are_not_objects_are_refused() {
    assert_problem("- a", CODE_NOT_OBJECT, 1, 1, "found an array");
    assert_problem(
        "  \"just a string\"",
        CODE_NOT_OBJECT,
        1,
        3,
        "found a string",
    );
    assert_problem("42", CODE_NOT_OBJECT, 1, 1, "found a number");
}

#[test]
fn types_that_are_not_abac_policies_are_refused() {
    assert_problem(
        r#"{"apiVersion": "v1", "kind": "Pod"}"#,
        CODE_UNKNOWN_TYPE,
        1,
        16,
        "`v1` `Pod` is not an ABAC policy type",
    );
    assert_problem(
        r#"{"kind": "pods", "user": "a"}"#,
        CODE_UNKNOWN_TYPE,
        1,
        10,
        "`kind` `pods` without `apiVersion`",
    );
    assert_problem(
        r#"{"apiVersion": "rbac.authorization.k8s.io/v1"}"#,
        CODE_UNKNOWN_TYPE,
        1,
        16,
        "is not an ABAC policy apiVersion",
    );
    // v1beta1 without kind is decoded as v1beta1 and then has no conversion to v0.
    assert_problem(
        r#"{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "spec": {}}"#,
        CODE_UNKNOWN_TYPE,
        1,
        16,
        "needs `kind` `Policy`",
    );
    // ...and a wrongly typed field in it is reported first, as upstream decodes before converting.
    assert_problem(
        r#"{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "spec": {"user": 1}}"#,
        CODE_WRONG_TYPE,
        1,
        77,
        "`user` must be a string",
    );
    assert_problem(
        r#"{"apiVersion": "abac.authorization.kubernetes.io/v2", "kind": "Policy"}"#,
        CODE_UNKNOWN_TYPE,
        1,
        16,
        "is not an ABAC policy type",
    );
    assert_problem(
        r#"{"apiVersion": "a/b/c", "kind": "Policy"}"#,
        CODE_BAD_API_VERSION,
        1,
        16,
        "`a/b/c` is not a valid apiVersion",
    );
}

#[test]
fn overlong_lines_are_refused_and_the_rest_still_loads() {
    let long = format!("{{\"user\": \"{}\"}}", "x".repeat(MAX_LINE_BYTES - 11));
    assert_eq!(long.len(), MAX_LINE_BYTES + 1);
    let text = format!("{{\"user\": \"a\"}}\n{long}\n{{\"user\": \"b\"}}\n");
    let (p, problems) = load(&text);
    assert_eq!(
        p.rules.iter().map(|r| r.user.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].code, problems[0].line, problems[0].column),
        (CODE_LINE_TOO_LONG, 2, 1)
    );
    // The limit counts a `\r`, which the scanner only drops once the line is read.
    let just_fits = format!("{{\"user\": \"{}\"}}", "x".repeat(MAX_LINE_BYTES - 12));
    assert_eq!(policy(&just_fits).rules.len(), 1);
    assert_eq!(
        load(&format!("{just_fits}\r\n")).1[0].code,
        CODE_LINE_TOO_LONG
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_places_every_problem(text in "[{}\\[\\]\":, a-z0-9\\\\\n\r#\u{e9}\u{212a}-]{0,80}") {
        let (policy, problems) = load(&text);
        let lines = text.split('\n').count() as u32;
        for r in &policy.rules {
            prop_assert!(r.line >= 1 && r.line <= lines);
        }
        for p in &problems {
            prop_assert!(p.line >= 1 && p.line <= lines);
            let (offset, len) = p.span.unwrap_or_default();
            prop_assert!(text.is_char_boundary(offset) && offset + len <= text.len());
        }
    }
}

// ---- conformance ------------------------------------------------------------------------------

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/public")
}

fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Vec<T> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// One conformance case whose chain includes ABAC.
struct Case {
    name: String,
    modes: Vec<String>,
    policy: AbacPolicy,
    requests: Vec<Attributes>,
    expected: Vec<serde_json::Value>,
}

fn abac_cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("the conformance corpus next to the crate")
        .map(|entry| entry.unwrap().path())
        .collect();
    dirs.sort();
    let mut cases = Vec::new();
    for dir in dirs {
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
        let modes: Vec<String> = serde_json::from_value(case["modes"].clone()).unwrap();
        if !modes.iter().any(|m| m == "ABAC") {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let file = dir.join("policies/abac.jsonl");
        let text = std::fs::read_to_string(&file).unwrap();
        let (policy, problems) = parse_policy_file(&file.to_string_lossy(), &text);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        let requests = read_jsonl(&dir.join("requests.jsonl"));
        let expected = read_jsonl(&dir.join("expected.jsonl"));
        assert_eq!(requests.len(), expected.len(), "{name}");
        cases.push(Case {
            name,
            modes,
            policy,
            requests,
            expected,
        });
    }
    cases
}

/// The privileged-group authorizer always runs first in the chain (SEMANTICS §1): its answer
/// is not ABAC's, so the harness gives it here.
fn is_master(a: &Attributes) -> bool {
    a.groups.iter().any(|g| g == "system:masters")
}

#[test]
fn conformance_abac_only_cases() {
    let mut checked = 0;
    for Case {
        name,
        modes,
        policy,
        requests,
        expected,
    } in abac_cases()
    {
        if modes != ["ABAC"] {
            continue;
        }
        for (i, (a, want)) in requests.iter().zip(&expected).enumerate() {
            let got = if is_master(a) {
                Verdict::allow("")
            } else {
                policy.authorize(a)
            };
            assert_eq!(
                got.is_allowed(),
                want["allowed"].as_bool().unwrap_or_default(),
                "{name} request {}: {a:?}",
                i + 1
            );
            assert_eq!(
                got.reason,
                want["reason"].as_str().unwrap_or_default(),
                "{name} request {}: {a:?}",
                i + 1
            );
            checked += 1;
        }
    }
    assert!(
        checked > 100,
        "only {checked} requests checked: is the corpus there?"
    );
}

#[test]
fn conformance_mixed_cases_agree_on_abac_allows() {
    // With RBAC in the chain, an allow with an empty reason for a user outside system:masters
    // can only come from ABAC (RBAC always names its binding), and an ABAC allow always ends
    // the chain with an allow.
    let mut checked = 0;
    for Case {
        name,
        modes,
        policy,
        requests,
        expected,
    } in abac_cases()
    {
        if modes == ["ABAC"] {
            continue;
        }
        for (i, (a, want)) in requests.iter().zip(&expected).enumerate() {
            let allowed = want["allowed"].as_bool().unwrap_or_default();
            let reason = want["reason"].as_str().unwrap_or_default();
            let abac = policy.authorize(a).is_allowed();
            if abac {
                assert!(
                    allowed,
                    "{name} request {}: ABAC allows, chain does not: {a:?}",
                    i + 1
                );
            }
            if !is_master(a) && allowed && reason.is_empty() {
                assert!(
                    abac,
                    "{name} request {}: chain allows with no reason, ABAC does not: {a:?}",
                    i + 1
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked > 100,
        "only {checked} requests checked: is the corpus there?"
    );
}
