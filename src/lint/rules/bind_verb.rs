//! `bind-verb`: the `bind` verb on roles.

use crate::lint::probe::ns;

security_rule! {
    /// ## What it finds
    /// A rule that allows `bind` on `roles` or `clusterroles` (`rbac.authorization.k8s.io`).
    ///
    /// ## Why it matters
    /// `bind` lifts the API server's check that a binding's author holds the role's
    /// permissions: with it, and with write access to bindings, the holder can bind
    /// `cluster-admin` to itself. Restricted by `resourceNames` it is reported one level lower.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: ["rbac.authorization.k8s.io"]
    ///   resources: ["clusterroles"]
    ///   verbs: ["bind"]
    /// ```
    ///
    /// ## Instead
    /// List the roles it may bind in `resourceNames`.
    BindVerb {
        id: "bind-verb",
        level: Error,
        summary: "may bind roles it does not hold",
        what: "`bind` on roles",
        help: "list the roles it may bind in `resourceNames`",
        probes: &[
            ns("bind", "rbac.authorization.k8s.io", "roles", ""),
            ns("bind", "rbac.authorization.k8s.io", "clusterroles", ""),
        ],
    }
}
