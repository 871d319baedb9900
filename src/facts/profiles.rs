//! The user's shell and PowerShell profiles: where they are, reading them, and which
//! profile line set a variable (provenance).
//!
//! Files, per shell, in the order the shell reads them (a later assignment wins):
//!
//! | shell | files |
//! |---|---|
//! | sh (dash, ksh) | `~/.profile` |
//! | bash | `~/.profile`, `~/.bash_login`, `~/.bash_profile`, `~/.bashrc` |
//! | zsh | `$ZDOTDIR` (default `~`): `.zshenv`, `.zprofile`, `.zshrc`, `.zlogin` |
//! | fish | `$XDG_CONFIG_HOME/fish/config.fish` (default `~/.config/fish/config.fish`) |
//! | PowerShell 7 on Linux/macOS | `$XDG_CONFIG_HOME/powershell/profile.ps1`, `.../Microsoft.PowerShell_profile.ps1` (default `~/.config/powershell`) |
//! | PowerShell 7 | `$PSHOME\profile.ps1`, `$PSHOME\Microsoft.PowerShell_profile.ps1`, `Documents\PowerShell\profile.ps1`, `Documents\PowerShell\Microsoft.PowerShell_profile.ps1` |
//! | Windows PowerShell 5.1 | the same with `Documents\WindowsPowerShell` and its `$PSHOME` |
//!
//! A bash login shell reads only the first of `.bash_profile`, `.bash_login`, `.profile`
//! and an interactive one `.bashrc`; the order above is the usual setup, where
//! `.bash_profile` sources `.profile` and then `.bashrc`. zsh reads `.zshenv`,
//! `.zprofile` (login), `.zshrc` (interactive), `.zlogin` (login), in that order (zsh(1),
//! "STARTUP/SHUTDOWN FILES"). PowerShell's four profiles and their load order are those
//! of Microsoft's about_Profiles
//! (<https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_profiles>):
//! All Users All Hosts, All Users Current Host, Current User All Hosts, Current User
//! Current Host. `$PSHOME` is an automatic variable, not an environment variable: it is
//! taken from the environment when set there, else the standard install folders
//! (`%SystemRoot%\System32\WindowsPowerShell\v1.0`, `%ProgramFiles%\PowerShell\7`).
//!
//! The user's shell is `$SHELL` (its login shell) elsewhere, and on Windows PowerShell 7
//! or 5.1 by `PSModulePath`; when it is unknown every profile counts, in the table's
//! order. Windows profiles are looked for only on Windows, POSIX ones only elsewhere.

use std::collections::BTreeMap;
use std::io::Read;

use super::env::EnvFacts;
use super::goenv_file::FileFact;
use super::Facts;
use crate::document::{decode, Document, Encoding, Node, SourceText, Target};
use crate::source;

/// Profiles larger than this are not read (a recorded error, not a failure).
pub const MAX_PROFILE_SIZE: u64 = 1024 * 1024;

/// The shells whose profiles gopolicy reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Sh,
    Bash,
    Zsh,
    Fish,
    /// PowerShell 7 (`pwsh`).
    Pwsh,
    /// Windows PowerShell 5.1 (`powershell.exe`).
    WindowsPowershell,
}

/// A profile path and the shells that read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub shells: &'static [Shell],
}

/// Every profile path for `os`, in the order shells read them.
pub fn locate(os: &str, env: &EnvFacts) -> Vec<Location> {
    let mut out = Vec::new();
    let mut add = |path: String, shells: &'static [Shell]| out.push(Location { path, shells });
    if os == "windows" {
        powershell_locations(env, &mut add);
        return out;
    }
    let Some(home) = env.non_empty("HOME").map(|h| h.trim_end_matches('/')) else {
        return out;
    };
    add(format!("{home}/.profile"), &[Shell::Sh, Shell::Bash]);
    for name in [".bash_login", ".bash_profile", ".bashrc"] {
        add(format!("{home}/{name}"), &[Shell::Bash]);
    }
    let zdotdir = env
        .non_empty("ZDOTDIR")
        .map_or(home, |d| d.trim_end_matches('/'));
    for name in [".zshenv", ".zprofile", ".zshrc", ".zlogin"] {
        add(format!("{zdotdir}/{name}"), &[Shell::Zsh]);
    }
    // fish reads `$XDG_CONFIG_HOME/fish`, or `~/.config/fish` when it is unset or empty.
    let config = env
        .non_empty("XDG_CONFIG_HOME")
        .map(|d| d.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| format!("{home}/.config"));
    add(format!("{config}/fish/config.fish"), &[Shell::Fish]);
    // PowerShell 7 on Linux and macOS (about_Profiles: `~/.config/powershell`; it
    // follows XDG_CONFIG_HOME as fish does): all hosts, then the console host.
    for name in ["profile.ps1", "Microsoft.PowerShell_profile.ps1"] {
        add(format!("{config}/powershell/{name}"), &[Shell::Pwsh]);
    }
    out
}

fn powershell_locations(env: &EnvFacts, add: &mut impl FnMut(String, &'static [Shell])) {
    const PWSH: &[Shell] = &[Shell::Pwsh];
    const WINPS: &[Shell] = &[Shell::WindowsPowershell];
    let join = |dir: &str, name: &str| format!("{}\\{name}", dir.trim_end_matches(['\\', '/']));
    // $PSHOME: the environment's when set, else each edition's standard install folder.
    let mut homes: Vec<(String, &'static [Shell])> = Vec::new();
    if let Some(pshome) = env.non_empty("PSHOME") {
        let shells = if pshome.contains("WindowsPowerShell") {
            WINPS
        } else {
            PWSH
        };
        homes.push((pshome.to_owned(), shells));
    } else {
        if let Some(root) = env.non_empty("SystemRoot") {
            homes.push((join(root, "System32\\WindowsPowerShell\\v1.0"), WINPS));
        }
        if let Some(pf) = env.non_empty("ProgramFiles") {
            homes.push((join(pf, "PowerShell\\7"), PWSH));
        }
    }
    // The current user's profiles are under Documents. When OneDrive's folder backup
    // redirects Documents (to `%USERPROFILE%\OneDrive\Documents`), PowerShell follows the
    // redirection and these paths do not exist; the standard path is used here all the same.
    let docs = env
        .non_empty("USERPROFILE")
        .map(|home| join(home, "Documents"));
    for (edition, shells) in [("WindowsPowerShell", WINPS), ("PowerShell", PWSH)] {
        for (home, _) in homes.iter().filter(|(_, s)| *s == shells) {
            add(join(home, "profile.ps1"), shells);
            add(join(home, "Microsoft.PowerShell_profile.ps1"), shells);
        }
        if let Some(docs) = &docs {
            let dir = join(docs, edition);
            add(join(&dir, "profile.ps1"), shells);
            add(join(&dir, "Microsoft.PowerShell_profile.ps1"), shells);
        }
    }
}

/// The profiles of this machine that exist (or could not be read), in reading order.
pub fn collect(os: &str, env: &EnvFacts) -> Vec<FileFact> {
    locate(os, env)
        .into_iter()
        .map(|l| read_capped(&l.path, MAX_PROFILE_SIZE))
        .filter(|f| f.text.is_some() || f.error.is_some())
        .collect()
}

/// Read a profile: UTF-8 or UTF-16 with a BOM (Windows PowerShell 5.1 writes UTF-16),
/// anything else as lossy UTF-8; at most `max` bytes.
pub fn read_capped(path: &str, max: u64) -> FileFact {
    let fact = |text, error| FileFact {
        path: path.to_owned(),
        text,
        error,
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return fact(None, None),
        Err(e) => return fact(None, Some(e.to_string())),
    };
    match file.metadata() {
        Ok(m) if m.is_dir() => return fact(None, Some("is a directory".into())),
        Ok(m) if m.len() > max => {
            let error = format!("larger than {max} bytes ({} bytes); not read", m.len());
            return fact(None, Some(error));
        }
        Ok(_) => {}
        Err(e) => return fact(None, Some(e.to_string())),
    }
    let mut bytes = Vec::new();
    if let Err(e) = file.take(max + 1).read_to_end(&mut bytes) {
        return fact(None, Some(e.to_string()));
    }
    if bytes.len() as u64 > max {
        return fact(None, Some(format!("larger than {max} bytes; not read")));
    }
    let text = match decode(&bytes) {
        Ok((text, _)) => text,
        Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
    };
    fact(Some(text), None)
}

/// The kind of script a profile is, by its name.
pub fn target_of(path: &str) -> Target {
    if path.to_ascii_lowercase().ends_with(".ps1") {
        Target::Powershell
    } else {
        Target::Shell
    }
}

/// A profile, parsed as its kind, at its own path.
pub fn parse(file: &FileFact) -> Option<Document> {
    let text = file.text.clone()?;
    let source = SourceText::new(file.path.clone(), text, Encoding::Utf8);
    Some(source::parse(source, target_of(&file.path)))
}

/// The profile assignment that sets a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileSetting {
    pub path: String,
    /// 1-based line of the variable's name.
    pub line: usize,
    /// The value as the script gives it: decoded when static, else its source text.
    pub value: String,
    /// `value` with `~`, `$NAME`, `${NAME}` (POSIX, fish) or `$env:NAME`, `$HOME`
    /// (PowerShell) replaced from the process environment; None when anything else is
    /// left to expand (a command substitution, an unset variable).
    pub expanded: Option<String>,
}

impl ProfileSetting {
    /// `/home/u/.zshrc line 12`
    pub fn place(&self) -> String {
        format!("{} line {}", self.path, self.line)
    }
}

impl Facts {
    /// The shell whose profiles count: `$SHELL`'s, or on Windows the PowerShell edition
    /// `PSModulePath` shows; None when unknown.
    pub fn profile_shell(&self) -> Option<Shell> {
        let env = &self.env;
        if self.is_windows() {
            let pwsh7 = env.get("POWERSHELL_DISTRIBUTION_CHANNEL").is_some()
                || env
                    .get("PSModulePath")
                    .is_some_and(|p| p.contains("PowerShell\\7"));
            return match env.get("PSModulePath") {
                _ if pwsh7 => Some(Shell::Pwsh),
                Some(_) => Some(Shell::WindowsPowershell),
                None => None,
            };
        }
        let shell = env.get("SHELL").unwrap_or("");
        match shell.rsplit('/').next().unwrap_or("") {
            "bash" => Some(Shell::Bash),
            "zsh" => Some(Shell::Zsh),
            "fish" => Some(Shell::Fish),
            "sh" | "dash" | "ksh" | "mksh" => Some(Shell::Sh),
            "pwsh" => Some(Shell::Pwsh),
            _ => None,
        }
    }

    /// For each variable the profiles of the user's shell export into the process
    /// environment (not `setx`, a `go env -w`, a one-command prefix, or a fish universal
    /// variable), the last assignment in the order the shell reads them. Names are
    /// upper-cased where the OS ignores case.
    pub fn profile_settings(&self) -> BTreeMap<String, ProfileSetting> {
        self.profile_settings_from(&[])
    }

    /// [`Facts::profile_settings`], taking a profile's document from `parsed` (what
    /// [`parse`] made of these facts' profiles) when it is there, not parsing it again.
    pub fn profile_settings_from(
        &self,
        parsed: &[std::sync::Arc<Document>],
    ) -> BTreeMap<String, ProfileSetting> {
        let shell = self.profile_shell();
        let os = if self.is_windows() { "windows" } else { "" };
        let order = locate(os, &self.env);
        let rank = |path: &str| {
            order
                .iter()
                .position(|l| l.path == path)
                .map(|i| (i, &order[i]))
        };
        let mut files: Vec<(usize, &FileFact)> = self
            .profiles
            .iter()
            .filter_map(|f| match rank(&f.path) {
                Some((i, l)) if shell.is_none_or(|s| l.shells.contains(&s)) => Some((i, f)),
                // A profile this machine's paths do not name (a snapshot from elsewhere):
                // read last, and only when the shell is unknown or it is of the shell's kind.
                None if shell.is_none_or(|s| kind_matches(s, &f.path)) => Some((usize::MAX, f)),
                _ => None,
            })
            .collect();
        files.sort_by_key(|(i, _)| *i);
        let mut out = BTreeMap::new();
        for (_, file) in files {
            let target = target_of(&file.path);
            match parsed
                .iter()
                .find(|d| d.path() == file.path && d.target == target)
            {
                Some(doc) => out.extend(self.assignments_in(doc)),
                None => out.extend(self.profile_assignments(file)),
            }
        }
        out
    }

    /// The variables one profile exports into the session, in file order (see
    /// [`Facts::profile_settings`] for which assignments count).
    pub fn profile_assignments(&self, file: &FileFact) -> Vec<(String, ProfileSetting)> {
        match parse(file) {
            Some(doc) => self.assignments_in(&doc),
            None => Vec::new(),
        }
    }

    fn assignments_in(&self, doc: &Document) -> Vec<(String, ProfileSetting)> {
        list(doc.root.get("assignments"))
            .filter_map(|assignment| self.setting_of(doc, assignment))
            .collect()
    }

    fn setting_of(&self, doc: &Document, assignment: &Node) -> Option<(String, ProfileSetting)> {
        let s = |key: &str| assignment.get(key).and_then(Node::as_str);
        if s("persists") != Some("process") || s("how") == Some("command-prefix") {
            return None;
        }
        let name_node = assignment.get("name")?;
        let mut name = name_node.as_str()?.to_owned();
        if self.env.case_insensitive {
            name = name.to_ascii_uppercase();
        }
        let value_node = assignment.get("value")?;
        let value = value_node
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| doc.raw(value_node.span).to_owned());
        let tilde = assignment.get("expands_tilde").is_some();
        let expanded = expand(&value, doc.target == Target::Powershell, tilde, &self.env);
        let line = doc.source.position(name_node.span.start).line;
        let setting = ProfileSetting {
            path: doc.path().to_owned(),
            line,
            value,
            expanded,
        };
        Some((name, setting))
    }
}

fn kind_matches(shell: Shell, path: &str) -> bool {
    let powershell = target_of(path) == Target::Powershell;
    matches!(shell, Shell::Pwsh | Shell::WindowsPowershell) == powershell
}

fn list(node: Option<&Node>) -> impl Iterator<Item = &Node> {
    let items = match node.map(|n| &n.value) {
        Some(crate::document::Value::List(items)) => items.as_slice(),
        _ => &[],
    };
    items.iter()
}

/// A profile value with the environment's variables put in (see [`ProfileSetting`]).
fn expand(value: &str, powershell: bool, tilde: bool, env: &EnvFacts) -> Option<String> {
    let mut text = value;
    if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        text = &text[1..text.len() - 1];
    }
    let mut out = String::new();
    let mut rest = text;
    if tilde && !powershell {
        if let Some(after) = rest.strip_prefix('~') {
            if after.is_empty() || after.starts_with('/') {
                out.push_str(env.non_empty("HOME")?);
                rest = after;
            }
        }
    }
    let ident = |s: &str| {
        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len())
    };
    while let Some(i) = rest.find(['$', '`', '"', '\'', '\\']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix('\\') {
            // A path separator on Windows; an escape in a POSIX double-quoted string.
            if !powershell {
                return None;
            }
            out.push('\\');
            rest = after;
            continue;
        }
        // A quote or backquote left over: not something to expand here.
        let after = tail.strip_prefix('$')?;
        let (name, used) = if powershell {
            if after.len() >= 4 && after[..4].eq_ignore_ascii_case("env:") {
                let n = ident(&after[4..]);
                (&after[4..4 + n], 1 + 4 + n)
            } else {
                let n = ident(after);
                if !after[..n].eq_ignore_ascii_case("HOME") {
                    return None;
                }
                // PowerShell's $HOME is the user's profile folder.
                let home = if env.case_insensitive {
                    "USERPROFILE"
                } else {
                    "HOME"
                };
                (home, 1 + n)
            }
        } else if let Some(braced) = after.strip_prefix('{') {
            let n = ident(braced);
            if !braced[n..].starts_with('}') {
                return None;
            }
            (&braced[..n], 1 + 1 + n + 1)
        } else {
            let n = ident(after);
            (&after[..n], 1 + n)
        };
        if name.is_empty() {
            return None;
        }
        out.push_str(env.get(name)?);
        rest = &tail[used..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn paths(l: &[Location]) -> Vec<&str> {
        l.iter().map(|l| l.path.as_str()).collect()
    }

    #[test]
    fn posix_profiles_follow_zdotdir_and_xdg() {
        let e = EnvFacts::from_pairs(
            &[
                ("HOME", "/h/"),
                ("ZDOTDIR", "/z"),
                ("XDG_CONFIG_HOME", "/x"),
            ],
            false,
        );
        assert_eq!(
            paths(&locate("linux", &e)),
            [
                "/h/.profile",
                "/h/.bash_login",
                "/h/.bash_profile",
                "/h/.bashrc",
                "/z/.zshenv",
                "/z/.zprofile",
                "/z/.zshrc",
                "/z/.zlogin",
                "/x/fish/config.fish",
                "/x/powershell/profile.ps1",
                "/x/powershell/Microsoft.PowerShell_profile.ps1",
            ]
        );
        let e = EnvFacts::from_pairs(&[("HOME", "/h")], false);
        let found = locate("macos", &e);
        assert_eq!(found[6].path, "/h/.zshrc");
        assert_eq!(found[8].path, "/h/.config/fish/config.fish");
        assert!(locate("linux", &EnvFacts::from_pairs(&[], false)).is_empty());
    }

    #[test]
    fn windows_powershell_profiles_in_load_order() {
        let e = EnvFacts::from_pairs(
            &[
                ("USERPROFILE", r"C:\Users\me"),
                ("SystemRoot", r"C:\WINDOWS"),
                ("ProgramFiles", r"C:\Program Files"),
            ],
            true,
        );
        assert_eq!(
            paths(&locate("windows", &e)),
            [
                r"C:\WINDOWS\System32\WindowsPowerShell\v1.0\profile.ps1",
                r"C:\WINDOWS\System32\WindowsPowerShell\v1.0\Microsoft.PowerShell_profile.ps1",
                r"C:\Users\me\Documents\WindowsPowerShell\profile.ps1",
                r"C:\Users\me\Documents\WindowsPowerShell\Microsoft.PowerShell_profile.ps1",
                r"C:\Program Files\PowerShell\7\profile.ps1",
                r"C:\Program Files\PowerShell\7\Microsoft.PowerShell_profile.ps1",
                r"C:\Users\me\Documents\PowerShell\profile.ps1",
                r"C:\Users\me\Documents\PowerShell\Microsoft.PowerShell_profile.ps1",
            ]
        );
    }

    #[test]
    fn unreadable_and_oversized_profiles_are_errors_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join(".bashrc");
        std::fs::write(&big, "x".repeat(100)).unwrap();
        let f = read_capped(&big.to_string_lossy(), 10);
        assert!(f.text.is_none() && f.error.as_deref().unwrap().contains("larger than 10"));
        let f = read_capped(&dir.path().to_string_lossy(), 10);
        assert!(f.error.is_some());
        let f = read_capped(&dir.path().join("none").to_string_lossy(), 10);
        assert_eq!((f.text, f.error), (None, None));
        // UTF-16LE with a BOM, as Windows PowerShell 5.1 writes.
        let ps = dir.path().join("profile.ps1");
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(
            "$env:GOPATH = 'C:\\go'\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        std::fs::write(&ps, bytes).unwrap();
        let f = read_capped(&ps.to_string_lossy(), 1000);
        assert_eq!(f.text.as_deref(), Some("$env:GOPATH = 'C:\\go'\n"));
    }

    #[test]
    fn values_expand_from_the_environment() {
        let e = EnvFacts::from_pairs(&[("HOME", "/h"), ("USERPROFILE", r"C:\U")], false);
        assert_eq!(
            expand("$HOME/go", false, false, &e).as_deref(),
            Some("/h/go")
        );
        assert_eq!(
            expand("\"${HOME}/go\"", false, false, &e).as_deref(),
            Some("/h/go")
        );
        assert_eq!(expand("~/go", false, true, &e).as_deref(), Some("/h/go"));
        assert_eq!(expand("~/go", false, false, &e).as_deref(), Some("~/go"));
        assert_eq!(expand("$(go env GOPATH)", false, false, &e), None);
        assert_eq!(expand("$NOPE/go", false, false, &e), None);
        let w = EnvFacts::from_pairs(&[("USERPROFILE", r"C:\U")], true);
        assert_eq!(
            expand(r#""$env:USERPROFILE\go""#, true, false, &w).as_deref(),
            Some(r"C:\U\go")
        );
        assert_eq!(
            expand(r"$HOME\go", true, false, &w).as_deref(),
            Some(r"C:\U\go")
        );
        assert_eq!(expand("$x", true, false, &w), None);
    }

    #[test]
    fn the_last_assignment_of_the_users_shell_wins() {
        let file = |path: &str, text: &str| FileFact {
            path: path.into(),
            text: Some(text.into()),
            error: None,
        };
        let mut facts: Facts = serde_json::from_str(r#"{"snapshot_version": 1}"#).unwrap();
        facts.os.os = "linux".into();
        facts.env = EnvFacts::from_pairs(&[("HOME", "/h"), ("SHELL", "/bin/zsh")], false);
        facts.profiles = vec![
            file("/h/.profile", "export GOPATH=/p\n"),
            file("/h/.zshenv", "export GOPATH=/env\n"),
            file(
                "/h/.zshrc",
                "# go\n\nexport GOPATH=$HOME/go\nGOFLAGS=-x go build\n",
            ),
        ];
        let s = facts.profile_settings();
        let gopath = &s["GOPATH"];
        assert_eq!(gopath.place(), "/h/.zshrc line 3");
        assert_eq!(gopath.value, "$HOME/go");
        assert_eq!(gopath.expanded.as_deref(), Some("/h/go"));
        assert!(
            !s.contains_key("GOFLAGS"),
            "a command prefix is not a profile setting"
        );
        facts.env.vars.insert("SHELL".into(), "/bin/bash".into());
        assert_eq!(
            facts.profile_settings()["GOPATH"].place(),
            "/h/.profile line 1"
        );
        // From documents parsed already, the same; a profile missing from them is
        // parsed.
        let parsed: Vec<_> = facts
            .profiles
            .iter()
            .filter_map(parse)
            .map(Arc::new)
            .collect();
        for given in [&parsed[..], &parsed[..1], &[]] {
            assert_eq!(facts.profile_settings_from(given), facts.profile_settings());
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/machines");
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let facts = Facts::load(&entry.path()).unwrap();
            let docs: Vec<_> = crate::facts::documents::without_go(&facts, "")
                .into_iter()
                .map(Arc::new)
                .collect();
            assert_eq!(facts.profile_settings_from(&docs), facts.profile_settings());
        }
    }
}
