//! Environment assignments made by a script's commands.
//!
//! | written | `how` | `persists` |
//! |---|---|---|
//! | `export X=v`, `declare -x X=v`, `typeset -x X=v` | `export` | `process` |
//! | `X=v` exported elsewhere in the file (`export X`, `set -a`), or `PATH=…` | `shell-variable` | `process` |
//! | `X=v cmd`, `env X=v cmd` | `command-prefix` | `process` |
//! | fish `set -gx X v`, `set --export X v` (`-U`: universal) | `fish-set` | `process` (`user`) |
//! | `go env -w X=v` | `go-env-w` | `go-env-file` |
//!
//! A plain `X=v` that is never exported is a shell variable only, and is left out.

use std::collections::HashSet;

use super::commands::{assignment_name, Cmd};
use super::lexer::{word_at, Word};
use crate::document::{Entry, Node, ScalarStyle, Span};
use crate::source::env;

struct Found {
    name: Node,
    value: Node,
    how: &'static str,
    persists: &'static str,
}

/// A plain `X=v`, kept until we know whether `X` is exported.
struct Plain {
    found: Found,
    all_export: bool,
}

pub(super) fn assignments(src: &str, cmds: &[Cmd], fish: bool) -> Vec<Node> {
    let mut found: Vec<Found> = Vec::new();
    let mut plain: Vec<Plain> = Vec::new();
    let mut exported: HashSet<String> = HashSet::from(["PATH".to_owned()]);
    let mut all_export = false;
    for cmd in cmds {
        let Some(first) = cmd.words.first() else {
            for word in &cmd.prefix {
                if let Some(f) = split(src, word, fish, "shell-variable", "process") {
                    plain.push(Plain {
                        found: f,
                        all_export,
                    });
                }
            }
            continue;
        };
        let name = first.value.as_str();
        let args = &cmd.words[1..];
        match name {
            "export" | "declare" | "typeset" | "local" | "readonly" => {
                let options: Vec<&str> = args
                    .iter()
                    .map(|w| w.value.as_str())
                    .take_while(|a| a.starts_with('-') || a.starts_with('+'))
                    .collect();
                let exports = if name == "export" {
                    !options.iter().any(|o| o.contains('n') || o.contains('f'))
                } else {
                    options
                        .iter()
                        .any(|o| o.starts_with('-') && o.contains('x'))
                };
                if !exports {
                    continue;
                }
                for arg in &args[options.len()..] {
                    match split(src, arg, fish, "export", "process") {
                        Some(f) => found.push(f),
                        None if !arg.dynamic => {
                            exported.insert(arg.value.clone());
                        }
                        None => {}
                    }
                }
            }
            "set" if fish => fish_set(src, args, &mut found),
            "set" => {
                for arg in args {
                    match arg.value.as_str() {
                        "+a" => all_export = false,
                        v if v.starts_with('-') && !v.starts_with("--") && v.contains('a') => {
                            all_export = true
                        }
                        _ => {}
                    }
                }
                if let [o, a] = args {
                    if a.value == "allexport" {
                        all_export = o.value == "-o";
                    }
                }
            }
            "env" => {
                for arg in args.iter().skip_while(|a| a.value.starts_with('-')) {
                    match split(src, arg, fish, "command-prefix", "process") {
                        Some(f) => found.push(f),
                        None => break,
                    }
                }
            }
            "go" if args.first().is_some_and(|a| a.value == "env")
                && args.iter().any(|a| a.value == "-w") =>
            {
                for arg in &args[1..] {
                    if let Some(f) = split(src, arg, fish, "go-env-w", "go-env-file") {
                        found.push(f);
                    }
                }
            }
            _ => {}
        }
        for word in &cmd.prefix {
            if let Some(f) = split(src, word, fish, "command-prefix", "process") {
                found.push(f);
            }
        }
    }
    for p in plain {
        let name = p.found.name.as_str().unwrap_or_default();
        if p.all_export || exported.contains(name) {
            found.push(p.found);
        }
    }
    found.sort_by_key(|f| f.name.span.start);
    found.into_iter().map(node).collect()
}

fn node(f: Found) -> Node {
    let span = f.name.span;
    // An unquoted leading `~` is the shell's to expand (to $HOME) before the variable is
    // set: say so, since the value as written looks like a relative path.
    let expands_tilde = matches!(
        &f.value.value,
        crate::document::Value::Scalar { value, style: ScalarStyle::Plain } if value.starts_with('~')
    );
    let mut assignment = env::assignment(f.name, &f.value, "script");
    if let crate::document::Value::Map(entries) = &mut assignment.value {
        let tilde = [("expands_tilde", "true")];
        let extra = [("how", f.how), ("persists", f.persists)];
        for (key, value) in extra
            .into_iter()
            .chain(tilde.into_iter().filter(|_| expands_tilde))
        {
            entries.push(Entry {
                key: key.into(),
                key_span: span,
                value: Node::scalar(span, value, ScalarStyle::Derived),
            });
        }
    }
    assignment
}

/// `NAME=value` (or `NAME+=value`) in one word.
fn split(
    src: &str,
    word: &Word,
    fish: bool,
    how: &'static str,
    persists: &'static str,
) -> Option<Found> {
    let raw = &src[word.span.start..word.span.end];
    if let Some(len) = assignment_name(raw) {
        let name_span = Span::new(word.span.start, word.span.start + len);
        let eq = raw[len..].find('=')? + len;
        let value = word_at(src, word.span.start + eq + 1, word.span.end, fish);
        return Some(Found {
            name: Node::scalar(name_span, &raw[..len], ScalarStyle::Plain),
            value: scalar(&value),
            how,
            persists,
        });
    }
    // A quoted whole word: `"GOFLAGS=-ldflags=-s -w"`.
    if word.dynamic || !matches!(raw.as_bytes().first(), Some(b'"' | b'\'')) {
        return None;
    }
    let (name, value) = word.value.split_once('=')?;
    assignment_name(&word.value)?;
    Some(Found {
        name: Node::scalar(word.span, name, ScalarStyle::Plain),
        value: Node::scalar(word.span, value, word.style),
        how,
        persists,
    })
}

fn scalar(word: &Word) -> Node {
    Node::scalar(word.span, word.value.clone(), word.style)
}

/// fish: `set [options] NAME VALUE…`, an assignment when exported (`-x`, `--export`).
fn fish_set(src: &str, args: &[Word], found: &mut Vec<Found>) {
    let mut export = false;
    let mut universal = false;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let a = arg.value.as_str();
        if let Some(long) = a.strip_prefix("--") {
            match long {
                "export" => export = true,
                "universal" => universal = true,
                "unexport" | "erase" | "query" | "show" | "names" => return,
                _ => {}
            }
        } else if let Some(short) = a.strip_prefix('-') {
            if short.contains(['u', 'e', 'q', 'S', 'n']) {
                return;
            }
            export |= short.contains('x');
            universal |= short.contains('U');
        } else {
            break;
        }
        i += 1;
    }
    if !export {
        return;
    }
    let Some(name) = args.get(i) else { return };
    if name.dynamic || assignment_name(&format!("{}=", name.value)).is_none() {
        return;
    }
    let values = &args[i + 1..];
    let value = match values {
        [] => Node::scalar(
            Span::new(name.span.end, name.span.end),
            "",
            ScalarStyle::Plain,
        ),
        [one] => scalar(one),
        [first, .., last] => {
            // A fish list, kept as written.
            let span = first.span.cover(last.span);
            Node::scalar(span, &src[span.start..span.end], ScalarStyle::Plain)
        }
    };
    found.push(Found {
        name: scalar(name),
        value,
        how: "fish-set",
        persists: if universal { "user" } else { "process" },
    });
}
