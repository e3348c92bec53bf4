//! `cluster-admin-binding`: binding `cluster-admin` to anyone but system subjects.

use crate::lint::{Context, Finding, Findings, Level, Rule, RuleInfo, describe};
use crate::model::BindingKind;

declare_rule! {
    /// ## What it finds
    /// A binding whose roleRef is the ClusterRole `cluster-admin` and that names a subject the
    /// security rules look at (by default any subject not named `system:*`). A RoleBinding
    /// (full control of one namespace) is reported as a warning, a ClusterRoleBinding (full
    /// control of the cluster) as an error.
    ///
    /// ## Why it matters
    /// `cluster-admin` is every verb on every resource and URL. Whoever holds it holds the
    /// cluster, and a leaked credential of theirs is the whole cluster.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
    /// subjects:
    /// - {kind: User, apiGroup: rbac.authorization.k8s.io, name: dave@acme.io}
    /// ```
    ///
    /// ## Instead
    /// Bind `admin` in the namespaces needed, or a role with what the job needs. For a deliberate
    /// break-glass binding, annotate it with `kauthz.dev/ignore: cluster-admin-binding`.
    ClusterAdminBinding {
        id: "cluster-admin-binding",
        category: Security,
        level: Error,
        summary: "binds cluster-admin to a non-system subject",
    }
}

impl Rule for ClusterAdminBinding {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for b in cx.user_bindings() {
            if b.role_ref.kind != "ClusterRole" || b.role_ref.name != "cluster-admin" {
                continue;
            }
            for (i, s) in b.subjects.iter().enumerate() {
                if cx.exempt(s, &b.meta.namespace) {
                    continue;
                }
                let at = b.subject_origins.get(i).copied().unwrap_or(b.meta.origin);
                let (scope, level) = match b.kind {
                    BindingKind::ClusterRoleBinding => {
                        ("the whole cluster".to_string(), Level::Error)
                    }
                    BindingKind::RoleBinding => {
                        (format!("namespace `{}`", b.meta.namespace), Level::Warning)
                    }
                };
                let f = Finding::new(
                    &Self::INFO,
                    at,
                    format!(
                        "{} gives {} `{}` full control of {scope} (`cluster-admin`)",
                        describe(b.kind.as_str(), &b.meta),
                        s.kind,
                        s.name
                    ),
                )
                .level(level)
                .label("this subject")
                .related(cx.field_origin(&b.role_ref_origin, &["name"]), "roleRef to `cluster-admin`")
                .help("bind `admin` per namespace or a role with what the job needs; annotate a deliberate break-glass binding with `kauthz.dev/ignore: cluster-admin-binding`");
                out.push(Some(&b.meta), f);
            }
        }
    }
}
