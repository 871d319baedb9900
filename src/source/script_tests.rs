//! What the script tokenizers' tests share: the tree as short strings to compare.

use crate::document::{Document, Node, Value};

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
