//! Directive semantics: x/mod's `parseToFile` (strict, as cmd/go parses the main module's
//! go.mod) and `ParseWork`, building the span tree as it goes.
//!
//! A directive that fails its check reports Go's message at the line's start and adds no
//! node; a repeated `module`/`go`/`toolchain` keeps the first. Everything else is kept.

use crate::document::{Comment, Entry, Node, ScalarStyle, Span, SyntaxError, Target, Value};

use super::checks::{
    canonical_version, check_path_major, deprecation, is_directory_path, is_go_version,
    is_indirect, is_toolchain, parse_string, path_major, quote,
};
use super::lexer::Token;
use super::syntax::{Block, Line, Stmt, Syntax};

pub(super) struct Built {
    pub entries: Vec<Entry>,
    pub errors: Vec<SyntaxError>,
}

struct Builder<'a> {
    text: &'a str,
    target: Target,
    tokens: &'a [Token],
    comments: &'a [Comment],
    entries: Vec<Entry>,
    errors: Vec<SyntaxError>,
    seen_module: bool,
    seen_go: bool,
    seen_toolchain: bool,
}

/// One directive: the line it is on, its verb and arguments, and where it sits.
struct Directive<'a> {
    block: Option<&'a Block>,
    line: &'a Line,
    verb: Token,
    args: &'a [Token],
    /// The whole statement (the block for a line in a block).
    stmt_span: Span,
}

pub(super) fn build(text: &str, target: Target, syntax: &Syntax) -> Built {
    let mut b = Builder {
        text,
        target,
        tokens: &syntax.tokens,
        comments: &syntax.comments,
        entries: Vec::new(),
        errors: Vec::new(),
        seen_module: false,
        seen_go: false,
        seen_toolchain: false,
    };
    for stmt in &syntax.stmts {
        match stmt {
            Stmt::Line(line) => {
                let toks = &b.tokens[line.tokens.clone()];
                b.add(Directive {
                    block: None,
                    line,
                    verb: toks[0],
                    args: &toks[1..],
                    stmt_span: line.span,
                });
            }
            Stmt::Block(block) => {
                let head = &b.tokens[block.head.clone()];
                let verb = b.tok(&head[0]);
                if head.len() > 1 || !b.block_allowed(verb) {
                    let words: Vec<&str> = head.iter().map(|t| b.tok(t)).collect();
                    let message = format!("unknown block type: {}", words.join(" "));
                    b.error(block.span, message);
                    continue;
                }
                for line in &block.lines {
                    b.add(Directive {
                        block: Some(block),
                        line,
                        verb: head[0],
                        args: &b.tokens[line.tokens.clone()],
                        stmt_span: block.span,
                    });
                }
            }
        }
    }
    Built {
        entries: b.entries,
        errors: b.errors,
    }
}

impl<'a> Builder<'a> {
    fn tok(&self, t: &Token) -> &'a str {
        &self.text[t.start..t.end]
    }

    fn error(&mut self, span: Span, message: String) {
        self.errors.push(SyntaxError { span, message });
    }

    fn block_allowed(&self, verb: &str) -> bool {
        match self.target {
            Target::GoMod => matches!(
                verb,
                "module"
                    | "godebug"
                    | "require"
                    | "exclude"
                    | "replace"
                    | "retract"
                    | "tool"
                    | "ignore"
            ),
            // Only go.work reaches here otherwise (see `source::parse`).
            _ => matches!(verb, "godebug" | "use" | "replace"),
        }
    }

    fn add(&mut self, d: Directive<'_>) {
        let verb = self.tok(&d.verb);
        let known = match self.target {
            Target::GoMod => matches!(
                verb,
                "module"
                    | "go"
                    | "toolchain"
                    | "godebug"
                    | "require"
                    | "exclude"
                    | "replace"
                    | "retract"
                    | "tool"
                    | "ignore"
            ),
            // Only go.work reaches here otherwise (see `source::parse`).
            _ => matches!(verb, "go" | "toolchain" | "godebug" | "use" | "replace"),
        };
        let result = if !known {
            Err(format!("unknown directive: {verb}"))
        } else {
            match verb {
                "module" => self.module(&d),
                "go" => self.go(&d),
                "toolchain" => self.toolchain(&d),
                "godebug" => self.godebug(&d),
                "require" | "exclude" => self.require(&d, verb),
                "replace" => self.replace(&d),
                "retract" => self.retract(&d),
                "tool" | "ignore" | "use" => self.path_only(&d, verb),
                _ => unreachable!("checked above"),
            }
        };
        if let Err(message) = result {
            self.error(d.line.span, message);
        }
    }

    // ---- tree building ----

    fn scalar(&self, t: &Token, value: impl Into<crate::document::Text>) -> Node {
        let style = match self.text.as_bytes()[t.start] {
            b'"' => ScalarStyle::DoubleQuoted,
            b'`' => ScalarStyle::Backquoted,
            _ => ScalarStyle::Plain,
        };
        Node::scalar(t.span(), value, style)
    }

    fn set(&mut self, key: &str, key_span: Span, value: Node) {
        self.entries.push(entry(key, key_span, value));
    }

    /// Append an item to the list under `key`, creating the list at its first item.
    fn push_item(&mut self, d: &Directive<'_>, item: Node) {
        let key = self.tok(&d.verb);
        if let Some(e) = self.entries.iter_mut().find(|e| e.key == key) {
            e.value.span = e.value.span.cover(d.stmt_span);
            if let Value::List(items) = &mut e.value.value {
                items.push(item);
            }
            return;
        }
        let list = Node::list(d.stmt_span, vec![item]);
        self.set(key, d.verb.span(), list);
    }

    // ---- directives ----

    fn module(&mut self, d: &Directive<'_>) -> Result<(), String> {
        if self.seen_module {
            return Err("repeated module statement".into());
        }
        // Go records the module (and so a repeat) even when its argument is bad.
        self.seen_module = true;
        let [arg] = d.args else {
            return Err("usage: module module/path".into());
        };
        let path = parse_string(self.tok(arg)).map_err(invalid_quoted)?;
        let mut fields = vec![entry("path", arg.span(), self.scalar(arg, path))];
        if let Some(comment) = self.directive_comment(d) {
            if let Some(range) = deprecation(&comment.text) {
                if !range.is_empty() {
                    let span = comment.span_of(range.clone());
                    let node = Node::scalar(span, &comment.text[range], ScalarStyle::Plain);
                    fields.push(entry("deprecated", span, node));
                }
            }
        }
        self.set("module", d.verb.span(), Node::map(d.line.span, fields));
        Ok(())
    }

    fn go(&mut self, d: &Directive<'_>) -> Result<(), String> {
        if self.seen_go {
            return Err("repeated go statement".into());
        }
        let [arg] = d.args else {
            return Err("go directive expects exactly one argument".into());
        };
        let v = self.tok(arg);
        if !is_go_version(v) {
            return Err(format!(
                "invalid go version '{v}': must match format 1.23.0"
            ));
        }
        self.seen_go = true;
        let node = self.scalar(arg, v);
        self.set("go", d.verb.span(), node);
        Ok(())
    }

    fn toolchain(&mut self, d: &Directive<'_>) -> Result<(), String> {
        if self.seen_toolchain {
            return Err("repeated toolchain statement".into());
        }
        let [arg] = d.args else {
            return Err("toolchain directive expects exactly one argument".into());
        };
        let v = self.tok(arg);
        if !is_toolchain(v) {
            return Err(format!(
                "invalid toolchain version '{v}': must match format go1.23.0 or default"
            ));
        }
        self.seen_toolchain = true;
        let node = self.scalar(arg, v);
        self.set("toolchain", d.verb.span(), node);
        Ok(())
    }

    fn godebug(&mut self, d: &Directive<'_>) -> Result<(), String> {
        const USAGE: &str = "usage: godebug key=value";
        let [arg] = d.args else {
            return Err(USAGE.into());
        };
        let text = self.tok(arg);
        if text.contains(['"', '`', '\'', ',']) {
            return Err(USAGE.into());
        }
        let eq = text.find('=').ok_or(USAGE)?;
        let key_span = Span::new(arg.start, arg.start + eq);
        let value_span = Span::new(arg.start + eq + 1, arg.end);
        let fields = vec![
            entry(
                "key",
                key_span,
                Node::scalar(key_span, &text[..eq], ScalarStyle::Plain),
            ),
            entry(
                "value",
                value_span,
                Node::scalar(value_span, &text[eq + 1..], ScalarStyle::Plain),
            ),
        ];
        self.push_item(d, Node::map(d.line.span, fields));
        Ok(())
    }

    fn require(&mut self, d: &Directive<'_>, verb: &str) -> Result<(), String> {
        let [path_tok, version_tok] = d.args else {
            return Err(format!("usage: {verb} module/path v1.2.3"));
        };
        let path = parse_string(self.tok(path_tok)).map_err(invalid_quoted)?;
        let version = parse_version(verb, &path, self.tok(version_tok))?;
        let major = path_major(&path).ok_or("invalid module path")?;
        check_path_major(&version, major).map_err(|e| {
            module_error(
                verb,
                &path,
                &format!("version {} invalid: {e}", quote(&version)),
            )
        })?;
        let mut fields = Vec::with_capacity(3);
        fields.push(entry("path", path_tok.span(), self.scalar(path_tok, path)));
        fields.push(entry(
            "version",
            version_tok.span(),
            self.scalar(version_tok, version),
        ));
        if verb == "require" {
            if let Some(c) = d.line.suffix.map(|i| &self.comments[i as usize]) {
                if is_indirect(&c.text) {
                    let node = Node::scalar(c.span, "true", ScalarStyle::Derived);
                    fields.push(entry("indirect", c.span, node));
                }
            }
        }
        self.push_item(d, Node::map(d.line.span, fields));
        Ok(())
    }

    fn replace(&mut self, d: &Directive<'_>) -> Result<(), String> {
        let verb = "replace";
        let args: Vec<&str> = d.args.iter().map(|t| self.tok(t)).collect();
        let arrow = if args.len() >= 2 && args[1] == "=>" {
            1
        } else {
            2
        };
        if args.len() < arrow + 2 || args.len() > arrow + 3 || args[arrow] != "=>" {
            return Err(format!(
                "usage: {verb} module/path [v1.2.3] => other/module v1.4\n\t or {verb} module/path [v1.2.3] => ../local/directory"
            ));
        }
        let old_path = parse_string(args[0]).map_err(invalid_quoted)?;
        let major = path_major(&old_path)
            .ok_or_else(|| module_error(verb, &old_path, "invalid module path"))?;
        let mut old = vec![entry(
            "path",
            d.args[0].span(),
            self.scalar(&d.args[0], old_path.clone()),
        )];
        if arrow == 2 {
            let v = parse_version(verb, &old_path, args[1])?;
            check_path_major(&v, major).map_err(|e| {
                module_error(
                    verb,
                    &old_path,
                    &format!("version {} invalid: {e}", quote(&v)),
                )
            })?;
            old.push(entry(
                "version",
                d.args[1].span(),
                self.scalar(&d.args[1], v),
            ));
        }
        let new_tok = &d.args[arrow + 1];
        let new_path = parse_string(args[arrow + 1]).map_err(invalid_quoted)?;
        let mut new = vec![entry(
            "path",
            new_tok.span(),
            self.scalar(new_tok, new_path.clone()),
        )];
        if let Some(version_tok) = d.args.get(arrow + 2) {
            let v = parse_version(verb, &new_path, args[arrow + 2])?;
            if is_directory_path(&new_path) {
                return Err(format!(
                    "replacement module directory path {} cannot have version",
                    quote(&new_path)
                ));
            }
            new.push(entry(
                "version",
                version_tok.span(),
                self.scalar(version_tok, v),
            ));
        } else {
            if !is_directory_path(&new_path) {
                if new_path.contains('@') {
                    return Err(
                        "replacement module must match format 'path version', not 'path@version'"
                            .into(),
                    );
                }
                return Err("replacement module without version must be directory path (rooted or starting with . or ..)".into());
            }
            // Go checks this only where it runs on a system with `/` separators.
            if std::path::MAIN_SEPARATOR == '/' && new_path.contains('\\') {
                return Err(
                    "replacement directory appears to be Windows path (on a non-windows system)"
                        .into(),
                );
            }
        }
        let fields = vec![map_entry("old", old), map_entry("new", new)];
        self.push_item(d, Node::map(d.line.span, fields));
        Ok(())
    }

    /// `retract v1.2.3` or `retract [v1.0.0, v1.1.0]`. As cmd/go parses its go.mod, the
    /// versions are only unquoted, not validated.
    fn retract(&mut self, d: &Directive<'_>) -> Result<(), String> {
        let verb = "retract";
        let args = d.args;
        let text = |i: usize| args.get(i).map(|t| self.tok(t));
        let version = |i: usize| -> Result<String, String> {
            let raw = self.tok(&args[i]);
            parse_string(raw).map(|s| s.into_owned()).map_err(|e| {
                module_error(verb, "", &format!("version {} invalid: {e}", quote(raw)))
            })
        };
        let (low, high, rest) = match text(0) {
            None | Some("(") => return Err("expected '[' or version".into()),
            Some("[") => {
                if text(1).is_none() {
                    return Err("expected version after '['".into());
                }
                let low = version(1)?;
                if text(2) != Some(",") {
                    return Err("expected ',' after version".into());
                }
                if text(3).is_none() {
                    return Err("expected version after ','".into());
                }
                let high = version(3)?;
                if text(4) != Some("]") {
                    return Err("expected ']' after version".into());
                }
                ((1, low), (3, high), 5)
            }
            Some(_) => {
                let v = version(0)?;
                ((0, v.clone()), (0, v), 1)
            }
        };
        if let Some(extra) = text(rest) {
            return Err(format!("unexpected token after version: {}", quote(extra)));
        }
        let mut fields = vec![
            entry("low", args[low.0].span(), self.scalar(&args[low.0], low.1)),
            entry(
                "high",
                args[high.0].span(),
                self.scalar(&args[high.0], high.1),
            ),
        ];
        if let Some(comment) = self.directive_comment(d) {
            if !comment.text.is_empty() {
                let span = comment.span_of(0..comment.text.len());
                let node = Node::scalar(span, comment.text, ScalarStyle::Plain);
                fields.push(entry("rationale", span, node));
            }
        }
        self.push_item(d, Node::map(d.line.span, fields));
        Ok(())
    }

    /// `tool`, `ignore` (go.mod) and `use` (go.work): one path.
    fn path_only(&mut self, d: &Directive<'_>, verb: &str) -> Result<(), String> {
        let [arg] = d.args else {
            return Err(if verb == "use" {
                "usage: use local/dir".into()
            } else {
                format!("{verb} directive expects exactly one argument")
            });
        };
        let path = parse_string(self.tok(arg)).map_err(invalid_quoted)?;
        let fields = vec![entry("path", arg.span(), self.scalar(arg, path))];
        self.push_item(d, Node::map(d.line.span, fields));
        Ok(())
    }

    /// x/mod's `parseDirectiveComment`: the comments above and beside the line, or, when
    /// it has none, those above its block; each trimmed, joined by newlines.
    fn directive_comment(&self, d: &Directive<'_>) -> Option<DirectiveComment> {
        let mut ids: Vec<u32> = d.line.before.iter().copied().chain(d.line.suffix).collect();
        if ids.is_empty() {
            ids = d.block.map(|b| b.before.clone()).unwrap_or_default();
        }
        if ids.is_empty() {
            return None;
        }
        let mut text = String::new();
        let mut lines = Vec::with_capacity(ids.len());
        for (n, id) in ids.into_iter().enumerate() {
            let c = &self.comments[id as usize];
            if n > 0 {
                text.push('\n');
            }
            lines.push((text.len(), c.span));
            text.push_str(c.text.trim());
        }
        Some(DirectiveComment { text, lines })
    }
}

/// A directive's comment text and, for each source comment, where its text starts.
struct DirectiveComment {
    text: String,
    lines: Vec<(usize, Span)>,
}

impl DirectiveComment {
    /// The span of the comments that hold `range` of the text.
    fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        let line_of = |at: usize| {
            self.lines
                .iter()
                .rposition(|&(off, _)| off <= at)
                .unwrap_or(0)
        };
        let first = line_of(range.start);
        let last = line_of(range.end.saturating_sub(1).max(range.start));
        self.lines[first].1.cover(self.lines[last].1)
    }
}

fn entry(key: &str, key_span: Span, value: Node) -> Entry {
    Entry {
        key: key.into(),
        key_span,
        value,
    }
}

/// A map of fields spanning them all (`replace[*].old`, `.new`).
fn map_entry(key: &str, fields: Vec<Entry>) -> Entry {
    let span = fields
        .iter()
        .map(|e| e.value.span)
        .reduce(Span::cover)
        .unwrap_or_default();
    entry(key, span, Node::map(span, fields))
}

fn invalid_quoted(e: &str) -> String {
    format!("invalid quoted string: {e}")
}

/// x/mod's `Error` text for a directive about a module: `verb path: message`.
fn module_error(verb: &str, path: &str, message: &str) -> String {
    if path.is_empty() {
        format!("{verb}: {message}")
    } else {
        format!("{verb} {path}: {message}")
    }
}

/// x/mod's `parseVersion` without a fixer: unquote, then require a semantic version,
/// which is returned in canonical form (`v1.2` becomes `v1.2.0`).
fn parse_version(verb: &str, path: &str, raw: &str) -> Result<String, String> {
    let v = parse_string(raw)
        .map_err(|e| module_error(verb, path, &format!("version {} invalid: {e}", quote(raw))))?;
    canonical_version(&v).ok_or_else(|| {
        module_error(
            verb,
            path,
            &format!("version {} invalid: must be of the form v1.2.3", quote(&v)),
        )
    })
}
