//! `cargo bench --bench queries`: who-can, where-can and the access matrix on the synthetic
//! large cluster, after loading. Prints figures for the README.
//!
//! The cluster and KAUTHZ_BENCH_SCALE: see benches/common/mod.rs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmark code fails loudly"
)]

use kauthz::chain::Mode;
use kauthz::engine::{EngineOptions, Workspace};
use kauthz::identity::impersonated_groups;
use kauthz::loader::{Input, LoadOptions, load};
use kauthz::query::matrix::{DEFAULT_VERBS, resource_matrix, subject_matrix};
use kauthz::query::where_can::where_can;
use kauthz::query::who_can::{who_can, who_can_all_namespaces};
use kauthz::request::Attributes;

mod common;
use common::*;

fn main() {
    let scale = scale();
    let dir = data_dir(&scale);
    let loaded = load(
        &[Input::Path(dir.join("policies"))],
        &LoadOptions::default(),
    );
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems.first());
    let ws = Workspace::new(
        loaded,
        None,
        &EngineOptions {
            builtin: true,
            modes: vec![Mode::Rbac],
        },
    );
    let policy = ws.chain.rbac().policy();
    println!(
        "scale {scale}: {} objects, {} namespaces with RoleBindings",
        policy.object_count(),
        ws.chain.rbac().binding_namespaces().len()
    );
    let ns = policy.role_bindings[policy.role_bindings.len() / 2]
        .meta
        .namespace
        .clone();
    let req = |verb: &str, group: &str, resource: &str, namespace: &str| Attributes {
        verb: verb.into(),
        resource_request: true,
        api_group: group.into(),
        resource: resource.into(),
        namespace: namespace.into(),
        ..Attributes::default()
    };
    let runs = 21;

    let a = req("get", "", "secrets", &ns);
    let (best, median, w) = time(runs, || who_can(&ws, &a));
    println!(
        "who-can get secrets -n {ns}: best {:.2} ms, median {:.2} ms ({} subjects)",
        ms(best),
        ms(median),
        w.sections[0].subjects.len()
    );
    let a = req("create", "apps", "deployments", "");
    let (best, median, w) = time(runs, || who_can_all_namespaces(&ws, &a));
    println!(
        "who-can create deployments.apps -A: best {:.2} ms, median {:.2} ms ({} sections, {} subjects)",
        ms(best),
        ms(median),
        w.sections.len(),
        w.sections.iter().map(|s| s.subjects.len()).sum::<usize>()
    );

    // A user named in many bindings: the most frequent User subject of the RoleBindings.
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for b in &policy.role_bindings {
        for s in &b.subjects {
            if s.kind == "User" {
                *counts.entry(s.name.as_str()).or_default() += 1;
            }
        }
    }
    let user = counts
        .iter()
        .max_by_key(|(n, c)| (**c, std::cmp::Reverse(**n)))
        .map(|(n, _)| n.to_string())
        .unwrap_or_else(|| "user".into());
    let groups = impersonated_groups(&user, &[]);
    let a = Attributes {
        user: user.clone(),
        groups: groups.clone(),
        ..req("get", "", "pods", "")
    };
    let t = std::time::Instant::now();
    let first = where_can(&ws, &a, true).allowed.len();
    println!(
        "where-can, first call (computes the known-namespace list once): {:.2} ms ({first} allowed)",
        ms(t.elapsed())
    );
    let (best, median, w) = time(runs, || where_can(&ws, &a, true));
    println!(
        "where-can get pods --as {user}: best {:.2} ms, median {:.2} ms ({} of {} namespaces)",
        ms(best),
        ms(median),
        w.allowed.len(),
        w.known_namespaces.len()
    );

    let verbs: Vec<String> = DEFAULT_VERBS.iter().map(|v| v.to_string()).collect();
    let (best, median, m) = time(runs, || resource_matrix(&ws, &user, &groups, "", &verbs));
    println!(
        "matrix --as {user} (all namespaces): best {:.2} ms, median {:.2} ms ({} rows)",
        ms(best),
        ms(median),
        m.rows.len()
    );
    let (best, median, _) = time(runs, || resource_matrix(&ws, &user, &groups, &ns, &verbs));
    println!(
        "matrix --as {user} -n {ns}: best {:.2} ms, median {:.2} ms",
        ms(best),
        ms(median)
    );
    let a = req("get", "", "secrets", &ns);
    let (best, median, m) = time(runs, || subject_matrix(&ws, &a, &verbs, None));
    println!(
        "matrix secrets -n {ns}: best {:.2} ms, median {:.2} ms ({} rows)",
        ms(best),
        ms(median),
        m.rows.len()
    );
}
