//! The repository around a document: the folder its paths are relative to, the go.mod
//! that applies to it, and whether a file it names exists.

use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::rule::Repository;

/// Folders CI systems keep their files in; the repository root holds them.
const CI_FOLDERS: [&str; 5] = [
    ".github",
    ".gitlab",
    ".azure-pipelines",
    ".pipelines",
    ".azdo",
];

/// Answers rules' questions about the files around a document. Document paths are
/// relative to `base` (where the run started).
pub struct Repo {
    base: PathBuf,
}

impl Repo {
    pub fn new(base: &Path) -> Repo {
        Repo {
            base: base.to_path_buf(),
        }
    }

    /// The absolute path of a document.
    pub fn path_of(&self, doc: &Document) -> PathBuf {
        super::load::normalize(&self.base.join(doc.path()))
    }
}

impl Repository for Repo {
    fn file_exists(&self, doc: &Document, relative: &str) -> bool {
        let root = root_of(&self.path_of(doc));
        super::load::normalize(&root.join(relative)).is_file()
    }
}

/// The folder a file's relative paths start from: the parent of a CI folder it sits in
/// (`.github/workflows/ci.yml` → the repository), else the file's own folder.
pub fn root_of(file: &Path) -> PathBuf {
    let dir = file.parent().unwrap_or(Path::new(""));
    // From the last folder up, each parsed once; what is left is the parent.
    let mut components = dir.components();
    while let Some(component) = components.next_back() {
        let std::path::Component::Normal(name) = component else {
            continue;
        };
        if CI_FOLDERS.contains(&name.to_str().unwrap_or("")) {
            return components.as_path().to_path_buf();
        }
    }
    dir.to_path_buf()
}

/// The go.mod at or above `dir`, not looking past a folder that holds `.git`.
pub fn nearest_go_mod(dir: &Path) -> Option<PathBuf> {
    for ancestor in dir.ancestors() {
        let candidate = ancestor.join("go.mod");
        if candidate.is_file() {
            return Some(candidate);
        }
        if ancestor.join(".git").exists() {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_above_ci_folders() {
        // The nearest CI folder wins; relative paths and `..` as written.
        for (file, root) in [
            ("/r/.github/workflows/ci.yml", "/r"),
            ("/r/.gitlab/ci/test.yml", "/r"),
            ("/r/.pipelines/templates/x.yml", "/r"),
            ("/r/azure-pipelines.yml", "/r"),
            ("/r/tools/action.yml", "/r/tools"),
            ("/r/.github/s/.github/workflows/ci.yml", "/r/.github/s"),
            (".github/workflows/ci.yml", ""),
            ("/.github/workflows/ci.yml", "/"),
            ("/r/.github/x/../ci.yml", "/r"),
            ("go.mod", ""),
        ] {
            assert_eq!(root_of(Path::new(file)), Path::new(root), "{file}");
        }
    }
}
