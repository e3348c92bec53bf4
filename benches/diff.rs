//! `cargo bench --bench diff`: `kauthz diff` of the synthetic large cluster against a copy with
//! 1% of its RBAC objects changed (every 100th object: a RoleBinding moved to another namespace,
//! a rule added to a Role or ClusterRole, a subject added to a ClusterRoleBinding). Target:
//! ≤ 3 s wall for the whole command. Prints figures for the README.
//!
//! The cluster and KAUTHZ_BENCH_SCALE: see benches/common/mod.rs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use std::path::Path;
use std::process::Command;

use kauthz::chain::Mode;
use kauthz::diff::diff;
use kauthz::engine::{EngineOptions, Workspace};
use kauthz::loader::{Input, LoadOptions, load};

mod common;
use common::*;

/// Writes the changed copy: every 100th object of the four RBAC files is changed.
fn changed_copy(base: &Path, out: &Path) -> (usize, usize) {
    std::fs::create_dir_all(out).unwrap();
    let mut objects = 0;
    let mut changed = 0;
    let mut names: Vec<_> = std::fs::read_dir(base)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut docs: Vec<String> = text.split("\n---\n").map(str::to_string).collect();
        for doc in &mut docs {
            let kind = doc
                .lines()
                .find_map(|l| l.strip_prefix("kind: "))
                .unwrap_or("")
                .to_string();
            if !matches!(
                kind.as_str(),
                "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"
            ) {
                continue;
            }
            objects += 1;
            if objects % 100 != 50 {
                continue;
            }
            changed += 1;
            match kind.as_str() {
                "RoleBinding" => {
                    *doc = doc.replacen("\n  namespace: team-", "\n  namespace: moved-", 1);
                }
                "ClusterRoleBinding" => {
                    doc.push_str("\n- kind: User\n  name: \"new-admin@example.com\"\n  apiGroup: rbac.authorization.k8s.io");
                }
                _ => {
                    if doc.contains("\nrules:") {
                        doc.push_str("\n  - apiGroups: [\"\"]\n    resources: [\"secrets\"]\n    verbs: [\"get\"]");
                    }
                }
            }
        }
        std::fs::write(out.join(path.file_name().unwrap()), docs.join("\n---\n")).unwrap();
    }
    (objects, changed)
}

fn main() {
    let scale = scale();
    let dir = data_dir(&scale);
    let base = dir.join("policies");
    let head = dir.join("policies-1pct-changed");
    let (objects, changed) = changed_copy(&base, &head);
    println!("diff bench, scale {scale}: {changed} of {objects} RBAC objects changed");

    let options = EngineOptions {
        builtin: true,
        modes: vec![Mode::Rbac],
    };
    let ws = |p: &Path| {
        Workspace::new(
            load(&[Input::Path(p.to_path_buf())], &LoadOptions::default()),
            None,
            &options,
        )
    };
    let (load_time, (b, h)) = best_of(3, || rayon::join(|| ws(&base), || ws(&head)));
    let (diff_time, d) = best_of(3, || diff(b.chain.rbac(), h.chain.rbac()));
    println!(
        "  load + index both sides:        {:>8.1} ms",
        load_time.as_secs_f64() * 1e3
    );
    println!(
        "  diff (after load):              {:>8.1} ms  ({} subjects changed, {} gained, {} lost, {} risky)",
        diff_time.as_secs_f64() * 1e3,
        d.subjects.len(),
        d.gained(),
        d.lost(),
        d.risky()
    );
    let identical = diff(b.chain.rbac(), b.chain.rbac());
    assert!(identical.is_empty());

    let bin = env!("CARGO_BIN_EXE_kauthz");
    for format in ["human", "json"] {
        let (wall, status) = best_of(3, || {
            Command::new(bin)
                .args(["diff", "--format", format])
                .arg(&base)
                .arg(&head)
                .stdout(std::process::Stdio::null())
                .status()
                .unwrap()
        });
        assert!(status.success());
        println!(
            "  kauthz diff -o {format:<5} (wall, best of 3): {:>8.1} ms",
            wall.as_secs_f64() * 1e3
        );
    }
}
