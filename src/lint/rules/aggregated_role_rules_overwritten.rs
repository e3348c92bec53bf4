//! `aggregated-role-rules-overwritten`: hand-written rules in an aggregated ClusterRole.

use crate::lint::{Context, Finding, Findings, Rule, RuleInfo};

declare_rule! {
    /// ## What it finds
    /// A ClusterRole with both an `aggregationRule` (that selects something) and rules of its
    /// own.
    ///
    /// ## Why it matters
    /// The aggregation controller replaces the role's rules with those of the selected roles:
    /// the hand-written rules disappear from the cluster moments after the apply.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRole
    /// aggregationRule:
    ///   clusterRoleSelectors:
    ///   - matchLabels: {acme.io/aggregate-to-ops: "true"}
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["nodes"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Instead
    /// Put the rules in a separate ClusterRole carrying the selector's label.
    AggregatedRoleRulesOverwritten {
        id: "aggregated-role-rules-overwritten",
        category: Correctness,
        level: Warning,
        summary: "rules written in an aggregated ClusterRole (the controller replaces them)",
    }
}

impl Rule for AggregatedRoleRulesOverwritten {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for name in &cx.policy.aggregation.own_rules_overwritten {
            let Some(role) = cx.policy.cluster_role(name) else {
                continue;
            };
            let at = cx.field_origin(&role.meta.origin, &["rules"]);
            let f = Finding::new(
                &Self::INFO,
                at,
                format!("ClusterRole `{name}` is aggregated: the controller replaces these rules with the selected roles' rules"),
            )
            .label("replaced by the aggregation controller")
            .related(cx.field_origin(&role.meta.origin, &["aggregationRule"]), "because of this aggregationRule")
            .help("move these rules into a ClusterRole that carries the selector's label");
            out.push(Some(&role.meta), f);
        }
    }
}
