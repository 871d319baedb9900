//! Finding the files to check: walk the given paths, honour .gitignore and the config's
//! excludes, and keep the files whose name says what they are.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::diag::config::Config;
use crate::document::Target;

/// A file to check.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileEntry {
    /// The path as shown: relative to the working folder when under it, `/`-separated.
    pub display: String,
    pub path: PathBuf,
    pub target: Target,
}

/// A path that could not be walked: reported as a diagnostic, the run goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkError {
    pub display: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<FileEntry>,
    pub errors: Vec<WalkError>,
}

/// Walk `paths`; a file named explicitly is checked whatever the excludes say, as long
/// as gopolicy knows its kind. Paths are shown relative to `base`.
pub fn discover(paths: &[PathBuf], config: &Config, base: &Path) -> Discovered {
    let cwd = base;
    // Built at the first folder: a hook names files, and building the matcher costs a
    // one-file run a tenth of its instructions.
    let mut excludes = None;
    let mut out = Discovered::default();
    for path in paths {
        let display = display_path(path, cwd);
        let metadata = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push(WalkError {
                    display,
                    message: io_message(&e),
                });
                continue;
            }
        };
        if !metadata.is_dir() {
            let target = config
                .assume
                .or_else(|| Target::of_named_file(&slashed(path)));
            if let Some(target) = target {
                out.files.push(FileEntry {
                    display,
                    path: path.clone(),
                    target,
                });
            }
            continue;
        }
        let excludes = excludes.get_or_insert_with(|| build_excludes(config));
        walk_dir(path, cwd, config, excludes, &mut out);
    }
    out.files.sort();
    out.files.dedup();
    out
}

fn walk_dir(dir: &Path, cwd: &Path, config: &Config, excludes: &Gitignore, out: &mut Discovered) {
    let walk_root = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    // Patterns are relative to the config's folder; for a tree outside it (a config given
    // with --config elsewhere), relative to the folder walked.
    let prefix = walk_root
        .strip_prefix(&config.root)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let excludes = excludes.clone();
    // Walk the absolute path, so no path below needs the working folder looked up again;
    // show paths as the user named the folder.
    let shown_root = if walk_root == cwd {
        String::new()
    } else {
        display_path(dir, cwd)
    };
    let walked = walk_root.clone();
    let mut builder = ignore::WalkBuilder::new(&walk_root);
    builder
        .hidden(false)
        .parents(true)
        .git_global(false)
        .require_git(false);
    // Without excludes there is nothing to match: no filter, and no path built per entry.
    if !config.exclude.is_empty() {
        builder.filter_entry(move |entry| {
            let Ok(inside) = entry.path().strip_prefix(&walked) else {
                return true;
            };
            if inside.as_os_str().is_empty() {
                return true;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            // The walk prunes excluded folders, so only the entry itself needs matching.
            !excludes.matched(prefix.join(inside), is_dir).is_ignore()
        });
    }
    // Every path the walk gives starts with the root and a separator: the rest is the
    // path inside it, taken from the text (cheaper than `Path::strip_prefix`).
    let root_text = walk_root.to_string_lossy().replace('\\', "/");
    for entry in builder.build() {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    let path = entry.path().to_string_lossy().replace('\\', "/");
                    let target = match config.assume {
                        Some(t) => t.has_extension_of(&path).then_some(t),
                        None => Target::of_path(&path),
                    };
                    if let Some(target) = target {
                        let rest = path.strip_prefix(root_text.as_str());
                        let inside = match rest.and_then(|r| r.strip_prefix('/')) {
                            Some(inside) => inside.to_owned(),
                            None => {
                                let inside = entry
                                    .path()
                                    .strip_prefix(&walk_root)
                                    .unwrap_or(entry.path());
                                inside.to_string_lossy().replace('\\', "/")
                            }
                        };
                        let display = match shown_root.as_str() {
                            "." | "" => inside,
                            root => format!("{}/{inside}", root.trim_end_matches('/')),
                        };
                        out.files.push(FileEntry {
                            display,
                            path: entry.into_path(),
                            target,
                        });
                    }
                }
            }
            Err(error) => out.errors.push(walk_error(&error, cwd)),
        }
    }
}

fn walk_error(error: &ignore::Error, cwd: &Path) -> WalkError {
    // The ignore crate wraps the failing path around the io error.
    fn find(error: &ignore::Error) -> (Option<&Path>, String) {
        match error {
            ignore::Error::WithPath { path, err } => (Some(path), find(err).1),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                find(err)
            }
            ignore::Error::Io(e) => (None, io_message(e)),
            other => (None, other.to_string()),
        }
    }
    let (path, message) = find(error);
    WalkError {
        display: path.map(|p| display_path(p, cwd)).unwrap_or_default(),
        message,
    }
}

/// The absolute path with `/` separators, which [`Target::of_path`] reads.
fn slashed(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute.to_string_lossy().replace('\\', "/")
}

fn build_excludes(config: &Config) -> Gitignore {
    let mut builder = GitignoreBuilder::new(&config.root);
    for pattern in &config.exclude {
        // Patterns from a config file were checked when it was read.
        let _ = builder.add_line(None, pattern);
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// `path` relative to `cwd` when under it, with `/` separators.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let shown = match absolute.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => path.to_path_buf(),
    };
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

/// An io error in words, without Rust's `(os error N)` suffix.
pub fn io_message(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_owned(),
                None => text,
            }
        }
    }
}
