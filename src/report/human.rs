//! Human output: miette's graphical reports (code, severity, message, the labelled
//! source, help, the rule's docs link), then a summary line.

use std::collections::BTreeMap;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::Report;
use crate::diag::Diagnostic;
use crate::rule::schema::{Applicability, Severity};

/// A diagnostic as miette wants to see it.
struct Shown<'a> {
    d: &'a Diagnostic,
    source: Option<NamedSource<Arc<str>>>,
}

impl std::fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}[{}] {}",
            self.d.severity.name(),
            self.d.id,
            self.d.name
        )))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        let lines: Vec<String> = [
            self.d.help.clone(),
            fix_line(self.d),
            self.d.url.as_deref().map(|u| format!("see {u}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!lines.is_empty()).then(|| Box::new(lines.join("\n")) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span = SourceSpan::new(self.d.span.start.into(), self.d.span.len());
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            None, span,
        ))))
    }
}

pub fn render(report: &Report, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(false);
    let mut out = String::new();
    // One shared copy of each file's text, however many diagnostics it has.
    let mut texts: BTreeMap<&str, Arc<str>> = BTreeMap::new();
    for d in &report.diagnostics {
        let text = match texts.get(d.path.as_str()) {
            Some(text) => Some(text.clone()),
            None => report.source(&d.path).map(|s| {
                // Source lines are shown: secrets in them are masked, offsets kept.
                let text: Arc<str> =
                    Arc::from(crate::facts::snapshot::mask_secrets(&s.text).as_ref());
                texts.insert(&d.path, text.clone());
                text
            }),
        };
        let has_source = text.is_some();
        let source = text.map(|t| NamedSource::new(&d.path, t));
        let shown = Shown { d, source };
        if handler.render_report(&mut out, &shown).is_err() {
            // Rendering into a String cannot fail; fall back to the short line if it does.
            out.push_str(&super::short::render(&Report {
                diagnostics: vec![d.clone()],
                ..Report::default()
            }));
        }
        if !has_source {
            out.push_str(&format!("  at {}\n", d.path));
        }
        out.push('\n');
    }
    out.push_str(&report.summary());
    let (safe, unsafe_) = fixable(report);
    if safe > 0 {
        out.push_str(&format!("; {safe} fixable with --fix"));
    }
    if unsafe_ > 0 {
        out.push_str(&format!("; {unsafe_} more with --fix --unsafe-fixes"));
    }
    out.push('\n');
    out
}

/// "fix (safe): Delete the toolchain line" for a finding whose fix edits its file.
fn fix_line(d: &crate::diag::Diagnostic) -> Option<String> {
    let fix = d.fix.as_ref().filter(|f| !f.edits.is_empty())?;
    let how = match fix.applicability {
        Applicability::Safe => "safe, --fix",
        Applicability::Unsafe => "unsafe, --fix --unsafe-fixes",
        Applicability::DisplayOnly => return None,
    };
    Some(format!("fix ({how}): {}", fix.title))
}

/// How many findings `--fix` would fix, and how many more `--unsafe-fixes` would.
fn fixable(report: &Report) -> (usize, usize) {
    let count = |a: Applicability| {
        report
            .diagnostics
            .iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == a && !f.edits.is_empty())
            })
            .count()
    };
    (count(Applicability::Safe), count(Applicability::Unsafe))
}
