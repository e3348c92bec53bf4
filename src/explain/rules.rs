//! `kubectl auth can-i --list`: the SelfSubjectRulesReview the server answers (the union of
//! each authorizer's `RulesFor`, pkg/registry/authorization/selfsubjectrulesreview) and the
//! table kubectl prints from it (kubectl `cmd/auth/cani.go` printStatus, `util/rbac`
//! BreakdownRule and CompactRules, rules sorted by their Go `String()`), each rule optionally
//! carrying the binding and role it comes from.

use serde::Serialize;

use crate::chain::Mode;
use crate::engine::Workspace;
use crate::model::{BindingKind, Name, PolicyRule};
use crate::rbac::aggregate_error::aggregate_message;
use crate::request::Attributes;

use super::{ObjectRef, RuleText, binding_object, role_ref};

/// Where a rule of the review comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleSource {
    /// `RBAC`, `ABAC` or `AlwaysAllow`.
    pub authorizer: String,
    pub binding: Option<ObjectRef>,
    pub role: Option<ObjectRef>,
    /// `path:line` of an ABAC line.
    pub abac_line: String,
    /// Granted in every namespace (a ClusterRoleBinding, an ABAC line for `*`, AlwaysAllow),
    /// rather than in this namespace only.
    pub cluster_wide: bool,
}

impl RuleSource {
    /// `cluster-wide` or `this namespace`.
    pub fn scope(&self) -> &'static str {
        if self.cluster_wide {
            "cluster-wide"
        } else {
            "this namespace"
        }
    }

    /// `RoleBinding ns/name`, `ABAC path:line`, `AlwaysAllow`.
    pub fn binding_text(&self) -> String {
        match (&self.binding, self.authorizer.as_str()) {
            (Some(b), _) => b.display(),
            (None, "ABAC") => format!("ABAC {}", self.abac_line),
            (None, other) => other.to_string(),
        }
    }

    pub fn role_text(&self) -> String {
        self.role.as_ref().map(|r| r.display()).unwrap_or_default()
    }
}

/// One rule of the review with its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourcedRule {
    pub rule: PolicyRule,
    pub source: RuleSource,
}

/// `SubjectRulesReviewStatus`, rules in the order the authorizers return them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesReview {
    pub namespace: String,
    pub resource_rules: Vec<SourcedRule>,
    pub non_resource_rules: Vec<SourcedRule>,
    pub incomplete: bool,
    pub evaluation_error: String,
}

/// Upstream's union `RulesFor` for the user and groups of `a` in `a.namespace`: each mode
/// in order (`system:masters` has no rule resolver, so it adds nothing; RBAC reports missing
/// roles as its error, not as incompleteness).
pub fn rules_review(ws: &Workspace, a: &Attributes) -> RulesReview {
    let mut review = RulesReview {
        namespace: a.namespace.clone(),
        resource_rules: Vec::new(),
        non_resource_rules: Vec::new(),
        incomplete: false,
        evaluation_error: String::new(),
    };
    for mode in ws.chain.modes() {
        match mode {
            Mode::AlwaysAllow => {
                let source = RuleSource {
                    authorizer: "AlwaysAllow".into(),
                    binding: None,
                    role: None,
                    abac_line: String::new(),
                    cluster_wide: true,
                };
                let star = vec![Name::from("*")];
                review.resource_rules.push(SourcedRule {
                    rule: PolicyRule {
                        verbs: star.clone(),
                        api_groups: star.clone(),
                        resources: star.clone(),
                        ..PolicyRule::default()
                    },
                    source: source.clone(),
                });
                review.non_resource_rules.push(SourcedRule {
                    rule: PolicyRule {
                        verbs: star.clone(),
                        non_resource_urls: star,
                        ..PolicyRule::default()
                    },
                    source,
                });
            }
            Mode::Abac => {
                let Some(p) = ws.chain.abac() else { continue };
                for r in &p.rules {
                    if !r.subject_matches(a) || !(r.namespace == "*" || r.namespace == a.namespace)
                    {
                        continue;
                    }
                    let verbs: Vec<Name> = if r.readonly {
                        vec!["get".into(), "list".into(), "watch".into()]
                    } else {
                        vec!["*".into()]
                    };
                    let source = RuleSource {
                        authorizer: "ABAC".into(),
                        binding: None,
                        role: None,
                        abac_line: format!("{}:{}", p.path, r.line),
                        cluster_wide: r.namespace == "*",
                    };
                    if !r.resource.is_empty() {
                        review.resource_rules.push(SourcedRule {
                            rule: PolicyRule {
                                verbs: verbs.clone(),
                                api_groups: vec![r.api_group.clone().into()],
                                resources: vec![r.resource.clone().into()],
                                ..PolicyRule::default()
                            },
                            source: source.clone(),
                        });
                    }
                    if !r.non_resource_path.is_empty() {
                        review.non_resource_rules.push(SourcedRule {
                            rule: PolicyRule {
                                verbs,
                                non_resource_urls: vec![r.non_resource_path.clone().into()],
                                ..PolicyRule::default()
                            },
                            source,
                        });
                    }
                }
            }
            Mode::Rbac => {
                let rbac = ws.chain.rbac();
                let (rules, errors) = rbac.rules_for(a);
                for applied in rules {
                    let b = rbac.binding(applied.binding_kind, applied.binding);
                    let source = RuleSource {
                        authorizer: "RBAC".into(),
                        binding: Some(binding_object(ws, b)),
                        role: Some(role_ref(ws, rbac, b, applied.role)),
                        abac_line: String::new(),
                        cluster_wide: applied.binding_kind == BindingKind::ClusterRoleBinding,
                    };
                    let r = applied.rule;
                    if !r.resources.is_empty() {
                        review.resource_rules.push(SourcedRule {
                            rule: PolicyRule {
                                non_resource_urls: Vec::new(),
                                ..r.clone()
                            },
                            source: source.clone(),
                        });
                    }
                    if !r.non_resource_urls.is_empty() {
                        review.non_resource_rules.push(SourcedRule {
                            rule: PolicyRule {
                                verbs: r.verbs.clone(),
                                non_resource_urls: r.non_resource_urls.clone(),
                                ..PolicyRule::default()
                            },
                            source,
                        });
                    }
                }
                if !errors.is_empty() {
                    review.evaluation_error = aggregate_message(&errors);
                }
            }
            Mode::AlwaysDeny | Mode::Node | Mode::Webhook => {}
        }
    }
    review
}

/// kubectl's `BreakdownRule`: one rule per (group, resource, verb[, name]) and per (URL, verb).
pub fn breakdown(rule: &PolicyRule) -> Vec<PolicyRule> {
    let mut out = Vec::new();
    for group in &rule.api_groups {
        for resource in &rule.resources {
            for verb in &rule.verbs {
                let one = |names: Vec<Name>| PolicyRule {
                    verbs: vec![verb.clone()],
                    api_groups: vec![group.clone()],
                    resources: vec![resource.clone()],
                    resource_names: names,
                    non_resource_urls: Vec::new(),
                };
                if rule.resource_names.is_empty() {
                    out.push(one(Vec::new()));
                } else {
                    for name in &rule.resource_names {
                        out.push(one(vec![name.clone()]));
                    }
                }
            }
        }
    }
    for url in &rule.non_resource_urls {
        for verb in &rule.verbs {
            out.push(PolicyRule {
                verbs: vec![verb.clone()],
                non_resource_urls: vec![url.clone()],
                ..PolicyRule::default()
            });
        }
    }
    out
}

/// kubectl's `CompactRules`: rules with one group, one resource, at most one name and no URLs
/// that differ only in verbs become one rule (verbs in order of first appearance); others are
/// kept as they are. `key` further separates rules (by source, for `--show-source`).
/// Non-simple rules come first, then the merged ones in order of first appearance (kubectl
/// uses a map there; the sort that follows makes the order irrelevant).
pub fn compact<K: PartialEq + Clone>(rules: Vec<(PolicyRule, K)>) -> Vec<(PolicyRule, K)> {
    let mut kept = Vec::new();
    let mut simple: Vec<(PolicyRule, K)> = Vec::new();
    let mut index: std::collections::HashMap<(Name, Name, Option<Name>), Vec<usize>> =
        std::collections::HashMap::new();
    for (rule, key) in rules {
        let is_simple = rule.resource_names.len() <= 1
            && rule.non_resource_urls.is_empty()
            && rule.api_groups.len() == 1
            && rule.resources.len() == 1;
        if !is_simple {
            kept.push((rule, key));
            continue;
        }
        let k = (
            rule.api_groups[0].clone(),
            rule.resources[0].clone(),
            rule.resource_names.first().cloned(),
        );
        let slots = index.entry(k).or_default();
        match slots.iter().find(|&&i| simple[i].1 == key) {
            Some(&i) => {
                for v in rule.verbs {
                    if !simple[i].0.verbs.contains(&v) {
                        simple[i].0.verbs.push(v);
                    }
                }
            }
            None => {
                slots.push(simple.len());
                simple.push((rule, key));
            }
        }
    }
    kept.extend(simple);
    kept
}

/// `fmt.Sprintf("%v", []string)`.
fn go_list(xs: &[Name]) -> String {
    format!("[{}]", xs.join(" "))
}

/// The generated `(*rbacv1.PolicyRule).String()` kubectl sorts by.
pub fn go_rule_string(r: &PolicyRule) -> String {
    format!(
        "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
        go_list(&r.verbs),
        go_list(&r.api_groups),
        go_list(&r.resources),
        go_list(&r.resource_names),
        go_list(&r.non_resource_urls)
    )
}

/// kubectl `describe.CombineResourceGroup`: `resource.group/subresource` of the first entries.
pub fn combine_resource_group(resources: &[Name], groups: &[Name]) -> String {
    let Some(first) = resources.first() else {
        return String::new();
    };
    let (parent, sub) = match first.split_once('/') {
        Some((p, s)) => (p, Some(s)),
        None => (first.as_str(), None),
    };
    let mut out = parent.to_string();
    if let Some(g) = groups.first().filter(|g| !g.is_empty()) {
        out.push('.');
        out.push_str(g);
    }
    if let Some(s) = sub {
        out.push('/');
        out.push_str(s);
    }
    out
}

/// One line of the `--list` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListLine {
    pub resources: String,
    pub non_resource_urls: String,
    pub resource_names: String,
    pub verbs: String,
    pub rule: RuleText,
    /// Set with `--show-source`: lines are then compacted per source.
    pub source: Option<RuleSource>,
}

/// The lines kubectl prints for a review (resource rules, then URL rules, broken down,
/// compacted, sorted stably by the rule's Go string). With `with_source`, rules from
/// different sources are not merged, and each line names its source.
pub fn list_lines(review: &RulesReview, with_source: bool) -> Vec<ListLine> {
    let mut broken: Vec<(PolicyRule, Option<usize>)> = Vec::new();
    let all: Vec<&SourcedRule> = review
        .resource_rules
        .iter()
        .chain(&review.non_resource_rules)
        .collect();
    for (i, sr) in all.iter().enumerate() {
        let key = with_source.then_some(i);
        // Rules of one binding and role share a key, so they may merge with each other.
        let key = key.map(|i| {
            all.iter()
                .position(|o| o.source == all[i].source)
                .unwrap_or(i)
        });
        for r in breakdown(&sr.rule) {
            broken.push((r, key));
        }
    }
    let mut compacted: Vec<(String, PolicyRule, Option<usize>)> = compact(broken)
        .into_iter()
        .map(|(r, k)| (go_rule_string(&r), r, k))
        .collect();
    compacted.sort_by(|a, b| a.0.cmp(&b.0));
    compacted
        .into_iter()
        .map(|(_, r, k)| ListLine {
            resources: combine_resource_group(&r.resources, &r.api_groups),
            non_resource_urls: go_list(&r.non_resource_urls),
            resource_names: go_list(&r.resource_names),
            verbs: go_list(&r.verbs),
            source: k.and_then(|i| all.get(i)).map(|s| s.source.clone()),
            rule: (&r).into(),
        })
        .collect()
}

/// Go's `text/tabwriter` as kubectl configures it (min width 0, padding 3, spaces): every
/// cell but the last of a line is padded to its column's widest cell plus 3.
pub fn tabwrite(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
            widths[i] = widths[i].max(cell.chars().count() + 3);
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> PolicyRule {
        PolicyRule::resource(verbs, groups, resources, names)
    }

    #[test]
    fn breakdown_then_compaction_merges_verbs_per_resource_and_name() {
        let rules = [
            rule(&["get", "list"], &["", "apps"], &["pods"], &[]),
            rule(&["watch", "get"], &[""], &["pods"], &[]),
            rule(&["get"], &[""], &["configmaps"], &["a", "b"]),
        ];
        let broken: Vec<(PolicyRule, ())> =
            rules.iter().flat_map(breakdown).map(|r| (r, ())).collect();
        assert_eq!(broken.len(), 8);
        let c: Vec<PolicyRule> = compact(broken).into_iter().map(|(r, _)| r).collect();
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].verbs, vec!["get", "list", "watch"]);
        assert_eq!(c[0].api_groups, vec![""]);
        assert_eq!(c[2].resource_names, vec!["a"]);
    }

    #[test]
    fn go_string_and_combined_resource_group_match_kubectl() {
        let r = rule(&["get"], &["apps"], &["deployments/scale"], &[]);
        assert_eq!(
            go_rule_string(&r),
            "&PolicyRule{Verbs:[get],APIGroups:[apps],Resources:[deployments/scale],ResourceNames:[],NonResourceURLs:[],}"
        );
        assert_eq!(
            combine_resource_group(&r.resources, &r.api_groups),
            "deployments.apps/scale"
        );
        assert_eq!(
            combine_resource_group(&["pods".into()], &["".into()]),
            "pods"
        );
    }

    #[test]
    fn tabwriter_pads_all_but_the_last_column_by_three() {
        let t = tabwrite(&[
            vec!["a".into(), "bb".into(), "c".into()],
            vec!["aaaa".into(), "b".into(), "cc".into()],
        ]);
        assert_eq!(t, "a      bb   c\naaaa   b    cc\n");
    }
}
