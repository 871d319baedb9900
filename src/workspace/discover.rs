//! Finding the files to check: walk the given paths, honour .gitignore and the config's
//! excludes, and keep the files whose name says what they are.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;

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
        walk_dir(path, cwd, config, &mut out);
    }
    // Entries that compare equal are the same, so an unstable sort does.
    if out.files.len() < PARALLEL_FROM {
        out.files.sort_unstable();
    } else {
        out.files.par_sort_unstable();
    }
    out.files.dedup();
    out
}

fn walk_dir(dir: &Path, cwd: &Path, config: &Config, out: &mut Discovered) {
    let walk_root = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    // Patterns are relative to the config's folder; for a tree outside it (a config given
    // with --config elsewhere), relative to the folder walked.
    let prefix = walk_root
        .strip_prefix(&config.root)
        .map(Path::to_path_buf)
        .unwrap_or_default();
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
    // Folder names alone (the defaults `.git/`, `vendor/`, `testdata/`) are matched by
    // name, on folders only: a gitignore pattern with no other slash than a last one
    // matches a folder of that name at any depth.
    if let Some(names) = folder_names(&config.exclude).filter(|names| !names.is_empty()) {
        builder.filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && entry.depth() > 0 && names.iter().any(|n| entry.file_name() == n.as_str()))
        });
    } else if !config.exclude.is_empty() {
        // A matcher is built only for a folder walked: a hook names files, and building
        // it costs a one-file run a tenth of its instructions.
        let excludes = build_excludes(config);
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
    // The walk itself is serial; what is done per file found (its kind, the path shown)
    // is shared by the threads in a large tree.
    let mut found = Vec::new();
    for entry in builder.build() {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                found.push(entry.into_path())
            }
            Ok(_) => {}
            Err(error) => out.errors.push(walk_error(&error, cwd)),
        }
    }
    // Every path the walk gives starts with the root and a separator: the rest is the
    // path inside it, taken from the text (cheaper than `Path::strip_prefix`).
    let root_text = walk_root.to_string_lossy().replace('\\', "/");
    let file_entry = |path: PathBuf| {
        let text = slashes(path.to_string_lossy());
        let target = match config.assume {
            Some(t) => t.has_extension_of(&text).then_some(t),
            None => Target::of_path(&text),
        }?;
        let rest = text.strip_prefix(root_text.as_str());
        let inside = match rest.and_then(|r| r.strip_prefix('/')) {
            Some(inside) => inside.to_owned(),
            None => {
                let inside = path.strip_prefix(&walk_root).unwrap_or(&path);
                inside.to_string_lossy().replace('\\', "/")
            }
        };
        let display = match shown_root.as_str() {
            "." | "" => inside,
            root => format!("{}/{inside}", root.trim_end_matches('/')),
        };
        Some(FileEntry {
            display,
            path,
            target,
        })
    };
    if found.len() < PARALLEL_FROM {
        out.files.extend(found.into_iter().filter_map(file_entry));
    } else {
        out.files
            .par_extend(found.into_par_iter().filter_map(file_entry));
    }
}

/// From how many files found the per-file work of the walk is shared by the threads:
/// below, waking them (they spin a while looking for work, while the rules are loaded)
/// costs more than it saves; measured on 339 workflows, 0.4 ms more.
const PARALLEL_FROM: usize = 2048;

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

/// `path` with `/` separators, copied only when it has a `\\`.
fn slashes(path: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    if path.contains('\\') {
        path.replace('\\', "/").into()
    } else {
        path
    }
}

/// The absolute path with `/` separators, which [`Target::of_path`] reads.
fn slashed(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute.to_string_lossy().replace('\\', "/")
}

/// The folder names of `patterns` when each is a plain `name/` (no glob, no negation,
/// no other slash, no escape), else None.
fn folder_names(patterns: &[String]) -> Option<Vec<String>> {
    patterns
        .iter()
        .map(|p| {
            let name = p.strip_suffix('/')?;
            let plain = !name.is_empty()
                && !name.starts_with(['!', '#', ' '])
                && !name.ends_with(' ')
                && !name.contains(['/', '*', '?', '[', ']', '\\']);
            plain.then(|| name.to_owned())
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn found(root: &Path, exclude: &[&str]) -> Vec<String> {
        let mut config = Config::defaults(root.to_path_buf());
        config.exclude = exclude.iter().map(|p| p.to_string()).collect();
        let out = discover(&[root.to_path_buf()], &config, root);
        out.files.into_iter().map(|f| f.display).collect()
    }

    #[test]
    fn folder_patterns_skip_folders_of_that_name_at_any_depth_and_no_file() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "go.mod",
            "vendor/go.mod",
            "a/vendor/b/go.mod",
            "vendorish/go.mod",
            "a/testdata/go.mod",
            ".git/go.mod",
            ".github/workflows/ci.yml",
            "generated/go.mod",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "module m\n").unwrap();
        }
        let defaults = found(dir.path(), &[".git/", "vendor/", "testdata/"]);
        assert_eq!(
            defaults,
            [
                ".github/workflows/ci.yml",
                "generated/go.mod",
                "go.mod",
                "vendorish/go.mod"
            ]
        );
        // A folder pattern never matches a file of that name.
        assert!(found(dir.path(), &["ci.yml/"]).contains(&".github/workflows/ci.yml".to_owned()));
        // Patterns that are not plain folder names go to the gitignore matcher, which
        // agrees on the plain ones.
        assert_eq!(folder_names(&["gen*/".into()]), None);
        let with_glob = found(dir.path(), &[".git/", "vendor/", "testdata/", "gen*/"]);
        assert_eq!(
            with_glob,
            [".github/workflows/ci.yml", "go.mod", "vendorish/go.mod"]
        );
        assert_eq!(found(dir.path(), &[]).len(), 8);
    }

    #[test]
    fn only_plain_folder_names_are_matched_by_name() {
        let names = |p: &[&str]| folder_names(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            names(&[".git/", "vendor/"]),
            Some(vec![".git".into(), "vendor".into()])
        );
        for other in [
            "vendor", "/vendor/", "a/b/", "!vendor/", "#x/", "v*/", "v?/", "[v]/", "a\\ /", "/",
        ] {
            assert_eq!(names(&[other]), None, "{other}");
        }
    }
}
