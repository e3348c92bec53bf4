//! Per-controller roles: upstream's `buildControllerRoles()` in
//! `bootstrappolicy/controller_policy.go`.
//!
//! With `--use-service-account-credentials`, kube-controller-manager runs each controller as
//! its own ServiceAccount `kube-system/<name>`, bound to ClusterRole `system:controller:<name>`.

use super::*;

const CONTROLLER_ROLE_PREFIX: &str = "system:controller:";

/// The ConfigMap in which the apiserver records when legacy service account tokens were last
/// used; the cleaner only reads that one.
const LEGACY_TOKEN_TRACKING_CONFIGMAP: &str =
    "kube-apiserver-legacy-service-account-token-tracking";

pub(super) struct ControllerPolicy {
    pub(super) roles: Vec<RoleObject>,
    pub(super) bindings: Vec<BindingObject>,
}

impl ControllerPolicy {
    /// Upstream's `addControllerRole`: the role and its binding always come as a pair.
    fn add(&mut self, controller: &str, rules: Vec<Rule>) {
        let name = format!("{CONTROLLER_ROLE_PREFIX}{controller}");
        self.roles.push(cluster_role(&name, rules));
        self.bindings.push(
            cluster_binding(&name)
                .service_accounts(NAMESPACE_SYSTEM, &[controller])
                .build(),
        );
    }
}

pub(super) fn controller_policy() -> ControllerPolicy {
    let mut policy = ControllerPolicy {
        roles: Vec::with_capacity(40),
        bindings: Vec::with_capacity(40),
    };
    let mut add = |controller: &str, rules: Vec<Rule>| policy.add(controller, rules);

    add(
        "attachdetach-controller",
        vec![
            rule(&["list", "watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumes", "persistentvolumeclaims"]),
            rule(READ).groups(&[LEGACY_GROUP]).resources(&["nodes"]),
            rule(&["patch", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["nodes/status"]),
            rule(&["list", "watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            events_rule(),
            rule(&["get", "create", "delete", "list", "watch"])
                .groups(&[STORAGE_GROUP])
                .resources(&["volumeattachments"]),
            rule(READ)
                .groups(&[STORAGE_GROUP])
                .resources(&["csidrivers"]),
            rule(READ).groups(&[STORAGE_GROUP]).resources(&["csinodes"]),
        ],
    );
    add(
        "clusterrole-aggregation-controller",
        vec![
            // Full power over ClusterRoles (escalate included): it rewrites aggregated roles
            // to whatever their selected roles grant.
            rule(&["escalate", "get", "list", "watch", "update", "patch"])
                .groups(&[RBAC_GROUP])
                .resources(&["clusterroles"]),
        ],
    );
    add(
        "cronjob-controller",
        vec![
            rule(&["get", "list", "watch", "update"])
                .groups(&[BATCH_GROUP])
                .resources(&["cronjobs"]),
            rule(&[
                "get", "list", "watch", "create", "update", "delete", "patch",
            ])
            .groups(&[BATCH_GROUP])
            .resources(&["jobs"]),
            rule(&["update"])
                .groups(&[BATCH_GROUP])
                .resources(&["cronjobs/status"]),
            rule(&["update"])
                .groups(&[BATCH_GROUP])
                .resources(&["cronjobs/finalizers"]),
            rule(&["list", "watch", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            events_rule(),
        ],
    );
    add(
        "daemon-set-controller",
        vec![
            rule(READ)
                .groups(&[EXTENSIONS_GROUP, APPS_GROUP])
                .resources(&["daemonsets"]),
            rule(&["update"])
                .groups(&[EXTENSIONS_GROUP, APPS_GROUP])
                .resources(&["daemonsets/status"]),
            rule(&["update"])
                .groups(&[EXTENSIONS_GROUP, APPS_GROUP])
                .resources(&["daemonsets/finalizers"]),
            rule(&["list", "watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["nodes"]),
            rule(&["list", "watch", "create", "delete", "patch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            rule(&["create"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods/binding"]),
            rule(&[
                "get", "list", "watch", "create", "delete", "update", "patch",
            ])
            .groups(&[APPS_GROUP])
            .resources(&["controllerrevisions"]),
            events_rule(),
        ],
    );
    add(
        "deployment-controller",
        vec![
            rule(&["get", "list", "watch", "update"])
                .groups(&[EXTENSIONS_GROUP, APPS_GROUP])
                .resources(&["deployments"]),
            rule(&["update"])
                .groups(&[EXTENSIONS_GROUP, APPS_GROUP])
                .resources(&["deployments/status"]),
            rule(&["update"])
                .groups(&[EXTENSIONS_GROUP, APPS_GROUP])
                .resources(&["deployments/finalizers"]),
            rule(&[
                "get", "list", "watch", "create", "update", "patch", "delete",
            ])
            .groups(&[APPS_GROUP, EXTENSIONS_GROUP])
            .resources(&["replicasets"]),
            // Upstream keeps "update" until kubernetes/kubernetes#36897 is resolved.
            rule(&["get", "list", "watch", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            events_rule(),
        ],
    );
    add(
        "disruption-controller",
        vec![
            rule(READ)
                .groups(&[EXTENSIONS_GROUP, APPS_GROUP])
                .resources(&["deployments"]),
            rule(READ)
                .groups(&[APPS_GROUP, EXTENSIONS_GROUP])
                .resources(&["replicasets"]),
            rule(READ)
                .groups(&[LEGACY_GROUP])
                .resources(&["replicationcontrollers"]),
            rule(READ)
                .groups(&[POLICY_GROUP])
                .resources(&["poddisruptionbudgets"]),
            rule(READ)
                .groups(&[APPS_GROUP])
                .resources(&["statefulsets"]),
            rule(&["update"])
                .groups(&[POLICY_GROUP])
                .resources(&["poddisruptionbudgets/status"]),
            rule(&["patch", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods/status"]),
            // The scale of any workload, including custom resources.
            rule(&["get"]).groups(&[ALL]).resources(&["*/scale"]),
            events_rule(),
        ],
    );
    add(
        "endpoint-controller",
        vec![
            rule(READ)
                .groups(&[LEGACY_GROUP])
                .resources(&["services", "pods"]),
            rule(&["get", "list", "watch", "create", "update", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["endpoints"]),
            rule(&["create"])
                .groups(&[LEGACY_GROUP])
                .resources(&["endpoints/restricted"]),
            events_rule(),
        ],
    );
    add(
        "endpointslice-controller",
        vec![
            rule(READ)
                .groups(&[LEGACY_GROUP])
                .resources(&["services", "pods", "nodes"]),
            // Setting the service's finalizers is what allows an EndpointSlice owned by the
            // service with blockOwnerDeletion=true.
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["services/finalizers"]),
            rule(&["get", "list", "watch", "create", "update", "delete"])
                .groups(&[DISCOVERY_GROUP])
                .resources(&["endpointslices"]),
            events_rule(),
        ],
    );
    add(
        "endpointslicemirroring-controller",
        vec![
            rule(READ)
                .groups(&[LEGACY_GROUP])
                .resources(&["services", "endpoints"]),
            // Same reason as above, for slices owned by services or by Endpoints.
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["services/finalizers"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["endpoints/finalizers"]),
            rule(&["get", "list", "watch", "create", "update", "delete"])
                .groups(&[DISCOVERY_GROUP])
                .resources(&["endpointslices"]),
            events_rule(),
        ],
    );
    add(
        "expand-controller",
        vec![
            rule(READ_UPDATE)
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumes"]),
            rule(&["update", "patch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims/status"]),
            rule(READ)
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims"]),
            events_rule(),
        ],
    );
    add(
        "ephemeral-volume-controller",
        vec![
            rule(READ).groups(&[LEGACY_GROUP]).resources(&["pods"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods/finalizers"]),
            rule(&["get", "list", "watch", "create"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims"]),
            events_rule(),
        ],
    );
    // DynamicResourceAllocation (GA).
    add(
        "resource-claim-controller",
        vec![
            rule(READ).groups(&[LEGACY_GROUP]).resources(&["pods"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods/finalizers"]),
            rule(&["get", "list", "watch", "create", "delete"])
                .groups(&[RESOURCE_GROUP])
                .resources(&["resourceclaims"]),
            rule(&["update", "patch"])
                .groups(&[RESOURCE_GROUP])
                .resources(&["resourceclaims", "resourceclaims/status"]),
            rule(&["update", "patch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods/status"]),
            events_rule(),
            // DRAResourceClaimGranularStatusAuthorization.
            rule(&["update", "patch"])
                .groups(&[RESOURCE_GROUP])
                .resources(&["resourceclaims/binding"]),
        ],
    );
    // DRADeviceTaints.
    add(
        "device-taint-eviction-controller",
        vec![
            // Evicting means deleting pods.
            rule(&["get", "list", "watch", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            // Setting pod conditions.
            rule(&["update", "patch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods/status"]),
            // The rest is read-only.
            rule(READ)
                .groups(&[RESOURCE_GROUP])
                .resources(&["resourceclaims"]),
            rule(READ)
                .groups(&[RESOURCE_GROUP])
                .resources(&["resourceslices"]),
            rule(READ)
                .groups(&[RESOURCE_GROUP])
                .resources(&["deviceclasses"]),
            events_rule(),
            // DRADeviceTaintRules: setting rule conditions; the spec stays read-only.
            rule(&["update", "patch"])
                .groups(&[RESOURCE_GROUP])
                .resources(&["devicetaintrules/status"]),
            rule(READ)
                .groups(&[RESOURCE_GROUP])
                .resources(&["devicetaintrules"]),
        ],
    );
    add(
        "generic-garbage-collector",
        vec![
            // List/watch, selective gets and updates against any resource.
            rule(&["get", "list", "watch", "patch", "update", "delete"])
                .groups(&[ALL])
                .resources(&["*"]),
            events_rule(),
        ],
    );
    add(
        "horizontal-pod-autoscaler",
        vec![
            rule(READ)
                .groups(&[AUTOSCALING_GROUP])
                .resources(&["horizontalpodautoscalers"]),
            rule(&["update"])
                .groups(&[AUTOSCALING_GROUP])
                .resources(&["horizontalpodautoscalers/status"]),
            rule(&["get", "update"])
                .groups(&[ALL])
                .resources(&["*/scale"]),
            rule(&["list", "watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            // Resource, custom and external metrics.
            rule(&["list", "watch"])
                .groups(&[RESOURCE_METRICS_GROUP])
                .resources(&["pods"]),
            rule(READ).groups(&[CUSTOM_METRICS_GROUP]).resources(&["*"]),
            rule(READ)
                .groups(&[EXTERNAL_METRICS_GROUP])
                .resources(&["*"]),
            events_rule(),
        ],
    );
    add(
        "job-controller",
        vec![
            rule(READ_UPDATE)
                .groups(&[BATCH_GROUP])
                .resources(&["jobs"]),
            rule(&["update"])
                .groups(&[BATCH_GROUP])
                .resources(&["jobs/status"]),
            rule(&["update"])
                .groups(&[BATCH_GROUP])
                .resources(&["jobs/finalizers"]),
            rule(&["list", "watch", "create", "delete", "patch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            events_rule(),
        ],
    );
    add(
        "namespace-controller",
        vec![
            rule(&["get", "list", "watch", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["namespaces"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["namespaces/finalize", "namespaces/status"]),
            // Emptying a namespace means deleting whatever is in it.
            rule(&["get", "list", "watch", "delete", "deletecollection"])
                .groups(&[ALL])
                .resources(&["*"]),
        ],
    );
    add(
        "node-controller",
        vec![
            rule(&["get", "list", "watch", "update", "delete", "patch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["nodes"]),
            rule(&["patch", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["nodes/status"]),
            // Pod deletion on lost nodes.
            rule(&["patch", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods/status"]),
            rule(&["list", "watch", "get", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            rule(READ)
                .groups(&[COORDINATION_GROUP])
                .resources(&["leases"]),
            events_rule(),
        ],
    );
    add(
        "persistent-volume-binder",
        vec![
            rule(&["get", "list", "watch", "update", "create", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumes"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumes/status"]),
            rule(&["get", "list", "watch", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims/status"]),
            rule(&["list", "watch", "get", "create", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            rule(READ)
                .groups(&[STORAGE_GROUP])
                .resources(&["storageclasses"]),
            rule(&["list", "watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["nodes"]),
            events_rule(),
            // The recycler watches its pod's events.
            rule(&["watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["events"]),
        ],
    );
    add(
        "pod-garbage-collector",
        vec![
            rule(&["list", "watch", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            rule(READ).groups(&[LEGACY_GROUP]).resources(&["nodes"]),
            rule(&["patch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods/status"]),
        ],
    );
    add(
        "replicaset-controller",
        vec![
            rule(&["get", "list", "watch", "update"])
                .groups(&[APPS_GROUP, EXTENSIONS_GROUP])
                .resources(&["replicasets"]),
            rule(&["update"])
                .groups(&[APPS_GROUP, EXTENSIONS_GROUP])
                .resources(&["replicasets/status"]),
            rule(&["update"])
                .groups(&[APPS_GROUP, EXTENSIONS_GROUP])
                .resources(&["replicasets/finalizers"]),
            rule(&["list", "watch", "patch", "create", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            events_rule(),
        ],
    );
    add(
        "replication-controller",
        vec![
            // 1.0 controllers needed get and update; old controllers break on new servers
            // without them.
            rule(&["get", "list", "watch", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["replicationcontrollers"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["replicationcontrollers/status"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["replicationcontrollers/finalizers"]),
            rule(&["list", "watch", "patch", "create", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            events_rule(),
        ],
    );
    add(
        "resourcequota-controller",
        vec![
            // Quota may count anything, so it needs to see everything.
            rule(&["list", "watch"]).groups(&[ALL]).resources(&["*"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["resourcequotas/status"]),
            events_rule(),
        ],
    );
    add(
        "route-controller",
        vec![
            rule(&["list", "watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["nodes"]),
            rule(&["patch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["nodes/status"]),
            events_rule(),
        ],
    );
    add(
        "service-account-controller",
        vec![
            rule(&["create"])
                .groups(&[LEGACY_GROUP])
                .resources(&["serviceaccounts"]),
            events_rule(),
        ],
    );
    add(
        "service-controller",
        vec![
            rule(READ).groups(&[LEGACY_GROUP]).resources(&["services"]),
            rule(&["patch", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["services/status"]),
            rule(&["list", "watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["nodes"]),
            events_rule(),
        ],
    );
    // MultiCIDRServiceAllocator (GA).
    add(
        "service-cidrs-controller",
        vec![
            rule(&["get", "list", "watch", "patch", "update"])
                .groups(&[NETWORKING_GROUP])
                .resources(&["servicecidrs"]),
            rule(&["patch", "update"])
                .groups(&[NETWORKING_GROUP])
                .resources(&["servicecidrs/finalizers"]),
            rule(&["patch", "update"])
                .groups(&[NETWORKING_GROUP])
                .resources(&["servicecidrs/status"]),
            rule(READ)
                .groups(&[NETWORKING_GROUP])
                .resources(&["ipaddresses"]),
            events_rule(),
        ],
    );
    add(
        "statefulset-controller",
        vec![
            rule(&["list", "watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            rule(READ)
                .groups(&[APPS_GROUP])
                .resources(&["statefulsets"]),
            rule(&["update"])
                .groups(&[APPS_GROUP])
                .resources(&["statefulsets/status"]),
            rule(&["update"])
                .groups(&[APPS_GROUP])
                .resources(&["statefulsets/finalizers"]),
            rule(&["get", "create", "delete", "update", "patch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods"]),
            rule(&[
                "get", "create", "delete", "update", "patch", "list", "watch",
            ])
            .groups(&[APPS_GROUP])
            .resources(&["controllerrevisions"]),
            rule(&["get", "create", "list", "watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims"]),
            rule(&["update", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["pods/finalizers"]),
            events_rule(),
        ],
    );
    add(
        "ttl-controller",
        vec![
            rule(&["update", "patch", "list", "watch"])
                .groups(&[LEGACY_GROUP])
                .resources(&["nodes"]),
            events_rule(),
        ],
    );
    add(
        "certificate-controller",
        vec![
            rule(&["get", "list", "watch", "delete"])
                .groups(&[CERTIFICATES_GROUP])
                .resources(&["certificatesigningrequests"]),
            rule(&["update"]).groups(&[CERTIFICATES_GROUP]).resources(&[
                "certificatesigningrequests/status",
                "certificatesigningrequests/approval",
            ]),
            rule(&["approve"])
                .groups(&[CERTIFICATES_GROUP])
                .resources(&["signers"])
                .names(&[KUBE_APISERVER_CLIENT_KUBELET_SIGNER]),
            rule(&["sign"])
                .groups(&[CERTIFICATES_GROUP])
                .resources(&["signers"])
                .names(&[
                    LEGACY_UNKNOWN_SIGNER,
                    KUBE_APISERVER_CLIENT_SIGNER,
                    KUBE_APISERVER_CLIENT_KUBELET_SIGNER,
                    KUBELET_SERVING_SIGNER,
                ]),
            // The approver checks the requester's permissions with SubjectAccessReviews.
            rule(&["create"])
                .groups(&[AUTHORIZATION_GROUP])
                .resources(&["subjectaccessreviews"]),
            events_rule(),
        ],
    );
    add(
        "pvc-protection-controller",
        vec![
            rule(&["get", "list", "watch", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims"]),
            rule(&["update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims/status"]),
            rule(READ).groups(&[LEGACY_GROUP]).resources(&["pods"]),
            events_rule(),
        ],
    );
    add(
        "pv-protection-controller",
        vec![
            rule(&["get", "list", "watch", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumes"]),
            events_rule(),
        ],
    );
    // VolumeAttributesClass (GA).
    add(
        "volumeattributesclass-protection-controller",
        vec![
            rule(READ)
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims"]),
            rule(READ)
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumes"]),
            rule(&["get", "list", "watch", "update"])
                .groups(&[STORAGE_GROUP])
                .resources(&["volumeattributesclasses"]),
            events_rule(),
        ],
    );
    add(
        "ttl-after-finished-controller",
        vec![
            rule(&["get", "list", "watch", "delete"])
                .groups(&[BATCH_GROUP])
                .resources(&["jobs"]),
            events_rule(),
        ],
    );
    add(
        "root-ca-cert-publisher",
        vec![
            rule(&["create", "update"])
                .groups(&[LEGACY_GROUP])
                .resources(&["configmaps"]),
            events_rule(),
        ],
    );
    // ClusterTrustBundle (GA in the reference snapshot; upstream adds this role only when the
    // gate is on).
    add(
        "kube-apiserver-serving-clustertrustbundle-publisher",
        vec![
            rule(&["attest"])
                .groups(&[CERTIFICATES_GROUP])
                .resources(&["signers"])
                .names(&[KUBE_APISERVER_SERVING_SIGNER]),
            rule(&["create", "update", "delete", "list", "watch"])
                .groups(&[CERTIFICATES_GROUP])
                .resources(&["clustertrustbundles"]),
            events_rule(),
        ],
    );
    add(
        "validatingadmissionpolicy-status-controller",
        vec![
            rule(READ)
                .groups(&[ADMISSION_REGISTRATION_GROUP])
                .resources(&["validatingadmissionpolicies"]),
            rule(&["get", "patch", "update"])
                .groups(&[ADMISSION_REGISTRATION_GROUP])
                .resources(&["validatingadmissionpolicies/status"]),
            events_rule(),
        ],
    );
    add(
        "legacy-service-account-token-cleaner",
        vec![
            rule(&["get"])
                .groups(&[LEGACY_GROUP])
                .resources(&["configmaps"])
                .names(&[LEGACY_TOKEN_TRACKING_CONFIGMAP]),
            rule(&["patch", "delete"])
                .groups(&[LEGACY_GROUP])
                .resources(&["secrets"]),
        ],
    );
    // StorageVersionMigrator.
    add(
        "storage-version-migrator-controller",
        vec![
            // List to learn the current resourceVersion of any resource; patch to migrate it.
            rule(&["list", "patch"]).groups(&[ALL]).resources(&["*"]),
            rule(&["get"])
                .groups(&[APIEXTENSIONS_GROUP])
                .resources(&["customresourcedefinitions"]),
            rule(&["patch"])
                .groups(&[APIEXTENSIONS_GROUP])
                .resources(&["customresourcedefinitions/status"]),
            rule(&["update"])
                .groups(&[STORAGE_MIGRATION_GROUP])
                .resources(&["storageversionmigrations/status"]),
        ],
    );
    // SELinuxChangePolicy.
    add(
        "selinux-warning-controller",
        vec![
            events_rule(),
            rule(READ)
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumes"]),
            rule(READ)
                .groups(&[LEGACY_GROUP])
                .resources(&["persistentvolumeclaims"]),
            rule(READ).groups(&[LEGACY_GROUP]).resources(&["pods"]),
            rule(READ)
                .groups(&[STORAGE_GROUP])
                .resources(&["csidrivers"]),
        ],
    );

    policy
}
