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
//! For one resource (`matrix TYPE`): rows are the subjects who-can finds for any of the
//! verbs, each cell is who-can's answer for that verb (see [`crate::query::who_can`]).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::discovery::Discovery;
use crate::engine::Workspace;
use crate::query::SubjectRef;
use crate::query::who_can::{allowed_subjects, who_can};
use crate::request::Attributes;

/// rakkess's default verbs.
pub const DEFAULT_VERBS: [&str; 8] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

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

/// Who may do each verb to `a`'s resource (`a.verb` is ignored): subjects allowed at least
/// one verb, sorted by kind, namespace, name. `served` lists the resource's verbs when
/// discovery knows it (others are `n/a`).
pub fn subject_matrix(
    ws: &Workspace,
    a: &Attributes,
    verbs: &[String],
    served: Option<&[String]>,
) -> SubjectMatrix {
    let mut req = a.clone();
    let per_verb: Vec<Option<BTreeSet<SubjectRef>>> = verbs
        .iter()
        .map(|v| {
            if served.is_some_and(|s| !s.iter().any(|x| x == v)) {
                return None;
            }
            req.verb.clone_from(v);
            Some(allowed_subjects(&who_can(ws, &req)).into_iter().collect())
        })
        .collect();
    let all: BTreeSet<&SubjectRef> = per_verb.iter().flatten().flatten().collect();
    let rows = all
        .into_iter()
        .map(|s| SubjectRow {
            subject: s.clone(),
            cells: per_verb
                .iter()
                .map(|set| match set {
                    None => Access::NotApplicable,
                    Some(set) if set.contains(s) => Access::Allowed,
                    Some(_) => Access::Denied,
                })
                .collect(),
        })
        .collect();
    SubjectMatrix {
        target: crate::query::who_can::RequestView::of(a).target(),
        namespace: a.namespace.clone(),
        verbs: verbs.to_vec(),
        rows,
    }
}
