//! The C toolchain cgo would use, and pkg-config. Nothing here is run: a compiler is
//! found, not tried.
//!
//! Go ≥ 1.20 turns cgo off by default when CC is unset in the OS environment and its
//! default compiler is not on PATH (`cfg/cfg.go`), so whether CC came from the process
//! environment or only from `go env` matters, and is kept.

use std::collections::BTreeMap;

use super::env::EnvFacts;

/// The commands [`CToolchain::collect`] looks for on PATH besides CC's own (and
/// `pkgconf`, only when there is no `pkg-config`): they can be found before go answers.
pub const LOOKED_UP: [&str; 4] = ["gcc", "clang", "cc", "pkg-config"];

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CToolchain {
    /// The CC value: from the process environment, else from `go env`.
    pub cc: Option<String>,
    /// `process env` or `go env`.
    pub cc_from: Option<String>,
    /// Where CC's command is: itself if a path, else found on PATH.
    pub cc_path: Option<String>,
    /// `gcc`, `clang`, `cc`: each one found on PATH.
    pub compilers_on_path: BTreeMap<String, String>,
    /// `pkg-config` (or `pkgconf`) on PATH.
    pub pkg_config: Option<String>,
    pub pkg_config_path: Option<String>,
}

impl CToolchain {
    /// `found` finds a command on PATH.
    pub fn collect(
        env: &EnvFacts,
        go_env: &BTreeMap<String, String>,
        found: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let (cc, cc_from) = match (
            env.non_empty("CC"),
            go_env.get("CC").filter(|v| !v.is_empty()),
        ) {
            (Some(v), _) => (Some(v.to_owned()), Some("process env".to_owned())),
            (None, Some(v)) => (Some(v.clone()), Some("go env".to_owned())),
            (None, None) => (None, None),
        };
        let cc_path = cc.as_deref().and_then(command_word).and_then(|word| {
            if word.contains(['/', '\\']) {
                Some(word)
            } else {
                found(&word)
            }
        });
        let compilers_on_path = ["gcc", "clang", "cc"]
            .into_iter()
            .filter_map(|name| Some((name.to_owned(), found(name)?)))
            .collect();
        CToolchain {
            cc,
            cc_from,
            cc_path,
            compilers_on_path,
            pkg_config: found("pkg-config").or_else(|| found("pkgconf")),
            pkg_config_path: env.get("PKG_CONFIG_PATH").map(str::to_owned),
        }
    }
}

/// The command of a CC value, which cmd/go splits like a shell word list where quotes
/// may surround a whole word (`"C:\Program Files\LLVM\bin\clang.exe" -m64`).
fn command_word(cc: &str) -> Option<String> {
    let cc = cc.trim_start();
    match cc.chars().next()? {
        q @ ('"' | '\'') => cc[1..].split(q).next().map(str::to_owned),
        _ => cc.split_whitespace().next().map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::command_word;

    #[test]
    fn cc_command_is_its_first_word_or_quoted_path() {
        assert_eq!(command_word("gcc -m64").as_deref(), Some("gcc"));
        assert_eq!(
            command_word(r#""C:\Program Files\LLVM\bin\clang.exe" -m64"#).as_deref(),
            Some(r"C:\Program Files\LLVM\bin\clang.exe")
        );
        assert_eq!(command_word("  "), None);
    }
}
