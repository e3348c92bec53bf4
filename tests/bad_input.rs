//! Every kind of malformed input becomes a located problem; the rest of the input loads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use std::path::Path;

use kauthz::diagnostics::Severity;
use kauthz::loader::{Loaded, Object, load_texts};

fn load_fixture(name: &str) -> Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    load_texts(vec![(format!("bad/{name}"), text)], false)
}

fn summary(l: &Loaded) -> Vec<String> {
    l.problems
        .iter()
        .map(|p| {
            format!(
                "{:?} {} {}: {}",
                p.severity,
                p.code,
                p.location(),
                p.message
            )
        })
        .collect()
}

fn names(l: &Loaded) -> Vec<String> {
    l.objects
        .iter()
        .map(|o| match o {
            Object::Role(r) => r.meta.name.to_string(),
            Object::Binding(b) => b.meta.name.to_string(),
            Object::Crd(c) => c.plural.clone(),
            Object::ServiceAccount(s) => s.name.to_string(),
        })
        .collect()
}

#[test]
fn a_syntax_error_costs_only_its_document() {
    let l = load_fixture("syntax.yaml");
    assert_eq!(names(&l), vec!["fine"]);
    assert_eq!(l.problems.len(), 1, "{:?}", summary(&l));
    let p = &l.problems[0];
    assert_eq!(p.code, "kauthz::load::yaml");
    assert!(p.line >= 10, "{}", p.location());
}

#[test]
fn missing_required_fields_are_named_and_placed() {
    let l = load_fixture("missing-fields.yaml");
    assert_eq!(
        summary(&l),
        vec![
            "Error kauthz::load::missing-field bad/missing-fields.yaml:1:1: RoleBinding `no-role-ref` has no `roleRef`",
            "Error kauthz::load::missing-field bad/missing-fields.yaml:13:3: `metadata` has no `name`",
            "Error kauthz::load::missing-field bad/missing-fields.yaml:16:1: the ClusterRole has no `apiVersion`",
            "Error kauthz::load::missing-field bad/missing-fields.yaml:27:3: a subject has no `name`",
        ]
    );
    assert!(l.objects.is_empty());
}

#[test]
fn wrong_types_say_what_was_found_and_how_to_fix_it() {
    let l = load_fixture("wrong-types.yaml");
    let s = summary(&l);
    assert_eq!(
        s,
        vec![
            "Error kauthz::load::wrong-type bad/wrong-types.yaml:9:10: `verbs` is a string, expected a list of strings",
            "Error kauthz::load::wrong-type bad/wrong-types.yaml:14:9: `name` is a boolean, expected a string",
            "Error kauthz::load::wrong-type bad/wrong-types.yaml:22:3: `rules` is a mapping, expected a list",
            "Error kauthz::load::not-an-object bad/wrong-types.yaml:24:1: the document is a list, expected a mapping",
        ]
    );
    assert!(
        l.problems[1]
            .help
            .as_deref()
            .unwrap()
            .contains("quote the value")
    );
}

#[test]
fn removed_api_versions_are_errors_and_other_kinds_are_counted() {
    let l = load_fixture("old-api-version.yaml");
    assert_eq!(
        summary(&l),
        vec![
            "Error kauthz::load::unknown-api-version bad/old-api-version.yaml:1:13: `rbac.authorization.k8s.io/v1beta1` is not an API version of ClusterRoleBinding"
        ]
    );
    assert!(
        l.problems[0]
            .help
            .as_deref()
            .unwrap()
            .contains("removed in Kubernetes 1.22")
    );
    assert_eq!(l.skipped.get("ConfigMap"), Some(&1));
    assert!(l.problems.iter().all(|p| p.severity == Severity::Error));
}

#[test]
fn arbitrary_bytes_never_panic() {
    for text in [
        "\u{0}\u{1}",
        "- [",
        "a: *x",
        "{{{{",
        "---\n---\n...\n",
        ": : :",
        "kind: List\napiVersion: v1\nitems: 5",
    ] {
        let _ = load_texts(vec![("x".into(), text.to_string())], false);
    }
}
