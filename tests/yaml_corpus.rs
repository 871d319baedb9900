//! The YAML parser on real CI files: `shared/corpus/workflows` (actionlint's test data
//! and GitHub's starter workflows), `shared/corpus/azure` and `shared/corpus/gitlab`.
//!
//! Every file must parse without a panic, with every span inside the text and on
//! character boundaries. The starter workflows are all valid YAML; actionlint's test
//! data breaks YAML on purpose in places, so its syntax errors are only counted; Azure
//! and GitLab files have a known, short list.

mod common;

use common::{corpus, yaml_files};
use std::path::Path;

use gopolicy::document::{
    decode, Document, Encoding, Node, ScalarStyle, SourceText, Span, Target, Value,
};
use gopolicy::source::yaml;

fn load(path: &Path, target: Target) -> Document {
    let bytes = std::fs::read(path).unwrap();
    let (text, encoding) = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // Shown relative to the corpus, e.g. `workflows/actionlint/err/x.yaml`.
    let full = path.display().to_string();
    let shown = full
        .split_once("/corpus/")
        .map_or(full.as_str(), |(_, rest)| rest);
    let doc = yaml::parse(SourceText::new(shown.to_owned(), text, encoding), target);
    check_spans(&doc);
    doc
}

/// Every span of the tree, the comments and the errors lies in the text, on character
/// boundaries; comments are `#` and their text.
fn check_spans(doc: &Document) {
    let text = &doc.source.text;
    let check = |span: Span, what: &str| {
        assert!(
            span.start <= span.end
                && span.end <= text.len()
                && text.is_char_boundary(span.start)
                && text.is_char_boundary(span.end),
            "{}: bad {what} span {span:?}",
            doc.path()
        );
    };
    let mut todo = vec![&doc.root];
    while let Some(node) = todo.pop() {
        check(node.span, "node");
        check_token(doc, node);
        match &node.value {
            Value::List(items) => todo.extend(items),
            Value::Map(entries) => {
                for entry in entries {
                    check(entry.key_span, "key");
                    todo.push(&entry.value);
                }
            }
            _ => {}
        }
    }
    for comment in &doc.comments {
        check(comment.span, "comment");
        assert_eq!(doc.raw(comment.span), format!("#{}", comment.text));
    }
    for error in &doc.errors {
        check(error.span, "error");
    }
}

/// A scalar's span holds its token: quotes for quoted styles, the indicator for block
/// styles, and for plain scalars the value itself (up to line folding).
fn check_token(doc: &Document, node: &Node) {
    let Value::Scalar { value, style } = &node.value else {
        return;
    };
    let mut raw = doc.raw(node.span);
    // Properties: `&anchor` and `!tag`.
    while raw.starts_with(['&', '!']) {
        let end = raw.find(char::is_whitespace).unwrap_or(raw.len());
        raw = raw[end..].trim_start();
    }
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let good = match style {
        ScalarStyle::Plain => words(raw) == words(value),
        ScalarStyle::DoubleQuoted => raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"'),
        ScalarStyle::SingleQuoted => raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\''),
        ScalarStyle::Literal => raw.starts_with('|'),
        ScalarStyle::Folded => raw.starts_with('>'),
        _ => false,
    };
    assert!(
        good,
        "{}:{}: {} scalar {value:?} has the span {raw:?}",
        doc.path(),
        doc.source.position(node.span.start),
        style.name()
    );
}

/// Parse every file of a folder; the files with syntax errors, as `path:line:col: message`.
fn parse_all(sub: &str, target_of: impl Fn(&Path) -> Target) -> Option<(usize, Vec<String>)> {
    let dir = corpus(sub)?;
    let files = yaml_files(&dir);
    assert!(!files.is_empty(), "no YAML files in {}", dir.display());
    let mut failing = Vec::new();
    for path in &files {
        let doc = load(path, target_of(path));
        if let Some(error) = doc.errors.first() {
            failing.push(format!(
                "{}:{}: {}",
                doc.path(),
                doc.source.position(error.span.start),
                error.message
            ));
        }
    }
    Some((files.len(), failing))
}

fn workflow_target(path: &Path) -> Target {
    match path.file_stem().and_then(|s| s.to_str()) {
        Some("action") => Target::GithubAction,
        _ => Target::GithubWorkflow,
    }
}

#[test]
fn starter_workflows_have_no_syntax_errors() {
    let Some((count, failing)) = parse_all("workflows/starter", workflow_target) else {
        return;
    };
    assert!(count > 150, "only {count} starter workflows");
    assert_eq!(failing, Vec::<String>::new());
}

#[test]
fn actionlint_testdata_parses_without_panics() {
    let Some((count, failing)) = parse_all("workflows/actionlint", workflow_target) else {
        return;
    };
    eprintln!(
        "actionlint testdata: {} of {count} files have YAML syntax errors (many on purpose):",
        failing.len()
    );
    for line in &failing {
        eprintln!("  {line}");
    }
    assert!(count > 300, "only {count} actionlint files");
    assert!(failing.len() * 10 < count, "{} failing", failing.len());
    // Files actionlint expects to be clean are valid YAML; the broken ones are in
    // `err/`, `examples/` (with their expected errors) or named so.
    let unexpected: Vec<_> = failing
        .iter()
        .filter(|l| {
            let rel = l.trim_start_matches("workflows/actionlint/");
            !(rel.starts_with("err/") || rel.starts_with("examples/") || rel.contains("broken"))
        })
        .collect();
    assert_eq!(unexpected, Vec::<&String>::new());
}

#[test]
fn azure_pipelines_parse() {
    let Some((count, failing)) = parse_all("azure", |_| Target::AzurePipelines) else {
        return;
    };
    assert!(count > 40, "only {count} Azure files");
    assert_eq!(failing, Vec::<String>::new());
}

#[test]
fn gitlab_ci_files_parse() {
    let Some((count, failing)) = parse_all("gitlab", |_| Target::GitlabCi) else {
        return;
    };
    assert!(count > 25, "only {count} GitLab files");
    assert_eq!(failing, Vec::<String>::new());
}

/// The node at a path like `jobs.build.steps.1.uses` (list items by index).
fn at<'a>(doc: &'a Document, path: &str) -> &'a Node {
    let mut node = &doc.root;
    for seg in path.split('.') {
        node = match (&node.value, seg.parse::<usize>()) {
            (Value::List(items), Ok(i)) => &items[i],
            _ => node
                .get(seg)
                .unwrap_or_else(|| panic!("{}: no {seg} in {path}", doc.path())),
        };
    }
    node
}

fn line_of(doc: &Document, span: Span) -> String {
    doc.source.position(span.start).to_string()
}

#[test]
fn known_values_of_a_starter_workflow() {
    let Some(dir) = corpus("workflows/starter") else {
        return;
    };
    let doc = load(&dir.join("ci/go.yml"), Target::GithubWorkflow);
    assert!(doc.errors.is_empty());
    let Value::Map(top) = &doc.root.value else {
        panic!("not a map")
    };
    let keys: Vec<_> = top.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["name", "on", "jobs"]);
    // `on` is a string key (YAML 1.1 loaders make it `true`), at line 6.
    assert_eq!(line_of(&doc, top[1].key_span), "6:1");
    assert_eq!(doc.raw(top[1].key_span), "on");
    let branches = at(&doc, "on.push.branches");
    assert_eq!(doc.raw(branches.span), "[ $default-branch ]");
    assert_eq!(
        at(&doc, "on.push.branches.0").as_str(),
        Some("$default-branch")
    );
    let setup = at(&doc, "jobs.build.steps.1.uses");
    assert_eq!(setup.as_str(), Some("actions/setup-go@v4"));
    assert_eq!(line_of(&doc, setup.span), "20:13");
    let go = at(&doc, "jobs.build.steps.1.with.go-version");
    assert_eq!(doc.raw(go.span), "'1.20'");
    assert_eq!(
        yaml::scalar_type(&doc, go),
        Some(yaml::YamlType::Str),
        "quoted, so not the float 1.2"
    );
    assert_eq!(
        doc.comments[0].text,
        " This workflow will build a golang project"
    );
    assert!(!doc.comments[0].trailing);
}

#[test]
fn known_values_of_a_gitlab_file() {
    let Some(dir) = corpus("gitlab") else {
        return;
    };
    let doc = load(
        &dir.join("DataDog__datadog-operator__.gitlab-ci.yml"),
        Target::GitlabCi,
    );
    assert!(doc.errors.is_empty());
    // `<<: *resource_variables` merged in, the anchor's spans kept.
    let memory = at(&doc, "build.variables.KUBERNETES_MEMORY_LIMIT");
    assert_eq!(memory.as_str(), Some("16Gi"));
    assert_eq!(line_of(&doc, memory.span), "32:28");
    // Own keys after the merge win over merged ones.
    let fips = at(&doc, "build_operator_image_fips_amd64.variables");
    assert_eq!(
        fips.get("FIPS_ENABLED").and_then(Node::as_str),
        Some("true")
    );
    assert_eq!(fips.get("GOMAXPROCS").and_then(Node::as_str), Some("4"));
    // `!reference [.on_build_images]` is the list it tags.
    let rules = at(&doc, "build_operator_image_fips_amd64.rules");
    assert_eq!(doc.raw(rules.span), "!reference [.on_build_images]");
    assert_eq!(
        at(&doc, "build_operator_image_fips_amd64.rules.0").as_str(),
        Some(".on_build_images")
    );
}

/// Corpus files with random edits (deterministic): never a panic, spans always sound.
#[test]
fn edited_corpus_files_never_panic() {
    let Some(root) = corpus("") else {
        return;
    };
    let mut texts = Vec::new();
    for sub in ["workflows/starter", "azure", "gitlab"] {
        for path in yaml_files(&root.join(sub)) {
            let bytes = std::fs::read(path).unwrap();
            texts.extend(decode(&bytes).ok().map(|(text, _)| text));
        }
    }
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut random = move |below: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below.max(1) as u64) as usize
    };
    let alphabet: Vec<char> = "[]{}:,-?|>'\"#&*!%@` \t\n\r\\ab1.é~<".chars().collect();
    for _ in 0..2_000 {
        let mut chars: Vec<char> = texts[random(texts.len())].chars().collect();
        for _ in 0..1 + random(6) {
            let at = random(chars.len());
            let c = alphabet[random(alphabet.len())];
            match random(3) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 if at < chars.len() => chars[at] = c,
                _ => chars.insert(at, c),
            }
        }
        let text: String = chars.into_iter().collect();
        let doc = yaml::parse(
            SourceText::new("edited.yml", text, Encoding::Utf8),
            Target::GitlabCi,
        );
        check_spans(&doc);
    }
}
