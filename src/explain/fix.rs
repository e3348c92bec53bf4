//! The smallest fix for a denied request: one role with one rule granting exactly the request,
//! bound to exactly the requesting user (or service account), offered only once the chain,
//! re-evaluated with the fix added, allows the request.
//!
//! Re-evaluation builds a second policy set holding the fix objects and every binding that
//! applies to the user in the request's scope, with the roles they name (ClusterRoles as
//! settled by aggregation). RBAC's answer for one request depends on nothing else, so this is
//! the answer the whole policy plus the fix gives; `tests/explain.rs` checks that equality on
//! generated policies.

use std::collections::BTreeMap;

use petgraph::graph::NodeIndex;
use serde::Serialize;

use super::{RuleText, role_object};
use crate::chain::{Chain, Mode};
use crate::decision::Verdict;
use crate::engine::Workspace;
use crate::identity::parse_service_account;
use crate::model::{
    BindingKind, BindingObject, Name, ObjectMeta, Origin, PolicyRule, RoleKind, RoleObject,
    RoleRef, Subject,
};
use crate::policy::{PolicyBuilder, PolicySet};
use crate::rbac::authorizer::RbacAuthorizer;
use crate::rbac::selector::selector_matches;
use crate::request::Attributes;

pub const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// A proved fix: the objects, their YAML, and the chain's verdict with them added.
#[derive(Clone, Debug, Serialize)]
pub struct Fix {
    pub role_kind: String,
    pub binding_kind: String,
    pub name: String,
    /// Empty for a ClusterRole and ClusterRoleBinding.
    pub namespace: String,
    pub subject: FixSubject,
    pub rule: RuleText,
    /// Ready to `kubectl apply -f -`.
    pub yaml: String,
    /// The chain's reason once the fix is added (`RBAC: allowed by ...`).
    pub verdict_reason: String,
    /// Things to know before applying it (an aggregated ClusterRole that would absorb it).
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FixSubject {
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

/// The subject that is exactly the requesting user: a ServiceAccount for a service-account
/// user name, a User otherwise.
pub fn fix_subject(user: &str) -> Subject {
    match parse_service_account(user) {
        Some((ns, name)) => Subject {
            kind: "ServiceAccount".into(),
            api_group: Default::default(),
            name: name.into(),
            namespace: ns.into(),
        },
        None => Subject {
            kind: "User".into(),
            api_group: RBAC_GROUP.into(),
            name: user.into(),
            namespace: Default::default(),
        },
    }
}

/// The one rule granting exactly `a`: its verb, its API group, its resource (with
/// subresource) and its name when it has one; or its verb and its path.
pub fn fix_rule(a: &Attributes) -> PolicyRule {
    if a.resource_request {
        PolicyRule {
            verbs: vec![a.verb.clone().into()],
            api_groups: vec![a.api_group.clone().into()],
            resources: vec![a.combined_resource().into()],
            resource_names: if a.name.is_empty() {
                Vec::new()
            } else {
                vec![a.name.clone().into()]
            },
            non_resource_urls: Vec::new(),
        }
    } else {
        PolicyRule {
            verbs: vec![a.verb.clone().into()],
            non_resource_urls: vec![a.path.clone().into()],
            ..PolicyRule::default()
        }
    }
}

/// A name made of the subject, verb and resource, lower-case letters, digits and dashes.
fn base_name(a: &Attributes, subject: &Subject) -> String {
    let verb = if a.verb == "*" {
        "all"
    } else {
        a.verb.as_str()
    };
    let what = if a.resource_request {
        a.combined_resource()
    } else {
        a.path.clone()
    };
    let raw = format!("{}-{verb}-{what}", subject.name);
    let mut out = String::new();
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_matches('-').chars().take(200).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "kauthz-fix".to_string()
    } else {
        out
    }
}

/// The Role and RoleBinding (in the request's namespace) or ClusterRole and
/// ClusterRoleBinding (cluster-scoped requests, all namespaces, URLs) of the fix, named so
/// that they replace nothing in `policy`.
pub fn fix_objects(a: &Attributes, policy: &PolicySet) -> (RoleObject, BindingObject) {
    let subject = fix_subject(&a.user);
    let namespaced = a.resource_request && !a.namespace.is_empty();
    let base = base_name(a, &subject);
    // Bindings are stored sorted (by namespace, then name), so a binary search finds a name.
    let taken = |name: &str| {
        if namespaced {
            policy.role(&a.namespace, name).is_some()
                || policy
                    .role_bindings
                    .binary_search_by(|b| {
                        (b.meta.namespace.as_str(), b.meta.name.as_str())
                            .cmp(&(a.namespace.as_str(), name))
                    })
                    .is_ok()
        } else {
            policy.cluster_role(name).is_some()
                || policy
                    .cluster_role_bindings
                    .binary_search_by(|b| b.meta.name.as_str().cmp(name))
                    .is_ok()
        }
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    let namespace = if namespaced {
        a.namespace.clone()
    } else {
        String::new()
    };
    let meta = ObjectMeta {
        name: name.clone().into(),
        namespace: namespace.clone().into(),
        ..ObjectMeta::default()
    };
    let role = RoleObject {
        kind: if namespaced {
            RoleKind::Role
        } else {
            RoleKind::ClusterRole
        },
        meta: meta.clone(),
        rules: vec![fix_rule(a)],
        rule_origins: vec![Origin::BUILTIN],
        aggregation_rule: None,
    };
    let binding = BindingObject {
        kind: if namespaced {
            BindingKind::RoleBinding
        } else {
            BindingKind::ClusterRoleBinding
        },
        meta,
        subjects: vec![subject],
        role_ref: RoleRef {
            api_group: RBAC_GROUP.into(),
            kind: role.kind.as_str().into(),
            name: name.into(),
        },
        subject_origins: vec![Origin::BUILTIN],
        role_ref_origin: Origin::BUILTIN,
    };
    (role, binding)
}

/// The chain's verdict for `a` with `extra` objects added, computed over a second policy set
/// that holds the bindings applicable to the user in `a`'s scope, their roles, and `extra`.
pub fn evaluate_with(
    ws: &Workspace,
    a: &Attributes,
    applicable: &[(BindingKind, u32, NodeIndex)],
    extra: (&RoleObject, &BindingObject),
) -> Verdict {
    let rbac = ws.chain.rbac();
    let mut builder = PolicyBuilder::new();
    for &(kind, position, node) in applicable {
        builder.add_binding(rbac.binding(kind, position).clone());
        if let Some(role) = role_object(rbac, node) {
            let mut role = role.clone();
            // Rules are already settled; selecting again could only repeat the settlement.
            role.aggregation_rule = None;
            builder.add_role(role);
        }
    }
    builder.add_role(extra.0.clone());
    builder.add_binding(extra.1.clone());
    let chain = Chain::new(
        ws.chain.modes().to_vec(),
        RbacAuthorizer::new(builder.build()),
        ws.chain.abac().cloned(),
    );
    chain.authorize(a)
}

/// Proposes the fix for a denied request and proves it, or says why there is none.
pub fn propose(
    ws: &Workspace,
    a: &Attributes,
    applicable: &[(BindingKind, u32, NodeIndex)],
) -> Result<Fix, String> {
    if !ws.chain.modes().contains(&Mode::Rbac) {
        return Err(
            "RBAC is not among the authorization modes, so no RBAC object can grant it".into(),
        );
    }
    let policy = ws.chain.rbac().policy();
    let (role, binding) = fix_objects(a, policy);
    let verdict = evaluate_with(ws, a, applicable, (&role, &binding));
    if !verdict.is_allowed() {
        return Err(format!(
            "the proposed grant did not make the request allowed ({}); no fix is offered",
            if verdict.reason.is_empty() {
                "no reason given"
            } else {
                verdict.reason.as_str()
            }
        ));
    }
    let mut warnings = Vec::new();
    if role.kind == RoleKind::ClusterRole {
        let no_labels = BTreeMap::new();
        for cr in &policy.cluster_roles {
            if let Some(rule) = &cr.aggregation_rule
                && rule
                    .cluster_role_selectors
                    .iter()
                    .any(|s| selector_matches(s, &no_labels).unwrap_or(false))
            {
                warnings.push(format!(
                    "ClusterRole `{}` aggregates every ClusterRole (an empty selector): it would absorb this rule too",
                    cr.meta.name
                ));
            }
        }
    }
    let subject = &binding.subjects[0];
    Ok(Fix {
        role_kind: role.kind.as_str().into(),
        binding_kind: binding.kind.as_str().into(),
        name: role.meta.name.to_string(),
        namespace: role.meta.namespace.to_string(),
        subject: FixSubject {
            kind: subject.kind.to_string(),
            name: subject.name.to_string(),
            namespace: subject.namespace.to_string(),
        },
        rule: (&role.rules[0]).into(),
        yaml: fix_yaml(&role, &binding),
        verdict_reason: verdict.reason,
        warnings,
    })
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn flow(xs: &[Name]) -> String {
    let items: Vec<String> = xs.iter().map(|x| q(x)).collect();
    format!("[{}]", items.join(", "))
}

/// The two objects as a YAML stream (double-quoted scalars, so any name is safe).
pub fn fix_yaml(role: &RoleObject, binding: &BindingObject) -> String {
    let mut y = String::new();
    let meta = |y: &mut String, m: &ObjectMeta| {
        y.push_str("metadata:\n");
        y.push_str(&format!("  name: {}\n", q(&m.name)));
        if !m.namespace.is_empty() {
            y.push_str(&format!("  namespace: {}\n", q(&m.namespace)));
        }
    };
    y.push_str(&format!(
        "apiVersion: {RBAC_GROUP}/v1\nkind: {}\n",
        role.kind
    ));
    meta(&mut y, &role.meta);
    y.push_str("rules:\n");
    for r in &role.rules {
        let mut first = true;
        let mut field = |y: &mut String, key: &str, xs: &[Name]| {
            if xs.is_empty() {
                return;
            }
            y.push_str(if first { "- " } else { "  " });
            first = false;
            y.push_str(&format!("{key}: {}\n", flow(xs)));
        };
        if r.non_resource_urls.is_empty() {
            field(&mut y, "apiGroups", &r.api_groups);
            field(&mut y, "resources", &r.resources);
            field(&mut y, "resourceNames", &r.resource_names);
        } else {
            field(&mut y, "nonResourceURLs", &r.non_resource_urls);
        }
        field(&mut y, "verbs", &r.verbs);
    }
    y.push_str("---\n");
    y.push_str(&format!(
        "apiVersion: {RBAC_GROUP}/v1\nkind: {}\n",
        binding.kind
    ));
    meta(&mut y, &binding.meta);
    y.push_str("roleRef:\n");
    y.push_str(&format!("  apiGroup: {RBAC_GROUP}\n"));
    y.push_str(&format!("  kind: {}\n", binding.role_ref.kind));
    y.push_str(&format!("  name: {}\n", q(&binding.role_ref.name)));
    y.push_str("subjects:\n");
    for s in &binding.subjects {
        y.push_str(&format!("- kind: {}\n", s.kind));
        if !s.api_group.is_empty() {
            y.push_str(&format!("  apiGroup: {}\n", s.api_group));
        }
        y.push_str(&format!("  name: {}\n", q(&s.name)));
        if !s.namespace.is_empty() {
            y.push_str(&format!("  namespace: {}\n", q(&s.namespace)));
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::load_texts;

    #[test]
    fn the_fix_yaml_loads_back_as_the_same_objects() {
        let a = Attributes {
            user: "system:serviceaccount:ci:deployer".into(),
            verb: "get".into(),
            resource_request: true,
            resource: "pods".into(),
            subresource: "log".into(),
            namespace: "dev".into(),
            name: "web-1".into(),
            ..Attributes::default()
        };
        let (role, binding) = fix_objects(&a, &PolicySet::default());
        let yaml = fix_yaml(&role, &binding);
        let loaded = load_texts(vec![("fix.yaml".into(), yaml.clone())], false);
        assert!(loaded.problems.is_empty(), "{yaml}\n{:?}", loaded.problems);
        let mut b = PolicyBuilder::new();
        let _ = loaded.into_builder(&mut b);
        let set = b.build();
        assert_eq!(set.roles.len(), 1, "{yaml}");
        assert_eq!(set.roles[0].rules, role.rules);
        assert_eq!(set.role_bindings[0].subjects, binding.subjects);
        assert_eq!(set.role_bindings[0].role_ref, binding.role_ref);
        assert_eq!(role.meta.name, "deployer-get-pods-log");
    }
}
