//! RBAC: rule matching, aggregation, the subject → binding → role graph and the authorizer.

pub mod aggregate_error;
pub mod aggregation;
pub mod authorizer;
pub mod graph;
pub mod matching;
pub mod naive;
pub mod selector;

use crate::model::{BindingKind, BindingObject, Subject};
use crate::request::Attributes;

/// The user name of a service account.
pub fn service_account_user(namespace: &str, name: &str) -> String {
    format!("system:serviceaccount:{namespace}:{name}")
}

/// `appliesToUser` for one subject: `namespace` is the binding's namespace (empty for a
/// ClusterRoleBinding), used when a ServiceAccount subject states none.
pub fn subject_applies(subject: &Subject, user: &str, groups: &[String], namespace: &str) -> bool {
    match subject.kind.as_str() {
        "User" => subject.name == user,
        "Group" => groups.iter().any(|g| *g == subject.name),
        "ServiceAccount" => {
            let ns = if subject.namespace.is_empty() {
                namespace
            } else {
                subject.namespace.as_str()
            };
            !ns.is_empty() && is_service_account_user(user, ns, &subject.name)
        }
        _ => false,
    }
}

/// `user == "system:serviceaccount:<ns>:<name>"` without allocating.
fn is_service_account_user(user: &str, ns: &str, name: &str) -> bool {
    user.strip_prefix("system:serviceaccount:")
        .and_then(|rest| rest.strip_prefix(ns))
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|rest| rest == name)
}

/// The first subject of `binding` that applies, as upstream describes the grant.
pub fn first_applying_subject<'b>(
    binding: &'b BindingObject,
    a: &Attributes,
) -> Option<&'b Subject> {
    let ns = binding.scope_namespace();
    binding
        .subjects
        .iter()
        .find(|s| subject_applies(s, &a.user, &a.groups, ns))
}

/// `RBAC: allowed by ...`'s describer for `binding` granting through `subject`.
pub fn describe_grant(binding: &BindingObject, subject: &Subject) -> String {
    let subject_text = match subject.kind.as_str() {
        "ServiceAccount" => {
            let ns = if subject.namespace.is_empty() {
                &binding.meta.namespace
            } else {
                &subject.namespace
            };
            format!("ServiceAccount \"{}/{}\"", subject.name, ns)
        }
        kind => format!("{kind} \"{}\"", subject.name),
    };
    match binding.kind {
        BindingKind::ClusterRoleBinding => format!(
            "ClusterRoleBinding \"{}\" of ClusterRole \"{}\" to {}",
            binding.meta.name, binding.role_ref.name, subject_text
        ),
        BindingKind::RoleBinding => format!(
            "RoleBinding \"{}/{}\" of {} \"{}\" to {}",
            binding.meta.name,
            binding.meta.namespace,
            binding.role_ref.kind,
            binding.role_ref.name,
            subject_text
        ),
    }
}

/// The error a binding's unresolvable roleRef contributes.
pub fn role_ref_error(binding: &BindingObject) -> String {
    match binding.role_ref.kind.as_str() {
        "Role" => format!(
            "role.rbac.authorization.k8s.io \"{}\" not found",
            binding.role_ref.name
        ),
        "ClusterRole" => format!(
            "clusterrole.rbac.authorization.k8s.io \"{}\" not found",
            binding.role_ref.name
        ),
        other => format!("unsupported role reference kind: \"{other}\""),
    }
}
