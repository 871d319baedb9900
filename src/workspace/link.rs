//! Links between documents, made after parsing: a go.work `use` to the go.mod it names
//! (`use[*].module`), and CI files to the go.mod they build (`$gomod`). A linked go.mod
//! outside the checked paths is read for the link only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::discover::display_path;
use super::load::{normalize, read_and_parse, Overlay};
use super::repo::{nearest_go_mod, root_of};
use crate::document::{Document, Entry, Node, Target, Value};

/// go.mod and go.work documents by absolute path: the parsed ones, and any read for a link.
struct Modules<'a> {
    parsed: HashMap<PathBuf, Arc<Document>>,
    max_file_size: u64,
    base: &'a Path,
    overlay: &'a Overlay,
}

impl Modules<'_> {
    fn get(&mut self, path: &Path) -> Option<Arc<Document>> {
        if let Some(doc) = self.parsed.get(path) {
            return Some(doc.clone());
        }
        let name = path.file_name()?.to_str()?;
        let target = if name.ends_with(".work") {
            Target::GoWork
        } else {
            Target::GoMod
        };
        let shown = display_path(path, self.base);
        let doc =
            Arc::new(read_and_parse(path, &shown, target, self.max_file_size, self.overlay).ok()?);
        self.parsed.insert(path.to_path_buf(), doc.clone());
        Some(doc)
    }
}

/// Link the documents (given with their absolute paths); their order is kept.
pub fn link(
    documents: Vec<(PathBuf, Document)>,
    max_file_size: u64,
    base: &Path,
    overlay: &Overlay,
) -> Vec<Arc<Document>> {
    // go.mod files first: every other kind may link to them.
    let (mods, rest): (Vec<_>, Vec<_>) = documents
        .into_iter()
        .enumerate()
        .partition(|(_, (_, d))| d.target == Target::GoMod);
    let mut modules = Modules {
        parsed: HashMap::new(),
        max_file_size,
        base,
        overlay,
    };
    let mut out: Vec<(usize, Arc<Document>)> = Vec::new();
    for (i, (path, doc)) in mods {
        let doc = Arc::new(doc);
        modules.parsed.insert(path, doc.clone());
        out.push((i, doc));
    }
    for (i, (path, mut doc)) in rest {
        match doc.target {
            Target::GoWork => link_use(&mut doc, &path, &mut modules),
            Target::GithubWorkflow => link_setup_go_steps(&mut doc, &path, &mut modules),
            Target::GithubAction | Target::AzurePipelines | Target::GitlabCi => {
                let root = root_of(&path);
                if let Some(module) = nearest_go_mod(&root).and_then(|p| modules.get(&p)) {
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
        out.push((i, Arc::new(doc)));
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, d)| d).collect()
}

/// `use[*].module`: the go.mod in each used folder.
fn link_use(doc: &mut Document, path: &Path, modules: &mut Modules) {
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
fn link_setup_go_steps(doc: &mut Document, path: &Path, modules: &mut Modules) {
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
            add_version_from_file(step, &root);
        }
    }
}

/// `$go-version-from-file`: what setup-go reads from a `go-version-file` that is not a
/// go.mod or go.work (`.go-version`): the file's text, trimmed (setup-go's
/// `parseGoVersionFile`). The node stands at the `go-version-file` value.
fn add_version_from_file(step: &mut Node, root: &Path) {
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
    // A version file is a line; anything larger is not one.
    let small = std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= 4096);
    let Some(text) = small.then(|| std::fs::read_to_string(&path).ok()).flatten() else {
        return;
    };
    let span = file_node.span;
    if let Value::Map(fields) = &mut step.value {
        fields.push(Entry {
            key: "$go-version-from-file".to_owned(),
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
            key: key.to_owned(),
            key_span: span,
            value: Node {
                span,
                value: Value::Link(target),
            },
        });
    }
}
