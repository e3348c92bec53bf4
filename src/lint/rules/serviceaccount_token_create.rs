//! `serviceaccount-token-create`: minting service-account tokens.

use crate::lint::probe::ns;

security_rule! {
    /// ## What it finds
    /// A rule that allows `create` on `serviceaccounts/token` (the TokenRequest API).
    ///
    /// ## Why it matters
    /// A token of a service account is that service account: the holder gets everything it may
    /// do, for as long as the token lives. Restricting by `resourceNames` limits it to the named
    /// accounts (reported one level lower).
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["serviceaccounts/token"]
    ///   verbs: ["create"]
    /// ```
    ///
    /// ## Instead
    /// Name the service accounts by `resourceNames`, or mount projected tokens instead.
    ServiceaccountTokenCreate {
        id: "serviceaccount-token-create",
        level: Error,
        summary: "creates service-account tokens (becomes the service account)",
        what: "creating service-account tokens",
        help: "restrict it to the service accounts needed with `resourceNames`",
        probes: &[ns("create", "", "serviceaccounts", "token")],
    }
}
