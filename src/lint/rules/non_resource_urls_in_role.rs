//! `non-resource-urls-in-role`: URLs where they cannot be granted.

use crate::lint::rules::own_rules;
use crate::lint::{Context, Finding, Findings, Level, Rule, RuleInfo, describe};
use crate::model::RoleKind;

declare_rule! {
    /// ## What it finds
    /// `nonResourceURLs` in a Role (the API server rejects it: namespaced rules cannot apply to
    /// non-resource URLs), or in a ClusterRole that only RoleBindings grant (reported as a
    /// warning: a RoleBinding grants within its namespace, and a URL request has none).
    ///
    /// ## Why it matters
    /// The URLs (`/healthz`, `/metrics`) are never allowed to the role's holders.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// rules:
    /// - nonResourceURLs: ["/metrics"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Instead
    /// Put URL rules in a ClusterRole granted by a ClusterRoleBinding.
    NonResourceUrlsInRole {
        id: "non-resource-urls-in-role",
        category: Correctness,
        level: Error,
        summary: "nonResourceURLs in a Role or a ClusterRole only RoleBindings grant",
    }
}

impl Rule for NonResourceUrlsInRole {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in cx.user_roles() {
            let only_role_bindings = role.kind == RoleKind::ClusterRole
                && cx.role_use(role).is_some_and(|u| !u.cluster_wide);
            if role.kind == RoleKind::ClusterRole && !only_role_bindings {
                continue;
            }
            for (_, rule, origin) in own_rules(role) {
                if rule.non_resource_urls.is_empty() {
                    continue;
                }
                let at = cx.field_origin(&origin, &["nonResourceURLs"]);
                let who = describe(role.kind.as_str(), &role.meta);
                let f = if role.kind == RoleKind::Role {
                    Finding::new(
                        &Self::INFO,
                        at,
                        format!("{who}: a Role cannot grant non-resource URLs"),
                    )
                    .label("the API server rejects this")
                } else {
                    let b = cx.role_use(role).and_then(|u| u.bindings.first().copied());
                    let mut f = Finding::new(
                        &Self::INFO,
                        at,
                        format!("{who} is only granted by RoleBindings, which never grant non-resource URLs"),
                    )
                    .level(Level::Warning)
                    .label("never allowed to its holders");
                    if let Some(b) = b {
                        f = f.related(
                            cx.field_origin(&b.role_ref_origin, &["name"]),
                            format!("granted by {}", describe(b.kind.as_str(), &b.meta)),
                        );
                    }
                    f
                };
                out.push(
                    Some(&role.meta),
                    f.help("put URL rules in a ClusterRole granted by a ClusterRoleBinding"),
                );
            }
        }
    }
}
