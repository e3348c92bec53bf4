//! Machine-readable findings: JSON, SARIF 2.1.0 (GitHub code scanning), GitHub workflow
//! commands, JUnit XML. Each writer returns the whole text; the CLI prints it.
//!
//! Paths come from the caller (`path_of`), as the user named the files; positions are 1-based
//! lines and columns counted in characters (SARIF `columnKind: unicodeCodePoints`).

use serde_json::{Value, json};

use crate::lint::{Finding, Level, RuleInfo, counts, rules};
use crate::model::Origin;

/// Resolves an origin's source id to the path shown to users.
pub type PathOf<'a> = &'a dyn Fn(&Origin) -> String;

#[derive(serde::Serialize)]
struct JsonRelated<'a> {
    path: String,
    line: u32,
    column: u32,
    label: &'a str,
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    path: String,
    line: u32,
    column: u32,
    rule: &'a str,
    category: &'a str,
    level: &'a str,
    message: &'a str,
    help: &'a str,
    related: Vec<JsonRelated<'a>>,
}

#[derive(serde::Serialize)]
struct JsonSummary {
    error: usize,
    warning: usize,
    info: usize,
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
}

/// `{"findings": [...], "summary": {...}}`, findings in the deterministic order.
pub fn json(findings: &[Finding], path_of: PathOf<'_>) -> String {
    let items: Vec<JsonFinding<'_>> = findings
        .iter()
        .map(|f| JsonFinding {
            path: path_of(&f.at),
            line: f.at.line,
            column: f.at.column,
            rule: f.rule,
            category: rules::find(f.rule)
                .map(|r| r.info().category.as_str())
                .unwrap_or(""),
            level: f.level.as_str(),
            message: &f.message,
            help: &f.help,
            related: f
                .related
                .iter()
                .map(|r| JsonRelated {
                    path: path_of(&r.at),
                    line: r.at.line,
                    column: r.at.column,
                    label: &r.label,
                })
                .collect(),
        })
        .collect();
    let c = counts(findings);
    let report = JsonReport {
        findings: items,
        summary: JsonSummary {
            error: c.get(&Level::Error).copied().unwrap_or(0),
            warning: c.get(&Level::Warning).copied().unwrap_or(0),
            info: c.get(&Level::Info).copied().unwrap_or(0),
        },
    };
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}

fn sarif_level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// A relative path as a SARIF URI reference: forward slashes, spaces and `%` escaped.
fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.strip_prefix("./").unwrap_or(&p).to_string();
    p.replace('%', "%25").replace(' ', "%20")
}

fn physical(path_of: PathOf<'_>, o: &Origin) -> Value {
    json!({
        "artifactLocation": {"uri": uri(&path_of(o)), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": o.line.max(1), "startColumn": o.column.max(1)},
    })
}

/// A SARIF 2.1.0 log with one run; `rules` are the rules that ran (all go in the driver).
pub fn sarif(findings: &[Finding], rules: &[&RuleInfo], path_of: PathOf<'_>) -> String {
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.documentation(), "markdown": r.documentation()},
                "defaultConfiguration": {"level": sarif_level(r.level)},
                "properties": {"tags": [r.category.as_str()]},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = rules.iter().position(|r| r.id == f.rule);
            let mut text = f.message.clone();
            if !f.help.is_empty() {
                text.push_str(". Help: ");
                text.push_str(&f.help);
            }
            let mut v = json!({
                "ruleId": f.rule,
                "level": sarif_level(f.level),
                "message": {"text": text},
                "locations": [{"physicalLocation": physical(path_of, &f.at)}],
            });
            if let Value::Object(m) = &mut v {
                if let Some(i) = index {
                    m.insert("ruleIndex".into(), json!(i));
                }
                if !f.related.is_empty() {
                    let rel: Vec<Value> = f
                        .related
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            json!({
                                "id": i,
                                "physicalLocation": physical(path_of, &r.at),
                                "message": {"text": r.label},
                            })
                        })
                        .collect();
                    m.insert("relatedLocations".into(), Value::Array(rel));
                }
            }
            v
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kauthz",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/kauthz/kauthz",
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    // Round-trip through serde-sarif's typed model: a field of the wrong shape fails here
    // rather than in code scanning.
    match serde_json::from_value::<serde_sarif::sarif::Sarif>(log.clone()) {
        Ok(typed) => serde_json::to_string_pretty(&typed).unwrap_or_default() + "\n",
        Err(_) => serde_json::to_string_pretty(&log).unwrap_or_default() + "\n",
    }
}

/// Escapes GitHub workflow-command data (`%`, CR, LF); properties also escape `:` and `,`.
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

/// One `::error`/`::warning`/`::notice` workflow command per finding (annotations on the PR).
pub fn github(findings: &[Finding], path_of: PathOf<'_>) -> String {
    let mut out = String::new();
    for f in findings {
        let cmd = match f.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let mut msg = f.message.clone();
        if !f.help.is_empty() {
            msg.push_str("\nhelp: ");
            msg.push_str(&f.help);
        }
        out.push_str(&format!(
            "::{cmd} file={},line={},col={},title={}::{}\n",
            gh_escape(&path_of(&f.at), true),
            f.at.line,
            f.at.column,
            gh_escape(&format!("kauthz {}", f.rule), true),
            gh_escape(&msg, false)
        ));
    }
    out
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// JUnit XML: one test case per finding (failed when at or above `fail_at`, else skipped),
/// and one passing case per rule that ran without findings.
pub fn junit(
    findings: &[Finding],
    rules: &[&RuleInfo],
    path_of: PathOf<'_>,
    fail_at: Option<Level>,
) -> String {
    let mut cases = String::new();
    let mut failures = 0;
    let mut skipped = 0;
    let mut tests = 0;
    for r in rules {
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.rule == r.id).collect();
        if mine.is_empty() {
            tests += 1;
            cases.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\"/>\n",
                r.category,
                xml(r.id)
            ));
            continue;
        }
        for f in mine {
            tests += 1;
            let place = format!("{}:{}:{}", path_of(&f.at), f.at.line, f.at.column);
            let failed = fail_at.is_some_and(|l| f.level >= l);
            cases.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{} {}\" file=\"{}\">\n",
                r.category,
                xml(r.id),
                xml(&place),
                xml(&path_of(&f.at))
            ));
            let body = xml(&format!("{place}: {}\nhelp: {}", f.message, f.help));
            if failed {
                failures += 1;
                cases.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{body}</failure>\n",
                    f.level,
                    xml(&f.message)
                ));
            } else {
                skipped += 1;
                cases.push_str(&format!(
                    "      <skipped message=\"{}: {}\"/>\n",
                    f.level,
                    xml(&f.message)
                ));
            }
            cases.push_str("    </testcase>\n");
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kauthz lint\" tests=\"{tests}\" failures=\"{failures}\" skipped=\"{skipped}\">\n  <testsuite name=\"kauthz lint\" tests=\"{tests}\" failures=\"{failures}\" skipped=\"{skipped}\" errors=\"0\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}
