//! `create-workloads`: creating pods or controllers that create pods.

use crate::lint::probe::ns;

security_rule! {
    /// ## What it finds
    /// A rule that allows creating pods, or creating or changing (`update`, `patch`) any
    /// controller whose template makes pods: Deployments, ReplicaSets, StatefulSets, DaemonSets
    /// (`apps`), Jobs, CronJobs (`batch`), ReplicationControllers (core).
    ///
    /// ## Why it matters
    /// Whoever can make a pod in a namespace can run it as any service account of that namespace
    /// and mount any Secret there: the permission is as wide as the most powerful service
    /// account in the namespace.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: ["apps"]
    ///   resources: ["deployments"]
    ///   verbs: ["create", "update", "patch"]
    /// ```
    ///
    /// ## Instead
    /// Expected for deployers: grant it in the namespaces they deploy to (RoleBindings), and keep
    /// powerful service accounts out of those namespaces. Use `kauthz.dev/ignore:
    /// create-workloads` on roles that exist to deploy.
    CreateWorkloads {
        id: "create-workloads",
        level: Warning,
        summary: "creates pods or pod controllers (runs as any service account of the namespace)",
        what: "creating pods or pod controllers",
        help: "grant it only through RoleBindings in the namespaces deployed to, and keep powerful service accounts out of them",
        probes: &[
            ns("create", "", "pods", ""),
            ns("create", "", "replicationcontrollers", ""), ns("update", "", "replicationcontrollers", ""), ns("patch", "", "replicationcontrollers", ""),
            ns("create", "apps", "deployments", ""), ns("update", "apps", "deployments", ""), ns("patch", "apps", "deployments", ""),
            ns("create", "apps", "replicasets", ""), ns("update", "apps", "replicasets", ""), ns("patch", "apps", "replicasets", ""),
            ns("create", "apps", "statefulsets", ""), ns("update", "apps", "statefulsets", ""), ns("patch", "apps", "statefulsets", ""),
            ns("create", "apps", "daemonsets", ""), ns("update", "apps", "daemonsets", ""), ns("patch", "apps", "daemonsets", ""),
            ns("create", "batch", "jobs", ""), ns("update", "batch", "jobs", ""), ns("patch", "batch", "jobs", ""),
            ns("create", "batch", "cronjobs", ""), ns("update", "batch", "cronjobs", ""), ns("patch", "batch", "cronjobs", ""),
        ],
    }
}
