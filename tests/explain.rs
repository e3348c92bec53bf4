//! `kauthz explain` and `kauthz can-i --list`: snapshots of every output (each near-miss kind,
//! each `--message` shape), and properties: a Forbidden message parses back into its request,
//! and every proposed fix turns a denial into an allow while granting nothing else.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use kauthz::chain::{Chain, Mode};
use kauthz::discovery::Discovery;
use kauthz::engine::Workspace;
use kauthz::explain::fix::{evaluate_with, fix_objects, fix_rule, fix_subject};
use kauthz::explain::message::parse_forbidden_message;
use kauthz::explain::{NearMissKind, explain};
use kauthz::model::{BindingObject, PolicyRule, RoleObject};
use kauthz::policy::PolicyBuilder;
use kauthz::rbac::authorizer::RbacAuthorizer;
use kauthz::request::Attributes;
use kauthz::response::forbidden_message;
use proptest::prelude::*;

mod common;
use common::cli::{exec, shown, snap};

/// Runs kauthz; returns the snapshot form and stdout alone.
fn run_args(args: &[String], stdin: Option<&str>) -> (String, String) {
    let (code, stdout, stderr) = exec(args, stdin);
    (shown(args, code, &stdout, &stderr), stdout)
}

/// `cmd` split at spaces, on the example policy.
fn ex(cmd: &str) -> Vec<String> {
    let mut v: Vec<String> = cmd.split_whitespace().map(String::from).collect();
    v.extend(["-f", "policies/example", "--exclude", "tests.yaml"].map(String::from));
    v
}

fn run(cmd: &str) -> String {
    run_args(&ex(cmd), None).0
}

/// `explain --message MSG` plus `extra` on the example policy.
fn run_message(msg: &str, extra: &str) -> (String, String) {
    let mut v = vec![
        "explain".to_string(),
        "--message".to_string(),
        msg.to_string(),
    ];
    v.extend(ex(extra));
    run_args(&v, None)
}

use common::*;

// --- The four deliberate mistakes of policies/example, each a near miss.

#[test]
fn mistake_1_dangling_role_ref_is_a_missing_role_near_miss() {
    let out = run("explain create deploy -n search-prod --as bob@acme.io");
    assert!(out.contains(
        "[missing role] RoleBinding search-prod/search-deployer names Role `search-deployr`"
    ));
    assert!(out.contains("exit: 1"));
    snap!("explain_missing_role", out);
}

#[test]
fn mistake_2_pods_star_is_not_a_wildcard() {
    let out = run(
        "explain create pods --subresource exec -n payments-prod --as erin@acme.io --as-group acme:payments-devs",
    );
    assert!(out.contains("[not a wildcard] rule 1 lists `pods/*`"));
    snap!("explain_pods_star", out);
}

#[test]
fn mistake_3_resource_names_never_match_a_list() {
    let out = run(
        "explain list configmaps -n payments-prod --as system:serviceaccount:payments-prod:payments-api",
    );
    assert!(out.contains("[resourceNames without a name]"));
    assert!(out.contains("- kind: ServiceAccount"));
    snap!("explain_resource_names_list", out);
}

#[test]
fn mistake_4_secrets_through_a_cluster_role_binding() {
    // Denied: the cluster-wide grant lacks only the verb.
    let out = run(
        "explain list secrets -n payments-prod --as system:serviceaccount:payments-prod:payments-api",
    );
    assert!(out.contains("[only the verb] rule 1 lacks only the verb `list`, in ClusterRole acme:secret-reader (through ClusterRoleBinding payments-api-secrets)"));
    snap!("explain_secrets_verb", out);
    // Allowed, in kube-system, and flagged as cluster-wide.
    let out = run(
        "explain get secrets -n kube-system --as system:serviceaccount:payments-prod:payments-api",
    );
    assert!(out.contains("a ClusterRoleBinding grants this in every namespace"));
    assert!(out.contains("exit: 0"));
    snap!("explain_secrets_allowed_cluster_wide", out);
    // Another service account: the grant is to a subject it is not.
    let out = run(
        "explain get secrets -n payments-prod --as system:serviceaccount:search-prod:search-api",
    );
    assert!(out.contains("[other subject] ClusterRoleBinding payments-api-secrets grants `get secrets` to ServiceAccount payments-prod/payments-api"));
    snap!("explain_secrets_other_subject", out);
}

// --- The other near-miss kinds.

#[test]
fn near_miss_kinds() {
    let out = run("explain create deployments.apps -n payments-dev --as alice@acme.io");
    assert!(out.contains("[other namespace] RoleBinding payments-prod/payments-lead-edit grants it in namespace `payments-prod`, not in `payments-dev`"));
    snap!("explain_other_namespace", out);

    let out = run("explain list pods -A --as alice@acme.io");
    assert!(out.contains("[other namespace] RoleBinding payments-prod/payments-lead-edit grants it, but only inside namespace `payments-prod`; a cluster-scoped request needs a ClusterRoleBinding"));
    assert!(out.contains("kind: ClusterRoleBinding"));
    snap!("explain_all_namespaces", out);

    let out = run("explain get nodes --as erin@acme.io -n payments-dev");
    assert!(
        out.contains(
            "[other subject] ClusterRoleBinding engineers-readonly-plus grants `get nodes`"
        )
    );
    snap!("explain_cluster_scoped", out);

    let out = run(
        "explain get pods --subresource status -n payments-dev --as system:serviceaccount:ci:deployer",
    );
    assert!(out.contains(
        "[only the subresource] rule 2 covers `pods` but not the subresource `pods/status`"
    ));
    snap!("explain_subresource", out);

    let out = run(
        "explain delete deployments.apps -n payments-dev --as system:serviceaccount:ci:deployer",
    );
    assert!(out.contains("[only the verb] rule 1 lacks only the verb `delete`"));
    snap!("explain_verb", out);

    let out = run(
        "explain get configmaps/search-config -n payments-prod --as system:serviceaccount:payments-prod:payments-api",
    );
    assert!(out.contains("[another name]"));
    snap!("explain_resource_name", out);

    let out = run("explain get /metrics/x --as carol@acme.io --as-group acme:sre-oncall");
    assert!(out.contains("[only the URL]"));
    assert!(out.contains("kind: ClusterRole\n"));
    snap!("explain_url", out);

    // deployments in extensions: the RESTMapper no longer knows it, so ask by message.
    let (out, _) = run_message(
        "Error from server (Forbidden): deployments.extensions is forbidden: User \"system:serviceaccount:ci:deployer\" cannot create resource \"deployments\" in API group \"extensions\" in the namespace \"payments-dev\"",
        "",
    );
    assert!(out.contains("[only the API group] rule 1 lacks only the API group `extensions`"));
    snap!("explain_api_group", out);
}

#[test]
fn a_binding_to_a_role_nobody_wrote_is_a_missing_role_without_candidate() {
    let policy = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: jane-ops, namespace: dev}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: operations}\nsubjects: [{kind: User, name: jane}]\n";
    let args: Vec<String> = "explain get pods -n dev --as jane -f - --no-bootstrap"
        .split_whitespace()
        .map(String::from)
        .collect();
    let out = run_args(&args, Some(policy)).0;
    assert!(out.contains(
        "[missing role] RoleBinding dev/jane-ops names Role `operations`, which does not exist"
    ));
    snap!("explain_missing_role_no_candidate", out);
}

#[test]
fn abac_lines_closest_to_allowing() {
    let out = run(
        "explain delete deployments.apps -n payments-prod --as legacy-ci --abac policies/example/acme.abac.jsonl",
    );
    assert!(out.contains("ABAC lines closest to allowing it"));
    snap!("explain_abac", out);
    let out = run(
        "explain get pods --subresource log -n payments-prod --as legacy-monitor --abac policies/example/acme.abac.jsonl",
    );
    assert!(out.contains("ALLOWED"));
    snap!("explain_abac_allowed", out);
}

#[test]
fn allowed_names_the_grant_and_every_other() {
    let out = run(
        "explain get pods -n payments-prod --as carol@acme.io --as-group acme:sre-oncall --as-group acme:payments-devs",
    );
    assert!(out.contains("Allowed by") && out.contains("Also allowed by"));
    snap!("explain_allowed", out);
    let out = run("explain get pods -n payments-prod --as root --as-group system:masters");
    assert!(out.contains("the group system:masters"));
    snap!("explain_masters", out);
}

#[test]
fn json_output() {
    let out = run("explain create deploy -n search-prod --as bob@acme.io -o json");
    let body = out
        .split("--- stdout\n")
        .nth(1)
        .unwrap()
        .split("--- stderr")
        .next()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["allowed"], false);
    assert_eq!(v["near_misses"][0]["kind"], "missing_role_with_candidate");
    assert!(
        v["fix"]["yaml"]
            .as_str()
            .unwrap()
            .contains("kind: RoleBinding")
    );
    snap!("explain_json", out);
}

// --- `--message` shapes: each explains exactly what the arguments would.

#[test]
fn message_variants_explain_the_same_request_as_the_arguments() {
    let cases = [
        (
            "deployments.apps is forbidden: User \"bob@acme.io\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"search-prod\": RBAC: role.rbac.authorization.k8s.io \"search-deployr\" not found",
            "explain create deployments.apps -n search-prod --as bob@acme.io",
        ),
        (
            "Error from server (Forbidden): deployments.apps is forbidden: User \"bob@acme.io\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"search-prod\"",
            "explain create deployments.apps -n search-prod --as bob@acme.io",
        ),
        (
            "configmaps is forbidden: User \"system:serviceaccount:payments-prod:payments-api\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"payments-prod\"",
            "explain list configmaps -n payments-prod --as system:serviceaccount:payments-prod:payments-api",
        ),
        (
            "pods \"web-1\" is forbidden: User \"erin@acme.io\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"search-prod\"",
            "explain get pods/web-1 --subresource log -n search-prod --as erin@acme.io",
        ),
        (
            "nodes is forbidden: User \"erin@acme.io\" cannot get resource \"nodes\" in API group \"\" at the cluster scope",
            "explain get nodes --as erin@acme.io",
        ),
        (
            "forbidden: User \"system:anonymous\" cannot get path \"/healthz/etcd\"",
            "explain get /healthz/etcd --as system:anonymous",
        ),
    ];
    for (i, (msg, cmd)) in cases.iter().enumerate() {
        let (shown, from_message) = run_message(msg, "");
        let (_, from_args) = run_args(&ex(cmd), None);
        assert_eq!(from_message, from_args, "case {i}: {msg}");
        if i == 0 || i == 3 || i == 5 {
            insta::with_settings!({
                snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
                prepend_module_to_snapshot => true,
                omit_expression => true,
                snapshot_suffix => i.to_string(),
            }, {
                insta::assert_snapshot!("explain_message", shown);
            });
        }
    }
    // `--as-group` adds groups to the message's user.
    let (out, _) = run_message(
        "pods is forbidden: User \"carol@acme.io\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"search-prod\"",
        "--as-group acme:sre-oncall",
    );
    assert!(out.contains("ALLOWED"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let (out, _) = run_message("pods is forbidden: nonsense", "");
    assert!(out.contains("exit: 2"));
    snap!("explain_bad_message", out);
    let (out, _) = run_message(
        "pods is forbidden: User \"a\" cannot get resource \"pods\" in API group \"\" in the namespace \"x\"",
        "-n dev",
    );
    assert!(out.contains("exit: 2"));
    snap!("explain_message_with_arguments", out);
    let (out, _) = run_message(
        "pods is forbidden: User \"a\" cannot get resource \"pods\" in API group \"\" in the namespace \"x\"",
        "--as b",
    );
    assert!(out.contains("exit: 2"));
    snap!("explain_without_request", run("explain --as jane"));
    snap!("explain_without_as", run("explain get pods"));
}

// --- can-i --list

#[test]
fn can_i_list() {
    let out = run("can-i --list -n payments-prod --as erin@acme.io --as-group acme:payments-devs");
    assert!(out.starts_with("$ kauthz can-i --list"));
    assert!(out.contains("Resources                                        Non-Resource URLs   Resource Names   Verbs\n"));
    snap!("can_i_list_table", out);
    snap!(
        "can_i_list_no_headers",
        run(
            "can-i --list --no-headers -n payments-prod --as system:serviceaccount:payments-prod:payments-api"
        )
    );
    snap!(
        "can_i_list_show_source",
        run(
            "can-i --list --show-source -n payments-prod --as system:serviceaccount:payments-prod:payments-api"
        )
    );
    snap!(
        "can_i_list_json",
        run("can-i --list -o json -n search-prod --as bob@acme.io")
    );
    snap!(
        "can_i_list_yaml",
        run(
            "can-i --list -o yaml -n payments-prod --as system:serviceaccount:payments-prod:payments-api"
        )
    );
    snap!(
        "can_i_list_abac",
        run("can-i --list -n payments-dev --as legacy-ci --abac policies/example/acme.abac.jsonl")
    );
}

#[test]
fn can_i_list_usage_errors() {
    for (name, cmd) in [
        ("with_arguments", "can-i --list get pods --as a"),
        ("with_all_namespaces", "can-i --list -A --as a"),
        ("no_headers_alone", "can-i get pods --no-headers --as a"),
    ] {
        let out = run(cmd);
        assert!(out.contains("exit: 2"), "{name}: {out}");
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => true,
            omit_expression => true,
            snapshot_suffix => name,
        }, {
            insta::assert_snapshot!("can_i_list_usage", out);
        });
    }
}

// --- Properties.

fn quoted_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('a'),
            Just('Z'),
            Just('0'),
            Just(':'),
            Just('-'),
            Just('.'),
            Just('/'),
            Just(' '),
            Just('"'),
            Just('\\'),
            Just('&'),
            Just('<'),
            Just('>'),
            Just('\n'),
            Just('\u{7f}'),
            Just('é'),
            Just('\u{200b}'),
            Just('💥'),
        ],
        0..12,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn token() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9.-]{0,10}"
}

fn any_request() -> impl Strategy<Value = Attributes> {
    (
        quoted_text().prop_filter("a user", |u| !u.is_empty()),
        prop_oneof![token(), Just("get".to_string()), Just("a&b<c>".to_string())],
        prop::bool::ANY,
        prop_oneof![Just(String::new()), token()],
        token(),
        prop_oneof![Just(String::new()), token()],
        prop_oneof![Just(String::new()), quoted_text()],
        prop_oneof![Just(String::new()), quoted_text()],
        quoted_text(),
    )
        .prop_map(
            |(user, verb, resource_request, group, resource, sub, ns, name, path)| {
                if resource_request {
                    Attributes {
                        user,
                        verb,
                        resource_request,
                        api_group: group,
                        resource,
                        subresource: sub,
                        namespace: ns,
                        name,
                        ..Attributes::default()
                    }
                } else {
                    Attributes {
                        user,
                        verb,
                        path,
                        ..Attributes::default()
                    }
                }
            },
        )
}

// Policy generators as in tests/properties.rs, plus non-resource rules.
fn rule() -> impl Strategy<Value = PolicyRule> {
    prop_oneof![
        4 => resource_rule(VERBS),
        1 => url_rule(VERBS, &["/healthz", "/healthz/*", "/api*", "*"]),
    ]
}

fn role() -> impl Strategy<Value = RoleObject> {
    common::role(rule())
}

fn binding() -> impl Strategy<Value = BindingObject> {
    common::binding(subject(USERS, GROUPS, false))
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
        prop::option::weighted(0.2, pick(&["/healthz", "/healthz/x", "/apis"])),
    )
        .prop_map(
            |(user, groups, verb, api_group, resource, subresource, namespace, name, path)| {
                match path {
                    Some(path) => Attributes {
                        user,
                        groups,
                        verb,
                        path,
                        ..Attributes::default()
                    },
                    None => Attributes {
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
                }
            },
        )
}

fn workspace(roles: &[RoleObject], bindings: &[BindingObject]) -> Workspace {
    let mut b = PolicyBuilder::new();
    roles.iter().cloned().for_each(|r| b.add_role(r));
    bindings.iter().cloned().for_each(|x| b.add_binding(x));
    Workspace {
        chain: Chain::new(vec![Mode::Rbac], RbacAuthorizer::new(b.build()), None),
        sources: Vec::new(),
        discovery: Discovery::builtin(),
        input_errors: 0,
    }
}

/// Whether the fix for `a` may allow `b`: the same user, verb, group, resource and
/// subresource, in `a`'s namespace (any, for a fix without one) and with `a`'s name (any name
/// when `a` has none).
fn within_fix(a: &Attributes, b: &Attributes) -> bool {
    b.user == a.user
        && b.verb == a.verb
        && b.resource_request == a.resource_request
        && if a.resource_request {
            b.api_group == a.api_group
                && b.resource == a.resource
                && b.subresource == a.subresource
                && (a.namespace.is_empty() || b.namespace == a.namespace)
                && (a.name.is_empty() || b.name == a.name)
        } else {
            b.path == a.path
        }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_forbidden_message_parses_back_into_its_request(a in any_request(), reason in prop_oneof![Just(String::new()), quoted_text()]) {
        // Trailing whitespace of a pasted message is dropped, so reasons here end in text.
        let reason = if reason.is_empty() { reason } else { format!("RBAC: {reason}.") };
        let msg = forbidden_message(&a, &reason);
        let parsed = parse_forbidden_message(&msg).unwrap();
        prop_assert_eq!(&parsed.request, &a, "{}", msg);
        prop_assert_eq!(&parsed.reason, &reason);
        let pasted = format!("Error from server (Forbidden): {msg}\n");
        prop_assert_eq!(parse_forbidden_message(&pasted).unwrap().request, a);
    }

    #[test]
    fn every_fix_turns_the_denial_into_an_allow_and_grants_nothing_else(
        roles in prop::collection::vec(role(), 0..8),
        bindings in prop::collection::vec(binding(), 0..10),
        requests in prop::collection::vec(request(), 1..12),
        others in prop::collection::vec(request(), 20..40),
    ) {
        let ws = workspace(&roles, &bindings);
        for a in &requests {
            let e = explain(&ws, a);
            prop_assert_eq!(e.allowed, ws.chain.authorize(a).is_allowed());
            if e.allowed {
                prop_assert!(e.fix.is_none());
                prop_assert!(!e.allowed_by.is_empty());
                continue;
            }
            let fix = e.fix.clone().expect("a denied RBAC request always gets a fix");
            // The fix objects: one rule for exactly this request, one subject: this user.
            let policy = ws.chain.rbac().policy();
            let (role, binding) = fix_objects(a, policy);
            prop_assert_eq!(&role.rules, &vec![fix_rule(a)]);
            prop_assert_eq!(&binding.subjects, &vec![fix_subject(&a.user)]);
            prop_assert_eq!(&fix.name, &role.meta.name);
            // Re-evaluated over the whole policy plus the fix: allowed, with the same answer
            // as explain's smaller second policy set.
            let mut full = PolicyBuilder::new();
            roles.iter().cloned().for_each(|r| full.add_role(r));
            bindings.iter().cloned().for_each(|x| full.add_binding(x));
            full.add_role(role.clone());
            full.add_binding(binding.clone());
            let full = RbacAuthorizer::new(full.build());
            let verdict = full.authorize(a);
            prop_assert!(verdict.is_allowed(), "fix does not allow {:?}", a);
            let applicable = ws.chain.rbac().applicable_bindings(a, true, &a.namespace);
            prop_assert_eq!(&evaluate_with(&ws, a, &applicable, (&role, &binding)), &verdict);
            prop_assert_eq!(&fix.verdict_reason, &verdict.reason);
            // Alone, the fix grants nothing but this request.
            let mut only = PolicyBuilder::new();
            only.add_role(role.clone());
            only.add_binding(binding.clone());
            let only = RbacAuthorizer::new(only.build());
            prop_assert!(only.authorize(a).is_allowed());
            for b in others.iter().chain(&requests) {
                let mut b = b.clone();
                // Ask as the fix's user too, so the check is not vacuous.
                for user in [b.user.clone(), a.user.clone()] {
                    b.user = user;
                    if only.authorize(&b).is_allowed() {
                        prop_assert!(within_fix(a, &b), "fix for {:?} also allows {:?}", a, b);
                    }
                }
            }
        }
    }
}

/// The property above must be able to fail: a broader rule would be caught.
#[test]
fn within_fix_rejects_a_broader_grant() {
    let a = Attributes {
        user: "u1".into(),
        verb: "get".into(),
        resource_request: true,
        resource: "pods".into(),
        namespace: "a".into(),
        name: "x".into(),
        ..Attributes::default()
    };
    let mut b = a.clone();
    b.name = "y".into();
    assert!(!within_fix(&a, &b));
    b.name = "x".into();
    b.namespace = "b".into();
    assert!(!within_fix(&a, &b));
    let ws = workspace(&[], &[]);
    let e = explain(&ws, &a);
    assert!(!e.allowed);
    assert_eq!(e.fix.unwrap().rule.resource_names, vec!["x".to_string()]);
    assert!(e.near_misses.iter().all(|m| m.kind != NearMissKind::Verb));
}
