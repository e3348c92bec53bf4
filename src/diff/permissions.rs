//! Effective permissions: the rules that reach one subject, flattened into atomic grants.
//!
//! A rule `verbs × apiGroups × resources × resourceNames` (or `verbs × nonResourceURLs`) is
//! expanded into one [`Atom`] per combination. Wildcards stay as written (`*` is an atom of its
//! own), but a set is normalised by *coverage*: an atom is dropped when another atom of the
//! same scope, or a cluster-wide atom, allows every request it allows (`*` verbs cover `get`,
//! `*/scale` covers `deployments/scale`, an unnamed atom covers a named one, `/healthz/*`
//! covers `/healthz/etcd`). So adding a redundant rule changes nothing. `*` is not treated as
//! equal to an explicit list of every verb: verbs are open-ended (custom verbs, `escalate`),
//! so `*` grants strictly more than any list, and the diff shows the change.

use std::collections::BTreeMap;
use std::fmt;

use petgraph::graph::NodeIndex;

use crate::diff::subject::Identity;
use crate::discovery::group_resource_string;
use crate::model::{BindingKind, PolicyRule};
use crate::rbac::authorizer::RbacAuthorizer;

/// One atomic grant: one verb on one resource (group, resource[/subresource], optional name),
/// or one verb on one non-resource URL pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Atom {
    Resource {
        verb: String,
        api_group: String,
        /// As in the rule: `pods`, `pods/log`, `*`, `*/scale`.
        resource: String,
        /// Empty: any name.
        name: String,
    },
    Url {
        verb: String,
        path: String,
    },
}

impl Atom {
    pub fn verb(&self) -> &str {
        match self {
            Atom::Resource { verb, .. } | Atom::Url { verb, .. } => verb,
        }
    }

    /// The resource and subresource parts of a resource atom (`("pods", "log")`).
    pub fn resource_parts(&self) -> Option<(&str, &str)> {
        match self {
            Atom::Resource { resource, .. } => {
                Some(resource.split_once('/').unwrap_or((resource.as_str(), "")))
            }
            Atom::Url { .. } => None,
        }
    }

    /// How listings order atoms: resources by group, resource and name, then verb; URLs after.
    pub fn display_key(&self) -> (u8, &str, &str, &str, &str) {
        match self {
            Atom::Resource {
                verb,
                api_group,
                resource,
                name,
            } => (0, api_group, resource, name, verb),
            Atom::Url { verb, path } => (1, "", path, "", verb),
        }
    }

    /// The atom as a one-verb rule (what a lint rule checker takes).
    pub fn to_rule(&self) -> PolicyRule {
        match self {
            Atom::Resource {
                verb,
                api_group,
                resource,
                name,
            } => PolicyRule {
                verbs: vec![verb.clone().into()],
                api_groups: vec![api_group.clone().into()],
                resources: vec![resource.clone().into()],
                resource_names: if name.is_empty() {
                    Vec::new()
                } else {
                    vec![name.clone().into()]
                },
                non_resource_urls: Vec::new(),
            },
            Atom::Url { verb, path } => PolicyRule {
                verbs: vec![verb.clone().into()],
                non_resource_urls: vec![path.clone().into()],
                ..PolicyRule::default()
            },
        }
    }

    /// Whether every request `other` allows is allowed by `self`.
    pub fn covers(&self, other: &Atom) -> bool {
        match (self, other) {
            (
                Atom::Resource {
                    verb,
                    api_group,
                    resource,
                    name,
                },
                Atom::Resource {
                    verb: v2,
                    api_group: g2,
                    resource: r2,
                    name: n2,
                },
            ) => {
                (verb == "*" || verb == v2)
                    && (api_group == "*" || api_group == g2)
                    && resource_covers(resource, r2)
                    && (name.is_empty() || name == n2)
            }
            (Atom::Url { verb, path }, Atom::Url { verb: v2, path: p2 }) => {
                (verb == "*" || verb == v2) && url_covers(path, p2)
            }
            _ => false,
        }
    }

    /// Atoms that could cover `self` (itself included): the few wildcard forms of each part.
    fn coverers(&self) -> Vec<Atom> {
        let mut out = Vec::new();
        let verbs = wild(self.verb());
        match self {
            Atom::Resource {
                api_group,
                resource,
                name,
                ..
            } => {
                let mut resources = vec![resource.clone(), "*".to_string()];
                if let Some((_, sub)) = resource.split_once('/') {
                    resources.push(format!("*/{sub}"));
                }
                resources.sort();
                resources.dedup();
                let names: Vec<&str> = if name.is_empty() {
                    vec![""]
                } else {
                    vec![name.as_str(), ""]
                };
                for v in &verbs {
                    for g in wild(api_group) {
                        for r in &resources {
                            for n in &names {
                                out.push(Atom::Resource {
                                    verb: v.to_string(),
                                    api_group: g.to_string(),
                                    resource: r.clone(),
                                    name: n.to_string(),
                                });
                            }
                        }
                    }
                }
            }
            // URL patterns are checked directly (see `covered`).
            Atom::Url { .. } => {}
        }
        out
    }
}

fn wild(s: &str) -> Vec<&str> {
    if s == "*" { vec!["*"] } else { vec![s, "*"] }
}

/// `ResourceMatches` lifted to rule patterns: `*` covers everything, `*/sub` covers every
/// `x/sub`; anything else (including `pods/*`, which upstream matches literally) only itself.
pub(crate) fn resource_covers(pattern: &str, other: &str) -> bool {
    if pattern == "*" || pattern == other {
        return true;
    }
    match (pattern.strip_prefix("*/"), other.split_once('/')) {
        (Some(sub), Some((_, other_sub))) => sub == other_sub,
        _ => false,
    }
}

/// URL patterns: `*`, equal, or a `prefix*` whose prefix starts the other pattern (as a
/// pattern, `other` may itself end in `*`: `/a*` covers `/ab*`).
fn url_covers(pattern: &str, other: &str) -> bool {
    if pattern == "*" || pattern == other {
        return true;
    }
    pattern.ends_with('*') && other.starts_with(pattern.trim_end_matches('*'))
}

impl fmt::Display for Atom {
    /// In `kauthz can-i` syntax: `get secrets`, `create deployments.apps`,
    /// `create pods --subresource=exec`, `get configmaps/app-config`, `get /healthz/*`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Atom::Url { verb, path } if path == "*" => write!(f, "{verb} any non-resource URL"),
            Atom::Url { verb, path } => write!(f, "{verb} {path}"),
            Atom::Resource {
                verb,
                api_group,
                name,
                ..
            } => {
                let (resource, sub) = self.resource_parts().unwrap_or(("", ""));
                write!(f, "{verb} {}", group_resource_string(api_group, resource))?;
                if !name.is_empty() {
                    write!(f, "/{name}")?;
                }
                if !sub.is_empty() {
                    write!(f, " --subresource={sub}")?;
                }
                Ok(())
            }
        }
    }
}

/// Where an atom comes from: the first rule, in the authorizer's visit order, that grants it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Via {
    pub binding_kind: BindingKind,
    /// Position in the policy's sorted vector of bindings of that kind.
    pub binding: u32,
    pub role: NodeIndex,
    pub rule_index: usize,
}

/// A set of atoms, each with where it comes from. Normalised: no atom is covered by another.
pub type AtomSet = BTreeMap<Atom, Via>;

/// One subject's effective permissions: what it may do cluster-wide, and what it may do in
/// each namespace beyond that.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permissions {
    pub cluster: AtomSet,
    /// Only namespaces where the subject gains something beyond its cluster-wide atoms.
    pub namespaces: BTreeMap<String, AtomSet>,
}

impl Permissions {
    /// Whether `atom` is allowed cluster-wide (`namespace` empty) or in `namespace`.
    pub fn allows(&self, atom: &Atom, namespace: &str) -> bool {
        covered(atom, &self.cluster)
            || (!namespace.is_empty()
                && self
                    .namespaces
                    .get(namespace)
                    .is_some_and(|set| covered(atom, set)))
    }
}

/// Whether some atom of `set` covers `atom` (itself included).
pub fn covered(atom: &Atom, set: &AtomSet) -> bool {
    if set.is_empty() {
        return false;
    }
    if set.contains_key(atom) {
        return true;
    }
    // URL patterns may also be covered by prefixes the candidate list does not spell out
    // (`/a*` covers `/ab*`), so URLs get the exact check; resources have few wildcard forms.
    match atom {
        Atom::Resource { .. } => atom.coverers().iter().any(|c| set.contains_key(c)),
        Atom::Url { .. } => set.keys().any(|c| c.covers(atom)),
    }
}

/// Every atom of a rule. A rule with an empty verb, group or resource list grants nothing.
pub fn rule_atoms(rule: &PolicyRule) -> Vec<Atom> {
    let mut out = Vec::new();
    for verb in &rule.verbs {
        for group in &rule.api_groups {
            for resource in &rule.resources {
                if rule.resource_names.is_empty() {
                    out.push(Atom::Resource {
                        verb: verb.to_string(),
                        api_group: group.to_string(),
                        resource: resource.to_string(),
                        name: String::new(),
                    });
                }
                for name in &rule.resource_names {
                    out.push(Atom::Resource {
                        verb: verb.to_string(),
                        api_group: group.to_string(),
                        resource: resource.to_string(),
                        name: name.to_string(),
                    });
                }
            }
        }
        for path in &rule.non_resource_urls {
            out.push(Atom::Url {
                verb: verb.to_string(),
                path: path.to_string(),
            });
        }
    }
    out
}

/// The effective permissions of `identity`: its cluster-wide atoms, and for each namespace of
/// `namespaces` the atoms its RoleBindings there add. Computed from
/// [`RbacAuthorizer::rules_for`], keeping only bindings that name the identity itself (not
/// groups it may belong to). Non-resource URLs granted by a RoleBinding never match (a
/// non-resource request has no namespace) and are left out.
pub fn effective_permissions<'n>(
    rbac: &'n RbacAuthorizer,
    identity: &Identity,
    namespaces: impl IntoIterator<Item = &'n str>,
) -> Permissions {
    let keys = super::keys::effective(rbac, identity, namespaces);
    let owned = |set: &super::keys::KeySet<'_>| -> AtomSet {
        set.map.iter().map(|(k, v)| (k.to_atom(), *v)).collect()
    };
    Permissions {
        cluster: owned(&keys.cluster),
        namespaces: keys
            .namespaces
            .iter()
            .map(|(ns, set)| (ns.to_string(), owned(set)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(verb: &str, group: &str, resource: &str, name: &str) -> Atom {
        Atom::Resource {
            verb: verb.into(),
            api_group: group.into(),
            resource: resource.into(),
            name: name.into(),
        }
    }

    #[test]
    fn coverage_follows_rule_matching() {
        assert!(res("*", "", "pods", "").covers(&res("get", "", "pods", "x")));
        assert!(res("get", "*", "*", "").covers(&res("get", "apps", "deployments/scale", "")));
        assert!(res("get", "apps", "*/scale", "").covers(&res(
            "get",
            "apps",
            "deployments/scale",
            ""
        )));
        assert!(!res("get", "", "pods/*", "").covers(&res("get", "", "pods/log", "")));
        assert!(!res("get", "", "pods", "").covers(&res("get", "", "pods/log", "")));
        assert!(!res("get", "", "pods", "x").covers(&res("get", "", "pods", "")));
        let url = |v: &str, p: &str| Atom::Url {
            verb: v.into(),
            path: p.into(),
        };
        assert!(url("get", "/healthz/*").covers(&url("get", "/healthz/etcd")));
        assert!(url("get", "/a*").covers(&url("get", "/ab*")));
        assert!(!url("get", "/healthz").covers(&url("get", "/healthz/etcd")));
        // The candidate lookup agrees with the direct check.
        let mut set = AtomSet::new();
        let via = Via {
            binding_kind: BindingKind::RoleBinding,
            binding: 0,
            role: NodeIndex::new(0),
            rule_index: 0,
        };
        set.insert(res("*", "apps", "*/scale", ""), via);
        assert!(covered(
            &res("patch", "apps", "deployments/scale", "web"),
            &set
        ));
        assert!(!covered(&res("patch", "apps", "deployments", "web"), &set));
    }

    #[test]
    fn atoms_print_as_can_i_requests() {
        assert_eq!(
            res("get", "", "pods/log", "web").to_string(),
            "get pods/web --subresource=log"
        );
        assert_eq!(
            res("create", "apps", "deployments", "").to_string(),
            "create deployments.apps"
        );
        assert_eq!(res("*", "*", "*", "").to_string(), "* *.*");
    }
}
