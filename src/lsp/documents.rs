//! Open documents: the editor's text by URI, incremental edits, and converting between
//! byte offsets and LSP positions in the negotiated encoding.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};

use crate::diag::Diagnostic;
use crate::document::Target;
use crate::workspace::load::normalize;

/// How an LSP `character` counts: UTF-8 bytes or UTF-16 code units (the default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
}

impl PositionEncoding {
    pub fn name(self) -> &'static str {
        match self {
            PositionEncoding::Utf8 => "utf-8",
            PositionEncoding::Utf16 => "utf-16",
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
        }
    }
}

/// Where each line starts. Lines end at `\n`, `\r\n` or a lone `\r`, as LSP counts them.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || b == b'\r' && bytes.get(i + 1) != Some(&b'\n');
            if ends_line {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    /// The LSP position of a byte offset (clamped to the text, rounded down to a character).
    pub fn position(&self, text: &str, offset: usize, encoding: PositionEncoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let character = text[self.starts[line]..offset]
            .chars()
            .map(|c| encoding.width(c))
            .sum::<usize>();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, span: crate::document::Span, e: PositionEncoding) -> Range {
        Range::new(
            self.position(text, span.start, e),
            self.position(text, span.end, e),
        )
    }

    /// The byte offset of an LSP position. A line past the end is the end of the text; a
    /// character past the line's end is the line's end; one inside a character (half a
    /// surrogate pair) is that character's start.
    pub fn offset(&self, text: &str, position: Position, encoding: PositionEncoding) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .copied()
            .unwrap_or(text.len());
        let line = text[start..end].trim_end_matches(['\n', '\r']);
        let mut counted = 0;
        for (i, c) in line.char_indices() {
            let next = counted + encoding.width(c);
            if next > position.character as usize {
                return start + i;
            }
            counted = next;
        }
        start + line.len()
    }

    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }
}

/// A document the editor has open.
pub struct OpenDocument {
    pub path: PathBuf,
    pub version: i32,
    pub text: String,
    pub lines: LineIndex,
    /// What gopolicy reads it as; `None` for files it does not check.
    pub target: Option<Target>,
    /// The findings of its last check, on `text` as it is now.
    pub diagnostics: Vec<Diagnostic>,
    /// Files its last check read besides itself (go.mod it links to, templates it
    /// includes): a change to one of them changes its findings.
    pub depends_on: HashSet<PathBuf>,
}

impl OpenDocument {
    pub fn new(path: PathBuf, version: i32, text: String) -> OpenDocument {
        let target = Target::of_named_file(&path.to_string_lossy().replace('\\', "/"));
        OpenDocument {
            path,
            version,
            lines: LineIndex::new(&text),
            text,
            target,
            diagnostics: Vec::new(),
            depends_on: HashSet::new(),
        }
    }

    /// Apply the editor's changes, in order (each is relative to the text the one before
    /// it left).
    pub fn apply(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: PositionEncoding,
    ) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = self.lines.offset(&self.text, range.start, encoding);
                    let end = self.lines.offset(&self.text, range.end, encoding);
                    let (start, end) = (start.min(end), start.max(end));
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
            self.lines = LineIndex::new(&self.text);
        }
        self.version = version;
    }

    pub fn range(&self, span: crate::document::Span, encoding: PositionEncoding) -> Range {
        self.lines.range(&self.text, span, encoding)
    }
}

/// The open documents, by URI (sorted, so work over them runs in a stable order).
#[derive(Default)]
pub struct Documents {
    pub open: BTreeMap<Url, OpenDocument>,
}

impl Documents {
    /// The open texts, standing in for the files on disk.
    pub fn overlay(&self) -> crate::workspace::Overlay {
        let mut overlay = crate::workspace::Overlay::default();
        for doc in self.open.values() {
            overlay.insert(&doc.path, doc.text.clone(), crate::document::Encoding::Utf8);
        }
        overlay
    }

    pub fn by_path(&self, path: &Path) -> Option<(&Url, &OpenDocument)> {
        self.open.iter().find(|(_, d)| d.path == path)
    }
}

/// The normalized file path of a `file:` URI.
pub fn path_of(uri: &Url) -> Option<PathBuf> {
    (uri.scheme() == "file")
        .then(|| uri.to_file_path().ok())
        .flatten()
        .map(|p| normalize(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_in_the_negotiated_encoding() {
        // 'é' is 2 UTF-8 bytes and 1 UTF-16 unit; '𝄞' is 4 bytes and 2 units.
        let text = "ab\r\né𝄞x\ry";
        let lines = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(
            lines.position(text, x, PositionEncoding::Utf16),
            Position::new(1, 3)
        );
        assert_eq!(
            lines.position(text, x, PositionEncoding::Utf8),
            Position::new(1, 6)
        );
        // A lone CR ends a line too.
        let y = text.find('y').unwrap();
        assert_eq!(
            lines.position(text, y, PositionEncoding::Utf16),
            Position::new(2, 0)
        );
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            for offset in [0, 2, 4, x, y, text.len()] {
                let p = lines.position(text, offset, encoding);
                assert_eq!(
                    lines.offset(text, p, encoding),
                    offset,
                    "{encoding:?} {p:?}"
                );
            }
        }
        // Past the line's end: the line's end, before its CRLF.
        assert_eq!(
            lines.offset(text, Position::new(0, 99), PositionEncoding::Utf16),
            2
        );
        // Half a surrogate pair rounds down to the character.
        assert_eq!(
            lines.offset(text, Position::new(1, 2), PositionEncoding::Utf16),
            text.find('𝄞').unwrap()
        );
        assert_eq!(
            lines.offset(text, Position::new(9, 0), PositionEncoding::Utf8),
            text.len()
        );
    }

    #[test]
    fn applies_incremental_changes_in_order() {
        let mut doc = OpenDocument::new(PathBuf::from("/r/go.mod"), 1, "go 1.21\n".into());
        let change = |l1, c1, l2, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.into(),
        };
        doc.apply(
            2,
            vec![
                change(0, 5, 0, 7, "22"),
                change(1, 0, 1, 0, "toolchain go1.22\n"),
            ],
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text, "go 1.22\ntoolchain go1.22\n");
        assert_eq!(doc.version, 2);
        assert_eq!(doc.target, Some(Target::GoMod));
    }
}
