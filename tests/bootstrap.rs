//! The built-in policy equals upstream's golden bootstrap testdata, object for object and
//! rule for rule.
//!
//! The upstream files are read here with serde_yaml and an independent converter, so a
//! mistake in kauthz's own loader or model conversion cannot hide a mistake in the policy.

// A test may stop at the first malformed fixture; that is a failure worth seeing as such.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use kauthz::bootstrap::{BuiltinPolicy, builtin_policy};
use kauthz::model::{
    AggregationRule, BindingKind, BindingObject, LabelSelector, LabelSelectorRequirement, Name,
    PolicyRule, RoleKind, RoleObject, RoleRef, Subject,
};
use serde_yaml::{Mapping, Value};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/k8s-bootstrap");

/// The default-feature-gate files (not the `-featuregates` ones, which enable alpha gates).
const FILES: [&str; 6] = [
    "cluster-roles.yaml",
    "controller-roles.yaml",
    "namespace-roles.yaml",
    "cluster-role-bindings.yaml",
    "controller-role-bindings.yaml",
    "namespace-role-bindings.yaml",
];

/// ClusterRoleBindings kauthz creates that the stored `cluster-role-bindings.yaml` lacks.
/// That file is an older upstream version (it still has `creationTimestamp: null`); current
/// upstream `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go`,
/// `ClusterRoleBindings()`, creates these three as well (the last one under the
/// ClusterTrustBundle gate, GA in the snapshot the ClusterRoles come from). Their expected
/// content is spelled out so that they are checked too, not merely excused.
fn expected_extra_bindings() -> Vec<(&'static str, &'static str)> {
    vec![
        ("system:monitoring", "system:monitoring"),
        (
            "system:service-account-issuer-discovery",
            "system:serviceaccounts",
        ),
        (
            "system:cluster-trust-bundle-discovery",
            "system:serviceaccounts",
        ),
    ]
}

type Key = (String, String, String);

fn key(kind: &str, namespace: &str, name: &str) -> Key {
    (kind.to_owned(), namespace.to_owned(), name.to_owned())
}

fn show(key: &Key) -> String {
    if key.1.is_empty() {
        format!("{} {}", key.0, key.2)
    } else {
        format!("{} {}/{}", key.0, key.1, key.2)
    }
}

// ---------------------------------------------------------------------------------------
// Independent reading of the upstream files.

fn read_items(file: &str) -> Vec<Value> {
    let path = format!("{DATA}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let list: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(list["kind"].as_str(), Some("List"), "{path}: not a List");
    list["items"]
        .as_sequence()
        .unwrap_or_else(|| panic!("{path}: no items"))
        .clone()
}

fn mapping<'a>(value: &'a Value, what: &str) -> &'a Mapping {
    value
        .as_mapping()
        .unwrap_or_else(|| panic!("{what}: not a mapping: {value:?}"))
}

/// Every field must be one the comparison understands; anything else would silently escape
/// the check.
fn only_fields(value: &Value, allowed: &[&str], what: &str) {
    for field in mapping(value, what).keys() {
        let field = field
            .as_str()
            .unwrap_or_else(|| panic!("{what}: key {field:?}"));
        assert!(
            allowed.contains(&field),
            "{what}: unexpected field {field:?}"
        );
    }
}

fn string(value: &Value, what: &str) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => panic!("{what}: not a string: {other:?}"),
    }
}

/// A list of strings; null or missing is the empty list, as the API treats it.
fn names(value: &Value, what: &str) -> Vec<Name> {
    strings(value, what).into_iter().map(Name::from).collect()
}

fn strings(value: &Value, what: &str) -> Vec<String> {
    match value {
        Value::Null => Vec::new(),
        Value::Sequence(items) => items.iter().map(|v| string(v, what)).collect(),
        other => panic!("{what}: not a list: {other:?}"),
    }
}

fn string_map(value: &Value, what: &str) -> BTreeMap<String, String> {
    match value {
        Value::Null => BTreeMap::new(),
        Value::Mapping(m) => m
            .iter()
            .map(|(k, v)| (string(k, what), string(v, what)))
            .collect(),
        other => panic!("{what}: not a map: {other:?}"),
    }
}

struct Meta {
    key: Key,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
}

fn meta(item: &Value, file: &str) -> Meta {
    let kind = string(&item["kind"], file);
    let metadata = &item["metadata"];
    let name = string(&metadata["name"], file);
    let what = format!("{file}: {kind} {name}");
    only_fields(
        metadata,
        &[
            "name",
            "namespace",
            "labels",
            "annotations",
            "creationTimestamp",
        ],
        &what,
    );
    // The older binding file carries `creationTimestamp: null`, meaning absent.
    assert!(
        metadata["creationTimestamp"].is_null(),
        "{what}: creationTimestamp"
    );
    Meta {
        key: key(&kind, &string(&metadata["namespace"], &what), &name),
        labels: string_map(&metadata["labels"], &what),
        annotations: string_map(&metadata["annotations"], &what),
    }
}

fn policy_rule(value: &Value, what: &str) -> PolicyRule {
    only_fields(
        value,
        &[
            "verbs",
            "apiGroups",
            "resources",
            "resourceNames",
            "nonResourceURLs",
        ],
        what,
    );
    PolicyRule {
        verbs: names(&value["verbs"], what),
        api_groups: names(&value["apiGroups"], what),
        resources: names(&value["resources"], what),
        resource_names: names(&value["resourceNames"], what),
        non_resource_urls: names(&value["nonResourceURLs"], what),
    }
}

fn aggregation_rule(value: &Value, what: &str) -> Option<AggregationRule> {
    if value.is_null() {
        return None;
    }
    only_fields(value, &["clusterRoleSelectors"], what);
    let selectors = match &value["clusterRoleSelectors"] {
        Value::Null => Vec::new(),
        Value::Sequence(items) => items
            .iter()
            .map(|selector| {
                only_fields(selector, &["matchLabels", "matchExpressions"], what);
                LabelSelector {
                    match_labels: string_map(&selector["matchLabels"], what),
                    match_expressions: match &selector["matchExpressions"] {
                        Value::Null => Vec::new(),
                        Value::Sequence(reqs) => reqs
                            .iter()
                            .map(|req| LabelSelectorRequirement {
                                key: string(&req["key"], what),
                                operator: string(&req["operator"], what),
                                values: strings(&req["values"], what),
                            })
                            .collect(),
                        other => panic!("{what}: matchExpressions {other:?}"),
                    },
                }
            })
            .collect(),
        other => panic!("{what}: clusterRoleSelectors {other:?}"),
    };
    Some(AggregationRule {
        cluster_role_selectors: selectors,
    })
}

struct UpstreamRole {
    meta: Meta,
    rules: Vec<PolicyRule>,
    aggregation_rule: Option<AggregationRule>,
}

struct UpstreamBinding {
    meta: Meta,
    role_ref: RoleRef,
    subjects: Vec<Subject>,
}

fn upstream_role(item: &Value, file: &str) -> UpstreamRole {
    let meta = meta(item, file);
    let what = format!("{file}: {}", show(&meta.key));
    only_fields(
        item,
        &["apiVersion", "kind", "metadata", "rules", "aggregationRule"],
        &what,
    );
    assert_eq!(
        item["apiVersion"].as_str(),
        Some("rbac.authorization.k8s.io/v1"),
        "{what}"
    );
    let rules = match &item["rules"] {
        Value::Null => Vec::new(),
        Value::Sequence(rules) => rules.iter().map(|r| policy_rule(r, &what)).collect(),
        other => panic!("{what}: rules {other:?}"),
    };
    UpstreamRole {
        aggregation_rule: aggregation_rule(&item["aggregationRule"], &what),
        meta,
        rules,
    }
}

fn upstream_binding(item: &Value, file: &str) -> UpstreamBinding {
    let meta = meta(item, file);
    let what = format!("{file}: {}", show(&meta.key));
    only_fields(
        item,
        &["apiVersion", "kind", "metadata", "roleRef", "subjects"],
        &what,
    );
    assert_eq!(
        item["apiVersion"].as_str(),
        Some("rbac.authorization.k8s.io/v1"),
        "{what}"
    );
    let role_ref = &item["roleRef"];
    only_fields(role_ref, &["apiGroup", "kind", "name"], &what);
    let subjects = match &item["subjects"] {
        Value::Null => Vec::new(),
        Value::Sequence(subjects) => subjects
            .iter()
            .map(|s| {
                only_fields(s, &["kind", "apiGroup", "name", "namespace"], &what);
                Subject {
                    kind: string(&s["kind"], &what).into(),
                    api_group: string(&s["apiGroup"], &what).into(),
                    name: string(&s["name"], &what).into(),
                    namespace: string(&s["namespace"], &what).into(),
                }
            })
            .collect(),
        other => panic!("{what}: subjects {other:?}"),
    };
    UpstreamBinding {
        role_ref: RoleRef {
            api_group: string(&role_ref["apiGroup"], &what).into(),
            kind: string(&role_ref["kind"], &what).into(),
            name: string(&role_ref["name"], &what).into(),
        },
        subjects,
        meta,
    }
}

struct Upstream {
    roles: BTreeMap<Key, UpstreamRole>,
    bindings: BTreeMap<Key, UpstreamBinding>,
}

fn upstream() -> Upstream {
    let mut roles = BTreeMap::new();
    let mut bindings = BTreeMap::new();
    for file in FILES {
        for item in read_items(file) {
            match item["kind"].as_str() {
                Some("Role" | "ClusterRole") => {
                    let role = upstream_role(&item, file);
                    let k = role.meta.key.clone();
                    assert!(roles.insert(k.clone(), role).is_none(), "dup {k:?}");
                }
                Some("RoleBinding" | "ClusterRoleBinding") => {
                    let binding = upstream_binding(&item, file);
                    let k = binding.meta.key.clone();
                    assert!(bindings.insert(k.clone(), binding).is_none(), "dup {k:?}");
                }
                other => panic!("{file}: unexpected kind {other:?}"),
            }
        }
    }
    Upstream { roles, bindings }
}

// ---------------------------------------------------------------------------------------
// Comparison, collecting every difference before failing.

fn role_key(role: &RoleObject) -> Key {
    key(role.kind.as_str(), &role.meta.namespace, &role.meta.name)
}

fn binding_key(binding: &BindingObject) -> Key {
    key(
        binding.kind.as_str(),
        &binding.meta.namespace,
        &binding.meta.name,
    )
}

fn rule_text(rule: &PolicyRule) -> String {
    let mut parts = vec![format!("verbs={:?}", rule.verbs)];
    for (field, values) in [
        ("apiGroups", &rule.api_groups),
        ("resources", &rule.resources),
        ("resourceNames", &rule.resource_names),
        ("nonResourceURLs", &rule.non_resource_urls),
    ] {
        if !values.is_empty() {
            parts.push(format!("{field}={values:?}"));
        }
    }
    parts.join(" ")
}

fn compare_rules(diffs: &mut Vec<String>, at: &str, ours: &[PolicyRule], theirs: &[PolicyRule]) {
    for index in 0..ours.len().max(theirs.len()) {
        match (ours.get(index), theirs.get(index)) {
            (Some(o), Some(t)) if o == t => {}
            (Some(o), Some(t)) => diffs.push(format!(
                "{at}: rule {index} differs\n      kauthz:   {}\n      upstream: {}",
                rule_text(o),
                rule_text(t)
            )),
            (Some(o), None) => diffs.push(format!(
                "{at}: rule {index} only in kauthz: {}",
                rule_text(o)
            )),
            (None, Some(t)) => diffs.push(format!(
                "{at}: rule {index} only upstream: {}",
                rule_text(t)
            )),
            (None, None) => {}
        }
    }
}

fn compare_field<T: PartialEq + std::fmt::Debug>(
    diffs: &mut Vec<String>,
    at: &str,
    field: &str,
    ours: &T,
    theirs: &T,
) {
    if ours != theirs {
        diffs.push(format!(
            "{at}: {field} differs\n      kauthz:   {ours:?}\n      upstream: {theirs:?}"
        ));
    }
}

fn compare(policy: &BuiltinPolicy, upstream: &Upstream) -> Vec<String> {
    let mut diffs = Vec::new();
    let extras: BTreeSet<Key> = expected_extra_bindings()
        .into_iter()
        .map(|(name, _)| key("ClusterRoleBinding", "", name))
        .collect();

    let ours_roles: BTreeMap<Key, &RoleObject> =
        policy.roles.iter().map(|r| (role_key(r), r)).collect();
    let ours_bindings: BTreeMap<Key, &BindingObject> = policy
        .bindings
        .iter()
        .map(|b| (binding_key(b), b))
        .collect();
    if ours_roles.len() != policy.roles.len() || ours_bindings.len() != policy.bindings.len() {
        diffs.push("kauthz has duplicate objects".to_owned());
    }

    for (k, theirs) in &upstream.roles {
        let at = show(k);
        let Some(ours) = ours_roles.get(k) else {
            diffs.push(format!("{at}: missing from kauthz"));
            continue;
        };
        compare_field(
            &mut diffs,
            &at,
            "labels",
            &ours.meta.labels,
            &theirs.meta.labels,
        );
        compare_field(
            &mut diffs,
            &at,
            "annotations",
            &ours.meta.annotations,
            &theirs.meta.annotations,
        );
        compare_field(
            &mut diffs,
            &at,
            "aggregationRule",
            &ours.aggregation_rule,
            &theirs.aggregation_rule,
        );
        compare_rules(&mut diffs, &at, &ours.rules, &theirs.rules);
    }
    for k in ours_roles.keys() {
        if !upstream.roles.contains_key(k) {
            diffs.push(format!("{}: only in kauthz", show(k)));
        }
    }

    for (k, theirs) in &upstream.bindings {
        let at = show(k);
        if extras.contains(k) {
            diffs.push(format!(
                "{at}: listed as an expected extra but the upstream file has it now; \
                 drop it from expected_extra_bindings"
            ));
        }
        let Some(ours) = ours_bindings.get(k) else {
            diffs.push(format!("{at}: missing from kauthz"));
            continue;
        };
        compare_field(
            &mut diffs,
            &at,
            "labels",
            &ours.meta.labels,
            &theirs.meta.labels,
        );
        compare_field(
            &mut diffs,
            &at,
            "annotations",
            &ours.meta.annotations,
            &theirs.meta.annotations,
        );
        compare_field(&mut diffs, &at, "roleRef", &ours.role_ref, &theirs.role_ref);
        compare_field(
            &mut diffs,
            &at,
            "subjects",
            &ours.subjects,
            &theirs.subjects,
        );
    }
    for k in ours_bindings.keys() {
        if !upstream.bindings.contains_key(k) && !extras.contains(k) {
            diffs.push(format!("{}: only in kauthz", show(k)));
        }
    }
    diffs
}

fn report(diffs: &[String]) -> String {
    let mut out = format!(
        "built-in policy differs from upstream in {} places:\n",
        diffs.len()
    );
    for diff in diffs {
        let _ = writeln!(out, "  - {diff}");
    }
    out
}

#[test]
fn builtin_policy_equals_upstream_testdata() {
    let diffs = compare(&builtin_policy(), &upstream());
    assert!(diffs.is_empty(), "{}", report(&diffs));
}

/// The extras are excused from the file comparison, so check them against upstream's
/// definition directly: default label and annotation, the same-named ClusterRole, one Group.
#[test]
fn expected_extra_bindings_match_upstream_definition() {
    let policy = builtin_policy();
    let upstream = upstream();
    for (name, group) in expected_extra_bindings() {
        let k = key("ClusterRoleBinding", "", name);
        assert!(
            !upstream.bindings.contains_key(&k),
            "{name} is in the file now"
        );
        let binding = policy
            .bindings
            .iter()
            .find(|b| binding_key(b) == k)
            .unwrap_or_else(|| panic!("kauthz lacks {name}"));
        assert_eq!(
            binding.role_ref,
            RoleRef {
                api_group: "rbac.authorization.k8s.io".to_owned().into(),
                kind: "ClusterRole".to_owned().into(),
                name: name.to_owned().into(),
            },
            "{name}"
        );
        assert_eq!(
            binding.subjects,
            [Subject {
                kind: "Group".to_owned().into(),
                api_group: "rbac.authorization.k8s.io".to_owned().into(),
                name: group.to_owned().into(),
                namespace: String::new().into(),
            }],
            "{name}"
        );
        // Same metadata as every other upstream binding.
        let sample = &upstream.bindings[&key("ClusterRoleBinding", "", "cluster-admin")];
        assert_eq!(binding.meta.labels, sample.meta.labels, "{name}");
        assert_eq!(binding.meta.annotations, sample.meta.annotations, "{name}");
        // The role it grants is one upstream's ClusterRole file has.
        assert!(
            upstream.roles.contains_key(&key("ClusterRole", "", name)),
            "{name}: no such upstream ClusterRole"
        );
    }
}

#[test]
fn object_counts() {
    let policy = builtin_policy();
    let count_roles = |kind| policy.roles.iter().filter(|r| r.kind == kind).count();
    let count_bindings = |kind| policy.bindings.iter().filter(|b| b.kind == kind).count();
    // 32 + 40 ClusterRoles, 7 Roles; 10 + 3 + 40 ClusterRoleBindings, 7 RoleBindings.
    assert_eq!(count_roles(RoleKind::ClusterRole), 72);
    assert_eq!(count_roles(RoleKind::Role), 7);
    assert_eq!(count_bindings(BindingKind::ClusterRoleBinding), 53);
    assert_eq!(count_bindings(BindingKind::RoleBinding), 7);
}

/// The comparison itself must be able to fail: a changed rule, a reordered rule, a changed
/// subject and a missing object are each reported, with the object and rule named.
#[test]
fn comparison_reports_differences() {
    let upstream = upstream();
    let pristine = builtin_policy();

    let mut changed = pristine.clone();
    let node = changed
        .roles
        .iter_mut()
        .find(|r| r.meta.name == "system:node")
        .unwrap();
    node.rules[3].verbs.push("delete".to_owned().into());
    node.rules.swap(0, 1);
    changed.bindings[0].subjects.clear();
    changed.roles.retain(|r| r.meta.name != "system:heapster");

    let diffs = compare(&changed, &upstream);
    let text = report(&diffs);
    assert!(
        text.contains("ClusterRole system:node: rule 3 differs"),
        "{text}"
    );
    assert!(
        text.contains("ClusterRole system:node: rule 0 differs"),
        "{text}"
    );
    assert!(text.contains("subjects differs"), "{text}");
    assert!(
        text.contains("ClusterRole system:heapster: missing from kauthz"),
        "{text}"
    );
    assert_eq!(diffs.len(), 5, "{text}");
}
