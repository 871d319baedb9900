//! `gopolicy doctor`: this machine's Go setup, section by section, with fixes for the
//! user's shell. It reads and reports; it never changes the machine.

use std::collections::BTreeSet;

use super::{fail_on, Cli, MachineArgs, Selection, EXIT_FINDINGS};
use crate::diag::config::FailOn;
use crate::document::{Document, Target};
use crate::error::Error;
use crate::facts::{documents, Facts, GoEnvScope};
use crate::lint::RuleSet;
use crate::report::{doctor, json, Report};
use crate::rule::schema::{RuleTarget, Shell};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell to write fixes for (default: the one this machine runs).
    #[arg(long, value_enum)]
    shell: Option<Shell>,
    /// Print only the fix commands, as a script for the shell.
    #[arg(long)]
    script: bool,
    #[arg(long, value_enum, default_value = "human")]
    format: DoctorFormat,
    /// Exit 1 when a finding of this severity or above is reported.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    #[command(flatten)]
    machine: MachineArgs,
    #[command(flatten)]
    selection: Selection,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum DoctorFormat {
    Human,
    Json,
}

pub fn run(args: &Args, cli: &Cli) -> Result<u8, Error> {
    // `go env -json` is most of doctor's time: start it first (Facts::start reads the
    // files too), then load the config and the rules and lint what needs nothing from
    // go while it runs; only the machine document waits for go's answer.
    // go is asked for the variables the built-in rules read; a rule pack's rules may read
    // any, and go is asked again for all of them once such a rule is loaded.
    let mut collecting = match &args.machine.facts {
        None => Some(Facts::start(&crate::facts::Options {
            go_timeout: args.machine.go_timeout,
            go_env: GoEnvScope::WithoutCompiler,
        })),
        Some(_) => None,
    };
    // The facts known before go answers; from a snapshot, all of them.
    let known = match &collecting {
        Some(collecting) => collecting.known(),
        None => args.machine.facts(GoEnvScope::All)?,
    };
    let config = cli.config(std::path::Path::new("."))?;
    let targets = targets_of(&known);
    let rules = RuleSet::load_for(&config, &args.selection.overrides(), Some(&targets))?;
    if let Some(collecting) = &mut collecting {
        if rules.go_env_scope() == GoEnvScope::All {
            collecting.ask_go_for_all();
        }
    }
    let repo = crate::workspace::Repo::new(&std::env::current_dir().unwrap_or_default());
    // On this thread: a handful of small documents, not worth waking a thread pool
    // whose threads would compete with go for the cores.
    let lint = |documents: Vec<Document>| {
        let documents: Vec<_> = documents.into_iter().map(std::sync::Arc::new).collect();
        let diagnostics: Vec<_> = documents
            .iter()
            .flat_map(|doc| rules.lint_document(doc, &repo))
            .collect();
        (documents, diagnostics)
    };
    let early = collecting.as_ref().map(|_| {
        let done = lint(documents::without_go(&known, ""));
        let profiles = known.profile_settings_from(&done.0);
        (done, profiles)
    });
    // The machine document needs go's answer; its rules' regexes do not. Without a go
    // there is no wait to fill, and only the regexes the document reaches are compiled.
    if collecting.as_ref().is_some_and(|c| c.runs_go()) {
        compile_regexes_for(&rules, Target::Machine);
    }
    // The rules the report lists, each with a ✓ when it found nothing: known now.
    let machine_rules: Vec<_> = rules
        .rules
        .iter()
        .filter(|r| {
            matches!(
                r.target,
                RuleTarget::Env
                    | RuleTarget::File(Target::Machine | Target::ProcessEnv | Target::GoEnvFile)
            )
        })
        .filter(|r| rules.is_enabled(&r.id))
        .collect();
    let facts = match collecting {
        Some(collecting) => collecting.finish(),
        None => known.clone(),
    };
    // The early documents stand when the finished facts they come from are the same
    // (redaction saw every secret by then); otherwise they are made again.
    let ((mut documents, mut diagnostics), profiles) = match early {
        Some((done, profiles)) if known.without_go() == facts.without_go() => (done, profiles),
        _ => (
            lint(documents::without_go(&facts, "")),
            facts.profile_settings(),
        ),
    };
    let (machine, found) = lint(vec![documents::machine_with(&facts, &profiles, "")]);
    documents.extend(machine);
    diagnostics.extend(found);
    crate::diag::sort(&mut diagnostics);
    let shell = args.shell.unwrap_or_else(|| detect_shell(&facts));
    let failed = diagnostics
        .iter()
        .any(|d| fail_on(args.fail_on, &config).fails(d.severity));

    if args.script {
        let items: Vec<_> = diagnostics
            .iter()
            .map(|d| doctor::ScriptItem {
                diagnostic: d,
                note: process_env_name(&documents, d)
                    .and_then(|name| profiles.get(&name))
                    .map(|p| format!("a profile sets it again: {}", p.place())),
            })
            .collect();
        print!("{}", doctor::script(shell, &describe(&facts), &items));
    } else if args.format == DoctorFormat::Json {
        let report = Report {
            diagnostics,
            files_checked: documents.len(),
            ..Report::default()
        };
        print!("{}", json::render(&report, false));
    } else {
        let header = doctor::Header {
            machine: describe(&facts),
            shell,
        };
        print!("{}", doctor::render(&header, &machine_rules, &diagnostics));
    }
    // The process ends here: leave the rules, facts and documents to the OS rather than
    // free them one by one.
    std::mem::forget((rules, facts, documents));
    Ok(if failed { EXIT_FINDINGS } else { 0 })
}

/// The kinds of document doctor lints: the machine's two views, the go env file, and
/// the kinds of profile the machine has. A kind it has no profile of has no document,
/// so its rules are not loaded.
fn targets_of(facts: &Facts) -> BTreeSet<Target> {
    let mut targets = BTreeSet::from([Target::Machine, Target::ProcessEnv, Target::GoEnvFile]);
    let profiles = facts.profiles.iter().filter(|f| f.text.is_some());
    targets.extend(profiles.map(|f| crate::facts::profiles::target_of(&f.path)));
    targets
}

/// Ready now the regexes of the enabled rules for `target`, rather than at their first
/// use: all of them, though a document may reach only some. A built-in pattern's DFAs
/// are only loaded (build.rs compiled them), unless `extract` needs its captures; a
/// user's pattern is compiled.
fn compile_regexes_for(rules: &RuleSet, target: Target) {
    for rule in rules.rules.iter().filter(|r| r.applies_to_kind(target)) {
        if rules.is_enabled(&rule.id) {
            for predicate in rule.checks.iter().filter_map(|c| c.assert.as_ref()) {
                predicate.warm_regexes();
            }
        }
    }
}

/// The variable a finding in the process environment is about: the key on its line of
/// the `<process-env>` view (`"NAME": "value"`).
fn process_env_name(
    documents: &[std::sync::Arc<crate::document::Document>],
    d: &crate::diag::Diagnostic,
) -> Option<String> {
    let doc = documents
        .iter()
        .find(|doc| doc.target == Target::ProcessEnv && doc.path() == d.path)?;
    let line = doc.source.line_text(d.start.line);
    let mut stream = serde_json::Deserializer::from_str(line.split_once(": ")?.0).into_iter();
    stream.next()?.ok()
}

/// "linux x86_64, go1.27.3 at /usr/local/go/bin/go".
fn describe(facts: &Facts) -> String {
    let mut text = format!("{} {}", facts.os.os, facts.os.arch);
    if let Some(wsl) = &facts.os.wsl {
        text.push_str(&format!(" (WSL {})", wsl.distro.as_deref().unwrap_or("")));
    }
    match (&facts.go.first, facts.go.env.get("GOVERSION")) {
        (Some(path), Some(version)) => text.push_str(&format!(", {version} at {path}")),
        (Some(path), None) => text.push_str(&format!(", go at {path}")),
        (None, _) => text.push_str(", no go on PATH"),
    }
    text
}

/// The shell the facts' environment runs: PowerShell or cmd on Windows (PSModulePath is
/// set inside PowerShell), `$SHELL` elsewhere.
fn detect_shell(facts: &Facts) -> Shell {
    let env = &facts.env;
    if facts.is_windows() {
        return match env.get("PSModulePath") {
            Some(paths)
                if paths.contains("PowerShell\\7")
                    || env.get("POWERSHELL_DISTRIBUTION_CHANNEL").is_some() =>
            {
                Shell::Pwsh
            }
            Some(_) => Shell::Powershell,
            None => Shell::Cmd,
        };
    }
    let shell = env.get("SHELL").unwrap_or("");
    match shell.rsplit('/').next().unwrap_or("") {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        "pwsh" => Shell::Pwsh,
        _ => Shell::Sh,
    }
}
