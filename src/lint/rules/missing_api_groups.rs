//! `missing-api-groups`: resources without `apiGroups`.

use crate::lint::rules::own_rules;
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};

declare_rule! {
    /// ## What it finds
    /// A rule with `resources` but no `apiGroups`.
    ///
    /// ## Why it matters
    /// With no group the rule matches no request (not even the core group, which is `""`), and
    /// the API server rejects it ("resource rules must supply at least one api group").
    ///
    /// ## Example
    /// ```yaml
    /// - resources: ["pods"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Instead
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["pods"]
    ///   verbs: ["get"]
    /// ```
    MissingApiGroups {
        id: "missing-api-groups",
        category: Correctness,
        level: Error,
        summary: "resources without apiGroups (matches nothing; rejected)",
    }
}

impl Rule for MissingApiGroups {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in cx.user_roles() {
            for (_, rule, origin) in own_rules(role) {
                if rule.resources.is_empty() || !rule.api_groups.is_empty() {
                    continue;
                }
                let core: Vec<&str> = rule
                    .resources
                    .iter()
                    .filter(|r| {
                        cx.discovery
                            .lookup("", r.split('/').next().unwrap_or(""))
                            .is_some()
                    })
                    .map(|s| s.as_str())
                    .collect();
                let help = if core.len() == rule.resources.len() {
                    "add `apiGroups: [\"\"]` (these are core resources)".to_string()
                } else {
                    "add `apiGroups:` with the resources' groups (`\"\"` for the core group)"
                        .to_string()
                };
                let f = Finding::new(
                    &Self::INFO,
                    cx.field_origin(&origin, &["resources"]),
                    format!(
                        "{}: a rule has `resources` but no `apiGroups`; it matches nothing",
                        describe(role.kind.as_str(), &role.meta)
                    ),
                )
                .label("in no API group")
                .help(help);
                out.push(Some(&role.meta), f);
            }
        }
    }
}
