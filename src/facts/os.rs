//! The operating system, the architecture and WSL.
//!
//! On WSL, Linux tools reach the Windows drives through `/mnt/<letter>/` (a 9P mount):
//! a GOPATH, module cache or build cache there is slow and loses Unix permissions, so
//! which of them live there is a fact of its own.

use std::collections::BTreeMap;

use super::env::{split_path_list, EnvFacts};

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct OsFacts {
    /// Rust's `std::env::consts::OS`: `linux`, `macos`, `windows`, ...
    pub os: String,
    /// Rust's `std::env::consts::ARCH`: `x86_64`, `aarch64`, ...
    pub arch: String,
    /// The working directory gopolicy ran in.
    pub cwd: Option<String>,
    /// Present only on WSL.
    pub wsl: Option<Wsl>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Wsl {
    /// `/proc/sys/kernel/osrelease`, trimmed.
    pub kernel_release: Option<String>,
    /// `WSL_DISTRO_NAME`.
    pub distro: Option<String>,
    /// For `cwd`, `GOPATH`, `GOMODCACHE`, `GOCACHE`: whether it is on a Windows drive.
    pub on_windows_drive: BTreeMap<String, bool>,
}

impl OsFacts {
    pub fn collect(env: &EnvFacts) -> Self {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .ok()
            .map(|s| s.trim().to_owned());
        OsFacts {
            os: std::env::consts::OS.to_owned(),
            arch: std::env::consts::ARCH.to_owned(),
            cwd: std::env::current_dir()
                .ok()
                .map(|d| d.to_string_lossy().into_owned()),
            wsl: detect_wsl(release, env.non_empty("WSL_DISTRO_NAME")),
        }
    }

    pub fn is_windows(&self) -> bool {
        self.os == "windows"
    }

    /// Fill in which Go folders are on a Windows drive; `value` gives each variable's value.
    pub fn mark_windows_drives(&mut self, value: impl Fn(&str) -> Option<String>) {
        let cwd = self.cwd.clone();
        let Some(wsl) = &mut self.wsl else { return };
        wsl.on_windows_drive.clear();
        if let Some(cwd) = cwd {
            wsl.on_windows_drive
                .insert("cwd".into(), on_windows_drive(&cwd));
        }
        for name in ["GOPATH", "GOMODCACHE", "GOCACHE"] {
            if let Some(v) = value(name).filter(|v| !v.is_empty()) {
                // GOPATH is a list: any entry on a drive counts.
                let any = split_path_list(&v, false)
                    .iter()
                    .any(|p| on_windows_drive(p));
                wsl.on_windows_drive.insert(name.into(), any);
            }
        }
    }
}

/// WSL 1 kernels say `...-Microsoft`, WSL 2 `...-microsoft-standard-WSL2`; WSL also sets
/// WSL_DISTRO_NAME in every shell it starts.
fn detect_wsl(release: Option<String>, distro: Option<&str>) -> Option<Wsl> {
    let kernel_says = release
        .as_deref()
        .is_some_and(|r| r.to_lowercase().contains("microsoft") || r.contains("WSL"));
    (kernel_says || distro.is_some()).then(|| Wsl {
        kernel_release: release,
        distro: distro.map(str::to_owned),
        on_windows_drive: BTreeMap::new(),
    })
}

/// `/mnt/c` or `/mnt/c/...`: a Windows drive as WSL mounts it by default.
pub fn on_windows_drive(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/mnt/") else {
        return false;
    };
    let mut chars = rest.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && matches!(chars.next(), None | Some('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wsl_from_the_kernel_or_the_distro_variable() {
        let wsl2 = Some("5.15.153.1-microsoft-standard-WSL2".to_owned());
        assert!(detect_wsl(wsl2, None).is_some());
        assert!(detect_wsl(Some("4.4.0-19041-Microsoft".into()), None).is_some());
        assert!(detect_wsl(Some("6.8.0-45-generic".into()), None).is_none());
        assert!(detect_wsl(None, Some("Ubuntu")).is_some());
    }

    #[test]
    fn windows_drives_are_one_letter_under_mnt() {
        assert!(on_windows_drive("/mnt/c/Users/me/go"));
        assert!(on_windows_drive("/mnt/d"));
        assert!(!on_windows_drive("/mnt/data/go"));
        assert!(!on_windows_drive("/home/me/go"));
        let mut os = OsFacts {
            cwd: Some("/home/me".into()),
            wsl: detect_wsl(None, Some("Ubuntu")),
            ..OsFacts::default()
        };
        os.mark_windows_drives(|n| (n == "GOPATH").then(|| "/home/me/go:/mnt/c/go".to_owned()));
        let marks = &os.wsl.unwrap().on_windows_drive;
        assert_eq!(marks.get("GOPATH"), Some(&true));
        assert_eq!(marks.get("cwd"), Some(&false));
        assert_eq!(marks.get("GOCACHE"), None);
    }
}
