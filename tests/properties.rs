//! Invariants over generated policies: the indexed RBAC authorizer answers exactly what
//! upstream's linear visit (`rbac::naive`) answers, reason strings included.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use kauthz::model::{
    BindingKind, BindingObject, ObjectMeta, Origin, PolicyRule, RoleKind, RoleObject, RoleRef,
    Subject,
};
use kauthz::policy::PolicyBuilder;
use kauthz::rbac::authorizer::RbacAuthorizer;
use kauthz::rbac::naive;
use kauthz::request::Attributes;
use proptest::prelude::*;

const NAMESPACES: &[&str] = &["a", "b", "c"];
const USERS: &[&str] = &[
    "u1",
    "u2",
    "system:serviceaccount:a:sa",
    "system:serviceaccount:b:sa",
];
const GROUPS: &[&str] = &["g1", "g2", "system:authenticated", "system:serviceaccounts"];
const VERBS: &[&str] = &["get", "list", "create", "delete", "*"];
const GROUP_NAMES: &[&str] = &["", "apps", "*"];
const RESOURCES: &[&str] = &[
    "pods",
    "pods/log",
    "deployments",
    "*/scale",
    "*",
    "pods/*",
    "nodes",
];
const ROLE_NAMES: &[&str] = &["r1", "r2", "r3", "missing"];

fn pick(xs: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(xs).prop_map(str::to_string)
}

fn rule() -> impl Strategy<Value = PolicyRule> {
    (
        prop::collection::vec(pick(VERBS), 1..3),
        prop::collection::vec(pick(GROUP_NAMES), 1..2),
        prop::collection::vec(pick(RESOURCES), 1..3),
        prop::collection::vec(pick(&["x", "y"]), 0..2),
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

fn role() -> impl Strategy<Value = RoleObject> {
    (
        prop::bool::ANY,
        pick(NAMESPACES),
        pick(&["r1", "r2", "r3"]),
        prop::collection::vec(rule(), 0..3),
    )
        .prop_map(|(cluster, ns, name, rules)| RoleObject {
            kind: if cluster {
                RoleKind::ClusterRole
            } else {
                RoleKind::Role
            },
            meta: ObjectMeta {
                name,
                namespace: if cluster { String::new() } else { ns },
                ..ObjectMeta::default()
            },
            rule_origins: vec![Origin::default(); rules.len()],
            rules,
            aggregation_rule: None,
        })
}

fn subject() -> impl Strategy<Value = Subject> {
    prop_oneof![
        pick(USERS).prop_map(|name| Subject {
            kind: "User".into(),
            name,
            ..Subject::default()
        }),
        pick(GROUPS).prop_map(|name| Subject {
            kind: "Group".into(),
            name,
            ..Subject::default()
        }),
        (pick(&["a", "b", ""]), pick(&["sa", "other"])).prop_map(|(namespace, name)| Subject {
            kind: "ServiceAccount".into(),
            name,
            namespace,
            ..Subject::default()
        }),
        Just(Subject {
            kind: "Robot".into(),
            name: "u1".into(),
            ..Subject::default()
        }),
    ]
}

fn binding() -> impl Strategy<Value = BindingObject> {
    (
        prop::bool::ANY,
        pick(NAMESPACES),
        pick(&["b1", "b2", "b3", "b4", "b5"]),
        prop::collection::vec(subject(), 1..3),
        pick(&["Role", "ClusterRole", "Bogus"]),
        pick(ROLE_NAMES),
    )
        .prop_map(
            |(cluster, ns, name, subjects, ref_kind, ref_name)| BindingObject {
                kind: if cluster {
                    BindingKind::ClusterRoleBinding
                } else {
                    BindingKind::RoleBinding
                },
                meta: ObjectMeta {
                    name,
                    namespace: if cluster { String::new() } else { ns },
                    ..ObjectMeta::default()
                },
                subject_origins: vec![Origin::default(); subjects.len()],
                subjects,
                role_ref: RoleRef {
                    api_group: "rbac.authorization.k8s.io".into(),
                    kind: ref_kind,
                    name: ref_name,
                },
                role_ref_origin: Origin::default(),
            },
        )
}

fn request() -> impl Strategy<Value = Attributes> {
    (
        pick(USERS),
        prop::collection::vec(pick(GROUPS), 0..3),
        pick(&["get", "list", "create", "delete"]),
        pick(&["", "apps"]),
        pick(&["pods", "deployments", "nodes"]),
        pick(&["", "log", "scale", "*"]),
        pick(&["a", "b", "c", ""]),
        pick(&["", "x", "y"]),
    )
        .prop_map(
            |(user, groups, verb, api_group, resource, subresource, namespace, name)| Attributes {
                user,
                groups,
                verb,
                resource_request: true,
                api_group,
                resource,
                subresource,
                namespace,
                name,
                path: String::new(),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn indexed_authorizer_agrees_with_linear_scan(
        roles in prop::collection::vec(role(), 0..8),
        bindings in prop::collection::vec(binding(), 0..10),
        requests in prop::collection::vec(request(), 1..20),
    ) {
        let build = || {
            let mut b = PolicyBuilder::new();
            roles.iter().cloned().for_each(|r| b.add_role(r));
            bindings.iter().cloned().for_each(|x| b.add_binding(x));
            b.build()
        };
        let indexed = RbacAuthorizer::new(build());
        let reference = build();
        for a in &requests {
            prop_assert_eq!(indexed.authorize(a), naive::authorize(&reference, a), "request {:?}", a);
        }
    }
}

/// The property above must be able to fail: a policy where allow-order matters.
#[test]
fn linear_scan_reference_names_the_first_binding_by_name() {
    let mut b = PolicyBuilder::new();
    b.add_role(RoleObject {
        kind: RoleKind::ClusterRole,
        meta: ObjectMeta {
            name: "r".into(),
            ..ObjectMeta::default()
        },
        rules: vec![PolicyRule {
            verbs: vec!["get".into()],
            api_groups: vec!["".into()],
            resources: vec!["pods".into()],
            ..PolicyRule::default()
        }],
        rule_origins: vec![Origin::default()],
        aggregation_rule: None,
    });
    for name in ["z", "a"] {
        b.add_binding(BindingObject {
            kind: BindingKind::ClusterRoleBinding,
            meta: ObjectMeta {
                name: name.into(),
                ..ObjectMeta::default()
            },
            subjects: vec![Subject {
                kind: "User".into(),
                name: "u".into(),
                ..Subject::default()
            }],
            subject_origins: vec![Origin::default()],
            role_ref: RoleRef {
                kind: "ClusterRole".into(),
                name: "r".into(),
                ..RoleRef::default()
            },
            role_ref_origin: Origin::default(),
        });
    }
    let a = Attributes {
        user: "u".into(),
        verb: "get".into(),
        resource_request: true,
        resource: "pods".into(),
        ..Attributes::default()
    };
    let v = naive::authorize(&b.build(), &a);
    assert_eq!(
        v.reason,
        "RBAC: allowed by ClusterRoleBinding \"a\" of ClusterRole \"r\" to User \"u\""
    );
}
