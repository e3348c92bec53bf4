//! `.kauthz.yaml`: which rules run, at which level, who is exempt, which files are skipped.
//!
//! Parsed from the spanned YAML tree (`loader::yaml`), so every mistake is a [`Problem`] at
//! `file:line:column`; an unknown rule id or key is an error with "did you mean". Finding the
//! file (walking up from the working directory) is the CLI's job: the core reads no files.
//!
//! ```yaml
//! select: [correctness, secrets-read]   # only these rules (ids or categories); default all
//! ignore: [unused-role]                  # never these
//! severity: {create-workloads: info, wildcard-verbs: off}
//! exemptSubjects: ["system:*", "ops:break-glass"]   # User/Group names; replaces the default
//! exemptServiceAccounts: ["kube-system/*"]          # namespace/name
//! ignorePaths: ["**/vendor/**"]                     # findings in these files are dropped
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::diagnostics::Problem;
use crate::lint::rules::{closest, closest_id, find, registry};
use crate::lint::{Category, Level, RuleInfo, Settings};
use crate::loader::yaml::{Node, Value, parse_document};

/// The file name looked for.
pub const FILE_NAME: &str = ".kauthz.yaml";

const KEYS: &[&str] = &[
    "select",
    "ignore",
    "severity",
    "exemptSubjects",
    "exemptServiceAccounts",
    "ignorePaths",
];

/// The settings of a `.kauthz.yaml` (the defaults when there is none).
#[derive(Clone, Debug, Default)]
pub struct LintConfig {
    /// Where it was read from; empty for the defaults.
    pub path: String,
    /// Rule ids and category names to run; empty means all.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Level per rule id; `None` turns the rule off.
    pub severity: BTreeMap<String, Option<Level>>,
    /// `None` keeps the default (`system:*`).
    pub exempt_subjects: Option<Vec<String>>,
    pub exempt_service_accounts: Vec<String>,
    pub ignore_paths: Vec<String>,
}

struct Parser<'a> {
    path: &'a str,
    text: Arc<str>,
    problems: Vec<Problem>,
}

impl Parser<'_> {
    fn error(&mut self, node: &Node, message: String, help: String) {
        self.problems.push(
            Problem::error("kauthz::config::invalid", message)
                .with_help(help)
                .at(
                    self.path,
                    &self.text,
                    node.offset as usize,
                    node.len as usize,
                ),
        );
    }

    fn strings<'n>(&mut self, node: &Node<'n>, key: &str) -> Vec<(String, Node<'n>)> {
        match &node.value {
            Value::Null => Vec::new(),
            Value::Str(s) => vec![(s.to_string(), node.clone())],
            Value::Seq(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(s) => out.push((s.to_string(), item.clone())),
                        None => self.error(
                            item,
                            format!("`{key}` holds {}, expected strings", item.value.describe()),
                            format!("write `{key}: [\"...\"]`"),
                        ),
                    }
                }
                out
            }
            other => {
                self.error(
                    node,
                    format!(
                        "`{key}` is {}, expected a list of strings",
                        other.describe()
                    ),
                    format!("write `{key}: [\"...\"]`"),
                );
                Vec::new()
            }
        }
    }

    fn rule_id(&mut self, id: &str, node: &Node, categories_ok: bool) -> bool {
        if find(id).is_some() || (categories_ok && category(id).is_some()) {
            return true;
        }
        let help = match closest_id(id) {
            Some(s) => format!("did you mean `{s}`? `kauthz rules` lists every rule"),
            None => "`kauthz rules` lists every rule".to_string(),
        };
        self.error(node, format!("unknown rule `{id}`"), help);
        false
    }

    fn globs(&mut self, items: &[(String, Node)]) {
        for (g, node) in items {
            if let Err(e) = Glob::new(g) {
                self.error(
                    node,
                    format!("`{g}` is not a valid glob: {}", e.kind()),
                    "use glob syntax such as `system:*` or `**/vendor/**`".into(),
                );
            }
        }
    }
}

fn category(s: &str) -> Option<Category> {
    match s {
        "correctness" => Some(Category::Correctness),
        "security" => Some(Category::Security),
        "abac" => Some(Category::Abac),
        _ => None,
    }
}

/// Parses a `.kauthz.yaml` text; every problem found, or the settings.
pub fn parse(path: &str, text: &str) -> Result<LintConfig, Vec<Problem>> {
    let mut p = Parser {
        path,
        text: Arc::from(text),
        problems: Vec::new(),
    };
    let root = match parse_document(text, 0) {
        Ok(n) => n,
        Err(e) => {
            let shared = Arc::clone(&p.text);
            return Err(vec![
                Problem::error("kauthz::config::syntax", e.message.to_string())
                    .with_help("fix the YAML syntax of the configuration file")
                    .at(path, &shared, e.offset, 1),
            ]);
        }
    };
    let mut config = LintConfig {
        path: path.to_string(),
        ..LintConfig::default()
    };
    let entries = match &root.value {
        Value::Null => return Ok(config),
        Value::Map(entries) => entries.clone(),
        other => {
            p.error(
                &root,
                format!(
                    "the configuration is {}, expected a mapping",
                    other.describe()
                ),
                format!("keys are: {}", KEYS.join(", ")),
            );
            return Err(p.problems);
        }
    };
    for (k, v) in &entries {
        let key = k.as_str().unwrap_or("");
        match key {
            "select" | "ignore" => {
                let items = p.strings(v, key);
                let mut ok = Vec::new();
                for (id, node) in items {
                    if p.rule_id(&id, &node, true) {
                        ok.push(id);
                    }
                }
                if key == "select" {
                    config.select = ok;
                } else {
                    config.ignore = ok;
                }
            }
            "severity" => match &v.value {
                Value::Null => {}
                Value::Map(levels) => {
                    for (rk, rv) in levels {
                        let id = rk.as_str().unwrap_or("");
                        if !p.rule_id(id, rk, false) {
                            continue;
                        }
                        let level = match rv.as_str() {
                            Some("off") => Some(None),
                            Some(s) => Level::parse(s).map(Some),
                            None if matches!(rv.value, Value::Bool(false)) => Some(None),
                            None => None,
                        };
                        match level {
                            Some(l) => {
                                config.severity.insert(id.to_string(), l);
                            }
                            None => p.error(
                                rv,
                                format!("`{id}` has no level `{}`", rv.as_str().unwrap_or("?")),
                                "use one of error, warning, info, off".into(),
                            ),
                        }
                    }
                }
                other => p.error(
                    v,
                    format!("`severity` is {}, expected a mapping", other.describe()),
                    "write `severity: {rule-id: warning}`".into(),
                ),
            },
            "exemptSubjects" => {
                let items = p.strings(v, key);
                p.globs(&items);
                config.exempt_subjects = Some(items.into_iter().map(|(s, _)| s).collect());
            }
            "exemptServiceAccounts" => {
                let items = p.strings(v, key);
                p.globs(&items);
                config.exempt_service_accounts = items.into_iter().map(|(s, _)| s).collect();
            }
            "ignorePaths" => {
                let items = p.strings(v, key);
                p.globs(&items);
                config.ignore_paths = items.into_iter().map(|(s, _)| s).collect();
            }
            other => {
                let help = match closest(other, KEYS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("keys are: {}", KEYS.join(", ")),
                };
                p.error(k, format!("unknown key `{other}`"), help);
            }
        }
    }
    if p.problems.is_empty() {
        Ok(config)
    } else {
        Err(p.problems)
    }
}

fn globset(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in patterns {
        if let Ok(glob) = Glob::new(g) {
            b.add(glob);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

impl LintConfig {
    /// The level a rule runs at, or `None` when it does not run.
    pub fn level(&self, info: &RuleInfo) -> Option<Level> {
        let named = |list: &[String]| {
            list.iter()
                .any(|s| s == info.id || category(s) == Some(info.category))
        };
        if !self.select.is_empty() && !named(&self.select) {
            return None;
        }
        if named(&self.ignore) {
            return None;
        }
        match self.severity.get(info.id) {
            Some(level) => *level,
            None => Some(info.level),
        }
    }

    /// The compiled exemptions.
    pub fn settings(&self) -> Settings {
        let mut s = Settings::default();
        if let Some(subjects) = &self.exempt_subjects {
            s.exempt_subjects = globset(subjects);
        }
        s.exempt_service_accounts = globset(&self.exempt_service_accounts);
        s
    }

    /// Whether findings in the file at `path` are dropped.
    pub fn path_ignored(&self, path: &str) -> bool {
        !self.ignore_paths.is_empty() && globset(&self.ignore_paths).is_match(path)
    }

    /// Every rule id, for listings.
    pub fn all_ids() -> Vec<&'static str> {
        registry().iter().map(|r| r.info().id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_rule_ids_are_errors_with_did_you_mean() {
        let Err(problems) = parse(".kauthz.yaml", "ignore: [secret-read]\n") else {
            unreachable!("an unknown id must be an error")
        };
        assert_eq!(problems[0].location(), ".kauthz.yaml:1:10");
        assert!(
            problems[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("`secrets-read`")
        );
    }

    #[test]
    fn select_ignore_and_severity_decide_levels() {
        let text = "select: [security]\nignore: [impersonate]\nseverity: {secrets-read: info}\n";
        let Ok(c) = parse("c", text) else {
            unreachable!("valid configuration")
        };
        let level = |id| find(id).and_then(|r| c.level(r.info()));
        assert_eq!(level("secrets-read"), Some(Level::Info));
        assert_eq!(level("impersonate"), None);
        assert_eq!(level("dangling-role-ref"), None);
        assert_eq!(level("bind-verb"), Some(Level::Error));
    }
}
