//! `kauthz test`: assertion files that write an access model down as tests.
//!
//! ```yaml
//! tests:
//! - name: deployer can ship to staging only
//!   as: system:serviceaccount:ci:deployer
//!   allow: ["create deployments.apps -n staging"]
//!   deny:  ["get secrets -n staging"]
//! - name: nobody outside ops reads prod secrets
//!   who-can: "get secrets -n prod"
//!   only: ["Group:ops", "ServiceAccount:prod:vault"]
//! ```
//!
//! Request strings are `kauthz can-i` arguments (split as a shell would), resolved by
//! [`crate::question::question`], so they mean exactly what the same `can-i` command means.
//! Parsing ([`parse_file`]) needs only the text; checking the requests against discovery
//! ([`validate`]) and running them ([`run`]) need the loaded [`Workspace`]. Nothing here reads
//! files or prints.

mod parse;

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::diagnostics::Problem;
use crate::diff::Identity;
use crate::engine::Workspace;
use crate::question::{Question, RequestSpec, question};
use crate::request::Attributes;
use crate::response::Status;

pub use parse::{parse_file, parse_request};

/// What one request string asserts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckKind {
    Allow,
    Deny,
    WhoCan,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Allow => "allow",
            CheckKind::Deny => "deny",
            CheckKind::WhoCan => "who-can",
        }
    }
}

/// One request of a test, with where it is written.
#[derive(Clone, Debug)]
pub struct Check {
    pub kind: CheckKind,
    /// The request string as written.
    pub request: String,
    pub spec: RequestSpec,
    /// For `who-can`: the `only` list, parsed.
    pub only: Vec<Identity>,
    pub offset: usize,
    pub len: usize,
    pub line: u32,
    pub column: u32,
}

/// One entry of `tests:`.
#[derive(Clone, Debug)]
pub struct TestCase {
    pub name: String,
    pub line: u32,
    pub checks: Vec<Check>,
}

/// The tests of one file.
#[derive(Clone, Debug)]
pub struct AssertionFile {
    pub path: String,
    pub text: Arc<str>,
    pub tests: Vec<TestCase>,
}

/// The outcome of one check.
#[derive(Clone, Debug)]
pub struct CheckResult {
    pub passed: bool,
    /// What happened, when it failed: the Forbidden message of a denied `allow`, the allowing
    /// reason of an allowed `deny`, the subjects that differ for `who-can`.
    pub detail: Vec<String>,
    /// The near-miss summary of a denied request ([`near_miss_summary`]).
    pub near_miss: Option<String>,
}

/// The outcome of one test: one result per check, in order.
#[derive(Clone, Debug)]
pub struct TestResult {
    pub checks: Vec<CheckResult>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// Checks every request of `file` against discovery: an unknown resource type is an error
/// with kubectl's "did you mean" candidates. Returns the problems, placed in the file.
pub fn validate(ws: &Workspace, file: &AssertionFile) -> Vec<Problem> {
    let mut problems = Vec::new();
    for t in &file.tests {
        for c in &t.checks {
            if let Err(p) = resolve(ws, c) {
                problems.push(p.at(&file.path, &file.text, c.offset, c.len));
            }
        }
    }
    problems
}

fn resolve(ws: &Workspace, c: &Check) -> Result<Question, Problem> {
    let mut spec = c.spec.clone();
    if c.kind == CheckKind::WhoCan {
        // Any user will do: who-can swaps in each subject.
        spec.as_user = Some("kauthz:who-can".into());
        spec.as_group.clear();
    }
    let q = question(&spec, &ws.discovery)?;
    if q.review.resource_request && spec.target.split('/').next() != Some("*") {
        let type_arg = spec.target.split('/').next().unwrap_or("");
        let resolved = ws.discovery.resolve_can_i(type_arg);
        if resolved.found.is_none() && resolved.warning.is_some() {
            let suggestions = ws.discovery.suggest(&resolved.group, &resolved.resource);
            let help = match suggestions.first() {
                Some(s) => format!(
                    "did you mean `{s}`? Known types are those of the API server plus the CRDs loaded with `-f`"
                ),
                None => "use a resource type the API server serves (`kubectl api-resources`), or load its CRD with `-f`".into(),
            };
            return Err(Problem::error(
                "kauthz::test::unknown-resource",
                format!("the server doesn't have a resource type `{type_arg}`"),
            )
            .with_label("unknown resource type")
            .with_help(help));
        }
    }
    Ok(q)
}

/// A subject `who-can` lists: an identity an `only:` list can name, or a shape it cannot (a
/// user that an ABAC line allows only together with a group, or everyone).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Allowed {
    Identity(Identity),
    /// `User:U+Group:G`, or `Everyone`.
    Other(String),
}

impl Allowed {
    /// As assertion files spell it (`Group:ops`), or the shape's name.
    pub fn spec(&self) -> String {
        match self {
            Allowed::Identity(id) => id.spec(),
            Allowed::Other(s) => s.clone(),
        }
    }
}

/// Who may make the request: exactly the subjects [`crate::query::who_can`] lists (a subject
/// is listed iff a request made by exactly that identity, with no other groups, is allowed by
/// the chain), so `kauthz test` and `kauthz who-can` agree by construction. An empty
/// namespace (`-A`) is the request across all namespaces at once, as `can-i -A` asks it.
/// Sorted: Users, Groups, ServiceAccounts (see [`Identity`]), then the other shapes.
pub fn who_can(ws: &Workspace, review: &Attributes) -> Vec<Allowed> {
    use crate::query::EVERYONE;
    use crate::query::who_can::{allowed_subjects, who_can as query};
    let answer = query(ws, review);
    let mut out: Vec<Allowed> = allowed_subjects(&answer)
        .into_iter()
        .map(|s| {
            if s.kind == EVERYONE {
                Allowed::Other("Everyone".into())
            } else if s.is_conjunctive() {
                Allowed::Other(format!("User:{}+Group:{}", s.name, s.in_group))
            } else {
                match s.kind.as_str() {
                    "User" => Allowed::Identity(Identity::user(&s.name)),
                    "Group" => Allowed::Identity(Identity::Group(s.name)),
                    _ => Allowed::Identity(Identity::ServiceAccount {
                        namespace: s.namespace,
                        name: s.name,
                    }),
                }
            }
        })
        .collect();
    if answer.everyone {
        out.push(Allowed::Other("Everyone".into()));
    }
    out.sort();
    out.dedup();
    out
}

/// Near misses shown for a failing check (the rest are in `kauthz explain`).
pub const NEAR_MISSES_SHOWN: usize = 3;

/// The near-miss summary for a denied request, from [`crate::explain::explain`]: the
/// [`NEAR_MISSES_SHOWN`] most useful near misses, one line each (`near miss: ...`), then
/// `fix: ...` when explain proved a fix by re-evaluation. `None` when the request is allowed
/// or explain finds nothing to say.
pub fn near_miss_summary(ws: &Workspace, request: &Attributes) -> Option<String> {
    let e = crate::explain::explain(ws, request);
    if e.allowed {
        return None;
    }
    let mut lines: Vec<String> = e
        .near_misses
        .iter()
        .take(NEAR_MISSES_SHOWN)
        .map(|m| format!("near miss: {}", m.summary))
        .collect();
    if e.near_misses.len() > NEAR_MISSES_SHOWN {
        lines.push(format!(
            "… and {} more (`kauthz explain` lists them)",
            e.near_misses.len() - NEAR_MISSES_SHOWN
        ));
    }
    if let Some(f) = &e.fix {
        let subject = if f.subject.namespace.is_empty() {
            format!("{} {}", f.subject.kind, f.subject.name)
        } else {
            format!(
                "{} {}/{}",
                f.subject.kind, f.subject.namespace, f.subject.name
            )
        };
        let place = if f.namespace.is_empty() {
            String::new()
        } else {
            format!(" in {}", f.namespace)
        };
        lines.push(format!(
            "fix: {} and {} `{}`{place} granting {} to {subject}",
            f.role_kind,
            f.binding_kind,
            f.name,
            f.rule.display()
        ));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Runs one test.
pub fn run(ws: &Workspace, test: &TestCase) -> TestResult {
    let checks = test.checks.iter().map(|c| run_check(ws, c)).collect();
    TestResult { checks }
}

fn run_check(ws: &Workspace, c: &Check) -> CheckResult {
    let q = match resolve(ws, c) {
        Ok(q) => q,
        Err(p) => {
            return CheckResult {
                passed: false,
                detail: vec![p.message],
                near_miss: None,
            };
        }
    };
    match c.kind {
        CheckKind::Allow | CheckKind::Deny => {
            let verdict = ws.chain.authorize(&q.review);
            let allowed = verdict.is_allowed();
            if allowed == (c.kind == CheckKind::Allow) {
                return CheckResult {
                    passed: true,
                    detail: Vec::new(),
                    near_miss: None,
                };
            }
            if allowed {
                let reason = if verdict.reason.is_empty() {
                    "allowed".to_string()
                } else {
                    verdict.reason.clone()
                };
                CheckResult {
                    passed: false,
                    detail: vec![format!("allowed: {reason}")],
                    near_miss: None,
                }
            } else {
                // The message the real request gets, as `kauthz can-i` prints it.
                let real = ws.chain.authorize(&q.real);
                let (attrs, reason) = if real.is_allowed() {
                    (&q.review, &verdict.reason)
                } else {
                    (&q.real, &real.reason)
                };
                let status = Status::forbidden(attrs, reason);
                CheckResult {
                    passed: false,
                    detail: vec![format!("Error from server (Forbidden): {}", status.message)],
                    near_miss: near_miss_summary(ws, &q.review),
                }
            }
        }
        CheckKind::WhoCan => {
            let allowed = who_can(ws, &q.review);
            let expected: BTreeSet<Allowed> =
                c.only.iter().cloned().map(Allowed::Identity).collect();
            let actual: BTreeSet<Allowed> = allowed.iter().cloned().collect();
            let unexpected: Vec<String> = actual.difference(&expected).map(|i| i.spec()).collect();
            let missing: Vec<String> = expected.difference(&actual).map(|i| i.spec()).collect();
            let mut detail = Vec::new();
            if !unexpected.is_empty() {
                detail.push(format!("also allowed: {}", unexpected.join(", ")));
            }
            if !missing.is_empty() {
                detail.push(format!("not allowed: {}", missing.join(", ")));
            }
            if !detail.is_empty() {
                let all: Vec<String> = allowed.iter().map(Allowed::spec).collect();
                detail.push(format!("allowed: {}", all.join(", ")));
            }
            CheckResult {
                passed: detail.is_empty(),
                detail,
                near_miss: None,
            }
        }
    }
}
