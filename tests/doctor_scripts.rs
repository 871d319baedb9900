//! `gopolicy doctor --script`: the fix scripts, run for real.
//!
//! Each case builds a throwaway machine: a HOME whose path has a space, `$`, `%` and
//! quotes in it, GOENV pointing at a go env file inside it, PATH = the real go's folder +
//! /usr/bin:/bin, and a setting go rejects (in the go env file, or in the process
//! environment). For bash, zsh, fish and sh (dash), it writes the script `doctor --script
//! --shell S` prints, sources it in that shell, and in the same shell runs the real
//! `go env -json` and `gopolicy doctor` again: go must succeed with the repaired value,
//! and the rules that fired before must be gone.
//!
//! PowerShell and cmd have no interpreter here: their scripts are read back with
//! gopolicy's own tokenizers, and each `go env -w NAME=value` argument must reach go as
//! the intended value (through Windows PowerShell 5.1's legacy argument passing, and
//! cmd's `%%` and carets, then the C runtime's splitting go uses).

#![cfg(unix)]

mod common;

#[path = "common/windows_args.rs"]
mod windows_args;
use windows_args::{cmd_script_line, legacy_ps_arg, msvcrt_split, ps_unquote};

use std::path::{Path, PathBuf};
use std::process::Command;

use gopolicy::document::{Encoding, SourceText, Value};

/// Does this shell exist here? CI installs them all (.ci/run); locally, say so loudly.
fn have(shell: &str) -> bool {
    let found = Command::new(shell).arg("-c").arg("exit 0").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{shell} is missing; .ci/run installs it"
        );
        eprintln!("\n*** SKIPPED {shell}: not installed (apt-get install -y zsh fish) ***\n");
    }
    found
}

const HOSTILE_DIR: &str = "h o$me%PATH%'q\"x";

struct Case {
    name: &'static str,
    /// The go env file's text.
    env_file: &'static str,
    /// Process environment on top of the base.
    process: &'static [(&'static str, &'static str)],
    /// Rules that must fire before and be gone after.
    rules: &'static [&'static str],
    /// `go env` values after the script (`{HOME}` is the machine's HOME).
    after: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        name: "GOFLAGS unquoted in the go env file (go env -u itself fails)",
        env_file: "GOFLAGS=-ldflags=-s -w\n",
        process: &[],
        rules: &["ENV007"],
        after: &[("GOFLAGS", "")],
    },
    Case {
        name: "GOTOOLCHAIN and GO111MODULE invalid in the go env file",
        env_file: "GOTOOLCHAIN=latest\nGO111MODULE=yes\n",
        process: &[],
        rules: &["ENV008", "ENV004"],
        after: &[("GOTOOLCHAIN", "auto"), ("GO111MODULE", "")],
    },
    Case {
        name: "a relative GOPATH in the go env file (blocks every command)",
        env_file: "GOPATH=rel\n",
        process: &[],
        rules: &["ENV009"],
        after: &[("GOPATH", "{HOME}/go")],
    },
    Case {
        name: "GONOSUMCHECK with hostile patterns moves to GONOSUMDB",
        env_file: "GONOSUMCHECK=example.com/a'b,corp.example/$x%PATH%\\y \"z\"\n",
        process: &[],
        rules: &["ENV006"],
        after: &[
            (
                "GONOSUMDB",
                "example.com/a'b,corp.example/$x%PATH%\\y \"z\"",
            ),
            ("GONOSUMCHECK", ""),
        ],
    },
    Case {
        name: "CC with spaces, $, % and a quote in its path",
        env_file: "CC=/opt/my dir$x%y/gcc'q\n",
        process: &[],
        rules: &["ENV019"],
        after: &[("CC", "\"/opt/my dir$x%y/gcc'q\"")],
    },
    Case {
        name: "bad values in the process environment",
        env_file: "",
        process: &[
            ("GOTOOLCHAIN", "latest"),
            ("GOSUMDB", "off"),
            ("CGO_ENABLED", "yes"),
        ],
        rules: &["ENV008", "ENV001", "ENV010"],
        after: &[("GOTOOLCHAIN", "auto"), ("GOSUMDB", "sum.golang.org")],
    },
    Case {
        name: "GOPATH equal to GOROOT in the process environment",
        env_file: "",
        process: &[("GOPATH", "{GOROOT}")],
        rules: &["GO001"],
        after: &[("GOPATH", "{HOME}/go")],
    },
];

/// A throwaway machine for one case.
struct Machine {
    _dir: tempfile::TempDir,
    home: PathBuf,
    env: Vec<(String, String)>,
}

impl Machine {
    fn new(case: &Case, go_bin: &Path) -> Machine {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join(HOSTILE_DIR);
        std::fs::create_dir_all(&home).unwrap();
        let goenv = home.join("go env");
        std::fs::write(&goenv, case.env_file).unwrap();
        let goroot = go_bin.parent().unwrap().to_string_lossy().into_owned();
        let mut env = vec![
            ("HOME".to_owned(), home.to_string_lossy().into_owned()),
            ("GOENV".to_owned(), goenv.to_string_lossy().into_owned()),
            (
                "PATH".to_owned(),
                format!("{}:/usr/bin:/bin", go_bin.display()),
            ),
            ("GOTELEMETRY".to_owned(), "off".to_owned()),
            ("LANG".to_owned(), "C.UTF-8".to_owned()),
        ];
        for (name, value) in case.process {
            env.push((name.to_string(), value.replace("{GOROOT}", &goroot)));
        }
        Machine {
            _dir: dir,
            home,
            env,
        }
    }

    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env_clear().envs(self.env.iter().map(|(k, v)| (k, v)));
        c.current_dir(&self.home);
        c
    }

    /// `gopolicy doctor` on this machine.
    fn doctor(&self, args: &[&str]) -> String {
        let out = self
            .command(env!("CARGO_BIN_EXE_gopolicy"))
            .arg("doctor")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "doctor failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

fn ids(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).expect(json);
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn posix_and_fish_scripts_repair_the_machine() {
    let Some(go_bin) = common::real_goroot().map(|root| root.join("bin")) else {
        return;
    };
    let shells: Vec<(&str, &str)> = [
        ("bash", "bash"),
        ("zsh", "zsh"),
        ("fish", "fish"),
        ("sh", "dash"),
    ]
    .into_iter()
    .filter(|(_, program)| have(program))
    .collect();
    for case in CASES {
        for (shell, program) in &shells {
            let m = Machine::new(case, &go_bin);
            let before = ids(&m.doctor(&["--format", "json"]));
            for rule in case.rules {
                assert!(
                    before.contains(&rule.to_string()),
                    "{}: {rule} not reported before: {before:?}",
                    case.name
                );
            }
            let script = m.doctor(&["--script", "--shell", shell]);
            let path = m.home.join(format!("fix {shell}"));
            std::fs::write(&path, &script).unwrap();
            let out_env = m.home.join("after env.json");
            let out_doctor = m.home.join("after doctor.json");
            // The script is sourced, as its header says, so that the variables it changes
            // change in the shell that then runs go and gopolicy.
            let line = match *shell {
                "fish" => "source $SCRIPT; go env -json > $OUT_ENV; $GOPOLICY doctor --format json > $OUT_DOCTOR",
                _ => ". \"$SCRIPT\"; go env -json > \"$OUT_ENV\"; \"$GOPOLICY\" doctor --format json > \"$OUT_DOCTOR\"",
            };
            let mut c = m.command(program);
            match *shell {
                "bash" => c.args(["--norc", "--noprofile"]),
                "zsh" => c.arg("-f"),
                "fish" => c.arg("--no-config"),
                _ => &mut c,
            };
            let out = c
                .args(["-c", line])
                .env("SCRIPT", &path)
                .env("OUT_ENV", &out_env)
                .env("OUT_DOCTOR", &out_doctor)
                .env("GOPOLICY", env!("CARGO_BIN_EXE_gopolicy"))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let context = format!("{} under {shell}:\n{script}\nstderr: {stderr}", case.name);
            assert!(out.status.success(), "{context}");
            let env: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&out_env).unwrap())
                    .unwrap_or_else(|e| panic!("go env -json after: {e}\n{context}"));
            for (name, want) in case.after {
                let want = want.replace("{HOME}", &m.home.to_string_lossy());
                assert_eq!(env[name].as_str().unwrap_or(""), want, "{name}: {context}");
            }
            let after = ids(&std::fs::read_to_string(&out_doctor).unwrap());
            for rule in case.rules {
                assert!(
                    !after.contains(&rule.to_string()),
                    "{rule} still reported: {context}"
                );
            }
        }
    }
}

/// The argument text of each `go env -w` command of a script, found by gopolicy's
/// tokenizer for `target`: for PowerShell the one argument after `env -w` (it must be
/// one), for cmd the rest of the command's text (cmd hands the program its line, which
/// the program splits).
fn go_env_w_args(script: &str, target: gopolicy::document::Target) -> Vec<String> {
    let source = SourceText::new("fix", script.to_owned(), Encoding::Utf8);
    let doc = gopolicy::source::parse(source, target);
    assert!(doc.errors.is_empty(), "{:?} in\n{script}", doc.errors);
    let mut out = Vec::new();
    let Some(Value::List(commands)) = doc.root.get("commands").map(|c| &c.value) else {
        return out;
    };
    for command in commands {
        let Some(Value::List(args)) = command.get("args").map(|a| &a.value) else {
            continue;
        };
        let name = command.get("name").and_then(|n| n.as_str()).unwrap_or("");
        let words: Vec<&str> = args.iter().map(|a| doc.raw(a.span)).collect();
        if name != "go" || words.len() < 3 || words[..2] != ["env", "-w"] {
            continue;
        }
        if target == gopolicy::document::Target::Cmd {
            let text = doc.raw(command.get("text").unwrap().span);
            let rest = text.split_once("-w ").unwrap().1;
            out.push(rest.to_owned());
        } else {
            assert_eq!(
                words.len(),
                3,
                "`go env -w` split into {words:?} in\n{script}"
            );
            out.push(words[2].to_owned());
        }
    }
    out
}

#[test]
fn powershell_and_cmd_scripts_pass_the_intended_values() {
    let Some(go_bin) = common::real_goroot().map(|root| root.join("bin")) else {
        return;
    };
    use gopolicy::document::Target;
    let wanted = [
        (
            "GONOSUMDB",
            "example.com/a'b,corp.example/$x%PATH%\\y \"z\"",
        ),
        ("CC", "\"/opt/my dir$x%y/gcc'q\""),
    ];
    for case in CASES
        .iter()
        .filter(|c| c.rules.contains(&"ENV006") || c.rules.contains(&"ENV019"))
    {
        let m = Machine::new(case, &go_bin);
        for shell in ["pwsh", "powershell", "cmd"] {
            let script = m.doctor(&["--script", "--shell", shell]);
            let target = if shell == "cmd" {
                Target::Cmd
            } else {
                Target::Powershell
            };
            let args = go_env_w_args(&script, target);
            assert_eq!(args.len(), 1, "{shell}: {args:?}\n{script}");
            // What go receives: PowerShell's string value (7.3+ passes it as is; 5.1
            // wraps it in quotes when it has spaces, escaping nothing), or cmd's line
            // after `%%` and carets, split by the C runtime's rules.
            let received = match shell {
                "pwsh" => ps_value(&args[0]),
                "powershell" => {
                    let line = format!("go {}", legacy_ps_arg(&ps_value(&args[0])));
                    msvcrt_split(&line).pop().unwrap()
                }
                _ => {
                    let argv = msvcrt_split(&cmd_script_line(&format!("go {}", args[0])));
                    assert_eq!(argv.len(), 2, "{shell}: {argv:?}\n{script}");
                    argv[1].clone()
                }
            };
            let (name, value) = received.split_once('=').expect(&received);
            let want = wanted.iter().find(|(n, _)| *n == name).expect(name).1;
            assert_eq!(value, want, "{shell}: {}\n{script}", args[0]);
        }
    }
}

/// A PowerShell argument `NAME='…'` as PowerShell reads it: the bare prefix, then the
/// single-quoted string with its quote characters undoubled.
fn ps_value(arg: &str) -> String {
    let (prefix, quoted) = arg.split_at(arg.find('\'').expect(arg));
    format!("{prefix}{}", ps_unquote(quoted))
}
