//! The built-in rules' regexes, compiled to DFAs when gopolicy is built (see build.rs):
//! compiling them at run time was nearly half the instructions of a pre-commit run on one
//! file. A DFA answers `is_match`, and finds a fix's `substitute` match; captures and
//! replacements that name groups still take the regex crate, compiled on first use.

use std::ops::Range;

use regex_automata::dfa::{self, dense, Automaton};
use regex_automata::Input;

include!(concat!(env!("OUT_DIR"), "/regex_table.rs"));

/// A DFA read in place from the binary.
type Dfa = dense::DFA<&'static [u32]>;

/// A dense DFA's bytes are read in place as `u32`s, so they must be aligned as `u32`s.
#[repr(C, align(4))]
struct Aligned<T: ?Sized>(T);

/// A built-in pattern's DFAs: forward, and reverse for a `substitute` pattern.
#[derive(Clone, Debug)]
pub struct Precompiled {
    forward: Dfa,
    reverse: Option<Dfa>,
}

/// The DFAs built for `pattern`, if it is a built-in rule's with its default params.
pub fn lookup(pattern: &str) -> Option<Precompiled> {
    let at = PRECOMPILED
        .binary_search_by(|(p, _, _)| (*p).cmp(pattern))
        .ok()?;
    let (_, forward, reverse) = PRECOMPILED[at];
    Some(Precompiled {
        forward: load(forward)?,
        reverse: load(reverse),
    })
}

fn load(bytes: &'static [u8]) -> Option<Dfa> {
    // SAFETY: `from_bytes_unchecked` trusts the transitions to name real states. These
    // bytes are no input: build.rs wrote them with `to_bytes_*` for this target's byte
    // order, and Cargo resolves the build script's regex-automata and ours to one version
    // (one per semver-compatible series), whose format version and byte order the header
    // check still verifies, with the bytes' alignment. A test loads every stored DFA with
    // the checked `from_bytes`, whose walk over every transition, at every start, cost
    // more than compiling the regexes did (sparse DFAs, measured: 5.7 M instructions for
    // the 9 a one-file check loads; unchecked: 28 k). A DFA that was not built is stored
    // empty, and fails the header check.
    let (dfa, _) = unsafe { dense::DFA::from_bytes_unchecked(bytes) }.ok()?;
    Some(dfa)
}

impl Precompiled {
    /// Does the pattern match anywhere in `haystack`, as `regex::Regex::is_match` says?
    /// `None` when the DFA cannot tell: it stops at a non-ASCII byte next to a Unicode
    /// `\b`.
    pub fn is_match(&self, haystack: &str) -> Option<bool> {
        let input = Input::new(haystack).earliest(true);
        let found = self.forward.try_search_fwd(&input).ok()?;
        Some(found.is_some())
    }

    /// The leftmost-first match, as `regex::Regex::find` gives it; `None` when the DFA
    /// cannot tell, or the pattern has no reverse DFA.
    pub fn find(&self, haystack: &str) -> Option<Option<Range<usize>>> {
        let re =
            dfa::regex::Builder::new().build_from_dfas(self.forward.clone(), self.reverse.clone()?);
        let found = re.try_search(&Input::new(haystack)).ok()?;
        Some(found.map(|m| m.range()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::predicate::LazyRegex;
    use crate::rule::registry;

    /// The regex crate as `compile_shared` builds it: the answers a DFA must give.
    fn reference(pattern: &str) -> ::regex::Regex {
        ::regex::RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .build()
            .expect("built-in regexes compile")
    }

    /// Every regex a built-in rule compiles with its default params is in the table:
    /// build.rs found it, and substituted the params as the rule compiler does.
    #[test]
    fn every_builtin_regex_is_precompiled() {
        let mut seen = 0;
        for source in registry::builtin().unwrap() {
            let params = source.params_with(&Default::default()).unwrap();
            let rule = source.compile(params).unwrap();
            let mut patterns = Vec::new();
            let predicates = rule.checks.iter().filter_map(|c| c.assert.as_ref());
            let whens = rule.fix_commands.iter().filter_map(|c| c.when.as_ref());
            predicates
                .chain(whens)
                .for_each(|p| p.patterns(&mut patterns));
            let substitutes = rule.fix_edits.iter().flat_map(|e| e.patterns());
            for pattern in patterns.into_iter().chain(substitutes) {
                let known = PRECOMPILED.binary_search_by(|(p, _, _)| (*p).cmp(pattern));
                assert!(
                    known.is_ok(),
                    "{}: {pattern:?} is not in the table",
                    rule.id
                );
                seen += 1;
            }
        }
        assert!(seen > 50, "only {seen} regexes found");
    }

    /// Tiny deterministic generator (xorshift64*): the same strings on every run.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
        }
    }

    /// Pieces to build haystacks from: the pattern's literal runs and each of its
    /// characters, ASCII, line ends, and non-ASCII text that Unicode classes, case folding
    /// (the Kelvin sign is a `k`) and word boundaries treat differently from ASCII.
    fn pieces(pattern: &str) -> Vec<String> {
        let mut pieces: Vec<String> = pattern.chars().map(String::from).collect();
        let mut run = String::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(e) if e.is_ascii_punctuation() => run.push(e),
                    _ => pieces.push(std::mem::take(&mut run)),
                },
                '^' | '$' | '.' | '|' | '?' | '*' | '+' | '(' | ')' | '[' | ']' | '{' | '}' => {
                    pieces.push(std::mem::take(&mut run))
                }
                c => run.push(c),
            }
        }
        pieces.push(run);
        let extra = [
            " ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            "a",
            "Z",
            "0",
            "9",
            "_",
            "-",
            "/",
            "\\",
            ":",
            ";",
            "=",
            "$",
            "\"",
            "'",
            "é",
            "\u{212a}",
            "ſ",
            "☃",
            "β",
            "\u{a0}",
            "\u{2028}",
            "İ",
            "ß",
            "\u{1f600}",
            "go",
            "get",
            "http://",
            "v1.2.3",
        ];
        pieces.extend(extra.iter().map(|s| s.to_string()));
        pieces.retain(|p| !p.is_empty());
        pieces
    }

    /// The rules' own test inputs: whole, by line and by word.
    fn test_inputs() -> Vec<String> {
        fn strings(value: &toml::Value, out: &mut Vec<String>) {
            match value {
                toml::Value::String(s) => {
                    out.push(s.clone());
                    out.extend(s.lines().map(str::to_owned));
                    out.extend(s.split_whitespace().map(str::to_owned));
                }
                toml::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
                toml::Value::Table(t) => t.values().for_each(|v| strings(v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for rule in registry::BUILTIN_RULES {
            let table: toml::Table = rule.text.parse().unwrap();
            if let Some(tests) = table.get("test") {
                strings(tests, &mut out);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// A DFA that answers agrees with the regex crate (`is_match`, and `find` for a
    /// `substitute` pattern); where it cannot answer, `LazyRegex` still gives the regex
    /// crate's answer.
    #[test]
    fn dfas_answer_as_the_regex_crate_does() {
        let inputs = test_inputs();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut asked, mut unanswered) = (0, 0);
        for (pattern, forward, reverse) in PRECOMPILED {
            if forward.is_empty() {
                continue; // Too large a DFA: compiled at run time.
            }
            let dfa = lookup(pattern).expect("a stored DFA loads");
            // What makes `load`'s unchecked load sound.
            assert!(dense::DFA::from_bytes(forward).is_ok(), "{pattern:?}");
            if !reverse.is_empty() {
                assert!(dense::DFA::from_bytes(reverse).is_ok(), "{pattern:?}");
            }
            let regex = reference(pattern);
            let lazy = LazyRegex::new(pattern.to_string(), 0..0);
            let pieces = pieces(pattern);
            let generated = (0..2000).map(|_| {
                let n = rng.below(12);
                (0..n)
                    .map(|_| {
                        let piece = &pieces[rng.below(pieces.len())];
                        match rng.below(4) {
                            0 => piece.to_uppercase(),
                            _ => piece.clone(),
                        }
                    })
                    .collect::<String>()
            });
            for haystack in inputs.iter().cloned().chain(generated) {
                let want = regex.is_match(&haystack);
                match dfa.is_match(&haystack) {
                    Some(got) => assert_eq!(got, want, "{pattern:?} on {haystack:?}"),
                    None => unanswered += 1,
                }
                assert_eq!(
                    lazy.is_match(&haystack),
                    Some(want),
                    "{pattern:?} on {haystack:?}"
                );
                if !reverse.is_empty() {
                    let want = regex.find(&haystack).map(|m| m.range());
                    if let Some(got) = dfa.find(&haystack) {
                        assert_eq!(got, want, "{pattern:?} on {haystack:?}");
                    }
                    for with in ["X", "", "<$$>", "${1}-$0"] {
                        let want = regex.replace(&haystack, with);
                        assert_eq!(lazy.replace(&haystack, with).as_deref(), Some(&*want));
                    }
                }
                asked += 1;
            }
        }
        assert!(
            unanswered < asked / 10,
            "{unanswered} of {asked} unanswered"
        );
    }

    /// A Unicode `\b` next to non-ASCII text: the DFA cannot tell, and the regex crate
    /// answers (`é` is a word character, so there is no boundary before `Bypass`).
    #[test]
    fn unicode_word_boundaries_fall_back_to_the_regex_crate() {
        let pattern = r"(?i)\b(Bypass|Unrestricted)\b";
        let dfa = lookup(pattern).expect("a built-in pattern");
        assert_eq!(dfa.is_match("-ExecutionPolicy Bypass"), Some(true));
        assert_eq!(dfa.is_match("éBypass"), None);
        let lazy = LazyRegex::new(pattern.to_string(), 0..0);
        assert_eq!(lazy.is_match("éBypass"), Some(false));
        assert_eq!(lazy.is_match("é Bypass"), Some(true));
        assert_eq!(lazy.is_match("-ExecutionPolicy Bypass"), Some(true));
    }

    /// Patterns that are not built-in ones (a user's, or a built-in with other params)
    /// have no DFA and compile as before, errors included.
    #[test]
    fn other_patterns_take_the_regex_crate() {
        assert!(lookup("^registry$").is_none());
        let lazy = LazyRegex::new("^regis(try$".to_string(), 0..0);
        assert_eq!(lazy.is_match("registry"), None);
        assert!(lazy.compiled().is_err());
        let lazy = LazyRegex::new("^regis+try$".to_string(), 0..0);
        assert_eq!(lazy.is_match("regisstry"), Some(true));
    }
}
