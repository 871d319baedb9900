//! Where each Go variable's effective value comes from, by cmd/go's lookup order
//! (`cfg.Getenv`, go1.27.3): a non-empty OS variable wins; else the go env file (its last
//! line for the name); else `$GOROOT/go.env`; else Go's built-in default, which is what
//! `go env -json` reports. On Windows an OS variable that a user or system variable of
//! the registry gives (as Go's installer sets GOPATH) is `registry (user)` or
//! `registry (machine)`: changing it means changing that variable, not the session's.

use std::collections::BTreeMap;
use std::fmt;

use super::goenv_file::FileFact;
use super::Facts;
use crate::document::{Encoding, Node, SourceText};
use crate::source::goenv;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The process environment, under this spelling of the name.
    ProcessEnv {
        spelled: String,
    },
    /// The go env file, at this 1-based line.
    GoEnvFile {
        line: usize,
    },
    /// `$GOROOT/go.env`, at this 1-based line.
    GorootGoEnv {
        line: usize,
    },
    /// The process environment, whose value a registry environment variable gives
    /// (Windows: `HKCU\Environment` or the system's `Session Manager\Environment`).
    Registry {
        scope: super::windows::Scope,
    },
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::ProcessEnv { spelled } => write!(f, "process env ({spelled})"),
            Origin::GoEnvFile { line } => write!(f, "go env file line {line}"),
            Origin::GorootGoEnv { line } => write!(f, "GOROOT go.env line {line}"),
            Origin::Registry { scope } => write!(f, "registry ({})", scope.as_str()),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// A Go variable's effective value and its origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub origin: Origin,
}

/// A settings file parsed as cmd/go reads it.
pub struct ParsedFile {
    pub source: SourceText,
    pub root: Node,
}

impl ParsedFile {
    pub fn parse(file: &FileFact) -> Option<ParsedFile> {
        let source = SourceText::new(&file.path, file.text.clone()?, Encoding::Utf8);
        let (root, _, _) = goenv::parse_go_env(source.clone());
        Some(ParsedFile { source, root })
    }

    /// (line, value) of the line go uses for `name`.
    pub fn lookup(&self, name: &str) -> Option<(usize, String)> {
        goenv::lookup(&self.source, &self.root, name).map(|(l, v)| (l, v.to_owned()))
    }

    pub fn names(&self) -> Vec<String> {
        goenv::assignments(&self.root)
            .iter()
            .filter_map(|a| a.get("name")?.as_str().map(str::to_owned))
            .collect()
    }
}

impl Facts {
    /// The go env file, parsed.
    pub fn go_env_file_parsed(&self) -> Option<ParsedFile> {
        self.go_env_file.file.as_ref().and_then(ParsedFile::parse)
    }

    /// Every Go variable: those `go env -json` knows, those the two files set, and the
    /// GO*/CGO_* variables of the process environment (upper-cased where names are
    /// case-insensitive).
    pub fn go_settings(&self) -> BTreeMap<String, Setting> {
        let user = self.go_env_file_parsed();
        let goroot = self.goroot_env.as_ref().and_then(ParsedFile::parse);
        let mut names: Vec<String> = self.go.env.keys().cloned().collect();
        names.extend(user.iter().chain(&goroot).flat_map(ParsedFile::names));
        names.extend(self.env.vars.keys().filter_map(|k| {
            let k = if self.env.case_insensitive {
                k.to_ascii_uppercase()
            } else {
                k.clone()
            };
            (k.starts_with("GO") || k.starts_with("CGO_")).then_some(k)
        }));
        names
            .into_iter()
            .filter(|n| {
                n.starts_with(|c: char| c.is_ascii_uppercase()) && !n.ends_with([' ', '\t'])
            })
            .map(|name| {
                let setting = self.setting(&name, user.as_ref(), goroot.as_ref());
                (name, setting)
            })
            .collect()
    }

    /// One Go variable, as [`Facts::go_settings`] gives it.
    pub fn go_setting(&self, name: &str) -> Setting {
        let user = self.go_env_file_parsed();
        let goroot = self.goroot_env.as_ref().and_then(ParsedFile::parse);
        self.setting(name, user.as_ref(), goroot.as_ref())
    }

    fn setting(
        &self,
        name: &str,
        user: Option<&ParsedFile>,
        goroot: Option<&ParsedFile>,
    ) -> Setting {
        if let Some((spelled, value)) = self.env.entry(name).filter(|(_, v)| !v.is_empty()) {
            let registry = self
                .windows
                .as_ref()
                .and_then(|w| w.registry_source(name, value, &self.env));
            let origin = match registry {
                Some(scope) => Origin::Registry { scope },
                None => Origin::ProcessEnv {
                    spelled: spelled.to_owned(),
                },
            };
            return Setting {
                value: value.to_owned(),
                origin,
            };
        }
        // GOENV is read from the OS environment only (`cfg.EnvFile`), and GOROOT never from
        // GOROOT/go.env (`initEnvCache` overwrites it).
        let from_files = name != "GOENV";
        if let Some((line, value)) = user.filter(|_| from_files).and_then(|f| f.lookup(name)) {
            return Setting {
                value,
                origin: Origin::GoEnvFile { line },
            };
        }
        if let Some((line, value)) = goroot
            .filter(|_| from_files && name != "GOROOT")
            .and_then(|f| f.lookup(name))
        {
            return Setting {
                value,
                origin: Origin::GorootGoEnv { line },
            };
        }
        Setting {
            value: self.go.env.get(name).cloned().unwrap_or_default(),
            origin: Origin::Default,
        }
    }
}
