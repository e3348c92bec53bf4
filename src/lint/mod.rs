//! Policy linting: a registry of rules, each deciding its findings from the loaded policy set,
//! the evaluator and discovery, and the settings (`.kauthz.yaml`) that select and tune them.
//!
//! Rules live one per file in `rules/`; a rule's doc comment is its user documentation and is
//! kept at runtime in [`RuleInfo::docs`]. Findings carry [`Origin`]s so the CLI can point at the
//! exact YAML node. Nothing here reads files or prints: the CLI hands in sources and settings
//! and renders what comes back (`output.rs` writes the machine formats as strings).
//!
//! Security rules are decided by [`crate::rbac::matching::rule_allows`] on synthesized requests
//! ([`probe`]), so apiGroups, resourceNames and subresources count exactly as the API server
//! counts them. [`security_findings_for_rule`] exposes the same decision for one rule.

pub mod config;
pub mod locate;
pub mod output;
pub mod probe;
pub mod rules;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::abac::AbacPolicy;
use crate::diagnostics::Problem;
use crate::discovery::Discovery;
use crate::loader::Source;
use crate::model::{BindingKind, BindingObject, ObjectMeta, Origin, RoleObject, Subject};
use crate::policy::PolicySet;
use crate::rbac::graph::{Edge, Node, PolicyGraph};

pub use config::LintConfig;
pub use probe::security_findings_for_rule;

/// The annotation that suppresses rules on one object: `kauthz.dev/ignore: rule-a,rule-b`.
pub const IGNORE_ANNOTATION: &str = "kauthz.dev/ignore";

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// One step less serious (for grants restricted to named objects).
    pub fn lowered(self) -> Level {
        match self {
            Level::Error => Level::Warning,
            Level::Warning | Level::Info => Level::Info,
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "info" | "note" => Some(Level::Info),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of mistake a rule finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// The cluster accepts it, but it does not do what the author thinks.
    Correctness,
    /// It hands out more than it should.
    Security,
    /// Mistakes in a legacy ABAC policy file (`--abac`).
    Abac,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Security => "security",
            Category::Abac => "abac",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `kauthz rules` shows about a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: &'static str,
    pub category: Category,
    pub level: Level,
    pub summary: &'static str,
    /// The rule's doc comment, as written (each line keeps rustdoc's leading space).
    pub docs: &'static str,
}

impl RuleInfo {
    /// The documentation with rustdoc's one leading space per line removed.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// A lint rule: static metadata and a check over the whole input.
pub trait Rule: Sync {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, cx: &Context<'_>, out: &mut Findings);
}

/// A second place a finding involves (the role a binding names, the object that won).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub at: Origin,
    pub label: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    /// Lower-case, no final period, user values in backticks.
    pub message: String,
    /// The node the finding is about.
    pub at: Origin,
    /// Short text shown under the node.
    pub label: String,
    pub related: Vec<Related>,
    /// What to write instead.
    pub help: String,
}

impl Finding {
    pub fn new(rule: &'static RuleInfo, at: Origin, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.id,
            level: rule.level,
            message: message.into(),
            at,
            label: String::new(),
            related: Vec::new(),
            help: String::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    pub fn related(mut self, at: Origin, label: impl Into<String>) -> Self {
        if !at.is_builtin() {
            self.related.push(Related {
                at,
                label: label.into(),
            });
        }
        self
    }

    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }
}

/// Where rules put findings; drops those an object's `kauthz.dev/ignore` annotation suppresses.
#[derive(Default)]
pub struct Findings {
    items: Vec<Finding>,
}

impl Findings {
    /// Adds a finding about an object (`meta`), unless the object suppresses the rule.
    pub fn push(&mut self, meta: Option<&ObjectMeta>, finding: Finding) {
        if finding.at.is_builtin() {
            return;
        }
        if let Some(meta) = meta
            && suppressed(meta, finding.rule)
        {
            return;
        }
        self.items.push(finding);
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.items
    }
}

/// The rule ids an object's ignore annotation lists.
pub fn ignore_list(meta: &ObjectMeta) -> impl Iterator<Item = &str> {
    meta.annotations
        .get(IGNORE_ANNOTATION)
        .map(|v| v.as_str())
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn suppressed(meta: &ObjectMeta, rule: &str) -> bool {
    ignore_list(meta).any(|id| id == rule || id == "all")
}

/// Who holds a role: the bindings that reach it, directly or through aggregation.
#[derive(Clone, Debug, Default)]
pub struct RoleUse<'a> {
    /// Bindings whose roleRef names the role or an aggregated ClusterRole that includes it.
    pub bindings: Vec<&'a BindingObject>,
    /// Whether any ClusterRoleBinding grants it (the rules hold in every namespace).
    pub cluster_wide: bool,
    /// The first of `bindings` naming a subject the security rules look at.
    pub holder: Option<&'a BindingObject>,
}

/// A loaded ABAC policy and the problems its lines had, for the ABAC rules.
pub struct AbacInput<'a> {
    pub policy: &'a AbacPolicy,
    /// The line problems `parse_policy_file` returned.
    pub problems: &'a [Problem],
    /// The id the file's origins use (one past the YAML sources).
    pub source: u32,
    pub text: &'a str,
}

/// Re-parsed nodes by (source, offset, len); `None` when the text is not YAML there.
type NodeCache =
    HashMap<(u32, u32, u32), Option<std::sync::Arc<crate::loader::yaml::Node<'static>>>>;

/// Everything rules look at.
pub struct Context<'a> {
    pub policy: &'a PolicySet,
    pub graph: &'a PolicyGraph,
    pub discovery: &'a Discovery,
    pub sources: &'a [Source],
    pub abac: Option<AbacInput<'a>>,
    pub settings: &'a Settings,
    /// Keyed by the role's address in the policy set (borrowed for `'a`, so stable).
    uses: HashMap<usize, RoleUse<'a>>,
    /// Nodes parsed again for findings, by source and offset: one rule often has several.
    nodes: std::sync::Mutex<NodeCache>,
}

/// The compiled settings that change what rules report.
#[derive(Clone, Debug)]
pub struct Settings {
    /// User and Group names exempt from the security rules.
    pub exempt_subjects: globset::GlobSet,
    /// ServiceAccounts (`namespace/name`) exempt from the security rules.
    pub exempt_service_accounts: globset::GlobSet,
}

impl Default for Settings {
    fn default() -> Self {
        let mut b = globset::GlobSetBuilder::new();
        if let Ok(g) = globset::Glob::new("system:*") {
            b.add(g);
        }
        Settings {
            exempt_subjects: b.build().unwrap_or_else(|_| globset::GlobSet::empty()),
            exempt_service_accounts: globset::GlobSet::empty(),
        }
    }
}

impl<'a> Context<'a> {
    pub fn new(
        policy: &'a PolicySet,
        graph: &'a PolicyGraph,
        discovery: &'a Discovery,
        sources: &'a [Source],
        abac: Option<AbacInput<'a>>,
        settings: &'a Settings,
    ) -> Self {
        let mut uses = role_uses(policy, graph);
        let exempt = |s: &Subject, ns: &str| exempt(settings, s, ns);
        for u in uses.values_mut() {
            u.holder = u
                .bindings
                .iter()
                .copied()
                .find(|b| b.subjects.iter().any(|s| !exempt(s, &b.meta.namespace)));
        }
        Context {
            policy,
            graph,
            discovery,
            sources,
            abac,
            settings,
            uses,
            nodes: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Roles and ClusterRoles from the user's input (built-ins are never reported).
    pub fn user_roles(&self) -> impl Iterator<Item = &'a RoleObject> {
        let p = self.policy;
        p.cluster_roles
            .iter()
            .chain(p.roles.iter())
            .filter(|r| !r.meta.origin.is_builtin())
    }

    /// Bindings from the user's input.
    pub fn user_bindings(&self) -> impl Iterator<Item = &'a BindingObject> {
        let p = self.policy;
        p.cluster_role_bindings
            .iter()
            .chain(p.role_bindings.iter())
            .filter(|b| !b.meta.origin.is_builtin())
    }

    /// The role a binding's roleRef resolves to, if any (as the authorizer resolves it).
    pub fn role_of(&self, b: &BindingObject) -> Option<&'a RoleObject> {
        match b.role_ref.kind.as_str() {
            "ClusterRole" => self.policy.cluster_role(&b.role_ref.name),
            "Role" => self.policy.role(&b.meta.namespace, &b.role_ref.name),
            _ => None,
        }
    }

    /// Who holds `role`.
    pub fn role_use(&self, role: &RoleObject) -> Option<&RoleUse<'a>> {
        self.uses.get(&(role as *const RoleObject as usize))
    }

    /// Whether the security rules skip this subject (`system:*` by default).
    pub fn exempt(&self, s: &Subject, binding_namespace: &str) -> bool {
        exempt(self.settings, s, binding_namespace)
    }

    /// The first binding holding `role` that names a subject the security rules look at.
    pub fn non_exempt_holder(&self, role: &RoleObject) -> Option<&'a BindingObject> {
        self.role_use(role)?.holder
    }

    /// The text of a source, if kept.
    pub fn text(&self, source: u32) -> Option<&'a str> {
        if let Some(abac) = &self.abac
            && abac.source == source
        {
            return Some(abac.text);
        }
        self.sources
            .get(source as usize)
            .and_then(|s| s.text.as_deref())
    }

    /// The YAML node at `origin`, parsed again from the source text (for finer positions) and
    /// kept for the next finding about the same node.
    pub fn node(
        &self,
        origin: &Origin,
    ) -> Option<std::sync::Arc<crate::loader::yaml::Node<'static>>> {
        let key = (origin.source, origin.offset, origin.len);
        if let Ok(cache) = self.nodes.lock()
            && let Some(hit) = cache.get(&key)
        {
            return hit.clone();
        }
        let node = locate::node_at(self.text(origin.source)?, origin).map(std::sync::Arc::new);
        if let Ok(mut cache) = self.nodes.lock() {
            cache.insert(key, node.clone());
        }
        node
    }

    /// The origin of the string `value` in list `key` of the mapping at `origin`, or `origin`.
    pub fn item_origin(&self, origin: &Origin, key: &str, value: &str) -> Origin {
        let (Some(text), Some(node)) = (self.text(origin.source), self.node(origin)) else {
            return *origin;
        };
        locate::list_item_in(text, origin, &node, key, value).unwrap_or(*origin)
    }

    /// The origin of the value of `path` (keys from the mapping at `origin`), or `origin`.
    pub fn field_origin(&self, origin: &Origin, path: &[&str]) -> Origin {
        let (Some(text), Some(node)) = (self.text(origin.source), self.node(origin)) else {
            return *origin;
        };
        locate::field_in(text, origin, &node, path).unwrap_or(*origin)
    }
}

fn exempt(settings: &Settings, s: &Subject, binding_namespace: &str) -> bool {
    match s.kind.as_str() {
        "ServiceAccount" => {
            if settings.exempt_service_accounts.is_empty() {
                return false;
            }
            let ns = if s.namespace.is_empty() {
                binding_namespace
            } else {
                &s.namespace
            };
            settings
                .exempt_service_accounts
                .is_match(format!("{ns}/{}", s.name))
        }
        _ => settings.exempt_subjects.is_match(s.name.as_str()),
    }
}

/// For every role, the bindings that reach it directly or through aggregation, in the sorted
/// binding order (ClusterRoleBindings first).
fn role_uses<'a>(policy: &'a PolicySet, graph: &PolicyGraph) -> HashMap<usize, RoleUse<'a>> {
    let mut uses: HashMap<usize, RoleUse<'a>> = HashMap::new();
    // Aggregators of each ClusterRole (transitively), by index.
    let mut aggregators: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, &node) in graph.cluster_roles.iter().enumerate() {
        let mut seen = BTreeSet::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            for e in graph.graph.edges_directed(n, petgraph::Direction::Incoming) {
                if *e.weight() == Edge::Aggregates {
                    use petgraph::visit::EdgeRef;
                    let src = e.source();
                    if let Node::Role { index, .. } = graph.graph[src]
                        && seen.insert(index)
                    {
                        stack.push(src);
                    }
                }
            }
        }
        if !seen.is_empty() {
            aggregators.insert(i as u32, seen.into_iter().collect());
        }
    }
    let mut by_cluster_role: HashMap<&str, Vec<&'a BindingObject>> = HashMap::new();
    for b in policy
        .cluster_role_bindings
        .iter()
        .chain(policy.role_bindings.iter())
    {
        match b.role_ref.kind.as_str() {
            "ClusterRole" => by_cluster_role
                .entry(b.role_ref.name.as_str())
                .or_default()
                .push(b),
            "Role" => {
                if b.kind == BindingKind::RoleBinding
                    && let Some(role) = policy.role(&b.meta.namespace, &b.role_ref.name)
                {
                    let e = uses.entry(role as *const RoleObject as usize).or_default();
                    e.bindings.push(b);
                }
            }
            _ => {}
        }
    }
    for (i, role) in policy.cluster_roles.iter().enumerate() {
        let mut bindings: Vec<&'a BindingObject> = by_cluster_role
            .get(role.meta.name.as_str())
            .cloned()
            .unwrap_or_default();
        if let Some(aggs) = aggregators.get(&(i as u32)) {
            for &a in aggs {
                if let Some(agg) = policy.cluster_roles.get(a as usize)
                    && let Some(list) = by_cluster_role.get(agg.meta.name.as_str())
                {
                    bindings.extend(list.iter().copied());
                }
            }
        }
        if bindings.is_empty() {
            continue;
        }
        let cluster_wide = bindings
            .iter()
            .any(|b| b.kind == BindingKind::ClusterRoleBinding);
        uses.insert(
            role as *const RoleObject as usize,
            RoleUse {
                bindings,
                cluster_wide,
                holder: None,
            },
        );
    }
    uses
}

/// Runs every enabled rule and returns the findings, sorted by file, position, rule, message.
pub fn run(
    cx: &Context<'_>,
    enabled: &(dyn Fn(&RuleInfo) -> Option<Level> + Sync),
) -> Vec<Finding> {
    use rayon::prelude::*;
    let mut all: Vec<Finding> = rules::registry()
        .par_iter()
        .filter_map(|rule| {
            let level = enabled(rule.info())?;
            let mut out = Findings::default();
            rule.check(cx, &mut out);
            let default = rule.info().level;
            let mut v = out.into_vec();
            if level != default {
                for f in &mut v {
                    // A lowered finding stays one step below the configured level.
                    f.level = if f.level < default {
                        level.lowered()
                    } else {
                        level
                    };
                }
            }
            Some(v)
        })
        .flatten()
        .collect();
    sort_findings(&mut all);
    all.dedup();
    all
}

/// The deterministic order of findings: source, offset, rule id, message.
pub fn sort_findings(v: &mut [Finding]) {
    v.sort_by(|a, b| {
        (a.at.source, a.at.offset, a.rule, &a.message, a.at.len).cmp(&(
            b.at.source,
            b.at.offset,
            b.rule,
            &b.message,
            b.at.len,
        ))
    });
}

/// Counts per level, for summaries.
pub fn counts(findings: &[Finding]) -> BTreeMap<Level, usize> {
    let mut m = BTreeMap::new();
    for f in findings {
        *m.entry(f.level).or_insert(0) += 1;
    }
    m
}

/// `Kind namespace/name` or `Kind name`, as findings name objects.
pub fn describe(kind: &str, meta: &ObjectMeta) -> String {
    if meta.namespace.is_empty() {
        format!("{kind} `{}`", meta.name)
    } else {
        format!("{kind} `{}/{}`", meta.namespace, meta.name)
    }
}
