//! `resource-in-wrong-group`: a resource served, but not in the rule's API groups.

use crate::lint::rules::own_rules;
use crate::lint::rules::unknown_resource::{
    Issue, groups_text, known_groups, qualified, resource_issues,
};
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};

declare_rule! {
    /// ## What it finds
    /// A resource none of the rule's API groups serves but another group does: `deployments`
    /// in `extensions` (removed in Kubernetes 1.16; served in `apps`), `ingresses` in `""`.
    ///
    /// ## Why it matters
    /// RBAC matches the group exactly, `""` being only the core group: the rule never matches
    /// a request for the resource the author meant.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: ["extensions"]
    ///   resources: ["deployments"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Instead
    /// ```yaml
    /// - apiGroups: ["apps"]
    ///   resources: ["deployments"]
    /// ```
    ResourceInWrongGroup {
        id: "resource-in-wrong-group",
        category: Correctness,
        level: Warning,
        summary: "a resource listed under an API group that does not serve it",
    }
}

impl Rule for ResourceInWrongGroup {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let groups = known_groups(cx.discovery);
        for role in cx.user_roles() {
            for (_, rule, origin) in own_rules(role) {
                for (r, issue) in resource_issues(cx.discovery, &groups, rule) {
                    let Issue::WrongGroup(groups) = issue else {
                        continue;
                    };
                    let at = cx.item_origin(&origin, "resources", &r);
                    let served: Vec<String> = groups
                        .iter()
                        .map(|g| format!("`{}`", qualified(g, &r)))
                        .collect();
                    let first = groups.first().cloned().unwrap_or_default();
                    let f = Finding::new(
                        &Self::INFO,
                        at,
                        format!(
                            "{}: `{r}` is not served in API group {}; it is {}",
                            describe(role.kind.as_str(), &role.meta),
                            groups_text(rule),
                            served.join(", ")
                        ),
                    )
                    .label("never matches a request")
                    .help(format!("did you mean `apiGroups: [\"{first}\"]`?"));
                    out.push(Some(&role.meta), f);
                }
            }
        }
    }
}
