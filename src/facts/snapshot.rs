//! Facts as a versioned JSON snapshot, and the redaction every snapshot goes through.
//!
//! Schema (version 1; `docs`-level description in `Facts`' field comments):
//! `{"snapshot_version": 1, "os": {...}, "env": {"case_insensitive", "vars": {NAME: value}},
//! "go": {"first", "env": {NAME: value}, "env_error", "binaries": [{path, version,
//! version_from, error}]}, "go_env_file": {"located_by", "file": {path, text, error},
//! "error"}, "goroot_env": {path, text, error}, "c_toolchain": {...}}`.
//!
//! Redaction is a walk over the serialized JSON, so it reaches every string whatever
//! field holds it: a field added later cannot leak by being forgotten here.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde_json::Value;

use super::Facts;
use crate::document::{Encoding, SourceText};
use crate::error::{Error, SourceError};

pub const SNAPSHOT_VERSION: u64 = 1;
pub const REDACTED: &str = "REDACTED";

/// Parts of variable names whose values are secrets (GOAUTH included, via AUTH).
const SECRET_WORDS: [&str; 9] = [
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "APIKEY",
    "API_KEY",
    "CREDENTIAL",
    "PRIVATE_KEY",
    "AUTH",
];

/// Secret values shorter than this are not scrubbed from other strings (`on`, `1`).
const MIN_SCRUBBED_LEN: usize = 8;

pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// `scheme://user:password@host/...` -> `scheme://REDACTED@host/...`, anywhere in `text`
/// (GOPROXY and GOPRIVATE-style lists hold several URLs).
pub fn redact_urls(text: &str) -> String {
    static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#@\s,|]+@").expect("valid regex")
    });
    USERINFO
        .replace_all(text, format!("${{1}}{REDACTED}@"))
        .into_owned()
}

/// The facts with every secret replaced by `REDACTED`.
pub fn redact(facts: Facts) -> Facts {
    let Ok(mut json) = serde_json::to_value(&facts) else {
        return facts;
    };
    let mut secrets = Vec::new();
    collect_secrets(&json, None, &mut secrets);
    secrets.retain(|s| s.len() >= MIN_SCRUBBED_LEN && s != REDACTED);
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    scrub(&mut json, None, &secrets);
    serde_json::from_value(json).unwrap_or(facts)
}

/// Values of secret-named variables (map entries and `NAME=VALUE` file lines), so the
/// same secret copied into another variable is caught too.
fn collect_secrets(value: &Value, key: Option<&str>, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if is_secret_name(k) => out.push(s.clone()),
                    _ => collect_secrets(v, Some(k), out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_secrets(v, key, out)),
        Value::String(text) if key == Some("text") => {
            for line in text.lines() {
                if let Some((_, v)) = line.split_once('=').filter(|(n, _)| is_secret_name(n)) {
                    out.push(v.trim_end_matches('\r').to_owned());
                }
            }
        }
        _ => {}
    }
}

fn scrub(value: &mut Value, key: Option<&str>, secrets: &[String]) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if is_secret_name(k) && !s.is_empty() => *s = REDACTED.into(),
                    _ => scrub(v, Some(k), secrets),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| scrub(v, key, secrets)),
        Value::String(s) => {
            if key == Some("text") {
                *s = redact_env_lines(s);
            }
            let mut text = redact_urls(s);
            for secret in secrets {
                text = text.replace(secret.as_str(), REDACTED);
            }
            *s = text;
        }
        _ => {}
    }
}

/// `NAME=VALUE` lines of a go env file with a secret name keep the name, lose the value;
/// line breaks stay, so line numbers still point at the same settings.
fn redact_env_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.split_once('=') {
            Some((name, value)) if is_secret_name(name) && !value.trim().is_empty() => {
                let ending = &value[value.trim_end_matches(['\r', '\n']).len()..];
                format!("{name}={REDACTED}{ending}")
            }
            _ => line.to_owned(),
        })
        .collect()
}

impl Facts {
    /// The snapshot JSON (pretty, keys in a fixed order, ending in a newline).
    pub fn to_json(&self) -> String {
        let facts = redact(self.clone());
        let mut json = serde_json::to_string_pretty(&facts).unwrap_or_else(|_| "{}".into());
        json.push('\n');
        json
    }

    /// Read a snapshot written by `gopolicy facts --json` (or by hand); redacted on load.
    pub fn load(path: &Path) -> Result<Facts, Error> {
        let display = path.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: display.clone(),
            source,
        })?;
        let text: Arc<str> = text.into();
        let error =
            |span, message: String| Error::Source(SourceError::new(&display, &text, span, message));
        let json_error = |e: serde_json::Error| {
            let source = SourceText::new("", text.to_string(), Encoding::Utf8);
            let at = source.line_start(e.line()) + e.column().saturating_sub(1);
            let at = at.min(text.len());
            error(Some(at..at), format!("not a valid facts snapshot: {e}"))
        };
        let json: Value = serde_json::from_str(&text).map_err(json_error)?;
        match json.get("snapshot_version") {
            Some(v) if v.as_u64() == Some(SNAPSHOT_VERSION) => {}
            Some(v) => {
                return Err(error(
                    None,
                    format!("snapshot_version {v} is not supported: this gopolicy reads snapshot_version {SNAPSHOT_VERSION}"),
                ))
            }
            None => {
                return Err(error(
                    None,
                    "not a facts snapshot: it has no snapshot_version".into(),
                ))
            }
        }
        let facts: Facts = serde_json::from_str(&text).map_err(json_error)?;
        Ok(redact(facts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "GITHUB_TOKEN",
            "GOAUTH",
            "npm_password",
            "AWS_SECRET_ACCESS_KEY",
            "MY_APIKEY",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        assert!(!is_secret_name("GOPROXY"));
    }

    #[test]
    fn userinfo_goes_scheme_host_and_path_stay() {
        assert_eq!(
            redact_urls("https://u:p4ss@proxy.example.com/go,https://tok@b.example|direct"),
            "https://REDACTED@proxy.example.com/go,https://REDACTED@b.example|direct"
        );
        assert_eq!(
            redact_urls("https://proxy.example.com/a@b"),
            "https://proxy.example.com/a@b"
        );
        assert_eq!(redact_urls("git@github.com:x/y"), "git@github.com:x/y");
    }

    #[test]
    fn env_file_lines_keep_their_place() {
        assert_eq!(
            redact_env_lines("GOAUTH=header Bearer x\r\nGOPROXY=off\n"),
            "GOAUTH=REDACTED\r\nGOPROXY=off\n"
        );
    }
}
