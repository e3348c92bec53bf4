//! Problems found while loading input: one value per malformed document, line or flag value.
//!
//! A `Problem` carries everything needed to render a miette report (file, span, line:column,
//! message, help) but rendering is the CLI's job. Loading never stops at the first problem.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode, SourceSpan};

/// How bad a problem is. Errors lose data (a document or line is skipped); warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem in the input, with its place.
#[derive(Clone, Debug)]
pub struct Problem {
    pub severity: Severity,
    /// A stable id such as `kauthz::load::missing-field`.
    pub code: &'static str,
    /// Lower-case, no final period, user values in backticks.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Path as the user gave it (or `<stdin>`); empty when the problem has no file.
    pub path: String,
    /// 1-based; 0 when unknown.
    pub line: u32,
    pub column: u32,
    /// Byte span in `source` to label.
    pub span: Option<(usize, usize)>,
    pub label: Option<String>,
    /// The whole text of the file, shared between the problems of one file.
    pub source: Option<Arc<str>>,
}

impl Problem {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            path: String::new(),
            line: 0,
            column: 0,
            span: None,
            label: None,
            source: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(code, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Places the problem in `text` (the file's whole text) at byte `offset`, `len` bytes long;
    /// line and column are computed from the text.
    pub fn at(mut self, path: &str, text: &Arc<str>, offset: usize, len: usize) -> Self {
        let offset = offset.min(text.len());
        let (line, column) = line_column(text, offset);
        self.path = path.to_string();
        self.line = line;
        self.column = column;
        self.span = Some((offset, len.min(text.len() - offset)));
        self.source = Some(Arc::clone(text));
        self
    }

    /// Names a file with no position (unreadable file, bad encoding).
    pub fn in_file(mut self, path: &str) -> Self {
        self.path = path.to_string();
        self
    }

    /// `path:line:column`, `path`, or empty.
    pub fn location(&self) -> String {
        match (self.path.is_empty(), self.line) {
            (true, _) => String::new(),
            (false, 0) => self.path.clone(),
            (false, line) => format!("{}:{}:{}", self.path, line, self.column),
        }
    }

    /// Sort key that makes reports deterministic: file, position, message.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        (&self.path, self.line, self.column, &self.message)
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u32, column as u32)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let location = self.location();
        if location.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{location}: {}", self.message)
        }
    }
}

impl std::error::Error for Problem {}

/// Renders through miette: the source snippet carries the file name, so the headline is the
/// bare message and the location appears in the snippet header (`[path:line:col]`).
pub struct Report<'a> {
    problem: &'a Problem,
    named: Option<NamedSource<Arc<str>>>,
}

impl<'a> Report<'a> {
    pub fn new(problem: &'a Problem) -> Self {
        let named = problem
            .source
            .as_ref()
            .map(|text| NamedSource::new(&problem.path, Arc::clone(text)));
        Report { problem, named }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.problem, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // With a snippet the file is named in its header; a message that already names the
        // file needs no prefix either.
        if (self.named.is_some() && self.problem.span.is_some())
            || self.problem.message.contains(&self.problem.path)
        {
            f.write_str(&self.problem.message)
        } else {
            fmt::Display::fmt(self.problem, f)
        }
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.problem.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.problem.severity {
            Severity::Warning => miette::Severity::Warning,
            Severity::Error => miette::Severity::Error,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.problem
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match (&self.named, self.problem.span) {
            (Some(named), Some(_)) => Some(named as &dyn SourceCode),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (offset, len) = self.problem.span?;
        self.named.as_ref()?;
        let span = SourceSpan::new(offset.into(), len);
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            self.problem.label.clone(),
            span,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one_in_characters() {
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
        assert_eq!(line_column("é\nxé-", 6), (2, 3));
    }

    #[test]
    fn location_includes_line_and_column_when_known() {
        let text: Arc<str> = Arc::from("a: 1\nb: [\n");
        let p = Problem::error("kauthz::test", "bad").at("f.yaml", &text, 7, 1);
        assert_eq!(p.location(), "f.yaml:2:3");
        assert_eq!(p.to_string(), "f.yaml:2:3: bad");
    }
}
