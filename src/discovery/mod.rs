//! API discovery: the built-in resource table, user CRDs, and the resource-argument resolution
//! `kubectl auth can-i` performs (kubectl's discovery RESTMapper behind its shortcut expander).
//!
//! The resolution reproduces kubectl v1.36 (kubectl `pkg/cmd/auth/cani.go`, client-go
//! `restmapper/{discovery,shortcut}.go`, apimachinery `pkg/api/meta/{restmapper,priority,
//! multirestmapper}.go`), quirks included: `lists`, `podlists` and every `<kind>list(s)` resolve
//! without a warning because kubectl's mapper registers them although discovery never lists them.

mod resolve;
mod table;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::model::CustomResource;

pub use resolve::{
    is_known_non_resource_verb, is_known_verb, non_resource_can_i_stderr, not_namespaced_warning,
    unknown_verb_warning,
};

/// One served resource in one group-version, as discovery describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiResource {
    pub group: String,
    pub version: String,
    /// The plural name: what RBAC rules, URLs and access reviews use.
    pub resource: String,
    pub singular: String,
    pub kind: String,
    pub short_names: Vec<String>,
    pub namespaced: bool,
    pub verbs: Vec<String>,
    /// Subresource name and its verbs, sorted by name.
    pub subresources: Vec<(String, Vec<String>)>,
    pub categories: Vec<String>,
    /// This version is its group's preferred version.
    pub preferred: bool,
    /// From kauthz's built-in table rather than a user CRD.
    pub builtin: bool,
}

impl ApiResource {
    /// `resource` for the core group, `resource.group` otherwise: kubectl's and the API server's
    /// way of naming a group-resource.
    pub fn group_resource(&self) -> String {
        group_resource_string(&self.group, &self.resource)
    }

    /// Verbs of a subresource, if the resource has it.
    pub fn subresource_verbs(&self, subresource: &str) -> Option<&[String]> {
        self.subresources
            .iter()
            .find(|(name, _)| name == subresource)
            .map(|(_, verbs)| verbs.as_slice())
    }
}

/// What `kubectl auth can-i` asks the API server about for a TYPE argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The group put in the access review.
    pub group: String,
    /// The resource put in the access review: the plural name when the type is known, otherwise
    /// the argument exactly as given (case kept, `.group` suffix kept) with an empty group.
    pub resource: String,
    /// The version the mapper picked; empty for `*` and for unknown types.
    pub version: String,
    /// Index into [`Discovery::resources`]; `None` for `*`, for unknown types, and for the
    /// `<kind>list(s)` names kubectl's mapper accepts although discovery never lists them.
    pub found: Option<usize>,
    /// What kubectl prints on standard error while resolving, without the final newline: one or
    /// more lines, each starting with `Warning: ` (an ambiguous short name, or an unknown type).
    pub warning: Option<String>,
}

/// One group-version as kubectl's discovery mapper sees it.
#[derive(Clone, Debug)]
struct GroupVersion {
    group: String,
    version: String,
    /// Indices into `Discovery::resources`, in the order discovery lists them (by name).
    members: Vec<usize>,
}

/// The plural-to-singular names one group-version's DefaultRESTMapper registers, in insertion
/// order with Go map overwrite semantics: the real resources plus the `<kind>list(s)` and
/// `list(s)` guesses.
type MapperNames = Vec<(String, String)>;

/// The resources a cluster serves, with kubectl's priority order over them.
#[derive(Clone, Debug)]
pub struct Discovery {
    resources: Vec<ApiResource>,
    /// Group-versions in discovery order, which is also kubectl's priority order: the core group
    /// first, then groups as the server orders them, each group's preferred version first.
    gvs: Vec<GroupVersion>,
    /// CRD group-resource-versions the API server would not serve because a built-in API owns
    /// that group-version.
    shadowed: Vec<ApiResource>,
    /// Parallel to `gvs`; built on the first resolution so that `builtin()` stays cheap for
    /// callers that never resolve a TYPE argument.
    names: OnceLock<Vec<MapperNames>>,
}

/// The verbs of the API server's generic REST storage, in kubectl's order: what a collection
/// and its objects serve.
pub const STANDARD_VERBS: [&str; 8] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

/// Verbs the API extensions server lists for a custom resource (sorted, as the table keeps them).
const CRD_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// Verbs of the `status` and `scale` subresources of a custom resource.
const CRD_SUBRESOURCE_VERBS: &[&str] = &["get", "patch", "update"];

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

impl Discovery {
    /// The built-in table only.
    pub fn builtin() -> Discovery {
        let resources = table::ROWS
            .iter()
            .map(|row| ApiResource {
                group: row.group.to_string(),
                version: row.version.to_string(),
                resource: row.resource.to_string(),
                singular: row.singular.to_string(),
                kind: row.kind.to_string(),
                short_names: strings(row.short_names),
                namespaced: row.namespaced,
                verbs: strings(row.verbs),
                subresources: row
                    .subresources
                    .iter()
                    .map(|(name, verbs)| ((*name).to_string(), strings(verbs)))
                    .collect(),
                categories: strings(row.categories),
                preferred: row.preferred,
                builtin: true,
            })
            .collect::<Vec<_>>();
        let order = table::GROUP_ORDER
            .iter()
            .flat_map(|(group, versions)| {
                versions
                    .iter()
                    .map(move |version| ((*group).to_string(), (*version).to_string()))
            })
            .collect::<Vec<_>>();
        Discovery::assemble(resources, &order, Vec::new())
    }

    /// The built-in table plus custom resources, placed where a v1.36 API server puts them.
    ///
    /// - CRD groups rank after every built-in group (their APIServices have group priority 1000,
    ///   below every built-in group) and among themselves by name, as aggregated discovery sorts
    ///   equal priorities. Versions of a group rank kube-aware: `v2`, `v1`, `v1beta2`, `v1beta1`,
    ///   `v1alpha1`, then other strings alphabetically; the first is the preferred version.
    /// - A CRD version in a group-version a built-in API already serves is not served at all: the
    ///   built-in handler owns that path and discovery lists the built-in version. Such rows go to
    ///   [`Discovery::shadowed_crds`]. A CRD in a built-in group but a new version is served, and
    ///   its version ranks before the built-in ones (CRD version priority 100 beats theirs).
    /// - Two CRDs with the same group and plural are the same object (`<plural>.<group>`): the
    ///   later one wins. A CRD without versions is taken as serving `v1`; one without a singular
    ///   gets the lower-cased kind, as the API server defaults it.
    pub fn with_crds(crds: &[CustomResource]) -> Discovery {
        let base = Discovery::builtin();
        let builtin_gvs: Vec<(String, String)> = base
            .gvs
            .iter()
            .map(|gv| (gv.group.clone(), gv.version.clone()))
            .collect();

        let mut latest: BTreeMap<(&str, &str), &CustomResource> = BTreeMap::new();
        for crd in crds {
            latest.insert((crd.group.as_str(), crd.plural.as_str()), crd);
        }

        let mut resources = base.resources;
        let mut shadowed = Vec::new();
        let mut crd_rows = Vec::new();
        for crd in latest.values() {
            let mut versions: Vec<&str> = crd.versions.iter().map(String::as_str).collect();
            if versions.is_empty() {
                versions.push("v1");
            }
            let mut seen: Vec<&str> = Vec::new();
            for version in versions {
                if seen.contains(&version) {
                    continue;
                }
                seen.push(version);
                let row = crd_row(crd, version);
                if builtin_gvs
                    .iter()
                    .any(|(g, v)| *g == crd.group && v == version)
                {
                    shadowed.push(row);
                } else {
                    crd_rows.push(row);
                }
            }
        }
        crd_rows.sort_by(|a, b| {
            (&a.group, &a.version, &a.resource).cmp(&(&b.group, &b.version, &b.resource))
        });

        // Discovery order: built-in groups keep theirs, CRD versions in a built-in group go first
        // in it, CRD-only groups follow sorted by name.
        let mut crd_versions: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for row in &crd_rows {
            let versions = crd_versions.entry(row.group.as_str()).or_default();
            if !versions.contains(&row.version.as_str()) {
                versions.push(row.version.as_str());
            }
        }
        for versions in crd_versions.values_mut() {
            versions.sort_by(|a, b| resolve::compare_kube_aware_versions(b, a));
        }
        let mut order: Vec<(String, String)> = Vec::new();
        let mut group_start = 0;
        while group_start < builtin_gvs.len() {
            let group = &builtin_gvs[group_start].0;
            if let Some(versions) = crd_versions.remove(group.as_str()) {
                order.extend(versions.iter().map(|v| (group.clone(), (*v).to_string())));
            }
            let mut next = group_start;
            while next < builtin_gvs.len() && builtin_gvs[next].0 == *group {
                order.push(builtin_gvs[next].clone());
                next += 1;
            }
            group_start = next;
        }
        for (group, versions) in &crd_versions {
            order.extend(
                versions
                    .iter()
                    .map(|v| ((*group).to_string(), (*v).to_string())),
            );
        }

        resources.extend(crd_rows);
        // Preferred is per group: the first version in discovery order.
        let mut first_version: BTreeMap<&str, &str> = BTreeMap::new();
        for (group, version) in &order {
            first_version
                .entry(group.as_str())
                .or_insert(version.as_str());
        }
        for resource in &mut resources {
            resource.preferred =
                first_version.get(resource.group.as_str()) == Some(&resource.version.as_str());
        }
        Discovery::assemble(resources, &order, shadowed)
    }

    fn assemble(
        resources: Vec<ApiResource>,
        order: &[(String, String)],
        shadowed: Vec<ApiResource>,
    ) -> Discovery {
        let gvs = order
            .iter()
            .map(|(group, version)| {
                let mut members: Vec<usize> = resources
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.group == *group && r.version == *version)
                    .map(|(i, _)| i)
                    .collect();
                members.sort_by(|a, b| resources[*a].resource.cmp(&resources[*b].resource));
                GroupVersion {
                    group: group.clone(),
                    version: version.clone(),
                    members,
                }
            })
            .collect();
        Discovery {
            resources,
            gvs,
            shadowed,
            names: OnceLock::new(),
        }
    }

    fn mapper_names(&self) -> &[MapperNames] {
        self.names.get_or_init(|| {
            self.gvs
                .iter()
                .map(|gv| resolve::mapper_names(gv.members.iter().map(|i| &self.resources[*i])))
                .collect()
        })
    }

    /// Every served resource: the built-in rows (sorted by group, version, resource), then the CRD
    /// rows sorted the same way.
    pub fn resources(&self) -> &[ApiResource] {
        &self.resources
    }

    /// CRD rows dropped because a built-in API serves the same group-version.
    pub fn shadowed_crds(&self) -> &[ApiResource] {
        &self.shadowed
    }

    /// The group-resource kubectl would look up first for `group`/`resource`: the row in the
    /// highest-priority version (the preferred one when it serves the resource).
    pub fn lookup(&self, group: &str, resource: &str) -> Option<&ApiResource> {
        self.gvs
            .iter()
            .filter(|gv| gv.group == group)
            .flat_map(|gv| gv.members.iter())
            .map(|i| &self.resources[*i])
            .find(|r| r.resource == resource)
    }

    /// Scope of a group/resource if known. `*` counts as namespaced, as kubectl's check does, so
    /// it never draws the "not namespace scoped" warning.
    pub fn is_namespaced(&self, group: &str, resource: &str) -> Option<bool> {
        if resource == "*" {
            return Some(true);
        }
        self.lookup(group, resource).map(|r| r.namespaced)
    }

    /// kubectl auth can-i's `resourceFor` for a TYPE argument. Anything from the first `/` on is
    /// the object name and is ignored here, as kubectl splits it off first.
    pub fn resolve_can_i(&self, arg: &str) -> Resolved {
        resolve::resolve_can_i(self, arg)
    }

    /// The exact standard-error output of a resource `kubectl auth can-i VERB TYPE` check up to
    /// the request: the resolution warnings, then the scope warning, then the verb warning.
    /// kubectl's own warnings end in a newline that its warning printer doubles, so each of them
    /// is followed by an empty line; the short-name warning is not.
    pub fn can_i_stderr(&self, verb: &str, resolved: &Resolved, all_namespaces: bool) -> String {
        resolve::can_i_stderr(self, verb, resolved, all_namespaces)
    }

    /// Candidates for "did you mean", best first, as `(group, resource)` pairs; `resource` may
    /// carry a `/subresource`. Same-group aliases (singular, kind, short name, other case) come
    /// first, then the same name in other groups, then close spellings.
    pub fn suggestions(&self, group: &str, resource: &str) -> Vec<(String, String)> {
        resolve::suggestions(self, group, resource)
    }

    /// [`Discovery::suggestions`] written the way kubectl names group-resources: `resource` for the
    /// core group, `resource.group` otherwise (`deployments.apps`, `deployments/scale.apps`).
    pub fn suggest(&self, group: &str, resource: &str) -> Vec<String> {
        self.suggestions(group, resource)
            .into_iter()
            .map(|(g, r)| group_resource_string(&g, &r))
            .collect()
    }
}

fn crd_row(crd: &CustomResource, version: &str) -> ApiResource {
    let mut subresources: Vec<(String, Vec<String>)> = crd
        .subresources
        .iter()
        .map(|name| (name.clone(), strings(CRD_SUBRESOURCE_VERBS)))
        .collect();
    subresources.sort();
    subresources.dedup();
    let singular = if crd.singular.is_empty() {
        resolve::go_to_lower(&crd.kind)
    } else {
        crd.singular.clone()
    };
    ApiResource {
        group: crd.group.clone(),
        version: version.to_string(),
        resource: crd.plural.clone(),
        singular,
        kind: crd.kind.clone(),
        short_names: crd.short_names.clone(),
        namespaced: crd.namespaced,
        verbs: strings(CRD_VERBS),
        subresources,
        categories: crd.categories.clone(),
        preferred: false,
        builtin: false,
    }
}

/// `GroupResource.String()`: `resource` for the core group, `resource.group` otherwise.
pub fn group_resource_string(group: &str, resource: &str) -> String {
    if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    }
}

#[cfg(test)]
mod tests;
