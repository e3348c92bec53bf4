//! `kauthz diff` as users run it: exit code, stdout and stderr, snapshot-tested against the
//! example policy and `tests/fixtures/diff/head` (the example with a renamed role, reordered
//! rules and a split file, which must not show, plus four real changes, which must).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use std::process::Command;

mod common;
use common::cli::{snap, transcript as run};

const EX: &str = "policies/example";
const HEAD: &str = "tests/fixtures/diff/head";

#[test]
fn diff_human() {
    snap!("diff_human", run(&["diff", EX, HEAD], None));
}

#[test]
fn diff_json() {
    snap!("diff_json", run(&["diff", EX, HEAD, "-o", "json"], None));
}

#[test]
fn diff_github() {
    snap!(
        "diff_github",
        run(&["diff", EX, HEAD, "--format", "github"], None)
    );
}

#[test]
fn diff_sarif() {
    snap!(
        "diff_sarif",
        run(&["diff", EX, HEAD, "--format", "sarif"], None)
    );
}

#[test]
fn diff_reverse_and_fail_on() {
    snap!(
        "diff_reverse_fail_on_risky",
        run(&["diff", HEAD, EX, "--fail-on", "risky"], None)
    );
}

#[test]
fn diff_of_the_same_policy_is_empty_and_passes_any() {
    snap!(
        "diff_same",
        run(&["diff", EX, EX, "--fail-on", "any"], None)
    );
}

#[test]
fn diff_exit_codes() {
    let code = |args: &[&str]| {
        let out = run(args, None);
        out.lines().nth(1).unwrap().to_string()
    };
    assert_eq!(code(&["diff", EX, HEAD, "--fail-on", "risky"]), "exit: 1");
    assert_eq!(code(&["diff", EX, HEAD, "--fail-on", "any"]), "exit: 1");
    assert_eq!(code(&["diff", EX, HEAD]), "exit: 0");
    assert_eq!(code(&["diff", EX, "no/such/dir"]), "exit: 2");
    assert_eq!(code(&["diff", EX]), "exit: 2");
}

#[test]
fn diff_usage_errors() {
    snap!("diff_one_path", run(&["diff", EX], None));
}

/// `--git REV` reads the same paths at a revision: a scratch repository with one commit and
/// a change in the working tree.
#[test]
fn diff_against_a_git_revision() {
    let dir = std::env::temp_dir().join(format!("kauthz-diff-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rbac")).unwrap();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .current_dir(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    let binding = |ns: &str| {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: reader}}\nrules:\n- {{apiGroups: [\"\"], resources: [pods, pods/log], verbs: [get, list]}}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: readers, namespace: {ns}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}}\nsubjects:\n- {{kind: Group, name: readers}}\n"
        )
    };
    std::fs::write(dir.join("rbac/readers.yaml"), binding("staging")).unwrap();
    std::fs::write(dir.join("rbac/notes.txt"), "not policy").unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "base"]);
    std::fs::write(dir.join("rbac/readers.yaml"), binding("prod")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kauthz"))
        .current_dir(&dir)
        .args(["diff", "--git", "HEAD", "rbac", "--no-bootstrap"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    snap!("diff_git", text);
}
