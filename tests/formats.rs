//! `check --format sarif|github|junit`, `--output-file`, `--statistics` and `--fail-on`
//! across formats: SARIF against the OASIS schema and GitHub code scanning's documented
//! limits, JUnit against a JUnit XML schema with the real xmllint, and GitHub workflow
//! commands with their escaping and the step summary file.

mod common;

use common::schema_violations;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{corpus, with_pack, Output, Repo, OURS, PACK};
use serde_json::Value;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// Run gopolicy in `cwd` with a scrubbed environment (as `common::gopolicy`) plus `env`.
fn run_with(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gopolicy"));
    command.args(args).current_dir(cwd);
    for (name, _) in std::env::vars_os() {
        let scrub = name.to_str().is_some_and(|n| {
            n.starts_with("GO") || n == "CI" || n.starts_with("GITHUB_") || n == "NO_COLOR"
        });
        if scrub {
            command.env_remove(&name);
        }
    }
    command.envs(env.iter().copied());
    let out = command.output().expect("run gopolicy");
    Output {
        args: args.iter().map(|s| s.to_string()).collect(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        code: out.status.code().unwrap_or(-1),
    }
}

/// gopolicy in the repository root (where examples/ is).
fn in_manifest(args: &[&str]) -> Output {
    run_with(Path::new(MANIFEST), args, &[])
}

// ---------------------------------------------------------------------------- SARIF

fn sarif_schema() -> Option<Value> {
    let dir = corpus("sarif")?;
    let text = std::fs::read_to_string(dir.join("sarif-schema-2.1.0.json")).expect("read");
    Some(serde_json::from_str(&text).expect("the SARIF schema is JSON"))
}

/// What GitHub code scanning documents it requires of an uploaded SARIF file ("SARIF
/// support for code scanning": required properties, and the limits past which an upload
/// is rejected or truncated); one line per breach.
fn github_breaches(log: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            out.push(what);
        }
    };
    check(log["$schema"].is_string(), "no $schema".into());
    check(log["version"] == "2.1.0", "version is not 2.1.0".into());
    let runs = log["runs"].as_array().cloned().unwrap_or_default();
    check(
        (1..=20).contains(&runs.len()),
        format!("{} runs", runs.len()),
    );
    let levels = ["note", "warning", "error"];
    for run in &runs {
        let driver = &run["tool"]["driver"];
        check(
            driver["name"].as_str().is_some_and(|n| !n.is_empty()),
            "tool.driver.name".into(),
        );
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        check(driver["rules"].is_array(), "no tool.driver.rules".into());
        check(rules.len() <= 25_000, format!("{} rules", rules.len()));
        let mut ids = BTreeSet::new();
        for rule in &rules {
            let id = rule["id"].as_str().unwrap_or_default();
            check(!id.is_empty(), "a rule without id".into());
            check(ids.insert(id.to_owned()), format!("{id}: id repeated"));
            let text = |key: &str| rule[key]["text"].as_str().unwrap_or_default().to_owned();
            check(
                rule["name"]
                    .as_str()
                    .is_some_and(|n| n.chars().count() <= 255),
                format!("{id}: name"),
            );
            for (key, max) in [("shortDescription", 1024), ("fullDescription", 1000)] {
                let t = text(key);
                check(
                    !t.is_empty() && t.chars().count() <= max,
                    format!("{id}: {key}.text is empty or over {max} characters"),
                );
            }
            check(!text("help").is_empty(), format!("{id}: help.text"));
            check(
                levels.contains(&rule["defaultConfiguration"]["level"].as_str().unwrap_or("")),
                format!("{id}: defaultConfiguration.level"),
            );
            let tags = rule["properties"]["tags"].as_array().map_or(0, Vec::len);
            check(tags <= 20, format!("{id}: {tags} tags"));
        }
        let results = run["results"].as_array().cloned().unwrap_or_default();
        check(run["results"].is_array(), "no results array".into());
        check(
            results.len() <= 25_000,
            format!("{} results", results.len()),
        );
        for (i, r) in results.iter().enumerate() {
            let id = r["ruleId"].as_str().unwrap_or_default();
            let index = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            check(
                rules.get(index).is_some_and(|rule| rule["id"] == id),
                format!("result {i}: ruleIndex {index} is not rule {id}"),
            );
            check(
                r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()),
                format!("result {i}: message.text"),
            );
            check(
                levels.contains(&r["level"].as_str().unwrap_or("")),
                format!("result {i}: level"),
            );
            let locations = r["locations"].as_array().cloned().unwrap_or_default();
            check(
                (1..=10).contains(&locations.len()),
                format!("result {i}: {} locations", locations.len()),
            );
            let physical = &locations.first().cloned().unwrap_or_default()["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"].as_str().unwrap_or("");
            // Relative to the repository root, or an absolute file: URI (GitHub rejects
            // absolute URIs whose scheme differs from the source root's, file:).
            let relative = !uri.is_empty() && !uri.contains(':') && !uri.starts_with('/');
            check(
                relative || uri.starts_with("file:///") || uri.starts_with("file://"),
                format!("result {i}: uri {uri:?}"),
            );
            let region = &physical["region"];
            if !region.is_null() {
                let n = |k: &str| region[k].as_u64().unwrap_or(0);
                check(
                    n("startLine") >= 1 && n("startColumn") >= 1,
                    format!("result {i}: region start"),
                );
                check(
                    (n("endLine"), n("endColumn")) >= (n("startLine"), n("startColumn")),
                    format!("result {i}: region ends before it starts"),
                );
            }
            check(
                r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .is_some_and(|f| !f.is_empty()),
                format!("result {i}: partialFingerprints.primaryLocationLineHash"),
            );
        }
    }
    out
}

/// SARIF and JSON of the same run, with the SARIF checked against the schema and GitHub.
fn sarif_and_json(cwd: &Path, args: &[&str]) -> Option<(Value, Value)> {
    let schema = sarif_schema()?;
    let mut sarif_args = args.to_vec();
    sarif_args.extend(["--format", "sarif", "--fail-on", "never"]);
    let out = run_with(cwd, &sarif_args, &[]);
    out.expect_code(0);
    let log = out.json();
    let problems = schema_violations(&schema, &log);
    assert!(problems.is_empty(), "{}\n{out}", problems.join("\n"));
    let breaches = github_breaches(&log);
    assert!(breaches.is_empty(), "{}\n{out}", breaches.join("\n"));
    // The same bytes every time.
    assert_eq!(run_with(cwd, &sarif_args, &[]).stdout, out.stdout);
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json", "--fail-on", "never"]);
    Some((log, run_with(cwd, &json_args, &[]).json()))
}

#[test]
fn sarif_of_every_example_follows_the_schema_and_github_rules() {
    let runs: [&[&str]; 5] = [
        &["check", "examples"],
        &["check", "--facts", "examples/machines/windows.json"],
        &["check", "--facts", "examples/machines/wsl.json"],
        &["check", "--facts", "examples/machines/macos.json"],
        &["check", "examples/clean"],
    ];
    for args in runs {
        let Some((log, json)) = sarif_and_json(Path::new(MANIFEST), args) else {
            return;
        };
        let results = log["runs"][0]["results"].as_array().unwrap();
        let diagnostics = json["diagnostics"].as_array().unwrap();
        assert_eq!(results.len(), diagnostics.len(), "{args:?}");
        if args.contains(&"examples/clean") {
            assert!(results.is_empty());
            assert_eq!(
                log["runs"][0]["tool"]["driver"]["rules"],
                serde_json::json!([])
            );
            continue;
        }
        assert!(!results.is_empty(), "{args:?}");
        // One descriptor per rule that reported, sorted, each with its docs.
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        let fired: BTreeSet<&str> = diagnostics
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        let described: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(described, fired.iter().copied().collect::<Vec<_>>());
        for rule in rules {
            let markdown = rule["help"]["markdown"].as_str().unwrap();
            assert!(markdown.contains("## What it checks"), "{rule}");
            assert!(
                rule["helpUri"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/{}.md", rule["id"].as_str().unwrap())),
                "{rule}"
            );
        }
        for (r, d) in results.iter().zip(diagnostics) {
            assert_eq!(r["ruleId"], d["code"]);
            assert_eq!(r["message"]["text"], d["message"]);
            let want_level = match d["severity"].as_str().unwrap() {
                "info" => "note",
                other => other,
            };
            assert_eq!(r["level"], want_level);
            let physical = &r["locations"][0]["physicalLocation"];
            let path = d["path"].as_str().unwrap();
            let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
            if path.starts_with('<') {
                // A machine view: named, no region.
                assert_eq!(uri, path.replace('<', "%3C").replace('>', "%3E"));
                assert!(physical["region"].is_null(), "{r}");
            } else if path.starts_with('/') || path.get(1..3) == Some(":\\") {
                assert!(uri.starts_with("file:///"), "{uri}");
                assert!(physical["artifactLocation"]["uriBaseId"].is_null());
            } else {
                assert_eq!(uri, path, "examples' paths need no escaping");
                assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
                let region = &physical["region"];
                assert_eq!(region["startLine"], d["start"]["line"]);
                assert_eq!(region["startColumn"], d["start"]["column"]);
                assert_eq!(region["endLine"], d["end"]["line"]);
                assert_eq!(region["endColumn"], d["end"]["column"]);
            }
        }
        assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    }
}

#[test]
fn the_sarif_checks_reject_tampered_logs() {
    let Some((log, _)) = sarif_and_json(Path::new(MANIFEST), &["check", "examples"]) else {
        return;
    };
    let schema = sarif_schema().unwrap();
    let tamper = |change: &dyn Fn(&mut Value)| {
        let mut copy = log.clone();
        change(&mut copy);
        copy
    };
    let result = "/runs/0/results/0";
    let schema_cases = [
        tamper(&|l| l["version"] = "2.0.0".into()),
        tamper(&|l| l.pointer_mut(result).unwrap()["level"] = "fatal".into()),
        tamper(&|l| {
            l.pointer_mut(result).unwrap()["locations"][0]["physicalLocation"]["region"]
                ["startLine"] = 0.into()
        }),
        tamper(&|l| l["runs"][0]["columnKind"] = "bytes".into()),
    ];
    for case in &schema_cases {
        assert!(!schema_violations(&schema, case).is_empty());
    }
    let github_cases = [
        tamper(&|l| l.pointer_mut(result).unwrap()["locations"] = serde_json::json!([])),
        tamper(&|l| l.pointer_mut(result).unwrap()["ruleIndex"] = 999.into()),
        tamper(&|l| l.pointer_mut(result).unwrap()["partialFingerprints"] = serde_json::json!({})),
        tamper(&|l| {
            l["runs"][0]["tool"]["driver"]["rules"][0]["fullDescription"]["text"] =
                "x".repeat(1001).into()
        }),
        tamper(&|l| {
            l.pointer_mut(result).unwrap()["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"] = "https://example.com/go.mod".into()
        }),
    ];
    for case in &github_cases {
        assert!(!github_breaches(case).is_empty());
    }
}

#[test]
fn sarif_columns_count_code_points_not_bytes_or_utf16_units() {
    // ORG001 flags the module path; "é" is 2 bytes, "😀" 4 bytes and 2 UTF-16 units.
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module \"éé😀.example/x\"\n\ngo 1.22\n",
    )]));
    let Some((log, _)) = sarif_and_json(repo.path(), &["check", "--rules", PACK, "--select", OURS])
    else {
        return;
    };
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "ORG001", "{log}");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let (start, end) = (
        region["startColumn"].as_u64().unwrap(),
        region["endColumn"].as_u64().unwrap(),
    );
    // The quoted path from column 8: 15 code points (20 bytes, 16 UTF-16 units).
    assert_eq!((start, end - start), (8, 15), "{region}");
}

/// The `gopolicy/v1` fingerprint of each result, by rule id.
fn fingerprints(repo: &Repo) -> Vec<(String, String, u64)> {
    let out = repo.check(&["--format", "sarif", "--fail-on", "never"]);
    out.json()["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                r["partialFingerprints"]["gopolicy/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect()
}

#[test]
fn sarif_fingerprints_survive_edits_elsewhere_in_the_file() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module example.com/m\n\ngo 1.20\n",
    )]));
    let before = fingerprints(&repo);
    repo.write(
        "go.mod",
        "// A comment added above.\n\nmodule   example.com/m\n\n\ngo 1.20\n\nrequire example.com/x v1.0.0\n",
    );
    let after = fingerprints(&repo);
    assert_eq!(before.len(), 2, "{before:?}");
    assert_eq!(after.len(), 2, "{after:?}");
    for ((rule_a, print_a, line_a), (rule_b, print_b, line_b)) in before.iter().zip(&after) {
        assert_eq!(rule_a, rule_b);
        assert_eq!(
            print_a, print_b,
            "{rule_a} moved from line {line_a} to {line_b}"
        );
        assert_ne!(line_a, line_b);
    }
    assert_ne!(before[0].1, before[1].1);
    // Changing the flagged text changes the fingerprint.
    repo.write("go.mod", "module example.com/m\n\ngo 1.19\n");
    let changed = fingerprints(&repo);
    let pol = |v: &[(String, String, u64)]| v.iter().find(|f| f.0 == "POL001").unwrap().1.clone();
    assert_ne!(pol(&before), pol(&changed));
}

// --------------------------------------------------------------------------- GitHub

/// A pack with one rule whose message has everything GitHub's escaping is about.
const HOSTILE_RULE: &str = r#"id = "EVIL001"
name = "hostile-message"
severity = "warning"
target = "go.mod"
summary = "A message with % : , | < > & \" ` newlines and controls"
message = "100% of {value}:\nline two, with | pipe\r\n::error::not a command <b>&amp;</b> \u0001 ]]> `a|b`"
help = "Help, with: 50%"
references = ["https://go.dev/ref/mod#go-mod-file-module"]
docs = """
## What it checks
The module line, with a hostile message.
"""

[[check]]
select = "module.path"
assert = { starts_with = "nothing.example/" }
"#;

fn hostile_repo(module: &str) -> Repo {
    Repo::new(&[
        ("evil/evil.toml", HOSTILE_RULE),
        ("dir,a:b/go.mod", &format!("module {module}\n\ngo 1.22\n")),
        ("clean/go.mod", "module nothing.example/ok\n\ngo 1.22\n"),
    ])
}

const HOSTILE_ARGS: &[&str] = &["check", "--rules", "evil", "--select", "EVIL001"];

#[test]
fn github_commands_escape_hostile_messages_and_paths_exactly() {
    let repo = hostile_repo("example.com/m");
    let mut args = HOSTILE_ARGS.to_vec();
    args.extend(["--format", "github"]);
    let out = run_with(repo.path(), &args, &[]);
    out.expect_code(0);
    assert_eq!(
        out.stdout,
        "::warning file=dir%2Ca%3Ab/go.mod,line=1,col=8,endLine=1,endColumn=21,\
         title=EVIL001 hostile-message::100%25 of example.com/m:%0Aline two, with | pipe%0D%0A\
         ::error::not a command <b>&amp;</b> \u{1} ]]> `a|b`%0Ahelp: Help, with: 50%25\n",
        "{out}"
    );
    // Without GITHUB_STEP_SUMMARY nothing else is written.
    assert!(!repo.path().join("summary.md").exists());
}

#[test]
fn github_step_summary_gets_a_table_of_every_finding_appended() {
    let repo = hostile_repo("example.com/m");
    let summary = repo.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let mut args = HOSTILE_ARGS.to_vec();
    args.extend(["--format", "github"]);
    let env = [("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())];
    let out = run_with(repo.path(), &args, &env);
    out.expect_code(0);
    assert_eq!(
        std::fs::read_to_string(&summary).unwrap(),
        "earlier step\n\
         ### gopolicy\n\n\
         1 problem (1 warning) in 2 files\n\n\
         | Severity | Rule | Location | Message |\n\
         | --- | --- | --- | --- |\n\
         | warning | `EVIL001` hostile-message | dir,a:b/go.mod:1:8 | \
         100% of example.com/m:<br>line two, with \\| pipe<br>::error::not a command \
         &lt;b&gt;&amp;amp;&lt;/b&gt; \u{1} \\]\\]&gt; `a\\|b` |\n",
        "{out}"
    );
    // A clean run says so, without a table.
    std::fs::write(&summary, "").unwrap();
    let clean = run_with(
        repo.path(),
        &[
            "check", "--rules", "evil", "--select", "EVIL001", "clean", "--format", "github",
        ],
        &env,
    );
    clean.expect_code(0);
    assert_eq!(clean.stdout, "");
    assert_eq!(
        std::fs::read_to_string(&summary).unwrap(),
        "### gopolicy\n\nno problems in 1 file\n"
    );
}

// ---------------------------------------------------------------------------- JUnit

/// `xmllint --noout --schema tests/data/junit-10.xsd FILE`: `None` when xmllint is not
/// installed (outside CI, which installs it), else whether the file is valid and why not.
fn xmllint(xml: &str) -> Option<Result<(), String>> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = Path::new(MANIFEST).join("tests/data/junit-10.xsd");
    let run = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output();
    match run {
        Ok(out) if out.status.success() => Some(Ok(())),
        Ok(out) => Some(Err(String::from_utf8_lossy(&out.stderr).into_owned())),
        Err(e) => {
            assert!(std::env::var_os("CI").is_none(), "xmllint: {e}");
            eprintln!("skipped: no xmllint ({e})");
            None
        }
    }
}

/// The value of `name="..."` in a tag (first one).
fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let start = tag.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
    &tag[start..start + tag[start..].find('"').unwrap()]
}

#[test]
fn junit_of_the_examples_is_valid_and_counts_files_and_findings() {
    let out = in_manifest(&[
        "check",
        "examples",
        "--format",
        "junit",
        "--fail-on",
        "never",
    ]);
    out.expect_code(0);
    let Some(valid) = xmllint(&out.stdout) else {
        return;
    };
    valid.unwrap_or_else(|e| panic!("{e}\n{out}"));
    let json = in_manifest(&[
        "check",
        "examples",
        "--format",
        "json",
        "--fail-on",
        "never",
    ])
    .json();
    let diagnostics = json["diagnostics"].as_array().unwrap().len();
    let root = out.stdout.lines().nth(1).unwrap();
    assert!(root.starts_with("<testsuites "), "{root}");
    assert_eq!(attr(root, "failures"), diagnostics.to_string());
    let suites: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("<testsuite "))
        .collect();
    let passing = out.stdout.matches("name=\"no problems\"").count();
    assert_eq!(
        attr(root, "tests"),
        (diagnostics + passing).to_string(),
        "a failing case per finding, a passing one per clean file"
    );
    assert!(passing >= 1, "examples/clean is clean");
    // One suite per file, sorted, every failing path among them.
    let names: Vec<&str> = suites.iter().map(|s| attr(s, "name")).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.contains(&"examples/clean/go.mod"), "{names:?}");
    for d in json["diagnostics"].as_array().unwrap() {
        assert!(names.contains(&d["path"].as_str().unwrap()), "{d}");
    }
}

#[test]
fn junit_escapes_hostile_text_and_drops_what_xml_cannot_hold() {
    let repo = hostile_repo("\"ex<am>ple&.com/m\"");
    let mut args = HOSTILE_ARGS.to_vec();
    args.extend(["--format", "junit"]);
    let out = run_with(repo.path(), &args, &[]);
    out.expect_code(0);
    assert!(!out.stdout.contains('\u{1}'), "{out}");
    assert!(out.stdout.contains('\u{FFFD}'), "{out}");
    let Some(valid) = xmllint(&out.stdout) else {
        return;
    };
    valid.unwrap_or_else(|e| panic!("{e}\n{out}"));
    // The message attribute keeps its line breaks as references.
    assert!(
        out.stdout
            .contains("message=\"100% of ex&lt;am&gt;ple&amp;.com/m:&#10;line two"),
        "{out}"
    );
    assert!(out
        .stdout
        .contains("<testsuite name=\"clean/go.mod\" tests=\"1\" failures=\"0\""));
    assert!(out
        .stdout
        .contains("<testsuite name=\"dir,a:b/go.mod\" tests=\"1\" failures=\"1\""));
}

#[test]
fn xmllint_rejects_what_the_junit_schema_forbids() {
    // The validator can fail: a testsuite without its required counts.
    let bad = "<?xml version=\"1.0\"?>\n<testsuites><testsuite name=\"x\"/></testsuites>\n";
    if let Some(result) = xmllint(bad) {
        assert!(result.is_err(), "xmllint accepted {bad}");
    }
}

// ------------------------------------------------- --output-file, --statistics, --fail-on

#[test]
fn output_file_gets_the_report_and_stdout_nothing() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module example.com/m\n\ngo 1.20\n",
    )]));
    let target = repo.path().join("out/report.sarif");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(&target, "old contents, much longer than nothing").unwrap();
    let out = repo.check(&["--format", "sarif", "--output-file", "out/report.sarif"]);
    out.expect_code(1);
    assert_eq!(out.stdout, "");
    let written = std::fs::read_to_string(&target).unwrap();
    let stdout = repo.check(&["--format", "sarif"]).stdout;
    assert_eq!(written, stdout, "the same report, the old file replaced");
    // No temporary file is left behind.
    let left: Vec<PathBuf> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(left, std::slice::from_ref(&target));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // A new file is readable by others, not private like a temporary file...
        let fresh = repo.check(&["--output-file", "fresh.txt"]);
        fresh.expect_code(1);
        assert_eq!(mode(&repo.path().join("fresh.txt")), 0o644);
        // ...and a replaced one keeps its mode.
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        repo.check(&["--format", "json", "--output-file", "out/report.sarif"]);
        assert_eq!(mode(&target), 0o640);
    }

    let missing = repo.check(&["--output-file", "no/such/folder/r.txt"]);
    missing.expect_code(2);
    assert!(missing.stderr.contains("no/such/folder"), "{missing}");
}

#[test]
fn statistics_count_per_rule_after_inside_or_beside_the_report() {
    let repo = Repo::new(&with_pack(&[
        ("a/go.mod", "module example.com/a\n\ngo 1.20\n"),
        ("b/go.mod", "module example.com/b\n\ngo 1.22\n"),
        ("c/go.mod", "module corp.example/c\n\ngo 1.19\n"),
    ]));
    // ORG001 twice (a, b), POL001 twice (a, c): ties sort by id.
    let short = repo.check(&["--format", "short", "--statistics"]);
    short.expect_code(1);
    let tail: Vec<&str> = short.stdout.lines().skip(4).collect();
    assert_eq!(
        tail,
        [
            "statistics:",
            "2  ORG001  module-outside-org",
            "2  POL001  go-too-old"
        ],
        "{short}"
    );
    let json = repo.check(&["--format", "json", "--statistics"]).json();
    assert_eq!(
        json["statistics"],
        serde_json::json!([
            {"code": "ORG001", "name": "module-outside-org", "count": 2},
            {"code": "POL001", "name": "go-too-old", "count": 2}
        ])
    );
    assert!(repo
        .check(&["--format", "json"])
        .json()
        .get("statistics")
        .is_none());
    for format in ["sarif", "junit"] {
        let out = repo.check(&["--format", format, "--statistics"]);
        assert!(out.stderr.contains("2  POL001  go-too-old"), "{out}");
        assert!(!out.stdout.contains("statistics"), "{out}");
    }
    let github = repo.check(&["--format", "github", "--statistics"]);
    assert!(
        github.stdout.ends_with("2  POL001  go-too-old\n"),
        "{github}"
    );
    let none = repo.check(&["--format", "short", "--statistics", "--ignore", "POL,ORG"]);
    assert_eq!(none.stdout, "statistics: no problems\n", "{none}");
}

#[test]
fn fail_on_sets_the_exit_code_in_every_format() {
    // Only a warning (ORG001); POL001 passes.
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module example.com/m\n\ngo 1.22\n",
    )]));
    for format in ["human", "short", "json", "sarif", "github", "junit"] {
        for (fail_on, code) in [("warning", 1), ("error", 0), ("never", 0), ("info", 1)] {
            let out = repo.check(&["--format", format, "--fail-on", fail_on]);
            assert_eq!(
                out.code, code,
                "--format {format} --fail-on {fail_on}\n{out}"
            );
            assert!(!out.stdout.is_empty(), "{out}");
        }
    }
}

// ------------------------------------------------------------------------- Secrets

#[test]
fn secrets_in_workflow_env_and_process_env_stay_out_of_every_format() {
    let secrets = [
        "ghp_WORKFLOWSECRET0001",
        "ghp_JOBSECRET0002",
        "ghp_PROCESSENVSECRET0003",
        "hunter2-process-password",
    ];
    let workflow = format!(
        "name: ci\non: push\nenv:\n  GOPROXY: https://alice:{}@proxy.example.com/go,direct\n  \
         GITHUB_TOKEN: {}\njobs:\n  b:\n    runs-on: ubuntu-latest\n    env:\n      \
         GOPROXY: https://bob:{}@proxy.example.com\n    steps:\n      - run: go build ./...\n",
        secrets[0], secrets[0], secrets[1]
    );
    let repo = Repo::new(&[(".github/workflows/ci.yml", workflow.as_str())]);
    let proxy = format!("https://carol:{}@proxy.example.com/go", secrets[2]);
    let summary = repo.path().join("summary.md");
    let env = [
        ("PATH", "/usr/bin:/bin"),
        ("GOPROXY", proxy.as_str()),
        ("GOFLAGS", "-mod=mod"),
        ("DB_PASSWORD", secrets[3]),
        ("GITHUB_TOKEN", secrets[2]),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
    ];
    for format in ["sarif", "github", "junit"] {
        let out = run_with(
            repo.path(),
            &[
                "check",
                "--machine",
                ".",
                "--format",
                format,
                "--fail-on",
                "never",
            ],
            &env,
        );
        out.expect_code(0);
        // The findings about both places are there...
        assert!(out.stdout.contains("ci.yml"), "{out}");
        assert!(out.stdout.contains("process-env"), "{out}");
        assert!(out.stdout.contains("ENV003"), "{out}");
        // ...and no secret.
        for secret in secrets {
            assert!(!out.stdout.contains(secret), "{secret} in {format}:\n{out}");
            assert!(!out.stderr.contains(secret), "{secret} in {format}:\n{out}");
        }
    }
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.contains("ENV003"), "{summary}");
    for secret in secrets {
        assert!(
            !summary.contains(secret),
            "{secret} in the step summary:\n{summary}"
        );
    }
}
