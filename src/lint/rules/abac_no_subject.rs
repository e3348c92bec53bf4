//! `abac-no-subject`: a v1beta1 ABAC line that names nobody.

use crate::abac::AbacVersion;
use crate::lint::{Context, Finding, Findings, Rule, RuleInfo};

declare_rule! {
    /// ## What it finds
    /// A `v1beta1` ABAC policy line with neither `user` nor `group`.
    ///
    /// ## Why it matters
    /// Unlike a legacy (v0) line, which then applies to every authenticated user, a v1beta1
    /// line without a subject matches no request: whatever it grants, nobody gets.
    ///
    /// ## Example
    /// ```json
    /// {"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"namespace": "*", "resource": "pods", "readonly": true}}
    /// ```
    ///
    /// ## Instead
    /// Add `"user"` or `"group"` (`"group": "system:authenticated"` for every user).
    AbacNoSubject {
        id: "abac-no-subject",
        category: Abac,
        level: Warning,
        summary: "a v1beta1 ABAC line with no user or group (matches nobody)",
    }
}

impl Rule for AbacNoSubject {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let Some(abac) = &cx.abac else { return };
        for r in &abac.policy.rules {
            if r.version != AbacVersion::V1beta1 || !r.user.is_empty() || !r.group.is_empty() {
                continue;
            }
            let f = Finding::new(&Self::INFO, super::abac_grants_everything::line_origin(abac, r.line), "this policy line names no `user` or `group`: it matches no request")
                .label("matches nobody")
                .help("add `\"user\"` or `\"group\"` to `spec` (`\"group\": \"system:authenticated\"` for every user)");
            out.push(None, f);
        }
    }
}
