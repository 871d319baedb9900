//! `check --fix` and `--diff`: apply the findings' edits in rounds, re-checking in
//! between, until nothing fixable is left.
//!
//! Each round checks the files (with the texts fixed so far standing in for them, see
//! `workspace::Overlay`), takes every wanted fix whose edits do not clash with another's,
//! and applies them. A fix that would give a file a syntax error it did not have is
//! undone and not tried again. Nothing is written until the rounds are over; then each
//! changed file is written atomically in its own encoding (`write.rs`), or shown as a diff.

mod apply;
pub mod write;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::document::{Document, Encoding, SourceText};
use crate::rule::schema::Applicability;
use crate::workspace::Overlay;

/// At most this many rounds: fixes that keep producing fixable findings stop here.
pub const MAX_ROUNDS: usize = 10;

/// Which fixes to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    Safe,
    SafeAndUnsafe,
}

impl Wanted {
    fn takes(self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self == Wanted::SafeAndUnsafe,
            Applicability::DisplayOnly => false,
        }
    }
}

/// What one round of checking found, and the files fixes may edit: those under the
/// checked paths (not the machine's, nor templates or includes followed to elsewhere)
/// that have findings or syntax errors; the others need no fix.
pub struct Round {
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<CheckedFile>,
}

/// A file as a round checked it.
pub struct CheckedFile {
    pub source: Arc<SourceText>,
    pub syntax_errors: bool,
}

impl CheckedFile {
    pub fn of(doc: &Document) -> CheckedFile {
        CheckedFile {
            source: Arc::new(doc.source.clone()),
            syntax_errors: !doc.errors.is_empty(),
        }
    }
}

/// A file the fixes changed.
pub struct FixedFile {
    pub path: PathBuf,
    /// As shown in diagnostics.
    pub display: String,
    pub encoding: Encoding,
    /// The bytes read before any fix: the file is written only if it still holds them.
    pub original_bytes: Vec<u8>,
    pub original: String,
    pub fixed: String,
}

/// A fix that was applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub path: String,
    pub id: String,
    pub title: String,
}

pub struct Outcome {
    /// The findings left after the last round (on the fixed texts).
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<FixedFile>,
    pub applied: Vec<Applied>,
    /// False when the rounds ran out with fixable findings left.
    pub converged: bool,
    /// Files that changed on disk during the run, or could not be read back.
    pub skipped: Vec<String>,
    /// Fixes undone because they gave a file a syntax error: (path, rule id).
    pub broke_syntax: Vec<(String, String)>,
}

/// Fix in rounds; `check` runs the whole check with the overlay's texts.
pub fn run(base: &Path, wanted: Wanted, check: impl FnMut(&Overlay) -> Round) -> Outcome {
    run_on(base, wanted, Overlay::default(), check)
}

/// `run`, starting from texts that stand in for files (an editor's buffers): a file the
/// overlay holds is fixed from its text there, not from the disk.
pub fn run_on(
    base: &Path,
    wanted: Wanted,
    start: Overlay,
    mut check: impl FnMut(&Overlay) -> Round,
) -> Outcome {
    let mut overlay = start;
    let mut files: BTreeMap<String, FixedFile> = BTreeMap::new();
    let mut applied: Vec<Applied> = Vec::new();
    // Fixes undone because they broke a file's syntax: (path, rule id).
    let mut refused: HashSet<(String, String)> = HashSet::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut broke_syntax: BTreeSet<(String, String)> = BTreeSet::new();
    // Per file changed in the last round: its text before, and its entries in `applied`.
    let mut last_round: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    let mut rounds = 0;
    loop {
        let round = check(&overlay);
        let documents: BTreeMap<&str, &CheckedFile> = round
            .files
            .iter()
            .map(|f| (f.source.path.as_str(), f))
            .collect();
        // Undo what broke a file's syntax, and never try those fixes there again (rules
        // do not run on a file with a syntax error, so a fixed file had none). Each undo
        // refuses a fix for good, so this cannot go on forever.
        let mut undone: HashSet<usize> = HashSet::new();
        for (display, (before, entries)) in std::mem::take(&mut last_round) {
            if documents
                .get(display.as_str())
                .is_some_and(|f| f.syntax_errors)
            {
                let file = files.get_mut(&display).expect("a changed file is recorded");
                overlay.insert(&file.path, before.clone(), file.encoding);
                file.fixed = before;
                for &i in &entries {
                    refused.insert((display.clone(), applied[i].id.clone()));
                    broke_syntax.insert((display.clone(), applied[i].id.clone()));
                }
                undone.extend(entries);
            }
        }
        if !undone.is_empty() {
            applied = std::mem::take(&mut applied)
                .into_iter()
                .enumerate()
                .filter_map(|(i, a)| (!undone.contains(&i)).then_some(a))
                .collect();
            continue;
        }
        let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in &round.diagnostics {
            let wanted_fix = d
                .fix
                .as_ref()
                .is_some_and(|f| wanted.takes(f.applicability) && !f.edits.is_empty());
            if wanted_fix
                && documents.contains_key(d.path.as_str())
                && !refused.contains(&(d.path.clone(), d.id.clone()))
            {
                by_file.entry(&d.path).or_default().push(d);
            }
        }
        // Done, or out of rounds with fixes left: report what is left on the texts as
        // they now are.
        let out_of_rounds = rounds == MAX_ROUNDS && !by_file.is_empty();
        let mut changed = false;
        for (display, diagnostics) in by_file.into_iter().filter(|_| !out_of_rounds) {
            let doc = &documents[display].source;
            let fixes: Vec<&crate::diag::Fix> = diagnostics
                .iter()
                .map(|d| d.fix.as_ref().expect("filtered on fixes"))
                .collect();
            let (text, taken) = apply::apply(&doc.text, &fixes);
            if text == doc.text {
                continue;
            }
            if !files.contains_key(display) {
                match FixedFile::read(base, doc, &overlay) {
                    Some(file) => files.insert(display.to_owned(), file),
                    None => {
                        skipped.push(display.to_owned());
                        refused.extend(diagnostics.iter().map(|d| (d.path.clone(), d.id.clone())));
                        continue;
                    }
                };
            }
            let file = files.get_mut(display).expect("recorded above");
            let mut entries = Vec::new();
            for (d, took) in diagnostics.iter().zip(taken) {
                if took {
                    entries.push(applied.len());
                    applied.push(Applied {
                        path: d.path.clone(),
                        id: d.id.clone(),
                        title: d.fix.as_ref().map(|f| f.title.clone()).unwrap_or_default(),
                    });
                }
            }
            last_round.insert(display.to_owned(), (doc.text.clone(), entries));
            overlay.insert(&file.path, text.clone(), file.encoding);
            file.fixed = text;
            changed = true;
        }
        if !changed {
            return Outcome {
                diagnostics: round.diagnostics,
                files: changed_files(files),
                applied,
                converged: !out_of_rounds,
                skipped,
                broke_syntax: broke_syntax.into_iter().collect(),
            };
        }
        rounds += 1;
    }
}

fn changed_files(files: BTreeMap<String, FixedFile>) -> Vec<FixedFile> {
    files
        .into_values()
        .filter(|f| f.fixed != f.original)
        .collect()
}

impl FixedFile {
    /// Read the file's bytes as they are now (the overlay's text, if it holds the file);
    /// `None` when they no longer decode to the text that was checked (it changed on
    /// disk) or cannot be read.
    fn read(base: &Path, doc: &SourceText, overlay: &Overlay) -> Option<FixedFile> {
        let path = base.join(&doc.path);
        let (bytes, text, encoding) = match overlay.get(&path) {
            Some((text, encoding)) => (encoding.encode(text), text.clone(), *encoding),
            None => {
                let bytes = std::fs::read(&path).ok()?;
                let (text, encoding) = crate::document::decode(&bytes).ok()?;
                (bytes, text, encoding)
            }
        };
        (text == doc.text).then(|| FixedFile {
            path,
            display: doc.path.clone(),
            encoding,
            original_bytes: bytes,
            original: text,
            fixed: doc.text.clone(),
        })
    }

    /// The fixed text in the file's own encoding.
    pub fn fixed_bytes(&self) -> Vec<u8> {
        self.encoding.encode(&self.fixed)
    }

    /// A unified diff from the original to the fixed text.
    pub fn diff(&self) -> String {
        // git's a/ and b/ prefixes go on relative paths only.
        let (old, new) = if Path::new(&self.display).is_absolute() {
            (self.display.clone(), self.display.clone())
        } else {
            (format!("a/{}", self.display), format!("b/{}", self.display))
        };
        similar::TextDiff::from_lines(&self.original, &self.fixed)
            .unified_diff()
            .context_radius(3)
            .header(&old, &new)
            .to_string()
    }

    /// Write the fixed text over the file, atomically.
    pub fn write(&self) -> Result<(), write::WriteError> {
        write::replace_file(&self.path, &self.original_bytes, &self.fixed_bytes())
    }
}
