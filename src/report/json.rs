//! JSON output, described by `schema/report.schema.json`. The `version` field changes
//! only when a field is removed or its meaning changes.

use serde::Serialize;

use super::Report;
use crate::diag::Diagnostic;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    /// Only with `--statistics`.
    #[serde(skip_serializing_if = "Option::is_none")]
    statistics: Option<Vec<JsonCount<'a>>>,
}

#[derive(Serialize)]
struct JsonCount<'a> {
    code: &'a str,
    name: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct Location {
    line: usize,
    column: usize,
    offset: usize,
}

impl Location {
    fn at(position: crate::document::Position, offset: usize) -> Location {
        Location {
            line: position.line,
            column: position.column,
            offset,
        }
    }
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'static str,
    commands: std::collections::BTreeMap<&'static str, &'a str>,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: Location,
    end: Location,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'static str,
    message: &'a str,
    path: &'a str,
    start: Location,
    end: Location,
    help: Option<&'a str>,
    url: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            code: &d.id,
            name: &d.name,
            severity: d.severity.name(),
            message: &d.message,
            path: &d.path,
            start: Location::at(d.start, d.span.start),
            end: Location::at(d.end, d.span.end),
            help: d.help.as_deref(),
            url: d.url.as_deref(),
            fix: d.fix.as_ref().map(|f| JsonFix {
                title: &f.title,
                applicability: f.applicability.name(),
                commands: f
                    .commands
                    .iter()
                    .map(|(s, c)| (s.name(), c.as_str()))
                    .collect(),
                edits: f
                    .edits
                    .iter()
                    .map(|e| JsonEdit {
                        start: Location::at(e.start, e.span.start),
                        end: Location::at(e.end, e.span.end),
                        replacement: &e.replacement,
                    })
                    .collect(),
            }),
        }
    }
}

/// The report; with `statistics`, also how many findings each rule reported.
pub fn render(report: &Report, statistics: bool) -> String {
    use crate::rule::schema::Severity;
    let out = JsonReport {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "gopolicy",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: report.files_checked,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
        },
        diagnostics: report
            .diagnostics
            .iter()
            .map(JsonDiagnostic::from)
            .collect(),
        statistics: statistics.then(|| {
            report
                .statistics()
                .into_iter()
                .map(|c| JsonCount {
                    code: c.id,
                    name: c.name,
                    count: c.count,
                })
                .collect()
        }),
    };
    let mut text = serde_json::to_string_pretty(&out).expect("plain data serializes");
    text.push('\n');
    text
}
