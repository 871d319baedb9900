//! Path queries over the span tree: `require[*].path`, `use[?path == './a']`, `$`.
//!
//! A query is compiled once per rule and walks a document without allocating per node
//! beyond the result list. Walking into a `Value::Link` continues in the linked document,
//! so each hit carries the document its node belongs to.

use crate::document::{Document, Node, Value};

/// A node found by a query, with the document whose text its span indexes.
#[derive(Clone, Copy, Debug)]
pub struct Hit<'d> {
    pub doc: &'d Document,
    pub node: &'d Node,
}

impl<'d> Hit<'d> {
    pub fn raw(&self) -> &'d str {
        self.doc.raw(self.node.span)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Query {
    /// `/a.b`: from the root of the document the query starts in, wherever it starts.
    absolute: bool,
    segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    Key(String),
    /// `.*`: every child of a map (or item of a list).
    Children,
    /// `[*]`: every item of a list.
    Items,
    Index(usize),
    /// `[?a && b == 'x']`: items for which every condition holds.
    Filter(Vec<Filter>),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Filter {
    key: Query,
    negated: bool,
    comparison: Option<(Comparison, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Comparison {
    Equals,
    NotEquals,
    StartsWith,
    Contains,
    EndsWith,
}

impl Query {
    /// Parse a query; the error says what is wrong and at which byte of the query.
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let text_trimmed = text.trim();
        if text_trimmed == "$" || text_trimmed.is_empty() {
            return Ok(Query {
                absolute: false,
                segments: Vec::new(),
            });
        }
        let mut parser = Parser {
            text,
            pos: text.len() - text.trim_start().len(),
        };
        let absolute = parser.eat("/");
        let mut query = parser.path()?;
        query.absolute = absolute;
        parser.skip_spaces();
        if parser.pos < text.trim_end().len() {
            return Err(parser.error("unexpected character"));
        }
        Ok(query)
    }

    /// Every node this query reaches from `start`, in document order.
    pub fn select<'d>(&self, start: Hit<'d>) -> Vec<Hit<'d>> {
        let Some((first, rest)) = self.segments.split_first() else {
            return vec![self.start(start)];
        };
        // The first step from the start node, then two lists swapped at each step, so a
        // walk allocates for its widest step only, and nothing when it finds nothing
        // (most queries, on most files: `runs.steps` in a workflow).
        let mut current = Vec::new();
        first.step(self.start(start), &mut current);
        let mut next = Vec::new();
        for segment in rest {
            if current.is_empty() {
                break;
            }
            for hit in current.drain(..) {
                segment.step(hit, &mut next);
            }
            std::mem::swap(&mut current, &mut next);
        }
        current
    }

    /// The first node this query reaches, if any.
    pub fn first<'d>(&self, start: Hit<'d>) -> Option<Hit<'d>> {
        if let Some(found) = self.follow(start) {
            return found;
        }
        self.select(start).into_iter().next()
    }

    /// For a path of keys and indexes only (one node at most, the common case in
    /// filters, `on` and templates): walk it without allocating. `None` for other paths.
    fn follow<'d>(&self, start: Hit<'d>) -> Option<Option<Hit<'d>>> {
        let mut hit = self.start(start);
        for segment in &self.segments {
            let current = resolve(hit);
            let next = match (segment, &current.node.value) {
                (Segment::Key(key), Value::Map(entries)) => {
                    entries.iter().find(|e| e.key == key).map(|e| &e.value)
                }
                (Segment::Index(i), Value::List(items)) => items.get(*i),
                (Segment::Key(_) | Segment::Index(_), _) => None,
                _ => return None,
            };
            match next {
                Some(node) => {
                    hit = Hit {
                        doc: current.doc,
                        node,
                    }
                }
                None => return Some(None),
            }
        }
        Some(Some(hit))
    }
}

impl Query {
    fn start<'d>(&self, from: Hit<'d>) -> Hit<'d> {
        if self.absolute {
            Hit {
                doc: from.doc,
                node: &from.doc.root,
            }
        } else {
            from
        }
    }
}

/// Follow links: a node that is a link stands for its document's root.
fn resolve(hit: Hit<'_>) -> Hit<'_> {
    match &hit.node.value {
        Value::Link(doc) => Hit {
            doc,
            node: &doc.root,
        },
        _ => hit,
    }
}

impl Segment {
    fn step<'d>(&self, hit: Hit<'d>, out: &mut Vec<Hit<'d>>) {
        let hit = resolve(hit);
        let doc = hit.doc;
        match (self, &hit.node.value) {
            (Segment::Key(key), Value::Map(entries)) => {
                out.extend(entries.iter().filter(|e| e.key == key).map(|e| Hit {
                    doc,
                    node: &e.value,
                }))
            }
            (Segment::Children, Value::Map(entries)) => out.extend(entries.iter().map(|e| Hit {
                doc,
                node: &e.value,
            })),
            (Segment::Children | Segment::Items, Value::List(items)) => {
                out.extend(items.iter().map(|node| Hit { doc, node }))
            }
            (Segment::Index(i), Value::List(items)) => {
                out.extend(items.get(*i).map(|node| Hit { doc, node }))
            }
            (Segment::Filter(filters), Value::List(items)) => out.extend(
                items
                    .iter()
                    .map(|node| Hit { doc, node })
                    .filter(|item| filters.iter().all(|f| f.accepts(*item))),
            ),
            (Segment::Filter(filters), Value::Map(entries)) => out.extend(
                entries
                    .iter()
                    .map(|e| Hit {
                        doc,
                        node: &e.value,
                    })
                    .filter(|item| filters.iter().all(|f| f.accepts(*item))),
            ),
            _ => {}
        }
    }
}

impl Filter {
    fn accepts(&self, item: Hit<'_>) -> bool {
        let matches = |hit: &Hit<'_>| match &self.comparison {
            None => true,
            Some((comparison, operand)) => {
                hit.node.as_str().is_some_and(|value| match comparison {
                    Comparison::Equals => value == operand,
                    Comparison::NotEquals => value != operand,
                    Comparison::StartsWith => value.starts_with(operand.as_str()),
                    Comparison::Contains => value.contains(operand.as_str()),
                    Comparison::EndsWith => value.ends_with(operand.as_str()),
                })
            }
        };
        let passes = match self.key.follow(item) {
            Some(one) => one.is_some_and(|hit| matches(&hit)),
            None => self.key.select(item).iter().any(matches),
        };
        passes != self.negated
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at offset {offset} of the query")]
pub struct QueryError {
    pub message: String,
    pub offset: usize,
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> QueryError {
        QueryError {
            message: message.to_owned(),
            offset: self.pos,
        }
    }
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }
    fn eat(&mut self, s: &str) -> bool {
        if self.text[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.pos += 1;
        }
    }

    /// path := step ( '.' step | '[' bracket ']' )*
    fn path(&mut self) -> Result<Query, QueryError> {
        let mut segments = Vec::new();
        // A path may open with a bracket: `['go-version']`.
        let mut need_step = self.peek() != Some('[');
        loop {
            if need_step {
                segments.push(self.step()?);
                need_step = false;
            } else if self.eat(".") {
                need_step = true;
            } else if self.eat("[") {
                segments.push(self.bracket()?);
                if !self.eat("]") {
                    return Err(self.error("expected `]`"));
                }
            } else {
                return Ok(Query {
                    absolute: false,
                    segments,
                });
            }
        }
    }

    fn step(&mut self) -> Result<Segment, QueryError> {
        if self.eat("*") {
            return Ok(Segment::Children);
        }
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '$' | '@' | '/') {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        if start == self.pos {
            return Err(self.error("expected a key"));
        }
        Ok(Segment::Key(self.text[start..self.pos].to_owned()))
    }

    fn bracket(&mut self) -> Result<Segment, QueryError> {
        self.skip_spaces();
        if self.eat("*") {
            self.skip_spaces();
            return Ok(Segment::Items);
        }
        if self.peek() == Some('\'') {
            let key = self.quoted()?;
            self.skip_spaces();
            return Ok(Segment::Key(key));
        }
        if self.eat("?") {
            return self.filter();
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let index = self.text[start..self.pos]
            .parse()
            .map_err(|_| self.error("expected `*`, `?`, an index or a quoted key"))?;
        self.skip_spaces();
        Ok(Segment::Index(index))
    }

    /// filter := condition ( '&&' condition )*
    fn filter(&mut self) -> Result<Segment, QueryError> {
        let mut conditions = vec![self.condition()?];
        while self.eat("&&") {
            conditions.push(self.condition()?);
        }
        Ok(Segment::Filter(conditions))
    }

    fn condition(&mut self) -> Result<Filter, QueryError> {
        self.skip_spaces();
        let negated = self.eat("!");
        let key = self.path()?;
        self.skip_spaces();
        let comparison = [
            ("==", Comparison::Equals),
            ("!=", Comparison::NotEquals),
            ("^=", Comparison::StartsWith),
            ("*=", Comparison::Contains),
            ("$=", Comparison::EndsWith),
        ]
        .into_iter()
        .find(|(op, _)| self.eat(op))
        .map(|(_, comparison)| comparison);
        let comparison = match comparison {
            Some(comparison) => {
                if negated {
                    return Err(self.error("`!` goes with a bare key, not a comparison"));
                }
                self.skip_spaces();
                let operand = self.quoted()?;
                self.skip_spaces();
                Some((comparison, operand))
            }
            None => None,
        };
        self.skip_spaces();
        Ok(Filter {
            key,
            negated,
            comparison,
        })
    }

    fn quoted(&mut self) -> Result<String, QueryError> {
        if !self.eat("'") {
            return Err(self.error("expected a string in single quotes"));
        }
        let start = self.pos;
        match self.text[start..].find('\'') {
            Some(len) => {
                self.pos = start + len + 1;
                Ok(self.text[start..start + len].to_owned())
            }
            None => Err(self.error("unclosed string")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Encoding, Entry, ScalarStyle, SourceText, Span, Target};

    fn scalar(v: &str) -> Node {
        Node::scalar(Span::new(0, 0), v, ScalarStyle::Plain)
    }
    fn map(entries: Vec<(&str, Node)>) -> Node {
        Node::map(
            Span::default(),
            entries
                .into_iter()
                .map(|(k, value)| Entry {
                    key: k.into(),
                    key_span: Span::default(),
                    value,
                })
                .collect(),
        )
    }

    fn doc() -> Document {
        let require = Node::list(
            Span::default(),
            vec![
                map(vec![
                    ("path", scalar("a.com/x")),
                    ("version", scalar("v1.0.0")),
                ]),
                map(vec![
                    ("path", scalar("b.com/y")),
                    ("version", scalar("v2.0.0")),
                    ("indirect", scalar("true")),
                ]),
            ],
        );
        Document {
            target: Target::GoMod,
            source: SourceText::new("go.mod", String::new(), Encoding::Utf8),
            root: map(vec![("go", scalar("1.22")), ("require", require)]),
            comments: vec![],
            errors: vec![],
        }
    }

    fn values(query: &str) -> Vec<String> {
        let doc = doc();
        let hit = Hit {
            doc: &doc,
            node: &doc.root,
        };
        Query::parse(query)
            .unwrap()
            .select(hit)
            .iter()
            .map(|h| h.node.as_str().unwrap_or("<node>").to_owned())
            .collect()
    }

    #[test]
    fn selects_keys_items_and_filters() {
        assert_eq!(values("go"), ["1.22"]);
        assert_eq!(values("require[*].path"), ["a.com/x", "b.com/y"]);
        assert_eq!(values("require[1].version"), ["v2.0.0"]);
        assert_eq!(values("require[?indirect].path"), ["b.com/y"]);
        assert_eq!(values("require[?!indirect].path"), ["a.com/x"]);
        assert_eq!(values("require[?path == 'a.com/x'].version"), ["v1.0.0"]);
        assert_eq!(values("require[?path ^= 'b.'].version"), ["v2.0.0"]);
        assert_eq!(values("require[?path $= '/x'].version"), ["v1.0.0"]);
        assert_eq!(values("require[?version != 'v1.0.0'].path"), ["b.com/y"]);
        assert_eq!(
            values("require[?path ^= 'b.' && indirect].version"),
            ["v2.0.0"]
        );
        assert!(values("require[?path ^= 'a.' && indirect].version").is_empty());
        assert_eq!(
            values("require[?!indirect && version == 'v1.0.0'].path"),
            ["a.com/x"]
        );
        assert_eq!(values("['go']"), ["1.22"]);
        assert_eq!(values("$"), ["<node>"]);
        assert!(values("toolchain").is_empty());
        assert!(values("go.path").is_empty());
    }

    #[test]
    fn an_absolute_path_starts_at_the_root_wherever_it_is_asked() {
        let doc = doc();
        let require = Query::parse("require[0]").unwrap().select(Hit {
            doc: &doc,
            node: &doc.root,
        });
        let from_item = require[0];
        let value = |q: &str| {
            Query::parse(q)
                .unwrap()
                .first(from_item)
                .and_then(|h| h.node.as_str().map(str::to_owned))
        };
        assert_eq!(value("path").as_deref(), Some("a.com/x"));
        assert_eq!(value("go"), None);
        assert_eq!(value("/go").as_deref(), Some("1.22"));
        assert_eq!(value("/require[1].path").as_deref(), Some("b.com/y"));
        assert_eq!(
            Query::parse("/require[*].path")
                .unwrap()
                .select(from_item)
                .len(),
            2
        );
    }

    #[test]
    fn reports_where_a_query_is_malformed() {
        for (bad, offset) in [
            ("require[", 8),
            ("require[?path == x]", 17),
            ("a..b", 2),
            ("a b", 2),
            ("a[?!b == 'x']", 8),
        ] {
            let err = Query::parse(bad).unwrap_err();
            assert_eq!(err.offset, offset, "{bad}: {err}");
        }
    }
}
