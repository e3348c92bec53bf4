//! Measures YAML parsers on one file: raw events, serde-saphyr (plain and spanned), serde_yaml.
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let docs = kauthz::loader::yaml::split_documents(&text);
    let t = Instant::now();
    let mut events = 0usize;
    for &(s, e) in &docs {
        let p = granit_parser::Parser::new_from_str(&text[s..e]);
        for ev in p {
            if ev.is_ok() {
                events += 1;
            }
        }
    }
    println!("granit events: {events} in {:?}", t.elapsed());
    let t = Instant::now();
    let mut n = 0usize;
    for ev in granit_parser::Parser::new_from_str(&text) {
        if ev.is_ok() {
            n += 1;
        }
    }
    println!("granit whole-stream events: {n} in {:?}", t.elapsed());
    let t = Instant::now();
    let all: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap_or(serde_yaml::Value::Null))
        .collect();
    println!(
        "serde_yaml whole-stream: {} in {:?}",
        all.len(),
        t.elapsed()
    );
    let t = Instant::now();
    for &(s, e) in &docs {
        let _ = serde_saphyr::from_str::<serde_json::Value>(&text[s..e]);
    }
    println!("serde-saphyr plain: {:?}", t.elapsed());
    let t = Instant::now();
    for &(s, e) in &docs {
        let _ = kauthz::loader::yaml::parse_document(&text[s..e], s);
    }
    println!("kauthz tree from granit events: {:?}", t.elapsed());
    let t = Instant::now();
    for &(s, e) in &docs {
        let _ = serde_yaml::from_str::<serde_yaml::Value>(&text[s..e]);
    }
    println!("serde_yaml: {:?}", t.elapsed());
}
