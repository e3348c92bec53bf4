//! `secrets-read`: reading Secrets.

use crate::lint::probe::ns;

security_rule! {
    /// ## What it finds
    /// A rule that lets its holders `get`, `list` or `watch` Secrets (core group), decided by
    /// the evaluator: `apiGroups: ["apps"]` or `resources: ["secrets/status"]` do not count, a
    /// `*` does. A rule restricted by `resourceNames` is reported one level lower: it reads only
    /// the named Secrets (and `list`/`watch` never match a named rule).
    ///
    /// ## Why it matters
    /// Secrets hold service-account tokens, TLS keys and passwords. `list` and `watch` return
    /// every Secret of the namespace (of every namespace under a ClusterRoleBinding) with its
    /// data; with a token of a more powerful service account the holder becomes that account.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["secrets"]
    ///   verbs: ["get", "list", "watch"]
    /// ```
    ///
    /// ## Instead
    /// Name the Secrets the workload needs and grant only `get`, in a Role of its namespace:
    /// ```yaml
    /// rules:
    /// - apiGroups: [""]
    ///   resources: ["secrets"]
    ///   resourceNames: ["payments-db"]
    ///   verbs: ["get"]
    /// ```
    SecretsRead {
        id: "secrets-read",
        level: Error,
        summary: "reads Secrets (list and watch read every Secret)",
        what: "read access to Secrets",
        help: "grant `get` on the Secrets it needs by `resourceNames`, in a Role of their namespace",
        probes: &[ns("list", "", "secrets", ""), ns("watch", "", "secrets", ""), ns("get", "", "secrets", "")],
    }
}
