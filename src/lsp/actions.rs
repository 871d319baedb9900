//! Code actions: a quick fix per finding that has edits (safe and unsafe ones labelled;
//! display-only fixes are advice, not edits), "ignore this rule here", and
//! `source.fixAll` (every safe fix, in rounds, as `check --fix` applies them).

use std::collections::HashMap;
use std::path::Path;

use lsp_types as lsp;

use super::config::Settings;
use super::diagnostics;
use super::documents::{Documents, OpenDocument, PositionEncoding};
use crate::diag::suppression;
use crate::diag::{Diagnostic, Edit};
use crate::document::{Encoding, SourceText};
use crate::lint::core;
use crate::rule::schema::Applicability;

pub struct Request<'a> {
    pub uri: &'a lsp::Url,
    pub range: lsp::Range,
    pub only: Option<&'a [lsp::CodeActionKind]>,
}

pub fn actions(
    request: &Request,
    docs: &Documents,
    settings: &Settings,
    root: &Path,
    encoding: PositionEncoding,
) -> Vec<lsp::CodeActionOrCommand> {
    let Some(doc) = docs.open.get(request.uri) else {
        return Vec::new();
    };
    let wanted = |kind: &lsp::CodeActionKind| {
        request.only.is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
        })
    };
    let mut out = Vec::new();
    if wanted(&lsp::CodeActionKind::QUICKFIX) {
        for d in &doc.diagnostics {
            let range = doc.range(d.span, encoding);
            if !touches(range, request.range) {
                continue;
            }
            let lsp_diagnostic = diagnostics::to_lsp(d, doc, None, root, encoding);
            if let Some(action) = quick_fix(d, doc, request.uri, &lsp_diagnostic, encoding) {
                out.push(action);
            }
            if let Some(action) = ignore(d, doc, request.uri, &lsp_diagnostic, encoding) {
                out.push(action);
            }
        }
    }
    // Fix-all checks the file again for each round of fixes: only when asked for by name
    // (a client asks for every kind on each cursor move).
    if request.only.is_some() && wanted(&lsp::CodeActionKind::SOURCE_FIX_ALL) {
        out.extend(fix_all(doc, request.uri, docs, settings, root, encoding));
    }
    out.into_iter()
        .map(lsp::CodeActionOrCommand::CodeAction)
        .collect()
}

/// Do two ranges share a line? Editors ask for the actions at the cursor (an empty
/// range), which may stand anywhere on the finding's line.
fn touches(a: lsp::Range, b: lsp::Range) -> bool {
    a.start.line <= b.end.line && b.start.line <= a.end.line
}

fn workspace_edit(uri: &lsp::Url, edits: Vec<lsp::TextEdit>) -> lsp::WorkspaceEdit {
    lsp::WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    }
}

fn quick_fix(
    d: &Diagnostic,
    doc: &OpenDocument,
    uri: &lsp::Url,
    diagnostic: &lsp::Diagnostic,
    encoding: PositionEncoding,
) -> Option<lsp::CodeAction> {
    let fix = d.fix.as_ref()?;
    let label = match fix.applicability {
        Applicability::Safe => "safe fix",
        Applicability::Unsafe => "unsafe fix: may change behaviour",
        Applicability::DisplayOnly => return None,
    };
    if fix.edits.is_empty() {
        return None;
    }
    let edits = fix
        .edits
        .iter()
        .map(|e: &Edit| lsp::TextEdit {
            range: doc.range(e.span, encoding),
            new_text: e.replacement.clone(),
        })
        .collect();
    Some(lsp::CodeAction {
        title: format!("{} ({}, {label})", fix.title, d.id),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(workspace_edit(uri, edits)),
        is_preferred: Some(fix.applicability == Applicability::Safe),
        ..Default::default()
    })
}

/// "Ignore this rule here": a `gopolicy:ignore` comment in the file's own comment syntax,
/// on a line of its own above the finding, else after it on its line, else for the whole
/// file. Each place is tried on a copy of the text, and offered only if gopolicy then
/// reads a suppression of this rule that covers the finding (a `#` line inside a YAML
/// block scalar is script text, not a comment).
fn ignore(
    d: &Diagnostic,
    doc: &OpenDocument,
    uri: &lsp::Url,
    diagnostic: &lsp::Diagnostic,
    encoding: PositionEncoding,
) -> Option<lsp::CodeAction> {
    // A file that was not read cannot be suppressed inline (docs/suppressions.md).
    if core::ALWAYS_ON.contains(&d.id.as_str()) {
        return None;
    }
    let target = doc.target?;
    let marker = target.comment_markers()[0].trim_end();
    let text = &doc.text;
    let line = d.start.line;
    let line_start = doc.lines.line_start(line - 1)?;
    let line_text = &text[line_start..];
    let line_text = &line_text[..line_text.find(['\r', '\n']).unwrap_or(line_text.len())];
    let indent = &line_text[..line_text.len() - line_text.trim_start().len()];
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let directive = format!("gopolicy:ignore {}", d.id);
    let file_directive = format!("gopolicy:ignore-file {}", d.id);
    // After a shebang, so the script still runs.
    let file_at = if text.starts_with("#!") {
        text.find('\n').map_or(text.len(), |i| i + 1)
    } else {
        0
    };
    let candidates = [
        (
            line_start,
            format!("{indent}{marker} {directive}{newline}"),
            Some(line),
            format!("Ignore {} on this line", d.id),
        ),
        (
            line_start + line_text.len(),
            format!(" {marker} {directive}"),
            Some(line),
            format!("Ignore {} on this line", d.id),
        ),
        (
            file_at,
            format!("{marker} {file_directive}{newline}"),
            None,
            format!("Ignore {} in this file", d.id),
        ),
    ];
    let (at, insert, _, title) = candidates.into_iter().find(|(at, insert, covers, _)| {
        let mut changed = text.clone();
        changed.insert_str(*at, insert);
        // The finding's line moves down when a line is inserted above it.
        let covers = covers.map(|l| if *at <= line_start { l + 1 } else { l });
        suppresses(&changed, target, &d.id, covers)
    })?;
    let position = doc.lines.position(text, at, encoding);
    let edit = lsp::TextEdit {
        range: lsp::Range::new(position, position),
        new_text: insert,
    };
    Some(lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(workspace_edit(uri, vec![edit])),
        ..Default::default()
    })
}

/// Does `text` parse, with a suppression of `id` covering `line` (`None`: the file)?
fn suppresses(text: &str, target: crate::document::Target, id: &str, line: Option<usize>) -> bool {
    let doc = crate::source::parse(SourceText::new("", text.to_owned(), Encoding::Utf8), target);
    if !doc.errors.is_empty() {
        return false;
    }
    let (found, _) = suppression::collect(&doc);
    found
        .iter()
        .any(|s| s.line == line && s.rules.iter().any(|r| r == id))
}

/// Every safe fix for the document, applied in rounds on its text (the other open
/// buffers standing in for their files), as line-level edits.
fn fix_all(
    doc: &OpenDocument,
    uri: &lsp::Url,
    docs: &Documents,
    settings: &Settings,
    root: &Path,
    encoding: PositionEncoding,
) -> Option<lsp::CodeAction> {
    let target = doc.target?;
    let fixable = doc.diagnostics.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe && !f.edits.is_empty())
    });
    if !fixable {
        return None;
    }
    let outcome = crate::fix::run_on(root, crate::fix::Wanted::Safe, docs.overlay(), |overlay| {
        let checked = diagnostics::check(settings, root, overlay, &doc.path, target);
        crate::fix::Round {
            diagnostics: checked.diagnostics,
            files: checked
                .document
                .iter()
                .map(|d| crate::fix::CheckedFile::of(d))
                .collect(),
        }
    });
    let fixed = outcome.files.into_iter().find(|f| f.path == doc.path)?;
    Some(lsp::CodeAction {
        title: format!("Fix all safe gopolicy findings ({})", outcome.applied.len()),
        kind: Some(lsp::CodeActionKind::SOURCE_FIX_ALL),
        edit: Some(workspace_edit(uri, line_edits(doc, &fixed.fixed, encoding))),
        ..Default::default()
    })
}

/// Edits that turn the document's text into `new`, one per run of changed lines.
fn line_edits(doc: &OpenDocument, new: &str, encoding: PositionEncoding) -> Vec<lsp::TextEdit> {
    let old_lines: Vec<&str> = doc.text.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    // Byte offset where each line starts, and the end.
    let starts = |lines: &[&str]| -> Vec<usize> {
        std::iter::once(0)
            .chain(lines.iter().scan(0, |at, l| {
                *at += l.len();
                Some(*at)
            }))
            .collect()
    };
    let (old_at, new_at) = (starts(&old_lines), starts(&new_lines));
    similar::capture_diff_slices(similar::Algorithm::Myers, &old_lines, &new_lines)
        .iter()
        .filter(|op| op.tag() != similar::DiffTag::Equal)
        .map(|op| {
            let (o, n) = (op.old_range(), op.new_range());
            let span = crate::document::Span::new(old_at[o.start], old_at[o.end]);
            lsp::TextEdit {
                range: doc.range(span, encoding),
                new_text: new[new_at[n.start]..new_at[n.end]].to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::schema::Severity;
    use std::path::PathBuf;

    fn ignore_text(path: &str, text: &str, at: &str) -> (String, String) {
        let mut doc = OpenDocument::new(PathBuf::from(path), 1, text.to_owned());
        let source = SourceText::new(path, text.to_owned(), Encoding::Utf8);
        let start = text.find(at).unwrap();
        let span = crate::document::Span::new(start, start + at.len());
        doc.diagnostics = vec![Diagnostic::at(
            &source,
            span,
            "POL001",
            "p",
            Severity::Warning,
            "m".into(),
        )];
        let uri = lsp::Url::parse("file:///r/x").unwrap();
        let d = &doc.diagnostics[0];
        let lsp_d = diagnostics::to_lsp(d, &doc, None, Path::new("/r"), PositionEncoding::Utf16);
        let action = ignore(d, &doc, &uri, &lsp_d, PositionEncoding::Utf16).unwrap();
        let edit = &action.edit.unwrap().changes.unwrap()[&uri][0];
        let at = doc
            .lines
            .offset(text, edit.range.start, PositionEncoding::Utf16);
        let mut out = text.to_owned();
        out.insert_str(at, &edit.new_text);
        (action.title, out)
    }

    #[test]
    fn ignore_comments_go_where_they_are_read_as_suppressions() {
        // Above the line, indented like it.
        let (title, text) = ignore_text(
            "/r/.github/workflows/ci.yml",
            "on: push\njobs:\n  t:\n    steps:\n      - run: make\n",
            "make",
        );
        assert_eq!(title, "Ignore POL001 on this line");
        assert_eq!(
            text,
            "on: push\njobs:\n  t:\n    steps:\n      # gopolicy:ignore POL001\n      - run: make\n"
        );
        // Inside a YAML block scalar a `#` line is script text: the whole file it is.
        let (title, text) = ignore_text(
            "/r/.github/workflows/ci.yml",
            "on: push\njobs:\n  t:\n    steps:\n      - run: |\n          make\n          make test\n",
            "make test",
        );
        assert_eq!(title, "Ignore POL001 in this file");
        assert!(
            text.starts_with("# gopolicy:ignore-file POL001\non: push\n"),
            "{text}"
        );
        // A script keeps its shebang first.
        let (_, text) = ignore_text("/r/build.sh", "#!/bin/sh\nexport X=1\n", "X=1");
        assert_eq!(text, "#!/bin/sh\n# gopolicy:ignore POL001\nexport X=1\n");
        // go.mod: `//`, kept inside a block.
        let (_, text) = ignore_text(
            "/r/go.mod",
            "module m\n\nrequire (\n\tx v1.0.0\n)\n",
            "x v1.0.0",
        );
        assert_eq!(
            text,
            "module m\n\nrequire (\n\t// gopolicy:ignore POL001\n\tx v1.0.0\n)\n"
        );
    }
}
