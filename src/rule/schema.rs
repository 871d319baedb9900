//! The TOML rule format v1, as typed structs (see docs/rule-format.md).
//!
//! Every struct denies unknown keys, and values that can be wrong in ways TOML does not
//! see (a regex, a query, a version) are `Spanned`, so a bad rule file is reported at the
//! exact place to fix.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

use crate::document::Target;

/// A value and the byte range it was written at in its rule file, for errors.
///
/// A rule file read as TOML gives the range (toml's spanned form). The built-in rules
/// are also embedded as static data (see rule/embedded.rs), which has no ranges and is
/// not a human-readable format: read that way, a value gets an empty range. Built-ins
/// are tested, so no error needs to point into them.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    span: std::ops::Range<usize>,
    value: T,
}

impl<T> Spanned<T> {
    pub fn span(&self) -> std::ops::Range<usize> {
        self.span.clone()
    }
    pub fn get_ref(&self) -> &T {
        &self.value
    }
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let spanned = toml::Spanned::<T>::deserialize(deserializer)?;
            Ok(Spanned {
                span: spanned.span(),
                value: spanned.into_inner(),
            })
        } else {
            Ok(Spanned {
                span: 0..0,
                value: T::deserialize(deserializer)?,
            })
        }
    }
}

/// How serious a finding is; `fail_on` decides which ones fail the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; does not fail a run unless `fail_on = "info"`.
    Info,
    /// Probably wrong; fails a run with `fail_on = "warning"`.
    Warning,
    /// Wrong; fails a run by default.
    Error,
}

impl Severity {
    /// The severity named as in a rule file.
    pub fn from_name(name: &str) -> Option<Severity> {
        [Severity::Info, Severity::Warning, Severity::Error]
            .into_iter()
            .find(|s| s.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What `gopolicy check --fix` may do with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// What the tools do with the file stays the same, or a failure goes away: applied
    /// by `--fix`.
    Safe,
    /// The file then does what it says, which is not what it did: applied by `--fix
    /// --unsafe-fixes`.
    Unsafe,
    /// Shown, never applied (a fix made only of commands).
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

/// What the `Deserialize` below accepts: a target's name, `env` or `any`.
impl JsonSchema for RuleTarget {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RuleTarget".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Where the rule applies: a kind of file, `env` or `any`.",
            "anyOf": [
                generator.subschema_for::<Target>(),
                {
                    "const": "env",
                    "description": "Every environment assignment in any file: workflow, pipeline and step `env`, the go env file, the process environment, scripts.",
                },
                {
                    "const": "any",
                    "description": "The engine's own rules (syntax errors, unreadable files, suppressions), which have no checks.",
                },
            ],
        })
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

/// A gopolicy rule file (rule format v1, docs/rule-format.md): what to check, how to
/// report and fix it, and the cases that test it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gopolicy rule")]
pub struct RuleSpec {
    /// The stable code: 2 to 5 capital letters and 3 digits, e.g. `MOD001`; never reused.
    #[schemars(with = "String", pattern(r"^[A-Z]{2,5}[0-9]{3}$"))]
    pub id: Spanned<String>,
    /// A stable kebab-case slug naming the pattern flagged, e.g. `missing-go-directive`.
    #[schemars(with = "String", pattern(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"))]
    pub name: Spanned<String>,
    /// The severity findings are reported with; a config file may override it.
    pub severity: Severity,
    /// Where the rule applies: a kind of file, `env` (environment assignments in any
    /// file) or `any` (the engine's own rules).
    pub target: RuleTarget,
    /// More kinds of file the same checks apply to (paths that do not exist in a kind
    /// select nothing there): e.g. a workflow rule that also reads composite actions.
    /// Only with a file target.
    #[serde(default)]
    pub also_targets: Vec<Target>,
    /// One line saying what the rule flags, shown in `gopolicy rules`.
    pub summary: String,
    /// The diagnostic's message (a template: `{value}`, `{raw}`, `{param}`, `{/path}`,
    /// `{.path}`).
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    /// One line of advice shown under the diagnostic (a template).
    #[serde(default)]
    pub help: Option<String>,
    /// Where `gopolicy doctor` lists the rule.
    #[serde(default)]
    pub group: Option<Group>,
    /// Primary sources (Go, GitHub, Microsoft documentation) for what the rule says; at
    /// least one.
    #[schemars(with = "Vec<String>", length(min = 1))]
    pub references: Spanned<Vec<String>>,
    /// Markdown with the headings of docs/rule-format.md; required of built-in rules.
    #[serde(default)]
    pub docs: String,
    /// Parameters, by name, with their defaults: templates use them as `{name}`, and a
    /// config file may override them (`[params.ID]`). `value` and `raw` are reserved.
    #[serde(default)]
    #[schemars(
        with = "BTreeMap<String, ParamValue>",
        extend("propertyNames" = { "not": { "enum": ["value", "raw"] } })
    )]
    pub params: BTreeMap<String, Spanned<ParamValue>>,
    /// The checks (`[[check]]`), each reporting the nodes it rejects; at least one,
    /// except for `target = "any"`, which has none.
    #[serde(default)]
    pub check: Vec<CheckSpec>,
    /// How to fix a finding: file edits, or commands for the user's shell.
    #[serde(default)]
    pub fix: Option<FixSpec>,
    /// Test cases (`[[test]]`), run by `gopolicy test-rules`: built-in rules have a
    /// passing and a failing one.
    #[serde(default)]
    #[schemars(with = "Vec<TestSpec>")]
    pub test: Vec<Spanned<TestSpec>>,
}

/// A parameter's value: a string, an integer, a boolean or a list of strings. An
/// override must have the type of the default.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
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

/// One `[[check]]`: the nodes a query selects, and what must hold of each.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    /// A query: a path from the document root, e.g. `$`, `require[*].version`,
    /// `jobs.*.steps[?uses ^= 'actions/setup-go']`.
    #[schemars(with = "String")]
    pub select: Spanned<String>,
    /// What must hold of each selected node; one that fails it is reported. Without
    /// `assert`, every selected node is reported.
    #[serde(default)]
    #[schemars(with = "Option<PredicateSpec>")]
    pub assert: Option<Spanned<PredicateSpec>>,
    /// Report at this path under the selected node instead of at the node itself.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub at: Option<Spanned<String>>,
    /// Overrides the rule's message for this check (a template).
    #[serde(default)]
    pub message: Option<String>,
}

/// A predicate (an `assert` table): every key present must hold. String arguments may
/// use templates; one that cannot be resolved makes its key hold.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PredicateSpec {
    /// Evaluate the other keys on the node(s) at this path under the selected node;
    /// true when there are none.
    #[schemars(with = "Option<String>")]
    pub on: Option<Spanned<String>>,
    /// A regex: test its first capture group (or whole match) instead of the scalar,
    /// e.g. the `1.22` of `golang:1.22-alpine`; true when it does not match.
    #[schemars(with = "Option<String>")]
    pub extract: Option<Spanned<String>>,
    /// The node is a map with this child (a path like `a.b` is allowed).
    #[schemars(with = "Option<String>")]
    pub has: Option<Spanned<String>>,
    /// The node has no such child.
    #[schemars(with = "Option<String>")]
    pub lacks: Option<Spanned<String>>,
    /// The scalar is exactly this.
    pub equals: Option<String>,
    /// The scalar is not exactly this.
    pub not_equals: Option<String>,
    /// The scalar is one of these.
    pub one_of: Option<Vec<String>>,
    /// The scalar is none of these.
    pub none_of: Option<Vec<String>>,
    /// A regex (Rust `regex` syntax) that finds a match in the scalar; `{name}` inserts
    /// a parameter.
    #[schemars(with = "Option<String>")]
    pub matches: Option<Spanned<String>>,
    /// A regex that finds no match in the scalar.
    #[schemars(with = "Option<String>")]
    pub not_matches: Option<Spanned<String>>,
    /// The scalar starts with this.
    pub starts_with: Option<String>,
    /// The scalar ends with this.
    pub ends_with: Option<String>,
    /// The scalar contains this.
    pub contains: Option<String>,
    /// The scalar is at most this many characters long (Unicode scalar values).
    pub max_length: Option<usize>,
    /// `"valid"`: the scalar is a valid Go version (`1.21`, `1.21.0`, `1.21rc1`, with or
    /// without a `go` prefix).
    #[schemars(with = "Option<String>", extend("enum" = ["valid"]))]
    pub go_version: Option<Spanned<String>>,
    /// The scalar, as a Go version, is at least this (Go's ordering: `1.21` < `1.21rc1`
    /// < `1.21.0`).
    #[schemars(with = "Option<String>")]
    pub go_version_at_least: Option<Spanned<String>>,
    /// The scalar, as a Go version, is at most this.
    #[schemars(with = "Option<String>")]
    pub go_version_at_most: Option<Spanned<String>>,
    /// The scalar's language version (`1.22` of `1.22.5`) is at least this one's.
    #[schemars(with = "Option<String>")]
    pub go_lang_at_least: Option<Spanned<String>>,
    /// `true`: no earlier node in the same selection has the same scalar (reports the
    /// repeats).
    #[schemars(extend("const" = true))]
    pub unique: Option<bool>,
    /// The YAML scalar is read as this type (YAML 1.2 core schema).
    #[schemars(with = "Option<super::predicate::YamlTypeName>")]
    pub yaml_type: Option<Spanned<String>>,
    /// The scalar was written in one of these styles.
    #[schemars(with = "Option<Vec<StyleName>>")]
    pub style: Option<Spanned<Vec<String>>>,
    /// A file exists at this path (a template), relative to the repository root.
    pub file_exists: Option<String>,
    /// Every one of these predicates holds.
    #[schemars(with = "Option<Vec<PredicateSpec>>")]
    pub all: Option<Vec<Spanned<PredicateSpec>>>,
    /// At least one of these predicates holds.
    #[schemars(with = "Option<Vec<PredicateSpec>>")]
    pub any: Option<Vec<Spanned<PredicateSpec>>>,
    /// This predicate does not hold.
    #[schemars(with = "Option<PredicateSpec>")]
    pub not: Option<Box<Spanned<PredicateSpec>>>,
}

/// The names `style` accepts (the compiler checks them; this describes them in the JSON
/// Schema).
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum StyleName {
    /// A bare scalar (a go.mod token, a plain YAML scalar).
    Plain,
    /// `'...'`.
    SingleQuoted,
    /// `"..."`.
    DoubleQuoted,
    /// A YAML literal block scalar, `|`.
    Literal,
    /// A YAML folded block scalar, `>`.
    Folded,
}

/// A rule's `[fix]`: file edits, or commands for the user's shell, or both.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixSpec {
    pub applicability: Applicability,
    /// What the fix does, in a few words: `Delete the toolchain line`.
    pub title: String,
    /// Commands that fix a machine finding, by shell (templates). gopolicy prints them
    /// for the user's shell and never runs them.
    #[serde(default)]
    #[schemars(schema_with = "commands_schema")]
    pub commands: BTreeMap<Shell, String>,
    /// Commands for some findings only (`[[fix.case]]`), tried in order before
    /// `commands`: where the value is decides what changes it.
    #[serde(default)]
    pub case: Vec<FixCase>,
    /// Edits to the finding's file (`[[fix.edit]]`), applied all together or not at all.
    #[serde(default)]
    #[schemars(with = "Vec<EditSpec>")]
    pub edit: Vec<Spanned<EditSpec>>,
}

/// Fix commands for the findings in one kind of document, or where a predicate holds on
/// the document's root.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixCase {
    /// The kind of document the finding is in: for an `env` rule, `go-env-file`,
    /// `process-env`, a script's kind or a CI file's.
    #[serde(rename = "in")]
    pub within: Option<crate::document::Target>,
    /// A predicate on the document's root, e.g. `{ on = "go.origin.GOPATH", starts_with =
    /// "process env" }` on the machine.
    #[schemars(with = "Option<PredicateSpec>")]
    pub when: Option<Spanned<PredicateSpec>>,
    /// By shell; empty: no command in this case.
    #[serde(default)]
    #[schemars(schema_with = "commands_schema")]
    pub commands: BTreeMap<Shell, String>,
}

/// `commands`: a table with a key per shell. (schemars makes a map with enum keys a
/// closed table only when the enum has no doc comments, and `Shell`'s show in `--help`.)
fn commands_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    use clap::ValueEnum;
    let shells: serde_json::Map<String, serde_json::Value> = Shell::value_variants()
        .iter()
        .map(|shell| {
            (
                shell.name().to_owned(),
                serde_json::json!({ "type": "string" }),
            )
        })
        .collect();
    schemars::json_schema!({
        "type": "object",
        "properties": shells,
        "additionalProperties": false,
    })
}

/// One `[[fix.edit]]`: where, and exactly one of `replace`, `substitute`, `delete`,
/// `delete_lines`, `insert_line_before`, `insert_line_after`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditSpec {
    /// A path under the node `select` found; without it, the node the finding is at.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Go toolchain.
    Toolchain,
    /// Workspace paths.
    Paths,
    /// Modules and proxies.
    Modules,
    /// cgo.
    Cgo,
    /// Shell and OS.
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
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Shell {
    /// PowerShell 7.
    Pwsh,
    /// Windows PowerShell 5.1.
    Powershell,
    /// cmd.exe, written as in a `.cmd` file.
    Cmd,
    /// bash (falls back to `sh`).
    Bash,
    /// zsh (falls back to `sh`).
    Zsh,
    /// fish (falls back to `sh`).
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

/// One `[[test]]` case: input files (or machine facts), and the diagnostics expected.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// The content of a single file named after the target (`go.mod`, `go.work`).
    #[serde(default)]
    pub text: Option<String>,
    /// Several files, by path relative to the test's folder.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Parameter overrides for this case.
    #[serde(default)]
    pub params: BTreeMap<String, ParamValue>,
    /// A gopolicy.toml for this case, written beside its files.
    #[serde(default)]
    pub config: Option<String>,
    /// Machine facts for this case, as in a snapshot (`gopolicy facts --json`), without
    /// `snapshot_version`; sections left out take their defaults.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub facts: Option<toml::Table>,
    /// The diagnostics the case reports, by id or in detail; `[]`: none.
    pub expect: Vec<Expectation>,
    /// The `text` case's file after every fix of the rule (safe and unsafe) is applied.
    #[serde(default)]
    pub fixed: Option<String>,
    /// For a `files` case: files as they must read after the fixes (the others must
    /// not change).
    #[serde(default)]
    pub fixed_files: BTreeMap<String, String>,
}

/// An expected diagnostic: its rule id, or a table with details.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum Expectation {
    Id(String),
    Detailed(ExpectedDiagnostic),
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedDiagnostic {
    /// The rule id reported.
    pub id: String,
    /// The file it is reported in, relative to the case's folder.
    #[serde(default)]
    pub file: Option<String>,
    /// Its 1-based line.
    #[serde(default)]
    pub line: Option<usize>,
    /// A substring the message must contain.
    #[serde(default)]
    pub message: Option<String>,
    /// A substring one of its fix commands (for any shell) must contain.
    #[serde(default)]
    pub command: Option<String>,
}

impl Expectation {
    pub fn id(&self) -> &str {
        match self {
            Expectation::Id(id) => id,
            Expectation::Detailed(d) => &d.id,
        }
    }
}
