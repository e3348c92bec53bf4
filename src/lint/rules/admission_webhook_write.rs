//! `admission-webhook-write`: writing admission webhooks and policies.

use crate::lint::probe::cluster;

const G: &str = "admissionregistration.k8s.io";

security_rule! {
    /// ## What it finds
    /// A rule, held cluster-wide, that allows `create`, `update`, `patch` or `delete` on
    /// mutating or validating webhook configurations, or on validating/mutating admission
    /// policies and their bindings.
    ///
    /// ## Why it matters
    /// A mutating webhook sees, and may change, every object written to the cluster, Secrets
    /// included; deleting a validating one switches a safeguard off.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: ["admissionregistration.k8s.io"]
    ///   resources: ["mutatingwebhookconfigurations"]
    ///   verbs: ["create", "update"]
    /// ```
    ///
    /// ## Instead
    /// Controllers that patch their own webhook's CA bundle need `update`/`patch` on that one
    /// object: name it in `resourceNames` (reported one level lower).
    AdmissionWebhookWrite {
        id: "admission-webhook-write",
        level: Error,
        summary: "writes admission webhooks or policies",
        what: "write access to admission webhooks or policies",
        help: "restrict it to the controller's own webhook with `resourceNames`",
        probes: &[
            cluster("create", G, "mutatingwebhookconfigurations", ""),
            cluster("update", G, "mutatingwebhookconfigurations", ""),
            cluster("patch", G, "mutatingwebhookconfigurations", ""),
            cluster("delete", G, "mutatingwebhookconfigurations", ""),
            cluster("create", G, "validatingwebhookconfigurations", ""),
            cluster("update", G, "validatingwebhookconfigurations", ""),
            cluster("patch", G, "validatingwebhookconfigurations", ""),
            cluster("delete", G, "validatingwebhookconfigurations", ""),
            cluster("create", G, "validatingadmissionpolicies", ""),
            cluster("update", G, "validatingadmissionpolicies", ""),
            cluster("delete", G, "validatingadmissionpolicies", ""),
            cluster("create", G, "validatingadmissionpolicybindings", ""),
            cluster("delete", G, "validatingadmissionpolicybindings", ""),
            cluster("create", G, "mutatingadmissionpolicies", ""),
            cluster("update", G, "mutatingadmissionpolicies", ""),
            cluster("create", G, "mutatingadmissionpolicybindings", ""),
        ],
    }
}
