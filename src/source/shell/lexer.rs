//! Shell tokens: words (with spans and, where static, their decoded text), operators,
//! redirections, comments and heredocs. One pass over the bytes, each byte looked at a
//! bounded number of times; nesting (`$(…)`, `${…}`, quotes inside them) is tracked with
//! an explicit stack, so deep nesting cannot overflow the call stack.
//!
//! All structure is ASCII, so the lexer only compares bytes and cuts the text at ASCII
//! bytes: every slice it takes is on a character boundary.

use crate::document::{Comment, ScalarStyle, Span, SyntaxError};

/// One word: its span and text. A static word (no expansion) holds its value with quotes
/// and escapes removed; a dynamic one (`$X`, `$(…)`, backquotes, an unquoted `~` prefix)
/// holds its source text as written.
#[derive(Clone, Debug)]
pub(super) struct Word {
    pub span: Span,
    pub value: String,
    pub dynamic: bool,
    pub style: ScalarStyle,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    Newline,
    Semi,
    /// `;;`, `;&`, `;;&`: the end of a `case` branch.
    CaseEnd,
    Pipe,
    AndIf,
    OrIf,
    Amp,
    LParen,
    RParen,
}

#[derive(Clone, Debug)]
pub(super) enum Tok {
    Word(Word),
    Op(Op, Span),
    /// A redirection with its target (`>file`, `2>&1`, `<<EOF`): part of a command's
    /// text, not one of its words.
    Redir(Span),
}

pub(super) struct Lexed {
    pub toks: Vec<Tok>,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

struct Heredoc {
    delimiter: String,
    strip_tabs: bool,
    op: Span,
}

pub(super) struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
    end: usize,
    fish: bool,
    toks: Vec<Tok>,
    comments: Vec<Comment>,
    errors: Vec<SyntaxError>,
    pending: Vec<Heredoc>,
    line_has_code: bool,
    /// Reading an assignment's value, where `(` opens an array: `X=(a b)`.
    value: bool,
}

/// Split a whole file into tokens.
pub(super) fn lex(src: &str, fish: bool) -> Lexed {
    let mut lx = Lexer::new(src, 0, src.len(), fish);
    lx.run();
    Lexed {
        toks: lx.toks,
        comments: lx.comments,
        errors: lx.errors,
    }
}

/// Read `src[start..end]` (the text after `=` in an assignment word) as one word.
pub(super) fn word_at(src: &str, start: usize, end: usize, fish: bool) -> Word {
    let mut lx = Lexer::new(src, start, end, fish);
    lx.value = true;
    lx.read_word()
}

fn is_meta(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, start: usize, end: usize, fish: bool) -> Self {
        Lexer {
            src,
            b: src.as_bytes(),
            i: start,
            end,
            fish,
            toks: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
            pending: Vec::new(),
            line_has_code: false,
            value: false,
        }
    }

    fn at(&self, i: usize) -> u8 {
        if i < self.end {
            self.b[i]
        } else {
            0
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(SyntaxError {
            span,
            message: message.into(),
        });
    }

    fn op(&mut self, op: Op, len: usize) {
        let span = Span::new(self.i, self.i + len);
        self.toks.push(Tok::Op(op, span));
        self.i += len;
    }

    fn run(&mut self) {
        while self.i < self.end {
            let c = self.b[self.i];
            let next = self.at(self.i + 1);
            match c {
                b' ' | b'\t' | b'\r' | b'\x0c' => self.i += 1,
                b'\\' if next == b'\n' => self.i += 2,
                b'\\' if next == b'\r' && self.at(self.i + 2) == b'\n' => self.i += 3,
                b'\n' => {
                    self.op(Op::Newline, 1);
                    self.line_has_code = false;
                    if !self.pending.is_empty() {
                        self.heredoc_bodies();
                    }
                }
                b'#' => self.comment(),
                b';' => {
                    self.line_has_code = true;
                    match (next, self.at(self.i + 2)) {
                        (b';', b'&') => self.op(Op::CaseEnd, 3),
                        (b';', _) | (b'&', _) => self.op(Op::CaseEnd, 2),
                        _ => self.op(Op::Semi, 1),
                    }
                }
                b'|' => {
                    self.line_has_code = true;
                    match next {
                        b'|' => self.op(Op::OrIf, 2),
                        b'&' => self.op(Op::Pipe, 2),
                        _ => self.op(Op::Pipe, 1),
                    }
                }
                b'&' => {
                    self.line_has_code = true;
                    match next {
                        b'&' => self.op(Op::AndIf, 2),
                        b'>' => self.redirect(),
                        _ => self.op(Op::Amp, 1),
                    }
                }
                b'<' | b'>' if next == b'(' => self.push_word(),
                b'<' | b'>' => {
                    self.line_has_code = true;
                    self.redirect();
                }
                b'(' if self.fish => self.push_word(),
                b'(' if next == b'(' => {
                    // `(( arithmetic ))`: one raw word.
                    self.line_has_code = true;
                    let start = self.i;
                    self.i = self.skip_group(start + 1, Ctx::Paren);
                    let span = Span::new(start, self.i);
                    let value = self.src[start..self.i].to_owned();
                    self.toks.push(Tok::Word(Word {
                        span,
                        value,
                        dynamic: true,
                        style: ScalarStyle::Plain,
                    }));
                }
                b'(' => {
                    self.line_has_code = true;
                    self.op(Op::LParen, 1);
                }
                b')' => {
                    self.line_has_code = true;
                    self.op(Op::RParen, 1);
                }
                _ => self.push_word(),
            }
        }
        for doc in std::mem::take(&mut self.pending) {
            self.unterminated_heredoc(&doc);
        }
    }

    fn push_word(&mut self) {
        self.line_has_code = true;
        let word = self.read_word();
        if word.span.is_empty() {
            // Never stall: step over one character.
            let len = self.src[self.i..self.end]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            self.i += len;
            return;
        }
        self.toks.push(Tok::Word(word));
    }

    fn comment(&mut self) {
        let start = self.i;
        let mut end = start;
        while end < self.end && self.b[end] != b'\n' {
            end += 1;
        }
        let text_end = if end > start + 1 && self.b[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        self.comments.push(Comment {
            span: Span::new(start, text_end),
            text: self.src[start + 1..text_end].to_owned(),
            trailing: self.line_has_code,
        });
        self.i = end;
    }

    /// A redirection operator and its target; `<<` registers a heredoc.
    fn redirect(&mut self) {
        let mut start = self.i;
        // An io number (`2>`) or `{fd}>` just before the operator belongs to it.
        if let Some(Tok::Word(w)) = self.toks.last() {
            let raw = &self.src[w.span.start..w.span.end];
            let fd = raw.bytes().all(|c| c.is_ascii_digit())
                || (raw.starts_with('{') && raw.ends_with('}'));
            if w.span.end == start && fd {
                start = w.span.start;
                self.toks.pop();
            }
        }
        let rest = &self.b[self.i..self.end];
        let ops: [&[u8]; 12] = [
            b"&>>", b"<<<", b"<<-", b"&>", b">>", b">&", b">|", b"<<", b"<&", b"<>", b"<", b">",
        ];
        let len = ops
            .iter()
            .find(|op| rest.starts_with(op))
            .map_or(1, |op| op.len());
        let op_text = &self.src[self.i..self.i + len];
        let op_span = Span::new(self.i, self.i + len);
        let heredoc = !self.fish && (op_text == "<<" || op_text == "<<-");
        self.i += len;
        while matches!(self.at(self.i), b' ' | b'\t') {
            self.i += 1;
        }
        let mut end = self.i;
        if self.i < self.end && !is_meta(self.b[self.i]) {
            let target = self.read_word();
            end = target.span.end;
            if heredoc {
                let raw = &self.src[target.span.start..target.span.end];
                let delimiter = if target.dynamic {
                    raw.replace(['"', '\''], "")
                } else {
                    target.value
                };
                self.pending.push(Heredoc {
                    delimiter,
                    strip_tabs: op_text == "<<-",
                    op: op_span,
                });
            }
        } else if heredoc {
            self.error(op_span, "a heredoc `<<` needs a delimiter word");
        }
        self.toks
            .push(Tok::Redir(Span::new(start, end.max(op_span.end))));
    }

    /// Skip the bodies of the heredocs opened on the line that just ended.
    fn heredoc_bodies(&mut self) {
        for doc in std::mem::take(&mut self.pending) {
            let mut found = false;
            while self.i < self.end {
                let start = self.i;
                let mut end = start;
                while end < self.end && self.b[end] != b'\n' {
                    end += 1;
                }
                self.i = (end + 1).min(self.end);
                let mut line = self.src[start..end].trim_end_matches('\r');
                if doc.strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                if line == doc.delimiter {
                    found = true;
                    break;
                }
            }
            if !found {
                self.unterminated_heredoc(&doc);
            }
        }
    }

    fn unterminated_heredoc(&mut self, doc: &Heredoc) {
        let message = format!(
            "unterminated heredoc: no line `{}` before the end of the file",
            doc.delimiter
        );
        self.error(doc.op, message);
    }

    /// Read one word starting at `self.i`. An unquoted `~` at its start or after `=` or `:`
    /// is a tilde expansion, which makes the word dynamic.
    pub(super) fn read_word(&mut self) -> Word {
        let start = self.i;
        let mut value = String::new();
        let mut dynamic = false;
        let mut quotes: Vec<(u8, usize, usize)> = Vec::new();
        // Process substitution `<(…)` / `>(…)` at the start of a word.
        if matches!(self.at(self.i), b'<' | b'>') && self.at(self.i + 1) == b'(' {
            self.i = self.skip_group(self.i + 2, Ctx::Paren);
            dynamic = true;
        }
        while self.i < self.end {
            let c = self.b[self.i];
            let group = c == b'('
                && (self.i > start || self.fish || self.value)
                && (self.at(self.i + 1) != b')' || (self.i > 0 && self.b[self.i - 1] == b'='));
            if is_meta(c) && !group {
                break;
            }
            match c {
                b'(' => {
                    // `arr=(a b)`, zsh glob qualifiers, extglob, fish `(cmd)`.
                    self.i = self.skip_group(self.i + 1, Ctx::Paren);
                    dynamic = true;
                }
                b'\\' => {
                    let next = self.at(self.i + 1);
                    if next == b'\n' {
                        self.i += 2;
                    } else if next == b'\r' && self.at(self.i + 2) == b'\n' {
                        self.i += 3;
                    } else if self.i + 1 < self.end {
                        self.i += 1;
                        self.push_char(&mut value);
                    } else {
                        self.i += 1;
                    }
                }
                b'\'' => {
                    let q = self.i;
                    self.single_quoted(&mut value);
                    quotes.push((b'\'', q, self.i));
                }
                b'"' => {
                    let q = self.i;
                    dynamic |= self.double_quoted(&mut value);
                    quotes.push((b'"', q, self.i));
                }
                b'$' => {
                    if !self.fish && self.at(self.i + 1) == b'\'' {
                        let q = self.i;
                        self.i += 1;
                        self.ansi_c_quoted(&mut value);
                        quotes.push((b'\'', q, self.i));
                    } else if self.dollar() {
                        dynamic = true;
                    } else {
                        value.push('$');
                        self.i += 1;
                    }
                }
                b'`' => {
                    self.i = self.skip_group(self.i + 1, Ctx::Backquote);
                    dynamic = true;
                }
                b'~' if self.i == start || matches!(self.b[self.i - 1], b':' | b'=') => {
                    dynamic = true;
                    value.push('~');
                    self.i += 1;
                }
                _ => self.push_char(&mut value),
            }
        }
        let span = Span::new(start, self.i);
        let style = match quotes.as_slice() {
            [(q, s, e)] if *s == start && *e == self.i => {
                if *q == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                }
            }
            _ => ScalarStyle::Plain,
        };
        if dynamic {
            value = self.src[start..self.i].to_owned();
        }
        Word {
            span,
            value,
            dynamic,
            style,
        }
    }

    /// Push the character at `self.i` (dropping the `\r` of a CRLF) and step past it.
    fn push_char(&mut self, value: &mut String) {
        let Some(ch) = self.src[self.i..self.end].chars().next() else {
            self.i = self.end;
            return;
        };
        if !(ch == '\r' && self.at(self.i + 1) == b'\n') {
            value.push(ch);
        }
        self.i += ch.len_utf8();
    }

    fn single_quoted(&mut self, value: &mut String) {
        let open = self.i;
        self.i += 1;
        while self.i < self.end {
            match self.b[self.i] {
                b'\'' => {
                    self.i += 1;
                    return;
                }
                // fish: `\'` and `\\` are escapes inside single quotes.
                b'\\' if self.fish && matches!(self.at(self.i + 1), b'\'' | b'\\') => {
                    self.i += 1;
                    self.push_char(value);
                }
                _ => self.push_char(value),
            }
        }
        self.error(Span::new(open, open + 1), "unterminated single quote");
    }

    fn ansi_c_quoted(&mut self, value: &mut String) {
        let open = self.i - 1;
        self.i += 1;
        while self.i < self.end {
            match self.b[self.i] {
                b'\'' => {
                    self.i += 1;
                    return;
                }
                b'\\' if self.i + 1 < self.end => {
                    self.i += 1;
                    let decoded = match self.b[self.i] {
                        b'n' => Some('\n'),
                        b't' => Some('\t'),
                        b'r' => Some('\r'),
                        b'e' | b'E' => Some('\x1b'),
                        b'a' => Some('\x07'),
                        _ => None,
                    };
                    match decoded {
                        Some(ch) => {
                            value.push(ch);
                            self.i += 1;
                        }
                        None => self.push_char(value),
                    }
                }
                _ => self.push_char(value),
            }
        }
        self.error(Span::new(open, open + 2), "unterminated `$'` quote");
    }

    /// Returns whether the string expands anything.
    fn double_quoted(&mut self, value: &mut String) -> bool {
        let open = self.i;
        let mut dynamic = false;
        self.i += 1;
        while self.i < self.end {
            let c = self.b[self.i];
            match c {
                b'"' => {
                    self.i += 1;
                    return dynamic;
                }
                b'\\' => {
                    let next = self.at(self.i + 1);
                    if next == b'\n' {
                        self.i += 2;
                    } else if next == b'\r' && self.at(self.i + 2) == b'\n' {
                        self.i += 3;
                    } else if matches!(next, b'$' | b'`' | b'"' | b'\\') {
                        self.i += 1;
                        self.push_char(value);
                    } else {
                        value.push('\\');
                        self.i += 1;
                    }
                }
                b'$' => {
                    if self.dollar() {
                        dynamic = true;
                    } else {
                        self.push_char(value);
                    }
                }
                b'`' if !self.fish => {
                    self.i = self.skip_group(self.i + 1, Ctx::Backquote);
                    dynamic = true;
                }
                _ => self.push_char(value),
            }
        }
        self.error(Span::new(open, open + 1), "unterminated double quote");
        dynamic
    }

    /// At `$`: step over an expansion and return true, or return false for a literal `$`.
    fn dollar(&mut self) -> bool {
        let next = self.at(self.i + 1);
        match next {
            b'(' => self.i = self.skip_group(self.i + 2, Ctx::Paren),
            b'{' => self.i = self.skip_group(self.i + 2, Ctx::Brace),
            b'@' | b'*' | b'#' | b'?' | b'-' | b'$' | b'!' | b'0'..=b'9' if !self.fish => {
                self.i += 2
            }
            c if is_name_byte(c) => {
                self.i += 1;
                while is_name_byte(self.at(self.i)) {
                    self.i += 1;
                }
                // fish `$var[1]`
                if self.fish && self.at(self.i) == b'[' {
                    while self.i < self.end && !matches!(self.b[self.i], b']' | b'\n') {
                        self.i += 1;
                    }
                    if self.at(self.i) == b']' {
                        self.i += 1;
                    }
                }
            }
            _ => return false,
        }
        true
    }

    /// Skip a nested group whose opener ends just before `from`; returns the index after
    /// its closer, or the end of the text (with an error) when it is never closed.
    fn skip_group(&mut self, from: usize, outer: Ctx) -> usize {
        let open = from.saturating_sub(1);
        let mut stack = vec![outer];
        let mut i = from;
        while let Some(&top) = stack.last() {
            if i >= self.end {
                let what = match outer {
                    Ctx::Paren => "unterminated `(`",
                    Ctx::Brace => "unterminated `${`",
                    Ctx::Backquote => "unterminated backquote",
                    Ctx::Double => "unterminated double quote",
                };
                self.error(Span::new(open, from.min(self.end)), what);
                return self.end;
            }
            let c = self.b[i];
            i += 1;
            match (top, c) {
                (_, b'\\') => i += 1,
                (Ctx::Double, b'"') | (Ctx::Backquote, b'`') => {
                    stack.pop();
                }
                (Ctx::Paren, b')') | (Ctx::Brace, b'}') => {
                    stack.pop();
                }
                (Ctx::Double | Ctx::Paren | Ctx::Brace, b'$') => match self.at(i) {
                    b'(' => {
                        stack.push(Ctx::Paren);
                        i += 1;
                    }
                    b'{' => {
                        stack.push(Ctx::Brace);
                        i += 1;
                    }
                    _ => {}
                },
                (Ctx::Double | Ctx::Paren | Ctx::Brace, b'`') => stack.push(Ctx::Backquote),
                (Ctx::Paren | Ctx::Brace, b'"') => stack.push(Ctx::Double),
                (Ctx::Paren, b'(') => stack.push(Ctx::Paren),
                (Ctx::Paren | Ctx::Brace, b'\'') => {
                    while i < self.end && self.b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                }
                _ => {}
            }
        }
        i.min(self.end)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    Paren,
    Brace,
    Backquote,
    Double,
}
