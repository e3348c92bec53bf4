//! `cargo bench --bench yaml`: the YAML choice, measured. Parses the real-world corpus and the
//! large synthetic cluster with serde_yaml (deprecated), serde-saphyr (plain and span-keeping)
//! and kauthz's tree built from granit-parser events (serde-saphyr's own parser).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "bench code fails loudly"
)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kauthz::loader::yaml::{parse_document, split_documents};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    out.sort();
    out
}

fn best(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = f();
        best = best.min(t.elapsed());
    }
    (best, n)
}

fn measure(label: &str, texts: &[String], runs: usize) {
    let bytes: usize = texts.iter().map(String::len).sum();
    let docs: Vec<(usize, usize, usize)> = texts
        .iter()
        .enumerate()
        .flat_map(|(i, t)| split_documents(t).into_iter().map(move |(s, e)| (i, s, e)))
        .collect();
    let mb = bytes as f64 / 1e6;
    println!(
        "{label}: {} files, {} documents, {:.1} MB (single thread, best of {runs})",
        texts.len(),
        docs.len(),
        mb
    );
    let report = |name: &str, (d, ok): (Duration, usize)| {
        println!(
            "  {name:<44} {:>8.1} ms {:>6.1} MB/s  ({ok} documents parsed)",
            d.as_secs_f64() * 1e3,
            mb / d.as_secs_f64()
        );
    };
    report(
        "serde_yaml 0.9 (deprecated) -> Value",
        best(runs, || {
            texts
                .iter()
                .map(|t| {
                    serde_yaml::Deserializer::from_str(t)
                        .map(|d| {
                            <serde_yaml::Value as serde::Deserialize>::deserialize(d).is_ok()
                                as usize
                        })
                        .sum::<usize>()
                })
                .sum()
        }),
    );
    report(
        "serde-saphyr 2 -> serde_json::Value (no spans)",
        best(runs, || {
            docs.iter()
                .filter(|(i, s, e)| {
                    serde_saphyr::from_str::<serde_json::Value>(&texts[*i][*s..*e]).is_ok()
                })
                .count()
        }),
    );
    report(
        "serde-saphyr 2 -> Spanned tree",
        best(runs, || {
            docs.iter()
                .filter(|(i, s, e)| {
                    serde_saphyr::from_str::<SpannedValue>(&texts[*i][*s..*e]).is_ok()
                })
                .count()
        }),
    );
    report(
        "granit-parser events -> kauthz tree (chosen)",
        best(runs, || {
            docs.iter()
                .filter(|(i, s, e)| parse_document(&texts[*i][*s..*e], *s).is_ok())
                .count()
        }),
    );
}

/// A generic tree whose every node keeps its location, through serde-saphyr's `Spanned`.
struct SpannedValue;

impl<'de> serde::Deserialize<'de> for SpannedValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_saphyr::Spanned::<Inner>::deserialize(d).map(|_| SpannedValue)
    }
}

struct Inner;

impl<'de> serde::Deserialize<'de> for Inner {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Inner;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Inner, E> {
                Ok(Inner)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Inner, E> {
                Ok(Inner)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Inner, E> {
                Ok(Inner)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Inner, E> {
                Ok(Inner)
            }
            fn visit_str<E>(self, _: &str) -> Result<Inner, E> {
                Ok(Inner)
            }
            fn visit_unit<E>(self) -> Result<Inner, E> {
                Ok(Inner)
            }
            fn visit_none<E>(self) -> Result<Inner, E> {
                Ok(Inner)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Inner, A::Error> {
                while a.next_element::<SpannedValue>()?.is_some() {}
                Ok(Inner)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Inner, A::Error> {
                while a.next_key::<SpannedValue>()?.is_some() {
                    a.next_value::<SpannedValue>()?;
                }
                Ok(Inner)
            }
        }
        d.deserialize_any(V)
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus: Vec<String> = files(&root.join("../shared/corpus/real"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    measure("corpus/real", &corpus, 5);
    let large = root.join("target/bench-data/large/policies");
    if large.exists() {
        let texts: Vec<String> = files(&large)
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        measure("gen_cluster.py --scale large", &texts, 1);
    } else {
        println!("(run `cargo bench --bench engine` first to generate the large cluster)");
    }
}
