//! Rule matching exactly as `pkg/apis/rbac/v1/evaluation_helpers.go` does it.

use crate::model::PolicyRule;
use crate::request::Attributes;

pub const VERB_ALL: &str = "*";
pub const API_GROUP_ALL: &str = "*";
pub const RESOURCE_ALL: &str = "*";
pub const NON_RESOURCE_ALL: &str = "*";

/// The verb is listed, or the rule lists `*`. Exact and case-sensitive.
pub fn verb_matches(rule: &PolicyRule, verb: &str) -> bool {
    rule.verbs.iter().any(|v| v == VERB_ALL || v == verb)
}

/// The group is listed, or the rule lists `*`; `""` is only the core group.
pub fn api_group_matches(rule: &PolicyRule, group: &str) -> bool {
    rule.api_groups
        .iter()
        .any(|g| g == API_GROUP_ALL || g == group)
}

/// No resourceNames means every name; otherwise the request's name must be listed, so a
/// request without a name (list, create, deletecollection) never matches a named rule.
pub fn resource_name_matches(rule: &PolicyRule, name: &str) -> bool {
    rule.resource_names.is_empty() || rule.resource_names.iter().any(|n| n == name)
}

/// `*`, the exact path, or a pattern ending in `*` whose prefix (all trailing `*` trimmed)
/// starts the path.
pub fn non_resource_url_matches(rule: &PolicyRule, path: &str) -> bool {
    rule.non_resource_urls
        .iter()
        .any(|u| url_pattern_matches(u, path))
}

pub fn url_pattern_matches(pattern: &str, path: &str) -> bool {
    if pattern == NON_RESOURCE_ALL || pattern == path {
        return true;
    }
    pattern.ends_with('*') && path.starts_with(pattern.trim_end_matches('*'))
}

/// `*`, the exact `resource[/subresource]` string, or `*/<subresource>`; the request's
/// resource and subresource are given apart, so the combined string is never built (rule
/// matching runs several times per request).
///
/// Upstream compares `*/sub` by length and suffix, which is equality of the subresource:
/// `pods/*` is therefore a literal and `*/scale` never matches the parent resource.
pub fn resource_matches(rule: &PolicyRule, resource: &str, subresource: &str) -> bool {
    if subresource.is_empty() {
        return rule
            .resources
            .iter()
            .any(|r| r == RESOURCE_ALL || r == resource);
    }
    rule.resources.iter().any(|r| {
        let r = r.as_str();
        if r == RESOURCE_ALL {
            return true;
        }
        // `r == format!("{resource}/{subresource}")`, or `*/<subresource>`.
        let combined = r.len() == resource.len() + 1 + subresource.len()
            && r.starts_with(resource)
            && r.as_bytes()[resource.len()] == b'/'
            && r.ends_with(subresource);
        combined
            || r.len() == subresource.len() + 2 && r.starts_with("*/") && r.ends_with(subresource)
    })
}

/// `RuleAllows`: resource rules never match non-resource requests and vice versa.
pub fn rule_allows(rule: &PolicyRule, a: &Attributes) -> bool {
    if a.resource_request {
        verb_matches(rule, &a.verb)
            && api_group_matches(rule, &a.api_group)
            && resource_matches(rule, &a.resource, &a.subresource)
            && resource_name_matches(rule, &a.name)
    } else {
        verb_matches(rule, &a.verb) && non_resource_url_matches(rule, &a.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Name;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> PolicyRule {
        PolicyRule::resource(verbs, groups, resources, names)
    }

    fn url_rule(verbs: &[&str], urls: &[&str]) -> PolicyRule {
        PolicyRule {
            verbs: verbs.iter().map(|s| Name::from(*s)).collect(),
            non_resource_urls: urls.iter().map(|s| Name::from(*s)).collect(),
            ..PolicyRule::default()
        }
    }

    fn req(verb: &str, group: &str, resource: &str, sub: &str, name: &str) -> Attributes {
        Attributes {
            user: "u".into(),
            verb: verb.into(),
            resource_request: true,
            api_group: group.into(),
            resource: resource.into(),
            subresource: sub.into(),
            namespace: "ns".into(),
            name: name.into(),
            ..Attributes::default()
        }
    }

    fn path(verb: &str, p: &str) -> Attributes {
        Attributes {
            user: "u".into(),
            verb: verb.into(),
            path: p.into(),
            ..Attributes::default()
        }
    }

    #[test]
    fn star_slash_subresource_matches_only_that_subresource() {
        let r = rule(&["get"], &["apps"], &["*/scale"], &[]);
        assert!(rule_allows(
            &r,
            &req("get", "apps", "deployments", "scale", "")
        ));
        assert!(rule_allows(
            &r,
            &req("get", "apps", "replicasets", "scale", "")
        ));
        assert!(!rule_allows(&r, &req("get", "apps", "deployments", "", "")));
        assert!(!rule_allows(
            &r,
            &req("get", "apps", "deployments", "status", "")
        ));
        assert!(!rule_allows(
            &r,
            &req("get", "apps", "deployments", "xscale", "")
        ));
    }

    #[test]
    fn resource_slash_star_is_a_literal() {
        let r = rule(&["get"], &[""], &["pods/*"], &[]);
        assert!(!rule_allows(&r, &req("get", "", "pods", "log", "")));
        assert!(rule_allows(&r, &req("get", "", "pods", "*", "")));
    }

    #[test]
    fn parent_resource_does_not_cover_subresources_but_star_does() {
        let parent = rule(&["get"], &[""], &["pods"], &[]);
        assert!(!rule_allows(&parent, &req("get", "", "pods", "log", "")));
        let star = rule(&["get"], &[""], &["*"], &[]);
        assert!(rule_allows(&star, &req("get", "", "pods", "log", "")));
    }

    #[test]
    fn resource_names_need_a_name() {
        let r = rule(&["get", "list"], &[""], &["configmaps"], &["a"]);
        assert!(rule_allows(&r, &req("get", "", "configmaps", "", "a")));
        assert!(!rule_allows(&r, &req("get", "", "configmaps", "", "b")));
        assert!(!rule_allows(&r, &req("list", "", "configmaps", "", "")));
    }

    #[test]
    fn verbs_and_groups_are_exact_or_star() {
        let r = rule(&["Get"], &["apps"], &["deployments"], &[]);
        assert!(!rule_allows(&r, &req("get", "apps", "deployments", "", "")));
        let r = rule(&["*"], &["*"], &["deployments"], &[]);
        assert!(rule_allows(
            &r,
            &req("delete", "extensions", "deployments", "", "")
        ));
        let r = rule(&["get"], &[""], &["deployments"], &[]);
        assert!(!rule_allows(&r, &req("get", "apps", "deployments", "", "")));
    }

    #[test]
    fn non_resource_urls_match_exactly_or_by_trailing_star_prefix() {
        let r = url_rule(&["get"], &["/healthz/*"]);
        assert!(rule_allows(&r, &path("get", "/healthz/etcd")));
        assert!(!rule_allows(&r, &path("get", "/healthz")));
        let r = url_rule(&["get"], &["/healthz*"]);
        assert!(rule_allows(&r, &path("get", "/healthzfoo")));
        assert!(rule_allows(&r, &path("get", "/healthz")));
        let r = url_rule(&["get"], &["/api**"]);
        assert!(rule_allows(&r, &path("get", "/api")));
        let r = url_rule(&["*"], &["*"]);
        assert!(rule_allows(&r, &path("post", "/anything")));
    }

    #[test]
    fn resource_rules_never_match_urls_and_vice_versa() {
        let r = rule(&["*"], &["*"], &["*"], &[]);
        assert!(!rule_allows(&r, &path("get", "/healthz")));
        let u = url_rule(&["*"], &["*"]);
        assert!(!rule_allows(&u, &req("get", "", "pods", "", "")));
    }

    /// Upstream's `ResourceMatches`, over the combined `resource/subresource` string: the
    /// reference for the two-part matcher.
    fn upstream_resource_matches(rule: &PolicyRule, combined: &str, subresource: &str) -> bool {
        rule.resources.iter().any(|r| {
            if r == RESOURCE_ALL || r == combined {
                return true;
            }
            !subresource.is_empty()
                && r.len() == subresource.len() + 2
                && r.starts_with("*/")
                && r.ends_with(subresource)
        })
    }

    /// The two-part matcher is upstream's combined-string matcher, on names where a prefix,
    /// a suffix or a one-letter resource could fool a length check.
    #[test]
    fn resource_matches_equals_upstream_combined() {
        let names = [
            "*", "pods", "pods/log", "pods/*", "*/log", "*/scale", "x/log", "x", "*/x", "p/log",
            "pod/slog", "pods/lo", "ods/log", "*/", "/log", "pods/", "pxlog", "podsxlog",
        ];
        for r in names {
            let rule = rule(&["get"], &[""], &[r], &[]);
            for resource in ["pods", "x", "p", "pod", "*", ""] {
                for sub in ["", "log", "slog", "scale", "x", "*"] {
                    let combined = if sub.is_empty() {
                        resource.to_string()
                    } else {
                        format!("{resource}/{sub}")
                    };
                    assert_eq!(
                        resource_matches(&rule, resource, sub),
                        upstream_resource_matches(&rule, &combined, sub),
                        "rule {r:?}, request {resource:?} {sub:?}"
                    );
                }
            }
        }
    }
}
