//! `where-can`: the namespaces in which one user may make a request (the API server has no
//! such query; it would take one access review per namespace).
//!
//! Each known namespace is decided by the chain itself (one `Chain::authorize_traced` per
//! namespace), so the answer is exact by construction. Known namespaces are those the policy
//! mentions: RoleBindings', Roles' and ServiceAccounts' namespaces, namespaced ABAC lines,
//! and the user's own namespace when it is a service account. "Every namespace" is decided
//! by also asking for a namespace the policy does not mention: whatever allows it there
//! (a ClusterRoleBinding, an ABAC line for `*`, `system:masters`) allows it in any namespace.

use std::borrow::Cow;

use serde::Serialize;

use crate::decision::Decision;
use crate::engine::Workspace;
use crate::identity::parse_service_account;
use crate::query::who_can::RequestView;
use crate::rbac::authorizer::RbacOutcome;
use crate::request::Attributes;

/// One namespace where the request is allowed, and what allows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamespaceGrant {
    pub namespace: String,
    /// The authorizer that allowed (`system:masters`, `RBAC`, `ABAC`, `AlwaysAllow`).
    pub authorizer: String,
    /// The chain's reason (`RBAC: allowed by ...`); empty when the authorizer gives none.
    pub reason: String,
    /// Where the allowing binding or ABAC line is written; empty when built into the chain.
    pub source: String,
}

/// The answer of `where-can`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhereCan<'w> {
    pub user: String,
    pub groups: Vec<String>,
    pub request: RequestView,
    /// False for cluster-scoped resources and non-resource URLs: then only `cluster` counts.
    pub namespaced: bool,
    /// Namespaces known from the policy, sorted (borrowed from the chain's list unless the
    /// user's own service-account namespace was added).
    pub known_namespaces: Cow<'w, [String]>,
    /// The known namespaces where it is allowed, sorted.
    pub allowed: Vec<NamespaceGrant>,
    /// Allowed in every namespace, including any the policy does not mention.
    pub every_namespace: bool,
    /// The request without a namespace (across all namespaces at once, as `kubectl get -A`,
    /// or the cluster-scoped request itself) is allowed.
    pub cluster: Option<NamespaceGrant>,
}

/// Namespaces the policy mentions, sorted and unique (computed once per chain).
pub fn known_namespaces(ws: &Workspace) -> &[String] {
    ws.chain.namespaces()
}

/// Where the user of `a` may make `a` (its namespace is ignored). `namespaced` says whether
/// the resource is namespaced (false for cluster-scoped resources and URLs).
///
/// Cost: two chain evaluations, one per namespace where the user has RoleBindings or ABAC
/// lines exist, one index probe per namespace with RoleBindings, and, only when it is allowed
/// in unmentioned namespaces, one entry per known namespace.
pub fn where_can<'w>(ws: &'w Workspace, a: &Attributes, namespaced: bool) -> WhereCan<'w> {
    let mut known = Cow::Borrowed(known_namespaces(ws));
    if let Some((ns, _)) = parse_service_account(&a.user)
        && let Err(pos) = known.binary_search_by(|k| k.as_str().cmp(ns))
    {
        known.to_mut().insert(pos, ns.to_string());
    }
    let mut req = a.clone();
    req.namespace.clear();
    let cluster = decide(ws, &req);
    let mut allowed = Vec::new();
    let mut every_namespace = false;
    if namespaced {
        // A namespace's answer differs from that of a namespace nobody mentions only through
        // RoleBindings there that apply to the user, or ABAC lines for it: only those are
        // asked again; the others take the unmentioned namespace's answer.
        let unlisted = unlisted_namespace(&known);
        req.namespace.clone_from(&unlisted);
        let elsewhere = decide(ws, &req);
        let special = own_namespaces(ws, a);
        let mut ask = |ns: &str| {
            req.namespace = ns.to_string();
            decide(ws, &req)
        };
        match &elsewhere {
            // Allowed anywhere: every known namespace is listed.
            Some(g) => {
                for ns in known.iter() {
                    let grant = if special.binary_search(&ns.as_str()).is_ok() {
                        ask(ns)
                    } else {
                        Some(NamespaceGrant {
                            namespace: ns.clone(),
                            ..g.clone()
                        })
                    };
                    allowed.extend(grant);
                }
            }
            // Allowed only through a namespace's own grants: only those namespaces are asked.
            None => {
                for ns in &special {
                    if known.binary_search_by(|k| k.as_str().cmp(ns)).is_ok() {
                        allowed.extend(ask(ns));
                    }
                }
            }
        }
        every_namespace = allowed.len() == known.len() && elsewhere.is_some();
    }
    WhereCan {
        user: a.user.clone(),
        groups: a.groups.clone(),
        request: RequestView {
            namespace: String::new(),
            ..RequestView::of(a)
        },
        namespaced,
        known_namespaces: known,
        allowed,
        every_namespace,
        cluster,
    }
}

/// Namespaces with a RoleBinding that applies to the user of `a`, or an ABAC line; sorted.
fn own_namespaces<'w>(ws: &'w Workspace, a: &Attributes) -> Vec<&'w str> {
    let mut v = ws.chain.rbac().namespaces_binding(&a.user, &a.groups);
    if let Some(abac) = ws.chain.abac() {
        v.extend(abac.rules.iter().map(|r| r.namespace.as_str()));
        v.sort_unstable();
        v.dedup();
    }
    v
}

/// A namespace name no policy object mentions (not even a valid name, so no cluster has it).
fn unlisted_namespace(known: &[String]) -> String {
    let mut name = String::from("<any other namespace>");
    while known.binary_search(&name).is_ok() {
        name.push('_');
    }
    name
}

fn decide(ws: &Workspace, a: &Attributes) -> Option<NamespaceGrant> {
    let traced = ws.chain.authorize_traced(a);
    if traced.verdict.decision != Decision::Allow {
        return None;
    }
    let authorizer = traced
        .steps
        .last()
        .map(|s| s.authorizer.to_string())
        .unwrap_or_default();
    let source = match authorizer.as_str() {
        "RBAC" => match ws.chain.rbac().evaluate(a) {
            RbacOutcome::Allowed { kind, position, .. } => {
                let b = ws.chain.rbac().binding(kind, position);
                ws.locate(&b.meta.origin)
            }
            RbacOutcome::NotAllowed { .. } => String::new(),
        },
        "ABAC" => ws
            .chain
            .abac()
            .and_then(|p| {
                p.first_match(a)
                    .map(|i| format!("{}:{}", p.path, p.rules[i].line))
            })
            .unwrap_or_default(),
        _ => String::new(),
    };
    Some(NamespaceGrant {
        namespace: a.namespace.clone(),
        authorizer,
        reason: traced.verdict.reason,
        source,
    })
}
