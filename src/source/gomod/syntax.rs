//! Lines and `( ... )` blocks, a port of x/mod's `parseFile`/`parseStmt`/`parseLineBlock`.
//!
//! A statement is a line of tokens, or a head (`require`) followed by `(`, one line per
//! entry and `)`. Comments are attached the way x/mod attaches them, because directive
//! semantics depend on it (`// indirect`, `// Deprecated:`, retract rationales): a line's
//! `before` comments are the whole-line comments directly above it (in a block: all since
//! the previous entry), its `suffix` the comment that ends it.

use crate::document::{SourceText, Span, SyntaxError};

use super::lexer::{Kind, Lexer, Token};

/// One line of tokens: a top-level directive or an entry of a block.
pub(super) struct Line {
    /// Indexes into [`Syntax::tokens`].
    pub tokens: std::ops::Range<usize>,
    pub span: Span,
    /// Indexes into the comment list.
    pub before: Vec<u32>,
    pub suffix: Option<u32>,
}

pub(super) struct Block {
    /// The tokens before `(` (normally just the verb).
    pub head: std::ops::Range<usize>,
    /// From the first head token to the `)` (or the end of input when unterminated).
    pub span: Span,
    pub lines: Vec<Line>,
    pub before: Vec<u32>,
}

pub(super) enum Stmt {
    Line(Line),
    Block(Block),
}

/// The parsed statements, their tokens and whatever went wrong on the way.
pub(super) struct Syntax {
    pub tokens: Vec<Token>,
    pub stmts: Vec<Stmt>,
    pub comments: Vec<crate::document::Comment>,
    pub errors: Vec<SyntaxError>,
}

struct Parser<'a> {
    source: &'a SourceText,
    lexer: Lexer<'a>,
    /// The lookahead token (x/mod's `peek`).
    next: Token,
    tokens: Vec<Token>,
}

pub(super) fn parse(source: &SourceText) -> Syntax {
    let mut lexer = Lexer::new(&source.text);
    let next = lexer.next_token();
    let mut p = Parser {
        source,
        lexer,
        next,
        tokens: Vec::new(),
    };
    let stmts = p.file();
    Syntax {
        tokens: p.tokens,
        stmts,
        comments: p.lexer.comments,
        errors: p.lexer.errors,
    }
}

impl Parser<'_> {
    fn lex(&mut self) -> Token {
        let tok = self.next;
        if tok.kind != Kind::Eof {
            self.next = self.lexer.next_token();
        }
        tok
    }

    fn error(&mut self, at: usize, end: usize, message: String) {
        self.lexer.errors.push(SyntaxError {
            span: Span::new(at, end.max(at)),
            message,
        });
    }

    fn file(&mut self) -> Vec<Stmt> {
        let mut stmts = Vec::new();
        // Whole-line comments since the last blank line: they belong to the next statement.
        let mut pending: Vec<u32> = Vec::new();
        loop {
            match self.next.kind {
                Kind::Eof => return stmts,
                Kind::Newline => {
                    self.lex();
                    pending.clear();
                }
                Kind::Comment => {
                    let tok = self.lex();
                    pending.push(tok.comment);
                }
                // Only reachable after error recovery.
                Kind::EolComment => {
                    self.lex();
                }
                _ => {
                    let mut stmt = self.stmt();
                    let before = std::mem::take(&mut pending);
                    match &mut stmt {
                        Stmt::Line(l) => l.before = before,
                        Stmt::Block(b) => b.before = before,
                    }
                    stmts.push(stmt);
                }
            }
        }
    }

    fn stmt(&mut self) -> Stmt {
        let first = self.lex();
        let head_start = self.tokens.len();
        self.tokens.push(first);
        let mut end = first.end;
        loop {
            let tok = self.lex();
            if tok.kind.is_eol() {
                return Stmt::Line(Line {
                    tokens: head_start..self.tokens.len(),
                    span: Span::new(first.start, end),
                    before: Vec::new(),
                    suffix: suffix(tok),
                });
            }
            if tok.kind == Kind::LParen {
                if self.next.kind.is_eol() {
                    // `(` ends the line: a block.
                    let head = head_start..self.tokens.len();
                    return Stmt::Block(self.block(first, head));
                }
                if self.next.kind == Kind::RParen {
                    let rparen = self.lex();
                    if self.next.kind.is_eol() {
                        // `x ( )`: an empty block.
                        self.lex();
                        return Stmt::Block(Block {
                            head: head_start..self.tokens.len(),
                            span: Span::new(first.start, rparen.end),
                            lines: Vec::new(),
                            before: Vec::new(),
                        });
                    }
                    // `( )` in the middle of a line is two ordinary tokens.
                    self.tokens.push(tok);
                    self.tokens.push(rparen);
                    end = rparen.end;
                    continue;
                }
            }
            self.tokens.push(tok);
            end = tok.end;
        }
    }

    fn block(&mut self, first: Token, head: std::ops::Range<usize>) -> Block {
        let mut lines = Vec::new();
        let mut comments: Vec<u32> = Vec::new();
        loop {
            match self.next.kind {
                Kind::EolComment | Kind::Newline => {
                    self.lex();
                }
                Kind::Comment => {
                    let tok = self.lex();
                    comments.push(tok.comment);
                }
                Kind::Eof => {
                    let start = self.source.position(first.start);
                    let end = self.source.text.len();
                    let message = format!(
                        "syntax error (unterminated block started at {}:{}:{})",
                        self.file_name(),
                        start.line,
                        start.column
                    );
                    self.error(end, end, message);
                    return Block {
                        head,
                        span: Span::new(first.start, end),
                        lines,
                        before: Vec::new(),
                    };
                }
                Kind::RParen => {
                    let rparen = self.lex();
                    if !self.next.kind.is_eol() {
                        // Go reports this after reading the next token, at its end.
                        let at = self.next.end;
                        self.error(
                            at,
                            at,
                            "syntax error (expected newline after closing paren)".into(),
                        );
                        while !self.next.kind.is_eol() {
                            self.lex();
                        }
                    }
                    self.lex();
                    return Block {
                        head,
                        span: Span::new(first.start, rparen.end),
                        lines,
                        before: Vec::new(),
                    };
                }
                _ => {
                    let mut line = self.line();
                    line.before = std::mem::take(&mut comments);
                    lines.push(line);
                }
            }
        }
    }

    /// An entry of a block: every token up to the end of the line.
    fn line(&mut self) -> Line {
        let first = self.lex();
        let start = self.tokens.len();
        self.tokens.push(first);
        let mut end = first.end;
        loop {
            let tok = self.lex();
            if tok.kind.is_eol() {
                return Line {
                    tokens: start..self.tokens.len(),
                    span: Span::new(first.start, end),
                    before: Vec::new(),
                    suffix: suffix(tok),
                };
            }
            self.tokens.push(tok);
            end = tok.end;
        }
    }

    fn file_name(&self) -> &str {
        &self.source.path
    }
}

fn suffix(eol: Token) -> Option<u32> {
    (eol.kind == Kind::EolComment).then_some(eol.comment)
}
