//! `mixed-resource-and-url-rule`: one rule with both resources and URLs.

use crate::lint::rules::own_rules;
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};

declare_rule! {
    /// ## What it finds
    /// A rule with both `resources` and `nonResourceURLs`.
    ///
    /// ## Why it matters
    /// The API server rejects it ("rules cannot apply to both regular resources and
    /// non-resource URLs"): the whole role fails to apply.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["nodes"]
    ///   nonResourceURLs: ["/metrics"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Instead
    /// Two rules, one for the resources and one for the URLs.
    MixedResourceAndUrlRule {
        id: "mixed-resource-and-url-rule",
        category: Correctness,
        level: Error,
        summary: "one rule with both resources and nonResourceURLs (rejected)",
    }
}

impl Rule for MixedResourceAndUrlRule {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in cx.user_roles() {
            for (_, rule, origin) in own_rules(role) {
                if rule.resources.is_empty() || rule.non_resource_urls.is_empty() {
                    continue;
                }
                let f = Finding::new(
                    &Self::INFO,
                    cx.field_origin(&origin, &["nonResourceURLs"]),
                    format!(
                        "{}: a rule cannot have both `resources` and `nonResourceURLs`",
                        describe(role.kind.as_str(), &role.meta)
                    ),
                )
                .label("the API server rejects this rule")
                .related(
                    cx.field_origin(&origin, &["resources"]),
                    "resources of the same rule",
                )
                .help("split it into a rule for the resources and one for the URLs");
                out.push(Some(&role.meta), f);
            }
        }
    }
}
