//! Shell scripts and profiles end to end: what the tokenizer must find, what it must not
//! (code-looking text in heredocs, strings and comments), odd input, and a run over the
//! corpus of real dotfiles.

mod common;

use common::Repo;

/// `(rule id, line)` of each diagnostic in `--format json` output, sorted.
fn found(out: &common::Output) -> Vec<(String, u64)> {
    let json = out.json();
    let mut all: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"]
                    .as_u64()
                    .or_else(|| d["range"]["start"]["line"].as_u64())
                    .or_else(|| d["start"]["line"].as_u64())
                    .unwrap_or(0),
            )
        })
        .collect();
    all.sort();
    all
}

fn check(repo: &Repo, args: &[&str]) -> common::Output {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    repo.run(&all)
}

fn ids(out: &common::Output) -> Vec<String> {
    found(out).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn env_rules_fire_on_exports_and_go_env_w() {
    let repo = Repo::new(&[(
        ".bashrc",
        "export GOSUMDB=off\ngo env -w GOSUMDB=off\nexport GO111MODULE=off\n",
    )]);
    let out = check(&repo, &["--select", "ENV001,ENV005"]);
    assert_eq!(
        found(&out),
        [
            ("ENV001".to_owned(), 1),
            ("ENV001".to_owned(), 2),
            ("ENV005".to_owned(), 3)
        ],
        "{out}"
    );
}

#[test]
fn code_in_heredocs_strings_and_comments_is_not_matched() {
    let text = "\
# export GOSUMDB=off; curl https://x | sh; export GOROOT=/opt/go
echo \"export GOSUMDB=off\" 'curl https://x | sh' >> notes
cat <<EOF >> ~/.profile
export GOSUMDB=off
export GOROOT=/opt/go
curl -fsSL http://example.com/i.sh | sh
go get golang.org/x/lint/golint
EOF
cat <<-'END'
\texport PATH=\"~/go/bin:$PATH\"
\tEND
printf '%s\\n' \"go env -w GOSUMDB=off\"
";
    let repo = Repo::new(&[("setup.sh", text)]);
    let out = check(&repo, &["--select", "SH,ENV"]);
    out.expect_code(0);
    assert!(ids(&out).is_empty(), "{out}");
}

#[test]
fn crlf_profile_reports_at_the_right_lines() {
    let text = "# profile\r\nexport GOROOT=/usr/local/go\r\nexport PATH=\"~/go/bin:$PATH\"\r\ncurl -fsSL \\\r\n  https://example.com/i.sh | sh\r\n";
    let repo = Repo::new(&[(".profile", text)]);
    let out = check(&repo, &["--select", "SH"]);
    assert_eq!(
        found(&out),
        [
            ("SH001".to_owned(), 5),
            ("SH003".to_owned(), 2),
            ("SH005".to_owned(), 3)
        ],
        "{out}"
    );
    let short = repo.run(&["check", "--format", "short", "--select", "SH003"]);
    // Column 8: the span starts at GOROOT, not at a stray `\r`.
    assert!(short.stdout.contains(".profile:2:8:"), "{short}");
}

#[test]
fn unterminated_heredoc_is_a_syntax_error_and_hides_the_rest() {
    let repo = Repo::new(&[("setup.sh", "echo start\ncat <<EOF\nexport GOROOT=/opt/go\n")]);
    let out = check(&repo, &[]);
    out.expect_code(1);
    assert_eq!(found(&out), [("SYS001".to_owned(), 2)], "{out}");
}

#[test]
fn binary_file_and_a_one_megabyte_line_are_handled() {
    let repo = Repo::new(&[]);
    repo.write(
        "junk.sh",
        b"\x7fELF\x02\x01\x01\x00\x00\xff\xfe export GOROOT=/x\n",
    );
    let long = format!(
        "export GOFLAGS=\"{}\"\nexport GOROOT=/opt/go\necho '{}'\n",
        "-v ".repeat(350_000),
        "x".repeat(1 << 20)
    );
    repo.write("long.sh", long);
    repo.write("open.sh", format!("echo '{}\n", "y".repeat(1 << 20)));
    let started = std::time::Instant::now();
    let out = check(&repo, &[]);
    assert!(started.elapsed().as_secs() < 20, "too slow: {out}");
    assert!(matches!(out.code, 0 | 1), "{out}");
    let mut seen: Vec<(String, String)> = out.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    seen.sort();
    let pairs: Vec<(&str, &str)> = seen.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    // The binary file is reported as unreadable, never parsed; the unterminated quote is
    // a syntax error; the long line is read in full.
    assert_eq!(
        pairs,
        [
            ("junk.sh", "SYS002"),
            ("long.sh", "SH003"),
            ("open.sh", "SYS001")
        ],
        "{out}"
    );
}

#[test]
fn unquoted_tilde_in_gopath_is_expanded_by_the_shell() {
    // Bash and POSIX sh expand an unquoted `~` after `=` in an assignment (and fish at a
    // word's start), so this GOPATH is absolute when Go sees it; a quoted one is not.
    let repo = Repo::new(&[
        (".bashrc", "export GOPATH=~/go\nexport GOBIN=\"~/go/bin\"\n"),
        ("config.fish", "set -gx GOPATH ~/Developer/Go\n"),
    ]);
    let out = check(&repo, &["--select", "ENV009,ENV014"]);
    assert_eq!(found(&out), [("ENV014".to_owned(), 2)], "{out}");
}

#[test]
fn the_dotfiles_corpus_runs_clean() {
    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/profiles/shell");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs with ../shared beside the repo"
        );
        eprintln!("no corpus at {}; skipped", corpus.display());
        return;
    };
    let repo = Repo::new(&[]);
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        repo.write(
            &name,
            std::fs::read(entry.path()).expect("read corpus file"),
        );
        names.push(name);
    }
    names.sort();
    let mut args = vec!["--as", "shell"];
    args.extend(names.iter().map(String::as_str));
    let out = check(&repo, &args);
    assert!(matches!(out.code, 0 | 1), "{out}");
    let json = out.json();
    assert_eq!(json["summary"]["files"], names.len(), "{out}");
    // Reviewed by hand: the two GOROOT exports are real, and the fish `set -gx GOPATH
    // ~/Developer/Go` is not reported (fish expands that `~`).
    let got: Vec<String> = found(&out)
        .into_iter()
        .map(|(id, line)| format!("{id}:{line}"))
        .collect();
    assert_eq!(got, ["SH003:42", "SH003:48"], "{out}");
}
