//! `path:line:col: severity[ID] message`, one line per diagnostic: for editors'
//! errorformat, problem matchers and grep.

use super::Report;

pub fn render(report: &Report) -> String {
    use rayon::prelude::*;
    // Thousands of lines are written by all the threads, in chunks joined in order.
    const CHUNK: usize = 512;
    if report.diagnostics.len() <= CHUNK {
        return lines(&report.diagnostics);
    }
    let chunks: Vec<String> = report.diagnostics.par_chunks(CHUNK).map(lines).collect();
    chunks.concat()
}

fn lines(diagnostics: &[crate::diag::Diagnostic]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            d.path,
            d.start.line,
            d.start.column,
            d.severity.name(),
            d.id,
            one_line(&d.message)
        );
    }
    out
}

/// A message on one line, whatever it quotes.
pub fn one_line(message: &str) -> std::borrow::Cow<'_, str> {
    if !message.contains(['\n', '\r']) {
        return message.into();
    }
    message
        .replace("\r\n", " ")
        .replace(['\n', '\r'], " ")
        .into()
}
