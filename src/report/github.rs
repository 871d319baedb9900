//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per
//! diagnostic, which GitHub shows as an annotation on the file and line. GitHub shows only
//! a few annotations per step, so [`summary`] gives every finding as a Markdown table for
//! `$GITHUB_STEP_SUMMARY`.
//!
//! Escaping is the one GitHub's toolkit applies (`@actions/core`'s command.ts): in the
//! message `%`, CR and LF become `%25`, `%0D`, `%0A`; in properties also `:` and `,`
//! become `%3A` and `%2C`. Columns are given only when a finding starts and ends on one
//! line, as GitHub's annotations require. Findings not in a file under the working folder
//! (the machine's views, the go env file) get no `file`: their path leads the message.

use super::Report;
use crate::diag::Diagnostic;
use crate::rule::schema::Severity;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&command(d));
        out.push('\n');
    }
    out
}

/// One workflow command for a diagnostic.
pub fn command(d: &Diagnostic) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties: Vec<(&str, String)> = Vec::new();
    let mut message = String::new();
    if in_workspace(&d.path) {
        properties.push(("file", d.path.clone()));
        properties.push(("line", d.start.line.to_string()));
        if d.start.line == d.end.line {
            properties.push(("col", d.start.column.to_string()));
        }
        properties.push(("endLine", d.end.line.to_string()));
        if d.start.line == d.end.line {
            properties.push(("endColumn", d.end.column.to_string()));
        }
    } else {
        message.push_str(&format!("{}:{}:{}: ", d.path, d.start.line, d.start.column));
    }
    properties.push(("title", format!("{} {}", d.id, d.name)));
    message.push_str(&d.message);
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let properties: Vec<String> = properties
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!(
        "::{kind} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// A relative path GitHub can match to a file in the checkout; not a machine view
/// (`<process-env>`) nor an absolute path.
fn in_workspace(path: &str) -> bool {
    let b = path.as_bytes();
    let absolute = path.starts_with('/')
        || path.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':');
    let view = path.ends_with('>') && path.contains('<');
    !absolute && !view
}

pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Every finding as a Markdown table, for `$GITHUB_STEP_SUMMARY`.
pub fn summary(report: &Report) -> String {
    let mut out = format!("### gopolicy\n\n{}\n", cell(&report.summary()));
    if report.diagnostics.is_empty() {
        return out;
    }
    out.push_str("\n| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n");
    for d in &report.diagnostics {
        out.push_str(&format!(
            "| {} | `{}` {} | {} | {} |\n",
            d.severity.name(),
            d.id,
            d.name,
            cell(&format!("{}:{}:{}", d.path, d.start.line, d.start.column)),
            cell(&d.message)
        ));
    }
    out
}

/// Text for one table cell: `|` and line breaks cannot end the cell or row, and outside
/// `code spans` HTML and Markdown punctuation show as written. Inside a code span only `|`
/// needs escaping (GitHub's tables take `\|` there too).
pub fn cell(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let ticks = text.matches('`').count();
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        // Odd parts are code spans, when the backticks pair up.
        if i % 2 == 1 && ticks.is_multiple_of(2) {
            out.push('`');
            out.push_str(&part.replace('|', "\\|").replace('\n', " "));
            out.push('`');
            continue;
        }
        if i > 0 && ticks % 2 == 1 {
            out.push_str("\\`");
        }
        for c in part.chars() {
            match c {
                '\n' => out.push_str("<br>"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\\' | '|' | '*' | '_' | '[' | ']' | '~' | '#' | '!' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Position, Span};

    fn diag(path: &str, message: &str, start: (usize, usize), end: (usize, usize)) -> Diagnostic {
        Diagnostic {
            id: "ENV003".into(),
            name: "goproxy-credentials".into(),
            severity: Severity::Warning,
            message: message.into(),
            path: path.into(),
            span: Span::default(),
            start: Position {
                line: start.0,
                column: start.1,
            },
            end: Position {
                line: end.0,
                column: end.1,
            },
            help: None,
            url: None,
            fix: None,
        }
    }

    #[test]
    fn hostile_messages_and_paths_are_escaped_as_github_documents() {
        let d = diag(
            "dir,with:colon/100%.yml",
            "50% done\r\nnext: a,b\n::error::injected",
            (3, 5),
            (3, 9),
        );
        assert_eq!(
            command(&d),
            "::warning file=dir%2Cwith%3Acolon/100%25.yml,line=3,col=5,endLine=3,endColumn=9,\
             title=ENV003 goproxy-credentials::50%25 done%0D%0Anext: a,b%0A::error::injected"
        );
    }

    #[test]
    fn columns_only_on_one_line_and_severity_picks_the_command() {
        let mut d = diag("go.mod", "m", (2, 3), (4, 1));
        d.severity = Severity::Info;
        d.help = Some("do x".into());
        assert_eq!(
            command(&d),
            "::notice file=go.mod,line=2,endLine=4,title=ENV003 goproxy-credentials::m%0Ahelp: do x"
        );
        d.severity = Severity::Error;
        assert!(command(&d).starts_with("::error file=go.mod,"));
    }

    #[test]
    fn machine_and_absolute_paths_get_no_file() {
        for path in [
            "<process-env>",
            "snap.json<machine>",
            "/home/u/.config/go/env",
            r"C:\go\env",
        ] {
            let line = command(&diag(path, "m", (3, 12), (3, 20)));
            assert!(!line.contains("file="), "{line}");
            assert!(line.ends_with(&format!("::{path}:3:12: m")), "{line}");
        }
    }

    #[test]
    fn cells_keep_pipes_newlines_html_and_markdown_inert() {
        assert_eq!(cell("a|b\nc\r\nd"), "a\\|b<br>c<br>d");
        assert_eq!(cell("<process-env>:3:1"), "&lt;process-env&gt;:3:1");
        assert_eq!(
            cell("`GONOSUMDB=*` has a | pipe, `a|b`"),
            "`GONOSUMDB=*` has a \\| pipe, `a\\|b`"
        );
        assert_eq!(
            cell("*bold* [link](x) a_b"),
            "\\*bold\\* \\[link\\](x) a\\_b"
        );
        // An unpaired backtick is text.
        assert_eq!(cell("it`s | x"), "it\\`s \\| x");
        assert_eq!(cell("`multi\nline`"), "`multi line`");
    }
}
