//! `check --fix --unsafe-fixes` over a copy of the whole shared corpus (go.mod and
//! go.work files, workflows, Azure and GitLab pipelines, profiles): afterwards nothing
//! fixable is left, no file has a syntax error it did not have, every file that had no
//! fix is byte-identical, and a second run changes nothing.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The corpus folders, and the kind each is read as (`None`: by file name).
const FOLDERS: &[(&str, Option<&str>)] = &[
    ("gomod/cmd-go", None),
    ("gomod/xmod", None),
    ("workflows/actionlint", Some("github-workflow")),
    ("workflows/starter", Some("github-workflow")),
    ("azure", Some("azure-pipelines")),
    ("gitlab", Some("gitlab-ci")),
    ("profiles/powershell", Some("powershell")),
    ("profiles/shell", Some("shell")),
];

fn run(dir: &Path, kind: Option<&str>, extra: &[&str]) -> serde_json::Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gopolicy"));
    command.current_dir(dir).arg("check");
    if let Some(kind) = kind {
        command.args(["--as", kind]);
    }
    let out = command
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("gopolicy runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{} {extra:?}: exit {:?}\n{stderr}",
        dir.display(),
        out.status.code()
    );
    assert!(
        !stderr.contains("did not settle"),
        "{}: {stderr}",
        dir.display()
    );
    assert!(
        !stderr.contains("syntax error"),
        "{}: {stderr}",
        dir.display()
    );
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

fn diagnostics(report: &serde_json::Value) -> &Vec<serde_json::Value> {
    report["diagnostics"].as_array().expect("diagnostics")
}

fn has_edits(d: &serde_json::Value) -> bool {
    d["fix"]["edits"].as_array().is_some_and(|e| !e.is_empty())
        && d["fix"]["applicability"] != "display-only"
}

fn files_of(
    report: &serde_json::Value,
    pick: impl Fn(&serde_json::Value) -> bool,
) -> BTreeSet<String> {
    diagnostics(report)
        .iter()
        .filter(|d| pick(d))
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect()
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn fixing_the_corpus_leaves_nothing_fixable_and_breaks_nothing() {
    let Some(corpus) = common::corpus("") else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let mut fixed_files = 0;
    for (folder, kind) in FOLDERS {
        let dir = temp.path().join(folder);
        copy_tree(&corpus.join(folder), &dir);
        let before = snapshot(&dir);
        let report = run(&dir, *kind, &[]);
        let fixable = files_of(&report, has_edits);
        let broken_before = files_of(&report, |d| d["code"] == "SYS001");

        run(&dir, *kind, &["--fix", "--unsafe-fixes"]);
        let after = snapshot(&dir);
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "{folder}: files were created or removed"
        );
        for (path, bytes) in &after {
            if before[path] != *bytes {
                fixed_files += 1;
                assert!(
                    fixable.contains(&path.to_string_lossy().replace('\\', "/")),
                    "{folder}/{}: changed without a fix for it",
                    path.display()
                );
            }
        }

        let report = run(&dir, *kind, &[]);
        let left: Vec<String> = diagnostics(&report)
            .iter()
            .filter(|d| has_edits(d))
            .map(|d| format!("{} {}:{}", d["code"], d["path"], d["start"]["line"]))
            .collect();
        assert!(left.is_empty(), "{folder}: fixable findings left: {left:?}");
        let broken_after = files_of(&report, |d| d["code"] == "SYS001");
        assert!(
            broken_after.is_subset(&broken_before),
            "{folder}: fixes broke {:?}",
            broken_after.difference(&broken_before).collect::<Vec<_>>()
        );

        run(&dir, *kind, &["--fix", "--unsafe-fixes"]);
        assert!(
            after == snapshot(&dir),
            "{folder}: a second --fix changed files"
        );
    }
    // The corpus does hold fixable findings (retired actions, toolchain lines): the
    // test exercised fixes, not just clean files.
    assert!(fixed_files > 0, "no file in the corpus was fixed");
}
