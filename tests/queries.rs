//! who-can, where-can, matrix and graph on the example policy (snapshots of the binary's
//! output) and over generated policies (each answer equals individual chain evaluations).
//! Snapshots live in the top-level `snapshots/` folder.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use std::collections::BTreeSet;

use kauthz::abac::{AbacPolicy, AbacRule, AbacVersion};
use kauthz::chain::{Chain, Mode, SYSTEM_MASTERS};
use kauthz::discovery::Discovery;
use kauthz::engine::Workspace;
use kauthz::model::{BindingObject, PolicyRule, RoleObject, Subject};
use kauthz::policy::PolicyBuilder;
use kauthz::query::SubjectRef;
use kauthz::query::matrix::{Access, resource_matrix, subject_matrix};
use kauthz::query::where_can::where_can;
use kauthz::query::who_can::{abac_subject, allowed_subjects, who_can, who_can_all_namespaces};
use kauthz::rbac::authorizer::RbacAuthorizer;
use kauthz::request::Attributes;
use proptest::prelude::*;

mod common;
use common::cli::{snap, transcript};
use common::{
    USERS, binding_object, get_pods, pick, resource_rule, role_object, subject_of, url_rule,
};

fn run(args: &[&str]) -> String {
    transcript(args, None)
}

const EX: &str = "policies/example";
const ABAC: &str = "policies/example/acme.abac.jsonl";
const CONJUNCTIVE: &str = "tests/fixtures/conjunctive.abac.jsonl";

/// (snapshot name, arguments): every command and format on the example policy.
const CASES: &[(&str, &[&str])] = &[
    (
        "who_can_abac_conjunctive",
        &[
            "who-can",
            "get",
            "secrets",
            "-n",
            "payments-dev",
            "-f",
            EX,
            "--abac",
            CONJUNCTIVE,
        ],
    ),
    (
        "who_can_abac_star",
        &[
            "who-can",
            "get",
            "/healthz",
            "-f",
            EX,
            "--abac",
            CONJUNCTIVE,
        ],
    ),
    (
        "matrix_type_abac_conjunctive",
        &[
            "matrix",
            "secrets",
            "-n",
            "payments-dev",
            "--verbs",
            "get,list,delete",
            "-f",
            EX,
            "--abac",
            CONJUNCTIVE,
        ],
    ),
    (
        "who_can_cluster_scoped_explicit_namespace",
        &["who-can", "list", "nodes", "-n", "payments-dev", "-f", EX],
    ),
    (
        "who_can_namespaced",
        &[
            "who-can",
            "create",
            "deployments.apps",
            "-n",
            "payments-dev",
            "-f",
            EX,
        ],
    ),
    (
        "who_can_subresource",
        &[
            "who-can",
            "create",
            "pods",
            "--subresource",
            "exec",
            "-n",
            "payments-prod",
            "-f",
            EX,
        ],
    ),
    (
        "who_can_all_namespaces",
        &["who-can", "get", "secrets", "-A", "-f", EX],
    ),
    ("who_can_url", &["who-can", "get", "/healthz", "-f", EX]),
    (
        "who_can_named_json",
        &[
            "who-can",
            "get",
            "configmaps/payments-api-config",
            "-n",
            "payments-prod",
            "-o",
            "json",
            "-f",
            EX,
        ],
    ),
    (
        "who_can_bind",
        &[
            "who-can",
            "bind",
            "clusterroles.rbac.authorization.k8s.io",
            "-f",
            EX,
        ],
    ),
    (
        "who_can_impersonate",
        &[
            "who-can",
            "impersonate",
            "serviceaccounts",
            "-n",
            "payments-prod",
            "-f",
            EX,
        ],
    ),
    (
        "who_can_abac",
        &["who-can", "get", "/debug/pprof", "-f", EX, "--abac", ABAC],
    ),
    (
        "who_can_unknown_type",
        &["who-can", "get", "widgets", "-n", "payments-dev", "-f", EX],
    ),
    (
        "who_can_namespace_and_all",
        &["who-can", "get", "pods", "-n", "x", "-A", "-f", EX],
    ),
    (
        "where_can_text",
        &[
            "where-can",
            "update",
            "deployments.apps",
            "--as",
            "alice@acme.io",
            "-f",
            EX,
        ],
    ),
    (
        "where_can_group",
        &[
            "where-can",
            "get",
            "pods",
            "--as",
            "erin@acme.io",
            "--as-group",
            "acme:payments-devs",
            "-f",
            EX,
        ],
    ),
    (
        "where_can_everywhere_json",
        &[
            "where-can",
            "list",
            "pods",
            "--as",
            "system:serviceaccount:ci:image-scanner",
            "-o",
            "json",
            "-f",
            EX,
        ],
    ),
    (
        "where_can_cluster_scoped",
        &[
            "where-can",
            "get",
            "nodes",
            "--as",
            "carol@acme.io",
            "--as-group",
            "acme:sre-oncall",
            "-f",
            EX,
        ],
    ),
    (
        "where_can_nowhere",
        &[
            "where-can",
            "delete",
            "secrets",
            "--as",
            "mallory",
            "-f",
            EX,
        ],
    ),
    ("where_can_no_user", &["where-can", "get", "pods", "-f", EX]),
    (
        "matrix_user_namespace",
        &[
            "matrix",
            "--as",
            "system:serviceaccount:ci:deployer",
            "-n",
            "payments-dev",
            "-f",
            EX,
        ],
    ),
    (
        "matrix_user_all_ascii",
        &[
            "matrix",
            "--as",
            "carol@acme.io",
            "--as-group",
            "acme:sre-oncall",
            "--ascii",
            "-f",
            EX,
        ],
    ),
    (
        "matrix_user_verbs_csv",
        &[
            "matrix",
            "--as",
            "alice@acme.io",
            "-n",
            "payments-prod",
            "--verbs",
            "get,delete,escalate",
            "-o",
            "csv",
            "-f",
            EX,
        ],
    ),
    (
        "matrix_user_json",
        &[
            "matrix",
            "--as",
            "erin@acme.io",
            "--as-group",
            "acme:payments-devs",
            "-n",
            "payments-dev",
            "--verbs",
            "get,create",
            "-o",
            "json",
            "-f",
            EX,
        ],
    ),
    (
        "matrix_type",
        &["matrix", "secrets", "-n", "payments-prod", "-f", EX],
    ),
    (
        "matrix_type_cluster_csv",
        &["matrix", "backups.acme.io", "-o", "csv", "-f", EX],
    ),
    (
        "matrix_type_json",
        &[
            "matrix",
            "deployments.apps",
            "-n",
            "search-prod",
            "--verbs",
            "get,update",
            "-o",
            "json",
            "-f",
            EX,
        ],
    ),
    (
        "matrix_usage_both",
        &["matrix", "pods", "--as", "jane", "-f", EX],
    ),
    ("matrix_usage_neither", &["matrix", "-f", EX]),
    (
        "graph_dot_subject",
        &["graph", "--subject", "ServiceAccount:ci/deployer", "-f", EX],
    ),
    (
        "graph_mermaid_role",
        &[
            "graph",
            "--format",
            "mermaid",
            "--role",
            "acme:readonly-plus",
            "-f",
            EX,
        ],
    ),
    (
        "graph_json_namespace",
        &["graph", "--format", "json", "-n", "search-prod", "-f", EX],
    ),
    (
        "graph_mermaid_name",
        &[
            "graph",
            "--format",
            "mermaid",
            "--subject",
            "alice@acme.io",
            "-f",
            EX,
        ],
    ),
];

#[test]
fn snapshots_of_every_command_and_format() {
    for (name, args) in CASES {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => true,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(*name, run(args));
        });
    }
}

/// The whole example graph is deterministic: two runs give the same bytes, and every edge
/// joins nodes that exist.
#[test]
fn graph_is_deterministic_and_closed() {
    let a = run(&["graph", "--format", "json", "-f", EX]);
    let b = run(&["graph", "--format", "json", "-f", EX]);
    assert_eq!(a, b);
    let json = a
        .split("--- stdout\n")
        .nth(1)
        .unwrap()
        .split("--- stderr")
        .next()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let ids: BTreeSet<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    for e in v["edges"].as_array().unwrap() {
        assert!(ids.contains(e["from"].as_str().unwrap()), "{e}");
        assert!(ids.contains(e["to"].as_str().unwrap()), "{e}");
    }
    snap!(
        "graph_dot_full_head",
        a.lines().take(3).collect::<Vec<_>>().join("\n")
    );
}

// Generators: the same shapes as tests/properties.rs (copied so the two files merge
// independently), plus non-resource rules and the bind/impersonate verbs.

/// who-can's vocabulary adds `system:masters` and the verbs `bind` and `impersonate`.
const GROUPS: &[&str] = &[
    "g1",
    "g2",
    "system:authenticated",
    "system:serviceaccounts",
    "system:masters",
];
const VERBS: &[&str] = &[
    "get",
    "list",
    "create",
    "delete",
    "bind",
    "impersonate",
    "*",
];

fn rule() -> impl Strategy<Value = PolicyRule> {
    prop_oneof![
        4 => resource_rule(VERBS),
        1 => url_rule(VERBS, &["/healthz", "/healthz*", "/metrics", "*"]),
    ]
}

fn role() -> impl Strategy<Value = RoleObject> {
    common::role(rule())
}

fn binding() -> impl Strategy<Value = BindingObject> {
    common::binding(common::subject(USERS, GROUPS, true))
}

fn template() -> impl Strategy<Value = Attributes> {
    prop_oneof![
        4 => (
            pick(&["get", "list", "create", "delete", "bind", "impersonate"]),
            pick(&["", "apps"]),
            pick(&["pods", "deployments", "nodes"]),
            pick(&["", "log", "scale", "*"]),
            pick(&["a", "b", "c", ""]),
            pick(&["", "x", "y"]),
        )
            .prop_map(|(verb, api_group, resource, subresource, namespace, name)| Attributes {
                verb,
                resource_request: true,
                api_group,
                resource,
                subresource,
                namespace,
                name,
                ..Attributes::default()
            }),
        1 => (pick(&["get", "create"]), pick(&["/healthz", "/healthz/etcd", "/metrics"]))
            .prop_map(|(verb, path)| Attributes { verb, path, ..Attributes::default() }),
    ]
}

/// An ABAC line (the internal form): users and groups from the same pools, plus `*` and
/// unset, so lines naming both (conjunctive), one, everyone or nobody all occur.
fn abac_rule() -> impl Strategy<Value = AbacRule> {
    (
        pick(&["", "*", "u1", "u2", "system:serviceaccount:a:sa"]),
        pick(&["", "*", "g1", "g2", "system:authenticated"]),
        prop::bool::ANY,
        pick(&["", "apps", "*"]),
        pick(&["pods", "deployments", "nodes", "*"]),
        pick(&["a", "b", "", "*"]),
        pick(&["", "/healthz", "/healthz*", "*"]),
    )
        .prop_map(
            |(user, group, readonly, api_group, resource, namespace, non_resource_path)| AbacRule {
                user,
                group,
                readonly,
                api_group,
                resource,
                namespace,
                non_resource_path,
                line: 1,
                version: AbacVersion::V1beta1,
                text: String::new(),
            },
        )
}

fn workspace(roles: &[RoleObject], bindings: &[BindingObject]) -> Workspace {
    workspace_with(roles, bindings, &[])
}

/// With ABAC lines (numbered in order), the chain is RBAC then ABAC.
fn workspace_with(
    roles: &[RoleObject],
    bindings: &[BindingObject],
    abac: &[AbacRule],
) -> Workspace {
    let mut b = PolicyBuilder::new();
    roles.iter().cloned().for_each(|r| b.add_role(r));
    bindings.iter().cloned().for_each(|x| b.add_binding(x));
    let (modes, policy) = if abac.is_empty() {
        (vec![Mode::Rbac], None)
    } else {
        let rules = abac
            .iter()
            .enumerate()
            .map(|(i, r)| AbacRule {
                line: i as u32 + 1,
                ..r.clone()
            })
            .collect();
        (
            vec![Mode::Rbac, Mode::Abac],
            Some(AbacPolicy {
                path: "abac.jsonl".into(),
                rules,
            }),
        )
    };
    Workspace {
        chain: Chain::new(modes, RbacAuthorizer::new(b.build()), policy),
        sources: Vec::new(),
        discovery: Discovery::builtin(),
        input_errors: 0,
    }
}

/// Every subject the policy names that can apply to someone, plus `system:masters`; with
/// ABAC, the subject of each line (conjunctive subjects and Everyone included).
fn universe(ws: &Workspace) -> Vec<SubjectRef> {
    let mut v: Vec<SubjectRef> = ws
        .chain
        .rbac()
        .graph()
        .subjects()
        .into_iter()
        .filter_map(|(s, _)| SubjectRef::from_binding_subject(s, ""))
        .collect();
    v.push(SubjectRef::group(SYSTEM_MASTERS));
    if let Some(p) = ws.chain.abac() {
        for s in p.rules.iter().filter_map(abac_subject) {
            // A line naming a user and a group names the user too (who-can lists that user
            // as the twin of a service account it is allowed as).
            if s.is_conjunctive() {
                v.push(SubjectRef::user(&s.name));
            }
            v.push(s);
        }
    }
    v.sort();
    v.dedup();
    v
}

/// The subjects of the universe whose own identity the chain allows to make `a`.
fn evaluator_says_yes(ws: &Workspace, a: &Attributes) -> BTreeSet<SubjectRef> {
    universe(ws)
        .into_iter()
        .filter(|s| ws.chain.authorize(&s.request(a)).is_allowed())
        .collect()
}

/// The parts a subject's identity is allowed through besides its own grants: Everyone, and
/// for "User U + Group G", U and G.
fn covering(s: &SubjectRef) -> Vec<SubjectRef> {
    let mut v = vec![SubjectRef::everyone()];
    if s.is_conjunctive() {
        v.push(SubjectRef::user(&s.name));
        v.push(SubjectRef::group(&s.in_group));
    }
    v
}

/// who-can's answer `listed` (for a request whose allowed universe is `yes`) is sound and
/// complete: every listed subject is allowed; every allowed subject of the universe is listed
/// or covered by a listed Everyone (or, when conjunctive, by its user or group). With `exact`
/// (one section), a subject without a covering part listed is listed iff allowed, and a
/// conjunctive subject is listed only when neither part nor Everyone is.
fn check_listing(
    universe: &[SubjectRef],
    yes: &BTreeSet<SubjectRef>,
    listed: &BTreeSet<SubjectRef>,
    exact: bool,
) -> Result<(), TestCaseError> {
    for s in listed {
        prop_assert!(yes.contains(s), "{:?} listed but not allowed", s);
        if exact && s.is_conjunctive() {
            prop_assert!(
                !covering(s).iter().any(|c| listed.contains(c)),
                "{:?} adds nobody",
                s
            );
        }
    }
    for s in universe {
        let covered = covering(s).iter().any(|c| listed.contains(c));
        if yes.contains(s) {
            prop_assert!(
                listed.contains(s) || covered,
                "{:?} allowed but not listed",
                s
            );
        }
        if exact && !covered && !s.is_conjunctive() {
            prop_assert_eq!(listed.contains(s), yes.contains(s), "{:?}", s);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn who_can_lists_exactly_the_subjects_the_evaluator_allows(
        roles in prop::collection::vec(role(), 0..8),
        bindings in prop::collection::vec(binding(), 0..10),
        abac in prop::collection::vec(abac_rule(), 0..4),
        templates in prop::collection::vec(template(), 1..8),
    ) {
        let ws = workspace_with(&roles, &bindings, &abac);
        let universe = universe(&ws);
        for a in &templates {
            let listed: BTreeSet<SubjectRef> = allowed_subjects(&who_can(&ws, a)).into_iter().collect();
            let yes = evaluator_says_yes(&ws, a);
            if abac.is_empty() {
                prop_assert_eq!(&listed, &yes, "request {:?}", a);
            }
            check_listing(&universe, &yes, &listed, true)?;
            // -A: the cluster-wide section is the request without a namespace; cluster-wide
            // plus one namespace's section is that namespace's answer.
            if a.resource_request {
                let all = who_can_all_namespaces(&ws, a);
                let cluster: BTreeSet<SubjectRef> = all.sections[0].subjects.iter().map(|s| s.subject.clone()).collect();
                let none = Attributes { namespace: String::new(), ..a.clone() };
                let yes = evaluator_says_yes(&ws, &none);
                if abac.is_empty() {
                    prop_assert_eq!(&cluster, &yes);
                }
                // Across all namespaces at once: the cluster-wide section plus the one for
                // ABAC lines for no namespace.
                let mut across = cluster.clone();
                for s in all.sections.iter().skip(1).filter(|s| s.namespace.is_empty()) {
                    across.extend(s.subjects.iter().map(|x| x.subject.clone()));
                }
                check_listing(&universe, &yes, &across, false)?;
                for ns in ["a", "b", "c"] {
                    let mut here = cluster.clone();
                    for s in all.sections.iter().filter(|s| s.namespace == ns) {
                        here.extend(s.subjects.iter().map(|x| x.subject.clone()));
                    }
                    let at = Attributes { namespace: ns.into(), ..a.clone() };
                    let yes = evaluator_says_yes(&ws, &at);
                    if abac.is_empty() {
                        prop_assert_eq!(&here, &yes, "namespace {}", ns);
                    }
                    check_listing(&universe, &yes, &here, false)?;
                }
            }
        }
    }

    #[test]
    fn matrix_cells_equal_individual_evaluations(
        roles in prop::collection::vec(role(), 0..8),
        bindings in prop::collection::vec(binding(), 0..10),
        abac in prop::collection::vec(abac_rule(), 0..4),
        user in pick(USERS),
        groups in prop::collection::vec(pick(GROUPS), 0..3),
        namespace in pick(&["a", "b", ""]),
        a in template(),
    ) {
        let ws = workspace_with(&roles, &bindings, &abac);
        let verbs: Vec<String> = ["get", "list", "create", "delete", "bind", "escalate"].map(String::from).to_vec();
        let m = resource_matrix(&ws, &user, &groups, &namespace, &verbs);
        prop_assert!(!m.rows.is_empty());
        for row in &m.rows {
            let served = ws.discovery.lookup(&row.group, &row.resource).unwrap();
            for (verb, cell) in verbs.iter().zip(&row.cells) {
                if !served.verbs.contains(verb) {
                    prop_assert_eq!(*cell, Access::NotApplicable);
                    continue;
                }
                let req = Attributes {
                    user: user.clone(),
                    groups: groups.clone(),
                    verb: verb.clone(),
                    resource_request: true,
                    api_group: row.group.clone(),
                    resource: row.resource.clone(),
                    namespace: if row.namespaced { namespace.clone() } else { String::new() },
                    ..Attributes::default()
                };
                let want = if ws.chain.authorize(&req).is_allowed() { Access::Allowed } else { Access::Denied };
                prop_assert_eq!(*cell, want, "{:?}", req);
            }
        }
        // The subject matrix: each cell is the subject's own identity asking.
        let sm = subject_matrix(&ws, &a, &verbs, None);
        for row in &sm.rows {
            for (verb, cell) in verbs.iter().zip(&row.cells) {
                let req = row.subject.request(&Attributes { verb: verb.clone(), ..a.clone() });
                let want = if ws.chain.authorize(&req).is_allowed() { Access::Allowed } else { Access::Denied };
                prop_assert_eq!(*cell, want, "{:?}", req);
            }
        }
        // ... and every subject allowed a verb has a row allowing it, its own or (through
        // Everyone, or a conjunctive subject's user or group) one that covers it; without
        // ABAC, exactly the subjects allowed some verb have rows.
        for s in universe(&ws) {
            let mut candidates = covering(&s);
            candidates.push(s.clone());
            for (j, v) in verbs.iter().enumerate() {
                if ws.chain.authorize(&s.request(&Attributes { verb: v.clone(), ..a.clone() })).is_allowed() {
                    let shown = sm.rows.iter().any(|r| candidates.contains(&r.subject) && r.cells[j] == Access::Allowed);
                    prop_assert!(shown, "{:?} may {} but no row shows it", s, v);
                }
            }
            if abac.is_empty() {
                let any = verbs.iter().any(|v| ws.chain.authorize(&s.request(&Attributes { verb: v.clone(), ..a.clone() })).is_allowed());
                prop_assert_eq!(any, sm.rows.iter().any(|r| r.subject == s), "{:?}", s);
            }
        }
    }

    #[test]
    fn where_can_namespaces_equal_per_namespace_evaluation(
        roles in prop::collection::vec(role(), 0..8),
        bindings in prop::collection::vec(binding(), 0..10),
        abac in prop::collection::vec(abac_rule(), 0..4),
        user in pick(USERS),
        groups in prop::collection::vec(pick(GROUPS), 0..3),
        a in template(),
    ) {
        let ws = workspace_with(&roles, &bindings, &abac);
        let req = Attributes { user: user.clone(), groups: groups.clone(), ..a.clone() };
        let w = where_can(&ws, &req, a.resource_request);
        let at = |ns: &str| ws.chain.authorize(&Attributes { namespace: ns.into(), ..req.clone() }).is_allowed();
        prop_assert_eq!(w.cluster.is_some(), at(""));
        if a.resource_request {
            let listed: BTreeSet<&str> = w.allowed.iter().map(|g| g.namespace.as_str()).collect();
            let want: BTreeSet<&str> = w.known_namespaces.iter().map(String::as_str).filter(|ns| at(ns)).collect();
            prop_assert_eq!(listed, want);
            // A namespace where it is allowed but not in an unmentioned one has a grant of
            // its own there, so it is known.
            for ns in ["a", "b", "c"] {
                if at(ns) && !at("never-mentioned") {
                    prop_assert!(w.known_namespaces.iter().any(|k| k == ns), "{} missing", ns);
                }
            }
            let everywhere = ["a", "b", "c", "never-mentioned"].iter().all(|ns| at(ns));
            if w.every_namespace {
                prop_assert!(everywhere);
            } else {
                prop_assert!(!["a", "b", "c"].iter().all(|ns| at(ns)) || !at("never-mentioned"));
            }
        } else {
            prop_assert!(w.allowed.is_empty());
        }
    }
}

/// who-can's property must be able to fail: a User named like a service account is the same
/// identity as the ServiceAccount, and both are listed.
#[test]
fn a_user_named_like_a_service_account_is_that_service_account() {
    let role = role_object("", "r", vec![get_pods()]);
    let bind = |name: &str, subject: Subject, role: &str| {
        binding_object("a", name, vec![subject], "ClusterRole", role)
    };
    let ws = workspace(
        &[role],
        &[
            bind("b1", subject_of("ServiceAccount", "", "sa"), "r"),
            bind(
                "b2",
                subject_of("User", "", "system:serviceaccount:a:sa"),
                "nothing",
            ),
        ],
    );
    let a = Attributes {
        verb: "get".into(),
        resource_request: true,
        resource: "pods".into(),
        namespace: "a".into(),
        ..Attributes::default()
    };
    let listed = allowed_subjects(&who_can(&ws, &a));
    assert_eq!(
        listed,
        vec![
            SubjectRef::group(SYSTEM_MASTERS),
            SubjectRef::service_account("a", "sa"),
            SubjectRef::user("system:serviceaccount:a:sa"),
        ]
    );
    assert_eq!(
        listed.iter().cloned().collect::<BTreeSet<_>>(),
        evaluator_says_yes(&ws, &a)
    );
}

/// A ServiceAccount whose name contains `:` has the user name `system:serviceaccount:NS:NAME`
/// all the same (upstream `MatchesUsername` compares the joined string), so the User of that
/// name is its twin and both are listed.
#[test]
fn a_service_account_name_with_a_colon_has_its_user_twin() {
    let role = role_object("", "r", vec![get_pods()]);
    let bind = |name: &str, subject: Subject, role: &str| {
        binding_object("", name, vec![subject], "ClusterRole", role)
    };
    let ws = workspace(
        &[role],
        &[
            bind(
                "b1",
                subject_of("User", "", "system:serviceaccount:a:x:y"),
                "r",
            ),
            bind("b2", subject_of("ServiceAccount", "a", "x:y"), "nothing"),
            bind("b3", subject_of("ServiceAccount", "a:x", "y"), "nothing"),
        ],
    );
    let a = Attributes {
        verb: "get".into(),
        resource_request: true,
        resource: "pods".into(),
        namespace: "a".into(),
        ..Attributes::default()
    };
    let listed = allowed_subjects(&who_can(&ws, &a));
    assert_eq!(
        listed,
        vec![
            SubjectRef::group(SYSTEM_MASTERS),
            SubjectRef::service_account("a", "x:y"),
            SubjectRef::service_account("a:x", "y"),
            SubjectRef::user("system:serviceaccount:a:x:y"),
        ]
    );
    assert_eq!(
        listed.iter().cloned().collect::<BTreeSet<_>>(),
        evaluator_says_yes(&ws, &a)
    );
}

/// A conjunctive subject's JSON names the group it needs; its identity carries exactly it.
#[test]
fn a_conjunctive_subject_is_the_user_with_its_group() {
    let s = SubjectRef::user_in_group("erin", "auditors");
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        r#"{"kind":"User","name":"erin","inGroup":"auditors"}"#
    );
    assert_eq!(
        s.identity(),
        ("erin".to_string(), vec!["auditors".to_string()])
    );
    assert_eq!(s.display(), "User erin + Group auditors");
}
