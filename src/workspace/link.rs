//! Links between documents, made after parsing: a go.work `use` to the go.mod it names
//! (`use[*].module`), and CI files to the go.mod they build (`$gomod`). A linked go.mod
//! outside the checked paths is read for the link only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::discover::display_path;
use super::load::{normalize, read_and_parse, Overlay};
use super::repo::{nearest_go_mod, root_of};
use crate::document::{Document, Entry, Node, Target, Value};

/// go.mod and go.work documents by absolute path, for linking: the go.mod files found
/// (parsed before the documents that link to them), and any read for a link only. Shared
/// by the threads that link documents in parallel.
pub struct Modules<'a> {
    found: HashMap<PathBuf, Arc<Document>>,
    /// Read on first use; `None` when the file cannot be read.
    read_for_link: Mutex<HashMap<PathBuf, Option<Arc<Document>>>>,
    max_file_size: u64,
    base: &'a Path,
    overlay: &'a Overlay,
}

impl<'a> Modules<'a> {
    /// `found`: the go.mod documents found, with their absolute paths (a later one wins
    /// over an earlier one of the same path).
    pub fn new(
        found: impl IntoIterator<Item = (PathBuf, Arc<Document>)>,
        max_file_size: u64,
        base: &'a Path,
        overlay: &'a Overlay,
    ) -> Modules<'a> {
        Modules {
            found: found.into_iter().collect(),
            read_for_link: Mutex::new(HashMap::new()),
            max_file_size,
            base,
            overlay,
        }
    }

    fn get(&self, path: &Path) -> Option<Arc<Document>> {
        if let Some(doc) = self.found.get(path) {
            return Some(doc.clone());
        }
        // A poisoned lock only means another thread panicked, which ends the run anyway.
        let mut read = self.read_for_link.lock().unwrap_or_else(|e| e.into_inner());
        read.entry(path.to_path_buf())
            .or_insert_with(|| self.read(path))
            .clone()
    }

    fn read(&self, path: &Path) -> Option<Arc<Document>> {
        let name = path.file_name()?.to_str()?;
        let target = if name.ends_with(".work") {
            Target::GoWork
        } else {
            Target::GoMod
        };
        let shown = display_path(path, self.base);
        let doc = read_and_parse(path, &shown, target, self.max_file_size, self.overlay).ok()?;
        Some(Arc::new(doc))
    }

    /// Link one document (at absolute `path`) to the go.mod files it refers to.
    pub fn link(&self, doc: &mut Document, path: &Path) {
        match doc.target {
            Target::GoWork => link_use(doc, path, self),
            Target::GithubWorkflow => link_setup_go_steps(doc, path, self),
            Target::GithubAction | Target::AzurePipelines | Target::GitlabCi => {
                let root = root_of(path);
                if let Some(module) = nearest_go_mod(&root).and_then(|p| self.get(&p)) {
                    let span = doc.root.span;
                    add_link(&mut doc.root, "$gomod", module, span);
                }
            }
            Target::GoMod
            | Target::GoEnvFile
            | Target::ProcessEnv
            | Target::Machine
            | Target::Powershell
            | Target::Cmd
            | Target::Shell => {}
        }
    }
}

/// `use[*].module`: the go.mod in each used folder.
fn link_use(doc: &mut Document, path: &Path, modules: &Modules) {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    for item in list_items_mut(&mut doc.root, "use") {
        let Some(folder) = item.get("path").and_then(Node::as_str) else {
            continue;
        };
        let go_mod = normalize(&dir.join(folder).join("go.mod"));
        if let Some(module) = modules.get(&go_mod) {
            let span = item.span;
            add_link(item, "module", module, span);
        }
    }
}

/// `jobs.*.steps[*].$gomod` on each actions/setup-go step: the go.mod its job builds.
fn link_setup_go_steps(doc: &mut Document, path: &Path, modules: &Modules) {
    let root = root_of(path);
    let workflow_dir = working_directory(&doc.root);
    let Some(Value::Map(jobs)) = map_value_mut(&mut doc.root, "jobs") else {
        return;
    };
    for job in jobs.iter_mut().map(|e| &mut e.value) {
        let job_dir = working_directory(job).or_else(|| workflow_dir.clone());
        for step in list_items_mut(job, "steps") {
            let is_setup_go = step
                .get("uses")
                .and_then(Node::as_str)
                .is_some_and(|u| u.starts_with("actions/setup-go@"));
            if !is_setup_go {
                continue;
            }
            let version_file = step
                .get("with")
                .and_then(|w| w.get("go-version-file"))
                .and_then(Node::as_str)
                .filter(|f| f.ends_with("go.mod") || f.ends_with("go.work"));
            let go_mod = match (version_file, &job_dir) {
                (Some(file), _) => root.join(file),
                (None, Some(dir)) => root.join(dir).join("go.mod"),
                (None, None) => root.join("go.mod"),
            };
            if let Some(module) = modules.get(&normalize(&go_mod)) {
                let span = step.span;
                add_link(step, "$gomod", module, span);
            }
            add_version_from_file(step, &root, modules.overlay);
        }
    }
}

/// `$go-version-from-file`: what setup-go reads from a `go-version-file` that is not a
/// go.mod or go.work (`.go-version`): the file's text, trimmed (setup-go's
/// `parseGoVersionFile`). The node stands at the `go-version-file` value.
fn add_version_from_file(step: &mut Node, root: &Path, overlay: &Overlay) {
    let Some(file_node) = step.get("with").and_then(|w| w.get("go-version-file")) else {
        return;
    };
    let Some(file) = file_node
        .as_str()
        .filter(|f| !(f.ends_with("go.mod") || f.ends_with("go.work") || f.contains("${{")))
    else {
        return;
    };
    let path = normalize(&root.join(file));
    // An editor's unsaved buffer stands in for the file. A version file is a line;
    // anything larger is not one.
    const LIMIT: usize = 4096;
    let text = match overlay.get(&path) {
        Some((text, _)) => Some(text.clone()).filter(|t| t.len() <= LIMIT),
        None => {
            let small =
                std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= LIMIT as u64);
            small.then(|| std::fs::read_to_string(&path).ok()).flatten()
        }
    };
    let Some(text) = text else {
        return;
    };
    let span = file_node.span;
    if let Value::Map(fields) = &mut step.value {
        fields.push(Entry {
            key: "$go-version-from-file".into(),
            key_span: span,
            value: Node::scalar(span, text.trim(), crate::document::ScalarStyle::Derived),
        });
    }
}

/// `defaults.run.working-directory` of a workflow or job.
fn working_directory(node: &Node) -> Option<String> {
    let dir = node
        .get("defaults")?
        .get("run")?
        .get("working-directory")?
        .as_str()?;
    // An expression such as ${{ matrix.dir }} is not a folder we can read.
    (!dir.contains("${{")).then(|| dir.to_owned())
}

fn map_value_mut<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Value> {
    let Value::Map(entries) = &mut node.value else {
        return None;
    };
    entries
        .iter_mut()
        .find(|e| e.key == key)
        .map(|e| &mut e.value.value)
}

fn list_items_mut<'n>(node: &'n mut Node, key: &str) -> impl Iterator<Item = &'n mut Node> {
    let items = match map_value_mut(node, key) {
        Some(Value::List(items)) => items.as_mut_slice(),
        _ => &mut [],
    };
    items.iter_mut()
}

fn add_link(node: &mut Node, key: &str, target: Arc<Document>, span: crate::document::Span) {
    if let Value::Map(fields) = &mut node.value {
        fields.push(Entry {
            key: key.into(),
            key_span: span,
            value: Node {
                span,
                value: Value::Link(target),
            },
        });
    }
}
