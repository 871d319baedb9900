//! `gopolicy.toml` / `.gopolicy.toml`: found by walking up from the first path checked.
//!
//! Every key is typed and unknown keys are errors, reported at their line. Selectors
//! (in `select`, `ignore`, `severity`, `per_file_ignores`) are a rule id, a rule name,
//! an id prefix such as `MOD`, or `ALL`; one that matches no rule is an error too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, SourceError};
use crate::rule::schema::{ParamValue, Severity};

pub const FILE_NAMES: [&str; 2] = ["gopolicy.toml", ".gopolicy.toml"];
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;
pub const DEFAULT_EXCLUDES: [&str; 3] = [".git/", "vendor/", "testdata/"];

/// The lowest severity that makes the exit code 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Errors fail the run (the default).
    #[default]
    Error,
    /// Warnings and errors fail the run.
    Warning,
    /// Any finding fails the run.
    Info,
    /// Findings never fail the run.
    Never,
}

impl FailOn {
    /// Does a diagnostic of this severity fail the run?
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

/// gopolicy.toml / .gopolicy.toml (docs/configuration.md). Every key is optional.
/// Selectors are rule ids (`MOD001`), names (`missing-go-directive`), id prefixes (`MOD`)
/// or `ALL`; one that matches no rule is an error.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gopolicy configuration")]
pub(crate) struct ConfigSpec {
    /// The rules to run (selectors); `--select` replaces it. Default: every rule.
    #[schemars(with = "Option<Vec<String>>")]
    select: Option<Vec<Spanned<String>>>,
    /// Rules not to run (selectors); `--ignore` adds to it.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    ignore: Vec<Spanned<String>>,
    /// Severity overrides, by selector.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Severity>")]
    severity: BTreeMap<Spanned<String>, Severity>,
    /// Rule parameter overrides, by selector, then by parameter name; a value must have
    /// the type of the parameter's default.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, BTreeMap<String, ParamValue>>")]
    params: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, ParamValue>>,
    /// Folders of extra rule files (rule packs), relative to this file; `--rules DIR`
    /// adds one.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    rules: Vec<Spanned<String>>,
    /// gitignore-style patterns not to walk into, added to the defaults (`.git/`,
    /// `vendor/`, `testdata/`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    exclude: Vec<Spanned<String>>,
    /// `false` drops the default excludes: `.git/`, `vendor/`, `testdata/`.
    default_excludes: Option<bool>,
    /// Rules not reported in files matching a glob: glob → selectors.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Larger files are reported (SYS003) and not read: a number of bytes, or a size
    /// such as `"16MiB"`, `"512KiB"`, `"1MB"`. Default: 16 MiB.
    #[schemars(with = "Option<ByteSize>")]
    max_file_size: Option<Spanned<ByteSize>>,
    /// The lowest severity that makes the exit code 1; `--fail-on` wins.
    fail_on: Option<FailOn>,
    /// Base URL of rule pages in diagnostics (`{docs_url}MOD001.md`). Default: the
    /// repository's docs/rules/.
    docs_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ByteSize {
    Bytes(u64),
    Text(String),
}

/// What `parse_size` accepts.
impl JsonSchema for ByteSize {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ByteSize".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": r"^\s*[0-9]+\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$" },
            ],
        })
    }
}

/// A selector as written, with where it was written (for errors).
#[derive(Clone, Debug)]
pub struct Selector {
    pub text: String,
    pub origin: Origin,
}

/// Where a setting came from: a span in the config file, or the command line.
#[derive(Clone, Debug)]
pub enum Origin {
    Config(std::ops::Range<usize>),
    CommandLine,
}

/// Param values by name, each with where it was set.
pub type ParamOverrides = BTreeMap<String, (ParamValue, Origin)>;

/// The settings of a run, from the config file (if any) and the command line.
#[derive(Debug, Default)]
pub struct Config {
    /// The config file, its text (for error spans) and its folder (globs are relative to it).
    pub file: Option<(PathBuf, Arc<str>)>,
    pub root: PathBuf,
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    pub severity: Vec<(Selector, Severity)>,
    pub params: Vec<(Selector, ParamOverrides)>,
    pub rule_packs: Vec<PathBuf>,
    pub exclude: Vec<String>,
    pub per_file_ignores: Vec<(String, Origin, Vec<Selector>)>,
    pub max_file_size: u64,
    pub fail_on: Option<FailOn>,
    pub docs_url: Option<String>,
    /// Treat every file found as this kind (`check --as`), whatever its path.
    pub assume: Option<crate::document::Target>,
}

impl Config {
    /// Find the config file by walking up from `start`, and read it.
    pub fn discover(start: &Path) -> Result<Config, Error> {
        match Config::find(start) {
            Some(path) => Config::load(&path),
            None => Ok(Config::defaults(
                std::env::current_dir().unwrap_or_default(),
            )),
        }
    }

    /// The config file that applies at `start` (a file or folder): the nearest
    /// gopolicy.toml or .gopolicy.toml at or above it.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let dir = if start.is_dir() {
            start.as_path()
        } else {
            start.parent()?
        };
        dir.ancestors()
            .flat_map(|d| FILE_NAMES.iter().map(move |name| d.join(name)))
            .find(|candidate| candidate.is_file())
    }

    pub fn defaults(root: PathBuf) -> Config {
        Config {
            root,
            exclude: DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            ..Config::default()
        }
    }

    /// Read one config file.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let cannot = |why: String| {
            Error::Usage(format!("cannot read config file {}: {why}", path.display()))
        };
        // `--config /dev/null` is the usual way to say "no settings"; other devices and
        // FIFOs are refused (one never ends, the other blocks).
        if path == Path::new("/dev/null") {
            return Config::parse(path, "");
        }
        let bytes = crate::workspace::load::read_regular(path, DEFAULT_MAX_FILE_SIZE)
            .map_err(|e| cannot(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| cannot("invalid UTF-8".into()))?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown = crate::workspace::discover::display_path(path, &cwd);
        let text: Arc<str> = Arc::from(text);
        let spec: ConfigSpec =
            toml::from_str(&text).map_err(|e| SourceError::from_toml(&shown, &text, &e))?;
        let root = path
            .parent()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
            .unwrap_or_default();
        let selector = |s: &Spanned<String>| Selector {
            text: s.get_ref().clone(),
            origin: Origin::Config(s.span()),
        };
        let mut config = Config::defaults(root.clone());
        if spec.default_excludes == Some(false) {
            config.exclude.clear();
        }
        for pattern in &spec.exclude {
            // Checked here so a typo is reported at its line rather than matching nothing.
            let mut builder = ignore::gitignore::GitignoreBuilder::new(&root);
            // gitignore reads an unclosed `[` literally; a config typo deserves an error.
            let glob = pattern.get_ref().trim_start_matches('!').trim_matches('/');
            let checked = match builder.add_line(None, pattern.get_ref()) {
                Ok(builder) => builder.build().map(drop).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            }
            .and_then(|()| {
                globset::Glob::new(glob)
                    .map(drop)
                    .map_err(|e| e.to_string())
            });
            checked.map_err(|e| {
                SourceError::new(
                    &shown,
                    &text,
                    Some(pattern.span()),
                    format!("invalid exclude pattern: {e}"),
                )
            })?;
            config.exclude.push(pattern.get_ref().clone());
        }
        config.select = spec.select.map(|v| v.iter().map(selector).collect());
        config.ignore = spec.ignore.iter().map(selector).collect();
        config.severity = spec
            .severity
            .iter()
            .map(|(k, v)| (selector(k), *v))
            .collect();
        config.params = spec
            .params
            .iter()
            .map(|(rule, values)| {
                let values = values
                    .iter()
                    .map(|(k, v)| (k.get_ref().clone(), (v.clone(), Origin::Config(k.span()))))
                    .collect();
                (selector(rule), values)
            })
            .collect();
        config.rule_packs = spec.rules.iter().map(|p| root.join(p.get_ref())).collect();
        config.per_file_ignores = spec
            .per_file_ignores
            .iter()
            .map(|(glob, ids)| {
                (
                    glob.get_ref().clone(),
                    Origin::Config(glob.span()),
                    ids.iter().map(selector).collect(),
                )
            })
            .collect();
        if let Some(size) = spec.max_file_size {
            config.max_file_size = parse_size(size.get_ref()).ok_or_else(|| {
                SourceError::new(
                    &shown,
                    &text,
                    Some(size.span()),
                    "max_file_size is a number of bytes or a size like \"16MiB\", \"512KiB\", \"1MB\"",
                )
            })?;
        }
        config.fail_on = spec.fail_on;
        config.docs_url = spec.docs_url;
        config.file = Some((path.to_path_buf(), text));
        Ok(config)
    }

    /// An error about a setting, located in the config file when it came from there.
    pub fn error(&self, origin: &Origin, message: impl Into<String>) -> Error {
        match (origin, &self.file) {
            (Origin::Config(span), Some((path, text))) => Error::Source(SourceError::new(
                &crate::workspace::discover::display_path(
                    path,
                    &std::env::current_dir().unwrap_or_default(),
                ),
                text,
                Some(span.clone()),
                message,
            )),
            _ => Error::Usage(message.into()),
        }
    }
}

fn parse_size(size: &ByteSize) -> Option<u64> {
    let text = match size {
        ByteSize::Bytes(n) => return Some(*n),
        ByteSize::Text(t) => t.trim(),
    };
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number: u64 = text[..digits].parse().ok()?;
    let unit: u64 = match text[digits..].trim() {
        "" | "B" => 1,
        "KB" => 1000,
        "KiB" => 1 << 10,
        "MB" => 1000 * 1000,
        "MiB" => 1 << 20,
        "GB" => 1000 * 1000 * 1000,
        "GiB" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(unit)
}

/// Does a selector name this rule? An id, a name, an id prefix, or `ALL`.
pub fn selects(selector: &str, id: &str, name: &str) -> bool {
    selector == "ALL" || selector == name || id.starts_with(selector) && !selector.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key_and_rejects_unknown_ones_with_a_span() {
        let text = r#"
select = ["MOD", "WORK001"]
ignore = ["missing-go-directive"]
rules = ["policy"]
exclude = ["examples/"]
max_file_size = "1MiB"
fail_on = "warning"
[severity]
MOD002 = "error"
[params.MOD002]
min_go = "1.22"
[per_file_ignores]
"legacy/**" = ["MOD"]
"#;
        let c = Config::parse(Path::new("/r/gopolicy.toml"), text).unwrap();
        assert_eq!(c.select.as_ref().unwrap().len(), 2);
        assert_eq!(c.max_file_size, 1 << 20);
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert_eq!(c.rule_packs, [PathBuf::from("/r/policy")]);
        assert!(
            c.exclude.contains(&"vendor/".to_owned())
                && c.exclude.contains(&"examples/".to_owned())
        );
        assert_eq!(c.params[0].1["min_go"].0, ParamValue::String("1.22".into()));

        let err = Config::parse(Path::new("g.toml"), "selec = []\n").unwrap_err();
        let Error::Source(e) = err else {
            panic!("{err}")
        };
        assert_eq!(e.span, Some(0..5));
        assert!(e.message.contains("unknown field"), "{}", e.message);

        let err = Config::parse(Path::new("g.toml"), "max_file_size = \"lots\"\n").unwrap_err();
        assert!(matches!(
            err,
            Error::Source(SourceError { span: Some(_), .. })
        ));
    }

    #[test]
    fn selectors_match_ids_names_and_prefixes() {
        assert!(selects("MOD", "MOD001", "missing-go-directive"));
        assert!(selects(
            "missing-go-directive",
            "MOD001",
            "missing-go-directive"
        ));
        assert!(selects("ALL", "WORK001", "x"));
        assert!(!selects("WORK", "MOD001", "missing-go-directive"));
        assert!(!selects("", "MOD001", "m"));
    }
}
