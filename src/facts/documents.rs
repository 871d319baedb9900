//! The documents rules see for a machine:
//!
//! - `go-env-file`: the file `go env -w` writes, at its own path, so a diagnostic points
//!   at the line to change;
//! - each shell or PowerShell profile (`shell`, `powershell`), at its own path, so script
//!   and environment rules report at the profile's line;
//! - `process-env`: the process environment as YAML (`NAME: "value"`, names upper-cased
//!   where the OS ignores case), so `target = "env"` rules run on it as on any file; a
//!   derived `$origin` map after the variables names those a Windows registry variable
//!   gives (`registry (user)`, `registry (machine)`), since changing them means
//!   changing that variable;
//! - `machine`: the facts as YAML (see `docs/rule-format.md`), for rules about the
//!   machine as a whole: the go binaries on PATH, effective Go settings and their origins.
//!
//! The two views are rendered as text and parsed, so every value has a line to point at;
//! their paths are `<process-env>` and `<machine>` (prefixed by the snapshot's path when
//! the facts were loaded from one).

use std::collections::BTreeMap;

use super::origin::Origin;
use super::windows::{Edition, Kind, WindowsFacts};
use super::{profiles, Facts};
use crate::document::{Document, Encoding, SourceText, Target};
use crate::source;

pub fn documents(facts: &Facts, label: &str) -> Vec<Document> {
    let mut out = without_go(facts, label);
    out.push(machine(facts, label));
    out
}

/// The documents that need nothing from the go commands: the go env file, the
/// profiles and the process environment (what [`Facts::without_go`] holds).
pub fn without_go(facts: &Facts, label: &str) -> Vec<Document> {
    let mut out = Vec::new();
    if let Some(file) = &facts.go_env_file.file {
        if let Some(text) = &file.text {
            let source = SourceText::new(file.path.clone(), text.clone(), Encoding::Utf8);
            out.push(source::parse(source, Target::GoEnvFile));
        }
    }
    out.extend(facts.profiles.iter().filter_map(profiles::parse));
    out.push(view(
        label,
        "process-env",
        process_env_yaml(facts),
        Target::ProcessEnv,
    ));
    out
}

/// The `machine` document.
pub fn machine(facts: &Facts, label: &str) -> Document {
    machine_with(facts, &facts.profile_settings(), label)
}

/// The `machine` document, given the facts' [`Facts::profile_settings`], which need
/// nothing from go and can be worked out while it runs.
pub fn machine_with(
    facts: &Facts,
    profile: &BTreeMap<String, profiles::ProfileSetting>,
    label: &str,
) -> Document {
    view(
        label,
        "machine",
        machine_yaml(facts, profile),
        Target::Machine,
    )
}

fn view(label: &str, name: &str, text: String, target: Target) -> Document {
    let path = format!("{label}<{name}>");
    source::parse(SourceText::new(path, text, Encoding::Utf8), target)
}

/// A JSON string is a YAML double-quoted scalar: every value stays a string.
fn q(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

fn process_env_yaml(facts: &Facts) -> String {
    let mut vars: BTreeMap<String, &str> = BTreeMap::new();
    for (name, value) in &facts.env.vars {
        let name = if facts.env.case_insensitive {
            name.to_ascii_uppercase()
        } else {
            name.clone()
        };
        vars.insert(name, value);
    }
    if vars.is_empty() {
        return "{}\n".to_owned();
    }
    let mut y: String = vars
        .iter()
        .map(|(k, v)| format!("{}: {}\n", q(k), q(v)))
        .collect();
    let origins: Vec<(&String, Origin)> = vars
        .iter()
        .filter_map(|(name, value)| {
            let windows = facts.windows.as_ref()?;
            let scope = windows.registry_source(name, value, &facts.env)?;
            Some((name, Origin::Registry { scope }))
        })
        .collect();
    if !origins.is_empty() {
        y.push_str("\"$origin\":\n");
        for (name, origin) in origins {
            y.push_str(&format!("  {}: {}\n", q(name), q(&origin.to_string())));
        }
    }
    y
}

fn machine_yaml(facts: &Facts, profile: &BTreeMap<String, profiles::ProfileSetting>) -> String {
    let mut y = String::new();
    let mut line = |indent: usize, text: String| {
        y.push_str(&" ".repeat(indent));
        y.push_str(&text);
        y.push('\n');
    };
    line(0, format!("os: {}", q(&facts.os.os)));
    line(0, format!("arch: {}", q(&facts.os.arch)));
    if let Some(wsl) = &facts.os.wsl {
        line(0, "wsl:".into());
        line(
            2,
            format!("distro: {}", q(wsl.distro.as_deref().unwrap_or(""))),
        );
        line(2, "on_windows_drive:".into());
        for (what, on) in &wsl.on_windows_drive {
            line(4, format!("{}: {on}", q(what)));
        }
    }
    line(0, "go:".into());
    if let Some(first) = &facts.go.first {
        line(2, format!("path: {}", q(first)));
    }
    if let Some(error) = &facts.go.env_error {
        line(2, format!("env_error: {}", q(error)));
    }
    let settings = facts.go_settings();
    if !settings.is_empty() {
        line(2, "env:".into());
        for (name, setting) in &settings {
            line(4, format!("{}: {}", q(name), q(&setting.value)));
        }
        line(2, "origin:".into());
        for (name, setting) in &settings {
            let mut origin = setting.origin.to_string();
            // A process value the profile gives (or may give: it cannot be expanded here).
            let from_profile = profile.get(name).filter(|p| {
                matches!(setting.origin, Origin::ProcessEnv { .. })
                    && p.expanded.as_ref().is_none_or(|v| *v == setting.value)
            });
            if let Some(p) = from_profile {
                origin.push_str(&format!(", set in {}", p.place()));
            }
            line(4, format!("{}: {}", q(name), q(&origin)));
        }
    }
    let file: BTreeMap<String, String> = facts
        .go_env_file_parsed()
        .map(|parsed| {
            let names = parsed.names();
            names
                .into_iter()
                .filter_map(|n| Some((n.clone(), parsed.lookup(&n)?.1)))
                .collect()
        })
        .unwrap_or_default();
    if !file.is_empty() {
        line(2, "file:".into());
        for (name, value) in &file {
            line(4, format!("{}: {}", q(name), q(value)));
        }
    }
    // Go variables only: those Go knows, and any GO*/CGO_* name.
    let go_profile: Vec<(&String, &profiles::ProfileSetting)> = profile
        .iter()
        .filter(|(n, _)| settings.contains_key(*n) || n.starts_with("GO") || n.starts_with("CGO_"))
        .collect();
    if !go_profile.is_empty() {
        line(2, "profile:".into());
        for (name, p) in &go_profile {
            line(4, format!("{}: {}", q(name), q(&p.value)));
        }
        if go_profile.iter().any(|(_, p)| p.expanded.is_some()) {
            line(2, "profile_value:".into());
            for (name, p) in &go_profile {
                if let Some(v) = &p.expanded {
                    line(4, format!("{}: {}", q(name), q(v)));
                }
            }
        }
        line(2, "profile_set_in:".into());
        for (name, p) in &go_profile {
            line(4, format!("{}: {}", q(name), q(&p.place())));
        }
    }
    line(2, "binaries:".into());
    for binary in &facts.go.binaries {
        line(4, format!("- path: {}", q(&binary.path)));
        if let Some(version) = &binary.version {
            line(6, format!("version: {}", q(version)));
        }
        if let Some(error) = &binary.error {
            line(6, format!("error: {}", q(error)));
        }
    }
    line(0, "path:".into());
    for dir in facts.env.path_dirs(facts.is_windows()) {
        line(2, format!("- {}", q(&dir)));
    }
    if let Some(file) = &facts.go_env_file.file {
        line(0, format!("go_env_file: {}", q(&file.path)));
    }
    let cc = &facts.c_toolchain;
    line(0, "c_toolchain:".into());
    for (key, value) in [
        ("cc", &cc.cc),
        ("cc_path", &cc.cc_path),
        ("pkg_config", &cc.pkg_config),
        ("pkg_config_path", &cc.pkg_config_path),
    ] {
        if let Some(value) = value {
            line(2, format!("{key}: {}", q(value)));
        }
    }
    if let Some(windows) = &facts.windows {
        y.push_str(&windows_yaml(facts, windows));
    }
    y
}

/// The `windows` section: the registry's environment and PowerShell's execution policy.
fn windows_yaml(facts: &Facts, w: &WindowsFacts) -> String {
    let mut y = String::new();
    let mut line = |indent: usize, text: String| {
        y.push_str(&" ".repeat(indent));
        y.push_str(&text);
        y.push('\n');
    };
    line(0, "windows:".into());
    if let Some(t) = &w.installation_type {
        line(2, format!("installation_type: {}", q(t)));
    }
    for (key, reg) in [("user_env", &w.user_env), ("machine_env", &w.machine_env)] {
        // Names upper-cased: the registry ignores their case, as Windows does.
        let vars: BTreeMap<String, (&str, Kind)> = reg
            .vars
            .keys()
            .filter_map(|name| reg.entry(name))
            .map(|(name, value, kind)| (name.to_ascii_uppercase(), (value, kind)))
            .collect();
        if vars.is_empty() {
            continue;
        }
        line(2, format!("{key}:"));
        for (name, (value, _)) in &vars {
            line(4, format!("{}: {}", q(name), q(value)));
        }
        line(2, format!("{key}_kind:"));
        for (name, (_, kind)) in &vars {
            line(4, format!("{}: {}", q(name), q(kind.as_str())));
        }
    }
    line(2, "powershell:".into());
    for (key, edition) in [
        ("windows_powershell", Edition::WindowsPowershell),
        ("pwsh", Edition::Pwsh),
    ] {
        if let Some(effective) = w.effective_policy(edition) {
            line(4, format!("{key}:"));
            line(6, format!("execution_policy: {}", q(effective.policy)));
            line(6, format!("set_by: {}", q(&effective.scope)));
        }
    }
    let profiles: Vec<_> = facts
        .profiles
        .iter()
        .filter(|f| f.text.is_some() && profiles::target_of(&f.path) == Target::Powershell)
        .collect();
    if !profiles.is_empty() {
        line(4, "profiles:".into());
    }
    for file in profiles {
        let edition = Edition::of_profile(&file.path);
        line(6, format!("- path: {}", q(&file.path)));
        line(8, format!("edition: {}", q(edition.name())));
        if let Some(effective) = w.effective_policy(edition) {
            line(8, format!("execution_policy: {}", q(effective.policy)));
            line(8, format!("set_by: {}", q(&effective.scope)));
        }
        // Authenticode signs a script with a comment block at its end.
        if file
            .text
            .as_deref()
            .is_some_and(|t| t.contains("# SIG # Begin signature block"))
        {
            line(8, "signed: \"true\"".into());
        }
        let go: Vec<(String, usize)> = facts
            .profile_assignments(file)
            .into_iter()
            .filter(|(n, _)| n.starts_with("GO") || n.starts_with("CGO_"))
            .map(|(n, s)| (n, s.line))
            .collect();
        if let Some((_, first)) = go.first() {
            let mut seen = std::collections::BTreeSet::new();
            let names: Vec<&str> = go
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| seen.insert(*n))
                .collect();
            line(8, format!("go_variables: {}", q(&names.join(", "))));
            line(8, format!("first_line: {}", q(&first.to_string())));
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Node;

    #[test]
    fn every_example_machine_becomes_documents_without_syntax_errors() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/machines");
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let facts = Facts::load(&entry.path()).unwrap();
            let docs = documents(&facts, "");
            assert!(docs.len() >= 2);
            for doc in &docs {
                assert!(doc.errors.is_empty(), "{}: {:?}", doc.path(), doc.errors);
            }
            let machine = docs.iter().find(|d| d.target == Target::Machine).unwrap();
            assert!(machine.root.get("os").is_some());
        }
    }

    #[test]
    fn each_process_variable_says_which_registry_variable_gives_it() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/machines/windows.json");
        let mut facts = Facts::load(&path).unwrap();
        let windows = facts.windows.as_mut().unwrap();
        windows
            .machine_env
            .vars
            .insert("GOFLAGS".into(), "-trimpath".into());
        facts.env.vars.insert("GOFLAGS".into(), "-trimpath".into());
        facts.env.vars.insert("GOSUMDB".into(), "off".into());
        let docs = documents(&facts, "");
        let env = docs
            .iter()
            .find(|d| d.target == Target::ProcessEnv)
            .unwrap();
        let origin = |name: &str| {
            let assignments = crate::source::env::assignments(env);
            let found = assignments
                .iter()
                .find(|a| a.get("name").and_then(Node::as_str) == Some(name));
            found.map(|a| a.get("origin").unwrap().as_str().unwrap().to_owned())
        };
        assert_eq!(origin("GOFLAGS").as_deref(), Some("registry (machine)"));
        // The MSI's GOPATH is a user variable (%USERPROFILE%\go, expanded).
        assert_eq!(origin("GOPATH").as_deref(), Some("registry (user)"));
        assert_eq!(origin("GOSUMDB").as_deref(), Some("process env"));
        // The derived map is no variable.
        assert_eq!(origin("$origin"), None);
    }
}
