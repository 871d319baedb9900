//! The views' YAML (`<machine>`, `<process-env>`): the text and its span tree, written
//! together.
//!
//! A view is block YAML of one narrow shape: a key per line, every string double-quoted
//! (a JSON string is a YAML double-quoted scalar, so every value stays a string), `true`
//! and `false` plain, and nested maps and lists two spaces deeper. For that shape the
//! tree the YAML parser would build is known as the text is written, so the writer
//! builds it directly instead of parsing its own text back (the `<machine>` document is
//! on doctor's critical path, after go answers). A test checks the two trees are equal.
//!
//! The spans are those `source::yaml` gives: a scalar's token (quotes included), a
//! map's from its first key to its last value, a list's from its first `-` to its last
//! item, an empty collection an empty scalar just after its key's `:`.

use crate::document::{Entry, Node, ScalarStyle, Span};

/// A view's content, before it is written.
pub(super) enum Yaml {
    /// A string: written double-quoted.
    Str(String),
    /// Written plain: a YAML boolean.
    Bool(bool),
    Map(Map),
    List(Vec<Yaml>),
}

/// A map's entries, in the order they are written.
#[derive(Default)]
pub(super) struct Map(Vec<(Key, Yaml)>);

enum Key {
    /// One of the view's own keys (`os`, `binaries`): a plain scalar.
    Field(&'static str),
    /// A name from the machine (a variable's): written double-quoted, as any string
    /// from the machine is.
    Name(String),
}

impl Map {
    pub fn field(&mut self, key: &'static str, value: impl Into<Yaml>) {
        self.0.push((Key::Field(key), value.into()));
    }
    pub fn named(&mut self, key: impl Into<String>, value: impl Into<Yaml>) {
        self.0.push((Key::Name(key.into()), value.into()));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Yaml {
    fn from(text: &str) -> Yaml {
        Yaml::Str(text.to_owned())
    }
}
impl From<&String> for Yaml {
    fn from(text: &String) -> Yaml {
        Yaml::Str(text.clone())
    }
}
impl From<String> for Yaml {
    fn from(text: String) -> Yaml {
        Yaml::Str(text)
    }
}
impl From<bool> for Yaml {
    fn from(value: bool) -> Yaml {
        Yaml::Bool(value)
    }
}
impl From<Map> for Yaml {
    fn from(map: Map) -> Yaml {
        Yaml::Map(map)
    }
}
impl From<Vec<Yaml>> for Yaml {
    fn from(items: Vec<Yaml>) -> Yaml {
        Yaml::List(items)
    }
}

/// The text of a view whose root is `root`, and its tree. An empty root is `{}`.
pub(super) fn write(root: Map) -> (String, Node) {
    let mut writer = Writer {
        text: String::with_capacity(4096),
    };
    if root.is_empty() {
        writer.text.push_str("{}\n");
        return (writer.text, Node::map(Span::new(0, 2), Vec::new()));
    }
    let node = writer.map(root, 0, false);
    (writer.text, node)
}

struct Writer {
    text: String,
}

impl Writer {
    /// A non-empty block map whose keys are at column `indent`; `inline`: its first key
    /// follows a list item's `- ` on the current line.
    fn map(&mut self, map: Map, indent: usize, inline: bool) -> Node {
        let mut entries = Vec::with_capacity(map.0.len());
        let mut start = None;
        for (key, value) in map.0 {
            if !inline || start.is_some() {
                self.indent(indent);
            }
            let key_start = self.text.len();
            start.get_or_insert(key_start);
            let key = match key {
                Key::Field(key) => {
                    self.text.push_str(key);
                    key.to_owned()
                }
                Key::Name(key) => {
                    quote(&mut self.text, &key);
                    key
                }
            };
            let key_span = Span::new(key_start, self.text.len());
            self.text.push(':');
            let value = self.value(value, indent + 2, false);
            entries.push(Entry {
                key: key.into(),
                key_span,
                value,
            });
        }
        let start = start.unwrap_or(self.text.len());
        let end = entries.last().map_or(start, |e| e.value.span.end);
        Node::map(Span::new(start, end), entries)
    }

    /// A non-empty block list whose `-` are at column `indent`.
    fn list(&mut self, items: Vec<Yaml>, indent: usize) -> Node {
        let start = self.text.len() + indent;
        let nodes: Vec<Node> = items
            .into_iter()
            .map(|item| {
                self.indent(indent);
                self.text.push('-');
                self.value(item, indent + 2, true)
            })
            .collect();
        let end = nodes.last().map_or(start, |n| n.span.end);
        Node::list(Span::new(start, end), nodes)
    }

    /// A value after a key's `:` or (`item`) a list item's `-`, through its line's end;
    /// a collection's lines are indented by `indent`.
    fn value(&mut self, value: Yaml, indent: usize, item: bool) -> Node {
        let after = self.text.len();
        let node = match value {
            Yaml::Str(text) => {
                self.text.push(' ');
                let start = self.text.len();
                quote(&mut self.text, &text);
                let span = Span::new(start, self.text.len());
                Node::scalar(span, text, ScalarStyle::DoubleQuoted)
            }
            Yaml::Bool(value) => {
                let word = if value { "true" } else { "false" };
                self.text.push(' ');
                let start = self.text.len();
                self.text.push_str(word);
                Node::scalar(Span::new(start, self.text.len()), word, ScalarStyle::Plain)
            }
            // An empty collection is written as nothing: YAML reads a null.
            Yaml::Map(map) if map.is_empty() => empty(after),
            Yaml::List(items) if items.is_empty() => empty(after),
            // A list item's map starts on the item's line.
            Yaml::Map(map) if item => {
                self.text.push(' ');
                return self.map(map, indent, true);
            }
            Yaml::Map(map) => {
                self.text.push('\n');
                return self.map(map, indent, false);
            }
            Yaml::List(items) => {
                self.text.push('\n');
                return self.list(items, indent);
            }
        };
        self.text.push('\n');
        node
    }

    fn indent(&mut self, indent: usize) {
        self.text.extend(std::iter::repeat_n(' ', indent));
    }
}

/// The null of an empty value: an empty plain scalar just after its key's `:`.
fn empty(at: usize) -> Node {
    Node::scalar(Span::new(at, at), "", ScalarStyle::Plain)
}

/// Write `text` as a JSON string, as `serde_json` does: `"`, `\` and the control
/// characters escaped, nothing else.
pub(super) fn quote(out: &mut String, text: &str) {
    out.push('"');
    let mut plain = 0;
    for (i, b) in text.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0x00..=0x1F => "",
            _ => continue,
        };
        out.push_str(&text[plain..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_as_serde_json_quotes_them() {
        let mut every: String = (0u8..0x80).map(char::from).collect();
        every.push_str("é\u{85}\u{2028}\u{FEFF}😀\"\\");
        for text in [every.as_str(), "", "plain", "a\"b", "\u{1}x\u{1F}"] {
            let mut out = String::new();
            quote(&mut out, text);
            assert_eq!(out, serde_json::to_string(text).unwrap());
        }
    }
}
