//! The policy objects kauthz reasons about: RBAC roles, bindings and their rules, as loaded.
//!
//! These are plain data. Every object remembers where it came from (`Origin`) so later stages
//! (lint, explain) can point at the exact YAML node. Nothing here reads files or prints.

use std::collections::BTreeMap;
use std::fmt;

pub use crate::name::Name;

/// Index of a source in [`crate::loader::Sources`]; `u32::MAX` marks built-in objects.
pub type SourceId = u32;

/// Where a value was written: a source file, a byte span, and the 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    pub source: SourceId,
    pub offset: u32,
    pub len: u32,
    pub line: u32,
    pub column: u32,
}

impl Origin {
    /// The origin of objects that come from kauthz's built-in default policy.
    pub const BUILTIN: Origin = Origin {
        source: SourceId::MAX,
        offset: 0,
        len: 0,
        line: 0,
        column: 0,
    };

    pub fn is_builtin(&self) -> bool {
        self.source == SourceId::MAX
    }
}

/// One rule of a Role or ClusterRole (`rbac.authorization.k8s.io/v1` PolicyRule).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PolicyRule {
    pub verbs: Vec<Name>,
    pub api_groups: Vec<Name>,
    pub resources: Vec<Name>,
    pub resource_names: Vec<Name>,
    pub non_resource_urls: Vec<Name>,
}

impl PolicyRule {
    /// A resource rule from string lists, for unit tests.
    #[cfg(test)]
    pub(crate) fn resource(
        verbs: &[&str],
        groups: &[&str],
        resources: &[&str],
        names: &[&str],
    ) -> PolicyRule {
        let v = |xs: &[&str]| xs.iter().map(|s| Name::from(*s)).collect();
        PolicyRule {
            verbs: v(verbs),
            api_groups: v(groups),
            resources: v(resources),
            resource_names: v(names),
            non_resource_urls: vec![],
        }
    }

    /// Semantic equality as the aggregation controller uses it (`equality.Semantic.DeepEqual`):
    /// a missing list and an empty list are the same, which our representation already folds.
    pub fn semantically_equal(&self, other: &PolicyRule) -> bool {
        self == other
    }
}

/// The two kinds of role objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleKind {
    Role,
    ClusterRole,
}

impl RoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Role => "Role",
            RoleKind::ClusterRole => "ClusterRole",
        }
    }
}

impl fmt::Display for RoleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The two kinds of binding objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BindingKind {
    RoleBinding,
    ClusterRoleBinding,
}

impl BindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BindingKind::RoleBinding => "RoleBinding",
            BindingKind::ClusterRoleBinding => "ClusterRoleBinding",
        }
    }
}

impl fmt::Display for BindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The parts of `metadata` that matter to authorization and to reporting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectMeta {
    pub name: Name,
    /// Empty for cluster-scoped objects.
    pub namespace: Name,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// Where the object (its document or list item) starts.
    pub origin: Origin,
}

/// A label selector (`metav1.LabelSelector`) as used by `aggregationRule.clusterRoleSelectors`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelectorRequirement {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

/// `aggregationRule` of a ClusterRole.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AggregationRule {
    pub cluster_role_selectors: Vec<LabelSelector>,
}

/// A Role or a ClusterRole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleObject {
    pub kind: RoleKind,
    pub meta: ObjectMeta,
    pub rules: Vec<PolicyRule>,
    /// Origin of each rule, parallel to `rules` (built-in rules carry [`Origin::BUILTIN`]).
    pub rule_origins: Vec<Origin>,
    /// Only ClusterRoles have one.
    pub aggregation_rule: Option<AggregationRule>,
}

/// A subject of a binding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    pub kind: Name,
    pub api_group: Name,
    pub name: Name,
    pub namespace: Name,
}

/// `roleRef` of a binding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleRef {
    pub api_group: Name,
    pub kind: Name,
    pub name: Name,
}

/// A RoleBinding or a ClusterRoleBinding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindingObject {
    pub kind: BindingKind,
    pub meta: ObjectMeta,
    pub subjects: Vec<Subject>,
    pub role_ref: RoleRef,
    /// Origin of each subject, parallel to `subjects`.
    pub subject_origins: Vec<Origin>,
    pub role_ref_origin: Origin,
}

impl BindingObject {
    /// The namespace the binding grants in, which its ServiceAccount subjects without a
    /// namespace default to: the RoleBinding's own, none (`""`) for a ClusterRoleBinding.
    pub fn scope_namespace(&self) -> &str {
        match self.kind {
            BindingKind::ClusterRoleBinding => "",
            BindingKind::RoleBinding => self.meta.namespace.as_str(),
        }
    }
}

/// A CustomResourceDefinition, reduced to what resource discovery needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomResource {
    pub group: String,
    /// Served versions, storage version first where known.
    pub versions: Vec<String>,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub namespaced: bool,
    /// Subresources declared by the CRD (`status`, `scale`).
    pub subresources: Vec<String>,
    pub origin: Origin,
}

/// A ServiceAccount seen in the input (lint uses these; evaluation does not need them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceAccount {
    pub namespace: Name,
    pub name: Name,
    pub origin: Origin,
}
