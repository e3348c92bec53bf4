//! `anonymous-access`: permissions for unauthenticated requests.

use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};

/// The subjects every unauthenticated request carries.
pub const ANONYMOUS: &[(&str, &str)] = &[
    ("User", "system:anonymous"),
    ("Group", "system:unauthenticated"),
];

declare_rule! {
    /// ## What it finds
    /// A binding in the input that names `system:anonymous` (User) or `system:unauthenticated`
    /// (Group) and whose role grants anything. The built-in defaults (`system:public-info-viewer`:
    /// `/healthz`, `/livez`, `/readyz`, `/version`) are not in the input and not reported; a
    /// binding of your own to that same role is not reported either.
    ///
    /// ## Why it matters
    /// Anyone who can reach the API server gets it, with no credential at all.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
    /// subjects:
    /// - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: system:unauthenticated}
    /// ```
    ///
    /// ## Instead
    /// Bind `system:authenticated`, or better a group of the people who need it.
    AnonymousAccess {
        id: "anonymous-access",
        category: Security,
        level: Error,
        summary: "grants permissions to unauthenticated requests",
    }
}

impl Rule for AnonymousAccess {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for b in cx.user_bindings() {
            if b.role_ref.kind == "ClusterRole" && b.role_ref.name == "system:public-info-viewer" {
                continue;
            }
            let Some(role) = cx.role_of(b) else { continue };
            if role.rules.is_empty() {
                continue;
            }
            for (i, s) in b.subjects.iter().enumerate() {
                if !ANONYMOUS.iter().any(|(k, n)| s.kind == *k && s.name == *n) {
                    continue;
                }
                let at = b.subject_origins.get(i).copied().unwrap_or(b.meta.origin);
                let f = Finding::new(
                    &Self::INFO,
                    at,
                    format!(
                        "{} grants {} to every unauthenticated request (`{}`)",
                        describe(b.kind.as_str(), &b.meta),
                        describe(role.kind.as_str(), &role.meta),
                        s.name
                    ),
                )
                .label(format!("`{}`", s.name))
                .related(role.meta.origin, "the role granted")
                .help("bind a group of authenticated users instead");
                out.push(Some(&b.meta), f);
            }
        }
    }
}
