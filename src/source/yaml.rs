//! YAML files (being written: until then a YAML file parses to an empty map).
use crate::document::{Document, Node, SourceText, Span, Target};

pub fn parse(source: SourceText, target: Target) -> Document {
    let root = Node::map(Span::new(0, source.text.len()), Vec::new());
    Document {
        target,
        source,
        root,
        comments: Vec::new(),
        errors: Vec::new(),
    }
}
