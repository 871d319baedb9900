//! `check --format json` output against schema/report.schema.json.

mod common;

use common::{report_schema, schema_violations, with_pack, Output, Repo};
use serde_json::Value;

/// A repository whose check reports a user rule's error and warning, a syntax error, a
/// binary file, a missing path and an unused suppression.
fn mixed_run() -> Output {
    let repo = Repo::new(&with_pack(&[
        // POL001 (error) and ORG001 (warning).
        ("app/go.mod", "module example.com/app\n\ngo 1.20\n"),
        // SYS001: a second module line.
        (
            "broken/go.mod",
            "module corp.example/a\nmodule corp.example/b\n",
        ),
        // SYS004: suppresses nothing.
        (
            "clean/go.mod",
            "module corp.example/c\n\ngo 1.22 // gopolicy:ignore POL001 not needed\n",
        ),
    ]));
    repo.write("bin/go.mod", b"module x\x00\x00\x00\n");
    let out = repo.check(&["--format", "json", ".", "missing"]);
    out.expect_code(1);
    out
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    let schema = report_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("the schema does not follow its meta-schema: {e}");
    }
}

#[test]
fn a_mixed_report_follows_the_schema() {
    let out = mixed_run();
    let report = out.json();
    let problems = schema_violations(&report_schema(), &report);
    assert!(problems.is_empty(), "{}\n{out}", problems.join("\n"));

    // The run really produced every kind of diagnostic the schema has to describe.
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect();
    for code in ["POL001", "ORG001", "SYS001", "SYS002", "SYS004"] {
        assert!(codes.contains(&code), "no {code} in {codes:?}\n{out}");
    }
    assert_eq!(
        codes.iter().filter(|c| **c == "SYS002").count(),
        2,
        "the binary file and the missing path\n{out}"
    );
}

#[test]
fn the_summary_counts_match_the_diagnostics() {
    let out = mixed_run();
    let report = out.json();
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let count = |severity: &str| {
        diagnostics
            .iter()
            .filter(|d| d["severity"] == severity)
            .count()
    };
    assert_eq!(report["summary"]["errors"], count("error"), "{out}");
    assert_eq!(report["summary"]["warnings"], count("warning"), "{out}");
    assert_eq!(report["summary"]["infos"], count("info"), "{out}");
    // app, bin, broken, clean: the missing path is not a file.
    assert_eq!(report["summary"]["files"], 4, "{out}");
    assert_eq!(report["version"], 1, "{out}");
    assert_eq!(report["tool"]["name"], "gopolicy", "{out}");
}

#[test]
fn a_clean_report_follows_the_schema() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module corp.example/m\n\ngo 1.22\n",
    )]));
    let out = repo.check(&["--format", "json"]);
    out.expect_code(0);
    let report = out.json();
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{out}");
    let problems = schema_violations(&report_schema(), &report);
    assert!(problems.is_empty(), "{}\n{out}", problems.join("\n"));
}

#[test]
fn the_schema_rejects_tampered_reports() {
    let schema = report_schema();
    let report = mixed_run().json();
    assert!(schema_violations(&schema, &report).is_empty());

    let tamper = |change: &dyn Fn(&mut Value)| {
        let mut copy = report.clone();
        change(&mut copy);
        copy
    };
    let cases: Vec<(&str, Value)> = vec![
        (
            "a diagnostic without code",
            tamper(&|r| {
                r["diagnostics"][0]
                    .as_object_mut()
                    .expect("object")
                    .remove("code");
            }),
        ),
        (
            "an unknown field in a diagnostic",
            tamper(&|r| r["diagnostics"][0]["column"] = 3.into()),
        ),
        (
            "an unknown top-level field",
            tamper(&|r| r["generated_at"] = "2024-01-01".into()),
        ),
        (
            "a severity outside the enum",
            tamper(&|r| r["diagnostics"][0]["severity"] = "fatal".into()),
        ),
        (
            "line 0",
            tamper(&|r| r["diagnostics"][0]["start"]["line"] = 0.into()),
        ),
        (
            "a negative offset",
            tamper(&|r| r["diagnostics"][0]["end"]["offset"] = (-1).into()),
        ),
        (
            "a fix that is not null",
            tamper(&|r| r["diagnostics"][0]["fix"] = serde_json::json!({})),
        ),
        (
            "help missing",
            tamper(&|r| {
                r["diagnostics"][0]
                    .as_object_mut()
                    .expect("object")
                    .remove("help");
            }),
        ),
        ("version 2", tamper(&|r| r["version"] = 2.into())),
        (
            "summary without files",
            tamper(&|r| {
                r["summary"]
                    .as_object_mut()
                    .expect("object")
                    .remove("files");
            }),
        ),
    ];
    for (what, instance) in cases {
        assert!(
            !schema_violations(&schema, &instance).is_empty(),
            "the schema accepts {what}"
        );
    }
}

#[test]
fn statistics_follow_the_schema() {
    let repo = Repo::new(&with_pack(&[
        ("a/go.mod", "module example.com/a\n\ngo 1.20\n"),
        ("b/go.mod", "module example.com/b\n\ngo 1.22\n"),
    ]));
    let out = repo.check(&["--format", "json", "--statistics"]);
    out.expect_code(1);
    let report = out.json();
    let problems = schema_violations(&report_schema(), &report);
    assert!(problems.is_empty(), "{}\n{out}", problems.join("\n"));
    assert_eq!(report["statistics"][0]["code"], "ORG001", "{out}");
    assert_eq!(report["statistics"][0]["count"], 2, "{out}");
    let mut tampered = report.clone();
    tampered["statistics"][0]["count"] = 0.into();
    assert!(!schema_violations(&report_schema(), &tampered).is_empty());
}
