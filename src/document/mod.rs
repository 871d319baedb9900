//! The document model: decoded text, the span tree parsers build, and Go versions.

pub mod goversion;
mod node;
mod text;

pub use node::{
    Comment, Document, Entry, Node, ScalarStyle, Span, SyntaxError, Target, Text, Value,
};
pub use text::{decode, DecodeError, Encoding, Position, SourceText};
