//! Invariants over generated policies: the indexed RBAC authorizer answers exactly what
//! upstream's linear visit (`rbac::naive`) answers, reason strings included.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use kauthz::model::{BindingKind, BindingObject, Origin, PolicyRule, RoleObject};
use kauthz::policy::PolicyBuilder;
use kauthz::rbac::authorizer::RbacAuthorizer;
use kauthz::rbac::naive;
use kauthz::request::Attributes;
use proptest::prelude::*;

mod common;
use common::*;

/// Verbs of the index property: the common ones, `*`, and verbs the authorizer's verb
/// summary has no bit for (an unknown verb, a wrong case).
const INDEX_VERBS: &[&str] = &["get", "list", "create", "delete", "*", "frobnicate", "GET"];

fn rule() -> impl Strategy<Value = PolicyRule> {
    prop_oneof![
        4 => resource_rule(INDEX_VERBS),
        1 => url_rule(INDEX_VERBS, &["/healthz", "/api/*", "*"]),
    ]
}

fn role() -> impl Strategy<Value = RoleObject> {
    common::role(rule())
}

fn binding() -> impl Strategy<Value = BindingObject> {
    common::binding(subject(USERS, GROUPS, true))
}

fn request() -> impl Strategy<Value = Attributes> {
    prop_oneof![4 => resource_request(), 1 => url_request()]
}

fn url_request() -> impl Strategy<Value = Attributes> {
    (
        pick(USERS),
        prop::collection::vec(pick(GROUPS), 0..3),
        pick(&["get", "post", "frobnicate", "GET"]),
        pick(&["/healthz", "/api/v1", "/metrics"]),
    )
        .prop_map(|(user, groups, verb, path)| Attributes {
            user,
            groups,
            verb,
            path,
            ..Attributes::default()
        })
}

fn resource_request() -> impl Strategy<Value = Attributes> {
    (
        pick(USERS),
        prop::collection::vec(pick(GROUPS), 0..3),
        pick(&["get", "list", "create", "delete", "frobnicate", "GET"]),
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
    b.add_role(role_object("", "r", vec![get_pods()]));
    for name in ["z", "a"] {
        let subjects = vec![subject_of("User", "", "u")];
        b.add_binding(binding_object("", name, subjects, "ClusterRole", "r"));
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

// ---- kauthz diff: invariants of the semantic diff over generated policies ----

use kauthz::diff::{Identity, diff, effective_permissions, permissions::rule_atoms};

fn authorizer(roles: &[RoleObject], bindings: &[BindingObject]) -> RbacAuthorizer {
    let mut b = PolicyBuilder::new();
    roles.iter().cloned().for_each(|r| b.add_role(r));
    bindings.iter().cloned().for_each(|x| b.add_binding(x));
    RbacAuthorizer::new(b.build())
}

/// (identity, atom text, scope) of every change of one side.
fn changes(d: &kauthz::diff::PolicyDiff, gained: bool) -> Vec<(Identity, String, String)> {
    let mut out = Vec::new();
    for s in &d.subjects {
        for c in if gained { &s.gained } else { &s.lost } {
            out.push((
                s.identity.clone(),
                c.atom.to_string(),
                c.scope.namespace().to_string(),
            ));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn diff_of_a_policy_with_itself_is_empty(
        roles in prop::collection::vec(role(), 0..8),
        bindings in prop::collection::vec(binding(), 0..10),
    ) {
        let a = authorizer(&roles, &bindings);
        let b = authorizer(&roles, &bindings);
        prop_assert!(diff(&a, &b).is_empty());
        // Reordered input is the same policy.
        let mut rev_roles = roles.clone();
        rev_roles.reverse();
        let mut rev_bindings = bindings.clone();
        rev_bindings.reverse();
        let dedup = |v: &[BindingObject]| -> Vec<BindingObject> {
            // Later objects replace earlier ones: keep only the last of each key so that
            // reversing does not change which one wins.
            let mut seen = std::collections::HashSet::new();
            let mut out: Vec<BindingObject> = v.iter().rev().filter(|b| seen.insert((b.kind, b.meta.namespace.clone(), b.meta.name.clone()))).cloned().collect();
            out.reverse();
            out
        };
        let a2 = authorizer(&roles, &dedup(&bindings));
        let mut rb = dedup(&bindings);
        rb.reverse();
        prop_assert!(diff(&a2, &authorizer(&roles, &rb)).is_empty());
    }

    #[test]
    fn diff_a_to_b_mirrors_b_to_a(
        roles_a in prop::collection::vec(role(), 0..8),
        bindings_a in prop::collection::vec(binding(), 0..10),
        roles_b in prop::collection::vec(role(), 0..8),
        bindings_b in prop::collection::vec(binding(), 0..10),
    ) {
        let a = authorizer(&roles_a, &bindings_a);
        let b = authorizer(&roles_b, &bindings_b);
        let ab = diff(&a, &b);
        let ba = diff(&b, &a);
        prop_assert_eq!(changes(&ab, true), changes(&ba, false));
        prop_assert_eq!(changes(&ab, false), changes(&ba, true));
    }

    #[test]
    fn adding_a_binding_gains_exactly_what_its_role_adds(
        roles in prop::collection::vec(role(), 1..8),
        bindings in prop::collection::vec(binding(), 0..10),
        added in binding(),
        subject in subject(USERS, GROUPS, true),
    ) {
        let mut added = added;
        added.meta.name = "added-binding".into();
        added.subjects = vec![subject.clone()];
        added.subject_origins = vec![Origin::default()];
        let before = authorizer(&roles, &bindings);
        let mut more = bindings.clone();
        more.push(added.clone());
        let after = authorizer(&roles, &more);
        let d = diff(&before, &after);
        prop_assert_eq!(d.lost(), 0, "adding a binding loses nothing: {:?}", d);
        let ns = added.meta.namespace.as_str();
        let Some(id) = Identity::of_subject(&subject, ns) else {
            prop_assert!(d.is_empty());
            return Ok(());
        };
        prop_assert!(d.subjects.iter().all(|s| s.identity == id), "only the new subject changes");
        // The role the binding leads to, as the policy resolves it.
        let policy = after.policy();
        let rules = match added.role_ref.kind.as_str() {
            "ClusterRole" => policy.cluster_role(&added.role_ref.name).map(|r| r.rules.clone()),
            "Role" if added.kind == BindingKind::RoleBinding => policy.role(ns, &added.role_ref.name).map(|r| r.rules.clone()),
            _ => None,
        }.unwrap_or_default();
        let scope = if added.kind == BindingKind::ClusterRoleBinding { "" } else { ns };
        let all_ns: Vec<&str> = ["a", "b", "c"].to_vec();
        let had = effective_permissions(&before, &id, all_ns.iter().copied());
        let gained: Vec<&kauthz::diff::Change> = d.subjects.iter().flat_map(|s| &s.gained).collect();
        let role_atoms: Vec<kauthz::diff::Atom> = rules.iter().flat_map(rule_atoms)
            .filter(|a| scope.is_empty() || matches!(a, kauthz::diff::Atom::Resource { .. }))
            .collect();
        // Every gain is an atom of the role, in the binding's scope, that was not allowed before.
        for g in &gained {
            prop_assert_eq!(g.scope.namespace(), scope);
            prop_assert!(role_atoms.contains(&g.atom), "{} is not in the role", g.atom);
            prop_assert!(!had.allows(&g.atom, scope), "{} was allowed before", g.atom);
        }
        // Every atom of the role that was not allowed before is covered by a gain.
        for a in &role_atoms {
            if !had.allows(a, scope) {
                prop_assert!(gained.iter().any(|g| g.atom.covers(a)), "{} not shown as gained", a);
            }
        }
    }
}

/// Every identity any binding of `a` or `b` names.
fn named(a: &RbacAuthorizer, b: &RbacAuthorizer) -> Vec<Identity> {
    let mut out: Vec<Identity> = [a, b]
        .iter()
        .flat_map(|r| {
            let p = r.policy();
            p.cluster_role_bindings
                .iter()
                .chain(&p.role_bindings)
                .flat_map(|x| {
                    let ns = x.meta.namespace.clone();
                    x.subjects
                        .iter()
                        .filter_map(move |s| Identity::of_subject(s, &ns))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The structural diff (role sets, skipped subjects, only differing roles expanded) gives
    /// exactly what evaluating every subject in every namespace on both sides gives: the same
    /// changes, grant sources and "other side" namespaces.
    #[test]
    fn structural_diff_equals_per_subject_evaluation(
        roles_a in prop::collection::vec(role(), 0..8),
        bindings_a in prop::collection::vec(binding(), 0..10),
        roles_b in prop::collection::vec(role(), 0..8),
        bindings_b in prop::collection::vec(binding(), 0..10),
        share in prop::bool::ANY,
    ) {
        let a = authorizer(&roles_a, &bindings_a);
        // Half the cases share the roles, so that bindings move between equal role sets.
        let b = if share {
            authorizer(&roles_a, &bindings_b)
        } else {
            authorizer(&roles_b, &bindings_b)
        };
        let d = diff(&a, &b);
        let mut expected = Vec::new();
        for id in named(&a, &b) {
            let pa = effective_permissions(&a, &id, NAMESPACES.iter().copied());
            let pb = effective_permissions(&b, &id, NAMESPACES.iter().copied());
            let (gained, lost) = kauthz::diff::diff_permissions(&pa, &pb);
            if !gained.is_empty() || !lost.is_empty() {
                expected.push((id, gained, lost));
            }
        }
        let actual: Vec<_> = d
            .subjects
            .iter()
            .map(|s| (s.identity.clone(), s.gained.clone(), s.lost.clone()))
            .collect();
        prop_assert_eq!(actual, expected);
    }
}

/// The properties above must be able to fail: a moved RoleBinding is a change.
#[test]
fn moving_a_role_binding_is_a_change() {
    let role = role_object("", "r", vec![get_pods()]);
    let binding = |ns: &str| {
        binding_object(
            ns,
            "b",
            vec![subject_of("User", "", "u")],
            "ClusterRole",
            "r",
        )
    };
    let d = diff(
        &authorizer(std::slice::from_ref(&role), &[binding("a")]),
        &authorizer(&[role], &[binding("b")]),
    );
    let id = Identity::User("u".into());
    assert_eq!(
        changes(&d, true),
        [(id.clone(), "get pods".to_string(), "b".to_string())]
    );
    assert_eq!(
        changes(&d, false),
        [(id, "get pods".to_string(), "a".to_string())]
    );
}

/// Strings for the answer-writer property: plain names, and every byte class some escaping
/// of the Forbidden message treats specially (quotes, backslash, controls, `&<>` for the
/// sanitiser and Go's HTML-safe encoder, U+2028, non-ASCII, non-printable runes).
const ODD: &[&str] = &[
    "",
    "pods",
    "jane",
    "a\"b",
    "back\\slash",
    "tab\there",
    "nl\n",
    "\u{1}",
    "a&b",
    "<script>",
    "x>y",
    "line\u{2028}sep",
    "para\u{2029}",
    "dash\u{2010}",
    "\u{20ac}",
    "héllo",
    "nb\u{a0}sp",
    "\u{7f}",
    "*",
];

/// Mostly plain, sometimes odd: the writer's fast path needs every field plain, and a
/// single odd field among plain ones is the case that must leave it.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => pick(&["", "pods", "jane", "*", "kube-system", "apps"]),
        1 => pick(ODD),
    ]
}

fn odd_request() -> impl Strategy<Value = Attributes> {
    (
        (field(), field(), field(), any::<bool>()),
        (field(), field(), field(), field(), field()),
    )
        .prop_map(
            |(
                (user, verb, path, resource_request),
                (api_group, resource, subresource, namespace, name),
            )| {
                Attributes {
                    user,
                    groups: vec![],
                    verb,
                    resource_request,
                    api_group,
                    resource,
                    subresource,
                    namespace,
                    name,
                    path,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// `kauthz eval`'s hand-written answer line is byte for byte serde's encoding of the
    /// outcome, for every kind of string in every field (the fast path for plain fields and
    /// the escaping path for the rest).
    #[test]
    fn eval_line_equals_serde(
        a in odd_request(),
        decision in 0..3u8,
        reason in field(),
        error in field(),
    ) {
        use kauthz::decision::{Decision, Verdict};
        let verdict = Verdict {
            decision: [Decision::Allow, Decision::Deny, Decision::NoOpinion][decision as usize],
            reason,
            error,
        };
        let mut line = String::from("prefix");
        kauthz::response::write_eval_line(&mut line, &a, &verdict);
        let expected = serde_json::to_string(&kauthz::response::Outcome::new(&a, &verdict)).unwrap();
        prop_assert_eq!(&line["prefix".len()..], expected.as_str());
    }
}
