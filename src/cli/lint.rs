//! `kauthz lint` and `kauthz rules`: policy linting for CI, and the rules' documentation.

use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::{EXIT_ERROR, EXIT_NO, EXIT_YES, PolicyArgs, fail, load_workspace_with, render};
use crate::abac::parse_policy_file;
use crate::diagnostics::Problem;
use crate::engine::Workspace;
use crate::lint::config::{FILE_NAME, LintConfig, parse};
use crate::lint::rules::{closest_id, find, registry};
use crate::lint::{AbacInput, Context, Finding, IGNORE_ANNOTATION, Level, RuleInfo, output};
use crate::model::Origin;

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Policy files or directories to lint (the same as `-f`)
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "human", value_name = "FORMAT")]
    pub format: LintFormat,
    /// Exit 1 when a finding at or above this level is reported
    #[arg(long, value_enum, default_value = "error", value_name = "LEVEL")]
    pub fail_on: FailOn,
    /// Settings file [default: the first `.kauthz.yaml` found walking up from the current directory]
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// Ignore any `.kauthz.yaml`
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Run only these rules or categories (comma-separated; replaces the file's `select`)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not run these rules or categories (comma-separated; added to the file's `ignore`)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
}

/// Checks rule ids and category names given on the command line.
fn check_ids(ids: &[String], flag: &str) -> Result<(), u8> {
    for id in ids {
        if find(id).is_some() || matches!(id.as_str(), "correctness" | "security" | "abac") {
            continue;
        }
        let help = match closest_id(id) {
            Some(s) => format!("did you mean `{s}`? `kauthz rules` lists every rule"),
            None => "`kauthz rules` lists every rule".into(),
        };
        return Err(fail(
            Problem::error(
                "kauthz::usage::unknown-rule",
                format!("`{flag} {id}`: unknown rule"),
            )
            .with_help(help),
        ));
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// miette reports pointing at the YAML, then a summary
    Human,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// JUnit XML
    Junit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn level(self) -> Option<Level> {
        match self {
            FailOn::Error => Some(Level::Error),
            FailOn::Warning => Some(Level::Warning),
            FailOn::Info => Some(Level::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// A rule id: print its documentation
    pub id: Option<String>,
}

/// The `.kauthz.yaml` in `dir` or the nearest directory above it.
fn find_config(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

fn load_config(args: &LintArgs) -> Result<LintConfig, u8> {
    if args.no_config {
        return Ok(LintConfig::default());
    }
    let path = match &args.config {
        Some(p) => PathBuf::from(p),
        None => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            match find_config(&cwd) {
                Some(p) => p,
                None => return Ok(LintConfig::default()),
            }
        }
    };
    let shown = match std::env::current_dir() {
        Ok(cwd) => path
            .strip_prefix(&cwd)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| path.display().to_string()),
        Err(_) => path.display().to_string(),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            return Err(fail(
                Problem::error(
                    "kauthz::config::unreadable",
                    format!("cannot read `{shown}`: {}", e.to_string().to_lowercase()),
                )
                .with_help("check the path given with `--config`")
                .in_file(&shown),
            ));
        }
    };
    parse(&shown, &text).map_err(|problems| {
        render::print_problems(&problems);
        EXIT_ERROR
    })
}

/// Unknown rule ids in `kauthz.dev/ignore` annotations: errors with "did you mean".
fn annotation_problems(ws: &Workspace, cx: &Context<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    let metas = cx
        .user_roles()
        .map(|r| &r.meta)
        .chain(cx.user_bindings().map(|b| &b.meta));
    for meta in metas {
        for id in crate::lint::ignore_list(meta) {
            if id == "all" || find(id).is_some() {
                continue;
            }
            let at = cx.field_origin(
                &meta.origin,
                &["metadata", "annotations", IGNORE_ANNOTATION],
            );
            let help = match closest_id(id) {
                Some(s) => format!("did you mean `{s}`? `kauthz rules` lists every rule"),
                None => "`kauthz rules` lists every rule; `all` ignores every rule".into(),
            };
            let mut p = Problem::error(
                "kauthz::lint::unknown-rule",
                format!("`{IGNORE_ANNOTATION}` names unknown rule `{id}`"),
            )
            .with_help(help);
            if let Some(text) = cx.text(at.source) {
                let path = ws.source_path(&at).unwrap_or("");
                let text: Arc<str> = Arc::from(text);
                p = p.at(path, &text, at.offset as usize, at.len as usize);
            }
            out.push(p);
        }
    }
    out
}

pub fn run(mut args: LintArgs) -> u8 {
    if let Err(code) =
        check_ids(&args.select, "--select").and_then(|_| check_ids(&args.ignore, "--ignore"))
    {
        return code;
    }
    let mut config = match load_config(&args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if !args.select.is_empty() {
        config.select = std::mem::take(&mut args.select);
    }
    config.ignore.append(&mut args.ignore);
    let mut policy = args.policy.clone();
    policy.filename.append(&mut args.paths);
    if policy.filename.is_empty() && policy.abac.is_none() {
        return fail(
            Problem::error(
                "kauthz::usage::no-input",
                "nothing to lint: name files or directories",
            )
            .with_help("e.g. `kauthz lint manifests/` or `kauthz lint -f rbac.yaml`"),
        );
    }
    // The ABAC file is linted here (its line problems become findings), not loaded as a mode.
    let abac_path = policy.abac.take();
    policy.authorization_mode = None;
    let ws = match load_workspace_with(&policy, false, true) {
        Ok(w) => w,
        Err(code) => return code,
    };
    // A malformed document was reported above; its objects are missing, so lint cannot pass.
    let mut input_error = ws.input_errors > 0;
    let abac = match &abac_path {
        None => None,
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let (p, problems) = parse_policy_file(path, &text);
                Some((path.clone(), text, p, problems))
            }
            Err(e) => {
                return fail(
                    Problem::error(
                        "kauthz::load::unreadable",
                        format!(
                            "cannot read ABAC policy file `{path}`: {}",
                            e.to_string().to_lowercase()
                        ),
                    )
                    .with_help("check the path given with `--abac`")
                    .in_file(path),
                );
            }
        },
    };
    let rbac = ws.chain.rbac();
    let settings = config.settings();
    let abac_source = ws.sources.len() as u32;
    let abac_input = abac.as_ref().map(|(_, text, p, problems)| AbacInput {
        policy: p,
        problems,
        source: abac_source,
        text,
    });
    let cx = Context::new(
        rbac.policy(),
        rbac.graph(),
        &ws.discovery,
        &ws.sources,
        abac_input,
        &settings,
    );
    let problems = annotation_problems(&ws, &cx);
    if !problems.is_empty() {
        render::print_problems(&problems);
        input_error = true;
    }
    let level_of = |info: &RuleInfo| config.level(info);
    let mut findings = crate::lint::run(&cx, &level_of);
    let path_of = |o: &Origin| -> String {
        if o.source == abac_source {
            return abac_path.clone().unwrap_or_default();
        }
        ws.source_path(o).unwrap_or("built-in").to_string()
    };
    findings.retain(|f| !config.path_ignored(&path_of(&f.at)));
    let ran: Vec<&RuleInfo> = registry()
        .iter()
        .map(|r| r.info())
        .filter(|i| config.level(i).is_some())
        .collect();
    let text = match args.format {
        LintFormat::Json => output::json(&findings, &path_of),
        LintFormat::Sarif => output::sarif(&findings, &ran, &path_of),
        LintFormat::Github => output::github(&findings, &path_of),
        LintFormat::Junit => output::junit(&findings, &ran, &path_of, args.fail_on.level()),
        LintFormat::Human => human(&findings, &cx, &path_of, ws.sources.len()),
    };
    let wrote = super::write_stdout(text.as_bytes());
    let failed = match args.fail_on.level() {
        Some(l) => findings.iter().any(|f| f.level >= l),
        None => false,
    };
    // The process ends here: freeing the policy, the texts and the parsed nodes one by one
    // would only cost time (a tenth of a large run).
    std::mem::forget(findings);
    std::mem::forget(cx);
    std::mem::forget(ws);
    if !wrote {
        return EXIT_YES;
    }
    if input_error {
        return EXIT_ERROR;
    }
    if failed { EXIT_NO } else { EXIT_YES }
}

/// A finding as a miette diagnostic: the primary label, same-file related labels beside it,
/// related places in other files as related diagnostics with their own source.
struct LintReport {
    code: String,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<LintReport>,
}

impl fmt::Debug for LintReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for LintReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LintReport {}

impl Diagnostic for LintReport {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

fn severity(l: Level) -> miette::Severity {
    match l {
        Level::Error => miette::Severity::Error,
        Level::Warning => miette::Severity::Warning,
        Level::Info => miette::Severity::Advice,
    }
}

fn span(o: &Origin, text: &str) -> miette::SourceSpan {
    let start = (o.offset as usize).min(text.len());
    let len = (o.len as usize).min(text.len() - start);
    // Long spans (a whole rule or object) are labelled at their first line only.
    let first_line = text[start..start + len].find('\n').unwrap_or(len);
    miette::SourceSpan::new(start.into(), first_line)
}

fn report(f: &Finding, cx: &Context<'_>, path_of: &dyn Fn(&Origin) -> String) -> LintReport {
    let text = cx.text(f.at.source).map(Arc::<str>::from);
    let mut labels = Vec::new();
    let mut related = Vec::new();
    if let Some(t) = &text {
        labels.push(LabeledSpan::new_with_span(
            (!f.label.is_empty()).then(|| f.label.clone()),
            span(&f.at, t),
        ));
    }
    for r in &f.related {
        match (&text, cx.text(r.at.source)) {
            (Some(t), Some(_)) if r.at.source == f.at.source => {
                labels.push(LabeledSpan::new_with_span(
                    Some(r.label.clone()),
                    span(&r.at, t),
                ));
            }
            (_, Some(other)) => {
                let other: Arc<str> = Arc::from(other);
                related.push(LintReport {
                    code: String::new(),
                    severity: miette::Severity::Advice,
                    message: format!(
                        "{}:{}:{}: {}",
                        path_of(&r.at),
                        r.at.line,
                        r.at.column,
                        r.label
                    ),
                    help: None,
                    labels: vec![LabeledSpan::new_with_span(
                        Some(r.label.clone()),
                        span(&r.at, &other),
                    )],
                    source: Some(NamedSource::new(path_of(&r.at), other)),
                    related: Vec::new(),
                });
            }
            _ => {}
        }
    }
    let message = if text.is_some() {
        f.message.clone()
    } else {
        format!(
            "{}:{}:{}: {}",
            path_of(&f.at),
            f.at.line,
            f.at.column,
            f.message
        )
    };
    LintReport {
        code: format!("kauthz::lint::{}", f.rule),
        severity: severity(f.level),
        message,
        help: (!f.help.is_empty()).then(|| f.help.clone()),
        source: text.map(|t| NamedSource::new(path_of(&f.at), t)),
        labels,
        related,
    }
}

fn human(
    findings: &[Finding],
    cx: &Context<'_>,
    path_of: &dyn Fn(&Origin) -> String,
    files: usize,
) -> String {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for f in findings {
        let r = report(f, cx, path_of);
        let mut s = String::new();
        if handler.render_report(&mut s, &r).is_err() {
            s = format!("{}: {}\n", f.rule, f.message);
        }
        out.push_str(&s);
        out.push('\n');
    }
    let c = crate::lint::counts(findings);
    let n = |l: Level| c.get(&l).copied().unwrap_or(0);
    let plural = |k: usize, w: &str| {
        if k == 1 {
            format!("{k} {w}")
        } else {
            format!("{k} {w}s")
        }
    };
    out.push_str(&format!(
        "kauthz lint: {}, {}, {} in {}\n",
        plural(n(Level::Error), "error"),
        plural(n(Level::Warning), "warning"),
        n(Level::Info).to_string() + " info",
        plural(files, "file"),
    ));
    out
}

pub fn run_rules(args: RulesArgs) -> u8 {
    let text = match &args.id {
        Some(id) => match find(id) {
            Some(rule) => {
                let i = rule.info();
                format!(
                    "# {} ({}, default level {})\n\n{}\n\n{}",
                    i.id,
                    i.category,
                    i.level,
                    i.summary,
                    i.documentation().trim()
                ) + "\n"
            }
            None => {
                let help = match closest_id(id) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "`kauthz rules` lists every rule".into(),
                };
                return fail(
                    Problem::error(
                        "kauthz::usage::unknown-rule",
                        format!("unknown rule `{id}`"),
                    )
                    .with_help(help),
                );
            }
        },
        None => {
            let width = registry()
                .iter()
                .map(|r| r.info().id.len())
                .max()
                .unwrap_or(0);
            let mut s = format!(
                "{:width$}  {:11}  {:7}  SUMMARY\n",
                "ID", "CATEGORY", "LEVEL"
            );
            for r in registry() {
                let i = r.info();
                s.push_str(&format!(
                    "{:width$}  {:11}  {:7}  {}\n",
                    i.id,
                    i.category.as_str(),
                    i.level.as_str(),
                    i.summary
                ));
            }
            s
        }
    };
    let _ = super::write_stdout(text.as_bytes());
    EXIT_YES
}
