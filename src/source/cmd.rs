//! cmd.exe batch files (`*.bat`, `*.cmd`): the simple commands and environment
//! assignments a rule can query (see "Scripts and profiles" in docs/rule-format.md).
//!
//! A tokenizer in one linear pass, following cmd's own reading of a line: `"` toggles
//! quoting to the end of the line; outside quotes `^` escapes the next character (at
//! the end of a line it joins the next one), and `&`, `&&`, `||`, `|` separate commands;
//! `(` opens a block where a command starts (or after `if`/`for`/`else`/`do`), and `)`
//! closes it. `REM` and `::` lines are comments; `:label` lines are skipped. The
//! commands after an `if` condition, a `for ... do`, `else` and `call` are commands too.
//!
//! Assignments (`how`, `persists`): `set X=v` and `set "X=v"` (`set`, `process`), taken
//! as cmd takes them: the name is everything before the first `=` (so `set X = v` names
//! `X ` with a trailing space) and the value everything after it, spaces and quotes
//! included; `set /a X=expr` keeps the expression. `setx X v [/M]` (`setx`,
//! `user`/`machine`) and `go env -w X=v` (`go-env-w`, `go-env-file`). A value holding
//! `%VAR%` or `!VAR!` keeps its raw text; a static one has its carets removed.

use crate::document::{
    Comment, Document, Node, ScalarStyle, SourceText, Span, SyntaxError, Target,
};
use crate::source::powershell::tree::{self, Arg};

pub fn parse(source: SourceText) -> Document {
    let text = source.text.as_str();
    let mut lx = Lexer {
        text,
        b: text.as_bytes(),
        comments: Vec::new(),
        errors: Vec::new(),
        commands: Vec::new(),
        assignments: Vec::new(),
        blocks: Vec::new(),
    };
    lx.run();
    for &open in &lx.blocks {
        lx.errors.push(SyntaxError {
            span: Span::new(open, open + 1),
            message: "missing closing ')' for this block".into(),
        });
    }
    let Lexer {
        comments,
        errors,
        commands,
        mut assignments,
        ..
    } = lx;
    assignments.sort_by_key(|a| a.get("name").map_or(0, |n| n.span.start));
    let root = tree::root(text.len(), commands, assignments);
    Document {
        target: Target::Cmd,
        source,
        root,
        comments,
        errors,
    }
}

#[derive(Clone, Copy, Debug)]
struct Word {
    span: Span,
}

struct Lexer<'t> {
    text: &'t str,
    b: &'t [u8],
    comments: Vec<Comment>,
    errors: Vec<SyntaxError>,
    commands: Vec<Node>,
    assignments: Vec<Node>,
    /// Offsets of the open `(` blocks.
    blocks: Vec<usize>,
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | 0x0b | 0x0c)
}

impl Lexer<'_> {
    fn raw(&self, s: Span) -> &str {
        self.text.get(s.start..s.end).unwrap_or("")
    }

    /// Skip a caret continuation at `i` (`^` then a line break): the offset after it.
    fn continuation(&self, i: usize) -> Option<usize> {
        if self.b.get(i) != Some(&b'^') {
            return None;
        }
        match (self.b.get(i + 1), self.b.get(i + 2)) {
            (Some(b'\n'), _) => Some(i + 2),
            (Some(b'\r'), Some(b'\n')) => Some(i + 3),
            _ => None,
        }
    }

    fn line_end(&self, i: usize) -> usize {
        let end = self.b[i..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.b.len(), |k| i + k);
        if end > i && self.b[end - 1] == b'\r' {
            end - 1
        } else {
            end
        }
    }

    fn comment(&mut self, marker_start: usize, text_start: usize, trailing: bool) -> usize {
        let end = self.line_end(text_start);
        self.comments.push(Comment {
            span: Span::new(marker_start, end),
            text: self.text[text_start..end].to_owned(),
            trailing,
        });
        end
    }

    fn run(&mut self) {
        let mut i = 0;
        let mut words: Vec<Word> = Vec::new();
        let mut line_has_code = false;
        while i < self.b.len() {
            let c = self.b[i];
            if words.is_empty() {
                // At a command's start: blanks, `@`, comments, labels.
                if is_blank(c) || c == b'@' || (c == b'\r' && self.b.get(i + 1) == Some(&b'\n')) {
                    i += 1;
                    continue;
                }
                if !line_has_code && c == b':' {
                    i = if self.b.get(i + 1) == Some(&b':') {
                        self.comment(i, i + 2, false)
                    } else {
                        self.line_end(i)
                    };
                    continue;
                }
                if self.b.len() >= i + 3 && self.b[i..i + 3].eq_ignore_ascii_case(b"rem") {
                    let next = self.b.get(i + 3).copied();
                    if matches!(next, None | Some(b' ' | b'\t' | b'\r' | b'\n')) {
                        let start = if next.is_some_and(|n| n == b' ' || n == b'\t') {
                            i + 4
                        } else {
                            i + 3
                        };
                        let start = start.min(self.b.len());
                        i = self.comment(i, start, line_has_code);
                        continue;
                    }
                }
            }
            if let Some(next) = self.continuation(i) {
                i = next;
                continue;
            }
            match c {
                b'\n' => {
                    self.finish(&mut words, i);
                    line_has_code = false;
                    i += 1;
                }
                b'&' | b'|' => {
                    self.finish(&mut words, i);
                    i += if self.b.get(i + 1) == Some(&c) { 2 } else { 1 };
                }
                b'(' if self.for_set(&words) => {
                    // `for %%i in (a b) do ...`: the set is one word.
                    let end = self.line_end(i);
                    let close = self.b[i..end].iter().position(|&c| c == b')');
                    let start = i;
                    i = close.map_or(end, |k| i + k + 1);
                    words.push(Word {
                        span: Span::new(start, i),
                    });
                }
                b'(' if self.opens_block(&words) => {
                    self.finish(&mut words, i);
                    self.blocks.push(i);
                    line_has_code = true;
                    i += 1;
                }
                b')' if !self.blocks.is_empty() => {
                    self.finish(&mut words, i);
                    self.blocks.pop();
                    i += 1;
                }
                _ if is_blank(c) || c == b'\r' => i += 1,
                _ => {
                    let start = i;
                    i = self.word_end(i);
                    words.push(Word {
                        span: Span::new(start, i),
                    });
                    line_has_code = true;
                }
            }
        }
        self.finish(&mut words, self.b.len());
    }

    /// May a `(` here open a block?
    fn opens_block(&self, words: &[Word]) -> bool {
        match words.first() {
            None => true,
            Some(first) => {
                let first = self.raw(first.span).to_ascii_lowercase();
                let last = words.last().map(|w| self.raw(w.span).to_ascii_lowercase());
                matches!(first.as_str(), "if" | "for" | "else")
                    || matches!(last.as_deref(), Some("do" | "else"))
            }
        }
    }

    /// Is a `(` here the set of a `for` loop?
    fn for_set(&self, words: &[Word]) -> bool {
        words.len() >= 2
            && self.raw(words[0].span).eq_ignore_ascii_case("for")
            && self
                .raw(words[words.len() - 1].span)
                .eq_ignore_ascii_case("in")
    }

    /// The end of a word starting at `i`: blanks, separators and line ends outside
    /// quotes end it; a `)` ends it inside a block.
    fn word_end(&self, mut i: usize) -> usize {
        let mut quoted = false;
        while i < self.b.len() {
            let c = self.b[i];
            if c == b'\n' || (c == b'\r' && self.b.get(i + 1) == Some(&b'\n')) {
                break;
            }
            if quoted {
                if c == b'"' {
                    quoted = false;
                }
                i += 1;
                continue;
            }
            match c {
                b'"' => quoted = true,
                b'^' => {
                    if self.continuation(i).is_some() {
                        // Joined to the next line: the word goes on there.
                        i = self.continuation(i).unwrap_or(i + 1);
                        continue;
                    }
                    i += 1;
                }
                b'&' | b'|' => break,
                b')' if !self.blocks.is_empty() => break,
                _ if is_blank(c) => break,
                _ => {}
            }
            i += 1;
        }
        i.min(self.b.len())
    }

    /// A word's value: quotes and carets removed when static, else the raw text.
    fn arg(&self, span: Span) -> Arg {
        let raw = self.raw(span);
        let style = if raw.starts_with('"') {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::Plain
        };
        if dynamic(raw) {
            return Arg {
                span,
                value: raw.to_owned(),
                style,
                dynamic: true,
            };
        }
        let out = uncaret(raw, false);
        Arg {
            span,
            value: out,
            style,
            dynamic: false,
        }
    }

    /// End a command whose raw text runs to `end` (the separator).
    fn finish(&mut self, words: &mut Vec<Word>, end: usize) {
        let all = std::mem::take(words);
        let mut rest: &[Word] = &all;
        // Step over `if` conditions, `for ... do`, `else` and `call`.
        loop {
            let Some(first) = rest.first() else { return };
            let lower = self.raw(first.span).to_ascii_lowercase();
            let skip = match lower.as_str() {
                "else" | "call" => 1,
                "if" => self.condition_len(rest),
                "for" => match rest
                    .iter()
                    .position(|w| self.raw(w.span).eq_ignore_ascii_case("do"))
                {
                    Some(k) => k + 1,
                    None => rest.len(),
                },
                _ => break,
            };
            rest = &rest[skip.min(rest.len())..];
        }
        let name_word = rest[0];
        let last = rest[rest.len() - 1].span.end;
        let span = Span::new(name_word.span.start, last);
        let name = self.arg(name_word.span);
        let args: Vec<Arg> = rest[1..].iter().map(|w| self.arg(w.span)).collect();
        let lower = name.lower();
        if lower == "set" {
            self.set(name_word.span.end, end);
        } else if tree::is_setx(&name.value) {
            if let Some((n, v, persists)) = tree::setx(&args) {
                self.assignments
                    .push(tree::assignment(n, v, "setx", Some(persists)));
            }
        } else if tree::is_go(&name.value) {
            for (n, v) in tree::go_env_w(self.text, &args) {
                self.assignments
                    .push(tree::assignment(n, v, "go-env-w", Some("go-env-file")));
            }
        }
        self.commands
            .push(tree::command(self.text, span, &name, &args, None, '^'));
    }

    /// How many words an `if` condition takes, `if` included.
    fn condition_len(&self, words: &[Word]) -> usize {
        let lower = |k: usize| {
            words
                .get(k)
                .map(|w| self.raw(w.span).to_ascii_lowercase())
                .unwrap_or_default()
        };
        let mut k = 1;
        if lower(k) == "/i" {
            k += 1;
        }
        if lower(k) == "not" {
            k += 1;
        }
        match lower(k).as_str() {
            "exist" | "defined" | "errorlevel" | "cmdextversion" => k + 2,
            w if w.contains("==") => {
                if w.ends_with("==") {
                    k + 2
                } else {
                    k + 1
                }
            }
            _ if lower(k + 1) == "==" => k + 3,
            _ if lower(k + 1).starts_with("==") => k + 2,
            _ if matches!(
                lower(k + 1).as_str(),
                "equ" | "neq" | "lss" | "leq" | "gtr" | "geq"
            ) =>
            {
                k + 3
            }
            _ => words.len(),
        }
    }

    /// `set ...` from after the `set` word to the command's end.
    fn set(&mut self, from: usize, end: usize) {
        let end = if end > from && self.b.get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        let mut i = from;
        while i < end && matches!(self.b[i], b' ' | b'\t') {
            i += 1;
        }
        let rest = &self.text[i..end];
        let lower = rest.to_ascii_lowercase();
        if lower.starts_with("/p") {
            return;
        }
        let (i, arithmetic) = if lower.starts_with("/a") {
            let mut j = i + 2;
            while j < end && matches!(self.b[j], b' ' | b'\t') {
                j += 1;
            }
            (j, true)
        } else {
            (i, false)
        };
        let (body_start, body_end) = if !arithmetic && self.b.get(i) == Some(&b'"') {
            match self.text[i + 1..end].rfind('"') {
                Some(k) => (i + 1, i + 1 + k),
                None => (i + 1, end),
            }
        } else {
            (i, end)
        };
        let body = &self.text[body_start..body_end];
        let Some(eq) = body.find('=') else { return };
        if eq == 0 {
            return;
        }
        let name_span = Span::new(body_start, body_start + eq);
        let value_span = Span::new(body_start + eq + 1, body_end);
        let raw_value = self.raw(value_span);
        let quoted_form = body_start > i;
        let value = if arithmetic || dynamic(raw_value) || quoted_form {
            raw_value.to_owned()
        } else {
            uncaret(raw_value, true)
        };
        let name = Node::scalar(name_span, self.raw(name_span), ScalarStyle::Plain);
        let style = if quoted_form {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::Plain
        };
        let value = Node::scalar(value_span, value, style);
        self.assignments
            .push(tree::assignment(name, value, "set", Some("process")));
    }
}

/// Remove carets outside quotes (`^&` is `&`, `^` and a line break join lines); quotes
/// go too unless `keep_quotes` (as in a `set X="a b"` value).
fn uncaret(raw: &str, keep_quotes: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut quoted = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                if keep_quotes {
                    out.push(c);
                }
            }
            '^' if !quoted => match chars.next() {
                Some('\r') => {
                    chars.next_if_eq(&'\n');
                }
                Some('\n') | None => {}
                Some(n) => out.push(n),
            },
            _ => out.push(c),
        }
    }
    out
}

/// Does cmd expand anything in this text (`%VAR%`, `%1`, `%~dp0`, `%%i`, `!VAR!`)?
fn dynamic(raw: &str) -> bool {
    if raw.contains('%') {
        return true;
    }
    let mut parts = raw.split('!');
    parts.next();
    let inner: Vec<&str> = parts.collect();
    // `!NAME!`: a name between two exclamation marks.
    inner.len() >= 2
        && inner[..inner.len() - 1]
            .iter()
            .any(|p| !p.is_empty() && !p.contains([' ', '\t']))
}

#[cfg(test)]
mod tests;
