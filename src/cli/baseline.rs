//! `check --baseline FILE` and `check --write-baseline FILE` (src/diag/baseline.rs holds
//! the entries and the file format).

use std::path::PathBuf;

use crate::diag::baseline::{entries, Baseline, Entry, Paths};
use crate::error::Error;
use crate::report::Report;

#[derive(clap::Args, Debug, Default)]
pub struct BaselineArgs {
    /// Report only findings that are not in this baseline file (docs/baseline.md).
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// Record this run's findings in FILE as the baseline, and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
}

impl BaselineArgs {
    /// Drop the findings the baseline has from `report`, or write the baseline: `Some`
    /// exit code when the run ends here. With `statistics`, list the stale entries.
    pub fn apply(
        &self,
        report: &mut Report,
        quiet: bool,
        statistics: bool,
    ) -> Result<Option<u8>, Error> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let entries_of = |report: &Report, paths: &Paths| {
            entries(
                &report.diagnostics,
                |d| report.flagged_text(d),
                |p| paths.of(p, &report.sources),
            )
        };
        if let Some(file) = &self.write_baseline {
            let found = entries_of(report, &Paths::new(file, &cwd));
            let count = found.len();
            super::check::write_atomically(file, &Baseline::from_entries(found).to_json())?;
            if !quiet {
                eprintln!(
                    "wrote {count} finding{} to the baseline {}",
                    if count == 1 { "" } else { "s" },
                    file.display()
                );
            }
            return Ok(Some(0));
        }
        let Some(file) = &self.baseline else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(file).map_err(|source| Error::Io {
            path: file.display().to_string(),
            source,
        })?;
        let baseline = Baseline::parse(&text)
            .map_err(|message| Error::Usage(format!("{}: {message}", file.display())))?;
        let paths = Paths::new(file, &cwd);
        let found = entries_of(report, &paths);
        // Only entries of the files this run read can be stale.
        let read = report
            .paths()
            .into_iter()
            .map(|p| paths.of(p, &report.sources))
            .collect();
        let outcome = baseline.apply(&mut report.diagnostics, &found, &read);
        if !quiet && (outcome.hidden > 0 || !outcome.stale.is_empty()) {
            let stale = outcome.stale.len();
            eprintln!(
                "baseline {}: {} known finding{} hidden, {stale} entr{} no longer found{}",
                file.display(),
                outcome.hidden,
                if outcome.hidden == 1 { "" } else { "s" },
                if stale == 1 { "y" } else { "ies" },
                if stale == 0 {
                    ""
                } else {
                    " (drop them with --write-baseline)"
                },
            );
        }
        if statistics {
            for Entry {
                path,
                rule,
                text,
                occurrence,
            } in &outcome.stale
            {
                eprintln!("stale: {path}: {rule} #{occurrence} `{text}`");
            }
        }
        Ok(None)
    }
}
