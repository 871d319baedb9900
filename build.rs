//! Embeds every rule file under rules/ into the binary: the registry is the folder, with
//! no hand-kept list to forget a rule in.
//!
//! Each rule is embedded twice: whole (for `explain`, `test-rules` and the docs), and
//! without its `docs` and `[[test]]` tables, which are three quarters of its bytes and
//! which `check` never reads, as static Rust data serde reads directly (see
//! src/rule/embedded.rs). Reading the rules was a third of a pre-commit run's
//! instructions as TOML; CBOR made it several times cheaper, and this about three
//! times cheaper again.

use std::path::Path;

fn main() {
    link_without_pie();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every built-in rule (see `BuiltinRule`).\npub static BUILTIN_RULES: &[BuiltinRule] = &[\n",
    );
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    for file in &files {
        let rel = file.strip_prefix(&root).expect("under rules/");
        let rel = rel.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(file).expect("rule files are UTF-8");
        let table = text.parse::<toml::Table>().ok();
        let field = |key: &str| -> String {
            table
                .as_ref()
                .and_then(|t| t.get(key).and_then(|v| v.as_str()).map(str::to_owned))
                .unwrap_or_default()
        };
        // The target and any also_targets, comma-separated.
        let mut targets = vec![field("target")];
        if let Some(also) = table
            .as_ref()
            .and_then(|t| t.get("also_targets")?.as_array().cloned())
        {
            targets.extend(also.iter().filter_map(|v| v.as_str().map(str::to_owned)));
        }
        let (id, name) = (field("id"), field("name"));
        let (severity, summary) = (field("severity"), field("summary"));
        // A file that does not parse is left to fail at start-up, with its real span:
        // it has no embedded form, and the registry reads the text instead.
        let form = table
            .and_then(runtime_form)
            .map_or("None".to_owned(), |value| format!("Some(&{value})"));
        // The path from the crate's own folder, resolved when the crate compiles: the
        // generated file never names a checkout other than the one being built.
        out.push_str(&format!(
            "    BuiltinRule {{ path: {:?}, text: include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?})), \
             form: {form}, id: {id:?}, name: {name:?}, severity: {severity:?}, summary: {summary:?}, targets: {:?} }},\n",
            format!("rules/{rel}"),
            format!("/rules/{rel}"),
            targets.join(","),
        ));
    }
    out.push_str("];\n");
    std::fs::write(out_dir.join("builtin_rules.rs"), out).expect("write builtin_rules.rs");
}

/// The rule without `docs` and `test`, as a Rust expression of type `embedded::Value`;
/// `None` if it has a float or a date, which no rule field takes.
fn runtime_form(mut table: toml::Table) -> Option<String> {
    table.remove("docs");
    table.remove("test");
    rust_value(&toml::Value::Table(table))
}

fn rust_value(value: &toml::Value) -> Option<String> {
    use toml::Value as V;
    Some(match value {
        // Debug output of a string is a Rust string literal.
        V::String(s) => format!("Value::Str({s:?})"),
        V::Integer(i) => format!("Value::Int({i})"),
        V::Boolean(b) => format!("Value::Bool({b})"),
        V::Array(items) => {
            let items: Option<Vec<String>> = items.iter().map(rust_value).collect();
            format!("Value::Array(&[{}])", items?.join(", "))
        }
        V::Table(entries) => {
            let entries: Option<Vec<String>> = entries
                .iter()
                .map(|(key, value)| Some(format!("({key:?}, {})", rust_value(value)?)))
                .collect();
            format!("Value::Table(&[{}])", entries?.join(", "))
        }
        V::Float(_) | V::Datetime(_) => return None,
    })
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
}

/// gopolicy starts once per file in a pre-commit hook, so its start-up is part of every
/// run. As a position-independent executable, the dynamic loader first applies tens of
/// thousands of relative relocations to the 10 MB binary (a third of a `--version` run's
/// instructions); linked at a fixed address, there are none. Go links its own binaries
/// the same way on Linux.
fn link_without_pie() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
