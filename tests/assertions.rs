//! `kauthz test` as users run it, snapshot-tested: the example policy's own assertions (which
//! must pass: this is the README's promise), failing assertions, and malformed files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

mod common;
use common::cli::{snap, transcript as run};

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
