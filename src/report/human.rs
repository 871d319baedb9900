//! Human output: miette's graphical reports (code, severity, message, the labelled
//! source, help, the rule's docs link), then a summary line.

use std::collections::BTreeMap;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::Report;
use crate::diag::Diagnostic;
use crate::rule::schema::Severity;

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
        let help = self.d.help.as_deref();
        let url = self.d.url.as_deref().map(|u| format!("see {u}"));
        match (help, url) {
            (Some(h), Some(u)) => Some(Box::new(format!("{h}\n{u}"))),
            (Some(h), None) => Some(Box::new(h.to_owned())),
            (None, Some(u)) => Some(Box::new(u)),
            (None, None) => None,
        }
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
    out.push('\n');
    out
}
