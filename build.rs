//! Embeds every rule file under rules/ into the binary: the registry is the folder, with
//! no hand-kept list to forget a rule in.
//!
//! Each rule is embedded twice: whole (for `explain`, `test-rules` and the docs), and
//! without its `docs` and `[[test]]` tables, which are three quarters of its bytes and
//! which `check` never reads. Parsing the rules is most of a pre-commit run's start-up.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut out = String::from(
        "/// (path under rules/, file text, the text without docs and tests, id, name, target)\n\
         /// of every built-in rule.\n\
         pub static BUILTIN_RULES: &[(&str, &str, &str, &str, &str, &str)] = &[\n",
    );
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
        // The path from the crate's own folder, resolved when the crate compiles: the
        // generated file never names a checkout other than the one being built.
        out.push_str(&format!(
            "    ({:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?})), {:?}, {:?}, {:?}, {:?}),\n",
            format!("rules/{rel}"),
            format!("/rules/{rel}"),
            runtime_text(&text),
            field("id"),
            field("name"),
            targets.join(","),
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_rules.rs");
    std::fs::write(dest, out).expect("write builtin_rules.rs");
}

/// The rule without `docs` and `test`; a file that does not parse is kept whole, so
/// loading it reports the error with its real span.
fn runtime_text(text: &str) -> String {
    match text.parse::<toml::Table>() {
        Ok(mut table) => {
            table.remove("docs");
            table.remove("test");
            toml::to_string(&table).unwrap_or_else(|_| text.to_owned())
        }
        Err(_) => text.to_owned(),
    }
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
