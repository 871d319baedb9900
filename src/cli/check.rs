//! `gopolicy check [PATHS...]`

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{fail_on, use_color, Cli, MachineArgs, Selection, EXIT_FINDINGS};
use crate::diag::config::FailOn;
use crate::document::Target;
use crate::error::Error;
use crate::lint::RuleSet;
use crate::report::{self, Format, Report};
use crate::workspace;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or folders to check (default: `.`, unless only the machine is asked for).
    paths: Vec<PathBuf>,
    /// Also check this machine's Go environment (or the snapshot given with --facts).
    #[arg(long)]
    machine: bool,
    #[command(flatten)]
    machine_source: MachineArgs,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Exit 1 when a diagnostic of this severity or above is reported.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Read every file found as this kind, whatever its path (walking picks files with
    /// that kind's extension): e.g. `--as github-workflow ci-templates/`.
    #[arg(long = "as", value_name = "KIND", value_parser = parse_target)]
    assume: Option<Target>,
    /// Print nothing but the diagnostics (no summary line).
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    selection: Selection,
    #[command(flatten)]
    baseline: super::baseline::BaselineArgs,
}

pub fn run(args: &Args, cli: &Cli, color: bool) -> Result<u8, Error> {
    let machine = args.machine || args.machine_source.facts.is_some();
    // `check --machine` alone checks the machine; with paths, both.
    let paths = match (args.paths.is_empty(), machine) {
        (true, true) => Vec::new(),
        (true, false) => vec![PathBuf::from(".")],
        (false, _) => args.paths.clone(),
    };
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let mut config = cli.config(&start)?;
    config.assume = args.assume;
    let base = std::env::current_dir().unwrap_or_default();
    let discovered = workspace::discover(&paths, &config, &base);
    // Compile only the rules for the kinds of file found (templates and includes are of
    // the kind that names them), and the machine's when asked.
    let mut targets: std::collections::BTreeSet<Target> =
        discovered.files.iter().map(|f| f.target).collect();
    if machine {
        targets.extend([Target::Machine, Target::ProcessEnv, Target::GoEnvFile]);
    }
    let rules = RuleSet::load_for(&config, &args.selection.overrides(), Some(&targets))?;
    let mut loaded = workspace::load(&discovered.files, config.max_file_size, &base);
    // Files found, plus the templates and includes they pulled in.
    let files_checked = loaded.documents.len() + loaded.problems.len();
    if machine {
        let facts = args.machine_source.facts()?;
        loaded.documents.extend(
            crate::facts::documents::documents(&facts, "")
                .into_iter()
                .map(std::sync::Arc::new),
        );
    }
    let repo = workspace::Repo::new(&base);
    let diagnostics = rules.lint(
        &loaded.documents,
        &loaded.problems,
        &discovered.errors,
        &repo,
    );
    let mut report = Report {
        diagnostics,
        files_checked,
        sources: loaded
            .documents
            .iter()
            .map(|d| (d.path().to_owned(), d.clone()))
            .collect::<BTreeMap<_, _>>(),
    };
    if let Some(code) = args.baseline.apply(&mut report, &base, args.quiet)? {
        return Ok(code);
    }
    let threshold = fail_on(args.fail_on, &config);
    let failed = report
        .diagnostics
        .iter()
        .any(|d| threshold.fails(d.severity));
    let mut text = report::render(&report, args.format, use_color(color, args.format));
    if args.quiet && args.format == Format::Human {
        // Drop the summary line.
        let trimmed = text.trim_end_matches('\n');
        let cut = trimmed.rfind('\n').map(|i| i + 1).unwrap_or(0);
        text.truncate(cut);
    }
    print!("{text}");
    // The process ends here: leave the documents to the OS rather than free them one by
    // one (a tenth of a large run's time).
    std::mem::forget(report);
    Ok(if failed { EXIT_FINDINGS } else { 0 })
}

fn parse_target(name: &str) -> Result<Target, String> {
    Target::ALL
        .into_iter()
        .find(|t| t.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
            format!("expected one of: {}", names.join(", "))
        })
}
