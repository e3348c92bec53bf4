//! `kauthz diff BASE HEAD` / `kauthz diff --git REV PATH...`: effective permissions gained and
//! lost, per subject. Reading a git revision happens here (git plumbing, no checkout); the
//! comparison is `crate::diff`.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap::{Args, ValueEnum};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde_json::{Value, json};

use super::{EXIT_ERROR, EXIT_NO, EXIT_YES, fail, render, write_stdout};
use crate::chain::Mode;
use crate::diagnostics::{Problem, Severity};
use crate::diff::{Change, PolicyDiff, Scope, SubjectDiff, diff, via_binding, via_rule_origin};
use crate::engine::{EngineOptions, Workspace};
use crate::loader::{Input, LoadOptions, Loaded, load, load_texts};
use crate::model::BindingKind;

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// BASE and HEAD (files or directories); with `--git REV`, one or more paths compared
    /// between REV and the working tree
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,
    /// Read BASE as the given paths were at this git revision (no checkout needed)
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,
    /// Output format: human (default), json, github (workflow annotations), sarif (2.1.0)
    #[arg(
        short = 'o',
        long = "format",
        visible_alias = "output",
        value_enum,
        value_name = "FORMAT",
        default_value = "human"
    )]
    pub format: Format,
    /// Exit 1 when the diff has risky gains (`risky`), any change (`any`), or never
    #[arg(
        long = "fail-on",
        value_enum,
        value_name = "WHEN",
        default_value = "never"
    )]
    pub fail_on: FailOn,
    /// Skip files and directories whose path or name matches this glob. Repeatable
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Leave out the built-in default policy on both sides
    #[arg(long)]
    pub no_bootstrap: bool,
    /// Treat any problem in the input as fatal (exit 2)
    #[arg(long)]
    pub strict: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Risky,
    Any,
    Never,
}

pub fn run(args: DiffArgs) -> u8 {
    if args.git.is_none() && args.paths.len() != 2 {
        return fail(
            Problem::error(
                "kauthz::usage::diff-paths",
                format!("`kauthz diff` takes BASE and HEAD, got {} path(s)", args.paths.len()),
            )
            .with_help("e.g. `kauthz diff old/ new/`, or `kauthz diff --git main policies/` to compare with a git revision"),
        );
    }
    let exclude = match exclude_set(&args.exclude) {
        Ok(e) => e,
        Err(p) => return fail(p),
    };
    let options = LoadOptions {
        exclude: exclude.clone(),
        keep_text: false,
    };
    let (base, base_name, head, head_name) = match &args.git {
        None => {
            // Each load parses in parallel already; joining them overlaps the sequential
            // parts (reading, converting, building) of one side with the other.
            let (base, head) = rayon::join(
                || load(&[Input::Path(PathBuf::from(&args.paths[0]))], &options),
                || load(&[Input::Path(PathBuf::from(&args.paths[1]))], &options),
            );
            (base, args.paths[0].clone(), head, args.paths[1].clone())
        }
        Some(rev) => {
            let base = match load_git(rev, &args.paths, exclude.as_ref()) {
                Ok(b) => b,
                Err(p) => return fail(p),
            };
            let inputs: Vec<Input> = args.paths.iter().map(|p| Input::from_arg(p)).collect();
            let names = args.paths.join(" ");
            (
                base,
                format!("{rev}:{names}"),
                load(&inputs, &options),
                names,
            )
        }
    };
    let mut problems = base.problems.clone();
    problems.extend(head.problems.iter().cloned());
    render::print_problems(&problems);
    let unreadable = problems
        .iter()
        .any(|p| p.severity == Severity::Error && p.code == "kauthz::load::unreadable");
    if unreadable || (args.strict && !problems.is_empty()) {
        return EXIT_ERROR;
    }
    let engine = EngineOptions {
        builtin: !args.no_bootstrap,
        modes: vec![Mode::Rbac],
    };
    let (base_ws, head_ws) = rayon::join(
        || Workspace::new(base, None, &engine),
        || Workspace::new(head, None, &engine),
    );
    let result = diff(base_ws.chain.rbac(), head_ws.chain.rbac());
    let sides = Sides {
        base: &base_ws,
        head: &head_ws,
    };
    let text = match args.format {
        Format::Human => human(&result, color_stdout()),
        Format::Json => json_text(&json_report(&result, &sides, &base_name, &head_name)),
        Format::Github => github(&result, &sides),
        Format::Sarif => json_text(&sarif(&result, &sides)),
    };
    write_stdout(text.as_bytes());
    let failed = match args.fail_on {
        FailOn::Never => false,
        FailOn::Any => !result.is_empty(),
        FailOn::Risky => result.risky() > 0,
    };
    // The process ends here: freeing two indexed policies (hundreds of thousands of
    // allocations on a large cluster) would only delay the exit.
    std::mem::forget((result, base_ws, head_ws, text));
    if failed { EXIT_NO } else { EXIT_YES }
}

fn exclude_set(globs: &[String]) -> Result<Option<GlobSet>, Problem> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g).map_err(|e| {
            Problem::error(
                "kauthz::usage::bad-glob",
                format!("`--exclude {g}` is not a valid glob: {}", e.kind()),
            )
            .with_help("use glob syntax such as `**/test/**` or `*.generated.yaml`")
        })?;
        set.add(glob);
    }
    set.build()
        .map(Some)
        .map_err(|e| Problem::error("kauthz::usage::bad-glob", format!("bad `--exclude`: {e}")))
}

fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn git_problem(message: String, help: &str) -> Problem {
    Problem::error("kauthz::diff::git", message).with_help(help.to_string())
}

fn git(args: &[&str]) -> Result<Vec<u8>, Problem> {
    let out = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            git_problem(
                format!("cannot run git: {}", e.to_string().to_lowercase()),
                "`--git` needs the git command on PATH",
            )
        })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(git_problem(
            format!("`git {}` failed: {}", args.join(" "), err.trim()),
            "run kauthz inside the repository, and name a revision it has (`git log --oneline`)",
        ));
    }
    Ok(out.stdout)
}

/// Reads `paths` as they were at `rev`: `git ls-tree` lists the files (relative to the current
/// directory, as the user named them), one `git cat-file --batch` reads them all. Directories
/// keep the loader's rules: `.yaml`, `.yml`, `.json` in path order; a file named explicitly is
/// read whatever its extension.
fn load_git(rev: &str, paths: &[String], exclude: Option<&GlobSet>) -> Result<Loaded, Problem> {
    let commit = format!("{rev}^{{commit}}");
    git(&["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
        git_problem(
            format!("`{rev}` is not a git revision here"),
            "name a branch, tag or commit of the repository kauthz runs in",
        )
    })?;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut missing = Vec::new();
    for path in paths {
        let mut args = vec!["ls-tree", "-r", "-z", rev, "--", path.as_str()];
        if path == "-" {
            args.pop();
        }
        let listing = git(&args)?;
        let mut found = Vec::new();
        for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, name)) = entry.split_once('\t') else {
                continue;
            };
            let mut parts = meta.split(' ');
            let (Some(_mode), Some(kind), Some(object)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if kind != "blob" {
                continue;
            }
            let p = PathBuf::from(name);
            let named = Path::new(path.trim_end_matches('/')) == p.as_path();
            let ext_ok = p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ["yaml", "yml", "json"].contains(&e));
            let excluded = exclude
                .is_some_and(|g| g.is_match(&p) || p.file_name().is_some_and(|n| g.is_match(n)));
            if (named || ext_ok) && !excluded {
                found.push((p, object.to_string()));
            }
        }
        if found.is_empty() {
            missing.push(path.clone());
        }
        found.sort();
        files.extend(found);
    }
    let mut loaded_problems = Vec::new();
    for m in missing {
        loaded_problems.push(
            Problem::warning(
                "kauthz::diff::git-missing",
                format!("`{m}` has no policy files at `{rev}`; BASE has nothing there"),
            )
            .with_help(
                "check the path and the revision; a directory added since then is all gains",
            ),
        );
    }
    let texts = cat_files(rev, &files)?;
    let mut loaded = load_texts(texts, false);
    loaded.problems.extend(loaded_problems);
    Ok(loaded)
}

/// Reads blobs through one `git cat-file --batch`.
fn cat_files(rev: &str, files: &[(PathBuf, String)]) -> Result<Vec<(String, String)>, Problem> {
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            git_problem(
                format!("cannot run git: {}", e.to_string().to_lowercase()),
                "`--git` needs the git command on PATH",
            )
        })?;
    let request: String = files.iter().map(|(_, o)| format!("{o}\n")).collect();
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(request.as_bytes());
        }
        drop(stdin);
    });
    let mut out = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut out);
    }
    let _ = writer.join();
    let _ = child.wait();
    let mut texts = Vec::new();
    let mut pos = 0;
    for (path, _) in files {
        let name = format!("{rev}:{}", path.display());
        let bad = || {
            git_problem(
                format!("cannot read `{name}` from git"),
                "check the repository",
            )
        };
        let header_end = out[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| pos + p)
            .ok_or_else(bad)?;
        let header = String::from_utf8_lossy(&out[pos..header_end]).to_string();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)?;
        let start = header_end + 1;
        let end = start + size;
        if end > out.len() {
            return Err(bad());
        }
        let mut bytes = &out[start..end];
        pos = end + 1;
        if bytes.starts_with(b"\xef\xbb\xbf") {
            bytes = &bytes[3..];
        }
        match std::str::from_utf8(bytes) {
            Ok(t) => texts.push((name, t.to_string())),
            Err(_) => {
                return Err(Problem::error(
                    "kauthz::load::encoding",
                    format!("`{name}` is not UTF-8 text"),
                )
                .with_help("save the file as UTF-8"));
            }
        }
    }
    Ok(texts)
}

struct Sides<'a> {
    base: &'a Workspace,
    head: &'a Workspace,
}

/// One output line: an atom gained or lost, with the scopes it changed in merged.
struct Line<'a> {
    gained: bool,
    first: &'a Change,
    cluster: bool,
    namespaces: Vec<&'a str>,
}

impl Line<'_> {
    fn scope_text(&self) -> String {
        if self.cluster {
            let others = &self.first.other_side_in;
            match (others.is_empty(), self.gained) {
                (true, _) => "cluster-wide".to_string(),
                (false, true) => format!("cluster-wide (before: in {})", others.join(", ")),
                (false, false) => format!("cluster-wide (still in {})", others.join(", ")),
            }
        } else {
            format!("in {}", self.namespaces.join(", "))
        }
    }
}

/// Merges the changes of one subject into lines: one per (gained/lost, atom, cluster-wide or
/// not), namespaces listed in order. Gains first, each side sorted by atom.
fn lines(s: &SubjectDiff) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    for (gained, changes) in [(true, &s.gained), (false, &s.lost)] {
        type Key<'k> = (bool, (u8, &'k str, &'k str, &'k str, &'k str));
        let mut merged: BTreeMap<Key<'_>, Line<'_>> = BTreeMap::new();
        for c in changes {
            let cluster = c.scope.is_cluster();
            let line = merged
                .entry((!cluster, c.atom.display_key()))
                .or_insert(Line {
                    gained,
                    first: c,
                    cluster,
                    namespaces: Vec::new(),
                });
            if let Scope::Namespace(ns) = &c.scope {
                line.namespaces.push(ns);
            }
        }
        out.extend(merged.into_values());
    }
    out
}

fn summary(d: &PolicyDiff) -> String {
    if d.is_empty() {
        return "no change in effective permissions\n".to_string();
    }
    let n = d.subjects.len();
    format!(
        "{n} subject{} changed: {} permission{} gained ({} risky), {} lost\n",
        if n == 1 { "" } else { "s" },
        d.gained(),
        if d.gained() == 1 { "" } else { "s" },
        d.risky(),
        d.lost()
    )
}

/// One human line: the verbs of [`Line`]s that differ only in their verb and share the grant
/// source (same rule of the same binding), merged (`+ get, list, watch pods  in payments`).
struct HumanLine<'a> {
    gained: bool,
    verbs: Vec<&'a str>,
    /// The first line merged: its atom (for the resource text) and scope.
    line: Line<'a>,
    risks: Vec<&'static str>,
}

impl HumanLine<'_> {
    fn text(&self) -> String {
        let atom = self.line.first.atom.to_string();
        let rest = atom
            .strip_prefix(self.line.first.atom.verb())
            .unwrap_or(&atom);
        format!("{}{rest}", self.verbs.join(", "))
    }
}

/// Merges the lines of one subject by (gained/lost, resource or URL, scope, grant source),
/// keeping the order of each group's first line; verbs stay in atom order (sorted).
fn human_lines(s: &SubjectDiff) -> Vec<HumanLine<'_>> {
    type Group<'g> = (
        bool,
        (u8, &'g str, &'g str, &'g str),
        bool,
        Vec<&'g str>,
        &'g [String],
        crate::diff::Via,
    );
    let mut out: Vec<HumanLine<'_>> = Vec::new();
    let mut index: std::collections::HashMap<Group<'_>, usize> = std::collections::HashMap::new();
    for l in lines(s) {
        let (kind, group, resource, name, verb) = l.first.atom.display_key();
        let key = (
            l.gained,
            (kind, group, resource, name),
            l.cluster,
            l.namespaces.clone(),
            l.first.other_side_in.as_slice(),
            l.first.via,
        );
        let risks = if l.gained {
            l.first.risks.clone()
        } else {
            Vec::new()
        };
        match index.get(&key) {
            Some(&i) => {
                let h = &mut out[i];
                h.verbs.push(verb);
                h.risks.extend(risks);
                h.risks.sort_unstable();
                h.risks.dedup();
            }
            None => {
                index.insert(key, out.len());
                out.push(HumanLine {
                    gained: l.gained,
                    verbs: vec![verb],
                    line: l,
                    risks,
                });
            }
        }
    }
    out
}

/// Grouped by subject; `+` green and `-` red on a terminal. Verbs of the same resource,
/// scope and grant source share a line; the counts in the summary stay per verb.
pub fn human(d: &PolicyDiff, color: bool) -> String {
    let mut out = String::new();
    for s in &d.subjects {
        out.push_str(&format!("{}\n", s.identity));
        let lines = human_lines(s);
        let texts: Vec<String> = lines.iter().map(HumanLine::text).collect();
        let width = texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
        for (l, text) in lines.iter().zip(&texts) {
            let (sign, code) = if l.gained { ('+', "32") } else { ('-', "31") };
            let mut row = format!("{sign} {text:<width$}  {}", l.line.scope_text());
            if !l.risks.is_empty() {
                row.push_str(&format!("  [{}]", l.risks.join(", ")));
            }
            if color {
                out.push_str(&format!("  \x1b[{code}m{row}\x1b[0m\n"));
            } else {
                out.push_str(&format!("  {row}\n"));
            }
        }
        out.push('\n');
    }
    out.push_str(&summary(d));
    out
}

fn json_text(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn identity_json(id: &crate::diff::Identity) -> Value {
    match id {
        crate::diff::Identity::ServiceAccount { namespace, name } => {
            json!({"kind": "ServiceAccount", "namespace": namespace, "name": name})
        }
        other => {
            let name = match other {
                crate::diff::Identity::User(n) | crate::diff::Identity::Group(n) => n,
                _ => "",
            };
            json!({"kind": other.kind(), "name": name})
        }
    }
}

/// The binding and rule behind a change, with their places.
fn via_json(ws: &Workspace, c: &Change) -> Value {
    let rbac = ws.chain.rbac();
    let b = via_binding(rbac, &c.via);
    let mut v = json!({
        "kind": b.kind.as_str(),
        "name": b.meta.name,
        "roleRef": {"kind": b.role_ref.kind, "name": b.role_ref.name},
        "location": ws.locate(&b.meta.origin),
    });
    if b.kind == BindingKind::RoleBinding {
        v["namespace"] = json!(b.meta.namespace);
    }
    if let Some(o) = via_rule_origin(rbac, &c.via) {
        v["ruleLocation"] = json!(ws.locate(&o));
    }
    v
}

fn change_json(ws: &Workspace, c: &Change, gained: bool) -> Value {
    let mut v = json!({"verb": c.atom.verb()});
    match &c.atom {
        crate::diff::Atom::Url { path, .. } => v["nonResourceURL"] = json!(path),
        crate::diff::Atom::Resource {
            api_group, name, ..
        } => {
            let (resource, sub) = c.atom.resource_parts().unwrap_or(("", ""));
            v["apiGroup"] = json!(api_group);
            v["resource"] = json!(resource);
            v["subresource"] = json!(sub);
            v["resourceName"] = json!(name);
        }
    }
    match &c.scope {
        Scope::Cluster => {
            v["scope"] = json!("cluster");
            let key = if gained { "alreadyIn" } else { "stillIn" };
            v[key] = json!(c.other_side_in);
        }
        Scope::Namespace(ns) => {
            v["scope"] = json!("namespace");
            v["namespace"] = json!(ns);
        }
    }
    if gained {
        v["risks"] = json!(c.risks);
    }
    v["via"] = via_json(ws, c);
    v
}

fn json_report(d: &PolicyDiff, sides: &Sides<'_>, base: &str, head: &str) -> Value {
    let subjects: Vec<Value> = d
        .subjects
        .iter()
        .map(|s| {
            let mut v = identity_json(&s.identity);
            v["gained"] = s
                .gained
                .iter()
                .map(|c| change_json(sides.head, c, true))
                .collect();
            v["lost"] = s
                .lost
                .iter()
                .map(|c| change_json(sides.base, c, false))
                .collect();
            v
        })
        .collect();
    json!({
        "base": base,
        "head": head,
        "subjects": subjects,
        "summary": {
            "subjects": d.subjects.len(),
            "gained": d.gained(),
            "lost": d.lost(),
            "risky": d.risky(),
        },
    })
}

/// File, line and column of a gain, for annotations: the binding when it is in a file, else
/// the rule (a built-in binding to a role the user wrote).
fn gain_location(ws: &Workspace, c: &Change) -> Option<(String, u32, u32)> {
    let rbac = ws.chain.rbac();
    let binding = via_binding(rbac, &c.via).meta.origin;
    let origin = if binding.is_builtin() {
        via_rule_origin(rbac, &c.via)?
    } else {
        binding
    };
    ws.source_path(&origin)
        .map(|p| (p.to_string(), origin.line, origin.column))
}

fn line_message(s: &SubjectDiff, l: &Line<'_>) -> String {
    let verb = if l.gained { "gains" } else { "loses" };
    let mut m = format!(
        "{} {verb} `{}` {}",
        s.identity,
        l.first.atom,
        l.scope_text()
    );
    if l.gained && !l.first.risks.is_empty() {
        m.push_str(&format!(" (risky: {})", l.first.risks.join(", ")));
    }
    m
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_property(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub workflow commands: a warning per risky gain, a notice per other change; gains point
/// at the HEAD binding that grants them.
pub fn github_lines(d: &PolicyDiff, head: &Workspace) -> String {
    let mut out = String::new();
    for s in &d.subjects {
        for l in lines(s) {
            let risky = l.gained && !l.first.risks.is_empty();
            let level = if risky { "warning" } else { "notice" };
            let title = match (l.gained, risky) {
                (true, true) => "kauthz diff: risky permission gained",
                (true, false) => "kauthz diff: permission gained",
                _ => "kauthz diff: permission lost",
            };
            let mut props = Vec::new();
            if l.gained
                && let Some((file, line, col)) = gain_location(head, l.first)
            {
                props.push(format!("file={}", gh_escape_property(&file)));
                props.push(format!("line={line}"));
                props.push(format!("col={col}"));
            }
            props.push(format!("title={}", gh_escape_property(title)));
            out.push_str(&format!(
                "::{level} {}::{}\n",
                props.join(","),
                gh_escape_data(&line_message(s, &l))
            ));
        }
    }
    out
}

fn github(d: &PolicyDiff, sides: &Sides<'_>) -> String {
    let mut out = github_lines(d, sides.head);
    out.push_str(&format!(
        "::notice title=kauthz diff::{}",
        gh_escape_data(summary(d).trim_end())
    ));
    out.push('\n');
    out
}

/// SARIF 2.1.0, minimal: one result per output line. Risky gains are warnings under their first
/// security rule id (all ids in `properties.risks`); other gains and losses are notes.
fn sarif(d: &PolicyDiff, sides: &Sides<'_>) -> Value {
    let mut rule_ids: Vec<&str> = vec!["permission-gained", "permission-lost"];
    let mut results = Vec::new();
    for s in &d.subjects {
        for l in lines(s) {
            let risky = l.gained && !l.first.risks.is_empty();
            let rule_id = if risky {
                l.first.risks[0]
            } else if l.gained {
                "permission-gained"
            } else {
                "permission-lost"
            };
            if !rule_ids.contains(&rule_id) {
                rule_ids.push(rule_id);
            }
            let mut r = json!({
                "ruleId": rule_id,
                "level": if risky { "warning" } else { "note" },
                "message": {"text": line_message(s, &l)},
            });
            if l.gained
                && let Some((file, line, col)) = gain_location(sides.head, l.first)
            {
                r["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": file},
                        "region": {"startLine": line, "startColumn": col},
                    }
                }]);
            }
            if risky {
                r["properties"] = json!({"risks": l.first.risks});
            }
            results.push(r);
        }
    }
    rule_ids[2..].sort_unstable();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            let text = match *id {
                "permission-gained" => "A subject gains a permission".to_string(),
                "permission-lost" => "A subject loses a permission".to_string(),
                other => format!("A subject gains a permission matching security rule {other}"),
            };
            json!({"id": id, "shortDescription": {"text": text}})
        })
        .collect();
    json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": {"driver": {
                "name": "kauthz",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
