//! `empty-rule`: a rule that matches nothing.

use crate::lint::rules::own_rules;
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};

declare_rule! {
    /// ## What it finds
    /// A rule with no `verbs`, or with neither `resources` nor `nonResourceURLs`, or with
    /// `apiGroups` but nothing to match in them.
    ///
    /// ## Why it matters
    /// It matches no request. The API server rejects rules without verbs; the others are
    /// usually a key indented one level too deep or misspelt (`resource:`), so the intended
    /// grant is missing.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resource: ["pods"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Instead
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["pods"]
    ///   verbs: ["get"]
    /// ```
    EmptyRule {
        id: "empty-rule",
        category: Correctness,
        level: Warning,
        summary: "a rule with no verbs, or no resources or URLs (matches nothing)",
    }
}

impl Rule for EmptyRule {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in cx.user_roles() {
            for (_, rule, origin) in own_rules(role) {
                let what = if rule.verbs.is_empty() {
                    "has no `verbs`"
                } else if rule.resources.is_empty() && rule.non_resource_urls.is_empty() {
                    "has neither `resources` nor `nonResourceURLs`"
                } else {
                    continue;
                };
                let f = Finding::new(
                    &Self::INFO,
                    origin,
                    format!("{}: a rule {what}; it matches nothing", describe(role.kind.as_str(), &role.meta)),
                )
                .label("this rule")
                .help("check the keys' spelling and indentation: `apiGroups`, `resources`, `verbs`, `nonResourceURLs`");
                out.push(Some(&role.meta), f);
            }
        }
    }
}
