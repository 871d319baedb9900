//! `gopolicy check [PATHS...]`

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{fail_on, use_color, Cli, Selection, EXIT_FINDINGS};
use crate::diag::config::FailOn;
use crate::error::Error;
use crate::lint::RuleSet;
use crate::report::{self, Format, Report};
use crate::workspace;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or folders to check.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Exit 1 when a diagnostic of this severity or above is reported.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Print nothing but the diagnostics (no summary line).
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    selection: Selection,
}

pub fn run(args: &Args, cli: &Cli, color: bool) -> Result<u8, Error> {
    let config = cli.config(&args.paths[0])?;
    let rules = RuleSet::load(&config, &args.selection.overrides())?;
    let base = std::env::current_dir().unwrap_or_default();
    let discovered = workspace::discover(&args.paths, &config, &base);
    let loaded = workspace::load(&discovered.files, config.max_file_size, &base);
    let diagnostics = rules.lint(&loaded.documents, &loaded.problems, &discovered.errors);
    let threshold = fail_on(args.fail_on, &config);
    let failed = diagnostics.iter().any(|d| threshold.fails(d.severity));
    let report = Report {
        diagnostics,
        files_checked: discovered.files.len(),
        sources: loaded
            .documents
            .iter()
            .map(|d| (d.path().to_owned(), d.clone()))
            .collect::<BTreeMap<_, _>>(),
    };
    let mut text = report::render(&report, args.format, use_color(color, args.format));
    if args.quiet && args.format == Format::Human {
        // Drop the summary line.
        let trimmed = text.trim_end_matches('\n');
        let cut = trimmed.rfind('\n').map(|i| i + 1).unwrap_or(0);
        text.truncate(cut);
    }
    print!("{text}");
    Ok(if failed { EXIT_FINDINGS } else { 0 })
}
