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
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then(a.end.cmp(&b.end)));
}
