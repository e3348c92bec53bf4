//! The binary as users run it: exit code, stdout and stderr together, snapshot-tested.
//! Snapshots live in the top-level `snapshots/` folder.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

mod common;
use common::cli::{snap, transcript as run};

const EX: &str = "policies/example";

#[test]
fn can_i_allowed() {
    snap!(
        "can_i_allowed",
        run(
            &[
                "can-i",
                "create",
                "deployments.apps",
                "-n",
                "payments-dev",
                "--as",
                "system:serviceaccount:ci:deployer",
                "-f",
                EX
            ],
            None
        )
    );
}

#[test]
fn can_i_denied_without_reason() {
    snap!(
        "can_i_denied",
        run(
            &[
                "can-i",
                "list",
                "configmaps",
                "-n",
                "payments-prod",
                "--as",
                "system:serviceaccount:payments-prod:payments-api",
                "-f",
                EX
            ],
            None
        )
    );
}

#[test]
fn can_i_denied_with_reason() {
    snap!(
        "can_i_denied_with_reason",
        run(
            &[
                "can-i",
                "create",
                "deploy",
                "-n",
                "search-prod",
                "--as",
                "bob@acme.io",
                "-f",
                EX
            ],
            None
        )
    );
}

#[test]
fn can_i_service_account_gets_its_groups() {
    snap!(
        "can_i_service_account_json",
        run(
            &[
                "can-i",
                "get",
                "pods",
                "--subresource",
                "log",
                "-n",
                "payments-dev",
                "--as",
                "system:serviceaccount:ci:deployer",
                "-f",
                EX,
                "-o",
                "json"
            ],
            None
        )
    );
}

#[test]
fn can_i_yaml_review() {
    snap!(
        "can_i_yaml",
        run(
            &[
                "can-i",
                "get",
                "secrets",
                "-n",
                "kube-system",
                "--as",
                "system:serviceaccount:payments-prod:payments-api",
                "-f",
                EX,
                "-o",
                "yaml"
            ],
            None
        )
    );
}

#[test]
fn can_i_non_resource_url() {
    snap!(
        "can_i_url",
        run(
            &[
                "can-i",
                "get",
                "/healthz/etcd",
                "--as",
                "carol@acme.io",
                "--as-group",
                "acme:sre-oncall",
                "-f",
                EX
            ],
            None
        )
    );
    snap!(
        "can_i_url_denied",
        run(
            &[
                "can-i",
                "post",
                "/healthz/etcd",
                "--as",
                "carol@acme.io",
                "-f",
                EX
            ],
            None
        )
    );
}

#[test]
fn can_i_unknown_type_and_cluster_scope_warnings() {
    snap!(
        "can_i_unknown_type",
        run(
            &[
                "can-i",
                "get",
                "foos.example.com",
                "--as",
                "alice@acme.io",
                "-f",
                EX
            ],
            None
        )
    );
    snap!(
        "can_i_cluster_scoped_with_namespace",
        run(
            &[
                "can-i",
                "get",
                "nodes",
                "-n",
                "payments-prod",
                "--as",
                "carol@acme.io",
                "--as-group",
                "acme:sre-oncall",
                "-f",
                EX
            ],
            None
        )
    );
}

#[test]
fn can_i_crd_short_name_and_quiet() {
    snap!(
        "can_i_crd_short_name",
        run(
            &[
                "can-i",
                "create",
                "bk",
                "-n",
                "payments-prod",
                "--as",
                "alice@acme.io",
                "-f",
                EX
            ],
            None
        )
    );
    snap!(
        "can_i_quiet",
        run(
            &[
                "can-i",
                "delete",
                "nodes",
                "--as",
                "alice@acme.io",
                "-q",
                "-f",
                EX
            ],
            None
        )
    );
}

#[test]
fn can_i_abac_then_rbac() {
    snap!(
        "can_i_abac",
        run(
            &[
                "can-i",
                "delete",
                "deployments.apps",
                "-n",
                "payments-prod",
                "--as",
                "legacy-ci",
                "--abac",
                "policies/example/acme.abac.jsonl",
                "-f",
                EX
            ],
            None
        )
    );
}

#[test]
fn usage_errors_exit_2() {
    snap!(
        "can_i_without_as",
        run(&["can-i", "get", "pods", "-f", EX], None)
    );
    snap!(
        "can_i_node_mode",
        run(
            &[
                "can-i",
                "get",
                "pods",
                "--as",
                "x",
                "--authorization-mode",
                "Node,RBAC"
            ],
            None
        )
    );
    snap!(
        "can_i_missing_file",
        run(
            &["can-i", "get", "pods", "--as", "x", "-f", "no/such/dir"],
            None
        )
    );
    snap!(
        "can_i_subresource_with_url",
        run(
            &["can-i", "get", "/logs", "--subresource", "x", "--as", "x"],
            None
        )
    );
}

#[test]
fn malformed_files_are_reported_and_the_rest_loads() {
    snap!(
        "can_i_bad_files",
        run(
            &[
                "can-i",
                "get",
                "pods",
                "-n",
                "dev",
                "--as",
                "jane",
                "-f",
                "tests/fixtures/bad"
            ],
            None
        )
    );
    snap!(
        "can_i_bad_files_strict",
        run(
            &[
                "can-i",
                "get",
                "pods",
                "-n",
                "dev",
                "--as",
                "jane",
                "--strict",
                "-f",
                "tests/fixtures/bad/syntax.yaml"
            ],
            None
        )
    );
}

#[test]
fn policy_from_stdin() {
    let policy = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: jane-view}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: [{kind: User, name: jane}]\n";
    snap!(
        "can_i_stdin",
        run(
            &["can-i", "list", "pods", "-A", "--as", "jane", "-f", "-"],
            Some(policy)
        )
    );
}

#[test]
fn eval_answers_each_line_and_reports_bad_lines() {
    let requests = concat!(
        r#"{"user":"jane","groups":["system:authenticated"],"verb":"get","resourceRequest":false,"path":"/version"}"#,
        "\n",
        "not json\n",
        r#"{"user":"dave@acme.io","groups":["system:authenticated"],"verb":"delete","resourceRequest":true,"apiGroup":"","resource":"nodes","subresource":"","namespace":"","name":"n1","path":""}"#,
        "\n",
        r#"{"user":"x<y","groups":[],"verb":"get","resourceRequest":true,"apiGroup":"","resource":"secrets","namespace":"payments-prod","name":"db"}"#,
        "\n",
    );
    snap!("eval_lines", run(&["eval", "-f", EX], Some(requests)));
}

/// `--timings` adds one line on stderr and changes nothing on stdout (its figures vary, so
/// the line's shape is checked, not snapshotted).
#[test]
fn eval_timings_report_on_stderr_only() {
    let requests = concat!(
        r#"{"user":"jane","groups":[],"verb":"get","resourceRequest":false,"path":"/version"}"#,
        "\n\n",
        r#"{"user":"bob","groups":[],"verb":"list","resourceRequest":true,"resource":"pods","namespace":"ci"}"#,
        "\n",
    );
    let (code, plain, quiet) = common::cli::exec(&["eval", "-f", EX], Some(requests));
    let (timed_code, timed, report) =
        common::cli::exec(&["eval", "--timings", "-f", EX], Some(requests));
    assert_eq!((code, timed_code), (0, 0));
    assert_eq!(plain, timed);
    assert_eq!(quiet, "");
    let report = report.trim_end();
    assert!(!report.contains('\n'), "{report}");
    let rest = report
        .strip_prefix("kauthz eval: loaded and indexed ")
        .unwrap_or_else(|| panic!("{report}"));
    let (objects, rest) = rest.split_once(" RBAC objects in ").unwrap();
    assert!(objects.parse::<usize>().unwrap() > 100, "{report}");
    assert!(rest.contains(" ms; answered 2 requests in "), "{report}");
    assert!(rest.ends_with(" per second)"), "{report}");
}

#[test]
fn list_dumps_in_json_load_and_exclude_skips_paths() {
    // The RoleBinding's ServiceAccount subject has no namespace: it takes the binding's.
    snap!(
        "can_i_list_json",
        run(
            &[
                "can-i",
                "get",
                "pods",
                "--subresource",
                "log",
                "-n",
                "dev",
                "--as",
                "system:serviceaccount:dev:ci",
                "-f",
                "tests/fixtures/list"
            ],
            None
        )
    );
    snap!(
        "can_i_exclude",
        run(
            &[
                "can-i",
                "delete",
                "nodes",
                "--as",
                "jane",
                "-f",
                "tests/fixtures/list",
                "--exclude",
                "excluded"
            ],
            None
        )
    );
    snap!(
        "can_i_bad_glob",
        run(
            &[
                "can-i",
                "get",
                "pods",
                "--as",
                "jane",
                "--exclude",
                "a[",
                "-f",
                "tests/fixtures/list"
            ],
            None
        )
    );
}

#[test]
fn bad_abac_lines_are_reported_and_good_lines_still_decide() {
    snap!(
        "can_i_bad_abac",
        run(
            &[
                "can-i",
                "delete",
                "pods",
                "-n",
                "dev",
                "--as",
                "alice",
                "--no-bootstrap",
                "--abac",
                "tests/fixtures/bad/bad.abac.jsonl"
            ],
            None
        )
    );
}

#[test]
fn top_level_help_lists_every_command() {
    let out = run(&["--help"], None);
    for command in [
        "can-i",
        "explain",
        "who-can",
        "where-can",
        "matrix",
        "graph",
        "diff",
        "test",
        "lint",
        "rules",
        "eval",
    ] {
        assert!(
            out.contains(&format!("\n  {command} ")),
            "{command} missing from --help"
        );
    }
    snap!("help", out);
}
