//! The rule registry: the built-in rules embedded from rules/, plus user rule packs.

use std::collections::BTreeMap;
use std::path::Path;

use super::embedded::Value;
use super::RuleSource;
use crate::error::{Error, SourceError};

/// A built-in rule as build.rs embeds it.
pub struct BuiltinRule {
    /// The path under the crate, `rules/...`.
    pub path: &'static str,
    /// The rule file, whole.
    pub text: &'static str,
    /// The rule without its docs and tests (`None` if the file did not parse).
    pub form: Option<&'static Value>,
    pub id: &'static str,
    pub name: &'static str,
    /// As written (empty if the file did not parse): what a report says of a rule
    /// that is not compiled yet (see `lint::RuleSet`).
    pub severity: &'static str,
    pub summary: &'static str,
    /// The target and any also_targets, comma-separated.
    pub targets: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Parse every built-in rule file, whole. Built-ins are tested to parse, so an error
/// here is a bug in the build, reported like any other rule error.
pub fn builtin() -> Result<Vec<RuleSource>, SourceError> {
    BUILTIN_RULES
        .iter()
        .map(|rule| RuleSource::parse(rule.path, rule.text, true))
        .collect()
}

/// The `docs` text of the built-in rule `id` (check loads the rules without it).
pub fn builtin_docs(id: &str) -> Option<String> {
    let rule = BUILTIN_RULES.iter().find(|rule| rule.id == id)?;
    RuleSource::parse(rule.path, rule.text, true)
        .ok()
        .map(|source| source.spec.docs)
}

/// (id, name) of a rule.
pub type RuleKey = (&'static str, &'static str);

/// What a run does with a built-in rule.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Read and compile it now.
    Load,
    /// Keep it to compile when first needed.
    Defer,
    /// Leave it out: only its (id, name) are known.
    Skip,
}

/// The built-in rules split as `wanted` says (see [`builtin_for_checking`]).
#[derive(Default)]
pub struct ForChecking {
    /// To read (without their docs and test cases: what checking needs, from the form
    /// build.rs embeds, see [`BuiltinRule::source`]) and compile now.
    pub loaded: Vec<&'static BuiltinRule>,
    pub deferred: Vec<&'static BuiltinRule>,
    /// (id, name) of the rules left out, so selectors naming them are still known.
    pub skipped: Vec<RuleKey>,
}

/// The built-in rules split as `wanted` says.
pub fn builtin_for_checking(wanted: &dyn Fn(&BuiltinRule) -> Wanted) -> ForChecking {
    let mut split = ForChecking::default();
    for rule in BUILTIN_RULES {
        match wanted(rule) {
            Wanted::Load => split.loaded.push(rule),
            Wanted::Defer => split.deferred.push(rule),
            Wanted::Skip => split.skipped.push((rule.id, rule.name)),
        }
    }
    split
}

impl BuiltinRule {
    /// The rule as `check` reads it (see [`builtin_for_checking`]).
    pub fn source(&self) -> Result<RuleSource, SourceError> {
        RuleSource::from_builtin(self.path, self.text, self.form)
    }
}

/// Parse every `*.toml` file under a rule pack folder, sorted by path.
pub fn load_pack(dir: &Path) -> Result<Vec<RuleSource>, Error> {
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| Error::Io {
            path: dir.display().to_string(),
            source: e.into(),
        })?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "toml") {
            paths.push(entry.into_path());
        }
    }
    if paths.is_empty() {
        return Err(Error::Usage(format!(
            "rule pack {}: no *.toml rule files found",
            dir.display()
        )));
    }
    paths
        .iter()
        .map(|path| {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: shown.clone(),
                source,
            })?;
            Ok(RuleSource::parse(&shown, &text, false)?)
        })
        .collect()
}

/// Check that no two rules share an id or a name, counting the built-ins `builtin`
/// (tested to be unique among themselves); the error points at the later one.
pub fn check_unique(sources: &[RuleSource], builtin: &[&BuiltinRule]) -> Result<(), SourceError> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for rule in builtin {
        seen.insert(rule.id, rule.path);
        seen.insert(rule.name, rule.path);
    }
    for source in sources {
        for (key, span) in [
            (source.id(), source.spec.id.span()),
            (source.name(), source.spec.name.span()),
        ] {
            if let Some(first) = seen.insert(key, &source.path) {
                return Err(SourceError::new(
                    &source.path,
                    &std::sync::Arc::from(&*source.text),
                    Some(span),
                    format!("`{key}` is already used by {first}"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The form `check` reads is the rule file minus its docs and tests: every built-in
    /// reads the same both ways, but for the spans only TOML has.
    #[test]
    fn builtin_form_is_the_rule_without_docs_and_tests() {
        let spans = regex::Regex::new(r"span: \d+\.\.\d+").unwrap();
        let shape = |source: &RuleSource| {
            spans
                .replace_all(&format!("{:?}", source.spec), "")
                .into_owned()
        };
        let split = builtin_for_checking(&|_| Wanted::Load);
        let checking: Vec<RuleSource> = split.loaded.iter().map(|r| r.source().unwrap()).collect();
        assert!(split.skipped.is_empty() && split.deferred.is_empty());
        assert_eq!(checking.len(), BUILTIN_RULES.len());
        for (embedded, rule) in checking.iter().zip(BUILTIN_RULES) {
            let (path, mut whole) = (
                rule.path,
                RuleSource::parse(rule.path, rule.text, true).unwrap(),
            );
            assert!(!whole.spec.docs.is_empty(), "{path}");
            whole.spec.docs.clear();
            whole.spec.test.clear();
            assert!(rule.form.is_some(), "{path}");
            assert_eq!(shape(embedded), shape(&whole), "{path}");
            assert!(embedded.spec.id.span().is_empty(), "{path}");
        }
    }
}
