//! `kauthz test [FILE...] -f POLICY`: run assertion files against the policy.
//!
//! Without FILE arguments, assertion files are found among the `-f` inputs: every file that
//! has a document with a top-level `tests:` list (and no `kind`), which the policy loader
//! skips and counts as "kauthz tests".

use std::io::IsTerminal;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::{
    EXIT_ERROR, EXIT_NO, EXIT_YES, PolicyArgs, fail, load_workspace_with, render, write_stdout,
};
use crate::assertions::{AssertionFile, TestResult, parse_file, run as run_test, validate};
use crate::diagnostics::{Problem, Severity};
use crate::loader::yaml::{parse_document, split_documents};

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Assertion files. Default: the files among the `-f` inputs that have a `tests:` list
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format
    #[arg(
        short = 'o',
        long = "format",
        value_enum,
        value_name = "FORMAT",
        default_value = "human"
    )]
    pub format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Junit,
    Json,
}

pub fn run(args: TestArgs) -> u8 {
    let ws = match load_workspace_with(&args.policy, false, args.files.is_empty()) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let mut texts: Vec<(String, Arc<str>)> = Vec::new();
    if args.files.is_empty() {
        for s in &ws.sources {
            if let Some(text) = &s.text
                && has_tests(text)
            {
                texts.push((s.path.clone(), Arc::clone(text)));
            }
        }
        if texts.is_empty() {
            return fail(
                Problem::error(
                    "kauthz::test::no-files",
                    "no assertion files: none of the `-f` inputs has a `tests:` list",
                )
                .with_help("name the assertion files (`kauthz test tests.yaml -f policies/`), or put them in a `-f` directory"),
            );
        }
    } else {
        for f in &args.files {
            match std::fs::read(f) {
                Err(e) => {
                    return fail(
                        Problem::error(
                            "kauthz::load::unreadable",
                            format!("cannot read `{f}`: {}", e.to_string().to_lowercase()),
                        )
                        .with_help("check the assertion file's path")
                        .in_file(f),
                    );
                }
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(t) => texts.push((f.clone(), Arc::from(t))),
                    Err(_) => {
                        return fail(
                            Problem::error(
                                "kauthz::load::encoding",
                                format!("`{f}` is not UTF-8 text"),
                            )
                            .with_help("save the file as UTF-8")
                            .in_file(f),
                        );
                    }
                },
            }
        }
    }
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (path, text) in texts {
        let (file, mut p) = parse_file(&path, text);
        problems.append(&mut p);
        problems.extend(validate(&ws, &file));
        files.push(file);
    }
    problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    render::print_problems(&problems);
    if problems.iter().any(|p| p.severity == Severity::Error) {
        return EXIT_ERROR;
    }
    let results: Vec<Vec<TestResult>> = files
        .iter()
        .map(|f| f.tests.iter().map(|t| run_test(&ws, t)).collect())
        .collect();
    let text = match args.format {
        Format::Human => human(&files, &results, color_stdout()),
        Format::Junit => junit(&files, &results),
        Format::Json => {
            serde_json::to_string_pretty(&json_report(&files, &results)).unwrap_or_default() + "\n"
        }
    };
    write_stdout(text.as_bytes());
    let failed = results.iter().flatten().any(|r| !r.passed());
    if failed { EXIT_NO } else { EXIT_YES }
}

/// Whether a file has a document with a top-level `tests:` key and no `kind`/`apiVersion`.
fn has_tests(text: &str) -> bool {
    text.contains("tests")
        && split_documents(text).into_iter().any(|(s, e)| {
            parse_document(&text[s..e], s).is_ok_and(|root| {
                root.get("tests").is_some()
                    && root.get("kind").is_none()
                    && root.get("apiVersion").is_none()
            })
        })
}

fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

struct Counts {
    tests: usize,
    failed: usize,
    checks: usize,
    failed_checks: usize,
}

fn counts(results: &[Vec<TestResult>]) -> Counts {
    let all = || results.iter().flatten();
    Counts {
        tests: all().count(),
        failed: all().filter(|r| !r.passed()).count(),
        checks: all().map(|r| r.checks.len()).sum(),
        failed_checks: all().flat_map(|r| &r.checks).filter(|c| !c.passed).count(),
    }
}

fn human(files: &[AssertionFile], results: &[Vec<TestResult>], color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    for (file, results) in files.iter().zip(results) {
        out.push_str(&format!("{}\n", file.path));
        for (t, r) in file.tests.iter().zip(results) {
            let n = t.checks.len();
            let plural = if n == 1 { "" } else { "s" };
            if r.passed() {
                out.push_str(&format!(
                    "  {} {} ({n} check{plural})\n",
                    paint("32", "PASS"),
                    t.name
                ));
                continue;
            }
            out.push_str(&format!(
                "  {} {} ({n} check{plural})\n",
                paint("31", "FAIL"),
                t.name
            ));
            for (c, cr) in t.checks.iter().zip(&r.checks) {
                if cr.passed {
                    continue;
                }
                out.push_str(&format!(
                    "    {} \"{}\" ({}:{}:{})\n",
                    c.kind.as_str(),
                    c.request,
                    file.path,
                    c.line,
                    c.column
                ));
                for d in &cr.detail {
                    out.push_str(&format!("      {d}\n"));
                }
                if let Some(nm) = &cr.near_miss {
                    for l in nm.lines() {
                        out.push_str(&format!("      {l}\n"));
                    }
                }
            }
        }
    }
    let c = counts(results);
    out.push_str(&format!(
        "\n{} test{}, {} check{}: {} passed, {} failed\n",
        c.tests,
        if c.tests == 1 { "" } else { "s" },
        c.checks,
        if c.checks == 1 { "" } else { "s" },
        c.tests - c.failed,
        c.failed
    ));
    out
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one testsuite per file, one testcase per test, a `<failure>` listing the failed
/// checks.
fn junit(files: &[AssertionFile], results: &[Vec<TestResult>]) -> String {
    let c = counts(results);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"kauthz test\" tests=\"{}\" failures=\"{}\">\n",
        c.tests, c.failed
    ));
    for (file, results) in files.iter().zip(results) {
        let failed = results.iter().filter(|r| !r.passed()).count();
        let path = xml_escape(&file.path);
        out.push_str(&format!(
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{failed}\">\n",
            results.len()
        ));
        for (t, r) in file.tests.iter().zip(results) {
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{path}\" file=\"{path}\" line=\"{}\"",
                xml_escape(&t.name),
                t.line
            ));
            if r.passed() {
                out.push_str("/>\n");
                continue;
            }
            let bad = r.checks.iter().filter(|c| !c.passed).count();
            let mut body = String::new();
            for (c, cr) in t.checks.iter().zip(&r.checks) {
                if cr.passed {
                    continue;
                }
                body.push_str(&format!(
                    "{} \"{}\" ({}:{}:{})\n",
                    c.kind.as_str(),
                    c.request,
                    file.path,
                    c.line,
                    c.column
                ));
                let near_miss = cr.near_miss.iter().flat_map(|n| n.lines());
                for d in cr.detail.iter().map(String::as_str).chain(near_miss) {
                    body.push_str(&format!("  {d}\n"));
                }
            }
            out.push_str(&format!(
                ">\n      <failure message=\"{bad} of {} checks failed\" type=\"assertion\">{}</failure>\n    </testcase>\n",
                t.checks.len(),
                xml_escape(&body)
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn json_report(files: &[AssertionFile], results: &[Vec<TestResult>]) -> Value {
    let files_json: Vec<Value> = files
        .iter()
        .zip(results)
        .map(|(file, results)| {
            let tests: Vec<Value> = file
                .tests
                .iter()
                .zip(results)
                .map(|(t, r)| {
                    let checks: Vec<Value> = t
                        .checks
                        .iter()
                        .zip(&r.checks)
                        .map(|(c, cr)| {
                            json!({
                                "kind": c.kind.as_str(),
                                "request": c.request,
                                "line": c.line,
                                "column": c.column,
                                "passed": cr.passed,
                                "detail": cr.detail,
                                "nearMiss": cr.near_miss.as_ref().map(|n| n.lines().collect::<Vec<_>>()),
                            })
                        })
                        .collect();
                    json!({"name": t.name, "line": t.line, "passed": r.passed(), "checks": checks})
                })
                .collect();
            json!({"path": file.path, "tests": tests})
        })
        .collect();
    let c = counts(results);
    json!({
        "files": files_json,
        "summary": {
            "tests": c.tests,
            "passed": c.tests - c.failed,
            "failed": c.failed,
            "checks": c.checks,
            "failedChecks": c.failed_checks,
        },
    })
}
