//! `abac-grants-everything`: a legacy ABAC line granting every request.

use crate::lint::{AbacInput, Context, Finding, Findings, Rule, RuleInfo};
use crate::model::Origin;

declare_rule! {
    /// ## What it finds
    /// An ABAC line that, after the API server's conversion, allows every verb on every
    /// resource, namespace, API group and non-resource path: typically a legacy (v0) line with
    /// only a `user` or `group` (`{"user": "admin"}`), since v0 fills in `*` for what is missing.
    ///
    /// ## Why it matters
    /// Its subject is a cluster administrator, whether or not that was meant. A v0 line with no
    /// subject at all applies to every authenticated user.
    ///
    /// ## Example
    /// ```json
    /// {"user": "legacy-ci"}
    /// ```
    ///
    /// ## Instead
    /// A v1beta1 line with the namespace and resource needed, or an RBAC binding.
    AbacGrantsEverything {
        id: "abac-grants-everything",
        category: Abac,
        level: Error,
        summary: "an ABAC line that allows everything (a legacy line with only a subject)",
    }
}

/// The origin of line `line` (1-based) of the ABAC file.
pub fn line_origin(abac: &AbacInput<'_>, line: u32) -> Origin {
    let mut offset = 0usize;
    for _ in 1..line {
        match abac.text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => break,
        }
    }
    let len = abac.text[offset..]
        .find('\n')
        .unwrap_or(abac.text.len() - offset);
    Origin {
        source: abac.source,
        offset: offset as u32,
        len: len as u32,
        line,
        column: 1,
    }
}

impl Rule for AbacGrantsEverything {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(abac) = &cx.abac else { return };
        for r in &abac.policy.rules {
            let all = !r.readonly
                && r.api_group == "*"
                && r.resource == "*"
                && r.namespace == "*"
                && r.non_resource_path == "*";
            if !all || (r.user.is_empty() && r.group.is_empty()) {
                continue;
            }
            let who = if !r.user.is_empty() {
                format!("user `{}`", r.user)
            } else {
                format!("group `{}`", r.group)
            };
            let f = Finding::new(
                &Self::INFO,
                line_origin(abac, r.line),
                format!("this policy line lets {who} do everything: every verb, resource, namespace and path"),
            )
            .label("grants everything")
            .help("name the namespace and resource (and `\"readonly\": true` where it fits), or move the grant to RBAC");
            out.push(None, f);
        }
    }
}
