//! `rbac-write`: writing roles and bindings.

use crate::lint::probe::ns;

security_rule! {
    /// ## What it finds
    /// A rule that allows `create`, `update` or `patch` on `roles`, `clusterroles`,
    /// `rolebindings` or `clusterrolebindings`.
    ///
    /// ## Why it matters
    /// The API server's escalation checks stop a plain writer from granting what it does not
    /// hold, but bindings of roles it holds to anyone, and with `bind` or `escalate` anything,
    /// are in reach. RBAC changes should go through review, not through a running workload.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: ["rbac.authorization.k8s.io"]
    ///   resources: ["rolebindings"]
    ///   verbs: ["create"]
    /// ```
    ///
    /// ## Instead
    /// Apply RBAC from the GitOps pipeline; name the objects a controller manages in
    /// `resourceNames`.
    RbacWrite {
        id: "rbac-write",
        level: Error,
        summary: "writes roles or bindings",
        what: "write access to RBAC roles or bindings",
        help: "let the deployment pipeline write RBAC; restrict controllers by `resourceNames`",
        probes: &[
            ns("create", "rbac.authorization.k8s.io", "roles", ""),
            ns("update", "rbac.authorization.k8s.io", "roles", ""),
            ns("patch", "rbac.authorization.k8s.io", "roles", ""),
            ns("create", "rbac.authorization.k8s.io", "rolebindings", ""),
            ns("update", "rbac.authorization.k8s.io", "rolebindings", ""),
            ns("patch", "rbac.authorization.k8s.io", "rolebindings", ""),
            ns("create", "rbac.authorization.k8s.io", "clusterroles", ""),
            ns("update", "rbac.authorization.k8s.io", "clusterroles", ""),
            ns("patch", "rbac.authorization.k8s.io", "clusterroles", ""),
            ns("create", "rbac.authorization.k8s.io", "clusterrolebindings", ""),
            ns("update", "rbac.authorization.k8s.io", "clusterrolebindings", ""),
            ns("patch", "rbac.authorization.k8s.io", "clusterrolebindings", ""),
        ],
    }
}
