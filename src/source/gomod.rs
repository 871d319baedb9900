//! go.mod and go.work files, parsed as cmd/go parses them (golang.org/x/mod/modfile, strict).
//!
//! Three stages, each a port of its x/mod counterpart:
//! - [`lexer`]: tokens and comments (`read.go` `readToken`);
//! - [`syntax`]: lines and `( ... )` blocks, with comments attached (`parseStmt`,
//!   `parseLineBlock`);
//! - [`directives`]: what each directive means and the checks the go command makes
//!   (`rule.go` `parseToFile`, `work.go` `ParseWork`), building the span tree.
//!
//! Error messages are Go's own text, at Go's position (the span's start). Go stops at the
//! first lexical or block error and then never checks directives; we recover and go on,
//! but like Go we report directive errors only for a file whose syntax is sound, so the
//! first error is always the one the go command prints.

mod checks;
mod directives;
mod lexer;
mod syntax;
mod unicode_print;

use crate::document::{Document, Encoding, Node, SourceText, Span, SyntaxError, Target};

/// Parse a go.mod (`Target::GoMod`) or go.work (`Target::GoWork`) file. Never fails:
/// syntax errors are on the document, and its tree holds every directive that is valid.
pub fn parse(source: SourceText, target: Target) -> Document {
    let syntax = syntax::parse(&source);
    let built = directives::build(&source.text, target, &syntax);
    let mut errors = if syntax.errors.is_empty() {
        built.errors
    } else {
        syntax.errors
    };
    // The decoder took off a byte order mark or UTF-16 that the go command does not:
    // it reads the bytes as UTF-8 and stops at the first one.
    if let Some(message) = encoding_error(source.encoding) {
        errors.insert(
            0,
            SyntaxError {
                span: Span::new(0, 0),
                message,
            },
        );
    }
    let root = Node::map(Span::new(0, source.text.len()), built.entries);
    Document {
        target,
        source,
        root,
        comments: syntax.comments,
        errors,
    }
}

/// The error the go command gives a file in this encoding, if any.
fn encoding_error(encoding: Encoding) -> Option<String> {
    match encoding {
        Encoding::Utf8 => None,
        // What go1.27.3 prints for a go.mod that starts with a UTF-8 byte order mark.
        Encoding::Utf8Bom => Some("unexpected input character '\\ufeff'".to_owned()),
        Encoding::Utf16Le | Encoding::Utf16Be => Some(format!(
            "file is {}; the go command reads go.mod and go.work only as UTF-8",
            encoding.name().to_uppercase()
        )),
    }
}

#[cfg(test)]
mod tests;
