//! Diagnostics, and what shapes them after rules ran: inline suppressions, config
//! (select/ignore, severity overrides, per-path ignores), and a stable order.

pub mod baseline;
pub mod config;
pub mod fingerprint;
pub mod suppression;

use crate::document::{Position, SourceText, Span};
use crate::rule::schema::Severity;

/// One finding, located in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub message: String,
    /// Display path, `/`-separated, relative to where the run started.
    pub path: String,
    pub span: Span,
    pub start: Position,
    pub end: Position,
    /// One line of advice.
    pub help: Option<String>,
    /// The rule's documentation page.
    pub url: Option<String>,
    pub fix: Option<Fix>,
}

/// How to fix a finding: text edits in the finding's file, or, for machine findings,
/// commands per shell (shown, never run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: crate::rule::schema::Applicability,
    pub commands: std::collections::BTreeMap<crate::rule::schema::Shell, String>,
    /// Edits to the finding's file, in file order, never overlapping.
    pub edits: Vec<Edit>,
}

/// Replace the text at `span` (byte offsets into the decoded text) with `replacement`;
/// an empty span inserts, an empty replacement deletes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub start: Position,
    pub end: Position,
    pub replacement: String,
}

impl Fix {
    /// The command for `shell`, or for the nearest shell whose commands work there.
    pub fn command_for(
        &self,
        shell: crate::rule::schema::Shell,
    ) -> Option<(crate::rule::schema::Shell, &str)> {
        shell
            .fallbacks()
            .iter()
            .find_map(|s| self.commands.get(s).map(|c| (*s, c.as_str())))
    }
}

impl Edit {
    /// Replace the text at `span` of `source`.
    pub fn at(source: &SourceText, span: Span, replacement: String) -> Edit {
        Edit {
            span,
            start: source.position(span.start),
            end: source.position(span.end),
            replacement,
        }
    }
}

impl Diagnostic {
    /// Locate a finding in `source` at `span`.
    pub fn at(
        source: &SourceText,
        span: Span,
        id: &str,
        name: &str,
        severity: Severity,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            id: id.to_owned(),
            name: name.to_owned(),
            severity,
            message,
            path: source.path.clone(),
            span,
            start: source.position(span.start),
            end: source.position(span.end),
            help: None,
            url: None,
            fix: None,
        }
    }

    /// A finding about a whole file that could not be read (no text to point into).
    pub fn for_file(
        path: &str,
        id: &str,
        name: &str,
        severity: Severity,
        message: String,
    ) -> Diagnostic {
        let origin = Position { line: 1, column: 1 };
        Diagnostic {
            id: id.to_owned(),
            name: name.to_owned(),
            severity,
            message,
            path: path.to_owned(),
            span: Span::default(),
            start: origin,
            end: origin,
            help: None,
            url: None,
            fix: None,
        }
    }

    fn sort_key(&self) -> (&str, Position, &str, &str) {
        (&self.path, self.start, &self.id, &self.message)
    }
}

/// Sort into the one order every output uses: path, line, column, id, message.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    let order =
        |a: &Diagnostic, b: &Diagnostic| a.sort_key().cmp(&b.sort_key()).then(a.end.cmp(&b.end));
    // A check's findings come file by file in path order, each file's sorted by the
    // thread that linted it: one pass over them usually finds them in order.
    if !diagnostics.is_sorted_by(|a, b| order(a, b).is_le()) {
        diagnostics.sort_by(order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Encoding, SourceText};

    #[test]
    fn sort_orders_by_path_position_id_and_message_whether_or_not_already_in_order() {
        let a = SourceText::new("a.yml", "x: 1\ny: 2\n".into(), Encoding::Utf8);
        let b = SourceText::new("b.yml", "x: 1\n".into(), Encoding::Utf8);
        let d = |source: &SourceText, at: usize, id: &str| {
            Diagnostic::at(
                source,
                Span::new(at, at + 1),
                id,
                "n",
                Severity::Warning,
                "m".into(),
            )
        };
        let ordered = vec![
            d(&a, 0, "A1"),
            d(&a, 0, "B1"),
            d(&a, 5, "A1"),
            d(&b, 0, "A1"),
        ];
        let key = |ds: &[Diagnostic]| -> Vec<(String, usize, String)> {
            ds.iter()
                .map(|d| (d.path.clone(), d.span.start, d.id.clone()))
                .collect()
        };
        let mut same = ordered.clone();
        sort(&mut same);
        assert_eq!(key(&same), key(&ordered));
        let mut shuffled = vec![
            ordered[3].clone(),
            ordered[2].clone(),
            ordered[0].clone(),
            ordered[1].clone(),
        ];
        sort(&mut shuffled);
        assert_eq!(key(&shuffled), key(&ordered));
    }
}
