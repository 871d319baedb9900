//! The go.mod tokenizer, a port of x/mod's `modfile/read.go` `readToken`.
//!
//! Tokens are identifiers (almost any run of printable characters), `"..."` and `` `...` ``
//! strings, the punctuation `( ) [ ] { } ,`, newlines and `//` comments. Go stops at the
//! first lexical error; we record it at the same position and recover so the rest of the
//! file can still be parsed.

use crate::document::{Comment, Span, SyntaxError};

use super::checks::quote_rune;
use super::unicode_print::is_print;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Eof,
    /// A comment after a token on its line; it also ends that line.
    EolComment,
    /// A comment alone on its line.
    Comment,
    Newline,
    LParen,
    RParen,
    LBrack,
    RBrack,
    LBrace,
    RBrace,
    Comma,
    Ident,
    String,
}

impl Kind {
    /// Whether the token ends a line (x/mod's `isEOL`).
    pub(super) fn is_eol(self) -> bool {
        matches!(self, Kind::Eof | Kind::EolComment | Kind::Newline)
    }
}

/// A token: its kind and its text's byte range. For comments the range is that of the
/// comment (`//` to the end of the line, line ending excluded) and `comment` indexes it in
/// the comment list.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub comment: u32,
}

impl Token {
    pub(super) fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

pub(super) struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            comments: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn error(&mut self, at: usize, end: usize, message: impl Into<String>) {
        self.errors.push(SyntaxError {
            span: Span::new(at, end.max(at)),
            message: message.into(),
        });
    }

    fn token(&self, kind: Kind, start: usize, end: usize) -> Token {
        Token {
            kind,
            start,
            end,
            comment: 0,
        }
    }

    fn char_at(&self, i: usize) -> char {
        self.text[i..].chars().next().unwrap_or('\0')
    }

    fn starts_with_at(&self, i: usize, prefix: &[u8]) -> bool {
        self.bytes[i..].starts_with(prefix)
    }

    /// The next token. After the end of input it keeps returning `Eof`.
    pub(super) fn next_token(&mut self) -> Token {
        loop {
            // Skip blanks. Only these three: any other space character is an error.
            while self.pos < self.bytes.len()
                && matches!(self.bytes[self.pos], b' ' | b'\t' | b'\r')
            {
                self.pos += 1;
            }
            let start = self.pos;
            let Some(&b) = self.bytes.get(start) else {
                return self.token(Kind::Eof, start, start);
            };
            let punct = match b {
                b'\n' => Some(Kind::Newline),
                b'(' => Some(Kind::LParen),
                b')' => Some(Kind::RParen),
                b'[' => Some(Kind::LBrack),
                b']' => Some(Kind::RBrack),
                b'{' => Some(Kind::LBrace),
                b'}' => Some(Kind::RBrace),
                b',' => Some(Kind::Comma),
                _ => None,
            };
            if let Some(kind) = punct {
                self.pos += 1;
                return self.token(kind, start, start + 1);
            }
            if self.starts_with_at(start, b"//") {
                return self.comment(start);
            }
            if b == b'"' || b == b'`' {
                return self.string(start, b);
            }
            if self.starts_with_at(start, b"/*") {
                // Go stops here; we take the `/*` as the start of an identifier.
                self.error(start, start + 2, BLOCK_COMMENT);
                self.pos += 2;
                return self.ident(start);
            }
            let c = self.char_at(start);
            if !is_ident(c) {
                // Go stops here; we skip the character.
                self.pos += c.len_utf8();
                self.error(
                    start,
                    self.pos,
                    format!("unexpected input character {}", quote_rune(c)),
                );
                continue;
            }
            return self.ident(start);
        }
    }

    /// A `//` comment up to the end of its line; the newline is consumed with it.
    fn comment(&mut self, start: usize) -> Token {
        // A comment is "trailing" when something other than space precedes it on its line.
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let trailing = !self.text[line_start..start].trim().is_empty();
        let (mut end, next) = match memchr_newline(&self.bytes[start..]) {
            Some(i) => (start + i, start + i + 1),
            None => (self.bytes.len(), self.bytes.len()),
        };
        // Like Go, drop a CR only as part of a CRLF line ending.
        if next > end && end > start && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        self.pos = next;
        let index = self.comments.len() as u32;
        self.comments.push(Comment {
            span: Span::new(start, end),
            text: self.text[start + 2..end].to_owned(),
            trailing,
        });
        Token {
            kind: if trailing {
                Kind::EolComment
            } else {
                Kind::Comment
            },
            start,
            end,
            comment: index,
        }
    }

    /// An interpreted or raw string. Escapes are only skipped here; they are checked when
    /// the directive unquotes the token.
    fn string(&mut self, start: usize, quote: u8) -> Token {
        self.pos = start + 1;
        loop {
            let Some(&c) = self.bytes.get(self.pos) else {
                self.error(start, self.pos, "unexpected EOF in string");
                break;
            };
            if c == b'\n' {
                self.error(self.pos, self.pos, "unexpected newline in string");
                break;
            }
            self.pos += 1;
            if c == quote {
                break;
            }
            if c == b'\\' && quote != b'`' {
                // The escaped character is taken as is, even a newline (as Go does).
                if self.pos >= self.bytes.len() {
                    self.error(start, self.pos, "unexpected EOF in string");
                    break;
                }
                self.pos += self.char_at(self.pos).len_utf8();
            }
        }
        self.token(Kind::String, start, self.pos)
    }

    /// An identifier starting at `start`, scanned from the current position.
    fn ident(&mut self, start: usize) -> Token {
        while let Some(&b) = self.bytes.get(self.pos) {
            let len = if b < 0x80 {
                if !is_ident_ascii(b) {
                    break;
                }
                if b == b'/' {
                    if self.starts_with_at(self.pos, b"//") {
                        break;
                    }
                    if self.starts_with_at(self.pos, b"/*") {
                        self.error(self.pos, self.pos + 2, BLOCK_COMMENT);
                        self.pos += 2;
                        continue;
                    }
                }
                1
            } else {
                let c = self.char_at(self.pos);
                if !is_ident(c) {
                    break;
                }
                c.len_utf8()
            };
            self.pos += len;
        }
        self.token(Kind::Ident, start, self.pos)
    }
}

const BLOCK_COMMENT: &str = "mod files must use // comments (not /* */ comments)";

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

fn is_ident_ascii(b: u8) -> bool {
    (0x21..0x7F).contains(&b) && !matches!(b, b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',')
}

/// x/mod's `isIdent`: printable, not space, not one of `( ) [ ] { } ,`.
pub(super) fn is_ident(c: char) -> bool {
    if c.is_ascii() {
        return is_ident_ascii(c as u8);
    }
    // No printable non-ASCII character is a space in Go's tables.
    is_print(c)
}
