//! The pre-commit hooks (.pre-commit-hooks.yaml), run by the real pre-commit.
//!
//! pre-commit must be importable by `python3` (`.ci/run` installs it); without it these
//! tests are skipped outside CI and fail in CI. `try-repo` builds gopolicy from this repository with
//! `cargo install`, as users' pre-commit does: from HEAD, plus uncommitted changes to
//! tracked files, so a new file must be committed (or staged) before it is tested here.
//! Each `try-repo` compiles gopolicy in release mode (a minute or two), so those tests
//! run only in CI or with GOPOLICY_BIG_TESTS set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gopolicy::document::Target;

/// This repository, which holds .pre-commit-hooks.yaml.
fn this_repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Is pre-commit there? `None` (with a message) when it is not, outside CI.
fn pre_commit() -> Option<()> {
    let found = Command::new("python3")
        .args(["-m", "pre_commit", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(());
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "pre-commit is not installed (python3 -m pip install pre-commit)"
    );
    eprintln!("skipped: pre-commit is not installed");
    None
}

/// Run a command to its end, or kill it after `limit`; returns (success, stdout+stderr).
fn run(command: &mut Command, limit: Duration) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("output");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command:?} ran longer than {limit:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    (status.success(), std::fs::read_to_string(&log).unwrap())
}

/// A git repository in a temporary folder with these files, staged (pre-commit tells a
/// hook changed files by `git diff`).
fn git_repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let (ok, out) = run(
        Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir.path()),
        Duration::from_secs(60),
    );
    assert!(ok, "git init: {out}");
    let (ok, out) = run(
        Command::new("git")
            .args(["add", "."])
            .current_dir(dir.path()),
        Duration::from_secs(60),
    );
    assert!(ok, "git add: {out}");
    dir
}

/// Skip the slow tests (each builds gopolicy) outside CI unless asked for; `true` to run.
fn slow_tests_wanted() -> bool {
    if std::env::var_os("CI").is_none() && std::env::var_os("GOPOLICY_BIG_TESTS").is_none() {
        eprintln!("skipped: set GOPOLICY_BIG_TESTS=1 to build and run the hooks with pre-commit");
        return false;
    }
    pre_commit().is_some()
}

/// The target folder this test binary was built in: the outermost folder above it that
/// cargo tags (target/<host tuple>/debug/gopolicy -> target; both folders are tagged).
fn target_dir() -> PathBuf {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_gopolicy"));
    exe.ancestors()
        .filter(|dir| dir.join("CACHEDIR.TAG").is_file())
        .last()
        .expect("cargo tags its target folder with CACHEDIR.TAG")
        .to_path_buf()
}

/// `pre-commit try-repo <this repo> HOOK --files FILES` in `repo`.
fn try_repo(repo: &Path, hook: &str, files: &[&str]) -> (bool, String) {
    // One at a time: each `cargo install` builds from a fresh clone into the shared
    // target folder, and a build running beside it would find that clone's build-script
    // output fresh (its files are older) and compile against a clone that is gone.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut command = Command::new("python3");
    command
        .args(["-m", "pre_commit", "try-repo", "--color", "never"])
        .arg(this_repo())
        .arg(hook)
        .arg("--files")
        .args(files)
        .current_dir(repo)
        // pre-commit's `cargo install` builds in this run's target folder (its release dir),
        // so the dependencies built for the release binary are not built again.
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE");
    run(&mut command, Duration::from_secs(30 * 60))
}

#[test]
fn the_hook_fails_on_a_bad_go_mod_with_the_diagnostic_and_passes_a_good_one() {
    if !slow_tests_wanted() {
        return;
    }
    let repo = git_repo(&[
        (
            "bad/go.mod",
            "module example.com/bad\n\ngo 1.22\n\nrequires example.com/x v1.0.0\n",
        ),
        ("good/go.mod", "module example.com/good\n\ngo 1.22\n"),
        ("README.md", "not a file gopolicy reads\n"),
    ]);

    let started = Instant::now();
    let (ok, out) = try_repo(repo.path(), "gopolicy", &["bad/go.mod", "README.md"]);
    eprintln!("try-repo with the bad file took {:?}", started.elapsed());
    assert!(!ok, "the hook passed a bad go.mod\n{out}");
    assert!(out.contains("gopolicy"), "{out}");
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("error[SYS001]"), "{out}");
    assert!(out.contains("unknown directive: requires"), "{out}");
    assert!(out.contains("bad/go.mod:5:1"), "{out}");

    let started = Instant::now();
    let (ok, out) = try_repo(repo.path(), "gopolicy-go-mod", &["good/go.mod"]);
    eprintln!("try-repo with the good file took {:?}", started.elapsed());
    assert!(ok, "the hook failed on a good go.mod\n{out}");
    assert!(out.contains("Passed"), "{out}");
    assert!(!out.contains("SYS001"), "{out}");
}

#[test]
fn the_fix_hook_leaves_the_file_fixed_and_stops_the_commit() {
    if !slow_tests_wanted() {
        return;
    }
    // MOD005: a toolchain line older than the go line; its safe fix deletes the line.
    let before = "module example.com/m\n\ngo 1.22.0\n\ntoolchain go1.21.0\n";
    let repo = git_repo(&[("go.mod", before)]);
    let started = Instant::now();
    let (ok, out) = try_repo(repo.path(), "gopolicy-fix", &["go.mod"]);
    eprintln!("try-repo with the fix hook took {:?}", started.elapsed());
    // Fixed, nothing left to report, but pre-commit fails a hook that changed files.
    assert!(!ok, "{out}");
    assert!(out.contains("files were modified by this hook"), "{out}");
    assert!(!out.contains("MOD005"), "{out}");
    let after = std::fs::read_to_string(repo.path().join("go.mod")).unwrap();
    assert_eq!(after, "module example.com/m\n\ngo 1.22.0\n\n");
}

/// Which hooks' `files` and `exclude` patterns take each path, by pre-commit's own
/// reading of the manifest (Python's `re`, as pre-commit matches).
fn hooks_taking(paths: &[&str]) -> Vec<Vec<String>> {
    let script = r#"
import json, re, sys
from pre_commit.clientlib import load_manifest
hooks = load_manifest(sys.argv[1])
out = []
for path in sys.argv[2:]:
    out.append([h["id"] for h in hooks
                if re.search(h["files"], path) and not re.search(h["exclude"], path)])
print(json.dumps(out))
"#;
    let manifest = this_repo().join(".pre-commit-hooks.yaml");
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&manifest)
        .args(paths)
        .output()
        .expect("run python3");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The hook that takes one kind of file.
fn hook_for(target: Target) -> &'static str {
    match target {
        Target::GoMod | Target::GoWork => "gopolicy-go-mod",
        Target::GithubWorkflow | Target::GithubAction => "gopolicy-github",
        Target::AzurePipelines | Target::GitlabCi => "gopolicy-ci",
        Target::Powershell | Target::Cmd | Target::Shell => "gopolicy-scripts",
        other => panic!("no hook for {other:?}"),
    }
}

#[test]
fn each_hook_takes_the_files_gopolicy_reads_as_its_kind() {
    if pre_commit().is_none() {
        return;
    }
    let paths = [
        "go.mod",
        "tools/go.mod",
        "a.go.mod",
        "go.work",
        "sub/go.work",
        ".github/workflows/ci.yml",
        "svc/.github/workflows/release.yaml",
        "action.yml",
        ".github/actions/setup/action.yaml",
        "azure-pipelines.yml",
        "ci/azure-pipelines-release.yml",
        "build.azure-pipelines.yaml",
        ".pipelines/build.yml",
        ".azdo/templates/steps.yml",
        ".gitlab-ci.yml",
        "ci/deploy.gitlab-ci.yml",
        ".gitlab/ci/build.yml",
        "profile.ps1",
        "Tools.PSM1",
        "setup.cmd",
        "BUILD.BAT",
        "install.sh",
        "scripts/env.bash",
        ".zshrc",
        "home/.bashrc",
        ".config/fish/config.fish",
        ".envrc",
        // Not read by gopolicy.
        "main.go",
        "go.sum",
        "README.md",
        "config.yml",
        ".github/dependabot.yml",
        ".github/workflows/nested/x.yml",
        ".gitlab/ci/nested/x.yml",
        "docs/actions.yml",
        "shrc",
        // Skipped by the walk, and by the hooks.
        "vendor/example.com/x/go.mod",
        "internal/testdata/bad/go.mod",
    ];
    let taken = hooks_taking(&paths);
    for (path, hooks) in paths.iter().zip(&taken) {
        let skipped = path.starts_with("vendor/") || path.contains("/testdata/");
        let expected: Vec<String> = match Target::of_path(path) {
            Some(target) if !skipped => ["gopolicy", "gopolicy-fix", hook_for(target)]
                .map(String::from)
                .to_vec(),
            _ => Vec::new(),
        };
        let mut hooks = hooks.clone();
        hooks.sort();
        let mut expected = expected;
        expected.sort();
        assert_eq!(hooks, expected, "{path}");
    }
}
