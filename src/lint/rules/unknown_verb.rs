//! `unknown-verb`: a verb no request ever carries.

use std::collections::BTreeSet;

use crate::discovery::{Discovery, is_known_non_resource_verb, is_known_verb};
use crate::lint::rules::{closest, own_rules};
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo, describe};

/// Verbs that only RBAC and admission use (not in discovery): kubectl's list plus the
/// kubelet's and the API server's special verbs.
const SPECIAL_VERBS: &[&str] = &[
    "use",
    "bind",
    "escalate",
    "impersonate",
    "approve",
    "sign",
    "attest",
    "proxy",
    "nodes",
];

declare_rule! {
    /// ## What it finds
    /// A verb of a resource rule that is neither a verb some resource serves (discovery, with
    /// the loaded CRDs) nor one of the RBAC-only verbs (`use`, `bind`, `escalate`,
    /// `impersonate`, `approve`, `sign`, `attest`), and a verb of a non-resource rule that is
    /// not a lower-case HTTP verb (`get`, `post`, `put`, `patch`, `delete`, `head`, `options`).
    /// Verbs are compared exactly: `Get` is unknown.
    ///
    /// ## Why it matters
    /// The API server stores any string; a verb no request carries never matches, so the
    /// permission the author meant is not granted.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["pods"]
    ///   verbs: ["Get", "read"]
    /// ```
    ///
    /// ## Instead
    /// ```yaml
    ///   verbs: ["get", "list", "watch"]
    /// ```
    UnknownVerb {
        id: "unknown-verb",
        category: Correctness,
        level: Warning,
        summary: "a verb no request carries (did you mean ...)",
    }
}

/// Every verb a resource request can carry.
pub fn resource_verbs(d: &Discovery) -> BTreeSet<&str> {
    let mut set: BTreeSet<&str> = SPECIAL_VERBS.iter().copied().collect();
    for r in d.resources() {
        set.extend(r.verbs.iter().map(|s| s.as_str()));
        for (_, verbs) in &r.subresources {
            set.extend(verbs.iter().map(|s| s.as_str()));
        }
    }
    set.extend(crate::discovery::STANDARD_VERBS);
    set
}

impl Rule for UnknownVerb {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let known = resource_verbs(cx.discovery);
        let url_verbs = ["get", "put", "post", "head", "options", "delete", "patch"];
        for role in cx.user_roles() {
            for (_, rule, origin) in own_rules(role) {
                let urls = rule.resources.is_empty() && !rule.non_resource_urls.is_empty();
                for v in &rule.verbs {
                    let ok = if urls {
                        is_known_non_resource_verb(v)
                    } else {
                        v == "*" || is_known_verb(v) || known.contains(v.as_str())
                    };
                    if ok {
                        continue;
                    }
                    let suggestion = if urls {
                        closest(v, url_verbs.iter().copied())
                    } else {
                        closest(v, known.iter().copied())
                    };
                    let at = cx.item_origin(&origin, "verbs", v);
                    let what = if urls {
                        "a non-resource URL verb"
                    } else {
                        "a verb"
                    };
                    let mut f = Finding::new(
                        &Self::INFO,
                        at,
                        format!(
                            "{}: `{v}` is not {what} any request carries",
                            describe(role.kind.as_str(), &role.meta)
                        ),
                    )
                    .label("never matches");
                    f = match suggestion {
                        Some(s) => f.help(format!("did you mean `{s}`? verbs are lower-case and exact")),
                        None if urls => f.help("non-resource URLs take HTTP verbs: get, post, put, patch, delete, head, options"),
                        None => f.help("use verbs such as get, list, watch, create, update, patch, delete"),
                    };
                    out.push(Some(&role.meta), f);
                }
            }
        }
    }
}
