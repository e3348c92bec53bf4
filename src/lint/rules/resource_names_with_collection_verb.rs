//! `resource-names-with-collection-verb`: `resourceNames` with verbs that carry no name.

use crate::lint::rules::own_rules;
use crate::lint::{Context, Finding, Findings, Level, Rule, RuleInfo, describe};

/// Verbs whose requests carry no object name.
pub const NAMELESS: &[&str] = &["list", "watch", "create", "deletecollection"];

declare_rule! {
    /// ## What it finds
    /// A rule with `resourceNames` that lists `create` or `deletecollection` (a warning), or
    /// `list` or `watch` (an info). `create` and `deletecollection` requests carry no object
    /// name (a `create` names its object only in the body), so they never match a rule
    /// restricted by name. `list` and `watch` carry a name only when they select one object
    /// with the field selector `metadata.name=NAME` (as the API server's own roles rely on);
    /// a plain list, as informers and `kubectl get` make, is forbidden.
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
                    let who = describe(role.kind.as_str(), &role.meta);
                    let f = if matches!(v.as_str(), "list" | "watch") {
                        // A list or watch that selects one name by field selector carries it.
                        Finding::new(
                            &Self::INFO,
                            at,
                            format!(
                                "{who}: `{v}` with `resourceNames` matches only requests that select one name (`fieldSelector=metadata.name=...`); a plain {v}, as informers make, is forbidden"
                            ),
                        )
                        .level(Level::Info)
                        .label("only with a metadata.name field selector")
                    } else {
                        Finding::new(
                            &Self::INFO,
                            at,
                            format!("{who}: `{v}` never matches a rule with `resourceNames`: its requests carry no object name"),
                        )
                        .label("has no effect here")
                    };
                    let f = f
                        .related(
                            cx.field_origin(&origin, &["resourceNames"]),
                            "restricted to these names",
                        )
                        .help(format!(
                            "grant `{v}` in a separate rule without `resourceNames`, or drop it"
                        ));
                    out.push(Some(&role.meta), f);
                }
            }
        }
    }
}
