//! PowerShell scripts, modules and profiles (`*.ps1`, `*.psm1`): the simple commands and
//! environment assignments a rule can query (see "Scripts and profiles" in
//! docs/rule-format.md).
//!
//! A tokenizer, not a parser ([`lexer`]): statements are split at newlines, `;`, `|`,
//! `&&`, `||` and script-block braces, with backtick continuations joined and newlines
//! after `|` or `=` ignored. Keyword statements (`if`, `function`, `foreach`, ...) are
//! not commands; the commands in their blocks are. Expressions in parentheses are one
//! word and are not searched for commands.
//!
//! Environment assignments recognised (`how`, `persists`):
//! - `$env:X = v`, `${env:X} = v`, `$env:X += v` (`$env`, `process`);
//! - `Set-Item`/`si`, `New-Item`/`ni`, `Set-Content` on `Env:X` (`set-item`, `process`);
//! - `[Environment]::SetEnvironmentVariable('X', v[, target])`
//!   (`set-environment-variable`, `process`/`user`/`machine`);
//! - `setx X v [/M]` (`setx`, `user`/`machine`); `go env -w X=v` (`go-env-w`, `go-env-file`).
//!
//! A value written as a single static literal is decoded; anything else (variables,
//! subexpressions, commands, operators) keeps its raw text.

mod lexer;
pub(crate) mod tree;

#[cfg(test)]
mod tests;

use crate::document::{Document, Node, ScalarStyle, SourceText, Span, Target};
use lexer::{Sep, Token, Word};
use tree::Arg;

pub fn parse(source: SourceText) -> Document {
    let lexed = lexer::lex(&source.text);
    let mut b = Builder {
        text: &source.text,
        commands: Vec::new(),
        assignments: Vec::new(),
        current: Vec::new(),
        pipe_from: None,
        pending: Vec::new(),
        statement_end: 0,
        blocks: Vec::new(),
        closed_block: None,
    };
    for token in lexed.tokens {
        b.token(token);
    }
    b.end_statement();
    let mut errors = lexed.errors;
    if let Some(&open) = b.blocks.last() {
        errors.push(crate::document::SyntaxError {
            span: Span::new(open.0, open.0 + 1),
            message: "missing closing '}' in statement block".into(),
        });
    }
    errors.sort_by_key(|e| e.span);
    let mut assignments = b.assignments;
    assignments.sort_by_key(|a| a.get("name").map_or(0, |n| n.span.start));
    let root = tree::root(source.text.len(), b.commands, assignments);
    Document {
        target: Target::Powershell,
        source,
        root,
        comments: lexed.comments,
        errors,
    }
}

/// An `$env:X = ...` whose value runs to the end of its statement.
struct Pending {
    name: Node,
    target: Span,
    compound: bool,
    value_start: Option<usize>,
}

struct Builder<'t> {
    text: &'t str,
    commands: Vec<Node>,
    assignments: Vec<Node>,
    current: Vec<Word>,
    /// The previous element of the pipeline being read.
    pipe_from: Option<Span>,
    pending: Vec<Pending>,
    statement_end: usize,
    /// Open `{`: (offset, where the element holding it started).
    blocks: Vec<(usize, usize)>,
    /// The element a `}` just closed (for `. { ... } | iex`).
    closed_block: Option<Span>,
}

const KEYWORDS: [&str; 28] = [
    "default",
    "if",
    "elseif",
    "else",
    "switch",
    "foreach",
    "for",
    "while",
    "do",
    "until",
    "function",
    "filter",
    "workflow",
    "param",
    "begin",
    "process",
    "end",
    "dynamicparam",
    "try",
    "catch",
    "finally",
    "trap",
    "break",
    "continue",
    "class",
    "enum",
    "using",
    "data",
];

impl Builder<'_> {
    fn raw(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    fn token(&mut self, token: Token) {
        let closed = self.closed_block.take();
        match token {
            Token::Word(w) => self.current.push(w),
            Token::Sep(sep, span) => match sep {
                Sep::Pipe => {
                    if self.current.is_empty() {
                        // `. { ... } | iex`: the block is the previous element.
                        if let Some(block) = closed {
                            self.pipe_from = Some(block);
                        }
                    } else {
                        let from = self.element();
                        self.pipe_from = from;
                    }
                }
                Sep::Newline => {
                    let continues = self.current.last().is_some_and(|w| w.assign_op)
                        || (self.current.is_empty() && self.pipe_from.is_some());
                    if !continues {
                        self.end_statement();
                    }
                }
                Sep::Open => {
                    let start = self.current.first().map_or(span.start, |w| w.span.start);
                    self.end_statement();
                    self.blocks.push((span.start, start));
                }
                Sep::Close => {
                    self.end_statement();
                    if let Some((_, start)) = self.blocks.pop() {
                        self.closed_block = Some(Span::new(start, span.end));
                    }
                }
                Sep::Semicolon | Sep::AndAnd | Sep::OrOr | Sep::Background => self.end_statement(),
            },
        }
    }

    fn end_statement(&mut self) {
        if !self.current.is_empty() {
            self.element();
        }
        let end = self.statement_end;
        for p in std::mem::take(&mut self.pending) {
            let value = match p.value_start {
                Some(start) if start <= end => {
                    let span = Span::new(start, end);
                    let raw = self.raw(span);
                    match lexer::literal(raw) {
                        Some((v, style)) if !p.compound => Node::scalar(span, v, style),
                        _ if p.compound => {
                            let whole = Span::new(p.target.start, end);
                            Node::scalar(whole, self.raw(whole), ScalarStyle::Plain)
                        }
                        _ => Node::scalar(span, raw, ScalarStyle::Plain),
                    }
                }
                _ => Node::scalar(
                    Span::new(p.target.end, p.target.end),
                    "",
                    ScalarStyle::Plain,
                ),
            };
            self.assignments
                .push(tree::assignment(p.name, value, "$env", Some("process")));
        }
        self.pipe_from = None;
    }

    /// Finish one pipeline element; returns its span.
    fn element(&mut self) -> Option<Span> {
        let words = std::mem::take(&mut self.current);
        let first = words.first()?.span.start;
        let last = words.last()?.span.end;
        self.statement_end = last;
        let piped_from = self.pipe_from.take();
        for w in &words {
            self.set_environment_variable(w);
        }
        let mut rest: &[Word] = &words;
        // Assignment prefixes: `$a = $env:B = command ...`.
        while rest.len() >= 2 && rest[1].assign_op {
            if piped_from.is_none() {
                if let Some(name) = env_target(self.raw(rest[0].span), rest[0].span) {
                    self.pending.push(Pending {
                        name,
                        target: rest[0].span,
                        compound: self.raw(rest[1].span) != "=",
                        value_start: rest.get(2).map(|w| w.span.start),
                    });
                }
            }
            rest = &rest[2..];
        }
        // `return`, `throw`, `exit` take a pipeline; other keywords are not commands.
        while let Some(w) = rest.first() {
            let raw = self.raw(w.span);
            let lower = raw[..raw.find('(').unwrap_or(raw.len())].to_ascii_lowercase();
            if matches!(lower.as_str(), "return" | "throw" | "exit") {
                rest = &rest[1..];
            } else if KEYWORDS.contains(&lower.as_str()) {
                rest = &[];
            } else {
                break;
            }
        }
        if let Some(w) = rest.first() {
            if self.is_command_word(w) {
                self.command(rest, piped_from);
            }
        }
        Some(Span::new(first, last))
    }

    fn is_command_word(&self, w: &Word) -> bool {
        let raw = self.raw(w.span);
        let Some(c) = raw.chars().next() else {
            return false;
        };
        // `}.GetNewClosure()`: a method call on a script block.
        if c == '.' && raw[1..].starts_with(|n: char| n.is_ascii_alphabetic()) {
            return false;
        }
        if c.is_ascii_digit() {
            return raw.parse::<f64>().is_err() && !raw.starts_with("0x");
        }
        !matches!(
            c,
            '$' | '['
                | '('
                | '@'
                | '\''
                | '"'
                | '-'
                | ','
                | '!'
                | '+'
                | '*'
                | '/'
                | '%'
                | '>'
                | '<'
                | '='
        ) && lexer::quote_at(raw.as_bytes(), 0).is_none()
    }

    fn arg(&self, w: &Word) -> Arg {
        match &w.value {
            Some(v) => Arg {
                span: w.span,
                value: v.clone(),
                style: w.style,
                dynamic: false,
            },
            None => Arg {
                span: w.span,
                value: self.raw(w.span).to_owned(),
                style: w.style,
                dynamic: true,
            },
        }
    }

    fn command(&mut self, words: &[Word], piped_from: Option<Span>) {
        let span = Span::new(words[0].span.start, words[words.len() - 1].span.end);
        // The call and dot-source operators name the command in the next word.
        let (name_word, rest) = match self.raw(words[0].span) {
            "&" | "." => match words.get(1) {
                Some(n) => (n, &words[2..]),
                None => return,
            },
            _ => (&words[0], &words[1..]),
        };
        let mut name = self.arg(name_word);
        let mut args: Vec<Arg> = rest.iter().map(|w| self.arg(w)).collect();
        // `Write-Host('x')`: PowerShell ends a command name at `(`.
        if name.style == ScalarStyle::Plain && std::ptr::eq(name_word, &words[0]) {
            if let Some(k) = self.raw(name.span).find('(').filter(|&k| k > 0) {
                let cut = name.span.start + k;
                let tail = Span::new(cut, name.span.end);
                args.insert(
                    0,
                    Arg {
                        span: tail,
                        value: self.raw(tail).to_owned(),
                        style: ScalarStyle::Plain,
                        dynamic: true,
                    },
                );
                name.span = Span::new(name.span.start, cut);
                name.value = self.raw(name.span).to_owned();
                name.dynamic = false;
            }
        }
        self.env_commands(&name, &args);
        self.commands.push(tree::command(
            self.text, span, &name, &args, piped_from, '`',
        ));
    }

    /// Assignments made by commands: Set-Item & co., setx, go env -w.
    fn env_commands(&mut self, name: &Arg, args: &[Arg]) {
        let lower = name.lower();
        if tree::is_go(&name.value) {
            for (n, v) in tree::go_env_w(self.text, args) {
                self.assignments
                    .push(tree::assignment(n, v, "go-env-w", Some("go-env-file")));
            }
        } else if tree::is_setx(&name.value) {
            if let Some((n, v, persists)) = tree::setx(args) {
                self.assignments
                    .push(tree::assignment(n, v, "setx", Some(persists)));
            }
        } else if matches!(
            lower.as_str(),
            "set-item" | "si" | "new-item" | "ni" | "set-content" | "sc"
        ) {
            if let Some((n, v)) = self.item_assignment(args) {
                self.assignments
                    .push(tree::assignment(n, v, "set-item", Some("process")));
            }
        }
    }

    /// `Set-Item env:X v`, `Set-Item -Path Env:X -Value v`, `New-Item -Path Env: -Name X -Value v`.
    fn item_assignment(&self, args: &[Arg]) -> Option<(Node, Node)> {
        let (mut path, mut value, mut name) = (None, None, None);
        let mut positional = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            let lower = a.lower();
            if !a.dynamic && lower.starts_with('-') && lower.len() > 1 {
                let (param, inline) = match lower.split_once(':') {
                    Some((p, _)) => (p.to_owned(), true),
                    None => (lower.clone(), false),
                };
                let slot = match param.as_str() {
                    "-path" | "-literalpath" | "-lp" | "-pspath" => Some(&mut path),
                    "-value" => Some(&mut value),
                    "-name" => Some(&mut name),
                    "-itemtype" | "-type" | "-credential" | "-filter" | "-include" | "-exclude"
                    | "-stream" | "-encoding" => {
                        if !inline {
                            i += 1;
                        }
                        None
                    }
                    _ => None,
                };
                if let Some(slot) = slot {
                    if inline {
                        return None;
                    }
                    *slot = args.get(i + 1);
                    i += 1;
                }
            } else {
                positional.push(a);
            }
            i += 1;
        }
        let mut positional = positional.into_iter();
        let path = path.or_else(|| positional.next())?;
        let value = value.or_else(|| positional.next())?;
        if path.dynamic {
            return None;
        }
        let lower = path.value.to_ascii_lowercase();
        let rest = lower.strip_prefix("env:")?;
        let rest = rest.trim_start_matches(['\\', '/']);
        let name_node = if rest.is_empty() {
            let n = name?;
            n.node()
        } else {
            let var = &path.value[path.value.len() - rest.len()..];
            let raw = self.raw(path.span);
            let span = match raw.rfind(var) {
                Some(k) => Span::new(path.span.start + k, path.span.start + k + var.len()),
                None => path.span,
            };
            Node::scalar(span, var, ScalarStyle::Plain)
        };
        Some((name_node, value.node()))
    }

    /// `[Environment]::SetEnvironmentVariable('X', v, 'User')` in a word.
    fn set_environment_variable(&mut self, w: &Word) {
        let raw = self.raw(w.span);
        if !raw.starts_with('[') {
            return;
        }
        let lower = raw.to_ascii_lowercase();
        let call = [
            "[environment]::setenvironmentvariable",
            "[system.environment]::setenvironmentvariable",
        ]
        .iter()
        .find_map(|p| lower.strip_prefix(p));
        let Some(after) = call else { return };
        let after_trim = after.trim_start();
        if !after_trim.starts_with('(') {
            return;
        }
        let open = w.span.start + (raw.len() - after_trim.len());
        let Some((args, _)) = lexer::call_args(self.text, open) else {
            return;
        };
        if args.len() < 2 {
            return;
        }
        let node = |s: Span| {
            let raw = self.raw(s);
            match lexer::literal(raw) {
                Some((v, style)) => (Node::scalar(s, v, style), true),
                None => (Node::scalar(s, raw, ScalarStyle::Plain), false),
            }
        };
        let (name, _) = node(args[0]);
        let (value, _) = node(args[1]);
        let persists = match args.get(2) {
            None => Some("process"),
            Some(&t) => {
                let (target, _) = node(t);
                let target = target.as_str().unwrap_or("").to_ascii_lowercase();
                let target = target.rsplit("::").next().unwrap_or("").trim().to_owned();
                match target.as_str() {
                    "user" => Some("user"),
                    "machine" => Some("machine"),
                    "process" => Some("process"),
                    _ => None,
                }
            }
        };
        self.assignments.push(tree::assignment(
            name,
            value,
            "set-environment-variable",
            persists,
        ));
    }
}

/// `$env:NAME` or `${env:NAME}` written alone: the variable's name node.
fn env_target(raw: &str, span: Span) -> Option<Node> {
    let (name, offset) =
        if let Some(inner) = raw.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            let name = strip_env(inner)?;
            (name, raw.len() - 1 - name.len())
        } else {
            let rest = raw.strip_prefix('$')?;
            let name = strip_env(rest)?;
            if name.is_empty() || !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
                return None;
            }
            (name, raw.len() - name.len())
        };
    if name.is_empty() {
        return None;
    }
    let start = span.start + offset;
    Some(Node::scalar(
        Span::new(start, start + name.len()),
        name,
        ScalarStyle::Plain,
    ))
}

fn strip_env(s: &str) -> Option<&str> {
    // `get`, not `[..4]`: the fourth byte may be inside a character (`${CAC\u{feff}}`).
    let rest = s.get(4..).filter(|rest| !rest.is_empty())?;
    s[..4].eq_ignore_ascii_case("env:").then_some(rest)
}
