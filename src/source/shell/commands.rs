//! Simple commands from tokens: reserved words, `case` patterns, function headers and
//! `for` lists are stepped over, so what is left is each command's words in order.

use super::lexer::{Op, Tok, Word};
use crate::document::Span;

/// One simple command: the `NAME=value` words before it, its words (the first is the
/// command name; empty for a line of assignments only), and the command piped into it.
#[derive(Clone, Debug)]
pub(super) struct Cmd {
    pub span: Span,
    pub prefix: Vec<Word>,
    pub words: Vec<Word>,
    pub piped_from: Option<Span>,
}

/// `NAME=` or `NAME+=` at the start of a word's source text: the name's length.
pub(super) fn assignment_name(raw: &str) -> Option<usize> {
    let bytes = raw.as_bytes();
    let first = *bytes.first()?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let len = bytes
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))?;
    match &bytes[len..] {
        [b'=', ..] | [b'+', b'=', ..] => Some(len),
        _ => None,
    }
}

#[derive(Default)]
struct Current {
    start: Option<usize>,
    end: usize,
    prefix: Vec<Word>,
    words: Vec<Word>,
    /// Inside `[[ … ]]`, where `&&`, `||` and parentheses are part of the test.
    test: bool,
}

impl Current {
    fn touch(&mut self, span: Span) {
        self.start.get_or_insert(span.start);
        self.end = self.end.max(span.end);
    }
    fn is_empty(&self) -> bool {
        self.prefix.is_empty() && self.words.is_empty()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Skip {
    No,
    /// Up to the next command separator (a `for` list, a fish `function` header).
    ToSeparator,
    /// Up to the `in` of `case WORD in`.
    ToIn,
    /// Up to the `)` that ends a `case` pattern.
    Pattern,
}

pub(super) fn build(src: &str, toks: &[Tok], fish: bool) -> Vec<Cmd> {
    let mut out: Vec<Cmd> = Vec::new();
    let mut cur = Current::default();
    let mut skip = Skip::No;
    // Open `case` statements; true while a pattern is expected next.
    let mut cases: Vec<bool> = Vec::new();
    let mut piped: Option<Span> = None;
    let mut i = 0;
    while i < toks.len() {
        let tok = &toks[i];
        i += 1;
        match tok {
            Tok::Op(op, span) => {
                if cur.test && matches!(op, Op::AndIf | Op::OrIf | Op::LParen | Op::RParen) {
                    cur.touch(*span);
                    continue;
                }
                match skip {
                    Skip::Pattern => {
                        if *op == Op::RParen {
                            skip = Skip::No;
                            if let Some(expect) = cases.last_mut() {
                                *expect = false;
                            }
                        }
                        continue;
                    }
                    Skip::ToIn => continue,
                    Skip::ToSeparator if !matches!(op, Op::Newline | Op::Semi | Op::Amp) => {
                        continue
                    }
                    _ => {}
                }
                // A line break after `|`, `&&` or `||` continues the pipeline or list.
                if *op == Op::Newline && cur.is_empty() {
                    skip = Skip::No;
                    continue;
                }
                // `name ()`: a function definition header.
                if *op == Op::LParen
                    && cur.prefix.is_empty()
                    && cur.words.len() == 1
                    && matches!(toks.get(i), Some(Tok::Op(Op::RParen, _)))
                {
                    cur = Current::default();
                    i += 1;
                    continue;
                }
                skip = Skip::No;
                let finished = finish(&mut cur, piped.take(), &mut out);
                if *op == Op::Pipe {
                    piped = finished;
                }
                if *op == Op::CaseEnd {
                    if let Some(expect) = cases.last_mut() {
                        *expect = true;
                    }
                }
            }
            Tok::Redir(span) => {
                if skip == Skip::No && !cur.is_empty() {
                    cur.touch(*span);
                }
            }
            Tok::Word(word) => {
                let raw = &src[word.span.start..word.span.end];
                match skip {
                    Skip::ToSeparator | Skip::Pattern => continue,
                    Skip::ToIn => {
                        if raw == "in" {
                            skip = Skip::No;
                            cases.push(true);
                        }
                        continue;
                    }
                    Skip::No => {}
                }
                if cur.test {
                    cur.touch(word.span);
                    cur.words.push(word.clone());
                    if raw == "]]" {
                        cur.test = false;
                    }
                    continue;
                }
                if !cur.words.is_empty() {
                    cur.touch(word.span);
                    cur.words.push(word.clone());
                    continue;
                }
                if cases.last() == Some(&true) && cur.is_empty() {
                    if raw == "esac" {
                        cases.pop();
                    } else {
                        skip = Skip::Pattern;
                    }
                    continue;
                }
                if cur.prefix.is_empty() {
                    match start_word(raw, fish) {
                        Start::Keyword => continue,
                        Start::Header => {
                            skip = Skip::ToSeparator;
                            continue;
                        }
                        Start::Case => {
                            skip = Skip::ToIn;
                            continue;
                        }
                        Start::EndCase => {
                            cases.pop();
                            continue;
                        }
                        Start::Function => {
                            // `function name`: skip the name too.
                            if matches!(toks.get(i), Some(Tok::Word(_))) {
                                i += 1;
                            }
                            continue;
                        }
                        Start::Command => {}
                    }
                }
                if assignment_name(raw).is_some() && !word.span.is_empty() {
                    cur.touch(word.span);
                    cur.prefix.push(word.clone());
                    continue;
                }
                cur.touch(word.span);
                cur.test = raw == "[[";
                cur.words.push(word.clone());
            }
        }
    }
    finish(&mut cur, piped.take(), &mut out);
    out
}

enum Start {
    Command,
    Keyword,
    Header,
    Case,
    EndCase,
    Function,
}

fn start_word(raw: &str, fish: bool) -> Start {
    if fish {
        return match raw {
            "if" | "else" | "while" | "begin" | "end" | "and" | "or" | "not" | "!" | "time" => {
                Start::Keyword
            }
            "for" | "function" | "switch" | "case" => Start::Header,
            _ => Start::Command,
        };
    }
    match raw {
        "if" | "then" | "else" | "elif" | "fi" | "do" | "done" | "while" | "until" | "!" | "{"
        | "}" | "time" | "coproc" => Start::Keyword,
        "for" | "select" | "foreach" | "repeat" => Start::Header,
        "case" => Start::Case,
        "esac" => Start::EndCase,
        "function" => Start::Function,
        _ if raw.starts_with("((") => Start::Header,
        _ => Start::Command,
    }
}

/// End the current command; returns its span when it had a command word.
fn finish(cur: &mut Current, piped_from: Option<Span>, out: &mut Vec<Cmd>) -> Option<Span> {
    let done = std::mem::take(cur);
    let start = done.start?;
    let span = Span::new(start, done.end);
    let has_words = !done.words.is_empty();
    out.push(Cmd {
        span,
        prefix: done.prefix,
        words: done.words,
        piped_from: if has_words { piped_from } else { None },
    });
    has_words.then_some(span)
}
