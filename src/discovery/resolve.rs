//! kubectl's resource-argument resolution and the warnings `kubectl auth can-i` prints.

use std::cmp::Ordering;

use super::{ApiResource, Discovery, Resolved, group_resource_string};

/// The verbs `kubectl auth can-i` knows for resource checks (cani.go `resourceVerbs`).
const RESOURCE_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "impersonate",
    "*",
    "approve",
    "sign",
    "escalate",
    "attest",
];

/// The verbs `kubectl auth can-i` knows for non-resource URLs (cani.go `nonResourceURLVerbs`).
const NON_RESOURCE_VERBS: &[&str] = &[
    "get", "put", "post", "head", "options", "delete", "patch", "*",
];

/// Whether `kubectl auth can-i` knows a verb for a resource check. Exact and case-sensitive.
pub fn is_known_verb(verb: &str) -> bool {
    RESOURCE_VERBS.contains(&verb)
}

/// Whether `kubectl auth can-i` knows a verb for a non-resource URL check.
pub fn is_known_non_resource_verb(verb: &str) -> bool {
    NON_RESOURCE_VERBS.contains(&verb)
}

/// kubectl's warning for a verb it does not know (the same text for resources and URLs).
pub fn unknown_verb_warning(verb: &str) -> String {
    format!("Warning: verb '{verb}' is not a known verb")
}

/// kubectl's warning for a cluster-scoped resource checked without `-A`.
pub fn not_namespaced_warning(group: &str, resource: &str) -> String {
    if group.is_empty() {
        format!("Warning: resource '{resource}' is not namespace scoped")
    } else {
        format!("Warning: resource '{resource}' is not namespace scoped in group '{group}'")
    }
}

fn unknown_type_warning(group: &str, resource: &str) -> String {
    if group.is_empty() {
        format!("Warning: the server doesn't have a resource type '{resource}'")
    } else {
        format!("Warning: the server doesn't have a resource type '{resource}' in group '{group}'")
    }
}

/// Standard error of `kubectl auth can-i VERB /url` before the request: kubectl checks the verb
/// against its URL verbs whether or not `-A` is given.
pub fn non_resource_can_i_stderr(verb: &str) -> String {
    if is_known_non_resource_verb(verb) {
        String::new()
    } else {
        cani_line(&unknown_verb_warning(verb))
    }
}

/// cani.go passes messages that already end in a newline to a printer that adds another.
fn cani_line(warning: &str) -> String {
    format!("{warning}\n\n")
}

pub(super) fn can_i_stderr(
    discovery: &Discovery,
    verb: &str,
    resolved: &Resolved,
    all_namespaces: bool,
) -> String {
    let mut out = String::new();
    if let Some(warning) = &resolved.warning {
        for line in warning.lines() {
            out.push_str(line);
            out.push('\n');
            // The unknown-type line comes from cani.go itself; the short-name one does not.
            if line.starts_with("Warning: the server doesn't have a resource type") {
                out.push('\n');
            }
        }
    }
    let empty =
        resolved.group.is_empty() && resolved.version.is_empty() && resolved.resource.is_empty();
    if empty || all_namespaces {
        return out;
    }
    // kubectl reads the scope from the resolved group-version's resource list; an unknown type
    // or a `<kind>list` name is not in it, which kubectl treats as "no warning".
    let namespaced = if resolved.resource == "*" {
        Some(true)
    } else {
        resolved
            .found
            .and_then(|i| discovery.resources.get(i))
            .map(|r| r.namespaced)
    };
    if namespaced == Some(false) {
        out.push_str(&cani_line(&not_namespaced_warning(
            &resolved.group,
            &resolved.resource,
        )));
    }
    if !is_known_verb(verb) {
        out.push_str(&cani_line(&unknown_verb_warning(verb)));
    }
    out
}

/// A group, version and resource as kubectl's mappers pass them around.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Gvr {
    group: String,
    version: String,
    resource: String,
}

/// A mapper hit: the group-version (index into `Discovery::gvs`) and the plural resource.
type Hit = (usize, String);

pub(super) fn resolve_can_i(discovery: &Discovery, arg: &str) -> Resolved {
    let arg = arg.split('/').next().unwrap_or(arg);
    if arg == "*" {
        return Resolved {
            group: String::new(),
            resource: "*".to_string(),
            version: String::new(),
            found: None,
            warning: None,
        };
    }
    let lower = go_to_lower(arg);
    let mut warnings = Vec::new();
    let mut hit = None;
    // ParseResourceArg: with two dots or more, `resource.version.group` is tried first.
    if lower.matches('.').count() >= 2 {
        let mut parts = lower.splitn(3, '.');
        let resource = parts.next().unwrap_or_default();
        let version = parts.next().unwrap_or_default();
        let group = parts.next().unwrap_or_default();
        let full = Gvr {
            group: group.to_string(),
            version: version.to_string(),
            resource: resource.to_string(),
        };
        hit = resource_for(discovery, &full, &mut warnings);
    }
    let hit = match hit {
        Some(hit) => hit,
        None => {
            let (group, resource) = match lower.split_once('.') {
                Some((resource, group)) => (group, resource),
                None => ("", lower.as_str()),
            };
            let partial = Gvr {
                group: group.to_string(),
                version: String::new(),
                resource: resource.to_string(),
            };
            match resource_for(discovery, &partial, &mut warnings) {
                Some(hit) => hit,
                None => {
                    // cani.go `nonStandardResourceNames`: resources a server accepts in reviews
                    // but never lists (the impersonate verb's users and groups).
                    let exempt = group.is_empty() && (resource == "users" || resource == "groups");
                    if !exempt {
                        warnings.push(unknown_type_warning(group, resource));
                    }
                    return Resolved {
                        group: String::new(),
                        resource: arg.to_string(),
                        version: String::new(),
                        found: None,
                        warning: join(warnings),
                    };
                }
            }
        }
    };
    let (gv_index, resource) = hit;
    let gv = &discovery.gvs[gv_index];
    let found = gv
        .members
        .iter()
        .copied()
        .find(|i| discovery.resources[*i].resource == resource);
    Resolved {
        group: gv.group.clone(),
        resource,
        version: gv.version.clone(),
        found,
        warning: join(warnings),
    }
}

fn join(warnings: Vec<String>) -> Option<String> {
    if warnings.is_empty() {
        None
    } else {
        Some(warnings.join("\n"))
    }
}

/// The shortcut expander's `ResourceFor`: expand, then ask the priority mapper for one match.
/// `None` is any mapper error: no match, or a tie it cannot break.
fn resource_for(discovery: &Discovery, input: &Gvr, warnings: &mut Vec<String>) -> Option<Hit> {
    let expanded = expand_shortcut(discovery, input, warnings);
    let resource = go_to_lower(&expanded.resource);
    if resource.is_empty() {
        return None;
    }
    let group = expanded.group.as_str();
    // coerceResourceForMatching turns the internal version into "unspecified".
    let version = if expanded.version == "__internal" {
        ""
    } else {
        expanded.version.as_str()
    };

    // MultiRESTMapper: every group-version's DefaultRESTMapper, results de-duplicated.
    let mut hits: Vec<Hit> = Vec::new();
    let push = |hits: &mut Vec<Hit>, hit: Hit| {
        if !hits.contains(&hit) {
            hits.push(hit);
        }
    };
    for (index, (gv, names)) in discovery
        .gvs
        .iter()
        .zip(discovery.mapper_names())
        .enumerate()
    {
        let matches =
            |(plural, singular): &&(String, String)| *singular == resource || *plural == resource;
        match (group.is_empty(), version.is_empty()) {
            (false, false) => {
                if gv.group == group
                    && gv.version == version
                    && let Some((plural, _)) = names.iter().find(matches)
                {
                    push(&mut hits, (index, plural.clone()));
                }
            }
            (false, true) => {
                // An exact group first; only a group-version without one falls back to a group
                // prefix (`deployments.app`, `ingresses.networking`).
                let exact = gv.group == group && names.iter().any(|n| matches(&n));
                if exact || gv.group.starts_with(group) {
                    for (plural, _) in names.iter().filter(matches) {
                        push(&mut hits, (index, plural.clone()));
                    }
                }
            }
            (true, false) => {
                if gv.version == version {
                    for (plural, _) in names.iter().filter(matches) {
                        push(&mut hits, (index, plural.clone()));
                    }
                }
            }
            (true, true) => {
                for (plural, _) in names.iter().filter(matches) {
                    push(&mut hits, (index, plural.clone()));
                }
            }
        }
    }

    // PriorityRESTMapper: the group-versions are already in its pattern order, so the first
    // group-version with hits narrows the list; two hits in one group-version stay ambiguous.
    let first = hits.first()?.0;
    let mut best = hits.into_iter().filter(|(index, _)| *index == first);
    let hit = best.next()?;
    if best.next().is_some() {
        return None;
    }
    Some(hit)
}

/// client-go's shortcut expander, run before every mapper call.
fn expand_shortcut(discovery: &Discovery, input: &Gvr, warnings: &mut Vec<String>) -> Gvr {
    let group_matches = |gv_group: &str| input.group.is_empty() || input.group == gv_group;

    // A full resource name (plural or singular) is never expanded.
    for gv in discovery.gvs.iter().filter(|gv| group_matches(&gv.group)) {
        for resource in gv.members.iter().map(|i| &discovery.resources[*i]) {
            if input.resource == resource.resource || input.resource == resource.singular {
                return input.clone();
            }
        }
    }

    // Short names, in priority order: the first wins, any other resource it names is reported.
    let mut chosen: Option<(&str, &str)> = None;
    let mut warned: Vec<(&str, &str)> = Vec::new();
    for (gv, resource) in shortcuts(discovery) {
        if !group_matches(&gv.group) {
            continue;
        }
        for short in &resource.short_names {
            if *short != input.resource {
                continue;
            }
            let long = (gv.group.as_str(), resource.resource.as_str());
            match chosen {
                None => chosen = Some(long),
                Some(first) if first == long => {}
                Some(_) => {
                    if !warned.contains(&long) {
                        warnings.push(format!(
                            "Warning: short name {} could also match lower priority resource {}",
                            crate::response::go_quote(&input.resource),
                            group_resource_string(long.0, long.1)
                        ));
                        warned.push(long);
                    }
                }
            }
        }
    }
    if let Some((group, resource)) = chosen {
        // The expander keeps only group and resource: a version given with a short name is lost.
        return Gvr {
            group: group.to_string(),
            version: String::new(),
            resource: resource.to_string(),
        };
    }

    // Finally a short name in a group the given group is a prefix of (`hpa.autoscal`).
    if !input.group.is_empty() {
        for (gv, resource) in shortcuts(discovery) {
            if gv.group.starts_with(&input.group) && resource.short_names.contains(&input.resource)
            {
                return Gvr {
                    group: gv.group.clone(),
                    version: input.version.clone(),
                    resource: resource.resource.clone(),
                };
            }
        }
    }
    input.clone()
}

fn shortcuts(discovery: &Discovery) -> impl Iterator<Item = (&super::GroupVersion, &ApiResource)> {
    discovery.gvs.iter().flat_map(move |gv| {
        gv.members
            .iter()
            .map(move |i| (gv, &discovery.resources[*i]))
    })
}

/// The plural-to-singular names one DefaultRESTMapper holds for a group-version, built as
/// client-go's `NewDiscoveryRESTMapper` fills it.
pub(super) fn mapper_names<'a>(
    members: impl Iterator<Item = &'a ApiResource>,
) -> Vec<(String, String)> {
    let mut names: Vec<(String, String)> = Vec::new();
    let add = |names: &mut Vec<(String, String)>, plural: String, singular: String| match names
        .iter_mut()
        .find(|(p, _)| *p == plural)
    {
        Some(entry) => entry.1 = singular,
        None => names.push((plural, singular)),
    };
    for resource in members {
        if resource.resource.contains('/') {
            continue;
        }
        let singular = if resource.singular.is_empty() {
            guess_kind_to_resource(&resource.kind).1
        } else {
            resource.singular.clone()
        };
        add(&mut names, resource.resource.clone(), singular);
        let (plural, singular) = guess_kind_to_resource(&format!("{}List", resource.kind));
        add(&mut names, plural, singular);
    }
    let (plural, singular) = guess_kind_to_resource("List");
    add(&mut names, plural, singular);
    names
}

/// apimachinery `UnsafeGuessKindToResource`: (plural, singular).
fn guess_kind_to_resource(kind: &str) -> (String, String) {
    if kind.is_empty() {
        return (String::new(), String::new());
    }
    let singular = go_to_lower(kind);
    if singular.ends_with("endpoints") {
        return (singular.clone(), singular);
    }
    let plural = if singular.ends_with('s') {
        format!("{singular}es")
    } else if let Some(stem) = singular.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{singular}s")
    };
    (plural, singular)
}

/// Go's `strings.ToLower`: per-character simple lower-casing, so `İ` becomes a plain `i` and a
/// final `Σ` is not treated specially (Rust's `str::to_lowercase` does both differently).
pub(super) fn go_to_lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\u{130}' {
                'i'
            } else {
                c.to_lowercase().next().unwrap_or(c)
            }
        })
        .collect()
}

/// apimachinery `CompareKubeAwareVersionStrings`: GA above beta above alpha, then higher major,
/// then higher minor; versions that are not kube-like sort below, alphabetically.
pub(super) fn compare_kube_aware_versions(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    match (parse_kube_version(a), parse_kube_version(b)) {
        (None, None) => b.cmp(a),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some((a_major, a_type, a_minor)), Some((b_major, b_type, b_minor))) => a_type
            .cmp(&b_type)
            .then(a_major.cmp(&b_major))
            .then(a_minor.cmp(&b_minor)),
    }
}

/// `v<major>[(alpha|beta)<minor>]` as (major, stability: 0 alpha, 1 beta, 2 GA, minor).
fn parse_kube_version(v: &str) -> Option<(i64, u8, i64)> {
    let rest = v.strip_prefix('v')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let major: i64 = rest[..digits].parse().ok()?;
    let rest = &rest[digits..];
    if rest.is_empty() {
        return Some((major, 2, 0));
    }
    let (stability, minor) = if let Some(minor) = rest.strip_prefix("alpha") {
        (0, minor)
    } else if let Some(minor) = rest.strip_prefix("beta") {
        (1, minor)
    } else {
        return None;
    };
    if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((major, stability, minor.parse().ok()?))
}

/// How far apart two names are, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

fn is_alias(resource: &ApiResource, name: &str) -> bool {
    resource.resource.eq_ignore_ascii_case(name)
        || resource.singular.eq_ignore_ascii_case(name)
        || resource.kind.eq_ignore_ascii_case(name)
        || resource
            .short_names
            .iter()
            .any(|s| s.eq_ignore_ascii_case(name))
}

pub(super) fn suggestions(
    discovery: &Discovery,
    group: &str,
    resource: &str,
) -> Vec<(String, String)> {
    let (name, sub) = match resource.split_once('/') {
        Some((name, sub)) => (name, Some(sub)),
        None => (resource, None),
    };
    // Each group-resource once, in priority order.
    let mut rows: Vec<&ApiResource> = Vec::new();
    for (_, r) in shortcuts(discovery) {
        if !rows
            .iter()
            .any(|x| x.group == r.group && x.resource == r.resource)
        {
            rows.push(r);
        }
    }
    let limit = (name.chars().count() / 3).max(1);

    let mut out: Vec<(String, String)> = Vec::new();
    let offer = |out: &mut Vec<(String, String)>, r: &ApiResource| {
        let mut candidates = Vec::new();
        match sub {
            None => candidates.push(r.resource.clone()),
            Some(sub) => {
                let mut subs: Vec<(usize, &str)> = r
                    .subresources
                    .iter()
                    .map(|(s, _)| {
                        (
                            edit_distance(&s.to_ascii_lowercase(), &sub.to_ascii_lowercase()),
                            s.as_str(),
                        )
                    })
                    .filter(|(d, _)| *d <= (sub.chars().count() / 3).max(1))
                    .collect();
                subs.sort();
                candidates.extend(subs.into_iter().map(|(_, s)| format!("{}/{s}", r.resource)));
            }
        }
        for candidate in candidates {
            let pair = (r.group.clone(), candidate);
            if (pair.0 != group || pair.1 != resource) && !out.contains(&pair) {
                out.push(pair);
            }
        }
    };

    for r in rows
        .iter()
        .filter(|r| r.group == group && is_alias(r, name))
    {
        offer(&mut out, r);
    }
    for r in rows
        .iter()
        .filter(|r| r.group != group && is_alias(r, name))
    {
        offer(&mut out, r);
    }
    let lower = name.to_ascii_lowercase();
    let mut close: Vec<(bool, usize, &ApiResource)> = rows
        .iter()
        .map(|r| (r.group != group, edit_distance(&lower, &r.resource), *r))
        .filter(|(_, d, _)| *d <= limit)
        .collect();
    close.sort_by_key(|a| (a.0, a.1));
    for (_, _, r) in close {
        offer(&mut out, r);
    }
    out.truncate(5);
    out
}
