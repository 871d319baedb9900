//! One renderer per output format, all fed the same [`Report`].

pub mod doctor;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod short;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::document::{SourceText, Target};
use crate::rule::schema::Severity;

/// What a `check` run found, ready to render.
#[derive(Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
    /// Every file (or view) checked, by display path.
    pub sources: BTreeMap<String, Source>,
    /// The rules that reported something, by id, for formats that describe rules (SARIF).
    pub rules: BTreeMap<String, RuleInfo>,
}

/// A file (or a view of the machine) a report covers.
#[derive(Clone, Debug)]
pub struct Source {
    pub target: Target,
    /// Its text, for renderers that show source: kept only for files with findings.
    pub text: Option<Arc<SourceText>>,
}

impl Source {
    /// A view that is not a file (`<machine>`, `<process-env>`): it has no lines to
    /// point at.
    pub fn is_view(&self) -> bool {
        matches!(self.target, Target::Machine | Target::ProcessEnv)
    }
}

/// What a format may say about a rule.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub id: String,
    pub name: String,
    /// The severity in force for this run (config overrides applied).
    pub severity: Severity,
    pub summary: String,
    /// The rule's documentation page.
    pub url: String,
    /// The rule's `docs` text (Markdown); empty for built-ins, whose docs are not loaded
    /// to check (see [`RuleInfo::docs`]).
    pub docs: String,
    pub builtin: bool,
}

impl RuleInfo {
    pub fn new(rule: &crate::rule::Rule, url: String) -> RuleInfo {
        RuleInfo {
            id: rule.id.clone(),
            name: rule.name.clone(),
            severity: rule.severity,
            summary: rule.summary.clone(),
            url,
            docs: rule.docs.clone(),
            builtin: rule.builtin,
        }
    }

    /// The rule's documentation text, read from the embedded rule file for a built-in.
    pub fn docs(&self) -> String {
        if self.docs.is_empty() && self.builtin {
            crate::rule::registry::builtin_docs(&self.id).unwrap_or_default()
        } else {
            self.docs.clone()
        }
    }
}

impl Report {
    pub fn source(&self, path: &str) -> Option<&SourceText> {
        self.sources.get(path)?.text.as_deref()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// How many diagnostics each rule reported: most first, then by id.
    pub fn statistics(&self) -> Vec<RuleCount<'_>> {
        let mut counts: BTreeMap<&str, RuleCount> = BTreeMap::new();
        for d in &self.diagnostics {
            counts
                .entry(&d.id)
                .or_insert(RuleCount {
                    id: &d.id,
                    name: &d.name,
                    count: 0,
                })
                .count += 1;
        }
        let mut counts: Vec<RuleCount> = counts.into_values().collect();
        counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(b.id)));
        counts
    }

    /// Every path the run looked at, files with findings or without: the checked files,
    /// the machine's views, and paths that could not be read.
    pub fn paths(&self) -> std::collections::BTreeSet<&str> {
        self.sources
            .keys()
            .map(String::as_str)
            .chain(self.diagnostics.iter().map(|d| d.path.as_str()))
            .collect()
    }

    /// The text a diagnostic points at (empty when its file has no text).
    pub fn flagged_text(&self, d: &Diagnostic) -> &str {
        self.source(&d.path)
            .and_then(|s| s.text.get(d.span.start..d.span.end))
            .unwrap_or("")
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

/// One line of `--statistics`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleCount<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub count: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Short,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML: a test suite per file.
    Junit,
}

/// Render a report in a format; `color` only matters for human output, `statistics` only
/// for JSON (the other formats get [`statistics`] after the report, or beside it).
pub fn render(report: &Report, format: Format, color: bool, statistics: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Short => short::render(report),
        Format::Json => json::render(report, statistics),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Junit => junit::render(report),
    }
}

/// `--statistics` as text: how many findings each rule reported, most first.
pub fn statistics(report: &Report) -> String {
    let counts = report.statistics();
    if counts.is_empty() {
        return "statistics: no problems\n".to_owned();
    }
    let count_width = counts[0].count.to_string().len();
    let id_width = counts.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut out = String::from("statistics:\n");
    for c in &counts {
        out.push_str(&format!(
            "{:>count_width$}  {:<id_width$}  {}\n",
            c.count, c.id, c.name
        ));
    }
    out
}
