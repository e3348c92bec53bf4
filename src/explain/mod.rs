//! Why a request is allowed or denied: the chain step by step, every RBAC binding that applies
//! and what each rule lacks, the closest ABAC lines, near misses, and the smallest fix proved
//! by re-evaluation. Also the rules review behind `can-i --list` ([`rules`]).
//!
//! Pure: takes a [`Workspace`] and the request, returns data (serialisable for `-o json`);
//! the CLI renders it.
//!
//! Near misses are ranked by how likely they are to be what the user meant: first the defects
//! of grants the user already holds in this scope (a binding to a missing role that a similarly
//! named role would fill, `pods/*`, `resourceNames` on a request without a name, a rule lacking
//! only the subresource, the API group or the verb, another name), then grants the user holds
//! in another namespace, then grants in this scope to subjects the user is not (loaded objects
//! before built-ins), then bindings to missing roles with no candidate.

pub mod fix;
pub mod message;
pub mod rules;

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::abac::{AbacPolicy, AbacRule};
use crate::chain::{Mode, SYSTEM_MASTERS};
use crate::decision::Decision;
use crate::engine::Workspace;
use crate::model::{BindingKind, BindingObject, Name, Origin, PolicyRule, RoleObject, Subject};
use crate::rbac::authorizer::RbacAuthorizer;
use crate::rbac::graph::Node;
use crate::rbac::matching::{
    api_group_matches, non_resource_url_matches, resource_matches, resource_name_matches,
    rule_allows, verb_matches,
};
use crate::rbac::{describe_grant, first_applying_subject};
use crate::request::Attributes;
use crate::response::forbidden_message;

pub use fix::Fix;

/// Everything explain finds for one request.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub request: Attributes,
    pub allowed: bool,
    pub decision: Decision,
    /// The chain's reason (`RBAC: allowed by ...` when RBAC allowed).
    pub reason: String,
    /// The 403 message the server would send; empty when allowed.
    pub forbidden_message: String,
    /// `system:masters`, then each mode in order; modes after the deciding one were not asked.
    pub steps: Vec<StepReport>,
    /// The RBAC bindings that apply to the user in the request's scope (absent without RBAC).
    pub rbac: Option<Vec<BindingReport>>,
    /// The ABAC lines closest to allowing (absent without ABAC in the chain).
    pub abac: Option<Vec<AbacLineReport>>,
    /// When allowed: the grant that decided first, then every other grant that also allows.
    pub allowed_by: Vec<Grant>,
    pub near_misses: Vec<NearMiss>,
    /// How many grants to other subjects exist in the request's scope; at most
    /// `NEAR_MISS_LIMIT` of them are listed in `near_misses`.
    pub other_subjects_total: usize,
    /// The smallest grant that makes the request allowed, proved by re-evaluation.
    pub fix: Option<Fix>,
    /// Why no fix is offered, when denied and none is.
    pub no_fix_reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepReport {
    pub authorizer: String,
    /// `allow`, `deny`, `noopinion`, or `not asked` (an earlier authorizer decided).
    pub decision: String,
    pub reason: String,
}

/// An object and where it is written (`path:line:column`, or `built-in`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub location: String,
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

/// A subject of a binding, as written, and how the user matches it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectReport {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub location: String,
    /// `the user itself`, `group <g>`, `service account <ns>/<name>`.
    pub via: String,
}

/// A rule's lists, as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleText {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
}

impl From<&PolicyRule> for RuleText {
    fn from(r: &PolicyRule) -> Self {
        let text = |xs: &[Name]| xs.iter().map(|x| x.to_string()).collect();
        RuleText {
            verbs: text(&r.verbs),
            api_groups: text(&r.api_groups),
            resources: text(&r.resources),
            resource_names: text(&r.resource_names),
            non_resource_urls: text(&r.non_resource_urls),
        }
    }
}

impl RuleText {
    /// `verbs [get] apiGroups [""] resources [pods]`, listing only what the rule has.
    pub fn display(&self) -> String {
        let list = |xs: &[String]| {
            let items: Vec<String> = xs
                .iter()
                .map(|x| {
                    if x.is_empty() {
                        "\"\"".to_string()
                    } else {
                        x.clone()
                    }
                })
                .collect();
            format!("[{}]", items.join(" "))
        };
        let mut parts = vec![format!("verbs {}", list(&self.verbs))];
        if !self.non_resource_urls.is_empty() {
            parts.push(format!("nonResourceURLs {}", list(&self.non_resource_urls)));
        }
        if !self.api_groups.is_empty() || !self.resources.is_empty() {
            parts.push(format!("apiGroups {}", list(&self.api_groups)));
            parts.push(format!("resources {}", list(&self.resources)));
        }
        if !self.resource_names.is_empty() {
            parts.push(format!("resourceNames {}", list(&self.resource_names)));
        }
        parts.join(" ")
    }
}

/// An attribute of the request a rule fails to match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// The rule lists only non-resource URLs; the request is for a resource.
    NotResourceRule,
    /// The rule lists only resources; the request is for a URL.
    NotUrlRule,
    Verb,
    ApiGroup,
    Resource,
    /// The rule names the resource but not this subresource (`pods` for `pods/log`).
    Subresource,
    ResourceName,
    NonResourceUrl,
}

impl Attribute {
    pub fn as_str(self) -> &'static str {
        match self {
            Attribute::NotResourceRule => "rule is for non-resource URLs",
            Attribute::NotUrlRule => "rule is for resources, not URLs",
            Attribute::Verb => "verb",
            Attribute::ApiGroup => "API group",
            Attribute::Resource => "resource",
            Attribute::Subresource => "subresource",
            Attribute::ResourceName => "resource name",
            Attribute::NonResourceUrl => "non-resource URL",
        }
    }
}

/// Every attribute of `a` that `rule` fails to match, in upstream's order of checking (verb,
/// API group, resource, name; verb, URL). Empty when the rule allows the request.
pub fn mismatches(rule: &PolicyRule, a: &Attributes) -> Vec<Attribute> {
    let mut out = Vec::new();
    if a.resource_request {
        if rule.resources.is_empty() && !rule.non_resource_urls.is_empty() {
            return vec![Attribute::NotResourceRule];
        }
        if !verb_matches(rule, &a.verb) {
            out.push(Attribute::Verb);
        }
        if !api_group_matches(rule, &a.api_group) {
            out.push(Attribute::ApiGroup);
        }
        if !resource_matches(rule, &a.resource, &a.subresource) {
            let names_parent = !a.subresource.is_empty()
                && rule.resources.iter().any(|r| {
                    let parent = r.split_once('/').map_or(r.as_str(), |(p, _)| p);
                    parent == a.resource || (parent == "*" && r.contains('/'))
                });
            out.push(if names_parent {
                Attribute::Subresource
            } else {
                Attribute::Resource
            });
        }
        if !resource_name_matches(rule, &a.name) {
            out.push(Attribute::ResourceName);
        }
    } else {
        if rule.non_resource_urls.is_empty() {
            return vec![Attribute::NotUrlRule];
        }
        if !verb_matches(rule, &a.verb) {
            out.push(Attribute::Verb);
        }
        if !non_resource_url_matches(rule, &a.path) {
            out.push(Attribute::NonResourceUrl);
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleReport {
    /// 1-based position of the rule in its role.
    pub index: usize,
    pub location: String,
    pub rule: RuleText,
    pub allows: bool,
    /// The first attribute that does not match, in upstream's order of checking.
    pub first_mismatch: Option<Attribute>,
    pub mismatches: Vec<Attribute>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoleReport {
    #[serde(flatten)]
    pub object: ObjectRef,
    /// The lister's not-found (or unsupported kind) error when the role cannot be resolved.
    pub error: String,
    pub rules: Vec<RuleReport>,
}

/// A binding that applies to the user in the request's scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BindingReport {
    pub binding: ObjectRef,
    pub through: SubjectReport,
    pub role: RoleReport,
}

/// Which ABAC check a line fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AbacCheck {
    User,
    Group,
    /// The line names no user and no group, so it matches nobody.
    NoSubject,
    /// `readonly: true` and the verb is not get, list or watch.
    Readonly,
    Namespace,
    Resource,
    ApiGroup,
    /// A resource line for a URL request (no nonResourcePath), or the path does not match.
    NonResourcePath,
    /// A URL-only line for a resource request.
    NotResourceLine,
}

impl AbacCheck {
    pub fn as_str(self) -> &'static str {
        match self {
            AbacCheck::User => "user",
            AbacCheck::Group => "group",
            AbacCheck::NoSubject => "names no user or group",
            AbacCheck::Readonly => "readonly (only get, list, watch)",
            AbacCheck::Namespace => "namespace",
            AbacCheck::Resource => "resource",
            AbacCheck::ApiGroup => "apiGroup",
            AbacCheck::NonResourcePath => "nonResourcePath",
            AbacCheck::NotResourceLine => "line is for non-resource paths",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AbacLineReport {
    pub location: String,
    pub line: u32,
    pub text: String,
    pub allows: bool,
    pub fails: Vec<AbacCheck>,
}

/// Something that allows the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
#[expect(
    clippy::large_enum_variant,
    reason = "a handful per explanation; boxing would only complicate matching"
)]
pub enum Grant {
    /// The user is in `system:masters`.
    SystemMasters,
    AlwaysAllow,
    Abac {
        location: String,
        line: u32,
        text: String,
    },
    Rbac {
        /// Upstream's describer: `RoleBinding "b/ns" of ClusterRole "r" to Group "g"`.
        description: String,
        binding: ObjectRef,
        role: ObjectRef,
        rule_index: usize,
        rule_location: String,
        rule: RuleText,
        /// A ClusterRoleBinding: the grant holds in every namespace.
        cluster_wide: bool,
    },
}

/// The kinds of near miss, in rank order (most useful first; see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NearMissKind {
    /// A binding of the user's names a missing role; a role of a similar name would grant it.
    MissingRoleWithCandidate,
    /// `res/*` is a literal, not a wildcard over subresources.
    LiteralSubresourceStar,
    /// The rule has resourceNames, and the request (list, create, ...) carries no name.
    ResourceNamesWithoutName,
    Subresource,
    ApiGroup,
    Verb,
    /// The rule lists other resource names.
    ResourceName,
    NonResourceUrl,
    /// The user holds the grant, but through a RoleBinding in another namespace.
    OtherNamespace,
    /// A binding in scope grants it, to subjects the user is not.
    OtherSubject,
    /// A binding of the user's names a missing role (no similar role would grant it).
    MissingRole,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NearMiss {
    pub kind: NearMissKind,
    /// One sentence saying what is missing.
    pub summary: String,
    pub binding: Option<ObjectRef>,
    pub role: Option<ObjectRef>,
    /// 1-based rule index in the role, and where it is written.
    pub rule_index: Option<usize>,
    pub rule_location: String,
    pub rule: Option<RuleText>,
    /// What to change to turn this near miss into a grant.
    pub hint: String,
}

/// Explains the request `a` (the attributes the server sees, groups included).
pub fn explain(ws: &Workspace, a: &Attributes) -> Explanation {
    let chain = &ws.chain;
    let traced = chain.authorize_traced(a);
    let allowed = traced.verdict.is_allowed();
    let mut steps: Vec<StepReport> = traced
        .steps
        .iter()
        .map(|s| StepReport {
            authorizer: s.authorizer.to_string(),
            decision: s.verdict.decision.as_str().to_string(),
            reason: s.verdict.reason.clone(),
        })
        .collect();
    let asked = std::iter::once("system:masters").chain(chain.modes().iter().map(|m| m.as_str()));
    for name in asked.skip(steps.len()) {
        steps.push(StepReport {
            authorizer: name.to_string(),
            decision: "not asked".to_string(),
            reason: String::new(),
        });
    }
    let has_rbac = chain.modes().contains(&Mode::Rbac);
    let abac = chain.abac().filter(|_| chain.modes().contains(&Mode::Abac));
    let rbac = chain.rbac();
    let applicable = if has_rbac {
        rbac.applicable_bindings(a, true, &a.namespace)
    } else {
        Vec::new()
    };
    let bindings: Vec<BindingReport> = applicable
        .iter()
        .map(|&(kind, position, role)| binding_report(ws, rbac, a, kind, position, role))
        .collect();
    let mut allowed_by = Vec::new();
    if allowed {
        if a.groups.iter().any(|g| g == SYSTEM_MASTERS) {
            allowed_by.push(Grant::SystemMasters);
        }
        for mode in chain.modes() {
            match mode {
                Mode::AlwaysAllow => allowed_by.push(Grant::AlwaysAllow),
                Mode::Abac => {
                    if let Some(p) = abac {
                        for r in p.rules.iter().filter(|r| r.matches(a)) {
                            allowed_by.push(Grant::Abac {
                                location: abac_location(p, r),
                                line: r.line,
                                text: r.text.clone(),
                            });
                        }
                    }
                }
                Mode::Rbac => {
                    allowed_by.extend(rbac_grants(ws, rbac, a, &applicable));
                }
                _ => {}
            }
        }
    }
    let (near_misses, other_subjects_total) = if allowed || !has_rbac {
        (Vec::new(), 0)
    } else {
        near_misses(ws, rbac, a, &bindings, &applicable)
    };
    let (fix, no_fix_reason) = if allowed {
        (None, String::new())
    } else {
        match fix::propose(ws, a, &applicable) {
            Ok(f) => (Some(f), String::new()),
            Err(why) => (None, why),
        }
    };
    Explanation {
        request: a.clone(),
        allowed,
        decision: traced.verdict.decision,
        reason: traced.verdict.reason.clone(),
        forbidden_message: if allowed {
            String::new()
        } else {
            forbidden_message(a, &traced.verdict.reason)
        },
        steps,
        rbac: has_rbac.then_some(bindings),
        abac: abac.map(|p| abac_report(p, a)),
        allowed_by,
        near_misses,
        other_subjects_total,
        fix,
        no_fix_reason,
    }
}

fn binding_object(ws: &Workspace, b: &BindingObject) -> ObjectRef {
    ObjectRef {
        kind: b.kind.as_str().to_string(),
        namespace: b.meta.namespace.to_string(),
        name: b.meta.name.to_string(),
        location: ws.locate(&b.meta.origin),
    }
}

/// The role object behind a role node, if it resolves.
fn role_object(rbac: &RbacAuthorizer, node: NodeIndex) -> Option<&RoleObject> {
    let policy = rbac.policy();
    match &rbac.graph().graph[node] {
        Node::Role { kind, index } => match kind {
            crate::model::RoleKind::ClusterRole => policy.cluster_roles.get(*index as usize),
            crate::model::RoleKind::Role => policy.roles.get(*index as usize),
        },
        _ => None,
    }
}

fn role_ref(
    ws: &Workspace,
    rbac: &RbacAuthorizer,
    b: &BindingObject,
    node: NodeIndex,
) -> ObjectRef {
    match role_object(rbac, node) {
        Some(r) => ObjectRef {
            kind: r.kind.as_str().to_string(),
            namespace: r.meta.namespace.to_string(),
            name: r.meta.name.to_string(),
            location: ws.locate(&r.meta.origin),
        },
        None => ObjectRef {
            kind: b.role_ref.kind.to_string(),
            namespace: if b.role_ref.kind == "Role" {
                b.meta.namespace.to_string()
            } else {
                String::new()
            },
            name: b.role_ref.name.to_string(),
            location: String::new(),
        },
    }
}

fn subject_report(ws: &Workspace, b: &BindingObject, s: &Subject) -> SubjectReport {
    let index = b.subjects.iter().position(|x| x == s).unwrap_or(0);
    let origin = b
        .subject_origins
        .get(index)
        .copied()
        .unwrap_or(Origin::BUILTIN);
    let namespace = if s.kind == "ServiceAccount" && s.namespace.is_empty() {
        b.meta.namespace.clone()
    } else {
        s.namespace.clone()
    };
    let via = match s.kind.as_str() {
        "User" => "the user itself".to_string(),
        "Group" => format!("group {}", s.name),
        "ServiceAccount" => format!("service account {namespace}/{}", s.name),
        other => other.to_string(),
    };
    SubjectReport {
        kind: s.kind.to_string(),
        name: s.name.to_string(),
        namespace: namespace.to_string(),
        location: ws.locate(&origin),
        via,
    }
}

fn rule_location(ws: &Workspace, role: Option<&RoleObject>, index: usize) -> String {
    role.and_then(|r| r.rule_origins.get(index))
        .map(|o| ws.locate(o))
        .unwrap_or_else(|| "built-in".to_string())
}

fn binding_report(
    ws: &Workspace,
    rbac: &RbacAuthorizer,
    a: &Attributes,
    kind: BindingKind,
    position: u32,
    node: NodeIndex,
) -> BindingReport {
    let b = rbac.binding(kind, position);
    let through = first_applying_subject(b, a)
        .map(|s| subject_report(ws, b, s))
        .unwrap_or_else(|| SubjectReport {
            kind: String::new(),
            name: String::new(),
            namespace: String::new(),
            location: String::new(),
            via: String::new(),
        });
    let role_obj = role_object(rbac, node);
    let (error, rules) = match rbac.rules_of(node) {
        Err(e) => (e.to_string(), Vec::new()),
        Ok(rules) => (
            String::new(),
            rules
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let m = mismatches(r, a);
                    RuleReport {
                        index: i + 1,
                        location: rule_location(ws, role_obj, i),
                        rule: r.into(),
                        allows: m.is_empty(),
                        first_mismatch: m.first().copied(),
                        mismatches: m,
                    }
                })
                .collect(),
        ),
    };
    BindingReport {
        binding: binding_object(ws, b),
        through,
        role: RoleReport {
            object: role_ref(ws, rbac, b, node),
            error,
            rules,
        },
    }
}

fn rbac_grants(
    ws: &Workspace,
    rbac: &RbacAuthorizer,
    a: &Attributes,
    applicable: &[(BindingKind, u32, NodeIndex)],
) -> Vec<Grant> {
    let mut out = Vec::new();
    for &(kind, position, node) in applicable {
        let Ok(rules) = rbac.rules_of(node) else {
            continue;
        };
        let b = rbac.binding(kind, position);
        let Some(subject) = first_applying_subject(b, a) else {
            continue;
        };
        let role_obj = role_object(rbac, node);
        for (i, r) in rules.iter().enumerate() {
            if rule_allows(r, a) {
                out.push(Grant::Rbac {
                    description: describe_grant(b, subject),
                    binding: binding_object(ws, b),
                    role: role_ref(ws, rbac, b, node),
                    rule_index: i + 1,
                    rule_location: rule_location(ws, role_obj, i),
                    rule: r.into(),
                    cluster_wide: kind == BindingKind::ClusterRoleBinding,
                });
            }
        }
    }
    out
}

/// How many near misses of each kind are kept (the ranking puts the useful ones first; a
/// large cluster can have thousands of grants to other subjects).
pub const NEAR_MISS_LIMIT: usize = 20;

fn near_misses(
    ws: &Workspace,
    rbac: &RbacAuthorizer,
    a: &Attributes,
    bindings: &[BindingReport],
    applicable: &[(BindingKind, u32, NodeIndex)],
) -> (Vec<NearMiss>, usize) {
    let mut out: Vec<NearMiss> = Vec::new();
    let what = request_text(a);
    // Defects of grants the user holds in this scope.
    for (report, &(kind, position, node)) in bindings.iter().zip(applicable) {
        let b = rbac.binding(kind, position);
        if !report.role.error.is_empty() {
            out.push(missing_role_near_miss(ws, rbac, a, b, report));
            continue;
        }
        let role_obj = role_object(rbac, node);
        for r in &report.role.rules {
            let [only] = r.mismatches.as_slice() else {
                continue;
            };
            let Some(rule) = role_obj.and_then(|o| o.rules.get(r.index - 1)) else {
                continue;
            };
            let (kind, summary, hint) = match only {
                Attribute::Verb => (
                    NearMissKind::Verb,
                    format!("rule {} lacks only the verb `{}`", r.index, a.verb),
                    format!("add `{}` to the rule's verbs", a.verb),
                ),
                Attribute::ApiGroup => (
                    NearMissKind::ApiGroup,
                    format!(
                        "rule {} lacks only the API group `{}` (it lists {})",
                        r.index,
                        a.api_group,
                        quoted_list(&rule.api_groups)
                    ),
                    format!("add `\"{}\"` to the rule's apiGroups", a.api_group),
                ),
                Attribute::Subresource => {
                    let star = format!("{}/*", a.resource);
                    if rule.resources.iter().any(|r| *r == star) {
                        (
                            NearMissKind::LiteralSubresourceStar,
                            format!(
                                "rule {} lists `{star}`, which is not a wildcard: it matches only a subresource literally named `*`, not `{}`",
                                r.index,
                                a.combined_resource()
                            ),
                            format!(
                                "list the subresources by name, e.g. `{}`",
                                a.combined_resource()
                            ),
                        )
                    } else {
                        (
                            NearMissKind::Subresource,
                            format!(
                                "rule {} covers `{}` but not the subresource `{}`",
                                r.index,
                                a.resource,
                                a.combined_resource()
                            ),
                            format!("add `{}` to the rule's resources", a.combined_resource()),
                        )
                    }
                }
                Attribute::ResourceName if a.name.is_empty() => (
                    NearMissKind::ResourceNamesWithoutName,
                    format!(
                        "rule {} has resourceNames {}, and a `{}` request carries no object name, so it never matches",
                        r.index,
                        quoted_list(&rule.resource_names),
                        a.verb
                    ),
                    format!(
                        "grant `{}` in a separate rule without resourceNames",
                        a.verb
                    ),
                ),
                Attribute::ResourceName => (
                    NearMissKind::ResourceName,
                    format!(
                        "rule {} is limited to resourceNames {}, not `{}`",
                        r.index,
                        quoted_list(&rule.resource_names),
                        a.name
                    ),
                    format!("add `{}` to the rule's resourceNames", a.name),
                ),
                Attribute::NonResourceUrl => (
                    NearMissKind::NonResourceUrl,
                    format!(
                        "rule {} lists {}, which does not match `{}`",
                        r.index,
                        quoted_list(&rule.non_resource_urls),
                        a.path
                    ),
                    format!("add `{}` to the rule's nonResourceURLs", a.path),
                ),
                _ => continue,
            };
            out.push(NearMiss {
                kind,
                summary: format!(
                    "{summary}, in {} (through {})",
                    report.role.object.display(),
                    report.binding.display()
                ),
                binding: Some(report.binding.clone()),
                role: Some(report.role.object.clone()),
                rule_index: Some(r.index),
                rule_location: r.location.clone(),
                rule: Some(r.rule.clone()),
                hint,
            });
        }
    }
    // Grants the user holds in other namespaces.
    let mut memo: Vec<u32> = vec![MEMO_UNKNOWN; rbac.graph().graph.node_count()];
    let mut other_ns = Vec::new();
    for (kind, position, node) in user_role_bindings_elsewhere(rbac, a) {
        if other_ns.len() == NEAR_MISS_LIMIT {
            break;
        }
        if let Some((i, _)) = first_allowing_rule_memo(rbac, node, a, &mut memo) {
            other_ns.push((kind, position, node, i));
        }
    }
    for (kind, position, node, i) in other_ns {
        let Some(rule) = rbac.rules_of(node).ok().and_then(|r| r.get(i)) else {
            continue;
        };
        let b = rbac.binding(kind, position);
        let ns = b.meta.namespace.as_str();
        let binding = binding_object(ws, b);
        let summary = if a.namespace.is_empty() {
            format!(
                "{} grants it, but only inside namespace `{ns}`; a cluster-scoped request needs a ClusterRoleBinding",
                binding.display()
            )
        } else {
            format!(
                "{} grants it in namespace `{ns}`, not in `{}`",
                binding.display(),
                a.namespace
            )
        };
        out.push(NearMiss {
            kind: NearMissKind::OtherNamespace,
            summary,
            binding: Some(binding),
            rule_location: rule_location(ws, role_object(rbac, node), i),
            role: Some(role_ref(ws, rbac, b, node)),
            rule_index: Some(i + 1),
            rule: Some(rule.into()),
            hint: if a.namespace.is_empty() {
                format!("bind {} with a ClusterRoleBinding", b.role_ref.name)
            } else {
                format!("add a RoleBinding in `{}` like this one", a.namespace)
            },
        });
    }
    // Grants in this scope to subjects the user is not. Found cheaply first (the rule check
    // is remembered per role), described only for the ones kept.
    let mut others: Vec<(bool, BindingKind, u32, NodeIndex, usize)> = Vec::new();
    for (kind, position, node) in rbac.bindings_in_scope(&a.namespace) {
        let b = rbac.binding(kind, position);
        if b.subjects.is_empty() {
            continue;
        }
        let Some((i, _)) = first_allowing_rule_memo(rbac, node, a, &mut memo) else {
            continue;
        };
        if first_applying_subject(b, a).is_some() {
            continue;
        }
        others.push((b.meta.origin.is_builtin(), kind, position, node, i));
    }
    // Loaded objects before built-ins; otherwise visit order.
    others.sort_by_key(|o| o.0);
    let total = others.len();
    for &(_, kind, position, node, i) in others.iter().take(NEAR_MISS_LIMIT) {
        let b = rbac.binding(kind, position);
        let Some(rule) = rbac.rules_of(node).ok().and_then(|r| r.get(i)) else {
            continue;
        };
        let subjects: Vec<String> = b.subjects.iter().map(|s| subject_text(b, s)).collect();
        let binding = binding_object(ws, b);
        out.push(NearMiss {
            kind: NearMissKind::OtherSubject,
            summary: format!(
                "{} grants {what} to {}, and {} is none of them",
                binding.display(),
                subjects.join(", "),
                user_text(a)
            ),
            binding: Some(binding),
            rule_location: rule_location(ws, role_object(rbac, node), i),
            role: Some(role_ref(ws, rbac, b, node)),
            rule_index: Some(i + 1),
            rule: Some(rule.into()),
            hint: match b.subjects.iter().find(|s| s.kind == "Group") {
                Some(g) => format!(
                    "join group `{}` (your identity provider decides), or add {} as a subject",
                    g.name,
                    user_text(a)
                ),
                None => format!("add {} as a subject of this binding", user_text(a)),
            },
        });
    }
    out.sort_by_key(|m| m.kind);
    (out, total)
}

fn missing_role_near_miss(
    ws: &Workspace,
    rbac: &RbacAuthorizer,
    a: &Attributes,
    b: &BindingObject,
    report: &BindingReport,
) -> NearMiss {
    let policy = rbac.policy();
    let wanted = &b.role_ref.name;
    // Roles of a similar name the binding could have meant: Roles of its namespace (for a
    // Role ref) or ClusterRoles, within a small edit distance.
    let candidates: &[RoleObject] = match b.role_ref.kind.as_str() {
        "Role" => {
            // Roles are stored sorted by namespace, then name.
            let ns = b.meta.namespace.as_str();
            let start = policy
                .roles
                .partition_point(|r| r.meta.namespace.as_str() < ns);
            let end = policy
                .roles
                .partition_point(|r| r.meta.namespace.as_str() <= ns);
            &policy.roles[start..end]
        }
        _ => &policy.cluster_roles,
    };
    let limit = 2.max(wanted.len() / 5);
    let mut best: Option<(usize, &RoleObject)> = None;
    for r in candidates {
        // The length difference bounds the distance from below: skip the hopeless ones.
        if r.meta.name.len().abs_diff(wanted.len()) > limit {
            continue;
        }
        let d = edit_distance(wanted, &r.meta.name, limit);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, r));
        }
    }
    let granting = best.and_then(|(_, r)| {
        r.rules
            .iter()
            .position(|rule| rule_allows(rule, a))
            .map(|i| (r, i))
    });
    match granting {
        Some((r, i)) => NearMiss {
            kind: NearMissKind::MissingRoleWithCandidate,
            summary: format!(
                "{} names {} `{wanted}`, which does not exist; {} `{}` exists and would grant it",
                report.binding.display(),
                b.role_ref.kind,
                r.kind,
                r.meta.name
            ),
            binding: Some(report.binding.clone()),
            role: Some(ObjectRef {
                kind: r.kind.as_str().to_string(),
                namespace: r.meta.namespace.to_string(),
                name: r.meta.name.to_string(),
                location: ws.locate(&r.meta.origin),
            }),
            rule_index: Some(i + 1),
            rule_location: rule_location(ws, Some(r), i),
            rule: Some((&r.rules[i]).into()),
            hint: format!(
                "fix the roleRef at {}: name `{}`",
                ws.locate(&b.role_ref_origin),
                r.meta.name
            ),
        },
        None => NearMiss {
            kind: NearMissKind::MissingRole,
            summary: format!(
                "{} names {} `{wanted}`, which does not exist ({})",
                report.binding.display(),
                b.role_ref.kind,
                report.role.error
            ),
            binding: Some(report.binding.clone()),
            role: None,
            rule_index: None,
            rule_location: String::new(),
            rule: None,
            hint: format!(
                "create the {} `{wanted}`, or fix the roleRef at {}",
                b.role_ref.kind,
                ws.locate(&b.role_ref_origin)
            ),
        },
    }
}

const MEMO_UNKNOWN: u32 = u32::MAX;
const MEMO_NONE: u32 = u32::MAX - 1;

/// [`first_allowing_rule`], remembered per role node (many bindings share a role).
fn first_allowing_rule_memo<'r>(
    rbac: &'r RbacAuthorizer,
    node: NodeIndex,
    a: &Attributes,
    memo: &mut [u32],
) -> Option<(usize, &'r PolicyRule)> {
    let slot = memo.get_mut(node.index())?;
    if *slot == MEMO_UNKNOWN {
        *slot = first_allowing_rule(rbac, node, a).map_or(MEMO_NONE, |(i, _)| i as u32);
    }
    if *slot == MEMO_NONE {
        return None;
    }
    let i = *slot as usize;
    rbac.rules_of(node).ok()?.get(i).map(|r| (i, r))
}

/// The RoleBindings outside `a`'s namespace that apply to the user, found through the
/// subject nodes of the graph (the user, each group, the service account), in policy order.
fn user_role_bindings_elsewhere(
    rbac: &RbacAuthorizer,
    a: &Attributes,
) -> Vec<(BindingKind, u32, NodeIndex)> {
    let graph = rbac.graph();
    let mut keys: Vec<Subject> = Vec::new();
    keys.push(Subject {
        kind: "User".into(),
        name: a.user.clone().into(),
        ..Subject::default()
    });
    for g in &a.groups {
        keys.push(Subject {
            kind: "Group".into(),
            name: g.clone().into(),
            ..Subject::default()
        });
    }
    if let Some((ns, name)) = crate::identity::parse_service_account(&a.user) {
        keys.push(Subject {
            kind: "ServiceAccount".into(),
            name: name.into(),
            namespace: ns.into(),
            ..Subject::default()
        });
    }
    let mut positions: Vec<u32> = Vec::new();
    for key in &keys {
        let Some(subject) = graph.subject_node(key) else {
            continue;
        };
        for binding in graph.graph.neighbors(subject) {
            if let Node::Binding {
                kind: BindingKind::RoleBinding,
                index,
            } = graph.graph[binding]
            {
                positions.push(index);
            }
        }
    }
    positions.sort_unstable();
    positions.dedup();
    positions
        .into_iter()
        .filter_map(|i| {
            let b = rbac.binding(BindingKind::RoleBinding, i);
            if b.meta.namespace == a.namespace || first_applying_subject(b, a).is_none() {
                return None;
            }
            let node = graph.role_bindings[i as usize];
            Some((
                BindingKind::RoleBinding,
                i,
                graph.role_of(node).unwrap_or(node),
            ))
        })
        .collect()
}

fn first_allowing_rule<'r>(
    rbac: &'r RbacAuthorizer,
    node: NodeIndex,
    a: &Attributes,
) -> Option<(usize, &'r PolicyRule)> {
    let rules = rbac.rules_of(node).ok()?;
    rules.iter().enumerate().find(|(_, r)| rule_allows(r, a))
}

/// Levenshtein distance over bytes (names are short, mostly ASCII); gives up with
/// `limit + 1` as soon as every path is longer than `limit`.
fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn quoted_list(xs: &[Name]) -> String {
    let items: Vec<String> = xs.iter().map(|x| format!("`{x}`")).collect();
    format!("[{}]", items.join(", "))
}

fn subject_text(b: &BindingObject, s: &Subject) -> String {
    match s.kind.as_str() {
        "ServiceAccount" => {
            let ns = if s.namespace.is_empty() {
                &b.meta.namespace
            } else {
                &s.namespace
            };
            format!("ServiceAccount {ns}/{}", s.name)
        }
        kind => format!("{kind} {}", s.name),
    }
}

fn user_text(a: &Attributes) -> String {
    match crate::identity::parse_service_account(&a.user) {
        Some((ns, name)) => format!("ServiceAccount {ns}/{name}"),
        None => format!("User {}", a.user),
    }
}

/// `create deployments.apps` / `get pods/log x` / `get /healthz`, for sentences.
pub fn request_text(a: &Attributes) -> String {
    if !a.resource_request {
        return format!("`{} {}`", a.verb, a.path);
    }
    let mut gr = crate::response::group_resource(&a.api_group, &a.resource);
    if !a.subresource.is_empty() {
        gr = format!("{gr}/{}", a.subresource);
    }
    if a.name.is_empty() {
        format!("`{} {gr}`", a.verb)
    } else {
        format!("`{} {gr} {}`", a.verb, a.name)
    }
}

fn abac_location(p: &AbacPolicy, r: &AbacRule) -> String {
    format!("{}:{}", p.path, r.line)
}

/// Every line's failed checks; the closest lines (fewest failures, then file order) first.
fn abac_report(p: &AbacPolicy, a: &Attributes) -> Vec<AbacLineReport> {
    let mut lines: Vec<AbacLineReport> = p
        .rules
        .iter()
        .map(|r| {
            let allows = r.matches(a);
            AbacLineReport {
                location: abac_location(p, r),
                line: r.line,
                text: r.text.clone(),
                allows,
                fails: if allows { Vec::new() } else { abac_fails(r, a) },
            }
        })
        .collect();
    lines.sort_by_key(|l| (l.fails.len(), l.line));
    lines.truncate(3);
    lines
}

fn abac_fails(r: &AbacRule, a: &Attributes) -> Vec<AbacCheck> {
    let mut fails = Vec::new();
    if r.user.is_empty() && r.group.is_empty() {
        fails.push(AbacCheck::NoSubject);
    }
    if !r.user.is_empty() && r.user != "*" && r.user != a.user {
        fails.push(AbacCheck::User);
    }
    if !r.group.is_empty() && r.group != "*" && !a.groups.contains(&r.group) {
        fails.push(AbacCheck::Group);
    }
    if !r.verb_matches(a) {
        fails.push(AbacCheck::Readonly);
    }
    if a.resource_request {
        if r.resource.is_empty() && r.namespace.is_empty() && !r.non_resource_path.is_empty() {
            fails.push(AbacCheck::NotResourceLine);
        } else {
            if !(r.namespace == "*" || r.namespace == a.namespace) {
                fails.push(AbacCheck::Namespace);
            }
            if !(r.resource == "*" || r.resource == a.resource) {
                fails.push(AbacCheck::Resource);
            }
            if !(r.api_group == "*" || r.api_group == a.api_group) {
                fails.push(AbacCheck::ApiGroup);
            }
        }
    } else if !r.non_resource_matches(a) {
        fails.push(AbacCheck::NonResourcePath);
    }
    fails
}
