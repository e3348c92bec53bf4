//! Loading policy input: files, directories and stdin into model objects plus problems.
//! The only part of the library that touches the filesystem.
//!
//! Order is part of the contract: inputs in the order given, a directory's files in path
//! order, documents in file order. Later objects replace earlier ones of the same kind and
//! name, so the result never depends on how rayon scheduled the parsing.

pub mod convert;
pub mod yaml;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;
use rayon::prelude::*;

use crate::diagnostics::{Problem, Severity};
use crate::model::SourceId;
use crate::name::Interner;
use crate::policy::PolicyBuilder;
pub use convert::Object;

/// Where input comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Path(PathBuf),
    Stdin,
}

impl Input {
    pub fn from_arg(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }
}

/// One file that was read.
#[derive(Clone, Debug)]
pub struct Source {
    /// As the user named it (or as found under a directory they named); `<stdin>` for stdin.
    pub path: String,
    /// The text, kept only when asked for (lint and explain point into it).
    pub text: Option<Arc<str>>,
}

/// Everything loaded, in input order, and every problem found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Vec<Source>,
    pub objects: Vec<Object>,
    /// Sorted by file and position.
    pub problems: Vec<Problem>,
    /// Kinds that are not RBAC, CRDs or ServiceAccounts, with counts.
    pub skipped: BTreeMap<String, usize>,
    pub documents: usize,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// Moves every object into `builder`.
    pub fn into_builder(self, builder: &mut PolicyBuilder) -> (Vec<Source>, Vec<Problem>) {
        for o in self.objects {
            match o {
                Object::Role(r) => builder.add_role_boxed(r),
                Object::Binding(b) => builder.add_binding_boxed(b),
                Object::Crd(c) => builder.add_crd(*c),
                Object::ServiceAccount(s) => builder.add_service_account(*s),
            }
        }
        (self.sources, self.problems)
    }
}

/// Options for [`load`].
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Paths (relative to what the user gave) matching this are not read.
    pub exclude: Option<GlobSet>,
    /// Keep each file's text in [`Source::text`].
    pub keep_text: bool,
}

/// Extensions kubectl reads from directories.
const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Reads every input. Problems never stop the load; unreadable paths become problems too.
///
/// Files are read and parsed one at a time (the documents of each in parallel) and each text
/// is dropped as soon as its documents are converted, unless `keep_text` asks for it: holding
/// every text until the end of the load cost the large cluster 16 MB of peak memory.
pub fn load(inputs: &[Input], options: &LoadOptions) -> Loaded {
    let mut problems = Vec::new();
    let mut files: Vec<(String, Option<PathBuf>)> = Vec::new();
    for input in inputs {
        match input {
            Input::Stdin => files.push(("<stdin>".into(), None)),
            Input::Path(p) => collect(p, options, &mut files, &mut problems),
        }
    }
    let mut loaded = Loaded::default();
    let mut interner = Interner::new();
    for (name, path) in files {
        match read_text(&name, path.as_deref()) {
            Ok(text) => add_text(&mut loaded, &mut interner, name, text, options.keep_text),
            Err(p) => problems.push(p),
        }
    }
    loaded.problems.extend(problems);
    sort_problems(&mut loaded.problems);
    loaded
}

/// Loads already-read texts (name, text) as if they were files, in order.
pub fn load_texts(texts: Vec<(String, String)>, keep_text: bool) -> Loaded {
    let mut loaded = Loaded::default();
    let mut interner = Interner::new();
    for (name, text) in texts {
        add_text(&mut loaded, &mut interner, name, text, keep_text);
    }
    sort_problems(&mut loaded.problems);
    loaded
}

/// Documents converted together: enough to keep every core busy, few enough that their
/// results (and the parse trees in flight) stay small beside the objects they produce.
const DOCUMENT_CHUNK: usize = 2048;

/// Parses the documents of one file (in parallel) and appends what they hold to `loaded`,
/// their names shared through `interner` (equal strings become one allocation).
fn add_text(
    loaded: &mut Loaded,
    interner: &mut Interner,
    name: String,
    text: String,
    keep_text: bool,
) {
    let source = loaded.sources.len() as SourceId;
    let shared = std::sync::OnceLock::new();
    let line_starts: Vec<u32> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(p, _)| p as u32 + 1))
        .collect();
    let documents = yaml::split_documents(&text);
    loaded.documents += documents.len();
    for chunk in documents.chunks(DOCUMENT_CHUNK) {
        let names: &Interner = interner;
        let results: Vec<DocResult> = chunk
            .par_iter()
            .map(|&(s, e)| {
                let mut ctx = convert::Ctx {
                    source,
                    path: &name,
                    text: &text,
                    shared: &shared,
                    line_starts: &line_starts,
                    names,
                    problems: Vec::new(),
                    objects: Vec::new(),
                    skipped: BTreeMap::new(),
                };
                match yaml::parse_document(&text[s..e], s) {
                    Ok(node) => convert::convert(&mut ctx, &node),
                    Err(err) => ctx.problems.push(
                        Problem::error("kauthz::load::yaml", err.message)
                            .with_help(
                                "fix the YAML syntax; the other documents of the file still load",
                            )
                            .at(&name, ctx.shared_text(), err.offset, 1),
                    ),
                }
                // A document usually holds one object, but a growing Vec reserves room for
                // four: across 47,000 documents that slack was most of the load's peak memory.
                ctx.objects.shrink_to_fit();
                DocResult {
                    objects: ctx.objects,
                    problems: ctx.problems,
                    skipped: ctx.skipped,
                }
            })
            .collect();
        loaded
            .objects
            .reserve(results.iter().map(|r| r.objects.len()).sum());
        for r in results {
            for mut o in r.objects {
                o.share_names(interner);
                loaded.objects.push(o);
            }
            loaded.problems.extend(r.problems);
            for (k, n) in r.skipped {
                *loaded.skipped.entry(k).or_default() += n;
            }
        }
    }
    drop(line_starts);
    let text = keep_text.then(|| shared.into_inner().unwrap_or_else(|| Arc::from(text)));
    loaded.sources.push(Source { path: name, text });
}

struct DocResult {
    objects: Vec<Object>,
    problems: Vec<Problem>,
    skipped: BTreeMap<String, usize>,
}

fn sort_problems(problems: &mut [Problem]) {
    problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

fn collect(
    path: &Path,
    options: &LoadOptions,
    files: &mut Vec<(String, Option<PathBuf>)>,
    problems: &mut Vec<Problem>,
) {
    let display = path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            problems.push(
                Problem::error(
                    "kauthz::load::unreadable",
                    format!("cannot read `{display}`: {}", io_reason(&e)),
                )
                .with_help("check the path given with `-f`")
                .in_file(&display),
            );
            return;
        }
    };
    if meta.is_file() {
        // A file named explicitly is read whatever its extension, as kubectl does.
        if !is_excluded(path, options) {
            files.push((display, Some(path.to_path_buf())));
        }
        return;
    }
    let mut found = Vec::new();
    walk(path, options, &mut found, problems);
    found.sort();
    files.extend(
        found
            .into_iter()
            .map(|p| (p.display().to_string(), Some(p))),
    );
}

fn walk(dir: &Path, options: &LoadOptions, found: &mut Vec<PathBuf>, problems: &mut Vec<Problem>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let d = dir.display().to_string();
            problems.push(
                Problem::error(
                    "kauthz::load::unreadable",
                    format!("cannot read directory `{d}`: {}", io_reason(&e)),
                )
                .in_file(&d),
            );
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if is_excluded(&path, options) {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let is_dir = kind.is_dir() || (kind.is_symlink() && path.is_dir());
        if is_dir {
            walk(&path, options, found, problems);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
        {
            found.push(path);
        }
    }
}

fn is_excluded(path: &Path, options: &LoadOptions) -> bool {
    options
        .exclude
        .as_ref()
        .is_some_and(|g| g.is_match(path) || path.file_name().is_some_and(|n| g.is_match(n)))
}

fn read_text(name: &str, path: Option<&Path>) -> Result<String, Problem> {
    let mut bytes = Vec::new();
    let result = match path {
        Some(p) => std::fs::read(p).map(|b| bytes = b),
        None => std::io::stdin().read_to_end(&mut bytes).map(|_| ()),
    };
    if let Err(e) = result {
        return Err(Problem::error(
            "kauthz::load::unreadable",
            format!("cannot read `{name}`: {}", io_reason(&e)),
        )
        .in_file(name));
    }
    // A UTF-8 byte-order mark is allowed, as kubectl allows it.
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => Err(Problem::error(
            "kauthz::load::encoding",
            format!(
                "`{name}` is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
        .with_help("save the file as UTF-8")
        .in_file(name)),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string().to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Name;

    fn binding(name: &str) -> String {
        format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: {name}\n  namespace: ns-1\nsubjects:\n- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: alice\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\n"
        )
    }

    #[test]
    fn equal_strings_share_one_allocation_across_documents_and_files() {
        let texts = vec![
            (
                "a.yaml".to_string(),
                format!("{}---\n{}", binding("b1"), binding("b2")),
            ),
            ("b.yaml".to_string(), binding("b3")),
        ];
        let loaded = load_texts(texts, false);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let bindings: Vec<_> = loaded
            .objects
            .iter()
            .filter_map(|o| match o {
                Object::Binding(b) => Some(b),
                _ => None,
            })
            .collect();
        assert_eq!(bindings.len(), 3);
        let first = bindings[0];
        assert!(Name::ptr_eq(
            &first.subjects[0].api_group,
            &first.role_ref.api_group
        ));
        for b in &bindings[1..] {
            assert!(Name::ptr_eq(&b.meta.namespace, &first.meta.namespace));
            assert!(Name::ptr_eq(&b.subjects[0].kind, &first.subjects[0].kind));
            assert!(Name::ptr_eq(&b.subjects[0].name, &first.subjects[0].name));
            assert!(Name::ptr_eq(&b.role_ref.kind, &first.role_ref.kind));
            assert!(Name::ptr_eq(&b.role_ref.name, &first.role_ref.name));
            assert!(!Name::ptr_eq(&b.meta.name, &first.meta.name));
        }
        assert_eq!(bindings[2].meta.name, "b3");
    }
}
