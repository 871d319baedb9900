//! examples/: every built-in rule fires somewhere under it, and nothing fires in
//! examples/clean.

use std::collections::BTreeSet;
use std::process::Command;

fn gopolicy(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .expect("gopolicy runs");
    (
        String::from_utf8(out.stdout).expect("utf-8 output"),
        out.status.code().unwrap_or(-1),
    )
}

fn ids(json: &str, field: &str, list: Option<&str>) -> BTreeSet<String> {
    let value: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    let items = match list {
        Some(key) => value[key].as_array().cloned(),
        None => value.as_array().cloned(),
    };
    items
        .expect("a list")
        .iter()
        .map(|d| d[field].as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn every_builtin_rule_fires_in_the_examples() {
    let (rules, code) = gopolicy(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let all = ids(&rules, "id", None);
    assert!(all.len() >= 18, "{all:?}");

    let (report, code) = gopolicy(&["check", "examples", "--format", "json"]);
    assert_eq!(code, 1, "the examples have errors");
    let mut fired = ids(&report, "code", Some("diagnostics"));
    // Machine rules fire on the saved machines (all but the healthy linux.json).
    for machine in ["windows", "windows-legacy", "macos", "wsl"] {
        let snapshot = format!("examples/machines/{machine}.json");
        let (report, _) = gopolicy(&["check", "--facts", &snapshot, "--format", "json"]);
        fired.extend(ids(&report, "code", Some("diagnostics")));
    }
    let silent: Vec<&String> = all.difference(&fired).collect();
    assert!(
        silent.is_empty(),
        "rules that fire nowhere in examples/: {silent:?}"
    );
}

#[test]
fn nothing_fires_on_the_healthy_machine() {
    let (report, code) = gopolicy(&[
        "check",
        "--facts",
        "examples/machines/linux.json",
        "--format",
        "json",
    ]);
    let fired = ids(&report, "code", Some("diagnostics"));
    assert!(fired.is_empty(), "{report}");
    assert_eq!(code, 0);
}

#[test]
fn nothing_fires_in_the_clean_example() {
    let (report, code) = gopolicy(&["check", "examples/clean", "--format", "json"]);
    let fired = ids(&report, "code", Some("diagnostics"));
    assert!(fired.is_empty(), "{report}");
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(value["summary"]["files"], 1);
}
