//! `aggregation-order-dependent`: aggregated ClusterRoles that select each other.

use crate::lint::{Context, Finding, Findings, Rule, RuleInfo};

declare_rule! {
    /// ## What it finds
    /// Aggregated ClusterRoles that select themselves through others (a cycle of
    /// `aggregationRule` selectors and labels).
    ///
    /// ## Why it matters
    /// Each sync of one role copies the others' current rules, so what each ends up with
    /// depends on the order the controller happens to sync them and on past states; rules
    /// removed from a source may live on in the cycle.
    ///
    /// ## Example
    /// ClusterRole `a` selects label `x` and carries label `y`; ClusterRole `b` selects `y`
    /// and carries `x`.
    ///
    /// ## Instead
    /// Aggregate in one direction: leaf roles carry labels, aggregated roles select them and
    /// carry no label another aggregated role selects.
    AggregationOrderDependent {
        id: "aggregation-order-dependent",
        category: Correctness,
        level: Warning,
        summary: "aggregated ClusterRoles in a selection cycle (result depends on sync order)",
    }
}

impl Rule for AggregationOrderDependent {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let cycle = &cx.policy.aggregation.in_cycle;
        for name in cycle {
            let Some(role) = cx.policy.cluster_role(name) else {
                continue;
            };
            let others: Vec<String> = cycle
                .iter()
                .filter(|n| *n != name)
                .map(|n| format!("`{n}`"))
                .collect();
            let at = cx.field_origin(&role.meta.origin, &["aggregationRule"]);
            let f = Finding::new(
                &Self::INFO,
                at,
                format!(
                    "ClusterRole `{name}` aggregates itself through {}: its rules depend on the order of controller syncs",
                    if others.is_empty() { "its own labels".to_string() } else { others.join(", ") }
                ),
            )
            .label("part of an aggregation cycle")
            .help("aggregate in one direction: aggregated roles should carry no label another aggregated role selects");
            out.push(Some(&role.meta), f);
        }
    }
}
