//! Reading, decoding and parsing the discovered files (in parallel), then linking
//! documents that refer to each other (a go.work `use` to the go.mod it names).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::discover::{display_path, io_message, FileEntry};
use crate::document::{decode, Document, Entry, Node, SourceText, Target, Value};
use crate::source;

/// A file that was found but not parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    pub display: String,
    pub kind: ProblemKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    Unreadable,
    TooLarge,
}

pub struct Loaded {
    pub documents: Vec<Arc<Document>>,
    pub problems: Vec<FileProblem>,
}

/// Read and parse every file; documents come back in the order of `files`. Files read
/// only to follow a link are shown relative to `base`.
pub fn load(files: &[FileEntry], max_file_size: u64, base: &Path) -> Loaded {
    let results: Vec<(PathBuf, Result<Document, FileProblem>)> = files
        .par_iter()
        .map(|f| {
            (
                normalize(&f.path),
                read_and_parse(&f.path, &f.display, f.target, max_file_size),
            )
        })
        .collect();
    let mut problems = Vec::new();
    let mut documents: Vec<(PathBuf, Document)> = Vec::new();
    for (path, result) in results {
        match result {
            Ok(doc) => documents.push((path, doc)),
            Err(problem) => problems.push(problem),
        }
    }
    Loaded {
        documents: link_workspaces(documents, max_file_size, base),
        problems,
    }
}

/// Read one file, refusing what is too large, binary or not text.
pub fn read_and_parse(
    path: &Path,
    display: &str,
    target: Target,
    max_file_size: u64,
) -> Result<Document, FileProblem> {
    let problem = |kind, message: String| FileProblem {
        display: display.to_owned(),
        kind,
        message,
    };
    let unreadable = |e: std::io::Error| {
        problem(
            ProblemKind::Unreadable,
            format!("cannot read {display}: {}", io_message(&e)),
        )
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > max_file_size {
        return Err(problem(
            ProblemKind::TooLarge,
            format!("{display} is {size} bytes, over the {max_file_size}-byte limit (max_file_size); not read"),
        ));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let (text, encoding) = decode(&bytes).map_err(|e| {
        problem(
            ProblemKind::Unreadable,
            format!("cannot read {display} as text: {e}"),
        )
    })?;
    Ok(source::parse(
        SourceText::new(display, text, encoding),
        target,
    ))
}

/// Attach to each go.work `use` entry the go.mod of its folder, as `use[*].module`.
fn link_workspaces(
    documents: Vec<(PathBuf, Document)>,
    max_file_size: u64,
    base: &Path,
) -> Vec<Arc<Document>> {
    let (workspaces, others): (Vec<_>, Vec<_>) = documents
        .into_iter()
        .enumerate()
        .partition(|(_, (_, d))| d.target == Target::GoWork);
    let mut modules: HashMap<PathBuf, Arc<Document>> = HashMap::new();
    let mut out: Vec<(usize, Arc<Document>)> = Vec::new();
    for (i, (path, doc)) in others {
        let doc = Arc::new(doc);
        if doc.target == Target::GoMod {
            modules.insert(path, doc.clone());
        }
        out.push((i, doc));
    }
    for (i, (path, mut doc)) in workspaces {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Value::Map(entries) = &mut doc.root.value {
            for entry in entries.iter_mut().filter(|e| e.key == "use") {
                let Value::List(items) = &mut entry.value.value else {
                    continue;
                };
                for item in items {
                    let Some(folder) = item.get("path").and_then(Node::as_str) else {
                        continue;
                    };
                    let go_mod = normalize(&dir.join(folder).join("go.mod"));
                    let module = modules.get(&go_mod).cloned().or_else(|| {
                        // A used module outside the checked paths is read for the link only.
                        let shown = display_path(&go_mod, base);
                        let parsed =
                            read_and_parse(&go_mod, &shown, Target::GoMod, max_file_size).ok()?;
                        let parsed = Arc::new(parsed);
                        modules.insert(go_mod.clone(), parsed.clone());
                        Some(parsed)
                    });
                    if let (Some(module), Value::Map(fields)) = (module, &mut item.value) {
                        fields.push(Entry {
                            key: "module".into(),
                            key_span: item.span,
                            value: Node {
                                span: item.span,
                                value: Value::Link(module),
                            },
                        });
                    }
                }
            }
        }
        out.push((i, Arc::new(doc)));
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, d)| d).collect()
}

/// An absolute path with `.` and `..` resolved lexically (no file system access, so a
/// missing folder still has a name).
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
