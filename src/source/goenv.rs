//! The go env file (what `go env -w` writes, and `$GOROOT/go.env`), parsed as cmd/go reads
//! it: `readEnvFile` in `src/cmd/go/internal/cfg/cfg.go` (go1.27.3).
//!
//! cmd/go's reading is byte-exact and silent, and this parser follows it:
//! - lines are split at `\n` only, so a CRLF file leaves `\r` at the end of each value
//!   (`go env GOPROXY` then prints `https://x\r`);
//! - a line counts only if it holds a `=` and its first byte is `A`-`Z`; everything else
//!   (blank lines, `#` comments, lower-case or indented names, lines without `=`) is
//!   skipped without a word;
//! - the name is everything before the first `=` and the value everything after it,
//!   untrimmed: `GOPROXY = x` sets a variable named `GOPROXY ` (never read), and
//!   `GOFLAGS=-tags=a=b` keeps both `=` in the value;
//! - a later line for the same name wins (and `go env -w` deletes the earlier ones).
//!
//! Lines the go command skips are reported as syntax errors (except comments and blank
//! lines): they look like settings but do nothing, which is what a user needs to hear.

use crate::document::{Comment, Encoding, Entry, Node, ScalarStyle, SourceText, Span, SyntaxError};

/// The tree `{vars: [{name, value}]}`, the comments and the lines go ignores.
pub fn parse_go_env(source: SourceText) -> (Node, Vec<Comment>, Vec<SyntaxError>) {
    let text = &source.text;
    let mut vars = Vec::new();
    let mut comments = Vec::new();
    let mut errors = Vec::new();
    if let Some(message) = encoding_error(source.encoding) {
        errors.push(SyntaxError {
            span: Span::new(0, 0),
            message,
        });
    }
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let line_start = start;
        start += line.len();
        let line = line.strip_suffix('\n').unwrap_or(line);
        let span = Span::new(line_start, line_start + line.len());
        match classify(line) {
            Line::Blank => {}
            Line::Comment => comments.push(Comment {
                span: Span::new(span.start, span.end - usize::from(line.ends_with('\r'))),
                text: line[1..].trim_end_matches('\r').to_owned(),
                trailing: false,
            }),
            Line::Ignored(why) => errors.push(SyntaxError {
                span,
                message: format!("the go command ignores this line: {why}"),
            }),
            Line::Var(eq) => {
                let name_span = Span::new(span.start, span.start + eq);
                let value_span = Span::new(span.start + eq + 1, span.end);
                let name = &line[..eq];
                if name.ends_with([' ', '\t']) {
                    errors.push(SyntaxError {
                        span: name_span,
                        message: format!(
                            "the name {name:?} ends in white space: the go command reads it as a different variable, so {} is not set by this line",
                            name.trim_end()
                        ),
                    });
                }
                vars.push(var(name_span, name, value_span, &line[eq + 1..]));
            }
        }
    }
    let whole = Span::new(0, text.len());
    let root = Node::map(
        whole,
        vec![Entry {
            key: "vars".into(),
            key_span: Span::new(0, 0),
            value: Node::list(whole, vars),
        }],
    );
    (root, comments, errors)
}

/// The variables of a parsed go env file as environment assignments, in the shape of
/// `source::env` (`{name, value, scope}`), scope `go-env-file`.
pub fn assignments(root: &Node) -> Vec<Node> {
    let Some(crate::document::Value::List(vars)) = root.get("vars").map(|v| &v.value) else {
        return Vec::new();
    };
    vars.iter()
        .filter_map(|var| {
            let (name, value) = (var.get("name")?, var.get("value")?);
            let scope = Node::scalar(name.span, "go-env-file", ScalarStyle::Derived);
            let entries = vec![
                entry("name", name.clone()),
                entry("value", value.clone()),
                entry("scope", scope),
            ];
            Some(Node::map(var.span, entries))
        })
        .collect()
}

/// The last value set for `name`, with its 1-based line: the one cmd/go uses.
pub fn lookup<'a>(source: &'a SourceText, root: &Node, name: &str) -> Option<(usize, &'a str)> {
    let crate::document::Value::List(vars) = &root.get("vars")?.value else {
        return None;
    };
    let var = vars
        .iter()
        .rev()
        .find(|v| v.get("name").and_then(Node::as_str) == Some(name))?;
    let value = var.get("value")?.span;
    Some((
        source.position(var.span.start).line,
        &source.text[value.start..value.end],
    ))
}

enum Line {
    Blank,
    Comment,
    Ignored(&'static str),
    /// A setting, with the byte index of its first `=`.
    Var(usize),
}

/// What cmd/go makes of one line (without its `\n`).
fn classify(line: &str) -> Line {
    let first = line.as_bytes().first().copied();
    match (first, line.find('=')) {
        _ if line.trim().is_empty() => Line::Blank,
        (Some(b'#'), _) => Line::Comment,
        (Some(b'A'..=b'Z'), Some(eq)) => Line::Var(eq),
        (Some(b'A'..=b'Z'), None) => Line::Ignored("it has no '='"),
        (Some(b' ' | b'\t'), _) => Line::Ignored("it starts with white space"),
        _ => Line::Ignored("a variable name must start with an upper-case letter A-Z"),
    }
}

fn var(name_span: Span, name: &str, value_span: Span, value: &str) -> Node {
    Node::map(
        name_span.cover(value_span),
        vec![
            entry("name", Node::scalar(name_span, name, ScalarStyle::Plain)),
            entry("value", Node::scalar(value_span, value, ScalarStyle::Plain)),
        ],
    )
}

fn entry(key: &str, value: Node) -> Entry {
    Entry {
        key: key.into(),
        key_span: value.span,
        value,
    }
}

/// cmd/go reads the file as bytes: a byte order mark hides the first line, UTF-16 all.
fn encoding_error(encoding: Encoding) -> Option<String> {
    match encoding {
        Encoding::Utf8 => None,
        Encoding::Utf8Bom => Some(
            "the file starts with a UTF-8 byte order mark: the go command ignores its first line"
                .to_owned(),
        ),
        Encoding::Utf16Le | Encoding::Utf16Be => Some(format!(
            "the file is {}: the go command reads it as UTF-8 and ignores every line",
            encoding.name().to_uppercase()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (SourceText, Node, Vec<Comment>, Vec<SyntaxError>) {
        let source = SourceText::new("env", text.to_owned(), Encoding::Utf8);
        let (root, comments, errors) = parse_go_env(source.clone());
        (source, root, comments, errors)
    }

    /// (name, value, raw text under the name span, raw text under the value span).
    fn vars(source: &SourceText, root: &Node) -> Vec<(String, String, String, String)> {
        assignments(root)
            .iter()
            .map(|a| {
                let (n, v) = (a.get("name").unwrap(), a.get("value").unwrap());
                let raw = |s: Span| source.text[s.start..s.end].to_owned();
                assert_eq!(a.get("scope").and_then(Node::as_str), Some("go-env-file"));
                (
                    n.as_str().unwrap().to_owned(),
                    v.as_str().unwrap().to_owned(),
                    raw(n.span),
                    raw(v.span),
                )
            })
            .collect()
    }

    #[test]
    fn reads_what_go_env_w_writes() {
        let (src, root, comments, errors) =
            parse("GOFLAGS=-mod=mod\nGOPROXY=https://p.example,direct\n");
        assert!(errors.is_empty() && comments.is_empty());
        let got = vars(&src, &root);
        assert_eq!(got[0].0, "GOFLAGS");
        // Only the first '=' splits: the value keeps the rest.
        assert_eq!(got[0].1, "-mod=mod");
        assert_eq!(got[0].3, "-mod=mod");
        assert_eq!(got[1].2, "GOPROXY");
        assert_eq!(
            lookup(&src, &root, "GOPROXY"),
            Some((2, "https://p.example,direct"))
        );
    }

    #[test]
    fn crlf_leaves_a_carriage_return_in_the_value_as_go_does() {
        let (src, root, _, errors) = parse("GOSUMDB=off\r\nGOPROXY=direct\r\n");
        assert!(errors.is_empty());
        let got = vars(&src, &root);
        // go1.27.3: `go env -json GOPROXY` prints "direct\r".
        assert_eq!(got[0].1, "off\r");
        assert_eq!(got[1].1, "direct\r");
        assert_eq!(src.position(root_var_span(&root, 1).start).line, 2);
    }

    fn root_var_span(root: &Node, i: usize) -> Span {
        match &root.get("vars").unwrap().value {
            crate::document::Value::List(v) => v[i].span,
            _ => unreachable!(),
        }
    }

    #[test]
    fn lines_go_skips_are_errors_comments_and_blanks_are_not() {
        let text = "# a comment\n\n   \ngoproxy=lower\n GONOSUMDB=indented\nGOPRIVATE\nGOINSECURE = spaced\nGOSUMDB=one\nGOSUMDB=two";
        let (src, root, comments, errors) = parse(text);
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0].text, " a comment");
        let lines: Vec<usize> = errors
            .iter()
            .map(|e| src.position(e.span.start).line)
            .collect();
        assert_eq!(lines, [4, 5, 6, 7], "{errors:?}");
        assert!(errors[3].message.contains("\"GOINSECURE \""));
        let names: Vec<String> = vars(&src, &root).into_iter().map(|v| v.0).collect();
        assert_eq!(names, ["GOINSECURE ", "GOSUMDB", "GOSUMDB"]);
        // The last line for a name is the one go uses; a missing final newline is fine.
        assert_eq!(lookup(&src, &root, "GOSUMDB"), Some((9, "two")));
        assert_eq!(lookup(&src, &root, "GOINSECURE"), None);
    }

    #[test]
    fn empty_value_and_byte_order_mark() {
        let (src, root, _, errors) = parse("GOPROXY=\n");
        assert!(errors.is_empty());
        assert_eq!(lookup(&src, &root, "GOPROXY"), Some((1, "")));
        let bom = SourceText::new("env", "GOPROXY=x\n".into(), Encoding::Utf8Bom);
        let (_, _, errors) = parse_go_env(bom);
        assert!(errors[0].message.contains("byte order mark"));
    }
}
