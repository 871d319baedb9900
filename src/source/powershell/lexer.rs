//! PowerShell tokens: words, separators and comments, in one linear pass.
//!
//! Not a parser: enough of the language to know where commands start and end. Strings
//! (`'...'` with `''`, `"..."` with backtick escapes and `$(...)`, here-strings `@'`/`@"`),
//! groups (`(...)`, `$(...)`, `@(...)`, `@{...}`, `${...}`, `[...]`) and comments
//! (`#`, `<# #>`) are skipped as units, so nothing inside them is taken for code. Nesting
//! is tracked on an explicit stack, so deep input cannot overflow the call stack.

use crate::document::{Comment, ScalarStyle, Span, SyntaxError};

/// A word: a command name, an argument, an assignment target or operator.
#[derive(Clone, Debug)]
pub struct Word {
    pub span: Span,
    /// The decoded text when it is static; `None` when it holds a variable, a
    /// subexpression or a group (its raw text is then the only honest value).
    pub value: Option<String>,
    pub style: ScalarStyle,
    /// `=`, `+=`, ... after a statement's first word.
    pub assign_op: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sep {
    Newline,
    Semicolon,
    Pipe,
    AndAnd,
    OrOr,
    /// `&` after a command (PowerShell 7's background operator).
    Background,
    /// `{` opening a script block.
    Open,
    Close,
}

#[derive(Clone, Debug)]
pub enum Token {
    Word(Word),
    Sep(Sep, Span),
}

pub struct Lexed {
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

/// The single and double quotes PowerShell accepts, typographic ones included.
pub fn quote_at(b: &[u8], i: usize) -> Option<(bool, usize)> {
    match b.get(i)? {
        b'\'' => Some((false, 1)),
        b'"' => Some((true, 1)),
        0xE2 if b.get(i + 1) == Some(&0x80) => match b.get(i + 2)? {
            0x98..=0x9B => Some((false, 3)),
            0x9C..=0x9E => Some((true, 3)),
            _ => None,
        },
        _ => None,
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

/// Length in bytes of the character starting at `i` (1 past the end).
fn char_len(text: &str, i: usize) -> usize {
    text[i..].chars().next().map_or(1, char::len_utf8)
}

#[derive(Clone, Copy)]
enum Frame {
    /// A group closed by this byte, opened at this offset.
    Group(u8, usize),
    /// A double-quoted string opened at this offset.
    Double(usize),
}

pub struct Lexer<'t> {
    text: &'t str,
    b: &'t [u8],
    i: usize,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

/// A construct ran to the end of the text.
struct Unterminated;

impl<'t> Lexer<'t> {
    pub fn new(text: &'t str) -> Self {
        Lexer {
            text,
            b: text.as_bytes(),
            i: 0,
            comments: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn error(&mut self, at: usize, len: usize, message: impl Into<String>) -> Unterminated {
        self.errors.push(SyntaxError {
            span: Span::new(at, (at + len).min(self.text.len())),
            message: message.into(),
        });
        Unterminated
    }

    fn peek(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    /// Is a `#` at `i` the start of a comment (at the start of a token)?
    fn token_start(&self, i: usize) -> bool {
        i == 0
            || matches!(
                self.b[i - 1],
                b' ' | b'\t'
                    | b'\r'
                    | b'\n'
                    | b'('
                    | b')'
                    | b'{'
                    | b'}'
                    | b';'
                    | b','
                    | b'|'
                    | b'='
                    | b'&'
            )
    }

    fn trailing(&self, at: usize) -> bool {
        let before = &self.b[..at];
        let mut k = before.len();
        while k > 0 && matches!(before[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        k > 0 && before[k - 1] != b'\n'
    }

    /// A `#` comment to the end of the line; `self.i` at the `#`.
    fn line_comment(&mut self) {
        let start = self.i;
        let end = memchr(b'\n', &self.b[start..]).map_or(self.b.len(), |k| start + k);
        let end = if end > start && self.b[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        self.comments.push(Comment {
            span: Span::new(start, end),
            text: self.text[start + 1..end].to_owned(),
            trailing: self.trailing(start),
        });
        self.i = end;
    }

    /// A `<# ... #>` comment; `self.i` at the `<`.
    fn block_comment(&mut self) -> Result<(), Unterminated> {
        let start = self.i;
        let Some(k) = find(&self.b[start + 2..], b"#>") else {
            self.i = self.b.len();
            return Err(self.error(start, 2, "the block comment is missing its terminator `#>`"));
        };
        let end = start + 2 + k + 2;
        self.comments.push(Comment {
            span: Span::new(start, end),
            text: self.text[start + 2..end - 2].to_owned(),
            trailing: self.trailing(start),
        });
        self.i = end;
        Ok(())
    }

    /// A single-quoted string; `self.i` at the quote. Returns the decoded text.
    fn single(&mut self, decoded: Option<&mut String>) -> Result<(), Unterminated> {
        let start = self.i;
        let (_, qlen) = quote_at(self.b, start).unwrap_or((false, 1));
        let mut i = start + qlen;
        let mut out = decoded;
        let mut piece = i;
        loop {
            // Find the next single quote of any kind.
            let Some(k) = self.b[i..]
                .iter()
                .position(|&c| c == b'\'' || c == 0xE2)
                .map(|k| i + k)
            else {
                self.i = self.b.len();
                return Err(self.error(start, qlen, "the string is missing its terminator: '"));
            };
            match quote_at(self.b, k) {
                Some((false, len)) => {
                    if let Some(o) = out.as_deref_mut() {
                        o.push_str(&self.text[piece..k]);
                    }
                    match quote_at(self.b, k + len) {
                        Some((false, len2)) => {
                            // A doubled quote stands for one.
                            if let Some(o) = out.as_deref_mut() {
                                o.push_str(&self.text[k..k + len]);
                            }
                            i = k + len + len2;
                            piece = i;
                        }
                        _ => {
                            self.i = k + len;
                            return Ok(());
                        }
                    }
                }
                _ => i = k + 1,
            }
        }
    }

    /// A here-string `@'`/`@"` whose header ends its line; `self.i` at the `@`.
    /// Returns `Ok(None)` when this is not a here-string header.
    fn here_string(&mut self) -> Result<Option<(String, bool)>, Unterminated> {
        let start = self.i;
        let Some((double, qlen)) = quote_at(self.b, start + 1) else {
            return Ok(None);
        };
        let mut j = start + 1 + qlen;
        while j < self.b.len() && matches!(self.b[j], b' ' | b'\t') {
            j += 1;
        }
        if j < self.b.len() && self.b[j] == b'\r' {
            j += 1;
        }
        if j >= self.b.len() || self.b[j] != b'\n' {
            return Ok(None);
        }
        let body = j + 1;
        let mut line = body;
        loop {
            if let Some((d, len)) = quote_at(self.b, line) {
                if d == double && self.b.get(line + len) == Some(&b'@') {
                    let end = if line > body { line - 1 } else { line };
                    let end = if end > body && self.b[end - 1] == b'\r' {
                        end - 1
                    } else {
                        end
                    };
                    let content = &self.text[body..end.max(body)];
                    self.i = line + len + 1;
                    let dynamic = double && has_expansion(content);
                    let value = if double {
                        unescape(content)
                    } else {
                        content.to_owned()
                    };
                    return Ok(Some((value, dynamic)));
                }
            }
            match memchr(b'\n', &self.b[line..]) {
                Some(k) => line += k + 1,
                None => {
                    self.i = self.b.len();
                    let close = if double { "\"@" } else { "'@" };
                    return Err(self.error(
                        start,
                        1 + qlen,
                        format!("the here-string is missing its terminator: {close} at the start of a line"),
                    ));
                }
            }
        }
    }

    /// Skip nested code or string from `self.i`, which is just past the opener of `frame`.
    fn nested(&mut self, frame: Frame) -> Result<(), Unterminated> {
        let mut stack = vec![frame];
        while let Some(&top) = stack.last() {
            let i = self.i;
            if i >= self.b.len() {
                let (at, message) = match top {
                    Frame::Group(c, at) => (at, format!("missing closing '{}'", c as char)),
                    Frame::Double(at) => {
                        (at, "the string is missing its terminator: \"".to_owned())
                    }
                };
                let len = char_len(self.text, at.min(self.text.len().saturating_sub(1)));
                return Err(self.error(at, len, message));
            }
            let c = self.b[i];
            match top {
                Frame::Double(_) => {
                    if c == b'`' {
                        self.i += 1 + char_len(self.text, (i + 1).min(self.b.len() - 1));
                        self.i = self.i.min(self.b.len());
                    } else if let Some((true, len)) = quote_at(self.b, i) {
                        if let Some((true, len2)) = quote_at(self.b, i + len) {
                            self.i += len + len2;
                        } else {
                            self.i += len;
                            stack.pop();
                        }
                    } else if c == b'$' && self.peek(1) == b'(' {
                        stack.push(Frame::Group(b')', i + 1));
                        self.i += 2;
                    } else {
                        self.i += 1;
                    }
                }
                Frame::Group(closer, _) => match c {
                    b'#' if self.token_start(i) => self.line_comment(),
                    b'<' if self.peek(1) == b'#' => self.block_comment()?,
                    b'(' => {
                        stack.push(Frame::Group(b')', i));
                        self.i += 1;
                    }
                    b'{' => {
                        stack.push(Frame::Group(b'}', i));
                        self.i += 1;
                    }
                    b'[' => {
                        stack.push(Frame::Group(b']', i));
                        self.i += 1;
                    }
                    b')' | b'}' | b']' => {
                        if c == closer {
                            stack.pop();
                        }
                        self.i += 1;
                    }
                    b'`' => {
                        self.i += 1 + char_len(self.text, (i + 1).min(self.b.len() - 1));
                        self.i = self.i.min(self.b.len());
                    }
                    b'@' if quote_at(self.b, i + 1).is_some() => {
                        if self.here_string()?.is_none() {
                            self.i += 1;
                        }
                    }
                    _ => match quote_at(self.b, i) {
                        Some((false, _)) => self.single(None)?,
                        Some((true, len)) => {
                            stack.push(Frame::Double(i));
                            self.i += len;
                        }
                        None => self.i += 1,
                    },
                },
            }
        }
        Ok(())
    }

    /// A double-quoted string at word level; `self.i` at the quote.
    fn double(&mut self, out: &mut String, dynamic: &mut bool) -> Result<(), Unterminated> {
        let start = self.i;
        let (_, qlen) = quote_at(self.b, start).unwrap_or((true, 1));
        self.i += qlen;
        loop {
            let i = self.i;
            if i >= self.b.len() {
                return Err(self.error(start, qlen, "the string is missing its terminator: \""));
            }
            let c = self.b[i];
            if c == b'`' {
                let len = char_len(self.text, (i + 1).min(self.b.len() - 1));
                if i + 1 < self.b.len() {
                    let next = &self.text[i + 1..i + 1 + len];
                    if next == "u" && self.peek(2) == b'{' {
                        *dynamic = true;
                    }
                    out.push_str(escape(next));
                }
                self.i = (i + 1 + len).min(self.b.len());
            } else if let Some((true, len)) = quote_at(self.b, i) {
                if let Some((true, len2)) = quote_at(self.b, i + len) {
                    out.push_str(&self.text[i..i + len]);
                    self.i += len + len2;
                } else {
                    self.i += len;
                    return Ok(());
                }
            } else if c == b'$' && self.peek(1) == b'(' {
                *dynamic = true;
                self.i += 2;
                self.nested(Frame::Group(b')', i + 1))?;
            } else {
                if c == b'$' && is_var_start(self.peek(1)) {
                    *dynamic = true;
                }
                let len = char_len(self.text, i);
                out.push_str(&self.text[i..i + len]);
                self.i += len;
            }
        }
    }

    /// One word from `self.i`. `first`: it starts a statement, so an assignment
    /// operator ends it.
    fn word(&mut self, first: bool) -> Result<Word, Unterminated> {
        let start = self.i;
        let mut out = String::new();
        let mut dynamic = false;
        let style = match quote_at(self.b, start) {
            Some((false, _)) => ScalarStyle::SingleQuoted,
            Some((true, _)) => ScalarStyle::DoubleQuoted,
            None if self.b[start] == b'@' => match quote_at(self.b, start + 1) {
                Some((false, _)) => ScalarStyle::SingleQuoted,
                Some((true, _)) => ScalarStyle::DoubleQuoted,
                None => ScalarStyle::Plain,
            },
            None => ScalarStyle::Plain,
        };
        let expression = first && matches!(self.b[start], b'$' | b'[');
        while self.i < self.b.len() {
            let i = self.i;
            let c = self.b[i];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c | b';' | b'|' | b'}' | b')' => break,
                b'{' if i == start || !matches!(self.b[i - 1], b'$' | b'@') => break,
                b'&' if i > start && self.b[i - 1] != b'>' => break,
                b'&' if i == start => {
                    self.i += 1;
                    out.push('&');
                    break;
                }
                b'<' if self.peek(1) == b'#' => break,
                b'=' if expression && i > start => break,
                b'`' => {
                    if matches!(self.peek(1), b'\n')
                        || (self.peek(1) == b'\r' && self.peek(2) == b'\n')
                    {
                        break;
                    }
                    let len = char_len(self.text, (i + 1).min(self.b.len() - 1));
                    if i + 1 < self.b.len() {
                        out.push_str(&self.text[i + 1..i + 1 + len]);
                    }
                    self.i = (i + 1 + len).min(self.b.len());
                }
                b'(' | b'[' => {
                    dynamic = true;
                    self.i += 1;
                    let closer = if c == b'(' { b')' } else { b']' };
                    self.nested(Frame::Group(closer, i))?;
                }
                b'{' => {
                    // `${name}` or `@{...}`.
                    dynamic = true;
                    self.i += 1;
                    self.nested(Frame::Group(b'}', i))?;
                }
                b'$' => {
                    if is_var_start(self.peek(1)) || matches!(self.peek(1), b'(' | b'{') {
                        dynamic = true;
                    }
                    out.push('$');
                    self.i += 1;
                }
                b'@' if quote_at(self.b, i + 1).is_some() => match self.here_string()? {
                    Some((value, d)) => {
                        dynamic |= d;
                        out.push_str(&value);
                    }
                    None => {
                        out.push('@');
                        self.i += 1;
                    }
                },
                _ => match quote_at(self.b, i) {
                    Some((false, _)) => {
                        self.single(Some(&mut out))?;
                    }
                    Some((true, _)) => self.double(&mut out, &mut dynamic)?,
                    None => {
                        let len = char_len(self.text, i);
                        out.push_str(&self.text[i..i + len]);
                        self.i += len;
                    }
                },
            }
        }
        let mut end = self.i;
        if expression && self.b.get(end) == Some(&b'=') && end > start + 1 {
            // `$x+=1`: the operator's first character is not part of the target.
            if matches!(self.b[end - 1], b'+' | b'-' | b'*' | b'/' | b'%') {
                end -= 1;
                self.i = end;
                out.pop();
            }
        }
        Ok(Word {
            span: Span::new(start, end),
            value: (!dynamic).then_some(out),
            style,
            assign_op: false,
        })
    }

    /// An assignment operator at `self.i`, if there is one.
    fn assign_op(&mut self) -> Option<Word> {
        let i = self.i;
        let len = match (self.peek(0), self.peek(1), self.peek(2)) {
            (b'=', b'=', _) => return None,
            (b'=', _, _) => 1,
            (b'+' | b'-' | b'*' | b'/' | b'%', b'=', _) => 2,
            (b'?', b'?', b'=') => 3,
            _ => return None,
        };
        self.i += len;
        Some(Word {
            span: Span::new(i, i + len),
            value: Some(self.text[i..i + len].to_owned()),
            style: ScalarStyle::Plain,
            assign_op: true,
        })
    }
}

fn is_var_start(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'?' | b'^' | b':') || c >= 0x80
}

/// Does a double-quoted text expand anything (`$name`, `$(...)`, `${...}`)?
pub fn has_expansion(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'`' => i += 2,
            b'$' if i + 1 < b.len()
                && (is_var_start(b[i + 1]) || matches!(b[i + 1], b'(' | b'{')) =>
            {
                return true
            }
            _ => i += 1,
        }
    }
    false
}

/// What a backtick escape in a double-quoted string stands for.
fn escape(next: &str) -> &str {
    match next {
        "0" => "\0",
        "a" => "\x07",
        "b" => "\x08",
        "e" => "\x1b",
        "f" => "\x0c",
        "n" => "\n",
        "r" => "\r",
        "t" => "\t",
        "v" => "\x0b",
        other => other,
    }
}

/// The backtick escapes of a double-quoted here-string, decoded.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            if let Some((j, n)) = chars.next() {
                out.push_str(escape(&s[j..j + n.len_utf8()]));
                continue;
            }
            let _ = i;
        }
        out.push(c);
    }
    out
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Tokenize a whole script.
pub fn lex(text: &str) -> Lexed {
    let mut lx = Lexer::new(text);
    let mut tokens = Vec::new();
    // Words since the last separator (0: a statement starts; an assignment operator
    // starts one again).
    let mut words_in_cmd = 0usize;
    let mut first_is_expression = false;
    while lx.i < lx.b.len() {
        let i = lx.i;
        let c = lx.b[i];
        let sep = |s: Sep, len: usize| Token::Sep(s, Span::new(i, i + len));
        match c {
            _ if is_space(c) => lx.i += 1,
            b'\n' => {
                tokens.push(sep(Sep::Newline, 1));
                lx.i += 1;
                words_in_cmd = 0;
            }
            b'`' if lx.peek(1) == b'\n' => lx.i += 2,
            b'`' if lx.peek(1) == b'\r' && lx.peek(2) == b'\n' => lx.i += 3,
            b')' => {
                lx.error(i, 1, "unexpected token ')'");
                tokens.push(sep(Sep::Semicolon, 1));
                lx.i += 1;
                words_in_cmd = 0;
            }
            b';' | b'{' | b'}' => {
                let s = match c {
                    b';' => Sep::Semicolon,
                    b'{' => Sep::Open,
                    _ => Sep::Close,
                };
                tokens.push(sep(s, 1));
                lx.i += 1;
                words_in_cmd = 0;
            }
            b'|' | b'&' if lx.peek(1) == c => {
                tokens.push(sep(if c == b'|' { Sep::OrOr } else { Sep::AndAnd }, 2));
                lx.i += 2;
                words_in_cmd = 0;
            }
            b'|' => {
                tokens.push(sep(Sep::Pipe, 1));
                lx.i += 1;
                words_in_cmd = 0;
            }
            b'&' if words_in_cmd > 0 => {
                tokens.push(sep(Sep::Background, 1));
                lx.i += 1;
                words_in_cmd = 0;
            }
            b'#' => lx.line_comment(),
            b'<' if lx.peek(1) == b'#' => {
                if lx.block_comment().is_err() {
                    break;
                }
            }
            _ => {
                if words_in_cmd == 1 && first_is_expression {
                    if let Some(op) = lx.assign_op() {
                        tokens.push(Token::Word(op));
                        words_in_cmd = 0;
                        continue;
                    }
                }
                let first = words_in_cmd == 0;
                match lx.word(first) {
                    Ok(w) => {
                        if first {
                            first_is_expression = matches!(lx.b[w.span.start], b'$' | b'[');
                        }
                        // A word that consumed nothing would loop forever.
                        if w.span.is_empty() && lx.i == i {
                            lx.i += char_len(text, i);
                            continue;
                        }
                        tokens.push(Token::Word(w));
                        words_in_cmd += 1;
                    }
                    Err(Unterminated) => break,
                }
            }
        }
    }
    Lexed {
        tokens,
        comments: lx.comments,
        errors: lx.errors,
    }
}

/// The comma-separated arguments inside a method call's parentheses: `open` is the
/// offset of `(`. Returns the argument spans (trimmed) and the offset after `)`.
pub fn call_args(text: &str, open: usize) -> Option<(Vec<Span>, usize)> {
    let mut lx = Lexer::new(text);
    let b = text.as_bytes();
    let mut args = Vec::new();
    let mut piece = open + 1;
    lx.i = open + 1;
    while lx.i < b.len() {
        let i = lx.i;
        match b[i] {
            b')' => {
                args.push(trim(text, piece, i));
                return Some((args.into_iter().filter(|s| !s.is_empty()).collect(), i + 1));
            }
            b',' => {
                args.push(trim(text, piece, i));
                piece = i + 1;
                lx.i += 1;
            }
            b'(' | b'[' | b'{' => {
                lx.i += 1;
                let closer = match b[i] {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                lx.nested(Frame::Group(closer, i)).ok()?;
            }
            b'@' if quote_at(b, i + 1).is_some() => {
                if lx.here_string().ok()?.is_none() {
                    lx.i += 1;
                }
            }
            b'`' => lx.i = (i + 2).min(b.len()),
            _ => match quote_at(b, i) {
                Some((false, _)) => lx.single(None).ok()?,
                Some((true, _)) => {
                    let (mut s, mut d) = (String::new(), false);
                    lx.double(&mut s, &mut d).ok()?;
                }
                None => lx.i += char_len(text, i),
            },
        }
    }
    None
}

fn trim(text: &str, start: usize, end: usize) -> Span {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead == s.len() {
        return Span::new(start, start);
    }
    Span::new(start + lead, end - trail)
}

/// The value of a literal written alone (`'x'`, `"x"` without expansions, a here-string,
/// a number): what PowerShell would assign. `None` for anything else.
pub fn literal(text: &str) -> Option<(String, ScalarStyle)> {
    let mut lx = Lexer::new(text);
    let w = lx.word(false).ok()?;
    if w.span.end != text.len() || !lx.errors.is_empty() {
        return None;
    }
    let numeric = text.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && text.bytes().next().is_some_and(|c| c.is_ascii_digit());
    match w.style {
        ScalarStyle::Plain if !numeric => None,
        _ => w.value.map(|v| (v, w.style)),
    }
}
