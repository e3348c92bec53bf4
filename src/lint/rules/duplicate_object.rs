//! `duplicate-object`: the same object defined twice.

use std::collections::BTreeMap;

use crate::lint::{Context, Finding, Findings, Rule, RuleInfo};
use crate::model::{ObjectMeta, Origin};

declare_rule! {
    /// ## What it finds
    /// Two objects of the same kind, namespace and name in the input. kauthz, like
    /// `kubectl apply` of the files in order, keeps the later one: the finding points at each
    /// earlier definition, with the one that wins as the related place.
    ///
    /// ## Why it matters
    /// Only one definition takes effect: edits to the other have no effect, and which one wins
    /// depends on the order files are applied in.
    ///
    /// ## Example
    /// Two files both defining ClusterRole `ci-deployer`, with different rules.
    ///
    /// ## Instead
    /// Keep one definition, or give the objects different names.
    DuplicateObject {
        id: "duplicate-object",
        category: Correctness,
        level: Warning,
        summary: "the same kind, namespace and name defined twice (the later one wins)",
    }
}

impl Rule for DuplicateObject {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let p = cx.policy;
        // The final winner of each key is the winner of its last replacement.
        let mut last: BTreeMap<(&str, &str, &str), Origin> = BTreeMap::new();
        for r in &p.replacements {
            last.insert((r.kind, r.namespace.as_str(), r.name.as_str()), r.winner);
        }
        for r in &p.replacements {
            let winner = last
                .get(&(r.kind, r.namespace.as_str(), r.name.as_str()))
                .copied()
                .unwrap_or(r.winner);
            let meta: Option<&ObjectMeta> = match r.kind {
                "ClusterRole" => p.cluster_role(&r.name).map(|o| &o.meta),
                "Role" => p.role(&r.namespace, &r.name).map(|o| &o.meta),
                "ClusterRoleBinding" => p
                    .cluster_role_bindings
                    .iter()
                    .find(|b| b.meta.name == r.name)
                    .map(|b| &b.meta),
                _ => p
                    .role_bindings
                    .iter()
                    .find(|b| b.meta.name == r.name && b.meta.namespace == r.namespace)
                    .map(|b| &b.meta),
            };
            let name = if r.namespace.is_empty() {
                format!("{} `{}`", r.kind, r.name)
            } else {
                format!("{} `{}/{}`", r.kind, r.namespace, r.name)
            };
            let f = Finding::new(
                &Self::INFO,
                r.replaced,
                format!(
                    "{name} is defined more than once; this definition is replaced by a later one"
                ),
            )
            .label("ignored: a later definition replaces it")
            .related(winner, "this definition wins")
            .help("keep one definition, or rename one of them");
            out.push(meta, f);
        }
    }
}
