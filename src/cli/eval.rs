//! `kauthz eval`: access requests as JSON lines in, one JSON answer per line out, in order.

use std::io::{BufRead, BufReader, Read, Write};

use clap::Args;
use rayon::prelude::*;
use serde_json::json;

use super::{EXIT_YES, PolicyArgs, fail, load_workspace};
use crate::chain::Chain;
use crate::diagnostics::Problem;
use crate::request::Attributes;
use crate::response::write_eval_line;

#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Requests as JSON lines (fields: user, groups, verb, resourceRequest, apiGroup, resource,
    /// subresource, namespace, name, path) [default: stdin]
    #[arg(long, value_name = "FILE")]
    pub requests: Option<String>,
}

/// Lines decided together: large enough to keep both cores busy, small enough to stream.
/// Answers are ~1.2 KB a line, so a batch holds ~2.5 MB of output in flight; at 16 Ki lines
/// it held ~25 MB (with the per-chunk capacity), which put eval's peak RSS at 77 MB.
const BATCH: usize = 2 * 1024;

/// Lines one task answers into one buffer: a buffer per line was 100,000 allocations (and
/// as many small writes) for the large request stream.
const CHUNK: usize = 64;

pub fn run(args: EvalArgs) -> u8 {
    let reader: Box<dyn Read> = match &args.requests {
        None => Box::new(std::io::stdin()),
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                return fail(
                    Problem::error(
                        "kauthz::load::unreadable",
                        format!(
                            "cannot read requests file `{path}`: {}",
                            e.to_string().to_lowercase()
                        ),
                    )
                    .in_file(path),
                );
            }
        },
    };
    let chain = match load_workspace(&args.policy, args.requests.is_none()) {
        Ok(w) => w.chain,
        Err(code) => return code,
    };
    let mut lines = BufReader::with_capacity(1 << 20, reader).lines();
    let mut number = 0usize;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    loop {
        let mut batch: Vec<(usize, String)> = Vec::with_capacity(BATCH);
        for line in lines.by_ref() {
            number += 1;
            match line {
                Ok(l) if l.trim().is_empty() => continue,
                Ok(l) => batch.push((number, l)),
                Err(e) => {
                    drop(out);
                    return fail(Problem::error(
                        "kauthz::load::unreadable",
                        format!(
                            "cannot read request line {number}: {}",
                            e.to_string().to_lowercase()
                        ),
                    ));
                }
            }
            if batch.len() == BATCH {
                break;
            }
        }
        if batch.is_empty() {
            break;
        }
        let answers: Vec<String> = batch
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = String::with_capacity(chunk.len() * 1536);
                for (n, line) in chunk {
                    answer(&mut buf, &chain, *n, line);
                    buf.push('\n');
                }
                buf
            })
            .collect();
        for a in answers {
            if out.write_all(a.as_bytes()).is_err() {
                // The reader went away (`| head`): nothing left to say.
                return EXIT_YES;
            }
        }
    }
    if out.flush().is_err() {
        return EXIT_YES;
    }
    EXIT_YES
}

/// Appends one answer line (without newline); a malformed request yields an error object
/// for that line.
fn answer(out: &mut String, chain: &Chain, number: usize, line: &str) {
    match parse_request(line) {
        Ok(a) => write_eval_line(out, &a, &chain.authorize(&a)),
        Err(message) => out.push_str(&json!({"error": message, "line": number}).to_string()),
    }
}

fn parse_request(line: &str) -> Result<Attributes, String> {
    let a: Attributes = serde_json::from_str(line).map_err(|e| format!("invalid request: {e}"))?;
    if a.user.is_empty() {
        return Err(
            "invalid request: `user` is empty; the server authorizes no request without a user"
                .into(),
        );
    }
    if a.verb.is_empty() {
        return Err("invalid request: `verb` is empty".into());
    }
    Ok(a)
}
