//! Every case of ../shared/conformance/public, through the library and through `kauthz eval`,
//! compared field by field. A mismatch is a bug in kauthz, never in the case.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use kauthz::abac::parse_policy_file;
use kauthz::chain::Mode;
use kauthz::engine::{EngineOptions, build_chain, outcome};
use kauthz::loader::load_texts;
use kauthz::request::Attributes;
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/public")
}

struct Case {
    dir: PathBuf,
    modes: Vec<String>,
    requests: Vec<String>,
    expected: Vec<Value>,
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("conformance corpus beside the project")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.json").exists())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 150,
        "expected the whole corpus, found {}",
        dirs.len()
    );
    dirs.into_iter()
        .map(|dir| {
            let case: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap())
                    .unwrap();
            let modes = case["modes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect();
            let lines = |f: &str| -> Vec<String> {
                std::fs::read_to_string(dir.join(f))
                    .unwrap()
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_string)
                    .collect()
            };
            let requests = lines("requests.jsonl");
            let expected = lines("expected.jsonl")
                .iter()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            Case {
                dir,
                modes,
                requests,
                expected,
            }
        })
        .collect()
}

fn policy_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("policies"))
        .map(|rd| rd.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    files.sort();
    files
}

fn compare(case: &Case, line: usize, got: &Value, failures: &mut Vec<String>) {
    let want = &case.expected[line];
    for (field, w) in want.as_object().unwrap() {
        let g = got.get(field).unwrap_or(&Value::Null);
        if g != w {
            failures.push(format!(
                "{} request {}: field `{field}`\n  request: {}\n  want: {w}\n  got:  {g}",
                case.dir.file_name().unwrap().to_string_lossy(),
                line + 1,
                case.requests[line]
            ));
        }
    }
}

#[test]
fn library_matches_every_case() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        let texts: Vec<(String, String)> = policy_files(&case.dir)
            .into_iter()
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        let loaded = load_texts(texts, false);
        assert!(
            loaded.problems.is_empty(),
            "{:?}: {:?}",
            case.dir,
            loaded.problems
        );
        let abac_path = case.dir.join("policies/abac.jsonl");
        let abac = abac_path.exists().then(|| {
            let (policy, problems) = parse_policy_file(
                &abac_path.display().to_string(),
                &std::fs::read_to_string(&abac_path).unwrap(),
            );
            assert!(problems.is_empty(), "{problems:?}");
            policy
        });
        let modes: Vec<Mode> = case.modes.iter().map(|m| m.parse().unwrap()).collect();
        let chain = build_chain(
            loaded,
            abac,
            &EngineOptions {
                builtin: false,
                modes,
            },
        );
        for (i, req) in case.requests.iter().enumerate() {
            let a: Attributes = serde_json::from_str(req).unwrap();
            let outcome = outcome(&chain, &a);
            let got = serde_json::to_value(&outcome).unwrap();
            compare(&case, i, &got, &mut failures);
            // eval's direct writer must produce exactly serde's bytes.
            let mut line = String::new();
            kauthz::response::write_eval_line(&mut line, &a, &chain.authorize(&a));
            assert_eq!(line, serde_json::to_string(&outcome).unwrap(), "{req}");
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} requests checked");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
}

#[test]
fn eval_command_matches_every_case() {
    let mut failures = Vec::new();
    for case in cases() {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kauthz"));
        cmd.arg("eval")
            .arg("--no-bootstrap")
            .arg("--authorization-mode")
            .arg(case.modes.join(","))
            .arg("--requests")
            .arg(case.dir.join("requests.jsonl"));
        for f in policy_files(&case.dir) {
            cmd.arg("-f").arg(f);
        }
        let abac = case.dir.join("policies/abac.jsonl");
        if abac.exists() {
            cmd.arg("--abac").arg(abac);
        }
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{:?}: {}",
            case.dir,
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), case.requests.len(), "{:?}", case.dir);
        for (i, got) in lines.iter().enumerate() {
            compare(&case, i, got, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
}
