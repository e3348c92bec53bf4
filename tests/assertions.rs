//! `kauthz test` as users run it, snapshot-tested: the example policy's own assertions (which
//! must pass: this is the README's promise), failing assertions, and malformed files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs kauthz in the crate root (so paths in output are relative and stable).
fn run(args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kauthz"));
    cmd.current_dir(root()).args(args).env("NO_COLOR", "1");
    let out = if let Some(input) = stdin {
        use std::io::Write;
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    } else {
        cmd.output().unwrap()
    };
    format!(
        "$ kauthz {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

macro_rules! snap {
    ($name:literal, $value:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => true,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

const EX: &str = "policies/example";
const FAILING: &str = "tests/fixtures/assertions/failing.yaml";

/// The example's assertion file holds, found automatically inside `-f`.
#[test]
fn example_assertions_pass() {
    let out = run(&["test", "-f", EX], None);
    assert!(out.contains("\nexit: 0\n"), "{out}");
    snap!("test_example", out);
}

#[test]
fn example_assertions_named_explicitly_junit() {
    snap!(
        "test_example_junit",
        run(
            &[
                "test",
                "policies/example/tests.yaml",
                "-f",
                EX,
                "--format",
                "junit"
            ],
            None
        )
    );
}

#[test]
fn failing_assertions_human() {
    snap!("test_failing", run(&["test", FAILING, "-f", EX], None));
}

#[test]
fn failing_assertions_junit() {
    snap!(
        "test_failing_junit",
        run(&["test", FAILING, "-f", EX, "--format", "junit"], None)
    );
}

#[test]
fn failing_assertions_json() {
    snap!(
        "test_failing_json",
        run(&["test", FAILING, "-f", EX, "--format", "json"], None)
    );
}

#[test]
fn malformed_assertion_files() {
    snap!(
        "test_bad_files",
        run(
            &[
                "test",
                "tests/fixtures/assertions/bad.yaml",
                "tests/fixtures/assertions/syntax.yaml",
                "-f",
                EX
            ],
            None
        )
    );
}

#[test]
fn no_assertion_files() {
    snap!(
        "test_no_files",
        run(&["test", "-f", "policies/example/ci.yaml"], None)
    );
}
