//! Windows facts: the user and machine environment as the registry stores it, and the
//! PowerShell execution policy of each edition, scope by scope.
//!
//! Only reading the registry is Windows code (`read` below, behind `cfg(windows)`);
//! everything else is plain logic over the facts, so a Windows snapshot is evaluated the
//! same on any OS, and the logic is tested with a fake registry.
//!
//! The environment: `HKCU\Environment` (user variables) and
//! `HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment` (system
//! variables). Values are kept as stored: a `REG_EXPAND_SZ` value's `%NAME%` references
//! are expanded when Windows builds a new process's environment, a `REG_SZ` value's are
//! not, so `%USERPROFILE%\go` as REG_SZ reaches go as that literal text. A user variable
//! overrides a system variable of the same name (PATH is the exception: the two are
//! joined). Names are case-insensitive, as everywhere on Windows.
//!
//! The execution policy (about_Execution_Policies, `SecuritySupport.cs` of PowerShell):
//! the first scope that defines one wins, in the order MachinePolicy, UserPolicy,
//! Process, CurrentUser, LocalMachine; when none does, Restricted on Windows clients and
//! RemoteSigned on Windows Server. Where each edition keeps each scope:
//!
//! | scope | Windows PowerShell 5.1 | PowerShell 7 (pwsh) |
//! |---|---|---|
//! | MachinePolicy | `HKLM\SOFTWARE\Policies\Microsoft\Windows\PowerShell` | `HKLM\SOFTWARE\Policies\Microsoft\PowerShellCore`, else `PowerShellPolicies.ScriptExecution` in `$PSHOME\powershell.config.json` |
//! | UserPolicy | the same under HKCU | the same under HKCU, else in the user's `powershell.config.json` |
//! | Process | `PSExecutionPolicyPreference` | `PSExecutionPolicyPreference` |
//! | CurrentUser | `HKCU\SOFTWARE\Microsoft\PowerShell\1\ShellIds\Microsoft.PowerShell` `ExecutionPolicy` | `Microsoft.PowerShell:ExecutionPolicy` in `Documents\PowerShell\powershell.config.json` |
//! | LocalMachine | the same under HKLM | the same in `$PSHOME\powershell.config.json` |
//!
//! A Group Policy key holds `EnableScripts` (0: Restricted; 1: the `ExecutionPolicy`
//! value); PowerShell 7's key may instead say `UseWindowsPowerShellPolicySetting` = 1,
//! which takes Windows PowerShell's key.

use std::collections::{BTreeMap, BTreeSet};

use super::env::EnvFacts;
use super::profiles::read_capped;

/// The registry key of user environment variables.
pub const USER_ENV_KEY: &str = "HKCU\\Environment";
/// The registry key of system environment variables.
pub const MACHINE_ENV_KEY: &str =
    "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment";

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WindowsFacts {
    /// `InstallationType` under `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion`:
    /// `Client`, `Server` or `Server Core`.
    pub installation_type: Option<String>,
    /// `HKCU\Environment`.
    pub user_env: RegistryEnv,
    /// `HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment`.
    pub machine_env: RegistryEnv,
    pub execution_policy: ExecutionPolicies,
}

/// The string values of one environment key.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistryEnv {
    /// Every REG_SZ and REG_EXPAND_SZ value, unexpanded, under its name as spelled.
    pub vars: BTreeMap<String, String>,
    /// The names stored as REG_EXPAND_SZ.
    pub expand: BTreeSet<String>,
    /// Why the key could not be read.
    pub error: Option<String>,
}

/// How a registry variable is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// REG_SZ: taken as it is.
    Sz,
    /// REG_EXPAND_SZ: `%NAME%` expanded for each new process.
    ExpandSz,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Sz => "REG_SZ",
            Kind::ExpandSz => "REG_EXPAND_SZ",
        }
    }
}

impl RegistryEnv {
    /// The variable `name`, whatever its case: (spelling, raw value, kind).
    pub fn entry(&self, name: &str) -> Option<(&str, &str, Kind)> {
        let (spelled, value) = self
            .vars
            .get_key_value(name)
            .or_else(|| self.vars.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))?;
        let kind = if self.expand.iter().any(|k| k.eq_ignore_ascii_case(spelled)) {
            Kind::ExpandSz
        } else {
            Kind::Sz
        };
        Some((spelled, value, kind))
    }

    /// The value a new process gets: `%NAME%` expanded from `env` for REG_EXPAND_SZ
    /// (an unknown name stays as written, as Windows leaves it).
    pub fn value_for_process(&self, name: &str, env: &EnvFacts) -> Option<String> {
        let (_, raw, kind) = self.entry(name)?;
        Some(match kind {
            Kind::Sz => raw.to_owned(),
            Kind::ExpandSz => expand(raw, env),
        })
    }
}

/// `%NAME%` references replaced by `env`'s values, case-insensitively; an unknown name
/// and a lone `%` stay as they are.
pub fn expand(raw: &str, env: &EnvFacts) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('%') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        let value = env
            .vars
            .iter()
            .find(|(k, _)| !name.is_empty() && k.eq_ignore_ascii_case(name));
        match value {
            Some((_, v)) => {
                out.push_str(v);
                rest = &after[end + 1..];
            }
            None => {
                // Not a variable: keep this `%` and look again from the next one.
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The execution policy settings of both PowerShell editions.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExecutionPolicies {
    /// Windows PowerShell 5.1 (`powershell.exe`), part of Windows.
    pub windows_powershell: PolicyScopes,
    /// PowerShell 7 (`pwsh.exe`); None when it is not installed.
    pub pwsh: Option<PolicyScopes>,
}

/// The policy each persistent scope sets (the Process scope is the environment's
/// `PSExecutionPolicyPreference`), as stored; None where a scope sets none.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyScopes {
    pub machine_policy: Option<String>,
    pub user_policy: Option<String>,
    pub current_user: Option<String>,
    pub local_machine: Option<String>,
    /// Files or keys that could not be read (an invalid powershell.config.json).
    pub errors: Vec<String>,
}

/// The policies PowerShell knows, spelled as it prints them.
const POLICIES: [&str; 5] = [
    "Restricted",
    "AllSigned",
    "RemoteSigned",
    "Unrestricted",
    "Bypass",
];

/// A stored policy as PowerShell reads it (`ParseExecutionPolicy`): case-insensitive;
/// `Undefined` or empty is no policy; anything else unknown counts as Restricted.
fn parse_policy(stored: &str) -> Option<&'static str> {
    let stored = stored.trim();
    if stored.is_empty() || stored.eq_ignore_ascii_case("Undefined") {
        return None;
    }
    Some(
        POLICIES
            .into_iter()
            .find(|p| p.eq_ignore_ascii_case(stored))
            .unwrap_or("Restricted"),
    )
}

/// The policy a new PowerShell window runs with, and the scope that sets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effective {
    pub policy: &'static str,
    /// `MachinePolicy`, `UserPolicy`, `CurrentUser`, `LocalMachine`, or
    /// `default (Windows client)` / `default (Windows Server)`.
    pub scope: String,
}

impl PolicyScopes {
    /// The effective policy of a new window, where profiles run. The Process scope is
    /// left out: `PSExecutionPolicyPreference` lasts only for the session that set it
    /// (and its children), not for the windows a user opens.
    pub fn effective(&self, installation_type: Option<&str>) -> Effective {
        let scopes = [
            ("MachinePolicy", &self.machine_policy),
            ("UserPolicy", &self.user_policy),
            ("CurrentUser", &self.current_user),
            ("LocalMachine", &self.local_machine),
        ];
        for (scope, value) in scopes {
            if let Some(policy) = value.as_deref().and_then(parse_policy) {
                return Effective {
                    policy,
                    scope: scope.to_owned(),
                };
            }
        }
        let server = installation_type.is_some_and(|t| t.starts_with("Server"));
        Effective {
            policy: if server { "RemoteSigned" } else { "Restricted" },
            scope: if server {
                "default (Windows Server)".into()
            } else {
                "default (Windows client)".into()
            },
        }
    }
}

/// A PowerShell edition, for the facts that differ between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    WindowsPowershell,
    Pwsh,
}

impl Edition {
    pub fn name(self) -> &'static str {
        match self {
            Edition::WindowsPowershell => "Windows PowerShell 5.1",
            Edition::Pwsh => "PowerShell 7",
        }
    }

    /// The edition whose profile `path` is: `WindowsPowerShell` folders are 5.1's
    /// (`Documents\WindowsPowerShell`, `System32\WindowsPowerShell\v1.0`).
    pub fn of_profile(path: &str) -> Edition {
        if path.to_ascii_lowercase().contains("windowspowershell") {
            Edition::WindowsPowershell
        } else {
            Edition::Pwsh
        }
    }
}

impl WindowsFacts {
    /// The settings of one edition (None: PowerShell 7 is not installed).
    pub fn scopes(&self, edition: Edition) -> Option<&PolicyScopes> {
        match edition {
            Edition::WindowsPowershell => Some(&self.execution_policy.windows_powershell),
            Edition::Pwsh => self.execution_policy.pwsh.as_ref(),
        }
    }

    pub fn effective_policy(&self, edition: Edition) -> Option<Effective> {
        self.scopes(edition)
            .map(|s| s.effective(self.installation_type.as_deref()))
    }

    /// Which registry key gives `name` the process value `value`: the user's (it
    /// overrides the system's), else the system's. A key counts when the value a new
    /// process would get from it is `value` (compared as Windows compares paths,
    /// ignoring ASCII case).
    pub fn registry_source(&self, name: &str, value: &str, env: &EnvFacts) -> Option<Scope> {
        let from = |reg: &RegistryEnv| {
            reg.value_for_process(name, env)
                .is_some_and(|v| v.eq_ignore_ascii_case(value))
        };
        if from(&self.user_env) {
            Some(Scope::User)
        } else if self.user_env.entry(name).is_none() && from(&self.machine_env) {
            Some(Scope::Machine)
        } else {
            None
        }
    }
}

/// Which registry environment a value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    User,
    Machine,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::Machine => "machine",
        }
    }
}

/// A registry value as the policy logic needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegData {
    Str(String),
    Dword(u32),
}

/// HKLM or HKCU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hive {
    LocalMachine,
    CurrentUser,
}

const WINPS_POLICY_KEY: &str = "SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell";
const PWSH_POLICY_KEY: &str = "SOFTWARE\\Policies\\Microsoft\\PowerShellCore";
const WINPS_PREFERENCE_KEY: &str =
    "SOFTWARE\\Microsoft\\PowerShell\\1\\ShellIds\\Microsoft.PowerShell";

/// A Group Policy key's policy (`GetGroupPolicyValue`): EnableScripts 0 is Restricted,
/// 1 takes the ExecutionPolicy value; otherwise the key sets none.
fn group_policy(
    read: &dyn Fn(Hive, &str, &str) -> Option<RegData>,
    hive: Hive,
    key: &str,
) -> Option<String> {
    let enable = match read(hive, key, "EnableScripts")? {
        RegData::Dword(n) => n.to_string(),
        RegData::Str(s) => s,
    };
    match enable.trim() {
        "0" => Some("Restricted".into()),
        "1" => match read(hive, key, "ExecutionPolicy")? {
            RegData::Str(s) => Some(s),
            RegData::Dword(_) => None,
        },
        _ => None,
    }
}

/// The two policies a `powershell.config.json` can set: (the scope's own
/// `Microsoft.PowerShell:ExecutionPolicy`, `PowerShellPolicies.ScriptExecution`'s, which
/// acts as a Group Policy when the registry has none). Invalid JSON is an error.
pub fn config_json_policies(text: &str) -> Result<(Option<String>, Option<String>), String> {
    let json: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| {
            format!("not valid JSON ({e}); PowerShell cannot start an interactive session with it")
        })?;
    let string = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
    let own = string(json.get("Microsoft.PowerShell:ExecutionPolicy"));
    let script_execution = |root: Option<&serde_json::Value>| {
        string(
            root.and_then(|r| r.get("ScriptExecution"))
                .and_then(|s| s.get("ExecutionPolicy")),
        )
    };
    let policy =
        script_execution(json.get("PowerShellPolicies")).or_else(|| script_execution(Some(&json)));
    Ok((own, policy))
}

/// Both editions' scopes from a registry reader and PowerShell 7's two config files
/// (`None`: PowerShell 7 is not installed; a file given as (path, text or error)).
pub fn execution_policies(
    read: &dyn Fn(Hive, &str, &str) -> Option<RegData>,
    pwsh_files: Option<[super::FileFact; 2]>,
) -> ExecutionPolicies {
    let preference = |hive| match read(hive, WINPS_PREFERENCE_KEY, "ExecutionPolicy") {
        Some(RegData::Str(s)) => Some(s),
        _ => None,
    };
    let windows_powershell = PolicyScopes {
        machine_policy: group_policy(read, Hive::LocalMachine, WINPS_POLICY_KEY),
        user_policy: group_policy(read, Hive::CurrentUser, WINPS_POLICY_KEY),
        current_user: preference(Hive::CurrentUser),
        local_machine: preference(Hive::LocalMachine),
        errors: Vec::new(),
    };
    let pwsh = pwsh_files.map(|[machine_file, user_file]| {
        let mut errors = Vec::new();
        let mut parse = |file: &super::FileFact| -> (Option<String>, Option<String>) {
            if let Some(e) = &file.error {
                errors.push(format!("{}: {e}", file.path));
            }
            match file.text.as_deref().map(config_json_policies) {
                Some(Ok(found)) => found,
                Some(Err(e)) => {
                    errors.push(format!("{}: {e}", file.path));
                    (None, None)
                }
                None => (None, None),
            }
        };
        let (local_machine, machine_json_policy) = parse(&machine_file);
        let (current_user, user_json_policy) = parse(&user_file);
        let pwsh_policy = |hive| {
            let uses_winps = matches!(
                read(hive, PWSH_POLICY_KEY, "UseWindowsPowerShellPolicySetting"),
                Some(RegData::Dword(1))
            );
            if uses_winps {
                group_policy(read, hive, WINPS_POLICY_KEY)
            } else {
                group_policy(read, hive, PWSH_POLICY_KEY)
            }
        };
        PolicyScopes {
            machine_policy: pwsh_policy(Hive::LocalMachine).or(machine_json_policy),
            user_policy: pwsh_policy(Hive::CurrentUser).or(user_json_policy),
            current_user,
            local_machine,
            errors,
        }
    });
    ExecutionPolicies {
        windows_powershell,
        pwsh,
    }
}

/// PowerShell 7's `$PSHOME` (`%ProgramFiles%\PowerShell\7`) and the user's config folder
/// (`Documents\PowerShell`, the folder of the user's profile; a OneDrive-redirected
/// Documents folder is not followed, as for profiles).
fn pwsh_config_paths(env: &EnvFacts) -> Option<(String, String)> {
    let pshome = format!(
        "{}\\PowerShell\\7",
        env.non_empty("ProgramFiles")?.trim_end_matches('\\')
    );
    let user = format!(
        "{}\\Documents\\PowerShell",
        env.non_empty("USERPROFILE")?.trim_end_matches('\\')
    );
    Some((pshome, user))
}

/// This machine's Windows facts; None elsewhere.
pub fn collect(env: &EnvFacts) -> Option<WindowsFacts> {
    #[cfg(windows)]
    {
        Some(read::collect(env))
    }
    #[cfg(not(windows))]
    {
        let _ = env;
        None
    }
}

/// The powershell.config.json files of PowerShell 7, when it is installed.
#[cfg_attr(not(windows), allow(dead_code))]
fn pwsh_files(env: &EnvFacts) -> Option<[super::FileFact; 2]> {
    let (pshome, user) = pwsh_config_paths(env)?;
    if !std::path::Path::new(&pshome).join("pwsh.exe").is_file() {
        return None;
    }
    let file = |dir: &str| read_capped(&format!("{dir}\\powershell.config.json"), 1024 * 1024);
    Some([file(&pshome), file(&user)])
}

/// Reading the registry (windows-registry, from the windows-rs project). Nothing here
/// writes to it.
#[cfg(windows)]
mod read {
    use windows_registry::{Key, Type, CURRENT_USER, LOCAL_MACHINE};

    use super::*;

    pub fn collect(env: &EnvFacts) -> WindowsFacts {
        let installation_type = LOCAL_MACHINE
            .open("SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion")
            .and_then(|k| k.get_string("InstallationType"))
            .ok();
        let read = |hive: Hive, key: &str, name: &str| -> Option<RegData> {
            let root = match hive {
                Hive::LocalMachine => LOCAL_MACHINE,
                Hive::CurrentUser => CURRENT_USER,
            };
            let key = root.open(key).ok()?;
            let value = key.get_value(name).ok()?;
            match value.ty() {
                Type::U32 => u32::try_from(value).ok().map(RegData::Dword),
                Type::String | Type::ExpandString => String::try_from(value).ok().map(RegData::Str),
                _ => None,
            }
        };
        WindowsFacts {
            installation_type,
            user_env: environment(CURRENT_USER, "Environment", USER_ENV_KEY),
            machine_env: environment(
                LOCAL_MACHINE,
                "SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment",
                MACHINE_ENV_KEY,
            ),
            execution_policy: execution_policies(&read, pwsh_files(env)),
        }
    }

    /// Every string value of an environment key, raw (RegEnumValueW does not expand).
    fn environment(root: &Key, path: &str, shown: &str) -> RegistryEnv {
        let mut out = RegistryEnv::default();
        let values = match root
            .open(path)
            .and_then(|k| k.values().map(|v| v.collect::<Vec<_>>()))
        {
            Ok(values) => values,
            Err(e) => {
                out.error = Some(format!("{shown}: {}", e.message()));
                return out;
            }
        };
        for (name, value) in values {
            let kind = value.ty();
            if !matches!(kind, Type::String | Type::ExpandString) {
                continue;
            }
            let Ok(text) = String::try_from(value) else {
                continue;
            };
            if kind == Type::ExpandString {
                out.expand.insert(name.clone());
            }
            out.vars.insert(name, text);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::FileFact;

    fn env(pairs: &[(&str, &str)]) -> EnvFacts {
        EnvFacts::from_pairs(pairs, true)
    }

    #[test]
    fn expansion_follows_windows() {
        let e = env(&[("UserProfile", "C:\\Users\\dev"), ("X", "1")]);
        assert_eq!(expand("%USERPROFILE%\\go", &e), "C:\\Users\\dev\\go");
        assert_eq!(expand("%NOPE%\\%x%", &e), "%NOPE%\\1");
        assert_eq!(expand("100%", &e), "100%");
        assert_eq!(expand("a%%b%X%", &e), "a%%b1");
    }

    #[test]
    fn registry_names_ignore_case_and_the_kind_decides_expansion() {
        let e = env(&[("USERPROFILE", "C:\\Users\\dev")]);
        let reg = RegistryEnv {
            vars: BTreeMap::from([
                ("GoPath".into(), "%USERPROFILE%\\go".into()),
                ("GOBIN".into(), "%USERPROFILE%\\bin".into()),
            ]),
            expand: BTreeSet::from(["GOPATH".into()]),
            error: None,
        };
        assert_eq!(reg.entry("GOPATH").map(|e| e.2), Some(Kind::ExpandSz));
        assert_eq!(
            reg.value_for_process("gopath", &e).as_deref(),
            Some("C:\\Users\\dev\\go")
        );
        // REG_SZ: the `%` text reaches the process as written.
        assert_eq!(
            reg.value_for_process("GOBIN", &e).as_deref(),
            Some("%USERPROFILE%\\bin")
        );
    }

    #[test]
    fn a_user_variable_hides_the_machine_one() {
        let e = env(&[("USERPROFILE", "C:\\Users\\dev")]);
        let mut w = WindowsFacts::default();
        w.user_env
            .vars
            .insert("GOPATH".into(), "%USERPROFILE%\\go".into());
        w.user_env.expand.insert("GOPATH".into());
        w.machine_env.vars.insert("GOPATH".into(), "D:\\go".into());
        w.machine_env
            .vars
            .insert("GOPROXY".into(), "https://corp".into());
        assert_eq!(
            w.registry_source("GOPATH", "c:\\users\\dev\\go", &e),
            Some(Scope::User)
        );
        // The process value is the machine's, but the user variable would win: set in
        // the session, not by the registry.
        assert_eq!(w.registry_source("GOPATH", "D:\\go", &e), None);
        assert_eq!(
            w.registry_source("GOPROXY", "https://corp", &e),
            Some(Scope::Machine)
        );
        assert_eq!(w.registry_source("GOPROXY", "off", &e), None);
    }

    fn fake(
        values: Vec<(Hive, &'static str, &'static str, RegData)>,
    ) -> impl Fn(Hive, &str, &str) -> Option<RegData> {
        move |hive, key, name| {
            values
                .iter()
                .find(|(h, k, n, _)| *h == hive && *k == key && *n == name)
                .map(|(_, _, _, v)| v.clone())
        }
    }

    fn file(path: &str, text: Option<&str>) -> FileFact {
        FileFact {
            path: path.into(),
            text: text.map(str::to_owned),
            error: None,
        }
    }

    #[test]
    fn nothing_set_is_restricted_on_a_client_and_remotesigned_on_a_server() {
        let read = fake(vec![]);
        let p = execution_policies(&read, None);
        assert_eq!(p.pwsh, None);
        let client = p.windows_powershell.effective(Some("Client"));
        assert_eq!(
            (client.policy, client.scope.as_str()),
            ("Restricted", "default (Windows client)")
        );
        let server = p.windows_powershell.effective(Some("Server Core"));
        assert_eq!(server.policy, "RemoteSigned");
    }

    #[test]
    fn scopes_win_in_powershells_order() {
        let read = fake(vec![
            (
                Hive::LocalMachine,
                WINPS_PREFERENCE_KEY,
                "ExecutionPolicy",
                RegData::Str("AllSigned".into()),
            ),
            (
                Hive::CurrentUser,
                WINPS_PREFERENCE_KEY,
                "ExecutionPolicy",
                RegData::Str("remotesigned".into()),
            ),
        ]);
        let p = execution_policies(&read, None).windows_powershell;
        assert_eq!(
            p.effective(None),
            Effective {
                policy: "RemoteSigned",
                scope: "CurrentUser".into()
            }
        );

        // Group Policy beats both; EnableScripts=0 is Restricted whatever else is set.
        let read = fake(vec![
            (
                Hive::CurrentUser,
                WINPS_PREFERENCE_KEY,
                "ExecutionPolicy",
                RegData::Str("Bypass".into()),
            ),
            (
                Hive::CurrentUser,
                WINPS_POLICY_KEY,
                "EnableScripts",
                RegData::Dword(0),
            ),
            (
                Hive::CurrentUser,
                WINPS_POLICY_KEY,
                "ExecutionPolicy",
                RegData::Str("Unrestricted".into()),
            ),
        ]);
        let p = execution_policies(&read, None).windows_powershell;
        assert_eq!(
            p.effective(None),
            Effective {
                policy: "Restricted",
                scope: "UserPolicy".into()
            }
        );

        // An unknown stored value counts as Restricted; Undefined as nothing.
        let p = PolicyScopes {
            current_user: Some("Undefined".into()),
            local_machine: Some("Sometimes".into()),
            ..PolicyScopes::default()
        };
        assert_eq!(
            p.effective(None),
            Effective {
                policy: "Restricted",
                scope: "LocalMachine".into()
            }
        );
    }

    #[test]
    fn pwsh_reads_its_config_files_and_its_own_policy_key() {
        let machine = file(
            "C:\\Program Files\\PowerShell\\7\\powershell.config.json",
            Some("\u{feff}{\"Microsoft.PowerShell:ExecutionPolicy\": \"RemoteSigned\"}"),
        );
        let user = file(
            "C:\\Users\\dev\\Documents\\PowerShell\\powershell.config.json",
            None,
        );
        let read = fake(vec![]);
        let p = execution_policies(&read, Some([machine.clone(), user.clone()]));
        let pwsh = p.pwsh.unwrap();
        assert_eq!(pwsh.local_machine.as_deref(), Some("RemoteSigned"));
        assert_eq!(pwsh.effective(Some("Client")).scope, "LocalMachine");

        // UseWindowsPowerShellPolicySetting takes the Windows PowerShell key.
        let read = fake(vec![
            (
                Hive::LocalMachine,
                PWSH_POLICY_KEY,
                "UseWindowsPowerShellPolicySetting",
                RegData::Dword(1),
            ),
            (
                Hive::LocalMachine,
                WINPS_POLICY_KEY,
                "EnableScripts",
                RegData::Dword(1),
            ),
            (
                Hive::LocalMachine,
                WINPS_POLICY_KEY,
                "ExecutionPolicy",
                RegData::Str("AllSigned".into()),
            ),
        ]);
        let p = execution_policies(&read, Some([machine, user]))
            .pwsh
            .unwrap();
        assert_eq!(
            p.effective(None),
            Effective {
                policy: "AllSigned",
                scope: "MachinePolicy".into()
            }
        );
    }

    #[test]
    fn a_broken_config_file_is_an_error_and_policies_can_sit_under_powershellpolicies() {
        let bad = file("C:\\u\\powershell.config.json", Some("{ nope"));
        let good = file(
            "C:\\m\\powershell.config.json",
            Some(r#"{"PowerShellPolicies": {"ScriptExecution": {"ExecutionPolicy": "Bypass"}}}"#),
        );
        let read = fake(vec![]);
        let p = execution_policies(&read, Some([good, bad])).pwsh.unwrap();
        assert_eq!(p.machine_policy.as_deref(), Some("Bypass"));
        assert_eq!(p.errors.len(), 1);
        assert!(
            p.errors[0].starts_with("C:\\u\\powershell.config.json: not valid JSON"),
            "{:?}",
            p.errors
        );
    }
}
