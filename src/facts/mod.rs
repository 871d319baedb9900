//! Machine facts: what this machine's Go environment looks like, collected once, redacted,
//! and saved or loaded as a versioned JSON snapshot. With `workspace/`, the only module
//! that touches the file system; the only commands it runs are `go env -json` and
//! `go version`, each with a deadline, and nothing here uses the network.
//!
//! - `env.rs`: the process environment, PATH, finding executables;
//! - `go.rs`: the go binaries on PATH and `go env -json`; `command.rs` runs them;
//! - `goenv_file.rs`: where the go env file is, and reading it and `$GOROOT/go.env`;
//! - `os.rs`: OS, architecture, WSL; `toolchain.rs`: C compiler, pkg-config;
//! - `origin.rs`: where each Go variable's value comes from;
//! - `profiles.rs`: the user's shell and PowerShell profiles, and which line set a variable;
//! - `windows.rs`: the registry's user and machine environment, PowerShell's execution policy;
//! - `snapshot.rs`: JSON, loading, redaction; `diff.rs`: comparing two snapshots;
//! - `documents.rs`: the documents rules see; `view.rs` writes its views' YAML and tree.

mod command;
pub mod diff;
pub mod documents;
pub mod env;
pub mod go;
pub mod goenv_file;
pub mod origin;
pub mod os;
pub mod profiles;
pub mod snapshot;
pub mod toolchain;
mod view;
pub mod windows;

use std::time::Duration;

pub use env::EnvFacts;
pub use go::{GoBinary, GoEnvScope, GoFacts};
pub use goenv_file::{FileFact, GoEnvFile};
pub use origin::{Origin, Setting};
pub use os::{OsFacts, Wsl};
pub use snapshot::{REDACTED, SNAPSHOT_VERSION};
pub use toolchain::CToolchain;
pub use windows::WindowsFacts;

/// Everything gopolicy knows about a machine. Serialized, this is the snapshot (see
/// `snapshot.rs`); every string in it has been through redaction.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// Always [`SNAPSHOT_VERSION`] (1).
    pub snapshot_version: u64,
    #[serde(default)]
    pub os: OsFacts,
    #[serde(default)]
    pub env: EnvFacts,
    #[serde(default)]
    pub go: GoFacts,
    #[serde(default)]
    pub go_env_file: GoEnvFile,
    /// `$GOROOT/go.env` of the first go (the distribution's defaults).
    #[serde(default)]
    pub goroot_env: Option<FileFact>,
    #[serde(default)]
    pub c_toolchain: CToolchain,
    /// The user's shell and PowerShell profiles that exist or could not be read, in the
    /// order shells read them (see `profiles.rs`). Optional in a snapshot.
    #[serde(default)]
    pub profiles: Vec<FileFact>,
    /// Windows only: the registry's environment and PowerShell's execution policy (see
    /// `windows.rs`). Absent elsewhere and in snapshots that predate it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows: Option<WindowsFacts>,
}

/// How facts are collected.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The longest any one go command may run.
    pub go_timeout: Duration,
    /// Which of go env's variables to ask for.
    pub go_env: GoEnvScope,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            go_timeout: Duration::from_secs(5),
            go_env: GoEnvScope::All,
        }
    }
}

impl Facts {
    /// This machine's facts, redacted. The go commands start first and run while the
    /// files are read; a hung go costs at most `go_timeout`.
    pub fn collect(options: &Options) -> Facts {
        Facts::start(options).finish()
    }

    /// Start collecting this machine's facts: the go commands (`go env -json` is the
    /// slowest fact of all) start now; [`Collecting::finish`] reads everything else
    /// while they run, then waits for them. A caller with work of its own (loading
    /// rules) does it between the two.
    pub fn start(options: &Options) -> Collecting {
        // PATH is all the go commands need: they start before the rest is read.
        let dirs = env::process_path_dirs(cfg!(windows));
        let go = GoFacts::start(&dirs, options.go_timeout, options.go_env);
        let env = EnvFacts::collect();
        // Everything else is read, and redacted, while they run.
        let host = std::env::consts::OS;
        let read = Facts {
            snapshot_version: SNAPSHOT_VERSION,
            os: OsFacts::collect(&env),
            go_env_file: GoEnvFile::collect(host, &env),
            profiles: profiles::collect(host, &env),
            windows: windows::collect(&env),
            env,
            go: GoFacts::default(),
            goroot_env: None,
            c_toolchain: CToolchain::default(),
        };
        // What finish would otherwise look for after go answers: the C tools on PATH,
        // and `$GOROOT/go.env` beside the first go (go env's GOROOT, almost always).
        let tools = toolchain::LOOKED_UP
            .iter()
            .map(|name| (*name, env::find_first(&dirs, name)))
            .collect();
        let beside = |go: &std::path::Path| go::goroot_beside(&go.to_string_lossy());
        let goroot_env = go.first().and_then(beside).map(|root| {
            let file = FileFact::read(&goroot_env_path(&root));
            (root, file)
        });
        let (known, secrets) = snapshot::redact_finding(read.clone());
        Collecting {
            read,
            known,
            secrets,
            dirs,
            tools,
            goroot_env,
            go,
            timeout: options.go_timeout,
        }
    }

    /// The facts that need nothing from the go commands: the OS, the environment, the go
    /// env file, the profiles. Comparing them with a finished collection's tells whether
    /// what was built from them still stands.
    pub fn without_go(&self) -> (&str, &EnvFacts, &GoEnvFile, &[FileFact]) {
        (&self.os.os, &self.env, &self.go_env_file, &self.profiles)
    }
}

fn goroot_env_path(root: &str) -> String {
    std::path::Path::new(root)
        .join("go.env")
        .to_string_lossy()
        .into_owned()
}

/// Facts being collected: see [`Facts::start`].
pub struct Collecting {
    /// The facts read so far (nothing from go yet), not redacted.
    read: Facts,
    /// The same, redacted, and the secret values redaction found in them.
    known: Facts,
    secrets: Vec<String>,
    dirs: Vec<String>,
    /// [`toolchain::LOOKED_UP`] found on PATH.
    tools: Vec<(&'static str, Option<std::path::PathBuf>)>,
    /// A GOROOT from where the first go sits, and its go.env.
    goroot_env: Option<(String, FileFact)>,
    go: go::Pending,
    timeout: Duration,
}

impl Collecting {
    /// The facts known before go answers (the `go` section empty), redacted: for work
    /// that can start before [`Collecting::finish`].
    pub fn known(&self) -> Facts {
        self.known.clone()
    }

    /// Whether a go command is running (there is a go on PATH): only then is there time
    /// to use before [`Collecting::finish`].
    pub fn runs_go(&self) -> bool {
        self.go.first().is_some()
    }

    /// Ask go for all of go env's variables, whatever the scope collecting started with:
    /// a rule loaded since may read any of them.
    pub fn ask_go_for_all(&mut self) {
        self.go.ask_for_all();
    }

    /// Wait for the go commands and complete the facts, redacted. Only what go's answer
    /// adds is redacted now; the rest was while go ran.
    pub fn finish(self) -> Facts {
        let Collecting {
            read,
            known,
            secrets,
            dirs,
            tools,
            goroot_env: read_goroot_env,
            go,
            timeout,
        } = self;
        let scope = go.scope();
        let mut go = go.finish();
        let goroot = go
            .env
            .get("GOROOT")
            .filter(|r| !r.is_empty())
            .cloned()
            .or_else(|| go.first.as_deref().and_then(go::goroot_beside));
        let goroot_env = goroot.map(|root| match read_goroot_env {
            Some((read_root, file)) if read_root == root => file,
            _ => FileFact::read(&goroot_env_path(&root)),
        });
        if scope == GoEnvScope::WithoutCompiler {
            let files: Vec<_> = [read.go_env_file.file.as_ref(), goroot_env.as_ref()]
                .into_iter()
                .flatten()
                .filter_map(origin::ParsedFile::parse)
                .collect();
            let values_of = |name: &str| {
                let in_files = files.iter().filter_map(|f| f.lookup(name).map(|(_, v)| v));
                let in_env = read.env.entry(name).map(|(_, v)| v.to_owned());
                in_env.into_iter().chain(in_files).collect()
            };
            if go::compiler_part_could_fail(&go.env, values_of) {
                go.ask_for_all_now(timeout);
            }
        }
        let found = |name: &str| {
            let path = match tools.iter().find(|(n, _)| *n == name) {
                Some((_, path)) => path.clone(),
                None => env::find_first(&dirs, name),
            };
            path.map(|p| p.to_string_lossy().into_owned())
        };
        let c_toolchain = CToolchain::collect(&read.env, &go.env, found);
        let mut facts = Facts {
            go,
            goroot_env,
            c_toolchain,
            ..read
        };
        facts.restore_gotoolchain();
        if facts.os.wsl.is_some() {
            let settings = facts.go_settings();
            facts
                .os
                .mark_windows_drives(|name| settings.get(name).map(|s| s.value.clone()));
        }
        // What go added, moved out beside empty copies of the rest; `facts` keeps the
        // files read before, unredacted, should the whole need redacting again.
        let added = Facts {
            snapshot_version: SNAPSHOT_VERSION,
            os: std::mem::take(&mut facts.os),
            env: EnvFacts::default(),
            go: std::mem::take(&mut facts.go),
            go_env_file: GoEnvFile::default(),
            goroot_env: facts.goroot_env.take(),
            c_toolchain: std::mem::take(&mut facts.c_toolchain),
            profiles: Vec::new(),
            windows: None,
        };
        // Redacted, the part completes the facts known before; when it holds a secret of
        // its own, the whole is redacted again from the files as read.
        let with = |part: Facts, rest: Facts| Facts {
            os: part.os,
            go: part.go,
            goroot_env: part.goroot_env,
            c_toolchain: part.c_toolchain,
            ..rest
        };
        match snapshot::redact_part(added, &secrets) {
            snapshot::Part::Redacted(added) => with(added, known),
            snapshot::Part::OwnSecret(added) => snapshot::redact(with(added, facts)),
        }
    }
}

impl Facts {
    /// `go env -json` ran with GOTOOLCHAIN=local (see `go.rs`); put back the machine's own
    /// setting, or Go's default (empty) when nothing sets it.
    fn restore_gotoolchain(&mut self) {
        if self.go.env.is_empty() {
            return;
        }
        self.go.env.insert("GOTOOLCHAIN".into(), String::new());
        let value = self.go_setting("GOTOOLCHAIN").value;
        self.go.env.insert("GOTOOLCHAIN".into(), value);
    }

    pub fn is_windows(&self) -> bool {
        self.os.is_windows()
    }
}
