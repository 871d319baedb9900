//! The span tree from saphyr's events: an explicit stack of open collections (no
//! recursion, so nesting depth costs heap, not stack), anchors and aliases, and the
//! limits on both.

use std::collections::HashMap;

use saphyr_parser::{Event, Input, Parser, ScalarStyle as Style, ScanError, Span as Marks};

use super::maps::{key_of, merge, MapFrame};
use super::offsets::{padded, Offsets, Pad};
use super::tokens::{
    after_colon, block_scalar, char_span, closing_bracket, quoted, skip_properties, trim_end,
};
use crate::document::{Node, ScalarStyle, SourceText, Span, SyntaxError};

/// At most this many collections nest (aliases included). Deeper input is an error:
/// every consumer of the tree (drop included) may recurse once per level.
pub(super) const MAX_DEPTH: usize = 1000;

/// Aliases may create `ALIAS_BASE + ALIAS_FACTOR × (nodes read so far)` nodes in all.
pub(super) const ALIAS_BASE: usize = 100_000;
pub(super) const ALIAS_FACTOR: usize = 10;

pub(super) struct Built {
    pub root: Node,
    pub errors: Vec<SyntaxError>,
    /// Where a `#` is text, not a comment: every scalar token (a block scalar's content).
    pub scalars: Vec<Span>,
}

/// Build the tree of a YAML stream. Stops at the first syntax error, keeping what was
/// built before it.
///
/// saphyr rejects a line of a multi-line flow collection indented no deeper than the
/// block around it ("invalid indentation"), as the YAML 1.2 spec says (test 9C9N), but
/// libyaml, PyYAML, Psych (GitLab) and go-yaml accept it, and real files close
/// `needs: [` with a `]` under `needs`. So on that error we parse again, feeding saphyr
/// spaces that indent that line past the collection's opening bracket (leading white
/// space inside a flow collection means nothing), until the file parses or the work
/// reaches four times the file plus 32 MB of text.
pub(super) fn build(source: &SourceText) -> Built {
    let chars = source.text.chars().count();
    let budget = chars.saturating_mul(4).saturating_add(32 << 20);
    let mut fed = chars;
    let mut pads: Vec<Pad> = Vec::new();
    loop {
        let mut builder = Builder::new(source, &pads);
        if pads.is_empty() {
            builder.run(Parser::new_from_str(&source.text));
        } else {
            builder.run(Parser::new_from_iter(padded(&source.text, &pads)));
        }
        let retry = builder.retry.take();
        fed = fed.saturating_add(chars);
        match retry {
            Some(pad) if fed <= budget && !pads.iter().any(|p| p.at == pad.at) => {
                let at = pads.partition_point(|p| p.at < pad.at);
                pads.insert(at, pad);
            }
            _ => return builder.finish(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
}

/// How big a subtree is: its nodes (itself included) and how many collections nest in
/// it (0 for a scalar).
#[derive(Clone, Copy)]
struct Size {
    count: usize,
    height: usize,
}

enum Anchored {
    /// The anchored collection is still being read: an alias to it is recursive.
    Open,
    Done(Box<(Node, Size)>),
    /// Too big to copy within the alias budget.
    TooLarge,
}

struct Frame {
    kind: Kind,
    start: usize,
    /// The column saphyr gave the start (in the text it was fed).
    col: usize,
    /// The end of the content so far; a flow collection's closing bracket once closed.
    end: usize,
    flow: bool,
    anchor: usize,
    size: Size,
}

enum Kind {
    List(Vec<Node>),
    Map(MapFrame),
}

struct Builder<'t> {
    source: &'t SourceText,
    text: &'t str,
    offsets: Offsets<'t>,
    stack: Vec<Frame>,
    documents: Vec<Node>,
    anchors: HashMap<usize, Anchored>,
    errors: Vec<SyntaxError>,
    scalars: Vec<Span>,
    /// The end of the last event: a block scalar's indicator comes after it.
    prev_end: usize,
    /// Nodes read from the source.
    parsed: usize,
    /// Nodes created by aliases.
    expanded: usize,
    /// Nodes copied to remember anchored nodes (held to the same budget).
    remembered: usize,
    /// Spaces that would get past the error saphyr stopped at (see [`build`]).
    retry: Option<Pad>,
}

impl<'t> Builder<'t> {
    fn new(source: &'t SourceText, pads: &[Pad]) -> Self {
        Builder {
            source,
            text: &source.text,
            offsets: Offsets::new(&source.text, pads),
            stack: Vec::new(),
            documents: Vec::new(),
            anchors: HashMap::new(),
            errors: Vec::new(),
            scalars: Vec::new(),
            prev_end: 0,
            parsed: 0,
            expanded: 0,
            remembered: 0,
            retry: None,
        }
    }

    fn run<'i, T: Input>(&mut self, parser: Parser<'i, T>) {
        for next in parser {
            let flow = match next {
                Ok((event, marks)) => self.event(event, marks),
                Err(error) => self.scan_error(&error),
            };
            if flow == Flow::Stop {
                break;
            }
        }
    }

    fn event(&mut self, event: Event<'_>, marks: Marks) -> Flow {
        let start = self.offsets.byte(marks.start.index());
        let end = self.offsets.byte(marks.end.index()).max(start);
        let col = marks.start.col();
        let flow = match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {
                Flow::Continue
            }
            Event::DocumentStart(_) => {
                self.anchors.clear();
                Flow::Continue
            }
            Event::Alias(id) => self.alias(id, Span::new(start, end)),
            Event::Scalar(value, style, anchor, tag) => {
                let props = anchor != 0 || tag.is_some();
                self.scalar(value.into_owned(), style, anchor, props, start, end)
            }
            Event::SequenceStart(anchor, _) => {
                self.open(Kind::List(Vec::new()), anchor, start, end, col)
            }
            Event::MappingStart(anchor, _) => {
                self.open(Kind::Map(MapFrame::default()), anchor, start, end, col)
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(start, end),
        };
        self.prev_end = self.prev_end.max(end);
        flow
    }

    fn scan_error(&mut self, error: &ScanError) -> Flow {
        let mark = error.marker();
        if error.info() == "invalid indentation" {
            if let Some(bracket) = self.stack.iter().find(|f| f.flow) {
                let count = (bracket.col + 1).saturating_sub(mark.col());
                if count > 0 {
                    let at = self.offsets.original(mark.index());
                    self.retry = Some(Pad { at, count });
                }
            }
        }
        let at = self.offsets.byte(mark.index());
        self.error(char_span(self.text, at), error.info().to_owned());
        Flow::Stop
    }

    fn scalar(
        &mut self,
        value: String,
        style: Style,
        anchor: usize,
        props: bool,
        start: usize,
        end: usize,
    ) -> Flow {
        self.parsed += 1;
        let (span, zone, style) = match style {
            Style::Plain if value.is_empty() => {
                // saphyr gives an empty scalar the span of the token after it; keep only
                // its properties, or place it after its key's `:`.
                let bytes = self.text.as_bytes();
                let span = if props {
                    Span::new(
                        start,
                        trim_end(bytes, start, skip_properties(bytes, start, end)),
                    )
                } else if self.awaits_value() {
                    after_colon(self.text, start)
                } else {
                    Span::new(start, start)
                };
                (span, None, ScalarStyle::Plain)
            }
            Style::Plain => {
                let span = Span::new(start, end);
                (span, Some(span), ScalarStyle::Plain)
            }
            Style::SingleQuoted => {
                let span = quoted(self.text.as_bytes(), start, end, b'\'');
                (span, Some(span), ScalarStyle::SingleQuoted)
            }
            Style::DoubleQuoted => {
                let span = quoted(self.text.as_bytes(), start, end, b'"');
                (span, Some(span), ScalarStyle::DoubleQuoted)
            }
            Style::Literal | Style::Folded => {
                let (span, zone) =
                    block_scalar(self.text.as_bytes(), self.prev_end, start, end, props);
                let style = if style == Style::Literal {
                    ScalarStyle::Literal
                } else {
                    ScalarStyle::Folded
                };
                (span, zone, style)
            }
        };
        if let Some(zone) = zone.filter(|z| !z.is_empty()) {
            self.scalars.push(zone);
        }
        let node = Node::scalar(span, value, style);
        let size = Size {
            count: 1,
            height: 0,
        };
        if anchor != 0 {
            self.remember(anchor, &node, size);
        }
        self.attach(node, size, span);
        Flow::Continue
    }

    fn alias(&mut self, id: usize, token: Span) -> Flow {
        let name = &self.text[token.start..token.end];
        let (node, size) = match self.anchors.get(&id) {
            Some(Anchored::Done(done)) => {
                let (node, size) = &**done;
                let limit = self.alias_limit();
                if self.expanded + size.count > limit {
                    return self.alias_bomb(token, limit);
                }
                if self.stack.len() + size.height > MAX_DEPTH {
                    self.error(token, too_deep());
                    return Flow::Stop;
                }
                self.expanded += size.count;
                (node.clone(), *size)
            }
            Some(Anchored::TooLarge) => return self.alias_bomb(token, self.alias_limit()),
            Some(Anchored::Open) => {
                let message =
                    format!("alias `{name}` is inside the node it refers to (a recursive alias)");
                self.error(token, message);
                (
                    null(token.start),
                    Size {
                        count: 1,
                        height: 0,
                    },
                )
            }
            None => {
                let message = format!("alias `{name}` refers to an anchor of another document");
                self.error(token, message);
                (
                    null(token.start),
                    Size {
                        count: 1,
                        height: 0,
                    },
                )
            }
        };
        self.attach(node, size, token);
        Flow::Continue
    }

    fn alias_bomb(&mut self, token: Span, limit: usize) -> Flow {
        let message = format!("alias expansion exceeds {limit} nodes (a YAML alias bomb?)");
        self.error(token, message);
        Flow::Stop
    }

    fn alias_limit(&self) -> usize {
        ALIAS_BASE.saturating_add(ALIAS_FACTOR.saturating_mul(self.parsed))
    }

    fn remember(&mut self, anchor: usize, node: &Node, size: Size) {
        let anchored = if self.remembered + size.count > self.alias_limit() {
            Anchored::TooLarge
        } else {
            self.remembered += size.count;
            Anchored::Done(Box::new((node.clone(), size)))
        };
        self.anchors.insert(anchor, anchored);
    }

    fn open(&mut self, kind: Kind, anchor: usize, start: usize, end: usize, col: usize) -> Flow {
        self.parsed += 1;
        if self.stack.len() >= MAX_DEPTH {
            self.error(char_span(self.text, start), too_deep());
            return Flow::Stop;
        }
        // A flow collection's start event covers its bracket (after any properties); a
        // block collection's is empty, or covers only its properties.
        let bracket = skip_properties(self.text.as_bytes(), start, end);
        let flow = bracket < end && matches!(self.text.as_bytes()[bracket], b'[' | b'{');
        if anchor != 0 {
            self.anchors.insert(anchor, Anchored::Open);
        }
        self.stack.push(Frame {
            kind,
            start,
            col,
            end: if flow { bracket + 1 } else { start },
            flow,
            anchor,
            size: Size {
                count: 1,
                height: 1,
            },
        });
        Flow::Continue
    }

    fn close(&mut self, start: usize, end: usize) -> Flow {
        let Some(mut frame) = self.stack.pop() else {
            return Flow::Continue;
        };
        if frame.flow {
            frame.end = frame
                .end
                .max(closing_bracket(self.text.as_bytes(), start, end));
        }
        self.close_frame(frame);
        Flow::Continue
    }

    fn close_frame(&mut self, frame: Frame) {
        let span = Span::new(frame.start, frame.end);
        let node = match frame.kind {
            Kind::List(items) => Node::list(span, items),
            Kind::Map(map) => Node::map(span, merge(map.entries, &map.merges)),
        };
        if frame.anchor != 0 {
            self.remember(frame.anchor, &node, frame.size);
        }
        self.attach(node, frame.size, span);
    }

    /// Add a finished node to the collection it is in; `token` is where it is written
    /// (for an alias, the alias, not the anchored node).
    fn attach(&mut self, node: Node, size: Size, token: Span) {
        let Some(parent) = self.stack.last_mut() else {
            self.documents.push(node);
            return;
        };
        parent.size.count = parent.size.count.saturating_add(size.count);
        parent.size.height = parent.size.height.max(size.height + 1);
        parent.end = parent.end.max(token.end);
        let map = match &mut parent.kind {
            Kind::List(items) => {
                items.push(node);
                return;
            }
            Kind::Map(map) => map,
        };
        let Some(key) = map.key.take() else {
            map.key = Some(key_of(self.text, node, token));
            return;
        };
        let first = if key.merge { None } else { map.find(&key.text) };
        match first {
            // The first value is kept.
            Some(first) => {
                let line = self.source.position(map.entries[first].key_span.start).line;
                let message = format!("duplicate key `{}`; first at line {line}", key.text);
                self.errors.push(SyntaxError {
                    span: key.span,
                    message,
                });
            }
            None => map.insert(key, node),
        }
    }

    /// Whether the next node is a map's value.
    fn awaits_value(&self) -> bool {
        matches!(self.stack.last(), Some(Frame { kind: Kind::Map(m), .. }) if m.key.is_some())
    }

    fn error(&mut self, span: Span, message: String) {
        self.errors.push(SyntaxError { span, message });
    }

    fn finish(mut self) -> Built {
        while let Some(frame) = self.stack.pop() {
            self.close_frame(frame);
        }
        let root = match self.documents.len() {
            0 => Node::map(Span::new(0, 0), Vec::new()),
            1 => self.documents.pop().expect("one document"),
            _ => {
                let first = self.documents[0].span;
                let last = self.documents[self.documents.len() - 1].span;
                Node::list(first.cover(last), self.documents)
            }
        };
        Built {
            root,
            errors: self.errors,
            scalars: self.scalars,
        }
    }
}

/// An empty scalar standing for an alias that cannot be resolved.
fn null(at: usize) -> Node {
    Node::scalar(Span::new(at, at), "", ScalarStyle::Plain)
}

fn too_deep() -> String {
    format!("more than {MAX_DEPTH} nested collections")
}
