//! Files a CI file pulls in from the same repository: Azure Pipelines `template:`
//! references and GitLab `include:` local files. They are checked as the same kind of
//! file even where their path alone would not say so (`eng/templates/build.yml`).
//!
//! A reference to another repository (`template: x.yml@other`, GitLab `project:`,
//! `remote:`, `template:`) or with an expression in it is not followed.

use std::path::{Path, PathBuf};

use super::repo::root_of;
use crate::document::{Document, Node, Target, Value};

/// The local files `doc` (at absolute `path`) refers to, with the kind to read them as.
pub fn references(doc: &Document, path: &Path) -> Vec<(PathBuf, Target)> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    match doc.target {
        Target::AzurePipelines => {
            // Azure resolves a template path relative to the file that names it.
            let mut found = Vec::new();
            collect_values(&doc.root, "template", &mut found);
            for template in found {
                if is_static(template) && !template.contains('@') {
                    let relative = template.trim_start_matches('/');
                    let base = if template.starts_with('/') {
                        root_of(path)
                    } else {
                        dir.to_path_buf()
                    };
                    out.push((base.join(relative), Target::AzurePipelines));
                }
            }
        }
        Target::GitlabCi => {
            // GitLab resolves `local:` includes from the project root, also in a file
            // that was itself included from a subfolder.
            let root = gitlab_project_root(path);
            for local in gitlab_local_includes(&doc.root) {
                if is_static(local) && !local.contains('*') {
                    out.push((root.join(local.trim_start_matches('/')), Target::GitlabCi));
                }
            }
        }
        _ => {}
    }
    out
}

/// The project a GitLab CI file belongs to: the nearest folder at or above it holding
/// `.gitlab-ci.yml` or `.git`, else the folder `root_of` gives.
fn gitlab_project_root(file: &Path) -> PathBuf {
    let dir = file.parent().unwrap_or(Path::new(""));
    dir.ancestors()
        .find(|a| a.join(".gitlab-ci.yml").is_file() || a.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root_of(file))
}

fn is_static(reference: &str) -> bool {
    !reference.is_empty() && !reference.contains("${{") && !reference.contains('$')
}

/// Every scalar under a `key:` anywhere in the tree.
fn collect_values<'n>(node: &'n Node, key: &str, out: &mut Vec<&'n str>) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Map(entries) => {
                for entry in entries {
                    match (entry.key == key, entry.value.as_str()) {
                        (true, Some(value)) => out.push(value),
                        _ => stack.push(&entry.value),
                    }
                }
            }
            Value::List(items) => stack.extend(items),
            _ => {}
        }
    }
}

/// `include: path`, `include: [path, {local: path}]`, `include: {local: path}`; a bare
/// string is local unless it is a URL.
fn gitlab_local_includes(root: &Node) -> Vec<&str> {
    let config = match &root.value {
        Value::List(docs) => docs.last(),
        _ => Some(root),
    };
    let Some(include) = config.and_then(|c| c.get("include")) else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &include.value {
        Value::List(items) => items.iter().collect(),
        _ => vec![include],
    };
    items
        .into_iter()
        .filter_map(|item| match &item.value {
            Value::Scalar { value, .. } if !value.contains("://") => Some(value.as_str()),
            Value::Map(_) => item.get("local").and_then(Node::as_str),
            _ => None,
        })
        .collect()
}
