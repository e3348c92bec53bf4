//! `csr-approve`: approving certificate signing requests.

use crate::lint::probe::cluster;

security_rule! {
    /// ## What it finds
    /// A rule, held cluster-wide, that allows `update` or `patch` on
    /// `certificatesigningrequests/approval` or `approve` on `signers`
    /// (`certificates.k8s.io`).
    ///
    /// ## Why it matters
    /// Approving a CSR for the `kubernetes.io/kube-apiserver-client` signer mints a client
    /// certificate for any user or group, `system:masters` included.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: ["certificates.k8s.io"]
    ///   resources: ["certificatesigningrequests/approval"]
    ///   verbs: ["update"]
    /// ```
    ///
    /// ## Instead
    /// Name the signers it may approve for in `resourceNames` of the `signers` rule.
    CsrApprove {
        id: "csr-approve",
        level: Error,
        summary: "approves certificate signing requests (client certificates for anyone)",
        what: "approval of certificate signing requests",
        help: "restrict `approve` on `signers` to named signers with `resourceNames`",
        probes: &[
            cluster("update", "certificates.k8s.io", "certificatesigningrequests", "approval"),
            cluster("patch", "certificates.k8s.io", "certificatesigningrequests", "approval"),
            cluster("approve", "certificates.k8s.io", "signers", ""),
        ],
    }
}
