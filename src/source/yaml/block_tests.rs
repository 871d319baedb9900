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

#[test]
fn the_fast_path_takes_what_ci_files_use_and_leaves_the_rest_to_saphyr() {
    let takes = [
        "",
        "# only a comment\n",
        "on: push\n",
        "on:\r\n  push:\r\n    branches: [ main ]\r\n",
        "steps:\n- uses: a@v1\n  with:\n    go: '1.22'\n- run: |\n    go test ./...\n",
        "a: b\n  c\n\n  d\n",
        "a: >-\n  x\n\n   y\n  z\n",
        "a: |2+\n    x\n\n",
        "k: 'it''s'\nq: \"\\u00e9\\t\"\n",
        "os: [ubuntu-latest, windows-latest]\nm: {a: 1, b: [c]}\n",
        "---\na: 1\n---\nb: 2\n",
        "a: 1\na: 2\n",
        "a:\nb: # empty\n",
        "- - x\n  - y\n-\n",
        "fullwidth: \u{FF01}\u{FFFD}\n",
    ];
    let leaves = [
        "a: &x 1\nb: *x\n",
        "<<: {a: 1}\n",
        "a: !!str 1\n",
        "rules: !reference [a, b]\n",
        "? a\n: b\n",
        "a: 1\n...\n",
        "a:\n\t- b\n",
        "a: [\n  b]\n",
        "a: \"x\n  y\"\n",
        "\u{FEFF}a: 1\n",
        "a: b\u{FEFF}\n",
        "a: b\0c\n",
        "a: b: c\n",
        "just a scalar\n",
        "a: 1\rb: 2\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: {{ b }}\n",
        // Found by the fuzz target: saphyr rejects a flow word `-` before `]`; a tab
        // inside a flow is white space to skip.
        "o~o- d: [l_ -]",
        "a: [\tb, c]\n",
    ];
    let mut failures = Vec::new();
    for text in takes {
        assert_eq!(
            compare(text, text, &mut failures),
            Outcome::Fast,
            "{text:?}"
        );
    }
    for text in leaves {
        assert_eq!(
            compare(text, text, &mut failures),
            Outcome::Bailed,
            "{text:?}"
        );
    }
    assert_no_failures(&failures);
}

#[test]
fn duplicate_keys_in_maps_big_enough_to_be_hashed_match_saphyr() {
    let keys: Vec<String> = (0..40).map(|i| format!("k{i}: {i}")).collect();
    let block = format!("{}\nk3: again\nk39: again\nk40: new\n", keys.join("\n"));
    let flow = format!("m: {{{}, k0: again, k17: again}}\n", keys.join(", "));
    let mut failures = Vec::new();
    for text in [block, flow] {
        assert_eq!(compare("big", &text, &mut failures), Outcome::Fast);
        let doc = super::parse(
            SourceText::new("big", text.clone(), Encoding::Utf8),
            crate::document::Target::GithubWorkflow,
        );
        assert_eq!(doc.errors.len(), 2, "{:?}", doc.errors);
    }
    assert_no_failures(&failures);
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
        for (i, mutated) in mutations(text, &mut rng, 40).iter().enumerate() {
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

/// Random block YAML from a small grammar: maps, sequences (compact, indentless,
/// nested), every scalar style, flows, comments and blank lines, with indentation that
/// is sometimes off, so that both valid and broken documents come out.
struct Generator {
    rng: Rng,
    out: String,
    keys: usize,
}

const WORDS: &[&str] = &[
    "a",
    "b",
    "run",
    "on",
    "push",
    "x y",
    "a:b",
    "a #b",
    "a#b",
    "http://x:80/p",
    "-x",
    "?x",
    ":x",
    "a\tb",
    "é ü",
    "~",
    "null",
    "0x1F",
    "1.5",
    "true",
    "x: y",
    "${{ a.b }}",
    "a,b",
    "[x]",
    "{x}",
    "x]",
    "--flag=1",
    "\"x\"",
    "'x'",
    "-",
    "<<",
    "a\u{2028}b",
    "%x",
    "@x",
];
const QUOTED: &[&str] = &[
    "\"\"",
    "''",
    "\"a b\"",
    "'it''s'",
    "\"tab\\tnl\\n\"",
    "\"\\x41\\u00e9\\U0001F600\"",
    "\"bad\\q\"",
    "\"\\ud800\"",
    "'#not'",
    "\"a\" # c",
    "'unclosed",
    "\"a\"b",
    "\"a\"#c",
    "\"a  \"",
    "\"\\\"\\\\\\/\\0\\_\\N\"",
];
const FLOWS: &[&str] = &[
    "[]",
    "[ ]",
    "{}",
    "[a, b]",
    "[ main ]",
    "{ a: 1 }",
    "{a: 1, b: [c, d]}",
    "[a, ]",
    "[[a], {b: c}]",
    "['a', \"b\"]",
    "{a: 1, a: 2}",
    "[a b, c]",
    "[a: b]",
    "{a}",
    "[a,",
    "[-1, -x]",
    "[a #c]",
    "{ \"k\": v }",
    "[a]: b",
    "{x: y}  # c",
    "[a -]",
    "[a - b]",
    "[\tb, c]",
    "[a,\tb]",
];
const HEADERS: &[&str] = &[
    "|", ">", "|-", ">-", "|+", ">+", "|2", ">1", "|-2", "|2+", "| # c", ">0", "|x", "|  ",
];

impl Generator {
    fn choose(&mut self, items: &[&str]) -> String {
        self.rng.pick(items).to_owned()
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.rng.below(100) < percent
    }

    fn indent(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    /// Blank lines, comment lines and stray spaces between entries.
    fn filler(&mut self, indent: usize) {
        while self.chance(15) {
            let n = indent.saturating_sub(2) + self.rng.below(5);
            self.indent(n);
            if self.chance(50) {
                self.out.push_str("# note: x");
            }
            self.out.push('\n');
        }
    }

    fn key(&mut self) -> String {
        self.keys += 1;
        match self.rng.below(10) {
            0 => self.choose(WORDS),
            1 => self.choose(&[
                "\"k\"", "'k k'", "\"on\"", "k ", "[k]", "? k", "&a k", "k\t",
            ]),
            2 => "dup".to_owned(),
            _ => format!("k{}", self.keys),
        }
    }

    /// A value after `key:` or `- ` on the same line, then the line's end.
    fn inline_value(&mut self, indent: usize, depth: usize) {
        match self.rng.below(12) {
            0..=3 => {
                let word = self.choose(WORDS);
                self.out.push_str(&word);
                // A multi-line plain scalar, its lines indented anyhow.
                while self.chance(15) {
                    self.out.push('\n');
                    if self.chance(30) {
                        self.out.push('\n');
                    }
                    let n = indent + self.rng.below(4);
                    self.indent(n);
                    let word = self.choose(WORDS);
                    self.out.push_str(&word);
                }
            }
            4 | 5 => {
                let quoted = self.choose(QUOTED);
                self.out.push_str(&quoted);
            }
            6 | 7 => {
                let flow = self.choose(FLOWS);
                self.out.push_str(&flow);
            }
            8 | 9 => return self.block_scalar(indent),
            10 if depth < 6 => {
                // A compact map: `- key: value`, further keys under the first.
                let col = indent + 2;
                self.entry(col, depth + 1);
                while self.chance(50) {
                    self.filler(col);
                    self.indent(col);
                    self.entry(col, depth + 1);
                }
                return;
            }
            _ => {}
        }
        if self.chance(10) {
            self.out.push_str(" # trailing");
        }
        if self.chance(5) {
            self.out.push_str("  ");
        }
        self.out.push('\n');
    }

    fn block_scalar(&mut self, indent: usize) {
        let header = self.choose(HEADERS);
        self.out.push_str(&header);
        self.out.push('\n');
        let base = indent + 1 + self.rng.below(3);
        for _ in 0..self.rng.below(5) {
            match self.rng.below(6) {
                0 => {}
                1 => {
                    let n = self.rng.below(base + 3);
                    self.indent(n);
                }
                2 => {
                    self.indent(base + 2);
                    self.out.push_str("more  ");
                }
                3 => {
                    self.indent(base);
                    self.out.push_str("# text, not a comment");
                }
                _ => {
                    self.indent(base);
                    let word = self.choose(WORDS);
                    self.out.push_str(&word);
                }
            }
            self.out.push('\n');
        }
    }

    /// `key: value` at the current position (indentation written), in a map at `col`.
    fn entry(&mut self, col: usize, depth: usize) {
        let key = self.key();
        self.out.push_str(&key);
        self.out.push(':');
        match self.rng.below(8) {
            0 => self.out.push('\n'),
            1 | 2 if depth < 6 => {
                self.out.push('\n');
                let inner = col + 1 + self.rng.below(4);
                self.block(inner, depth + 1);
            }
            3 if depth < 6 => {
                self.out.push('\n');
                self.sequence(col, depth + 1);
            }
            _ => {
                self.out.push(' ');
                self.inline_value(col, depth);
            }
        }
    }

    fn map(&mut self, col: usize, depth: usize) {
        for _ in 0..1 + self.rng.below(4) {
            self.filler(col);
            let n = if self.chance(3) { col + 1 } else { col };
            self.indent(n);
            self.entry(col, depth);
        }
    }

    fn sequence(&mut self, col: usize, depth: usize) {
        for _ in 0..1 + self.rng.below(4) {
            self.filler(col);
            self.indent(col);
            match self.rng.below(8) {
                0 => self.out.push_str("-\n"),
                1 if depth < 6 => {
                    self.out.push_str("-\n");
                    let inner = col + 1 + self.rng.below(3);
                    self.block(inner, depth + 1);
                }
                2 if depth < 6 => {
                    self.out.push_str("- ");
                    self.sequence_inline(col + 2, depth + 1);
                }
                _ => {
                    self.out.push_str("- ");
                    self.inline_value(col, depth);
                }
            }
        }
    }

    /// `- - x`: a sequence that starts on its parent's `- ` line.
    fn sequence_inline(&mut self, col: usize, depth: usize) {
        self.out.push_str("- ");
        self.inline_value(col, depth);
        if self.chance(40) {
            self.indent(col);
            self.out.push_str("- ");
            self.inline_value(col, depth);
        }
    }

    fn block(&mut self, col: usize, depth: usize) {
        if self.chance(30) {
            self.sequence(col, depth);
        } else {
            self.map(col, depth);
        }
    }

    fn document(&mut self) -> String {
        self.out.clear();
        self.keys = 0;
        if self.chance(10) {
            self.out.push_str("---\n");
        }
        let col = if self.chance(5) { 2 } else { 0 };
        self.block(col, 0);
        if self.chance(10) {
            self.out.push_str("---\n");
            self.block(0, 0);
        }
        let mut text = std::mem::take(&mut self.out);
        if self.chance(20) {
            text = text.replace('\n', "\r\n");
        }
        if self.chance(20) {
            text.pop();
        }
        text
    }
}

#[test]
fn generated_documents_build_the_same_tree_or_go_to_saphyr() {
    let mut generator = Generator {
        rng: Rng(0x2545_F491_4F6C_DD1D),
        out: String::new(),
        keys: 0,
    };
    let mut failures = Vec::new();
    let (mut fast, total) = (0, 30_000);
    for i in 0..total {
        let text = generator.document();
        if compare(&format!("generated #{i}"), &text, &mut failures) == Outcome::Fast {
            fast += 1;
        }
    }
    eprintln!("generated: {fast} of {total} took the fast path");
    assert_no_failures(&failures);
    // The grammar is mostly valid YAML: a fast path that bails on everything would pass
    // the comparison vacuously.
    assert!(
        fast * 100 >= total * 20,
        "only {fast} of {total} took the fast path"
    );
}
