//! The built-in rule set: every rule file is well-formed, documented, sourced and
//! tested, ids and names are unique, and docs/rules/ is generated from the files.
//!
//! Set GOPOLICY_UPDATE_DOCS=1 to rewrite docs/rules/ instead of comparing.

use std::collections::BTreeMap;
use std::path::Path;

use gopolicy::rule::schema::RuleTarget;
use gopolicy::rule::{docs, registry};

const HEADINGS: [&str; 4] = [
    "## What it checks",
    "## Why it matters",
    "## When it does not apply",
    "## Fix safety",
];

#[test]
fn every_builtin_rule_is_documented_sourced_and_tested() {
    let sources = registry::builtin().expect("built-in rules parse");
    registry::check_unique(&sources, &[]).expect("ids and names are unique");
    let mut problems = Vec::new();
    for s in &sources {
        let file_stem = Path::new(&s.path).file_stem().unwrap().to_str().unwrap();
        if file_stem != s.name() {
            problems.push(format!("{}: file name should be {}.toml", s.path, s.name()));
        }
        let area = match s.id().trim_end_matches(char::is_numeric) {
            "SYS" => "core".to_owned(),
            letters => letters.to_lowercase(),
        };
        if !s.path.starts_with(&format!("rules/{area}/")) {
            problems.push(format!(
                "{}: an {} rule belongs in rules/{area}/",
                s.path,
                s.id()
            ));
        }
        let mut last = 0;
        for heading in HEADINGS {
            match s.spec.docs.find(heading) {
                Some(at) if at >= last => last = at,
                _ => problems.push(format!("{}: docs need `{heading}`, in order", s.path)),
            }
        }
        for reference in s.spec.references.get_ref() {
            if !reference.starts_with("https://") {
                problems.push(format!(
                    "{}: reference {reference} is not an https URL",
                    s.path
                ));
            }
        }
        let passing = s.tests().any(|t| t.expect.is_empty());
        let failing = s.tests().any(|t| !t.expect.is_empty());
        if !passing || !failing {
            problems.push(format!(
                "{}: needs a passing and a failing [[test]]",
                s.path
            ));
        }
        let edits = s.spec.fix.as_ref().is_some_and(|f| !f.edit.is_empty());
        let fixed_case = s
            .tests()
            .any(|t| t.fixed.is_some() || !t.fixed_files.is_empty());
        if edits && !fixed_case {
            problems.push(format!(
                "{}: a rule with [[fix.edit]] needs a [[test]] with `fixed` or `fixed_files`",
                s.path
            ));
        }
        if matches!(s.spec.target, RuleTarget::File(_) | RuleTarget::Env) && s.spec.check.is_empty()
        {
            problems.push(format!("{}: no [[check]]", s.path));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn builtin_rules_compile_with_their_default_params() {
    for s in registry::builtin().unwrap() {
        let params = s.params_with(&BTreeMap::new()).unwrap();
        let rule = s
            .compile(params)
            .unwrap_or_else(|e| panic!("{}: {e:?}", s.path));
        // Built-ins compile their regexes lazily; every one must compile.
        for check in &rule.checks {
            if let Some(Err(e)) = check.assert.as_ref().map(|a| a.check_regexes()) {
                panic!("{}: {}", s.path, e.message);
            }
        }
        // And parse their messages, help and fix commands lazily: compiled as a rule
        // pack's, every one is parsed now.
        let pack = gopolicy::rule::RuleSource::parse(&s.path, &s.text, false).unwrap();
        let params = pack.params_with(&BTreeMap::new()).unwrap();
        if let Err(e) = pack.compile(params) {
            panic!("{}: {e:?}", s.path);
        }
    }
}

#[test]
fn rule_docs_are_generated_from_the_rule_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let update = std::env::var_os("GOPOLICY_UPDATE_DOCS").is_some();
    let sources = registry::builtin().unwrap();
    let mut expected: BTreeMap<String, String> = sources
        .iter()
        .map(|s| (format!("{}.md", s.id()), docs::markdown(s)))
        .collect();
    let mut index = String::from(
        "# Rules\n\nGenerated from rules/ by `GOPOLICY_UPDATE_DOCS=1 cargo test --test builtin_rules`.\n\n| id | name | severity | summary |\n|---|---|---|---|\n",
    );
    for s in &sources {
        index.push_str(&format!(
            "| [{id}]({id}.md) | {} | {} | {} |\n",
            s.name(),
            s.spec.severity.name(),
            s.spec.summary,
            id = s.id()
        ));
    }
    expected.insert("README.md".into(), index);

    if update {
        std::fs::create_dir_all(&root).unwrap();
        for entry in std::fs::read_dir(&root).unwrap().flatten() {
            std::fs::remove_file(entry.path()).unwrap();
        }
        for (name, text) in &expected {
            std::fs::write(root.join(name), text).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        if std::fs::read_to_string(root.join(name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !expected.contains_key(&name) {
            stale.push(format!("{name} (no such rule)"));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules/ is stale: {stale:?}; run GOPOLICY_UPDATE_DOCS=1 cargo test --test builtin_rules"
    );
}
