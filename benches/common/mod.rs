//! Helpers shared by the benches: the synthetic cluster's location and timing.
//!
//! The cluster comes from ../shared/bench/gen_cluster.py (deterministic). A copy under
//! $CARGO_TARGET_DIR/bench-data is used when present; otherwise it is generated once into
//! target/bench-data/<scale>. KAUTHZ_BENCH_SCALE picks the scale (default large).

#![allow(dead_code, reason = "each bench uses some of these")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// `KAUTHZ_BENCH_SCALE`, or `large`.
pub fn scale() -> String {
    std::env::var("KAUTHZ_BENCH_SCALE").unwrap_or_else(|_| "large".into())
}

/// The directory of the cluster of `scale` (`policies/`, `requests.jsonl`), generated if
/// missing.
pub fn data_dir(scale: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(t).join("bench-data").join(scale);
        if dir.join("requests.jsonl").exists() {
            return dir;
        }
    }
    let out = root.join("target/bench-data").join(scale);
    if !out.join("requests.jsonl").exists() {
        let status = Command::new("python3")
            .arg(root.join("../shared/bench/gen_cluster.py"))
            .args(["--scale", scale, "--requests", "100000"])
            .arg(&out)
            .status()
            .expect("python3 runs gen_cluster.py");
        assert!(status.success(), "gen_cluster.py failed");
    }
    out
}

/// The best of `runs` timings of `f`, and the last result.
pub fn best_of<T>(runs: usize, f: impl FnMut() -> T) -> (Duration, T) {
    let (best, _, value) = time(runs, f);
    (best, value)
}

/// The best and the median of `runs` timings of `f`, and the last result.
pub fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut all = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        all.push(t.elapsed());
        last = Some(v);
    }
    all.sort();
    (all[0], all[runs / 2], last.expect("at least one run"))
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// The process's peak resident set so far (`VmHWM`), in MiB; 0 where /proc is missing.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
