//! `shadowed-rule`: a rule another rule of the same role already covers.

use crate::lint::rules::own_rules;
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};
use crate::model::{Name, PolicyRule};

declare_rule! {
    /// ## What it finds
    /// A rule every request of which another rule of the same role already allows: its verbs,
    /// groups, resources (taking `*` and `*/sub` as RBAC does), names and URLs are all covered.
    /// Of two identical rules the later one is reported.
    ///
    /// ## Why it matters
    /// Removing or narrowing the covered rule changes nothing, which surprises whoever edits it
    /// later; often the covering rule is broader than intended.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["*"]
    ///   verbs: ["get", "list"]
    /// - apiGroups: [""]
    ///   resources: ["pods"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Instead
    /// Drop the covered rule, or narrow the covering one.
    ShadowedRule {
        id: "shadowed-rule",
        category: Correctness,
        level: Warning,
        summary: "a rule another rule of the same role already covers",
    }
}

fn all_or_subset(big: &[Name], small: &[Name]) -> bool {
    big.iter().any(|x| x == "*") || small.iter().all(|s| big.contains(s))
}

fn resource_covered(big: &[Name], r: &str) -> bool {
    big.iter().any(|b| {
        b == "*" || b == r || {
            // `*/sub` covers `x/sub` (but not the literal `*/sub` of another subresource).
            match (b.strip_prefix("*/"), r.split_once('/')) {
                (Some(bs), Some((_, rs))) => bs == rs,
                _ => false,
            }
        }
    })
}

/// Whether every request `small` allows, `big` allows too.
pub fn covers(big: &PolicyRule, small: &PolicyRule) -> bool {
    if small.verbs.is_empty() || !all_or_subset(&big.verbs, &small.verbs) {
        return false;
    }
    if !small.resources.is_empty() {
        if small.api_groups.is_empty() || !all_or_subset(&big.api_groups, &small.api_groups) {
            return false;
        }
        if !small
            .resources
            .iter()
            .all(|r| resource_covered(&big.resources, r))
        {
            return false;
        }
        let names_ok = big.resource_names.is_empty()
            || (!small.resource_names.is_empty()
                && small
                    .resource_names
                    .iter()
                    .all(|n| big.resource_names.contains(n)));
        if !names_ok {
            return false;
        }
    }
    if small.resources.is_empty() && small.non_resource_urls.is_empty() {
        // Matches nothing: `empty-rule` reports it.
        return false;
    }
    small.non_resource_urls.iter().all(|u| {
        big.non_resource_urls.iter().any(|b| {
            b == "*"
                || b == u
                || (b.ends_with('*')
                    && u.trim_end_matches('*').starts_with(b.trim_end_matches('*')))
        })
    })
}

impl Rule for ShadowedRule {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in cx.user_roles() {
            let rules: Vec<_> = own_rules(role).collect();
            if rules.len() < 2 {
                continue;
            }
            for &(j, small, at) in &rules {
                let by = rules.iter().find(|&&(i, big, _)| {
                    i != j && covers(big, small) && (!covers(small, big) || i < j)
                });
                let Some(&(i, _, big_at)) = by else { continue };
                let f = Finding::new(
                    &Self::INFO,
                    at,
                    format!(
                        "{}: rule {} is already covered by rule {}",
                        describe(role.kind.as_str(), &role.meta),
                        j + 1,
                        i + 1
                    ),
                )
                .label("every request this rule allows...")
                .related(big_at, "...this rule already allows")
                .help("remove the covered rule, or narrow the covering one");
                out.push(Some(&role.meta), f);
            }
        }
    }
}
