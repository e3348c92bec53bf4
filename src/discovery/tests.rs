use super::*;
use crate::model::CustomResource;

fn shared(path: &str) -> serde_json::Value {
    let full = format!(
        "{}/../shared/k8s-discovery/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {full}: {e}"));
    serde_json::from_str(&text).expect("valid JSON")
}

fn str_list(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

#[test]
fn builtin_table_matches_resources_json_row_for_row() {
    let json = shared("resources.json");
    let rows = json.as_array().expect("array");
    let d = Discovery::builtin();
    assert_eq!(rows.len(), 100);
    assert_eq!(d.resources().len(), rows.len());
    for (row, r) in rows.iter().zip(d.resources()) {
        let at = format!("{}/{}/{}", r.group, r.version, r.resource);
        assert_eq!(row["group"], r.group.as_str(), "{at}");
        assert_eq!(row["version"], r.version.as_str(), "{at}");
        assert_eq!(row["resource"], r.resource.as_str(), "{at}");
        assert_eq!(row["singular"], r.singular.as_str(), "{at}");
        assert_eq!(row["kind"], r.kind.as_str(), "{at}");
        assert_eq!(str_list(&row["shortNames"]), r.short_names, "{at}");
        assert_eq!(row["namespaced"], r.namespaced, "{at}");
        assert_eq!(str_list(&row["verbs"]), r.verbs, "{at}");
        let subs: Vec<(String, Vec<String>)> = row["subresources"]
            .as_array()
            .expect("array")
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().expect("name").to_string(),
                    str_list(&s["verbs"]),
                )
            })
            .collect();
        assert_eq!(subs, r.subresources, "{at}");
        assert_eq!(str_list(&row["categories"]), r.categories, "{at}");
        assert_eq!(row["preferred"], r.preferred, "{at}");
        assert!(r.builtin);
    }
}

#[test]
fn group_order_is_the_servers_discovery_order() {
    let apis = shared("upstream/apis.json");
    let mut expected = vec![("".to_string(), "v1".to_string())];
    for group in apis["groups"].as_array().expect("groups") {
        let name = group["name"].as_str().expect("name");
        for v in group["versions"].as_array().expect("versions") {
            expected.push((
                name.to_string(),
                v["version"].as_str().expect("v").to_string(),
            ));
        }
        // The preferred version comes first, which is what kubectl's priority order relies on.
        assert_eq!(
            group["preferredVersion"]["version"],
            group["versions"][0]["version"]
        );
    }
    let d = Discovery::builtin();
    let actual: Vec<(String, String)> = d
        .gvs
        .iter()
        .map(|gv| (gv.group.clone(), gv.version.clone()))
        .collect();
    assert_eq!(actual, expected);
    // Every row sits in exactly one listed group-version.
    let members: usize = d.gvs.iter().map(|gv| gv.members.len()).sum();
    assert_eq!(members, d.resources().len());
}

#[test]
fn with_no_crds_equals_builtin() {
    assert_eq!(
        Discovery::with_crds(&[]).resources(),
        Discovery::builtin().resources()
    );
}

/// (argument, group, resource, version, warning)
const CASES: &[(&str, &str, &str, &str, Option<&str>)] = &[
    ("*", "", "*", "", None),
    ("po", "", "pods", "v1", None),
    ("pods", "", "pods", "v1", None),
    ("pod", "", "pods", "v1", None),
    ("PODS", "", "pods", "v1", None),
    ("Pod", "", "pods", "v1", None),
    ("pods/web", "", "pods", "v1", None),
    ("deploy", "apps", "deployments", "v1", None),
    ("deployments", "apps", "deployments", "v1", None),
    ("deployments.apps", "apps", "deployments", "v1", None),
    ("deployments.v1.apps", "apps", "deployments", "v1", None),
    ("Deployments.V1.Apps", "apps", "deployments", "v1", None),
    ("deploy.v1.apps", "apps", "deployments", "v1", None),
    ("deployments.app", "apps", "deployments", "v1", None),
    ("deploy.app", "apps", "deployments", "v1", None),
    ("jobs.batch", "batch", "jobs", "v1", None),
    ("jobs.batch/nightly", "batch", "jobs", "v1", None),
    ("svc", "", "services", "v1", None),
    ("cm", "", "configmaps", "v1", None),
    ("no", "", "nodes", "v1", None),
    (
        "ev",
        "",
        "events",
        "v1",
        Some(
            "Warning: short name \"ev\" could also match lower priority resource events.events.k8s.io",
        ),
    ),
    ("events", "", "events", "v1", None),
    (
        "events.events.k8s.io",
        "events.k8s.io",
        "events",
        "v1",
        None,
    ),
    ("ev.events.k8s.io", "events.k8s.io", "events", "v1", None),
    ("events.events", "events.k8s.io", "events", "v1", None),
    ("hpa", "autoscaling", "horizontalpodautoscalers", "v2", None),
    (
        "hpa.autoscal",
        "autoscaling",
        "horizontalpodautoscalers",
        "v2",
        None,
    ),
    (
        "horizontalpodautoscalers.v1.autoscaling",
        "autoscaling",
        "horizontalpodautoscalers",
        "v1",
        None,
    ),
    (
        "ingresses.networking",
        "networking.k8s.io",
        "ingresses",
        "v1",
        None,
    ),
    (
        "ingresses.networking.k8s.io",
        "networking.k8s.io",
        "ingresses",
        "v1",
        None,
    ),
    ("ing", "networking.k8s.io", "ingresses", "v1", None),
    (
        "storageclass.storage",
        "storage.k8s.io",
        "storageclasses",
        "v1",
        None,
    ),
    (
        "crds",
        "apiextensions.k8s.io",
        "customresourcedefinitions",
        "v1",
        None,
    ),
    (
        "leasecandidates",
        "coordination.k8s.io",
        "leasecandidates",
        "v1beta1",
        None,
    ),
    (
        "clusterroles.rbac.authorization.k8s.io",
        "rbac.authorization.k8s.io",
        "clusterroles",
        "v1",
        None,
    ),
    // A version-only form: `pods.v1.` parses to group "" and version v1.
    ("pods.v1.", "", "pods", "v1", None),
    (
        "foos",
        "",
        "foos",
        "",
        Some("Warning: the server doesn't have a resource type 'foos'"),
    ),
    (
        "Foos",
        "",
        "Foos",
        "",
        Some("Warning: the server doesn't have a resource type 'foos'"),
    ),
    (
        "foos.bar",
        "",
        "foos.bar",
        "",
        Some("Warning: the server doesn't have a resource type 'foos' in group 'bar'"),
    ),
    (
        "Foos.V1.Bar",
        "",
        "Foos.V1.Bar",
        "",
        Some("Warning: the server doesn't have a resource type 'foos' in group 'v1.bar'"),
    ),
    (
        "pods.apps",
        "",
        "pods.apps",
        "",
        Some("Warning: the server doesn't have a resource type 'pods' in group 'apps'"),
    ),
    (
        "pods.v1",
        "",
        "pods.v1",
        "",
        Some("Warning: the server doesn't have a resource type 'pods' in group 'v1'"),
    ),
    (
        "",
        "",
        "",
        "",
        Some("Warning: the server doesn't have a resource type ''"),
    ),
    // Resources reviews accept but discovery never lists: no warning.
    ("users", "", "users", "", None),
    ("Groups", "", "Groups", "", None),
    (
        "users.x",
        "",
        "users.x",
        "",
        Some("Warning: the server doesn't have a resource type 'users' in group 'x'"),
    ),
    // kubectl's mapper registers `<kind>list(s)` and `list(s)` for every group-version.
    ("podlists", "", "podlists", "v1", None),
    ("podlist", "", "podlists", "v1", None),
    ("lists", "", "lists", "v1", None),
    ("lists.apps", "apps", "lists", "v1", None),
    (
        "deploymentlists.apps",
        "apps",
        "deploymentlists",
        "v1",
        None,
    ),
];

#[test]
fn resolves_like_kubectl_auth_can_i() {
    let d = Discovery::builtin();
    for (arg, group, resource, version, warning) in CASES {
        let r = d.resolve_can_i(arg);
        assert_eq!(
            (
                r.group.as_str(),
                r.resource.as_str(),
                r.version.as_str(),
                r.warning.as_deref()
            ),
            (*group, *resource, *version, *warning),
            "argument {arg:?}"
        );
        match r.found {
            Some(i) => {
                let row = &d.resources()[i];
                assert_eq!(
                    (
                        row.group.as_str(),
                        row.version.as_str(),
                        row.resource.as_str()
                    ),
                    (*group, *version, *resource),
                    "argument {arg:?}"
                );
            }
            None => assert!(
                version.is_empty() || resource.ends_with("lists"),
                "argument {arg:?} resolved but not found"
            ),
        }
    }
}

#[test]
fn every_name_in_the_table_resolves_to_its_highest_priority_owner() {
    let d = Discovery::builtin();
    for row in d.resources() {
        let names = [&row.resource, &row.singular]
            .into_iter()
            .chain(row.short_names.iter());
        for name in names {
            let r = d.resolve_can_i(name);
            // A plural or singular anywhere beats a short name; then priority order decides.
            let in_order = || {
                d.gvs
                    .iter()
                    .flat_map(|gv| gv.members.iter().map(|i| &d.resources()[*i]))
            };
            let owner = in_order()
                .find(|x| x.resource == *name || x.singular == *name)
                .or_else(|| in_order().find(|x| x.short_names.iter().any(|s| s == name)))
                .expect("owner");
            assert_eq!(
                (r.group.as_str(), r.resource.as_str()),
                (owner.group.as_str(), owner.resource.as_str()),
                "name {name:?}"
            );
            assert!(r.found.is_some(), "name {name:?}");
            // Qualified with its own group it always lands on this row's group-resource.
            let qualified = group_resource_string(&row.group, name);
            let q = d.resolve_can_i(&qualified);
            assert_eq!(
                (q.group.as_str(), q.resource.as_str()),
                (row.group.as_str(), row.resource.as_str()),
                "name {qualified:?}"
            );
            if name != "ev" {
                assert_eq!(r.warning, None, "name {name:?}");
            }
        }
    }
}

#[test]
fn fully_specified_names_pick_that_version() {
    let d = Discovery::builtin();
    for row in d.resources() {
        let arg = format!("{}.{}.{}", row.resource, row.version, row.group);
        let r = d.resolve_can_i(&arg);
        if row.group.is_empty() {
            // `pods.v1.` is the core form; `pods.v1` alone is resource pods in group v1.
            continue;
        }
        assert_eq!(
            (r.group.as_str(), r.version.as_str(), r.resource.as_str()),
            (
                row.group.as_str(),
                row.version.as_str(),
                row.resource.as_str()
            ),
            "{arg}"
        );
        assert_eq!(r.found.map(|i| &d.resources()[i]), Some(row));
    }
}

#[test]
fn warnings_use_kubectls_exact_text() {
    assert_eq!(
        unknown_verb_warning("foo"),
        "Warning: verb 'foo' is not a known verb"
    );
    assert_eq!(
        not_namespaced_warning("", "nodes"),
        "Warning: resource 'nodes' is not namespace scoped"
    );
    assert_eq!(
        not_namespaced_warning("storage.k8s.io", "storageclasses"),
        "Warning: resource 'storageclasses' is not namespace scoped in group 'storage.k8s.io'"
    );
    for verb in [
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
    ] {
        assert!(is_known_verb(verb), "{verb}");
    }
    for verb in ["GET", "proxy", "post", "put", "head", ""] {
        assert!(!is_known_verb(verb), "{verb}");
    }
    for verb in [
        "get", "put", "post", "head", "options", "delete", "patch", "*",
    ] {
        assert!(is_known_non_resource_verb(verb), "{verb}");
    }
    assert!(!is_known_non_resource_verb("list"));
}

#[test]
fn can_i_stderr_orders_and_spaces_warnings_as_kubectl() {
    let d = Discovery::builtin();
    let nodes = d.resolve_can_i("nodes");
    assert_eq!(
        d.can_i_stderr("get", &nodes, false),
        "Warning: resource 'nodes' is not namespace scoped\n\n"
    );
    assert_eq!(d.can_i_stderr("get", &nodes, true), "");
    assert_eq!(
        d.can_i_stderr("frob", &nodes, false),
        "Warning: resource 'nodes' is not namespace scoped\n\nWarning: verb 'frob' is not a known verb\n\n"
    );
    // With -A kubectl checks neither scope nor verb for resources.
    assert_eq!(d.can_i_stderr("frob", &nodes, true), "");
    let sc = d.resolve_can_i("sc");
    assert_eq!(
        d.can_i_stderr("get", &sc, false),
        "Warning: resource 'storageclasses' is not namespace scoped in group 'storage.k8s.io'\n\n"
    );
    let foos = d.resolve_can_i("foos");
    assert_eq!(
        d.can_i_stderr("frob", &foos, false),
        "Warning: the server doesn't have a resource type 'foos'\n\nWarning: verb 'frob' is not a known verb\n\n"
    );
    let ev = d.resolve_can_i("ev");
    assert_eq!(
        d.can_i_stderr("get", &ev, false),
        "Warning: short name \"ev\" could also match lower priority resource events.events.k8s.io\n"
    );
    let star = d.resolve_can_i("*");
    assert_eq!(d.can_i_stderr("*", &star, false), "");
    let podlists = d.resolve_can_i("podlists");
    assert_eq!(d.can_i_stderr("get", &podlists, false), "");
    assert_eq!(
        non_resource_can_i_stderr("list"),
        "Warning: verb 'list' is not a known verb\n\n"
    );
    assert_eq!(non_resource_can_i_stderr("get"), "");
}

#[test]
fn scope_and_lookup() {
    let d = Discovery::builtin();
    assert_eq!(d.is_namespaced("", "pods"), Some(true));
    assert_eq!(d.is_namespaced("", "nodes"), Some(false));
    assert_eq!(d.is_namespaced("", "*"), Some(true));
    assert_eq!(d.is_namespaced("apps", "pods"), None);
    let hpa = d
        .lookup("autoscaling", "horizontalpodautoscalers")
        .expect("hpa");
    assert_eq!(hpa.version, "v2");
    assert!(hpa.preferred);
    let lc = d
        .lookup("coordination.k8s.io", "leasecandidates")
        .expect("lc");
    assert_eq!(lc.version, "v1beta1");
    assert!(!lc.preferred);
    assert_eq!(
        d.lookup("apps", "deployments")
            .and_then(|r| r.subresource_verbs("scale")),
        Some(&["get".to_string(), "patch".to_string(), "update".to_string()][..])
    );
}

fn crd(group: &str, plural: &str, kind: &str, short: &[&str], namespaced: bool) -> CustomResource {
    CustomResource {
        group: group.to_string(),
        versions: vec!["v1".to_string()],
        plural: plural.to_string(),
        singular: String::new(),
        kind: kind.to_string(),
        short_names: short.iter().map(|s| (*s).to_string()).collect(),
        categories: vec!["all".to_string()],
        namespaced,
        subresources: vec!["status".to_string()],
        origin: Default::default(),
    }
}

#[test]
fn crds_resolve_by_plural_singular_kind_and_short_name() {
    let mut widget = crd("example.com", "widgets", "Widget", &["wg"], true);
    widget.versions = vec![
        "v1alpha1".to_string(),
        "v1".to_string(),
        "v1beta1".to_string(),
    ];
    widget.subresources = vec!["status".to_string(), "scale".to_string()];
    let gadget = crd("acme.io", "gadgets", "Gadget", &["gd", "po"], false);
    let d = Discovery::with_crds(&[widget, gadget]);
    assert_eq!(d.resources().len(), 104);

    for (arg, group, resource, version, warning) in [
        ("widgets", "example.com", "widgets", "v1", None),
        ("widget", "example.com", "widgets", "v1", None),
        ("Widget", "example.com", "widgets", "v1", None),
        ("wg", "example.com", "widgets", "v1", None),
        ("widgets.example.com", "example.com", "widgets", "v1", None),
        ("widgets.example", "example.com", "widgets", "v1", None),
        (
            "widgets.v1beta1.example.com",
            "example.com",
            "widgets",
            "v1beta1",
            None,
        ),
        (
            "wg.v1alpha1.example.com",
            "example.com",
            "widgets",
            "v1",
            None,
        ),
        ("gd", "acme.io", "gadgets", "v1", None),
        ("gadgets.acme.io", "acme.io", "gadgets", "v1", None),
        (
            "po",
            "",
            "pods",
            "v1",
            Some(
                "Warning: short name \"po\" could also match lower priority resource gadgets.acme.io",
            ),
        ),
        ("po.acme.io", "acme.io", "gadgets", "v1", None),
    ] {
        let r = d.resolve_can_i(arg);
        assert_eq!(
            (
                r.group.as_str(),
                r.resource.as_str(),
                r.version.as_str(),
                r.warning.as_deref()
            ),
            (group, resource, version, warning),
            "argument {arg:?}"
        );
        assert!(r.found.is_some(), "argument {arg:?}");
    }

    let w = d.lookup("example.com", "widgets").expect("widgets");
    assert_eq!(w.version, "v1");
    assert!(w.preferred && !w.builtin);
    assert_eq!(w.singular, "widget");
    assert_eq!(
        w.verbs,
        [
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch"
        ]
    );
    assert_eq!(
        w.subresources
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["scale", "status"]
    );
    // CRD groups rank after every built-in group, then by name; versions kube-aware.
    let order: Vec<(&str, &str)> = d
        .gvs
        .iter()
        .skip(Discovery::builtin().gvs.len())
        .map(|gv| (gv.group.as_str(), gv.version.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("acme.io", "v1"),
            ("example.com", "v1"),
            ("example.com", "v1beta1"),
            ("example.com", "v1alpha1"),
        ]
    );
    let gadgets = d.resolve_can_i("gadgets");
    assert_eq!(
        d.can_i_stderr("get", &gadgets, false),
        "Warning: resource 'gadgets' is not namespace scoped in group 'acme.io'\n\n"
    );
}

#[test]
fn crds_colliding_with_builtins() {
    // The same plural in another group: the built-in group ranks first.
    let jobs = crd("batch.volcano.sh", "jobs", "Job", &["vcjob"], true);
    // A CRD in a built-in group-version is not served at all.
    let shadowed = crd("apps", "widgets", "Widget", &[], true);
    // A CRD in a built-in group with a new version is served and ranks first in the group.
    let mut newer = crd("networking.k8s.io", "ingresses", "Ingress", &[], true);
    newer.versions = vec!["v2".to_string()];
    let d = Discovery::with_crds(&[jobs, shadowed, newer]);
    assert_eq!(d.shadowed_crds().len(), 1);
    assert_eq!(d.shadowed_crds()[0].resource, "widgets");
    assert!(d.lookup("apps", "widgets").is_none());
    let r = d.resolve_can_i("widgets.apps");
    assert_eq!(r.resource, "widgets.apps");

    let r = d.resolve_can_i("jobs");
    assert_eq!((r.group.as_str(), r.resource.as_str()), ("batch", "jobs"));
    let r = d.resolve_can_i("jobs.batch");
    assert_eq!((r.group.as_str(), r.resource.as_str()), ("batch", "jobs"));
    let r = d.resolve_can_i("jobs.batch.volcano.sh");
    assert_eq!(r.group, "batch.volcano.sh");
    let r = d.resolve_can_i("vcjob");
    assert_eq!(r.group, "batch.volcano.sh");

    let r = d.resolve_can_i("ingresses");
    assert_eq!(
        (r.group.as_str(), r.version.as_str()),
        ("networking.k8s.io", "v2")
    );
    let ing = d
        .lookup("networking.k8s.io", "ingresses")
        .expect("ingresses");
    assert!(ing.preferred && !ing.builtin);
    let builtin_v1 = d
        .resources()
        .iter()
        .find(|r| r.group == "networking.k8s.io" && r.version == "v1" && r.resource == "ingresses")
        .expect("v1 ingresses");
    assert!(!builtin_v1.preferred);
}

#[test]
fn later_crd_with_the_same_name_wins() {
    let a = crd("example.com", "widgets", "Widget", &["a"], true);
    let b = crd("example.com", "widgets", "Widget", &["b"], false);
    let d = Discovery::with_crds(&[a, b]);
    assert_eq!(d.resources().len(), 101);
    assert_eq!(d.is_namespaced("example.com", "widgets"), Some(false));
    assert_eq!(d.resolve_can_i("b").resource, "widgets");
    assert_eq!(d.resolve_can_i("a").resource, "a");
}

#[test]
fn suggestions_offer_the_plural_and_other_groups() {
    let d = Discovery::builtin();
    assert_eq!(d.suggest("apps", "deployment"), ["deployments.apps"]);
    assert_eq!(d.suggest("apps", "Deployment"), ["deployments.apps"]);
    assert_eq!(d.suggest("apps", "deploy"), ["deployments.apps"]);
    assert_eq!(d.suggest("", "deployments"), ["deployments.apps"]);
    assert_eq!(d.suggest("apps", "pods"), ["pods"]);
    assert_eq!(d.suggest("apps", "deploymnets")[0], "deployments.apps");
    assert_eq!(d.suggest("", "pod/log"), ["pods/log"]);
    assert_eq!(d.suggest("", "pods/logs"), ["pods/log"]);
    assert_eq!(
        d.suggestions("apps", "deployments/scal"),
        [("apps".to_string(), "deployments/scale".to_string())]
    );
    assert!(d.suggest("", "xyzzyplugh").is_empty());
    let events = d.suggest("", "event");
    assert_eq!(events, ["events", "events.events.k8s.io"]);
}

#[test]
fn go_lowercasing_and_version_order() {
    assert_eq!(resolve::go_to_lower("İPODS"), "ipods");
    assert_eq!(resolve::go_to_lower("ΟΔΟΣ"), "οδοσ");
    let mut versions = vec![
        "v1alpha1", "v1", "foo", "v2beta1", "v1beta2", "v2", "bar", "v10",
    ];
    versions.sort_by(|a, b| resolve::compare_kube_aware_versions(b, a));
    assert_eq!(
        versions,
        [
            "v10", "v2", "v1", "v2beta1", "v1beta2", "v1alpha1", "bar", "foo"
        ]
    );
}

#[test]
fn builtin_is_cheap() {
    let runs = 50;
    let start = std::time::Instant::now();
    for _ in 0..runs {
        std::hint::black_box(Discovery::builtin());
    }
    let each = start.elapsed() / runs;
    // Unoptimised test builds are several times slower than release; keep a wide margin.
    assert!(each < std::time::Duration::from_millis(5), "{each:?}");
}
