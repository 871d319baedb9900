//! schema/rule.schema.json and schema/config.schema.json: generated from the types that
//! parse rule files and gopolicy.toml, valid for every built-in rule and example config,
//! and rejecting what the real parser rejects.
//!
//! Set GOPOLICY_UPDATE_SCHEMAS=1 to rewrite the schema files instead of comparing.

mod common;

use std::path::{Path, PathBuf};

use common::Repo;
use serde_json::Value;

const RULE_SCHEMA: &str = "schema/rule.schema.json";
const CONFIG_SCHEMA: &str = "schema/config.schema.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join(path)).expect("read the schema");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// A TOML document as the JSON value an editor's schema validator sees.
#[track_caller]
fn toml_to_json(text: &str) -> Value {
    toml::from_str(text).unwrap_or_else(|e| panic!("not TOML: {e}\n{text}"))
}

/// The schema's complaints about a TOML document, one per line (empty when it is valid).
fn violations(schema: &Value, toml_text: &str) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    validator
        .iter_errors(&toml_to_json(toml_text))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Every file under `dir` (recursively) that `keep` accepts, sorted.
fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .filter(|p| p.is_file() && keep(p))
        .collect();
    found.sort();
    found
}

/// The ```toml blocks of a Markdown file.
fn toml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_schema_files_are_generated_from_the_types() {
    let update = std::env::var_os("GOPOLICY_UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (path, text) in gopolicy::json_schema::files() {
        let full = root().join(path);
        if update {
            std::fs::write(&full, &text).expect("write the schema");
        } else if std::fs::read_to_string(&full).ok().as_deref() != Some(text.as_str()) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} stale; run GOPOLICY_UPDATE_SCHEMAS=1 cargo test --test json_schemas"
    );
}

#[test]
fn the_schemas_are_draft_7_schemas() {
    for path in [RULE_SCHEMA, CONFIG_SCHEMA] {
        let schema = schema(path);
        assert_eq!(
            schema["$schema"], "http://json-schema.org/draft-07/schema#",
            "{path}"
        );
        if let Err(e) = jsonschema::meta::validate(&schema) {
            panic!("{path} does not follow its meta-schema: {e}");
        }
        // What editors show on hover and in completion lists.
        assert!(schema["description"].is_string(), "{path}");
        for (name, property) in schema["properties"].as_object().expect("properties") {
            assert!(
                property["description"].is_string(),
                "{path}: `{name}` has no description"
            );
        }
    }
}

#[test]
fn every_builtin_rule_and_its_test_configs_follow_the_schemas() {
    let rules = schema(RULE_SCHEMA);
    let config = schema(CONFIG_SCHEMA);
    let files = files_under(&root().join("rules"), &|p| {
        p.extension().is_some_and(|e| e == "toml")
    });
    assert!(files.len() > 50, "only {} rule files", files.len());
    let mut problems = Vec::new();
    let mut configs = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for v in violations(&rules, &text) {
            problems.push(format!("{}: {v}", file.display()));
        }
        let json = toml_to_json(&text);
        for test in json["test"].as_array().into_iter().flatten() {
            if let Some(text) = test["config"].as_str() {
                configs += 1;
                for v in violations(&config, text) {
                    problems.push(format!("{} (a test's config): {v}", file.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(configs > 0, "no rule test has a config");
}

#[test]
fn every_example_config_and_docs_snippet_follows_the_schemas() {
    let config = schema(CONFIG_SCHEMA);
    let mut checked = Vec::new();
    let names = ["gopolicy.toml", ".gopolicy.toml"];
    let is_config = |p: &Path| p.file_name().is_some_and(|n| names.iter().any(|c| n == *c));
    for file in files_under(&root().join("examples"), &is_config) {
        checked.push((
            file.display().to_string(),
            std::fs::read_to_string(&file).unwrap(),
        ));
    }
    let docs = std::fs::read_to_string(root().join("docs/configuration.md")).unwrap();
    for block in toml_blocks(&docs) {
        if !block.starts_with("# .taplo.toml") {
            checked.push(("docs/configuration.md".to_owned(), block));
        }
    }
    assert!(checked.len() >= 2, "{checked:?}");
    for (path, text) in &checked {
        // gopolicy takes it too, so the schema is not checking a wrong example.
        let repo = Repo::new(&[("gopolicy.toml", text), ("go.mod", "module m\n")]);
        let out = repo.run(&[
            "check",
            "--config",
            "gopolicy.toml",
            "--fail-on",
            "never",
            ".",
        ]);
        assert_eq!(out.code, 0, "{path}:\n{text}\n{out}");
        let problems = violations(&config, text);
        assert!(problems.is_empty(), "{path}:\n{}", problems.join("\n"));
    }

    // The complete rule in docs/rule-format.md (the other blocks are fragments).
    let rules = schema(RULE_SCHEMA);
    let docs = std::fs::read_to_string(root().join("docs/rule-format.md")).unwrap();
    let whole: Vec<String> = toml_blocks(&docs)
        .into_iter()
        .filter(|b| b.starts_with("id = "))
        .collect();
    assert_eq!(whole.len(), 1, "{whole:?}");
    gopolicy::rule::RuleSource::parse("docs/rule-format.md", &whole[0], false)
        .unwrap_or_else(|e| panic!("{}", e.message));
    let problems = violations(&rules, &whole[0]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// The parser and the schema agree: on good files, and on files with an unknown key, a
// wrong type or a bad enum value. The parser is the real binary.

/// A user rule with a file fix, a command fix with cases, and tests of each kind.
const GOOD_RULE: &str = r#"id = "POL001"
name = "go-too-old"
severity = "error"
target = "go.mod"
summary = "The go directive is older than the team's minimum"
message = "go {value} is below {min_go}"
help = "Raise it"
group = "toolchain"
references = ["https://go.dev/ref/mod#go-mod-file-go"]

[params]
min_go = "1.21"
allowed = ["1.18"]

[[check]]
select = "go"
assert = { any = [{ go_version_at_least = "{min_go}" }, { one_of = ["1.18"] }], not = { style = ["double-quoted"] } }

[fix]
applicability = "unsafe"
title = "Raise the go line"
commands = { sh = "go mod edit -go={min_go}", pwsh = "go mod edit -go={min_go}" }
edit = [{ replace = "{min_go}" }]

[[fix.case]]
in = "go.mod"
commands = {}

[[test]]
text = "module m\n\ngo 1.22\n"
expect = []

[[test]]
text = "module m\n\ngo 1.20\n"
expect = [{ id = "POL001", line = 3, message = "below 1.21" }]
fixed = "module m\n\ngo 1.21\n"

[[test]]
files = { "a/go.mod" = "module a\n\ngo 1.20\n" }
params = { min_go = "1.22" }
config = "max_file_size = \"1MiB\"\nfail_on = \"warning\"\n"
expect = ["POL001"]
fixed_files = { "a/go.mod" = "module a\n\ngo 1.22\n" }
"#;

/// `GOOD_RULE` with `from` replaced by `to` (which must be there).
fn rule_with(from: &str, to: &str) -> String {
    assert!(GOOD_RULE.contains(from), "{from}");
    GOOD_RULE.replacen(from, to, 1)
}

#[test]
fn the_rule_schema_rejects_what_test_rules_rejects() {
    let cases: Vec<(&str, String)> = vec![
        ("good", GOOD_RULE.to_owned()),
        ("unknown key", format!("colour = \"red\"\n{GOOD_RULE}")),
        (
            "unknown key in [fix]",
            rule_with("title = \"Raise", "titel = \"Raise"),
        ),
        (
            "unknown key in [[test]]",
            rule_with("fixed = \"module", "fixd = \"module"),
        ),
        (
            "unknown key in an assert",
            rule_with("{ one_of = [", "{ one_off = ["),
        ),
        (
            "wrong type",
            rule_with("severity = \"error\"", "severity = 2"),
        ),
        (
            "wrong type of list",
            rule_with(
                "references = [\"https://go.dev/ref/mod#go-mod-file-go\"]",
                "references = \"https://go.dev/ref/mod#go-mod-file-go\"",
            ),
        ),
        (
            "wrong type of param",
            rule_with("min_go = \"1.21\"", "min_go = 1.21"),
        ),
        (
            "bad severity",
            rule_with("severity = \"error\"", "severity = \"fatal\""),
        ),
        (
            "bad target",
            rule_with("target = \"go.mod\"", "target = \"go.sum\""),
        ),
        (
            "bad applicability",
            rule_with("applicability = \"unsafe\"", "applicability = \"maybe\""),
        ),
        ("bad shell", rule_with("pwsh = \"go mod", "tcsh = \"go mod")),
        (
            "bad group",
            rule_with("group = \"toolchain\"", "group = \"tools\""),
        ),
        (
            "bad style",
            rule_with("style = [\"double-quoted\"]", "style = [\"quoted\"]"),
        ),
        ("bad id", rule_with("id = \"POL001\"", "id = \"pol1\"")),
        (
            "no references",
            rule_with(
                "references = [\"https://go.dev/ref/mod#go-mod-file-go\"]",
                "references = []",
            ),
        ),
        (
            "reserved param",
            rule_with("allowed = [\"1.18\"]", "value = [\"1.18\"]"),
        ),
    ];
    let schema = schema(RULE_SCHEMA);
    let mut disagreements = Vec::new();
    for (what, text) in &cases {
        let repo = Repo::new(&[("pack/rule.toml", text)]);
        let out = repo.run(&["test-rules", "pack"]);
        let schema_says = violations(&schema, text);
        let good = *what == "good";
        if good {
            out.expect_code(0);
        } else {
            out.expect_code(2);
        }
        if schema_says.is_empty() != good {
            disagreements.push(format!(
                "{what}: test-rules exits {}, the schema says {schema_says:?}\n{}",
                out.code, out.stderr
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn the_config_schema_rejects_what_check_rejects() {
    let good = r#"select = ["MOD", "WORK001"]
ignore = ["missing-go-directive"]
exclude = ["legacy/"]
default_excludes = true
max_file_size = "1MiB"
fail_on = "never"
docs_url = "https://example.com/rules/"

[severity]
MOD002 = "error"

[params.go-version-below-minimum]
min_go = "1.22"

[per_file_ignores]
"old/**/go.mod" = ["MOD"]
"#;
    let cases: Vec<(&str, String)> = vec![
        ("good", good.to_owned()),
        ("good size in bytes", "max_file_size = 4096\n".to_owned()),
        (
            "unknown key",
            format!("{good}\n[colours]\nerror = \"red\"\n"),
        ),
        ("unknown key", "selec = [\"MOD\"]\n".to_owned()),
        ("wrong type", "ignore = \"MOD001\"\n".to_owned()),
        ("wrong type", "default_excludes = \"no\"\n".to_owned()),
        ("wrong type", "[params]\nMOD003 = \"1.22\"\n".to_owned()),
        ("bad fail_on", "fail_on = \"sometimes\"\n".to_owned()),
        (
            "bad severity",
            "[severity]\nMOD002 = \"fatal\"\n".to_owned(),
        ),
        ("bad size", "max_file_size = \"lots\"\n".to_owned()),
        ("bad size unit", "max_file_size = \"16 MiBs\"\n".to_owned()),
        ("negative size", "max_file_size = -1\n".to_owned()),
    ];
    let schema = schema(CONFIG_SCHEMA);
    let mut disagreements = Vec::new();
    for (what, text) in &cases {
        let repo = Repo::new(&[
            ("cfg/gopolicy.toml", text),
            ("repo/go.mod", "module example.com/m\n\ngo 1.22.0\n"),
        ]);
        let out = repo.run(&["check", "--config", "cfg/gopolicy.toml", "repo"]);
        let schema_says = violations(&schema, text);
        let good = what.starts_with("good");
        if good {
            out.expect_code(0);
        } else {
            out.expect_code(2);
        }
        if schema_says.is_empty() != good {
            disagreements.push(format!(
                "{what}: check exits {}, the schema says {schema_says:?}\n{text}\n{}",
                out.code, out.stderr
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

// Taplo, the TOML language server behind Even Better TOML, with the repository's
// .taplo.toml and with a `#:schema` directive (installed from PyPI by .ci/run).

/// Run `taplo lint ARGS` in `cwd`; `None` (with a message) when taplo is not installed,
/// outside CI.
fn taplo_lint(cwd: &Path, args: &[&str]) -> Option<std::process::Output> {
    match std::process::Command::new("taplo")
        .arg("lint")
        .args(args)
        .current_dir(cwd)
        .env("RUST_LOG", "warn")
        .output()
    {
        Ok(out) => Some(out),
        Err(e) => {
            assert!(std::env::var_os("CI").is_none(), "taplo: {e}");
            eprintln!("skipped: cannot run taplo ({e})");
            None
        }
    }
}

#[test]
fn taplo_validates_rules_and_configs_with_the_schemas() {
    // The repository's .taplo.toml maps rules/ and gopolicy.toml files to the schemas.
    let files = ["rules/**/*.toml", "examples/.gopolicy.toml"];
    let Some(out) = taplo_lint(root(), &files) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");

    // A file that names its schema; the same mistakes the parser rejects.
    let schema = root().join(CONFIG_SCHEMA);
    let repo = Repo::new(&[(
        "gopolicy.toml",
        &format!(
            "#:schema {}\nfail_on = \"sometimes\"\nselec = [\"MOD\"]\n",
            schema.display()
        ),
    )]);
    let out = taplo_lint(repo.path(), &["gopolicy.toml", "--no-auto-config"]).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("gopolicy.toml:2:"), "{stderr}");
    assert!(stderr.contains("'selec' was unexpected"), "{stderr}");

    // And the mapping in .taplo.toml reaches rule files.
    let rule = GOOD_RULE.replace("severity = \"error\"", "severity = \"fatal\"");
    let repo = Repo::new(&[("rules/bad.toml", &rule)]);
    std::fs::copy(root().join(".taplo.toml"), repo.path().join(".taplo.toml")).unwrap();
    std::fs::create_dir(repo.path().join("schema")).unwrap();
    std::fs::copy(root().join(RULE_SCHEMA), repo.path().join(RULE_SCHEMA)).unwrap();
    let out = taplo_lint(repo.path(), &["rules/bad.toml"]).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("\"fatal\" is not valid"), "{stderr}");
}
