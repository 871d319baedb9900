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
//! The two views are written as YAML text, so every value has a line to point at; their
//! trees are built as the text is written (`view.rs`), as the YAML parser would build
//! them. Their paths are `<process-env>` and `<machine>` (prefixed by the snapshot's
//! path when the facts were loaded from one).

use std::collections::BTreeMap;

use super::origin::Origin;
use super::view::{self, Map, Yaml};
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
        process_env_view(facts),
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
        machine_view(facts, profile),
        Target::Machine,
    )
}

fn view(label: &str, name: &str, root: Map, target: Target) -> Document {
    let path = format!("{label}<{name}>");
    let (text, root) = view::write(root);
    Document {
        target,
        source: SourceText::new(path, text, Encoding::Utf8),
        root,
        comments: Vec::new(),
        errors: Vec::new(),
    }
}

fn process_env_view(facts: &Facts) -> Map {
    let mut vars: BTreeMap<String, &str> = BTreeMap::new();
    for (name, value) in &facts.env.vars {
        let name = if facts.env.case_insensitive {
            name.to_ascii_uppercase()
        } else {
            name.clone()
        };
        vars.insert(name, value);
    }
    let origins: Vec<(&String, Origin)> = vars
        .iter()
        .filter_map(|(name, value)| {
            let windows = facts.windows.as_ref()?;
            let scope = windows.registry_source(name, value, &facts.env)?;
            Some((name, Origin::Registry { scope }))
        })
        .collect();
    let mut y = Map::default();
    for (name, value) in &vars {
        y.named(name, *value);
    }
    if !origins.is_empty() {
        let mut map = Map::default();
        for (name, origin) in origins {
            map.named(name, origin.to_string());
        }
        y.named("$origin", map);
    }
    y
}

fn machine_view(facts: &Facts, profile: &BTreeMap<String, profiles::ProfileSetting>) -> Map {
    let mut y = Map::default();
    y.field("os", &facts.os.os);
    y.field("arch", &facts.os.arch);
    if let Some(wsl) = &facts.os.wsl {
        let mut w = Map::default();
        w.field("distro", wsl.distro.as_deref().unwrap_or(""));
        let mut drive = Map::default();
        for (what, on) in &wsl.on_windows_drive {
            drive.named(what, *on);
        }
        w.field("on_windows_drive", drive);
        y.field("wsl", w);
    }
    let mut go = Map::default();
    if let Some(first) = &facts.go.first {
        go.field("path", first);
    }
    if let Some(error) = &facts.go.env_error {
        go.field("env_error", error);
    }
    let settings = facts.go_settings();
    if !settings.is_empty() {
        let mut env = Map::default();
        let mut origins = Map::default();
        for (name, setting) in &settings {
            env.named(name, &setting.value);
            let mut origin = setting.origin.to_string();
            // A process value the profile gives (or may give: it cannot be expanded here).
            let from_profile = profile.get(name).filter(|p| {
                matches!(setting.origin, Origin::ProcessEnv { .. })
                    && p.expanded.as_ref().is_none_or(|v| *v == setting.value)
            });
            if let Some(p) = from_profile {
                origin.push_str(&format!(", set in {}", p.place()));
            }
            origins.named(name, origin);
        }
        go.field("env", env);
        go.field("origin", origins);
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
        let mut map = Map::default();
        for (name, value) in file {
            map.named(name, value);
        }
        go.field("file", map);
    }
    // Go variables only: those Go knows, and any GO*/CGO_* name.
    let go_profile: Vec<(&String, &profiles::ProfileSetting)> = profile
        .iter()
        .filter(|(n, _)| settings.contains_key(*n) || n.starts_with("GO") || n.starts_with("CGO_"))
        .collect();
    if !go_profile.is_empty() {
        let (mut values, mut expanded, mut set_in) =
            (Map::default(), Map::default(), Map::default());
        for (name, p) in &go_profile {
            values.named(*name, &p.value);
            if let Some(v) = &p.expanded {
                expanded.named(*name, v);
            }
            set_in.named(*name, p.place());
        }
        go.field("profile", values);
        if !expanded.is_empty() {
            go.field("profile_value", expanded);
        }
        go.field("profile_set_in", set_in);
    }
    let binaries: Vec<Yaml> = facts
        .go
        .binaries
        .iter()
        .map(|binary| {
            let mut b = Map::default();
            b.field("path", &binary.path);
            if let Some(version) = &binary.version {
                b.field("version", version);
            }
            if let Some(error) = &binary.error {
                b.field("error", error);
            }
            b.into()
        })
        .collect();
    go.field("binaries", binaries);
    y.field("go", go);
    let path: Vec<Yaml> = facts
        .env
        .path_dirs(facts.is_windows())
        .into_iter()
        .map(Yaml::from)
        .collect();
    y.field("path", path);
    if let Some(file) = &facts.go_env_file.file {
        y.field("go_env_file", &file.path);
    }
    let cc = &facts.c_toolchain;
    let mut c = Map::default();
    for (key, value) in [
        ("cc", &cc.cc),
        ("cc_path", &cc.cc_path),
        ("pkg_config", &cc.pkg_config),
        ("pkg_config_path", &cc.pkg_config_path),
    ] {
        if let Some(value) = value {
            c.field(key, value);
        }
    }
    y.field("c_toolchain", c);
    if let Some(windows) = &facts.windows {
        y.field("windows", windows_view(facts, windows));
    }
    y
}

/// The `windows` section: the registry's environment and PowerShell's execution policy.
fn windows_view(facts: &Facts, w: &WindowsFacts) -> Map {
    let mut y = Map::default();
    if let Some(t) = &w.installation_type {
        y.field("installation_type", t);
    }
    for (key, kind_key, reg) in [
        ("user_env", "user_env_kind", &w.user_env),
        ("machine_env", "machine_env_kind", &w.machine_env),
    ] {
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
        let (mut values, mut kinds) = (Map::default(), Map::default());
        for (name, (value, kind)) in vars {
            values.named(name.clone(), value);
            kinds.named(name, kind.as_str());
        }
        y.field(key, values);
        y.field(kind_key, kinds);
    }
    let mut powershell = Map::default();
    for (key, edition) in [
        ("windows_powershell", Edition::WindowsPowershell),
        ("pwsh", Edition::Pwsh),
    ] {
        if let Some(effective) = w.effective_policy(edition) {
            let mut policy = Map::default();
            policy.field("execution_policy", effective.policy);
            policy.field("set_by", effective.scope);
            powershell.field(key, policy);
        }
    }
    let profiles: Vec<Yaml> = facts
        .profiles
        .iter()
        .filter(|f| f.text.is_some() && profiles::target_of(&f.path) == Target::Powershell)
        .map(|file| powershell_profile(facts, w, file).into())
        .collect();
    if !profiles.is_empty() {
        powershell.field("profiles", profiles);
    }
    y.field("powershell", powershell);
    y
}

/// One PowerShell profile: its edition, the execution policy that decides whether it
/// runs, whether it is signed, and the Go variables it sets.
fn powershell_profile(facts: &Facts, w: &WindowsFacts, file: &super::FileFact) -> Map {
    let mut y = Map::default();
    let edition = Edition::of_profile(&file.path);
    y.field("path", &file.path);
    y.field("edition", edition.name());
    if let Some(effective) = w.effective_policy(edition) {
        y.field("execution_policy", effective.policy);
        y.field("set_by", effective.scope);
    }
    // Authenticode signs a script with a comment block at its end.
    if file
        .text
        .as_deref()
        .is_some_and(|t| t.contains("# SIG # Begin signature block"))
    {
        y.field("signed", "true");
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
        y.field("go_variables", names.join(", "));
        y.field("first_line", first.to_string());
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

    /// The example machines, this machine, and machines whose every string the YAML
    /// could misread: control characters, quotes, `#`, `: `, Unicode line breaks; and
    /// machines with every section empty.
    fn machines() -> Vec<(String, Facts)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/machines");
        let mut out: Vec<(String, Facts)> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| {
                let path = e.path();
                (path.display().to_string(), Facts::load(&path).unwrap())
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.push((
            "this machine".into(),
            Facts::collect(&crate::facts::Options::default()),
        ));
        let empty: Facts = serde_json::from_str(r#"{"snapshot_version": 1}"#).unwrap();
        out.push(("empty".into(), empty));
        let mut odd: String = (0u8..0x80).map(char::from).collect();
        odd.push_str(" # no comment \u{85}\u{A0}\u{2028}\u{2029}\u{FEFF}é😀 '' - x: y ");
        let odd_values = [
            "", " ", "- x", "a: b", "#", "'", "true", "~", "&a *a !t", &odd,
        ];
        for (name, mut facts) in out.clone() {
            if name == "empty" || name == "this machine" {
                continue;
            }
            for (i, value) in odd_values.iter().enumerate() {
                let value = value.to_string();
                let name = format!("GO_ODD{i}{value}");
                facts.env.vars.insert(name.clone(), value.clone());
                facts.env.vars.insert(format!("GOFLAGS{i}"), value.clone());
                facts.go.env.insert(name.clone(), value.clone());
                facts.go.binaries.push(crate::facts::GoBinary {
                    path: value.clone(),
                    version: Some(value.clone()),
                    error: Some(value.clone()),
                    ..facts.go.binaries.first().cloned().unwrap_or_default()
                });
                facts.c_toolchain.cc = Some(value.clone());
                if let Some(wsl) = &mut facts.os.wsl {
                    wsl.on_windows_drive.insert(name.clone(), i % 2 == 0);
                }
                if let Some(windows) = &mut facts.windows {
                    windows.user_env.vars.insert(name.clone(), value.clone());
                    windows.machine_env.vars.insert(name, value);
                }
            }
            facts.go.env_error = Some(odd.clone());
            facts.go.first = Some(odd.clone());
            out.push((format!("{name}, odd strings"), facts.clone()));
            // Sections left empty: no go, no variables, no registry.
            facts.env.vars.clear();
            facts.go = Default::default();
            facts.c_toolchain = Default::default();
            if let Some(wsl) = &mut facts.os.wsl {
                wsl.on_windows_drive.clear();
            }
            if let Some(windows) = &mut facts.windows {
                *windows = Default::default();
            }
            out.push((format!("{name}, emptied"), facts));
        }
        out
    }

    /// Where two texts first differ, with the lines around it.
    fn first_difference(want: &str, got: &str) -> String {
        let (want, got): (Vec<_>, Vec<_>) = (want.lines().collect(), got.lines().collect());
        let at = (0..want.len().max(got.len()))
            .find(|&i| want.get(i) != got.get(i))
            .unwrap_or(0);
        let around =
            |lines: &[&str]| lines[at.saturating_sub(8)..(at + 3).min(lines.len())].join("\n");
        format!("parsed:\n{}\n\nbuilt:\n{}", around(&want), around(&got))
    }

    #[test]
    fn each_view_is_the_tree_the_yaml_parser_reads_from_its_text() {
        let mut views = 0;
        for (name, facts) in machines() {
            for doc in documents(&facts, "snapshot.json:") {
                if !matches!(doc.target, Target::Machine | Target::ProcessEnv) {
                    continue;
                }
                views += 1;
                let parsed = source::parse(doc.source.clone(), doc.target);
                let context = format!("{name} {}:\n{}", doc.path(), doc.source.text);
                assert_eq!(parsed.errors, doc.errors, "{context}");
                let (want, got) = (format!("{:#?}", parsed.root), format!("{:#?}", doc.root));
                assert!(want == got, "{context}\n{}", first_difference(&want, &got));
                let comments = |d: &Document| format!("{:?}", d.comments);
                assert_eq!(comments(&parsed), comments(&doc), "{context}");
            }
        }
        assert!(views >= 2 * 15, "{views}");
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
