//! Cluster-wide default roles and bindings: upstream's `ClusterRoles()` and
//! `ClusterRoleBindings()` in `bootstrappolicy/policy.go`.

use super::*;

/// The monitoring endpoints every component serves. `/flagz` and `/statusz` come from the
/// `ComponentFlagz` / `ComponentStatusz` gates, on by default in the reference snapshot.
fn monitoring_rules() -> Vec<Rule> {
    vec![
        rule(&["get"]).urls(&[
            "/metrics",
            "/metrics/slis",
            "/livez",
            "/readyz",
            "/healthz",
            "/livez/*",
            "/readyz/*",
            "/healthz/*",
            "/flagz",
            "/statusz",
        ]),
        // Scraping kubelet metrics goes through the node's metrics subresource.
        rule(&["get"])
            .groups(&[LEGACY_GROUP])
            .resources(&["nodes/metrics"]),
    ]
}

/// What `view` grants: read access to everything in a namespace except escalating data
/// (secrets, exec/attach/proxy), which is why `view` is safe to hand out widely.
fn view_rules() -> Vec<Rule> {
    vec![
        rule(READ).groups(&[LEGACY_GROUP]).resources(&[
            "pods",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "serviceaccounts",
            "services",
            "services/status",
            "endpoints",
            "persistentvolumeclaims",
            "persistentvolumeclaims/status",
            "configmaps",
        ]),
        rule(READ).groups(&[LEGACY_GROUP]).resources(&[
            "limitranges",
            "resourcequotas",
            "bindings",
            "pods/status",
            "resourcequotas/status",
            "namespaces/status",
            "replicationcontrollers/status",
            "pods/log",
        ]),
        // Reading namespaces in a namespace means reading *this* namespace: an indicator of
        // which namespaces one has access to.
        rule(READ)
            .groups(&[LEGACY_GROUP])
            .resources(&["namespaces"]),
        rule(READ)
            .groups(&[LEGACY_GROUP, EVENTS_GROUP])
            .resources(&["events"]),
        rule(READ)
            .groups(&[DISCOVERY_GROUP])
            .resources(&["endpointslices"]),
        rule(READ).groups(&[APPS_GROUP]).resources(&[
            "controllerrevisions",
            "statefulsets",
            "statefulsets/status",
            "statefulsets/scale",
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/status",
            "deployments/scale",
            "replicasets",
            "replicasets/status",
            "replicasets/scale",
        ]),
        rule(READ).groups(&[AUTOSCALING_GROUP]).resources(&[
            "horizontalpodautoscalers",
            "horizontalpodautoscalers/status",
        ]),
        rule(READ).groups(&[BATCH_GROUP]).resources(&[
            "jobs",
            "cronjobs",
            "cronjobs/status",
            "jobs/status",
        ]),
        rule(READ).groups(&[EXTENSIONS_GROUP]).resources(&[
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "ingresses",
            "ingresses/status",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "replicationcontrollers/scale",
            "networkpolicies",
        ]),
        rule(READ)
            .groups(&[POLICY_GROUP])
            .resources(&["poddisruptionbudgets", "poddisruptionbudgets/status"]),
        rule(READ).groups(&[NETWORKING_GROUP]).resources(&[
            "networkpolicies",
            "ingresses",
            "ingresses/status",
        ]),
        // DynamicResourceAllocation (GA).
        rule(READ).groups(&[RESOURCE_GROUP]).resources(&[
            "resourceclaims",
            "resourceclaims/status",
            "resourceclaimtemplates",
        ]),
    ]
}

/// What `edit` adds on top of `view`: all user-level actions in a namespace, but not the
/// `/status` subresources, quota or limits, which belong to the system and to admins.
fn edit_rules() -> Vec<Rule> {
    vec![
        // Read access to escalating resources is granted here, not in view.
        rule(READ).groups(&[LEGACY_GROUP]).resources(&[
            "pods/attach",
            "pods/proxy",
            "pods/exec",
            "pods/portforward",
            "secrets",
            "services/proxy",
        ]),
        rule(&["impersonate"])
            .groups(&[LEGACY_GROUP])
            .resources(&["serviceaccounts"]),
        rule(WRITE).groups(&[LEGACY_GROUP]).resources(&[
            "pods",
            "pods/attach",
            "pods/proxy",
            "pods/exec",
            "pods/portforward",
        ]),
        rule(&["create"])
            .groups(&[LEGACY_GROUP])
            .resources(&["pods/eviction"]),
        rule(WRITE).groups(&[LEGACY_GROUP]).resources(&[
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "serviceaccounts",
            "services",
            "services/proxy",
            "persistentvolumeclaims",
            "configmaps",
            "secrets",
        ]),
        rule(&["create"])
            .groups(&[LEGACY_GROUP])
            .resources(&["serviceaccounts/token"]),
        rule(WRITE)
            .groups(&[LEGACY_GROUP, EVENTS_GROUP])
            .resources(&["events"]),
        rule(WRITE).groups(&[APPS_GROUP]).resources(&[
            "statefulsets",
            "statefulsets/scale",
            "daemonsets",
            "deployments",
            "deployments/scale",
            "deployments/rollback",
            "replicasets",
            "replicasets/scale",
        ]),
        rule(WRITE)
            .groups(&[AUTOSCALING_GROUP])
            .resources(&["horizontalpodautoscalers"]),
        rule(WRITE)
            .groups(&[BATCH_GROUP])
            .resources(&["jobs", "cronjobs"]),
        rule(WRITE).groups(&[EXTENSIONS_GROUP]).resources(&[
            "daemonsets",
            "deployments",
            "deployments/scale",
            "deployments/rollback",
            "ingresses",
            "replicasets",
            "replicasets/scale",
            "replicationcontrollers/scale",
            "networkpolicies",
        ]),
        rule(WRITE)
            .groups(&[POLICY_GROUP])
            .resources(&["poddisruptionbudgets"]),
        rule(WRITE)
            .groups(&[NETWORKING_GROUP])
            .resources(&["networkpolicies", "ingresses"]),
        rule(READ_WRITE)
            .groups(&[COORDINATION_GROUP])
            .resources(&["leases"]),
        // DynamicResourceAllocation (GA).
        rule(WRITE)
            .groups(&[RESOURCE_GROUP])
            .resources(&["resourceclaims", "resourceclaimtemplates"]),
    ]
}

/// What a kubelet needs. The Node authorizer and the NodeRestriction admission plugin narrow
/// most of these to the node's own objects; RBAC alone grants them cluster-wide.
fn node_rules() -> Vec<Rule> {
    vec![
        // Checking API access; these creates are non-mutating.
        rule(&["create"])
            .groups(&[AUTHENTICATION_GROUP])
            .resources(&["tokenreviews"]),
        rule(&["create"])
            .groups(&[AUTHORIZATION_GROUP])
            .resources(&["subjectaccessreviews", "localsubjectaccessreviews"]),
        // Service environment variables for pods.
        rule(READ).groups(&[LEGACY_GROUP]).resources(&["services"]),
        // Registering the Node object and reporting its status.
        rule(&["create", "get", "list", "watch"])
            .groups(&[LEGACY_GROUP])
            .resources(&["nodes"]),
        rule(&["update", "patch"])
            .groups(&[LEGACY_GROUP])
            .resources(&["nodes/status"]),
        rule(&["update", "patch"])
            .groups(&[LEGACY_GROUP])
            .resources(&["nodes"]),
        events_rule(),
        rule(READ).groups(&[LEGACY_GROUP]).resources(&["pods"]),
        // Mirror pods for static pods.
        rule(&["create", "delete"])
            .groups(&[LEGACY_GROUP])
            .resources(&["pods"]),
        rule(&["update", "patch"])
            .groups(&[LEGACY_GROUP])
            .resources(&["pods/status"]),
        rule(&["create"])
            .groups(&[LEGACY_GROUP])
            .resources(&["pods/eviction"]),
        // Volumes and environment from secrets and configmaps of the node's pods.
        rule(READ)
            .groups(&[LEGACY_GROUP])
            .resources(&["secrets", "configmaps"]),
        rule(&["get"])
            .groups(&[LEGACY_GROUP])
            .resources(&["persistentvolumeclaims", "persistentvolumes"]),
        rule(&["get"])
            .groups(&[LEGACY_GROUP])
            .resources(&["endpoints"]),
        // Client certificate rotation.
        rule(&["create", "get", "list", "watch"])
            .groups(&[CERTIFICATES_GROUP])
            .resources(&["certificatesigningrequests"]),
        // Node heartbeats.
        rule(&["get", "create", "update", "patch", "delete"])
            .groups(&[COORDINATION_GROUP])
            .resources(&["leases"]),
        rule(&["get"])
            .groups(&[STORAGE_GROUP])
            .resources(&["volumeattachments"]),
        // Projected service account tokens for the node's pods.
        rule(&["create"])
            .groups(&[LEGACY_GROUP])
            .resources(&["serviceaccounts/token"]),
        rule(&["get", "update", "patch"])
            .groups(&[LEGACY_GROUP])
            .resources(&["persistentvolumeclaims/status"]),
        rule(READ)
            .groups(&[STORAGE_GROUP])
            .resources(&["csidrivers"]),
        rule(&["get", "create", "update", "patch", "delete"])
            .groups(&[STORAGE_GROUP])
            .resources(&["csinodes"]),
        rule(READ)
            .groups(&[NODE_GROUP])
            .resources(&["runtimeclasses"]),
        // DynamicResourceAllocation (GA).
        rule(&["get"])
            .groups(&[RESOURCE_GROUP])
            .resources(&["resourceclaims"]),
        rule(&["deletecollection"])
            .groups(&[RESOURCE_GROUP])
            .resources(&["resourceslices"]),
        // ClusterTrustBundle (GA in the reference snapshot): pemTrustAnchors volumes.
        rule(READ)
            .groups(&[CERTIFICATES_GROUP])
            .resources(&["clustertrustbundles"]),
        // KubeletServiceAccountTokenForCredentialProviders: tokens for image credential
        // providers.
        rule(&["get"])
            .groups(&[LEGACY_GROUP])
            .resources(&["serviceaccounts"]),
    ]
}

fn kube_scheduler_rules() -> Vec<Rule> {
    vec![
        events_rule(),
        // Leader election.
        rule(&["create"])
            .groups(&[COORDINATION_GROUP])
            .resources(&["leases"]),
        rule(&["get", "update", "list", "watch"])
            .groups(&[COORDINATION_GROUP])
            .resources(&["leases"])
            .names(&["kube-scheduler"]),
        rule(READ_WRITE)
            .groups(&[COORDINATION_GROUP])
            .resources(&["leasecandidates"]),
        // Fundamental resources.
        rule(READ).groups(&[LEGACY_GROUP]).resources(&["nodes"]),
        rule(&["get", "list", "watch", "delete"])
            .groups(&[LEGACY_GROUP])
            .resources(&["pods"]),
        rule(&["create"])
            .groups(&[LEGACY_GROUP])
            .resources(&["pods/binding", "bindings"]),
        rule(&["patch", "update"])
            .groups(&[LEGACY_GROUP])
            .resources(&["pods/status"]),
        // Things that select pods.
        rule(READ)
            .groups(&[LEGACY_GROUP])
            .resources(&["services", "replicationcontrollers"]),
        rule(READ)
            .groups(&[APPS_GROUP, EXTENSIONS_GROUP])
            .resources(&["replicasets"]),
        rule(READ)
            .groups(&[APPS_GROUP])
            .resources(&["statefulsets"]),
        // Things that pods use or that apply to them.
        rule(READ)
            .groups(&[POLICY_GROUP])
            .resources(&["poddisruptionbudgets"]),
        rule(READ)
            .groups(&[LEGACY_GROUP])
            .resources(&["persistentvolumeclaims", "persistentvolumes"]),
        // Checking API access; these creates are non-mutating.
        rule(&["create"])
            .groups(&[AUTHENTICATION_GROUP])
            .resources(&["tokenreviews"]),
        rule(&["create"])
            .groups(&[AUTHORIZATION_GROUP])
            .resources(&["subjectaccessreviews"]),
        // Volume limits.
        rule(READ).groups(&[STORAGE_GROUP]).resources(&["csinodes"]),
        rule(READ)
            .groups(&[STORAGE_GROUP])
            .resources(&["volumeattachments"]),
        // namespaceSelector in pod affinity.
        rule(READ)
            .groups(&[LEGACY_GROUP])
            .resources(&["namespaces"]),
        rule(READ)
            .groups(&[STORAGE_GROUP])
            .resources(&["csidrivers"]),
        rule(READ)
            .groups(&[STORAGE_GROUP])
            .resources(&["csistoragecapacities"]),
        // DynamicResourceAllocation (GA): allocating claims while scheduling.
        rule(READ)
            .groups(&[RESOURCE_GROUP])
            .resources(&["deviceclasses"]),
        rule(READ_UPDATE)
            .groups(&[RESOURCE_GROUP])
            .resources(&["resourceclaims"]),
        rule(READ_UPDATE)
            .groups(&[RESOURCE_GROUP])
            .resources(&["resourceclaims/status"]),
        rule(&["update"])
            .groups(&[LEGACY_GROUP])
            .resources(&["pods/finalizers"]),
        rule(READ)
            .groups(&[RESOURCE_GROUP])
            .resources(&["resourceslices"]),
        // DRAExtendedResource: the scheduler creates claims for extended resources itself.
        rule(&["create", "delete"])
            .groups(&[RESOURCE_GROUP])
            .resources(&["resourceclaims"]),
        // DRADeviceTaintRules.
        rule(READ)
            .groups(&[RESOURCE_GROUP])
            .resources(&["devicetaintrules"]),
        // DRAResourceClaimGranularStatusAuthorization.
        rule(&["update", "patch"])
            .groups(&[RESOURCE_GROUP])
            .resources(&["resourceclaims/binding"]),
    ]
}

fn csr_approver(name: &str, signer: &'static [&'static str]) -> RoleObject {
    cluster_role(
        name,
        vec![
            rule(&["approve"])
                .groups(&[CERTIFICATES_GROUP])
                .resources(&["signers"])
                .names(signer),
        ],
    )
}

pub(super) fn cluster_roles() -> Vec<RoleObject> {
    vec![
        // A "root" role which can do absolutely anything.
        cluster_role(
            "cluster-admin",
            vec![
                rule(&["*"]).groups(&[ALL]).resources(&["*"]),
                rule(&["*"]).urls(&["*"]),
            ],
        ),
        // Just enough to check that the server is ready and to negotiate API versions.
        cluster_role(
            "system:discovery",
            vec![rule(&["get"]).urls(&[
                "/livez",
                "/readyz",
                "/healthz",
                "/version",
                "/version/",
                "/openapi",
                "/openapi/*",
                "/api",
                "/api/*",
                "/apis",
                "/apis/*",
            ])],
        ),
        // Read access to the monitoring endpoints; the splatted health checks expose
        // individual checks, which may say more about the cluster than the summary does.
        cluster_role("system:monitoring", monitoring_rules()),
        // Lets any user learn about themselves and what they may do.
        cluster_role(
            "system:basic-user",
            vec![
                rule(&["create"])
                    .groups(&[AUTHORIZATION_GROUP])
                    .resources(&["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
                rule(&["create"])
                    .groups(&[AUTHENTICATION_GROUP])
                    .resources(&["selfsubjectreviews"]),
            ],
        ),
        // Insensitive cluster information, safe even for unauthenticated users.
        cluster_role(
            "system:public-info-viewer",
            vec![rule(&["get"]).urls(&["/livez", "/readyz", "/healthz", "/version", "/version/"])],
        ),
        // The user-facing roles are aggregated, so that extensions can add to them by label.
        // admin: a namespace admin, edit plus the power to grant permissions to others.
        aggregating_cluster_role("admin", AGGREGATE_TO_ADMIN),
        aggregated_into(
            aggregating_cluster_role("edit", AGGREGATE_TO_EDIT),
            AGGREGATE_TO_ADMIN,
        ),
        aggregated_into(
            aggregating_cluster_role("view", AGGREGATE_TO_VIEW),
            AGGREGATE_TO_EDIT,
        ),
        aggregated_into(
            cluster_role(
                "system:aggregate-to-admin",
                vec![
                    rule(&["create"])
                        .groups(&[AUTHORIZATION_GROUP])
                        .resources(&["localsubjectaccessreviews"]),
                    rule(READ_WRITE)
                        .groups(&[RBAC_GROUP])
                        .resources(&["roles", "rolebindings"]),
                ],
            ),
            AGGREGATE_TO_ADMIN,
        ),
        aggregated_into(
            cluster_role("system:aggregate-to-edit", edit_rules()),
            AGGREGATE_TO_EDIT,
        ),
        aggregated_into(
            cluster_role("system:aggregate-to-view", view_rules()),
            AGGREGATE_TO_VIEW,
        ),
        // Heapster's connections back to the API server.
        cluster_role(
            "system:heapster",
            vec![
                rule(READ).groups(&[LEGACY_GROUP]).resources(&[
                    "events",
                    "pods",
                    "nodes",
                    "namespaces",
                ]),
                rule(READ)
                    .groups(&[EXTENSIONS_GROUP])
                    .resources(&["deployments"]),
            ],
        ),
        cluster_role("system:node", node_rules()),
        // Not bound by default: where node-problem-detector runs varies by deployment.
        cluster_role(
            "system:node-problem-detector",
            vec![
                rule(&["get"]).groups(&[LEGACY_GROUP]).resources(&["nodes"]),
                rule(&["patch"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["nodes/status"]),
                events_rule(),
            ],
        ),
        // Bootstrapping a node's client certificate: post a CSR and watch for its signing.
        cluster_role(
            "system:node-bootstrapper",
            vec![
                rule(&["create", "get", "list", "watch"])
                    .groups(&[CERTIFICATES_GROUP])
                    .resources(&["certificatesigningrequests"]),
            ],
        ),
        // Delegated authentication and authorization; these creates are non-mutating.
        cluster_role(
            "system:auth-delegator",
            vec![
                rule(&["create"])
                    .groups(&[AUTHENTICATION_GROUP])
                    .resources(&["tokenreviews"]),
                rule(&["create"])
                    .groups(&[AUTHORIZATION_GROUP])
                    .resources(&["subjectaccessreviews"]),
            ],
        ),
        // The aggregator must see all services to know whether the ones it points to exist.
        cluster_role(
            "system:kube-aggregator",
            vec![
                rule(READ)
                    .groups(&[LEGACY_GROUP])
                    .resources(&["services", "endpoints"]),
            ],
        ),
        // Enough for kube-controller-manager to start its shared informers and create the
        // service accounts and tokens that give each controller its own identity.
        cluster_role(
            "system:kube-controller-manager",
            vec![
                events_rule(),
                // Leader election.
                rule(&["create"])
                    .groups(&[COORDINATION_GROUP])
                    .resources(&["leases"]),
                rule(&["get", "update"])
                    .groups(&[COORDINATION_GROUP])
                    .resources(&["leases"])
                    .names(&["kube-controller-manager"]),
                // Fundamental resources.
                rule(&["create"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["secrets", "serviceaccounts"]),
                rule(&["delete"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["secrets"]),
                rule(&["get"]).groups(&[LEGACY_GROUP]).resources(&[
                    "namespaces",
                    "secrets",
                    "serviceaccounts",
                    "configmaps",
                ]),
                rule(&["update"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["secrets", "serviceaccounts"]),
                // Checking API access; these creates are non-mutating.
                rule(&["create"])
                    .groups(&[AUTHENTICATION_GROUP])
                    .resources(&["tokenreviews"]),
                rule(&["create"])
                    .groups(&[AUTHORIZATION_GROUP])
                    .resources(&["subjectaccessreviews"]),
                // All shared informers.
                rule(&["list", "watch"]).groups(&[ALL]).resources(&["*"]),
                rule(&["create"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["serviceaccounts/token"]),
            ],
        ),
        cluster_role(
            "system:kube-dns",
            vec![
                rule(&["list", "watch"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["endpoints", "services"]),
            ],
        ),
        // An external (out-of-tree) persistent volume provisioner.
        cluster_role(
            "system:persistent-volume-provisioner",
            vec![
                rule(&["get", "list", "watch", "create", "delete"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["persistentvolumes"]),
                // Update sets lock annotations on claims.
                rule(&["get", "list", "watch", "update"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["persistentvolumeclaims"]),
                rule(READ)
                    .groups(&[STORAGE_GROUP])
                    .resources(&["storageclasses"]),
                // Watching provisioning success and failure events.
                rule(&["watch"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["events"]),
                events_rule(),
            ],
        ),
        // The csrapprover controller approves a CSR only if its requester may create the
        // matching subresource: these roles are what makes a requester eligible.
        cluster_role(
            "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
            vec![
                rule(&["create"])
                    .groups(&[CERTIFICATES_GROUP])
                    .resources(&["certificatesigningrequests/nodeclient"]),
            ],
        ),
        cluster_role(
            "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
            vec![
                rule(&["create"])
                    .groups(&[CERTIFICATES_GROUP])
                    .resources(&["certificatesigningrequests/selfnodeclient"]),
            ],
        ),
        cluster_role(
            "system:volume-scheduler",
            vec![
                rule(READ_UPDATE)
                    .groups(&[LEGACY_GROUP])
                    .resources(&["persistentvolumes"]),
                rule(READ)
                    .groups(&[STORAGE_GROUP])
                    .resources(&["storageclasses"]),
                rule(READ_UPDATE)
                    .groups(&[LEGACY_GROUP])
                    .resources(&["persistentvolumeclaims"]),
            ],
        ),
        csr_approver(
            "system:certificates.k8s.io:legacy-unknown-approver",
            &[LEGACY_UNKNOWN_SIGNER],
        ),
        csr_approver(
            "system:certificates.k8s.io:kubelet-serving-approver",
            &[KUBELET_SERVING_SIGNER],
        ),
        csr_approver(
            "system:certificates.k8s.io:kube-apiserver-client-approver",
            &[KUBE_APISERVER_CLIENT_SIGNER],
        ),
        csr_approver(
            "system:certificates.k8s.io:kube-apiserver-client-kubelet-approver",
            &[KUBE_APISERVER_CLIENT_KUBELET_SIGNER],
        ),
        // Service account issuer discovery (OIDC). The slash-ended URLs keep clients working
        // that were generated from published OpenAPI documents before a trailing-slash fix.
        cluster_role(
            "system:service-account-issuer-discovery",
            vec![rule(&["get"]).urls(&[
                "/.well-known/openid-configuration",
                "/.well-known/openid-configuration/",
                "/openid/v1/jwks",
                "/openid/v1/jwks/",
            ])],
        ),
        // Full access to the kubelet API.
        cluster_role(
            "system:kubelet-api-admin",
            vec![
                rule(READ).groups(&[LEGACY_GROUP]).resources(&["nodes"]),
                rule(&["proxy"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["nodes"]),
                rule(&["*"]).groups(&[LEGACY_GROUP]).resources(&[
                    "nodes/proxy",
                    "nodes/metrics",
                    "nodes/stats",
                    "nodes/log",
                ]),
                // KubeletFineGrainedAuthz: the kubelet checks these instead of nodes/proxy.
                rule(&["*"]).groups(&[LEGACY_GROUP]).resources(&[
                    "nodes/pods",
                    "nodes/healthz",
                    "nodes/configz",
                ]),
            ],
        ),
        // kube-proxy.
        cluster_role(
            "system:node-proxier",
            vec![
                rule(&["list", "watch"])
                    .groups(&[LEGACY_GROUP])
                    .resources(&["services", "endpoints"]),
                rule(READ).groups(&[LEGACY_GROUP]).resources(&["nodes"]),
                events_rule(),
                // MultiCIDRServiceAllocator (GA).
                rule(&["list", "watch"])
                    .groups(&[NETWORKING_GROUP])
                    .resources(&["servicecidrs"]),
                rule(&["list", "watch"])
                    .groups(&[DISCOVERY_GROUP])
                    .resources(&["endpointslices"]),
            ],
        ),
        cluster_role("system:kube-scheduler", kube_scheduler_rules()),
        // ClusterTrustBundles are meant to be readable by every workload (GA in the
        // reference snapshot; upstream creates this role only when the gate is on).
        cluster_role(
            "system:cluster-trust-bundle-discovery",
            vec![
                rule(READ)
                    .groups(&[CERTIFICATES_GROUP])
                    .resources(&["clustertrustbundles"]),
            ],
        ),
    ]
}

pub(super) fn cluster_role_bindings() -> Vec<BindingObject> {
    vec![
        cluster_binding("cluster-admin").groups(&[SYSTEM_PRIVILEGED_GROUP]),
        cluster_binding("system:monitoring").groups(&[MONITORING_GROUP]),
        cluster_binding("system:discovery").groups(&[ALL_AUTHENTICATED]),
        cluster_binding("system:basic-user").groups(&[ALL_AUTHENTICATED]),
        cluster_binding("system:public-info-viewer")
            .groups(&[ALL_AUTHENTICATED, ALL_UNAUTHENTICATED]),
        cluster_binding("system:node-proxier").users(&[KUBE_PROXY]),
        cluster_binding("system:kube-controller-manager").users(&[KUBE_CONTROLLER_MANAGER]),
        cluster_binding("system:kube-dns").service_accounts(NAMESPACE_SYSTEM, &["kube-dns"]),
        cluster_binding("system:kube-scheduler").users(&[KUBE_SCHEDULER]),
        cluster_binding("system:volume-scheduler").users(&[KUBE_SCHEDULER]),
        // The Node authorizer replaced the binding of system:node to system:nodes (1.7); the
        // binding stays, without subjects, so reconciliation can remove old subjects.
        cluster_binding("system:node"),
        // Service accounts may read the OIDC discovery documents: what issued their tokens
        // is no secret to them (the issuer is in every token). Binding all authenticated or
        // unauthenticated users is left to the cluster admin.
        cluster_binding("system:service-account-issuer-discovery").groups(&[ALL_SERVICE_ACCOUNTS]),
        // Service accounts may read ClusterTrustBundles (gated like the role above).
        cluster_binding("system:cluster-trust-bundle-discovery").groups(&[ALL_SERVICE_ACCOUNTS]),
    ]
    .into_iter()
    .map(Binding::build)
    .collect()
}
