//! Go's own version ordering, ported from the `gover` package of the Go tree
//! (`src/internal/gover/gover.go`, wrapped by `src/cmd/go/internal/gover/gover.go`,
//! and `FromToolchain` from `src/cmd/go/internal/gover/toolchain.go`).
//! See <https://go.dev/doc/toolchain#version>.
//!
//! Go versions are not semver. They are written without the `go` prefix,
//! `major[.minor[.patch]][kind[pre]]`, e.g. `1.21.3` or `1.21rc1`. Since Go 1.21 a
//! bare `1.N` names the *language* version, which sorts before every release of it:
//!
//! ```text
//! 1.21 < 1.21rc1 < 1.21.0 < 1.21.1
//! ```
//!
//! Before 1.21, `1.N` meant `1.N.0`, so `1.20rc1 < 1.20 == 1.20.0`. A prerelease of a
//! patch release (`1.9.2rc2`) sorts before that patch release. Malformed versions sort
//! below all well-formed ones and equal to each other.

use std::cmp::Ordering;

/// A parsed Go version. Numbers are kept as decimal strings (without leading zeros),
/// as Go does, so arbitrarily long numbers compare correctly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GoVersion {
    pub major: String,
    /// Always present once parsed: `1` is read as `1.0.0`.
    pub minor: Option<String>,
    /// `None` for language versions (`1.21`) and for `1.21rc1`;
    /// `1.N` with N < 21 is read as `1.N.0`.
    pub patch: Option<String>,
    /// `""` for a release, otherwise lowercase letters: `alpha`, `beta`, `rc`, ...
    pub kind: String,
    pub pre: Option<String>,
}

/// Parses `x` (no `go` prefix) exactly as Go's `gover.Parse`; `None` if malformed.
pub fn parse(x: &str) -> Option<GoVersion> {
    let (major, rest) = cut_int(x)?;
    let mut v = GoVersion {
        major: major.to_string(),
        minor: None,
        patch: None,
        kind: String::new(),
        pre: None,
    };
    if rest.is_empty() {
        v.minor = Some("0".into());
        v.patch = Some("0".into());
        return Some(v);
    }
    let (minor, rest) = cut_int(rest.strip_prefix('.')?)?;
    v.minor = Some(minor.to_string());
    if rest.is_empty() {
        // Missing patch means `.0` before Go 1.21, a language version from 1.21 on.
        if cmp_int(Some(minor), Some("21")).is_lt() {
            v.patch = Some("0".into());
        }
        return Some(v);
    }
    let rest = match rest.strip_prefix('.') {
        Some(after_dot) => {
            let (patch, rest) = cut_int(after_dot)?;
            v.patch = Some(patch.to_string());
            if rest.is_empty() {
                return Some(v);
            }
            rest
        }
        None => rest,
    };
    let (kind, pre) = parse_prerelease(rest)?;
    v.kind = kind.to_string();
    v.pre = pre.map(str::to_string);
    Some(v)
}

/// Splits `kind[pre]`: kind is one or more lowercase letters, pre an optional decimal.
fn parse_prerelease(x: &str) -> Option<(&str, Option<&str>)> {
    let i = x.bytes().take_while(|b| !b.is_ascii_digit()).count();
    let (kind, rest) = x.split_at(i);
    if kind.is_empty() || !kind.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    if rest.is_empty() {
        return Some((kind, None));
    }
    match cut_int(rest)? {
        (pre, "") => Some((kind, Some(pre))),
        _ => None,
    }
}

/// Splits a leading decimal (no unnecessary leading zero) from the rest of `x`.
fn cut_int(x: &str) -> Option<(&str, &str)> {
    let i = x.bytes().take_while(u8::is_ascii_digit).count();
    if i == 0 || (x.starts_with('0') && i != 1) {
        return None;
    }
    Some(x.split_at(i))
}

/// Go's `CmpInt` on optional decimals: absent < any number; longer number is larger.
fn cmp_int(x: Option<&str>, y: Option<&str>) -> Ordering {
    x.map(|s| (s.len(), s)).cmp(&y.map(|s| (s.len(), s)))
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let num = |a: &Option<String>, b: &Option<String>| cmp_int(a.as_deref(), b.as_deref());
        cmp_int(Some(&self.major), Some(&other.major))
            .then_with(|| num(&self.minor, &other.minor))
            .then_with(|| num(&self.patch, &other.patch))
            .then_with(|| {
                // "" < alpha < beta < rc, except for a patch release: alpha < beta < rc < "".
                let c = self.kind.cmp(&other.kind);
                if c.is_ne() && self.patch.is_some() {
                    if self.kind.is_empty() {
                        return Ordering::Greater;
                    } else if other.kind.is_empty() {
                        return Ordering::Less;
                    }
                }
                c
            })
            .then_with(|| num(&self.pre, &other.pre))
    }
}

impl PartialOrd for GoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two versions (no `go` prefix) as Go's `gover.Compare` does.
/// Malformed versions compare less than well-formed ones and equal to each other.
pub fn compare(x: &str, y: &str) -> Ordering {
    parse(x).cmp(&parse(y))
}

/// The larger of `x` and `y` by [`compare`]; `x` if they compare equal.
pub fn max<'a>(x: &'a str, y: &'a str) -> &'a str {
    if compare(x, y).is_lt() {
        y
    } else {
        x
    }
}

/// Whether `x` is a well-formed Go version.
pub fn is_valid(x: &str) -> bool {
    parse(x).is_some()
}

/// Whether `x` names an overall language version (`1.21`) rather than a release.
/// Before 1.21, `1.N` is the release `1.N.0`, so `is_lang("1.20")` is false.
pub fn is_lang(x: &str) -> bool {
    parse(x).is_some_and(|v| v.patch.is_none() && v.kind.is_empty() && v.pre.is_none())
}

/// The language version of `x`: `1.21.3` -> `1.21`, `1.2rc3` -> `1.2`; `1` and `1.0` -> `1`.
/// `None` if `x` is malformed (Go returns `""`).
pub fn lang(x: &str) -> Option<String> {
    let v = parse(x)?;
    Some(match v.minor.as_deref() {
        None => v.major,
        Some("0") if v.major == "1" => v.major,
        Some(minor) => format!("{}.{minor}", v.major),
    })
}

/// The Go version of a toolchain name, as Go's `FromToolchain`: `go1.21.3` -> `1.21.3`.
/// A suffix introduced by `-`, space or tab is dropped (`go1.21.3-bigcorp` -> `1.21.3`);
/// anything else, such as `go1.21.3+auto`, makes the name invalid.
pub fn from_toolchain(name: &str) -> Option<&str> {
    let v = name.strip_prefix("go")?;
    let v = v.find([' ', '\t', '-']).map_or(v, |i| &v[..i]);
    is_valid(v).then_some(v)
}

/// Accepts a version written either `1.22` or `go1.22` (toolchain form, see
/// [`from_toolchain`]) and returns the bare version, as cmd/go's `maybeToolchainVersion`.
pub fn strip_go_prefix(v: &str) -> Option<&str> {
    if is_valid(v) {
        Some(v)
    } else {
        from_toolchain(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Less};

    #[test]
    fn compare_table() {
        let table = [
            ("", "", Equal),
            ("x", "x", Equal),
            ("", "x", Equal),
            ("1", "1.1", Less),
            ("1.5", "1.6", Less),
            ("1.5", "1.10", Less),
            ("1.6", "1.6.1", Less),
            ("1.19", "1.19.0", Equal),
            ("1.19rc1", "1.19", Less),
            ("1.20", "1.20.0", Equal),
            ("1.20rc1", "1.20", Less),
            ("1.21", "1.21.0", Less),
            ("1.21", "1.21rc1", Less),
            ("1.21rc1", "1.21.0", Less),
            ("1.6", "1.19", Less),
            ("1.19", "1.19.1", Less),
            ("1.19rc1", "1.19", Less),
            ("1.19rc1", "1.19.1", Less),
            ("1.19rc1", "1.19rc2", Less),
            ("1.19.0", "1.19.1", Less),
            ("1.19rc1", "1.19.0", Less),
            ("1.19alpha3", "1.19beta2", Less),
            ("1.19beta2", "1.19rc1", Less),
            ("1.9.2rc2", "1.9.2", Less),
            ("1.9.2rc2", "1.9.2rc3", Less),
            ("1.9.2beta2", "1.9.2rc3", Less),
            ("1.9.2alpha1", "1.9.2beta2", Less),
            ("1.1", "1.99999999999999998", Less),
            ("1.99999999999999998", "1.99999999999999999", Less),
            // Not in Go's table: malformed sorts below well-formed.
            ("x", "1", Less),
        ];
        for (x, y, want) in table {
            assert_eq!(compare(x, y), want, "compare({x:?}, {y:?})");
            assert_eq!(compare(y, x), want.reverse(), "compare({y:?}, {x:?})");
        }
    }

    #[test]
    fn parse_table() {
        let table = [
            ("1", ("1", "0", "0", "", "")),
            ("1.2", ("1", "2", "0", "", "")),
            ("1.2.3", ("1", "2", "3", "", "")),
            ("1.2rc3", ("1", "2", "", "rc", "3")),
            ("1.20", ("1", "20", "0", "", "")),
            ("1.21", ("1", "21", "", "", "")),
            ("1.21rc3", ("1", "21", "", "rc", "3")),
            ("1.21.0", ("1", "21", "0", "", "")),
            ("1.24", ("1", "24", "", "", "")),
            ("1.24rc3", ("1", "24", "", "rc", "3")),
            ("1.24.0", ("1", "24", "0", "", "")),
            ("1.9.2rc2", ("1", "9", "2", "rc", "2")),
            ("1.8.5rc4", ("1", "8", "5", "rc", "4")),
            ("1.8.2beta2", ("1", "8", "2", "beta", "2")),
            ("1.999testmod", ("1", "999", "", "testmod", "")),
            (
                "1.99999999999999999",
                ("1", "99999999999999999", "", "", ""),
            ),
        ];
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        for (x, (major, minor, patch, kind, pre)) in table {
            let want = GoVersion {
                major: major.into(),
                minor: opt(minor),
                patch: opt(patch),
                kind: kind.into(),
                pre: opt(pre),
            };
            assert_eq!(parse(x), Some(want), "parse({x:?})");
        }
    }

    #[test]
    fn lang_table() {
        let table = [
            ("1.2rc3", "1.2"),
            ("1.2.3", "1.2"),
            ("1.2", "1.2"),
            ("1", "1"),
            ("1.9.2rc2", "1.9"),
            ("1.8.5rc4", "1.8"),
            ("1.999testmod", "1.999"),
            ("1.21.3", "1.21"),
            ("1.0", "1"),
        ];
        for (x, want) in table {
            assert_eq!(lang(x).as_deref(), Some(want), "lang({x:?})");
        }
        assert_eq!(lang("go1.21"), None);
    }

    #[test]
    fn is_lang_table() {
        let table = [
            ("1.2rc3", false),
            ("1.2.3", false),
            ("1.9.2rc2", false),
            ("1.8.5rc5", false),
            ("1.999testmod", false),
            ("1.22", true),
            ("1.21", true),
            ("1.20", false), // == 1.20.0
            ("1.19", false), // == 1.19.0
            ("1.3", false),  // == 1.3.0
            ("1.2", false),  // == 1.2.0
            ("1", false),    // == 1.0.0
        ];
        for (x, want) in table {
            assert_eq!(is_lang(x), want, "is_lang({x:?})");
        }
    }

    #[test]
    fn is_valid_table() {
        let table = [
            ("1.2rc3", true),
            ("1.2.3", true),
            ("1.999testmod", true),
            ("1.600+auto", false),
            ("1.22", true),
            ("1.21.0", true),
            ("1.21rc2", true),
            ("1.21", true),
            ("1.20.0", true),
            ("1.20", true),
            ("1.19", true),
            ("1.8.5rc5", true),
            ("1.9.2rc2", true),
            ("1.9.2beta1", true),
            ("1.9.2alpha", true),
            ("1.3", true),
            ("1.2", true),
            ("1", true),
            // Not in Go's table.
            ("", false),
            ("go1.21", false),
            ("01.2", false),
            ("1.02", false),
            ("1.2.", false),
            ("1.21RC1", false),
            ("1.21rc01", false),
            ("1.21rc1x", false),
        ];
        for (x, want) in table {
            assert_eq!(is_valid(x), want, "is_valid({x:?})");
        }
    }

    #[test]
    fn from_toolchain_table() {
        let table = [
            ("go1.2.3", Some("1.2.3")),
            ("1.2.3", None),
            ("go1.2.3+bigcorp", None),
            ("go1.2.3-bigcorp", Some("1.2.3")),
            ("go1.2.3-bigcorp more text", Some("1.2.3")),
            ("gccgo-go1.23rc4", None),
            ("gccgo-go1.23rc4-bigdwarf", None),
        ];
        for (name, want) in table {
            assert_eq!(from_toolchain(name), want, "from_toolchain({name:?})");
        }
    }

    #[test]
    fn strip_go_prefix_and_max() {
        assert_eq!(strip_go_prefix("1.22"), Some("1.22"));
        assert_eq!(strip_go_prefix("go1.22"), Some("1.22"));
        assert_eq!(strip_go_prefix("go1.22.1-bigcorp"), Some("1.22.1"));
        assert_eq!(strip_go_prefix("stable"), None);
        assert_eq!(max("1.21", "1.21rc1"), "1.21rc1");
        assert_eq!(max("1.19", "1.19.0"), "1.19");
        assert_eq!(max("bad", "1"), "1");
    }

    #[test]
    fn sorting_follows_go_order() {
        let ordered = [
            "junk",
            "1",
            "1.2",
            "1.9.2beta2",
            "1.9.2rc2",
            "1.9.2",
            "1.10",
            "1.20rc1",
            "1.20.0",
            "1.20.1",
            "1.21",
            "1.21rc1",
            "1.21rc2",
            "1.21.0",
            "1.21.1",
            "1.21.10",
            "1.22",
        ];
        let mut shuffled = ordered.to_vec();
        shuffled.reverse();
        shuffled.rotate_left(5);
        shuffled.swap(0, 9);
        shuffled.sort_by(|a, b| compare(a, b));
        assert_eq!(shuffled, ordered);
    }
}
