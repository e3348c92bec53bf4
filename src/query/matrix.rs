//! `matrix`: an access matrix, as rakkess draws it.
//!
//! For one user (`--as`): rows are the served resources (built-in discovery plus CRDs, one
//! row per group-resource in the version kubectl prefers; subresources are not rows), sorted
//! by resource name then group; columns are verbs. As rakkess does, without a namespace every
//! resource is a row and each is asked about without a namespace (across all namespaces, so
//! only cluster-wide grants count); with a namespace only namespaced resources are rows. A
//! verb the resource does not serve is `n/a` and not asked. Each other cell is one
//! `Chain::authorize` of the user's request.
//!
//! For one resource (`matrix TYPE`): rows are the subjects who-can would find for any of the
//! verbs; each cell is whether that subject's identity may do the verb (see
//! [`subject_matrix`] and [`crate::query::who_can`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::chain::{Mode, SYSTEM_MASTERS};
use crate::discovery::Discovery;
use crate::engine::Workspace;
use crate::model::BindingKind;
use crate::query::SubjectRef;
use crate::query::who_can::{Twins, abac_subject};
use crate::rbac::matching::rule_allows;
use crate::request::Attributes;

/// rakkess's default verbs: the standard eight.
pub const DEFAULT_VERBS: [&str; 8] = crate::discovery::STANDARD_VERBS;

/// One cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Allowed,
    Denied,
    /// The resource does not serve this verb (not asked).
    #[serde(rename = "n/a")]
    NotApplicable,
}

/// A row of the resource matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceRow {
    /// `resource` or `resource.group`.
    pub name: String,
    pub group: String,
    pub resource: String,
    pub namespaced: bool,
    /// Parallel to [`ResourceMatrix::verbs`].
    pub cells: Vec<Access>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceMatrix {
    pub user: String,
    pub groups: Vec<String>,
    /// Empty: across all namespaces.
    pub namespace: String,
    pub verbs: Vec<String>,
    pub rows: Vec<ResourceRow>,
}

/// The resources a matrix lists: one per group-resource (kubectl's preferred version), sorted
/// by resource then group; only namespaced ones when `namespaced_only`.
pub fn matrix_resources(
    discovery: &Discovery,
    namespaced_only: bool,
) -> Vec<(String, String, bool, Vec<String>)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in discovery.resources() {
        if namespaced_only && !r.namespaced {
            continue;
        }
        if !seen.insert((r.resource.clone(), r.group.clone())) {
            continue;
        }
        let row = discovery.lookup(&r.group, &r.resource).unwrap_or(r);
        out.push((
            row.resource.clone(),
            row.group.clone(),
            row.namespaced,
            row.verbs.clone(),
        ));
    }
    out.sort();
    out
}

/// The matrix of one user (`user`, `groups` as the chain sees them).
pub fn resource_matrix(
    ws: &Workspace,
    user: &str,
    groups: &[String],
    namespace: &str,
    verbs: &[String],
) -> ResourceMatrix {
    let mut a = Attributes {
        user: user.to_string(),
        groups: groups.to_vec(),
        resource_request: true,
        ..Attributes::default()
    };
    let rows = matrix_resources(&ws.discovery, !namespace.is_empty())
        .into_iter()
        .map(|(resource, group, namespaced, served)| {
            a.api_group.clone_from(&group);
            a.resource.clone_from(&resource);
            // A cluster-scoped resource's request carries no namespace (rakkess does the same).
            a.namespace = if namespaced {
                namespace.to_string()
            } else {
                String::new()
            };
            let cells = verbs
                .iter()
                .map(|v| {
                    if !served.iter().any(|s| s == v) {
                        return Access::NotApplicable;
                    }
                    a.verb.clone_from(v);
                    if ws.chain.authorize(&a).is_allowed() {
                        Access::Allowed
                    } else {
                        Access::Denied
                    }
                })
                .collect();
            ResourceRow {
                name: crate::discovery::group_resource_string(&group, &resource),
                group,
                resource,
                namespaced,
                cells,
            }
        })
        .collect();
    ResourceMatrix {
        user: user.to_string(),
        groups: groups.to_vec(),
        namespace: namespace.to_string(),
        verbs: verbs.to_vec(),
        rows,
    }
}

/// A row of the subject matrix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectRow {
    pub subject: SubjectRef,
    pub cells: Vec<Access>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectMatrix {
    /// The request without its verb (and without a user).
    pub target: String,
    pub namespace: String,
    pub verbs: Vec<String>,
    pub rows: Vec<SubjectRow>,
}

/// Who may do each verb to `a`'s resource (`a.verb` is ignored): subjects with a grant of
/// their own for at least one verb, sorted by kind, namespace, name, as who-can lists them
/// (`Everyone` included, and conjunctive ABAC subjects where they add someone). Each cell is the subject's identity
/// asking ([`SubjectRef::identity`]): its own grants, plus `Everyone`'s, plus, for "User U +
/// Group G", U's and G's. `served` lists the resource's verbs when discovery knows it (others
/// are `n/a`).
///
/// One pass over the bindings in scope for all verbs at once: each role's rules are matched
/// once per verb, and each granting binding adds a verb mask to its subjects.
pub fn subject_matrix(
    ws: &Workspace,
    a: &Attributes,
    verbs: &[String],
    served: Option<&[String]>,
) -> SubjectMatrix {
    let mut own: BTreeMap<SubjectRef, Vec<bool>> = BTreeMap::new();
    for (chunk_index, chunk) in verbs.chunks(64).enumerate() {
        for (s, mask) in verb_masks(ws, a, chunk) {
            let cells = own.entry(s).or_insert_with(|| vec![false; verbs.len()]);
            for (j, _) in chunk.iter().enumerate() {
                if mask & (1 << j) != 0 {
                    cells[chunk_index * 64 + j] = true;
                }
            }
        }
    }
    let none = vec![false; verbs.len()];
    let always = ws.chain.modes().contains(&Mode::AlwaysAllow);
    let everyone = own.get(&SubjectRef::everyone()).unwrap_or(&none);
    let rows = own
        .iter()
        .map(|(s, mine)| {
            let parts: Vec<&Vec<bool>> = if s.is_conjunctive() {
                vec![
                    own.get(&SubjectRef::user(&s.name)).unwrap_or(&none),
                    own.get(&SubjectRef::group(&s.in_group)).unwrap_or(&none),
                ]
            } else {
                Vec::new()
            };
            let cells = verbs
                .iter()
                .enumerate()
                .map(|(j, v)| {
                    if served.is_some_and(|s| !s.iter().any(|x| x == v)) {
                        Access::NotApplicable
                    } else if always || mine[j] || everyone[j] || parts.iter().any(|p| p[j]) {
                        Access::Allowed
                    } else {
                        Access::Denied
                    }
                })
                .collect();
            SubjectRow {
                subject: s.clone(),
                cells,
            }
        })
        .filter(|r| r.cells.contains(&Access::Allowed))
        // As in who-can, a conjunctive subject is a row only where it adds someone: for a
        // verb its own grant allows but neither its user, nor its group, nor everyone does.
        .filter(|r| {
            !r.subject.is_conjunctive()
                || (0..verbs.len()).any(|j| {
                    own[&r.subject][j]
                        && !everyone[j]
                        && !own
                            .get(&SubjectRef::user(&r.subject.name))
                            .is_some_and(|c| c[j])
                        && !own
                            .get(&SubjectRef::group(&r.subject.in_group))
                            .is_some_and(|c| c[j])
                })
        })
        .collect();
    SubjectMatrix {
        target: crate::query::who_can::RequestView::of(a).target(),
        namespace: a.namespace.clone(),
        verbs: verbs.to_vec(),
        rows,
    }
}

/// For each subject with a grant of its own, bit `j` set when that grant allows `verbs[j]`
/// (at most 64 verbs); twins of an identity share their masks.
fn verb_masks(ws: &Workspace, a: &Attributes, verbs: &[String]) -> BTreeMap<SubjectRef, u64> {
    let all = if verbs.len() >= 64 {
        u64::MAX
    } else {
        (1u64 << verbs.len()) - 1
    };
    let mut req = a.clone();
    let mask_of = |req: &mut Attributes, allows: &dyn Fn(&Attributes) -> bool| {
        let mut m = 0u64;
        for (j, v) in verbs.iter().enumerate() {
            req.verb.clone_from(v);
            if allows(req) {
                m |= 1 << j;
            }
        }
        m
    };
    let mut pairs: Vec<(SubjectRef, u64)> = vec![(SubjectRef::group(SYSTEM_MASTERS), all)];
    let rbac = ws.chain.rbac();
    let graph = rbac.graph();
    for mode in ws.chain.modes() {
        match mode {
            Mode::Rbac => {
                let mut roles: Vec<Option<u64>> = vec![None; graph.graph.node_count()];
                let cluster = (0..rbac.policy().cluster_role_bindings.len())
                    .map(|i| (BindingKind::ClusterRoleBinding, i));
                let namespaced = if a.namespace.is_empty() {
                    0..0
                } else {
                    let list = &rbac.policy().role_bindings;
                    list.partition_point(|b| b.meta.namespace.as_str() < a.namespace.as_str())
                        ..list
                            .partition_point(|b| b.meta.namespace.as_str() <= a.namespace.as_str())
                };
                let namespaced = namespaced.map(|i| (BindingKind::RoleBinding, i));
                for (kind, i) in cluster.chain(namespaced) {
                    let node = match kind {
                        BindingKind::ClusterRoleBinding => graph.cluster_role_bindings[i],
                        BindingKind::RoleBinding => graph.role_bindings[i],
                    };
                    let Some(role) = graph.role_of(node) else {
                        continue;
                    };
                    let mask = *roles[role.index()].get_or_insert_with(|| {
                        let rules = rbac.rules_of(role).unwrap_or(&[]);
                        mask_of(&mut req, &|r| rules.iter().any(|rule| rule_allows(rule, r)))
                    });
                    if mask == 0 {
                        continue;
                    }
                    let b = rbac.binding(kind, i as u32);
                    let ns = b.scope_namespace();
                    pairs.extend(
                        b.subjects
                            .iter()
                            .filter_map(|s| SubjectRef::from_binding_subject(s, ns))
                            .map(|s| (s, mask)),
                    );
                }
            }
            Mode::Abac => {
                for rule in ws.chain.abac().map_or(&[][..], |p| &p.rules) {
                    let Some(subject) = abac_subject(rule) else {
                        continue;
                    };
                    let mask = mask_of(&mut req, &|r| {
                        rule.verb_matches(r)
                            && (rule.resource_matches(r) || rule.non_resource_matches(r))
                    });
                    if mask != 0 {
                        pairs.push((subject, mask));
                    }
                }
            }
            _ => {}
        }
    }
    let twins = Twins::new(ws);
    let mut out: BTreeMap<SubjectRef, u64> = BTreeMap::new();
    for (s, mask) in pairs {
        for t in twins.of(&s) {
            *out.entry(t).or_default() |= mask;
        }
        *out.entry(s).or_default() |= mask;
    }
    out
}
