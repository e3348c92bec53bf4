//! Turning a YAML tree into model objects, with a problem for every malformed part.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostics::Problem;
use crate::loader::yaml::{Node, Value};
use crate::model::{
    AggregationRule, BindingKind, BindingObject, CustomResource, LabelSelector,
    LabelSelectorRequirement, Name, ObjectMeta, Origin, PolicyRule, RoleKind, RoleObject, RoleRef,
    ServiceAccount, SourceId, Subject,
};
use crate::name::Interner;

pub const RBAC_V1: &str = "rbac.authorization.k8s.io/v1";

/// An object read from the input. Boxed: objects are gathered from every document and
/// moved twice before they settle, and a large inline enum made each move a full copy.
#[derive(Clone, Debug)]
pub enum Object {
    Role(Box<RoleObject>),
    Binding(Box<BindingObject>),
    Crd(Box<CustomResource>),
    ServiceAccount(Box<ServiceAccount>),
}

impl Object {
    /// Replaces every repeated string of the object by the interner's shared copy: documents
    /// are converted in parallel, each with its own strings, and the sequential merge makes
    /// the 24,000 `"rbac.authorization.k8s.io"`s of a large cluster one allocation.
    pub fn share_names(&mut self, interner: &mut Interner) {
        match self {
            Object::Role(r) => {
                share_meta(&mut r.meta, interner);
                for rule in &mut r.rules {
                    for list in [
                        &mut rule.verbs,
                        &mut rule.api_groups,
                        &mut rule.resources,
                        &mut rule.resource_names,
                        &mut rule.non_resource_urls,
                    ] {
                        for n in list {
                            interner.share(n);
                        }
                    }
                }
            }
            Object::Binding(b) => {
                share_meta(&mut b.meta, interner);
                for s in &mut b.subjects {
                    interner.share(&mut s.kind);
                    interner.share(&mut s.api_group);
                    interner.share(&mut s.name);
                    interner.share(&mut s.namespace);
                }
                interner.share(&mut b.role_ref.api_group);
                interner.share(&mut b.role_ref.kind);
                interner.share(&mut b.role_ref.name);
            }
            Object::Crd(_) => {}
            Object::ServiceAccount(sa) => {
                interner.share(&mut sa.namespace);
                interner.share(&mut sa.name);
            }
        }
    }
}

fn share_meta(meta: &mut ObjectMeta, interner: &mut Interner) {
    interner.share(&mut meta.name);
    interner.share(&mut meta.namespace);
}

/// Conversion context for one file.
pub struct Ctx<'a> {
    pub source: SourceId,
    pub path: &'a str,
    pub text: &'a str,
    /// The file's text as diagnostics share it, made on the first problem: most files have
    /// none, and copying every text would double the load's memory.
    pub shared: &'a std::sync::OnceLock<Arc<str>>,
    pub line_starts: &'a [u32],
    /// Names interned by earlier chunks of the load, read-only while documents convert in
    /// parallel: a string seen before is shared at once instead of allocated and replaced.
    pub names: &'a Interner,
    pub problems: Vec<Problem>,
    pub objects: Vec<Object>,
    /// Kinds skipped, with counts.
    pub skipped: BTreeMap<String, usize>,
}

impl<'a> Ctx<'a> {
    pub fn shared_text(&self) -> &Arc<str> {
        self.shared.get_or_init(|| Arc::from(self.text))
    }

    fn origin(&self, node: &Node) -> Origin {
        let line = self
            .line_starts
            .partition_point(|&s| s <= node.offset)
            .max(1);
        let line_start = self.line_starts[line - 1] as usize;
        let offset = node.offset as usize;
        let column = self
            .text
            .get(line_start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        Origin {
            source: self.source,
            offset: node.offset,
            len: node.len,
            line: line as u32,
            column: column as u32,
        }
    }

    fn problem(&mut self, node: &Node, code: &'static str, message: String, help: &str) {
        let p = Problem::error(code, message).with_help(help).at(
            self.path,
            self.shared_text(),
            node.offset as usize,
            node.len as usize,
        );
        self.problems.push(p);
    }

    fn warn(&mut self, node: &Node, code: &'static str, message: String, help: &str) {
        let mut p = Problem::warning(code, message).with_help(help).at(
            self.path,
            self.shared_text(),
            node.offset as usize,
            node.len as usize,
        );
        p.severity = crate::diagnostics::Severity::Warning;
        self.problems.push(p);
    }

    /// A required string field; a problem (and `None`) when missing, empty or mistyped.
    fn required_str(&mut self, parent: &Node, key: &str, what: &str) -> Option<String> {
        self.required_text(parent, key, what).map(str::to_string)
    }

    fn required_text<'n>(&mut self, parent: &'n Node, key: &str, what: &str) -> Option<&'n str> {
        match parent.get(key) {
            None => {
                self.problem(
                    parent,
                    "kauthz::load::missing-field",
                    format!("{what} has no `{key}`"),
                    &format!("add `{key}:`; the API server rejects the object without it"),
                );
                None
            }
            Some(n) => match &n.value {
                Value::Str(s) if !s.is_empty() => Some(s),
                Value::Str(_) | Value::Null => {
                    self.problem(
                        n,
                        "kauthz::load::missing-field",
                        format!("{what} has an empty `{key}`"),
                        &format!("give `{key}` a value"),
                    );
                    None
                }
                other => {
                    self.type_problem(n, key, "a string", other.describe());
                    None
                }
            },
        }
    }

    /// An optional string field ("" when absent or null).
    fn opt_str(&mut self, parent: &Node, key: &str) -> Option<String> {
        self.opt_text(parent, key).map(str::to_string)
    }

    fn opt_text<'n>(&mut self, parent: &'n Node, key: &str) -> Option<&'n str> {
        match parent.get(key) {
            None => Some(""),
            Some(n) => match &n.value {
                Value::Str(s) => Some(s),
                Value::Null => Some(""),
                other => {
                    self.type_problem(n, key, "a string", other.describe());
                    None
                }
            },
        }
    }

    /// [`Self::required_str`] as a [`Name`] (interned when the load merges results).
    fn required_name(&mut self, parent: &Node, key: &str, what: &str) -> Option<Name> {
        let names = self.names;
        self.required_text(parent, key, what).map(|s| names.name(s))
    }

    /// [`Self::opt_str`] as a [`Name`].
    fn opt_name(&mut self, parent: &Node, key: &str) -> Option<Name> {
        let names = self.names;
        self.opt_text(parent, key).map(|s| names.name(s))
    }

    fn type_problem(&mut self, n: &Node, key: &str, expected: &str, found: &str) {
        let help = if expected == "a string" && matches!(found, "a boolean" | "a number") {
            format!(
                "quote the value (`{key}: \"...\"`): YAML reads it as {found}, and kubectl rejects it"
            )
        } else if expected == "a list of strings" && found == "a string" {
            format!("write a list: `{key}: [\"...\"]`")
        } else {
            format!("`{key}` must be {expected}")
        };
        self.problem(
            n,
            "kauthz::load::wrong-type",
            format!("`{key}` is {found}, expected {expected}"),
            &help,
        );
    }

    /// A list of strings (absent or null is empty). `None` after a problem.
    fn str_list(&mut self, parent: &Node, key: &str) -> Option<Vec<String>> {
        self.text_list(parent, key, str::to_string)
    }

    /// [`Self::str_list`] as [`Name`]s.
    fn name_list(&mut self, parent: &Node, key: &str) -> Option<Vec<Name>> {
        let names = self.names;
        self.text_list(parent, key, |s| names.name(s))
    }

    fn text_list<T>(
        &mut self,
        parent: &Node,
        key: &str,
        make: impl Fn(&str) -> T,
    ) -> Option<Vec<T>> {
        let Some(n) = parent.get(key) else {
            return Some(Vec::new());
        };
        match &n.value {
            Value::Null => Some(Vec::new()),
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match &item.value {
                        Value::Str(s) => out.push(make(s)),
                        other => {
                            self.type_problem(
                                item,
                                key,
                                "a list of strings",
                                &format!("a list holding {}", other.describe()),
                            );
                            return None;
                        }
                    }
                }
                Some(out)
            }
            other => {
                self.type_problem(n, key, "a list of strings", other.describe());
                None
            }
        }
    }

    fn str_map(&mut self, parent: &Node, key: &str) -> Option<BTreeMap<String, String>> {
        let Some(n) = parent.get(key) else {
            return Some(BTreeMap::new());
        };
        match &n.value {
            Value::Null => Some(BTreeMap::new()),
            Value::Map(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    match (&k.value, &v.value) {
                        (Value::Str(k), Value::Str(v)) => {
                            out.insert(k.to_string(), v.to_string());
                        }
                        (Value::Str(_), other) => {
                            self.type_problem(
                                v,
                                key,
                                "a mapping of strings to strings",
                                &format!("a mapping holding {}", other.describe()),
                            );
                            return None;
                        }
                        (other, _) => {
                            self.type_problem(
                                k,
                                key,
                                "a mapping with string keys",
                                other.describe(),
                            );
                            return None;
                        }
                    }
                }
                Some(out)
            }
            other => {
                self.type_problem(n, key, "a mapping", other.describe());
                None
            }
        }
    }

    fn seq<'n, 'd>(&mut self, parent: &'n Node<'d>, key: &str) -> Option<&'n [Node<'d>]> {
        match parent.get(key) {
            None => Some(&[]),
            Some(n) => match &n.value {
                Value::Null => Some(&[]),
                Value::Seq(items) => Some(items),
                other => {
                    self.type_problem(n, key, "a list", other.describe());
                    None
                }
            },
        }
    }

    fn is_map(&mut self, n: &Node, what: &str) -> bool {
        if matches!(n.value, Value::Map(_)) {
            return true;
        }
        self.problem(
            n,
            "kauthz::load::not-an-object",
            format!("{what} is {}, expected a mapping", n.value.describe()),
            "each YAML document (and each item of a List) must be one Kubernetes object",
        );
        false
    }
}

/// Converts one document (or list item) into objects.
pub fn convert(ctx: &mut Ctx<'_>, node: &Node) {
    if node.is_null() {
        return;
    }
    if !ctx.is_map(node, "the document") {
        return;
    }
    // kauthz's own assertion files live beside the manifests they test.
    if node.get("kind").is_none() && node.get("apiVersion").is_none() && node.get("tests").is_some()
    {
        *ctx.skipped.entry("kauthz tests".into()).or_default() += 1;
        return;
    }
    let Some(kind) = ctx.required_str(node, "kind", "the object") else {
        return;
    };
    let Some(api_version) = ctx.required_str(node, "apiVersion", &format!("the {kind}")) else {
        return;
    };
    match kind.as_str() {
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            if api_version != RBAC_V1 {
                let help = if api_version.starts_with("rbac.authorization.k8s.io/") {
                    format!(
                        "`{api_version}` is no longer served (removed in Kubernetes 1.22); use `apiVersion: {RBAC_V1}`"
                    )
                } else {
                    format!("RBAC objects use `apiVersion: {RBAC_V1}`")
                };
                let at = node.get("apiVersion").unwrap_or(node);
                ctx.problem(
                    at,
                    "kauthz::load::unknown-api-version",
                    format!("`{api_version}` is not an API version of {kind}"),
                    &help,
                );
                return;
            }
            match kind.as_str() {
                "Role" => role(ctx, node, RoleKind::Role),
                "ClusterRole" => role(ctx, node, RoleKind::ClusterRole),
                "RoleBinding" => binding(ctx, node, BindingKind::RoleBinding),
                _ => binding(ctx, node, BindingKind::ClusterRoleBinding),
            }
        }
        "CustomResourceDefinition" if api_version.starts_with("apiextensions.k8s.io/") => {
            crd(ctx, node)
        }
        "ServiceAccount" if api_version == "v1" => {
            if let Some(meta) = metadata(ctx, node, true) {
                ctx.objects
                    .push(Object::ServiceAccount(Box::new(ServiceAccount {
                        namespace: meta.namespace,
                        name: meta.name,
                        origin: meta.origin,
                    })));
            }
        }
        k if k == "List" || (k.ends_with("List") && node.get("items").is_some()) => {
            if let Some(items) = ctx.seq(node, "items") {
                for item in items {
                    convert(ctx, item);
                }
            }
        }
        _ => *ctx.skipped.entry(kind).or_default() += 1,
    }
}

fn metadata(ctx: &mut Ctx<'_>, node: &Node, namespaced: bool) -> Option<ObjectMeta> {
    let origin = ctx.origin(node);
    let Some(meta) = node.get("metadata") else {
        ctx.problem(
            node,
            "kauthz::load::missing-field",
            "the object has no `metadata`".into(),
            "add `metadata:` with a `name:`",
        );
        return None;
    };
    if !ctx.is_map(meta, "`metadata`") {
        return None;
    }
    let name = ctx.required_name(meta, "name", "`metadata`")?;
    let mut namespace = ctx.opt_name(meta, "namespace")?;
    if namespaced && namespace.is_empty() {
        // As `kubectl apply` in a context without a namespace does.
        namespace = Name::from("default");
    } else if !namespaced && !namespace.is_empty() {
        let at = meta.get("namespace").unwrap_or(meta);
        ctx.warn(
            at,
            "kauthz::load::namespace-on-cluster-object",
            format!("`metadata.namespace` is ignored on a cluster-scoped object (`{namespace}`)"),
            "remove the namespace; the API server drops it",
        );
        namespace = Name::default();
    }
    let labels = ctx.str_map(meta, "labels")?;
    let annotations = ctx.str_map(meta, "annotations")?;
    Some(ObjectMeta {
        name,
        namespace,
        labels,
        annotations,
        origin,
    })
}

fn role(ctx: &mut Ctx<'_>, node: &Node, kind: RoleKind) {
    let Some(meta) = metadata(ctx, node, kind == RoleKind::Role) else {
        return;
    };
    let Some(items) = ctx.seq(node, "rules") else {
        return;
    };
    let mut rules = Vec::with_capacity(items.len());
    let mut rule_origins = Vec::with_capacity(items.len());
    for item in items {
        if !ctx.is_map(item, "a rule") {
            return;
        }
        let rule = (|| {
            Some(PolicyRule {
                verbs: ctx.name_list(item, "verbs")?,
                api_groups: ctx.name_list(item, "apiGroups")?,
                resources: ctx.name_list(item, "resources")?,
                resource_names: ctx.name_list(item, "resourceNames")?,
                non_resource_urls: ctx.name_list(item, "nonResourceURLs")?,
            })
        })();
        let Some(rule) = rule else {
            return;
        };
        rules.push(rule);
        rule_origins.push(ctx.origin(item));
    }
    let aggregation_rule = match node.get("aggregationRule") {
        Some(agg) if kind == RoleKind::ClusterRole && !agg.is_null() => {
            match aggregation(ctx, agg) {
                Some(a) => Some(a),
                None => return,
            }
        }
        _ => None,
    };
    ctx.objects.push(Object::Role(Box::new(RoleObject {
        kind,
        meta,
        rules,
        rule_origins,
        aggregation_rule,
    })));
}

fn aggregation(ctx: &mut Ctx<'_>, agg: &Node) -> Option<AggregationRule> {
    if !ctx.is_map(agg, "`aggregationRule`") {
        return None;
    }
    let mut selectors = Vec::new();
    for sel in ctx.seq(agg, "clusterRoleSelectors")? {
        if !ctx.is_map(sel, "a cluster role selector") {
            return None;
        }
        let match_labels = ctx.str_map(sel, "matchLabels")?;
        let mut match_expressions = Vec::new();
        for e in ctx.seq(sel, "matchExpressions")? {
            if !ctx.is_map(e, "a match expression") {
                return None;
            }
            match_expressions.push(LabelSelectorRequirement {
                key: ctx.required_str(e, "key", "a match expression")?,
                operator: ctx.required_str(e, "operator", "a match expression")?,
                values: ctx.str_list(e, "values")?,
            });
        }
        selectors.push(LabelSelector {
            match_labels,
            match_expressions,
        });
    }
    Some(AggregationRule {
        cluster_role_selectors: selectors,
    })
}

fn binding(ctx: &mut Ctx<'_>, node: &Node, kind: BindingKind) {
    let Some(meta) = metadata(ctx, node, kind == BindingKind::RoleBinding) else {
        return;
    };
    let what = format!("{kind} `{}`", meta.name);
    let Some(rr) = node.get("roleRef") else {
        ctx.problem(
            node,
            "kauthz::load::missing-field",
            format!("{what} has no `roleRef`"),
            "add `roleRef:` with `apiGroup: rbac.authorization.k8s.io`, `kind:` and `name:`",
        );
        return;
    };
    if !ctx.is_map(rr, "`roleRef`") {
        return;
    }
    let role_ref = (|| {
        Some(RoleRef {
            api_group: ctx.opt_name(rr, "apiGroup")?,
            kind: ctx.required_name(rr, "kind", "`roleRef`")?,
            name: ctx.required_name(rr, "name", "`roleRef`")?,
        })
    })();
    let Some(role_ref) = role_ref else {
        return;
    };
    let role_ref_origin = ctx.origin(rr);
    let Some(items) = ctx.seq(node, "subjects") else {
        return;
    };
    let mut subjects = Vec::with_capacity(items.len());
    let mut subject_origins = Vec::with_capacity(items.len());
    for item in items {
        if !ctx.is_map(item, "a subject") {
            return;
        }
        let s = (|| {
            Some(Subject {
                kind: ctx.required_name(item, "kind", "a subject")?,
                api_group: ctx.opt_name(item, "apiGroup")?,
                name: ctx.required_name(item, "name", "a subject")?,
                namespace: ctx.opt_name(item, "namespace")?,
            })
        })();
        let Some(s) = s else {
            return;
        };
        subjects.push(s);
        subject_origins.push(ctx.origin(item));
    }
    ctx.objects.push(Object::Binding(Box::new(BindingObject {
        kind,
        meta,
        subjects,
        role_ref,
        subject_origins,
        role_ref_origin,
    })));
}

fn crd(ctx: &mut Ctx<'_>, node: &Node) {
    let Some(meta) = metadata(ctx, node, false) else {
        return;
    };
    let Some(spec) = node.get("spec") else {
        ctx.problem(
            node,
            "kauthz::load::missing-field",
            format!("CustomResourceDefinition `{}` has no `spec`", meta.name),
            "add `spec:` with `group`, `names` and `scope`",
        );
        return;
    };
    let Some(names) = spec.get("names") else {
        ctx.problem(
            spec,
            "kauthz::load::missing-field",
            format!(
                "CustomResourceDefinition `{}` has no `spec.names`",
                meta.name
            ),
            "add `names:` with `plural` and `kind`",
        );
        return;
    };
    let parsed = (|| {
        let group = ctx.required_str(spec, "group", "`spec`")?;
        let plural = ctx.required_str(names, "plural", "`spec.names`")?;
        let kind = ctx.required_str(names, "kind", "`spec.names`")?;
        let mut singular = ctx.opt_str(names, "singular")?;
        if singular.is_empty() {
            singular = kind.to_lowercase();
        }
        let short_names = ctx.str_list(names, "shortNames")?;
        let categories = ctx.str_list(names, "categories")?;
        let scope = ctx.opt_str(spec, "scope")?;
        let mut versions = Vec::new();
        let mut subresources: Vec<String> = Vec::new();
        for v in ctx.seq(spec, "versions")? {
            if let Some(name) = v.get("name").and_then(Node::as_str) {
                let storage = matches!(v.get("storage").map(|n| &n.value), Some(Value::Bool(true)));
                if storage {
                    versions.insert(0, name.to_string());
                } else {
                    versions.push(name.to_string());
                }
            }
            note_subresources(v, &mut subresources);
        }
        if let Some(v) = spec.get("version").and_then(Node::as_str)
            && !versions.iter().any(|x| x == v)
        {
            versions.push(v.to_string());
        }
        // apiextensions v1beta1 declared them once for all versions.
        note_subresources(spec, &mut subresources);
        Some(CustomResource {
            group,
            versions,
            plural,
            singular,
            kind,
            short_names,
            categories,
            namespaced: scope != "Cluster",
            subresources,
            origin: meta.origin,
        })
    })();
    if let Some(c) = parsed {
        ctx.objects.push(Object::Crd(Box::new(c)));
    }
}

/// The `status` and `scale` subresources a CRD version (or v1beta1 spec) declares.
fn note_subresources(parent: &Node, found: &mut Vec<String>) {
    for sub in ["status", "scale"] {
        if parent
            .get("subresources")
            .and_then(|s| s.get(sub))
            .is_some()
            && !found.iter().any(|s| s == sub)
        {
            found.push(sub.to_string());
        }
    }
}
