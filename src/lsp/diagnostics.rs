//! Checking an open document with the pipeline `gopolicy check` runs (the open buffers
//! standing in for their files), and turning findings into LSP diagnostics.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types as lsp;

use super::config::{Problem, Settings};
use super::documents::{LineIndex, OpenDocument, PositionEncoding};
use crate::diag::Diagnostic;
use crate::document::{Document, Node, Target, Value};
use crate::lint::core;
use crate::rule::schema::Severity;
use crate::workspace::{self, load::normalize, FileEntry, Overlay};

/// What checking one document found.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    /// The parsed document (with its links), when it could be read.
    pub document: Option<Arc<Document>>,
    pub depends_on: HashSet<PathBuf>,
}

/// Check the file at `path` as `target`, reading `overlay`'s texts in place of files.
/// Paths are shown absolute, so what rules and config see does not hang on the server's
/// working folder.
pub fn check(
    settings: &Settings,
    root: &Path,
    overlay: &Overlay,
    path: &Path,
    target: Target,
) -> Checked {
    let display = path.to_string_lossy().replace('\\', "/");
    let entry = FileEntry {
        display: display.clone(),
        path: path.to_path_buf(),
        target,
    };
    let loaded = workspace::load_with(
        std::slice::from_ref(&entry),
        settings.config.max_file_size,
        root,
        overlay,
    );
    // The first document is this file; the rest are templates it pulled in, checked
    // when they are open themselves.
    let own: Vec<Arc<Document>> = loaded
        .documents
        .iter()
        .filter(|d| d.path() == display)
        .cloned()
        .collect();
    let problems: Vec<_> = loaded
        .problems
        .into_iter()
        .filter(|p| p.display == display)
        .collect();
    let repo = workspace::Repo::new(root);
    let diagnostics = settings.rules.lint(&own, &problems, &[], &repo);
    let mut depends_on = HashSet::new();
    for doc in &loaded.documents {
        depends_on.insert(normalize(&root.join(doc.path())));
        for linked in links(&doc.root) {
            depends_on.insert(normalize(&root.join(linked.1.path())));
        }
    }
    depends_on.remove(path);
    Checked {
        diagnostics,
        document: own.into_iter().next(),
        depends_on,
    }
}

/// The links in a tree (`$gomod`, a go.work `use`'s `module`), with the node holding each.
fn links(root: &Node) -> Vec<(&Node, &Arc<Document>)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Map(entries) => {
                for entry in entries {
                    match &entry.value.value {
                        Value::Link(doc) => out.push((node, doc)),
                        _ => stack.push(&entry.value),
                    }
                }
            }
            Value::List(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// One finding as an LSP diagnostic. A finding on a step or `use` that reads a linked
/// go.mod points at that go.mod's `go` line too.
pub fn to_lsp(
    d: &Diagnostic,
    doc: &OpenDocument,
    document: Option<&Document>,
    root: &Path,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related = document
        .map(|document| related(d, document, root, encoding))
        .filter(|r| !r.is_empty());
    lsp::Diagnostic {
        range: doc.range(d.span, encoding),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.id.clone())),
        code_description: d
            .url
            .as_deref()
            .and_then(|u| lsp::Url::parse(u).ok())
            .map(|href| lsp::CodeDescription { href }),
        source: Some("gopolicy".to_owned()),
        message,
        related_information: related,
        tags: (d.id == core::UNUSED_SUPPRESSION).then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

fn related(
    d: &Diagnostic,
    document: &Document,
    root: &Path,
    encoding: PositionEncoding,
) -> Vec<lsp::DiagnosticRelatedInformation> {
    let mut out = Vec::new();
    for (holder, linked) in links(&document.root) {
        // A link on the whole file (an Azure or GitLab file's go.mod) says nothing about
        // this finding in particular.
        let inside = holder.span.start <= d.span.start && d.span.end <= holder.span.end;
        if holder.span == document.root.span || !inside {
            continue;
        }
        let Ok(uri) = lsp::Url::from_file_path(normalize(&root.join(linked.path()))) else {
            continue;
        };
        let span = linked.root.get("go").map(|n| n.span).unwrap_or_default();
        let lines = LineIndex::new(&linked.source.text);
        out.push(lsp::DiagnosticRelatedInformation {
            location: lsp::Location {
                uri,
                range: lines.range(&linked.source.text, span, encoding),
            },
            message: format!("the {} read here", linked.target.name()),
        });
    }
    out
}

fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// A config that could not be used, as a diagnostic on its file.
pub fn config_problem(problem: &Problem, encoding: PositionEncoding) -> lsp::Diagnostic {
    let lines = LineIndex::new(&problem.text);
    lsp::Diagnostic {
        range: lines.range(&problem.text, problem.span, encoding),
        severity: Some(lsp::DiagnosticSeverity::ERROR),
        source: Some("gopolicy".to_owned()),
        message: problem.message.clone(),
        ..Default::default()
    }
}
