//! Roles and bindings inside the reserved namespaces `kube-system` and `kube-public`:
//! upstream's `bootstrappolicy/namespace_policy.go`.

use super::*;

const BOOTSTRAP_SIGNER: &str = "system:controller:bootstrap-signer";
const CLOUD_PROVIDER: &str = "system:controller:cloud-provider";
const TOKEN_CLEANER: &str = "system:controller:token-cleaner";
const AUTHENTICATION_READER: &str = "extension-apiserver-authentication-reader";
const LEADER_LOCKING_CONTROLLER_MANAGER: &str = "system::leader-locking-kube-controller-manager";
const LEADER_LOCKING_SCHEDULER: &str = "system::leader-locking-kube-scheduler";

/// Leader election for the control-plane components, with leases and, for coordinated
/// leader election, lease candidates.
fn leader_locking_rules() -> Vec<Rule> {
    vec![
        rule(&["get", "watch", "list", "create", "update"])
            .groups(&[COORDINATION_GROUP])
            .resources(&["leases"]),
        rule(&["get", "watch", "list", "create", "update"])
            .groups(&[COORDINATION_GROUP])
            .resources(&["leasecandidates"]),
    ]
}

pub(super) fn namespace_roles() -> Vec<RoleObject> {
    vec![
        // Finding the authentication configuration that extension apiservers start from;
        // only this one ConfigMap is exposed.
        namespaced_role(
            NAMESPACE_SYSTEM,
            AUTHENTICATION_READER,
            vec![
                rule(READ)
                    .groups(&[LEGACY_GROUP])
                    .resources(&["configmaps"])
                    .names(&["extension-apiserver-authentication"]),
            ],
        ),
        // The bootstrap signer inspects bootstrap-token secrets, which live in kube-system.
        namespaced_role(
            NAMESPACE_SYSTEM,
            BOOTSTRAP_SIGNER,
            vec![rule(READ).groups(&[LEGACY_GROUP]).resources(&["secrets"])],
        ),
        // Cloud providers keep their configmaps in kube-system (deprecated since 1.10, kept
        // under the GA deprecation policy).
        namespaced_role(
            NAMESPACE_SYSTEM,
            CLOUD_PROVIDER,
            vec![
                rule(&["create", "get", "list", "watch"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["configmaps"]),
            ],
        ),
        // The token cleaner removes expired bootstrap tokens, but only in kube-system.
        namespaced_role(
            NAMESPACE_SYSTEM,
            TOKEN_CLEANER,
            vec![
                rule(&["get", "list", "watch", "delete"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["secrets"]),
                events_rule(),
            ],
        ),
        namespaced_role(
            NAMESPACE_SYSTEM,
            LEADER_LOCKING_CONTROLLER_MANAGER,
            leader_locking_rules(),
        ),
        namespaced_role(
            NAMESPACE_SYSTEM,
            LEADER_LOCKING_SCHEDULER,
            leader_locking_rules(),
        ),
        // The bootstrap signer signs the cluster-info ConfigMap that joining nodes read.
        namespaced_role(
            NAMESPACE_PUBLIC,
            BOOTSTRAP_SIGNER,
            vec![
                rule(READ)
                    .groups(&[LEGACY_GROUP])
                    .resources(&["configmaps"]),
                rule(&["update"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["configmaps"])
                    .names(&["cluster-info"]),
                events_rule(),
            ],
        ),
    ]
}

pub(super) fn namespace_role_bindings() -> Vec<BindingObject> {
    vec![
        // The only bootstrap binding not named after its role.
        role_binding(NAMESPACE_SYSTEM, AUTHENTICATION_READER)
            .named("system::extension-apiserver-authentication-reader")
            .users(&[KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER]),
        role_binding(NAMESPACE_SYSTEM, LEADER_LOCKING_CONTROLLER_MANAGER)
            .users(&[KUBE_CONTROLLER_MANAGER])
            .service_accounts(
                NAMESPACE_SYSTEM,
                &["kube-controller-manager", "leader-election-controller"],
            ),
        role_binding(NAMESPACE_SYSTEM, LEADER_LOCKING_SCHEDULER)
            .users(&[KUBE_SCHEDULER])
            .service_accounts(NAMESPACE_SYSTEM, &["kube-scheduler"]),
        role_binding(NAMESPACE_SYSTEM, BOOTSTRAP_SIGNER)
            .service_accounts(NAMESPACE_SYSTEM, &["bootstrap-signer"]),
        role_binding(NAMESPACE_SYSTEM, CLOUD_PROVIDER)
            .service_accounts(NAMESPACE_SYSTEM, &["cloud-provider"]),
        role_binding(NAMESPACE_SYSTEM, TOKEN_CLEANER)
            .service_accounts(NAMESPACE_SYSTEM, &["token-cleaner"]),
        // The signer's service account lives in kube-system but works in kube-public.
        role_binding(NAMESPACE_PUBLIC, BOOTSTRAP_SIGNER)
            .service_accounts(NAMESPACE_SYSTEM, &["bootstrap-signer"]),
    ]
    .into_iter()
    .map(Binding::build)
    .collect()
}
