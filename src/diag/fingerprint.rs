//! A finding's identity across runs, for tools that track findings over time (SARIF's
//! `partialFingerprints`): the rule id, the path and the flagged text with its whitespace
//! collapsed, never the line number, so it survives edits elsewhere in the file. The nth
//! identical finding in a file gets `:n`, so repeats stay apart.
//!
//! The hash is 64-bit FNV-1a (a published, fixed algorithm: the same bytes give the same
//! hash on every platform and in every version).

use std::collections::HashMap;

use super::Diagnostic;

/// `{16 hex digits}:{occurrence}` for each diagnostic, in the order given. `text_of` gives
/// the text a diagnostic flags (empty when its file could not be read).
pub fn fingerprints<'a>(
    diagnostics: &'a [Diagnostic],
    text_of: impl Fn(&'a Diagnostic) -> &'a str,
) -> Vec<String> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let hash = identity(&d.id, &d.path, text_of(d));
            let n = seen.entry(hash).or_insert(0);
            *n += 1;
            format!("{hash:016x}:{n}")
        })
        .collect()
}

/// The hash of a rule id, a path and a text with whitespace runs collapsed.
fn identity(id: &str, path: &str, text: &str) -> u64 {
    let mut hash = Fnv1a::default();
    // NUL separators: no two (id, path, text) triples give the same bytes.
    for part in [id, "\0", path, "\0", &normalize(text)] {
        hash.write(part.as_bytes());
    }
    hash.0
}

/// A flagged text as identities compare it: every whitespace run one space, none at the
/// ends (so reindenting or rewrapping keeps the identity). Baselines use it too.
pub fn normalize(text: &str) -> String {
    let mut normalized = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !normalized.is_empty() {
            normalized.push(' ');
        }
        normalized.push_str(word);
    }
    normalized
}

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = Fnv1a::default();
    hash.write(bytes);
    hash.0
}

struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Position, Span};
    use crate::rule::schema::Severity;

    fn fnv(text: &str) -> u64 {
        let mut h = Fnv1a::default();
        h.write(text.as_bytes());
        h.0
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference test suite (draft-eastlake-fnv, fnv64a).
        assert_eq!(fnv(""), 0xcbf29ce484222325);
        assert_eq!(fnv("a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv("foobar"), 0x85944171f73967e8);
    }

    fn diag(id: &str, path: &str, line: usize) -> Diagnostic {
        let at = Position { line, column: 1 };
        Diagnostic {
            id: id.into(),
            name: "n".into(),
            severity: Severity::Warning,
            message: format!("on line {line}"),
            path: path.into(),
            span: Span::default(),
            start: at,
            end: at,
            help: None,
            url: None,
            fix: None,
        }
    }

    #[test]
    fn the_line_and_message_do_not_matter_whitespace_neither() {
        let a = [diag("MOD001", "go.mod", 3)];
        let b = [diag("MOD001", "go.mod", 40)];
        let fa = fingerprints(&a, |_| "require  example.com/a\tv1.0.0");
        let fb = fingerprints(&b, |_| "require example.com/a\n  v1.0.0 ");
        assert_eq!(fa, fb);
        assert!(fa[0].ends_with(":1"), "{fa:?}");
        assert_eq!(fa[0].len(), 16 + 2);
    }

    #[test]
    fn rule_path_and_text_each_change_it_and_repeats_are_counted() {
        let ds = [
            diag("MOD001", "go.mod", 1),
            diag("MOD002", "go.mod", 1),
            diag("MOD001", "a/go.mod", 1),
            diag("MOD001", "go.mod", 9),
        ];
        let f = fingerprints(&ds, |d| if d.start.line == 9 { "x" } else { "y" });
        let hashes: Vec<&str> = f.iter().map(|s| &s[..16]).collect();
        for (i, a) in hashes.iter().enumerate() {
            for b in &hashes[i + 1..] {
                assert_ne!(a, b, "{f:?}");
            }
        }
        let same = [diag("MOD007", "go.mod", 5), diag("MOD007", "go.mod", 6)];
        let f = fingerprints(&same, |_| "example.com/a");
        assert_eq!(f[0][..16], f[1][..16]);
        assert_eq!((&f[0][17..], &f[1][17..]), ("1", "2"));
    }
}
