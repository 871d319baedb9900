//! What the parsers' unit tests share: reaching into a tree by path, and a script's
//! commands as short strings to compare.

use crate::document::{Document, Node, ScalarStyle, Value};

/// The list under `key` at the root.
pub fn items<'a>(doc: &'a Document, key: &str) -> &'a [Node] {
    match doc.root.get(key).map(|n| &n.value) {
        Some(Value::List(items)) => items,
        _ => panic!("no list {key}"),
    }
}

/// Each command as `name arg|arg|...` (decoded values).
pub fn commands(doc: &Document) -> Vec<String> {
    items(doc, "commands")
        .iter()
        .map(|c| {
            let args: Vec<&str> = match c.get("args").map(|a| &a.value) {
                Some(Value::List(a)) => a.iter().filter_map(Node::as_str).collect(),
                _ => vec![],
            };
            let name = c.get("name").and_then(Node::as_str).unwrap_or("");
            format!("{name} {}", args.join("|"))
        })
        .collect()
}

/// The node at a path like `jobs.build.steps.1.run` (list items by index).
pub fn at<'a>(doc: &'a Document, path: &str) -> &'a Node {
    let mut node = &doc.root;
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        node = match (&node.value, seg.parse::<usize>()) {
            (Value::List(items), Ok(i)) => &items[i],
            _ => node
                .get(seg)
                .unwrap_or_else(|| panic!("no {seg} in {path}")),
        };
    }
    node
}

/// The source text of the node at `path`.
pub fn raw<'a>(doc: &'a Document, path: &str) -> &'a str {
    doc.raw(at(doc, path).span)
}

/// The scalar value of the node at `path`.
pub fn value<'a>(doc: &'a Document, path: &str) -> &'a str {
    at(doc, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not a scalar"))
}

/// The style of the scalar at `path`.
pub fn style(doc: &Document, path: &str) -> ScalarStyle {
    match at(doc, path).value {
        Value::Scalar { style, .. } => style,
        _ => panic!("{path} is not a scalar"),
    }
}
