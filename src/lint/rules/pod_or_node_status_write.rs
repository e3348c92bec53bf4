//! `pod-or-node-status-write`: writing pod or node status.

use crate::lint::probe::{cluster, ns};

security_rule! {
    /// ## What it finds
    /// A rule that allows `update` or `patch` on `pods/status`, or (held cluster-wide) on
    /// `nodes/status`.
    ///
    /// ## Why it matters
    /// Status is what the kubelet reports. Rewriting it redirects traffic (a pod's IP, its
    /// readiness), or lies about a node's capacity and conditions to the scheduler.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["pods/status"]
    ///   verbs: ["patch"]
    /// ```
    ///
    /// ## Instead
    /// Write conditions with a dedicated resource of your own, or restrict to named pods.
    PodOrNodeStatusWrite {
        id: "pod-or-node-status-write",
        level: Warning,
        summary: "writes pod or node status",
        what: "write access to pod or node status",
        help: "leave status to the kubelet; restrict to named objects with `resourceNames` if needed",
        probes: &[
            ns("update", "", "pods", "status"), ns("patch", "", "pods", "status"),
            cluster("update", "", "nodes", "status"), cluster("patch", "", "nodes", "status"),
        ],
    }
}
