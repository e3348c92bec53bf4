//! The policy set: every RBAC object in force, after replacement and aggregation.
//!
//! Objects are added in a defined order (built-ins first, then the user's input in command-line
//! order, files in path order, documents in file order); the same kind, namespace and name
//! added again replaces the earlier object, as `kubectl apply` of the later file would.
//! Storage is sorted so every listing is deterministic.

use std::collections::{BTreeMap, HashMap};

use crate::model::{
    BindingKind, BindingObject, CustomResource, Name, Origin, RoleKind, RoleObject, ServiceAccount,
};
use crate::rbac::aggregation::{AggregationReport, settle};

/// A later object that replaced an earlier one with the same kind, namespace and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replacement {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub replaced: Origin,
    pub winner: Origin,
}

/// Collects objects in order; [`PolicyBuilder::build`] settles them into a [`PolicySet`].
#[derive(Default)]
pub struct PolicyBuilder {
    // Boxed: a B-tree node holds eleven values, and inline objects made the builder's nodes
    // (built for every load, dropped at `build`) a tenth of the large cluster's peak memory.
    roles: BTreeMap<(RoleKind, Name, Name), Box<RoleObject>>,
    bindings: BTreeMap<(BindingKind, Name, Name), Box<BindingObject>>,
    crds: BTreeMap<(String, String), CustomResource>,
    service_accounts: BTreeMap<(Name, Name), ServiceAccount>,
    replacements: Vec<Replacement>,
}

impl PolicyBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add_role(&mut self, role: RoleObject) {
        self.add_role_boxed(Box::new(role));
    }

    /// As [`PolicyBuilder::add_role`], for a role the loader already boxed.
    pub fn add_role_boxed(&mut self, role: Box<RoleObject>) {
        let key = (
            role.kind,
            role.meta.namespace.clone(),
            role.meta.name.clone(),
        );
        let winner = role.meta.origin;
        if let Some(old) = self.roles.insert(key, role) {
            self.note_replacement(old.kind.as_str(), &old.meta, winner);
        }
    }

    pub fn add_binding(&mut self, binding: BindingObject) {
        self.add_binding_boxed(Box::new(binding));
    }

    /// As [`PolicyBuilder::add_binding`], for a binding the loader already boxed.
    pub fn add_binding_boxed(&mut self, binding: Box<BindingObject>) {
        let key = (
            binding.kind,
            binding.meta.namespace.clone(),
            binding.meta.name.clone(),
        );
        let winner = binding.meta.origin;
        if let Some(old) = self.bindings.insert(key, binding) {
            self.note_replacement(old.kind.as_str(), &old.meta, winner);
        }
    }

    pub fn add_crd(&mut self, crd: CustomResource) {
        self.crds
            .insert((crd.group.clone(), crd.plural.clone()), crd);
    }

    pub fn add_service_account(&mut self, sa: ServiceAccount) {
        self.service_accounts
            .insert((sa.namespace.clone(), sa.name.clone()), sa);
    }

    fn note_replacement(
        &mut self,
        kind: &'static str,
        old: &crate::model::ObjectMeta,
        winner: Origin,
    ) {
        // Built-ins replaced by the user's objects are the point of the layering, not news.
        if old.origin.is_builtin() {
            return;
        }
        self.replacements.push(Replacement {
            kind,
            namespace: old.namespace.to_string(),
            name: old.name.to_string(),
            replaced: old.origin,
            winner,
        });
    }

    pub fn build(self) -> PolicySet {
        let mut cluster_roles: BTreeMap<String, RoleObject> = BTreeMap::new();
        // Sized exactly: growing by doubling left up to half of each vector unused.
        let role_count = self
            .roles
            .keys()
            .filter(|(kind, _, _)| *kind == RoleKind::Role)
            .count();
        let mut roles: Vec<RoleObject> = Vec::with_capacity(role_count);
        for ((kind, _, name), role) in self.roles {
            match kind {
                RoleKind::ClusterRole => {
                    cluster_roles.insert(name.to_string(), *role);
                }
                RoleKind::Role => roles.push(*role),
            }
        }
        let aggregation = settle(&mut cluster_roles);
        let cluster_roles: Vec<RoleObject> = cluster_roles.into_values().collect();
        let cluster_binding_count = self
            .bindings
            .keys()
            .filter(|(kind, _, _)| *kind == BindingKind::ClusterRoleBinding)
            .count();
        let mut cluster_role_bindings = Vec::with_capacity(cluster_binding_count);
        let mut role_bindings = Vec::with_capacity(self.bindings.len() - cluster_binding_count);
        for ((kind, _, _), b) in self.bindings {
            match kind {
                BindingKind::ClusterRoleBinding => cluster_role_bindings.push(*b),
                BindingKind::RoleBinding => role_bindings.push(*b),
            }
        }
        let cluster_role_index = cluster_roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.meta.name.clone(), i as u32))
            .collect();
        PolicySet {
            cluster_roles,
            roles,
            cluster_role_bindings,
            role_bindings,
            crds: self.crds.into_values().collect(),
            service_accounts: self.service_accounts.into_values().collect(),
            replacements: self.replacements,
            aggregation,
            cluster_role_index,
        }
    }
}

/// Every object in force, sorted: ClusterRoles by name, Roles by namespace then name,
/// ClusterRoleBindings by name, RoleBindings by namespace then name.
#[derive(Debug, Default)]
pub struct PolicySet {
    pub cluster_roles: Vec<RoleObject>,
    pub roles: Vec<RoleObject>,
    pub cluster_role_bindings: Vec<BindingObject>,
    pub role_bindings: Vec<BindingObject>,
    pub crds: Vec<CustomResource>,
    pub service_accounts: Vec<ServiceAccount>,
    pub replacements: Vec<Replacement>,
    pub aggregation: AggregationReport,
    cluster_role_index: HashMap<Name, u32>,
}

impl PolicySet {
    pub fn cluster_role(&self, name: &str) -> Option<&RoleObject> {
        self.cluster_role_index
            .get(name)
            .map(|&i| &self.cluster_roles[i as usize])
    }

    pub fn role(&self, namespace: &str, name: &str) -> Option<&RoleObject> {
        self.role_position(namespace, name)
            .map(|i| &self.roles[i as usize])
    }

    pub fn cluster_role_position(&self, name: &str) -> Option<u32> {
        self.cluster_role_index.get(name).copied()
    }

    /// Roles are stored sorted by namespace, then name, so a lookup is a binary search over
    /// borrowed strings (no key to build: the graph asks once per RoleBinding).
    pub fn role_position(&self, namespace: &str, name: &str) -> Option<u32> {
        self.roles
            .binary_search_by(|r| {
                (r.meta.namespace.as_str(), r.meta.name.as_str()).cmp(&(namespace, name))
            })
            .ok()
            .map(|i| i as u32)
    }

    pub fn object_count(&self) -> usize {
        self.cluster_roles.len()
            + self.roles.len()
            + self.cluster_role_bindings.len()
            + self.role_bindings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectMeta;

    fn role(namespace: &str, name: &str) -> RoleObject {
        RoleObject {
            kind: RoleKind::Role,
            meta: ObjectMeta {
                name: name.into(),
                namespace: namespace.into(),
                ..ObjectMeta::default()
            },
            rules: Vec::new(),
            rule_origins: Vec::new(),
            aggregation_rule: None,
        }
    }

    #[test]
    fn roles_are_found_by_namespace_and_name_whatever_the_order_added() {
        let mut b = PolicyBuilder::new();
        for (ns, name) in [("b", "r"), ("a", "z"), ("a", "r"), ("c", "a"), ("b", "a")] {
            b.add_role(role(ns, name));
        }
        let p = b.build();
        for (ns, name) in [("a", "r"), ("a", "z"), ("b", "a"), ("b", "r"), ("c", "a")] {
            let found = p
                .role(ns, name)
                .map(|r| (r.meta.namespace.as_str(), r.meta.name.as_str()));
            assert_eq!(found, Some((ns, name)));
        }
        assert!(p.role("a", "a").is_none());
        assert!(p.role("d", "r").is_none());
        assert!(p.role("", "r").is_none());
    }
}
