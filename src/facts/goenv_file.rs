//! Where the go env file is (what `go env -w` writes), as cmd/go finds it
//! (`cfg.EnvFile` and `os.UserConfigDir`, go1.27.3), and reading it and `$GOROOT/go.env`.

use super::env::EnvFacts;

/// A file read for its settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FileFact {
    pub path: String,
    /// The whole text (lossy UTF-8); None when the file is missing or unreadable.
    pub text: Option<String>,
    /// Why it could not be read; None for a file that simply does not exist.
    pub error: Option<String>,
}

impl FileFact {
    pub fn read(path: &str) -> Self {
        use crate::workspace::load::{read_regular, ReadError};
        // Bounded and regular files only: a profile that is a FIFO must not hang a run.
        let limit = crate::diag::config::DEFAULT_MAX_FILE_SIZE;
        let (text, error) = match read_regular(std::path::Path::new(path), limit) {
            Ok(bytes) => (Some(String::from_utf8_lossy(&bytes).into_owned()), None),
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => (None, None),
            Err(ReadError::Io(e)) => (None, Some(e.to_string())),
            Err(e) => (None, Some(e.to_string())),
        };
        FileFact {
            path: path.to_owned(),
            text,
            error,
        }
    }
}

/// The go env file of a machine.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct GoEnvFile {
    /// How the path was chosen: `GOENV` (the variable names it), `default` (the OS's user
    /// config folder), `off` (GOENV=off: no file), `none` (no config folder: see error).
    pub located_by: String,
    pub file: Option<FileFact>,
    /// Why there is no file when `located_by` is `none`.
    pub error: Option<String>,
}

impl GoEnvFile {
    pub fn collect(os: &str, env: &EnvFacts) -> Self {
        let mut located = locate(os, env);
        if let Some(file) = &mut located.file {
            *file = FileFact::read(&file.path);
        }
        located
    }
}

/// GOENV if set (GOENV=off means none), else `<user config dir>/go/env`.
pub fn locate(os: &str, env: &EnvFacts) -> GoEnvFile {
    let file = |path: String| {
        Some(FileFact {
            path,
            ..FileFact::default()
        })
    };
    match env.non_empty("GOENV") {
        Some("off") => GoEnvFile {
            located_by: "off".into(),
            ..GoEnvFile::default()
        },
        Some(path) => GoEnvFile {
            located_by: "GOENV".into(),
            file: file(path.to_owned()),
            error: None,
        },
        None => match user_config_dir(os, env) {
            Ok(dir) => {
                let sep = if os == "windows" { "\\" } else { "/" };
                let dir = dir.trim_end_matches(['/', '\\']);
                GoEnvFile {
                    located_by: "default".into(),
                    file: file(format!("{dir}{sep}go{sep}env")),
                    error: None,
                }
            }
            Err(error) => GoEnvFile {
                located_by: "none".into(),
                file: None,
                error: Some(error.into()),
            },
        },
    }
}

/// Go's `os.UserConfigDir`, with its error texts.
fn user_config_dir(os: &str, env: &EnvFacts) -> Result<String, &'static str> {
    match os {
        "windows" => env
            .non_empty("AppData")
            .map(str::to_owned)
            .ok_or("%AppData% is not defined"),
        "macos" | "ios" => env
            .non_empty("HOME")
            .map(|h| format!("{h}/Library/Application Support"))
            .ok_or("$HOME is not defined"),
        _ => match env.non_empty("XDG_CONFIG_HOME") {
            Some(dir) if dir.starts_with('/') => Ok(dir.to_owned()),
            Some(_) => Err("path in $XDG_CONFIG_HOME is relative"),
            None => env
                .non_empty("HOME")
                .map(|h| format!("{h}/.config"))
                .ok_or("neither $XDG_CONFIG_HOME nor $HOME are defined"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(g: &GoEnvFile) -> Option<&str> {
        g.file.as_ref().map(|f| f.path.as_str())
    }

    #[test]
    fn each_os_default() {
        let e = EnvFacts::from_pairs(&[("HOME", "/home/me")], false);
        assert_eq!(path(&locate("linux", &e)), Some("/home/me/.config/go/env"));
        let e = EnvFacts::from_pairs(&[("HOME", "/home/me"), ("XDG_CONFIG_HOME", "/x/")], false);
        assert_eq!(path(&locate("linux", &e)), Some("/x/go/env"));
        let e = EnvFacts::from_pairs(&[("HOME", "/Users/me")], false);
        assert_eq!(
            path(&locate("macos", &e)),
            Some("/Users/me/Library/Application Support/go/env")
        );
        let e = EnvFacts::from_pairs(&[("APPDATA", r"C:\Users\me\AppData\Roaming")], true);
        assert_eq!(
            path(&locate("windows", &e)),
            Some(r"C:\Users\me\AppData\Roaming\go\env")
        );
    }

    #[test]
    fn goenv_wins_and_off_means_none() {
        let e = EnvFacts::from_pairs(&[("HOME", "/h"), ("GOENV", "/etc/goenv")], false);
        let g = locate("linux", &e);
        assert_eq!(
            (g.located_by.as_str(), path(&g)),
            ("GOENV", Some("/etc/goenv"))
        );
        let g = locate("linux", &EnvFacts::from_pairs(&[("GOENV", "off")], false));
        assert_eq!((g.located_by.as_str(), path(&g)), ("off", None));
        let g = locate(
            "linux",
            &EnvFacts::from_pairs(&[("XDG_CONFIG_HOME", "rel")], false),
        );
        assert_eq!(
            g.error.as_deref(),
            Some("path in $XDG_CONFIG_HOME is relative")
        );
    }
}
