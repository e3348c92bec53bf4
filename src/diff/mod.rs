//! `kauthz diff`: what an RBAC change does to effective permissions, subject by subject.
//!
//! Both policies are evaluated, not compared as text: for every subject any binding names
//! (User, Group, ServiceAccount), the rules that reach it through the authorizer
//! ([`RbacAuthorizer::rules_for`], aggregation settled) are flattened into atomic grants per
//! scope ([`permissions`]), and the grants of one side that the other side does not allow are
//! the gains and losses. Renaming a role, reordering rules or splitting files changes nothing;
//! a new subject in a binding, or a RoleBinding moved to another namespace, does.
//!
//! Permissions are per subject *as named*: a Group's grants are reported under the Group, not
//! under its (unknowable) members, and a ServiceAccount's under the ServiceAccount, not under
//! `system:serviceaccounts`.
//!
//! Speed: a subject's permissions depend only on the (scope, role rules) pairs of the bindings
//! naming it. Subjects whose pairs are equal on both sides cannot have changed and are skipped
//! without evaluation; the others are evaluated in parallel.

mod keys;
pub mod permissions;
pub mod risk;
pub mod subject;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::model::{BindingKind, PolicyRule};
use crate::rbac::authorizer::RbacAuthorizer;
pub use permissions::{Atom, Permissions, Via, covered, effective_permissions};
pub use risk::risk_of;
pub use subject::Identity;

/// Where a grant holds. Ordered cluster-wide first, then namespaces by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Cluster,
    Namespace(String),
}

impl Scope {
    pub fn is_cluster(&self) -> bool {
        matches!(self, Scope::Cluster)
    }

    pub fn namespace(&self) -> &str {
        match self {
            Scope::Cluster => "",
            Scope::Namespace(ns) => ns,
        }
    }
}

/// One permission gained or lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub atom: Atom,
    pub scope: Scope,
    /// The rule that grants it, on the side that has it (HEAD for a gain, BASE for a loss).
    pub via: Via,
    /// Security rule ids a gain matches ([`risk_of`]); empty for losses.
    pub risks: Vec<&'static str>,
    /// For a cluster-wide change: the namespaces where the other side grants it anyway (a
    /// cluster-wide gain that was already held in some namespaces, a cluster-wide loss that
    /// is kept in some). Sorted; empty for namespace changes.
    pub other_side_in: Vec<String>,
}

/// The changes of one subject, each list sorted by scope, then atom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectDiff {
    pub identity: Identity,
    pub gained: Vec<Change>,
    pub lost: Vec<Change>,
}

/// Every subject whose effective permissions differ, sorted by identity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyDiff {
    pub subjects: Vec<SubjectDiff>,
}

impl PolicyDiff {
    pub fn is_empty(&self) -> bool {
        self.subjects.is_empty()
    }

    pub fn gained(&self) -> usize {
        self.subjects.iter().map(|s| s.gained.len()).sum()
    }

    pub fn lost(&self) -> usize {
        self.subjects.iter().map(|s| s.lost.len()).sum()
    }

    /// Gains that match at least one security rule.
    pub fn risky(&self) -> usize {
        self.subjects
            .iter()
            .flat_map(|s| &s.gained)
            .filter(|c| !c.risks.is_empty())
            .count()
    }
}

/// The gains (in `head`, not allowed by `base`) and losses (the reverse) of one subject.
pub fn diff_permissions(base: &Permissions, head: &Permissions) -> (Vec<Change>, Vec<Change>) {
    (
        missing_from(head, base, true),
        missing_from(base, head, false),
    )
}

/// Grants of `have` that `other` does not allow (the fast path of [`missing_from`]).
fn missing_keys(have: &keys::KeyPerms<'_>, other: &keys::KeyPerms<'_>, gains: bool) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |k: keys::Key<'_>, scope: Scope, via: Via| {
        let atom = k.to_atom();
        let risks = if gains {
            risk_of(&atom, scope.is_cluster())
        } else {
            Vec::new()
        };
        let other_side_in = if scope.is_cluster() {
            other
                .namespaces
                .iter()
                .filter(|(_, set)| set.covers(&k))
                .map(|(ns, _)| ns.to_string())
                .collect()
        } else {
            Vec::new()
        };
        out.push(Change {
            atom,
            scope,
            via,
            risks,
            other_side_in,
        });
    };
    for (k, via) in have.cluster.sorted() {
        if !other.cluster.covers(&k) {
            push(k, Scope::Cluster, via);
        }
    }
    for (ns, set) in &have.namespaces {
        for (k, via) in set.sorted() {
            if !other.allows(&k, ns) {
                push(k, Scope::Namespace(ns.to_string()), via);
            }
        }
    }
    out
}

/// Grants of `have` that `other` does not allow.
fn missing_from(have: &Permissions, other: &Permissions, gains: bool) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |atom: &Atom, scope: Scope, via: &Via| {
        let risks = if gains {
            risk_of(atom, scope.is_cluster())
        } else {
            Vec::new()
        };
        let other_side_in = if scope.is_cluster() {
            other
                .namespaces
                .iter()
                .filter(|(_, set)| covered(atom, set))
                .map(|(ns, _)| ns.clone())
                .collect()
        } else {
            Vec::new()
        };
        out.push(Change {
            atom: atom.clone(),
            scope,
            via: *via,
            risks,
            other_side_in,
        });
    };
    for (atom, via) in &have.cluster {
        if !covered(atom, &other.cluster) {
            push(atom, Scope::Cluster, via);
        }
    }
    for (ns, set) in &have.namespaces {
        for (atom, via) in set {
            if !other.allows(atom, ns) {
                push(atom, Scope::Namespace(ns.clone()), via);
            }
        }
    }
    out
}

/// What one subject's permissions are made of: the rules of the roles its bindings lead to,
/// cluster-wide and per namespace (each list sorted, duplicates dropped).
#[derive(Debug, Default, PartialEq, Eq)]
struct Signature<'a> {
    cluster: Vec<&'a [PolicyRule]>,
    namespaces: BTreeMap<&'a str, Vec<&'a [PolicyRule]>>,
}

/// For every identity named by a binding, its [`Signature`].
fn signatures(rbac: &RbacAuthorizer) -> HashMap<Identity, Signature<'_>> {
    let policy = rbac.policy();
    let graph = rbac.graph();
    let mut out: HashMap<Identity, Signature<'_>> = HashMap::new();
    let lists = [
        (&policy.cluster_role_bindings, &graph.cluster_role_bindings),
        (&policy.role_bindings, &graph.role_bindings),
    ];
    for (bindings, nodes) in lists {
        for (binding, &node) in bindings.iter().zip(nodes.iter()) {
            let rules: &[PolicyRule] = graph
                .role_of(node)
                .and_then(|r| rbac.rules_of(r).ok())
                .unwrap_or(&[]);
            if rules.is_empty() {
                continue;
            }
            let ns = match binding.kind {
                BindingKind::ClusterRoleBinding => "",
                BindingKind::RoleBinding => binding.meta.namespace.as_str(),
            };
            for s in &binding.subjects {
                if let Some(id) = Identity::of_subject(s, ns) {
                    let sig = out.entry(id).or_default();
                    match binding.kind {
                        BindingKind::ClusterRoleBinding => sig.cluster.push(rules),
                        BindingKind::RoleBinding => {
                            sig.namespaces.entry(ns).or_default().push(rules)
                        }
                    }
                }
            }
        }
    }
    for sig in out.values_mut() {
        sig.cluster.sort_unstable();
        sig.cluster.dedup();
        for parts in sig.namespaces.values_mut() {
            parts.sort_unstable();
            parts.dedup();
        }
    }
    out
}

/// The namespaces to evaluate for a subject: those whose RoleBindings differ. A namespace
/// whose parts are equal on both sides cannot change (each side's grants there are allowed by
/// the other's). When the cluster-wide parts differ, every namespace is evaluated, so a
/// cluster-wide change can say where the other side still (or already) grants it.
fn changed_namespaces<'a>(
    base: Option<&Signature<'a>>,
    head: Option<&Signature<'a>>,
) -> BTreeSet<&'a str> {
    let empty = Signature::default();
    let (b, h) = (base.unwrap_or(&empty), head.unwrap_or(&empty));
    let cluster_changed = b.cluster != h.cluster;
    b.namespaces
        .keys()
        .chain(h.namespaces.keys())
        .filter(|ns| cluster_changed || b.namespaces.get(*ns) != h.namespaces.get(*ns))
        .copied()
        .collect()
}

/// The semantic difference between two policies: for every subject, what `head` grants that
/// `base` does not (gained) and the reverse (lost).
pub fn diff(base: &RbacAuthorizer, head: &RbacAuthorizer) -> PolicyDiff {
    let (sig_base, sig_head) = rayon::join(|| signatures(base), || signatures(head));
    let mut identities: Vec<&Identity> = sig_base
        .keys()
        .chain(sig_head.keys())
        .filter(|id| sig_base.get(*id) != sig_head.get(*id))
        .collect();
    identities.sort_unstable();
    identities.dedup();
    let subjects = identities
        .par_iter()
        .filter_map(|id| {
            let namespaces = changed_namespaces(sig_base.get(*id), sig_head.get(*id));
            let b = keys::effective(base, id, namespaces.iter().copied());
            let h = keys::effective(head, id, namespaces.iter().copied());
            let gained = missing_keys(&h, &b, true);
            let lost = missing_keys(&b, &h, false);
            (!gained.is_empty() || !lost.is_empty()).then(|| SubjectDiff {
                identity: (*id).clone(),
                gained,
                lost,
            })
        })
        .collect();
    PolicyDiff { subjects }
}

/// The binding behind a change.
pub fn via_binding<'a>(rbac: &'a RbacAuthorizer, via: &Via) -> &'a crate::model::BindingObject {
    rbac.binding(via.binding_kind, via.binding)
}

/// Where the rule behind a change is written (`None` when the role is missing).
pub fn via_rule_origin(rbac: &RbacAuthorizer, via: &Via) -> Option<crate::model::Origin> {
    use crate::model::RoleKind;
    use crate::rbac::graph::Node;
    let policy = rbac.policy();
    let role = match rbac.graph().graph.node_weight(via.role)? {
        Node::Role {
            kind: RoleKind::ClusterRole,
            index,
        } => policy.cluster_roles.get(*index as usize)?,
        Node::Role {
            kind: RoleKind::Role,
            index,
        } => policy.roles.get(*index as usize)?,
        _ => return None,
    };
    role.rule_origins.get(via.rule_index).copied()
}
