//! The span tree every parser produces and every rule queries.
//!
//! A [`Document`] is one parsed file: its text, a tree of [`Node`]s and its comments. Each
//! node knows its byte range in the file; scalars keep their decoded value, and their raw
//! source text is the text under their span. Rules select nodes by path (`rule::query`)
//! and report at the node's span, so a diagnostic always points at the exact token.

use std::sync::Arc;

use super::text::SourceText;

/// A byte range `[start, end)` in a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// How a scalar was written in its source, for rules on quoting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// A bare token: a go.mod identifier or version, or a plain YAML scalar.
    Plain,
    /// `"..."` with escapes.
    DoubleQuoted,
    /// `'...'` (YAML).
    SingleQuoted,
    /// A YAML literal block scalar, `|`.
    Literal,
    /// A YAML folded block scalar, `>`.
    Folded,
    /// A Go raw string in backquotes.
    Backquoted,
    /// Not written in the source: a value the parser derived (e.g. `indirect = true`).
    Derived,
}

impl ScalarStyle {
    pub fn name(self) -> &'static str {
        match self {
            ScalarStyle::Plain => "plain",
            ScalarStyle::DoubleQuoted => "double-quoted",
            ScalarStyle::SingleQuoted => "single-quoted",
            ScalarStyle::Literal => "literal",
            ScalarStyle::Folded => "folded",
            ScalarStyle::Backquoted => "backquoted",
            ScalarStyle::Derived => "derived",
        }
    }
}

/// A key or scalar: most are short (`runs-on`, `ubuntu-latest`, `go`), and a string of up
/// to 24 bytes is held inline, with no allocation to make or free. A large workflow set
/// spent a third of its time in the allocator, most of it on these.
pub type Text = compact_str::CompactString;

/// A node's content.
#[derive(Clone, Debug)]
pub enum Value {
    /// A leaf: the decoded value, with how it was written.
    Scalar {
        value: Text,
        style: ScalarStyle,
    },
    List(Vec<Node>),
    /// Keyed children, in source order.
    Map(Vec<Entry>),
    /// Another document this one refers to, e.g. the go.mod of a go.work `use` folder.
    /// Queries walk into it; diagnostics stay on the node that holds the link.
    Link(Arc<Document>),
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: Text,
    pub key_span: Span,
    pub value: Node,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

impl Node {
    pub fn scalar(span: Span, value: impl Into<Text>, style: ScalarStyle) -> Node {
        Node {
            span,
            value: Value::Scalar {
                value: value.into(),
                style,
            },
        }
    }
    pub fn map(span: Span, entries: Vec<Entry>) -> Node {
        Node {
            span,
            value: Value::Map(entries),
        }
    }
    pub fn list(span: Span, items: Vec<Node>) -> Node {
        Node {
            span,
            value: Value::List(items),
        }
    }

    /// The child under `key`, if this is a map that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            Value::Link(doc) => doc.root.get(key),
            _ => None,
        }
    }

    /// The tree without spans and styles: `{k=v,...}`, `[a,b]`, scalars quoted. Two
    /// nodes with the same shape hold the same data.
    pub fn shape(&self) -> String {
        match &self.value {
            Value::Scalar { value, .. } => format!("{value:?}"),
            Value::List(items) => {
                let items: Vec<String> = items.iter().map(Node::shape).collect();
                format!("[{}]", items.join(","))
            }
            Value::Map(entries) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|e| format!("{}={}", e.key, e.value.shape()))
                    .collect();
                format!("{{{}}}", entries.join(","))
            }
            Value::Link(_) => "link".into(),
        }
    }

    /// The decoded text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// A comment in a source file, without its comment marker (`//` or `#`).
#[derive(Clone, Debug)]
pub struct Comment {
    /// The whole comment, marker included.
    pub span: Span,
    pub text: String,
    /// True when code precedes the comment on its line (`require x v1 // indirect`).
    pub trailing: bool,
}

/// A syntax error found while parsing; the document holds what could be parsed around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// The kinds of input rules can target.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub enum Target {
    /// `go.mod` files.
    #[serde(rename = "go.mod")]
    GoMod,
    /// `go.work` files.
    #[serde(rename = "go.work")]
    GoWork,
    /// `.github/workflows/*.yml`
    #[serde(rename = "github-workflow")]
    GithubWorkflow,
    /// `action.yml` of a (composite, JavaScript or Docker) action.
    #[serde(rename = "github-action")]
    GithubAction,
    /// `azure-pipelines*.yml` and the templates they use.
    #[serde(rename = "azure-pipelines")]
    AzurePipelines,
    /// `.gitlab-ci.yml` and the local files it includes.
    #[serde(rename = "gitlab-ci")]
    GitlabCi,
    /// The file `go env -w` writes.
    #[serde(rename = "go-env-file")]
    GoEnvFile,
    /// The process environment, as `NAME: "value"` lines (a view, not a file).
    #[serde(rename = "process-env")]
    ProcessEnv,
    /// The machine's facts (`gopolicy facts`), as YAML (a view, not a file).
    #[serde(rename = "machine")]
    Machine,
    /// PowerShell scripts, modules and profiles (`*.ps1`, `*.psm1`).
    #[serde(rename = "powershell")]
    Powershell,
    /// cmd.exe batch files (`*.bat`, `*.cmd`).
    #[serde(rename = "cmd")]
    Cmd,
    /// POSIX shell scripts and rc files (`*.sh`, `.bashrc`, `.profile`, `.zshrc`, ...),
    /// and fish's `config.fish`.
    #[serde(rename = "shell")]
    Shell,
}

impl Target {
    pub const ALL: [Target; 12] = [
        Target::GoMod,
        Target::GoWork,
        Target::GithubWorkflow,
        Target::GithubAction,
        Target::AzurePipelines,
        Target::GitlabCi,
        Target::GoEnvFile,
        Target::ProcessEnv,
        Target::Machine,
        Target::Powershell,
        Target::Cmd,
        Target::Shell,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::GoMod => "go.mod",
            Target::GoWork => "go.work",
            Target::GithubWorkflow => "github-workflow",
            Target::GithubAction => "github-action",
            Target::AzurePipelines => "azure-pipelines",
            Target::GitlabCi => "gitlab-ci",
            Target::GoEnvFile => "go-env-file",
            Target::ProcessEnv => "process-env",
            Target::Machine => "machine",
            Target::Powershell => "powershell",
            Target::Cmd => "cmd",
            Target::Shell => "shell",
        }
    }

    /// The file name a rule test's `text` is written to.
    pub fn example_file(self) -> &'static str {
        match self {
            Target::GoMod => "go.mod",
            Target::GoWork => "go.work",
            Target::GithubWorkflow => ".github/workflows/ci.yml",
            Target::GithubAction => "action.yml",
            Target::AzurePipelines => "azure-pipelines.yml",
            Target::GitlabCi => ".gitlab-ci.yml",
            Target::GoEnvFile => "go/env",
            Target::ProcessEnv => "process-env.yml",
            Target::Machine => "machine.yml",
            Target::Powershell => "profile.ps1",
            Target::Cmd => "setup.cmd",
            Target::Shell => "setup.sh",
        }
    }

    /// Which target a file found by walking is, from its `/`-separated path: `go.mod`
    /// and `go.work` (and names ending so, `a.go.mod`, as Go's own tests name them), and
    /// the CI files where GitHub, Azure Pipelines and GitLab look for them.
    pub fn of_path(path: &str) -> Option<Target> {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
        // As `trim_end_matches`, without building a substring searcher per file.
        let mut stem = name;
        while let Some(shorter) = stem.strip_suffix(".yml") {
            stem = shorter;
        }
        while let Some(shorter) = stem.strip_suffix(".yaml") {
            stem = shorter;
        }
        if name.ends_with("go.mod") {
            Some(Target::GoMod)
        } else if name.ends_with("go.work") {
            Some(Target::GoWork)
        } else if let Some(script) = Target::of_script_name(name) {
            Some(script)
        } else if !yaml {
            None
        } else if dir == ".github/workflows" || dir.ends_with("/.github/workflows") {
            Some(Target::GithubWorkflow)
        } else if stem == "action" {
            Some(Target::GithubAction)
        } else if stem.ends_with("azure-pipelines")
            || stem.starts_with("azure-pipelines")
            || dir
                .split('/')
                .any(|c| matches!(c, ".azure-pipelines" | ".pipelines" | ".azdo"))
        {
            Some(Target::AzurePipelines)
        } else if stem.ends_with("gitlab-ci") || dir == ".gitlab/ci" || dir.ends_with("/.gitlab/ci")
        {
            Some(Target::GitlabCi)
        } else {
            None
        }
    }

    /// Scripts and shell profiles, by name.
    fn of_script_name(name: &str) -> Option<Target> {
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        let is = |known: &[&str]| known.iter().any(|k| ext.eq_ignore_ascii_case(k));
        if is(&["ps1", "psm1"]) {
            return Some(Target::Powershell);
        } else if is(&["bat", "cmd"]) {
            return Some(Target::Cmd);
        } else if is(&["sh", "bash", "zsh"]) {
            return Some(Target::Shell);
        }
        const PROFILES: [&str; 10] = [
            ".profile",
            ".bashrc",
            ".bash_profile",
            ".bash_login",
            ".zshrc",
            ".zprofile",
            ".zshenv",
            ".zlogin",
            "config.fish",
            ".envrc",
        ];
        PROFILES.contains(&name).then_some(Target::Shell)
    }

    /// Do documents of this kind assign environment variables (for `target = "env"`)?
    pub fn assigns_environment(self) -> bool {
        !matches!(self, Target::GoMod | Target::GoWork | Target::Machine)
    }

    /// Does the file name end as this kind's files do (`.mod`, `.work`, `.yml`/`.yaml`)?
    /// Used with `--as`, where the user says what the files are.
    pub fn has_extension_of(self, path: &str) -> bool {
        match self {
            Target::GoMod => path.ends_with(".mod"),
            Target::GoWork => path.ends_with(".work"),
            Target::GoEnvFile => true,
            Target::Powershell | Target::Cmd | Target::Shell => {
                Target::of_script_name(path.rsplit('/').next().unwrap_or(path)) == Some(self)
            }
            _ => path.ends_with(".yml") || path.ends_with(".yaml"),
        }
    }

    /// Which target a file named on the command line is: as [`Target::of_path`], and
    /// also any `*.mod` (as `go -modfile` takes) and any `*.work` (as GOWORK names).
    pub fn of_named_file(path: &str) -> Option<Target> {
        let name = path.rsplit('/').next().unwrap_or(path);
        Target::of_path(path).or_else(|| {
            if name.ends_with(".mod") {
                Some(Target::GoMod)
            } else if name.ends_with(".work") {
                Some(Target::GoWork)
            } else {
                None
            }
        })
    }

    /// What starts a comment line in this kind of file (for inline suppressions).
    pub fn comment_markers(self) -> &'static [&'static str] {
        match self {
            Target::GoMod | Target::GoWork => &["//"],
            Target::Cmd => &["::", "REM ", "rem ", "@REM ", "@rem "],
            Target::GithubWorkflow
            | Target::GithubAction
            | Target::AzurePipelines
            | Target::GitlabCi
            | Target::GoEnvFile
            | Target::ProcessEnv
            | Target::Machine
            | Target::Powershell
            | Target::Shell => &["#"],
        }
    }
}

/// One parsed file.
#[derive(Clone, Debug)]
pub struct Document {
    pub target: Target,
    pub source: SourceText,
    pub root: Node,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

impl Document {
    pub fn path(&self) -> &str {
        &self.source.path
    }
    /// The source text under a span.
    pub fn raw(&self, span: Span) -> &str {
        self.source.text.get(span.start..span.end).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::Target;

    #[test]
    fn targets_come_from_where_each_tool_looks() {
        let cases = [
            ("go.mod", Some(Target::GoMod)),
            ("a/b/go.work", Some(Target::GoWork)),
            ("x__go.mod", Some(Target::GoMod)),
            (".github/workflows/ci.yml", Some(Target::GithubWorkflow)),
            (
                "sub/.github/workflows/release.yaml",
                Some(Target::GithubWorkflow),
            ),
            (".github/workflows/scripts/x.yml", None),
            ("action.yml", Some(Target::GithubAction)),
            ("tools/setup/action.yaml", Some(Target::GithubAction)),
            ("azure-pipelines.yml", Some(Target::AzurePipelines)),
            (
                "eng/azure-pipelines-release.yml",
                Some(Target::AzurePipelines),
            ),
            (
                ".pipelines/templates/unit-test.yaml",
                Some(Target::AzurePipelines),
            ),
            (".gitlab-ci.yml", Some(Target::GitlabCi)),
            (".gitlab/ci/test.gitlab-ci.yml", Some(Target::GitlabCi)),
            (".gitlab/ci/qa.yml", Some(Target::GitlabCi)),
            ("docker-compose.yml", None),
            ("README.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(Target::of_path(path), want, "{path}");
        }
        assert_eq!(Target::of_named_file("alt.mod"), Some(Target::GoMod));
        assert_eq!(Target::of_named_file("dir/ws.work"), Some(Target::GoWork));
    }
}
