//! The command line: flags in, settings compiled, commands run, outcome mapped to an exit code.
//! Printing happens here and nowhere else in the library.

mod can_i;
mod diff;
mod eval;
mod explain;
mod graph;
mod lint;
mod matrix;
mod render;
mod test;
mod who_can;

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use globset::{Glob, GlobSetBuilder};

use crate::abac::{AbacPolicy, parse_policy_file};
use crate::chain::{Mode, default_modes, parse_modes};
use crate::diagnostics::{Problem, Severity};
use crate::engine::{EngineOptions, Workspace};
use crate::loader::{Input, LoadOptions, load};
use crate::question::RequestSpec;

/// Exit codes, as `kubectl auth can-i` uses 0 and 1.
pub const EXIT_YES: u8 = 0;
pub const EXIT_NO: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "kauthz",
    version,
    about = "Answer Kubernetes authorization questions offline, exactly as a kube-apiserver would",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check whether an action is allowed, as `kubectl auth can-i` does, offline
    #[command(name = "can-i")]
    CanI(can_i::CanIArgs),
    /// Explain why a request is allowed or denied: each authorizer, each binding and rule,
    /// near misses, and the smallest fix (proved by re-evaluation)
    Explain(explain::ExplainArgs),
    /// List every subject allowed to make a request, with the bindings and roles that grant it
    #[command(name = "who-can")]
    WhoCan(who_can::WhoCanArgs),
    /// List the namespaces in which a user may make a request
    #[command(name = "where-can")]
    WhereCan(who_can::WhereCanArgs),
    /// Draw an access matrix (resources × verbs for a user, or subjects × verbs for a resource)
    Matrix(matrix::MatrixArgs),
    /// Export the subject → binding → role → rule graph as DOT, Mermaid or JSON
    Graph(graph::GraphArgs),
    /// Effective permissions gained and lost between two policies, per subject
    Diff(diff::DiffArgs),
    /// Check assertion files (`tests:` lists of allow / deny / who-can) against the policy
    Test(test::TestArgs),
    /// Lint RBAC manifests (and an ABAC file) for mistakes and risky grants
    Lint(lint::LintArgs),
    /// List the lint rules, or print one rule's documentation
    Rules(lint::RulesArgs),
    /// Decide access requests given as JSON lines; one JSON answer per line
    Eval(eval::EvalArgs),
}

/// Where the policy comes from and which authorizers run: shared by every command.
#[derive(Args, Debug, Clone)]
pub struct PolicyArgs {
    /// Policy files or directories (walked for .yaml, .yml, .json); `-` reads stdin. Repeatable
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filename: Vec<String>,
    /// Skip files and directories whose path or name matches this glob. Repeatable
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// An ABAC policy file, as the server's --authorization-policy-file (JSON lines)
    #[arg(long, value_name = "FILE")]
    pub abac: Option<String>,
    /// Authorizers in order, comma-separated: RBAC, ABAC, AlwaysAllow, AlwaysDeny
    /// [default: RBAC, or ABAC,RBAC with --abac]
    #[arg(long = "authorization-mode", value_name = "MODES")]
    pub authorization_mode: Option<String>,
    /// Leave out the built-in default policy (cluster-admin, system:discovery, ...)
    #[arg(long)]
    pub no_bootstrap: bool,
    /// Treat any problem in the input as fatal (exit 2)
    #[arg(long)]
    pub strict: bool,
}

/// Who asks and where: the request flags `can-i` and `explain` share (kubectl's `auth can-i`).
#[derive(Args, Debug, Clone)]
pub struct RequestArgs {
    /// The user to check (`system:serviceaccount:NS:NAME` for a service account)
    #[arg(long = "as", value_name = "USER")]
    pub as_user: Option<String>,
    /// A group of the user. Repeatable
    #[arg(long = "as-group", value_name = "GROUP")]
    pub as_group: Vec<String>,
    /// The namespace of the request
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Ask about all namespaces (the request has no namespace)
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// A subresource, such as `log` or `scale`
    #[arg(long, value_name = "SUB")]
    pub subresource: Option<String>,
}

impl RequestArgs {
    /// The question these flags ask with `verb` and `target`, as the library takes it.
    pub fn spec(&self, verb: &Option<String>, target: &Option<String>) -> RequestSpec {
        RequestSpec {
            verb: verb.clone().unwrap_or_default(),
            target: target.clone().unwrap_or_default(),
            as_user: self.as_user.clone(),
            as_group: self.as_group.clone(),
            namespace: self.namespace.clone(),
            all_namespaces: self.all_namespaces,
            subresource: self.subresource.clone(),
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_YES };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::CanI(args) => can_i::run(args),
        Command::Eval(args) => eval::run(args),
        Command::WhoCan(args) => who_can::run_who_can(args),
        Command::WhereCan(args) => who_can::run_where_can(args),
        Command::Matrix(args) => matrix::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Test(args) => test::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Rules(args) => lint::run_rules(args),
    };
    ExitCode::from(code)
}

/// A fatal error for the user: rendered as a miette report, exit 2.
pub(crate) fn fail(problem: Problem) -> u8 {
    render::print_problems(&[problem]);
    EXIT_ERROR
}

/// Loads everything `PolicyArgs` names and builds the chain. Problems are printed; the
/// result is `Err(exit code)` when loading cannot go on.
pub(crate) fn load_workspace(args: &PolicyArgs, stdin_taken: bool) -> Result<Workspace, u8> {
    load_workspace_with(args, stdin_taken, false)
}

/// As [`load_workspace`]; `keep_text` keeps each file's text for diagnostics that point into it.
pub(crate) fn load_workspace_with(
    args: &PolicyArgs,
    stdin_taken: bool,
    keep_text: bool,
) -> Result<Workspace, u8> {
    let mut globs = GlobSetBuilder::new();
    for g in &args.exclude {
        match Glob::new(g) {
            Ok(glob) => {
                globs.add(glob);
            }
            Err(e) => {
                return Err(fail(
                    Problem::error(
                        "kauthz::usage::bad-glob",
                        format!("`--exclude {g}` is not a valid glob: {}", e.kind()),
                    )
                    .with_help("use glob syntax such as `**/test/**` or `*.generated.yaml`"),
                ));
            }
        }
    }
    let exclude = match globs.build() {
        Ok(set) if !args.exclude.is_empty() => Some(set),
        _ => None,
    };
    let inputs: Vec<Input> = args.filename.iter().map(|f| Input::from_arg(f)).collect();
    if stdin_taken && inputs.contains(&Input::Stdin) {
        return Err(fail(
            Problem::error(
                "kauthz::usage::stdin-twice",
                "`-f -` and the requests both read stdin",
            )
            .with_help("give the requests with `--requests FILE`, or the policy as a file"),
        ));
    }
    let modes = match &args.authorization_mode {
        None => default_modes(args.abac.is_some()),
        Some(list) => match parse_modes(list, args.abac.is_some()) {
            Ok(m) => m,
            Err(e) => {
                return Err(fail(
                    Problem::error("kauthz::usage::authorization-mode", e.message)
                        .with_help(e.help),
                ));
            }
        },
    };
    let loaded = load(&inputs, &LoadOptions { exclude, keep_text });
    let mut problems = loaded.problems.clone();
    let abac = match &args.abac {
        None => None,
        Some(path) => match read_abac(path, &mut problems) {
            Some(p) => Some(p),
            None => return Err(EXIT_ERROR),
        },
    };
    if args.abac.is_some() && !modes.contains(&Mode::Abac) {
        problems.push(
            Problem::warning(
                "kauthz::usage::abac-unused",
                "`--abac` is given but ABAC is not in `--authorization-mode`",
            )
            .with_help("add ABAC to the mode list, e.g. `--authorization-mode ABAC,RBAC`"),
        );
    }
    render::print_problems(&problems);
    if args.strict && !problems.is_empty() {
        return Err(EXIT_ERROR);
    }
    if problems
        .iter()
        .any(|p| p.severity == Severity::Error && p.code == "kauthz::load::unreadable")
    {
        // A policy path that cannot be read means the answer would be about another policy.
        return Err(EXIT_ERROR);
    }
    let options = EngineOptions {
        builtin: !args.no_bootstrap,
        modes,
    };
    Ok(Workspace::new(loaded, abac, &options))
}

fn read_abac(path: &str, problems: &mut Vec<Problem>) -> Option<AbacPolicy> {
    match std::fs::read(path) {
        Err(e) => {
            render::print_problems(&[Problem::error(
                "kauthz::load::unreadable",
                format!(
                    "cannot read ABAC policy file `{path}`: {}",
                    e.to_string().to_lowercase()
                ),
            )
            .with_help("check the path given with `--abac`")
            .in_file(path)]);
            None
        }
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let (policy, mut p) = parse_policy_file(path, &text);
            problems.append(&mut p);
            Some(policy)
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub(crate) fn write_stdout(bytes: &[u8]) -> bool {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|_| out.flush()).is_ok()
}
