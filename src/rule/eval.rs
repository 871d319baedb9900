//! Running compiled rules on a document.

use std::collections::{BTreeMap, HashSet};

use super::query::{Hit, Query};
use super::schema::RuleTarget;
use super::template::Scope;
use super::{Repository, Rule};
use crate::diag::Diagnostic;
use crate::document::{Document, Node};

impl Rule {
    /// Does this rule look at this kind of document?
    pub fn applies_to(&self, doc: &Document) -> bool {
        self.applies_to_kind(doc.target)
    }

    /// Whether the rule checks documents of this kind (its target, or one it also takes).
    pub fn applies_to_kind(&self, kind: crate::document::Target) -> bool {
        self.target == RuleTarget::File(kind) || self.also_targets.contains(&kind)
    }

    /// Every diagnostic this rule reports on `doc`, in check and document order.
    pub fn evaluate(&self, doc: &Document, repo: &dyn Repository) -> Vec<Diagnostic> {
        self.evaluate_on(doc, &doc.root, repo)
    }

    /// Evaluate over `root`, a tree whose spans point into `doc` (the document itself, or
    /// a view of it such as its environment assignments).
    pub fn evaluate_on(
        &self,
        doc: &Document,
        root: &Node,
        repo: &dyn Repository,
    ) -> Vec<Diagnostic> {
        self.evaluate_checks(doc, root, repo, None)
    }

    /// As [`Rule::evaluate`], taking each check's selection from `selections` (made on
    /// `doc`'s root by whichever rule needed it first), indexed by `ids` (this rule's
    /// entry of [`SharedSelects`]).
    pub fn evaluate_shared<'d>(
        &self,
        doc: &'d Document,
        repo: &dyn Repository,
        ids: &[usize],
        selections: &mut [Selection<'d>],
    ) -> Vec<Diagnostic> {
        self.evaluate_checks(doc, &doc.root, repo, Some((ids, selections)))
    }

    fn evaluate_checks<'d>(
        &self,
        doc: &'d Document,
        root: &'d Node,
        repo: &dyn Repository,
        mut shared: Option<(&[usize], &mut [Selection<'d>])>,
    ) -> Vec<Diagnostic> {
        let root = Hit { doc, node: root };
        let mut out = Vec::new();
        for (i, check) in self.checks.iter().enumerate() {
            let mut seen = HashSet::new();
            let owned;
            let hits: &[Hit<'d>] = match shared.as_mut() {
                Some((ids, selections)) => {
                    selections[ids[i]].get_or_insert_with(|| check.select.select(root))
                }
                None => {
                    owned = check.select.select(root);
                    &owned
                }
            };
            for &hit in hits {
                let scope = Scope {
                    hit,
                    selected: hit,
                    root,
                    params: &self.params,
                    repo,
                    extracted: None,
                };
                if check
                    .assert
                    .as_ref()
                    .is_some_and(|a| a.holds(&scope, &mut seen))
                {
                    continue;
                }
                // A hit inside a linked document is reported on the node that links to it:
                // only spans of `doc` point into `doc`'s text.
                let at = check
                    .at
                    .as_ref()
                    .and_then(|q| q.first(hit))
                    .filter(|h| std::ptr::eq(h.doc, doc))
                    .unwrap_or(hit);
                let span = if std::ptr::eq(at.node, root.node) || !std::ptr::eq(at.doc, doc) {
                    first_line(doc)
                } else {
                    at.node.span
                };
                let message = check
                    .message
                    .as_ref()
                    .unwrap_or(&self.message)
                    .get(&self.params)
                    .render(&scope);
                let mut diagnostic = Diagnostic::at(
                    &doc.source,
                    span,
                    &self.id,
                    &self.name,
                    self.severity,
                    message,
                );
                diagnostic.help = self
                    .help
                    .as_ref()
                    .map(|h| h.get(&self.params).render(&scope));
                diagnostic.fix = self.fix(&scope, at, doc);
                out.push(diagnostic);
            }
        }
        out
    }
}

impl Rule {
    /// The fix for one finding: its commands, and its edits when every one of them can
    /// be made (a fix that is only edits is not offered otherwise).
    fn fix(&self, scope: &Scope<'_, '_>, at: Hit<'_>, doc: &Document) -> Option<crate::diag::Fix> {
        let spec = self.fix.as_ref()?;
        let commands = self.fix_commands_for(doc, scope);
        let edits = if self.fix_edits.is_empty() {
            Vec::new()
        } else {
            match super::edit::edits_for(&self.fix_edits, scope, at, doc) {
                Some(edits) => edits,
                None if commands.is_empty() => return None,
                None => Vec::new(),
            }
        };
        Some(crate::diag::Fix {
            title: spec.title.clone(),
            applicability: spec.applicability,
            commands,
            edits,
        })
    }

    /// The fix commands of a finding: those of the first `fix.case` that applies (or
    /// `fix.commands`), by shell; a command whose placeholders cannot all be resolved
    /// (or quoted) is left out rather than shown with a gap.
    fn fix_commands_for(
        &self,
        doc: &Document,
        scope: &Scope<'_, '_>,
    ) -> std::collections::BTreeMap<super::schema::Shell, String> {
        // An `env` rule's case tests the finding's assignment (`name`, `value`, `scope`,
        // in the process environment `origin`); other rules' the document's root.
        let tested = match self.target {
            RuleTarget::Env => assignment_of(scope.root, scope.selected),
            _ => None,
        };
        let on_root = Scope {
            hit: tested.unwrap_or(scope.root),
            ..*scope
        };
        let case = self.fix_commands.iter().find(|case| {
            case.within.is_none_or(|t| t == doc.target)
                && case
                    .when
                    .as_ref()
                    .is_none_or(|w| w.holds(&on_root, &mut HashSet::new()))
        });
        case.into_iter()
            .flat_map(|case| &case.commands)
            .filter_map(|(shell, t)| Some((*shell, t.get(&self.params).resolve(scope)?)))
            .collect()
    }
}

/// The assignment of an environment view (`{env: [...]}`) that `selected` is, or is a
/// field of.
fn assignment_of<'d>(view: Hit<'d>, selected: Hit<'d>) -> Option<Hit<'d>> {
    let crate::document::Value::List(items) = &view.node.get("env")?.value else {
        return None;
    };
    let node = items.iter().find(|item| {
        std::ptr::eq(*item, selected.node)
            || matches!(&item.value, crate::document::Value::Map(fields)
                if fields.iter().any(|f| std::ptr::eq(&f.value, selected.node)))
    })?;
    Some(Hit {
        doc: view.doc,
        node,
    })
}

/// A select query's hits on a document, once made.
pub type Selection<'d> = Option<Vec<Hit<'d>>>;

/// Checks of different rules often select the same nodes: five select
/// `jobs.*.steps[?uses ^= 'actions/setup-go@']`, two `jobs.*.strategy.matrix.go[*]`.
/// A query is a pure function of the tree, so a document's selection for each distinct
/// query is made once and shared (see [`Rule::evaluate_shared`]).
#[derive(Debug, Default)]
pub struct SharedSelects {
    /// For each rule, for each of its checks, the index of its select query among the
    /// distinct ones.
    pub ids: Vec<Vec<usize>>,
    /// How many distinct queries there are.
    pub count: usize,
}

impl SharedSelects {
    pub fn new(rules: &[Rule]) -> SharedSelects {
        // Ordered, not hashed: comparing two queries mostly stops at their first key,
        // where hashing walks each query whole.
        let mut index: BTreeMap<&Query, usize> = BTreeMap::new();
        let ids = rules
            .iter()
            .map(|rule| {
                rule.checks
                    .iter()
                    .map(|check| {
                        let next = index.len();
                        *index.entry(&check.select).or_insert(next)
                    })
                    .collect()
            })
            .collect();
        SharedSelects {
            ids,
            count: index.len(),
        }
    }
}

/// Where a finding about the whole file points: its first line.
fn first_line(doc: &Document) -> crate::document::Span {
    let end = doc.source.line_text(1).len();
    crate::document::Span::new(0, end)
}
