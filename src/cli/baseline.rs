//! `check --baseline FILE` and `check --write-baseline FILE` (src/diag/baseline.rs holds
//! the fingerprints and the file format).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::baseline::{fingerprints, Baseline, Paths};
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
    /// Drop the findings the baseline has from `report`, or write the baseline. `Some`
    /// exit code when the run ends here (after writing one).
    pub fn apply(&self, report: &mut Report, cwd: &Path, quiet: bool) -> Result<Option<u8>, Error> {
        if let Some(file) = &self.write_baseline {
            let paths = Paths::new(file, cwd);
            let prints = fingerprints(&report.diagnostics, &report.sources, &paths);
            let count = prints.len();
            write(file, &Baseline::from_entries(prints).to_json())?;
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
        let paths = Paths::new(file, cwd);
        let prints = fingerprints(&report.diagnostics, &report.sources, &paths);
        // The files this run read; an entry for any other file is not judged.
        let checked: BTreeSet<String> = report
            .sources
            .keys()
            .chain(report.diagnostics.iter().map(|d| &d.path))
            .map(|name| paths.of(name, &report.sources))
            .collect();
        let outcome = baseline.apply(&mut report.diagnostics, &prints, &checked);
        if !quiet && (outcome.hidden > 0 || !outcome.stale.is_empty()) {
            eprintln!(
                "baseline {}: {} known finding{} hidden, {} entr{} no longer found{}",
                file.display(),
                outcome.hidden,
                if outcome.hidden == 1 { "" } else { "s" },
                outcome.stale.len(),
                if outcome.stale.len() == 1 { "y" } else { "ies" },
                if outcome.stale.is_empty() {
                    ""
                } else {
                    " (drop them with --write-baseline)"
                },
            );
        }
        Ok(None)
    }
}

/// Replace `file` whole or not at all.
fn write(file: &Path, text: &str) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: file.display().to_string(),
        source,
    };
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    temp.write_all(text.as_bytes()).map_err(io)?;
    temp.persist(file).map_err(|e| io(e.error))?;
    Ok(())
}
