//! ClusterRole aggregation, settled as the clusterrole-aggregation controller leaves it.
//!
//! One sync of an aggregated role takes its selectors in order, lists the ClusterRoles each
//! selects (sorted by name, itself skipped) and appends their rules, keeping the first of
//! semantically equal rules. A non-empty result replaces the role's rules; an empty one leaves
//! them (the apply then carries no rules). The controller re-syncs on every ClusterRole change,
//! so we sync all aggregated roles in name order until nothing changes.

use std::collections::BTreeMap;

use crate::model::{Origin, PolicyRule, RoleObject};
use crate::rbac::selector::{SelectorError, selector_matches};

/// What happened while settling, for lint and explain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AggregationReport {
    /// Aggregated roles whose selectors select no other ClusterRole's rules.
    pub selects_nothing: Vec<String>,
    /// Aggregated roles whose hand-written rules the controller replaced.
    pub own_rules_overwritten: Vec<String>,
    /// Selector errors: the controller leaves such roles unchanged.
    pub selector_errors: Vec<(String, SelectorError)>,
    /// Aggregated roles that (transitively) select themselves.
    pub in_cycle: Vec<String>,
    /// True if the fixed point was not reached within the round limit.
    pub did_not_settle: bool,
}

const MAX_ROUNDS: usize = 64;

/// Settles aggregation over `cluster_roles` (keyed by name) in place.
pub fn settle(cluster_roles: &mut BTreeMap<String, RoleObject>) -> AggregationReport {
    let mut report = AggregationReport::default();
    let aggregated: Vec<String> = cluster_roles
        .iter()
        .filter(|(_, r)| r.aggregation_rule.is_some())
        .map(|(n, _)| n.clone())
        .collect();
    if aggregated.is_empty() {
        return report;
    }
    let original: BTreeMap<String, usize> = aggregated
        .iter()
        .map(|n| (n.clone(), cluster_roles[n].rules.len()))
        .collect();
    let mut ever_nonempty: BTreeMap<String, bool> = BTreeMap::new();
    let mut settled = false;
    for _ in 0..MAX_ROUNDS {
        let mut changed = false;
        for name in &aggregated {
            match sync_one(cluster_roles, name) {
                Ok(Some((rules, origins))) => {
                    ever_nonempty.insert(name.clone(), true);
                    if let Some(role) = cluster_roles.get_mut(name)
                        && role.rules != rules
                    {
                        role.rules = rules;
                        role.rule_origins = origins;
                        changed = true;
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    if !report.selector_errors.iter().any(|(n, _)| n == name) {
                        report.selector_errors.push((name.clone(), e));
                    }
                }
            }
        }
        if !changed {
            settled = true;
            break;
        }
    }
    report.did_not_settle = !settled;
    for name in &aggregated {
        let had_own = original.get(name).copied().unwrap_or(0) > 0;
        let replaced = ever_nonempty.get(name).copied().unwrap_or(false);
        if !replaced && !report.selector_errors.iter().any(|(n, _)| n == name) {
            report.selects_nothing.push(name.clone());
        }
        if had_own && replaced {
            report.own_rules_overwritten.push(name.clone());
        }
    }
    report.in_cycle = find_cycles(cluster_roles, &aggregated);
    report
}

type Synced = Option<(Vec<PolicyRule>, Vec<Origin>)>;

/// One controller sync of `name`: `Some(rules)` if the result is non-empty.
fn sync_one(
    cluster_roles: &BTreeMap<String, RoleObject>,
    name: &str,
) -> Result<Synced, SelectorError> {
    let Some(role) = cluster_roles.get(name) else {
        return Ok(None);
    };
    let Some(rule) = &role.aggregation_rule else {
        return Ok(None);
    };
    let mut rules: Vec<PolicyRule> = Vec::new();
    let mut origins: Vec<Origin> = Vec::new();
    for selector in &rule.cluster_role_selectors {
        // BTreeMap iteration is the name order the controller sorts by.
        for (other_name, other) in cluster_roles {
            if other_name == name || !selector_matches(selector, &other.meta.labels)? {
                continue;
            }
            for (i, r) in other.rules.iter().enumerate() {
                if !rules.iter().any(|have| have.semantically_equal(r)) {
                    rules.push(r.clone());
                    origins.push(other.rule_origins.get(i).copied().unwrap_or_default());
                }
            }
        }
    }
    Ok(if rules.is_empty() {
        None
    } else {
        Some((rules, origins))
    })
}

/// Aggregated roles that reach themselves through the selection relation.
fn find_cycles(cluster_roles: &BTreeMap<String, RoleObject>, aggregated: &[String]) -> Vec<String> {
    let selects = |name: &str| -> Vec<String> {
        let Some(rule) = cluster_roles
            .get(name)
            .and_then(|r| r.aggregation_rule.as_ref())
        else {
            return Vec::new();
        };
        cluster_roles
            .iter()
            .filter(|(n, other)| {
                n.as_str() != name
                    && other.aggregation_rule.is_some()
                    && rule
                        .cluster_role_selectors
                        .iter()
                        .any(|s| selector_matches(s, &other.meta.labels).unwrap_or(false))
            })
            .map(|(n, _)| n.clone())
            .collect()
    };
    let edges: BTreeMap<String, Vec<String>> =
        aggregated.iter().map(|n| (n.clone(), selects(n))).collect();
    let mut out = Vec::new();
    for start in aggregated {
        let mut stack: Vec<&String> = edges
            .get(start)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        let mut seen = std::collections::BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == start {
                out.push(start.clone());
                break;
            }
            if seen.insert(n.clone())
                && let Some(next) = edges.get(n)
            {
                stack.extend(next.iter());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AggregationRule, LabelSelector, Name, ObjectMeta, RoleKind};

    fn cr(
        name: &str,
        labels: &[(&str, &str)],
        rules: &[&str],
        agg: Option<&[(&str, &str)]>,
    ) -> RoleObject {
        let rules: Vec<PolicyRule> = rules
            .iter()
            .map(|r| PolicyRule {
                verbs: vec!["get".into()],
                api_groups: vec!["".into()],
                resources: vec![Name::from(*r)],
                ..PolicyRule::default()
            })
            .collect();
        RoleObject {
            kind: RoleKind::ClusterRole,
            meta: ObjectMeta {
                name: name.into(),
                labels: labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ..ObjectMeta::default()
            },
            rule_origins: vec![Origin::default(); rules.len()],
            rules,
            aggregation_rule: agg.map(|sel| AggregationRule {
                cluster_role_selectors: vec![LabelSelector {
                    match_labels: sel
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                    match_expressions: vec![],
                }],
            }),
        }
    }

    fn resources(role: &RoleObject) -> Vec<String> {
        role.rules.iter().map(|r| r.resources.join(",")).collect()
    }

    #[test]
    fn nested_aggregation_settles_to_fixed_point() {
        let mut roles: BTreeMap<String, RoleObject> = [
            cr("a-top", &[], &[], Some(&[("to", "top")])),
            cr("b-mid", &[("to", "top")], &[], Some(&[("to", "mid")])),
            cr("c-leaf", &[("to", "mid")], &["pods"], None),
            cr("d-leaf", &[("to", "top")], &["secrets", "pods"], None),
        ]
        .into_iter()
        .map(|r| (r.meta.name.to_string(), r))
        .collect();
        let report = settle(&mut roles);
        assert_eq!(resources(&roles["b-mid"]), vec!["pods"]);
        // b-mid comes before d-leaf by name; the duplicate `pods` rule is kept once.
        assert_eq!(resources(&roles["a-top"]), vec!["pods", "secrets"]);
        assert!(report.selects_nothing.is_empty());
        assert!(!report.did_not_settle);
    }

    #[test]
    fn hand_written_rules_are_replaced_unless_nothing_is_selected() {
        let mut roles: BTreeMap<String, RoleObject> = [
            cr("agg", &[], &["nodes"], Some(&[("x", "y")])),
            cr("lonely", &[], &["nodes"], Some(&[("nobody", "here")])),
            cr("src", &[("x", "y")], &["pods"], None),
        ]
        .into_iter()
        .map(|r| (r.meta.name.to_string(), r))
        .collect();
        let report = settle(&mut roles);
        assert_eq!(resources(&roles["agg"]), vec!["pods"]);
        assert_eq!(resources(&roles["lonely"]), vec!["nodes"]);
        assert_eq!(report.own_rules_overwritten, vec!["agg".to_string()]);
        assert_eq!(report.selects_nothing, vec!["lonely".to_string()]);
    }

    #[test]
    fn cycles_are_reported() {
        let mut roles: BTreeMap<String, RoleObject> = [
            cr("a", &[("g", "b")], &["pods"], Some(&[("g", "a")])),
            cr("b", &[("g", "a")], &["nodes"], Some(&[("g", "b")])),
        ]
        .into_iter()
        .map(|r| (r.meta.name.to_string(), r))
        .collect();
        let report = settle(&mut roles);
        assert_eq!(report.in_cycle, vec!["a".to_string(), "b".to_string()]);
    }
}
