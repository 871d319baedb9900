//! The fast parser (`block`) against the saphyr path (`build`): wherever it takes a text,
//! it must build the same tree, errors and scalar zones. Checked on every YAML file of
//! the corpus, on CRLF and mutated versions of them, and on generated documents.

use std::path::{Path, PathBuf};

use super::fast_path_difference;
use crate::document::{decode, Encoding, SourceText};

/// What the fast parser did with a text.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Fast,
    Bailed,
}

/// Run both parsers on `text`; a difference is recorded in `failures`.
fn compare(name: &str, text: &str, failures: &mut Vec<String>) -> Outcome {
    let source = SourceText::new(name, text.to_owned(), Encoding::Utf8);
    match fast_path_difference(&source) {
        None => Outcome::Bailed,
        Some(None) => Outcome::Fast,
        Some(Some(difference)) => {
            failures.push(format!("{name}: {difference}\n--- text:\n{text}\n---"));
            Outcome::Fast
        }
    }
}

fn assert_no_failures(failures: &[String]) {
    if failures.is_empty() {
        return;
    }
    for failure in failures.iter().take(5) {
        eprintln!("{failure}\n");
    }
    panic!(
        "the fast parser differs from saphyr's on {} texts",
        failures.len()
    );
}

/// Every `.yml`/`.yaml` file under the corpus's CI folders, decoded, sorted by path.
fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files: Vec<(String, String)> = Vec::new();
    for sub in ["workflows", "azure", "gitlab"] {
        let dir = root.join(sub);
        if !dir.is_dir() {
            assert!(
                std::env::var_os("CI").is_none(),
                "the corpus is missing: {}",
                dir.display()
            );
            continue;
        }
        let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
            .collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("read a corpus file");
            if let Ok((text, _)) = decode(&bytes) {
                let name = path
                    .strip_prefix(&root)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                files.push((name, text));
            }
        }
    }
    files
}

#[test]
fn corpus_files_take_the_fast_path_and_build_the_same_tree() {
    let files = corpus();
    if files.is_empty() {
        eprintln!("skipped: no corpus");
        return;
    }
    let mut failures = Vec::new();
    let mut fast = 0;
    let mut workflows = (0, 0);
    let mut bailed = Vec::new();
    for (name, text) in &files {
        let outcome = compare(name, text, &mut failures);
        if outcome == Outcome::Fast {
            fast += 1;
        } else {
            bailed.push(name.as_str());
        }
        if name.starts_with("workflows/starter") {
            workflows.0 += usize::from(outcome == Outcome::Fast);
            workflows.1 += 1;
        }
        // The same file with CRLF line ends takes the same path.
        if !text.contains('\r') {
            let crlf = text.replace('\n', "\r\n");
            let crlf_outcome = compare(&format!("{name} (CRLF)"), &crlf, &mut failures);
            assert_eq!(crlf_outcome, outcome, "{name}: CRLF changes the path");
        }
    }
    eprintln!(
        "fast path: {fast} of {} corpus files ({} of {} starter workflows); left to saphyr: {}",
        files.len(),
        workflows.0,
        workflows.1,
        bailed.len()
    );
    for name in bailed.iter().take(40) {
        eprintln!("  saphyr: {name}");
    }
    assert_no_failures(&failures);
    // Real workflows are the fast parser's reason to be: nearly all must take it.
    assert!(
        workflows.0 * 100 >= workflows.1 * 95,
        "only {} of {} starter workflows take the fast path",
        workflows.0,
        workflows.1
    );
    assert!(
        fast * 100 >= files.len() * 85,
        "only {fast} of {} corpus files take the fast path",
        files.len()
    );
}

/// A cheap deterministic generator (xorshift), so runs are repeatable without a crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Small edits that break or bend YAML where it is most fragile: at line starts, after
/// colons and dashes, inside scalars.
const INSERTS: &[&str] = &[
    "#", " #", ":", ": ", "- ", "\"", "'", "\t", " ", "  ", "|", ">", "[", "]", "{", "}", ",",
    "&a ", "*a", "!", "? ", "---\n", "\n", "\r", "x", "\\", "é", "|-\n", ">+\n",
];

/// Mutated versions of `text`: truncated at a line, a byte deleted, a line indented or
/// dedented, a string inserted.
fn mutations(text: &str, rng: &mut Rng, count: usize) -> Vec<String> {
    let lines: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let boundary = |at: usize| {
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let line = lines[rng.below(lines.len())];
        let at = if text.is_empty() {
            0
        } else {
            boundary(rng.below(text.len() + 1))
        };
        let mutated = match rng.below(6) {
            0 => text[..line].to_owned(),
            1 if at < text.len() => {
                let next =
                    boundary(at + 1).max(at + text[at..].chars().next().map_or(0, char::len_utf8));
                format!("{}{}", &text[..at], &text[next..])
            }
            2 => format!("{}  {}", &text[..line], &text[line..]),
            3 if text[line..].starts_with(' ') => format!("{}{}", &text[..line], &text[line + 1..]),
            4 => format!("{}{}{}", &text[..line], rng.pick(INSERTS), &text[line..]),
            _ => format!("{}{}{}", &text[..at], rng.pick(INSERTS), &text[at..]),
        };
        out.push(mutated);
    }
    out
}

#[test]
fn mutated_corpus_files_build_the_same_tree_or_go_to_saphyr() {
    let files = corpus();
    let mut failures = Vec::new();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut fast, mut total) = (0, 0);
    for (name, text) in &files {
        for (i, mutated) in mutations(text, &mut rng, 12).iter().enumerate() {
            total += 1;
            if compare(&format!("{name} #{i}"), mutated, &mut failures) == Outcome::Fast {
                fast += 1;
            }
        }
        // A byte order mark left in the text (one decode strips) is saphyr's.
        let bom = format!("\u{FEFF}{text}");
        assert_eq!(compare(name, &bom, &mut failures), Outcome::Bailed);
    }
    eprintln!("mutations: {fast} of {total} took the fast path");
    assert_no_failures(&failures);
}

/// Not a check: `cargo test --lib where_the_fast_path_gives_up -- --ignored --nocapture`
/// prints, for each corpus file left to saphyr, the first line whose prefix is.
#[test]
#[ignore]
fn where_the_fast_path_gives_up() {
    for (name, text) in corpus() {
        let source = SourceText::new(&name, text.clone(), Encoding::Utf8);
        if fast_path_difference(&source).is_some() {
            continue;
        }
        let mut end = 0;
        let mut line = 0;
        for l in text.split_inclusive('\n') {
            end += l.len();
            line += 1;
            let s = SourceText::new(&name, text[..end].to_owned(), Encoding::Utf8);
            if fast_path_difference(&s).is_none() {
                eprintln!("{name}:{line}: {}", l.trim_end());
                break;
            }
        }
    }
}
