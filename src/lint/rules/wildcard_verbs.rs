//! `wildcard-verbs`: `*` in `verbs`.

use crate::lint::probe::{Focus, Grant, report_roles};
use crate::lint::{Context, Findings, Rule, RuleInfo};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it finds
    /// A rule whose `verbs` contains `*`, decided by the evaluator: the rule allows a
    /// request no list names. Restricted by `resourceNames`, it is reported one level lower.
    ///
    /// ## Why it matters
    /// It grants every verb, including escalate, bind and impersonate.
    ///
    /// ## Example
    /// ```yaml
    /// - verbs: ["*"]
    /// ```
    ///
    /// ## Instead
    /// ```yaml
    /// - verbs: ["get", "list", "watch"]
    /// ```
    WildcardVerbs {
        id: "wildcard-verbs",
        category: Security,
        level: Warning,
        summary: "`*` as a verb (every verb, today's and future ones)",
    }
}

/// Whether (and how far) one rule grants through its `*`.
pub fn check(rule: &PolicyRule, _cluster_wide: bool) -> Grant {
    crate::lint::probe::wildcard_verbs(rule)
}

impl Rule for WildcardVerbs {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        report_roles(
            cx,
            out,
            &Self::INFO,
            check,
            "every verb, `escalate`, `bind` and `impersonate` included (`*` in `verbs`)",
            "list the verbs it needs, e.g. `[\"get\", \"list\", \"watch\"]`",
            Focus::Wildcard("verbs"),
        );
    }
}
