//! `kauthz explain`: why a request is allowed or denied, near misses and a proved fix.

use std::io::IsTerminal;

use clap::{Args, ValueEnum};

use super::{EXIT_NO, EXIT_YES, PolicyArgs, RequestArgs, fail, load_workspace, write_stdout};
use crate::diagnostics::Problem;
use crate::explain::message::parse_forbidden_message;
use crate::explain::{BindingReport, Explanation, Grant, NearMissKind, explain, request_text};
use crate::identity::impersonated_groups;
use crate::question::{no_identity, question};
use crate::request::Attributes;

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The verb, as `can-i` takes it
    pub verb: Option<String>,
    /// TYPE[.GROUP], TYPE[.GROUP]/NAME, or a non-resource URL starting with `/`
    pub target: Option<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub request: RequestArgs,
    /// A Forbidden message to explain, as kubectl printed it (with or without
    /// `Error from server (Forbidden): `), instead of VERB and TARGET
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
    /// Print everything as JSON
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
}

fn usage(code: &'static str, message: impl Into<String>, help: impl Into<String>) -> u8 {
    fail(Problem::error(code, message).with_help(help))
}

pub fn run(args: ExplainArgs) -> u8 {
    // Arguments first: a usage error should not wait for the policy to load.
    let from_message = match &args.message {
        Some(text) => {
            if args.verb.is_some()
                || args.request.namespace.is_some()
                || args.request.all_namespaces
                || args.request.subresource.is_some()
            {
                return usage(
                    "kauthz::usage::message",
                    "`--message` describes the whole request: VERB, TARGET, `-n`, `-A` and `--subresource` cannot be given with it",
                    "drop the request arguments, or drop `--message`",
                );
            }
            let parsed = match parse_forbidden_message(text) {
                Ok(p) => p,
                Err(e) => {
                    return usage(
                        "kauthz::usage::message",
                        format!("`--message` is not a Forbidden message: {}", e.message),
                        "paste the whole line, e.g. `pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"dev\"`",
                    );
                }
            };
            if let Some(u) = &args.request.as_user
                && *u != parsed.request.user
            {
                return usage(
                    "kauthz::usage::message",
                    format!(
                        "`--as {u}` differs from the user of the message, `{}`",
                        parsed.request.user
                    ),
                    "drop `--as`: the message names the user",
                );
            }
            let mut a = parsed.request;
            a.groups = impersonated_groups(&a.user, &args.request.as_group);
            Some(a)
        }
        None => {
            if args.verb.is_none() || args.target.is_none() {
                return usage(
                    "kauthz::usage::arguments",
                    "explain needs VERB and TARGET, or `--message`",
                    "e.g. `kauthz explain create deployments.apps -n dev --as jane -f policies/`, or `kauthz explain --message '<the Forbidden error>' -f policies/`",
                );
            }
            if args.request.as_user.as_deref().unwrap_or("").is_empty() {
                return fail(no_identity());
            }
            None
        }
    };
    let ws = match load_workspace(&args.policy, false) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let a: Attributes = match from_message {
        Some(a) => a,
        None => {
            let spec = args.request.spec(&args.verb, &args.target);
            match question(&spec, &ws.discovery) {
                Ok(q) => {
                    // kubectl's warnings, except that a cluster-scoped resource ignores the
                    // default namespace: explain asks the real (cluster-scoped) request.
                    let stderr: String = q
                        .stderr
                        .split_inclusive("\n\n")
                        .filter(|w| {
                            args.request.namespace.is_some()
                                || !w.contains("is not namespace scoped")
                        })
                        .collect();
                    eprint!("{stderr}");
                    // The real request: a cluster-scoped resource carries no namespace.
                    q.real
                }
                Err(p) => return fail(p),
            }
        }
    };
    let e = explain(&ws, &a);
    let text = match args.output {
        Some(Format::Json) => serde_json::to_string_pretty(&e).unwrap_or_default() + "\n",
        None => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render(&e, &Paint { color })
        }
    };
    if !write_stdout(text.as_bytes()) {
        return EXIT_YES;
    }
    if e.allowed { EXIT_YES } else { EXIT_NO }
}

/// ANSI styling, on only for a terminal.
pub struct Paint {
    pub color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn red(&self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    fn green(&self, s: &str) -> String {
        self.wrap("1;32", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

fn scope_text(a: &Attributes) -> String {
    if !a.resource_request {
        String::new()
    } else if a.namespace.is_empty() {
        " at the cluster scope".to_string()
    } else {
        format!(" in namespace {}", a.namespace)
    }
}

fn decision_text(d: &str) -> &str {
    match d {
        "allow" => "allow",
        "deny" => "deny",
        "noopinion" => "no opinion",
        other => other,
    }
}

fn near_miss_label(k: NearMissKind) -> &'static str {
    match k {
        NearMissKind::MissingRoleWithCandidate => "missing role",
        NearMissKind::LiteralSubresourceStar => "not a wildcard",
        NearMissKind::ResourceNamesWithoutName => "resourceNames without a name",
        NearMissKind::Subresource => "only the subresource",
        NearMissKind::ApiGroup => "only the API group",
        NearMissKind::Verb => "only the verb",
        NearMissKind::ResourceName => "another name",
        NearMissKind::NonResourceUrl => "only the URL",
        NearMissKind::OtherNamespace => "other namespace",
        NearMissKind::OtherSubject => "other subject",
        NearMissKind::MissingRole => "missing role",
    }
}

/// Grants to other subjects shown in the human report (all are in `-o json`).
const OTHER_SUBJECTS_SHOWN: usize = 3;

/// The human report.
pub fn render(e: &Explanation, p: &Paint) -> String {
    let a = &e.request;
    let mut o = String::new();
    let verdict = if e.allowed {
        p.green("ALLOWED")
    } else {
        p.red("DENIED")
    };
    o.push_str(&format!(
        "{verdict}  {}{}\n",
        request_text(a).trim_matches('`'),
        scope_text(a)
    ));
    o.push_str(&format!(
        "  as {} {}, groups [{}]\n\n",
        if crate::identity::parse_service_account(&a.user).is_some() {
            "service account user"
        } else {
            "User"
        },
        crate::response::go_quote(&a.user),
        a.groups.join(", ")
    ));
    if e.allowed {
        if !e.reason.is_empty() {
            o.push_str(&format!("Reason: {}\n\n", e.reason));
        }
    } else {
        o.push_str(&format!(
            "Error from server (Forbidden): {}\n\n",
            e.forbidden_message
        ));
    }
    o.push_str(&p.bold("Authorizer chain"));
    o.push_str(" (system:masters, then --authorization-mode in order)\n");
    let width = e
        .steps
        .iter()
        .map(|s| s.authorizer.len())
        .max()
        .unwrap_or(0);
    for (i, s) in e.steps.iter().enumerate() {
        let d = decision_text(&s.decision);
        let d = match s.decision.as_str() {
            "allow" => p.green(d),
            "not asked" => p.dim(d),
            _ => d.to_string(),
        };
        let reason = if s.reason.is_empty() {
            String::new()
        } else {
            format!("  {}", s.reason.replace('\n', "\\n"))
        };
        o.push_str(&format!(
            "  {}. {:width$}  {d}{reason}\n",
            i + 1,
            s.authorizer
        ));
    }
    o.push('\n');
    if e.allowed {
        render_grants(e, p, &mut o);
        return o;
    }
    if let Some(bindings) = &e.rbac {
        o.push_str(&p.bold(&format!("RBAC bindings that apply to {}", a.user)));
        o.push_str(&format!(
            " (ClusterRoleBindings{}, by name)\n",
            if a.namespace.is_empty() {
                String::new()
            } else {
                format!(", then RoleBindings in {}", a.namespace)
            }
        ));
        if bindings.is_empty() {
            o.push_str("  none: no binding names this user, its groups or its service account\n");
        }
        for b in bindings {
            render_binding(b, p, &mut o);
        }
        o.push('\n');
    }
    if let Some(lines) = &e.abac {
        o.push_str(&p.bold("ABAC lines closest to allowing it"));
        o.push('\n');
        if lines.is_empty() {
            o.push_str("  the policy file has no lines\n");
        }
        for l in lines {
            let fails: Vec<&str> = l.fails.iter().map(|f| f.as_str()).collect();
            o.push_str(&format!(
                "  {}  {}\n      {} {}\n",
                p.dim(&l.location),
                l.text,
                p.red("✖"),
                fails.join(", ")
            ));
        }
        o.push('\n');
    }
    o.push_str(&p.bold("Near misses"));
    o.push_str(" (most useful first)\n");
    if e.near_misses.is_empty() {
        o.push_str("  none\n");
    }
    let others = e.other_subjects_total;
    let mut shown_others = 0;
    for (i, m) in e.near_misses.iter().enumerate() {
        if m.kind == NearMissKind::OtherSubject {
            shown_others += 1;
            if shown_others > OTHER_SUBJECTS_SHOWN {
                if shown_others == OTHER_SUBJECTS_SHOWN + 1 {
                    o.push_str(&format!(
                        "  … and {} more grants to other subjects (`-o json` lists up to {})\n",
                        others - OTHER_SUBJECTS_SHOWN,
                        crate::explain::NEAR_MISS_LIMIT
                    ));
                }
                continue;
            }
        }
        o.push_str(&format!(
            "  {}. {} {}\n",
            i + 1,
            p.yellow(&format!("[{}]", near_miss_label(m.kind))),
            m.summary
        ));
        if let (Some(idx), Some(rule)) = (m.rule_index, &m.rule) {
            o.push_str(&format!(
                "     rule {idx} {}: {}\n",
                p.dim(&m.rule_location),
                rule.display()
            ));
        }
        if let Some(b) = &m.binding {
            o.push_str(&format!("     {} {}\n", b.display(), p.dim(&b.location)));
        }
        o.push_str(&format!("     hint: {}\n", m.hint));
    }
    o.push('\n');
    match &e.fix {
        Some(f) => {
            o.push_str(&p.bold("Smallest fix"));
            o.push_str(&format!(
                " ({} and {} granting exactly this request to {} {}; re-evaluated with it: {})\n",
                f.role_kind,
                f.binding_kind,
                f.subject.kind,
                if f.subject.namespace.is_empty() {
                    f.subject.name.clone()
                } else {
                    format!("{}/{}", f.subject.namespace, f.subject.name)
                },
                p.green("allowed")
            ));
            o.push_str(&format!("  with it: {}\n", f.verdict_reason));
            for w in &f.warnings {
                o.push_str(&format!("  warning: {w}\n"));
            }
            o.push_str("---\n");
            o.push_str(&f.yaml);
        }
        None => {
            o.push_str(&p.bold("No fix offered"));
            o.push_str(&format!(": {}\n", e.no_fix_reason));
        }
    }
    o
}

fn render_binding(b: &BindingReport, p: &Paint, o: &mut String) {
    o.push_str(&format!(
        "  {}  {}\n",
        b.binding.display(),
        p.dim(&b.binding.location)
    ));
    o.push_str(&format!(
        "    through {}  {}\n",
        b.through.via,
        p.dim(&b.through.location)
    ));
    if !b.role.error.is_empty() {
        o.push_str(&format!(
            "    {}: {} ({})\n",
            b.role.object.display(),
            p.red("not found"),
            b.role.error
        ));
        return;
    }
    o.push_str(&format!(
        "    {}  {}\n",
        b.role.object.display(),
        p.dim(&b.role.object.location)
    ));
    if b.role.rules.is_empty() {
        o.push_str("      (no rules)\n");
    }
    for r in &b.role.rules {
        let mark = if r.allows {
            p.green("✔")
        } else {
            p.red("✖")
        };
        let why = match r.first_mismatch {
            Some(m) => format!("  ← {}", m.as_str()),
            None => String::new(),
        };
        o.push_str(&format!(
            "      {mark} rule {}: {}{why}\n",
            r.index,
            r.rule.display()
        ));
    }
}

fn render_grants(e: &Explanation, p: &Paint, o: &mut String) {
    for (i, g) in e.allowed_by.iter().enumerate() {
        if i == 0 {
            o.push_str(&p.bold("Allowed by"));
            o.push('\n');
        } else if i == 1 {
            o.push_str(&p.bold("Also allowed by"));
            o.push_str(" (would allow it if the grant above were removed)\n");
        }
        match g {
            Grant::SystemMasters => {
                o.push_str("  the group system:masters (every request is allowed)\n")
            }
            Grant::AlwaysAllow => o.push_str("  the AlwaysAllow mode\n"),
            Grant::Abac { location, text, .. } => {
                o.push_str(&format!("  ABAC {}  {text}\n", p.dim(location)))
            }
            Grant::Rbac {
                description,
                binding,
                role,
                rule_index,
                rule_location,
                rule,
                cluster_wide,
            } => {
                o.push_str(&format!("  {description}\n"));
                o.push_str(&format!(
                    "    {}  {}\n",
                    binding.display(),
                    p.dim(&binding.location)
                ));
                o.push_str(&format!(
                    "    {}  {}\n",
                    role.display(),
                    p.dim(&role.location)
                ));
                o.push_str(&format!(
                    "    rule {rule_index} {}: {}\n",
                    p.dim(rule_location),
                    rule.display()
                ));
                if *cluster_wide && !e.request.namespace.is_empty() {
                    o.push_str(
                        "    note: a ClusterRoleBinding grants this in every namespace, not only this one\n",
                    );
                }
            }
        }
    }
}
