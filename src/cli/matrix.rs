//! `kauthz matrix`: rakkess's access matrix, offline.

use clap::{Args, ValueEnum};

use super::who_can::{load_and_ask, stdout_color, table};
use super::{EXIT_YES, PolicyArgs, fail, load_workspace, write_stdout};
use crate::diagnostics::Problem;
use crate::identity::impersonated_groups;
use crate::query::matrix::{
    Access, ResourceMatrix, SubjectMatrix, resource_matrix, subject_matrix,
};
use crate::question::RequestSpec;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Args, Debug)]
pub struct MatrixArgs {
    /// TYPE[.GROUP][/NAME]: rows are the subjects who may act on it (instead of `--as`)
    pub target: Option<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The user whose access to draw: rows are resources
    #[arg(long = "as", value_name = "USER")]
    pub as_user: Option<String>,
    /// A group of the user. Repeatable
    #[arg(long = "as-group", value_name = "GROUP")]
    pub as_group: Vec<String>,
    /// Only namespaced resources, asked in this namespace [default: all namespaces at once]
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// All namespaces at once (the default, as rakkess without a namespace)
    #[arg(short = 'A', long, conflicts_with = "namespace")]
    pub all_namespaces: bool,
    /// The verb columns, comma-separated
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "VERBS",
        default_value = "get,list,watch,create,update,patch,delete,deletecollection"
    )]
    pub verbs: Vec<String>,
    /// Cells as `yes` / `no` / `n/a` instead of ✔ / ✖ / blank
    #[arg(long)]
    pub ascii: bool,
    /// Print JSON or CSV instead of a table
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,
}

pub fn run(args: MatrixArgs) -> u8 {
    let verbs: Vec<String> = args
        .verbs
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if verbs.is_empty() {
        return fail(
            Problem::error("kauthz::usage::verbs", "`--verbs` names no verb")
                .with_help("e.g. `--verbs get,list,delete`"),
        );
    }
    let namespace = args.namespace.clone().unwrap_or_default();
    match (&args.target, &args.as_user) {
        (Some(_), Some(_)) => fail(
            Problem::error(
                "kauthz::usage::matrix",
                "`matrix TYPE` and `--as` cannot be used together",
            )
            .with_help("`matrix --as USER` draws one user's access to every resource; `matrix TYPE` draws every subject's access to one resource"),
        ),
        (None, None) => fail(
            Problem::error("kauthz::usage::matrix", "nothing to draw: pass `--as USER` or a TYPE")
                .with_help("e.g. `kauthz matrix --as jane -n dev` or `kauthz matrix secrets -n prod`"),
        ),
        (None, Some(user)) if user.is_empty() => fail(Problem::error(
            "kauthz::usage::no-identity",
            "no user to check: `--as` is empty",
        )
        .with_help("e.g. `--as jane`")),
        (None, Some(user)) => {
            let ws = match load_workspace(&args.policy, false) {
                Ok(w) => w,
                Err(code) => return code,
            };
            let groups = impersonated_groups(user, &args.as_group);
            let m = resource_matrix(&ws, user, &groups, &namespace, &verbs);
            write_stdout(render_resources(&m, &args).as_bytes());
            EXIT_YES
        }
        (Some(target), None) => {
            let spec = RequestSpec {
                verb: verbs[0].clone(),
                target: target.clone(),
                as_user: Some("kauthz:matrix".into()),
                as_group: Vec::new(),
                namespace: args.namespace.clone(),
                all_namespaces: args.namespace.is_none(),
                subresource: None,
            };
            let (ws, q) = match load_and_ask(&args.policy, &spec) {
                Ok(x) => x,
                Err(code) => return code,
            };
            let served = if q.real.resource_request {
                ws.discovery
                    .lookup(&q.real.api_group, &q.real.resource)
                    .map(|r| r.verbs.clone())
            } else {
                None
            };
            let m = subject_matrix(&ws, &q.real, &verbs, served.as_deref());
            write_stdout(render_subjects(&m, &args).as_bytes());
            EXIT_YES
        }
    }
}

fn cell(a: Access, ascii: bool) -> &'static str {
    match (a, ascii) {
        (Access::Allowed, false) => "✔",
        (Access::Denied, false) => "✖",
        (Access::NotApplicable, false) => "",
        (Access::Allowed, true) => "yes",
        (Access::Denied, true) => "no",
        (Access::NotApplicable, true) => "n/a",
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_cell(a: Access) -> &'static str {
    match a {
        Access::Allowed => "yes",
        Access::Denied => "no",
        Access::NotApplicable => "n/a",
    }
}

/// Renders the grid; colour codes are added after alignment so widths stay right.
fn grid(header: Vec<String>, rows: Vec<(Vec<String>, Vec<Access>)>, ascii: bool) -> String {
    let color = stdout_color() && !ascii;
    let mut cells: Vec<Vec<String>> = vec![header];
    for (intro, access) in &rows {
        let mut r = intro.clone();
        r.extend(access.iter().map(|a| cell(*a, ascii).to_string()));
        cells.push(r);
    }
    let text = table(&cells);
    if !color {
        return text;
    }
    text.replace('✔', "\x1b[32m✔\x1b[0m")
        .replace('✖', "\x1b[31m✖\x1b[0m")
}

/// The matrix's rows as CSV: the label columns, then one column per verb.
fn csv(header: &[String], rows: &[(Vec<String>, Vec<Access>)]) -> String {
    let mut out = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for (labels, cells) in rows {
        let labels: Vec<String> = labels.iter().map(|l| csv_field(l)).collect();
        out.push_str(&labels.join(","));
        for c in cells {
            out.push(',');
            out.push_str(csv_cell(*c));
        }
        out.push('\n');
    }
    out
}

/// The header: `labels`, then the verbs in capitals.
fn header(labels: &[&str], verbs: &[String]) -> Vec<String> {
    let mut header: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    header.extend(verbs.iter().map(|v| v.to_uppercase()));
    header
}

fn render_resources(m: &ResourceMatrix, args: &MatrixArgs) -> String {
    if args.output == Some(Format::Json) {
        return serde_json::to_string_pretty(m).unwrap_or_default() + "\n";
    }
    let header = header(&["NAME"], &m.verbs);
    let rows: Vec<_> = m
        .rows
        .iter()
        .map(|r| (vec![r.name.clone()], r.cells.clone()))
        .collect();
    if args.output == Some(Format::Csv) {
        return csv(&header, &rows);
    }
    let scope = if m.namespace.is_empty() {
        "all namespaces at once (cluster-wide grants only), every resource".to_string()
    } else {
        format!("namespace {}, namespaced resources", m.namespace)
    };
    format!(
        "Access of {} (groups: {}) in {scope}:\n\n{}",
        m.user,
        m.groups.join(", "),
        grid(header, rows, args.ascii)
    )
}

fn render_subjects(m: &SubjectMatrix, args: &MatrixArgs) -> String {
    if args.output == Some(Format::Json) {
        return serde_json::to_string_pretty(m).unwrap_or_default() + "\n";
    }
    let header = header(&["KIND", "NAMESPACE", "NAME"], &m.verbs);
    let rows: Vec<_> = m
        .rows
        .iter()
        .map(|r| {
            let labels = vec![
                r.subject.kind.clone(),
                r.subject.namespace.clone(),
                subject_name(&r.subject),
            ];
            (labels, r.cells.clone())
        })
        .collect();
    if args.output == Some(Format::Csv) {
        return csv(&header, &rows);
    }
    let scope = if m.namespace.is_empty() {
        "all namespaces at once (cluster-wide grants only)".to_string()
    } else {
        format!("namespace {}", m.namespace)
    };
    format!(
        "Who can act on {} in {scope}:\n\n{}",
        m.target,
        grid(header, rows, args.ascii)
    )
}

/// The NAME column: the name, and for a conjunctive ABAC subject the group it needs.
fn subject_name(s: &crate::query::SubjectRef) -> String {
    if s.is_conjunctive() {
        format!("{} + Group {}", s.name, s.in_group)
    } else {
        s.name.clone()
    }
}
