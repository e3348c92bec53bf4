//! `cargo bench --bench lint`: lint the synthetic large cluster in the library, stage by stage,
//! and time whole `kauthz lint` runs of the release binary. Prints figures for the README.
//!
//! The cluster and KAUTHZ_BENCH_SCALE: see benches/common/mod.rs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "bench code fails loudly"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use kauthz::chain::Mode;
use kauthz::engine::{EngineOptions, Workspace};
use kauthz::lint::{Context, LintConfig, run};
use kauthz::loader::{Input, LoadOptions, load};

mod common;
use common::*;

fn main() {
    let scale = scale();
    let dir = data_dir(&scale);
    let policies = dir.join("policies");
    let inputs = [Input::Path(policies.clone())];
    let options = EngineOptions {
        builtin: true,
        modes: vec![Mode::Rbac],
    };
    let keep = LoadOptions {
        exclude: None,
        keep_text: true,
    };
    let (load_index, ws) = best_of(3, || Workspace::new(load(&inputs, &keep), None, &options));
    let config = LintConfig::default();
    let settings = config.settings();
    let rbac = ws.chain.rbac();
    let (lint, findings) = best_of(3, || {
        let cx = Context::new(
            rbac.policy(),
            rbac.graph(),
            &ws.discovery,
            &ws.sources,
            None,
            &settings,
        );
        run(&cx, &|i| config.level(i))
    });
    println!(
        "scale {scale}: {} RBAC objects (with built-ins), {} findings",
        rbac.policy().object_count(),
        findings.len()
    );
    println!(
        "  load (texts kept) + index:        {:>8.1} ms",
        ms(load_index)
    );
    println!("  all rules:                        {:>8.1} ms", ms(lint));

    // The whole command, as CI runs it (release binary, JSON to a pipe).
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/kauthz");
    let bin = std::env::var("KAUTHZ_BIN")
        .map(PathBuf::from)
        .unwrap_or(bin);
    if bin.exists() {
        let (wall, out) = best_of(3, || {
            Command::new(&bin)
                .args([
                    "lint",
                    "--no-config",
                    "--format",
                    "json",
                    "--fail-on",
                    "never",
                ])
                .arg(&policies)
                .output()
                .expect("kauthz runs")
        });
        assert!(out.status.success());
        println!(
            "  `kauthz lint` whole run (best of 3): {:>6.1} ms wall",
            ms(wall)
        );
    } else {
        println!("  (build the release binary, or set KAUTHZ_BIN, to time whole runs)");
    }
}
