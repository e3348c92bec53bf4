//! A direct transcription of upstream's linear visit, kept as the reference the indexed
//! authorizer is tested against. It scans every binding per request: never use it for work.

use crate::decision::Verdict;
use crate::model::BindingObject;
use crate::policy::PolicySet;
use crate::rbac::aggregate_error::aggregate_message;
use crate::rbac::matching::rule_allows;
use crate::rbac::{describe_grant, role_ref_error, subject_applies};
use crate::request::Attributes;

pub fn authorize(policy: &PolicySet, a: &Attributes) -> Verdict {
    let mut errors = Vec::new();
    let mut visit = |b: &BindingObject, ns: &str| -> Option<Verdict> {
        let subject = b
            .subjects
            .iter()
            .find(|s| subject_applies(s, &a.user, &a.groups, ns))?;
        let role = match b.role_ref.kind.as_str() {
            "ClusterRole" => policy.cluster_role(&b.role_ref.name),
            "Role" => policy.role(ns, &b.role_ref.name),
            _ => None,
        };
        let Some(role) = role else {
            errors.push(role_ref_error(b));
            return None;
        };
        role.rules
            .iter()
            .any(|r| rule_allows(r, a))
            .then(|| Verdict::allow(format!("RBAC: allowed by {}", describe_grant(b, subject))))
    };
    for b in &policy.cluster_role_bindings {
        if let Some(v) = visit(b, "") {
            return v;
        }
    }
    if !a.namespace.is_empty() {
        for b in policy
            .role_bindings
            .iter()
            .filter(|b| b.meta.namespace == a.namespace)
        {
            if let Some(v) = visit(b, &a.namespace) {
                return v;
            }
        }
    }
    if errors.is_empty() {
        Verdict::no_opinion("")
    } else {
        Verdict::no_opinion(format!("RBAC: {}", aggregate_message(&errors)))
    }
}
