//! `who-can`: every subject named in the policy that may make a request.
//!
//! Definition (what the property tests check): a subject is listed iff a request made by
//! exactly that subject ([`SubjectRef::identity`]: the user alone, a placeholder member of
//! the group alone, or the service account's user alone) is allowed by the chain. Groups a
//! real user also carries (`system:authenticated`, `system:serviceaccounts`, ...) are listed
//! as subjects of their own and called out, rather than folded into every user.
//!
//! Computation: instead of evaluating the request once per subject, each binding in scope is
//! visited once, its role's rules are matched once per role (memoised), and every subject of
//! a granting binding is recorded with the grant. ABAC lines are matched with the request's
//! user-independent attributes. `system:masters` is always listed (the chain's first
//! authorizer), and an `AlwaysAllow` mode lets everyone.

use std::collections::{BTreeMap, HashMap};

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::chain::{Mode, SYSTEM_MASTERS};
use crate::engine::Workspace;
use crate::model::{BindingKind, BindingObject, Subject};
use crate::query::{IdentityKey, SubjectRef};
use crate::rbac::matching::rule_allows;
use crate::request::Attributes;

/// One object a grant goes through, with where it is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
    /// `path:line:column`, or `built-in` for the default policy's objects.
    pub source: String,
}

impl ObjectRef {
    /// `Kind ns/name` or `Kind name`.
    pub fn display(&self) -> String {
        if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// Why a subject is allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "authorizer", rename_all_fields = "camelCase")]
pub enum Grant {
    /// The privileged-group authorizer that runs before the modes.
    #[serde(rename = "system:masters")]
    Masters,
    #[serde(rename = "AlwaysAllow")]
    AlwaysAllow,
    #[serde(rename = "RBAC")]
    Rbac {
        binding: ObjectRef,
        role: ObjectRef,
        /// Index of the first rule of the role that matches; `None` never occurs for a grant
        /// but keeps the shape stable.
        rule: usize,
        /// Where the role's matching rule is written.
        rule_source: String,
    },
    #[serde(rename = "ABAC")]
    Abac {
        /// `path:line` of the policy line.
        source: String,
        line: u32,
        /// Set when the line names both a user and a group: the user is allowed only when
        /// the request also carries this group.
        #[serde(skip_serializing_if = "Option::is_none")]
        requires_group: Option<String>,
    },
}

impl Grant {
    /// `binding → role` in a few words, for tables.
    pub fn summary(&self) -> String {
        match self {
            Grant::Masters => "system:masters authorizer".into(),
            Grant::AlwaysAllow => "AlwaysAllow mode".into(),
            Grant::Rbac { binding, role, .. } => {
                format!("{} → {}", binding.display(), role.display())
            }
            Grant::Abac {
                line,
                requires_group,
                ..
            } => match requires_group {
                Some(g) => format!("ABAC line {line} (with group {g})"),
                None => format!("ABAC line {line}"),
            },
        }
    }

    /// Where the grant is written.
    pub fn source(&self) -> &str {
        match self {
            Grant::Masters | Grant::AlwaysAllow => "built-in",
            Grant::Rbac { binding, .. } => &binding.source,
            Grant::Abac { source, .. } => source,
        }
    }
}

/// A subject that is allowed, with every grant that allows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Allowed {
    pub subject: SubjectRef,
    /// For groups that stand for many identities (`system:authenticated`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub grants: Vec<Grant>,
}

/// Who may make one request. Subjects sorted by kind, namespace, name; grants in chain order
/// (system:masters, then the modes; ClusterRoleBindings, then RoleBindings, each by name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    /// The request's namespace; empty for a cluster-scoped request or one across all
    /// namespaces.
    pub namespace: String,
    pub subjects: Vec<Allowed>,
}

/// The answer of `who-can`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WhoCan {
    /// The request without a user.
    pub request: RequestView,
    /// One section for a single namespace (or a cluster-scoped request); with `-A`, the
    /// cluster-wide section (grants that hold in every namespace) first, then one section per
    /// namespace with the grants that hold only there.
    pub sections: Vec<Section>,
    /// `AlwaysAllow` is in the chain: every request is allowed, whoever makes it.
    pub everyone: bool,
}

/// The attributes of the request, as printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    pub verb: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub api_group: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subresource: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
}

impl RequestView {
    pub fn of(a: &Attributes) -> Self {
        RequestView {
            verb: a.verb.clone(),
            api_group: a.api_group.clone(),
            resource: a.resource.clone(),
            subresource: a.subresource.clone(),
            name: a.name.clone(),
            namespace: a.namespace.clone(),
            path: a.path.clone(),
        }
    }

    /// `deployments.apps/name`, `pods/log`, or the URL.
    pub fn target(&self) -> String {
        if !self.path.is_empty() || self.resource.is_empty() {
            return self.path.clone();
        }
        let mut s = self.resource.clone();
        if !self.api_group.is_empty() {
            s = format!("{s}.{}", self.api_group);
        }
        if !self.subresource.is_empty() {
            s = format!("{s} (subresource {})", self.subresource);
        }
        if !self.name.is_empty() {
            s = format!("{s} named {}", self.name);
        }
        s
    }
}

/// Which bindings a pass visits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// ClusterRoleBindings, plus the RoleBindings of the request's namespace.
    Request,
    /// ClusterRoleBindings only.
    ClusterOnly,
    /// The RoleBindings of the request's namespace only.
    NamespaceOnly,
}

/// Who may make `a` (its user and groups are ignored).
pub fn who_can(ws: &Workspace, a: &Attributes) -> WhoCan {
    let mut finder = Finder::new(ws, a);
    let section = finder.section(&a.namespace, Scope::Request);
    WhoCan {
        request: RequestView::of(a),
        sections: vec![section],
        everyone: ws.chain.modes().contains(&Mode::AlwaysAllow),
    }
}

/// `-A`: who may make `a` across all namespaces (the request without a namespace; only
/// cluster-wide grants count, and they hold in every namespace), then, per namespace that
/// has RoleBindings or namespaced ABAC lines, who may make it only there.
pub fn who_can_all_namespaces(ws: &Workspace, a: &Attributes) -> WhoCan {
    let mut finder = Finder::new(ws, a);
    let mut sections = vec![finder.section("", Scope::ClusterOnly)];
    let mut namespaces: Vec<&str> = ws.chain.rbac().binding_namespaces();
    if let Some(abac) = ws.chain.abac() {
        namespaces.extend(
            abac.rules
                .iter()
                .map(|r| r.namespace.as_str())
                .filter(|n| !n.is_empty() && *n != "*"),
        );
    }
    namespaces.sort_unstable();
    namespaces.dedup();
    for ns in namespaces {
        let s = finder.section(ns, Scope::NamespaceOnly);
        if !s.subjects.is_empty() {
            sections.push(s);
        }
    }
    WhoCan {
        request: RequestView {
            namespace: String::new(),
            ..RequestView::of(a)
        },
        sections,
        everyone: ws.chain.modes().contains(&Mode::AlwaysAllow),
    }
}

/// Visits bindings and ABAC lines for one request shape, remembering which roles match.
struct Finder<'w> {
    ws: &'w Workspace,
    a: Attributes,
    /// Role node → index of its first rule allowing the request (`None`: no rule does, or
    /// the role is missing).
    roles: HashMap<NodeIndex, Option<usize>>,
}

impl<'w> Finder<'w> {
    fn new(ws: &'w Workspace, a: &Attributes) -> Self {
        Finder {
            ws,
            a: a.clone(),
            roles: HashMap::new(),
        }
    }

    fn role_rule(&mut self, role: NodeIndex) -> Option<usize> {
        let rbac = self.ws.chain.rbac();
        let a = &self.a;
        *self.roles.entry(role).or_insert_with(|| {
            rbac.rules_of(role)
                .ok()
                .and_then(|rules| rules.iter().position(|r| rule_allows(r, a)))
        })
    }

    fn section(&mut self, namespace: &str, scope: Scope) -> Section {
        self.a.namespace = namespace.to_string();
        let mut found: BTreeMap<IdentityKey, (Vec<SubjectRef>, Vec<Grant>)> = BTreeMap::new();
        let modes: Vec<Mode> = self.ws.chain.modes().to_vec();
        if scope != Scope::NamespaceOnly {
            let masters = SubjectRef::group(SYSTEM_MASTERS);
            found
                .entry(masters.key())
                .or_default()
                .0
                .push(masters.clone());
            found
                .entry(masters.key())
                .or_default()
                .1
                .push(Grant::Masters);
        }
        for mode in modes {
            match mode {
                Mode::Rbac => self.rbac(namespace, scope, &mut found),
                Mode::Abac => self.abac(scope, &mut found),
                _ => {}
            }
        }
        let graph = self.ws.chain.rbac().graph();
        let mut subjects: BTreeMap<SubjectRef, Vec<Grant>> = BTreeMap::new();
        for (key, (mut named, grants)) in found {
            // The same identity under its other name (a User `system:serviceaccount:ns:n` and
            // the ServiceAccount ns/n), when some binding names it so.
            for alt in key.subjects() {
                let as_subject = Subject {
                    kind: alt.kind.clone(),
                    api_group: String::new(),
                    name: alt.name.clone(),
                    namespace: alt.namespace.clone(),
                };
                if graph.subject_node(&as_subject).is_some() {
                    named.push(alt);
                }
            }
            named.sort();
            named.dedup();
            for s in named {
                subjects
                    .entry(s)
                    .or_default()
                    .extend(grants.iter().cloned());
            }
        }
        Section {
            namespace: namespace.to_string(),
            subjects: subjects
                .into_iter()
                .map(|(subject, grants)| Allowed {
                    note: subject.everyone_note(),
                    subject,
                    grants,
                })
                .collect(),
        }
    }

    fn rbac(
        &mut self,
        namespace: &str,
        scope: Scope,
        found: &mut BTreeMap<IdentityKey, (Vec<SubjectRef>, Vec<Grant>)>,
    ) {
        let rbac = self.ws.chain.rbac();
        let policy = rbac.policy();
        let graph = rbac.graph();
        if scope != Scope::NamespaceOnly {
            for (i, b) in policy.cluster_role_bindings.iter().enumerate() {
                let node = graph.cluster_role_bindings[i];
                if let Some(role) = graph.role_of(node)
                    && let Some(rule) = self.role_rule(role)
                {
                    self.record(b, role, rule, found);
                }
            }
        }
        if scope != Scope::ClusterOnly && !namespace.is_empty() {
            let list = &policy.role_bindings;
            let start = list.partition_point(|b| b.meta.namespace.as_str() < namespace);
            let end = list.partition_point(|b| b.meta.namespace.as_str() <= namespace);
            for (i, b) in list.iter().enumerate().take(end).skip(start) {
                let node = graph.role_bindings[i];
                if let Some(role) = graph.role_of(node)
                    && let Some(rule) = self.role_rule(role)
                {
                    self.record(b, role, rule, found);
                }
            }
        }
    }

    fn record(
        &self,
        b: &BindingObject,
        role: NodeIndex,
        rule: usize,
        found: &mut BTreeMap<IdentityKey, (Vec<SubjectRef>, Vec<Grant>)>,
    ) {
        let ns = match b.kind {
            BindingKind::ClusterRoleBinding => "",
            BindingKind::RoleBinding => b.meta.namespace.as_str(),
        };
        let grant = self.rbac_grant(b, role, rule);
        let mut keys_done: Vec<IdentityKey> = Vec::new();
        for s in &b.subjects {
            let Some(subject) = SubjectRef::from_binding_subject(s, ns) else {
                continue;
            };
            let key = subject.key();
            let entry = found.entry(key.clone()).or_default();
            entry.0.push(subject);
            // A binding that names the same identity twice grants once.
            if !keys_done.contains(&key) {
                entry.1.push(grant.clone());
                keys_done.push(key);
            }
        }
    }

    fn rbac_grant(&self, b: &BindingObject, role: NodeIndex, rule: usize) -> Grant {
        let ws = self.ws;
        let policy = ws.chain.rbac().policy();
        let binding = ObjectRef {
            kind: b.kind.as_str().into(),
            namespace: b.meta.namespace.clone(),
            name: b.meta.name.clone(),
            source: ws.locate(&b.meta.origin),
        };
        let (role, rule_source) = match &ws.chain.rbac().graph().graph[role] {
            crate::rbac::graph::Node::Role { kind, index } => {
                let r = match kind {
                    crate::model::RoleKind::ClusterRole => &policy.cluster_roles[*index as usize],
                    crate::model::RoleKind::Role => &policy.roles[*index as usize],
                };
                let rule_source = r
                    .rule_origins
                    .get(rule)
                    .map(|o| ws.locate(o))
                    .unwrap_or_else(|| ws.locate(&r.meta.origin));
                (
                    ObjectRef {
                        kind: kind.as_str().into(),
                        namespace: r.meta.namespace.clone(),
                        name: r.meta.name.clone(),
                        source: ws.locate(&r.meta.origin),
                    },
                    rule_source,
                )
            }
            _ => (
                ObjectRef {
                    kind: b.role_ref.kind.clone(),
                    namespace: String::new(),
                    name: b.role_ref.name.clone(),
                    source: String::new(),
                },
                String::new(),
            ),
        };
        Grant::Rbac {
            binding,
            role,
            rule,
            rule_source,
        }
    }

    fn abac(
        &mut self,
        scope: Scope,
        found: &mut BTreeMap<IdentityKey, (Vec<SubjectRef>, Vec<Grant>)>,
    ) {
        let Some(policy) = self.ws.chain.abac() else {
            return;
        };
        for rule in &policy.rules {
            // With -A, lines for every namespace belong to the cluster-wide section and
            // lines for one namespace to that namespace's.
            if scope == Scope::NamespaceOnly && rule.namespace == "*" {
                continue;
            }
            if !(rule.verb_matches(&self.a)
                && (rule.resource_matches(&self.a) || rule.non_resource_matches(&self.a)))
            {
                continue;
            }
            let source = format!("{}:{}", policy.path, rule.line);
            let everyone = rule.user == "*" || rule.group == "*";
            let (subject, requires_group) = if everyone {
                (SubjectRef::user("*"), None)
            } else if !rule.user.is_empty() {
                (
                    SubjectRef::user(&rule.user),
                    (!rule.group.is_empty()).then(|| rule.group.clone()),
                )
            } else if !rule.group.is_empty() {
                (SubjectRef::group(&rule.group), None)
            } else {
                continue;
            };
            let grant = Grant::Abac {
                source,
                line: rule.line,
                requires_group,
            };
            // A line that needs both a user and a group allows no single subject; it is
            // listed under the user with the group it needs, apart from the user's own grants.
            let key = match &grant {
                Grant::Abac {
                    requires_group: Some(g),
                    ..
                } => IdentityKey::User(format!("{}\u{0}{g}", subject.name)),
                _ => subject.key(),
            };
            let entry = found.entry(key).or_default();
            entry.0.push(subject);
            entry.1.push(grant);
        }
    }
}

/// The keys of the identities who-can lists, for tests and for `matrix TYPE`.
pub fn allowed_subjects(answer: &WhoCan) -> Vec<SubjectRef> {
    let mut v: Vec<SubjectRef> = answer
        .sections
        .iter()
        .flat_map(|s| s.subjects.iter().map(|a| a.subject.clone()))
        .collect();
    v.sort();
    v.dedup();
    v
}
