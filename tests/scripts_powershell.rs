//! PowerShell and cmd scripts end to end: encodings, tricks that must not match, the
//! environment rules on script assignments, bad input, and the real-profile corpus.

mod common;

use common::Repo;
use gopolicy::document::Encoding;

/// (code, path, line, column) of each diagnostic of a `check --format json` run.
fn diags(json: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    json["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["path"].as_str().unwrap().to_owned(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn codes(json: &serde_json::Value) -> Vec<String> {
    diags(json).into_iter().map(|d| d.0).collect()
}

#[test]
fn utf16le_and_utf8_bom_profiles_report_at_the_right_lines() {
    let text = "# profile\r\n$env:GOPATH = 'C:\\go'\r\nset GOPROXY=direct\r\n";
    let repo = Repo::new(&[]);
    repo.write("le/profile.ps1", Encoding::Utf16Le.encode(text));
    repo.write("bom/profile.ps1", Encoding::Utf8Bom.encode(text));
    repo.write(
        "bom/setup.cmd",
        Encoding::Utf8Bom.encode("@echo off\r\nset GOPATH = C:\\go\r\n"),
    );
    let out = repo.run(&["check", "--format", "json", "."]);
    out.expect_code(1);
    let mut found = diags(&out.json());
    found.sort();
    assert_eq!(
        found,
        [
            ("CMD001".into(), "bom/setup.cmd".into(), 2, 5),
            ("PS001".into(), "bom/profile.ps1".into(), 3, 1),
            ("PS001".into(), "le/profile.ps1".into(), 3, 1),
        ],
        "{out}"
    );
}

#[test]
fn tricks_do_not_match() {
    let profile = concat!(
        "$doc = @'\n$env:GOSUMDB = 'off'\nset GOPROXY=direct\n'@\n",
        "$doc2 = @\"\nset GOFLAGS=-mod=mod $(Get-Date)\n\"@\n",
        "# $env:GOSUMDB = 'off'\n",
        "<# set GOPROXY=direct\n$env:GOSUMDB = 'off' #>\n",
        "Get-Foo -set X=1\n",
        "Write-Host 'set GOPROXY=direct' \"export GOPATH=/go\"\n",
        "$s = 'irm https://x | iex'\n",
    );
    let batch = "rem set GOPATH = C:\\go\r\n:: $env:GOBIN = 1\r\necho set GOPATH = x\r\n";
    let repo = Repo::new(&[("profile.ps1", profile), ("setup.bat", batch)]);
    let out = repo.run(&["check", "--format", "json", "."]);
    out.expect_code(0);
    assert!(codes(&out.json()).is_empty(), "{out}");
}

#[test]
fn a_suppression_above_a_block_comment_covers_the_code_after_it() {
    // The lines inside `<# … #>` are comment, not the code the suppression is for.
    let profile =
        "# gopolicy:ignore PS001 kept for a test\n<#\n  set GOPROXY=off\n#>\nset GOPROXY=direct\n";
    let repo = Repo::new(&[("profile.ps1", profile)]);
    let out = repo.run(&["check", "--format", "json", "."]);
    out.expect_code(0);
    assert!(codes(&out.json()).is_empty(), "{out}");
}

#[test]
fn environment_rules_see_script_assignments() {
    let profile = "$env:GOSUMDB = 'off'\ngo env -w GOSUMDB=off\n[Environment]::SetEnvironmentVariable('GO111MODULE', 'yes', 'User')\n";
    let batch = "set GOSUMDB=off\r\nsetx GOSUMDB off\r\n";
    let repo = Repo::new(&[("profile.ps1", profile), ("setup.cmd", batch)]);
    let out = repo.run(&["check", "--format", "json", "."]);
    let mut found: Vec<(String, String, u64)> = diags(&out.json())
        .into_iter()
        .map(|d| (d.0, d.1, d.2))
        .collect();
    found.sort();
    let want: Vec<(String, String, u64)> = [
        ("ENV001", "profile.ps1", 1),
        ("ENV001", "profile.ps1", 2),
        ("ENV001", "setup.cmd", 1),
        ("ENV001", "setup.cmd", 2),
        ("ENV004", "profile.ps1", 3),
    ]
    .iter()
    .map(|(c, p, l)| (c.to_string(), p.to_string(), *l))
    .collect();
    assert_eq!(found, want, "{out}");
}

#[test]
fn suppressions_work_in_scripts() {
    let profile = "# gopolicy:ignore PS001 kept for a test\nset GOPROXY=direct\n";
    let batch = "REM gopolicy:ignore CMD001 kept for a test\r\nset GOPATH = C:\\go\r\n";
    let repo = Repo::new(&[("profile.ps1", profile), ("setup.cmd", batch)]);
    let out = repo.run(&["check", "--format", "json", "."]);
    out.expect_code(0);
    assert!(codes(&out.json()).is_empty(), "{out}");
}

#[test]
fn bad_input_gets_a_clear_result() {
    let repo = Repo::new(&[("unterminated.ps1", "Write-Host hi\n$x = @'\nno end\n")]);
    repo.write("binary.ps1", b"\x00\x01\x02junk\xff");
    repo.write("odd.ps1", [0xFF, 0xFE, b'a', 0x00, b'b']);
    let long = format!("$env:GOFLAGS = '{}'\n", "x".repeat(1 << 20));
    repo.write("long/profile.ps1", &long);
    let out = repo.run(&[
        "check",
        "--format",
        "json",
        "--config",
        "/dev/null",
        "unterminated.ps1",
        "binary.ps1",
        "odd.ps1",
    ]);
    assert!(matches!(out.code, 0 | 1), "{out}");
    let found = diags(&out.json());
    assert!(
        found.contains(&("SYS001".into(), "unterminated.ps1".into(), 2, 6)),
        "{out}"
    );
    assert!(
        found.iter().any(|d| d.0 == "SYS002" && d.1 == "binary.ps1"),
        "{out}"
    );
    assert!(
        found.iter().any(|d| d.0 == "SYS002" && d.1 == "odd.ps1"),
        "{out}"
    );
    let out = repo.run(&["check", "--format", "json", "long"]);
    assert!(matches!(out.code, 0 | 1), "{out}");
}

#[test]
fn real_profiles_parse_without_errors() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/profiles/powershell");
    if !corpus.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs with ../shared beside the repo"
        );
        eprintln!("no corpus at {}; skipped", corpus.display());
        return;
    }
    let out = common::gopolicy(
        &corpus,
        &["check", "--as", "powershell", "--format", "json", "."],
    );
    assert!(matches!(out.code, 0 | 1), "{out}");
    let json = out.json();
    assert!(json["summary"]["files"].as_u64().unwrap() >= 20, "{out}");
    let found = diags(&json);
    assert!(!found.iter().any(|d| d.0.starts_with("SYS")), "{out}");
    // Reviewed by hand: one profile pipes Invoke-WebRequest output to Invoke-Expression
    // five times, and one runs `[scriptblock]::Create((Invoke-RestMethod ...))` twice.
    let ours: Vec<_> = found
        .iter()
        .filter(|d| d.0.starts_with("PS"))
        .map(|d| (d.0.as_str(), d.1.as_str(), d.2))
        .collect();
    assert_eq!(
        ours.len(),
        ours.iter().filter(|d| d.0 == "PS003").count(),
        "{ours:?}"
    );
}
