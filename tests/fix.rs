//! `check --fix`, `--unsafe-fixes`, `--diff`: what is written, byte for byte, and what
//! is never written.

mod common;

use common::Repo;

const WORKFLOW: &str = ".github/workflows/ci.yml";

/// A workflow with a safe fix (GHA004: drop the go-version-file setup-go ignores) and an
/// unsafe one (GHA001: quote a version read as a number), written with `eol` line
/// endings, with or without a final newline.
fn workflow(eol: &str, final_newline: bool) -> (String, String, String) {
    let lines = |version: &str, with_file: bool| {
        let mut lines = vec![
            "on: [push]".to_owned(),
            "jobs:".to_owned(),
            "  build:".to_owned(),
            "    runs-on: ubuntu-latest".to_owned(),
            "    steps:".to_owned(),
            "      - uses: actions/setup-go@v6".to_owned(),
            "        with:".to_owned(),
            format!("          go-version: {version}"),
        ];
        if with_file {
            lines.push("          go-version-file: go.mod".to_owned());
        }
        lines.push("      - run: go test ./... # é".to_owned());
        let mut text = lines.join(eol);
        if final_newline {
            text.push_str(eol);
        }
        text
    };
    (
        lines("1.20", true),
        lines("1.20", false),
        lines("'1.20'", false),
    )
}

fn encode(text: &str, encoding: &str) -> Vec<u8> {
    match encoding {
        "utf-8" => text.as_bytes().to_vec(),
        "utf-8-bom" => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        "utf-16le" => std::iter::once(0xFEFF)
            .chain(text.encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect(),
        "utf-16be" => std::iter::once(0xFEFF)
            .chain(text.encode_utf16())
            .flat_map(u16::to_be_bytes)
            .collect(),
        _ => unreachable!(),
    }
}

fn read(repo: &Repo, path: &str) -> Vec<u8> {
    std::fs::read(repo.path().join(path)).unwrap()
}

#[test]
fn fixes_keep_encoding_line_endings_and_final_newline() {
    for encoding in ["utf-8", "utf-8-bom", "utf-16le", "utf-16be"] {
        for eol in ["\n", "\r\n"] {
            for final_newline in [true, false] {
                let (before, safe, all) = workflow(eol, final_newline);
                let repo = Repo::new(&[]);
                repo.write(WORKFLOW, encode(&before, encoding));
                let case = format!("{encoding}, {eol:?}, final newline {final_newline}");

                repo.run(&["check", "--fix", "--format", "short"]);
                assert_eq!(read(&repo, WORKFLOW), encode(&safe, encoding), "{case}");

                repo.run(&["check", "--fix", "--unsafe-fixes", "--format", "short"])
                    .expect_code(0);
                assert_eq!(read(&repo, WORKFLOW), encode(&all, encoding), "{case}");
            }
        }
    }
}

#[test]
fn mixed_line_endings_are_kept_where_no_edit_touches_them() {
    let before = "on: [push]\r\njobs:\n  build:\r\n    runs-on: ubuntu-latest\n    steps:\r\n      - uses: actions/setup-go@v6\n        with:\r\n          go-version: '1.24'\n          go-version-file: go.mod\r\n          cache: true\n";
    let after = "on: [push]\r\njobs:\n  build:\r\n    runs-on: ubuntu-latest\n    steps:\r\n      - uses: actions/setup-go@v6\n        with:\r\n          go-version: '1.24'\n          cache: true\n";
    let repo = Repo::new(&[(WORKFLOW, before)]);
    repo.run(&["check", "--fix"]).expect_code(0);
    assert_eq!(String::from_utf8(read(&repo, WORKFLOW)).unwrap(), after);
}

#[test]
fn safe_fixes_only_unless_asked_and_a_second_run_changes_nothing() {
    let (before, safe, all) = workflow("\n", true);
    let repo = Repo::new(&[(WORKFLOW, &before)]);
    let first = repo.run(&["check", "--fix", "--show-fixes", "--format", "short"]);
    // GHA001 (unsafe) is still reported; its fix was not applied.
    first.expect_code(1);
    assert_eq!(first.short_ids(), ["GHA001"], "{first}");
    assert!(
        first
            .stderr
            .contains("fixed .github/workflows/ci.yml: GHA004"),
        "{first}"
    );
    assert_eq!(read(&repo, WORKFLOW), safe.as_bytes());

    let second = repo.run(&["check", "--fix", "--format", "short"]);
    assert!(!second.stderr.contains("fixed"), "{second}");
    assert_eq!(read(&repo, WORKFLOW), safe.as_bytes());

    repo.run(&["check", "--fix", "--unsafe-fixes"])
        .expect_code(0);
    assert_eq!(read(&repo, WORKFLOW), all.as_bytes());
    let modified = std::fs::metadata(repo.path().join(WORKFLOW))
        .unwrap()
        .modified()
        .unwrap();
    let again = repo.run(&["check", "--fix", "--unsafe-fixes"]);
    again.expect_code(0);
    assert_eq!(read(&repo, WORKFLOW), all.as_bytes());
    // Nothing to fix: the file is not even rewritten.
    let now = std::fs::metadata(repo.path().join(WORKFLOW))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(modified, now);
}

#[test]
fn diff_shows_every_change_and_writes_nothing() {
    let (before, _, _) = workflow("\n", true);
    let repo = Repo::new(&[(WORKFLOW, &before)]);
    let out = repo.run(&["check", "--diff", "--unsafe-fixes"]);
    out.expect_code(1);
    assert_eq!(read(&repo, WORKFLOW), before.as_bytes());
    assert!(
        out.stdout
            .starts_with("--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n"),
        "{out}"
    );
    assert!(
        out.stdout.contains("\n-          go-version: 1.20\n"),
        "{out}"
    );
    assert!(
        out.stdout.contains("\n+          go-version: '1.20'\n"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("\n-          go-version-file: go.mod\n"),
        "{out}"
    );
    assert!(
        out.stderr.contains("would fix 2 findings in 1 file"),
        "{out}"
    );

    // Nothing to change: no diff, exit 0.
    let clean = Repo::new(&[("go.mod", "module example.com/m\n\ngo 1.22.0\n")]);
    let out = clean.run(&["check", "--diff"]);
    out.expect_code(0);
    assert_eq!(out.stdout, "", "{out}");
}

#[test]
fn unsafe_fixes_need_fix_or_diff() {
    let repo = Repo::new(&[("go.mod", "module example.com/m\n\ngo 1.22.0\n")]);
    let out = repo.run(&["check", "--unsafe-fixes"]);
    out.expect_code(2);
    assert!(out.stderr.contains("--fix"), "{out}");
}

#[test]
fn fixes_in_several_files_and_rounds() {
    // Two go.mod problems on one line cannot both be fixed at once; the go.work is fixed
    // in the same run. Every file that was fixed is written once.
    let repo = Repo::new(&[
        (
            "go.mod",
            "module example.com/m\n\ngo 1.22.0\n\ntoolchain go1.21.0 // gopolicy:ignore MOD001\n",
        ),
        ("go.work", "go 1.22.0\n\nuse .\nuse .\n"),
    ]);
    let out = repo.run(&["check", "--fix", "--format", "short"]);
    out.expect_code(0);
    assert_eq!(
        read(&repo, "go.mod"),
        b"module example.com/m\n\ngo 1.22.0\n\n"
    );
    assert_eq!(read(&repo, "go.work"), b"go 1.22.0\n\nuse .\n");
}

#[test]
fn json_carries_the_edits() {
    let (before, _, _) = workflow("\r\n", true);
    let repo = Repo::new(&[(WORKFLOW, &before)]);
    let json = repo.run(&["check", "--format", "json"]).json();
    let quote = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "GHA001")
        .expect("GHA001 reported");
    let edit = &quote["fix"]["edits"][0];
    assert_eq!(quote["fix"]["applicability"], "unsafe");
    assert_eq!(edit["replacement"], "'1.20'");
    assert_eq!(edit["start"]["line"], 8);
    assert_eq!(edit["start"]["column"], 23);
    let start = edit["start"]["offset"].as_u64().unwrap() as usize;
    let end = edit["end"]["offset"].as_u64().unwrap() as usize;
    assert_eq!(&before[start..end], "1.20");
}

/// `check m --fix` with a rule pack of one go.mod rule, USR001, that flags `select` and
/// whose safe fix is `edit`.
fn fix_with_user_rule(select: &str, edit: &str) -> (Repo, common::Output) {
    let pack = format!(
        "id = \"USR001\"\nname = \"user-rule\"\nseverity = \"warning\"\ntarget = \"go.mod\"\n\
         summary = \"s\"\nmessage = \"m\"\nreferences = [\"https://go.dev/ref/mod\"]\n\n\
         [fix]\napplicability = \"safe\"\ntitle = \"t\"\nedit = [{edit}]\n\n\
         [[check]]\nselect = \"{select}\"\nassert = {{ equals = \"never\" }}\n"
    );
    let repo = Repo::new(&[
        ("pack/user-rule.toml", &pack),
        ("m/go.mod", "module example.com/m\n\ngo 1.22.0\n"),
    ]);
    let out = repo.run(&[
        "check",
        "m",
        "--rules",
        "pack",
        "--select",
        "USR",
        "--fix",
        "--fail-on",
        "warning",
        "--format",
        "short",
    ]);
    (repo, out)
}

#[test]
fn a_fix_that_would_break_the_syntax_is_not_applied() {
    let (repo, out) = fix_with_user_rule("go", r#"{ replace = "1.22 (" }"#);
    out.expect_code(1);
    assert_eq!(
        read(&repo, "m/go.mod"),
        b"module example.com/m\n\ngo 1.22.0\n"
    );
    assert!(
        out.stderr
            .contains("the fix of USR001 would give m/go.mod a syntax error"),
        "{out}"
    );
    assert_eq!(out.short_ids(), ["USR001"], "{out}");
}

#[test]
fn fixes_that_never_settle_stop_after_a_bounded_number_of_rounds() {
    // Each round appends to the module path, and the finding stays.
    let (repo, out) = fix_with_user_rule("module.path", r#"{ replace = "{value}x" }"#);
    out.expect_code(1);
    assert!(
        out.stderr.contains("did not settle after 10 rounds"),
        "{out}"
    );
    let text = String::from_utf8(read(&repo, "m/go.mod")).unwrap();
    assert!(text.starts_with("module example.com/mxxxxxxxxx"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_original_intact() {
    // A full disk: a 16 KiB tmpfs, filled up, holding the file to fix.
    let repo = Repo::new(&[]);
    let disk = repo.mkdir("disk");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs"])
        .arg(&disk)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!(
            "SKIPPED: cannot mount a tmpfs here (needs root); the full-disk fault is not tested"
        );
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(disk.clone());
    let before = "module example.com/m\n\ngo 1.22.0\n\ntoolchain go1.21.0\n";
    std::fs::write(disk.join("go.mod"), before).unwrap();
    // Fill the rest of the disk.
    let filler = vec![b'x'; 4096];
    let mut file = std::fs::File::create(disk.join("filler")).unwrap();
    while std::io::Write::write_all(&mut file, &filler).is_ok() {}
    drop(file);
    let out = repo.run(&["check", "disk/go.mod", "--fix"]);
    out.expect_code(2);
    assert!(out.stderr.contains("cannot write"), "{out}");
    assert_eq!(
        std::fs::read_to_string(disk.join("go.mod")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(&disk)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with(".gopolicy-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_is_fixed_through_its_link() {
    let repo = Repo::new(&[(
        "shared/go.mod",
        "module example.com/m\n\ngo 1.22.0\n\ntoolchain go1.22.0\n",
    )]);
    repo.mkdir("m");
    std::os::unix::fs::symlink(
        repo.path().join("shared/go.mod"),
        repo.path().join("m/go.mod"),
    )
    .unwrap();
    repo.run(&["check", "m/go.mod", "--fix"]).expect_code(0);
    assert_eq!(
        read(&repo, "shared/go.mod"),
        b"module example.com/m\n\ngo 1.22.0\n\n"
    );
    assert!(std::fs::symlink_metadata(repo.path().join("m/go.mod"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn the_human_report_says_which_findings_a_fix_would_repair() {
    let (before, _, _) = workflow("\n", true);
    let repo = Repo::new(&[(WORKFLOW, &before)]);
    let out = repo.run(&["check", "--no-color"]);
    assert!(
        out.stdout
            .contains("fix (unsafe, --fix --unsafe-fixes): Quote the version"),
        "{out}"
    );
    assert!(
        out.stdout
            .contains("fix (safe, --fix): Delete go-version-file"),
        "{out}"
    );
    assert!(
        out.stdout
            .ends_with("; 1 fixable with --fix; 1 more with --fix --unsafe-fixes\n"),
        "{out}"
    );
}

#[test]
fn a_template_followed_from_a_given_file_is_reported_not_fixed() {
    let steps = "steps:\n- script: go test ./...\n  env:\n    GONOSUMCHECK: example.com\n";
    let repo = Repo::new(&[
        ("go.mod", "module example.com/m\n\ngo 1.22.0\n"),
        ("azure-pipelines.yml", "steps:\n- template: eng/steps.yml\n"),
        ("eng/steps.yml", steps),
    ]);
    // Only the pipeline is given (as a pre-commit hook would): its template is checked,
    // and left alone.
    let out = repo.run(&[
        "check",
        "azure-pipelines.yml",
        "--fix",
        "--unsafe-fixes",
        "--format",
        "short",
    ]);
    assert_eq!(out.short_ids(), ["ENV006"], "{out}");
    assert_eq!(read(&repo, "eng/steps.yml"), steps.as_bytes());
    // The folder holding both is given: the template is fixed.
    repo.run(&["check", ".", "--fix", "--unsafe-fixes"])
        .expect_code(0);
    assert_eq!(
        read(&repo, "eng/steps.yml"),
        steps.replace("GONOSUMCHECK", "GONOSUMDB").as_bytes()
    );
}
