//! `dangling-role-ref`: a binding whose roleRef names no existing role.

use crate::lint::rules::closest;
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};
use crate::rbac::role_ref_error;

declare_rule! {
    /// ## What it finds
    /// A RoleBinding or ClusterRoleBinding whose `roleRef` names a Role (in the binding's
    /// namespace) or a ClusterRole that is neither in the input nor a built-in default role.
    /// The message quotes the reason the authorizer gives for it, e.g.
    /// `role.rbac.authorization.k8s.io "search-deployr" not found`.
    ///
    /// ## Why it matters
    /// The API server stores such a binding without complaint; it grants nothing, and every
    /// request that needed it is denied with that reason.
    ///
    /// ## Example
    /// ```yaml
    /// kind: RoleBinding
    /// metadata: {name: search-deployer, namespace: search-prod}
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: search-deployr}
    /// ```
    ///
    /// ## Instead
    /// Name the role exactly (`search-deployer`), or add the missing role. A Role must be in
    /// the binding's namespace.
    DanglingRoleRef {
        id: "dangling-role-ref",
        category: Correctness,
        level: Error,
        summary: "roleRef names a role that does not exist (the binding grants nothing)",
    }
}

impl Rule for DanglingRoleRef {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let p = cx.policy;
        // Role names by namespace, and the namespaces each name exists in (built once).
        let mut by_ns: std::collections::HashMap<&str, Vec<&str>> =
            std::collections::HashMap::new();
        let mut ns_of: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
        for r in &p.roles {
            by_ns
                .entry(r.meta.namespace.as_str())
                .or_default()
                .push(r.meta.name.as_str());
            ns_of
                .entry(r.meta.name.as_str())
                .or_insert(r.meta.namespace.as_str());
        }
        let cluster_names: Vec<&str> = p
            .cluster_roles
            .iter()
            .map(|r| r.meta.name.as_str())
            .collect();
        let mut memo: std::collections::HashMap<(bool, &str, &str), Option<&str>> =
            std::collections::HashMap::new();
        for b in cx.user_bindings() {
            let kind = b.role_ref.kind.as_str();
            if !matches!(kind, "Role" | "ClusterRole") || cx.role_of(b).is_some() {
                continue;
            }
            if b.kind == crate::model::BindingKind::ClusterRoleBinding && kind == "Role" {
                // `role-ref-kind-mismatch` reports it: the API server rejects the binding.
                continue;
            }
            let candidates: &[&str] = if kind == "Role" {
                by_ns
                    .get(b.meta.namespace.as_str())
                    .map_or(&[], |v| v.as_slice())
            } else {
                &cluster_names
            };
            // Many bindings name the same missing role: look each name up once.
            let key = (
                kind == "Role",
                b.meta.namespace.as_str(),
                b.role_ref.name.as_str(),
            );
            let suggestion = *memo
                .entry(key)
                .or_insert_with(|| closest(&b.role_ref.name, candidates.iter().copied()));
            let at = cx.field_origin(&b.role_ref_origin, &["name"]);
            let mut f = Finding::new(
                &Self::INFO,
                at,
                format!(
                    "{} names {kind} `{}`, which does not exist: it grants nothing",
                    describe(b.kind.as_str(), &b.meta),
                    b.role_ref.name
                ),
            )
            .label(format!("the authorizer reports: {}", role_ref_error(b)));
            let other_ns = if kind == "Role" {
                ns_of.get(b.role_ref.name.as_str()).map(|ns| ns.to_string())
            } else {
                None
            };
            f = match (suggestion, other_ns) {
                (Some(s), _) => {
                    let target = if kind == "Role" {
                        p.role(&b.meta.namespace, s)
                    } else {
                        p.cluster_role(s)
                    };
                    if let Some(t) = target {
                        f = f.related(cx.field_origin(&t.meta.origin, &["metadata", "name"]), format!("did you mean `{s}`?"));
                    }
                    f.help(format!("did you mean `{s}`?"))
                }
                (None, Some(ns)) => f.help(format!(
                    "Role `{}` exists in namespace `{ns}`, but a RoleBinding can only use a Role of its own namespace; move the binding or use a ClusterRole",
                    b.role_ref.name
                )),
                (None, None) => f.help(format!("add the {kind}, or name an existing one")),
            };
            out.push(Some(&b.meta), f);
        }
    }
}
