//! Environment assignments: the one shape an environment variable set in any file takes,
//! so a `target = "env"` rule is written once and reported wherever the variable is set.
//!
//! Each assignment is a map node `{name, value, scope}` whose spans point into the
//! document it came from: `name` at the key, `value` at the value as written. In the
//! process environment it also has `origin`, where the value comes from.

use crate::document::{Document, Entry, Node, ScalarStyle, Target, Value};

/// Every environment assignment in `doc`, in document order.
pub fn assignments(doc: &Document) -> Vec<Node> {
    let mut out = Vec::new();
    let root = &doc.root;
    match doc.target {
        Target::GithubWorkflow => {
            collect(root.get("env"), "workflow", &mut out);
            for job in children(root.get("jobs")) {
                collect(job.get("env"), "job", &mut out);
                collect(
                    job.get("container").and_then(|c| c.get("env")),
                    "container",
                    &mut out,
                );
                for step in items(job.get("steps")) {
                    collect(step.get("env"), "step", &mut out);
                }
            }
        }
        Target::GithubAction => {
            for step in items(root.get("runs").and_then(|r| r.get("steps"))) {
                collect(step.get("env"), "step", &mut out);
            }
        }
        Target::AzurePipelines => {
            // A pipeline or template: variables at each level, and script steps' env.
            let steps_env = |steps: Option<&Node>, out: &mut Vec<Node>| {
                for step in items(steps) {
                    collect(step.get("env"), "step", out);
                }
            };
            collect(root.get("variables"), "pipeline", &mut out);
            steps_env(root.get("steps"), &mut out);
            let jobs = items(root.get("stages"))
                .flat_map(|stage| {
                    collect(stage.get("variables"), "stage", &mut out);
                    items(stage.get("jobs"))
                })
                .chain(items(root.get("jobs")))
                .collect::<Vec<_>>();
            for job in jobs {
                collect(job.get("variables"), "job", &mut out);
                steps_env(job.get("steps"), &mut out);
            }
        }
        Target::GitlabCi => {
            // Several YAML documents: GitLab's `spec:` header comes first, the config last.
            let config = match &root.value {
                Value::List(docs) => docs.last(),
                _ => Some(root),
            };
            if let Some(Value::Map(entries)) = config.map(|c| &c.value) {
                for entry in entries {
                    if entry.key == "variables" {
                        collect(Some(&entry.value), "global", &mut out);
                    } else {
                        collect(entry.value.get("variables"), "job", &mut out);
                    }
                }
            }
        }
        Target::GoEnvFile => out = super::goenv::assignments(root),
        Target::ProcessEnv => out = process_env(root),
        // Script tokenizers build their assignments in the shared shape already.
        Target::Powershell | Target::Cmd | Target::Shell => {
            out.extend(items(root.get("assignments")).cloned())
        }
        Target::GoMod | Target::GoWork | Target::Machine => {}
    }
    out
}

/// The process environment's variables, each with its `origin`: what the derived
/// `$origin` map says (a Windows registry variable) or `process env`.
fn process_env(root: &Node) -> Vec<Node> {
    let origins = root.get("$origin");
    let Value::Map(entries) = &root.value else {
        return Vec::new();
    };
    let variables = entries.iter().filter(|e| e.key != "$origin");
    variables
        .map(|entry| {
            let name = Node::scalar(entry.key_span, entry.key.clone(), ScalarStyle::Plain);
            let mut node = assignment(name, &entry.value, "process");
            let origin = origins
                .and_then(|o| o.get(&entry.key)?.as_str())
                .unwrap_or("process env");
            let origin = Node::scalar(entry.key_span, origin, ScalarStyle::Derived);
            if let Value::Map(fields) = &mut node.value {
                fields.push(Entry {
                    key: "origin".into(),
                    key_span: origin.span,
                    value: origin,
                });
            }
            node
        })
        .collect()
}

fn children(node: Option<&Node>) -> impl Iterator<Item = &Node> {
    let entries = match node.map(|n| &n.value) {
        Some(Value::Map(entries)) => entries.as_slice(),
        _ => &[],
    };
    entries.iter().map(|e| &e.value)
}

fn items(node: Option<&Node>) -> impl Iterator<Item = &Node> {
    let items = match node.map(|n| &n.value) {
        Some(Value::List(items)) => items.as_slice(),
        _ => &[],
    };
    items.iter()
}

/// Read a `KEY: value` map, or an Azure list of `{name, value}` items. A GitLab value may
/// be a map with `value:` (and `description:`); the assignment is its `value`.
fn collect(block: Option<&Node>, scope: &str, out: &mut Vec<Node>) {
    let Some(block) = block else { return };
    match &block.value {
        Value::Map(entries) => {
            for entry in entries {
                let value = match entry.value.get("value") {
                    Some(inner) if matches!(entry.value.value, Value::Map(_)) => inner,
                    _ => &entry.value,
                };
                out.push(assignment(
                    Node::scalar(entry.key_span, entry.key.clone(), ScalarStyle::Plain),
                    value,
                    scope,
                ));
            }
        }
        Value::List(list) => {
            for item in list {
                if let (Some(name), Some(value)) = (item.get("name"), item.get("value")) {
                    out.push(assignment(name.clone(), value, scope));
                }
            }
        }
        _ => {}
    }
}

pub fn assignment(name: Node, value: &Node, scope: &str) -> Node {
    let span = name.span.cover(value.span);
    let entry = |key: &str, value: Node| Entry {
        key: key.into(),
        key_span: value.span,
        value,
    };
    let scope = Node::scalar(name.span, scope, ScalarStyle::Derived);
    Node::map(
        span,
        vec![
            entry("name", name),
            entry("value", value.clone()),
            entry("scope", scope),
        ],
    )
}
