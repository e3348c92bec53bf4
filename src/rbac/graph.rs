//! The subject → binding → role structure as a petgraph graph.
//!
//! Evaluation, who-can, explain and the escalation analysis all walk this one graph: subjects
//! point at the bindings that name them, bindings at the role their roleRef resolves to (or a
//! missing-role node carrying the not-found error), aggregated ClusterRoles at the roles they
//! select.

use std::collections::HashMap;

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{BindingKind, Name, RoleKind, Subject};
use crate::policy::PolicySet;
use crate::rbac::role_ref_error;
use crate::rbac::selector::selector_matches;

/// A node of the policy graph. Indices point into the [`PolicySet`]'s sorted vectors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A subject as bindings name it; a ServiceAccount's namespace is filled from a
    /// RoleBinding's namespace when the subject states none.
    Subject(std::sync::Arc<Subject>),
    Binding {
        kind: BindingKind,
        index: u32,
    },
    Role {
        kind: RoleKind,
        index: u32,
    },
    /// A roleRef that resolves to nothing (boxed: rare, and it would quadruple every node).
    MissingRole(Box<MissingRole>),
}

/// A roleRef target that does not exist; `error` is the message upstream returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingRole {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub error: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// Subject → binding; `position` is the subject's index in the binding.
    Names { position: u32 },
    /// Binding → role (or missing role).
    RoleRef,
    /// Aggregated ClusterRole → a ClusterRole its selectors select.
    Aggregates,
}

pub struct PolicyGraph {
    pub graph: DiGraph<Node, Edge>,
    pub cluster_role_bindings: Vec<NodeIndex>,
    pub role_bindings: Vec<NodeIndex>,
    pub cluster_roles: Vec<NodeIndex>,
    pub roles: Vec<NodeIndex>,
    subjects: HashMap<std::sync::Arc<Subject>, NodeIndex>,
}

impl PolicyGraph {
    pub fn build(policy: &PolicySet) -> Self {
        // Sized up front (subjects counted as if all distinct) and trimmed at the end: growing
        // by doubling copies the graph at its largest and may leave half of it unused.
        let subject_count: usize = policy
            .cluster_role_bindings
            .iter()
            .chain(&policy.role_bindings)
            .map(|b| b.subjects.len())
            .sum();
        let binding_count = policy.cluster_role_bindings.len() + policy.role_bindings.len();
        let mut graph = DiGraph::with_capacity(
            policy.object_count() + subject_count,
            binding_count + subject_count,
        );
        let cluster_roles: Vec<NodeIndex> = (0..policy.cluster_roles.len())
            .map(|i| {
                graph.add_node(Node::Role {
                    kind: RoleKind::ClusterRole,
                    index: i as u32,
                })
            })
            .collect();
        let roles: Vec<NodeIndex> = (0..policy.roles.len())
            .map(|i| {
                graph.add_node(Node::Role {
                    kind: RoleKind::Role,
                    index: i as u32,
                })
            })
            .collect();
        let mut missing: HashMap<(Name, Name, Name), NodeIndex> = HashMap::new();
        let mut subjects: HashMap<std::sync::Arc<Subject>, NodeIndex> = HashMap::new();
        let mut binding_nodes = |graph: &mut DiGraph<Node, Edge>, kind: BindingKind| {
            let list = match kind {
                BindingKind::ClusterRoleBinding => &policy.cluster_role_bindings,
                BindingKind::RoleBinding => &policy.role_bindings,
            };
            let mut out = Vec::with_capacity(list.len());
            for (i, b) in list.iter().enumerate() {
                let node = graph.add_node(Node::Binding {
                    kind,
                    index: i as u32,
                });
                out.push(node);
                let ns = &b.meta.namespace;
                let target = match b.role_ref.kind.as_str() {
                    "ClusterRole" => policy
                        .cluster_role_position(&b.role_ref.name)
                        .map(|p| cluster_roles[p as usize]),
                    "Role" => policy
                        .role_position(ns, &b.role_ref.name)
                        .map(|p| roles[p as usize]),
                    _ => None,
                };
                let target = target.unwrap_or_else(|| {
                    let key = (b.role_ref.kind.clone(), ns.clone(), b.role_ref.name.clone());
                    *missing.entry(key).or_insert_with(|| {
                        graph.add_node(Node::MissingRole(Box::new(MissingRole {
                            kind: b.role_ref.kind.to_string(),
                            namespace: ns.to_string(),
                            name: b.role_ref.name.to_string(),
                            error: role_ref_error(b),
                        })))
                    })
                });
                graph.add_edge(node, target, Edge::RoleRef);
                for (pos, s) in b.subjects.iter().enumerate() {
                    // Without the API group.
                    let key = Subject {
                        kind: s.kind.clone(),
                        api_group: Name::default(),
                        name: s.name.clone(),
                        namespace: if s.kind == "ServiceAccount" && s.namespace.is_empty() {
                            ns.clone()
                        } else {
                            s.namespace.clone()
                        },
                    };
                    // One shared copy serves as both the map key and the node weight.
                    let sn = match subjects.get(&key) {
                        Some(n) => *n,
                        None => {
                            let key = std::sync::Arc::new(key);
                            let n = graph.add_node(Node::Subject(std::sync::Arc::clone(&key)));
                            subjects.insert(key, n);
                            n
                        }
                    };
                    graph.add_edge(
                        sn,
                        node,
                        Edge::Names {
                            position: pos as u32,
                        },
                    );
                }
            }
            out
        };
        let cluster_role_bindings = binding_nodes(&mut graph, BindingKind::ClusterRoleBinding);
        let role_bindings = binding_nodes(&mut graph, BindingKind::RoleBinding);
        for (i, role) in policy.cluster_roles.iter().enumerate() {
            let Some(rule) = &role.aggregation_rule else {
                continue;
            };
            for (j, other) in policy.cluster_roles.iter().enumerate() {
                if i != j
                    && rule
                        .cluster_role_selectors
                        .iter()
                        .any(|s| selector_matches(s, &other.meta.labels).unwrap_or(false))
                {
                    graph.add_edge(cluster_roles[i], cluster_roles[j], Edge::Aggregates);
                }
            }
        }
        graph.shrink_to_fit();
        subjects.shrink_to_fit();
        PolicyGraph {
            graph,
            cluster_role_bindings,
            role_bindings,
            cluster_roles,
            roles,
            subjects,
        }
    }

    /// The node a binding's roleRef leads to.
    pub fn role_of(&self, binding: NodeIndex) -> Option<NodeIndex> {
        self.graph
            .edges_directed(binding, Direction::Outgoing)
            .find(|e| *e.weight() == Edge::RoleRef)
            .map(|e| e.target())
    }

    pub fn subject_node(&self, subject: &Subject) -> Option<NodeIndex> {
        self.subjects.get(subject).copied()
    }

    /// Every subject node, sorted by kind, namespace, name.
    pub fn subjects(&self) -> Vec<(&Subject, NodeIndex)> {
        let mut out: Vec<_> = self
            .subjects
            .iter()
            .map(|(s, n)| (s.as_ref(), *n))
            .collect();
        out.sort_by(|a, b| {
            (&a.0.kind, &a.0.namespace, &a.0.name).cmp(&(&b.0.kind, &b.0.namespace, &b.0.name))
        });
        out
    }
}
