//! `subresource-wildcard-is-literal`: `pods/*` is not a wildcard.

use crate::lint::rules::own_rules;
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};

declare_rule! {
    /// ## What it finds
    /// A resource written `resource/*` (or `*/*`). RBAC knows two wildcards only: `*` (every
    /// resource and subresource) and `*/sub` (that subresource of every resource); `pods/*`
    /// matches only a subresource literally named `*`, which no request has.
    ///
    /// ## Why it matters
    /// The author meant every subresource of pods (`exec`, `log`, `portforward`) and granted
    /// none of them.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["pods/*"]
    ///   verbs: ["create", "get"]
    /// ```
    ///
    /// ## Instead
    /// List the subresources:
    /// ```yaml
    ///   resources: ["pods/exec", "pods/portforward"]
    /// ```
    SubresourceWildcardIsLiteral {
        id: "subresource-wildcard-is-literal",
        category: Correctness,
        level: Error,
        summary: "`resource/*` matches no subresource (RBAC has no such wildcard)",
    }
}

impl Rule for SubresourceWildcardIsLiteral {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in cx.user_roles() {
            for (_, rule, origin) in own_rules(role) {
                for r in &rule.resources {
                    let Some(base) = r.strip_suffix("/*") else {
                        continue;
                    };
                    let subs: Vec<String> = rule
                        .api_groups
                        .iter()
                        .filter_map(|g| cx.discovery.lookup(g, base))
                        .flat_map(|row| row.subresources.iter().map(|(s, _)| format!("{base}/{s}")))
                        .collect();
                    let help = if subs.is_empty() {
                        format!(
                            "list the subresources by name (`{base}/status`, ...); `*` alone grants everything"
                        )
                    } else {
                        format!(
                            "list the subresources you mean, out of: {}",
                            subs.join(", ")
                        )
                    };
                    let at = cx.item_origin(&origin, "resources", r);
                    let f = Finding::new(
                        &Self::INFO,
                        at,
                        format!(
                            "{}: `{r}` is not a wildcard; it matches only a subresource named `*`",
                            describe(role.kind.as_str(), &role.meta)
                        ),
                    )
                    .label("matches no request")
                    .help(help);
                    out.push(Some(&role.meta), f);
                }
            }
        }
    }
}
