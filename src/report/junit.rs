//! JUnit XML, as CI servers read test results: a `<testsuite>` per file checked, a failing
//! `<testcase>` per diagnostic, and one passing `<testcase>` for a file without findings,
//! so the counts say how many files passed. No times: gopolicy does not time files, and
//! the output stays the same from run to run.
//!
//! Text is escaped for XML 1.0; characters XML 1.0 cannot carry at all (most C0 controls,
//! lone surrogates cannot occur in Rust strings, U+FFFE/U+FFFF) become U+FFFD.

use std::collections::BTreeMap;

use super::Report;
use crate::diag::Diagnostic;

pub fn render(report: &Report) -> String {
    let mut by_path: BTreeMap<&str, Vec<&Diagnostic>> = report
        .paths()
        .into_iter()
        .map(|p| (p, Vec::new()))
        .collect();
    for d in &report.diagnostics {
        by_path.entry(&d.path).or_default().push(d);
    }
    let tests: usize = by_path.values().map(|ds| ds.len().max(1)).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"gopolicy\" tests=\"{tests}\" failures=\"{}\" errors=\"0\">\n",
        report.diagnostics.len()
    ));
    for (path, diagnostics) in &by_path {
        let path = attribute(path);
        out.push_str(&format!(
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
            diagnostics.len().max(1),
            diagnostics.len()
        ));
        if diagnostics.is_empty() {
            out.push_str(&format!(
                "    <testcase name=\"no problems\" classname=\"{path}\"/>\n"
            ));
        }
        for d in diagnostics {
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{path}\">\n",
                attribute(&format!(
                    "{} {} at {}:{}",
                    d.id, d.name, d.start.line, d.start.column
                ))
            ));
            let mut details = format!(
                "{}:{}:{}: {}[{}] {}",
                d.path,
                d.start.line,
                d.start.column,
                d.severity.name(),
                d.id,
                d.message
            );
            if let Some(help) = &d.help {
                details.push_str(&format!("\nhelp: {help}"));
            }
            if let Some(url) = &d.url {
                details.push_str(&format!("\nsee {url}"));
            }
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                d.severity.name(),
                attribute(&d.message),
                text(&details)
            ));
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Is `c` allowed in an XML 1.0 document? (The `Char` production.)
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Element text: markup characters escaped, CR kept as a reference (a parser would turn a
/// literal one into LF).
fn text(s: &str) -> String {
    escape(s, false)
}

/// Attribute value in double quotes: also `"`, and tab and line breaks as references,
/// which attribute-value normalization would otherwise turn into spaces.
fn attribute(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_line_breaks_are_escaped_and_illegal_characters_replaced() {
        let hostile = "a<b>&\"c\"\r\n\td\u{0}\u{1b}\u{FFFE}é😀";
        assert_eq!(
            attribute(hostile),
            "a&lt;b&gt;&amp;&quot;c&quot;&#13;&#10;&#9;d\u{FFFD}\u{FFFD}\u{FFFD}é😀"
        );
        assert_eq!(
            text(hostile),
            "a&lt;b&gt;&amp;\"c\"&#13;\n\td\u{FFFD}\u{FFFD}\u{FFFD}é😀"
        );
        assert_eq!(text("]]>"), "]]&gt;");
    }
}
