//! Helpers shared by the integration tests: `cli` runs the binary for snapshots; below are
//! the policy generators shared by the property tests (`properties.rs`, `queries.rs`,
//! `explain.rs`): small vocabularies, so generated requests often hit generated rules. Each
//! test file passes the vocabulary it needs (who-can adds `bind` and `impersonate`, say).

#![allow(
    dead_code,
    unused_imports,
    unused_macros,
    reason = "each test crate uses its own subset"
)]

pub mod cli;

use kauthz::model::{
    BindingKind, BindingObject, Name, ObjectMeta, Origin, PolicyRule, RoleKind, RoleObject,
    RoleRef, Subject,
};
use proptest::prelude::*;

pub const NAMESPACES: &[&str] = &["a", "b", "c"];
pub const USERS: &[&str] = &[
    "u1",
    "u2",
    "system:serviceaccount:a:sa",
    "system:serviceaccount:b:sa",
];
pub const GROUPS: &[&str] = &["g1", "g2", "system:authenticated", "system:serviceaccounts"];
pub const VERBS: &[&str] = &["get", "list", "create", "delete", "*"];
pub const GROUP_NAMES: &[&str] = &["", "apps", "*"];
pub const RESOURCES: &[&str] = &[
    "pods",
    "pods/log",
    "deployments",
    "*/scale",
    "*",
    "pods/*",
    "nodes",
];
pub const ROLE_NAMES: &[&str] = &["r1", "r2", "r3", "missing"];

pub fn pick(xs: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(xs).prop_map(str::to_string)
}

pub fn pick_name(xs: &'static [&'static str]) -> impl Strategy<Value = Name> {
    prop::sample::select(xs).prop_map(Name::from)
}

/// A resource rule over `verbs`, [`GROUP_NAMES`], [`RESOURCES`] and names `x`, `y`.
pub fn resource_rule(verbs: &'static [&'static str]) -> impl Strategy<Value = PolicyRule> {
    (
        prop::collection::vec(pick_name(verbs), 1..3),
        prop::collection::vec(pick_name(GROUP_NAMES), 1..2),
        prop::collection::vec(pick_name(RESOURCES), 1..3),
        prop::collection::vec(pick_name(&["x", "y"]), 0..2),
    )
        .prop_map(
            |(verbs, api_groups, resources, resource_names)| PolicyRule {
                verbs,
                api_groups,
                resources,
                resource_names,
                non_resource_urls: vec![],
            },
        )
}

/// A non-resource rule over `verbs` and `urls`.
pub fn url_rule(
    verbs: &'static [&'static str],
    urls: &'static [&'static str],
) -> impl Strategy<Value = PolicyRule> {
    (
        prop::collection::vec(pick_name(verbs), 1..3),
        prop::collection::vec(pick_name(urls), 1..3),
    )
        .prop_map(|(verbs, non_resource_urls)| PolicyRule {
            verbs,
            non_resource_urls,
            ..PolicyRule::default()
        })
}

/// A Role in `namespace`, or a ClusterRole when `namespace` is empty, with `rules`.
pub fn role_object(namespace: &str, name: &str, rules: Vec<PolicyRule>) -> RoleObject {
    RoleObject {
        kind: if namespace.is_empty() {
            RoleKind::ClusterRole
        } else {
            RoleKind::Role
        },
        meta: ObjectMeta {
            name: name.into(),
            namespace: namespace.into(),
            ..ObjectMeta::default()
        },
        rule_origins: vec![Origin::default(); rules.len()],
        rules,
        aggregation_rule: None,
    }
}

/// A RoleBinding in `namespace`, or a ClusterRoleBinding when `namespace` is empty, of the
/// `ref_kind` (`Role`, `ClusterRole`, …) named `ref_name`, to `subjects`.
pub fn binding_object(
    namespace: &str,
    name: &str,
    subjects: Vec<Subject>,
    ref_kind: &str,
    ref_name: &str,
) -> BindingObject {
    BindingObject {
        kind: if namespace.is_empty() {
            BindingKind::ClusterRoleBinding
        } else {
            BindingKind::RoleBinding
        },
        meta: ObjectMeta {
            name: name.into(),
            namespace: namespace.into(),
            ..ObjectMeta::default()
        },
        subject_origins: vec![Origin::default(); subjects.len()],
        subjects,
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: ref_kind.into(),
            name: ref_name.into(),
        },
        role_ref_origin: Origin::default(),
    }
}

/// A subject of `kind` (`User`, `Group`, `ServiceAccount`, …) in `namespace` ("" for none).
pub fn subject_of(kind: &str, namespace: &str, name: &str) -> Subject {
    Subject {
        kind: kind.into(),
        name: name.into(),
        namespace: namespace.into(),
        ..Subject::default()
    }
}

/// `get` on core `pods`: the rule of the hand-written cases next to the properties.
pub fn get_pods() -> PolicyRule {
    PolicyRule {
        verbs: vec!["get".into()],
        api_groups: vec!["".into()],
        resources: vec!["pods".into()],
        ..PolicyRule::default()
    }
}

/// A Role in one of [`NAMESPACES`] or a ClusterRole, named r1–r3, with up to two `rule`s.
pub fn role(rule: impl Strategy<Value = PolicyRule>) -> impl Strategy<Value = RoleObject> {
    (
        prop::bool::ANY,
        pick(NAMESPACES),
        pick(&["r1", "r2", "r3"]),
        prop::collection::vec(rule, 0..3),
    )
        .prop_map(|(cluster, ns, name, rules)| {
            role_object(if cluster { "" } else { ns.as_str() }, name.as_str(), rules)
        })
}

/// A User of `users`, a Group of `groups`, or a ServiceAccount (namespace `a`, `b` or none);
/// with `robot`, also a subject of a kind RBAC ignores.
pub fn subject(
    users: &'static [&'static str],
    groups: &'static [&'static str],
    robot: bool,
) -> BoxedStrategy<Subject> {
    let named =
        prop_oneof![
            pick(users).prop_map(|name| subject_of("User", "", &name)),
            pick(groups).prop_map(|name| subject_of("Group", "", &name)),
            (pick(&["a", "b", ""]), pick(&["sa", "other"]))
                .prop_map(|(namespace, name)| subject_of("ServiceAccount", &namespace, &name)),
        ];
    if robot {
        prop_oneof![
            3 => named,
            1 => Just(subject_of("Robot", "", "u1")),
        ]
        .boxed()
    } else {
        named.boxed()
    }
}

/// A RoleBinding in one of [`NAMESPACES`] or a ClusterRoleBinding, named b1–b5, with one or
/// two `subject`s, naming a Role, ClusterRole or bogus kind from [`ROLE_NAMES`].
pub fn binding(subject: impl Strategy<Value = Subject>) -> impl Strategy<Value = BindingObject> {
    (
        prop::bool::ANY,
        pick(NAMESPACES),
        pick(&["b1", "b2", "b3", "b4", "b5"]),
        prop::collection::vec(subject, 1..3),
        pick(&["Role", "ClusterRole", "Bogus"]),
        pick(ROLE_NAMES),
    )
        .prop_map(|(cluster, ns, name, subjects, ref_kind, ref_name)| {
            let ns = if cluster { "" } else { ns.as_str() };
            binding_object(ns, &name, subjects, &ref_kind, &ref_name)
        })
}
