//! `cargo bench --bench explain`: `explain` and the `can-i --list` rules review on the
//! synthetic large cluster, after loading. Prints figures for the README.
//!
//! The cluster and KAUTHZ_BENCH_SCALE: see benches/common/mod.rs.
//! KAUTHZ_BENCH_SLOWEST=1 also prints the five slowest denied requests.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "bench code fails loudly"
)]

use std::time::{Duration, Instant};

use kauthz::chain::Mode;
use kauthz::engine::{EngineOptions, Workspace};
use kauthz::explain::explain;
use kauthz::explain::rules::{list_lines, rules_review};
use kauthz::loader::{Input, LoadOptions, load};
use kauthz::request::Attributes;

mod common;
use common::*;

/// Median and worst of one timing per item.
fn timings<T>(items: &[T], mut f: impl FnMut(&T)) -> (Duration, Duration, Duration) {
    let mut times: Vec<Duration> = items
        .iter()
        .map(|x| {
            let t = Instant::now();
            f(x);
            t.elapsed()
        })
        .collect();
    times.sort();
    let total: Duration = times.iter().sum();
    (
        times[times.len() / 2],
        times[times.len() * 99 / 100],
        total / times.len() as u32,
    )
}

fn main() {
    let scale = scale();
    let dir = data_dir(&scale);
    let options = EngineOptions {
        builtin: true,
        modes: vec![Mode::Rbac],
    };
    let t = Instant::now();
    let loaded = load(
        &[Input::Path(dir.join("policies"))],
        &LoadOptions::default(),
    );
    let ws = Workspace::new(loaded, None, &options);
    let load_time = t.elapsed();
    let requests: Vec<Attributes> = std::fs::read_to_string(dir.join("requests.jsonl"))
        .expect("requests")
        .lines()
        .take(20_000)
        .map(|l| serde_json::from_str(l).expect("request"))
        .collect();
    let (denied, allowed): (Vec<Attributes>, Vec<Attributes>) = requests
        .into_iter()
        .partition(|a| !ws.chain.authorize(a).is_allowed());
    let denied: Vec<Attributes> = denied.into_iter().take(500).collect();
    let allowed: Vec<Attributes> = allowed.into_iter().take(500).collect();
    let mut fixes = 0;
    let (d_med, d_p99, d_mean) = timings(&denied, |a| {
        let e = explain(&ws, a);
        fixes += usize::from(e.fix.is_some());
    });
    if std::env::var_os("KAUTHZ_BENCH_SLOWEST").is_some() {
        let mut slow: Vec<(Duration, &Attributes)> = denied
            .iter()
            .map(|a| {
                let t = Instant::now();
                std::hint::black_box(explain(&ws, a));
                (t.elapsed(), a)
            })
            .collect();
        slow.sort_by_key(|x| std::cmp::Reverse(x.0));
        for (d, a) in slow.iter().take(5) {
            let e = explain(&ws, a);
            println!(
                "  slow: {:.2} ms {} {} {}/{} ns={} bindings={} rules={} near={} missing={}",
                ms(*d),
                a.user,
                a.verb,
                a.api_group,
                a.resource,
                a.namespace,
                e.rbac.as_ref().map_or(0, Vec::len),
                e.rbac
                    .as_ref()
                    .map_or(0, |b| b.iter().map(|x| x.role.rules.len()).sum()),
                e.near_misses.len(),
                e.near_misses
                    .iter()
                    .filter(|m| format!("{:?}", m.kind).contains("Missing"))
                    .count()
            );
        }
    }
    let (a_med, a_p99, a_mean) = timings(&allowed, |a| {
        let e = explain(&ws, a);
        assert!(e.allowed);
    });
    let (l_med, l_p99, l_mean) = timings(&denied[..100.min(denied.len())], |a| {
        let review = rules_review(&ws, a);
        std::hint::black_box(list_lines(&review, false));
    });
    println!(
        "scale {scale}: {} RBAC objects, loaded and indexed in {:.0} ms",
        ws.chain.rbac().policy().object_count(),
        ms(load_time)
    );
    println!(
        "  explain, {} denied requests:  median {:.2} ms, p99 {:.2} ms, mean {:.2} ms ({} fixes proved)",
        denied.len(),
        ms(d_med),
        ms(d_p99),
        ms(d_mean),
        fixes
    );
    println!(
        "  explain, {} allowed requests: median {:.2} ms, p99 {:.2} ms, mean {:.2} ms",
        allowed.len(),
        ms(a_med),
        ms(a_p99),
        ms(a_mean)
    );
    println!(
        "  can-i --list rules review + table, 100 users: median {:.2} ms, p99 {:.2} ms, mean {:.2} ms",
        ms(l_med),
        ms(l_p99),
        ms(l_mean)
    );
}
