//! Security decisions by the evaluator: each risk is a set of requests ("probes"), and a rule
//! has the risk when [`rule_allows`] lets one of them through, exactly as the API server
//! would. apiGroups, subresources and resourceNames therefore count as upstream counts them:
//! `pods/*` does not grant `pods/exec`, `""` is not `apps`, and a rule restricted by
//! `resourceNames` only allows the named objects (reported one level lower).

use crate::lint::rules;
use crate::lint::{Context, Finding, Findings, RuleInfo, describe};
use crate::model::{PolicyRule, RoleObject};
use crate::rbac::matching::{api_group_matches, rule_allows, verb_matches};
use crate::request::Attributes;

/// One synthesized request.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    pub verb: &'static str,
    pub group: &'static str,
    pub resource: &'static str,
    pub subresource: &'static str,
    /// A cluster-scoped resource: only a ClusterRoleBinding can grant it.
    pub cluster_scoped: bool,
}

/// A namespaced probe.
pub const fn ns(
    verb: &'static str,
    group: &'static str,
    resource: &'static str,
    subresource: &'static str,
) -> Probe {
    Probe {
        verb,
        group,
        resource,
        subresource,
        cluster_scoped: false,
    }
}

/// A cluster-scoped probe.
pub const fn cluster(
    verb: &'static str,
    group: &'static str,
    resource: &'static str,
    subresource: &'static str,
) -> Probe {
    Probe {
        verb,
        group,
        resource,
        subresource,
        cluster_scoped: true,
    }
}

/// How much of a risk a rule grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grant {
    No,
    /// Only for the objects its `resourceNames` list.
    Named,
    /// For every object.
    Full,
}

/// The request a probe stands for, with an object name (empty for every object).
pub fn request(p: &Probe, name: &str) -> Attributes {
    Attributes {
        user: "kauthz:probe".into(),
        verb: p.verb.into(),
        resource_request: true,
        api_group: p.group.into(),
        resource: p.resource.into(),
        subresource: p.subresource.into(),
        namespace: if p.cluster_scoped {
            String::new()
        } else {
            "kauthz-probe".into()
        },
        name: name.into(),
        ..Attributes::default()
    }
}

/// The most `rule` grants of any probe; cluster-scoped probes count only when `cluster_wide`.
pub fn grant(rule: &PolicyRule, probes: &[Probe], cluster_wide: bool) -> Grant {
    let requests: Vec<Attributes> = probes.iter().map(|p| request(p, "")).collect();
    grant_prepared(rule, probes, &requests, cluster_wide)
}

/// [`grant`] with the probes' requests built once (`requests[i]` is `request(&probes[i], "")`).
pub fn grant_prepared(
    rule: &PolicyRule,
    probes: &[Probe],
    requests: &[Attributes],
    cluster_wide: bool,
) -> Grant {
    if rule.resources.is_empty() || rule.verbs.is_empty() {
        return Grant::No;
    }
    let mut best = Grant::No;
    for (p, a) in probes.iter().zip(requests) {
        if p.cluster_scoped && !cluster_wide {
            continue;
        }
        // Necessary conditions of `rule_allows`, checked first because most rules fail them.
        if !verb_matches(rule, &a.verb) || !api_group_matches(rule, &a.api_group) {
            continue;
        }
        if rule_allows(rule, a) {
            return Grant::Full;
        }
        if best == Grant::No && !rule.resource_names.is_empty() {
            let mut named = a.clone();
            for n in &rule.resource_names {
                named.name = n.to_string();
                if rule_allows(rule, &named) {
                    best = Grant::Named;
                    break;
                }
            }
        }
    }
    best
}

/// Probes for a rule's own groups and resources (wildcards replaced by names no rule lists),
/// used by the wildcard rules: each returns a request the rule allows only through its `*`.
fn own_targets(rule: &PolicyRule) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for g in &rule.api_groups {
        let g = if g == "*" { "kauthz.probe" } else { g.as_str() };
        for r in &rule.resources {
            let r = if r == "*" { "kauthzprobes" } else { r.as_str() };
            out.push((g.to_string(), r.to_string()));
        }
    }
    out
}

fn own_grant(rule: &PolicyRule, edit: impl Fn(&mut Attributes)) -> Grant {
    let mut best = Grant::No;
    for (g, r) in own_targets(rule) {
        let (resource, sub) = match r.split_once('/') {
            Some((a, b)) => (a.to_string(), b.to_string()),
            None => (r.clone(), String::new()),
        };
        let verb = rule
            .verbs
            .first()
            .map(|v| v.to_string())
            .unwrap_or_default();
        let mut a = Attributes {
            user: "kauthz:probe".into(),
            verb,
            resource_request: true,
            api_group: g,
            resource,
            subresource: sub,
            namespace: "kauthz-probe".into(),
            ..Attributes::default()
        };
        edit(&mut a);
        if rule_allows(rule, &a) {
            return Grant::Full;
        }
        for n in &rule.resource_names {
            a.name = n.to_string();
            if rule_allows(rule, &a) {
                best = Grant::Named;
            }
        }
    }
    best
}

/// The rule allows a verb nobody lists (so `*`) on its own resources, or on its URLs.
pub fn wildcard_verbs(rule: &PolicyRule) -> Grant {
    // Only a `*` can let an unlisted verb through; skip building requests otherwise.
    if !rule.verbs.iter().any(|v| v == "*") {
        return Grant::No;
    }
    if !rule.non_resource_urls.is_empty() && rule.resources.is_empty() {
        let url = rule.non_resource_urls.first().cloned().unwrap_or_default();
        let a = Attributes {
            user: "kauthz:probe".into(),
            verb: "kauthz-probe".into(),
            path: url.trim_end_matches('*').to_string(),
            ..Attributes::default()
        };
        return if rule_allows(rule, &a) {
            Grant::Full
        } else {
            Grant::No
        };
    }
    own_grant(rule, |a| a.verb = "kauthz-probe".into())
}

/// The rule allows a resource nobody names (so `*`) in one of its groups.
pub fn wildcard_resources(rule: &PolicyRule) -> Grant {
    if !rule.resources.iter().any(|r| r == "*") {
        return Grant::No;
    }
    own_grant(rule, |a| {
        a.resource = "kauthzprobes".into();
        a.subresource.clear();
    })
}

/// The rule allows one of its resources in a group nobody names (so `*`).
pub fn wildcard_api_groups(rule: &PolicyRule) -> Grant {
    if !rule.api_groups.iter().any(|g| g == "*") {
        return Grant::No;
    }
    own_grant(rule, |a| a.api_group = "kauthz.probe.invalid".into())
}

/// The ids of the security rules one rule of a role triggers, in registry order.
///
/// `cluster_wide` says whether the rule holds cluster-wide (a ClusterRole under a
/// ClusterRoleBinding): cluster-scoped resources (nodes, PersistentVolumes, webhooks, CSRs,
/// user impersonation) are only granted then. Rules that restrict to named objects
/// (`resourceNames`) count too. Binding-level rules (`cluster-admin-binding`,
/// `anonymous-access`, `all-authenticated-write`) need subjects and are not returned.
/// `kauthz diff` uses this to flag risky permissions a change adds.
pub fn security_findings_for_rule(rule: &PolicyRule, cluster_wide: bool) -> Vec<&'static str> {
    rules::rule_level_security()
        .iter()
        .filter(|(_, f)| f(rule, cluster_wide) != Grant::No)
        .map(|(info, _)| info.id)
        .collect()
}

/// Which part of a rule a security finding points at.
#[derive(Clone, Copy)]
pub enum Focus<'a> {
    /// The `*` in this list.
    Wildcard(&'static str),
    /// The resource string through which one of these probes is allowed.
    Probes(&'a [Probe]),
}

/// The first resource string of `rule` through which a probe is allowed.
fn matched_resource<'r>(
    rule: &'r PolicyRule,
    probes: &[Probe],
    cluster_wide: bool,
) -> Option<(&'r str, bool)> {
    for p in probes {
        if p.cluster_scoped && !cluster_wide {
            continue;
        }
        let name = rule
            .resource_names
            .first()
            .map(|s| s.as_str())
            .unwrap_or("");
        if !rule_allows(rule, &request(p, "")) && !rule_allows(rule, &request(p, name)) {
            continue;
        }
        let combined = if p.subresource.is_empty() {
            p.resource.to_string()
        } else {
            format!("{}/{}", p.resource, p.subresource)
        };
        let sub = format!("*/{}", p.subresource);
        return rule
            .resources
            .iter()
            .find(|r| *r == &combined || (!p.subresource.is_empty() && **r == sub))
            .or_else(|| rule.resources.iter().find(|r| *r == "*"))
            .map(|r| (r.as_str(), p.cluster_scoped));
    }
    None
}

/// A security check on one rule.
pub type RuleCheck = fn(&PolicyRule, bool) -> Grant;

/// Reports every rule of every user role that `check` finds, at the rule, with the binding
/// that hands it out as the related place. Roles only exempt subjects hold are skipped;
/// aggregated roles are skipped too (their rules are the selected roles' rules, reported there).
pub fn report_roles(
    cx: &Context<'_>,
    out: &mut Findings,
    info: &'static RuleInfo,
    check: RuleCheck,
    what: &str,
    help: &str,
    focus: Focus<'_>,
) {
    for role in cx.user_roles() {
        if role.aggregation_rule.is_some() {
            continue;
        }
        let use_ = cx.role_use(role);
        let holder = cx.non_exempt_holder(role);
        if use_.is_some() && holder.is_none() {
            continue;
        }
        let cluster_wide = match use_ {
            Some(u) => u.cluster_wide,
            None => role.kind == crate::model::RoleKind::ClusterRole,
        };
        for (i, rule) in role.rules.iter().enumerate() {
            let g = check(rule, cluster_wide);
            if g == Grant::No {
                continue;
            }
            let rule_at = role
                .rule_origins
                .get(i)
                .copied()
                .unwrap_or(role.meta.origin);
            let mut everywhere = use_.is_some_and(|u| u.cluster_wide);
            let at = match focus {
                Focus::Wildcard(key) => cx.item_origin(&rule_at, key, "*"),
                Focus::Probes(probes) => match matched_resource(rule, probes, cluster_wide) {
                    Some((r, cluster_scoped)) => {
                        // "In every namespace" says nothing about cluster-scoped resources.
                        everywhere &= !cluster_scoped;
                        cx.item_origin(&rule_at, "resources", r)
                    }
                    None => rule_at,
                },
            };
            out.push(
                Some(&role.meta),
                finding(cx, role, info, at, g, what, help, holder, everywhere),
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    cx: &Context<'_>,
    role: &RoleObject,
    info: &'static RuleInfo,
    at: crate::model::Origin,
    g: Grant,
    what: &str,
    help: &str,
    holder: Option<&crate::model::BindingObject>,
    everywhere: bool,
) -> Finding {
    let who = describe(role.kind.as_str(), &role.meta);
    let scope = if everywhere {
        " in every namespace (a ClusterRoleBinding grants it)"
    } else {
        ""
    };
    let mut f = Finding::new(info, at, format!("{who} grants {what}{scope}"))
        .label(match g {
            Grant::Named => "granted here, for the named objects only",
            _ => "granted here",
        })
        .help(help);
    if g == Grant::Named {
        f = f.level(info.level.lowered());
    }
    if let Some(b) = holder {
        let name = describe(b.kind.as_str(), &b.meta);
        f = f.related(
            cx.field_origin(&b.role_ref_origin, &["name"]),
            format!("granted by {name}"),
        );
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> PolicyRule {
        PolicyRule::resource(verbs, groups, resources, names)
    }

    #[test]
    fn secrets_read_respects_groups_names_and_subresources() {
        let ids = |r: &PolicyRule| security_findings_for_rule(r, true);
        assert!(ids(&rule(&["list"], &[""], &["secrets"], &[])).contains(&"secrets-read"));
        assert!(!ids(&rule(&["list"], &["apps"], &["secrets"], &[])).contains(&"secrets-read"));
        assert!(ids(&rule(&["get"], &[""], &["secrets"], &["a"])).contains(&"secrets-read"));
        // A list that selects one name by field selector reads that Secret (reported lower).
        assert!(ids(&rule(&["list"], &[""], &["secrets"], &["a"])).contains(&"secrets-read"));
        assert!(!ids(&rule(&["get"], &[""], &["configmaps"], &[])).contains(&"secrets-read"));
        let star = ids(&rule(&["*"], &["*"], &["*"], &[]));
        assert!(star.contains(&"wildcard-verbs") && star.contains(&"secrets-read"));
        let pods_star = ids(&rule(&["create"], &[""], &["pods/*"], &[]));
        assert!(!pods_star.contains(&"pod-exec-attach-portforward"));
    }

    #[test]
    fn cluster_scoped_risks_need_a_cluster_wide_grant() {
        let r = rule(&["get"], &[""], &["nodes/proxy"], &[]);
        assert!(security_findings_for_rule(&r, true).contains(&"nodes-proxy"));
        assert!(!security_findings_for_rule(&r, false).contains(&"nodes-proxy"));
    }

    #[test]
    fn named_grants_are_reported_as_named() {
        let r = rule(&["get"], &[""], &["secrets"], &["tls"]);
        let probes = [ns("get", "", "secrets", "")];
        assert_eq!(grant(&r, &probes, true), Grant::Named);
    }
}
