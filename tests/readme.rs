//! The README's examples are real: every `$ kauthz …` line in a ```console block is run (in the
//! crate root, without colour, stderr merged into stdout as a terminal shows it) and its output
//! must be what the README prints; `$ echo $?` must print the exit code of the command before.
//!
//! `KAUTHZ_UPDATE_README=1 cargo test --test readme` rewrites the README's outputs from the
//! current binary (then read the diff before committing it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code fails loudly"
)]

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs one README command line (`kauthz …`, possibly piped) and returns (output, exit code).
fn run(line: &str) -> (String, i32) {
    let rest = line.strip_prefix("kauthz").unwrap();
    let script = format!("\"$KAUTHZ\"{rest} 2>&1");
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(root())
        .env("KAUTHZ", env!("CARGO_BIN_EXE_kauthz"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Whether the README's `recorded` output shows `actual`: equal, or, where the README elides
/// with `...` (or `…`) lines, its pieces appear in `actual` in order.
fn shows(recorded: &str, actual: &str) -> bool {
    let elided = |l: &str| matches!(l.trim(), "..." | "…");
    if !recorded.lines().any(elided) {
        return recorded == actual;
    }
    let mut pieces: Vec<Vec<&str>> = vec![Vec::new()];
    for line in recorded.lines() {
        if elided(line) {
            pieces.push(Vec::new());
        } else if let Some(last) = pieces.last_mut() {
            last.push(line);
        }
    }
    let mut rest = actual;
    for piece in pieces {
        let piece = piece.join("\n");
        let piece = piece.trim_matches('\n');
        if piece.is_empty() {
            continue;
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let path = root().join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let update = std::env::var_os("KAUTHZ_UPDATE_README").is_some();
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut failures = Vec::new();
    let mut commands = 0;
    let mut in_console = false;
    let mut last_exit = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if !in_console {
            in_console = line == "```console";
            out.push(line.to_string());
            i += 1;
            continue;
        }
        if line == "```" {
            in_console = false;
            out.push(line.to_string());
            i += 1;
            continue;
        }
        let Some(command) = line.strip_prefix("$ ") else {
            out.push(line.to_string());
            i += 1;
            continue;
        };
        // The recorded output: up to the next prompt or the end of the block.
        let mut end = i + 1;
        while end < lines.len() && lines[end] != "```" && !lines[end].starts_with("$ ") {
            end += 1;
        }
        // Blank lines before the next prompt separate examples; they are not output.
        let mut last = end;
        while last > i + 1 && lines[last - 1].is_empty() {
            last -= 1;
        }
        let recorded = lines[i + 1..last].join("\n");
        let actual = if command.starts_with("kauthz") {
            commands += 1;
            let (output, code) = run(command);
            last_exit = code;
            Some(output.trim_end_matches('\n').to_string())
        } else if command == "echo $?" {
            Some(last_exit.to_string())
        } else {
            None // `cargo …` and other set-up lines are shown, not run
        };
        out.push(line.to_string());
        match actual {
            Some(actual) if !shows(&recorded, &actual) => {
                failures.push(format!(
                    "README.md:{}: `{command}`\n--- README\n{recorded}\n--- actual\n{actual}\n",
                    i + 1
                ));
                out.extend(actual.lines().map(str::to_string));
                out.extend(lines[last..end].iter().map(|l| l.to_string()));
            }
            _ => out.extend(lines[i + 1..end].iter().map(|l| l.to_string())),
        }
        i = end;
    }
    assert!(commands >= 20, "only {commands} README commands found");
    if update && !failures.is_empty() {
        let mut new = out.join("\n");
        new.push('\n');
        std::fs::write(&path, new).unwrap();
        return;
    }
    assert!(
        failures.is_empty(),
        "{} README example(s) differ from the binary's output (KAUTHZ_UPDATE_README=1 rewrites them):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
