//! `path:line:col: severity[ID] message`, one line per diagnostic: for editors'
//! errorformat, problem matchers and grep.

use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}\n",
            d.path,
            d.start.line,
            d.start.column,
            d.severity.name(),
            d.id,
            one_line(&d.message)
        ));
    }
    out
}

/// A message on one line, whatever it quotes.
pub fn one_line(message: &str) -> String {
    message.replace("\r\n", " ").replace(['\n', '\r'], " ")
}
