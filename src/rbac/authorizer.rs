//! The RBAC authorizer, indexed by subject and namespace.
//!
//! Upstream visits every ClusterRoleBinding, then every RoleBinding of the request's namespace,
//! and asks each whether it applies to the user. We look the applicable bindings up instead
//! (by user name, by group, by service-account user name) and visit only those, in the same
//! order (sorted by name, the order kauthz fixes where upstream has none), so the first
//! allowing binding and the collected errors are the ones the linear visit would produce.

use std::hash::Hasher;

use petgraph::graph::NodeIndex;
use rustc_hash::FxHasher;
use smallvec::SmallVec;

use crate::decision::Verdict;
use crate::model::{BindingKind, BindingObject, Name, PolicyRule, RoleKind};
use crate::policy::PolicySet;
use crate::rbac::aggregate_error::aggregate_message;
use crate::rbac::graph::{Node, PolicyGraph};
use crate::rbac::matching::{VERB_ALL, rule_allows};
use crate::rbac::{describe_grant, first_applying_subject, subject_applies};
use crate::request::Attributes;

/// The bindings of one scope (the ClusterRoleBindings, or the RoleBindings), keyed by who
/// they name.
///
/// The keys are hashes of the names, not the names: the index then holds no copy of any
/// string (it was 7 MB of the large cluster's footprint as `HashMap<String, Vec<u32>>`).
/// A hash only proposes a binding; [`RbacAuthorizer::candidates`] keeps it only when the
/// subject the key came from applies to the user (and the binding is in the request's
/// namespace), so a collision can cost a comparison but never change an answer.
#[derive(Default)]
struct Scope {
    /// Each binding of the scope, in name order.
    entries: Box<[Entry]>,
    /// An open-addressing table of (32 bits of the hash of a user or group name, slot in
    /// `entries`, index of the subject that gives the name in its binding): a key lives at
    /// the position of its hash's top `bits` bits or after it (linear probing); 0 marks a
    /// free place. At most four fifths full, so a lookup reads a cache line or two; a
    /// sorted array with a directory of offsets read two unrelated lines, a binary search
    /// a dozen. 12 bytes a key: the large cluster's 48,000 RoleBinding subjects take 768 KiB.
    keys: Box<[(u32, u32, u32)]>,
    bits: u32,
}

/// One binding of a [`Scope`].
#[derive(Clone, Copy)]
struct Entry {
    /// Index into the policy's sorted vector of the binding's kind.
    position: u32,
    /// The node its roleRef leads to (a role, or a missing role).
    role: NodeIndex,
    /// The verbs its role's rules could grant (see [`VerbSet`]).
    verbs: VerbSet,
}

/// Which verbs a role's rules name, as two bit sets (resource rules, non-resource rules) over
/// [`verb_bit`]: a necessary condition for any of its rules to allow a request, checked from
/// the index entry before the binding, the role or a rule is read. A missing role has every
/// bit, so its error is still collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct VerbSet {
    resource: u32,
    url: u32,
}

impl VerbSet {
    const ALL: VerbSet = VerbSet {
        resource: u32::MAX,
        url: u32::MAX,
    };

    fn of(rules: &[PolicyRule]) -> VerbSet {
        let mut set = VerbSet {
            resource: 0,
            url: 0,
        };
        for rule in rules {
            // `*` in a rule matches every verb, so it sets every bit.
            let bits = rule.verbs.iter().fold(0, |bits, v| {
                bits | if v.as_str() == VERB_ALL {
                    u32::MAX
                } else {
                    verb_bit(v)
                }
            });
            if !rule.resources.is_empty() {
                set.resource |= bits;
            }
            if !rule.non_resource_urls.is_empty() {
                set.url |= bits;
            }
        }
        set
    }

    /// Whether a rule of the role could allow `a`, judged by its verb alone.
    fn may_allow(self, a: &Attributes, bit: u32) -> bool {
        let set = if a.resource_request {
            self.resource
        } else {
            self.url
        };
        set & bit != 0
    }
}

/// A verb's bit: one each for the verbs Kubernetes and its clients use, one shared by every
/// other string (so an unknown verb still reaches the exact comparison), and one for a
/// requested `*`, which only a rule's `*` matches.
fn verb_bit(verb: &str) -> u32 {
    let index = match verb {
        "get" => 0,
        "list" => 1,
        "watch" => 2,
        "create" => 3,
        "update" => 4,
        "patch" => 5,
        "delete" => 6,
        "deletecollection" => 7,
        "impersonate" => 8,
        "bind" => 9,
        "escalate" => 10,
        "use" => 11,
        "approve" => 12,
        "sign" => 13,
        "attest" => 14,
        "proxy" => 15,
        "post" => 16,
        "put" => 17,
        "head" => 18,
        "options" => 19,
        "*" => 31,
        _ => 30,
    };
    1 << index
}

/// Collects a [`Scope`].
#[derive(Default)]
struct ScopeBuilder {
    entries: Vec<Entry>,
    keys: Vec<(u64, u32, u32)>,
}

/// The 32 bits of a key's hash kept in the table: below the bits that choose its place,
/// and never 0.
fn fragment(key: u64) -> u32 {
    (key >> 8) as u32 | 1
}

const USER: u8 = 0;
const GROUP: u8 = 1;

/// The key of a user or group name among the bindings of `namespace` (`""` for the
/// ClusterRoleBindings). FxHash: a few cycles for a short name, where SipHash was a tenth of
/// eval's decision time; a collision only costs a confirming comparison.
fn name_key(tag: u8, namespace: &str, name: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write_u8(tag);
    h.write(namespace.as_bytes());
    // Not part of any namespace name: `a` + `bc` and `ab` + `c` differ.
    h.write_u8(0xff);
    h.write(name.as_bytes());
    // Places are chosen by the top bits: multiply to spread every input bit into them.
    h.finish().wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

impl ScopeBuilder {
    fn add(&mut self, position: u32, binding: &BindingObject, role: NodeIndex, verbs: VerbSet) {
        let slot = self.entries.len() as u32;
        self.entries.push(Entry {
            position,
            role,
            verbs,
        });
        let ns = binding.scope_namespace();
        let mut sa_user = String::new();
        for (i, s) in binding.subjects.iter().enumerate() {
            let key = match s.kind.as_str() {
                "User" => name_key(USER, ns, &s.name),
                "Group" => name_key(GROUP, ns, &s.name),
                "ServiceAccount" => {
                    let sa_ns = if s.namespace.is_empty() {
                        ns
                    } else {
                        &s.namespace
                    };
                    if sa_ns.is_empty() {
                        continue;
                    }
                    sa_user.clear();
                    for part in ["system:serviceaccount:", sa_ns, ":", &s.name] {
                        sa_user.push_str(part);
                    }
                    name_key(USER, ns, &sa_user)
                }
                _ => continue,
            };
            self.keys.push((key, slot, i as u32));
        }
    }

    fn build(self) -> Scope {
        let size = (self.keys.len() + self.keys.len() / 4 + 1).next_power_of_two();
        let bits = size.ilog2();
        let mask = size - 1;
        let mut table = vec![(0u32, 0u32, 0u32); size];
        for (key, slot, subject) in self.keys {
            let mut at = bucket_of(key, bits) as usize;
            while table[at].0 != 0 {
                at = (at + 1) & mask;
            }
            table[at] = (fragment(key), slot, subject);
        }
        Scope {
            entries: self.entries.into_boxed_slice(),
            keys: table.into_boxed_slice(),
            bits,
        }
    }
}

/// The hashed names of a request's user and groups in one scope (on the stack for up to 7
/// groups: eval decides a request without allocating).
struct RequestKeys {
    keys: SmallVec<[u64; 8]>,
}

impl RequestKeys {
    fn new(a: &Attributes, namespace: &str) -> Self {
        let mut keys = SmallVec::with_capacity(1 + a.groups.len());
        keys.push(name_key(USER, namespace, &a.user));
        keys.extend(a.groups.iter().map(|g| name_key(GROUP, namespace, g)));
        RequestKeys { keys }
    }
}

/// The bucket of `key` among `1 << bits`: its top bits.
fn bucket_of(key: u64, bits: u32) -> u64 {
    key.checked_shr(64 - bits).unwrap_or(0)
}

/// The rules behind a role node, or the error of a missing role.
fn rules_of<'a>(
    policy: &'a PolicySet,
    graph: &'a PolicyGraph,
    node: NodeIndex,
) -> Result<&'a [PolicyRule], &'a str> {
    match &graph.graph[node] {
        Node::Role {
            kind: RoleKind::ClusterRole,
            index,
        } => Ok(&policy.cluster_roles[*index as usize].rules),
        Node::Role {
            kind: RoleKind::Role,
            index,
        } => Ok(&policy.roles[*index as usize].rules),
        Node::MissingRole(missing) => Err(&missing.error),
        _ => Err("not a role"),
    }
}

/// Slots of the applicable bindings of one scope: a handful for almost every request.
type Slots = SmallVec<[u32; 16]>;

impl Scope {
    /// (slot, subject) of every key equal to `key`: the run of taken places from its own.
    fn proposals(&self, key: u64) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mask = self.keys.len().wrapping_sub(1);
        let mut at = bucket_of(key, self.bits) as usize;
        let wanted = fragment(key);
        std::iter::from_fn(move || {
            loop {
                let &(hash, slot, subject) = self.keys.get(at)?;
                if hash == 0 {
                    return None;
                }
                at = (at + 1) & mask;
                if hash == wanted {
                    return Some((slot, subject));
                }
            }
        })
    }
}

/// One rule that applies to a user through one binding (upstream `RulesFor`, with sources).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedRule<'a> {
    pub binding_kind: BindingKind,
    /// Position of the binding in the policy's sorted vector of its kind.
    pub binding: u32,
    /// The role node the binding's roleRef leads to.
    pub role: NodeIndex,
    /// Index of the rule in the role's rules.
    pub rule_index: usize,
    pub rule: &'a PolicyRule,
}

/// What the RBAC authorizer found for one request, for explain and for the verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RbacOutcome {
    /// Allowed by this binding, its `position` in the policy's sorted vector of its kind.
    Allowed {
        kind: BindingKind,
        position: u32,
        rule: usize,
        reason: String,
    },
    /// Not allowed; the errors of the applicable bindings with unresolvable roles, in order.
    NotAllowed { errors: Vec<String> },
}

pub struct RbacAuthorizer {
    policy: PolicySet,
    graph: PolicyGraph,
    /// The ClusterRoleBindings.
    cluster: Scope,
    /// Every RoleBinding, its keys hashed with its namespace: one table, so a request's
    /// namespace costs no lookup of its own (a map of per-namespace tables did).
    namespaced: Scope,
    /// The namespaces that have a RoleBinding, sorted.
    namespaces: Box<[Name]>,
}

impl RbacAuthorizer {
    pub fn new(policy: PolicySet) -> Self {
        let graph = PolicyGraph::build(&policy);
        // One summary per role node, computed the first time a binding leads to it.
        let mut summaries: Vec<Option<VerbSet>> = vec![None; graph.graph.node_count()];
        let mut verbs_of = |role: NodeIndex| {
            *summaries[role.index()].get_or_insert_with(|| match rules_of(&policy, &graph, role) {
                Ok(rules) => VerbSet::of(rules),
                Err(_) => VerbSet::ALL,
            })
        };
        let mut cluster = ScopeBuilder::default();
        for (i, b) in policy.cluster_role_bindings.iter().enumerate() {
            let role = graph
                .role_of(graph.cluster_role_bindings[i])
                .unwrap_or(graph.cluster_role_bindings[i]);
            cluster.add(i as u32, b, role, verbs_of(role));
        }
        let mut namespaced = ScopeBuilder::default();
        let mut namespaces: Vec<Name> = Vec::new();
        for (i, b) in policy.role_bindings.iter().enumerate() {
            let role = graph
                .role_of(graph.role_bindings[i])
                .unwrap_or(graph.role_bindings[i]);
            namespaced.add(i as u32, b, role, verbs_of(role));
            // Bindings are sorted by namespace.
            if namespaces.last() != Some(&b.meta.namespace) {
                namespaces.push(b.meta.namespace.clone());
            }
        }
        RbacAuthorizer {
            policy,
            graph,
            cluster: cluster.build(),
            namespaced: namespaced.build(),
            namespaces: namespaces.into_boxed_slice(),
        }
    }

    pub fn policy(&self) -> &PolicySet {
        &self.policy
    }

    pub fn graph(&self) -> &PolicyGraph {
        &self.graph
    }

    /// The rules behind a role node, or the error of a missing role.
    pub fn rules_of(&self, node: NodeIndex) -> Result<&[PolicyRule], &str> {
        rules_of(&self.policy, &self.graph, node)
    }

    pub fn authorize(&self, a: &Attributes) -> Verdict {
        match self.evaluate(a) {
            RbacOutcome::Allowed { reason, .. } => Verdict::allow(reason),
            RbacOutcome::NotAllowed { errors } if errors.is_empty() => Verdict::no_opinion(""),
            RbacOutcome::NotAllowed { errors } => {
                Verdict::no_opinion(format!("RBAC: {}", aggregate_message(&errors)))
            }
        }
    }

    pub fn evaluate(&self, a: &Attributes) -> RbacOutcome {
        let mut errors = Vec::new();
        let mut slots = Slots::new();
        let verb = verb_bit(&a.verb);
        for (scope, kind, namespace) in self.scopes(true, &a.namespace) {
            self.candidates(scope, kind, a, namespace, Some(verb), &mut slots);
            for &slot in &slots {
                let Entry { position, role, .. } = scope.entries[slot as usize];
                match self.rules_of(role) {
                    Err(e) => errors.push(e.to_string()),
                    Ok(rules) => {
                        if let Some(rule) = rules.iter().position(|r| rule_allows(r, a)) {
                            let binding = self.binding(kind, position);
                            let reason = first_applying_subject(binding, a)
                                .map(|s| format!("RBAC: allowed by {}", describe_grant(binding, s)))
                                .unwrap_or_default();
                            return RbacOutcome::Allowed {
                                kind,
                                position,
                                rule,
                                reason,
                            };
                        }
                    }
                }
            }
        }
        RbacOutcome::NotAllowed { errors }
    }

    /// Every rule that applies to the user and groups of `a` in `a.namespace` (cluster-wide
    /// bindings first, then the namespace's RoleBindings, each in name order), as upstream's
    /// `RulesFor` collects them for a SelfSubjectRulesReview; the second value holds the
    /// errors of bindings whose role cannot be found. Only `user`, `groups` and `namespace`
    /// of `a` are read.
    pub fn rules_for<'a>(&'a self, a: &Attributes) -> (Vec<AppliedRule<'a>>, Vec<String>) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut slots = Slots::new();
        for (scope, kind, namespace) in self.scopes(true, &a.namespace) {
            self.candidates(scope, kind, a, namespace, None, &mut slots);
            for &slot in &slots {
                let Entry { position, role, .. } = scope.entries[slot as usize];
                match self.rules_of(role) {
                    Err(e) => errors.push(e.to_string()),
                    Ok(rules) => {
                        for (rule_index, rule) in rules.iter().enumerate() {
                            out.push(AppliedRule {
                                binding_kind: kind,
                                binding: position,
                                role,
                                rule_index,
                                rule,
                            });
                        }
                    }
                }
            }
        }
        (out, errors)
    }

    /// The bindings that apply to the user and groups of `a`, in visit order, each with the
    /// node its roleRef leads to: the ClusterRoleBindings when `cluster` is set, then the
    /// RoleBindings of `namespace` (none for an empty namespace). The same index evaluation
    /// uses, so this is exactly the set upstream's visit would find applicable.
    pub fn applicable_bindings(
        &self,
        a: &Attributes,
        cluster: bool,
        namespace: &str,
    ) -> Vec<(BindingKind, u32, NodeIndex)> {
        let mut out = Vec::new();
        let mut slots = Slots::new();
        for (scope, kind, namespace) in self.scopes(cluster, namespace) {
            self.candidates(scope, kind, a, namespace, None, &mut slots);
            for &slot in &slots {
                let Entry { position, role, .. } = scope.entries[slot as usize];
                out.push((kind, position, role));
            }
        }
        out
    }

    /// Every binding of the scope of a request in `namespace` (all ClusterRoleBindings, then
    /// the namespace's RoleBindings, in name order), whoever it names, with its role node.
    pub fn bindings_in_scope(&self, namespace: &str) -> Vec<(BindingKind, u32, NodeIndex)> {
        let mut out: Vec<(BindingKind, u32, NodeIndex)> = Vec::new();
        for (i, node) in self.graph.cluster_role_bindings.iter().enumerate() {
            let role = self.graph.role_of(*node).unwrap_or(*node);
            out.push((BindingKind::ClusterRoleBinding, i as u32, role));
        }
        if !namespace.is_empty() {
            let rbs = &self.policy.role_bindings;
            let start = rbs.partition_point(|b| b.meta.namespace.as_str() < namespace);
            let end = rbs.partition_point(|b| b.meta.namespace.as_str() <= namespace);
            for i in start..end {
                let node = self.graph.role_bindings[i];
                let role = self.graph.role_of(node).unwrap_or(node);
                out.push((BindingKind::RoleBinding, i as u32, role));
            }
        }
        out
    }

    /// Slots of the bindings of `scope` that apply to the request's user, in visit order:
    /// each proposal of a hash is confirmed against the one subject it was made from. With
    /// `verb` a [`verb_bit`], bindings whose role names no such verb are left out unread
    /// (they can neither allow nor fail); `None` keeps every binding.
    fn candidates(
        &self,
        scope: &Scope,
        kind: BindingKind,
        a: &Attributes,
        namespace: &str,
        verb: Option<u32>,
        out: &mut Slots,
    ) {
        out.clear();
        for &key in &RequestKeys::new(a, namespace).keys {
            for (slot, subject) in scope.proposals(key) {
                let entry = scope.entries[slot as usize];
                if verb.is_some_and(|bit| !entry.verbs.may_allow(a, bit)) {
                    continue;
                }
                let binding = self.binding(kind, entry.position);
                // A hash may propose a binding of another namespace: confirm it is this one.
                if binding.meta.namespace != namespace {
                    continue;
                }
                if subject_applies(
                    &binding.subjects[subject as usize],
                    &a.user,
                    &a.groups,
                    namespace,
                ) {
                    out.push(slot);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Namespaces that have at least one RoleBinding, sorted.
    pub fn binding_namespaces(&self) -> Vec<&str> {
        self.namespaces.iter().map(Name::as_str).collect()
    }

    /// The scopes a request in `namespace` visits, in order, each with the namespace its
    /// bindings are in: the ClusterRoleBindings (when `cluster` is set), then the
    /// RoleBindings of `namespace` (none for a cluster-scoped request).
    fn scopes<'s, 'n>(
        &'s self,
        cluster: bool,
        namespace: &'n str,
    ) -> impl Iterator<Item = (&'s Scope, BindingKind, &'n str)> {
        let cluster = cluster.then_some((&self.cluster, BindingKind::ClusterRoleBinding, ""));
        let namespaced = (!namespace.is_empty()).then_some((
            &self.namespaced,
            BindingKind::RoleBinding,
            namespace,
        ));
        cluster.into_iter().chain(namespaced)
    }

    /// Namespaces with at least one RoleBinding that applies to `user` or one of `groups`
    /// (looked up in the index, one probe per namespace), sorted.
    pub fn namespaces_binding(&self, user: &str, groups: &[String]) -> Vec<&str> {
        let a = Attributes {
            user: user.to_string(),
            groups: groups.to_vec(),
            ..Attributes::default()
        };
        let mut slots = Slots::new();
        let mut v: Vec<&str> = Vec::new();
        for ns in &self.namespaces {
            let scope = &self.namespaced;
            self.candidates(scope, BindingKind::RoleBinding, &a, ns, None, &mut slots);
            if !slots.is_empty() {
                v.push(ns.as_str());
            }
        }
        v
    }

    pub fn binding(&self, kind: BindingKind, position: u32) -> &BindingObject {
        match kind {
            BindingKind::ClusterRoleBinding => {
                &self.policy.cluster_role_bindings[position as usize]
            }
            BindingKind::RoleBinding => &self.policy.role_bindings[position as usize],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key is found with all its (slot, subject) pairs and nothing else, including keys
    /// that share a place, runs that wrap past the end of the table, and absent keys. (The
    /// table keeps 32 bits of a hash, so keys equal there are proposed together, for the
    /// caller to confirm; these keys differ in those bits.)
    #[test]
    fn open_addressing_finds_every_key_and_only_it() {
        let top = |place: u64| place << 61; // 8 places for 6 keys (size is 8, bits 3)
        let keys: Vec<(u64, u32, u32)> = vec![
            (top(7) | 0x1000, 0, 0),
            (top(7) | 0x2000, 1, 0),
            (top(7) | 0x1000, 2, 3), // the same name in another binding
            (top(0) | 0x3000, 3, 1),
            (top(3) | 0x4000, 4, 0),
            (top(3) | 0x5000, 5, 2),
        ];
        let scope = ScopeBuilder {
            entries: Vec::new(),
            keys: keys.clone(),
        }
        .build();
        assert_eq!((scope.keys.len(), scope.bits), (8, 3));
        for &(key, _, _) in &keys {
            let mut found: Vec<(u32, u32)> = scope.proposals(key).collect();
            found.sort_unstable();
            let mut expected: Vec<(u32, u32)> = keys
                .iter()
                .filter(|k| k.0 == key)
                .map(|&(_, slot, subject)| (slot, subject))
                .collect();
            expected.sort_unstable();
            assert_eq!(found, expected, "key {key:#x}");
        }
        for absent in [top(7) | 0x6000, top(0) | 0x7000, top(5) | 0x1000] {
            assert_eq!(scope.proposals(absent).count(), 0, "key {absent:#x}");
        }
        assert_eq!(ScopeBuilder::default().build().proposals(1).count(), 0);
    }

    /// A verb summary never rules out a verb a rule would grant.
    #[test]
    fn verb_sets_cover_what_rules_grant() {
        let rule = |verbs: &[&str], resources: &[&str], urls: &[&str]| PolicyRule {
            verbs: verbs.iter().map(|v| Name::from(*v)).collect(),
            resources: resources.iter().map(|v| Name::from(*v)).collect(),
            non_resource_urls: urls.iter().map(|v| Name::from(*v)).collect(),
            ..PolicyRule::default()
        };
        let set = VerbSet::of(&[
            rule(&["get", "frobnicate"], &["pods"], &[]),
            rule(&["*"], &[], &["/healthz"]),
        ]);
        let resource = Attributes {
            resource_request: true,
            ..Attributes::default()
        };
        let url = Attributes::default();
        for (a, verb, expected) in [
            (&resource, "get", true),
            (&resource, "frobnicate", true),
            (&resource, "other-unknown", true), // shares the unknown bit: the rule decides
            (&resource, "list", false),
            (&resource, "*", false),
            (&resource, "GET", true),
            (&url, "list", true),
            (&url, "*", true),
            (&url, "anything", true),
        ] {
            assert_eq!(set.may_allow(a, verb_bit(verb)), expected, "{verb}");
        }
        assert!(VerbSet::ALL.may_allow(&resource, verb_bit("list")));
    }
}
