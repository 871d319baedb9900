//! The command line, end to end: the built binary run on temporary repositories.
//!
//! Tests use their own rule pack (tests/common: POL001 `go-too-old`, an error with a
//! `min_go` param, and ORG001 `module-outside-org`, a warning) and select only it and the
//! engine's SYS rules (`--select POL,ORG,SYS`, or `select` in the config), so they do not
//! depend on the built-in go.mod / go.work rules.

mod common;

use common::{
    go_mod, line_of, parse_short, with_pack, Repo, CONFIG, GO_TOO_OLD, MODULE_OUTSIDE_ORG, OURS,
    PACK,
};

/// A go.mod that passes both pack rules.
const CLEAN: &str = "module corp.example/app\n\ngo 1.22\n";
/// A go.mod that fails POL001 only (go 1.20 < 1.21).
const OLD_GO: &str = "module corp.example/app\n\ngo 1.20\n";
/// A go.mod that fails ORG001 only (a warning).
const OUTSIDE_ORG: &str = "module example.com/app\n\ngo 1.22\n";

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------
// Exit codes

#[test]
fn exit_code_is_0_when_nothing_is_found() {
    let repo = Repo::new(&with_pack(&[("go.mod", CLEAN)]));
    let out = repo.check(&[]);
    out.expect_code(0);
    assert!(out.stdout.contains("no problems in 1 file"), "{out}");
}

#[test]
fn exit_code_is_1_when_an_error_is_found() {
    let repo = Repo::new(&with_pack(&[("go.mod", OLD_GO)]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout, "go.mod:3:4: error[POL001] go 1.20 is below 1.21\n",
        "{out}"
    );
}

#[test]
fn a_warning_does_not_fail_by_default_but_fails_with_fail_on_warning() {
    let repo = Repo::new(&with_pack(&[("go.mod", OUTSIDE_ORG)]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(0);
    assert_eq!(out.short_ids(), ["ORG001"], "{out}");

    let out = repo.check(&["--format", "short", "--fail-on", "warning"]);
    out.expect_code(1);
    assert_eq!(out.short_ids(), ["ORG001"], "{out}");
}

#[test]
fn fail_on_never_exits_0_even_with_errors() {
    let repo = Repo::new(&with_pack(&[("go.mod", OLD_GO)]));
    let out = repo.check(&["--format", "short", "--fail-on", "never"]);
    out.expect_code(0);
    assert_eq!(out.short_ids(), ["POL001"], "{out}");
}

#[test]
fn fail_on_from_the_config_applies_and_the_flag_overrides_it() {
    let repo = Repo::new(&with_pack(&[
        ("go.mod", OUTSIDE_ORG),
        ("gopolicy.toml", &format!("{CONFIG}fail_on = \"warning\"\n")),
    ]));
    let out = repo.run(&["check", "--format", "short"]);
    out.expect_code(1);
    assert_eq!(out.short_ids(), ["ORG001"], "{out}");

    let out = repo.run(&["check", "--format", "short", "--fail-on", "error"]);
    out.expect_code(0);
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let repo = Repo::new(&[("go.mod", CLEAN)]);
    let out = repo.run(&["check", "--bogus"]);
    out.expect_code(2);
    assert!(out.stderr.contains("--bogus"), "{out}");
    assert!(out.stdout.is_empty(), "{out}");
}

#[test]
fn an_unknown_config_key_exits_2_naming_the_key_and_its_line() {
    let config = "fail_on = \"error\"\nselec = [\"POL001\"]\n";
    let repo = Repo::new(&with_pack(&[("go.mod", CLEAN), ("gopolicy.toml", config)]));
    let out = repo.check(&[]);
    out.expect_code(2);
    assert!(out.stderr.contains("unknown field `selec`"), "{out}");
    assert!(out.stderr.contains("gopolicy.toml:2:"), "{out}");
    assert!(out.stderr.contains("selec = [\"POL001\"]"), "{out}");
    assert!(out.stdout.is_empty(), "{out}");
}

#[test]
fn a_bad_substitute_regex_in_a_pack_rule_exits_2_pointing_at_its_edit() {
    // A clean go.mod: the edit is never made, so only loading the rule can find it.
    let rule = format!("{GO_TOO_OLD}\n[fix]\ntitle = \"Fix it\"\napplicability = \"unsafe\"\nedit = [{{ substitute = [[\"(unclosed\", \"x\"]] }}]\n");
    let repo = Repo::new(&[("go.mod", CLEAN), ("policy/bad.toml", &rule)]);
    let out = repo.check(&[]);
    out.expect_code(2);
    let line = line_of(&rule, "(unclosed");
    assert!(
        out.stderr.contains("invalid regex in `substitute`"),
        "{out}"
    );
    assert!(out.stderr.contains(&format!("bad.toml:{line}:")), "{out}");
}

#[test]
fn a_bad_regex_in_a_pack_rule_exits_2_pointing_at_its_line() {
    let rule = GO_TOO_OLD.replace(
        "assert = { go_version_at_least = \"{min_go}\" }",
        "assert = { matches = \"(unclosed\" }",
    );
    let repo = Repo::new(&[("go.mod", CLEAN), ("policy/bad.toml", &rule)]);
    let out = repo.check(&[]);
    out.expect_code(2);
    let line = line_of(&rule, "(unclosed");
    assert!(out.stderr.contains("invalid regex"), "{out}");
    assert!(
        out.stderr.contains(&format!("bad.toml:{line}:")),
        "expected the location bad.toml:{line}:\n{out}"
    );
    assert!(out.stderr.contains("matches = \"(unclosed\""), "{out}");
}

#[test]
fn a_pack_rule_may_not_take_a_built_in_rules_id_or_name() {
    // Built-in go.mod rules, which checking go.mod loads.
    for (field, taken) in [
        ("id = \"POL001\"", "id = \"MOD007\""),
        ("name = \"go-too-old\"", "name = \"duplicate-require\""),
    ] {
        let rule = GO_TOO_OLD.replace(field, taken);
        let repo = Repo::new(&[("go.mod", CLEAN), ("policy/dup.toml", &rule)]);
        let out = repo.check(&[]);
        out.expect_code(2);
        assert!(
            out.stderr.contains("is already used by rules/"),
            "{taken}: {out}"
        );
        let line = line_of(&rule, taken);
        assert!(
            out.stderr.contains(&format!("dup.toml:{line}:")),
            "{taken}: {out}"
        );
    }
}

#[test]
fn an_unknown_field_in_a_pack_rule_exits_2_pointing_at_its_line() {
    let rule = GO_TOO_OLD.replace("severity = \"error\"", "severty = \"error\"");
    let repo = Repo::new(&[("go.mod", CLEAN), ("policy/bad.toml", &rule)]);
    let out = repo.check(&[]);
    out.expect_code(2);
    let line = line_of(&rule, "severty");
    assert!(out.stderr.contains("unknown field `severty`"), "{out}");
    assert!(
        out.stderr.contains(&format!("bad.toml:{line}:")),
        "expected the location bad.toml:{line}:\n{out}"
    );
}

#[test]
fn an_unknown_selector_in_select_exits_2() {
    let repo = Repo::new(&with_pack(&[("go.mod", OLD_GO)]));
    let out = repo.check(&["--select", "POL001,NOPE"]);
    out.expect_code(2);
    assert!(out.stderr.contains("`NOPE` matches no rule"), "{out}");
    assert!(out.stdout.is_empty(), "{out}");
}

// ---------------------------------------------------------------------------------------
// Output formats

#[test]
fn short_format_is_one_line_per_finding_with_relative_slash_paths() {
    let repo = Repo::new(&with_pack(&[
        ("a/go.mod", "module example.com/a\n\ngo 1.20\n"),
        ("b/c/go.mod", "module corp.example/c\n\ngo 1.19\n"),
        ("go.mod", CLEAN),
    ]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout,
        "a/go.mod:1:8: warning[ORG001] module example.com/a is not under corp.example/\n\
         a/go.mod:3:4: error[POL001] go 1.20 is below 1.21\n\
         b/c/go.mod:3:4: error[POL001] go 1.19 is below 1.21\n",
        "{out}"
    );
}

#[test]
fn short_format_paths_are_relative_to_the_working_folder_for_path_arguments() {
    let repo = Repo::new(&with_pack(&[("sub/dir/go.mod", OLD_GO)]));
    let out = repo.check(&["--format", "short", "./sub"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout, "sub/dir/go.mod:3:4: error[POL001] go 1.20 is below 1.21\n",
        "{out}"
    );
}

#[test]
fn human_output_shows_the_rule_the_message_the_source_line_and_a_summary() {
    let repo = Repo::new(&with_pack(&[("go.mod", OLD_GO)]));
    let out = repo.check(&[]);
    out.expect_code(1);
    assert!(out.stdout.contains("POL001"), "{out}");
    assert!(out.stdout.contains("go 1.20 is below 1.21"), "{out}");
    assert!(
        out.stdout
            .lines()
            .any(|l| l.contains('3') && l.contains("│ go 1.20")),
        "the source line, numbered, is shown\n{out}"
    );
    assert_eq!(
        out.lines().last().copied(),
        Some("1 problem (1 error) in 1 file"),
        "{out}"
    );
}

#[test]
fn human_output_has_no_ansi_escapes_when_not_on_a_terminal() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module example.com/app\n\ngo 1.20\n",
    )]));
    let out = repo.check(&[]);
    out.expect_code(1);
    assert!(out.stdout.contains("POL001"), "{out}");
    assert!(!out.stdout.contains('\u{1b}'), "{out}");
    assert!(!out.stderr.contains('\u{1b}'), "{out}");
}

#[test]
fn quiet_drops_the_summary_line() {
    let repo = Repo::new(&with_pack(&[("go.mod", OLD_GO)]));
    let out = repo.check(&["-q"]);
    out.expect_code(1);
    assert!(out.stdout.contains("go 1.20 is below 1.21"), "{out}");
    assert!(!out.stdout.contains("1 problem"), "{out}");
    assert!(!out.stdout.contains("in 1 file"), "{out}");
}

// ---------------------------------------------------------------------------------------
// Rule params

#[test]
fn a_param_default_applies_and_a_config_override_changes_the_outcome() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module corp.example/m\n\ngo 1.21\n",
    )]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(0);
    assert_eq!(out.stdout, "", "{out}");

    repo.write("gopolicy.toml", "[params.POL001]\nmin_go = \"1.22\"\n");
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout, "go.mod:3:4: error[POL001] go 1.21 is below 1.22\n",
        "{out}"
    );
}

#[test]
fn a_param_override_can_name_the_rule_by_name() {
    let repo = Repo::new(&with_pack(&[
        ("go.mod", "module corp.example/m\n\ngo 1.21\n"),
        ("gopolicy.toml", "[params.go-too-old]\nmin_go = \"1.23\"\n"),
    ]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout, "go.mod:3:4: error[POL001] go 1.21 is below 1.23\n",
        "{out}"
    );
}

#[test]
fn a_param_override_of_the_wrong_type_exits_2_at_its_line() {
    let repo = Repo::new(&with_pack(&[
        ("go.mod", CLEAN),
        ("gopolicy.toml", "[params.POL001]\nmin_go = 122\n"),
    ]));
    let out = repo.check(&[]);
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("param `min_go` of rule POL001 is a string"),
        "{out}"
    );
    assert!(out.stderr.contains("gopolicy.toml:2:"), "{out}");
}

#[test]
fn an_override_of_an_unknown_param_exits_2_at_its_line() {
    // The bad key is on line 5; a valid override of another rule comes first.
    let config = "[params.POL001]\nmin_go = \"1.22\"\n\n[params.SYS003]\nlimit = 1\n";
    let repo = Repo::new(&with_pack(&[("go.mod", CLEAN), ("gopolicy.toml", config)]));
    let out = repo.check(&[]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("rule SYS003 has no param `limit`"),
        "{out}"
    );
    assert!(
        out.stderr.contains("gopolicy.toml:5:"),
        "the error should point at `limit` on line 5\n{out}"
    );
}

// ---------------------------------------------------------------------------------------
// Config discovery

fn min_go_123() -> String {
    format!("{CONFIG}[params.POL001]\nmin_go = \"1.23\"\n")
}

#[test]
fn gopolicy_toml_is_found_by_walking_up_from_a_subfolder() {
    let repo = Repo::new(&with_pack(&[
        ("gopolicy.toml", &min_go_123()),
        ("services/api/go.mod", CLEAN),
    ]));
    let out = repo.run_in("services/api", &["check", "--format", "short"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout, "go.mod:3:4: error[POL001] go 1.22 is below 1.23\n",
        "{out}"
    );
}

#[test]
fn dot_gopolicy_toml_is_found_too() {
    let repo = Repo::new(&with_pack(&[
        (".gopolicy.toml", &min_go_123()),
        ("services/api/go.mod", CLEAN),
    ]));
    let out = repo.run_in("services", &["check", "--format", "short"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout, "api/go.mod:3:4: error[POL001] go 1.22 is below 1.23\n",
        "{out}"
    );
}

#[test]
fn the_config_flag_replaces_discovery() {
    let repo = Repo::new(&with_pack(&[
        // Found by discovery, but not used: it would allow go 1.10.
        (
            "gopolicy.toml",
            &format!("{CONFIG}[params.POL001]\nmin_go = \"1.10\"\n"),
        ),
        (
            "ci/strict.toml",
            "rules = [\"../policy\"]\nselect = [\"POL\", \"ORG\", \"SYS\"]\n[params.POL001]\nmin_go = \"1.30\"\n",
        ),
        ("go.mod", CLEAN),
    ]));
    let out = repo.run(&["check", "--format", "short"]);
    out.expect_code(0);

    let out = repo.run(&["--config", "ci/strict.toml", "check", "--format", "short"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout, "go.mod:3:4: error[POL001] go 1.22 is below 1.30\n",
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------
// Selection, severity, per-file ignores, excludes

/// Fails both POL001 (error) and ORG001 (warning).
const BOTH: &str = "module example.com/app\n\ngo 1.20\n";

#[test]
fn select_keeps_rules_by_id_name_or_prefix() {
    let repo = Repo::new(&with_pack(&[("go.mod", BOTH)]));
    let ids = |select: &str| {
        let out = repo.run(&[
            "check", "--rules", PACK, "--format", "short", "--select", select,
        ]);
        assert!(out.code == 0 || out.code == 1, "{out}");
        sorted(out.short_ids())
    };
    assert_eq!(ids("POL001"), ["POL001"]);
    assert_eq!(ids("module-outside-org"), ["ORG001"]);
    assert_eq!(ids("ORG"), ["ORG001"]);
    assert_eq!(ids("POL,ORG001"), ["ORG001", "POL001"]);
    // ALL also enables the built-in rules; ours are among them.
    let all = ids("ALL");
    assert!(
        all.contains(&"ORG001".to_owned()) && all.contains(&"POL001".to_owned()),
        "{all:?}"
    );
}

#[test]
fn ignore_drops_rules_by_id_name_or_prefix() {
    let repo = Repo::new(&with_pack(&[("go.mod", BOTH)]));
    let ids = |ignore: &str| {
        let out = repo.check(&["--format", "short", "--ignore", ignore]);
        assert!(out.code == 0 || out.code == 1, "{out}");
        sorted(out.short_ids())
    };
    assert_eq!(ids("POL001"), ["ORG001"]);
    assert_eq!(ids("go-too-old"), ["ORG001"]);
    assert_eq!(ids("ORG"), ["POL001"]);
    assert_eq!(ids("POL,ORG"), Vec::<String>::new());
}

#[test]
fn select_and_ignore_in_the_config_apply() {
    let repo = Repo::new(&with_pack(&[
        ("go.mod", BOTH),
        (
            "gopolicy.toml",
            "rules = [\"policy\"]\nselect = [\"POL\", \"ORG\"]\nignore = [\"go-too-old\"]\n",
        ),
    ]));
    let out = repo.run(&["check", "--format", "short"]);
    out.expect_code(0);
    assert_eq!(out.short_ids(), ["ORG001"], "{out}");
}

#[test]
fn a_severity_override_in_the_config_changes_severity_and_exit_code() {
    let repo = Repo::new(&with_pack(&[
        ("go.mod", OLD_GO),
        ("gopolicy.toml", "[severity]\nPOL001 = \"warning\"\n"),
    ]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(0);
    assert_eq!(
        out.stdout, "go.mod:3:4: warning[POL001] go 1.20 is below 1.21\n",
        "{out}"
    );
}

#[test]
fn per_file_ignores_drop_rules_for_matching_paths() {
    let repo = Repo::new(&with_pack(&[
        ("app/go.mod", OLD_GO),
        ("legacy/old/go.mod", BOTH),
        (
            "gopolicy.toml",
            &format!("{CONFIG}[per_file_ignores]\n\"legacy/**\" = [\"POL001\"]\n"),
        ),
    ]));
    let out = repo.run(&["check", "--format", "short"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout,
        "app/go.mod:3:4: error[POL001] go 1.20 is below 1.21\n\
         legacy/old/go.mod:1:8: warning[ORG001] module example.com/app is not under corp.example/\n",
        "{out}"
    );
}

#[test]
fn exclude_in_the_config_skips_paths() {
    let repo = Repo::new(&with_pack(&[
        ("go.mod", CLEAN),
        ("generated/go.mod", OLD_GO),
        (
            "gopolicy.toml",
            &format!("{CONFIG}exclude = [\"generated/\"]\n"),
        ),
    ]));
    let out = repo.run(&["check"]);
    out.expect_code(0);
    assert!(out.stdout.contains("no problems in 1 file"), "{out}");
}

#[test]
fn an_invalid_exclude_pattern_exits_2_at_its_line() {
    let repo = Repo::new(&with_pack(&[
        ("go.mod", CLEAN),
        ("gen/go.mod", OLD_GO),
        (
            "gopolicy.toml",
            &format!("{CONFIG}exclude = [\"gen/[z\"]\n"),
        ),
    ]));
    let out = repo.run(&["check", "--format", "short"]);
    out.expect_code(2);
    assert!(out.stderr.contains("gen/[z"), "{out}");
    assert!(out.stderr.contains("gopolicy.toml:3:"), "{out}");
}

#[test]
fn a_missing_config_file_exits_2_naming_it() {
    let repo = Repo::new(&with_pack(&[("go.mod", CLEAN)]));
    let out = repo.run(&["--config", "nope.toml", "check"]);
    out.expect_code(2);
    assert!(out.stderr.contains("nope.toml"), "{out}");
    assert!(out.stdout.is_empty(), "{out}");
}

#[test]
fn vendor_and_testdata_folders_are_skipped_by_default() {
    let repo = Repo::new(&with_pack(&[
        ("go.mod", CLEAN),
        ("vendor/example.com/dep/go.mod", OLD_GO),
        ("testdata/go.mod", OLD_GO),
        ("pkg/testdata/case/go.mod", OLD_GO),
    ]));
    let out = repo.check(&[]);
    out.expect_code(0);
    assert!(out.stdout.contains("no problems in 1 file"), "{out}");
}

#[test]
fn default_excludes_apply_with_a_config_file_outside_the_checked_tree() {
    let repo = Repo::new(&with_pack(&[
        (
            "ci/gopolicy.toml",
            "rules = [\"../policy\"]\nselect = [\"POL\", \"ORG\", \"SYS\"]\n",
        ),
        ("go.mod", CLEAN),
        ("vendor/example.com/dep/go.mod", OLD_GO),
    ]));
    let out = repo.run(&["--config", "ci/gopolicy.toml", "check"]);
    out.expect_code(0);
    assert!(out.stdout.contains("no problems in 1 file"), "{out}");
}

#[test]
fn default_excludes_apply_to_a_path_outside_the_working_folder() {
    let repo = Repo::new(&with_pack(&[
        ("app/go.mod", CLEAN),
        ("app/vendor/example.com/dep/go.mod", OLD_GO),
    ]));
    repo.mkdir("tools");
    let out = repo.run_in(
        "tools",
        &["check", "--rules", "../policy", "--select", OURS, "../app"],
    );
    out.expect_code(0);
    assert!(out.stdout.contains("no problems in 1 file"), "{out}");
}

#[test]
fn gitignored_files_are_skipped_when_walking() {
    let repo = Repo::new(&with_pack(&[
        ("go.mod", CLEAN),
        (".gitignore", "scratch/\n"),
        ("scratch/go.mod", OLD_GO),
    ]));
    let out = repo.check(&[]);
    out.expect_code(0);
    assert!(out.stdout.contains("no problems in 1 file"), "{out}");
}

#[test]
fn a_file_named_on_the_command_line_is_checked_even_when_ignored_or_excluded() {
    let repo = Repo::new(&with_pack(&[
        (".gitignore", "scratch/\n"),
        ("scratch/go.mod", OLD_GO),
        ("vendor/dep/go.mod", OLD_GO),
    ]));
    let out = repo.check(&["--format", "short", "scratch/go.mod", "vendor/dep/go.mod"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout,
        "scratch/go.mod:3:4: error[POL001] go 1.20 is below 1.21\n\
         vendor/dep/go.mod:3:4: error[POL001] go 1.20 is below 1.21\n",
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------
// Inline suppressions

#[test]
fn an_ignore_comment_on_the_line_suppresses_the_finding() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module corp.example/m\n\ngo 1.20 // gopolicy:ignore POL001 old builders\n",
    )]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(0);
    assert_eq!(out.stdout, "", "{out}");
}

#[test]
fn an_ignore_comment_on_the_line_above_suppresses_the_finding() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module corp.example/m\n\n// gopolicy:ignore go-too-old old builders\ngo 1.20\n",
    )]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(0);
    assert_eq!(out.stdout, "", "{out}");
}

#[test]
fn an_ignore_comment_covers_only_its_line() {
    // Above `module`, it does not reach the `go` line.
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "// gopolicy:ignore POL001 wrong place\nmodule corp.example/m\n\ngo 1.20\n",
    )]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout,
        "go.mod:1:1: warning[SYS004] unused suppression: POL001 reports nothing here\n\
         go.mod:4:4: error[POL001] go 1.20 is below 1.21\n",
        "{out}"
    );
}

#[test]
fn ignore_file_suppresses_the_rule_in_the_whole_file() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "// gopolicy:ignore-file POL001,ORG001 legacy module\nmodule example.com/m\n\ngo 1.20\n",
    )]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(0);
    assert_eq!(out.stdout, "", "{out}");
}

#[test]
fn an_expired_suppression_is_reported_and_the_finding_comes_back() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module corp.example/m\n\ngo 1.20 // gopolicy:ignore POL001 until=2000-01-01 temporary\n",
    )]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    let lines: Vec<_> = out.lines().iter().filter_map(|l| parse_short(l)).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        (lines[0].line, lines[0].id.as_str()),
        (3, "POL001"),
        "{out}"
    );
    assert_eq!(
        (lines[1].line, lines[1].id.as_str()),
        (3, "SYS005"),
        "{out}"
    );
    assert!(lines[1].message.contains("expired on 2000-01-01"), "{out}");
}

#[test]
fn an_unused_suppression_is_reported() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module corp.example/m\n\ngo 1.22 // gopolicy:ignore POL001 not needed any more\n",
    )]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(0);
    assert_eq!(
        out.stdout, "go.mod:3:9: warning[SYS004] unused suppression: POL001 reports nothing here\n",
        "{out}"
    );
}

#[test]
fn a_suppression_of_an_unknown_rule_is_reported() {
    let repo = Repo::new(&with_pack(&[(
        "go.mod",
        "module corp.example/m\n\n// gopolicy:ignore NOPE999 typo\ngo 1.22\n",
    )]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(0);
    assert_eq!(
        out.stdout,
        "go.mod:3:1: warning[SYS006] invalid suppression: no rule is called `NOPE999`\n",
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------
// Bad input: each is reported with its path, and the other files are still checked.

const GOOD_BUT_OLD: (&str, &str) = ("good/go.mod", OLD_GO);
const GOOD_FINDING: &str = "good/go.mod:3:4: error[POL001] go 1.20 is below 1.21";

#[test]
fn a_missing_path_is_reported_and_the_run_goes_on() {
    let repo = Repo::new(&with_pack(&[GOOD_BUT_OLD]));
    let out = repo.check(&["--format", "short", "missing", "good"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout,
        format!(
            "{GOOD_FINDING}\nmissing:1:1: error[SYS002] cannot read missing: no such file or directory\n"
        ),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn a_binary_go_mod_is_reported_as_unreadable_and_the_run_goes_on() {
    let repo = Repo::new(&with_pack(&[GOOD_BUT_OLD]));
    repo.write("bin/go.mod", b"module example.com/m\x00\x01\x02\n");
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    let lines = out.lines();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("bin/go.mod:1:1: error[SYS002] ") && lines[0].contains("binary file"),
        "{out}"
    );
    assert_eq!(lines[1], GOOD_FINDING, "{out}");
}

#[test]
fn an_invalid_utf8_go_mod_is_reported_as_unreadable_and_the_run_goes_on() {
    let repo = Repo::new(&with_pack(&[GOOD_BUT_OLD]));
    repo.write("latin1/go.mod", b"module example.com/caf\xe9\n\ngo 1.20\n");
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    let lines = out.lines();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0], GOOD_FINDING, "{out}");
    assert!(
        lines[1].starts_with("latin1/go.mod:1:1: error[SYS002] ")
            && lines[1].contains("invalid UTF-8"),
        "{out}"
    );
}

#[test]
fn a_utf16le_go_mod_is_read_and_reported_as_go_reports_it() {
    // The go command reads go.mod only as UTF-8; a UTF-16 file fails every build.
    let repo = Repo::new(&with_pack(&[("other/go.mod", OLD_GO)]));
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(
        "module example.com/m\n\ngo 1.20\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    repo.write("go.mod", bytes);
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("go.mod:1:1: error[SYS001] file is UTF-16LE"),
        "{out}"
    );
    // Rules do not judge a file go cannot read; the other file is still checked.
    assert!(lines.len() > 1, "{out}");
    assert!(
        lines[1..].iter().all(|l| l.starts_with("other/go.mod:")),
        "{out}"
    );
}

#[test]
fn a_utf8_bom_in_go_mod_is_the_error_go_gives() {
    let repo = Repo::new(&with_pack(&[]));
    repo.write("go.mod", "\u{FEFF}module example.com/m\n\ngo 1.20\n");
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    assert_eq!(
        out.stdout, "go.mod:1:1: error[SYS001] unexpected input character '\\ufeff'\n",
        "{out}"
    );
}

#[test]
fn crlf_line_endings_give_the_right_lines_and_columns() {
    let text = "module example.com/m\r\n\r\ngo 1.20\r\n";
    let repo = Repo::new(&with_pack(&[("go.mod", text)]));
    let out = repo.check(&["--format", "json"]);
    out.expect_code(1);
    let json = out.json();
    let d = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(d.len(), 2, "{out}");
    assert_eq!(d[0]["code"], "ORG001", "{out}");
    assert_eq!(
        d[0]["message"], "module example.com/m is not under corp.example/",
        "{out}"
    );
    let module = text.find("example.com").unwrap();
    assert_eq!(
        d[0]["start"],
        serde_json::json!({"line": 1, "column": 8, "offset": module}),
        "{out}"
    );
    assert_eq!(
        d[0]["end"],
        serde_json::json!({"line": 1, "column": 21, "offset": module + 13}),
        "{out}"
    );
    let version = text.find("1.20").unwrap();
    assert_eq!(d[1]["code"], "POL001", "{out}");
    assert_eq!(d[1]["message"], "go 1.20 is below 1.21", "{out}");
    assert_eq!(
        d[1]["start"],
        serde_json::json!({"line": 3, "column": 4, "offset": version}),
        "{out}"
    );
    assert_eq!(
        d[1]["end"],
        serde_json::json!({"line": 3, "column": 8, "offset": version + 4}),
        "{out}"
    );
}

#[test]
fn an_empty_go_mod_is_checked_without_errors() {
    let repo = Repo::new(&with_pack(&[("empty/go.mod", ""), GOOD_BUT_OLD]));
    let out = repo.check(&["--format", "short"]);
    out.expect_code(1);
    assert_eq!(out.stdout, format!("{GOOD_FINDING}\n"), "{out}");

    let out = repo.check(&["empty"]);
    out.expect_code(0);
    assert!(out.stdout.contains("no problems in 1 file"), "{out}");
}

#[test]
fn a_file_over_max_file_size_is_reported_and_not_read() {
    let big = format!(
        "module example.com/{}\n\ngo 1.20\n",
        "a-long-module-path".repeat(4)
    );
    let repo = Repo::new(&with_pack(&[
        ("gopolicy.toml", &format!("{CONFIG}max_file_size = 64\n")),
        ("big/go.mod", &big),
        ("good/go.mod", "module corp.example/m\ngo 1.20\n"),
    ]));
    let out = repo.run(&["check", "--format", "short"]);
    out.expect_code(1);
    let lines = out.lines();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("big/go.mod:1:1: warning[SYS003] ")
            && lines[0].contains("over the 64-byte limit"),
        "{out}"
    );
    assert_eq!(
        lines[1], "good/go.mod:2:4: error[POL001] go 1.20 is below 1.21",
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------
// Determinism

#[test]
fn output_is_the_same_for_any_job_count_and_sorted_by_path_then_line() {
    let tops = ["a", "a-b", "a.b", "b", "z"];
    let files: Vec<(String, String)> = (0..40)
        .map(|i| {
            let path = format!("{}/{}/m{i}/go.mod", tops[i % tops.len()], i % 3);
            // Every file fails ORG001 (line 1); those with go < 1.21 also fail POL001 (line 3).
            let text = go_mod(&format!("example.com/m{i}"), &format!("1.{}", 15 + i % 10));
            (path, text)
        })
        .collect();
    let mut all: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    all.extend(with_pack(&[]));
    let repo = Repo::new(&all);

    let run = |jobs: &str, format: &str| {
        let out = repo.run(&[
            "-j", jobs, "check", "--rules", PACK, "--select", OURS, "--format", format,
        ]);
        out.expect_code(1);
        out.stdout.clone()
    };
    let first = run("1", "short");
    for jobs in ["2", "2", "4", "1"] {
        assert_eq!(run(jobs, "short"), first, "-j {jobs} differs from -j 1");
    }
    let json = run("1", "json");
    assert_eq!(
        run("2", "json"),
        json,
        "JSON output differs between -j 1 and -j 2"
    );

    let lines: Vec<_> = first.lines().map(|l| parse_short(l).expect(l)).collect();
    let failing_pol = (0..40).filter(|i| 15 + i % 10 < 21).count();
    assert_eq!(lines.len(), 40 + failing_pol, "{first}");
    let keys: Vec<_> = lines
        .iter()
        .map(|l| (l.path.clone(), l.line, l.column))
        .collect();
    let mut expected = keys.clone();
    expected.sort();
    assert_eq!(keys, expected, "not sorted by path, then line:\n{first}");
}

// ---------------------------------------------------------------------------------------
// rules, explain

#[test]
fn rules_json_lists_the_core_rules_with_references() {
    let repo = Repo::new(&[]);
    let out = repo.run(&["rules", "--format", "json"]);
    out.expect_code(0);
    let json = out.json();
    let rules = json.as_array().expect("a JSON array");
    for id in ["SYS001", "SYS002", "SYS003", "SYS004", "SYS005", "SYS006"] {
        let rule = rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing\n{out}"));
        let references = rule["references"].as_array().expect("references");
        assert!(!references.is_empty(), "{id} has no references\n{out}");
        assert!(
            references
                .iter()
                .all(|r| r.as_str().is_some_and(|s| s.starts_with("https://"))),
            "{out}"
        );
        assert_eq!(rule["builtin"], true, "{out}");
    }
}

#[test]
fn rules_json_includes_pack_rules_with_their_params() {
    let repo = Repo::new(&with_pack(&[]));
    let out = repo.run(&["rules", "--format", "json", "--rules", PACK]);
    out.expect_code(0);
    let json = out.json();
    let rule = json
        .as_array()
        .and_then(|rules| rules.iter().find(|r| r["id"] == "POL001"))
        .unwrap_or_else(|| panic!("POL001 missing\n{out}"));
    assert_eq!(rule["name"], "go-too-old", "{out}");
    assert_eq!(rule["builtin"], false, "{out}");
    assert_eq!(rule["params"]["min_go"], "1.21", "{out}");
}

#[test]
fn explain_by_id_prints_the_docs_and_references() {
    let repo = Repo::new(&[]);
    let out = repo.run(&["explain", "SYS001"]);
    out.expect_code(0);
    assert!(out.stdout.starts_with("# SYS001 syntax-error"), "{out}");
    assert!(out.stdout.contains("\n## What it checks\n"), "{out}");
    assert!(out.stdout.contains("\n## References\n"), "{out}");
    assert!(
        out.stdout
            .contains("https://go.dev/ref/mod#go-mod-file-grammar"),
        "{out}"
    );
}

#[test]
fn explain_by_name_prints_the_same_docs() {
    let repo = Repo::new(&[]);
    let by_name = repo.run(&["explain", "syntax-error"]);
    by_name.expect_code(0);
    let by_id = repo.run(&["explain", "SYS001"]);
    assert_eq!(by_name.stdout, by_id.stdout);
    assert!(by_name.stdout.contains("## What it checks"), "{by_name}");
}

#[test]
fn explain_of_an_unknown_rule_exits_2() {
    let repo = Repo::new(&[]);
    let out = repo.run(&["explain", "NOPE"]);
    out.expect_code(2);
    assert!(out.stderr.contains("NOPE"), "{out}");
    assert!(out.stdout.is_empty(), "{out}");
}

// ---------------------------------------------------------------------------------------
// test-rules

#[test]
fn test_rules_on_a_failing_pack_shows_expected_and_reported_and_exits_1() {
    let rule = format!(
        "{GO_TOO_OLD}
[[test]]
text = \"module m\\n\\ngo 1.22\\n\"
expect = [{{ id = \"POL001\", line = 3 }}]

[[test]]
text = \"module m\\n\\ngo 1.20\\n\"
expect = []

[[test]]
text = \"module m\\n\\ngo 1.20\\n\"
expect = [{{ id = \"POL001\", line = 3 }}]
"
    );
    let repo = Repo::new(&[("pack/go-too-old.toml", &rule)]);
    let out = repo.run(&["test-rules", "pack"]);
    out.expect_code(1);
    assert!(out.stdout.contains("FAIL POL001"), "{out}");
    assert!(out.stdout.contains("case 1"), "{out}");
    assert!(out.stdout.contains("case 2"), "{out}");
    assert!(!out.stdout.contains("case 3"), "{out}");
    // Case 1: expected, not reported.
    assert!(
        out.stdout
            .contains("expected but not reported:\n  POL001 at line 3\n"),
        "{out}"
    );
    // Case 2: reported, not expected.
    assert!(
        out.stdout
            .contains("reported but not expected:\n  go.mod:3: POL001 go 1.20 is below 1.21\n"),
        "{out}"
    );
    assert!(out.stdout.contains("1 passed, 2 failed"), "{out}");
}

#[test]
fn test_rules_on_a_passing_pack_reports_the_count_and_exits_0() {
    let go_too_old = format!(
        "{GO_TOO_OLD}
[[test]]
text = \"module m\\n\\ngo 1.22\\n\"
expect = []

[[test]]
text = \"module m\\n\\ngo 1.20\\n\"
expect = [{{ id = \"POL001\", line = 3, message = \"below 1.21\" }}]

[[test]]
text = \"module m\\n\\ngo 1.22\\n\"
params = {{ min_go = \"1.23\" }}
expect = [\"POL001\"]
"
    );
    let org = format!(
        "{MODULE_OUTSIDE_ORG}
[[test]]
text = \"module corp.example/m\\n\"
expect = []

[[test]]
files = {{ \"a/go.mod\" = \"module example.com/a\\n\" }}
expect = [{{ id = \"ORG001\", file = \"a/go.mod\", line = 1 }}]
"
    );
    let repo = Repo::new(&[
        ("pack/go-too-old.toml", &go_too_old),
        ("pack/org.toml", &org),
    ]);
    let out = repo.run(&["test-rules", "pack"]);
    out.expect_code(0);
    assert_eq!(
        out.lines().last().copied(),
        Some("5 passed, 0 failed"),
        "{out}"
    );
    assert!(!out.stdout.contains("FAIL"), "{out}");
}

// ---------------------------------------------------------------------------------------
// Help

/// Each subcommand's help opens with its own description and lists its own flags, and the
/// top-level help lists every subcommand with its description. clap builds a subcommand's
/// arguments only when it runs (`defer`), and a flattened struct's doc comment would then
/// take the place of the description.
#[test]
fn each_subcommand_has_its_own_help() {
    let dir = tempfile::tempdir().unwrap();
    let subcommands = [
        (
            "check",
            "Check files (default: the repository at .)",
            "--fail-on",
        ),
        ("rules", "List the rules", "--select"),
        ("explain", "Show a rule's documentation", "<RULE>"),
        ("test-rules", "Run the [[test]] cases of rules", "[DIR]"),
        ("doctor", "Check this machine's Go setup", "--shell"),
        ("facts", "Show this machine's Go environment", "--facts"),
        ("lsp", "Run the language server", "--help"),
    ];
    let top = common::gopolicy(dir.path(), &["--help"]).stdout;
    for (name, about, flag) in subcommands {
        assert!(
            top.lines()
                .any(|l| l.trim_start().starts_with(name) && l.contains(about)),
            "{name} in:\n{top}"
        );
        let out = common::gopolicy(dir.path(), &[name, "--help"]);
        out.expect_code(0);
        let help = &out.stdout;
        assert!(help.starts_with(about), "{name}:\n{help}");
        assert!(help.contains(flag), "{name} lacks {flag}:\n{help}");
        assert!(
            help.contains("--no-color"),
            "{name} lacks the global flags:\n{help}"
        );
    }
}

/// `gopolicy check | head`: the reader leaving early ends gopolicy by SIGPIPE, as it
/// does `cat`, not with an internal error on stderr.
#[cfg(unix)]
#[test]
fn a_reader_that_stops_early_is_no_internal_error() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    // About 400 KB of findings, far more than a pipe holds.
    let steps = "      - uses: actions/checkout@v4\n".repeat(100);
    for i in 0..20 {
        let text =
            format!("on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n{steps}");
        std::fs::write(workflows.join(format!("w{i}.yml")), text).unwrap();
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gopolicy"))
        .args(["check", ".", "--format", "short", "--fail-on", "never"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's read end is closed here.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("internal error"), "{stderr}");
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGPIPE),
        "{:?} {stderr}",
        out.status
    );
}
