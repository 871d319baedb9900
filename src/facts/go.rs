//! The go binaries on PATH and `go env -json` of the first one.
//!
//! Both commands run with GOTOOLCHAIN=local so that no go ever downloads a toolchain
//! (`toolchain.Select` would otherwise switch for a GOTOOLCHAIN such as `go1.99.0`), and
//! in the temporary folder so that no go.mod or go.work of the current folder takes part:
//! these are facts about the machine, not about a repository.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::command;

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct GoFacts {
    /// The first `go` on PATH, the one a shell runs; None when there is none.
    pub first: Option<String>,
    /// `go env -json` of the first go (GOTOOLCHAIN as the machine sets it, see `facts`).
    pub env: BTreeMap<String, String>,
    /// `go env failed: ...` when the first go did not answer.
    pub env_error: Option<String>,
    /// Every `go` on PATH, in PATH order.
    pub binaries: Vec<GoBinary>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct GoBinary {
    pub path: String,
    /// `go1.27.3`.
    pub version: Option<String>,
    /// `VERSION file` (GOROOT/VERSION beside bin/go) or `go version`.
    pub version_from: Option<String>,
    /// Why there is no version.
    pub error: Option<String>,
}

impl GoFacts {
    /// Start `go env -json` of the first go, and `go version` of each go without a
    /// VERSION file; they run while the caller collects other facts, and
    /// [`Pending::finish`] gathers their answers.
    pub fn start(path_dirs: &[String], timeout: Duration) -> Pending {
        // `go env -json` is the slowest fact of all: it starts first, before the other
        // folders of PATH are looked in.
        let first = super::env::find_first(path_dirs, "go");
        let env = first
            .as_ref()
            .map(|go| command::start(go, &["env", "-json"], &std::env::temp_dir(), LOCAL, timeout));
        let found = super::env::find_all(path_dirs, "go");
        let binaries = found
            .iter()
            .map(|path| {
                let mut fact = GoBinary {
                    path: path.to_string_lossy().into_owned(),
                    ..GoBinary::default()
                };
                // Reading GOROOT/VERSION runs nothing; only without it is go asked.
                if let Some(version) = version_file(path) {
                    fact.version = Some(version);
                    fact.version_from = Some("VERSION file".into());
                    return (fact, None);
                }
                let running =
                    command::start(path, &["version"], &std::env::temp_dir(), LOCAL, timeout);
                (fact, Some(running))
            })
            .collect();
        Pending {
            first: first.map(|p| p.to_string_lossy().into_owned()),
            env,
            binaries,
        }
    }
}

/// The go commands [`GoFacts::start`] started, not yet answered.
pub struct Pending {
    first: Option<String>,
    env: Option<Result<command::Running, String>>,
    binaries: Vec<(GoBinary, Option<Result<command::Running, String>>)>,
}

impl Pending {
    /// The first go on PATH.
    pub fn first(&self) -> Option<&str> {
        self.first.as_deref()
    }

    /// Wait for every command (each within its deadline) and make the facts.
    pub fn finish(self) -> GoFacts {
        let env = self
            .env
            .map(|running| go_env(running.and_then(command::Running::finish)));
        let (env, env_error) = match env {
            Some(Ok(env)) => (env, None),
            Some(Err(e)) => (BTreeMap::new(), Some(format!("go env failed: {e}"))),
            None => (BTreeMap::new(), None),
        };
        let binaries = self
            .binaries
            .into_iter()
            .map(|(mut fact, running)| {
                if let Some(running) = running {
                    match running.and_then(command::Running::finish) {
                        // `go version go1.27.3 linux/amd64`
                        Ok(out) => match out.stdout.split_whitespace().nth(2) {
                            Some(v) => {
                                fact.version = Some(v.to_owned());
                                fact.version_from = Some("go version".into());
                            }
                            None => fact.error = Some("go version printed no version".into()),
                        },
                        Err(e) => fact.error = Some(format!("go version failed: {e}")),
                    }
                }
                fact
            })
            .collect();
        GoFacts {
            first: self.first,
            env,
            env_error,
            binaries,
        }
    }
}

const LOCAL: &[(&str, &str)] = &[("GOTOOLCHAIN", "local")];

/// `go env -json`'s output as a map of strings.
fn go_env(out: Result<command::Output, String>) -> Result<BTreeMap<String, String>, String> {
    let out = out?;
    // go prints every value as a string: read them so, and as any JSON only otherwise.
    if let Ok(map) = serde_json::from_str::<BTreeMap<String, String>>(&out.stdout) {
        return Ok(map);
    }
    let map: BTreeMap<String, serde_json::Value> = serde_json::from_str(&out.stdout)
        .map_err(|e| format!("its output is not a JSON object ({e})"))?;
    Ok(map
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect())
}

/// The first line of GOROOT/VERSION for `<GOROOT>/bin/go`, also through a symlink
/// (`/usr/local/bin/go` -> `/usr/lib/go/bin/go`). Reading it runs nothing.
fn version_file(go: &Path) -> Option<String> {
    let beside = |p: &Path| -> Option<PathBuf> { Some(p.parent()?.parent()?.join("VERSION")) };
    let candidates = [Some(go.to_path_buf()), std::fs::canonicalize(go).ok()];
    candidates.into_iter().flatten().find_map(|p| {
        let text = std::fs::read_to_string(beside(&p)?).ok()?;
        let line = text.lines().next()?.trim();
        (!line.is_empty()).then(|| line.to_owned())
    })
}

/// GOROOT of a go binary from where it sits, when `go env` could not say.
pub fn goroot_beside(go: &str) -> Option<String> {
    let path = std::fs::canonicalize(go).ok()?;
    let root = path.parent()?.parent()?;
    root.join("VERSION")
        .is_file()
        .then(|| root.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(stdout: &str) -> Result<command::Output, String> {
        Ok(command::Output {
            stdout: stdout.to_owned(),
            stderr: String::new(),
        })
    }

    #[test]
    fn go_env_values_are_strings_whatever_json_gives() {
        let env = go_env(output(r#"{"GOOS": "linux", "GOFLAGS": "-a \"b\""}"#)).unwrap();
        assert_eq!(env["GOOS"], "linux");
        assert_eq!(env["GOFLAGS"], "-a \"b\"");
        // Not what go prints, but read all the same: as their JSON text.
        let env = go_env(output(r#"{"A": 1, "B": true, "C": null, "D": "x"}"#)).unwrap();
        let got: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, [("A", "1"), ("B", "true"), ("C", "null"), ("D", "x")]);
        let error = go_env(output("go: no JSON today")).unwrap_err();
        assert!(
            error.starts_with("its output is not a JSON object ("),
            "{error}"
        );
        assert_eq!(
            go_env(Err("exit status 1".into())).unwrap_err(),
            "exit status 1"
        );
    }
}
