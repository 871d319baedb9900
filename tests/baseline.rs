//! `check --write-baseline` and `check --baseline`, end to end: findings survive edits
//! elsewhere in the file, new ones are reported, gone ones are counted as stale.

mod common;

use common::{go_mod, with_pack, Repo};

const BASELINE: &str = "gopolicy-baseline.json";

/// The repository: one go.mod whose go line is too old (POL001).
fn repo() -> Repo {
    Repo::new(&with_pack(&[(
        "go.mod",
        &go_mod("corp.example/app", "1.20"),
    )]))
}

fn entries(repo: &Repo) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(repo.path().join(BASELINE)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["version"], 1);
    json["findings"].as_array().unwrap().clone()
}

#[test]
fn a_baseline_hides_known_findings_after_edits_and_reports_new_and_stale_ones() {
    let repo = repo();
    repo.check(&["--format", "short"]).expect_code(1);

    let out = repo.check(&["--write-baseline", BASELINE]);
    out.expect_code(0);
    assert_eq!(out.stdout, "", "{out}");
    assert!(
        out.stderr.contains("wrote 1 finding to the baseline"),
        "{out}"
    );
    assert_eq!(
        entries(&repo),
        [serde_json::json!({"path": "go.mod", "rule": "POL001", "text": "1.20", "occurrence": 1})]
    );

    // Lines above the finding: it moves from line 3 to line 6, and stays known.
    repo.write(
        "go.mod",
        "// The app.\n// Owned by the platform team.\n\nmodule corp.example/app\n\ngo 1.20\n",
    );
    let out = repo.check(&["--format", "short", "--baseline", BASELINE]);
    out.expect_code(0);
    assert_eq!(out.stdout, "", "{out}");
    assert!(
        out.stderr
            .contains("1 known finding hidden, 0 entries no longer found"),
        "{out}"
    );

    // A new problem in another module: only it is reported.
    repo.write("tools/go.mod", go_mod("corp.example/tools", "1.19"));
    let out = repo.check(&["--format", "short", "--baseline", BASELINE]);
    out.expect_code(1);
    assert_eq!(
        out.stdout, "tools/go.mod:3:4: error[POL001] go 1.19 is below 1.21\n",
        "{out}"
    );

    // The known problem fixed: its entry is stale, and counted.
    repo.write("go.mod", go_mod("corp.example/app", "1.22"));
    let out = repo.check(&["--format", "short", "--baseline", BASELINE]);
    out.expect_code(1);
    assert_eq!(out.short_ids(), ["POL001"], "{out}");
    assert!(
        out.stderr
            .contains("0 known findings hidden, 1 entry no longer found"),
        "{out}"
    );
    // --statistics lists it.
    let out = repo.check(&["--format", "short", "--statistics", "--baseline", BASELINE]);
    out.expect_code(1);
    assert!(
        out.stderr.contains("stale: go.mod: POL001 #1 `1.20`"),
        "{out}"
    );
}

#[test]
fn the_same_finding_twice_is_two_entries() {
    // Two go.mod files cannot share a path, so repeat a finding inside one file: a rule
    // on each require line, and two equal require lines.
    let rule = r#"id = "DUP001"
name = "any-require"
severity = "error"
target = "go.mod"
summary = "A require line"
message = "require {value}"
references = ["https://go.dev/ref/mod#go-mod-file-require"]
docs = """
## What it checks
x
## Why it matters
x
## When it does not apply
x
## Fix safety
x
"""

[[check]]
select = "require[*].path"
assert = { equals = "none" }
"#;
    let one = "module m\n\ngo 1.22\n\nrequire example.com/a v1.0.0\n";
    let repo = Repo::new(&[("dup/dup.toml", rule), ("go.mod", one)]);
    let check = |args: &[&str]| {
        let mut all = vec![
            "check", "--rules", "dup", "--select", "DUP", "--format", "short",
        ];
        all.extend_from_slice(args);
        repo.run(&all)
    };
    check(&["--write-baseline", BASELINE]).expect_code(0);
    // The same require again (go.mod allows repeats): one of the two is new.
    repo.write("go.mod", format!("{one}require example.com/a v1.0.0\n"));
    let out = check(&["--baseline", BASELINE]);
    out.expect_code(1);
    assert_eq!(out.short_ids(), ["DUP001"], "{out}");
}

#[test]
fn paths_are_relative_to_the_baseline_not_to_where_gopolicy_runs() {
    let repo = repo();
    repo.write("sub/go.mod", go_mod("corp.example/sub", "1.19"));
    repo.check(&["--write-baseline", BASELINE]).expect_code(0);
    let paths: Vec<String> = entries(&repo)
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths, ["go.mod", "sub/go.mod"]);

    // From the subfolder, checking only it: its finding is known, and the root's entry
    // (a file this run did not read) is not called stale.
    let out = repo.run_in(
        "sub",
        &[
            "check",
            "--rules",
            "../policy",
            "--select",
            "POL",
            "--format",
            "short",
            "--baseline",
            "../gopolicy-baseline.json",
            ".",
        ],
    );
    out.expect_code(0);
    assert_eq!(out.stdout, "", "{out}");
    assert!(
        out.stderr
            .contains("1 known finding hidden, 0 entries no longer found"),
        "{out}"
    );
}

#[test]
fn json_output_stays_json_with_a_baseline() {
    let repo = repo();
    repo.check(&["--write-baseline", BASELINE]).expect_code(0);
    let out = repo.check(&["--format", "json", "--baseline", BASELINE]);
    out.expect_code(0);
    assert_eq!(out.json()["diagnostics"], serde_json::json!([]), "{out}");
}

#[test]
fn a_bad_baseline_is_an_error_naming_the_file() {
    let repo = repo();
    let cases = [
        ("not json", "not valid JSON"),
        (
            r#"{"version": 9, "tool": "gopolicy", "findings": []}"#,
            "version 9 is not supported",
        ),
        (
            r#"{"version": 1, "tool": "gopolicy", "findings": [{"path": 3}]}"#,
            "not a gopolicy baseline",
        ),
    ];
    for (text, expected) in cases {
        repo.write(BASELINE, text);
        let out = repo.check(&["--baseline", BASELINE]);
        out.expect_code(2);
        assert!(out.stderr.contains(BASELINE), "{out}");
        assert!(out.stderr.contains(expected), "{out}");
    }
    let out = repo.check(&["--baseline", "missing.json"]);
    out.expect_code(2);
    assert!(out.stderr.contains("missing.json"), "{out}");
    let out = repo.check(&["--baseline", BASELINE, "--write-baseline", BASELINE]);
    out.expect_code(2);
    assert!(out.stderr.contains("cannot be used with"), "{out}");
}
