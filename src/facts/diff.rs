//! What differs between two sets of facts, one fact per line in key order.
//!
//! Facts are flattened to `dotted.key = value` pairs. File texts are compared by the
//! variables they set (as go reads them), not line by line: moving a line or adding a
//! comment changes nothing a go command sees.

use std::collections::BTreeMap;

use serde_json::Value;

use super::origin::ParsedFile;
use super::Facts;

/// One difference: `+ key = value` (only in `current`), `- key = value` (only in
/// `base`), `~ key: old -> new`.
pub fn diff(base: &Facts, current: &Facts) -> Vec<String> {
    let (old, new) = (flatten(base), flatten(current));
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| match (old.get(key), new.get(key)) {
            (None, Some(v)) => Some(format!("+ {key} = {}", show(v))),
            (Some(v), None) => Some(format!("- {key} = {}", show(v))),
            (Some(a), Some(b)) if a != b => Some(format!("~ {key}: {} -> {}", show(a), show(b))),
            _ => None,
        })
        .collect()
}

/// Every fact as a `key -> value` pair.
pub fn flatten(facts: &Facts) -> BTreeMap<String, String> {
    let mut facts = facts.clone();
    if facts.env.case_insensitive {
        // `Path` and `PATH` are one variable there: compare them as one.
        facts.env.vars = std::mem::take(&mut facts.env.vars)
            .into_iter()
            .map(|(k, v)| (k.to_ascii_uppercase(), v))
            .collect();
    }
    if let Some(windows) = &mut facts.windows {
        // Registry names ignore case too.
        for reg in [&mut windows.user_env, &mut windows.machine_env] {
            reg.expand = std::mem::take(&mut reg.expand)
                .into_iter()
                .map(|k| k.to_ascii_uppercase())
                .collect();
            reg.vars = std::mem::take(&mut reg.vars)
                .into_iter()
                .map(|(k, v)| (k.to_ascii_uppercase(), v))
                .collect();
        }
    }
    // Variables a shell changes on its own, from one prompt to the next.
    for name in ["_", "OLDPWD", "PWD", "SHLVL"] {
        facts.env.vars.remove(name);
    }
    let mut out = BTreeMap::new();
    if let Ok(json) = serde_json::to_value(&facts) {
        walk(&json, String::new(), &mut out);
    }
    let files = [
        ("go_env_file.file.vars", facts.go_env_file.file.as_ref()),
        ("goroot_env.vars", facts.goroot_env.as_ref()),
    ];
    for (prefix, file) in files {
        if let Some(parsed) = file.and_then(ParsedFile::parse) {
            for name in parsed.names() {
                if let Some((_, value)) = parsed.lookup(&name) {
                    out.insert(format!("{prefix}.{name}"), value);
                }
            }
        }
    }
    out
}

fn walk(value: &Value, key: String, out: &mut BTreeMap<String, String>) {
    let join = |k: &str| {
        if key.is_empty() {
            k.to_owned()
        } else {
            format!("{key}.{k}")
        }
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k != "text" {
                    walk(v, join(k), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, format!("{key}[{i}]"), out);
            }
        }
        Value::Null => {}
        Value::String(s) => {
            out.insert(key, s.clone());
        }
        other => {
            out.insert(key, other.to_string());
        }
    }
}

/// A value on one line: control characters (a `\r` from a CRLF file) made visible.
pub fn show(value: &str) -> String {
    if value.chars().any(char::is_control) {
        format!("{value:?}")
    } else {
        value.to_owned()
    }
}
