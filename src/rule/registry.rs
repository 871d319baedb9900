//! The rule registry: the built-in rules embedded from rules/, plus user rule packs.

use std::collections::BTreeMap;
use std::path::Path;

use super::RuleSource;
use crate::error::{Error, SourceError};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Parse every built-in rule file, whole. Built-ins are tested to parse, so an error
/// here is a bug in the build, reported like any other rule error.
pub fn builtin() -> Result<Vec<RuleSource>, SourceError> {
    BUILTIN_RULES
        .iter()
        .map(|(path, text, ..)| RuleSource::parse(path, text, true))
        .collect()
}

/// The `docs` text of the built-in rule `id` (check loads the rules without it).
pub fn builtin_docs(id: &str) -> Option<String> {
    let (path, text, ..) = BUILTIN_RULES.iter().find(|entry| entry.3 == id)?;
    RuleSource::parse(path, text, true)
        .ok()
        .map(|source| source.spec.docs)
}

/// (id, name) of a rule.
pub type RuleKey = (&'static str, &'static str);

/// The built-in rules whose target `wanted` accepts, without their docs and test cases:
/// what checking needs, and a quarter of the text to parse. Also the (id, name) of the
/// built-ins left out, so selectors naming them are still known.
pub fn builtin_for_checking(
    wanted: &dyn Fn(&str) -> bool,
) -> Result<(Vec<RuleSource>, Vec<RuleKey>), SourceError> {
    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    for (path, _, runtime, id, name, target) in BUILTIN_RULES {
        if wanted(target) {
            sources.push(RuleSource::parse(path, runtime, true)?);
        } else {
            skipped.push((*id, *name));
        }
    }
    Ok((sources, skipped))
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

/// Check that no two rules share an id or a name; the error points at the later one.
pub fn check_unique(sources: &[RuleSource]) -> Result<(), SourceError> {
    let mut seen: BTreeMap<&str, &RuleSource> = BTreeMap::new();
    for source in sources {
        for (key, span) in [
            (source.id(), source.spec.id.span()),
            (source.name(), source.spec.name.span()),
        ] {
            if let Some(first) = seen.insert(key, source) {
                return Err(SourceError::new(
                    &source.path,
                    &source.text,
                    Some(span),
                    format!("`{key}` is already used by {}", first.path),
                ));
            }
        }
    }
    Ok(())
}
