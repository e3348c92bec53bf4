//! `who-can`: every subject named in the policy that may make a request.
//!
//! Definition (what the property tests check): a subject is listed iff a request made by
//! exactly that subject ([`SubjectRef::identity`]: the user alone, a placeholder member of
//! the group alone, or the service account's user alone) is allowed by the chain. Groups a
//! real user also carries (`system:authenticated`, `system:serviceaccounts`, ...) are listed
//! as subjects of their own and called out, rather than folded into every user.
//!
//! ABAC adds two shapes. A line naming both a user and a group allows neither alone: it is
//! listed as the conjunctive subject "User U + Group G" (identity: U carrying exactly G), and
//! only when it adds someone, i.e. when neither U nor G (nor everyone) is listed already. A
//! line for user or group `*` allows every request: it is listed as `Everyone`, which stands
//! for every subject, named or not.
//!
//! Computation: instead of evaluating the request once per subject, each binding in scope is
//! visited once, its role's rules are matched once per role (memoised for the whole answer,
//! `-A` included), and every subject of a granting binding is recorded with the grant's
//! index; the grants are written out once per subject at the end. ABAC lines are matched
//! with the request's user-independent attributes. `system:masters` is always listed (the
//! chain's first authorizer), and an `AlwaysAllow` mode lets everyone.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::abac::AbacRule;
use crate::chain::{Mode, SYSTEM_MASTERS};
use crate::engine::Workspace;
use crate::identity::SERVICE_ACCOUNT_PREFIX;
use crate::model::{BindingKind, BindingObject, Subject};
use crate::query::{IdentityKey, SubjectRef};
use crate::rbac::matching::rule_allows;
use crate::rbac::service_account_user;
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
    /// An ABAC line (one naming a user and a group is listed under the conjunctive
    /// subject, see [`SubjectRef::user_in_group`]).
    #[serde(rename = "ABAC")]
    Abac {
        /// `path:line` of the policy line.
        source: String,
        line: u32,
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
            Grant::Abac { line, .. } => format!("ABAC line {line}"),
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
    /// cluster-wide section (grants that hold in every namespace) first, then, if any, a
    /// section with namespace `""` (ABAC lines for no namespace: only the request across all
    /// namespaces at once), then one section per namespace with the grants that hold only
    /// there.
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

/// Who may make `a` (its user and groups are ignored).
pub fn who_can(ws: &Workspace, a: &Attributes) -> WhoCan {
    let mut finder = Finder::new(ws, a);
    let role_bindings = namespace_range(ws, &a.namespace);
    let lines = finder.all_abac_lines();
    let section = finder.section(&a.namespace, true, role_bindings, &lines, &[]);
    WhoCan {
        request: RequestView::of(a),
        sections: vec![section],
        everyone: ws.chain.modes().contains(&Mode::AlwaysAllow),
    }
}

/// `-A`: who may make `a` in every namespace (cluster-wide grants: `system:masters`,
/// ClusterRoleBindings, ABAC lines for namespace `*`; they also allow the request across all
/// namespaces at once), then, when ABAC lines for no namespace allow it, a section with
/// namespace `""` for those (they allow only the request across all namespaces at once), then,
/// per namespace that has RoleBindings or namespaced ABAC lines, who may make it only there. One pass over the
/// RoleBindings (sorted by namespace), each role's rules matched once for the whole answer.
pub fn who_can_all_namespaces(ws: &Workspace, a: &Attributes) -> WhoCan {
    let mut finder = Finder::new(ws, a);
    // ABAC lines for every namespace hold in each; lines for no namespace allow only the
    // request across all namespaces at once, and get a section of their own.
    let lines: Vec<usize> = ws.chain.abac().map_or(Vec::new(), |p| {
        (0..p.rules.len())
            .filter(|&i| p.rules[i].namespace == "*")
            .collect()
    });
    let cluster = finder.section("", true, 0..0, &lines, &[]);
    let outer: Vec<SubjectRef> = cluster.subjects.iter().map(|s| s.subject.clone()).collect();
    let mut per_namespace: BTreeMap<&str, (Range<usize>, Vec<usize>)> = BTreeMap::new();
    let list = &ws.chain.rbac().policy().role_bindings;
    let mut start = 0;
    while start < list.len() {
        let ns = list[start].meta.namespace.as_str();
        let end = start + list[start..].partition_point(|b| b.meta.namespace == ns);
        per_namespace.entry(ns).or_default().0 = start..end;
        start = end;
    }
    if let Some(abac) = ws.chain.abac() {
        for (i, r) in abac.rules.iter().enumerate() {
            // Lines for every namespace belong to the cluster-wide section.
            if r.namespace != "*" {
                per_namespace
                    .entry(r.namespace.as_str())
                    .or_default()
                    .1
                    .push(i);
            }
        }
    }
    let mut sections = vec![cluster];
    for (ns, (role_bindings, lines)) in per_namespace {
        let s = finder.section(ns, false, role_bindings, &lines, &outer);
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

/// Positions of the RoleBindings of `namespace` in the policy's sorted vector (none for the
/// empty namespace).
fn namespace_range(ws: &Workspace, namespace: &str) -> Range<usize> {
    if namespace.is_empty() {
        return 0..0;
    }
    let list = &ws.chain.rbac().policy().role_bindings;
    let start = list.partition_point(|b| b.meta.namespace.as_str() < namespace);
    let end = list.partition_point(|b| b.meta.namespace.as_str() <= namespace);
    start..end
}

/// The subject an ABAC line grants to (upstream `subjectMatches`): a user and a group must
/// both match, `*` matches anyone, and a line naming neither grants nobody. A line with a
/// user and a group is a conjunctive subject; `*` for both (or one, the other unset) is
/// everyone.
pub fn abac_subject(rule: &AbacRule) -> Option<SubjectRef> {
    let specific = |s: &str| !s.is_empty() && s != "*";
    match (specific(&rule.user), specific(&rule.group)) {
        (true, true) => Some(SubjectRef::user_in_group(&rule.user, &rule.group)),
        (true, false) => Some(SubjectRef::user(&rule.user)),
        (false, true) => Some(SubjectRef::group(&rule.group)),
        (false, false) => {
            (!rule.user.is_empty() || !rule.group.is_empty()).then(SubjectRef::everyone)
        }
    }
}

/// Names that stand for one identity: besides the subject a grant names, the other subjects
/// with the same user name (a User `system:serviceaccount:ns:n` and the ServiceAccount ns/n)
/// that the policy names somewhere, in a binding or an ABAC line.
pub(crate) struct Twins<'w> {
    ws: &'w Workspace,
    abac_users: HashSet<&'w str>,
}

impl<'w> Twins<'w> {
    pub(crate) fn new(ws: &'w Workspace) -> Self {
        let abac_users = ws
            .chain
            .abac()
            .map(|p| {
                p.rules
                    .iter()
                    .map(|r| r.user.as_str())
                    .filter(|u| !u.is_empty() && *u != "*")
                    .collect()
            })
            .unwrap_or_default();
        Twins { ws, abac_users }
    }

    fn is_named(&self, s: &SubjectRef) -> bool {
        if s.kind == "User" && self.abac_users.contains(s.name.as_str()) {
            return true;
        }
        let subject = Subject {
            kind: s.kind.clone().into(),
            api_group: Default::default(),
            name: s.name.clone().into(),
            namespace: s.namespace.clone().into(),
        };
        self.ws
            .chain
            .rbac()
            .graph()
            .subject_node(&subject)
            .is_some()
    }

    /// The other named subjects of `s`'s identity (none for groups and most users).
    pub(crate) fn of(&self, s: &SubjectRef) -> Vec<SubjectRef> {
        let user = match s.kind.as_str() {
            "ServiceAccount" => service_account_user(&s.namespace, &s.name),
            "User" if !s.is_conjunctive() && s.name.starts_with(SERVICE_ACCOUNT_PREFIX) => {
                s.name.clone()
            }
            _ => return Vec::new(),
        };
        IdentityKey::User(user)
            .subjects()
            .into_iter()
            .filter(|alt| alt != s && self.is_named(alt))
            .collect()
    }
}

const UNKNOWN: u32 = u32::MAX;
const NO_RULE: u32 = u32::MAX - 1;

/// Grants in chain order, and which subject each goes to.
#[derive(Default)]
struct Collected {
    grants: Vec<Grant>,
    pairs: Vec<(SubjectRef, u32)>,
}

impl Collected {
    fn add(&mut self, g: Grant) -> u32 {
        self.grants.push(g);
        (self.grants.len() - 1) as u32
    }
}

/// Visits bindings and ABAC lines for one request shape, remembering which roles match
/// (rule matching does not read the namespace, so one memo serves every section).
struct Finder<'w> {
    ws: &'w Workspace,
    a: Attributes,
    /// By role node index: the first rule allowing the request, `NO_RULE`, or `UNKNOWN`.
    roles: Vec<u32>,
    twins: Twins<'w>,
}

impl<'w> Finder<'w> {
    fn new(ws: &'w Workspace, a: &Attributes) -> Self {
        Finder {
            ws,
            a: a.clone(),
            roles: vec![UNKNOWN; ws.chain.rbac().graph().graph.node_count()],
            twins: Twins::new(ws),
        }
    }

    fn all_abac_lines(&self) -> Vec<usize> {
        (0..self.ws.chain.abac().map_or(0, |p| p.rules.len())).collect()
    }

    fn role_rule(&mut self, role: NodeIndex) -> Option<usize> {
        let slot = &mut self.roles[role.index()];
        if *slot == UNKNOWN {
            let a = &self.a;
            *slot = self
                .ws
                .chain
                .rbac()
                .rules_of(role)
                .ok()
                .and_then(|rules| rules.iter().position(|r| rule_allows(r, a)))
                .map_or(NO_RULE, |p| p as u32);
        }
        (*slot != NO_RULE).then_some(*slot as usize)
    }

    /// One section: ClusterRoleBindings and `system:masters` when `cluster`, the RoleBindings
    /// at `role_bindings`, and the ABAC `lines`, for the request in `namespace`. A conjunctive
    /// subject is left out when its user or its group alone is listed here or in `outer`
    /// (sorted), or everyone is: it would add nobody.
    fn section(
        &mut self,
        namespace: &str,
        cluster: bool,
        role_bindings: Range<usize>,
        lines: &[usize],
        outer: &[SubjectRef],
    ) -> Section {
        self.a.namespace = namespace.to_string();
        let mut out = Collected::default();
        if cluster {
            let g = out.add(Grant::Masters);
            out.pairs.push((SubjectRef::group(SYSTEM_MASTERS), g));
        }
        for mode in self.ws.chain.modes() {
            match mode {
                Mode::Rbac => {
                    if cluster {
                        let n = self.ws.chain.rbac().policy().cluster_role_bindings.len();
                        for i in 0..n {
                            self.binding(BindingKind::ClusterRoleBinding, i, &mut out);
                        }
                    }
                    for i in role_bindings.clone() {
                        self.binding(BindingKind::RoleBinding, i, &mut out);
                    }
                }
                Mode::Abac => self.abac(lines, &mut out),
                _ => {}
            }
        }
        let Collected { grants, mut pairs } = out;
        let mut twins = Vec::new();
        for (s, g) in &pairs {
            twins.extend(self.twins.of(s).into_iter().map(|t| (t, *g)));
        }
        pairs.extend(twins);
        // A binding that names the same identity twice grants once.
        pairs.sort_unstable();
        pairs.dedup();
        // Each grant is moved out at its last use and cloned before (most go to one subject).
        let mut uses = vec![0u32; grants.len()];
        pairs.iter().for_each(|(_, g)| uses[*g as usize] += 1);
        let mut grants: Vec<Option<Grant>> = grants.into_iter().map(Some).collect();
        let mut subjects: Vec<Allowed> = Vec::new();
        for (s, g) in pairs {
            let g = g as usize;
            uses[g] -= 1;
            let grant = if uses[g] == 0 {
                grants[g].take()
            } else {
                grants[g].clone()
            };
            let Some(grant) = grant else {
                continue;
            };
            match subjects.last_mut() {
                Some(last) if last.subject == s => last.grants.push(grant),
                _ => subjects.push(Allowed {
                    note: s.everyone_note(),
                    subject: s,
                    grants: vec![grant],
                }),
            }
        }
        let listed = |s: &SubjectRef| {
            subjects.binary_search_by(|x| x.subject.cmp(s)).is_ok()
                || outer.binary_search(s).is_ok()
        };
        let everyone = listed(&SubjectRef::everyone());
        let keep: Vec<bool> = subjects
            .iter()
            .map(|x| {
                !x.subject.is_conjunctive()
                    || !(everyone
                        || listed(&SubjectRef::user(&x.subject.name))
                        || listed(&SubjectRef::group(&x.subject.in_group)))
            })
            .collect();
        let mut keep = keep.into_iter();
        subjects.retain(|_| keep.next().unwrap_or(true));
        Section {
            namespace: namespace.to_string(),
            subjects,
        }
    }

    fn binding(&mut self, kind: BindingKind, i: usize, out: &mut Collected) {
        let rbac = self.ws.chain.rbac();
        let graph = rbac.graph();
        let node = match kind {
            BindingKind::ClusterRoleBinding => graph.cluster_role_bindings[i],
            BindingKind::RoleBinding => graph.role_bindings[i],
        };
        let Some(role) = graph.role_of(node) else {
            return;
        };
        let Some(rule) = self.role_rule(role) else {
            return;
        };
        let b = rbac.binding(kind, i as u32);
        let ns = b.scope_namespace();
        let mut grant = None;
        for s in &b.subjects {
            let Some(subject) = SubjectRef::from_binding_subject(s, ns) else {
                continue;
            };
            let g = *grant.get_or_insert_with(|| out.add(self.rbac_grant(b, role, rule)));
            out.pairs.push((subject, g));
        }
    }

    fn rbac_grant(&self, b: &BindingObject, role: NodeIndex, rule: usize) -> Grant {
        let ws = self.ws;
        let policy = ws.chain.rbac().policy();
        let binding = ObjectRef {
            kind: b.kind.as_str().into(),
            namespace: b.meta.namespace.to_string(),
            name: b.meta.name.to_string(),
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
                        namespace: r.meta.namespace.to_string(),
                        name: r.meta.name.to_string(),
                        source: ws.locate(&r.meta.origin),
                    },
                    rule_source,
                )
            }
            _ => (
                ObjectRef {
                    kind: b.role_ref.kind.to_string(),
                    namespace: String::new(),
                    name: b.role_ref.name.to_string(),
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

    fn abac(&self, lines: &[usize], out: &mut Collected) {
        let Some(policy) = self.ws.chain.abac() else {
            return;
        };
        for &i in lines {
            let rule = &policy.rules[i];
            if !(rule.verb_matches(&self.a)
                && (rule.resource_matches(&self.a) || rule.non_resource_matches(&self.a)))
            {
                continue;
            }
            let Some(subject) = abac_subject(rule) else {
                continue;
            };
            let g = out.add(Grant::Abac {
                source: format!("{}:{}", policy.path, rule.line),
                line: rule.line,
            });
            out.pairs.push((subject, g));
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
