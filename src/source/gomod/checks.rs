//! The value checks the go command applies to directive arguments, ported from x/mod
//! (`modfile/rule.go`, `module/module.go`, `semver/semver.go`) and from the bits of Go's
//! `strconv` and `fmt` whose output appears in error messages. No regex: these run for
//! every token of every file.

use super::unicode_print::is_print;

// ---- strings ----

/// x/mod's `parseString`: unquote a `"..."` token; a bare token must not contain quotes.
/// The error is the text after `invalid quoted string: ` in Go's message.
pub(super) fn parse_string(token: &str) -> Result<std::borrow::Cow<'_, str>, &'static str> {
    if token.starts_with('"') {
        return unquote(token).ok_or("invalid syntax");
    }
    if token.contains(['"', '\'', '`']) {
        return Err("unquoted string cannot contain quote");
    }
    Ok(std::borrow::Cow::Borrowed(token))
}

/// `strconv.Unquote` for a double-quoted string. `\x` and octal escapes can produce bytes
/// that are not UTF-8; those are replaced by U+FFFD.
fn unquote(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains(['\\', '"', '\n']) {
        return Some(std::borrow::Cow::Borrowed(inner));
    }
    let b = inner.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\n' => return None,
            b'\\' => {}
            c => {
                out.push(c);
                i += 1;
                continue;
            }
        }
        let c = *b.get(i + 1)?;
        i += 2;
        let simple = match c {
            b'a' => Some(7),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(11),
            b'\\' => Some(b'\\'),
            b'"' => Some(b'"'),
            _ => None,
        };
        if let Some(v) = simple {
            out.push(v);
            continue;
        }
        match c {
            b'x' | b'u' | b'U' => {
                let n = match c {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let digits = b.get(i..i + n)?;
                let mut v: u32 = 0;
                for &d in digits {
                    v = v << 4 | (d as char).to_digit(16)?;
                }
                i += n;
                if c == b'x' {
                    out.push(v as u8);
                } else {
                    let ch = char::from_u32(v)?;
                    out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                }
            }
            b'0'..=b'7' => {
                let digits = b.get(i..i + 2)?;
                let mut v = u32::from(c - b'0');
                for &d in digits {
                    if !(b'0'..=b'7').contains(&d) {
                        return None;
                    }
                    v = v << 3 | u32::from(d - b'0');
                }
                i += 2;
                if v > 255 {
                    return None;
                }
                out.push(v as u8);
            }
            _ => return None,
        }
    }
    Some(match String::from_utf8(out) {
        Ok(s) => std::borrow::Cow::Owned(s),
        Err(e) => std::borrow::Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    })
}

/// Go's `%q` of a string (`strconv.Quote`).
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"');
    }
    out.push('"');
    out
}

/// Go's `%q` of a rune (`strconv.QuoteRune`).
pub(super) fn quote_rune(c: char) -> String {
    let mut out = String::from('\'');
    push_escaped(&mut out, c, '\'');
    out.push('\'');
    out
}

fn push_escaped(out: &mut String, c: char, quote: char) {
    use std::fmt::Write;
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_print(c) {
        out.push(c);
        return;
    }
    let _ = match c {
        '\x07' => write!(out, "\\a"),
        '\x08' => write!(out, "\\b"),
        '\x0c' => write!(out, "\\f"),
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        '\t' => write!(out, "\\t"),
        '\x0b' => write!(out, "\\v"),
        c if (c as u32) < 0x20 || c == '\x7f' => write!(out, "\\x{:02x}", c as u32),
        c if (c as u32) < 0x10000 => write!(out, "\\u{:04x}", c as u32),
        c => write!(out, "\\U{:08x}", c as u32),
    };
}

// ---- Go and toolchain versions ----

/// x/mod's `GoVersionRE`:
/// `^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$`.
pub(super) fn is_go_version(v: &str) -> bool {
    let b = v.as_bytes();
    let mut i = 0;
    // A number without leading zeros; `nonzero` requires it not to be 0 at all.
    let number = |i: &mut usize, nonzero: bool| -> bool {
        match b.get(*i) {
            Some(b'0') if !nonzero => {
                *i += 1;
                true
            }
            Some(b'1'..=b'9') => {
                *i += 1;
                while b.get(*i).is_some_and(u8::is_ascii_digit) {
                    *i += 1;
                }
                true
            }
            _ => false,
        }
    };
    if !number(&mut i, true) || b.get(i) != Some(&b'.') {
        return false;
    }
    i += 1;
    if !number(&mut i, false) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !number(&mut i, false) {
            return false;
        }
    }
    if i < b.len() {
        let letters = b[i..].iter().take_while(|c| c.is_ascii_lowercase()).count();
        let digits = b[i + letters..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if letters == 0 || digits == 0 {
            return false;
        }
        i += letters + digits;
    }
    i == b.len()
}

/// x/mod's `ToolchainRE`: `^default$|^go1($|\.)`.
pub(super) fn is_toolchain(v: &str) -> bool {
    v == "default" || v == "go1" || v.starts_with("go1.")
}

// ---- semantic versions (golang.org/x/mod/semver) ----

struct Semver<'a> {
    major: &'a str,
    /// `.0.0` or `.0` when minor or patch were left out.
    short: &'static str,
    build: &'a str,
}

fn semver_parse(v: &str) -> Option<Semver<'_>> {
    let rest = v.strip_prefix('v')?;
    let (major, rest) = semver_int(rest)?;
    let mut p = Semver {
        major,
        short: "",
        build: "",
    };
    if rest.is_empty() {
        p.short = ".0.0";
        return Some(p);
    }
    let (_, rest) = semver_int(rest.strip_prefix('.')?)?;
    if rest.is_empty() {
        p.short = ".0";
        return Some(p);
    }
    let (_, mut rest) = semver_int(rest.strip_prefix('.')?)?;
    if rest.starts_with('-') {
        let end = rest.find('+').unwrap_or(rest.len());
        if !semver_idents(&rest[1..end], true) {
            return None;
        }
        rest = &rest[end..];
    }
    if rest.starts_with('+') {
        if !semver_idents(&rest[1..], false) {
            return None;
        }
        p.build = rest;
        rest = "";
    }
    rest.is_empty().then_some(p)
}

fn semver_int(v: &str) -> Option<(&str, &str)> {
    let n = v.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || (v.starts_with('0') && n != 1) {
        return None;
    }
    Some(v.split_at(n))
}

/// Dot-separated non-empty `[0-9A-Za-z-]` identifiers; in a prerelease, numeric ones
/// may not have leading zeros.
fn semver_idents(s: &str, prerelease: bool) -> bool {
    s.split('.').all(|id| {
        !id.is_empty()
            && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            && !(prerelease
                && id.len() > 1
                && id.starts_with('0')
                && id.bytes().all(|c| c.is_ascii_digit()))
    })
}

/// `module.CanonicalVersion`: the canonical semantic version, keeping `+incompatible`;
/// `None` when `v` is not a semantic version.
pub(super) fn canonical_version(v: &str) -> Option<String> {
    let p = semver_parse(v)?;
    let mut cv = if !p.build.is_empty() {
        v[..v.len() - p.build.len()].to_owned()
    } else {
        format!("{v}{}", p.short)
    };
    if p.build == "+incompatible" {
        cv.push_str("+incompatible");
    }
    Some(cv)
}

fn semver_major(v: &str) -> &str {
    semver_parse(v).map_or("", |p| &v[..1 + p.major.len()])
}

// ---- module paths (golang.org/x/mod/module) ----

/// `module.SplitPathVersion`'s major-version suffix (`/v2`, `.v1` for gopkg.in), or
/// `None` when the path's last element is a malformed one (`/v1`, `/v0`, `/v2.1`).
pub(super) fn path_major(path: &str) -> Option<&str> {
    let b = path.as_bytes();
    if path.starts_with("gopkg.in/") {
        let mut i = path.strip_suffix("-unstable").map_or(b.len(), str::len);
        while i > 0 && b[i - 1].is_ascii_digit() {
            i -= 1;
        }
        if i <= 1 || b[i - 1] != b'v' || b[i - 2] != b'.' {
            return None;
        }
        let major = &path[i - 2..];
        if major.len() <= 2 || (major.as_bytes()[2] == b'0' && major != ".v0") {
            return None;
        }
        return Some(major);
    }
    let mut i = b.len();
    let mut dot = false;
    while i > 0 && (b[i - 1].is_ascii_digit() || b[i - 1] == b'.') {
        dot |= b[i - 1] == b'.';
        i -= 1;
    }
    if i <= 1 || i == b.len() || b[i - 1] != b'v' || b[i - 2] != b'/' {
        return Some("");
    }
    let major = &path[i - 2..];
    if dot || major.len() <= 2 || major.as_bytes()[2] == b'0' || major == "/v1" {
        return None;
    }
    Some(major)
}

/// `module.CheckPathMajor`: the text after `version "v" invalid: ` when `v` does not suit
/// the path's major version suffix.
pub(super) fn check_path_major(v: &str, path_major: &str) -> Result<(), String> {
    let mut pm = path_major;
    if pm.starts_with(".v") {
        pm = pm.strip_suffix("-unstable").unwrap_or(pm);
    }
    if v.starts_with("v0.0.0-") && pm == ".v1" {
        // An old bug generated v0.0.0- pseudo-versions for gopkg.in .v1 paths.
        return Ok(());
    }
    let m = semver_major(v);
    let want = if pm.is_empty() {
        let build = semver_parse(v).map_or("", |p| p.build);
        if m == "v0" || m == "v1" || build == "+incompatible" {
            return Ok(());
        }
        "v0 or v1"
    } else if pm.starts_with(['/', '.']) {
        if m == &pm[1..] {
            return Ok(());
        }
        &pm[1..]
    } else {
        pm
    };
    Err(format!("should be {want}, not {m}"))
}

/// x/mod's `IsDirectoryPath`: a relative path starting with `.` or `..`, or a rooted
/// path in Unix or Windows syntax.
pub(super) fn is_directory_path(ns: &str) -> bool {
    let b = ns.as_bytes();
    ns == "."
        || ns.starts_with("./")
        || ns.starts_with(".\\")
        || ns == ".."
        || ns.starts_with("../")
        || ns.starts_with("..\\")
        || ns.starts_with('/')
        || ns.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

// ---- comments ----

/// x/mod's `isIndirect`: the comment's words are exactly `indirect`, or start with
/// `indirect;`.
pub(super) fn is_indirect(comment_text: &str) -> bool {
    let mut words = comment_text.split_whitespace();
    matches!(
        (words.next(), words.next()),
        (Some("indirect"), None) | (Some("indirect;"), Some(_))
    )
}

/// The byte range, in `text`, of the message of x/mod's `deprecatedRE`
/// `(?s)(?:^|\n\n)Deprecated: *(.*?)(?:$|\n\n)`: the first paragraph that starts with
/// `Deprecated:`, without that prefix and the spaces after it, up to the paragraph's end.
pub(super) fn deprecation(text: &str) -> Option<std::ops::Range<usize>> {
    const PREFIX: &str = "Deprecated:";
    let start = if text.starts_with(PREFIX) {
        0
    } else {
        text.find("\n\nDeprecated:")? + 2
    };
    let mut from = start + PREFIX.len();
    from += text[from..].bytes().take_while(|&c| c == b' ').count();
    let to = text[from..].find("\n\n").map_or(text.len(), |i| from + i);
    Some(from..to)
}
