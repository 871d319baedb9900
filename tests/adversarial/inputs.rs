//! File contents: encodings, line endings, huge lines and files, YAML bombs and depth.

use super::common::Repo;
use super::{assert_peak, run, run_capped, short, TIME};

/// One small valid file of each kind gopolicy reads, by the name that makes it that kind.
const KINDS: [(&str, &str); 9] = [
    ("go.mod", "module example.com/m\n\ngo 1.22\n\nrequire golang.org/x/mod v0.20.0\n"),
    ("go.work", "go 1.22\n\nuse ./a\n"),
    (
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.22'\n      - run: go test ./...\n",
    ),
    (
        "action.yml",
        "name: a\ndescription: b\nruns:\n  using: composite\n  steps:\n    - run: go build\n      shell: bash\n",
    ),
    ("azure-pipelines.yml", "steps:\n- task: GoTool@0\n  inputs:\n    version: '1.22'\n- script: go test ./...\n"),
    (".gitlab-ci.yml", "test:\n  image: golang:1.22\n  script:\n    - go test ./...\n"),
    ("profile.ps1", "$env:GOPATH = 'C:\\go'\n$env:GOFLAGS = '-mod=mod'\n"),
    ("setup.cmd", "@echo off\nset GOPATH=C:\\go\nset GOFLAGS=-mod=mod\n"),
    ("setup.sh", "#!/bin/sh\nexport GOPATH=/go\nexport GOFLAGS=-mod=mod\n"),
];

/// A repository with one file of each kind, each with `contents(valid text)`.
fn repo_of(contents: impl Fn(&str) -> Vec<u8>) -> Repo {
    let repo = Repo::new(&[]);
    for (path, text) in KINDS {
        repo.write(path, contents(text));
    }
    repo
}

/// Every kind's file has an error diagnostic whose message contains `says`, and the
/// run fails (exit 1).
#[track_caller]
fn each_file_reported(repo: &Repo, says: &str) {
    let run = run(repo.path(), &["check", "--format", "short"], TIME);
    run.out.expect_code(1);
    let lines = short(&run);
    for (path, _) in KINDS {
        assert!(
            lines
                .iter()
                .any(|l| l.path == path && l.severity == "error" && l.message.contains(says)),
            "{path}: no error saying {says:?}\n{run}"
        );
    }
}

#[test]
fn binary_files_with_each_kinds_name_are_reported_as_binary() {
    let repo = repo_of(|_| {
        let mut elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00".to_vec();
        elf.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
        elf
    });
    each_file_reported(&repo, "binary file");
}

#[test]
fn invalid_utf8_in_each_kind_is_reported() {
    let repo = repo_of(|text| {
        let mut bytes = text.as_bytes().to_vec();
        // A Latin-1 é after the first line.
        let at = text.find('\n').unwrap() + 1;
        bytes.splice(at..at, b"# caf\xe9\n".iter().copied());
        bytes
    });
    each_file_reported(&repo, "invalid UTF-8");
}

#[test]
fn utf16_without_a_bom_in_each_kind_is_reported() {
    // Without a BOM, UTF-16 of ASCII text is every other byte NUL: a binary file.
    let repo = repo_of(|text| text.encode_utf16().flat_map(u16::to_le_bytes).collect());
    each_file_reported(&repo, "binary file");
}

#[test]
fn odd_length_utf16_in_each_kind_is_reported() {
    let repo = repo_of(|text| {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes.push(b'x');
        bytes
    });
    each_file_reported(&repo, "UTF-16");
}

#[test]
fn mixed_line_endings_give_positions_inside_the_file_in_every_format() {
    // Every line ending a file may have, in turn: CRLF, LF, a lone CR.
    let repo = repo_of(|text| {
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            out.push_str(line);
            out.push_str(["\r\n", "\n", "\r"][i % 3]);
        }
        // And a finding for the go.mod rules on the last line: an old go version.
        out.into_bytes()
    });
    repo.write("old/go.mod", "module example.com/old\r\rgo 1.10\r\n");
    for format in ["human", "short", "json"] {
        let run = run(
            repo.path(),
            &[
                "--no-color",
                "check",
                "--format",
                format,
                "--fail-on",
                "never",
            ],
            TIME,
        );
        run.out.expect_code(0);
        if format == "short" {
            for line in short(&run) {
                let text = std::fs::read_to_string(repo.path().join(&line.path)).unwrap();
                // go counts a lone CR as part of a line; so may we: never past the last line.
                let lines = text.split('\n').count();
                assert!(line.line >= 1 && line.line <= lines, "{line:?}\n{run}");
            }
        }
    }
}

#[test]
fn a_one_megabyte_line_in_each_kind_is_read_in_bounded_time_and_memory() {
    let long = "x".repeat(1 << 20);
    let repo = repo_of(|text| {
        let filler = match text.starts_with("module") || text.starts_with("go ") {
            true => format!("// {long}\n"),
            false => format!("# {long}\n"),
        };
        let mut out = text.to_owned();
        out.push_str(&filler);
        // And one that is a value, not a comment, with no final newline.
        out.push_str(&format!("echo {long}"));
        out.into_bytes()
    });
    let run = run(
        repo.path(),
        &["check", "--format", "short", "--fail-on", "never"],
        TIME,
    );
    run.out.expect_code(0);
    // The human format shows source lines: a 1 MB line must not make it slow either.
    super::run(
        repo.path(),
        &["--no-color", "check", "--fail-on", "never"],
        TIME,
    );
}

/// A workflow whose anchors each repeat the one before ten times: 10^12 nodes expanded.
fn alias_bomb() -> String {
    let mut text = String::from("on: push\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("jobs: *a11\n");
    text
}

#[test]
fn a_yaml_alias_bomb_is_an_error_in_bounded_time_and_memory() {
    let bomb = alias_bomb();
    let repo = Repo::new(&[
        (".github/workflows/bomb.yml", &bomb),
        (".gitlab-ci.yml", &bomb),
        ("azure-pipelines.yml", &bomb),
    ]);
    let run = run(repo.path(), &["check", "--format", "short"], TIME);
    run.out.expect_code(1);
    let lines = short(&run);
    for path in [
        ".github/workflows/bomb.yml",
        ".gitlab-ci.yml",
        "azure-pipelines.yml",
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.path == path && l.id == "SYS001" && l.message.contains("alias bomb")),
            "{path}\n{run}"
        );
    }
}

#[test]
fn yaml_nested_10000_deep_is_an_error_not_a_stack_overflow() {
    let flow = format!(
        "on: push\njobs: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let flow_maps = format!(
        "on: push\njobs: {}1{}\n",
        "{a: ".repeat(10_000),
        "}".repeat(10_000)
    );
    // Block sequences, compact: `- - - - x`.
    let block = format!("on: push\njobs:\n  {}x\n", "- ".repeat(10_000));
    let repo = Repo::new(&[
        (".github/workflows/flow.yml", &flow),
        (".github/workflows/maps.yml", &flow_maps),
        (".github/workflows/block.yml", &block),
        (".gitlab-ci.yml", &block),
    ]);
    let run = run(repo.path(), &["check", "--format", "short"], TIME);
    run.out.expect_code(1);
    let lines = short(&run);
    for path in [
        ".github/workflows/flow.yml",
        ".github/workflows/maps.yml",
        ".github/workflows/block.yml",
        ".gitlab-ci.yml",
    ] {
        assert!(
            lines.iter().any(|l| l.path == path && l.id == "SYS001"),
            "{path}: no syntax error\n{run}"
        );
    }
}

/// A sparse file: 100 MB long, no disk used.
fn sparse(repo: &Repo, path: &str, len: u64) {
    repo.write(path, "module example.com/m\n");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(repo.path().join(path))
        .unwrap();
    file.set_len(len).unwrap();
}

#[test]
fn a_100_mb_file_is_skipped_by_the_size_cap_with_a_diagnostic() {
    let repo = Repo::new(&[("small/go.mod", "module example.com/s\n\ngo 1.22\n")]);
    sparse(&repo, "go.mod", 100 << 20);
    sparse(&repo, ".github/workflows/big.yml", 100 << 20);
    let run = run(repo.path(), &["check", "--format", "short"], TIME);
    // A skipped file is a warning: the run does not fail on it by default.
    run.out.expect_code(0);
    let lines = short(&run);
    for path in ["go.mod", ".github/workflows/big.yml"] {
        assert!(
            lines.iter().any(|l| l.path == path
                && l.id == "SYS003"
                && l.message.contains("over the 16777216-byte limit")),
            "{path}\n{run}"
        );
    }
    assert_peak(&run, 64);
}

#[test]
fn a_100_mb_workflow_with_the_cap_raised_is_read_in_bounded_memory() {
    if std::env::var_os("GOPOLICY_BIG_TESTS").is_none() {
        eprintln!("skipped: set GOPOLICY_BIG_TESTS=1 to read a 100 MB workflow");
        return;
    }
    // One step with a 100 MB script, as a generated test list would be. (A file as large
    // made of small jobs costs about 30 times its size: linear, but not a test to run
    // in CI; see bench/README.md.)
    let mut text = String::from(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n",
    );
    let mut i = 0;
    while text.len() < 100 << 20 {
        text.push_str(&format!(
            "          go test ./pkg{i}/... -run TestThing{i}\n"
        ));
        i += 1;
    }
    let repo = Repo::new(&[("gopolicy.toml", "max_file_size = \"200MB\"\n")]);
    repo.write(".github/workflows/big.yml", &text);
    let args = ["check", "--format", "short", "--fail-on", "never"];
    // The file's text, its tree and the diagnostics: a bounded multiple of its size.
    let run = run_capped(
        super::common::command(repo.path(), &args),
        &args,
        std::time::Duration::from_secs(300),
        2000,
    );
    run.out.expect_code(0);
    assert!(
        !run.out.stdout.contains("SYS003"),
        "the file was skipped\n{run}"
    );
    eprintln!(
        "100 MB workflow: peak {} MB, {:.1?}",
        run.peak_mb, run.elapsed
    );
    // The text, its tree and the script's words: a small multiple of the file's size.
    assert_peak(&run, 1000);
}
