//! The whole CLI over real CI files: `shared/corpus/workflows` (GitHub's starter
//! workflows and actionlint's test data, much of it broken on purpose),
//! `shared/corpus/azure` and `shared/corpus/gitlab`, each checked with `--as KIND` and
//! `--format json`.
//!
//! For every folder: the process exits 0 or 1 (never 2, never a signal), stdout is a
//! report that validates against the schema, `summary.files` is the number of YAML
//! files, and every diagnostic lies in one of them at line and column 1 or more. The
//! starter workflows are valid YAML and only draw the findings a review found right;
//! on actionlint's data, SYS001 is reported exactly for the files the YAML loader
//! rejects, with all of the loader's errors, and no other rule runs on those files.

mod common;

use common::{corpus, yaml_files};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use gopolicy::document::{decode, SourceText, Target};
use gopolicy::source::yaml;

/// One diagnostic of a report: (rule id, path, line, column).
#[derive(Debug)]
struct Diag {
    code: String,
    path: PathBuf,
    line: u64,
    column: u64,
}

/// `gopolicy check --as KIND DIR --format json`, with every check common to all folders
/// made; the diagnostics.
fn check(kind: &str, dir: &Path) -> Vec<Diag> {
    let out = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
        .args(["check", "--as", kind])
        .arg(dir)
        .args(["--format", "json"])
        .env_remove("NO_COLOR")
        .output()
        .expect("gopolicy runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "--as {kind} {}: exit {:?} (signal if None)\nstderr:\n{stderr}",
        dir.display(),
        code
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "--as {kind} {}: stdout is not JSON ({e})\nstderr:\n{stderr}",
            dir.display()
        )
    });
    common::assert_valid_report(&report);

    let files = yaml_files(dir);
    assert!(!files.is_empty(), "no YAML files in {}", dir.display());
    assert_eq!(
        report["summary"]["files"].as_u64(),
        Some(files.len() as u64),
        "--as {kind} {}: summary.files",
        dir.display()
    );

    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let mut found = Vec::new();
    for d in diagnostics {
        let path = PathBuf::from(d["path"].as_str().expect("a path"));
        assert!(
            path.starts_with(dir)
                && !path.components().any(|c| c == Component::ParentDir)
                && files.binary_search(&path).is_ok(),
            "a diagnostic outside the YAML files of {}: {d}",
            dir.display()
        );
        for end in ["start", "end"] {
            for field in ["line", "column"] {
                let n = d[end][field].as_u64().unwrap_or(0);
                assert!(n >= 1, "{end}.{field} is {n}: {d}");
            }
        }
        found.push(Diag {
            code: d["code"].as_str().expect("a code").to_owned(),
            line: d["start"]["line"].as_u64().unwrap(),
            column: d["start"]["column"].as_u64().unwrap(),
            path,
        });
    }
    // A non-zero exit means findings at or above error (the default --fail-on).
    let errors = report["summary"]["errors"].as_u64().unwrap();
    assert_eq!(
        code == Some(1),
        errors > 0,
        "exit {code:?} with {errors} errors"
    );
    found
}

fn codes(diags: &[Diag]) -> BTreeSet<&str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn starter_workflows() {
    let Some(dir) = corpus("workflows/starter") else {
        return;
    };
    let diags = check("github-workflow", &dir);
    let syntax: Vec<_> = diags.iter().filter(|d| d.code == "SYS001").collect();
    assert!(
        syntax.is_empty(),
        "syntax errors in valid YAML: {syntax:#?}"
    );
    // Reviewed: the starter workflows use actions/checkout@v4 and actions/setup-go@v4,
    // both built for retired Node runtimes. Any other id needs a review before it is
    // added here.
    assert_eq!(codes(&diags), BTreeSet::from(["GHA006"]), "{diags:#?}");
}

#[test]
fn actionlint_testdata() {
    let Some(dir) = corpus("workflows/actionlint") else {
        return;
    };
    let diags = check("github-workflow", &dir);

    // What the YAML loader says of each file, read as `--as github-workflow` reads it:
    // path -> the start (line, column) of each syntax error.
    let mut expected: BTreeMap<PathBuf, Vec<(u64, u64)>> = BTreeMap::new();
    for path in yaml_files(&dir) {
        let bytes = std::fs::read(&path).unwrap();
        let (text, encoding) = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc = yaml::parse(
            SourceText::new(path.display().to_string(), text, encoding),
            Target::GithubWorkflow,
        );
        if doc.errors.is_empty() {
            continue;
        }
        let mut starts: Vec<(u64, u64)> = doc
            .errors
            .iter()
            .map(|e| {
                let pos = doc.source.position(e.span.start);
                (pos.line as u64, pos.column as u64)
            })
            .collect();
        starts.sort();
        expected.insert(path, starts);
    }
    let mut got: BTreeMap<PathBuf, Vec<(u64, u64)>> = BTreeMap::new();
    for d in diags.iter().filter(|d| d.code == "SYS001") {
        got.entry(d.path.clone())
            .or_default()
            .push((d.line, d.column));
    }
    for starts in got.values_mut() {
        starts.sort();
    }
    // Much of actionlint's data is broken YAML on purpose (tests/yaml_corpus.rs lists
    // the files); a handful is plenty to make the comparison meaningful.
    assert!(
        expected.len() >= 5,
        "only {} files the loader rejects",
        expected.len()
    );
    assert_eq!(got, expected, "SYS001 against the YAML loader");
    let total: usize = expected.values().map(Vec::len).sum();
    assert_eq!(
        diags.iter().filter(|d| d.code == "SYS001").count(),
        total,
        "one SYS001 per loader error"
    );
    // Only broken files: `err/`, `examples/` (with their expected errors) or named so.
    for path in expected.keys() {
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy();
        assert!(
            rel.starts_with("err/") || rel.starts_with("examples/") || rel.contains("broken"),
            "a file actionlint expects to be valid YAML is rejected: {rel}"
        );
    }
    // Rules do not run on a file with a syntax error.
    let others: Vec<_> = diags
        .iter()
        .filter(|d| d.code != "SYS001" && expected.contains_key(&d.path))
        .collect();
    assert!(others.is_empty(), "rules ran on broken files: {others:#?}");
}

#[test]
fn azure_pipelines() {
    let Some(dir) = corpus("azure") else {
        return;
    };
    let diags = check("azure-pipelines", &dir);
    assert!(!codes(&diags).contains("SYS001"), "{diags:#?}");
}

#[test]
fn gitlab_ci_files() {
    let Some(dir) = corpus("gitlab") else {
        return;
    };
    let diags = check("gitlab-ci", &dir);
    assert!(!codes(&diags).contains("SYS001"), "{diags:#?}");
}
