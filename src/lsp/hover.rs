//! Hover on a finding: what `gopolicy explain` says of its rule (summary, docs,
//! references), under the finding's own message.

use std::collections::HashMap;

use lsp_types as lsp;

use super::documents::{OpenDocument, PositionEncoding};
use crate::rule::{registry, RuleSource};

/// Rule documentation by id, parsed once (checking loads the rules without their docs).
#[derive(Default)]
pub struct RuleDocs {
    by_id: Option<HashMap<String, RuleSource>>,
}

impl RuleDocs {
    /// Forget the rule packs' docs (the config changed).
    pub fn clear(&mut self) {
        self.by_id = None;
    }

    fn get(&mut self, id: &str, packs: &[std::path::PathBuf]) -> Option<&RuleSource> {
        let by_id = self.by_id.get_or_insert_with(|| {
            let mut sources = registry::builtin().unwrap_or_default();
            for pack in packs {
                sources.extend(registry::load_pack(pack).unwrap_or_default());
            }
            sources
                .into_iter()
                .map(|s| (s.id().to_owned(), s))
                .collect()
        });
        by_id.get(id)
    }
}

pub fn hover(
    doc: &OpenDocument,
    position: lsp::Position,
    encoding: PositionEncoding,
    docs: &mut RuleDocs,
    packs: &[std::path::PathBuf],
) -> Option<lsp::Hover> {
    let mut parts = Vec::new();
    let mut range: Option<lsp::Range> = None;
    for d in &doc.diagnostics {
        let r = doc.range(d.span, encoding);
        if !(r.start <= position && position <= r.end) {
            continue;
        }
        range = Some(range.map_or(r, |old| {
            lsp::Range::new(old.start.min(r.start), old.end.max(r.end))
        }));
        let mut text = format!(
            "**{} {}** ({})\n\n{}\n",
            d.id,
            d.name,
            d.severity.name(),
            d.message
        );
        if let Some(help) = &d.help {
            text.push_str(&format!("\n{help}\n"));
        }
        if let Some(source) = docs.get(&d.id, packs) {
            let spec = &source.spec;
            text.push_str(&format!(
                "\n{}\n\n{}\n",
                spec.summary.trim(),
                spec.docs.trim()
            ));
            let references = spec.references.get_ref();
            if !references.is_empty() {
                text.push_str("\n## References\n\n");
                for reference in references {
                    text.push_str(&format!("- <{reference}>\n"));
                }
            }
        }
        parts.push(text);
    }
    let range = range?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: parts.join("\n---\n\n"),
        }),
        range: Some(range),
    })
}
