//! `invalid-subject`: a subject the API server rejects or that matches nobody.

use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};
use crate::model::BindingKind;

declare_rule! {
    /// ## What it finds
    /// A binding subject whose `kind` is not `User`, `Group` or `ServiceAccount` (case
    /// matters), a `User` or `Group` whose `apiGroup` is not `rbac.authorization.k8s.io`, a
    /// `ServiceAccount` with an `apiGroup`, or a `ServiceAccount` without a `namespace` in a
    /// ClusterRoleBinding.
    ///
    /// ## Why it matters
    /// The API server rejects these subjects when the binding is applied; the authorizer would
    /// match nobody with them (a ServiceAccount needs a namespace to become
    /// `system:serviceaccount:NS:NAME`).
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// subjects:
    /// - {kind: ServiceAccount, name: deployer}
    /// - {kind: user, name: jane}
    /// ```
    ///
    /// ## Instead
    /// ```yaml
    /// subjects:
    /// - {kind: ServiceAccount, name: deployer, namespace: ci}
    /// - {kind: User, apiGroup: rbac.authorization.k8s.io, name: jane}
    /// ```
    InvalidSubject {
        id: "invalid-subject",
        category: Correctness,
        level: Error,
        summary: "subject kind, apiGroup or namespace the API server rejects",
    }
}

impl Rule for InvalidSubject {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for b in cx.user_bindings() {
            for (i, s) in b.subjects.iter().enumerate() {
                let origin = b.subject_origins.get(i).copied().unwrap_or(b.meta.origin);
                let problem = match s.kind.as_str() {
                    "User" | "Group" if s.api_group != "rbac.authorization.k8s.io" => Some((
                        "apiGroup",
                        format!("{} `{}` has apiGroup `{}`", s.kind, s.name, s.api_group),
                        "write `apiGroup: rbac.authorization.k8s.io` for users and groups".to_string(),
                    )),
                    "ServiceAccount" if !s.api_group.is_empty() => Some((
                        "apiGroup",
                        format!("ServiceAccount `{}` has apiGroup `{}`", s.name, s.api_group),
                        "remove `apiGroup` (ServiceAccounts are in the core group, `\"\"`)".to_string(),
                    )),
                    "ServiceAccount" if s.namespace.is_empty() && b.kind == BindingKind::ClusterRoleBinding => Some((
                        "name",
                        format!("ServiceAccount `{}` has no namespace in a ClusterRoleBinding", s.name),
                        "add `namespace:` with the ServiceAccount's namespace (kustomize's `namespace:` fills it in; `kubectl apply` of this object as written is rejected)".to_string(),
                    )),
                    "User" | "Group" | "ServiceAccount" => None,
                    other => {
                        let fixed = ["User", "Group", "ServiceAccount"]
                            .into_iter()
                            .find(|k| k.eq_ignore_ascii_case(other));
                        Some((
                            "kind",
                            format!("subject kind `{other}` is not `User`, `Group` or `ServiceAccount`"),
                            match fixed {
                                Some(k) => format!("did you mean `{k}`? the kind is case-sensitive"),
                                None => "use `User`, `Group` or `ServiceAccount`".to_string(),
                            },
                        ))
                    }
                };
                let Some((key, message, help)) = problem else {
                    continue;
                };
                let at = cx.field_origin(&origin, &[key]);
                let f = Finding::new(
                    &Self::INFO,
                    at,
                    format!("{}: {message}", describe(b.kind.as_str(), &b.meta)),
                )
                .label("the API server rejects this subject")
                .help(help);
                out.push(Some(&b.meta), f);
            }
        }
    }
}
