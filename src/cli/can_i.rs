//! `kauthz can-i`: `kubectl auth can-i`, offline, with kubectl's arguments and output.

mod list;

use clap::{Args, ValueEnum};
use serde_json::{Map, Value, json};

use super::{EXIT_NO, EXIT_YES, PolicyArgs, RequestArgs, fail, load_workspace, write_stdout};
use crate::diagnostics::Problem;
use crate::question::{RequestSpec, no_identity, question};
use crate::request::Attributes;
use crate::response::{Status, kubectl_can_i};

#[derive(Args, Debug)]
pub struct CanIArgs {
    /// The verb: get, list, watch, create, update, patch, delete, deletecollection, use, bind,
    /// escalate, impersonate, approve, ... (for URLs: get, post, put, ...)
    #[arg(required_unless_present = "list")]
    pub verb: Option<String>,
    /// TYPE[.GROUP], TYPE[.GROUP]/NAME, or a non-resource URL starting with `/`
    #[arg(required_unless_present = "list")]
    pub target: Option<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Print nothing; the exit code says yes (0) or no (1)
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the SubjectAccessReview the server would return (with --list: the
    /// SelfSubjectRulesReview)
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,
    /// List everything the user may do in the namespace, as `kubectl auth can-i --list`
    #[arg(long)]
    pub list: bool,
    /// With --list: print the rules without the header line
    #[arg(long)]
    pub no_headers: bool,
    /// With --list: add the scope (cluster-wide or this namespace), binding and role of each
    /// line; rules of different bindings are then not merged
    #[arg(long)]
    pub show_source: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Yaml,
}

impl CanIArgs {
    /// The request part of the arguments, as the library takes it.
    pub fn spec(&self) -> RequestSpec {
        self.request.spec(&self.verb, &self.target)
    }
}

pub fn run(args: CanIArgs) -> u8 {
    if args.list || args.no_headers || args.show_source {
        return list::run(args);
    }
    // Arguments are checked before the policy is loaded: a usage error should not wait.
    if args.request.as_user.as_deref().unwrap_or("").is_empty() {
        return fail(no_identity());
    }
    if args.quiet && args.output.is_some() {
        return fail(
            Problem::error(
                "kauthz::usage::quiet",
                "`--quiet` and `--output` cannot be used together",
            )
            .with_help("drop one of them"),
        );
    }
    let ws = match load_workspace(&args.policy, false) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let chain = &ws.chain;
    let q = match question(&args.spec(), &ws.discovery) {
        Ok(q) => q,
        Err(p) => return fail(p),
    };
    eprint!("{}", q.stderr);
    let verdict = chain.authorize(&q.review);
    let allowed = verdict.is_allowed();
    match args.output {
        Some(format) => {
            let review = subject_access_review(&q.review, &verdict);
            let text = match format {
                Format::Json => serde_json::to_string_pretty(&review).map(|s| s + "\n"),
                Format::Yaml => Ok(to_yaml(&review, 0)),
            };
            if !write_stdout(text.unwrap_or_default().as_bytes()) {
                return EXIT_YES;
            }
        }
        None if args.quiet => {}
        None => {
            if !write_stdout(kubectl_can_i(&verdict).as_bytes()) {
                return EXIT_YES;
            }
        }
    }
    if allowed {
        return EXIT_YES;
    }
    if !args.quiet {
        let real_verdict = chain.authorize(&q.real);
        if !real_verdict.is_allowed() {
            let status = Status::forbidden(&q.real, &real_verdict.reason);
            eprintln!("Error from server (Forbidden): {}", status.message);
        }
    }
    EXIT_NO
}

/// The SubjectAccessReview the server returns (Go field order, empty fields left out).
pub fn subject_access_review(a: &Attributes, verdict: &crate::decision::Verdict) -> Value {
    let mut spec = Map::new();
    if a.resource_request {
        let mut ra = Map::new();
        for (k, v) in [
            ("namespace", &a.namespace),
            ("verb", &a.verb),
            ("group", &a.api_group),
            ("resource", &a.resource),
            ("subresource", &a.subresource),
            ("name", &a.name),
        ] {
            if !v.is_empty() {
                ra.insert(k.into(), Value::String(v.clone()));
            }
        }
        spec.insert("resourceAttributes".into(), Value::Object(ra));
    } else {
        spec.insert(
            "nonResourceAttributes".into(),
            json!({"path": a.path, "verb": a.verb}),
        );
    }
    spec.insert("user".into(), Value::String(a.user.clone()));
    spec.insert("groups".into(), json!(a.groups));
    let mut status = Map::new();
    status.insert("allowed".into(), Value::Bool(verdict.is_allowed()));
    if verdict.decision == crate::decision::Decision::Deny {
        status.insert("denied".into(), Value::Bool(true));
    }
    if !verdict.reason.is_empty() {
        status.insert("reason".into(), Value::String(verdict.reason.clone()));
    }
    if !verdict.error.is_empty() {
        status.insert(
            "evaluationError".into(),
            Value::String(verdict.error.clone()),
        );
    }
    json!({
        "kind": "SubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {},
        "spec": Value::Object(spec),
        "status": Value::Object(status),
    })
}

/// YAML for a JSON value, in kubectl's style (sorted keys, block mappings, `- ` lists at the
/// key's indentation, quoted when needed).
pub(crate) fn to_yaml(v: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    match v {
        Value::Object(m) => {
            // kubectl prints YAML through sigs.k8s.io/yaml, whose encoder sorts mapping keys.
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (k, val) in entries {
                match val {
                    Value::Object(inner) if inner.is_empty() => {
                        out.push_str(&format!("{pad}{k}: {{}}\n"))
                    }
                    Value::Object(_) => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        out.push_str(&to_yaml(val, indent + 2));
                    }
                    Value::Array(items) if items.is_empty() => {
                        out.push_str(&format!("{pad}{k}: []\n"))
                    }
                    Value::Array(items) => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        for item in items {
                            match item {
                                // A mapping in a list: `- ` takes the place of the first
                                // key's indentation.
                                Value::Object(inner) if !inner.is_empty() => {
                                    let block = to_yaml(item, indent + 2);
                                    out.push_str(&format!("{pad}- {}", &block[indent + 2..]));
                                }
                                _ => out.push_str(&format!("{pad}- {}\n", scalar(item))),
                            }
                        }
                    }
                    other => out.push_str(&format!("{pad}{k}: {}\n", scalar(other))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let plain = !s.is_empty()
                && !s.contains([
                    '\n', '"', '\'', '#', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%',
                    '@', '`',
                ])
                && !s.contains(": ")
                && !s.ends_with(':')
                && !s.starts_with([' ', '-', '?', ':'])
                && !s.ends_with(' ')
                && !matches!(
                    s.to_lowercase().as_str(),
                    "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
                )
                && s.parse::<f64>().is_err();
            if plain {
                s.clone()
            } else {
                serde_json::to_string(s).unwrap_or_default()
            }
        }
        other => other.to_string(),
    }
}
