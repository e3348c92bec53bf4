//! `wildcard-api-groups`: `*` in `apiGroups`.

use crate::lint::probe::{Focus, Grant, report_roles};
use crate::lint::{Context, Findings, Rule, RuleInfo};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it finds
    /// A rule whose `apiGroups` contains `*`, decided by the evaluator: the rule allows a
    /// request no list names. Restricted by `resourceNames`, it is reported one level lower.
    ///
    /// ## Why it matters
    /// It matches the resource names in every API group, including CRDs installed later that reuse a name.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: ["*"]
    /// ```
    ///
    /// ## Instead
    /// ```yaml
    /// - apiGroups: ["apps"]
    /// ```
    WildcardApiGroups {
        id: "wildcard-api-groups",
        category: Security,
        level: Warning,
        summary: "`*` as an API group (the resource in every group, CRDs included)",
    }
}

/// Whether (and how far) one rule grants through its `*`.
pub fn check(rule: &PolicyRule, _cluster_wide: bool) -> Grant {
    crate::lint::probe::wildcard_api_groups(rule)
}

impl Rule for WildcardApiGroups {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        report_roles(
            cx,
            out,
            &Self::INFO,
            check,
            "its resources in every API group, later CRDs included (`*` in `apiGroups`)",
            "list the groups it needs, e.g. `[\"apps\"]`",
            Focus::Wildcard("apiGroups"),
        );
    }
}
