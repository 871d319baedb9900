//! `path:line:col: severity[ID] message`, one line per diagnostic: for editors'
//! errorformat, problem matchers and grep.

use super::Report;

pub fn render(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for d in &report.diagnostics {
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
