//! CI files across a repository: templates and includes followed, setup-go steps linked
//! to the go.mod their job builds, environment rules in every place a variable is set.

use std::path::Path;
use std::process::Command;

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// `check --format short` in `dir`: the output lines and the exit code.
fn check(dir: &Path, extra: &[&str]) -> (Vec<String>, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
        .args(["check", "--format", "short"])
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (
        stdout.lines().map(str::to_owned).collect(),
        out.status.code().unwrap_or(-1),
    )
}

const GO_MOD: &str = "module m\n\ngo 1.23.0\n";

#[test]
fn azure_templates_are_followed_and_checked_against_the_go_mod() {
    let dir = repo(&[
        ("go.mod", GO_MOD),
        (
            "azure-pipelines.yml",
            "stages:\n- stage: a\n  jobs:\n  - template: eng/build.yml\n  - template: x.yml@other\n",
        ),
        // Relative to the template that names it, and a cycle back to itself.
        (
            "eng/build.yml",
            "jobs:\n- job: b\n  steps:\n  - task: GoTool@0\n    inputs:\n      version: 1.22.4\n  - template: steps.yml\n  - template: build.yml\n",
        ),
        ("eng/steps.yml", "steps:\n- script: go test ./...\n  env:\n    GOSUMDB: 'off'\n"),
    ]);
    let (lines, code) = check(dir.path(), &[]);
    assert_eq!(code, 0, "warnings only: {lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("eng/build.yml:6:16: warning[AZP001]")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("eng/steps.yml:4:14: warning[ENV001]")),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 2, "{lines:?}");
}

#[test]
fn gitlab_local_includes_are_followed_and_remote_ones_are_not() {
    let dir = repo(&[
        ("go.mod", GO_MOD),
        (
            ".gitlab-ci.yml",
            "include:\n  - local: /ci/go.yml\n  - remote: https://example.com/x.yml\n  - ci/more.yml\n",
        ),
        ("ci/go.yml", "test:\n  image: golang:1.21\n  script: [go test]\n"),
        ("ci/more.yml", "vars:\n  variables:\n    GO111MODULE: 'off'\n  script: [go build]\n"),
    ]);
    let (lines, code) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ci/go.yml:2:10: error[GLC002]")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ci/more.yml:3:18: warning[ENV005]")),
        "{lines:?}"
    );
}

#[test]
fn an_included_gitlab_file_includes_from_the_project_root_too() {
    // ci/a.yml names `ci/b.yml`: from the project root, not from ci/ (ci/ci/b.yml).
    let dir = repo(&[
        (".gitlab-ci.yml", "include:\n  - local: ci/a.yml\n"),
        ("ci/a.yml", "include:\n  - local: ci/b.yml\n"),
        (
            "ci/b.yml",
            "vars:\n  variables:\n    GO111MODULE: 'off'\n  script: [go build]\n",
        ),
    ]);
    let (lines, _) = check(dir.path(), &[]);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ci/b.yml:3:18: warning[ENV005]")),
        "{lines:?}"
    );
}

#[test]
fn each_setup_go_step_is_compared_with_the_go_mod_its_job_builds() {
    let workflow = "on: push\njobs:\n  root:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: '1.23.1'\n  svc:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: svc\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: '1.23.1'\n  file:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version-file: svc/go.mod\n";
    let dir = repo(&[
        ("go.mod", GO_MOD),
        ("svc/go.mod", "module s\n\ngo 1.24.0\n"),
        (".github/workflows/ci.yml", workflow),
    ]);
    let (lines, _) = check(dir.path(), &["--select", "GHA002"]);
    // Only the svc job builds a module newer than the Go it sets up.
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(".github/workflows/ci.yml:17:23: warning[GHA002]"),
        "{lines:?}"
    );
    assert!(lines[0].contains("go 1.24.0"), "{lines:?}");
}

#[test]
fn an_environment_rule_is_reported_wherever_the_variable_is_set() {
    let dir = repo(&[
        (
            ".github/workflows/ci.yml",
            "on: push\nenv:\n  GOSUMDB: 'off'\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container:\n      image: golang\n      env:\n        GOSUMDB: 'off'\n    steps:\n      - run: go test\n        env:\n          GOSUMDB: 'off'\n",
        ),
        ("azure-pipelines.yml", "variables:\n- name: GOSUMDB\n  value: 'off'\nsteps:\n- script: go test\n"),
        (".gitlab-ci.yml", "variables:\n  GOSUMDB: 'off'\n"),
        ("action.yml", "runs:\n  using: composite\n  steps:\n    - run: go test\n      shell: bash\n      env:\n        GOSUMDB: 'off'\n"),
    ]);
    let (lines, _) = check(dir.path(), &["--select", "ENV001"]);
    let places: Vec<&str> = lines
        .iter()
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        places,
        [
            ".github/workflows/ci.yml:3:12",
            ".github/workflows/ci.yml:10:18",
            ".github/workflows/ci.yml:14:20",
            ".gitlab-ci.yml:2:12",
            "action.yml:7:18",
            "azure-pipelines.yml:3:10",
        ],
        "{lines:?}"
    );
}
