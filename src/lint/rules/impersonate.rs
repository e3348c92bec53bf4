//! `impersonate`: acting as other users, groups or service accounts.

use crate::lint::probe::{cluster, ns};

security_rule! {
    /// ## What it finds
    /// A rule that allows `impersonate` on `users`, `groups`, `uids` (cluster-wide only) or
    /// `serviceaccounts`, or on `userextras/*` in `authentication.k8s.io`.
    ///
    /// ## Why it matters
    /// Impersonating `system:masters`, or any powerful user, is that user's power. Restricted by
    /// `resourceNames` it is reported one level lower.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["users", "groups"]
    ///   verbs: ["impersonate"]
    /// ```
    ///
    /// ## Instead
    /// Name the identities that may be impersonated in `resourceNames`.
    Impersonate {
        id: "impersonate",
        level: Error,
        summary: "impersonates users, groups or service accounts",
        what: "impersonation",
        help: "list the identities that may be impersonated in `resourceNames`",
        probes: &[
            cluster("impersonate", "", "users", ""),
            cluster("impersonate", "", "groups", ""),
            ns("impersonate", "", "serviceaccounts", ""),
            cluster("impersonate", "authentication.k8s.io", "uids", ""),
            cluster("impersonate", "authentication.k8s.io", "userextras", "scopes"),
        ],
    }
}
