//! `gopolicy check [PATHS...]`

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::{fail_on, use_color, Cli, MachineArgs, Selection, EXIT_FINDINGS};
use crate::diag::config::FailOn;
use crate::document::{Document, SourceText, Target};
use crate::error::Error;
use crate::fix;
use crate::lint::RuleSet;
use crate::report::{self, Format, Report};
use crate::workspace;

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("fixing").args(["fix", "diff"]).multiple(true)))]
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
    /// Apply the safe fixes, then report what is left.
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff: also apply the unsafe fixes (they may change behaviour).
    #[arg(long, requires = "fixing")]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing (exit 1 when there is a diff).
    #[arg(long)]
    diff: bool,
    /// List each fix applied.
    #[arg(long)]
    show_fixes: bool,
    /// Write the report to this file (replaced whole) instead of standard output.
    #[arg(long, value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// Also count the findings of each rule: after the report, inside it for json, and on
    /// standard error for sarif and junit (whose documents must stay valid).
    #[arg(long)]
    statistics: bool,
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
    let machine_documents: Vec<Arc<Document>> = if machine {
        let facts = args.machine_source.facts(rules.go_env_scope())?;
        crate::facts::documents::documents(&facts, "")
            .into_iter()
            .map(Arc::new)
            .collect()
    } else {
        Vec::new()
    };
    let repo = workspace::Repo::new(&base);
    // Fixes edit only files under the paths given: not a template or include followed
    // from there to elsewhere (a pre-commit hook names only the files being committed).
    let given: Vec<PathBuf> = paths
        .iter()
        .map(|p| workspace::load::normalize(&base.join(p)))
        .collect();
    // Only a fix or a diff reads the files to fix: a plain check skips the path tests.
    let fixing = args.fix || args.diff;
    let fixable = |display: &str| {
        let path = workspace::load::normalize(&base.join(display));
        given.iter().any(|root| path.starts_with(root))
    };
    let check = |overlay: &workspace::Overlay| {
        // Each document is linted as soon as it is parsed, and its tree dropped then.
        let visited = workspace::load_each(
            &discovered.files,
            config.max_file_size,
            &base,
            overlay,
            |doc| lint(&rules, doc, &repo),
        );
        // Files found, plus the templates and includes they pulled in.
        let files_checked = visited.results.len() + visited.problems.len();
        let machine = machine_documents
            .iter()
            .map(|doc| lint(&rules, doc.clone(), &repo));
        let mut diagnostics = rules.unread(&visited.problems, &discovered.errors);
        let mut sources: Vec<(String, report::Source)> = Vec::new();
        let mut files = Vec::new();
        for (linted, is_file) in visited
            .results
            .into_iter()
            .map(|l| (l, true))
            .chain(machine.map(|l| (l, false)))
        {
            diagnostics.extend(linted.diagnostics);
            if let (true, Some(text)) = (fixing && is_file && fixable(&linted.path), &linted.text) {
                files.push(fix::CheckedFile {
                    source: text.clone(),
                    syntax_errors: linted.syntax_errors,
                });
            }
            let source = report::Source {
                target: linted.target,
                text: linted.text,
            };
            sources.push((linted.path, source));
        }
        // In path order already, but for templates and includes: a stable sort keeps a
        // path's first kind, and its last text is kept.
        sources.sort_by(|a, b| a.0.cmp(&b.0));
        sources.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same && later.1.text.is_some() {
                kept.1.text = later.1.text.take();
            }
            same
        });
        let sources: BTreeMap<String, report::Source> = sources.into_iter().collect();
        crate::diag::sort(&mut diagnostics);
        (fix::Round { diagnostics, files }, sources, files_checked)
    };
    if args.fix || args.diff {
        return fix_and_report(args, &base, color, &config, &rules, check);
    }
    let (round, sources, files_checked) = check(&workspace::Overlay::default());
    let code = report(
        args,
        color,
        &config,
        &rules,
        round.diagnostics,
        sources,
        files_checked,
    );
    // Leave the rules to the OS as well: freeing their compiled regexes one allocation at
    // a time was a fifteenth of a one-file run. So with the list of files found.
    std::mem::forget(rules);
    std::mem::forget(discovered);
    code
}

/// What is kept of a document once linted: its findings, and its text only when a
/// report or a fix may need it (it has findings or syntax errors). Its tree is dropped,
/// so a run holds the texts of the files with findings, not every file's tree.
struct Linted {
    diagnostics: Vec<crate::diag::Diagnostic>,
    path: String,
    target: Target,
    text: Option<Arc<SourceText>>,
    syntax_errors: bool,
}

fn lint(rules: &RuleSet, doc: Arc<Document>, repo: &workspace::Repo) -> Linted {
    let mut diagnostics = rules.lint_document(&doc, repo);
    // Sorted here, by the thread that linted the file, so that the run's findings,
    // gathered in path order, are usually in order already.
    crate::diag::sort(&mut diagnostics);
    let syntax_errors = !doc.errors.is_empty();
    let (path, target) = (doc.path().to_owned(), doc.target);
    let keep = !diagnostics.is_empty() || syntax_errors;
    // A go.mod others link to is shared: its text is copied (it is small).
    let text = keep.then(|| {
        Arc::new(Arc::try_unwrap(doc).map_or_else(|shared| shared.source.clone(), |d| d.source))
    });
    Linted {
        diagnostics,
        path,
        target,
        text,
        syntax_errors,
    }
}

/// `--fix` and `--diff`: fix in rounds, then write the files or show the diffs.
fn fix_and_report(
    args: &Args,
    base: &std::path::Path,
    color: bool,
    config: &crate::diag::config::Config,
    rules: &RuleSet,
    check: impl Fn(&workspace::Overlay) -> (fix::Round, BTreeMap<String, report::Source>, usize),
) -> Result<u8, Error> {
    let wanted = if args.unsafe_fixes {
        fix::Wanted::SafeAndUnsafe
    } else {
        fix::Wanted::Safe
    };
    let mut last = None;
    let outcome = fix::run(base, wanted, |overlay| {
        let (round, sources, files_checked) = check(overlay);
        last = Some((sources, files_checked));
        round
    });
    let (sources, files_checked) = last.expect("fix::run checks at least once");
    for path in &outcome.skipped {
        eprintln!("warning: {path} changed on disk while it was being checked; not fixed");
    }
    for (path, id) in &outcome.broke_syntax {
        eprintln!("warning: the fix of {id} would give {path} a syntax error; not applied");
    }
    if !outcome.converged {
        eprintln!(
            "warning: fixes did not settle after {} rounds; some findings that have a fix are left",
            fix::MAX_ROUNDS
        );
    }
    let verb = if args.diff { "would fix" } else { "fixed" };
    if args.diff {
        for file in &outcome.files {
            print!("{}", file.diff());
        }
    } else {
        let mut failed = false;
        for file in &outcome.files {
            if let Err(e) = file.write() {
                eprintln!("error: {e}");
                failed = true;
            }
        }
        if failed {
            return Ok(super::EXIT_ERROR);
        }
    }
    if args.show_fixes || args.diff {
        for applied in &outcome.applied {
            eprintln!("{verb} {}: {} {}", applied.path, applied.id, applied.title);
        }
    }
    if !args.quiet && !outcome.applied.is_empty() {
        eprintln!(
            "{verb} {} finding{} in {} file{}",
            outcome.applied.len(),
            plural(outcome.applied.len()),
            outcome.files.len(),
            plural(outcome.files.len())
        );
    }
    if args.diff {
        return Ok(if outcome.files.is_empty() {
            0
        } else {
            EXIT_FINDINGS
        });
    }
    report(
        args,
        color,
        config,
        rules,
        outcome.diagnostics,
        sources,
        files_checked,
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Render the findings; the exit code follows --fail-on.
fn report(
    args: &Args,
    color: bool,
    config: &crate::diag::config::Config,
    rules: &RuleSet,
    diagnostics: Vec<crate::diag::Diagnostic>,
    sources: BTreeMap<String, report::Source>,
    files_checked: usize,
) -> Result<u8, Error> {
    let reported: std::collections::BTreeSet<&str> =
        diagnostics.iter().map(|d| d.id.as_str()).collect();
    let infos = rules.infos_of(|id| reported.contains(id));
    let mut report = Report {
        diagnostics,
        files_checked,
        sources,
        rules: infos,
    };
    if let Some(code) = args
        .baseline
        .apply(&mut report, args.quiet, args.statistics)?
    {
        return Ok(code);
    }
    let threshold = fail_on(args.fail_on, config);
    let failed = report
        .diagnostics
        .iter()
        .any(|d| threshold.fails(d.severity));
    let color = args.output_file.is_none() && use_color(color, args.format);
    let mut text = report::render(&report, args.format, color, args.statistics);
    if args.quiet && args.format == Format::Human {
        // Drop the summary line.
        let trimmed = text.trim_end_matches('\n');
        let cut = trimmed.rfind('\n').map(|i| i + 1).unwrap_or(0);
        text.truncate(cut);
    }
    if args.statistics {
        match args.format {
            Format::Json => {}
            Format::Sarif | Format::Junit => eprint!("{}", report::statistics(&report)),
            Format::Human | Format::Short | Format::Github => {
                text.push_str(&report::statistics(&report))
            }
        }
    }
    if args.format == Format::Github {
        append_step_summary(&report)?;
    }
    match &args.output_file {
        Some(path) => write_atomically(path, &text)?,
        None => print!("{text}"),
    }
    // The process ends here: leave the documents to the OS rather than free them one by
    // one (a tenth of a large run's time).
    std::mem::forget(report);
    Ok(if failed { EXIT_FINDINGS } else { 0 })
}

/// Add the findings to the job summary when GitHub Actions gives a file for it.
fn append_step_summary(report: &Report) -> Result<(), Error> {
    use std::io::Write;
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let io = |source| Error::Io {
        path: PathBuf::from(&path).display().to_string(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .map_err(io)?;
    file.write_all(report::github::summary(report).as_bytes())
        .map_err(io)
}

/// Write `text` to `path` whole or not at all: a reader never sees half a report, and
/// a failed run leaves the old one.
pub(super) fn write_atomically(path: &std::path::Path, text: &str) -> Result<(), Error> {
    fix::write::write_file(path, text.as_bytes()).map_err(|e| Error::Usage(e.to_string()))
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
