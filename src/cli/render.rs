//! Rendering problems as miette reports on stderr, coloured only on a terminal.

use std::io::{IsTerminal, Write};

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::diagnostics::{Problem, Report};

pub fn report_text(problem: &Problem, color: bool, width: usize) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(width);
    let mut out = String::new();
    let report = Report::new(problem);
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{problem}\n");
    }
    out
}

pub fn print_problems(problems: &[Problem]) {
    if problems.is_empty() {
        return;
    }
    let stderr = std::io::stderr();
    let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut err = stderr.lock();
    for p in problems {
        let _ = writeln!(err, "{}", report_text(p, color, 100));
    }
}
