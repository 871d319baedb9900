//! Facts as a versioned JSON snapshot, and the redaction every snapshot goes through.
//!
//! Schema (version 1; `docs`-level description in `Facts`' field comments):
//! `{"snapshot_version": 1, "os": {...}, "env": {"case_insensitive", "vars": {NAME: value}},
//! "go": {"first", "env": {NAME: value}, "env_error", "binaries": [{path, version,
//! version_from, error}]}, "go_env_file": {"located_by", "file": {path, text, error},
//! "error"}, "goroot_env": {path, text, error}, "c_toolchain": {...}, "profiles": [{path,
//! text, error}], "windows": {"installation_type", "user_env": {"vars": {NAME: raw value},
//! "expand": [NAME stored as REG_EXPAND_SZ], "error"}, "machine_env": {...},
//! "execution_policy": {"windows_powershell": {machine_policy, user_policy, current_user,
//! local_machine, errors}, "pwsh": {...}}}}`. `profiles` and `windows` are optional: a
//! snapshot without them still loads, and only Windows writes `windows`.
//!
//! Redaction is a walk over the serialized JSON, so it reaches every string whatever
//! field holds it: a field added later cannot leak by being forgotten here. The text of a
//! go env file loses the values of secret-named `NAME=VALUE` lines; the text of a shell or
//! PowerShell profile (`profiles[*].text`) loses the values of secret-named assignments in
//! any of the forms a script writes them (see [`script_secret_values`]). Values shaped like
//! well-known access tokens (GitHub, GitLab, Slack, AWS keys) are redacted wherever they are.

use std::borrow::Cow;
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
    // One pass, compared in place, ignoring ASCII case: redaction asks this of every key
    // and every profile line. Each word starts with one of these letters.
    let name = name.as_bytes();
    (0..name.len()).any(|at| {
        matches!(
            name[at].to_ascii_uppercase(),
            b'T' | b'S' | b'P' | b'A' | b'C'
        ) && SECRET_WORDS.iter().any(|w| {
            name[at..]
                .get(..w.len())
                .is_some_and(|part| part.eq_ignore_ascii_case(w.as_bytes()))
        })
    })
}

/// `scheme://user:password@host/...` -> `scheme://REDACTED@host/...`, anywhere in `text`
/// (GOPROXY and GOPRIVATE-style lists hold several URLs).
pub fn redact_urls(text: &str) -> String {
    without_userinfo(text).into_owned()
}

/// [`redact_urls`], borrowing `text` when it holds no userinfo.
fn without_userinfo(text: &str) -> Cow<'_, str> {
    if !may_hold_userinfo(text) {
        return Cow::Borrowed(text);
    }
    USERINFO.replace_all(text, format!("${{1}}{REDACTED}@"))
}

/// A URL's `scheme://` (group 1) and userinfo (group 2), up to its `@`.
static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([A-Za-z][A-Za-z0-9+.\-]*://)([^/?#@\s,|]+)@").expect("valid regex")
});

/// A token of one of the shapes [`may_hold_token`] lists.
static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_\-]{20,}|xox[abposr]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{16})",
    )
    .expect("valid regex")
});

/// Could `text` hold `scheme://userinfo@`? Most strings cannot, and need no regex (nor
/// its compiling, which costs more than a doctor run's redaction otherwise).
fn may_hold_userinfo(text: &str) -> bool {
    let bytes = text.as_bytes();
    let scheme = memchr::memchr_iter(b':', bytes).find(|&at| bytes[at..].starts_with(b"://"));
    scheme.is_some_and(|at| memchr::memchr(b'@', &bytes[at..]).is_some())
}

/// Could `text` hold a token [`redact_tokens`] finds? Each starts with one of these,
/// whose first letters are looked for first: redaction asks this of every string.
fn may_hold_token(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr3_iter(b'g', b'x', b'A', bytes).any(|at| {
        ["gh", "github_pat_", "glpat-", "xox", "AKIA"]
            .iter()
            .any(|start| bytes[at..].starts_with(start.as_bytes()))
    })
}

/// The facts with every secret replaced by `REDACTED`.
pub fn redact(facts: Facts) -> Facts {
    redact_finding(facts).0
}

/// [`redact`], and the secret values it scrubbed from other strings, for
/// [`redact_part`].
pub(super) fn redact_finding(facts: Facts) -> (Facts, Vec<String>) {
    let Ok(mut json) = serde_json::to_value(&facts) else {
        return (facts, Vec::new());
    };
    let secrets = secrets_in(&json);
    // Facts with nothing to redact (the usual case) need not be read back.
    let facts = match scrub(&mut json, None, &secrets) {
        true => serde_json::from_value(json).unwrap_or(facts),
        false => facts,
    };
    (facts, secrets)
}

/// What [`redact_part`] made of a part.
#[derive(Debug, PartialEq)]
pub(super) enum Part {
    Redacted(Facts),
    /// The part as it was: it holds a secret of its own that `known` lacks. The facts
    /// already redacted may hold a copy of it, so the whole must be redacted again.
    OwnSecret(Facts),
}

/// Facts added to facts already redacted (what go answered, after the files were read),
/// redacted with the secrets found there; `known` is what [`redact_finding`] returned
/// for them.
pub(super) fn redact_part(mut part: Facts, known: &[String]) -> Part {
    // go env's variables, most of the part and after go exits, are a map of strings:
    // each is redacted here as the walk redacts a field of a JSON object, without the
    // copy into JSON and back. The walk takes the rest.
    let mut env = std::mem::take(&mut part.go.env);
    let give_back = |mut part: Facts, env| {
        part.go.env = env;
        Part::OwnSecret(part)
    };
    let Ok(mut json) = serde_json::to_value(&part) else {
        return give_back(part, env);
    };
    let mut found = Vec::new();
    for (name, value) in &env {
        collect_field(name, value, &mut found);
    }
    collect_secrets(&json, None, &mut found);
    if scrubbed_secrets(found).iter().any(|s| !known.contains(s)) {
        return give_back(part, env);
    }
    let mut part = match scrub(&mut json, None, known) {
        false => part,
        true => match serde_json::from_value(json) {
            Ok(redacted) => redacted,
            Err(_) => return give_back(part, env),
        },
    };
    for (name, value) in env.iter_mut() {
        scrub_field(name, value, known);
    }
    part.go.env = env;
    Part::Redacted(part)
}

/// The secret values to scrub wherever they appear, longest first.
fn secrets_in(json: &Value) -> Vec<String> {
    let mut secrets = Vec::new();
    collect_secrets(json, None, &mut secrets);
    scrubbed_secrets(secrets)
}

/// Of the values of secret-named variables, those to scrub from other strings,
/// longest first.
fn scrubbed_secrets(mut secrets: Vec<String>) -> Vec<String> {
    secrets.retain(|s| s.len() >= MIN_SCRUBBED_LEN && s != REDACTED);
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    secrets
}

/// Values of secret-named variables (map entries and `NAME=VALUE` file lines), so the
/// same secret copied into another variable is caught too.
fn collect_secrets(value: &Value, key: Option<&str>, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) => collect_field(k, s, out),
                    Value::Array(items) if k == "profiles" => {
                        for text in items.iter().filter_map(|i| i.get("text")?.as_str()) {
                            for line in text.lines() {
                                for range in script_secret_values(line) {
                                    out.push(unquote(&line[range]).to_owned());
                                }
                            }
                        }
                    }
                    _ => collect_secrets(v, Some(k), out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_secrets(v, key, out)),
        Value::String(text) if key == Some("text") => collect_env_lines(text, out),
        _ => {}
    }
}

/// [`collect_secrets`] of an object's string field.
fn collect_field(key: &str, value: &str, out: &mut Vec<String>) {
    if is_secret_name(key) {
        out.push(value.to_owned());
    } else if key == "text" {
        collect_env_lines(value, out);
    }
}

/// The values of a go env file's secret-named `NAME=VALUE` lines.
fn collect_env_lines(text: &str, out: &mut Vec<String>) {
    for line in text.lines() {
        if let Some((_, v)) = line.split_once('=').filter(|(n, _)| is_secret_name(n)) {
            out.push(v.trim_end_matches('\r').to_owned());
        }
    }
}

/// Redact every string under `value`; whether any changed. Most strings hold nothing
/// to redact, and are neither copied nor replaced.
fn scrub(value: &mut Value, key: Option<&str>, secrets: &[String]) -> bool {
    let mut changed = false;
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                changed |= match v {
                    Value::String(s) => scrub_field(k, s, secrets),
                    Value::Array(items) if k == "profiles" => {
                        let fields = items.iter_mut().filter_map(Value::as_object_mut);
                        let mut any = false;
                        for (field, v) in fields.flat_map(|m| m.iter_mut()) {
                            any |= match v {
                                // A script, not a go env file: its own line redaction.
                                Value::String(text) if field == "text" => {
                                    replace(text, redact_script_lines, secrets)
                                }
                                _ => scrub(v, Some(field), secrets),
                            };
                        }
                        any
                    }
                    _ => scrub(v, Some(k), secrets),
                };
            }
        }
        Value::Array(items) => {
            for v in items {
                changed |= scrub(v, key, secrets);
            }
        }
        Value::String(s) if key == Some("text") => changed = replace(s, redact_env_lines, secrets),
        Value::String(s) => changed = replace(s, |s| Cow::Borrowed(s), secrets),
        _ => {}
    }
    changed
}

/// [`scrub`] of an object's string field: a secret name hides the value, a go env
/// file's `text` loses its secret-named lines' values, and any string the secrets in
/// it; whether that changed it.
fn scrub_field(key: &str, s: &mut String, secrets: &[String]) -> bool {
    if is_secret_name(key) {
        // Empty, or REDACTED already (a snapshot): nothing to hide.
        let hide = !s.is_empty() && s != REDACTED;
        if hide {
            *s = REDACTED.into();
        }
        return hide;
    }
    match key {
        "text" => replace(s, redact_env_lines, secrets),
        _ => replace(s, |s| Cow::Borrowed(s), secrets),
    }
}

/// Redact `s` by its `lines` (the secret-named lines of a file), then as any string;
/// whether that changed it.
fn replace(s: &mut String, lines: fn(&str) -> Cow<'_, str>, secrets: &[String]) -> bool {
    let by_lines = lines(s);
    let scrubbed = match scrub_string(&by_lines, secrets) {
        Cow::Owned(text) => Some(text),
        Cow::Borrowed(_) => None,
    };
    let redacted = match (scrubbed, by_lines) {
        (Some(text), _) | (None, Cow::Owned(text)) => text,
        (None, Cow::Borrowed(_)) => return false,
    };
    *s = redacted;
    true
}

/// URL credentials, token-shaped values and known secret values out of one string;
/// borrowed when it holds none.
fn scrub_string<'t>(s: &'t str, secrets: &[String]) -> Cow<'t, str> {
    let mut text = without_userinfo(s);
    if may_hold_token(&text) {
        if let Cow::Owned(redacted) = TOKEN.replace_all(&text, REDACTED) {
            text = Cow::Owned(redacted);
        }
    }
    for secret in secrets {
        // Most strings hold none: look before copying.
        if text.contains(secret.as_str()) {
            text = Cow::Owned(text.replace(secret.as_str(), REDACTED));
        }
    }
    text
}

/// `NAME=VALUE` lines of a go env file with a secret name keep the name, lose the value;
/// line breaks stay, so line numbers still point at the same settings.
fn redact_env_lines(text: &str) -> Cow<'_, str> {
    if !is_secret_name(text) {
        return Cow::Borrowed(text);
    }
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

/// Values shaped like well-known access tokens, whatever variable holds them: GitHub
/// (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab (`glpat-`), Slack
/// (`xox?-`) and AWS access key ids (`AKIA`).
pub fn redact_tokens(text: &str) -> String {
    if !may_hold_token(text) {
        return text.to_owned();
    }
    TOKEN.replace_all(text, REDACTED).into_owned()
}

/// The byte ranges of secret values in one line of a shell or PowerShell script: the value
/// of a secret-named `NAME=value` (`export`, a plain or prefix assignment, cmd's `set`,
/// PowerShell's `$env:NAME = value`), fish's `set [-flags] NAME value...`,
/// `[Environment]::SetEnvironmentVariable('NAME', value...)`, `setx NAME value` and
/// `Set-Item env:NAME value`. Quotes around a value are part of its range.
pub fn script_secret_values(line: &str) -> Vec<std::ops::Range<usize>> {
    // Only a line that names a secret can assign one: most profile lines are skipped
    // before any regex runs (or is even compiled).
    if !is_secret_name(line) {
        return Vec::new();
    }
    // A `#` starts a comment only at the start of a word: `p4ss#w0rd` is one value.
    const VALUE: &str = r#"("[^"]*"?|'[^']*'?|[^\s;&|#=][^\s;&|]*)"#;
    static FORMS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
        [
            format!(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*{VALUE}"),
            r"^\s*set\s+(?:-[A-Za-z-]+\s+)*([A-Za-z_][A-Za-z0-9_]*)\s+(.*\S)".to_owned(),
            r#"(?i)SetEnvironmentVariable\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*,\s*('[^']*'|"[^"]*"|[^,)]+)"#.to_owned(),
            format!(r"(?i)\bsetx\s+([A-Za-z_][A-Za-z0-9_]*)\s+{VALUE}"),
            format!(r#"(?i)\b(?:set-item|si|new-item|ni|set-content)\s+(?:-path\s+)?['"]?env:([A-Za-z_][A-Za-z0-9_]*)['"]?\s+(?:-value\s+)?{VALUE}"#),
        ]
        .iter()
        .map(|re| Regex::new(re).expect("valid regex"))
        .collect()
    });
    let mut ranges: Vec<std::ops::Range<usize>> = FORMS
        .iter()
        .flat_map(|re| re.captures_iter(line))
        .filter(|c| c.get(1).is_some_and(|n| is_secret_name(n.as_str())))
        .filter_map(|c| c.get(2).map(|v| v.range()))
        .collect();
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// `text` with every secret found in it (URL credentials, token-shaped values, values of
/// secret-named variables assigned as scripts or YAML assign them) overwritten with `*`
/// byte for byte, so offsets into the text still point at the same places: for showing
/// source lines.
pub fn mask_secrets(text: &str) -> std::borrow::Cow<'_, str> {
    // `NAME: value` in YAML (a workflow's env block, GitLab variables).
    static YAML: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            // A comment needs a blank before its `#`; a quoted value is taken whole.
            r#"^[ \t-]*["']?([A-Za-z_][A-Za-z0-9_]*)["']?[ \t]*:[ \t]+("[^"]*"|'[^']*'|\S.*?)(?:[ \t]+#.*)?[ \t]*$"#,
        )
        .expect("valid regex")
    });
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    if may_hold_userinfo(text) {
        let userinfo = USERINFO.captures_iter(text).filter_map(|c| c.get(2));
        ranges.extend(userinfo.map(|m| m.range()));
    }
    if may_hold_token(text) {
        ranges.extend(TOKEN.find_iter(text).map(|m| m.range()));
    }
    let mut start = 0;
    // Inside a secret's block scalar (`TOKEN: |`): the indentation of its key's line.
    let mut block_of: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\r', '\n']);
        let indent = body.len() - body.trim_start().len();
        if let Some(key_indent) = block_of {
            if body.trim().is_empty() || indent > key_indent {
                ranges.push(start + indent..start + body.len());
                start += line.len();
                continue;
            }
            block_of = None;
        }
        ranges.extend(
            script_secret_values(body)
                .into_iter()
                .map(|r| start + r.start..start + r.end),
        );
        if is_secret_name(body) {
            // `${{ secrets.X }}` and `$X` name a secret without holding it: shown as is.
            let holds = |c: &regex::Captures| is_secret_name(&c[1]) && !c[2].starts_with('$');
            if let Some(c) = YAML.captures(body).filter(holds) {
                let value = c.get(2).expect("group 2").range();
                ranges.push(start + value.start..start + value.end);
                if c[2].starts_with(['|', '>']) {
                    block_of = Some(indent);
                }
            }
        }
        start += line.len();
    }
    // Text from a snapshot is redacted already: `REDACTED` says more than stars.
    ranges.retain(|r| unquote(text[r.clone()].trim_end_matches(',')) != REDACTED);
    if ranges.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        bytes[range].fill(b'*');
    }
    // Each range starts and ends on a character boundary, and `*` is ASCII.
    std::borrow::Cow::Owned(String::from_utf8(bytes).expect("masking keeps UTF-8"))
}

fn unquote(value: &str) -> &str {
    let v = value.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q) {
            return inner.strip_suffix(q).unwrap_or(inner);
        }
    }
    v
}

/// A profile's text with every secret value (see [`script_secret_values`]) replaced by
/// `REDACTED`; lines stay where they are.
fn redact_script_lines(text: &str) -> Cow<'_, str> {
    // A text that names no secret assigns none.
    if !is_secret_name(text) {
        return Cow::Borrowed(text);
    }
    text.split_inclusive('\n')
        .map(|line| {
            let mut line = line.to_owned();
            for range in script_secret_values(&line).into_iter().rev() {
                line.replace_range(range, REDACTED);
            }
            line
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
        let limit = crate::diag::config::DEFAULT_MAX_FILE_SIZE;
        let bytes = crate::workspace::load::read_regular(path, limit)
            .map_err(|e| Error::Usage(format!("cannot read facts snapshot {display}: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::Usage(format!(
                "cannot read facts snapshot {display}: invalid UTF-8"
            ))
        })?;
        Facts::parse(&display, &text)
    }

    /// Parse snapshot JSON read from `display`; redacted.
    pub fn parse(display: &str, text: &str) -> Result<Facts, Error> {
        let text: Arc<str> = text.into();
        let error =
            |span, message: String| Error::Source(SourceError::new(display, &text, span, message));
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
    fn mask_secrets_keeps_offsets_and_hides_each_kind_of_secret() {
        let text = "env:\n  GITHUB_TOKEN: abcdefgh1234\n  GOPROXY: https://u:pw12345@p.example.com\n  \
                    REF: ${{ secrets.NPM_TOKEN }}\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n  \
                    X: ghp_abcdefghijklmnopqrstuvwxyz\nexport DB_PASSWORD='é-secret'\nGOFLAGS: -mod=mod\n";
        let masked = mask_secrets(text);
        assert_eq!(masked.len(), text.len());
        for secret in ["abcdefgh1234", "u:pw12345", "ghp_abc", "é-secret"] {
            assert!(!masked.contains(secret), "{secret} in\n{masked}");
        }
        for kept in [
            "${{ secrets.NPM_TOKEN }}",
            "@p.example.com",
            "GOFLAGS: -mod=mod",
            "DB_PASSWORD=",
        ] {
            assert!(masked.contains(kept), "{kept} lost in\n{masked}");
        }
        let lines = |t: &str| t.lines().map(str::len).collect::<Vec<_>>();
        assert_eq!(lines(&masked), lines(text));
        assert!(matches!(
            mask_secrets("GOFLAGS=-mod=mod\n"),
            std::borrow::Cow::Borrowed(_)
        ));
        // A `#` inside a word is not a comment; a block scalar's lines are the value.
        let text = "export X_TOKEN=ab#cdefghijkl\nenv:\n  DB_PASSWORD: p4ss#w0rd!\n  \
                    API_TOKEN: \"abc # defsecret\"\n  CERT_SECRET: |\n    line-one-secret\n\n    \
                    line-two-secret\n  GOFLAGS: -mod=mod # ok\n";
        let masked = mask_secrets(text);
        for secret in [
            "cdefghijkl",
            "w0rd!",
            "defsecret",
            "line-one-secret",
            "line-two-secret",
        ] {
            assert!(!masked.contains(secret), "{secret} in\n{masked}");
        }
        assert!(masked.contains("GOFLAGS: -mod=mod # ok"), "{masked}");
        assert_eq!(
            script_secret_values("export X_TOKEN=ab#cdefghijkl # note"),
            vec![15..28]
        );
        // Already redacted (a profile from the facts): left saying so.
        let redacted = "export GITHUB_TOKEN=REDACTED\n  \"GOAUTH\": \"REDACTED\",\n";
        assert_eq!(mask_secrets(redacted), redacted);
    }

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
        // The one-pass search finds what a search for each word finds, at every
        // place, in any case, at the ends and overlapping.
        let reference = |name: &str| {
            let upper = name.to_ascii_uppercase();
            SECRET_WORDS.iter().any(|w| upper.contains(w))
        };
        let pieces = [
            "", "x", "GO", "_", "é", "tok", "TOKE", "aut", "Cred", "A", "P",
        ];
        for word in SECRET_WORDS
            .iter()
            .flat_map(|w| [w.to_string(), w.to_lowercase()])
        {
            for (a, b) in pieces
                .iter()
                .flat_map(|a| pieces.iter().map(move |b| (a, b)))
            {
                for name in [format!("{a}{word}{b}"), format!("{a}{}{b}", &word[1..])] {
                    assert_eq!(is_secret_name(&name), reference(&name), "{name}");
                }
            }
        }
    }

    #[test]
    fn facts_with_nothing_to_redact_come_back_as_they_were() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/machines");
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let facts = Facts::load(&entry.path()).unwrap();
            // Redacted once on load: a second pass changes nothing, and the round trip
            // through JSON that it skips would give the same facts.
            let json = serde_json::to_value(&facts).unwrap();
            let secrets = secrets_in(&json);
            assert!(
                !scrub(&mut json.clone(), None, &secrets),
                "{:?}",
                entry.path()
            );
            let (again, _) = redact_finding(facts.clone());
            assert_eq!(again, facts);
            assert_eq!(serde_json::from_value::<Facts>(json).unwrap(), facts);
        }
    }

    #[test]
    fn go_env_in_a_part_is_redacted_as_the_json_walk_redacts_it() {
        // The walk over the whole part, as redact_part did before it took go env apart.
        let walked = |part: &Facts, known: &[String]| -> Option<Facts> {
            let mut json = serde_json::to_value(part).unwrap();
            if secrets_in(&json).iter().any(|s| !known.contains(s)) {
                return None;
            }
            scrub(&mut json, None, known);
            Some(serde_json::from_value(json).unwrap())
        };
        let known = vec!["copied-s3cr3t-value".to_owned()];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/machines");
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let mut part = Facts::load(&entry.path()).unwrap();
            let env = &mut part.go.env;
            for (name, value) in [
                ("GOAUTH", "netrc"),
                ("GOPROXY", "https://u:pw123456@proxy.corp/go,direct"),
                ("GOFLAGS", "-x=ghp_0123456789abcdefghij0123"),
                ("GOPRIVATE", "copied-s3cr3t-value"),
                ("GONOSUMDB", ""),
                ("GO_TOKEN_X", "REDACTED"),
            ] {
                env.insert(name.into(), value.into());
            }
            if let Some(file) = &mut part.goroot_env {
                file.text = Some("GOPROXY=https://a:b12345@x\nMY_TOKEN=abc\n".into());
            }
            let Part::Redacted(redacted) = redact_part(part.clone(), &known) else {
                panic!("no secret of its own in {:?}", entry.path());
            };
            assert_eq!(Some(&redacted), walked(&part, &known).as_ref());
            let env = redacted.go.env;
            assert_eq!(env["GOAUTH"], REDACTED);
            assert_eq!(env["GOPROXY"], "https://REDACTED@proxy.corp/go,direct");
            assert_eq!(env["GOFLAGS"], "-x=REDACTED");
            assert_eq!(env["GOPRIVATE"], REDACTED);
            // A secret of the part's own that `known` lacks: the whole is redacted again.
            part.go
                .env
                .insert("NEW_TOKEN".into(), "a-new-s3cr3t-value".into());
            assert_eq!(walked(&part, &known), None);
            assert_eq!(redact_part(part.clone(), &known), Part::OwnSecret(part));
        }
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
    fn the_quick_looks_miss_no_string_the_regexes_match() {
        let pieces = [
            "",
            "x",
            ":",
            "://",
            "a:/b",
            "@",
            "https://u:p@h",
            "ghp_",
            "github_pat_",
            "glpat-",
            "xoxb-",
            "AKIA",
            "0123456789abcdefghij0123",
            "ABCDEFGHIJKLMNOP",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b} {c}");
                    if USERINFO.is_match(&text) {
                        assert!(may_hold_userinfo(&text), "{text}");
                    }
                    if TOKEN.is_match(&text) {
                        assert!(may_hold_token(&text), "{text}");
                    }
                }
            }
        }
        assert!(!may_hold_userinfo("a:/b@c") && !may_hold_token("gitlab xo AKI"));
    }

    #[test]
    fn profile_secrets_go_in_every_form_a_script_writes_them() {
        let text = "export GITHUB_TOKEN=ghp_abc\n\
            export A=1 NPM_TOKEN=\"s3cr3t value\" B=2\r\n\
            set -gx GITLAB_TOKEN glsecret123\n\
            $env:MY_API_KEY = 'k-123456'\n\
            [Environment]::SetEnvironmentVariable(\"AWS_SECRET_ACCESS_KEY\", \"aws123456\", \"User\")\n\
            setx GH_AUTH xyz12345\n\
            if [ -n \"$GITHUB_TOKEN\" ]; then echo ok; fi\n\
            export GOPATH=$HOME/go\n";
        let got = redact_script_lines(text);
        for secret in [
            "ghp_abc",
            "s3cr3t",
            "glsecret123",
            "k-123456",
            "aws123456",
            "xyz12345",
        ] {
            assert!(!got.contains(secret), "{secret} in {got}");
        }
        assert_eq!(got.lines().count(), text.lines().count());
        assert!(
            got.contains("export A=1 NPM_TOKEN=REDACTED B=2\r\n"),
            "{got}"
        );
        assert!(
            got.contains("if [ -n \"$GITHUB_TOKEN\" ]; then echo ok; fi"),
            "{got}"
        );
        assert!(got.contains("export GOPATH=$HOME/go"), "{got}");
        assert_eq!(
            redact_tokens("x ghp_0123456789abcdefghij0123 y"),
            "x REDACTED y"
        );
    }

    #[test]
    fn profile_text_is_redacted_as_a_script_and_its_secrets_everywhere() {
        let mut facts: Facts = serde_json::from_str(r#"{"snapshot_version": 1}"#).unwrap();
        facts.profiles = vec![super::super::FileFact {
            path: "/h/.bashrc".into(),
            text: Some(
                "export NPM_TOKEN='npm-s3cr3t-value'\nif [ -n \"$NPM_TOKEN\" ]; then x=1; fi\n"
                    .into(),
            ),
            error: None,
        }];
        facts
            .env
            .vars
            .insert("COPY".into(), "npm-s3cr3t-value".into());
        let json = serde_json::to_string(&redact(facts)).unwrap();
        assert!(!json.contains("s3cr3t"), "{json}");
        assert!(
            json.contains(r#"export NPM_TOKEN=REDACTED\nif [ -n \"$NPM_TOKEN\" ]; then x=1; fi\n"#),
            "{json}"
        );
    }

    #[test]
    fn registry_variables_are_redacted_by_name_like_the_process_environment() {
        let mut facts: Facts = serde_json::from_str(r#"{"snapshot_version": 1}"#).unwrap();
        let mut windows = super::super::WindowsFacts::default();
        windows
            .user_env
            .vars
            .insert("GitHub_Token".into(), "s3cr3t-from-setx".into());
        windows
            .machine_env
            .vars
            .insert("GOPROXY".into(), "https://u:pw123456@proxy.corp/go".into());
        facts.windows = Some(windows);
        let json = facts.to_json();
        assert!(!json.contains("s3cr3t"), "{json}");
        assert!(!json.contains("pw123456"), "{json}");
        assert!(json.contains("\"GitHub_Token\": \"REDACTED\""), "{json}");
    }

    #[test]
    fn env_file_lines_keep_their_place() {
        assert_eq!(
            redact_env_lines("GOAUTH=header Bearer x\r\nGOPROXY=off\n"),
            "GOAUTH=REDACTED\r\nGOPROXY=off\n"
        );
    }
}
