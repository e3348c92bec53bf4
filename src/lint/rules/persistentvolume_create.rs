//! `persistentvolume-create`: creating PersistentVolumes.

use crate::lint::probe::cluster;

security_rule! {
    /// ## What it finds
    /// A rule, held cluster-wide, that allows `create` on `persistentvolumes`.
    ///
    /// ## Why it matters
    /// A PersistentVolume can be a `hostPath` volume: a pod that claims it reads and writes the
    /// node's filesystem, the kubelet's credentials included.
    ///
    /// ## Example
    /// ```yaml
    /// - apiGroups: [""]
    ///   resources: ["persistentvolumes"]
    ///   verbs: ["create"]
    /// ```
    ///
    /// ## Instead
    /// Let a CSI provisioner create volumes from StorageClasses; users create
    /// PersistentVolumeClaims.
    PersistentvolumeCreate {
        id: "persistentvolume-create",
        level: Warning,
        summary: "creates PersistentVolumes (hostPath reaches the node)",
        what: "creating PersistentVolumes",
        help: "leave volume creation to a provisioner; grant `persistentvolumeclaims` instead",
        probes: &[cluster("create", "", "persistentvolumes", "")],
    }
}
