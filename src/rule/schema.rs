//! The TOML rule format v1, as typed structs (see docs/rule-format.md).
//!
//! Every struct denies unknown keys, and values that can be wrong in ways TOML does not
//! see (a regex, a query, a version) are `Spanned`, so a bad rule file is reported at the
//! exact place to fix.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::document::Target;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    Safe,
    Unsafe,
    DisplayOnly,
}

impl Applicability {
    pub fn name(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Where a rule applies: one kind of file; `env`, every environment assignment in any
/// file; or `any`, the engine's own rules (syntax errors, unreadable files,
/// suppressions), which have no checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleTarget {
    File(Target),
    Env,
    Any,
}

impl RuleTarget {
    pub fn name(self) -> &'static str {
        match self {
            RuleTarget::File(t) => t.name(),
            RuleTarget::Env => "env",
            RuleTarget::Any => "any",
        }
    }
}

impl<'de> Deserialize<'de> for RuleTarget {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        match name.as_str() {
            "env" => Ok(RuleTarget::Env),
            "any" => Ok(RuleTarget::Any),
            _ => Target::ALL
                .into_iter()
                .find(|t| t.name() == name)
                .map(RuleTarget::File)
                .ok_or_else(|| {
                    let known: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
                    serde::de::Error::custom(format!(
                        "unknown target `{name}`; expected env, any or one of: {}",
                        known.join(", ")
                    ))
                }),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub severity: Severity,
    pub target: RuleTarget,
    /// More kinds of file the same checks apply to (paths that do not exist in a kind
    /// select nothing there): e.g. a workflow rule that also reads composite actions.
    #[serde(default)]
    pub also_targets: Vec<Target>,
    pub summary: String,
    pub message: Spanned<String>,
    /// One line of advice shown under the diagnostic (a template).
    #[serde(default)]
    pub help: Option<String>,
    /// Where `gopolicy doctor` lists the rule.
    #[serde(default)]
    pub group: Option<Group>,
    pub references: Spanned<Vec<String>>,
    /// Markdown with the headings of docs/rule-format.md; required of built-in rules.
    #[serde(default)]
    pub docs: String,
    #[serde(default)]
    pub params: BTreeMap<String, Spanned<ParamValue>>,
    #[serde(default)]
    pub check: Vec<CheckSpec>,
    #[serde(default)]
    pub fix: Option<FixSpec>,
    #[serde(default)]
    pub test: Vec<Spanned<TestSpec>>,
}

/// A parameter's value: what a config file may override.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    String(String),
    Integer(i64),
    Bool(bool),
    List(Vec<String>),
}

impl ParamValue {
    /// The text a template substitutes for this parameter.
    pub fn to_template_text(&self) -> String {
        match self {
            ParamValue::String(s) => s.clone(),
            ParamValue::Integer(i) => i.to_string(),
            ParamValue::Bool(b) => b.to_string(),
            ParamValue::List(items) => items.join(", "),
        }
    }
    pub fn kind(&self) -> &'static str {
        match self {
            ParamValue::String(_) => "a string",
            ParamValue::Integer(_) => "an integer",
            ParamValue::Bool(_) => "a boolean",
            ParamValue::List(_) => "a list of strings",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub select: Spanned<String>,
    /// Without `assert`, every selected node is reported.
    #[serde(default)]
    pub assert: Option<Spanned<PredicateSpec>>,
    #[serde(default)]
    pub at: Option<Spanned<String>>,
    #[serde(default)]
    pub message: Option<String>,
}

/// An `assert` table. Every key present must hold.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PredicateSpec {
    pub on: Option<Spanned<String>>,
    pub extract: Option<Spanned<String>>,
    pub has: Option<Spanned<String>>,
    pub lacks: Option<Spanned<String>>,
    pub equals: Option<String>,
    pub not_equals: Option<String>,
    pub one_of: Option<Vec<String>>,
    pub none_of: Option<Vec<String>>,
    pub matches: Option<Spanned<String>>,
    pub not_matches: Option<Spanned<String>>,
    pub starts_with: Option<String>,
    pub ends_with: Option<String>,
    pub contains: Option<String>,
    pub max_length: Option<usize>,
    pub go_version: Option<Spanned<String>>,
    pub go_version_at_least: Option<Spanned<String>>,
    pub go_version_at_most: Option<Spanned<String>>,
    pub go_lang_at_least: Option<Spanned<String>>,
    pub unique: Option<bool>,
    pub yaml_type: Option<Spanned<String>>,
    pub style: Option<Spanned<Vec<String>>>,
    pub file_exists: Option<String>,
    pub all: Option<Vec<Spanned<PredicateSpec>>>,
    pub any: Option<Vec<Spanned<PredicateSpec>>>,
    pub not: Option<Box<Spanned<PredicateSpec>>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixSpec {
    pub applicability: Applicability,
    pub title: String,
    /// Commands that fix a machine finding, by shell (templates). gopolicy prints them
    /// for the user's shell and never runs them.
    #[serde(default)]
    pub commands: BTreeMap<Shell, String>,
    /// Commands for some findings only (`[[fix.case]]`), tried in order before
    /// `commands`: where the value is decides what changes it.
    #[serde(default)]
    pub case: Vec<FixCase>,
    /// Edits to the finding's file (`[[fix.edit]]`), applied all together or not at all.
    #[serde(default)]
    pub edit: Vec<Spanned<EditSpec>>,
}

/// Fix commands for the findings in one kind of document, or where a predicate holds on
/// the document's root.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixCase {
    /// The kind of document the finding is in: for an `env` rule, `go-env-file`,
    /// `process-env`, a script's kind or a CI file's.
    #[serde(rename = "in")]
    pub within: Option<crate::document::Target>,
    /// A predicate on the document's root, e.g. `{ on = "go.origin.GOPATH", starts_with =
    /// "process env" }` on the machine.
    pub when: Option<Spanned<PredicateSpec>>,
    /// By shell; empty: no command in this case.
    #[serde(default)]
    pub commands: BTreeMap<Shell, String>,
}

/// One `[[fix.edit]]`: where, and exactly one of `replace`, `substitute`, `delete`,
/// `delete_lines`, `insert_line_before`, `insert_line_after`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditSpec {
    /// A path under the node `select` found; without it, the node the finding is at.
    #[serde(default)]
    pub at: Option<Spanned<String>>,
    /// Replace the node's text with this (a template).
    #[serde(default)]
    pub replace: Option<String>,
    /// Rewrite the node's text with the first `[pattern, replacement]` whose regex
    /// matches it (`$1` names a group); no edit when none matches.
    #[serde(default)]
    pub substitute: Vec<[String; 2]>,
    /// Delete the node's text.
    #[serde(default)]
    pub delete: bool,
    /// Delete the lines the node stands on (with its key, for a map entry), when they
    /// hold nothing else.
    #[serde(default)]
    pub delete_lines: bool,
    /// Insert these lines (a template) before the node's first line, indented as it is.
    #[serde(default)]
    pub insert_line_before: Option<String>,
    /// Insert these lines (a template) after the node's last line, indented as its first.
    #[serde(default)]
    pub insert_line_after: Option<String>,
}

/// The sections of `gopolicy doctor`'s report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    Toolchain,
    Paths,
    Modules,
    Cgo,
    Os,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Toolchain,
        Group::Paths,
        Group::Modules,
        Group::Cgo,
        Group::Os,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Toolchain => "Go toolchain",
            Group::Paths => "Workspace paths",
            Group::Modules => "Modules and proxies",
            Group::Cgo => "cgo",
            Group::Os => "Shell and OS",
        }
    }
}

/// The shells a fix command can be written for.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Shell {
    /// PowerShell 7.
    Pwsh,
    /// Windows PowerShell 5.1.
    Powershell,
    Cmd,
    Bash,
    Zsh,
    Fish,
    /// Any POSIX shell: what bash, zsh and fish fall back to.
    Sh,
}

impl Shell {
    pub fn name(self) -> &'static str {
        match self {
            Shell::Pwsh => "pwsh",
            Shell::Powershell => "powershell",
            Shell::Cmd => "cmd",
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::Sh => "sh",
        }
    }

    /// The shells whose commands also work here, best first.
    pub fn fallbacks(self) -> &'static [Shell] {
        match self {
            Shell::Pwsh => &[Shell::Pwsh, Shell::Powershell],
            Shell::Powershell => &[Shell::Powershell, Shell::Pwsh],
            Shell::Cmd => &[Shell::Cmd],
            Shell::Bash => &[Shell::Bash, Shell::Sh],
            Shell::Zsh => &[Shell::Zsh, Shell::Sh],
            Shell::Fish => &[Shell::Fish, Shell::Sh],
            Shell::Sh => &[Shell::Sh],
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// The content of a single file named after the target (`go.mod`, `go.work`).
    #[serde(default)]
    pub text: Option<String>,
    /// Several files, by path relative to the test's folder.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    #[serde(default)]
    pub params: BTreeMap<String, ParamValue>,
    /// A gopolicy.toml for this case, written beside its files.
    #[serde(default)]
    pub config: Option<String>,
    /// Machine facts for this case, as in a snapshot (`gopolicy facts --json`), without
    /// `snapshot_version`; sections left out take their defaults.
    #[serde(default)]
    pub facts: Option<toml::Table>,
    pub expect: Vec<Expectation>,
    /// The `text` case's file after every fix of the rule (safe and unsafe) is applied.
    #[serde(default)]
    pub fixed: Option<String>,
    /// For a `files` case: files as they must read after the fixes (the others must
    /// not change).
    #[serde(default)]
    pub fixed_files: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Expectation {
    Id(String),
    Detailed(ExpectedDiagnostic),
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedDiagnostic {
    pub id: String,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub line: Option<usize>,
    /// A substring the message must contain.
    #[serde(default)]
    pub message: Option<String>,
}

impl Expectation {
    pub fn id(&self) -> &str {
        match self {
            Expectation::Id(id) => id,
            Expectation::Detailed(d) => &d.id,
        }
    }
}
