//! `gopolicy test-rules`: run each rule's `[[test]]` cases through the whole pipeline.
//!
//! A case's files are written to a fresh temporary folder, discovered, parsed and
//! checked with only the rule under test enabled (and the engine's own rules, so a
//! syntax error in a case shows). Expected and reported diagnostics are matched without
//! regard to order.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::config::{Config, Origin, Selector};
use crate::diag::Diagnostic;
use crate::error::Error;
use crate::fix;
use crate::lint::{Overrides, RuleSet};
use crate::rule::schema::{Expectation, RuleTarget, TestSpec};
use crate::rule::RuleSource;
use crate::workspace;

/// The outcome of one case.
#[derive(Debug)]
pub struct CaseResult {
    pub rule_id: String,
    pub rule_path: String,
    /// 1-based index of the case in the rule file.
    pub case: usize,
    pub failure: Option<String>,
}

/// Run every case of every rule in `sources`; `core` are the engine's own rules.
pub fn run(sources: &[RuleSource], core: &[RuleSource]) -> Result<Vec<CaseResult>, Error> {
    let mut results = Vec::new();
    for source in sources {
        for (i, case) in source.tests().enumerate() {
            let failure = run_case(source, case, core)?;
            results.push(CaseResult {
                rule_id: source.id().to_owned(),
                rule_path: source.path.clone(),
                case: i + 1,
                failure,
            });
        }
    }
    Ok(results)
}

fn run_case(
    source: &RuleSource,
    case: &TestSpec,
    core: &[RuleSource],
) -> Result<Option<String>, Error> {
    let dir = tempfile::tempdir().map_err(|e| Error::Io {
        path: "temporary folder".into(),
        source: e,
    })?;
    let root = dir
        .path()
        .canonicalize()
        .unwrap_or_else(|_| dir.path().to_path_buf());
    let facts = match &case.facts {
        Some(table) => match facts_of(table) {
            Ok(facts) => Some(facts),
            Err(message) => return Ok(Some(format!("bad `facts`: {message}"))),
        },
        None => None,
    };
    let files: BTreeMap<String, String> = match (&case.text, source.spec.target) {
        (Some(text), RuleTarget::File(target)) => {
            BTreeMap::from([(target.example_file().to_owned(), text.clone())])
        }
        (Some(text), RuleTarget::Any | RuleTarget::Env) => {
            BTreeMap::from([("go.mod".to_owned(), text.clone())])
        }
        (None, _) => case.files.clone(),
    };
    for (name, text) in &files {
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(&path, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    }

    let mut config = match &case.config {
        Some(text) => Config::parse(&root.join("gopolicy.toml"), text)?,
        None => Config::defaults(root.clone()),
    };
    if !case.params.is_empty() {
        let values = case
            .params
            .iter()
            .map(|(k, v)| (k.clone(), (v.clone(), Origin::CommandLine)))
            .collect();
        let selector = Selector {
            text: source.id().to_owned(),
            origin: Origin::CommandLine,
        };
        config.params.push((selector, values));
    }
    let mut sources: Vec<&RuleSource> = core.iter().filter(|c| c.id() != source.id()).collect();
    sources.push(source);
    sources.sort_by(|a, b| a.id().cmp(b.id()));
    let mut rules = RuleSet::from_sources(&sources, &config, &Overrides::default())?;
    let id = source.id().to_owned();
    rules.restrict(|r| r.id == id);

    let discovered = workspace::discover(std::slice::from_ref(&root), &config, &root);
    let machine: Vec<std::sync::Arc<crate::document::Document>> = facts
        .iter()
        .flat_map(|f| crate::facts::documents::documents(f, ""))
        .map(std::sync::Arc::new)
        .collect();
    let repo = workspace::Repo::new(&root);
    let check = |overlay: &workspace::Overlay| {
        let loaded = workspace::load_with(&discovered.files, config.max_file_size, &root, overlay);
        let mut all = loaded.documents.clone();
        all.extend(machine.iter().cloned());
        fix::Round {
            diagnostics: rules.lint(&all, &loaded.problems, &discovered.errors, &repo),
            files: loaded
                .documents
                .iter()
                .map(|d| fix::CheckedFile::of(d))
                .collect(),
        }
    };
    let got = check(&workspace::Overlay::default()).diagnostics;
    if let Some(failure) = compare(&case.expect, got) {
        return Ok(Some(failure));
    }
    let mut expected_files = case.fixed_files.clone();
    if let (Some(fixed), Some(name)) = (&case.fixed, files.keys().next()) {
        expected_files.insert(name.clone(), fixed.clone());
    }
    if expected_files.is_empty() {
        return Ok(None);
    }
    // Fix in memory (nothing is written) and compare every file with what it must read.
    let outcome = fix::run(&root, fix::Wanted::SafeAndUnsafe, check);
    let mut failures = Vec::new();
    for (name, original) in &files {
        let got = outcome
            .files
            .iter()
            .find(|f| f.display == *name)
            .map_or(original, |f| &f.fixed);
        let want = expected_files.get(name).unwrap_or(original);
        if got != want {
            failures.push(format!("{name} after fixes:\n{got:?}\nexpected:\n{want:?}"));
        }
    }
    if let Some(name) = expected_files.keys().find(|n| !files.contains_key(*n)) {
        failures.push(format!(
            "`fixed_files` names {name}, which the case does not have"
        ));
    }
    if !outcome.converged {
        failures.push("the fixes did not settle".to_owned());
    }
    Ok((!failures.is_empty()).then(|| failures.join("\n")))
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// `None` when every expectation met exactly one diagnostic and nothing else was reported.
fn compare(expected: &[Expectation], got: Vec<Diagnostic>) -> Option<String> {
    let mut unmatched: Vec<Option<&Diagnostic>> = got.iter().map(Some).collect();
    let mut missing = Vec::new();
    for expectation in expected {
        let found = unmatched
            .iter_mut()
            .find(|slot| slot.is_some_and(|d| meets(expectation, d)));
        match found {
            Some(slot) => *slot = None,
            None => missing.push(describe(expectation)),
        }
    }
    let extra: Vec<String> = unmatched
        .into_iter()
        .flatten()
        .map(|d| format!("{}:{}: {} {}", d.path, d.start.line, d.id, d.message))
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let list = |items: &[String]| {
        if items.is_empty() {
            "  (nothing)".to_owned()
        } else {
            items
                .iter()
                .map(|s| format!("  {s}"))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    let reported: Vec<String> = got
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {} {}",
                d.path, d.start.line, d.start.column, d.id, d.message
            )
        })
        .collect();
    Some(format!(
        "expected but not reported:\n{}\nreported but not expected:\n{}\nall reported:\n{}",
        list(&missing),
        list(&extra),
        list(&reported)
    ))
}

fn meets(expectation: &Expectation, d: &Diagnostic) -> bool {
    match expectation {
        Expectation::Id(id) => d.id == *id,
        Expectation::Detailed(e) => {
            e.id == d.id
                && e.file.as_ref().is_none_or(|f| *f == d.path)
                && e.line.is_none_or(|l| l == d.start.line)
                && e.message
                    .as_ref()
                    .is_none_or(|m| d.message.contains(m.as_str()))
                && e.command.as_ref().is_none_or(|c| {
                    d.fix
                        .iter()
                        .flat_map(|f| f.commands.values())
                        .any(|command| command.contains(c.as_str()))
                })
        }
    }
}

fn describe(expectation: &Expectation) -> String {
    match expectation {
        Expectation::Id(id) => id.clone(),
        Expectation::Detailed(e) => {
            let mut s = e.id.clone();
            if let Some(f) = &e.file {
                s += &format!(" in {f}");
            }
            if let Some(l) = e.line {
                s += &format!(" at line {l}");
            }
            if let Some(m) = &e.message {
                s += &format!(" with message containing {m:?}");
            }
            if let Some(c) = &e.command {
                s += &format!(" with a fix command containing {c:?}");
            }
            s
        }
    }
}

/// A case's `facts` table read as a snapshot would be (redacted like one).
fn facts_of(table: &toml::Table) -> Result<crate::facts::Facts, String> {
    let mut table = table.clone();
    table
        .entry("snapshot_version")
        .or_insert(toml::Value::Integer(crate::facts::SNAPSHOT_VERSION as i64));
    let facts: crate::facts::Facts = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| e.message().to_owned())?;
    Ok(crate::facts::snapshot::redact(facts))
}
