//! The whole CLI over real files: the go.mod/go.work corpus (1,180 files from Go's own
//! tests) and examples/. The JSON output validates against the schema, and the syntax
//! errors reported are exactly the files a real go rejected, at the same lines.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn check_json(path: &str) -> (serde_json::Value, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
        .args(["check", path, "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("gopolicy runs");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (json, out.status.code().unwrap_or(-1))
}

#[test]
fn the_corpus_is_checked_and_syntax_errors_match_go() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gomod");
    if !corpus.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs with ../shared beside the repo"
        );
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    }
    let (report, code) = check_json("../shared/corpus/gomod/cmd-go");
    assert_eq!(code, 1, "the corpus has files go rejects");
    common::assert_valid_report(&report);
    assert_eq!(report["summary"]["files"], 1180);

    // What go1.27.3 said of each cmd-go file: "go.mod:LINE: message".
    let verdicts = std::fs::read_to_string(corpus.join("go-verdicts.tsv")).unwrap();
    let expected: BTreeMap<String, usize> = verdicts
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let (file, verdict, error) = (cols.next()?, cols.next()?, cols.next()?);
            let name = file.strip_prefix("cmd-go/")?;
            let line = error.split(':').nth(1)?.parse().ok()?;
            (verdict == "error").then(|| (name.to_owned(), line))
        })
        .collect();
    let mut got = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        if d["code"] == "SYS001" {
            let path = d["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_owned();
            got.entry(name)
                .or_insert(d["start"]["line"].as_u64().unwrap() as usize);
        }
    }
    assert_eq!(got, expected);
}

#[test]
fn the_examples_report_validates_against_the_schema() {
    let (report, code) = check_json("examples");
    assert_eq!(code, 1);
    common::assert_valid_report(&report);
    assert!(report["diagnostics"].as_array().unwrap().len() > 20);
}
