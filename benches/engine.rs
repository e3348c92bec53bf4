//! `cargo bench --bench engine`: load, index and evaluate the synthetic large cluster, and
//! time single `kauthz can-i` runs on the example policy. Prints figures for the README.
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
use kauthz::engine::{EngineOptions, build_chain, outcome};
use kauthz::loader::{Input, LoadOptions, load};
use kauthz::request::Attributes;
use rayon::prelude::*;

mod common;
use common::*;

/// Counts live heap bytes, so the figures separate what the model holds from allocator slack.
struct Counting;

static LIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use std::sync::atomic::Ordering::Relaxed;
        let now = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        LIVE.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let scale = scale();
    let dir = data_dir(&scale);
    let options = EngineOptions {
        builtin: true,
        modes: vec![Mode::Rbac],
    };
    let inputs = [Input::Path(dir.join("policies"))];

    let before = LIVE.load(std::sync::atomic::Ordering::Relaxed);
    PEAK.store(before, std::sync::atomic::Ordering::Relaxed);
    let loaded = load(&inputs, &LoadOptions::default());
    let after_load = LIVE.load(std::sync::atomic::Ordering::Relaxed);
    let load_peak = PEAK.load(std::sync::atomic::Ordering::Relaxed);
    let chain = build_chain(loaded, None, &options);
    let after_build = LIVE.load(std::sync::atomic::Ordering::Relaxed);
    let heap_peak = PEAK.load(std::sync::atomic::Ordering::Relaxed);
    drop(chain);
    let (load_index, chain) = best_of(3, || {
        let loaded = load(&inputs, &LoadOptions::default());
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems.first());
        build_chain(loaded, None, &options)
    });
    let objects = chain.rbac().policy().object_count();
    let rss_after_load = peak_rss_mb();

    let requests_text = std::fs::read_to_string(dir.join("requests.jsonl")).expect("requests");
    let requests: Vec<Attributes> = requests_text
        .lines()
        .map(|l| serde_json::from_str(l).expect("request"))
        .collect();
    let (decide, allowed) = best_of(5, || {
        requests
            .par_iter()
            .filter(|a| chain.authorize(a).is_allowed())
            .count()
    });
    let (decide_full, _) = best_of(3, || {
        requests
            .par_iter()
            .map_init(String::new, |line, a| {
                line.clear();
                kauthz::response::write_eval_line(line, a, &chain.authorize(a));
                line.len()
            })
            .sum::<usize>()
    });
    // As `kauthz eval` does after the load: JSON lines parsed, decided and answered in
    // chunks of 256 lines per buffer.
    let lines: Vec<&str> = requests_text.lines().collect();
    let (eval_path, written) = best_of(5, || {
        lines
            .par_chunks(256)
            .map(|chunk| {
                let mut buf = String::with_capacity(chunk.len() * 1536);
                for l in chunk {
                    let a: Attributes = serde_json::from_str(l).expect("request");
                    kauthz::response::write_eval_line(&mut buf, &a, &chain.authorize(&a));
                    buf.push('\n');
                }
                buf.len()
            })
            .sum::<usize>()
    });
    let _ = outcome;
    println!("scale {scale}: {objects} RBAC objects (with built-ins)");
    println!(
        "  load + index:                    {:>8.1} ms",
        load_index.as_secs_f64() * 1e3
    );
    println!(
        "  {} requests, decision only:  {:>8.1} ms ({} allowed)",
        requests.len(),
        decide.as_secs_f64() * 1e3,
        allowed
    );
    println!(
        "  {} requests, eval JSON lines:{:>8.1} ms",
        requests.len(),
        decide_full.as_secs_f64() * 1e3
    );
    println!(
        "  {} requests, parse + decide + write ({:.0} MB): {:>6.1} ms",
        lines.len(),
        mb(written),
        eval_path.as_secs_f64() * 1e3
    );
    println!(
        "  heap: {:.1} MB live after load (peak {:.1} MB while loading), {:.1} MB after index, {:.1} MB peak",
        mb(after_load - before),
        mb(load_peak - before),
        mb(after_build - before),
        mb(heap_peak - before)
    );
    println!(
        "  peak RSS after load:             {:>8.1} MB (in-process, 3 loads)",
        rss_after_load
    );

    // End to end, as users run it: one process per question.
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/kauthz");
    if bin.exists() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let (single, _) = best_of(20, || {
            Command::new(&bin)
                .args([
                    "can-i",
                    "get",
                    "pods",
                    "-n",
                    "payments-dev",
                    "--as",
                    "alice@acme.io",
                    "-q",
                    "-f",
                ])
                .arg(&example)
                .status()
                .map(|s| s.code())
        });
        println!(
            "  kauthz can-i on policies/ (wall, best of 20): {:>6.1} ms",
            single.as_secs_f64() * 1e3
        );
        let (eval_wall, _) = best_of(3, || {
            Command::new(&bin)
                .args(["eval", "--requests"])
                .arg(dir.join("requests.jsonl"))
                .arg("-f")
                .arg(dir.join("policies"))
                .stdout(std::process::Stdio::null())
                .status()
        });
        println!(
            "  kauthz eval, whole run (wall, best of 3):     {:>6.1} ms",
            eval_wall.as_secs_f64() * 1e3
        );
    } else {
        println!("  (build with `cargo build --release` to time the binary end to end)");
    }
}
