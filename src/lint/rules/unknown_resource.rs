//! `unknown-resource`: a resource no API group of the rule serves.

use std::collections::BTreeSet;

use crate::discovery::{Discovery, group_resource_string};
use crate::lint::rules::own_rules;
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};
use crate::model::PolicyRule;

/// Resources RBAC rules name that discovery does not list: impersonation targets, signers,
/// and the kubelet's node subresources (checked by the kubelet's authorizer).
const RBAC_ONLY: &[(&str, &str)] = &[
    ("", "users"),
    ("", "groups"),
    ("", "nodes/stats"),
    ("", "nodes/metrics"),
    ("", "nodes/log"),
    ("", "nodes/spec"),
    ("", "nodes/pods"),
    ("", "nodes/checkpoint"),
    ("", "nodes/configz"),
    ("", "nodes/healthz"),
    ("authentication.k8s.io", "uids"),
    ("authentication.k8s.io", "userextras"),
    ("certificates.k8s.io", "signers"),
];

/// Subresources RBAC checks although no API serves them: `finalizers` of any resource (the
/// OwnerReferencesPermissionEnforcement admission plugin) and `restricted` of endpoints and
/// endpoint slices (the endpoint-restriction check).
const VIRTUAL_SUBRESOURCES: &[(&str, &str, &str)] = &[
    ("*", "*", "finalizers"),
    ("", "endpoints", "restricted"),
    ("", "endpointslices", "restricted"),
    ("discovery.k8s.io", "endpointslices", "restricted"),
];

fn virtual_subresource(group: &str, base: &str, sub: &str) -> bool {
    VIRTUAL_SUBRESOURCES
        .iter()
        .any(|(g, r, s)| (*g == "*" || *g == group) && (*r == "*" || *r == base) && *s == sub)
}

/// Groups that no longer exist but whose resources live on elsewhere (`extensions`).
const REMOVED_GROUPS: &[&str] = &["extensions"];

/// Every API group discovery knows (built-in and loaded CRDs).
pub fn known_groups(d: &Discovery) -> BTreeSet<&str> {
    d.resources().iter().map(|r| r.group.as_str()).collect()
}

/// What is wrong with one resource string of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issue {
    /// No listed group serves it; suggestions (as `resource[.group]`) may help.
    Unknown(Vec<String>),
    /// No listed group serves it, but these groups do.
    WrongGroup(Vec<String>),
}

/// The resource strings of `rule` that its groups do not serve, where that is knowable: only
/// groups discovery knows (built-in, loaded CRDs, or removed) are judged; `*` is never judged.
pub fn resource_issues(
    d: &Discovery,
    groups: &BTreeSet<&str>,
    rule: &PolicyRule,
) -> Vec<(String, Issue)> {
    let judged: Vec<&str> = rule
        .api_groups
        .iter()
        .map(|s| s.as_str())
        .filter(|g| groups.contains(g) || REMOVED_GROUPS.contains(g))
        .collect();
    if judged.is_empty() || judged.len() != rule.api_groups.len() {
        // An unknown group (a CRD not in the input, an aggregated API) or `*` may serve it.
        return Vec::new();
    }
    let mut out = Vec::new();
    for r in &rule.resources {
        if r == "*" || r.starts_with("*/") || r.ends_with("/*") {
            continue;
        }
        let (base, sub) = match r.split_once('/') {
            Some((b, s)) => (b, Some(s)),
            None => (r.as_str(), None),
        };
        let served = |g: &str| {
            if RBAC_ONLY.iter().any(|(rg, rr)| {
                *rg == g
                    && (*rr == r.as_str() || *rr == base && sub.is_some() && *rr == "userextras")
            }) {
                return true;
            }
            if let Some(s) = sub
                && virtual_subresource(g, base, s)
                && (d.lookup(g, base).is_some() || base == "endpointslices")
            {
                return true;
            }
            match d.lookup(g, base) {
                None => false,
                Some(row) => match sub {
                    None => true,
                    Some(s) => row.subresource_verbs(s).is_some(),
                },
            }
        };
        if judged.iter().any(|g| served(g)) {
            continue;
        }
        let mut elsewhere: Vec<String> = groups
            .iter()
            .filter(|g| !judged.contains(g) && served(g))
            .map(|g| g.to_string())
            .collect();
        elsewhere.dedup();
        if !elsewhere.is_empty() {
            out.push((r.to_string(), Issue::WrongGroup(elsewhere)));
            continue;
        }
        let mut suggestions = Vec::new();
        for g in &judged {
            for s in d.suggest(g, r) {
                if !suggestions.contains(&s) {
                    suggestions.push(s);
                }
            }
        }
        suggestions.truncate(3);
        out.push((r.to_string(), Issue::Unknown(suggestions)));
    }
    out
}

/// The rule's groups for messages: `""` (core), `apps`.
pub fn groups_text(rule: &PolicyRule) -> String {
    let gs: Vec<String> = rule
        .api_groups
        .iter()
        .map(|g| {
            if g.is_empty() {
                "`\"\"` (core)".to_string()
            } else {
                format!("`{g}`")
            }
        })
        .collect();
    gs.join(", ")
}

declare_rule! {
    /// ## What it finds
    /// A resource (or `resource/subresource`) that none of the rule's API groups serves,
    /// checked against the built-in discovery table of Kubernetes v1.36 plus the CRDs in the
    /// input, with "did you mean" (`deployment` → `deployments`, `Pods` → `pods`). Groups
    /// kauthz does not know (CRDs not in the input, aggregated APIs) and `*` are not judged.
    /// Resources that are served, but in another group, are `resource-in-wrong-group`.
    ///
    /// ## Why it matters
    /// RBAC compares resource names exactly, lower-case and plural; a misspelt name is stored
    /// without complaint and never matches a request.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: ["apps"]
    ///   resources: ["deployment", "Deployments"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Instead
    /// ```yaml
    ///   resources: ["deployments"]
    /// ```
    UnknownResource {
        id: "unknown-resource",
        category: Correctness,
        level: Warning,
        summary: "a resource the rule's API groups do not serve (did you mean ...)",
    }
}

impl Rule for UnknownResource {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let groups = known_groups(cx.discovery);
        for role in cx.user_roles() {
            for (_, rule, origin) in own_rules(role) {
                for (r, issue) in resource_issues(cx.discovery, &groups, rule) {
                    let Issue::Unknown(suggestions) = issue else {
                        continue;
                    };
                    let at = cx.item_origin(&origin, "resources", &r);
                    let who = describe(role.kind.as_str(), &role.meta);
                    let message = match r.split_once('/') {
                        Some((base, sub))
                            if rule
                                .api_groups
                                .iter()
                                .any(|g| cx.discovery.lookup(g, base).is_some()) =>
                        {
                            format!(
                                "{who}: `{base}` has no subresource `{sub}` in API group {}",
                                groups_text(rule)
                            )
                        }
                        _ => format!(
                            "{who}: no resource `{r}` in API group {}",
                            groups_text(rule)
                        ),
                    };
                    let mut f =
                        Finding::new(&Self::INFO, at, message).label("never matches a request");
                    f = match suggestions.first() {
                        Some(_) => f.help(format!(
                            "did you mean {}? resource names are lower-case plurals",
                            suggestions.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or ")
                        )),
                        None => f.help("check the name with `kubectl api-resources`; add the CRD to the input if it is a custom resource"),
                    };
                    out.push(Some(&role.meta), f);
                }
            }
        }
    }
}

/// `resource` in `group` as kubectl writes it.
pub fn qualified(group: &str, resource: &str) -> String {
    group_resource_string(group, resource)
}
