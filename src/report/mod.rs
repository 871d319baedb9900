//! One renderer per output format, all fed the same [`Report`].

pub mod doctor;
pub mod human;
pub mod json;
pub mod short;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::document::{Document, SourceText};
use crate::rule::schema::Severity;

/// What a `check` run found, ready to render.
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
    /// The text of each checked file, by display path, for renderers that show source.
    pub sources: BTreeMap<String, Arc<Document>>,
}

impl Report {
    pub fn source(&self, path: &str) -> Option<&SourceText> {
        self.sources.get(path).map(|d| &d.source)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// "3 problems (1 error, 2 warnings) in 4 files" or "no problems in 4 files".
    pub fn summary(&self) -> String {
        let files = plural(self.files_checked, "file", "files");
        if self.diagnostics.is_empty() {
            return format!("no problems in {files}");
        }
        let parts: Vec<String> = [
            (Severity::Error, "error", "errors"),
            (Severity::Warning, "warning", "warnings"),
            (Severity::Info, "info", "infos"),
        ]
        .iter()
        .filter_map(|&(s, one, many)| {
            let n = self.count(s);
            (n > 0).then(|| plural(n, one, many))
        })
        .collect();
        format!(
            "{} ({}) in {files}",
            plural(self.diagnostics.len(), "problem", "problems"),
            parts.join(", ")
        )
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Short,
    Json,
}

/// Render a report in a format; `color` only matters for human output.
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Short => short::render(report),
        Format::Json => json::render(report),
    }
}
