//! `resource-names-with-collection-verb`: `resourceNames` with verbs that carry no name.

use crate::lint::rules::own_rules;
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};

/// Verbs whose requests carry no object name.
pub const NAMELESS: &[&str] = &["list", "watch", "create", "deletecollection"];

declare_rule! {
    /// ## What it finds
    /// A rule with `resourceNames` that lists `list`, `watch`, `create` or `deletecollection`.
    /// Requests with these verbs carry no object name (a `create` names its object only in the
    /// body; `list` and `watch` only with a `metadata.name` field selector, which ordinary
    /// clients and informers do not send), so they never match a rule restricted by name.
    ///
    /// ## Why it matters
    /// The author expects `list` of the named objects to work; it is forbidden.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["configmaps"]
    ///   resourceNames: ["app-config"]
    ///   verbs: ["get", "list"]
    /// ```
    ///
    /// ## Instead
    /// Keep `get` (and `update`, `patch`, `delete`) with the names, and grant `list`/`watch`
    /// without `resourceNames` in a separate rule if the workload needs it, or read the object
    /// by name.
    ResourceNamesWithCollectionVerb {
        id: "resource-names-with-collection-verb",
        category: Correctness,
        level: Warning,
        summary: "`resourceNames` with list, watch, create or deletecollection (never matches)",
    }
}

impl Rule for ResourceNamesWithCollectionVerb {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in cx.user_roles() {
            for (_, rule, origin) in own_rules(role) {
                if rule.resource_names.is_empty() {
                    continue;
                }
                for v in rule.verbs.iter().filter(|v| NAMELESS.contains(&v.as_str())) {
                    let at = cx.item_origin(&origin, "verbs", v);
                    let f = Finding::new(
                        &Self::INFO,
                        at,
                        format!(
                            "{}: `{v}` never matches a rule with `resourceNames`: its requests carry no object name",
                            describe(role.kind.as_str(), &role.meta)
                        ),
                    )
                    .label("has no effect here")
                    .related(cx.field_origin(&origin, &["resourceNames"]), "restricted to these names")
                    .help(format!("grant `{v}` in a separate rule without `resourceNames`, or drop it"));
                    out.push(Some(&role.meta), f);
                }
            }
        }
    }
}
