//! `aggregation-selects-nothing`: an aggregated ClusterRole whose selectors match no role.

use crate::lint::{Context, Finding, Findings, Rule, RuleInfo};

declare_rule! {
    /// ## What it finds
    /// A ClusterRole with an `aggregationRule` whose `clusterRoleSelectors` select no other
    /// ClusterRole with rules (in the input or built in).
    ///
    /// ## Why it matters
    /// The aggregation controller fills the role's rules from the selected roles; selecting
    /// nothing, it grants nothing (usually a misspelt label key or value).
    ///
    /// ## Example
    /// ```yaml
    /// aggregationRule:
    ///   clusterRoleSelectors:
    ///   - matchLabels: {acme.io/aggregate-to-readonly: "true"}
    /// ```
    /// with no ClusterRole carrying that label.
    ///
    /// ## Instead
    /// Label the roles to aggregate with the selector's labels, or fix the selector.
    AggregationSelectsNothing {
        id: "aggregation-selects-nothing",
        category: Correctness,
        level: Warning,
        summary: "an aggregationRule that selects no ClusterRole (grants nothing)",
    }
}

impl Rule for AggregationSelectsNothing {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for name in &cx.policy.aggregation.selects_nothing {
            let Some(role) = cx.policy.cluster_role(name) else {
                continue;
            };
            let at = cx.field_origin(&role.meta.origin, &["aggregationRule"]);
            let f = Finding::new(
                &Self::INFO,
                at,
                format!("ClusterRole `{name}` aggregates nothing: its selectors select no ClusterRole with rules"),
            )
            .label("selects no ClusterRole")
            .help("label the ClusterRoles to aggregate with the selector's labels, or fix the selector");
            out.push(Some(&role.meta), f);
        }
    }
}
