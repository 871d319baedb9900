//! Baselines: the findings a project has accepted, so `check --baseline FILE` reports only
//! new ones (see docs/baseline.md).
//!
//! A finding's fingerprint is its rule id, its file, the text it points at (whitespace
//! collapsed, secrets redacted) and its rank among findings with the same three in that
//! file. No line or column takes part, so edits elsewhere in the file keep it; two
//! identical findings are two entries, so a third one is reported.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::fingerprint::{fnv1a, normalize};
use super::Diagnostic;
use crate::report::Source;
use crate::workspace::load::normalize as absolute;

/// The format version written and the only one read.
pub const VERSION: u64 = 1;

/// Texts longer than this are stored as a prefix and a hash of the whole.
const MAX_TEXT: usize = 120;

/// One accepted finding. Field order is the sort order: by file, then rule.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// `/`-separated, relative to the baseline file's folder when under it.
    pub path: String,
    pub rule: String,
    pub text: String,
    /// 1 for the first finding with this path, rule and text (in file order), 2 for the
    /// second, ...
    pub occurrence: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// Checked before the rest is read, to name a wrong version as such.
    #[serde(rename = "version")]
    _version: u64,
    tool: String,
    findings: Vec<Entry>,
}

/// A baseline: a set of entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: BTreeSet<Entry>,
}

/// What applying a baseline did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Findings left out because the baseline has them.
    pub hidden: usize,
    /// Entries for files checked in this run that matched no finding.
    pub stale: Vec<Entry>,
}

/// How display paths become baseline paths: relative to the baseline file's folder.
pub struct Paths {
    /// The folder display paths are relative to (the run's working folder).
    pub cwd: PathBuf,
    /// The baseline file's folder.
    pub dir: PathBuf,
}

impl Paths {
    /// For a baseline at `file`, in a run started in `cwd`. Both are made absolute and
    /// canonical where they exist, so symlinked folders (`/tmp` on macOS) still match.
    pub fn new(file: &Path, cwd: &Path) -> Paths {
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| absolute(p));
        let cwd = canonical(cwd);
        let parent = file.parent().filter(|p| !p.as_os_str().is_empty());
        let dir = canonical(&cwd.join(parent.unwrap_or(Path::new("."))));
        Paths { cwd, dir }
    }

    /// A display path as the baseline stores it. Views that are not files
    /// (`<machine>`, `<process-env>`) keep their names.
    pub fn of(&self, display: &str, sources: &BTreeMap<String, Source>) -> String {
        let view = sources.get(display).is_some_and(Source::is_view);
        if view {
            return display.to_owned();
        }
        let full = absolute(&self.cwd.join(display));
        match full.strip_prefix(&self.dir) {
            Ok(inside) => inside.to_string_lossy().replace('\\', "/"),
            Err(_) => display.replace('\\', "/"),
        }
    }
}

/// The entry of each diagnostic, in the order given (the sorted order, so occurrences
/// count in file order). `text_of` gives the text a diagnostic flags, `path_of` the
/// baseline path of a display path.
pub fn entries<'a>(
    diagnostics: &'a [Diagnostic],
    text_of: impl Fn(&'a Diagnostic) -> &'a str,
    path_of: impl Fn(&str) -> String,
) -> Vec<Entry> {
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let key = (path_of(&d.path), d.id.clone(), node_text(text_of(d)));
            let count = seen.entry(key.clone()).or_default();
            *count += 1;
            Entry {
                path: key.0,
                rule: key.1,
                text: key.2,
                occurrence: *count,
            }
        })
        .collect()
}

/// The flagged text as an entry holds it: whitespace runs collapsed as fingerprints do,
/// secrets redacted (the file is committed), long texts cut and ended with a hash of the
/// whole.
pub fn node_text(raw: &str) -> String {
    use crate::facts::snapshot::{redact_tokens, redact_urls, script_secret_values};
    let mut text = normalize(raw);
    for range in script_secret_values(&text).into_iter().rev() {
        text.replace_range(range, "REDACTED");
    }
    let text = redact_tokens(&redact_urls(&text));
    if text.chars().count() <= MAX_TEXT {
        return text;
    }
    let prefix: String = text.chars().take(MAX_TEXT - 20).collect();
    format!("{prefix}… #{:016x}", fnv1a(text.as_bytes()))
}

impl Baseline {
    pub fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Baseline {
        Baseline {
            entries: entries.into_iter().collect(),
        }
    }

    /// Read a baseline; the error says what is wrong (the caller names the file).
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(VERSION) => {}
            Some(other) => {
                return Err(format!(
                    "baseline version {other} is not supported (this gopolicy reads version {VERSION}); write it again with --write-baseline"
                ))
            }
            None => return Err("not a gopolicy baseline: no \"version\" number".into()),
        }
        let file: File =
            serde_json::from_value(value).map_err(|e| format!("not a gopolicy baseline: {e}"))?;
        if file.tool != "gopolicy" {
            return Err(format!("a baseline of {:?}, not of gopolicy", file.tool));
        }
        if file.findings.iter().any(|e| e.occurrence == 0) {
            return Err("an entry has occurrence 0 (occurrences count from 1)".into());
        }
        let count = file.findings.len();
        let baseline = Baseline::from_entries(file.findings);
        if baseline.entries.len() != count {
            return Err("the same finding is listed twice (occurrences must differ)".into());
        }
        Ok(baseline)
    }

    /// The file's text: one finding per line, sorted, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut out = format!("{{\n  \"version\": {VERSION},\n  \"tool\": \"gopolicy\",\n");
        if self.entries.is_empty() {
            out.push_str("  \"findings\": []\n}\n");
            return out;
        }
        out.push_str("  \"findings\": [\n");
        let lines: Vec<String> = self
            .entries
            .iter()
            .map(|e| {
                format!(
                    "    {}",
                    serde_json::to_string(e).expect("entries serialize")
                )
            })
            .collect();
        out.push_str(&lines.join(",\n"));
        out.push_str("\n  ]\n}\n");
        out
    }

    /// Drop the diagnostics the baseline has. `checked` are the baseline paths of the
    /// files this run read: only their entries can be stale (a run over some files says
    /// nothing about the others).
    pub fn apply(
        &self,
        diagnostics: &mut Vec<Diagnostic>,
        prints: &[Entry],
        checked: &BTreeSet<String>,
    ) -> Outcome {
        let found: BTreeSet<&Entry> = prints.iter().collect();
        let before = diagnostics.len();
        let mut prints = prints.iter();
        diagnostics.retain(|_| !prints.next().is_some_and(|p| self.entries.contains(p)));
        let stale = self
            .entries
            .iter()
            .filter(|e| checked.contains(&e.path) && !found.contains(e))
            .cloned()
            .collect();
        Outcome {
            hidden: before - diagnostics.len(),
            stale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, Encoding, SourceText, Span, Target};
    use crate::rule::schema::Severity;
    use std::sync::Arc;

    fn entry(path: &str, rule: &str, text: &str, occurrence: usize) -> Entry {
        Entry {
            path: path.into(),
            rule: rule.into(),
            text: text.into(),
            occurrence,
        }
    }

    fn document(path: &str, text: &str) -> Arc<Document> {
        let doc = crate::source::parse(
            SourceText::new(path, text.into(), Encoding::Utf8),
            Target::GoMod,
        );
        Arc::new(doc)
    }

    /// A diagnostic of `rule` on the first `needle` at or after byte `from`.
    fn at(doc: &Document, rule: &str, needle: &str, from: usize) -> Diagnostic {
        let start = from + doc.source.text[from..].find(needle).unwrap();
        let span = Span::new(start, start + needle.len());
        Diagnostic::at(&doc.source, span, rule, "r", Severity::Error, "m".into())
    }

    #[test]
    fn text_is_whitespace_normalized_redacted_and_bounded() {
        assert_eq!(node_text("  replace a =>\n\t  b  "), "replace a => b");
        assert_eq!(
            node_text("GOPROXY=https://ci:s3cret@proxy.example.com,direct"),
            "GOPROXY=https://REDACTED@proxy.example.com,direct"
        );
        assert_eq!(
            node_text("export GITHUB_TOKEN=abcdefgh12345"),
            "export GITHUB_TOKEN=REDACTED"
        );
        let long = "x ".repeat(200);
        let cut = node_text(&long);
        assert!(cut.chars().count() < 125, "{cut}");
        assert!(cut.ends_with(&format!("#{:016x}", fnv1a(normalize(&long).as_bytes()))));
        assert_ne!(cut, node_text(&"y ".repeat(200)));
    }

    #[test]
    fn equal_findings_are_counted_in_file_order() {
        let doc = document(
            "go.mod",
            "module m\n\ngo 1.20\nrequire (\n\ta v1.0.0\n\ta v1.0.0\n)\n",
        );
        let first = at(&doc, "R1", "a v1.0.0", 0);
        let second = at(&doc, "R1", "a v1.0.0", first.span.end);
        let prints = entries(&[first, second], |d| doc.raw(d.span), |p| p.to_owned());
        assert_eq!(
            prints,
            [
                entry("go.mod", "R1", "a v1.0.0", 1),
                entry("go.mod", "R1", "a v1.0.0", 2)
            ]
        );
    }

    #[test]
    fn applying_hides_known_findings_and_counts_stale_entries_of_checked_files() {
        let doc = document("go.mod", "module m\n\ngo 1.20\n");
        let mut diagnostics = vec![at(&doc, "R1", "go 1.20", 0), at(&doc, "R2", "module m", 0)];
        let prints = entries(&diagnostics, |d| doc.raw(d.span), |p| p.to_owned());
        let baseline = Baseline::from_entries([
            entry("go.mod", "R1", "go 1.20", 1),
            entry("go.mod", "R3", "gone", 1),
            entry("other/go.mod", "R1", "go 1.19", 1),
        ]);
        let checked = BTreeSet::from(["go.mod".to_owned()]);
        let outcome = baseline.apply(&mut diagnostics, &prints, &checked);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].id, "R2");
        assert_eq!(outcome.hidden, 1);
        assert_eq!(outcome.stale, [entry("go.mod", "R3", "gone", 1)]);
    }

    #[test]
    fn the_file_is_sorted_one_finding_a_line_and_reads_back() {
        let baseline = Baseline::from_entries([
            entry("b/go.mod", "MOD001", "go 1.20", 1),
            entry("a/go.mod", "MOD002", "say \"hi\"", 2),
            entry("a/go.mod", "MOD002", "say \"hi\"", 1),
        ]);
        let text = baseline.to_json();
        assert_eq!(
            text,
            r#"{
  "version": 1,
  "tool": "gopolicy",
  "findings": [
    {"path":"a/go.mod","rule":"MOD002","text":"say \"hi\"","occurrence":1},
    {"path":"a/go.mod","rule":"MOD002","text":"say \"hi\"","occurrence":2},
    {"path":"b/go.mod","rule":"MOD001","text":"go 1.20","occurrence":1}
  ]
}
"#
        );
        assert_eq!(Baseline::parse(&text).unwrap(), baseline);
        let empty = Baseline::default().to_json();
        assert_eq!(Baseline::parse(&empty).unwrap(), Baseline::default());
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let cases = [
            ("", "not valid JSON"),
            ("[]", "no \"version\""),
            (
                r#"{"version": 2, "tool": "gopolicy", "findings": []}"#,
                "version 2 is not supported",
            ),
            (r#"{"version": 1, "findings": []}"#, "missing field `tool`"),
            (
                r#"{"version": 1, "tool": "gopolicy", "findings": [{"path": "go.mod"}]}"#,
                "missing field `rule`",
            ),
            (
                r#"{"version": 1, "tool": "gopolicy", "findings": [{"path":"p","rule":"R","text":"t","occurrence":1,"line":3}]}"#,
                "unknown field `line`",
            ),
            (
                r#"{"version": 1, "tool": "gopolicy", "findings": [{"path":"p","rule":"R","text":"t","occurrence":1},{"path":"p","rule":"R","text":"t","occurrence":1}]}"#,
                "listed twice",
            ),
            (
                r#"{"version": 1, "tool": "gopolicy", "findings": [{"path":"p","rule":"R","text":"t","occurrence":0}]}"#,
                "occurrences count from 1",
            ),
        ];
        for (text, expected) in cases {
            let error = Baseline::parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn paths_are_relative_to_the_baseline_folder() {
        let paths = Paths {
            cwd: PathBuf::from("/repo/sub"),
            dir: PathBuf::from("/repo"),
        };
        let machine = Source {
            target: Target::Machine,
            text: None,
        };
        let sources = BTreeMap::from([("<machine>".to_owned(), machine)]);
        assert_eq!(paths.of("go.mod", &sources), "sub/go.mod");
        assert_eq!(paths.of("../go.mod", &sources), "go.mod");
        assert_eq!(paths.of("/elsewhere/go.mod", &sources), "/elsewhere/go.mod");
        assert_eq!(paths.of("<machine>", &sources), "<machine>");
    }
}
