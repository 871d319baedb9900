//! The settings the server checks with: gopolicy.toml (an open buffer's text before the
//! file on disk) and the rule set it selects. A broken config is reported on its file and
//! the last good settings stay in force, so the server keeps serving.

use std::path::{Path, PathBuf};

use crate::diag::config::{Config, FILE_NAMES};
use crate::document::Span;
use crate::error::Error;
use crate::lint::{Overrides, RuleSet};
use crate::workspace::load::normalize;

pub struct Settings {
    pub config: Config,
    pub rules: RuleSet,
}

/// Why the config (or a rule pack it names) could not be used: shown on that file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    /// The file's text the span points into (none when it could not be read).
    pub text: String,
    pub span: Span,
    pub message: String,
}

impl Settings {
    /// Built-in rules, no config: what a broken first config falls back to.
    pub fn defaults(root: &Path) -> Settings {
        let config = Config::defaults(root.to_path_buf());
        let rules = RuleSet::load(&config, &Overrides::default())
            .expect("the built-in rules compile (tested)");
        Settings { config, rules }
    }
}

/// The config file that applies to `root`: the nearest gopolicy.toml or .gopolicy.toml
/// at or above it.
pub fn find(root: &Path) -> Option<PathBuf> {
    Config::find(root)
}

pub fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| FILE_NAMES.contains(&n))
}

/// Load the settings for `root`; `open_text` gives an editor buffer's text for a path.
pub fn load(
    root: &Path,
    open_text: impl Fn(&Path) -> Option<String>,
) -> Result<Settings, Box<Problem>> {
    let Some(path) = find(root).or_else(|| {
        // An unsaved new config in the editor counts too.
        FILE_NAMES
            .iter()
            .map(|n| root.join(n))
            .find(|p| open_text(p).is_some())
    }) else {
        return Ok(Settings::defaults(root));
    };
    let text = match open_text(&path) {
        Some(text) => text,
        // Read as `check` reads it: a regular file, within the size cap, UTF-8.
        None => {
            crate::workspace::load::read_regular(&path, crate::diag::config::DEFAULT_MAX_FILE_SIZE)
                .map_err(|e| e.to_string())
                .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "invalid UTF-8".to_owned()))
                .map_err(|why| {
                    Box::new(Problem {
                        path: path.clone(),
                        text: String::new(),
                        span: Span::default(),
                        message: format!("cannot read config file: {why}"),
                    })
                })?
        }
    };
    let located = |error: Error| Box::new(problem(&path, &text, error));
    let config = Config::parse(&path, &text).map_err(located)?;
    let rules = RuleSet::load(&config, &Overrides::default()).map_err(located)?;
    Ok(Settings { config, rules })
}

/// Locate an error: in the file its span points into (the config, or a rule pack's
/// file), else at the start of the config.
fn problem(config_path: &Path, config_text: &str, error: Error) -> Problem {
    match error {
        Error::Source(e) => {
            // Error paths are shown relative to the working folder.
            let shown = normalize(Path::new(&e.path));
            let path = if shown.is_file() && shown != normalize(config_path) {
                shown
            } else {
                config_path.to_path_buf()
            };
            let span = e
                .span
                .map(|s| Span::new(s.start, s.end))
                .unwrap_or_default();
            Problem {
                path,
                text: e.text.to_string(),
                span,
                message: e.message,
            }
        }
        other => Problem {
            path: config_path.to_path_buf(),
            text: config_text.to_owned(),
            span: Span::default(),
            message: other.to_string(),
        },
    }
}
