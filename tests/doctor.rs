//! `gopolicy doctor` on saved machines (examples/machines/) and on this one.

use std::process::Command;

fn doctor(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
        .arg("doctor")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .expect("gopolicy runs");
    assert!(out.status.code().is_some(), "killed by a signal");
    (
        String::from_utf8(out.stdout).expect("utf-8"),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_problem_is_shown_in_its_section_with_the_fix_for_the_users_shell() {
    let (out, code) = doctor(&["--facts", "examples/machines/macos.json"]);
    assert_eq!(code, 0, "warnings do not fail by default: {out}");
    assert!(
        out.starts_with("gopolicy doctor: macos aarch64, go1.27.3"),
        "{out}"
    );
    let section = out
        .split("\nWorkspace paths\n")
        .nth(1)
        .expect("a paths section");
    assert!(section.contains("! GOPATH and GOROOT are both"), "{out}");
    assert!(
        section.contains("GOPATH from process env (GOPATH)"),
        "{out}"
    );
    // The snapshot's SHELL is zsh, which takes the POSIX command; GOPATH comes from
    // the process environment (a profile line), which `go env -w` cannot override.
    assert!(out.contains("(fixes for zsh)"), "{out}");
    assert!(section.contains("fix: unset GOPATH\n"), "{out}");
    assert!(out.contains("✓ ENV008 gotoolchain-invalid"), "{out}");
    assert!(
        out.ends_with("problem found.\n") || out.ends_with("problems found.\n"),
        "{out}"
    );

    let (out, code) = doctor(&[
        "--facts",
        "examples/machines/macos.json",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn fixes_follow_the_chosen_shell_and_make_a_script() {
    let (out, _) = doctor(&["--facts", "examples/machines/macos.json", "--shell", "pwsh"]);
    assert!(
        out.contains(
            "fix: [Environment]::SetEnvironmentVariable('GOPATH', $null)\n           [Environment]::SetEnvironmentVariable('GOPATH', $null, 'User')\n"
        ),
        "{out}"
    );
    // GOPATH set under Program Files as a Windows variable: the fix changes the user
    // variable.
    let (script, _) = doctor(&[
        "--facts",
        "examples/machines/windows-legacy.json",
        "--shell",
        "cmd",
        "--script",
    ]);
    let lines: Vec<&str> = script.lines().collect();
    assert_eq!(lines[0], "@echo off", "{script}");
    let at = lines
        .iter()
        .position(|l| l.starts_with("REM GO002 "))
        .expect(&script);
    assert_eq!(lines[at + 1], "setx GOPATH \"%USERPROFILE%\\go\"");
    assert_eq!(lines[at + 2], "set \"GOPATH=%USERPROFILE%\\go\"");
    // A finding without a command says what to do by hand, at its line.
    let at = lines
        .iter()
        .position(|l| l.starts_with("REM GO012 "))
        .expect(&script);
    assert!(
        lines[at + 2].starts_with("REM no command for this one: edit "),
        "{script}"
    );
    // cmd expands %…% even in REM lines: a message's % is doubled.
    assert!(
        script.contains("REM ENV014 `GOBIN=%%USERPROFILE%%\\go\\bin`"),
        "{script}"
    );
}

#[test]
fn a_healthy_machine_has_no_problems() {
    let (out, code) = doctor(&[
        "--facts",
        "examples/machines/linux.json",
        "--fail-on",
        "info",
    ]);
    assert!(out.ends_with("No problems found.\n"), "{out}");
    assert!(!out.contains('!') && !out.contains('✗'), "{out}");
    assert_eq!(code, 0);
}

#[test]
fn json_output_lists_the_findings() {
    let (out, _) = doctor(&[
        "--facts",
        "examples/machines/macos.json",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"GO001"), "{out}");
    let fix = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "GO001")
        .unwrap()["fix"]
        .clone();
    assert_eq!(fix["commands"]["sh"], "unset GOPATH");
    assert_eq!(fix["applicability"], "display-only");
}

#[test]
fn this_machine_is_examined_without_error() {
    let (out, code) = doctor(&["--go-timeout", "20"]);
    assert!(code == 0 || code == 1, "{out}");
    assert!(out.starts_with("gopolicy doctor: "), "{out}");
}

#[test]
fn a_snapshot_of_another_version_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.json");
    std::fs::write(&path, "{\"snapshot_version\": 99}").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
        .args(["doctor", "--facts"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("old.json"));
}

#[test]
fn on_windows_the_registry_and_the_execution_policy_change_the_advice() {
    let (out, code) = doctor(&["--facts", "examples/machines/windows.json"]);
    assert_eq!(code, 0, "{out}");
    // The session runs Windows PowerShell 5.1 (PSModulePath), whose fixes are shown.
    assert!(out.contains("(fixes for powershell)"), "{out}");
    // Go's MSI made GOPATH a user variable: the go env file's GOPATH never applies, and
    // the advice is to change the variable, not to run `go env -w` again.
    assert!(
        out.contains("from a Windows environment variable (registry (user)), which wins: `go env -w GOPATH=...` cannot change it"),
        "{out}"
    );
    // The MSI's own GOPATH (%USERPROFILE%\go) is fine.
    assert!(out.contains("✓ GO002 gopath-in-program-files"), "{out}");
    // No policy set on a Windows client: Restricted, so the profile never runs.
    let shell = out
        .split("\nShell and OS\n")
        .nth(1)
        .expect("a shell section");
    assert!(
        shell.contains("never runs this profile: its execution policy is Restricted (default (Windows client))"),
        "{out}"
    );
    assert!(
        shell.contains("fix: Set-ExecutionPolicy -Scope CurrentUser -ExecutionPolicy RemoteSigned"),
        "{out}"
    );
}

#[test]
fn this_machines_profiles_and_env_file_are_checked_while_go_runs() {
    // No go on PATH; a profile and a go env file with one mistake each, found by the
    // documents doctor lints before go answers.
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(".bashrc"), "export GO111MODULE=yes\n").unwrap();
    let env_file = home.path().join("goenv");
    std::fs::write(&env_file, "GOSUMDB=off\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
        .args(["doctor", "--format", "json"])
        .current_dir(home.path())
        .env_clear()
        .env("HOME", home.path())
        .env("SHELL", "/bin/bash")
        .env("GOENV", &env_file)
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let found: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap().to_owned();
            (d["code"].as_str().unwrap().to_owned(), path)
        })
        .collect();
    let has = |code: &str, file_end: &str| {
        found
            .iter()
            .any(|(c, f)| c == code && f.ends_with(file_end))
    };
    assert!(has("ENV004", ".bashrc"), "{found:?}");
    assert!(has("ENV001", "goenv"), "{found:?}");
}

#[test]
fn the_powershell_rules_run_when_the_machine_has_a_powershell_profile() {
    // No go on PATH. doctor loads the rules of the kinds of profile it finds: without
    // a PowerShell profile, none of theirs; with PowerShell 7's, they check it.
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(".bashrc"), "export GOFLAGS=-mod=mod\n").unwrap();
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
            .args(["doctor", "--format", "json"])
            .current_dir(home.path())
            .env_clear()
            .env("HOME", home.path())
            .env("SHELL", "/bin/bash")
            .env("PATH", "/nonexistent")
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let codes: Vec<String> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect();
        (codes, json["summary"]["files"].as_u64().unwrap())
    };
    let (without, files) = run();
    assert!(!without.iter().any(|c| c.starts_with("PS")), "{without:?}");
    let dir = home.path().join(".config/powershell");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("Microsoft.PowerShell_profile.ps1"),
        "export GOPATH=/opt/go\n",
    )
    .unwrap();
    let (with, more_files) = run();
    assert!(with.iter().any(|c| c == "PS002"), "{with:?}");
    assert_eq!(more_files, files + 1);
}

/// The Windows machine of examples/machines/windows.json, where IT set GOFLAGS as a
/// system variable, the user set GOSUMDB as a user variable, and the shell has
/// GO111MODULE from neither.
fn windows_with_registry_variables(dir: &std::path::Path) -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/machines/windows.json");
    let mut facts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut set = |pointer: &str, name: &str, value: &str| {
        facts.pointer_mut(pointer).unwrap()[name] = value.into();
    };
    set("/env/vars", "GOFLAGS", "-ldflags=-s -w");
    set("/windows/machine_env/vars", "GOFLAGS", "-ldflags=-s -w");
    set("/env/vars", "GOSUMDB", "off");
    set("/windows/user_env/vars", "GOSUMDB", "off");
    set("/env/vars", "GO111MODULE", "off");
    let file = dir.join("windows.json");
    std::fs::write(&file, facts.to_string()).unwrap();
    file.to_str().unwrap().to_owned()
}

/// The commands a script gives for one rule: the lines after its `REM ID`/`# ID` line.
fn script_section<'s>(script: &'s str, comment: &str, id: &str) -> Vec<&'s str> {
    let start = format!("{comment} {id} ");
    script
        .split("\n\n")
        .find(|block| block.starts_with(&start))
        .unwrap_or_else(|| panic!("no {id} in\n{script}"))
        .lines()
        .skip(1)
        .collect()
}

#[test]
fn a_system_variable_is_removed_from_the_system_and_a_user_variable_from_the_users() {
    let dir = tempfile::tempdir().unwrap();
    let facts = windows_with_registry_variables(dir.path());
    let doctor_script = |shell: &str| doctor(&["--facts", &facts, "--shell", shell, "--script"]).0;

    let cmd = doctor_script("cmd");
    assert_eq!(
        script_section(&cmd, "REM", "ENV007"),
        [
            "set GOFLAGS=",
            "REM A system variable: this needs a command prompt run as administrator.",
            r#"reg delete "HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment" /v GOFLAGS /f"#,
        ],
        "{cmd}"
    );
    // A user variable, and one the registry does not give: the user's, as before.
    for (id, name) in [("ENV001", "GOSUMDB"), ("ENV005", "GO111MODULE")] {
        assert_eq!(
            script_section(&cmd, "REM", id),
            [
                format!("set {name}="),
                format!(r"reg delete HKCU\Environment /v {name} /f 2>nul"),
            ],
            "{cmd}"
        );
    }

    for shell in ["pwsh", "powershell"] {
        let ps = doctor_script(shell);
        assert_eq!(
            script_section(&ps, "#", "ENV007"),
            [
                "[Environment]::SetEnvironmentVariable('GOFLAGS', $null)",
                "# A system variable: this needs PowerShell run as administrator.",
                "[Environment]::SetEnvironmentVariable('GOFLAGS', $null, 'Machine')",
            ],
            "{ps}"
        );
        assert_eq!(
            script_section(&ps, "#", "ENV001"),
            [
                "[Environment]::SetEnvironmentVariable('GOSUMDB', $null)",
                "[Environment]::SetEnvironmentVariable('GOSUMDB', $null, 'User')",
            ],
            "{ps}"
        );
    }

    // doctor shows the same commands for the session's shell.
    let (out, _) = doctor(&["--facts", &facts, "--shell", "pwsh"]);
    assert!(
        out.contains("fix: [Environment]::SetEnvironmentVariable('GOFLAGS', $null)\n           # A system variable: this needs PowerShell run as administrator.\n           [Environment]::SetEnvironmentVariable('GOFLAGS', $null, 'Machine')\n"),
        "{out}"
    );
}
