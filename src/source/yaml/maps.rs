//! Maps: keys (a non-scalar key is its source text), duplicate keys and merge keys.

use std::collections::{HashMap, HashSet};

use crate::document::{Entry, Node, ScalarStyle, Span, Text, Value};

/// A map's keys are looked up by scanning until it has this many, then by hash.
const INDEX_FROM: usize = 16;

#[derive(Default)]
pub(super) struct MapFrame {
    pub entries: Vec<Entry>,
    /// The key read, waiting for its value.
    pub key: Option<Key>,
    /// Key → entry index, once the map is big enough.
    index: Option<HashMap<Text, usize>>,
    /// Indexes of the `<<` entries, ascending.
    pub merges: Vec<usize>,
}

pub(super) struct Key {
    pub text: Text,
    pub span: Span,
    /// A plain `<<`: a YAML 1.1 merge key.
    pub merge: bool,
}

impl MapFrame {
    /// Add an entry whose key is not in the map yet.
    pub(super) fn insert(&mut self, key: Key, value: Node) {
        let at = self.entries.len();
        if key.merge {
            self.merges.push(at);
        } else if let Some(index) = &mut self.index {
            index.insert(key.text.clone(), at);
        }
        self.entries.push(Entry {
            key: key.text,
            key_span: key.span,
            value,
        });
        if self.index.is_none() && self.entries.len() >= INDEX_FROM {
            let mut index = HashMap::with_capacity(self.entries.len() * 2);
            for (i, entry) in self.entries.iter().enumerate() {
                if self.merges.binary_search(&i).is_err() {
                    index.entry(entry.key.clone()).or_insert(i);
                }
            }
            self.index = Some(index);
        }
    }

    pub(super) fn find(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self
                .entries
                .iter()
                .enumerate()
                .position(|(i, e)| e.key == key && self.merges.binary_search(&i).is_err()),
        }
    }
}

pub(super) fn key_of(text: &str, node: Node, token: Span) -> Key {
    match node.value {
        Value::Scalar { value, style } => Key {
            merge: style == ScalarStyle::Plain && value == "<<",
            text: value,
            span: token,
        },
        _ => Key {
            text: Text::from(&text[token.start..token.end]),
            span: token,
            merge: false,
        },
    }
}

/// Apply a map's merge keys (`<<: *a`, `<<: [*a, *b]`): each `<<` entry is replaced by
/// the entries of the map(s) it names that the map does not set itself; among merged
/// maps the first one listed wins. A `<<` whose value is neither a map nor a list of
/// maps stays an ordinary entry.
pub(super) fn merge(entries: Vec<Entry>, merges: &[usize]) -> Vec<Entry> {
    if merges.is_empty() {
        return entries;
    }
    let mut seen: HashSet<Text> = entries
        .iter()
        .enumerate()
        .filter(|(i, _)| merges.binary_search(i).is_err())
        .map(|(_, e)| e.key.clone())
        .collect();
    let mut out = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        if merges.binary_search(&i).is_err() || !mergeable(&entry.value) {
            out.push(entry);
            continue;
        }
        let sources = match entry.value.value {
            Value::List(items) => items,
            _ => vec![entry.value],
        };
        for source in sources {
            if let Value::Map(merged) = source.value {
                out.extend(merged.into_iter().filter(|e| seen.insert(e.key.clone())));
            }
        }
    }
    out
}

fn mergeable(value: &Node) -> bool {
    match &value.value {
        Value::Map(_) => true,
        Value::List(items) => items.iter().all(|i| matches!(i.value, Value::Map(_))),
        _ => false,
    }
}
