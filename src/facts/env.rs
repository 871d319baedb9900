//! The process environment, and finding executables on its PATH.
//!
//! Names keep their spelling (`Path` on Windows) but on Windows are looked up
//! case-insensitively, as Windows and Go's `os.Getenv` do there. A snapshot remembers
//! which rule applies, so a Windows snapshot reads the same on Linux.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EnvFacts {
    /// True on Windows: `Path` and `PATH` are one variable.
    pub case_insensitive: bool,
    /// Every variable, under its name as spelled; values are lossy UTF-8.
    pub vars: BTreeMap<String, String>,
}

impl EnvFacts {
    /// Facts from (name, value) pairs, for tests of what reads them.
    #[cfg(test)]
    pub fn from_pairs(vars: &[(&str, &str)], case_insensitive: bool) -> EnvFacts {
        EnvFacts {
            case_insensitive,
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// This process's environment.
    pub fn collect() -> Self {
        EnvFacts {
            case_insensitive: cfg!(windows),
            vars: std::env::vars_os()
                .map(|(k, v)| {
                    (
                        k.to_string_lossy().into_owned(),
                        v.to_string_lossy().into_owned(),
                    )
                })
                .collect(),
        }
    }

    /// The variable `name` as (spelling, value).
    pub fn entry(&self, name: &str) -> Option<(&str, &str)> {
        if let Some((k, v)) = self.vars.get_key_value(name) {
            return Some((k, v));
        }
        if !self.case_insensitive {
            return None;
        }
        self.vars
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.entry(name).map(|(_, v)| v)
    }

    /// A variable set to a non-empty value: what Go counts as set.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// The PATH entries, in order, without empty ones.
    pub fn path_dirs(&self, windows: bool) -> Vec<String> {
        dirs_of(self.get("PATH").unwrap_or(""), windows)
    }
}

/// This process's PATH entries, as [`EnvFacts::path_dirs`] gives them after
/// [`EnvFacts::collect`], without reading the rest of the environment first.
pub fn process_path_dirs(windows: bool) -> Vec<String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    dirs_of(&path.to_string_lossy(), windows)
}

fn dirs_of(path: &str, windows: bool) -> Vec<String> {
    split_path_list(path, windows)
        .into_iter()
        .filter(|d| !d.is_empty())
        .collect()
}

/// Split a PATH-style list as Go's `filepath.SplitList` does: `:` on Unix; on Windows `;`,
/// where a `"`-quoted stretch may hold `;` and the quotes are removed.
pub fn split_path_list(value: &str, windows: bool) -> Vec<String> {
    if value.is_empty() {
        return Vec::new();
    }
    if !windows {
        return value.split(':').map(str::to_owned).collect();
    }
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => out.push(String::new()),
            c => out.last_mut().expect("never empty").push(c),
        }
    }
    out
}

/// Every executable named `name` in `dirs`, in order (`name.exe` on Windows).
pub fn find_all(dirs: &[String], name: &str) -> Vec<PathBuf> {
    executables(dirs, name).collect()
}

/// The first executable named `name` in `dirs`; the folders after it are not looked in.
pub fn find_first(dirs: &[String], name: &str) -> Option<PathBuf> {
    executables(dirs, name).next()
}

fn executables<'d>(dirs: &'d [String], name: &str) -> impl Iterator<Item = PathBuf> + 'd {
    let file = if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_owned()
    };
    dirs.iter()
        .map(move |d| Path::new(d).join(&file))
        .filter(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_names_are_case_insensitive_and_keep_their_spelling() {
        let mut env = EnvFacts {
            case_insensitive: true,
            vars: BTreeMap::from([("Path".into(), "C:\\Go\\bin".into())]),
        };
        assert_eq!(env.entry("PATH"), Some(("Path", "C:\\Go\\bin")));
        env.case_insensitive = false;
        assert_eq!(env.get("PATH"), None);
    }

    #[test]
    fn path_lists_split_like_go() {
        assert_eq!(split_path_list("/a::/b", false), ["/a", "", "/b"]);
        assert_eq!(
            split_path_list(r#"C:\Go\bin;"C:\odd;dir";;D:\x"#, true),
            [r"C:\Go\bin", r"C:\odd;dir", "", r"D:\x"]
        );
        assert!(split_path_list("", false).is_empty());
        let env = EnvFacts {
            case_insensitive: false,
            vars: BTreeMap::from([("PATH".into(), ":/usr/bin:".into())]),
        };
        assert_eq!(env.path_dirs(false), ["/usr/bin"]);
        let windows = cfg!(windows);
        assert_eq!(
            process_path_dirs(windows),
            EnvFacts::collect().path_dirs(windows)
        );
    }
}
