//! The span tree shared by the script tokenizers (PowerShell and cmd): `commands[*]`
//! with `name`, `name_lower`, `args`, `text`, `piped_from`, and `assignments[*]` in the
//! shape of [`crate::source::env::assignment`] plus `how` and `persists`.

use crate::document::{Entry, Node, ScalarStyle, Span};
use crate::source::env;

/// A word of a command, ready for the tree.
#[derive(Clone, Debug)]
pub struct Arg {
    pub span: Span,
    /// Decoded when static, else the raw source text.
    pub value: String,
    pub style: ScalarStyle,
    pub dynamic: bool,
}

impl Arg {
    pub fn node(&self) -> Node {
        Node::scalar(self.span, self.value.clone(), self.style)
    }
    pub fn lower(&self) -> String {
        self.value.to_ascii_lowercase()
    }
}

fn entry(key: &str, value: Node) -> Entry {
    Entry {
        key: key.into(),
        key_span: value.span,
        value,
    }
}

/// One `commands[*]` item. `continuation` is the language's line-continuation
/// character (`` ` `` or `^`): `text` is the source with those joins removed.
pub fn command(
    text: &str,
    span: Span,
    name: &Arg,
    args: &[Arg],
    piped_from: Option<Span>,
    continuation: char,
) -> Node {
    let raw = |s: Span| text.get(s.start..s.end).unwrap_or("").to_owned();
    let joined = raw(span)
        .replace(&format!("{continuation}\r\n"), "")
        .replace(&format!("{continuation}\n"), "");
    let mut entries = vec![
        entry("name", name.node()),
        entry(
            "name_lower",
            Node::scalar(name.span, name.lower(), ScalarStyle::Derived),
        ),
        entry(
            "args",
            Node::list(span, args.iter().map(Arg::node).collect()),
        ),
        entry("text", Node::scalar(span, joined, ScalarStyle::Plain)),
    ];
    if let Some(from) = piped_from {
        entries.push(entry(
            "piped_from",
            Node::scalar(from, raw(from), ScalarStyle::Plain),
        ));
    }
    Node::map(span, entries)
}

/// One `assignments[*]` item: `{name, value, scope = "script", how, persists}`; `how`
/// and `persists` have the name's span.
pub fn assignment(name: Node, value: Node, how: &str, persists: Option<&str>) -> Node {
    let at = name.span;
    let mut node = env::assignment(name, &value, "script");
    if let crate::document::Value::Map(entries) = &mut node.value {
        entries.push(entry("how", Node::scalar(at, how, ScalarStyle::Derived)));
        if let Some(p) = persists {
            entries.push(entry("persists", Node::scalar(at, p, ScalarStyle::Derived)));
        }
    }
    node
}

/// The document root: `{commands, assignments}`, both always present.
pub fn root(len: usize, commands: Vec<Node>, assignments: Vec<Node>) -> Node {
    let whole = Span::new(0, len);
    Node::map(
        whole,
        vec![
            Entry {
                key: "commands".into(),
                key_span: whole,
                value: Node::list(whole, commands),
            },
            Entry {
                key: "assignments".into(),
                key_span: whole,
                value: Node::list(whole, assignments),
            },
        ],
    )
}

/// Is this command name Go (`go`, `go.exe`, or a path ending so)?
pub fn is_go(name: &str) -> bool {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    base == "go" || base == "go.exe"
}

/// Is this command name setx (`setx`, `setx.exe`)?
pub fn is_setx(name: &str) -> bool {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    base == "setx" || base == "setx.exe"
}

/// `go env -w NAME=value ...`: each assignment as (name, value) nodes.
pub fn go_env_w(text: &str, args: &[Arg]) -> Vec<(Node, Node)> {
    if args.first().map(Arg::lower).as_deref() != Some("env")
        || !args.iter().any(|a| a.value == "-w" || a.value == "--w")
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    for arg in &args[1..] {
        if arg.value.starts_with('-') {
            continue;
        }
        let Some(eq) = arg.value.find('=') else {
            continue;
        };
        let name = &arg.value[..eq];
        if name.is_empty() {
            continue;
        }
        out.push(split_pair(text, arg, name, &arg.value[eq + 1..]));
    }
    out
}

/// Name and value nodes of a `NAME=value` word: sub-spans when the name is written bare
/// at the word's start, else the whole word for both.
fn split_pair(text: &str, arg: &Arg, name: &str, value: &str) -> (Node, Node) {
    let raw = text.get(arg.span.start..arg.span.end).unwrap_or("");
    if raw.len() > name.len() && raw.starts_with(name) && raw.as_bytes()[name.len()] == b'=' {
        let eq = arg.span.start + name.len();
        let value_span = Span::new(eq + 1, arg.span.end);
        let value_style = if arg.dynamic || value_span.is_empty() {
            ScalarStyle::Plain
        } else {
            match raw.as_bytes()[name.len() + 1] {
                b'\'' => ScalarStyle::SingleQuoted,
                b'"' => ScalarStyle::DoubleQuoted,
                _ => ScalarStyle::Plain,
            }
        };
        return (
            Node::scalar(Span::new(arg.span.start, eq), name, ScalarStyle::Plain),
            Node::scalar(value_span, value, value_style),
        );
    }
    (
        Node::scalar(arg.span, name, arg.style),
        Node::scalar(arg.span, value, arg.style),
    )
}

/// `setx NAME value [/M]`: name, value, and where it persists (`user`, `machine`).
/// Other forms (`/K` registry, `/F` file) assign nothing known.
pub fn setx(args: &[Arg]) -> Option<(Node, Node, &'static str)> {
    let mut positional = Vec::new();
    let mut machine = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let lower = a.lower();
        let option = (lower.starts_with('/') || lower.starts_with('-')) && lower.len() == 2;
        if option && !a.dynamic {
            match &lower[1..] {
                "m" => machine = true,
                "s" | "u" | "p" => i += 1,
                _ => return None,
            }
        } else {
            positional.push(a);
        }
        i += 1;
    }
    match positional.as_slice() {
        [name, value] => Some((
            name.node(),
            value.node(),
            if machine { "machine" } else { "user" },
        )),
        _ => None,
    }
}
