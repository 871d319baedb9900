//! SARIF 2.1.0 (OASIS), shaped for GitHub code scanning's documented subset: one run, the
//! rules that reported something, and one result per diagnostic with a physical location,
//! partial fingerprints and, where a fix edits the file, `fixes`.
//!
//! Locations:
//! - a file under the folder the run started in: a relative URI with uriBaseId
//!   `%SRCROOT%` (GitHub reads relative URIs as relative to the repository root);
//! - a file elsewhere (the go env file, a shell profile): an absolute `file:` URI;
//! - the machine's views (`<machine>`, `<process-env>`), which are no file: a relative URI
//!   naming the view, without uriBaseId and without region (lines in a view gopolicy
//!   generated mean nothing to a SARIF viewer). GitHub refuses a whole upload if a result
//!   has no physical location, so the view's name stands in for one.
//!
//! Columns count Unicode code points (`columnKind: unicodeCodePoints`); an end column is
//! the column just past the region, as in SARIF. No source text is copied into the log
//! (no snippets), so nothing a file holds leaks into an uploaded report.

use serde::Serialize;

use super::{Report, RuleInfo};
use crate::diag::{fingerprint, Diagnostic, Edit};
use crate::document::Position;
use crate::rule::schema::Severity;

pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/gopolicy/gopolicy";
/// The uriBaseId of paths relative to where the run started.
pub const SRCROOT: &str = "%SRCROOT%";
/// GitHub truncates `fullDescription` to this many characters.
const MAX_DESCRIPTION: usize = 1000;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    original_uri_base_ids: serde_json::Value,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    help: Help,
    default_configuration: Level,
}

#[derive(Debug, Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<Fix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

impl Region {
    fn new(start: Position, end: Position) -> Region {
        Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

/// The same fingerprint under two names: gopolicy's own, versioned, and the one GitHub
/// code scanning reads (it uses `primaryLocationLineHash` only, and computes a line-based
/// one when it is missing; ours does not move when lines are added above a finding).
#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "gopolicy/v1")]
    gopolicy: String,
    #[serde(rename = "primaryLocationLineHash")]
    github: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix {
    description: Text,
    artifact_changes: [ArtifactChange; 1],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

pub fn render(report: &Report) -> String {
    // The rules that reported something, by id; a result points at its rule by index.
    let mut ids: Vec<&str> = report.diagnostics.iter().map(|d| d.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let rules: Vec<Descriptor> = ids
        .iter()
        .map(|id| {
            let d = report.diagnostics.iter().find(|d| d.id == *id);
            match (report.rules.get(*id), d) {
                (Some(info), _) => descriptor(info),
                (None, Some(d)) => descriptor(&unknown_rule(d)),
                (None, None) => unreachable!("every id comes from a diagnostic"),
            }
        })
        .collect();
    let fingerprints = fingerprint::fingerprints(&report.diagnostics, |d| report.flagged_text(d));
    let results = report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, print)| SarifResult {
            rule_id: &d.id,
            rule_index: ids.binary_search(&d.id.as_str()).unwrap_or_default(),
            level: level(d.severity),
            message: Text {
                text: d.message.clone(),
            },
            locations: [location(report, d)],
            partial_fingerprints: Fingerprints {
                gopolicy: print.clone(),
                github: print,
            },
            fixes: fixes(report, d),
        })
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "gopolicy",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            original_uri_base_ids: serde_json::json!({
                SRCROOT: { "description": { "text": "The folder gopolicy was run in." } }
            }),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).expect("plain data serializes");
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &RuleInfo) -> Descriptor {
    let docs = rule.docs();
    // Plain text for viewers without Markdown; GitHub shows the Markdown when present.
    let text = format!("{}\n\nSee {}", rule.summary.trim(), rule.url);
    let markdown = if docs.trim().is_empty() {
        text.clone()
    } else {
        format!(
            "{}\n\n{}\n\nSee {}",
            rule.summary.trim(),
            docs.trim(),
            rule.url
        )
    };
    Descriptor {
        id: rule.id.clone(),
        name: rule.name.clone(),
        short_description: Text {
            text: rule.summary.trim().to_owned(),
        },
        full_description: Text {
            text: full_description(rule, &docs),
        },
        help_uri: (!rule.url.is_empty()).then(|| rule.url.clone()),
        help: Help { text, markdown },
        default_configuration: Level {
            level: level(rule.severity),
        },
    }
}

/// The docs' "What it checks" section as one paragraph, or the summary; at most
/// [`MAX_DESCRIPTION`] characters.
fn full_description(rule: &RuleInfo, docs: &str) -> String {
    let section: String = docs
        .split("\n## ")
        .find_map(|s| s.trim_start_matches("## ").strip_prefix("What it checks"))
        .map(|body| body.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let text = if section.is_empty() {
        rule.summary.trim().to_owned()
    } else {
        section
    };
    if text.chars().count() <= MAX_DESCRIPTION {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_DESCRIPTION - 1).collect();
    cut.push('…');
    cut
}

/// A rule the report does not describe (a report built without rules): what its
/// diagnostics say of it.
fn unknown_rule(d: &Diagnostic) -> RuleInfo {
    RuleInfo {
        id: d.id.clone(),
        name: d.name.clone(),
        severity: d.severity,
        summary: d.name.clone(),
        url: d.url.clone().unwrap_or_default(),
        docs: String::new(),
        builtin: false,
    }
}

fn location(report: &Report, d: &Diagnostic) -> Location {
    let (artifact_location, in_file) = artifact(report, &d.path);
    Location {
        physical_location: PhysicalLocation {
            artifact_location,
            region: in_file.then(|| Region::new(d.start, d.end)),
        },
    }
}

/// Where a path is, and whether it is a file whose lines a viewer can show.
fn artifact(report: &Report, path: &str) -> (ArtifactLocation, bool) {
    let view = match report.sources.get(path) {
        Some(source) => source.is_view(),
        None => path.ends_with('>') && path.contains('<'),
    };
    if view {
        let location = ArtifactLocation {
            uri: encode(path),
            uri_base_id: None,
        };
        return (location, false);
    }
    let location = match absolute_uri(path) {
        Some(uri) => ArtifactLocation {
            uri,
            uri_base_id: None,
        },
        None => ArtifactLocation {
            uri: encode(path),
            uri_base_id: Some(SRCROOT),
        },
    };
    (location, true)
}

/// `file:` URI of an absolute path (`/home/u/.bashrc`, `C:\Users\u\go\env`,
/// `\\server\share\x`); `None` for a relative path.
fn absolute_uri(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'\\' | b'/');
    if drive {
        let rest = path[2..].replace('\\', "/");
        Some(format!("file:///{}:{}", &path[..1], encode(&rest)))
    } else if let Some(unc) = path.strip_prefix(r"\\") {
        Some(format!("file://{}", encode(&unc.replace('\\', "/"))))
    } else if path.starts_with('/') {
        Some(format!("file://{}", encode(path)))
    } else {
        None
    }
}

/// Percent-encode a `/`-separated path for a URI: every byte but unreserved characters
/// and `/` (RFC 3986), so spaces, `%`, `:`, `#`, `?` and non-ASCII survive.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A fix's text edits as one SARIF fix; machine fixes (shell commands) are not SARIF
/// fixes and are left out.
fn fixes(report: &Report, d: &Diagnostic) -> Vec<Fix> {
    let Some(fix) = d.fix.as_ref().filter(|f| !f.edits.is_empty()) else {
        return Vec::new();
    };
    let (artifact_location, in_file) = artifact(report, &d.path);
    if !in_file {
        return Vec::new();
    }
    vec![Fix {
        description: Text {
            text: fix.title.clone(),
        },
        artifact_changes: [ArtifactChange {
            artifact_location,
            replacements: fix.edits.iter().map(replacement).collect(),
        }],
    }]
}

fn replacement(edit: &Edit) -> Replacement {
    Replacement {
        deleted_region: Region::new(edit.start, edit.end),
        inserted_content: Text {
            text: edit.replacement.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Fix as DiagFix;
    use crate::document::Span;
    use crate::rule::schema::Applicability;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    fn diagnostic(path: &str) -> Diagnostic {
        Diagnostic {
            id: "MOD001".into(),
            name: "missing-go-directive".into(),
            severity: Severity::Warning,
            message: "no go line".into(),
            path: path.into(),
            span: Span { start: 0, end: 6 },
            start: at(1, 1),
            end: at(1, 7),
            help: None,
            url: Some("https://example.com/MOD001.md".into()),
            fix: None,
        }
    }

    fn edit(start: (usize, usize), end: (usize, usize), replacement: &str) -> Edit {
        Edit {
            span: Span::default(),
            start: at(start.0, start.1),
            end: at(end.0, end.1),
            replacement: replacement.into(),
        }
    }

    #[test]
    fn edits_become_one_fix_with_a_replacement_each() {
        let mut d = diagnostic("sub dir/go.mod");
        d.fix = Some(DiagFix {
            title: "add the go line".into(),
            applicability: Applicability::Safe,
            commands: Default::default(),
            edits: vec![
                edit((1, 23), (1, 23), "\n\ngo 1.22\n"),
                edit((3, 1), (4, 5), ""),
            ],
        });
        let report = Report::default();
        let fixes = fixes(&report, &d);
        assert_eq!(fixes.len(), 1);
        let fix = &fixes[0];
        assert_eq!(fix.description.text, "add the go line");
        let change = &fix.artifact_changes[0];
        assert_eq!(
            change.artifact_location,
            ArtifactLocation {
                uri: "sub%20dir/go.mod".into(),
                uri_base_id: Some(SRCROOT)
            }
        );
        let r = &change.replacements;
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].deleted_region, Region::new(at(1, 23), at(1, 23)));
        assert_eq!(r[0].inserted_content.text, "\n\ngo 1.22\n");
        assert_eq!(r[1].deleted_region, Region::new(at(3, 1), at(4, 5)));
        assert_eq!(r[1].inserted_content.text, "");
    }

    #[test]
    fn no_edits_no_fix_and_machine_views_get_none() {
        let mut d = diagnostic("go.mod");
        assert!(fixes(&Report::default(), &d).is_empty());
        d.fix = Some(DiagFix {
            title: "unset it".into(),
            applicability: Applicability::Unsafe,
            commands: [(crate::rule::schema::Shell::Bash, "unset GOFLAGS".into())].into(),
            edits: Vec::new(),
        });
        assert!(fixes(&Report::default(), &d).is_empty(), "commands only");
        d.path = "<process-env>".into();
        d.fix.as_mut().unwrap().edits = vec![edit((1, 1), (1, 2), "x")];
        assert!(
            fixes(&Report::default(), &d).is_empty(),
            "a view is no file"
        );
    }

    #[test]
    fn a_log_with_fixes_follows_the_sarif_schema() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/sarif");
        let Ok(text) = std::fs::read_to_string(dir.join("sarif-schema-2.1.0.json")) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "no SARIF schema in the corpus"
            );
            return;
        };
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut d = diagnostic("go.mod");
        d.fix = Some(DiagFix {
            title: "add the go line".into(),
            applicability: Applicability::Safe,
            commands: Default::default(),
            edits: vec![
                edit((1, 23), (1, 23), "\n\ngo 1.22\n"),
                edit((3, 1), (4, 5), ""),
            ],
        });
        let report = Report {
            diagnostics: vec![d.clone(), diagnostic("b/go.mod")],
            ..Report::default()
        };
        let log: serde_json::Value = serde_json::from_str(&render(&report)).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}\n{log}");
        let results = &log["runs"][0]["results"];
        let change = &results[0]["fixes"][0]["artifactChanges"][0];
        assert_eq!(change["artifactLocation"]["uri"], "go.mod");
        assert_eq!(
            change["replacements"][1]["deletedRegion"],
            serde_json::json!({"startLine": 3, "startColumn": 1, "endLine": 4, "endColumn": 5})
        );
        assert!(results[1].get("fixes").is_none(), "no fix, no fixes");
        // A rule the report does not describe is described from its diagnostic.
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"][0]["name"], d.name);
    }

    #[test]
    fn uris_for_relative_absolute_and_view_paths() {
        let report = Report::default();
        let uri = |p: &str| artifact(&report, p);
        assert_eq!(
            uri(".github/workflows/ci.yml").0.uri,
            ".github/workflows/ci.yml"
        );
        assert_eq!(uri("a b/c#d%e:f.mod").0.uri, "a%20b/c%23d%25e%3Af.mod");
        assert_eq!(uri("é/go.mod").0.uri, "%C3%A9/go.mod");
        let (abs, in_file) = uri("/home/u/.config/go/env");
        assert_eq!(
            (abs.uri.as_str(), abs.uri_base_id, in_file),
            ("file:///home/u/.config/go/env", None, true)
        );
        assert_eq!(
            uri(r"C:\Users\dev\AppData\Roaming\go\env").0.uri,
            "file:///C:/Users/dev/AppData/Roaming/go/env"
        );
        assert_eq!(uri(r"\\srv\share\go.mod").0.uri, "file://srv/share/go.mod");
        let (view, in_file) = uri("snap.json<process-env>");
        assert_eq!(
            (view.uri.as_str(), view.uri_base_id, in_file),
            ("snap.json%3Cprocess-env%3E", None, false)
        );
    }

    #[test]
    fn full_description_is_the_what_it_checks_section_cut_to_the_limit() {
        let mut rule = unknown_rule(&diagnostic("go.mod"));
        rule.summary = "Short".into();
        let docs = "## What it checks\nReports a\n  thing.\n\n## Why it matters\nBecause.";
        assert_eq!(full_description(&rule, docs), "Reports a thing.");
        assert_eq!(full_description(&rule, ""), "Short");
        let long = format!("## What it checks\n{}", "é".repeat(5000));
        let cut = full_description(&rule, &long);
        assert_eq!(cut.chars().count(), MAX_DESCRIPTION);
        assert!(cut.ends_with('…'));
    }
}
