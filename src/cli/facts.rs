//! `gopolicy facts`: what this machine (or a saved snapshot) looks like, secrets
//! redacted; `--json` writes the snapshot, `--diff` compares with one.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{Cli, MachineArgs, EXIT_FINDINGS};
use crate::error::Error;
use crate::facts::diff::{diff, show};
use crate::facts::origin::ParsedFile;
use crate::facts::windows::{Edition, MACHINE_ENV_KEY, USER_ENV_KEY};
use crate::facts::{Facts, Origin};
use crate::source::goenv;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the facts as a snapshot (versioned JSON) instead of a report.
    #[arg(long)]
    json: bool,
    /// List the facts that differ from this snapshot; exit 1 when any do.
    #[arg(long, value_name = "SNAPSHOT")]
    diff: Option<PathBuf>,
    #[command(flatten)]
    machine: MachineArgs,
}

pub fn run(args: &Args, _cli: &Cli) -> Result<u8, Error> {
    let facts = args.machine.facts(crate::facts::GoEnvScope::All)?;
    if let Some(snapshot) = &args.diff {
        let base = Facts::load(snapshot)?;
        let lines = diff(&base, &facts);
        for line in &lines {
            println!("{line}");
        }
        return Ok(if lines.is_empty() { 0 } else { EXIT_FINDINGS });
    }
    if args.json {
        print!("{}", facts.to_json());
    } else {
        print!("{}", render(&facts));
    }
    Ok(0)
}

/// The human report, grouped; every line comes from redacted facts.
pub fn render(facts: &Facts) -> String {
    let mut out = String::new();
    let o = &mut out;
    go_toolchain(o, facts);
    environment(o, facts);
    go_env_file(o, facts);
    profiles(o, facts);
    c_toolchain(o, facts);
    windows(o, facts);
    os(o, facts);
    out
}

fn go_toolchain(o: &mut String, facts: &Facts) {
    let go = &facts.go;
    let _ = writeln!(o, "Go toolchain");
    if go.binaries.is_empty() {
        let _ = writeln!(o, "  no go on PATH");
    }
    for (i, b) in go.binaries.iter().enumerate() {
        let what = match (&b.version, &b.version_from, &b.error) {
            (Some(v), Some(from), _) => format!("{v}, from {from}"),
            (Some(v), None, _) => v.clone(),
            (None, _, Some(e)) => e.clone(),
            (None, _, None) => "version unknown".into(),
        };
        let role = if i == 0 { "go on PATH" } else { "also on PATH" };
        let _ = writeln!(o, "  {role}: {} ({what})", b.path);
    }
    match (&go.env_error, go.env.is_empty()) {
        (Some(e), _) => {
            let _ = writeln!(o, "  {e}");
        }
        (None, false) => {
            let version = go.env.get("GOVERSION").map(String::as_str).unwrap_or("?");
            let _ = writeln!(o, "  go env: {version}, {} variables", go.env.len());
        }
        (None, true) => {}
    }
    let _ = writeln!(o);
}

fn environment(o: &mut String, facts: &Facts) {
    let _ = writeln!(o, "Environment");
    let _ = writeln!(o, "  Go variables (value, then where it comes from):");
    let settings = facts.go_settings();
    let shown: Vec<_> = settings
        .iter()
        .filter(|(_, s)| !s.value.is_empty() || s.origin != Origin::Default)
        .collect();
    let width = shown.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, s) in shown {
        let _ = writeln!(o, "    {name:<width$} = {}  [{}]", show(&s.value), s.origin);
    }
    let others = [
        "HOME",
        "USERPROFILE",
        "APPDATA",
        "XDG_CONFIG_HOME",
        "TMPDIR",
        "TMP",
        "TEMP",
        "CC",
        "CXX",
        "PKG_CONFIG_PATH",
        "WSL_DISTRO_NAME",
    ];
    let _ = writeln!(o, "  Other variables:");
    for name in others {
        if let Some((spelled, value)) = facts.env.entry(name) {
            let _ = writeln!(o, "    {spelled} = {}", show(value));
        }
    }
    let path = facts.env.entry("PATH");
    let spelled = path.map(|(s, _)| s).unwrap_or("PATH");
    let _ = writeln!(o, "  {spelled} entries:");
    for (i, dir) in facts.env.path_dirs(facts.is_windows()).iter().enumerate() {
        let _ = writeln!(o, "    {:>2}. {}", i + 1, show(dir));
    }
    let _ = writeln!(o);
}

fn go_env_file(o: &mut String, facts: &Facts) {
    let f = &facts.go_env_file;
    let _ = writeln!(o, "go env file");
    match (&f.file, f.located_by.as_str()) {
        (_, "off") => {
            let _ = writeln!(o, "  none: GOENV=off");
        }
        (Some(file), how) => {
            let how = if how == "GOENV" {
                "named by GOENV"
            } else {
                "default location"
            };
            let _ = writeln!(o, "  {} ({how})", file.path);
            file_body(o, file.text.as_deref(), file.error.as_deref(), facts);
        }
        (None, _) => {
            let why = f.error.as_deref().unwrap_or("no user config folder");
            let _ = writeln!(o, "  none: {why}");
        }
    }
    if let Some(file) = &facts.goroot_env {
        let _ = writeln!(o, "  GOROOT go.env: {}", file.path);
        let parsed = ParsedFile::parse(file);
        for name in parsed.iter().flat_map(ParsedFile::names) {
            if let Some((line, value)) = parsed.as_ref().and_then(|p| p.lookup(&name)) {
                let _ = writeln!(o, "    line {line}: {name}={}", show(&value));
            }
        }
    }
    let _ = writeln!(o);
}

/// The go env file's settings and the lines go ignores.
fn file_body(o: &mut String, text: Option<&str>, error: Option<&str>, facts: &Facts) {
    let (Some(_), Some(parsed)) = (text, facts.go_env_file_parsed()) else {
        let _ = writeln!(o, "    {}", error.unwrap_or("does not exist"));
        return;
    };
    let (_, _, errors) = goenv::parse_go_env(parsed.source.clone());
    for var in goenv::assignments(&parsed.root) {
        let (Some(name), Some(value)) = (var.get("name"), var.get("value")) else {
            continue;
        };
        let line = parsed.source.position(var.span.start).line;
        let name = name.as_str().unwrap_or("");
        let _ = writeln!(
            o,
            "    line {line}: {name}={}",
            show(value.as_str().unwrap_or(""))
        );
    }
    for e in errors {
        let line = parsed.source.position(e.span.start).line;
        let _ = writeln!(o, "    line {line}: {}", e.message);
    }
}

/// The profiles read, and the Go variables they set for the user's shell.
fn profiles(o: &mut String, facts: &Facts) {
    let _ = writeln!(o, "Shell and PowerShell profiles");
    if facts.profiles.is_empty() {
        let _ = writeln!(o, "  none found");
    }
    for file in &facts.profiles {
        match &file.error {
            Some(error) => {
                let _ = writeln!(o, "  {}: {error}", file.path);
            }
            None => {
                let _ = writeln!(o, "  {}", file.path);
            }
        }
    }
    let settings = facts.profile_settings();
    let go: Vec<_> = settings
        .iter()
        .filter(|(name, _)| name.starts_with("GO") || name.starts_with("CGO_"))
        .collect();
    if !go.is_empty() {
        let _ = writeln!(o, "  Go variables they set:");
        for (name, setting) in go {
            let _ = writeln!(
                o,
                "    {name} = {}  [{} line {}]",
                setting.value, setting.path, setting.line
            );
        }
    }
    let _ = writeln!(o);
}

fn c_toolchain(o: &mut String, facts: &Facts) {
    let c = &facts.c_toolchain;
    let _ = writeln!(o, "C toolchain");
    match (&c.cc, &c.cc_from) {
        (Some(cc), from) => {
            let from = from.as_deref().unwrap_or("?");
            let at = c.cc_path.as_deref().unwrap_or("not found on PATH");
            let _ = writeln!(o, "  CC: {} (from {from}): {at}", show(cc));
        }
        (None, _) => {
            let _ = writeln!(o, "  CC: unset");
        }
    }
    let found: Vec<String> = c
        .compilers_on_path
        .iter()
        .map(|(n, p)| format!("{n} {p}"))
        .collect();
    let found = if found.is_empty() {
        "none".into()
    } else {
        found.join(", ")
    };
    let _ = writeln!(o, "  compilers on PATH: {found}");
    let pkg = c.pkg_config.as_deref().unwrap_or("not on PATH");
    let _ = writeln!(o, "  pkg-config: {pkg}");
    let pkg_path = c.pkg_config_path.as_deref().unwrap_or("unset");
    let _ = writeln!(o, "  PKG_CONFIG_PATH: {}", show(pkg_path));
    let _ = writeln!(o);
}

/// The registry's Go variables and PATH, and PowerShell's execution policy by scope.
fn windows(o: &mut String, facts: &Facts) {
    let Some(w) = &facts.windows else { return };
    let _ = writeln!(o, "Windows");
    if let Some(t) = &w.installation_type {
        let _ = writeln!(o, "  installation type: {t}");
    }
    for (what, key, reg) in [
        ("user", USER_ENV_KEY, &w.user_env),
        ("system", MACHINE_ENV_KEY, &w.machine_env),
    ] {
        let _ = writeln!(o, "  {what} variables ({key}):");
        if let Some(e) = &reg.error {
            let _ = writeln!(o, "    {e}");
        }
        let shown = reg.vars.keys().filter(|n| {
            let n = n.to_ascii_uppercase();
            n.starts_with("GO") || n.starts_with("CGO_") || n == "PATH"
        });
        for name in shown {
            if let Some((_, value, kind)) = reg.entry(name) {
                let _ = writeln!(o, "    {name} = {}  [{}]", show(value), kind.as_str());
            }
        }
    }
    let _ = writeln!(o, "  PowerShell execution policy (for a new window):");
    let process = facts.env.non_empty("PSExecutionPolicyPreference");
    for edition in [Edition::WindowsPowershell, Edition::Pwsh] {
        let (Some(scopes), Some(effective)) = (w.scopes(edition), w.effective_policy(edition))
        else {
            let _ = writeln!(o, "    {}: not installed", edition.name());
            continue;
        };
        let _ = writeln!(
            o,
            "    {}: {} (from {})",
            edition.name(),
            effective.policy,
            effective.scope
        );
        for (scope, value) in [
            ("MachinePolicy", scopes.machine_policy.as_deref()),
            ("UserPolicy", scopes.user_policy.as_deref()),
            ("Process", process),
            ("CurrentUser", scopes.current_user.as_deref()),
            ("LocalMachine", scopes.local_machine.as_deref()),
        ] {
            let _ = writeln!(o, "      {scope:<13} {}", value.unwrap_or("Undefined"));
        }
        for e in &scopes.errors {
            let _ = writeln!(o, "      {e}");
        }
    }
    let _ = writeln!(o);
}

fn os(o: &mut String, facts: &Facts) {
    let os = &facts.os;
    let _ = writeln!(o, "OS");
    let _ = writeln!(o, "  {} {}", os.os, os.arch);
    if let Some(cwd) = &os.cwd {
        let _ = writeln!(o, "  working directory: {cwd}");
    }
    if let Some(wsl) = &os.wsl {
        let distro = wsl.distro.as_deref().unwrap_or("unknown distribution");
        let kernel = wsl.kernel_release.as_deref().unwrap_or("kernel unknown");
        let _ = writeln!(o, "  WSL: {distro} ({kernel})");
        for (name, on) in &wsl.on_windows_drive {
            let place = if *on {
                "on a Windows drive (/mnt/<letter>)"
            } else {
                "on the Linux file system"
            };
            let _ = writeln!(o, "    {name}: {place}");
        }
    }
}
