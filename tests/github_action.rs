//! The GitHub Action (action.yml) and the example workflow that uses it
//! (examples/github-action): gopolicy passes both, the example passes only inputs the
//! action declares, and the action's shell steps, run as the runner runs them (`bash
//! --noprofile --norc -eo pipefail FILE`), install nothing but report gopolicy's exit
//! code as documented.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use gopolicy::document::{Document, Encoding, Node, SourceText, Target, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const WORKFLOW: &str = "examples/github-action/.github/workflows/gopolicy.yml";

fn parse(path: &str, target: Target) -> Document {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let doc = gopolicy::source::parse(SourceText::new(path, text, Encoding::Utf8), target);
    assert!(doc.errors.is_empty(), "{path}: {:?}", doc.errors);
    doc
}

fn keys(node: Option<&Node>) -> BTreeSet<String> {
    match node.map(|n| &n.value) {
        Some(Value::Map(entries)) => entries.iter().map(|e| e.key.to_string()).collect(),
        _ => BTreeSet::new(),
    }
}

fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Value::List(items)) => items,
        _ => &[],
    }
}

/// The action's composite steps.
fn steps(action: &Document) -> &[Node] {
    items(action.root.get("runs").and_then(|r| r.get("steps")))
}

/// The `run:` script of the action's step named `name`.
fn script(action: &Document, name: &str) -> String {
    steps(action)
        .iter()
        .find(|s| s.get("name").and_then(Node::as_str) == Some(name))
        .and_then(|s| s.get("run").and_then(Node::as_str))
        .unwrap_or_else(|| panic!("no step {name:?} with a run script"))
        .to_owned()
}

/// Run a step's script as the runner does, in `cwd`, with `env`; the exit code and what
/// the step wrote to $GITHUB_OUTPUT and to stdout.
fn run_step(script: &str, cwd: &Path, env: &[(&str, &str)]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("step.sh");
    std::fs::write(&file, script).unwrap();
    let output = dir.path().join("output");
    std::fs::write(&output, "").unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_gopolicy")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&file)
        .current_dir(cwd)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_ACTION_PATH", root())
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_STEP_SUMMARY")
        .envs(env.iter().copied())
        .output()
        .expect("run bash");
    (
        out.status.code().unwrap_or(-1),
        std::fs::read_to_string(&output).unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn gopolicy_passes_the_action_and_the_example_workflow() {
    let out = Command::new(env!("CARGO_BIN_EXE_gopolicy"))
        .args([
            "check",
            "--fail-on",
            "info",
            "action.yml",
            "examples/github-action",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // action.yml, the workflow and go.mod: each read as what it is.
    assert_eq!(stdout, "no problems in 3 files\n");
}

#[test]
fn the_example_passes_only_inputs_the_action_declares() {
    let action = parse("action.yml", Target::GithubAction);
    let inputs = keys(action.root.get("inputs"));
    let workflow = parse(WORKFLOW, Target::GithubWorkflow);
    let mut used = 0;
    for job in match &workflow.root.get("jobs").unwrap().value {
        Value::Map(entries) => entries,
        _ => panic!("jobs is a map"),
    } {
        for step in items(job.value.get("steps")) {
            let uses = step.get("uses").and_then(Node::as_str).unwrap_or("");
            if uses.starts_with("gopolicy/gopolicy@") {
                used += 1;
                let with = keys(step.get("with"));
                assert!(with.is_subset(&inputs), "{with:?} not all in {inputs:?}");
            }
        }
    }
    assert_eq!(used, 2, "the example uses the action in two jobs");

    // The action itself reads only inputs it declares and outputs of steps it has, and
    // never expands an expression inside a script (inputs reach scripts through env).
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let read: BTreeSet<String> = regex::Regex::new(r"inputs\.([A-Za-z0-9_-]+)")
        .unwrap()
        .captures_iter(&text)
        .map(|c| c[1].to_owned())
        .collect();
    assert!(read.is_subset(&inputs), "{read:?} not all in {inputs:?}");
    let ids: BTreeSet<String> = steps(&action)
        .iter()
        .filter_map(|s| s.get("id").and_then(Node::as_str).map(String::from))
        .collect();
    for c in regex::Regex::new(r"steps\.([A-Za-z0-9_-]+)\.outputs")
        .unwrap()
        .captures_iter(&text)
    {
        assert!(ids.contains(&c[1]), "no step with id {}", &c[1]);
    }
    for step in steps(&action) {
        if let Some(run) = step.get("run").and_then(Node::as_str) {
            assert!(!run.contains("${{"), "an expression in a script: {run}");
        }
    }
}

#[test]
fn the_run_step_reports_gopolicys_exit_code_and_defers_findings() {
    let action = parse("action.yml", Target::GithubAction);
    let check = script(&action, "Run gopolicy");
    let run = |paths: &str, format: &str, fail_on: &str, args: &str| {
        run_step(
            &check,
            root(),
            &[
                ("PATHS", paths),
                ("FORMAT", format),
                ("FAIL_ON", fail_on),
                ("ARGS", args),
                ("SARIF", "unused.sarif"),
            ],
        )
    };

    // Nothing found: the step passes, exit-code=0.
    let (code, output, stdout) = run(
        "examples/clean\nexamples/github-action",
        "short",
        "info",
        "",
    );
    assert_eq!((code, output.as_str()), (0, "exit-code=0\n"), "{stdout}");
    assert!(stdout.starts_with("gopolicy "), "{stdout}");

    // Findings: the step still passes (the SARIF upload comes next), exit-code=1.
    let (code, output, stdout) = run(
        "examples/legacy-service",
        "short",
        "warning",
        "--select MOD005 --no-color",
    );
    assert_eq!((code, output.as_str()), (0, "exit-code=1\n"), "{stdout}");
    let reported: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(reported.len(), 1, "{stdout}");
    assert!(reported[0].contains("warning[MOD005]"), "{stdout}");

    // Annotations, as the default format gives them.
    let (code, output, stdout) = run(
        "examples/legacy-service",
        "github",
        "warning",
        "--select MOD005",
    );
    assert_eq!((code, output.as_str()), (0, "exit-code=1\n"), "{stdout}");
    assert!(
        stdout.contains("::warning file=examples/legacy-service/go.mod,line=5,"),
        "{stdout}"
    );

    // SARIF goes to the file the upload step reads, not to the log.
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let (code, output, stdout) = run_step(
        &check,
        root(),
        &[
            ("PATHS", "examples/legacy-service"),
            ("FORMAT", "sarif"),
            ("FAIL_ON", "warning"),
            ("ARGS", "--select MOD005"),
            ("SARIF", sarif.to_str().unwrap()),
        ],
    );
    assert_eq!((code, output.as_str()), (0, "exit-code=1\n"), "{stdout}");
    assert!(!stdout.contains("MOD005"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(json["version"], "2.1.0");
    assert_eq!(json["runs"][0]["results"][0]["ruleId"], "MOD005");

    // An error (here an unknown format): the step fails with gopolicy's code 2.
    let (code, output, _) = run("examples/clean", "no-such-format", "error", "");
    assert_eq!((code, output.as_str()), (2, "exit-code=2\n"));
}

#[test]
fn the_version_step_keys_the_build_on_the_action_sources() {
    let action = parse("action.yml", Target::GithubAction);
    let version = script(&action, "Find the gopolicy version");
    let env = [
        ("INSTALL", "cargo"),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
    ];
    let (code, output, _) = run_step(&version, root(), &env);
    assert_eq!(code, 0, "{output}");
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines[0], format!("version={}", env!("CARGO_PKG_VERSION")));
    let key = lines[1]
        .strip_prefix(&format!(
            "key=gopolicy-Linux-X64-{}-",
            env!("CARGO_PKG_VERSION")
        ))
        .unwrap_or_else(|| panic!("{output}"));
    assert!(
        key.len() == 16 && key.bytes().all(|b| b.is_ascii_hexdigit()),
        "{output}"
    );
    // The same sources, the same key; pip needs only the version.
    assert_eq!(run_step(&version, root(), &env).1, output);
    let (_, output, _) = run_step(&version, root(), &[("INSTALL", "pip")]);
    assert_eq!(output, format!("version={}\n", env!("CARGO_PKG_VERSION")));
}
