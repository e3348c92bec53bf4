//! `nodes-proxy`: the kubelet API through `nodes/proxy`.

use crate::lint::probe::cluster;

security_rule! {
    /// ## What it finds
    /// A rule, held cluster-wide, that allows `get` or `create` on `nodes/proxy`. Nodes are
    /// cluster-scoped, so a RoleBinding never grants it and is not reported.
    ///
    /// ## Why it matters
    /// `nodes/proxy` reaches the kubelet API of every node: running commands in any pod on it,
    /// bypassing admission and audit of the API server.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["nodes/proxy"]
    ///   verbs: ["get"]
    /// ```
    ///
    /// ## Instead
    /// For metrics use `nodes/metrics` and `nodes/stats`.
    NodesProxy {
        id: "nodes-proxy",
        level: Error,
        summary: "reaches the kubelet API (exec in any pod on the node)",
        what: "`nodes/proxy` (the kubelet API)",
        help: "for metrics grant `nodes/metrics` and `nodes/stats` instead",
        probes: &[cluster("get", "", "nodes", "proxy"), cluster("create", "", "nodes", "proxy")],
    }
}
