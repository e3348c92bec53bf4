//! `pod-exec-attach-portforward`: running commands in, attaching to, or forwarding ports of pods.

use crate::lint::probe::ns;

security_rule! {
    /// ## What it finds
    /// A rule that allows `create` (or `get`, which WebSocket clients use) on `pods/exec`,
    /// `pods/attach` or `pods/portforward`, decided by the evaluator: `pods/*` is a literal and
    /// grants none of them; `*/exec` and `*` do.
    ///
    /// ## Why it matters
    /// A shell in a pod is everything the pod has: its service-account token, its mounted
    /// Secrets, its network position. Port-forwarding reaches services that are not exposed.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["pods/exec"]
    ///   verbs: ["create"]
    /// ```
    ///
    /// ## Instead
    /// Keep it to break-glass roles bound in the namespaces that need it, for the people who
    /// need it; prefer `pods/log` for reading.
    PodExecAttachPortforward {
        id: "pod-exec-attach-portforward",
        level: Warning,
        summary: "exec into, attach to or port-forward pods",
        what: "exec, attach or port-forward into pods",
        help: "bind it only in the namespaces and to the people that need it (break-glass); use `pods/log` to read",
        probes: &[
            ns("create", "", "pods", "exec"), ns("get", "", "pods", "exec"),
            ns("create", "", "pods", "attach"), ns("get", "", "pods", "attach"),
            ns("create", "", "pods", "portforward"), ns("get", "", "pods", "portforward"),
        ],
    }
}
