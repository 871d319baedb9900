//! A rule's `[[fix.edit]]`s, compiled, and turned into text edits for one finding.
//!
//! An edit is refused (and with it the whole fix) rather than made doubtful: when its
//! node is missing, lives in another file, was derived rather than written, or shares
//! its lines with other text that `delete_lines` would take with it.

use std::collections::BTreeMap;

use super::predicate::LazyRegex;
use super::query::{Hit, Query};
use super::schema::{EditSpec, ParamValue};
use super::template::{Scope, Template};
use crate::diag::Edit;
use crate::document::{Document, Node, ScalarStyle, Span, Target, Value};

#[derive(Debug)]
pub struct FixEdit {
    at: Option<Query>,
    action: Action,
}

#[derive(Debug)]
enum Action {
    Replace(Template),
    Substitute(Vec<(LazyRegex, String)>),
    Delete,
    DeleteLines,
    InsertBefore(Template),
    InsertAfter(Template),
}

impl FixEdit {
    /// Compile one `[[fix.edit]]`; the error says what is wrong with it.
    pub fn compile(
        spec: &EditSpec,
        params: &BTreeMap<String, ParamValue>,
    ) -> Result<FixEdit, String> {
        let chosen = [
            spec.replace.is_some(),
            !spec.substitute.is_empty(),
            spec.delete,
            spec.delete_lines,
            spec.insert_line_before.is_some(),
            spec.insert_line_after.is_some(),
        ];
        if chosen.iter().filter(|c| **c).count() != 1 {
            return Err(
                "a [[fix.edit]] has exactly one of `replace`, `substitute`, \
                 `delete = true`, `delete_lines = true`, `insert_line_before`, \
                 `insert_line_after`"
                    .to_owned(),
            );
        }
        let action = if let Some(text) = &spec.replace {
            Action::Replace(Template::parse(text, params)?)
        } else if spec.delete {
            Action::Delete
        } else if spec.delete_lines {
            Action::DeleteLines
        } else if let Some(text) = &spec.insert_line_before {
            Action::InsertBefore(Template::parse(text, params)?)
        } else if let Some(text) = &spec.insert_line_after {
            Action::InsertAfter(Template::parse(text, params)?)
        } else {
            let rules = spec
                .substitute
                .iter()
                .map(|[pattern, with]| (LazyRegex::new(pattern.clone(), 0..0), with.clone()));
            Action::Substitute(rules.collect())
        };
        let at = spec
            .at
            .as_ref()
            .map(|q| Query::parse(q.get_ref()).map_err(|e| format!("invalid path: {e}")))
            .transpose()?;
        Ok(FixEdit { at, action })
    }

    /// The `substitute` patterns (for tests of the precompiled table).
    #[cfg(test)]
    pub fn patterns(&self) -> Vec<&str> {
        match &self.action {
            Action::Substitute(rules) => rules.iter().map(|(re, _)| re.pattern()).collect(),
            _ => Vec::new(),
        }
    }

    /// Compile the `substitute` regexes now (they are compiled on first use otherwise)
    /// and say what is wrong with the first that fails.
    pub fn check_regexes(&self) -> Result<(), String> {
        let Action::Substitute(rules) = &self.action else {
            return Ok(());
        };
        for (re, _) in rules {
            if let Err(e) = re.compiled() {
                return Err(format!("invalid regex in `substitute`: {e}"));
            }
        }
        Ok(())
    }
}

/// The edits that fix one finding, in file order; `None` when any of them cannot be made.
/// `reported` is the node the finding is at; `at` paths start from the selected node.
pub fn edits_for(
    fix: &[FixEdit],
    scope: &Scope<'_, '_>,
    reported: Hit<'_>,
    doc: &Document,
) -> Option<Vec<Edit>> {
    // The process environment and the machine are not files: they take commands.
    if matches!(doc.target, Target::ProcessEnv | Target::Machine) {
        return None;
    }
    let mut out = Vec::with_capacity(fix.len());
    for edit in fix {
        let hit = match &edit.at {
            Some(query) => query.first(scope.selected)?,
            None => reported,
        };
        if !std::ptr::eq(hit.doc, doc) || !written(hit.node) {
            return None;
        }
        let (span, replacement) = match &edit.action {
            Action::Replace(template) => (hit.node.span, template.resolve(scope)?),
            Action::Substitute(rules) => {
                let raw = hit.raw();
                let (re, with) = rules
                    .iter()
                    .find(|(re, _)| re.is_match(raw) == Some(true))?;
                (hit.node.span, re.replace(raw, with)?)
            }
            Action::Delete => (hit.node.span, String::new()),
            Action::DeleteLines => (whole_lines(doc, entry_span(doc, hit.node))?, String::new()),
            Action::InsertBefore(t) => {
                insert_lines(doc, entry_span(doc, hit.node), &t.resolve(scope)?, false)
            }
            Action::InsertAfter(t) => {
                insert_lines(doc, entry_span(doc, hit.node), &t.resolve(scope)?, true)
            }
        };
        if doc.raw(span) == replacement {
            continue;
        }
        out.push(Edit::at(&doc.source, span, replacement));
    }
    out.sort_by_key(|e| (e.span.start, e.span.end));
    let overlapping = out.windows(2).any(|w| w[0].span.end > w[1].span.start);
    (!out.is_empty() && !overlapping).then_some(out)
}

/// Only text that is in the file can be edited: not a link to another document, nor a
/// value a parser derived (its span stands elsewhere).
fn written(node: &Node) -> bool {
    match &node.value {
        Value::Link(_) => false,
        Value::Scalar { style, .. } => *style != ScalarStyle::Derived,
        Value::List(_) | Value::Map(_) => true,
    }
}

/// A node's span, widened to its key when it is the value of a map entry.
fn entry_span(doc: &Document, node: &Node) -> Span {
    let mut stack = vec![&doc.root];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Map(entries) => {
                for entry in entries {
                    if std::ptr::eq(&entry.value, node) {
                        return entry.key_span.cover(node.span);
                    }
                    stack.push(&entry.value);
                }
            }
            Value::List(items) => stack.extend(items),
            Value::Scalar { .. } | Value::Link(_) => {}
        }
    }
    node.span
}

/// Where and what to insert so that `lines` become lines of their own before (or after)
/// the lines of `span`: each indented as the span's first line, ended as it is.
fn insert_lines(doc: &Document, span: Span, lines: &str, after: bool) -> (Span, String) {
    let text = &doc.source.text;
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    // The anchor line's ending, else the file's first, else LF.
    let newline = text[start..]
        .find('\n')
        .map(|i| start + i)
        .or_else(|| text.find('\n'));
    let eol = match newline {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    };
    let body: Vec<String> = lines
        .split('\n')
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect();
    let body = body.join(eol);
    if !after {
        return (Span::new(start, start), format!("{body}{eol}"));
    }
    let last_end = if span.end > span.start && text[..span.end].ends_with('\n') {
        Some(span.end - 1)
    } else {
        text[span.end..].find('\n').map(|i| span.end + i)
    };
    match last_end {
        Some(i) => (Span::new(i + 1, i + 1), format!("{body}{eol}")),
        // The last line has no line ending: it keeps none, after the new lines.
        None => (Span::new(text.len(), text.len()), format!("{eol}{body}")),
    }
}

/// The lines `span` stands on, line endings included, when the rest of those lines is
/// blank, a trailing comment or (go.mod, go.work) the directive's keyword.
pub(crate) fn whole_lines(doc: &Document, span: Span) -> Option<Span> {
    let text = &doc.source.text;
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[start..span.start];
    let keyword_allowed = matches!(doc.target, Target::GoMod | Target::GoWork);
    let before_ok = before.trim().is_empty()
        || keyword_allowed && before.trim().bytes().all(|b| b.is_ascii_lowercase());
    // A span that ends at a line's end may include the newline already.
    let end = if span.end > span.start && text[..span.end].ends_with('\n') {
        span.end
    } else {
        text[span.end..]
            .find('\n')
            .map_or(text.len(), |i| span.end + i + 1)
    };
    let after = text[span.end.max(start)..end].trim();
    let after_ok = after.is_empty()
        || doc
            .target
            .comment_markers()
            .iter()
            .any(|m| after.starts_with(m.trim_end()));
    (before_ok && after_ok).then_some(Span::new(start, end))
}
