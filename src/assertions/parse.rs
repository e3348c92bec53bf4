//! Reading assertion files from the spanned YAML tree, every error placed at its node.

use std::sync::Arc;

use clap::Parser;

use super::{AssertionFile, Check, CheckKind, TestCase};
use crate::diagnostics::{Problem, line_column};
use crate::diff::Identity;
use crate::loader::yaml::{Node, Value, parse_document, split_documents};
use crate::question::RequestSpec;

const TEST_KEYS: [&str; 7] = ["name", "as", "as-group", "allow", "deny", "who-can", "only"];

/// The `can-i` arguments a request string may use.
#[derive(Parser, Debug)]
#[command(
    name = "request",
    no_binary_name = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
struct RequestArgs {
    verb: String,
    target: String,
    #[arg(short = 'n', long)]
    namespace: Option<String>,
    #[arg(short = 'A', long)]
    all_namespaces: bool,
    #[arg(long)]
    subresource: Option<String>,
    #[arg(long = "as")]
    as_user: Option<String>,
    #[arg(long = "as-group")]
    as_group: Vec<String>,
}

/// Parses a request string (`create deployments.apps -n prod`, `get /healthz`,
/// `get pods --subresource=log -A`) into a [`RequestSpec`]; the error is one line.
pub fn parse_request(text: &str) -> Result<RequestSpec, String> {
    let words = shlex::split(text).ok_or_else(|| "unbalanced quotes".to_string())?;
    let args = RequestArgs::try_parse_from(words).map_err(|e| {
        let rendered = e.render().to_string();
        let first = rendered.lines().next().unwrap_or("").trim();
        first.strip_prefix("error: ").unwrap_or(first).to_string()
    })?;
    Ok(RequestSpec {
        verb: args.verb,
        target: args.target,
        as_user: args.as_user,
        as_group: args.as_group,
        namespace: args.namespace,
        all_namespaces: args.all_namespaces,
        subresource: args.subresource,
    })
}

struct Ctx<'a> {
    path: &'a str,
    text: &'a Arc<str>,
    problems: Vec<Problem>,
}

impl Ctx<'_> {
    fn error(&mut self, node: &Node, code: &'static str, message: String, help: &str) {
        self.problems.push(
            Problem::error(code, message)
                .with_help(help.to_string())
                .at(
                    self.path,
                    self.text,
                    node.offset as usize,
                    node.len as usize,
                ),
        );
    }

    fn string(&mut self, node: &Node, key: &str) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.to_string()),
            other => {
                self.error(
                    node,
                    "kauthz::test::wrong-type",
                    format!("`{key}` is {}, expected a string", other.describe()),
                    "quote the value",
                );
                None
            }
        }
    }

    /// A string or a list of strings, each with its node.
    fn strings<'n>(&mut self, node: &'n Node<'n>, key: &str) -> Vec<(&'n Node<'n>, String)> {
        match &node.value {
            Value::Str(s) => vec![(node, s.to_string())],
            Value::Seq(items) => items
                .iter()
                .filter_map(|i| self.string(i, key).map(|s| (i, s)))
                .collect(),
            other => {
                self.error(
                    node,
                    "kauthz::test::wrong-type",
                    format!(
                        "`{key}` is {}, expected a list of strings",
                        other.describe()
                    ),
                    "write a list: `[\"...\"]`",
                );
                Vec::new()
            }
        }
    }
}

/// Reads every `tests:` document of an assertion file. Documents that are Kubernetes objects
/// (with `kind` or `apiVersion`) are passed over, so tests may share a file with the policy.
/// Problems do not stop the parse: each malformed test or request is left out and reported.
pub fn parse_file(path: &str, text: Arc<str>) -> (AssertionFile, Vec<Problem>) {
    let mut ctx = Ctx {
        path,
        text: &text,
        problems: Vec::new(),
    };
    let mut tests = Vec::new();
    let mut found = false;
    for (s, e) in split_documents(&text) {
        let root = match parse_document(&text[s..e], s) {
            Ok(n) => n,
            Err(err) => {
                ctx.problems.push(
                    Problem::error("kauthz::test::yaml", err.message)
                        .with_help("fix the YAML syntax")
                        .at(path, &text, err.offset, 1),
                );
                continue;
            }
        };
        if root.get("kind").is_some() || root.get("apiVersion").is_some() {
            continue;
        }
        let Value::Map(entries) = &root.value else {
            ctx.error(
                &root,
                "kauthz::test::wrong-type",
                format!(
                    "the document is {}, expected a mapping with `tests:`",
                    root.value.describe()
                ),
                "start the file with `tests:` and a list of tests",
            );
            continue;
        };
        for (k, v) in entries {
            match k.as_str() {
                Some("tests") => {
                    found = true;
                    match &v.value {
                        Value::Seq(items) => {
                            for item in items {
                                if let Some(t) = parse_test(&mut ctx, item) {
                                    tests.push(t);
                                }
                            }
                        }
                        Value::Null => {}
                        other => ctx.error(
                            v,
                            "kauthz::test::wrong-type",
                            format!("`tests` is {}, expected a list of tests", other.describe()),
                            "write `tests:` followed by `- name: ...` entries",
                        ),
                    }
                }
                _ => unknown_key(&mut ctx, k, &["tests"]),
            }
        }
    }
    if !found && ctx.problems.is_empty() {
        ctx.problems.push(
            Problem::error(
                "kauthz::test::no-tests",
                format!("`{path}` has no `tests:` list"),
            )
            .with_help("an assertion file is a YAML mapping with a `tests:` list")
            .in_file(path),
        );
    }
    let problems = ctx.problems;
    (
        AssertionFile {
            path: path.to_string(),
            text,
            tests,
        },
        problems,
    )
}

fn unknown_key(ctx: &mut Ctx<'_>, key: &Node, known: &[&str]) {
    let name = key
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:?}", key.value));
    let close = known
        .iter()
        .find(|k| edit_distance(k, &name) <= 2)
        .map(|k| format!("did you mean `{k}`? "))
        .unwrap_or_default();
    ctx.error(
        key,
        "kauthz::test::unknown-key",
        format!("unknown key `{name}`"),
        &format!("{close}known keys: {}", known.join(", ")),
    );
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn parse_test(ctx: &mut Ctx<'_>, item: &Node) -> Option<TestCase> {
    let Value::Map(entries) = &item.value else {
        ctx.error(
            item,
            "kauthz::test::wrong-type",
            format!("a test is {}, expected a mapping", item.value.describe()),
            "each test is `- name: ...` with `as`/`allow`/`deny` or `who-can`/`only`",
        );
        return None;
    };
    let before = ctx.problems.len();
    for (k, _) in entries {
        if !k.as_str().is_some_and(|s| TEST_KEYS.contains(&s)) {
            unknown_key(ctx, k, &TEST_KEYS);
        }
    }
    let name = match item.get("name") {
        Some(n) => ctx.string(n, "name").unwrap_or_default(),
        None => {
            ctx.error(
                item,
                "kauthz::test::missing-name",
                "a test has no `name`".into(),
                "add `name: ...` saying what the test protects",
            );
            String::new()
        }
    };
    let as_user = item.get("as").and_then(|n| ctx.string(n, "as"));
    let as_group: Vec<String> = item
        .get("as-group")
        .map(|n| {
            ctx.strings(n, "as-group")
                .into_iter()
                .map(|(_, s)| s)
                .collect()
        })
        .unwrap_or_default();
    let mut checks = Vec::new();
    for (key, kind) in [("allow", CheckKind::Allow), ("deny", CheckKind::Deny)] {
        let Some(node) = item.get(key) else { continue };
        for (n, text) in ctx.strings(node, key) {
            let Some(mut spec) = request(ctx, n, &text) else {
                continue;
            };
            if spec.as_user.is_none() {
                spec.as_user.clone_from(&as_user);
            }
            if spec.as_user.is_none() {
                ctx.error(
                    n,
                    "kauthz::test::no-identity",
                    format!("`{key}` needs a user: the test has no `as`"),
                    "add `as: USER` to the test (e.g. `as: system:serviceaccount:ci:deployer`), or `--as USER` to the request",
                );
                continue;
            }
            let mut groups = as_group.clone();
            groups.append(&mut spec.as_group);
            spec.as_group = groups;
            checks.push(check(ctx, kind, n, text, spec, Vec::new()));
        }
    }
    match (item.get("who-can"), item.get("only")) {
        (Some(w), Some(o)) => {
            let only: Vec<Identity> = ctx
                .strings(o, "only")
                .into_iter()
                .filter_map(|(n, s)| {
                    let id = Identity::parse_spec(&s);
                    if id.is_none() {
                        ctx.error(
                            n,
                            "kauthz::test::bad-subject",
                            format!("`{s}` is not a subject"),
                            "write `User:NAME`, `Group:NAME` or `ServiceAccount:NAMESPACE:NAME`",
                        );
                    }
                    id
                })
                .collect();
            if let Some(text) = ctx.string(w, "who-can")
                && let Some(spec) = request(ctx, w, &text)
            {
                if spec.as_user.is_some() || !spec.as_group.is_empty() {
                    ctx.error(
                        w,
                        "kauthz::test::who-can-identity",
                        "`who-can` asks about every subject; `--as`/`--as-group` make no sense here".into(),
                        "drop `--as`/`--as-group` from the request",
                    );
                } else {
                    checks.push(check(ctx, CheckKind::WhoCan, w, text, spec, only));
                }
            }
        }
        (Some(w), None) => ctx.error(
            w,
            "kauthz::test::who-can-only",
            "`who-can` needs an `only` list".into(),
            "add `only: [\"Group:...\", \"User:...\", \"ServiceAccount:NS:NAME\"]`: every subject that may do it",
        ),
        (None, Some(o)) => ctx.error(
            o,
            "kauthz::test::who-can-only",
            "`only` needs a `who-can` request".into(),
            "add `who-can: \"VERB TYPE ...\"`",
        ),
        (None, None) => {}
    }
    if checks.is_empty() && ctx.problems.len() == before {
        ctx.error(
            item,
            "kauthz::test::empty",
            format!("test `{name}` checks nothing"),
            "add `allow:`/`deny:` requests (with `as:`), or `who-can:` with `only:`",
        );
    }
    // A test with problems keeps its good checks, so that `validate` can report theirs too;
    // the run stops at the problems anyway.
    let (line, _) = line_column(ctx.text, item.offset as usize);
    Some(TestCase { name, line, checks })
}

fn request(ctx: &mut Ctx<'_>, node: &Node, text: &str) -> Option<RequestSpec> {
    match parse_request(text) {
        Ok(spec) => Some(spec),
        Err(e) => {
            ctx.error(
                node,
                "kauthz::test::bad-request",
                format!("bad request `{text}`: {e}"),
                "write it as `kauthz can-i` arguments: VERB TYPE[.GROUP][/NAME] or URL, then -n NS, -A, --subresource SUB, --as-group G",
            );
            None
        }
    }
}

fn check(
    ctx: &Ctx<'_>,
    kind: CheckKind,
    node: &Node,
    request: String,
    spec: RequestSpec,
    only: Vec<Identity>,
) -> Check {
    let (line, column) = line_column(ctx.text, node.offset as usize);
    Check {
        kind,
        request,
        spec,
        only,
        offset: node.offset as usize,
        len: node.len as usize,
        line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_strings_take_can_i_flags() {
        let s = parse_request("get pods --subresource=log -n staging").unwrap();
        assert_eq!(s.verb, "get");
        assert_eq!(s.target, "pods");
        assert_eq!(s.subresource.as_deref(), Some("log"));
        assert_eq!(s.namespace.as_deref(), Some("staging"));
        let s = parse_request("list pods -A --as-group ops --as-group 'a b'").unwrap();
        assert!(s.all_namespaces);
        assert_eq!(s.as_group, ["ops", "a b"]);
        assert!(parse_request("get").unwrap_err().contains("required"));
        assert!(
            parse_request("get pods --bogus")
                .unwrap_err()
                .contains("--bogus")
        );
        assert!(parse_request("get 'pods").is_err());
    }

    #[test]
    fn errors_point_at_the_node() {
        let text: Arc<str> = Arc::from(
            "tests:\n- name: x\n  as: u\n  alow: [\"get pods\"]\n  deny: [\"get pods -x\"]\n",
        );
        let (file, problems) = parse_file("t.yaml", text);
        assert!(file.tests.iter().all(|t| t.checks.is_empty()));
        let located: Vec<(String, &str)> =
            problems.iter().map(|p| (p.location(), p.code)).collect();
        assert_eq!(
            located,
            [
                ("t.yaml:4:3".to_string(), "kauthz::test::unknown-key"),
                ("t.yaml:5:10".to_string(), "kauthz::test::bad-request"),
            ]
        );
        assert!(
            problems[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `allow`")
        );
    }
}
