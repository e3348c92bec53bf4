//! `kauthz who-can` and `kauthz where-can`: who may make a request, and where a user may.

use std::io::IsTerminal;

use clap::{Args, ValueEnum};

use super::{EXIT_NO, EXIT_YES, PolicyArgs, fail, load_workspace, write_stdout};
use crate::diagnostics::Problem;
use crate::discovery::not_namespaced_warning;
use crate::engine::Workspace;
use crate::query::where_can::{WhereCan, where_can};
use crate::query::who_can::{WhoCan, who_can, who_can_all_namespaces};
use crate::question::{Question, RequestSpec, question};

/// The user `who-can` resolves its request with; the request's user plays no part.
const NOBODY: &str = "kauthz:who-can";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
}

#[derive(Args, Debug)]
pub struct WhoCanArgs {
    /// The verb: get, list, create, ..., use, bind, escalate, impersonate, approve (URLs: get,
    /// post, ...)
    pub verb: String,
    /// TYPE[.GROUP], TYPE[.GROUP]/NAME, or a non-resource URL starting with `/`
    pub target: String,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The namespace of the request [default: default]
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Cluster-wide grants once, then namespaced grants per namespace
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// A subresource, such as `log` or `scale`
    #[arg(long, value_name = "SUB")]
    pub subresource: Option<String>,
    /// Print the answer as JSON
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,
}

#[derive(Args, Debug)]
pub struct WhereCanArgs {
    /// The verb
    pub verb: String,
    /// TYPE[.GROUP], TYPE[.GROUP]/NAME, or a non-resource URL starting with `/`
    pub target: String,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The user to check (`system:serviceaccount:NS:NAME` for a service account)
    #[arg(long = "as", value_name = "USER")]
    pub as_user: Option<String>,
    /// A group of the user. Repeatable
    #[arg(long = "as-group", value_name = "GROUP")]
    pub as_group: Vec<String>,
    /// A subresource, such as `log` or `scale`
    #[arg(long, value_name = "SUB")]
    pub subresource: Option<String>,
    /// Print the answer as JSON
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,
}

/// Loads the policy and resolves the request as `can-i` does; prints kubectl's warnings,
/// except the "not namespace scoped" one when no namespace was given: kubectl warns because
/// its context always has a namespace; these commands are not kubectl and have none to
/// ignore. With an explicit `-n` the warning is right and stays.
pub(super) fn load_and_ask(
    policy: &PolicyArgs,
    spec: &RequestSpec,
) -> Result<(Workspace, Question), u8> {
    let ws = load_workspace(policy, false)?;
    let q = question(spec, &ws.discovery).map_err(fail)?;
    let mut stderr = q.stderr.clone();
    if spec.namespace.is_none() && q.review.resource_request {
        let warning = format!(
            "{}\n\n",
            not_namespaced_warning(&q.review.api_group, &q.review.resource)
        );
        stderr = stderr.replacen(&warning, "", 1);
    }
    eprint!("{stderr}");
    Ok((ws, q))
}

pub fn run_who_can(args: WhoCanArgs) -> u8 {
    let spec = RequestSpec {
        verb: args.verb.clone(),
        target: args.target.clone(),
        as_user: Some(NOBODY.into()),
        as_group: Vec::new(),
        namespace: args.namespace.clone(),
        all_namespaces: args.all_namespaces,
        subresource: args.subresource.clone(),
    };
    let (ws, q) = match load_and_ask(&args.policy, &spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // The real request: a cluster-scoped resource carries no namespace.
    let per_namespace = args.all_namespaces
        && q.real.resource_request
        && ws
            .discovery
            .is_namespaced(&q.real.api_group, &q.real.resource)
            != Some(false);
    let answer = if per_namespace {
        who_can_all_namespaces(&ws, &q.real)
    } else {
        who_can(&ws, &q.real)
    };
    let text = match args.output {
        Some(Format::Json) => serde_json::to_string_pretty(&answer).unwrap_or_default() + "\n",
        None => who_can_text(&answer, args.all_namespaces),
    };
    write_stdout(text.as_bytes());
    EXIT_YES
}

/// Aligns columns with two spaces between them (the last column is not padded).
pub(super) fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            line.push_str(c);
            if i + 1 < r.len() {
                let pad = widths[i] - c.chars().count() + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Colour on a terminal only, and never with NO_COLOR.
pub(super) fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn who_can_text(answer: &WhoCan, all_namespaces: bool) -> String {
    let target = answer.request.target();
    let mut out = String::new();
    for (i, section) in answer.sections.iter().enumerate() {
        let heading = if all_namespaces && i == 0 && answer.sections.len() > 1 {
            format!(
                "Who can {} {target} in all namespaces (cluster-wide grants, valid in every namespace):",
                answer.request.verb
            )
        } else if all_namespaces && i == 0 {
            format!(
                "Who can {} {target} in all namespaces:",
                answer.request.verb
            )
        } else if all_namespaces && section.namespace.is_empty() {
            "Also across all namespaces at once, but in no single namespace (ABAC lines for no namespace):".to_string()
        } else if all_namespaces {
            format!("Also in namespace {} (grants there):", section.namespace)
        } else if section.namespace.is_empty() {
            format!("Who can {} {target}:", answer.request.verb)
        } else {
            format!(
                "Who can {} {target} in namespace {}:",
                answer.request.verb, section.namespace
            )
        };
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&heading);
        out.push_str("\n\n");
        let mut rows = vec![vec![
            "SUBJECT".to_string(),
            "GRANTED BY".to_string(),
            "SOURCE".to_string(),
        ]];
        let mut notes = Vec::new();
        for s in &section.subjects {
            for (j, g) in s.grants.iter().enumerate() {
                rows.push(vec![
                    if j == 0 {
                        s.subject.display()
                    } else {
                        String::new()
                    },
                    g.summary(),
                    g.source().to_string(),
                ]);
            }
            if let Some(n) = &s.note {
                notes.push(format!("! {}: {n}\n", s.subject.display()));
            }
        }
        out.push_str(&table(&rows));
        if !notes.is_empty() {
            out.push('\n');
            notes.iter().for_each(|n| out.push_str(n));
        }
    }
    if answer.everyone {
        out.push_str(
            "\n! AlwaysAllow is in the authorization modes: everyone can, whoever asks.\n",
        );
    }
    out
}

pub fn run_where_can(args: WhereCanArgs) -> u8 {
    if args.as_user.as_deref().unwrap_or("").is_empty() {
        return fail(Problem::error("kauthz::usage::no-identity", "no user to check: pass `--as USER`")
            .with_help("e.g. `--as jane`, `--as system:serviceaccount:ci:deployer`; add groups with `--as-group`"));
    }
    let spec = RequestSpec {
        verb: args.verb.clone(),
        target: args.target.clone(),
        as_user: args.as_user.clone(),
        as_group: args.as_group.clone(),
        namespace: None,
        all_namespaces: true,
        subresource: args.subresource.clone(),
    };
    let (ws, q) = match load_and_ask(&args.policy, &spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let namespaced = q.real.resource_request
        && ws
            .discovery
            .is_namespaced(&q.real.api_group, &q.real.resource)
            != Some(false);
    let answer = where_can(&ws, &q.real, namespaced);
    let text = match args.output {
        Some(Format::Json) => serde_json::to_string_pretty(&answer).unwrap_or_default() + "\n",
        None => where_can_text(&answer),
    };
    write_stdout(text.as_bytes());
    if answer.allowed.is_empty() && answer.cluster.is_none() {
        EXIT_NO
    } else {
        EXIT_YES
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn where_can_text(w: &WhereCan) -> String {
    let who = format!("{} (groups: {})", w.user, w.groups.join(", "));
    let what = format!("{} {}", w.request.verb, w.request.target());
    let mut out = String::new();
    if !w.namespaced {
        match &w.cluster {
            Some(g) => out.push_str(&format!(
                "{who} can {what} (not namespaced).\n\n{}\n{}\n",
                grant_reason(g),
                g.source
            )),
            None => out.push_str(&format!("{who} cannot {what} (not namespaced).\n")),
        }
        return out;
    }
    out.push_str(&format!(
        "{who} can {what} in {} of {} known namespaces.\n",
        w.allowed.len(),
        w.known_namespaces.len()
    ));
    if !w.allowed.is_empty() {
        out.push('\n');
        let mut rows = vec![vec![
            "NAMESPACE".to_string(),
            "GRANTED BY".to_string(),
            "SOURCE".to_string(),
        ]];
        for g in &w.allowed {
            rows.push(vec![g.namespace.clone(), grant_reason(g), g.source.clone()]);
        }
        out.push_str(&table(&rows));
    }
    out.push_str(&format!(
        "\nIn every namespace (also ones the policy does not mention): {}\nAcross all namespaces at once (no namespace, as `kubectl get -A`): {}\n",
        yes_no(w.every_namespace),
        yes_no(w.cluster.is_some())
    ));
    out
}

fn grant_reason(g: &crate::query::where_can::NamespaceGrant) -> String {
    if g.reason.is_empty() {
        format!("{} allows it", g.authorizer)
    } else {
        g.reason.clone()
    }
}
