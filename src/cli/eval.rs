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
    /// After the answers, print to stderr how long loading and answering took
    #[arg(long)]
    pub timings: bool,
}

/// Lines decided together: large enough to keep both cores busy, small enough to stream.
/// Answers are ~1.2 KB a line, so a batch holds ~2.5 MB of output in flight; at 16 Ki lines
/// it held ~25 MB (with the per-chunk capacity), which put eval's peak RSS at 77 MB.
const BATCH: usize = 2 * 1024;

/// Lines one task answers into one buffer: a buffer per line was 100,000 allocations (and
/// as many small writes) for the large request stream.
const CHUNK: usize = 64;

pub fn run(args: EvalArgs) -> u8 {
    let reader: Box<dyn Read + Send> = match &args.requests {
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
    let started = std::time::Instant::now();
    let chain = match load_workspace(&args.policy, args.requests.is_none()) {
        Ok(w) => w.chain,
        Err(code) => return code,
    };
    let loaded = started.elapsed();
    let mut answered = 0usize;
    let mut reader: Reader = BufReader::with_capacity(1 << 20, reader);
    let mut number = 0usize;
    // Not the lock: the writer moves to whichever pool thread writes. Each chunk's answers
    // (~75 KB) are at least the buffer's size, so `BufWriter` hands them to stdout directly
    // instead of copying 116 MB through its buffer; small writes (errors, the tail) still
    // gather in it.
    let mut out = std::io::BufWriter::with_capacity(32 << 10, std::io::stdout());
    // A pipeline of three steps: while the pool decides batch k, one task writes the answers
    // of batch k-1 and then reads batch k+1, so reading and writing (serial) no longer leave
    // the cores idle. At most two batches of answers and two of lines are held.
    // Two line buffers take turns (one being decided, one being read into), so each line's
    // string is reused batch after batch instead of allocated anew.
    let mut current: Vec<(usize, String)> = Vec::new();
    let mut spare: Vec<(usize, String)> = Vec::new();
    let mut batch = read_batch(&mut reader, &mut number, &mut current);
    let mut answers: Vec<String> = Vec::new();
    loop {
        let filled = match batch {
            Ok(n) => n,
            Err(problem) => {
                // Answers of the lines read before the unreadable one are still written.
                let _ = write_answers(&mut out, &answers).and_then(|()| out.flush());
                drop(out);
                return fail(*problem);
            }
        };
        if filled == 0 && answers.is_empty() {
            break;
        }
        answered += filled;
        let lines_now = &current[..filled];
        let (decided, (written, next)) = rayon::join(
            || decide(&chain, lines_now),
            || {
                let written = write_answers(&mut out, &answers);
                let next = if filled == 0 || written.is_err() {
                    Ok(0)
                } else {
                    read_batch(&mut reader, &mut number, &mut spare)
                };
                (written, next)
            },
        );
        if written.is_err() {
            // The reader went away (`| head`): nothing left to say.
            return EXIT_YES;
        }
        answers = decided;
        std::mem::swap(&mut current, &mut spare);
        batch = next;
    }
    if out.flush().is_err() {
        return EXIT_YES;
    }
    if args.timings {
        let total = started.elapsed();
        eprintln!("{}", timings_line(&chain, loaded, total - loaded, answered));
    }
    // The policy index is large (hundreds of thousands of small allocations); the process is
    // about to exit, so skip freeing it (~30 ms on the large bench).
    std::mem::forget(chain);
    EXIT_YES
}

/// `--timings`: what was loaded and how long each phase took, wall clock.
fn timings_line(
    chain: &Chain,
    loaded: std::time::Duration,
    answering: std::time::Duration,
    answered: usize,
) -> String {
    let per_second = answered as f64 / answering.as_secs_f64().max(1e-9);
    format!(
        "kauthz eval: loaded and indexed {} RBAC objects in {:.1} ms; answered {answered} requests in {:.1} ms ({:.0} per second)",
        chain.rbac().policy().object_count(),
        loaded.as_secs_f64() * 1e3,
        answering.as_secs_f64() * 1e3,
        per_second
    )
}

type Reader = BufReader<Box<dyn Read + Send>>;

/// Reads the next up to [`BATCH`] non-blank lines, with their line numbers, into `batch`
/// (reusing the strings already there) and returns how many it read: 0 at the end. Lines end
/// at `\n` or `\r\n`, as `BufRead::lines` splits them.
fn read_batch(
    reader: &mut Reader,
    number: &mut usize,
    batch: &mut Vec<(usize, String)>,
) -> Result<usize, Box<Problem>> {
    let mut filled = 0;
    while filled < BATCH {
        if batch.len() == filled {
            batch.push((0, String::new()));
        }
        let (slot_number, line) = &mut batch[filled];
        line.clear();
        match reader.read_line(line) {
            Ok(0) => break,
            Ok(_) => {
                *number += 1;
                if line.ends_with('\n') {
                    line.pop();
                    if line.ends_with('\r') {
                        line.pop();
                    }
                }
                if line.trim().is_empty() {
                    continue;
                }
                *slot_number = *number;
                filled += 1;
            }
            Err(e) => {
                *number += 1;
                return Err(Box::new(Problem::error(
                    "kauthz::load::unreadable",
                    format!(
                        "cannot read request line {number}: {}",
                        e.to_string().to_lowercase()
                    ),
                )));
            }
        }
    }
    Ok(filled)
}

/// Answers for a batch, in order, one buffer per [`CHUNK`] lines.
fn decide(chain: &Chain, batch: &[(usize, String)]) -> Vec<String> {
    batch
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut buf = String::with_capacity(chunk.len() * 1280);
            // One request parsed in place after another: its strings keep their buffers.
            let mut request = Attributes::default();
            for (n, line) in chunk {
                answer(&mut buf, chain, &mut request, *n, line);
                buf.push('\n');
            }
            buf
        })
        .collect()
}

fn write_answers(out: &mut impl Write, answers: &[String]) -> std::io::Result<()> {
    for a in answers {
        out.write_all(a.as_bytes())?;
    }
    Ok(())
}

/// Appends one answer line (without newline); a malformed request yields an error object
/// for that line. `request` is scratch space, overwritten.
fn answer(out: &mut String, chain: &Chain, request: &mut Attributes, number: usize, line: &str) {
    match parse_request(line, request) {
        Ok(()) => write_eval_line(out, request, &chain.authorize(request)),
        Err(message) => out.push_str(&json!({"error": message, "line": number}).to_string()),
    }
}

/// Parses `line` into `a`, reusing its strings (serde's in-place deserialisation: the same
/// derive, fields and errors as `from_str`, every field assigned or defaulted).
fn parse_request(line: &str, a: &mut Attributes) -> Result<(), String> {
    let invalid = |e: serde_json::Error| format!("invalid request: {e}");
    let mut de = serde_json::Deserializer::from_str(line);
    serde::Deserialize::deserialize_in_place(&mut de, a).map_err(invalid)?;
    de.end().map_err(invalid)?;
    if a.user.is_empty() {
        return Err(
            "invalid request: `user` is empty; the server authorizes no request without a user"
                .into(),
        );
    }
    if a.verb.is_empty() {
        return Err("invalid request: `verb` is empty".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_in_place_equals_parsing_afresh_whatever_came_before() {
        let lines = [
            r#"{"user":"a","groups":["g1","g2"],"verb":"get","resourceRequest":true,"apiGroup":"apps","resource":"deployments","subresource":"scale","namespace":"ns","name":"x","path":"/p"}"#,
            r#"{"user":"b","verb":"list","resourceRequest":true}"#,
            r#"{"user":"c","groups":["g"],"verb":"get","resourceRequest":false,"path":"/healthz"}"#,
            r#"{"user":"d","verb":"get","resourceRequest":true,"namespace":1}"#,
            r#"{"user":"e","verb":"get"}"#,
            r#"{"user":"f","verb":"get","resourceRequest":true,"extra":5}"#,
            r#"{"user":"g","verb":"get","resourceRequest":true,"user":"h"}"#,
            r#"{"user":"i","verb":"get","resourceRequest":true} trailing"#,
            r#"{"user":"k\u0001\"","verb":"get","resourceRequest":true,"name":"n"}"#,
            r#"[1,2]"#,
            r#"{"user":"l","groups":null,"verb":"get","resourceRequest":true}"#,
            r#"{"user":"m","verb":"get","resourceRequest":true}"#,
        ];
        let mut scratch = Attributes::default();
        // Every line after every other: nothing of the previous request may leak through.
        for before in lines {
            for line in lines {
                let _ = parse_request(before, &mut scratch);
                let in_place = parse_request(line, &mut scratch).map(|()| scratch.clone());
                let reference = serde_json::from_str::<Attributes>(line)
                    .map_err(|e| format!("invalid request: {e}"));
                assert_eq!(in_place, reference, "{before} then {line}");
            }
        }
    }
}
