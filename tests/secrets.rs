//! Token-shaped values and secret-named variables, placed where gopolicy reads them (the
//! process environment, the go env file, shell and PowerShell profiles, workflow `env:`
//! blocks and scripts in the repository), never appear in its output: not in any
//! `check` format (the formats are taken from the `Format` enum, so a new one is covered
//! as it lands), not in `facts --json`, not in `doctor`.

mod common;

use std::path::Path;
use std::process::Command;

use clap::ValueEnum;
use common::Repo;
use gopolicy::report::Format;

/// The secret values; none may be printed.
const SECRETS: [&str; 9] = [
    "ghp_R3dactMeR3dactMeR3dactMeR3dact0001",
    "github_pat_11AAAAAAA0R3dactMe_R3dactMeR3dactMeR3dactMe0002",
    "glpat-R3dactMeR3dactMe0003",
    "s3cr3t-pa55w0rd-0004",
    "hunter2-proxy-0005",
    "Bearer-abcdefgh-0006",
    "tok-in-workflow-0007",
    "ps-secret-value-0008",
    "AKIAR3DACTME00000009",
];

/// A home folder and repository holding every secret, and the environment to run in.
fn setup() -> (Repo, Vec<(String, String)>) {
    let [ghp, pat, glpat, password, proxy_pw, bearer, wf_token, ps_secret, aws] = SECRETS;
    let repo = Repo::new(&[
        ("repo/go.mod", "module example.com/m\n\ngo 1.22\n"),
        (
            "repo/.github/workflows/ci.yml",
            &format!(
                "on: push\nenv:\n  GITHUB_TOKEN: {ghp}\n  GOPROXY: https://ci:{proxy_pw}@proxy.example.com\n  MY_SECRET: {wf_token}\n  GOFLAGS: -mod=mod\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      GOPRIVATE: example.com\n      NPM_PASSWORD: {password}\n      GONOSUMDB: example.com\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.22'\n      - run: GOFLAGS=-mod=mod GITHUB_TOKEN={ghp} go build ./...\n        env:\n          GOPROXY: https://u:{proxy_pw}@proxy.example.com,direct\n          GOSUMDB: 'off'\n"
            ),
        ),
        (
            "repo/.gitlab-ci.yml",
            &format!(
                "variables:\n  GOPROXY: https://u:{proxy_pw}@proxy.example.com\n  DEPLOY_TOKEN: {glpat}\n  GOSUMDB: 'off'\ntest:\n  script:\n    - export GOFLAGS=-mod=mod\n    - go test ./...\n"
            ),
        ),
        (
            "repo/setup.sh",
            &format!("export GITHUB_TOKEN={ghp}\nexport GOPROXY=https://u:{proxy_pw}@proxy.example.com\nexport GOFLAGS=-mod=mod\nexport GOSUMDB=off\n"),
        ),
        (
            "repo/setup.ps1",
            &format!("$env:API_SECRET = '{ps_secret}'\n$env:GOPROXY = 'https://u:{proxy_pw}@proxy.example.com'\n$env:GOFLAGS = '-mod=mod'\n$env:GOSUMDB = 'off'\n"),
        ),
        (
            "home/.bashrc",
            &format!("export GITHUB_TOKEN={ghp}\nexport GOPROXY=https://u:{proxy_pw}@proxy.example.com\nexport GOFLAGS=-mod=mod\nexport GOSUMDB=off\nexport AWS_ACCESS_KEY_ID={aws}\n"),
        ),
        (
            "home/.config/powershell/Microsoft.PowerShell_profile.ps1",
            &format!("$env:DB_PASSWORD = '{password}'\n$env:GOPROXY = 'https://u:{proxy_pw}@proxy.example.com'\n$env:GOSUMDB = 'off'\n"),
        ),
        (
            "home/.config/go/env",
            &format!("GOPROXY=https://u:{proxy_pw}@proxy.example.com,direct\nGOAUTH=echo Authorization: {bearer}\nGOFLAGS=-mod=mod\nGOSUMDB=off\nGH_TOKEN={pat}\n"),
        ),
    ]);
    let home = repo.path().join("home").to_string_lossy().into_owned();
    let env = vec![
        ("HOME".to_owned(), home.clone()),
        ("XDG_CONFIG_HOME".to_owned(), format!("{home}/.config")),
        ("GITHUB_TOKEN".to_owned(), ghp.to_owned()),
        ("GH_TOKEN".to_owned(), pat.to_owned()),
        ("CI_JOB_TOKEN".to_owned(), glpat.to_owned()),
        ("DB_PASSWORD".to_owned(), password.to_owned()),
        (
            "GOPROXY".to_owned(),
            format!("https://u:{proxy_pw}@proxy.example.com,direct"),
        ),
        ("GOAUTH".to_owned(), format!("echo Authorization: {bearer}")),
        ("GOFLAGS".to_owned(), "-mod=mod".to_owned()),
        ("GONOSUMCHECK".to_owned(), "1".to_owned()),
        ("GOSUMDB".to_owned(), "off".to_owned()),
        ("AWS_ACCESS_KEY_ID".to_owned(), aws.to_owned()),
        // No go: the machine facts come from the environment, the env file and profiles.
        ("PATH".to_owned(), "/usr/bin:/bin".to_owned()),
    ];
    (repo, env)
}

/// Run gopolicy in `cwd` with the secrets in its environment.
fn run(cwd: &Path, env: &[(String, String)], args: &[&str]) -> (String, String, i32) {
    let mut command: Command = common::command(cwd, args);
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let out = command.output().expect("run gopolicy");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[track_caller]
fn assert_no_secret(what: &str, stdout: &str, stderr: &str) {
    for secret in SECRETS {
        for (stream, text) in [("stdout", stdout), ("stderr", stderr)] {
            assert!(
                !text.contains(secret),
                "{what}: {stream} shows {secret}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
            );
        }
    }
}

#[test]
fn no_check_format_prints_a_secret() {
    let (repo, env) = setup();
    let cwd = repo.path().join("repo");
    for format in Format::value_variants() {
        let name = format.to_possible_value().unwrap().get_name().to_owned();
        let (stdout, stderr, code) = run(
            &cwd,
            &env,
            &["--no-color", "check", ".", "--machine", "--format", &name],
        );
        assert!(code == 0 || code == 1, "{name}\n{stdout}\n{stderr}");
        // Rules fired on the lines that hold the secrets (ENV003: credentials in GOPROXY).
        assert!(stdout.contains("ENV003"), "{name}\n{stdout}");
        assert_no_secret(&format!("check --format {name}"), &stdout, &stderr);
    }
}

#[test]
fn facts_json_and_doctor_print_no_secret() {
    let (repo, env) = setup();
    let cwd = repo.path().join("repo");
    let (stdout, stderr, code) = run(&cwd, &env, &["facts", "--json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    // The facts hold the files read, redacted, not left out.
    assert!(stdout.contains(".bashrc"), "{stdout}");
    assert!(stdout.contains("REDACTED"), "{stdout}");
    assert_no_secret("facts --json", &stdout, &stderr);

    let (stdout, stderr, _) = run(&cwd, &env, &["facts"]);
    assert_no_secret("facts", &stdout, &stderr);
    let (stdout, stderr, _) = run(&cwd, &env, &["--no-color", "doctor"]);
    assert!(!stdout.is_empty(), "{stderr}");
    assert_no_secret("doctor", &stdout, &stderr);
}

#[test]
fn a_saved_snapshot_with_secrets_in_it_is_redacted_when_read() {
    let (repo, env) = setup();
    let cwd = repo.path().join("repo");
    // A snapshot edited by hand to hold secrets again.
    let (json, _, _) = run(&cwd, &env, &["facts", "--json"]);
    let mut snapshot: serde_json::Value = serde_json::from_str(&json).unwrap();
    let vars = snapshot
        .pointer_mut("/env/vars")
        .and_then(|v| v.as_object_mut())
        .expect("env.vars in the snapshot");
    vars.insert("GITHUB_TOKEN".into(), SECRETS[0].into());
    vars.insert(
        "GOPROXY".into(),
        format!("https://u:{}@proxy.example.com", SECRETS[4]).into(),
    );
    std::fs::write(cwd.join("snap.json"), snapshot.to_string()).unwrap();
    for format in Format::value_variants() {
        let name = format.to_possible_value().unwrap().get_name().to_owned();
        let (stdout, stderr, _) = run(
            &cwd,
            &[],
            &[
                "--no-color",
                "check",
                "--facts",
                "snap.json",
                "--format",
                &name,
            ],
        );
        assert_no_secret(&format!("check --facts --format {name}"), &stdout, &stderr);
    }
    let (stdout, stderr, _) = run(&cwd, &[], &["facts", "--facts", "snap.json", "--json"]);
    assert_no_secret("facts --facts --json", &stdout, &stderr);
}
