//! The RBAC authorizer, indexed by subject and namespace.
//!
//! Upstream visits every ClusterRoleBinding, then every RoleBinding of the request's namespace,
//! and asks each whether it applies to the user. We look the applicable bindings up instead
//! (by user name, by group, by service-account user name) and visit only those, in the same
//! order (sorted by name, the order kauthz fixes where upstream has none), so the first
//! allowing binding and the collected errors are the ones the linear visit would produce.

use std::collections::HashMap;

use petgraph::graph::NodeIndex;

use crate::decision::Verdict;
use crate::model::{BindingKind, BindingObject, PolicyRule, RoleKind};
use crate::policy::PolicySet;
use crate::rbac::aggregate_error::aggregate_message;
use crate::rbac::graph::{Node, PolicyGraph};
use crate::rbac::matching::rule_allows;
use crate::rbac::{describe_grant, first_applying_subject, service_account_user};
use crate::request::Attributes;

/// The bindings of one scope (cluster-wide, or one namespace), keyed by who they name.
#[derive(Default)]
struct Scope {
    /// Binding index (into the policy's sorted vector) and the node its roleRef leads to.
    entries: Vec<(u32, NodeIndex)>,
    by_user: HashMap<String, Vec<u32>>,
    by_group: HashMap<String, Vec<u32>>,
}

impl Scope {
    fn add(&mut self, position: u32, binding: &BindingObject, role: NodeIndex) {
        let slot = self.entries.len() as u32;
        self.entries.push((position, role));
        let ns = match binding.kind {
            BindingKind::ClusterRoleBinding => "",
            BindingKind::RoleBinding => binding.meta.namespace.as_str(),
        };
        for s in &binding.subjects {
            let list = match s.kind.as_str() {
                "User" => self.by_user.entry(s.name.clone()).or_default(),
                "Group" => self.by_group.entry(s.name.clone()).or_default(),
                "ServiceAccount" => {
                    let sa_ns = if s.namespace.is_empty() {
                        ns
                    } else {
                        &s.namespace
                    };
                    if sa_ns.is_empty() {
                        continue;
                    }
                    self.by_user
                        .entry(service_account_user(sa_ns, &s.name))
                        .or_default()
                }
                _ => continue,
            };
            if list.last() != Some(&slot) {
                list.push(slot);
            }
        }
    }

    /// Slots of the bindings that apply to the request's user, in visit order.
    fn candidates(&self, a: &Attributes, out: &mut Vec<u32>) {
        out.clear();
        if let Some(v) = self.by_user.get(&a.user) {
            out.extend_from_slice(v);
        }
        for g in &a.groups {
            if let Some(v) = self.by_group.get(g) {
                out.extend_from_slice(v);
            }
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// One rule that applies to a user through one binding (upstream `RulesFor`, with sources).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedRule<'a> {
    pub binding_kind: BindingKind,
    /// Position of the binding in the policy's sorted vector of its kind.
    pub binding: u32,
    /// The role node the binding's roleRef leads to.
    pub role: NodeIndex,
    /// Index of the rule in the role's rules.
    pub rule_index: usize,
    pub rule: &'a PolicyRule,
}

/// What the RBAC authorizer found for one request, for explain and for the verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RbacOutcome {
    /// Allowed by this binding, its `position` in the policy's sorted vector of its kind.
    Allowed {
        kind: BindingKind,
        position: u32,
        rule: usize,
        reason: String,
    },
    /// Not allowed; the errors of the applicable bindings with unresolvable roles, in order.
    NotAllowed { errors: Vec<String> },
}

pub struct RbacAuthorizer {
    policy: PolicySet,
    graph: PolicyGraph,
    cluster: Scope,
    namespaces: HashMap<String, Scope>,
}

impl RbacAuthorizer {
    pub fn new(policy: PolicySet) -> Self {
        let graph = PolicyGraph::build(&policy);
        let mut cluster = Scope::default();
        for (i, b) in policy.cluster_role_bindings.iter().enumerate() {
            let role = graph
                .role_of(graph.cluster_role_bindings[i])
                .unwrap_or(graph.cluster_role_bindings[i]);
            cluster.add(i as u32, b, role);
        }
        let mut namespaces: HashMap<String, Scope> = HashMap::new();
        for (i, b) in policy.role_bindings.iter().enumerate() {
            let role = graph
                .role_of(graph.role_bindings[i])
                .unwrap_or(graph.role_bindings[i]);
            namespaces
                .entry(b.meta.namespace.clone())
                .or_default()
                .add(i as u32, b, role);
        }
        RbacAuthorizer {
            policy,
            graph,
            cluster,
            namespaces,
        }
    }

    pub fn policy(&self) -> &PolicySet {
        &self.policy
    }

    pub fn graph(&self) -> &PolicyGraph {
        &self.graph
    }

    /// The rules behind a role node, or the error of a missing role.
    pub fn rules_of(&self, node: NodeIndex) -> Result<&[PolicyRule], &str> {
        match &self.graph.graph[node] {
            Node::Role {
                kind: RoleKind::ClusterRole,
                index,
            } => Ok(&self.policy.cluster_roles[*index as usize].rules),
            Node::Role {
                kind: RoleKind::Role,
                index,
            } => Ok(&self.policy.roles[*index as usize].rules),
            Node::MissingRole(missing) => Err(&missing.error),
            _ => Err("not a role"),
        }
    }

    pub fn authorize(&self, a: &Attributes) -> Verdict {
        match self.evaluate(a) {
            RbacOutcome::Allowed { reason, .. } => Verdict::allow(reason),
            RbacOutcome::NotAllowed { errors } if errors.is_empty() => Verdict::no_opinion(""),
            RbacOutcome::NotAllowed { errors } => {
                Verdict::no_opinion(format!("RBAC: {}", aggregate_message(&errors)))
            }
        }
    }

    pub fn evaluate(&self, a: &Attributes) -> RbacOutcome {
        let mut errors = Vec::new();
        let mut slots = Vec::new();
        let scopes = [
            Some((&self.cluster, BindingKind::ClusterRoleBinding)),
            if a.namespace.is_empty() {
                None
            } else {
                self.namespaces
                    .get(&a.namespace)
                    .map(|s| (s, BindingKind::RoleBinding))
            },
        ];
        for (scope, kind) in scopes.into_iter().flatten() {
            scope.candidates(a, &mut slots);
            for &slot in &slots {
                let (position, role) = scope.entries[slot as usize];
                match self.rules_of(role) {
                    Err(e) => errors.push(e.to_string()),
                    Ok(rules) => {
                        if let Some(rule) = rules.iter().position(|r| rule_allows(r, a)) {
                            let binding = self.binding(kind, position);
                            let reason = first_applying_subject(binding, a)
                                .map(|s| format!("RBAC: allowed by {}", describe_grant(binding, s)))
                                .unwrap_or_default();
                            return RbacOutcome::Allowed {
                                kind,
                                position,
                                rule,
                                reason,
                            };
                        }
                    }
                }
            }
        }
        RbacOutcome::NotAllowed { errors }
    }

    /// Every rule that applies to the user and groups of `a` in `a.namespace` (cluster-wide
    /// bindings first, then the namespace's RoleBindings, each in name order), as upstream's
    /// `RulesFor` collects them for a SelfSubjectRulesReview; the second value holds the
    /// errors of bindings whose role cannot be found. Only `user`, `groups` and `namespace`
    /// of `a` are read.
    pub fn rules_for<'a>(&'a self, a: &Attributes) -> (Vec<AppliedRule<'a>>, Vec<String>) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut slots = Vec::new();
        let scopes = [
            Some((&self.cluster, BindingKind::ClusterRoleBinding)),
            if a.namespace.is_empty() {
                None
            } else {
                self.namespaces
                    .get(&a.namespace)
                    .map(|s| (s, BindingKind::RoleBinding))
            },
        ];
        for (scope, kind) in scopes.into_iter().flatten() {
            scope.candidates(a, &mut slots);
            for &slot in &slots {
                let (position, role) = scope.entries[slot as usize];
                match self.rules_of(role) {
                    Err(e) => errors.push(e.to_string()),
                    Ok(rules) => {
                        for (rule_index, rule) in rules.iter().enumerate() {
                            out.push(AppliedRule {
                                binding_kind: kind,
                                binding: position,
                                role,
                                rule_index,
                                rule,
                            });
                        }
                    }
                }
            }
        }
        (out, errors)
    }

    /// Namespaces that have at least one RoleBinding, sorted.
    pub fn binding_namespaces(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.namespaces.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Namespaces with at least one RoleBinding that applies to `user` or one of `groups`
    /// (looked up in the index, one probe per namespace), sorted.
    pub fn namespaces_binding(&self, user: &str, groups: &[String]) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .namespaces
            .iter()
            .filter(|(_, scope)| {
                scope.by_user.contains_key(user)
                    || groups.iter().any(|g| scope.by_group.contains_key(g))
            })
            .map(|(ns, _)| ns.as_str())
            .collect();
        v.sort_unstable();
        v
    }

    pub fn binding(&self, kind: BindingKind, position: u32) -> &BindingObject {
        match kind {
            BindingKind::ClusterRoleBinding => {
                &self.policy.cluster_role_bindings[position as usize]
            }
            BindingKind::RoleBinding => &self.policy.role_bindings[position as usize],
        }
    }
}
