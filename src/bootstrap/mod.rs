//! The built-in default RBAC policy: the roles and bindings a kube-apiserver creates at start.
//!
//! A real apiserver reconciles these objects into every cluster (post-start hook
//! `rbac/bootstrap-roles`), so an offline answer is only right if they are part of the policy.
//! The definitions follow upstream's `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/`
//! (`policy.go`, `controller_policy.go`, `namespace_policy.go`) role by role and rule by rule,
//! written with a small builder instead of embedded manifests so they stay reviewable against
//! upstream and cost no parsing: the whole policy is built on every `kauthz can-i`.
//!
//! The reference is upstream's golden testdata with default feature gates, as of the v1.37
//! development branch (July 2026): features that went GA there, such as ClusterTrustBundle,
//! are included. `tests/bootstrap.rs` proves equality object for object and rule for rule.

mod cluster;
mod controllers;
mod namespaced;

use std::collections::BTreeMap;

use crate::model::{
    AggregationRule, BindingKind, BindingObject, LabelSelector, Name, ObjectMeta, Origin,
    PolicyRule, RoleKind, RoleObject, RoleRef, Subject,
};

/// The built-in policy, in a deterministic order: roles sorted by (kind, namespace, name) and
/// bindings likewise, kinds in the order of [`RoleKind`] / [`BindingKind`] (namespaced first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltinPolicy {
    pub roles: Vec<RoleObject>,
    pub bindings: Vec<BindingObject>,
}

/// Build the default policy of a kube-apiserver with default feature gates.
///
/// Rules keep upstream's order inside each role; aggregated ClusterRoles (`admin`, `edit`,
/// `view`) come with empty rules and their `aggregation_rule`, to be filled by aggregation.
pub fn builtin_policy() -> BuiltinPolicy {
    let mut roles = cluster::cluster_roles();
    let mut bindings = cluster::cluster_role_bindings();

    let controllers = controllers::controller_policy();
    roles.extend(controllers.roles);
    bindings.extend(controllers.bindings);

    roles.extend(namespaced::namespace_roles());
    bindings.extend(namespaced::namespace_role_bindings());

    // Upstream returns these in definition order (and namespaced ones from a map); callers
    // need a stable order that does not depend on how the definitions are laid out.
    roles.sort_by(|a, b| {
        (a.kind, &a.meta.namespace, &a.meta.name).cmp(&(b.kind, &b.meta.namespace, &b.meta.name))
    });
    bindings.sort_by(|a, b| {
        (a.kind, &a.meta.namespace, &a.meta.name).cmp(&(b.kind, &b.meta.namespace, &b.meta.name))
    });
    BuiltinPolicy { roles, bindings }
}

// Verb sets shared by many rules, as upstream's `Read`, `Write`, `ReadWrite`, `ReadUpdate`.
const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];
const READ_WRITE: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];
const READ_UPDATE: &[&str] = &["get", "list", "watch", "update", "patch"];

// API groups. The core ("legacy") group is the empty string.
const LEGACY_GROUP: &str = "";
const ALL: &str = "*";
const ADMISSION_REGISTRATION_GROUP: &str = "admissionregistration.k8s.io";
const APIEXTENSIONS_GROUP: &str = "apiextensions.k8s.io";
const APPS_GROUP: &str = "apps";
const AUTHENTICATION_GROUP: &str = "authentication.k8s.io";
const AUTHORIZATION_GROUP: &str = "authorization.k8s.io";
const AUTOSCALING_GROUP: &str = "autoscaling";
const BATCH_GROUP: &str = "batch";
const CERTIFICATES_GROUP: &str = "certificates.k8s.io";
const COORDINATION_GROUP: &str = "coordination.k8s.io";
const CUSTOM_METRICS_GROUP: &str = "custom.metrics.k8s.io";
const DISCOVERY_GROUP: &str = "discovery.k8s.io";
const EVENTS_GROUP: &str = "events.k8s.io";
const EXTENSIONS_GROUP: &str = "extensions";
const EXTERNAL_METRICS_GROUP: &str = "external.metrics.k8s.io";
const NETWORKING_GROUP: &str = "networking.k8s.io";
const NODE_GROUP: &str = "node.k8s.io";
const POLICY_GROUP: &str = "policy";
const RBAC_GROUP: &str = "rbac.authorization.k8s.io";
const RESOURCE_GROUP: &str = "resource.k8s.io";
const RESOURCE_METRICS_GROUP: &str = "metrics.k8s.io";
const STORAGE_GROUP: &str = "storage.k8s.io";
const STORAGE_MIGRATION_GROUP: &str = "storagemigration.k8s.io";

// Well-known identities (k8s.io/apiserver/pkg/authentication/user and serviceaccount).
const SYSTEM_PRIVILEGED_GROUP: &str = "system:masters";
const MONITORING_GROUP: &str = "system:monitoring";
const ALL_AUTHENTICATED: &str = "system:authenticated";
const ALL_UNAUTHENTICATED: &str = "system:unauthenticated";
const ALL_SERVICE_ACCOUNTS: &str = "system:serviceaccounts";
const KUBE_PROXY: &str = "system:kube-proxy";
const KUBE_CONTROLLER_MANAGER: &str = "system:kube-controller-manager";
const KUBE_SCHEDULER: &str = "system:kube-scheduler";

const NAMESPACE_SYSTEM: &str = "kube-system";
const NAMESPACE_PUBLIC: &str = "kube-public";

// Built-in certificate signers (k8s.io/api/certificates/v1beta1).
const LEGACY_UNKNOWN_SIGNER: &str = "kubernetes.io/legacy-unknown";
const KUBELET_SERVING_SIGNER: &str = "kubernetes.io/kubelet-serving";
const KUBE_APISERVER_CLIENT_SIGNER: &str = "kubernetes.io/kube-apiserver-client";
const KUBE_APISERVER_CLIENT_KUBELET_SIGNER: &str = "kubernetes.io/kube-apiserver-client-kubelet";
const KUBE_APISERVER_SERVING_SIGNER: &str = "kubernetes.io/kube-apiserver-serving";

// Metadata every bootstrap object carries; the autoupdate annotation is what lets the
// apiserver reconcile them back to these definitions at every start.
const BOOTSTRAPPING_LABEL: &str = "kubernetes.io/bootstrapping";
const BOOTSTRAPPING_VALUE: &str = "rbac-defaults";
const AUTOUPDATE_ANNOTATION: &str = "rbac.authorization.kubernetes.io/autoupdate";

const AGGREGATE_TO_ADMIN: &str = "rbac.authorization.k8s.io/aggregate-to-admin";
const AGGREGATE_TO_EDIT: &str = "rbac.authorization.k8s.io/aggregate-to-edit";
const AGGREGATE_TO_VIEW: &str = "rbac.authorization.k8s.io/aggregate-to-view";

/// A policy rule under construction, like upstream's `rbacv1helpers.NewRule(verbs...)`.
///
/// `build` sorts and de-duplicates every list, as upstream's builder does, so a definition
/// may list verbs and resources in whatever order reads best and still equal upstream.
/// The lists are borrowed, not collected: the policy is rebuilt on every run, and the
/// `String`s the model needs are the only allocations worth paying for.
#[derive(Clone, Copy, Debug, Default)]
struct Rule {
    verbs: &'static [&'static str],
    groups: &'static [&'static str],
    resources: &'static [&'static str],
    names: &'static [&'static str],
    urls: &'static [&'static str],
}

fn rule(verbs: &'static [&'static str]) -> Rule {
    Rule {
        verbs,
        ..Rule::default()
    }
}

impl Rule {
    fn groups(self, groups: &'static [&'static str]) -> Rule {
        Rule { groups, ..self }
    }

    fn resources(self, resources: &'static [&'static str]) -> Rule {
        Rule { resources, ..self }
    }

    fn names(self, names: &'static [&'static str]) -> Rule {
        Rule { names, ..self }
    }

    fn urls(self, urls: &'static [&'static str]) -> Rule {
        Rule { urls, ..self }
    }

    fn build(self) -> PolicyRule {
        PolicyRule {
            verbs: normalized(self.verbs),
            api_groups: normalized(self.groups),
            resources: normalized(self.resources),
            resource_names: normalized(self.names),
            non_resource_urls: normalized(self.urls),
        }
    }
}

fn normalized(values: &[&str]) -> Vec<Name> {
    let mut owned: Vec<Name> = values.iter().map(|v| Name::from(*v)).collect();
    if !values.is_sorted_by(|a, b| a < b) {
        owned.sort_unstable();
        owned.dedup();
    }
    owned
}

/// Upstream's `eventsRule()`: most components only ever emit events, in both event APIs.
fn events_rule() -> Rule {
    rule(&["create", "update", "patch"])
        .groups(&[LEGACY_GROUP, EVENTS_GROUP])
        .resources(&["events"])
}

fn bootstrap_meta(name: &str, namespace: &str) -> ObjectMeta {
    ObjectMeta {
        name: name.into(),
        namespace: namespace.into(),
        labels: BTreeMap::from([(
            BOOTSTRAPPING_LABEL.to_owned(),
            BOOTSTRAPPING_VALUE.to_owned(),
        )]),
        annotations: BTreeMap::from([(AUTOUPDATE_ANNOTATION.to_owned(), "true".to_owned())]),
        origin: Origin::BUILTIN,
    }
}

fn role_object(kind: RoleKind, name: &str, namespace: &str, rules: Vec<Rule>) -> RoleObject {
    let rules: Vec<PolicyRule> = rules.into_iter().map(Rule::build).collect();
    RoleObject {
        kind,
        meta: bootstrap_meta(name, namespace),
        rule_origins: vec![Origin::BUILTIN; rules.len()],
        rules,
        aggregation_rule: None,
    }
}

fn cluster_role(name: &str, rules: Vec<Rule>) -> RoleObject {
    role_object(RoleKind::ClusterRole, name, "", rules)
}

fn namespaced_role(namespace: &str, name: &str, rules: Vec<Rule>) -> RoleObject {
    role_object(RoleKind::Role, name, namespace, rules)
}

/// Label `role` so that the aggregated role selecting `aggregate_label` picks up its rules.
fn aggregated_into(mut role: RoleObject, aggregate_label: &str) -> RoleObject {
    role.meta
        .labels
        .insert(aggregate_label.to_owned(), "true".to_owned());
    role
}

/// A ClusterRole whose rules are the union of every ClusterRole labelled `aggregate_label`;
/// it has no rules of its own until aggregation runs.
fn aggregating_cluster_role(name: &str, aggregate_label: &str) -> RoleObject {
    let mut role = cluster_role(name, Vec::new());
    role.aggregation_rule = Some(AggregationRule {
        cluster_role_selectors: vec![LabelSelector {
            match_labels: BTreeMap::from([(aggregate_label.to_owned(), "true".to_owned())]),
            match_expressions: Vec::new(),
        }],
    });
    role
}

/// A binding under construction, like upstream's `NewClusterBinding` / `NewRoleBinding`:
/// named after the role it grants unless renamed, subjects in the order they are added.
#[derive(Clone, Debug)]
struct Binding {
    kind: BindingKind,
    name: String,
    namespace: String,
    role_ref: RoleRef,
    subjects: Vec<Subject>,
}

fn cluster_binding(cluster_role: &str) -> Binding {
    Binding {
        kind: BindingKind::ClusterRoleBinding,
        name: cluster_role.to_owned(),
        namespace: String::new(),
        role_ref: RoleRef {
            api_group: RBAC_GROUP.into(),
            kind: RoleKind::ClusterRole.as_str().into(),
            name: cluster_role.into(),
        },
        subjects: Vec::new(),
    }
}

fn role_binding(namespace: &str, role: &str) -> Binding {
    Binding {
        kind: BindingKind::RoleBinding,
        name: role.to_owned(),
        namespace: namespace.to_owned(),
        role_ref: RoleRef {
            api_group: RBAC_GROUP.into(),
            kind: RoleKind::Role.as_str().into(),
            name: role.into(),
        },
        subjects: Vec::new(),
    }
}

impl Binding {
    fn named(mut self, name: &str) -> Binding {
        name.clone_into(&mut self.name);
        self
    }

    fn groups(self, groups: &[&str]) -> Binding {
        self.rbac_subjects("Group", groups)
    }

    fn users(self, users: &[&str]) -> Binding {
        self.rbac_subjects("User", users)
    }

    // User and Group subjects live in the RBAC API group; ServiceAccount subjects are core
    // objects and carry no apiGroup (upstream leaves it empty).
    fn rbac_subjects(mut self, kind: &str, names: &[&str]) -> Binding {
        self.subjects.extend(names.iter().map(|name| Subject {
            kind: kind.into(),
            api_group: RBAC_GROUP.into(),
            name: (*name).into(),
            namespace: Name::default(),
        }));
        self
    }

    fn service_accounts(mut self, namespace: &str, names: &[&str]) -> Binding {
        self.subjects.extend(names.iter().map(|name| Subject {
            kind: "ServiceAccount".into(),
            api_group: Name::default(),
            name: (*name).into(),
            namespace: namespace.into(),
        }));
        self
    }

    fn build(self) -> BindingObject {
        BindingObject {
            kind: self.kind,
            meta: bootstrap_meta(&self.name, &self.namespace),
            subject_origins: vec![Origin::BUILTIN; self.subjects.len()],
            subjects: self.subjects,
            role_ref: self.role_ref,
            role_ref_origin: Origin::BUILTIN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_sorts_and_deduplicates_like_upstream() {
        let built = rule(&["watch", "get", "list", "get"])
            .groups(&[APPS_GROUP, LEGACY_GROUP, APPS_GROUP])
            .resources(&["pods", "deployments"])
            .build();
        assert_eq!(built.verbs, ["get", "list", "watch"]);
        assert_eq!(built.api_groups, ["", "apps"]);
        assert_eq!(built.resources, ["deployments", "pods"]);
    }

    // Upstream's RuleOrDie rejects these shapes at start-up; here a malformed definition
    // would only surface as a wrong answer, so check the whole policy once.
    #[test]
    fn every_rule_is_well_formed() {
        for role in builtin_policy().roles {
            for (index, rule) in role.rules.iter().enumerate() {
                let at = format!("{} {} rule {index}", role.kind, role.meta.name);
                assert!(!rule.verbs.is_empty(), "{at}: no verbs");
                if rule.non_resource_urls.is_empty() {
                    assert!(!rule.api_groups.is_empty(), "{at}: no apiGroups");
                    assert!(!rule.resources.is_empty(), "{at}: no resources");
                } else {
                    assert_eq!(role.kind, RoleKind::ClusterRole, "{at}: URLs in a Role");
                    assert!(rule.api_groups.is_empty(), "{at}: URLs with apiGroups");
                    assert!(rule.resources.is_empty(), "{at}: URLs with resources");
                    assert!(rule.resource_names.is_empty(), "{at}: URLs with names");
                }
            }
            assert_eq!(role.rules.len(), role.rule_origins.len());
        }
    }

    #[test]
    fn objects_are_unique_sorted_and_builtin() {
        let policy = builtin_policy();
        let role_keys: Vec<_> = policy
            .roles
            .iter()
            .map(|r| (r.kind, r.meta.namespace.clone(), r.meta.name.clone()))
            .collect();
        let binding_keys: Vec<_> = policy
            .bindings
            .iter()
            .map(|b| (b.kind, b.meta.namespace.clone(), b.meta.name.clone()))
            .collect();
        // Strictly sorted: ordered and without duplicates.
        assert!(role_keys.is_sorted_by(|a, b| a < b));
        assert!(binding_keys.is_sorted_by(|a, b| a < b));
        assert!(
            policy.roles.iter().all(
                |r| r.meta.origin.is_builtin() && r.rule_origins.iter().all(Origin::is_builtin)
            )
        );
        assert!(policy.bindings.iter().all(|b| b.meta.origin.is_builtin()
            && b.role_ref_origin.is_builtin()
            && b.subject_origins.len() == b.subjects.len()
            && b.subject_origins.iter().all(Origin::is_builtin)));
    }

    // Every binding must grant a role that exists, or the default policy would be inert.
    #[test]
    fn every_binding_refers_to_a_builtin_role() {
        let policy = builtin_policy();
        for binding in &policy.bindings {
            let namespace = binding.scope_namespace();
            assert!(
                policy
                    .roles
                    .iter()
                    .any(|r| r.kind.as_str() == binding.role_ref.kind
                        && r.meta.namespace == namespace
                        && r.meta.name == binding.role_ref.name),
                "{} {}/{} refers to a missing role",
                binding.kind,
                binding.meta.namespace,
                binding.meta.name
            );
        }
    }
}
