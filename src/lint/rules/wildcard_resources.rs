//! `wildcard-resources`: `*` in `resources`.

use crate::lint::probe::{Focus, Grant, report_roles};
use crate::lint::{Context, Findings, Rule, RuleInfo};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it finds
    /// A rule whose `resources` contains `*`, decided by the evaluator: the rule allows a
    /// request no list names. Restricted by `resourceNames`, it is reported one level lower.
    ///
    /// ## Why it matters
    /// It grants every resource of its groups, Secrets and subresources such as `pods/exec` included, and resources added later.
    ///
    /// ## Example
    /// ```yaml
    /// - resources: ["*"]
    /// ```
    ///
    /// ## Instead
    /// ```yaml
    /// - resources: ["deployments", "statefulsets"]
    /// ```
    WildcardResources {
        id: "wildcard-resources",
        category: Security,
        level: Warning,
        summary: "`*` as a resource (every resource and subresource of its groups)",
    }
}

/// Whether (and how far) one rule grants through its `*`.
pub fn check(rule: &PolicyRule, _cluster_wide: bool) -> Grant {
    crate::lint::probe::wildcard_resources(rule)
}

impl Rule for WildcardResources {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        report_roles(
            cx,
            out,
            &Self::INFO,
            check,
            "every resource of its API groups, Secrets and subresources included (`*` in `resources`)",
            "list the resources it needs; `*` includes Secrets and every subresource",
            Focus::Wildcard("resources"),
        );
    }
}
