//! The fast path behind [`super::permissions`]: atoms borrowed from the policy (`&str`
//! parts, `Copy`), kept in hash sets with a side list of wildcard atoms, so coverage is a
//! couple of lookups plus a scan of the (few) wildcard atoms. Owned [`Atom`]s are made only
//! for what is reported.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use super::permissions::{Atom, Via, resource_covers};
use super::subject::Identity;
use crate::model::{BindingKind, PolicyRule};
use crate::rbac::authorizer::RbacAuthorizer;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Key<'a> {
    pub url: bool,
    pub verb: &'a str,
    pub group: &'a str,
    /// The resource (`pods/log`), or the URL pattern.
    pub resource: &'a str,
    pub name: &'a str,
}

impl<'a> Key<'a> {
    fn is_wild(&self) -> bool {
        self.verb == "*"
            || self.group == "*"
            || self.resource == "*"
            || (!self.url && self.resource.starts_with("*/"))
            || (self.url && self.resource.ends_with('*'))
    }

    /// As [`Atom::covers`].
    pub fn covers(&self, o: &Key<'_>) -> bool {
        if self.url != o.url || !(self.verb == "*" || self.verb == o.verb) {
            return false;
        }
        if self.url {
            return self.resource == "*"
                || self.resource == o.resource
                || (self.resource.ends_with('*')
                    && o.resource.starts_with(self.resource.trim_end_matches('*')));
        }
        (self.group == "*" || self.group == o.group)
            && resource_covers(self.resource, o.resource)
            && (self.name.is_empty() || self.name == o.name)
    }

    pub fn to_atom(self) -> Atom {
        if self.url {
            Atom::Url {
                verb: self.verb.to_string(),
                path: self.resource.to_string(),
            }
        } else {
            Atom::Resource {
                verb: self.verb.to_string(),
                api_group: self.group.to_string(),
                resource: self.resource.to_string(),
                name: self.name.to_string(),
            }
        }
    }
}

/// A set of keys. Coverage is found by looking up the few wildcard forms that could cover a
/// key (`*` verb, `*` group, `*` or `*/sub` resource, any name); URL patterns, whose
/// coverers are prefixes, are scanned.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeySet<'a> {
    pub map: HashMap<Key<'a>, Via>,
    url_wild: Vec<Key<'a>>,
    /// Whether any resource key has a `*` verb, group or resource (else only names can cover).
    resource_wild: bool,
    /// Whether any resource key's resource is `*/sub`.
    subresource_wild: bool,
}

impl<'a> KeySet<'a> {
    pub(crate) fn insert(&mut self, k: Key<'a>, via: Via) {
        if let std::collections::hash_map::Entry::Vacant(e) = self.map.entry(k) {
            e.insert(via);
            if k.is_wild() {
                if k.url {
                    self.url_wild.push(k);
                } else {
                    self.resource_wild = true;
                    self.subresource_wild |= k.resource.starts_with("*/");
                }
            }
        }
    }

    /// Whether some key of the set (itself included) covers `k`.
    pub fn covers(&self, k: &Key<'_>) -> bool {
        !self.map.is_empty() && (self.contains(k) || self.covered_by_other(k))
    }

    fn contains(&self, k: &Key<'_>) -> bool {
        // The two sides of a diff borrow from different policies; `Key` is covariant, so both
        // shorten to the common lifetime here.
        fn get<'s>(m: &HashMap<Key<'s>, Via>, k: &Key<'s>) -> bool {
            m.contains_key(k)
        }
        get(&self.map, k)
    }

    /// Whether a key other than `k` covers it.
    fn covered_by_other(&self, k: &Key<'_>) -> bool {
        if k.url {
            return self.url_wild.iter().any(|w| w != k && w.covers(k));
        }
        if !k.name.is_empty() && self.contains(&Key { name: "", ..*k }) {
            return true;
        }
        if !self.resource_wild {
            return false;
        }
        let sub_pattern = match k.resource.split_once('/') {
            Some((_, sub)) if self.subresource_wild => Some(format!("*/{sub}")),
            _ => None,
        };
        let verbs: &[&str] = if k.verb == "*" {
            &["*"]
        } else {
            &[k.verb, "*"]
        };
        let groups: &[&str] = if k.group == "*" {
            &["*"]
        } else {
            &[k.group, "*"]
        };
        let mut resources: Vec<&str> = vec![k.resource];
        if k.resource != "*" {
            resources.push("*");
        }
        if let Some(p) = &sub_pattern
            && p != k.resource
        {
            resources.push(p);
        }
        let names: &[&str] = if k.name.is_empty() {
            &[""]
        } else {
            &[k.name, ""]
        };
        for verb in verbs {
            for group in groups {
                for resource in &resources {
                    for name in names {
                        let c = Key {
                            url: false,
                            verb,
                            group,
                            resource,
                            name,
                        };
                        if c != *k && self.contains(&c) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// Keeps only keys covered by no other key of the set and not by `outer`.
    pub(crate) fn normalise(self, outer: Option<&KeySet<'_>>) -> KeySet<'a> {
        let mut out = KeySet::default();
        for (k, via) in &self.map {
            if outer.is_some_and(|o| o.covers(k)) || self.covered_by_other(k) {
                continue;
            }
            out.insert(*k, *via);
        }
        out
    }

    /// The resource keys of the set (URL keys dropped).
    pub(crate) fn without_urls(&self) -> KeySet<'a> {
        let mut out = KeySet::default();
        for (k, via) in self.map.iter().filter(|(k, _)| !k.url) {
            out.insert(*k, *via);
        }
        out
    }

    pub fn sorted(&self) -> Vec<(Key<'a>, Via)> {
        let mut v: Vec<(Key<'a>, Via)> = self.map.iter().map(|(k, v)| (*k, *v)).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

/// One identity's permissions, borrowed from the policy.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyPerms<'a> {
    pub cluster: KeySet<'a>,
    pub namespaces: BTreeMap<&'a str, KeySet<'a>>,
}

pub(crate) fn rule_keys<'a>(rule: &'a PolicyRule, with_urls: bool, mut f: impl FnMut(Key<'a>)) {
    for verb in &rule.verbs {
        for group in &rule.api_groups {
            for resource in &rule.resources {
                if rule.resource_names.is_empty() {
                    f(Key {
                        url: false,
                        verb,
                        group,
                        resource,
                        name: "",
                    });
                }
                for name in &rule.resource_names {
                    f(Key {
                        url: false,
                        verb,
                        group,
                        resource,
                        name,
                    });
                }
            }
        }
        if with_urls {
            for path in &rule.non_resource_urls {
                f(Key {
                    url: true,
                    verb,
                    group: "",
                    resource: path,
                    name: "",
                });
            }
        }
    }
}

fn collect<'a>(rbac: &'a RbacAuthorizer, identity: &Identity, namespace: &str) -> KeySet<'a> {
    let mut set = KeySet::default();
    let (rules, _) = rbac.rules_for(&identity.attributes(namespace));
    let wanted_kind = if namespace.is_empty() {
        BindingKind::ClusterRoleBinding
    } else {
        BindingKind::RoleBinding
    };
    let mut last_binding: Option<(u32, bool)> = None;
    for applied in rules {
        if applied.binding_kind != wanted_kind {
            continue;
        }
        let named = match last_binding {
            Some((b, named)) if b == applied.binding => named,
            _ => {
                let named =
                    identity.is_named_by(rbac.binding(applied.binding_kind, applied.binding));
                last_binding = Some((applied.binding, named));
                named
            }
        };
        if !named {
            continue;
        }
        let via = Via {
            binding_kind: applied.binding_kind,
            binding: applied.binding,
            role: applied.role,
            rule_index: applied.rule_index,
        };
        // Non-resource URLs from a RoleBinding never match: a URL request has no namespace.
        rule_keys(applied.rule, namespace.is_empty(), |k| set.insert(k, via));
    }
    set
}

/// See [`super::permissions::effective_permissions`].
pub(crate) fn effective<'a>(
    rbac: &'a RbacAuthorizer,
    identity: &Identity,
    namespaces: impl IntoIterator<Item = &'a str>,
) -> KeyPerms<'a> {
    let cluster = collect(rbac, identity, "").normalise(None);
    let wanted: BTreeSet<&str> = namespaces.into_iter().filter(|n| !n.is_empty()).collect();
    let mut out = BTreeMap::new();
    for ns in wanted {
        let set = collect(rbac, identity, ns).normalise(Some(&cluster));
        if !set.map.is_empty() {
            out.insert(ns, set);
        }
    }
    KeyPerms {
        cluster,
        namespaces: out,
    }
}
