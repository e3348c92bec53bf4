//! `escalate-verb`: the `escalate` verb on roles.

use crate::lint::probe::ns;

security_rule! {
    /// ## What it finds
    /// A rule that allows `escalate` on `roles` or `clusterroles` (`rbac.authorization.k8s.io`).
    ///
    /// ## Why it matters
    /// The API server normally refuses a role that grants more than its author holds;
    /// `escalate` lifts that check, so the holder can write a role with any permission and,
    /// with `bind` or an existing binding, hold it.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: ["rbac.authorization.k8s.io"]
    ///   resources: ["clusterroles"]
    ///   verbs: ["escalate"]
    /// ```
    ///
    /// ## Instead
    /// Grant the permissions themselves, or only to the RBAC controller of your platform.
    EscalateVerb {
        id: "escalate-verb",
        level: Error,
        summary: "may write roles granting more than it holds",
        what: "`escalate` on roles",
        help: "remove `escalate`; grant the permissions the role author needs directly",
        probes: &[
            ns("escalate", "rbac.authorization.k8s.io", "roles", ""),
            ns("escalate", "rbac.authorization.k8s.io", "clusterroles", ""),
        ],
    }
}
