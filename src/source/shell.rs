//! POSIX shell scripts and profiles (sh, bash, zsh) and fish's `config.fish`, read by a
//! tokenizer rather than a full parser: enough to find the simple commands and the
//! environment assignments reliably, in linear time, on any input.
//!
//! Three stages:
//! - [`lexer`]: words with spans (quotes, escapes, `$(…)`, backquotes, `${…}`),
//!   operators, redirections, comments and heredoc bodies (skipped: nothing in them is
//!   code);
//! - [`commands`]: simple commands, with reserved words, `case` patterns and function
//!   headers stepped over;
//! - [`assign`]: the environment assignments those commands make.
//!
//! The tree (see docs/rule-format.md, "Scripts and profiles"):
//! `commands[*].{name, name_lower, args[*], text, piped_from}` and
//! `assignments[*].{name, value, scope, how, persists}`. A static word's value has its
//! quotes and escapes removed; a word that expands anything (`$X`, `$(…)`, an unquoted
//! `~`) keeps its source text.

mod assign;
mod commands;
mod lexer;

use crate::document::{Document, Entry, Node, ScalarStyle, SourceText, Span, Target};

/// Parse a shell script. fish syntax is used for `config.fish` and `*.fish` files.
pub fn parse(source: SourceText) -> Document {
    let name = source.path.rsplit(['/', '\\']).next().unwrap_or("");
    let fish = name.ends_with(".fish");
    let text = source.text.as_str();
    let lexed = lexer::lex(text, fish);
    let cmds = commands::build(text, &lexed.toks, fish);
    let assignments = assign::assignments(text, &cmds, fish);
    let whole = Span::new(0, text.len());
    let commands = cmds
        .iter()
        .filter(|c| !c.words.is_empty())
        .map(|c| command(text, c))
        .collect();
    let root = Node::map(
        whole,
        vec![
            entry("commands", Node::list(whole, commands)),
            entry("assignments", Node::list(whole, assignments)),
        ],
    );
    Document {
        target: Target::Shell,
        source,
        root,
        comments: lexed.comments,
        errors: lexed.errors,
    }
}

fn entry(key: &str, value: Node) -> Entry {
    Entry {
        key: key.into(),
        key_span: value.span,
        value,
    }
}

fn command(text: &str, cmd: &commands::Cmd) -> Node {
    let word = |w: &lexer::Word| Node::scalar(w.span, w.value.clone(), w.style);
    let name = &cmd.words[0];
    let raw = |span: Span| Node::scalar(span, &text[span.start..span.end], ScalarStyle::Plain);
    let mut entries = vec![
        entry("name", word(name)),
        entry(
            "name_lower",
            Node::scalar(name.span, name.value.to_lowercase(), ScalarStyle::Derived),
        ),
        entry(
            "args",
            Node::list(cmd.span, cmd.words[1..].iter().map(word).collect()),
        ),
        entry("text", joined(text, cmd.span)),
    ];
    if let Some(from) = cmd.piped_from {
        entries.push(entry("piped_from", raw(from)));
    }
    Node::map(cmd.span, entries)
}

/// A command's source text with its line continuations (`\` and a line break) removed.
fn joined(text: &str, span: Span) -> Node {
    let raw = &text[span.start..span.end];
    let value = raw.replace("\\\r\n", "").replace("\\\n", "");
    Node::scalar(span, value, ScalarStyle::Plain)
}

#[cfg(test)]
mod tests;
