//! `role-ref-kind-mismatch`: a roleRef the binding kind cannot use.

use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};
use crate::model::BindingKind;

declare_rule! {
    /// ## What it finds
    /// A ClusterRoleBinding whose `roleRef` is a `Role`, a roleRef whose `kind` is neither
    /// `Role` nor `ClusterRole`, or whose `apiGroup` is not `rbac.authorization.k8s.io`.
    ///
    /// ## Why it matters
    /// A ClusterRoleBinding can only bind a ClusterRole: the API server rejects the object
    /// (`roleRef.kind: Unsupported value: "Role"`), and the authorizer could not resolve it
    /// anyway (`unsupported role reference kind`). The apply fails, or the binding grants nothing.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
    /// ```
    ///
    /// ## Instead
    /// Use a RoleBinding in the Role's namespace, or make the role a ClusterRole.
    RoleRefKindMismatch {
        id: "role-ref-kind-mismatch",
        category: Correctness,
        level: Error,
        summary: "roleRef kind or apiGroup the binding cannot use (ClusterRoleBinding to a Role)",
    }
}

impl Rule for RoleRefKindMismatch {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for b in cx.user_bindings() {
            let who = describe(b.kind.as_str(), &b.meta);
            let rr = &b.role_ref;
            let (key, message, help) = if b.kind == BindingKind::ClusterRoleBinding
                && rr.kind == "Role"
            {
                (
                    "kind",
                    format!(
                        "{who} refers to Role `{}`: a ClusterRoleBinding can only bind a ClusterRole",
                        rr.name
                    ),
                    "use a RoleBinding in the Role's namespace, or make the role a ClusterRole"
                        .to_string(),
                )
            } else if !matches!(rr.kind.as_str(), "Role" | "ClusterRole") {
                (
                    "kind",
                    format!(
                        "{who} has roleRef kind `{}`: only `Role` and `ClusterRole` exist",
                        rr.kind
                    ),
                    format!(
                        "write `kind: ClusterRole` or `kind: Role`{}",
                        if rr.kind.eq_ignore_ascii_case("clusterrole")
                            || rr.kind.eq_ignore_ascii_case("role")
                        {
                            " (the kind is case-sensitive)"
                        } else {
                            ""
                        }
                    ),
                )
            } else if rr.api_group != "rbac.authorization.k8s.io" {
                (
                    "apiGroup",
                    format!(
                        "{who} has roleRef apiGroup `{}`: the API server only accepts `rbac.authorization.k8s.io`",
                        rr.api_group
                    ),
                    "write `apiGroup: rbac.authorization.k8s.io`".to_string(),
                )
            } else {
                continue;
            };
            let at = cx.field_origin(&b.role_ref_origin, &[key]);
            let f = Finding::new(&Self::INFO, at, message)
                .label("the API server rejects this roleRef")
                .help(help);
            out.push(Some(&b.meta), f);
        }
    }
}
