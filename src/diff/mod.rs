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
//! Speed ([`roles`]): each role's keys are normalised once per side and shared; a subject's
//! grants in a scope are the union of the role sets of its bindings there. Subjects holding
//! the same roles (by content) in every scope on both sides are skipped without expanding
//! anything; in a scope whose roles differ, only the roles one side lacks are united and
//! checked against the other side's. [`effective_permissions`] stays the per-subject
//! evaluation through [`RbacAuthorizer::rules_for`], the reference the property tests use.

mod keys;
pub mod permissions;
pub mod risk;
mod roles;
pub mod subject;

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

/// The semantic difference between two policies: for every subject, what `head` grants that
/// `base` does not (gained) and the reverse (lost).
pub fn diff(base: &RbacAuthorizer, head: &RbacAuthorizer) -> PolicyDiff {
    roles::diff(base, head)
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
