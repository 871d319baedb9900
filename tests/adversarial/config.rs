//! The user's own inputs: gopolicy.toml, rule packs, regexes, files that refer to each
//! other.

use super::common::{self, with_pack, Repo, CONFIG, GO_TOO_OLD, OURS, PACK};
use super::{assert_peak, run, run_capped, short, TIME};

fn nested_toml(depth: usize) -> [String; 3] {
    [
        format!("select = {}{}\n", "[".repeat(depth), "]".repeat(depth)),
        format!("x = {}1{}\n", "{a = ".repeat(depth), "}".repeat(depth)),
        format!("[{}]\n", vec!["a"; depth].join(".")),
    ]
}

#[test]
fn gopolicy_toml_nested_10000_deep_exits_2_with_a_message() {
    for text in nested_toml(10_000) {
        let repo = Repo::new(&[("gopolicy.toml", &text), ("go.mod", "module m\n")]);
        let run = run(repo.path(), &["check"], TIME);
        run.out.expect_code(2);
        assert!(run.out.stderr.contains("gopolicy.toml"), "{run}");
        assert!(run.out.stderr.contains("recurs"), "{run}");
    }
}

#[test]
fn a_rule_file_nested_10000_deep_exits_2_with_a_message() {
    for nested in nested_toml(10_000) {
        let rule = format!("{GO_TOO_OLD}\n{nested}");
        let repo = Repo::new(&[("go.mod", "module m\n"), ("policy/deep.toml", &rule)]);
        let run = run(repo.path(), &["check", "--rules", PACK], TIME);
        run.out.expect_code(2);
        assert!(run.out.stderr.contains("deep.toml"), "{run}");
    }
}

/// GO_TOO_OLD with its assertion replaced.
fn rule_asserting(assertion: &str) -> String {
    GO_TOO_OLD.replace(
        "assert = { go_version_at_least = \"{min_go}\" }",
        &format!("assert = {{ {assertion} }}"),
    )
}

#[test]
fn a_regex_over_the_size_limit_exits_2_at_its_line() {
    // Small to write, huge to compile: the regex crate's size limit stops it.
    for pattern in [
        r"(((a{100}){100}){100})",
        r"\w{1000}\w{1000}\w{1000}",
        r"(?:[\p{L}\p{N}]{500}){20}",
    ] {
        let rule = rule_asserting(&format!("matches = '{pattern}'"));
        let repo = Repo::new(&[
            ("go.mod", "module m\n\ngo 1.22\n"),
            ("policy/re.toml", &rule),
        ]);
        let run = run(
            repo.path(),
            &["check", "--rules", PACK, "--select", OURS],
            TIME,
        );
        run.out.expect_code(2);
        assert!(run.out.stderr.contains("invalid regex"), "{run}");
        assert!(run.out.stderr.contains("size limit"), "{run}");
        assert!(run.out.stderr.contains("re.toml:"), "{run}");
    }
}

#[test]
fn a_backtracking_shaped_regex_on_a_long_value_runs_in_linear_time() {
    // (a+)+$ is exponential for a backtracking engine on "aaa…ab"; the regex crate is not.
    let rule = rule_asserting("matches = '^(a+)+$'")
        .replace("select = \"go\"", "select = \"module.path\"");
    let module = format!("{}b", "a".repeat(100_000));
    let repo = Repo::new(&[
        ("go.mod", &format!("module {module}\n\ngo 1.22\n")),
        ("policy/re.toml", &rule),
    ]);
    let run = run(
        repo.path(),
        &[
            "check", "--rules", PACK, "--select", "POL", "--format", "short",
        ],
        TIME,
    );
    run.out.expect_code(1);
    assert_eq!(short(&run).len(), 1, "{run}");
}

#[test]
fn a_rule_pack_of_10000_rules_loads_in_bounded_time_and_memory() {
    let repo = Repo::new(&[("go.mod", "module example.com/m\n\ngo 1.20\n")]);
    for n in 0..10_000 {
        // Ids: two capital letters from n / 1000, three digits from n % 1000.
        let id = format!("P{}{:03}", (b'A' + (n / 1000) as u8) as char, n % 1000);
        let rule = GO_TOO_OLD
            .replace("POL001", &id)
            .replace("go-too-old", &format!("go-too-old-{n}"));
        repo.write(&format!("pack/r{n:05}.toml"), rule);
    }
    let args = [
        "check", "--rules", "pack", "--select", "P", "--format", "short",
    ];
    let run = run_capped(
        common::command(repo.path(), &args),
        &args,
        std::time::Duration::from_secs(60),
        1024,
    );
    run.out.expect_code(1);
    // Every rule fires once on the one go.mod.
    assert_eq!(short(&run).len(), 10_000, "{run}");
}

#[test]
fn a_config_whose_rule_pack_is_its_own_folder_exits_2() {
    // gopolicy.toml has no includes; the nearest thing is `rules` naming the folder the
    // config is in, so the config itself is read as a rule file.
    let repo = Repo::new(&[
        ("gopolicy.toml", "rules = [\".\"]\n"),
        ("go.mod", "module m\n"),
    ]);
    let run = run(repo.path(), &["check"], TIME);
    run.out.expect_code(2);
    assert!(run.out.stderr.contains("gopolicy.toml"), "{run}");
}

#[test]
fn ci_files_that_include_themselves_or_each_other_are_read_once() {
    let repo = Repo::new(&with_pack(&[
        ("gopolicy.toml", CONFIG),
        (
            ".gitlab-ci.yml",
            "include:\n  - local: .gitlab-ci.yml\n  - local: .gitlab/inc/a.yml\n",
        ),
        (
            ".gitlab/inc/a.yml",
            "include:\n  - local: .gitlab/inc/b.yml\n",
        ),
        (
            ".gitlab/inc/b.yml",
            "include:\n  - local: .gitlab/inc/a.yml\n  - local: .gitlab-ci.yml\n",
        ),
        (
            "azure-pipelines.yml",
            "steps:\n- template: azure-pipelines.yml\n- template: t/x.yml\n",
        ),
        (
            "t/x.yml",
            "steps:\n- template: ../azure-pipelines.yml\n- template: x.yml\n",
        ),
    ]));
    let run = run(repo.path(), &["check", "--format", "json"], TIME);
    run.out.expect_code(0);
    assert_eq!(run.out.json()["summary"]["files"], 5, "{run}");
}

#[test]
fn a_go_work_that_uses_itself_and_a_replace_of_the_module_by_itself_end() {
    let repo = Repo::new(&[
        ("go.work", "go 1.22\n\nuse .\nuse ./a\n"),
        (
            "go.mod",
            "module example.com/m\n\ngo 1.22\n\nreplace example.com/m => ./\n",
        ),
        (
            "a/go.mod",
            "module example.com/a\n\ngo 1.22\n\nreplace example.com/a => ../a\n",
        ),
    ]);
    let run = run(
        repo.path(),
        &["check", "--format", "short", "--fail-on", "never"],
        TIME,
    );
    run.out.expect_code(0);
}

#[test]
fn a_config_or_facts_file_that_is_a_fifo_or_a_device_exits_2_without_hanging() {
    let repo = Repo::new(&[("go.mod", "module m\n")]);
    let fifo = repo.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    for args in [
        &["check", "--config", "fifo.toml"][..],
        &["check", "--config", "/dev/zero"],
        &["check", "--machine", "--facts", "fifo.toml"],
        &["check", "--machine", "--facts", "/dev/zero"],
    ] {
        let run = run(repo.path(), args, TIME);
        run.out.expect_code(2);
        assert!(run.out.stderr.contains("not a regular file"), "{run}");
        assert_peak(&run, 64);
    }
}
