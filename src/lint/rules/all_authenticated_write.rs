//! `all-authenticated-write`: write access or Secrets for every authenticated identity.

use crate::lint::probe::{Grant, grant, ns};
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};
use crate::model::PolicyRule;
use crate::rbac::matching::rule_allows;
use crate::request::Attributes;

/// Groups that hold every user, or every service account.
pub const EVERYONE: &[&str] = &["system:authenticated", "system:serviceaccounts"];

const WRITE_VERBS: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];

declare_rule! {
    /// ## What it finds
    /// A binding in the input that names the Group `system:authenticated` or
    /// `system:serviceaccounts` (or `system:serviceaccounts:NAMESPACE`) and whose role allows a
    /// write (`create`, `update`, `patch`, `delete`, `deletecollection`) on any resource, or
    /// reading Secrets; decided by the evaluator on the role's rules.
    ///
    /// ## Why it matters
    /// Every user and every pod's service account holds it: one compromised workload anywhere
    /// writes there.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
    /// subjects:
    /// - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: system:authenticated}
    /// ```
    ///
    /// ## Instead
    /// Grant read-only roles to everyone at most; writes to named groups.
    AllAuthenticatedWrite {
        id: "all-authenticated-write",
        category: Security,
        level: Error,
        summary: "grants writes or Secrets to every authenticated user or service account",
    }
}

/// Whether a rule allows a write on one of its own resources, or reading Secrets.
fn writes(rule: &PolicyRule) -> bool {
    if grant(
        rule,
        &[ns("get", "", "secrets", ""), ns("list", "", "secrets", "")],
        true,
    ) == Grant::Full
    {
        return true;
    }
    for g in &rule.api_groups {
        for r in &rule.resources {
            let (res, sub) = r.split_once('/').unwrap_or((r.as_str(), ""));
            for v in WRITE_VERBS {
                let a = Attributes {
                    user: "kauthz:probe".into(),
                    verb: (*v).into(),
                    resource_request: true,
                    api_group: if g == "*" {
                        "kauthz.probe".into()
                    } else {
                        g.to_string()
                    },
                    resource: if res == "*" {
                        "kauthzprobes".into()
                    } else {
                        res.into()
                    },
                    subresource: if sub == "*" {
                        String::new()
                    } else {
                        sub.into()
                    },
                    namespace: "kauthz-probe".into(),
                    name: rule
                        .resource_names
                        .first()
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    ..Attributes::default()
                };
                if rule_allows(rule, &a) {
                    return true;
                }
            }
        }
    }
    false
}

impl Rule for AllAuthenticatedWrite {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for b in cx.user_bindings() {
            let names_everyone = b.subjects.iter().any(|s| {
                s.kind == "Group"
                    && (EVERYONE.contains(&s.name.as_str())
                        || s.name.starts_with("system:serviceaccounts:"))
            });
            if !names_everyone {
                continue;
            }
            let Some(role) = cx.role_of(b) else { continue };
            let Some(rule_index) = role.rules.iter().position(writes) else {
                continue;
            };
            for (i, s) in b.subjects.iter().enumerate() {
                let everyone = s.kind == "Group"
                    && (EVERYONE.contains(&s.name.as_str())
                        || s.name.starts_with("system:serviceaccounts:"));
                if !everyone {
                    continue;
                }
                let at = b.subject_origins.get(i).copied().unwrap_or(b.meta.origin);
                let rule_at = role
                    .rule_origins
                    .get(rule_index)
                    .copied()
                    .unwrap_or(role.meta.origin);
                let f = Finding::new(
                    &Self::INFO,
                    at,
                    format!(
                        "{} gives every member of `{}` write access or Secrets through {}",
                        describe(b.kind.as_str(), &b.meta),
                        s.name,
                        describe(role.kind.as_str(), &role.meta)
                    ),
                )
                .label(format!("`{}`", s.name))
                .related(rule_at, "this rule writes or reads Secrets")
                .help("bind a read-only role to everyone at most, and writes to named groups");
                out.push(Some(&b.meta), f);
            }
        }
    }
}
