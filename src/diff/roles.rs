//! The structural diff behind [`super::diff`]: grants are built from roles, not re-evaluated
//! per subject and namespace.
//!
//! Every role a binding leads to gets a content id: two roles, on either side, with the same
//! rules (as a set: order and repeats do not matter) get the same id (exact interning, no
//! hashing shortcut). Its flattened, normalised keys ([`KeySet`]) are computed at most once
//! per side, on first use, and shared by every binding of it. A subject's grants in one
//! scope (cluster-wide, or one namespace) are then the union of the role sets of the bindings
//! naming it there, so:
//!
//! - a subject whose set of role ids is the same in every scope on both sides cannot have
//!   changed, and is skipped without expanding anything (most roles are never expanded);
//! - in a scope whose role ids differ, a gain can only come from a role whose id the other
//!   side does not hold there (a shared role's keys are allowed by the other side as they
//!   are), so only those roles are united and normalised, and each resulting key is checked
//!   for coverage against the other side's role sets (cluster-wide and in that scope) and,
//!   for a namespace, against the same side's cluster-wide sets (a namespace grant that a
//!   cluster-wide one covers is not a namespace grant of its own). Coverage is transitive, so
//!   the keys kept are exactly the maximal keys of the whole side that the other side lacks.
//!
//! The grant source of a key is the first binding (in the authorizer's visit order: sorted
//! position) and, within its role, the first rule that grants it — as evaluation would find.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use petgraph::graph::NodeIndex;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::keys::{Key, KeySet, rule_keys};
use super::permissions::Via;
use super::subject::Identity;
use super::{Change, PolicyDiff, Scope, SubjectDiff, risk_of};
use crate::model::{BindingKind, PolicyRule};
use crate::rbac::authorizer::RbacAuthorizer;

/// One role's normalised keys: with non-resource URLs (what a ClusterRoleBinding grants) and
/// without (what a RoleBinding grants: a URL request has no namespace).
struct RoleKeys<'a> {
    all: KeySet<'a>,
    resources: KeySet<'a>,
}

/// A role as one binding grants it to one subject in one scope.
#[derive(Clone, Copy)]
struct Grant {
    binding: u32,
    /// Content id of the role's rules.
    id: u32,
    role: NodeIndex,
}

/// The grants of one subject in one scope, in visit order, and their sorted distinct ids.
#[derive(Clone, Default)]
struct Scoped {
    grants: Vec<Grant>,
    ids: Vec<u32>,
}

impl Scoped {
    fn holds(&self, id: u32) -> bool {
        self.ids.binary_search(&id).is_ok()
    }
}

/// Everything one subject holds on one side.
#[derive(Clone, Default)]
struct Held<'a> {
    cluster: Scoped,
    namespaces: BTreeMap<&'a str, Scoped>,
}

impl Held<'_> {
    /// Whether both hold the same role ids in every scope (then their permissions are equal).
    fn same_roles(&self, other: &Held<'_>) -> bool {
        self.cluster.ids == other.cluster.ids
            && self.namespaces.len() == other.namespaces.len()
            && self
                .namespaces
                .iter()
                .zip(&other.namespaces)
                .all(|((n1, s1), (n2, s2))| n1 == n2 && s1.ids == s2.ids)
    }
}

/// One policy, as the diff sees it.
struct Side<'a> {
    rbac: &'a RbacAuthorizer,
    /// Every role a binding leads to: its content id and its keys, expanded on first use.
    roles: HashMap<NodeIndex, (u32, OnceLock<RoleKeys<'a>>)>,
    held: HashMap<Identity, Held<'a>>,
}

impl<'a> Side<'a> {
    /// The normalised keys of `role` in a scope: cluster-wide, or a namespace.
    fn keys(&self, role: NodeIndex, cluster: bool) -> Option<&KeySet<'a>> {
        let (_, cell) = self.roles.get(&role)?;
        let keys = cell.get_or_init(|| role_keys(self.rbac, role));
        Some(if cluster { &keys.all } else { &keys.resources })
    }

    /// Whether a role of `scoped` covers `k`.
    fn covers(&self, scoped: &Scoped, cluster: bool, k: &Key<'_>) -> bool {
        scoped
            .grants
            .iter()
            .any(|g| self.keys(g.role, cluster).is_some_and(|s| s.covers(k)))
    }

    /// The keys of `have`'s roles whose ids `other` lacks and that `lacking` does not allow,
    /// united in visit order and normalised. Filtering before normalising is sound because
    /// coverage is transitive: a key covered by a dropped key is allowed by `lacking` too.
    fn novel(
        &self,
        have: &Scoped,
        other: &Scoped,
        kind: BindingKind,
        lacking: impl Fn(&Key<'_>) -> bool,
    ) -> KeySet<'a> {
        let cluster = kind == BindingKind::ClusterRoleBinding;
        let mut set = KeySet::default();
        for g in have.grants.iter().filter(|g| !other.holds(g.id)) {
            let Some(keys) = self.keys(g.role, cluster) else {
                continue;
            };
            for (k, via) in &keys.map {
                if !set.map.contains_key(k) && lacking(k) {
                    set.insert(
                        *k,
                        Via {
                            binding_kind: kind,
                            binding: g.binding,
                            ..*via
                        },
                    );
                }
            }
        }
        set.normalise(None)
    }
}

/// The bindings of one side, each with the role node its roleRef leads to.
fn bound_roles(rbac: &RbacAuthorizer) -> Vec<(BindingKind, u32, NodeIndex)> {
    let policy = rbac.policy();
    let graph = rbac.graph();
    let mut out = Vec::new();
    let lists = [
        (
            BindingKind::ClusterRoleBinding,
            &graph.cluster_role_bindings,
            policy.cluster_role_bindings.len(),
        ),
        (
            BindingKind::RoleBinding,
            &graph.role_bindings,
            policy.role_bindings.len(),
        ),
    ];
    for (kind, nodes, len) in lists {
        for (position, &node) in nodes.iter().enumerate().take(len) {
            if let Some(role) = graph.role_of(node) {
                out.push((kind, position as u32, role));
            }
        }
    }
    out
}

/// The normalised keys of a role (a missing or broken role grants nothing).
fn role_keys<'a>(rbac: &'a RbacAuthorizer, role: NodeIndex) -> RoleKeys<'a> {
    let mut all = KeySet::default();
    if let Ok(rules) = rbac.rules_of(role) {
        for (rule_index, rule) in rules.iter().enumerate() {
            let via = Via {
                binding_kind: BindingKind::ClusterRoleBinding,
                binding: 0,
                role,
                rule_index,
            };
            rule_keys(rule, true, |k| all.insert(k, via));
        }
    }
    let all = all.normalise(None);
    // URL keys and resource keys never cover one another, so dropping the URLs of a
    // normalised set leaves a normalised set.
    let resources = all.without_urls();
    RoleKeys { all, resources }
}

/// The sorted, distinct rules of every role of `roles` (`None`: grants nothing).
fn role_rules<'a>(
    rbac: &'a RbacAuthorizer,
    roles: &[NodeIndex],
) -> Vec<(NodeIndex, Option<Vec<&'a PolicyRule>>)> {
    roles
        .par_iter()
        .map(|&role| {
            let rules = rbac.rules_of(role).ok().filter(|r| !r.is_empty()).map(|r| {
                let mut v: Vec<&PolicyRule> = r.iter().collect();
                v.sort_unstable();
                v.dedup();
                v
            });
            (role, rules)
        })
        .collect()
}

/// One side: its bound roles with content ids from `ids` (shared with the other side), and
/// what every identity a binding names holds.
fn side<'a>(
    rbac: &'a RbacAuthorizer,
    bound: &[(BindingKind, u32, NodeIndex)],
    rules: Vec<(NodeIndex, Option<Vec<&'a PolicyRule>>)>,
    ids: &mut HashMap<Vec<&'a PolicyRule>, u32>,
) -> Side<'a> {
    let mut roles = HashMap::default();
    for (role, rules) in rules {
        let Some(rules) = rules else { continue };
        let next = ids.len() as u32;
        let id = *ids.entry(rules).or_insert(next);
        roles.insert(role, (id, OnceLock::new()));
    }
    let mut held: HashMap<Identity, Held<'a>> = HashMap::default();
    for &(kind, position, role) in bound {
        let Some(&(id, _)) = roles.get(&role) else {
            continue;
        };
        let binding = rbac.binding(kind, position);
        let ns = binding.scope_namespace();
        for s in &binding.subjects {
            let Some(identity) = Identity::of_subject(s, ns) else {
                continue;
            };
            let h = held.entry(identity).or_default();
            let scoped = match kind {
                BindingKind::ClusterRoleBinding => &mut h.cluster,
                BindingKind::RoleBinding => h.namespaces.entry(ns).or_default(),
            };
            scoped.grants.push(Grant {
                binding: position,
                id,
                role,
            });
        }
    }
    for h in held.values_mut() {
        for scoped in std::iter::once(&mut h.cluster).chain(h.namespaces.values_mut()) {
            scoped.ids = scoped.grants.iter().map(|g| g.id).collect();
            scoped.ids.sort_unstable();
            scoped.ids.dedup();
        }
    }
    Side { rbac, roles, held }
}

/// Grants `have_side` gives `have` that `other_side` does not give `other`: cluster-wide
/// first, then by namespace, each sorted by key.
fn missing(
    have_side: &Side<'_>,
    have: &Held<'_>,
    other_side: &Side<'_>,
    other: &Held<'_>,
    gains: bool,
) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |k: Key<'_>, scope: Scope, via: Via| {
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
                .filter(|(_, s)| other_side.covers(s, false, &k))
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
    if have.cluster.ids != other.cluster.ids {
        let set = have_side.novel(
            &have.cluster,
            &other.cluster,
            BindingKind::ClusterRoleBinding,
            |k| !other_side.covers(&other.cluster, true, k),
        );
        for (k, via) in set.sorted() {
            push(k, Scope::Cluster, via);
        }
    }
    let none = Scoped::default();
    for (ns, scoped) in &have.namespaces {
        let theirs = other.namespaces.get(ns).unwrap_or(&none);
        if scoped.ids == theirs.ids {
            continue;
        }
        let set = have_side.novel(scoped, theirs, BindingKind::RoleBinding, |k| {
            !other_side.covers(theirs, false, k)
                && !other_side.covers(&other.cluster, true, k)
                && !have_side.covers(&have.cluster, true, k)
        });
        for (k, via) in set.sorted() {
            push(k, Scope::Namespace(ns.to_string()), via);
        }
    }
    out
}

/// See [`super::diff`].
pub(crate) fn diff<'a>(base: &'a RbacAuthorizer, head: &'a RbacAuthorizer) -> PolicyDiff {
    let prepare = |rbac: &'a RbacAuthorizer| {
        let bound = bound_roles(rbac);
        let mut nodes: Vec<NodeIndex> = bound.iter().map(|b| b.2).collect();
        nodes.sort_unstable();
        nodes.dedup();
        let rules = role_rules(rbac, &nodes);
        (bound, rules)
    };
    let ((b_bound, b_rules), (h_bound, h_rules)) = rayon::join(|| prepare(base), || prepare(head));
    let mut ids = HashMap::default();
    let b = side(base, &b_bound, b_rules, &mut ids);
    let h = side(head, &h_bound, h_rules, &mut ids);
    let none = Held::default();
    let mut identities: Vec<&Identity> = b
        .held
        .iter()
        .filter(|(id, held)| !held.same_roles(h.held.get(*id).unwrap_or(&none)))
        .map(|(id, _)| id)
        .chain(
            h.held
                .iter()
                .filter(|(id, held)| !held.same_roles(b.held.get(*id).unwrap_or(&none)))
                .map(|(id, _)| id),
        )
        .collect();
    identities.sort_unstable();
    identities.dedup();
    let subjects = identities
        .par_iter()
        .filter_map(|id| {
            let bh = b.held.get(*id).unwrap_or(&none);
            let hh = h.held.get(*id).unwrap_or(&none);
            let gained = missing(&h, hh, &b, bh, true);
            let lost = missing(&b, bh, &h, hh, false);
            (!gained.is_empty() || !lost.is_empty()).then(|| SubjectDiff {
                identity: (*id).clone(),
                gained,
                lost,
            })
        })
        .collect();
    PolicyDiff { subjects }
}
