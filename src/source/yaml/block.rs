//! The fast path: a parser for the YAML that CI files are written in, reading the bytes
//! of the text once and building the tree directly, several times cheaper than saphyr's
//! event stream.
//!
//! It builds exactly the [`Built`] that `build::build` makes from saphyr's events (the
//! differential tests in `block_tests.rs` and the `yaml_fast` fuzz target hold it to
//! that), spans, values, zones and duplicate-key errors included, and returns `None`
//! ("not mine") as soon as it meets anything else; the saphyr path then parses the file.
//! Handled: block maps and sequences (compact `- key: v` maps, sequences at their key's
//! indent), one-line plain and quoted scalars, block scalars, one-line flow collections
//! of scalars and flow collections, comments, `---` between documents, CRLF. Left to
//! saphyr: anchors, aliases, tags, merge keys, `?` keys, multi-line plain, quoted or flow
//! nodes, tabs in indentation, `...`, directives, a scalar document, and every syntax
//! error (saphyr words the message).
//!
//! Spans follow saphyr's tokens as `build` corrects them; where saphyr puts a token in a
//! surprising place the comment at that spot says so.

use std::collections::HashMap;

use super::build::Built;
use super::tokens::trim_end;
use crate::document::{Entry, Node, ScalarStyle, SourceText, Span, SyntaxError, Text, Value};

/// Deeper nesting is left to saphyr (well under `build::MAX_DEPTH`, so this recursive
/// parser stays shallow on the stack).
const MAX_NESTING: usize = 100;

/// A key longer than this may be too long for a YAML simple key (1024 characters).
const MAX_KEY: usize = 1000;

/// "No further line in this document": the end of the text or a `---`/`...` line.
const END: isize = -1;

/// A map's keys are looked up by scanning until it has this many, then by hash.
const INDEX_FROM: usize = 16;

/// The tree of `source`, or `None` when the text uses YAML this parser leaves to saphyr.
pub(super) fn parse(source: &SourceText) -> Option<Built> {
    let bytes = source.text.as_bytes();
    // saphyr reads a NUL as the end of the text and a byte order mark (EF BB BF) as a
    // token. One pass for both: EF, which starts only U+F000..U+FFFF, is rare.
    if memchr::memchr2_iter(0, 0xEF, bytes)
        .any(|i| bytes[i] == 0 || bytes[i..].starts_with(b"\xEF\xBB\xBF"))
    {
        return None;
    }
    let mut parser = Parser {
        source,
        text: &source.text,
        b: bytes,
        pos: 0,
        depth: 0,
        // About one scalar per 16 bytes in workflow files.
        scalars: Vec::with_capacity(bytes.len() / 16),
        errors: Vec::new(),
        entries: Vec::new(),
        items: Vec::new(),
    };
    let root = parser.stream()?;
    Some(Built {
        root,
        errors: parser.errors,
        scalars: parser.scalars,
    })
}

struct Parser<'t> {
    source: &'t SourceText,
    text: &'t str,
    b: &'t [u8],
    /// The next byte to read.
    pos: usize,
    /// Collections open around `pos`.
    depth: usize,
    /// Every scalar token, in order (see [`Built::scalars`]).
    scalars: Vec<Span>,
    /// Duplicate keys: the only error this parser reports.
    errors: Vec<SyntaxError>,
    /// The entries of the maps being read, and the items of the sequences, innermost
    /// last: a finished collection takes its own off the end in one exactly sized
    /// allocation, where a vector of its own would grow several times.
    entries: Vec<Entry>,
    items: Vec<Node>,
}

/// A map being read: its entries are `entries[base..]`.
struct OpenMap {
    base: usize,
    /// Key → entry index, once the map is big enough.
    index: Option<HashMap<Text, usize>>,
}

/// A scalar or flow collection read on one line, and whether a `:` made it a key.
struct Inline {
    node: Node,
    key: bool,
}

fn blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// [`CLASS`] bit: the byte may end a plain scalar (white space, a line break, `:`).
const STOP: u8 = 1;
/// [`CLASS`] bit: the byte ends a plain scalar in a flow collection.
const FLOW_STOP: u8 = 2;

/// Each byte's [`STOP`] and [`FLOW_STOP`] bits (a NUL never reaches the parser).
static CLASS: [u8; 256] = {
    let mut class = [0; 256];
    let mut i = 0;
    while i < 6 {
        class[b" \t\n\r:\0"[i] as usize] = STOP;
        i += 1;
    }
    let mut i = 0;
    while i < 5 {
        class[b",[]{}"[i] as usize] = FLOW_STOP;
        i += 1;
    }
    class
};

impl Parser<'_> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    /// Whether the byte at `i` ends a line (a break or the end of the text).
    fn breakz(&self, i: usize) -> bool {
        matches!(self.at(i), b'\n' | b'\r' | 0)
    }

    /// Whether the byte at `i` is white space or ends a line.
    fn blankz(&self, i: usize) -> bool {
        matches!(self.at(i), b' ' | b'\t' | b'\n' | b'\r' | 0)
    }

    /// Whether a `- ` block entry starts at `i`.
    fn dash(&self, i: usize) -> bool {
        self.at(i) == b'-' && self.blankz(i + 1)
    }

    fn skip_spaces(&mut self) {
        while self.at(self.pos) == b' ' {
            self.pos += 1;
        }
    }

    /// Past the line break at `pos` (CRLF or LF); `None` at a lone CR, which saphyr also
    /// reads as a break.
    fn line_break(&mut self) -> Option<()> {
        match self.at(self.pos) {
            b'\n' => self.pos += 1,
            b'\r' if self.at(self.pos + 1) == b'\n' => self.pos += 2,
            0 if self.pos >= self.b.len() => {}
            _ => return None,
        }
        Some(())
    }

    /// From the end of a token: white space, a comment after white space, then the line
    /// break. Anything else is not mine.
    fn end_line(&mut self) -> Option<()> {
        let start = self.pos;
        while blank(self.at(self.pos)) {
            self.pos += 1;
        }
        if self.at(self.pos) == b'#' {
            if self.pos == start {
                return None;
            }
            self.skip_comment();
        }
        self.line_break()
    }

    fn skip_comment(&mut self) {
        let rest = &self.b[self.pos..];
        self.pos += memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
    }

    /// From the start of a line: past blank and comment lines to the first content byte of
    /// the next line, returning its column, or [`END`] at the end of the text or at a
    /// document marker (left at its line start).
    fn next_line(&mut self) -> Option<isize> {
        loop {
            let line = self.pos;
            self.skip_spaces();
            match self.at(self.pos) {
                b'#' => {
                    self.skip_comment();
                    self.line_break()?;
                }
                b'\n' | b'\r' => self.line_break()?,
                0 if self.pos >= self.b.len() => return Some(END),
                // A tab in the indentation: saphyr's rules on them are subtle.
                b'\t' => return None,
                _ => {
                    let col = self.pos - line;
                    if col == 0
                        && (self.b[line..].starts_with(b"---")
                            || self.b[line..].starts_with(b"..."))
                        && self.blankz(line + 3)
                    {
                        return Some(END);
                    }
                    return Some(col as isize);
                }
            }
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_NESTING).then_some(())
    }

    /// Record a scalar token (where a `#` is text) and make its node.
    fn scalar(&mut self, span: Span, value: Text, style: ScalarStyle) -> Node {
        if !span.is_empty() {
            self.scalars.push(span);
        }
        Node::scalar(span, value, style)
    }

    /// The documents: one node, or a list of them when `---` separates several.
    fn stream(&mut self) -> Option<Node> {
        let mut documents: Vec<Node> = Vec::new();
        let mut next = self.next_line()?;
        loop {
            if next == END {
                if self.pos >= self.b.len() {
                    break;
                }
                if !self.b[self.pos..].starts_with(b"---") {
                    return None;
                }
                self.pos += 3;
                self.end_line()?;
                next = self.next_line()?;
                if next == END {
                    return None;
                }
            } else if !documents.is_empty() {
                return None;
            }
            let (node, after) = self.block_node(next as usize, END)?;
            documents.push(node);
            if after != END {
                return None;
            }
            next = after;
        }
        Some(match documents.len() {
            0 => Node::map(Span::new(0, 0), Vec::new()),
            1 => documents.pop().expect("one document"),
            _ => {
                let span = documents[0].span.cover(documents[documents.len() - 1].span);
                Node::list(span, documents)
            }
        })
    }

    /// A node that starts a line at column `col` (`pos` at it), inside a block collection
    /// at column `parent`. Returns it and the column of the next line.
    fn block_node(&mut self, col: usize, parent: isize) -> Option<(Node, isize)> {
        if self.dash(self.pos) {
            return self.sequence(col, false);
        }
        if matches!(self.at(self.pos), b'|' | b'>') {
            return None;
        }
        let inline = self.inline(parent)?;
        if inline.key {
            return self.map(col, inline.node);
        }
        if parent == END {
            return None;
        }
        self.end_line()?;
        Some((inline.node, self.next_line()?))
    }

    /// A block sequence whose first `-` is at `pos`, column `col`. `indentless` is set for
    /// a sequence at its key's column, which saphyr starts at its first entry's content.
    fn sequence(&mut self, col: usize, indentless: bool) -> Option<(Node, isize)> {
        self.enter()?;
        let dash = self.pos;
        let mut start = None;
        let mut end = dash;
        let base = self.items.len();
        let next = loop {
            // `pos` is at a `-` followed by white space, at column `col`.
            let item_dash = self.pos;
            self.pos += 1;
            self.skip_spaces();
            if self.at(self.pos) == b'\t' {
                return None;
            }
            let content = self.pos;
            let (item, next) = if self.at(self.pos) == b'#' || self.breakz(self.pos) {
                if self.at(self.pos) == b'#' {
                    self.skip_comment();
                }
                // saphyr's entry token sits after the white space and comment.
                let entry = self.pos;
                start.get_or_insert(entry);
                self.line_break()?;
                let next = self.next_line()?;
                if next > col as isize {
                    self.block_node(next as usize, col as isize)?
                } else {
                    let node =
                        self.scalar(Span::new(entry, entry), Text::default(), ScalarStyle::Plain);
                    (node, next)
                }
            } else {
                start.get_or_insert(content);
                self.inline_item(col, col + (content - item_dash))?
            };
            end = end.max(item.span.end);
            self.items.push(item);
            if next == col as isize && self.dash(self.pos) {
                continue;
            }
            if next > col as isize || (next == col as isize && !indentless) {
                return None;
            }
            break next;
        };
        self.depth -= 1;
        let start = if indentless {
            start.unwrap_or(dash)
        } else {
            dash
        };
        let items = self.items.split_off(base);
        Some((Node::list(Span::new(start, end), items), next))
    }

    /// A sequence entry's node that starts on the `-` line (`pos` at it, column `here`):
    /// a nested `- `, a compact map, a block scalar or a one-line node.
    fn inline_item(&mut self, col: usize, here: usize) -> Option<(Node, isize)> {
        if self.dash(self.pos) {
            return self.sequence(here, false);
        }
        if matches!(self.at(self.pos), b'|' | b'>') {
            return self.block_scalar(col);
        }
        let inline = self.inline(col as isize)?;
        if inline.key {
            return self.map(here, inline.node);
        }
        self.end_line()?;
        Some((inline.node, self.next_line()?))
    }

    /// A block map at column `col` whose first key (`first`) was read; `pos` is just
    /// after its `:`.
    fn map(&mut self, col: usize, first: Node) -> Option<(Node, isize)> {
        self.enter()?;
        let start = first.span.start;
        let mut end = start;
        let mut map = self.open_map();
        let mut key = first;
        let next = loop {
            let (value, next) = self.map_value(col)?;
            end = end.max(value.span.end);
            self.add(&mut map, key, value)?;
            if next != col as isize {
                if next > col as isize {
                    return None;
                }
                break next;
            }
            let inline = self.inline(col as isize)?;
            if !inline.key {
                return None;
            }
            key = inline.node;
        };
        self.depth -= 1;
        let entries = self.entries.split_off(map.base);
        Some((Node::map(Span::new(start, end), entries), next))
    }

    /// The value after a block map's `:` (`pos` just after it) and the next line's column.
    fn map_value(&mut self, col: usize) -> Option<(Node, isize)> {
        let colon = self.pos - 1;
        self.skip_blanks();
        if self.at(self.pos) == b'#' || self.breakz(self.pos) {
            self.pos = colon + 1;
            self.end_line()?;
            let next = self.next_line()?;
            if next > col as isize {
                return self.block_node(next as usize, col as isize);
            }
            if next == col as isize && self.dash(self.pos) {
                return self.sequence(col, true);
            }
            // saphyr places an empty value at its `:`; `build` moves it just after.
            let node = self.scalar(
                Span::new(colon + 1, colon + 1),
                Text::default(),
                ScalarStyle::Plain,
            );
            return Some((node, next));
        }
        // saphyr's rules on a tab before a value are subtle.
        if self.b[colon + 1..self.pos].contains(&b'\t') {
            return None;
        }
        match self.at(self.pos) {
            b'|' | b'>' => self.block_scalar(col),
            b'-' if self.dash(self.pos) => None,
            _ => {
                let inline = self.inline(col as isize)?;
                if inline.key {
                    return None;
                }
                self.end_line()?;
                Some((inline.node, self.next_line()?))
            }
        }
    }

    fn open_map(&self) -> OpenMap {
        OpenMap {
            base: self.entries.len(),
            index: None,
        }
    }

    /// Add an entry to a map: a repeated key is an error and its value is dropped.
    fn add(&mut self, map: &mut OpenMap, key: Node, value: Node) -> Option<()> {
        let key_span = key.span;
        let Value::Scalar { value: key, style } = key.value else {
            return None;
        };
        if style == ScalarStyle::Plain && key == "<<" {
            return None;
        }
        let own = &self.entries[map.base..];
        let first = match &map.index {
            Some(index) => index.get(&key).copied(),
            None => own.iter().position(|e| e.key == key),
        };
        if let Some(first) = first {
            let line = self.source.position(own[first].key_span.start).line;
            let message = format!("duplicate key `{key}`; first at line {line}");
            self.errors.push(SyntaxError {
                span: key_span,
                message,
            });
            return Some(());
        }
        if let Some(index) = &mut map.index {
            index.insert(key.clone(), own.len());
        }
        self.entries.push(Entry {
            key,
            key_span,
            value,
        });
        let own = &self.entries[map.base..];
        if map.index.is_none() && own.len() >= INDEX_FROM {
            let index = own.iter().enumerate().map(|(i, e)| (e.key.clone(), i));
            map.index = Some(index.collect());
        }
        Some(())
    }

    /// A plain or quoted scalar or a flow collection at `pos` in a block collection at
    /// column `parent`, and whether a `:` follows it (then `pos` is past the `:`, and the
    /// node is a key).
    fn inline(&mut self, parent: isize) -> Option<Inline> {
        let start = self.pos;
        let (node, lines) = match self.at(start) {
            b'"' | b'\'' => (self.quoted()?, 1),
            b'[' | b'{' => {
                let node = self.flow()?;
                let after = self.pos;
                self.skip_blanks();
                if self.at(self.pos) == b':' {
                    return None;
                }
                self.pos = after;
                return Some(Inline { node, key: false });
            }
            _ => self.plain(parent)?,
        };
        let after = self.pos;
        self.skip_blanks();
        if self.at(self.pos) != b':' {
            self.pos = after;
            return Some(Inline { node, key: false });
        }
        // A key: one line, short, followed by white space.
        if lines > 1 || !self.blankz(self.pos + 1) || self.pos - start > MAX_KEY {
            return None;
        }
        self.pos += 1;
        Some(Inline { node, key: true })
    }

    fn skip_blanks(&mut self) {
        while blank(self.at(self.pos)) {
            self.pos += 1;
        }
    }

    /// A plain scalar in block context and how many lines it spans. It goes on over the
    /// following lines indented deeper than the collection it is in (at column
    /// `parent`), folded as saphyr folds them: one line break becomes a space, each
    /// further one a `\n`.
    fn plain(&mut self, parent: isize) -> Option<(Node, usize)> {
        let start = self.pos;
        let first = self.at(start);
        if never_starts_plain(first)
            || (matches!(first, b'-' | b'?' | b':') && self.blankz(start + 1))
        {
            return None;
        }
        let mut end = self.plain_end(start, false)?;
        if end == start {
            return None;
        }
        let mut folded: Option<Text> = None;
        let mut lines = 1;
        while let Some((line, breaks)) = self.continuation(end, parent)? {
            lines += 1;
            let line_end = self.plain_end(line, false)?;
            if line_end == line {
                return None;
            }
            let value = folded.get_or_insert_with(|| Text::from(&self.text[start..end]));
            if breaks == 1 {
                value.push(' ');
            } else {
                push_breaks(value, breaks - 1);
            }
            value.push_str(&self.text[line..line_end]);
            end = line_end;
        }
        self.pos = end;
        let value = folded.unwrap_or_else(|| Text::from(&self.text[start..end]));
        let node = self.scalar(Span::new(start, end), value, ScalarStyle::Plain);
        Some((node, lines))
    }

    /// Where a plain scalar that ended at `end` goes on: the start of its next line and
    /// the line breaks before it. `Some(None)` when it does not: it stopped before a
    /// comment or a `:`, or the next line with content is a comment or not indented
    /// deeper than `parent`.
    fn continuation(&self, end: usize, parent: isize) -> Option<Option<(usize, usize)>> {
        let mut i = end;
        while blank(self.at(i)) {
            i += 1;
        }
        if !matches!(self.at(i), b'\n' | b'\r') {
            return Some(None);
        }
        let mut breaks = 0;
        loop {
            match self.at(i) {
                b'\n' => i += 1,
                b'\r' if self.at(i + 1) == b'\n' => i += 2,
                _ => return None,
            }
            breaks += 1;
            let line = i;
            while self.at(i) == b' ' {
                i += 1;
            }
            match self.at(i) {
                b'\n' | b'\r' => continue,
                // saphyr's rules on tabs in indentation are subtle.
                b'\t' => return None,
                _ => {}
            }
            let col = (i - line) as isize;
            let ends = i >= self.b.len() || col <= parent || col == 0 || self.at(i) == b'#';
            return Some((!ends).then_some((i, breaks)));
        }
    }

    /// Where a one-line plain scalar starting at `start` ends: before ` #`, before a `:`
    /// followed by white space (or, in a flow, by a flow indicator), before a flow
    /// indicator in a flow, or at the line end. `None` where saphyr rejects a word of it
    /// (in a flow, a `-` followed by a flow indicator).
    fn plain_end(&self, start: usize, in_flow: bool) -> Option<usize> {
        let b = self.b;
        let stops = if in_flow { STOP | FLOW_STOP } else { STOP };
        let mut i = start;
        loop {
            if in_flow && b.get(i) == Some(&b'-') && flow_indicator(self.at(i + 1)) {
                return None;
            }
            // Most bytes cannot end the scalar: skip them at a table look-up each.
            while i < b.len() && CLASS[usize::from(b[i])] & stops == 0 {
                i += 1;
            }
            match self.at(i) {
                b':' if !self.value_indicator(i, in_flow) => i += 1,
                b' ' | b'\t' => {
                    let end = i;
                    while blank(self.at(i)) {
                        i += 1;
                    }
                    let c = self.at(i);
                    if self.breakz(i)
                        || c == b'#'
                        || (c == b':' && self.value_indicator(i, in_flow))
                        || (in_flow && flow_indicator(c))
                    {
                        return Some(end);
                    }
                }
                _ => return Some(i),
            }
        }
    }

    /// Whether the `:` at `i` is a value indicator rather than text.
    fn value_indicator(&self, i: usize, in_flow: bool) -> bool {
        self.blankz(i + 1) || (in_flow && flow_indicator(self.at(i + 1)))
    }

    /// A single- or double-quoted scalar that closes on its line.
    fn quoted(&mut self) -> Option<Node> {
        let start = self.pos;
        let quote = self.at(start);
        let mut value = Text::default();
        let mut i = start + 1;
        let mut run = i;
        loop {
            match self.at(i) {
                b'\n' | b'\r' => return None,
                0 if i >= self.b.len() => return None,
                b'\'' if quote == b'\'' => {
                    value.push_str(&self.text[run..i]);
                    if self.at(i + 1) == b'\'' {
                        value.push('\'');
                        i += 2;
                        run = i;
                        continue;
                    }
                    break;
                }
                b'"' if quote == b'"' => {
                    value.push_str(&self.text[run..i]);
                    break;
                }
                b'\\' if quote == b'"' => {
                    value.push_str(&self.text[run..i]);
                    let (c, len) = self.escape(i)?;
                    value.push(c);
                    i += len;
                    run = i;
                }
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        // saphyr wants white space before a comment after the quote.
        if self.at(self.pos) == b'#' {
            return None;
        }
        let style = if quote == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        Some(self.scalar(Span::new(start, self.pos), value, style))
    }

    /// The escape sequence at `i` (a `\`) in a double-quoted scalar and its length, as
    /// saphyr decodes it; `None` for a line continuation or an invalid escape.
    fn escape(&self, i: usize) -> Option<(char, usize)> {
        let simple = match self.at(i + 1) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' | b'\t' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{A0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.hex_escape(i, 2),
            b'u' => return self.hex_escape(i, 4),
            b'U' => return self.hex_escape(i, 8),
            _ => return None,
        };
        Some((simple, 2))
    }

    fn hex_escape(&self, i: usize, digits: usize) -> Option<(char, usize)> {
        let hex = self.text.get(i + 2..i + 2 + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let code = u32::from_str_radix(hex, 16).ok()?;
        Some((char::from_u32(code)?, 2 + digits))
    }

    /// A flow sequence or map that closes on its line (`pos` at its bracket).
    fn flow(&mut self) -> Option<Node> {
        self.enter()?;
        let open = self.pos;
        let map = self.at(open) == b'{';
        let close = if map { b'}' } else { b']' };
        self.pos += 1;
        let items = self.items.len();
        let mut entries = self.open_map();
        self.skip_spaces();
        if self.at(self.pos) != close {
            loop {
                if map {
                    let key = self.flow_scalar()?;
                    self.skip_spaces();
                    if self.at(self.pos) != b':' || self.at(self.pos + 1) != b' ' {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_spaces();
                    let value = self.flow_item()?;
                    self.add(&mut entries, key, value)?;
                } else {
                    let item = self.flow_item()?;
                    self.items.push(item);
                }
                self.skip_spaces();
                match self.at(self.pos) {
                    b',' => {
                        self.pos += 1;
                        self.skip_spaces();
                        // A trailing comma: saphyr's spans differ there.
                        if self.at(self.pos) == close {
                            return None;
                        }
                    }
                    c if c == close => break,
                    _ => return None,
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        let span = Span::new(open, self.pos);
        Some(if map {
            Node::map(span, self.entries.split_off(entries.base))
        } else {
            Node::list(span, self.items.split_off(items))
        })
    }

    /// An entry of a flow collection: a nested one or a scalar (not a `key: value` pair).
    fn flow_item(&mut self) -> Option<Node> {
        let node = match self.at(self.pos) {
            b'[' | b'{' => self.flow()?,
            _ => self.flow_scalar()?,
        };
        self.skip_spaces();
        (self.at(self.pos) != b':').then_some(node)
    }

    /// A quoted or plain scalar inside a flow collection.
    fn flow_scalar(&mut self) -> Option<Node> {
        let start = self.pos;
        let first = self.at(start);
        if first == b'"' || first == b'\'' {
            return self.quoted();
        }
        // `?` and `:` start no flow scalar this parser takes. White space here is a tab,
        // which saphyr skips (this parser skips only spaces).
        if never_starts_plain(first)
            || matches!(first, b'?' | b':')
            || blank(first)
            || (first == b'-' && (self.blankz(start + 1) || flow_indicator(self.at(start + 1))))
        {
            return None;
        }
        let end = self.plain_end(start, true)?;
        if end == start {
            return None;
        }
        self.pos = end;
        let value = Text::from(&self.text[start..end]);
        Some(self.scalar(Span::new(start, end), value, ScalarStyle::Plain))
    }

    /// A `|` or `>` block scalar (`pos` at its indicator) in a block collection at column
    /// `parent`, read as saphyr's `scan_block_scalar` reads it; returns it and the column of
    /// the line after it.
    fn block_scalar(&mut self, parent: usize) -> Option<(Node, isize)> {
        let indicator = self.pos;
        let literal = self.at(indicator) == b'|';
        let header = Header::read(&self.b[indicator + 1..])?;
        self.pos = indicator + 1 + header.len;
        self.end_line()?;
        let content = self.pos;
        if self.at(self.pos) == b'\t' {
            return None;
        }
        let mut trailing = 0;
        let (indent, mut col) = match header.increment {
            Some(increment) => {
                let indent = parent + increment;
                (indent, self.skip_indent(indent, &mut trailing)?)
            }
            None => self.first_indent(parent, &mut trailing)?,
        };
        if self.pos >= self.b.len() {
            // No content up to the end of the text. saphyr's token then starts at the
            // indicator, so `build` spans it (and its zone) to the end of the header line.
            if header.chomp == Chomp::Keep {
                return None;
            }
            let span = Span::new(indicator, trim_end(self.b, indicator, self.b.len()));
            return Some((
                self.block_node_value(span, span, Text::default(), literal),
                END,
            ));
        }
        if col < indent && col > parent {
            return None;
        }
        let mut value = Text::default();
        let mut leading_break = false;
        let mut leading_blank = false;
        while col == indent && !self.breakz(self.pos) {
            let trailing_blank = blank(self.at(self.pos));
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing == 0 {
                    value.push(' ');
                }
            } else if leading_break {
                value.push('\n');
            }
            push_breaks(&mut value, trailing);
            leading_break = false;
            trailing = 0;
            leading_blank = trailing_blank;
            let rest = &self.b[self.pos..];
            let line_end = self.pos + memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
            value.push_str(&self.text[self.pos..line_end]);
            col += line_end - self.pos;
            self.pos = line_end;
            if self.pos >= self.b.len() {
                break;
            }
            self.line_break()?;
            leading_break = true;
            col = self.skip_indent(indent, &mut trailing)?;
        }
        if header.chomp != Chomp::Strip {
            if leading_break {
                value.push('\n');
            }
            if self.pos >= self.b.len() && col >= indent {
                value.push('\n');
            }
        }
        if header.chomp == Chomp::Keep {
            push_breaks(&mut value, trailing);
        }
        // The span runs from the indicator to the last content byte; the zone (where a
        // `#` is text) from the first content line's start.
        let content_end = trim_end(self.b, content, self.pos.max(content));
        let (span, zone) = if content_end <= content {
            let header_end = indicator + 1 + header.len_for_span;
            (Span::new(indicator, header_end), Span::new(0, 0))
        } else {
            (
                Span::new(indicator, content_end),
                Span::new(content, content_end),
            )
        };
        let node = self.block_node_value(span, zone, value, literal);
        if self.pos >= self.b.len() {
            return Some((node, END));
        }
        // The scalar ended at a less indented line (`col` spaces read of it).
        self.pos -= col;
        Some((node, self.next_line()?))
    }

    fn block_node_value(&mut self, span: Span, zone: Span, value: Text, literal: bool) -> Node {
        if !zone.is_empty() {
            self.scalars.push(zone);
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        Node::scalar(span, value, style)
    }

    /// saphyr's `skip_block_scalar_indent`: spaces up to `indent`, and the empty lines
    /// (each one more trailing break). Returns the spaces read of the line it stops on.
    fn skip_indent(&mut self, indent: usize, trailing: &mut usize) -> Option<usize> {
        loop {
            let line = self.pos;
            while self.pos - line < indent && self.at(self.pos) == b' ' {
                self.pos += 1;
            }
            if !matches!(self.at(self.pos), b'\n' | b'\r') {
                return Some(self.pos - line);
            }
            self.line_break()?;
            *trailing += 1;
        }
    }

    /// saphyr's `skip_block_scalar_first_line_indent`: the indent of an auto-detected block
    /// scalar, from the leading empty lines and the first content line; and the spaces
    /// read of the line it stops on.
    fn first_indent(&mut self, parent: usize, trailing: &mut usize) -> Option<(usize, usize)> {
        let mut max = 0;
        loop {
            let line = self.pos;
            self.skip_spaces();
            max = max.max(self.pos - line);
            if !matches!(self.at(self.pos), b'\n' | b'\r') {
                return Some((max.max(parent + 1), self.pos - line));
            }
            self.line_break()?;
            *trailing += 1;
        }
    }
}

/// YAML's indicators (1.2 spec, production [22] c-indicator) other than `-`, `?` and
/// `:`, which start a plain scalar when no space follows: these never do.
fn never_starts_plain(byte: u8) -> bool {
    matches!(
        byte,
        b'[' | b']'
            | b'{'
            | b'}'
            | b','
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

fn push_breaks(value: &mut Text, count: usize) {
    for _ in 0..count {
        value.push('\n');
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// A block scalar header after its indicator: chomping and indentation indicators, in
/// either order.
struct Header {
    chomp: Chomp,
    increment: Option<usize>,
    /// Bytes read.
    len: usize,
    /// Bytes `tokens::block_scalar` counts in the header (up to two of `1-9+-`).
    len_for_span: usize,
}

impl Header {
    fn read(bytes: &[u8]) -> Option<Header> {
        let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
        let chomp_of = |b: u8| match b {
            b'+' => Some(Chomp::Keep),
            b'-' => Some(Chomp::Strip),
            _ => None,
        };
        let digit = |b: u8| match b {
            b'1'..=b'9' => Some(Some(usize::from(b - b'0'))),
            b'0' => None,
            _ => Some(None),
        };
        let mut chomp = Chomp::Clip;
        let mut increment = None;
        let mut len = 0;
        if let Some(c) = chomp_of(at(0)) {
            chomp = c;
            increment = digit(at(1))?;
            len = 1 + usize::from(increment.is_some());
        } else if let Some(n) = digit(at(0))? {
            increment = Some(n);
            len = 1;
            if let Some(c) = chomp_of(at(1)) {
                chomp = c;
                len = 2;
            }
        }
        let len_for_span = bytes
            .iter()
            .take(2)
            .take_while(|b| matches!(b, b'1'..=b'9' | b'+' | b'-'))
            .count();
        Some(Header {
            chomp,
            increment,
            len,
            len_for_span,
        })
    }
}
