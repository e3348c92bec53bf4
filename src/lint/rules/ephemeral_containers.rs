//! `ephemeral-containers`: adding debug containers to running pods.

use crate::lint::probe::ns;

security_rule! {
    /// ## What it finds
    /// A rule that allows `update` or `patch` on `pods/ephemeralcontainers`.
    ///
    /// ## Why it matters
    /// An ephemeral container runs in an existing pod with its service account, volumes and
    /// network, like `exec`, and can choose its own image.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["pods/ephemeralcontainers"]
    ///   verbs: ["patch"]
    /// ```
    ///
    /// ## Instead
    /// Treat it as `pods/exec`: break-glass roles only.
    EphemeralContainers {
        id: "ephemeral-containers",
        level: Warning,
        summary: "adds ephemeral (debug) containers to pods",
        what: "adding ephemeral containers to pods",
        help: "keep it to break-glass roles, like `pods/exec`",
        probes: &[ns("update", "", "pods", "ephemeralcontainers"), ns("patch", "", "pods", "ephemeralcontainers")],
    }
}
