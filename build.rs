//! Embeds every rule file under rules/ into the binary: the registry is the folder, with
//! no hand-kept list to forget a rule in.
//!
//! Each rule is embedded twice: whole (for `explain`, `test-rules` and the docs), and
//! without its `docs` and `[[test]]` tables, which are three quarters of its bytes and
//! which `check` never reads, as static Rust data serde reads directly (see
//! src/rule/embedded.rs). Reading the rules was a third of a pre-commit run's
//! instructions as TOML; CBOR made it several times cheaper, and this about three
//! times cheaper again.
//!
//! The rules' regexes are compiled here too, to DFAs (see `precompile_regexes`).

use std::path::Path;

#[path = "src/rule/pattern_params.rs"]
mod pattern_params;
use pattern_params::substitute_params;

fn main() {
    link_without_pie();
    // Read when the script runs, not when it was compiled: cargo may reuse this script,
    // built for a copy of the package elsewhere, for another copy.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    // A binary without its rules would pass every file.
    assert!(!files.is_empty(), "no rule files under {}", root.display());
    let mut out = String::from(
        "/// Every built-in rule (see `BuiltinRule`).\npub static BUILTIN_RULES: &[BuiltinRule] = &[\n",
    );
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let mut patterns = Patterns::new();
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
        if let Some(table) = &table {
            collect_patterns(table, &mut patterns);
        }
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
    precompile_regexes(&patterns, &out_dir);
}

/// Regexes by pattern, and whether their matches must be found (not only detected).
type Patterns = std::collections::BTreeMap<String, bool>;

/// The regexes a rule's predicates test (`matches`, `not_matches`, `extract`), with the
/// default params substituted by src/rule/pattern_params.rs, as at run time: the
/// very strings the rule hands the regex crate when no config overrides its params.
/// And its fix's `substitute` patterns, which take no params, and whose matches a fix
/// replaces.
fn collect_patterns(rule: &toml::Table, out: &mut Patterns) {
    let params: Vec<(String, String)> = rule
        .get("params")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flatten()
        .map(|(name, value)| (name.clone(), param_text(value)))
        .collect();
    fn walk(value: &toml::Value, params: &[(String, String)], out: &mut Patterns) {
        match value {
            toml::Value::Table(table) => {
                for (key, value) in table {
                    match (key.as_str(), value) {
                        ("docs" | "test" | "params", _) => {}
                        ("matches" | "not_matches" | "extract", toml::Value::String(p)) => {
                            out.entry(substitute_params(p, |n| param_value(params, n)))
                                .or_insert(false);
                        }
                        ("substitute", toml::Value::Array(pairs)) => {
                            for pair in pairs.iter().filter_map(toml::Value::as_array) {
                                if let Some(p) = pair.first().and_then(toml::Value::as_str) {
                                    out.insert(p.to_owned(), true);
                                }
                            }
                        }
                        _ => walk(value, params, out),
                    }
                }
            }
            toml::Value::Array(items) => items.iter().for_each(|v| walk(v, params, out)),
            _ => {}
        }
    }
    walk(&toml::Value::Table(rule.clone()), &params, out);
}

/// A default param's value by name.
fn param_value(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(p, _)| p == name)
        .map(|(_, v)| v.clone())
}

/// `ParamValue::to_template_text`.
fn param_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(items) => {
            let items: Vec<&str> = items.iter().filter_map(toml::Value::as_str).collect();
            items.join(", ")
        }
        other => other.to_string(),
    }
}

/// Compiling the built-in rules' regexes was nearly half a pre-commit run's instructions.
/// Each is compiled here instead, with the regex crate's own parser (the same
/// regex-automata and regex-syntax), to a forward dense DFA: enough for `is_match`,
/// which is what `matches` and `not_matches` ask, and loaded at run time without copying.
/// (A sparse DFA is half the size, but searching it cost more than the regex crate's
/// own search over a whole repository's workflows.)
/// A fix's `substitute` pattern also gets the reverse DFA that finds where a match starts.
/// A Unicode `\b` is built as an ASCII one that stops the search at a non-ASCII byte,
/// where the run falls back to the regex crate. A pattern that does not build, or whose
/// DFA would be large, gets no DFA (stored empty) and is compiled at run time as before.
fn precompile_regexes(patterns: &Patterns, out_dir: &Path) {
    use regex_automata::dfa::{dense, regex::Builder};
    use regex_automata::nfa::thompson;
    const LIMIT: usize = 1 << 20;
    let big_endian = std::env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() == Ok("big");
    // Without the padding that aligned the Vec: the table aligns the bytes itself.
    let bytes = |dfa: &dense::DFA<Vec<u32>>| {
        let (bytes, padding) = match big_endian {
            true => dfa.to_bytes_big_endian(),
            false => dfa.to_bytes_little_endian(),
        };
        bytes[padding..].to_vec()
    };
    let mut out = String::from(
        "/// Built-in regexes (sorted) with their forward and reverse dense DFAs; empty: none.\n\
         pub static PRECOMPILED: &[(&str, &[u8], &[u8])] = &[\n",
    );
    let dense_config = || {
        dense::Config::new()
            .unicode_word_boundary(true)
            .minimize(true)
            .dfa_size_limit(Some(LIMIT))
            .determinize_size_limit(Some(LIMIT))
    };
    // The regex crate's limit (see `compile_shared`).
    let nfa_config = || thompson::Config::new().nfa_size_limit(Some(LIMIT));
    for (n, (pattern, find)) in patterns.iter().enumerate() {
        let built = if *find {
            Builder::new()
                .dense(dense_config())
                .thompson(nfa_config())
                .build(pattern)
                .ok()
                .map(|re| (bytes(re.forward()), bytes(re.reverse())))
        } else {
            dense::Builder::new()
                .configure(dense_config())
                .thompson(nfa_config())
                .build(pattern)
                .ok()
                .map(|dfa| (bytes(&dfa), Vec::new()))
        };
        let (forward, reverse) = built.unwrap_or_default();
        let include = |bytes: Vec<u8>, name: String| {
            let len = bytes.len();
            std::fs::write(out_dir.join(&name), bytes).expect("write a DFA");
            format!(
                "{{ static DFA: Aligned<[u8; {len}]> = \
                 Aligned(*include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}\"))); &DFA.0 }}"
            )
        };
        let forward = include(forward, format!("regex{n}.fwd"));
        let reverse = include(reverse, format!("regex{n}.rev"));
        out.push_str(&format!("    ({pattern:?}, {forward}, {reverse}),\n"));
    }
    out.push_str("];\n");
    std::fs::write(out_dir.join("regex_table.rs"), out).expect("write regex_table.rs");
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
/// the same way on Linux. .cargo/config.toml asks for a static, fixed-address binary
/// on Linux with glibc; that needs glibc's static library, which some distributions
/// package apart, so its absence is reported here rather than as a linker error.
fn link_without_pie() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    if !var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static")
    {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        return;
    }
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".to_owned());
    let found = std::process::Command::new(&linker)
        .arg("-print-file-name=libc.a")
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .is_some_and(|path| Path::new(&path).is_absolute() && Path::new(&path).exists());
    if !found {
        panic!(
            "gopolicy links glibc statically on Linux (.cargo/config.toml), but `{linker}` \
             finds no libc.a. Install glibc's static library (Debian/Ubuntu: libc6-dev; \
             Fedora/RHEL: glibc-static; openSUSE: glibc-devel-static), or build a dynamic \
             binary with RUSTFLAGS set and empty: `RUSTFLAGS= cargo build --release`."
        );
    }
}
