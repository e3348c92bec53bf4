//! The subject → binding → role → rule graph as data, DOT or Mermaid.
//!
//! Built from [`crate::rbac::graph::PolicyGraph`] plus one node per rule of each role shown.
//! An aggregated ClusterRole shows `aggregates` edges to the roles it selects rather than its
//! copied rules (the rules it holds are exactly theirs), so every rule appears once.
//!
//! Filters select bindings and combine with "and": `--subject` keeps bindings that name the
//! subject (and shows only that subject), `-n NS` keeps the RoleBindings of NS (cluster-wide
//! bindings are left out), `--role NAME` keeps bindings whose roleRef names NAME and shows
//! the role even when nothing binds it. Nodes are sorted by kind then id, edges by their ends:
//! the output does not depend on load order.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::engine::Workspace;
use crate::model::{BindingObject, PolicyRule, RoleKind, RoleObject};
use crate::query::SubjectRef;
use crate::rbac::graph::{Edge, Node};

/// Which subjects `--subject` keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubjectFilter {
    /// `KIND:NAME` (a ServiceAccount as `ServiceAccount:NS/NAME` or `ServiceAccount:NS:NAME`).
    Exact(SubjectRef),
    /// A bare name: any subject kind with this name.
    Name(String),
}

impl SubjectFilter {
    pub fn parse(text: &str) -> Self {
        match SubjectRef::parse(text) {
            Some(s) => SubjectFilter::Exact(s),
            None => SubjectFilter::Name(text.to_string()),
        }
    }

    fn matches(&self, s: &SubjectRef) -> bool {
        match self {
            SubjectFilter::Exact(x) => x == s,
            SubjectFilter::Name(n) => s.name == *n,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GraphFilter {
    pub subject: Option<SubjectFilter>,
    pub namespace: Option<String>,
    pub role: Option<String>,
}

/// The kinds of exported nodes, in output order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    Subject,
    Binding,
    Role,
    MissingRole,
    Rule,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportNode {
    /// Stable and unique: `User:alice`, `RoleBinding:ns/name`, `ClusterRole:view#3`, ...
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    /// `path:line:column`, `built-in`, or empty for subjects and missing roles.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EdgeKind {
    /// Subject → binding that names it.
    Names,
    /// Binding → role.
    RoleRef,
    /// Aggregated ClusterRole → a ClusterRole it selects.
    Aggregates,
    /// Role → one of its rules.
    Grants,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportEdge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GraphExport {
    pub nodes: Vec<ExportNode>,
    pub edges: Vec<ExportEdge>,
}

fn subject_id(s: &SubjectRef) -> String {
    if s.namespace.is_empty() {
        format!("{}:{}", s.kind, s.name)
    } else {
        format!("{}:{}/{}", s.kind, s.namespace, s.name)
    }
}

fn object_id(kind: &str, namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        format!("{kind}:{name}")
    } else {
        format!("{kind}:{namespace}/{name}")
    }
}

/// `get,list pods, deployments.apps [a,b]` or `get /healthz*, /metrics`.
pub fn rule_label(rule: &PolicyRule) -> String {
    let verbs = rule.verbs.join(",");
    if !rule.non_resource_urls.is_empty() {
        return format!("{verbs} {}", rule.non_resource_urls.join(", "));
    }
    let mut targets = Vec::new();
    for g in &rule.api_groups {
        for r in &rule.resources {
            targets.push(if g.is_empty() {
                r.to_string()
            } else {
                format!("{r}.{g}")
            });
        }
    }
    let mut s = format!("{verbs} {}", targets.join(", "));
    if !rule.resource_names.is_empty() {
        s.push_str(&format!(" [{}]", rule.resource_names.join(",")));
    }
    s
}

struct Builder<'w> {
    ws: &'w Workspace,
    nodes: BTreeMap<String, ExportNode>,
    edges: BTreeSet<(String, String, EdgeKind)>,
    roles_done: BTreeSet<NodeIndex>,
}

impl<'w> Builder<'w> {
    fn node(&mut self, id: String, kind: NodeKind, label: String, source: String) {
        self.nodes.entry(id.clone()).or_insert(ExportNode {
            id,
            kind,
            label,
            source,
        });
    }

    fn role_object(ws: &'w Workspace, kind: RoleKind, index: u32) -> &'w RoleObject {
        let policy = ws.chain.rbac().policy();
        match kind {
            RoleKind::ClusterRole => &policy.cluster_roles[index as usize],
            RoleKind::Role => &policy.roles[index as usize],
        }
    }

    /// Adds the role (or missing role) node, its rules or the roles it aggregates; its id.
    fn role(&mut self, node: NodeIndex) -> String {
        let ws: &'w Workspace = self.ws;
        let graph = ws.chain.rbac().graph();
        match &graph.graph[node] {
            Node::Role { kind, index } => {
                let (kind, index) = (*kind, *index);
                let r = Self::role_object(ws, kind, index);
                let id = object_id(kind.as_str(), &r.meta.namespace, &r.meta.name);
                if !self.roles_done.insert(node) {
                    return id;
                }
                let label = match r.meta.namespace.as_str() {
                    "" => format!("{kind} {}", r.meta.name),
                    ns => format!("{kind} {ns}/{}", r.meta.name),
                };
                let aggregated = r.aggregation_rule.is_some();
                let rules: Vec<(String, String)> = if aggregated {
                    Vec::new()
                } else {
                    r.rules
                        .iter()
                        .enumerate()
                        .map(|(i, rule)| {
                            let source = r
                                .rule_origins
                                .get(i)
                                .map(|o| ws.locate(o))
                                .unwrap_or_default();
                            (rule_label(rule), source)
                        })
                        .collect()
                };
                self.node(id.clone(), NodeKind::Role, label, ws.locate(&r.meta.origin));
                for (i, (label, source)) in rules.into_iter().enumerate() {
                    let rid = format!("{id}#{i}");
                    self.node(rid.clone(), NodeKind::Rule, label, source);
                    self.edges.insert((id.clone(), rid, EdgeKind::Grants));
                }
                if aggregated {
                    let selected: Vec<NodeIndex> = graph
                        .graph
                        .edges_directed(node, Direction::Outgoing)
                        .filter(|e| *e.weight() == Edge::Aggregates)
                        .map(|e| e.target())
                        .collect();
                    for t in selected {
                        let tid = self.role(t);
                        self.edges.insert((id.clone(), tid, EdgeKind::Aggregates));
                    }
                }
                id
            }
            Node::MissingRole(m) => {
                let id = format!("missing:{}", object_id(&m.kind, &m.namespace, &m.name));
                let label = match m.namespace.as_str() {
                    "" => format!("{} {} (not found)", m.kind, m.name),
                    ns => format!("{} {ns}/{} (not found)", m.kind, m.name),
                };
                self.node(id.clone(), NodeKind::MissingRole, label, String::new());
                id
            }
            _ => String::new(),
        }
    }

    fn binding(&mut self, b: &BindingObject, node: NodeIndex, filter: &GraphFilter) {
        let ns = b.scope_namespace();
        if let Some(want) = &filter.namespace
            && ns != want
        {
            return;
        }
        if let Some(role) = &filter.role
            && b.role_ref.name != *role
        {
            return;
        }
        let subjects: Vec<SubjectRef> = b
            .subjects
            .iter()
            .filter_map(|s| {
                SubjectRef::from_binding_subject(s, ns).or_else(|| {
                    // Kept for the picture although it never applies to anyone.
                    Some(SubjectRef {
                        kind: s.kind.to_string(),
                        namespace: s.namespace.to_string(),
                        name: s.name.to_string(),
                        in_group: String::new(),
                    })
                })
            })
            .filter(|s| filter.subject.as_ref().is_none_or(|f| f.matches(s)))
            .collect();
        if filter.subject.is_some() && subjects.is_empty() {
            return;
        }
        let id = object_id(b.kind.as_str(), &b.meta.namespace, &b.meta.name);
        let label = match ns {
            "" => format!("{} {}", b.kind, b.meta.name),
            ns => format!("{} {ns}/{}", b.kind, b.meta.name),
        };
        self.node(
            id.clone(),
            NodeKind::Binding,
            label,
            self.ws.locate(&b.meta.origin),
        );
        for s in subjects {
            let sid = subject_id(&s);
            self.node(sid.clone(), NodeKind::Subject, s.display(), String::new());
            self.edges.insert((sid, id.clone(), EdgeKind::Names));
        }
        if let Some(role) = self.ws.chain.rbac().graph().role_of(node) {
            let rid = self.role(role);
            self.edges.insert((id, rid, EdgeKind::RoleRef));
        }
    }
}

/// The graph of the workspace's RBAC policy, filtered.
pub fn export(ws: &Workspace, filter: &GraphFilter) -> GraphExport {
    let rbac = ws.chain.rbac();
    let policy = rbac.policy();
    let graph = rbac.graph();
    let mut b = Builder {
        ws,
        nodes: BTreeMap::new(),
        edges: BTreeSet::new(),
        roles_done: BTreeSet::new(),
    };
    for (i, x) in policy.cluster_role_bindings.iter().enumerate() {
        b.binding(x, graph.cluster_role_bindings[i], filter);
    }
    for (i, x) in policy.role_bindings.iter().enumerate() {
        b.binding(x, graph.role_bindings[i], filter);
    }
    if let Some(name) = &filter.role
        && filter.subject.is_none()
    {
        for (i, r) in policy.cluster_roles.iter().enumerate() {
            if r.meta.name == *name && filter.namespace.is_none() {
                b.role(graph.cluster_roles[i]);
            }
        }
        for (i, r) in policy.roles.iter().enumerate() {
            if r.meta.name == *name
                && filter
                    .namespace
                    .as_ref()
                    .is_none_or(|n| *n == r.meta.namespace)
            {
                b.role(graph.roles[i]);
            }
        }
    }
    let mut nodes: Vec<ExportNode> = b.nodes.into_values().collect();
    nodes.sort_by(|x, y| (x.kind, &x.id).cmp(&(y.kind, &y.id)));
    GraphExport {
        nodes,
        edges: b
            .edges
            .into_iter()
            .map(|(from, to, kind)| ExportEdge { from, to, kind })
            .collect(),
    }
}

fn dot_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Graphviz DOT, left to right.
pub fn to_dot(g: &GraphExport) -> String {
    let mut out = String::from(
        "digraph kauthz {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for n in &g.nodes {
        let style = match n.kind {
            NodeKind::Subject => "shape=ellipse, style=filled, fillcolor=\"#dbeafe\"",
            NodeKind::Binding => "shape=box, style=filled, fillcolor=\"#fef3c7\"",
            NodeKind::Role => "shape=box, style=\"rounded,filled\", fillcolor=\"#dcfce7\"",
            NodeKind::MissingRole => {
                "shape=box, style=\"rounded,dashed,filled\", fillcolor=\"#fee2e2\", color=\"#b91c1c\""
            }
            NodeKind::Rule => "shape=note, style=filled, fillcolor=\"#f3f4f6\"",
        };
        let tooltip = if n.source.is_empty() {
            String::new()
        } else {
            format!(", tooltip={}", dot_quote(&n.source))
        };
        out.push_str(&format!(
            "  {} [label={}, {style}{tooltip}];\n",
            dot_quote(&n.id),
            dot_quote(&n.label)
        ));
    }
    for e in &g.edges {
        let attrs = match e.kind {
            EdgeKind::Names | EdgeKind::RoleRef | EdgeKind::Grants => "",
            EdgeKind::Aggregates => " [style=dashed, label=\"aggregates\"]",
        };
        out.push_str(&format!(
            "  {} -> {}{attrs};\n",
            dot_quote(&e.from),
            dot_quote(&e.to)
        ));
    }
    out.push_str("}\n");
    out
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// A Mermaid flowchart (GitHub renders it in Markdown). Node ids are `n0`, `n1`, ... in node
/// order.
pub fn to_mermaid(g: &GraphExport) -> String {
    let ids: BTreeMap<&str, String> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), format!("n{i}")))
        .collect();
    let mut out = String::from("flowchart LR\n");
    for (i, n) in g.nodes.iter().enumerate() {
        let t = mermaid_text(&n.label);
        let shape = match n.kind {
            NodeKind::Subject => format!("([\"{t}\"])"),
            NodeKind::Binding => format!("[\"{t}\"]"),
            NodeKind::Role => format!("[[\"{t}\"]]"),
            NodeKind::MissingRole => format!("{{{{\"{t}\"}}}}"),
            NodeKind::Rule => format!(">\"{t}\"]"),
        };
        out.push_str(&format!("  n{i}{shape}\n"));
    }
    for e in &g.edges {
        let (Some(from), Some(to)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) else {
            continue;
        };
        let arrow = match e.kind {
            EdgeKind::Aggregates => "-. aggregates .->",
            _ => "-->",
        };
        out.push_str(&format!("  {from} {arrow} {to}\n"));
    }
    out
}
