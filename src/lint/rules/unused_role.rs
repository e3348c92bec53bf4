//! `unused-role`: a role no binding and no aggregation uses.

use petgraph::Direction;

use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};
use crate::model::RoleKind;

declare_rule! {
    /// ## What it finds
    /// A Role or ClusterRole in the input that no binding names (in the input or built in) and
    /// no aggregated ClusterRole selects.
    ///
    /// ## Why it matters
    /// It grants nothing. Often its binding has a typo (see `dangling-role-ref`), lives in
    /// another namespace, or was deleted; otherwise the role is dead weight that reviewers
    /// still have to read. ClusterRoles meant to be bound by others later are expected: ignore
    /// the rule for them with `kauthz.dev/ignore: unused-role`.
    ///
    /// ## Example
    /// A Role `search-deployer` whose only RoleBinding names `search-deployr`.
    ///
    /// ## Instead
    /// Bind it, or delete it.
    UnusedRole {
        id: "unused-role",
        category: Correctness,
        level: Info,
        summary: "a role nothing binds or aggregates",
    }
}

impl Rule for UnusedRole {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let p = cx.policy;
        let g = cx.graph;
        for (list, nodes, kind) in [
            (&p.cluster_roles, &g.cluster_roles, RoleKind::ClusterRole),
            (&p.roles, &g.roles, RoleKind::Role),
        ] {
            for (role, &node) in list.iter().zip(nodes.iter()) {
                if role.meta.origin.is_builtin() {
                    continue;
                }
                if g.graph
                    .edges_directed(node, Direction::Incoming)
                    .next()
                    .is_some()
                {
                    continue;
                }
                let f = Finding::new(
                    &Self::INFO,
                    cx.field_origin(&role.meta.origin, &["metadata", "name"]),
                    format!("{} is not bound or aggregated anywhere in the input", describe(kind.as_str(), &role.meta)),
                )
                .label("grants nothing")
                .help("bind it, delete it, or annotate it with `kauthz.dev/ignore: unused-role` if others bind it");
                out.push(Some(&role.meta), f);
            }
        }
    }
}
