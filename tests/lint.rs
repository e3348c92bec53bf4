//! `kauthz lint` and `kauthz rules` as users run them: every rule on its bad and good fixture,
//! the registry's completeness, the example policy, the real-world corpus, the output formats
//! (SARIF validated against the 2.1.0 schema), `.kauthz.yaml` and the ignore annotation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use std::collections::BTreeSet;
use std::process::Command;

use kauthz::lint::rules::registry;

mod common;
use common::cli::{root, snap, transcript};

fn exec(args: &[&str]) -> (i32, String, String) {
    common::cli::exec(args, None)
}

fn run(args: &[&str]) -> String {
    transcript(args, None)
}

fn fixture(id: &str, kind: &str) -> Option<String> {
    ["yaml", "jsonl"]
        .iter()
        .map(|ext| format!("tests/fixtures/lint/{id}/{kind}.{ext}"))
        .find(|p| root().join(p).is_file())
}

/// The arguments that lint a fixture (ABAC fixtures go to `--abac`).
fn fixture_args<'a>(path: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["lint", "--no-config"];
    if path.ends_with(".jsonl") {
        args.extend(["--abac", path]);
    } else {
        args.push(path);
    }
    args.extend(extra);
    args
}

fn rules_found(path: &str) -> BTreeSet<String> {
    let (code, stdout, stderr) = exec(&fixture_args(
        path,
        &["--format", "json", "--fail-on", "never"],
    ));
    assert_eq!(code, 0, "{path}: {stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn registry_ids_are_unique_and_every_rule_has_docs_fixtures_and_a_snapshot() {
    let mut seen = BTreeSet::new();
    for rule in registry() {
        let info = rule.info();
        assert!(seen.insert(info.id), "duplicate rule id {}", info.id);
        assert!(
            info.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: ids are kebab-case",
            info.id
        );
        let docs = info.documentation();
        for heading in [
            "## What it finds",
            "## Why it matters",
            "## Example",
            "## Instead",
        ] {
            assert!(docs.contains(heading), "{}: docs lack `{heading}`", info.id);
        }
        assert!(!info.summary.is_empty(), "{}: no summary", info.id);
        for kind in ["bad", "good"] {
            assert!(
                fixture(info.id, kind).is_some(),
                "{}: no {kind} fixture",
                info.id
            );
        }
        let snapshot = root().join(format!("snapshots/lint__rule_{}.snap", info.id));
        assert!(snapshot.is_file(), "{}: no snapshot", info.id);
    }
    // Every fixture folder belongs to a rule.
    for entry in std::fs::read_dir(root().join("tests/fixtures/lint")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            seen.contains(name.as_str()),
            "fixture folder {name} has no rule"
        );
    }
}

#[test]
fn every_rule_fires_on_its_bad_fixture_and_not_on_its_good_one() {
    for rule in registry() {
        let id = rule.info().id;
        let bad = fixture(id, "bad").unwrap();
        let good = fixture(id, "good").unwrap();
        assert!(rules_found(&bad).contains(id), "{id} misses {bad}");
        assert!(!rules_found(&good).contains(id), "{id} fires on {good}");
        snap!(
            format!("rule_{id}"),
            run(&fixture_args(&bad, &["--select", id]))
        );
    }
}

#[test]
fn security_findings_for_rule_matches_the_security_fixtures() {
    use kauthz::lint::security_findings_for_rule;
    use kauthz::model::PolicyRule;
    let r = |verbs: &[&str], groups: &[&str], resources: &[&str]| PolicyRule {
        verbs: verbs.iter().map(|s| (*s).into()).collect(),
        api_groups: groups.iter().map(|s| (*s).into()).collect(),
        resources: resources.iter().map(|s| (*s).into()).collect(),
        ..PolicyRule::default()
    };
    assert_eq!(
        security_findings_for_rule(&r(&["get"], &[""], &["configmaps"]), true),
        Vec::<&str>::new()
    );
    assert_eq!(
        security_findings_for_rule(&r(&["create"], &[""], &["pods/exec"]), false),
        vec!["pod-exec-attach-portforward"]
    );
    assert_eq!(
        security_findings_for_rule(&r(&["create"], &[""], &["persistentvolumes"]), false),
        Vec::<&str>::new()
    );
    assert_eq!(
        security_findings_for_rule(&r(&["create"], &[""], &["persistentvolumes"]), true),
        vec!["persistentvolume-create"]
    );
}

const EX: &[&str] = &["policies/example", "--exclude", "tests.yaml", "--no-config"];

fn example(extra: &[&str]) -> String {
    let mut args = vec!["lint"];
    args.extend(EX);
    args.extend(extra);
    run(&args)
}

#[test]
fn example_policy_human() {
    snap!(
        "example_human",
        example(&["--abac", "policies/example/acme.abac.jsonl"])
    );
}

#[test]
fn example_policy_finds_the_four_deliberate_mistakes() {
    let mut args = vec!["lint"];
    args.extend(EX);
    args.extend(["--format", "json"]);
    let (code, stdout, _) = exec(&args);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let found: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |rule: &str, text: &str| found.iter().any(|(r, m)| r == rule && m.contains(text));
    assert!(has("dangling-role-ref", "search-deployr"));
    assert!(has("subresource-wildcard-is-literal", "pods/*"));
    assert!(has("resource-names-with-collection-verb", "`list`"));
    assert!(has("secrets-read", "every namespace"));
}

#[test]
fn example_policy_formats() {
    snap!("example_json", example(&["--format", "json"]));
    snap!("example_github", example(&["--format", "github"]));
    snap!("example_junit", example(&["--format", "junit"]));
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    // The official schema's `run.language` pattern has a bare `]`, a literal in ECMAScript
    // regexes but rejected by the validator's regex engine: escape it (same meaning).
    fn escape_bare_bracket(v: &mut serde_json::Value, count: &mut usize) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "pattern" && x == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                        *x = serde_json::json!("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$");
                        *count += 1;
                    } else {
                        escape_bare_bracket(x, count);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| escape_bare_bracket(x, count)),
            _ => {}
        }
    }
    let mut count = 0;
    escape_bare_bracket(&mut schema, &mut count);
    assert!(
        count > 0,
        "the vendored schema changed: review this workaround"
    );
    let validator = jsonschema::draft7::new(&schema).unwrap();
    for extra in [
        &["policies/example", "--exclude", "tests.yaml"][..],
        &["../shared/corpus/real"][..],
        &["tests/fixtures/lint/dangling-role-ref/good.yaml"][..],
    ] {
        let mut args = vec!["lint", "--no-config", "--format", "sarif"];
        args.extend(extra);
        let (_, stdout, stderr) = exec(&args);
        let log: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{extra:?}: {errors:#?}");
        assert_eq!(log["version"], "2.1.0");
    }
    // A schema violation is caught (the validator is not vacuous).
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {}}]});
    assert!(!validator.is_valid(&bad));
}

#[test]
fn real_corpus_findings() {
    let (code, stdout, stderr) = exec(&[
        "lint",
        "--no-config",
        "../shared/corpus/real",
        "--format",
        "github",
    ]);
    assert_eq!(code, 1, "{stderr}");
    snap!(
        "corpus_real",
        format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}")
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let f = "tests/fixtures/lint/create-workloads/bad.yaml";
    assert_eq!(
        exec(&["lint", "--no-config", f]).0,
        0,
        "warnings pass by default"
    );
    assert_eq!(
        exec(&["lint", "--no-config", f, "--fail-on", "warning"]).0,
        1
    );
    let e = "tests/fixtures/lint/secrets-read/bad.yaml";
    assert_eq!(exec(&["lint", "--no-config", e]).0, 1);
    assert_eq!(exec(&["lint", "--no-config", e, "--fail-on", "never"]).0, 0);
    assert_eq!(exec(&["lint", "--no-config", "does-not-exist.yaml"]).0, 2);
    // A malformed document is an input error: its objects were not linted, so lint fails with 2
    // even when the rest is clean.
    assert_eq!(
        exec(&["lint", "--no-config", "tests/fixtures/bad/wrong-types.yaml"]).0,
        2
    );
}

#[test]
fn config_file_selects_ignores_and_overrides() {
    let dir = root().join("target/lint-config-test");
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("kauthz.yaml");
    std::fs::write(
        &cfg,
        "ignore: [unused-role]\nseverity:\n  secrets-read: warning\n",
    )
    .unwrap();
    // Relative to the crate root (where `run` starts kauthz), so the snapshot is the same on
    // every machine.
    let cfg = "target/lint-config-test/kauthz.yaml".to_string();
    let files = [
        "tests/fixtures/lint/secrets-read/bad.yaml",
        "tests/fixtures/lint/dangling-role-ref/bad.yaml",
    ];
    let mut args = vec!["lint", "--config", &cfg];
    args.extend(files);
    // secrets-read is now a warning; unused-role (the dangling fixture's Role) is not run.
    snap!("config_applied", run(&args));
    // An exempt subject's grants are not reported.
    let exempt = dir.join("exempt.yaml");
    std::fs::write(&exempt, "exemptSubjects: [\"jane\"]\n").unwrap();
    let exempt = exempt.to_string_lossy().into_owned();
    let (_, stdout, _) = exec(&["lint", "--config", &exempt, "--format", "json", files[0]]);
    assert!(!stdout.contains("secrets-read"), "{stdout}");
    let (_, stdout, _) = exec(&["lint", "--no-config", "--format", "json", files[0]]);
    assert!(stdout.contains("secrets-read"), "{stdout}");
    std::fs::write(
        dir.join("bad.yaml"),
        "ignore: [secret-read]\nseverty: {}\nseverity:\n  wildcard-verbs: loud\n",
    )
    .unwrap();
    let bad = dir.join("bad.yaml").to_string_lossy().into_owned();
    let (code, _, _) = exec(&["lint", "--config", &bad, "policies/example"]);
    assert_eq!(code, 2);
    snap!(
        "config_errors",
        run(&["lint", "--config", &bad, "policies/example"]).replace(&bad, "CONFIG")
    );
}

#[test]
fn config_is_found_by_walking_up_from_the_current_directory() {
    let dir = root().join("target/lint-walk-test/a/b");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        root().join("target/lint-walk-test/.kauthz.yaml"),
        "select: [dangling-role-ref]\n",
    )
    .unwrap();
    let fixture = root().join("tests/fixtures/lint/dangling-role-ref/bad.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_kauthz"))
        .current_dir(&dir)
        .args(["lint", "--format", "json"])
        .arg(&fixture)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: BTreeSet<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, BTreeSet::from(["dangling-role-ref"]));
}

#[test]
fn ignore_annotation_suppresses_and_unknown_ids_are_errors() {
    let dir = root().join("target/lint-annotation-test");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rbac.yaml");
    std::fs::write(
        &path,
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: break-glass\n  annotations:\n    kauthz.dev/ignore: cluster-admin-binding, dangling-roleref\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects:\n- {kind: User, apiGroup: rbac.authorization.k8s.io, name: dave}\n",
    )
    .unwrap();
    let p = path.to_string_lossy().into_owned();
    snap!(
        "annotation",
        run(&["lint", "--no-config", &p]).replace(&p, "rbac.yaml")
    );
}

#[test]
fn rules_lists_and_documents() {
    snap!("rules_list", run(&["rules"]));
    snap!(
        "rules_doc",
        run(&["rules", "subresource-wildcard-is-literal"])
    );
    snap!("rules_unknown", run(&["rules", "wildcard-verb"]));
}

mod properties {
    use kauthz::lint::rules::shadowed_rule::covers;
    use kauthz::model::PolicyRule;
    use kauthz::rbac::matching::rule_allows;
    use kauthz::request::Attributes;
    use proptest::prelude::*;

    const VERBS: &[&str] = &["get", "list", "*"];
    const GROUPS: &[&str] = &["", "apps", "*"];
    const RESOURCES: &[&str] = &["pods", "pods/log", "deployments", "*", "*/log", "pods/*"];
    const NAMES: &[&str] = &["a", "b"];
    const URLS: &[&str] = &["/healthz", "/healthz/*", "/api*", "*"];

    fn pick(from: &'static [&'static str]) -> impl Strategy<Value = Vec<kauthz::model::Name>> {
        proptest::sample::subsequence(from, 0..=from.len())
            .prop_map(|v| v.into_iter().map(kauthz::model::Name::from).collect())
    }

    fn rule() -> impl Strategy<Value = PolicyRule> {
        (
            pick(VERBS),
            pick(GROUPS),
            pick(RESOURCES),
            pick(NAMES),
            pick(URLS),
            any::<bool>(),
        )
            .prop_map(
                |(verbs, api_groups, resources, resource_names, urls, url_rule)| {
                    if url_rule {
                        PolicyRule {
                            verbs,
                            non_resource_urls: urls,
                            ..PolicyRule::default()
                        }
                    } else {
                        PolicyRule {
                            verbs,
                            api_groups,
                            resources,
                            resource_names,
                            non_resource_urls: Vec::new(),
                        }
                    }
                },
            )
    }

    /// Every request the alphabets can form (plus names and paths no rule lists).
    fn requests() -> Vec<Attributes> {
        let mut out = Vec::new();
        for verb in ["get", "list", "delete"] {
            for group in ["", "apps", "batch"] {
                for (resource, sub) in [
                    ("pods", ""),
                    ("pods", "log"),
                    ("pods", "*"),
                    ("deployments", ""),
                    ("deployments", "log"),
                    ("secrets", ""),
                ] {
                    for name in ["", "a", "b", "c"] {
                        out.push(Attributes {
                            user: "u".into(),
                            verb: verb.into(),
                            resource_request: true,
                            api_group: group.into(),
                            resource: resource.into(),
                            subresource: sub.into(),
                            namespace: "ns".into(),
                            name: name.into(),
                            ..Attributes::default()
                        });
                    }
                }
            }
            for path in ["/healthz", "/healthz/etcd", "/api", "/apis/x", "/metrics"] {
                out.push(Attributes {
                    user: "u".into(),
                    verb: verb.into(),
                    path: path.into(),
                    ..Attributes::default()
                });
            }
        }
        out
    }

    proptest! {
        /// `shadowed-rule` only reports a rule when the covering rule allows every request
        /// the covered one allows, by the evaluator's own matching.
        #[test]
        fn a_covered_rule_allows_nothing_its_cover_does_not(big in rule(), small in rule()) {
            if covers(&big, &small) {
                for a in requests() {
                    prop_assert!(
                        !rule_allows(&small, &a) || rule_allows(&big, &a),
                        "{small:?} allows {a:?} but {big:?} does not"
                    );
                }
            }
        }
    }
}
