//! The command line: one file per subcommand. `main.rs` calls [`main`].

mod baseline;
mod check;
mod doctor;
mod explain;
mod facts;
mod lsp;
mod rules;
mod test_rules;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diag::config::{Config, FailOn};
use crate::error::Error;
use crate::lint::Overrides;
use crate::report::Format;

#[derive(Parser, Debug)]
#[command(
    name = "gopolicy",
    version,
    about = "Policy-as-code linter for Go development environments"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Use this config file instead of looking for gopolicy.toml / .gopolicy.toml.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Never colour the output (colour is used only on a terminal, and never with NO_COLOR set).
    #[arg(long, global = true)]
    no_color: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long = "jobs", global = true, value_name = "N")]
    jobs: Option<usize>,
}

// Only the subcommand that runs has its arguments built: doctor starts go right after
// parsing. (A flattened struct's doc comment would then become the subcommand's
// about text: the two below have plain comments.)
#[derive(Subcommand, Debug)]
#[command(defer = true)]
enum Command {
    /// Check files (default: the repository at .).
    Check(check::Args),
    /// List the rules.
    Rules(rules::Args),
    /// Show a rule's documentation.
    Explain(explain::Args),
    /// Run the [[test]] cases of rules (the built-ins, or a rule pack folder).
    TestRules(test_rules::Args),
    /// Check this machine's Go setup, section by section, with fixes for your shell.
    Doctor(doctor::Args),
    /// Show this machine's Go environment (secrets redacted), save it, or compare it.
    Facts(facts::Args),
    /// Run the language server (LSP, on stdin and stdout) for editors.
    Lsp(lsp::Args),
}

// Rule selection flags shared by subcommands.
#[derive(clap::Args, Debug, Default)]
pub struct Selection {
    /// Only these rules (ids, names, id prefixes such as MOD, or ALL), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Option<Vec<String>>,
    /// Not these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Also load the rules in this folder (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    packs: Vec<PathBuf>,
}

impl Selection {
    fn overrides(&self) -> Overrides {
        Overrides {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            extra_packs: self.packs.clone(),
        }
    }
}

// Where machine facts come from: this machine, or a saved snapshot.
#[derive(clap::Args, Debug)]
pub struct MachineArgs {
    /// Read the machine's facts from this snapshot instead of this machine.
    #[arg(long, value_name = "FILE")]
    facts: Option<PathBuf>,
    /// The longest `go env -json` or `go version` may run, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = parse_seconds)]
    go_timeout: std::time::Duration,
}

impl MachineArgs {
    /// The snapshot given, or this machine's facts with `go_env`'s variables of go env.
    pub fn facts(&self, go_env: crate::facts::GoEnvScope) -> Result<crate::facts::Facts, Error> {
        match &self.facts {
            Some(path) => crate::facts::Facts::load(path),
            None => Ok(crate::facts::Facts::collect(&crate::facts::Options {
                go_timeout: self.go_timeout,
                go_env,
            })),
        }
    }
}

fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s < 86_400.0 => {
            Ok(std::time::Duration::from_secs_f64(s))
        }
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 86400"
        )),
    }
}

/// Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage/config/rule/I/O error.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { 0 });
        }
    };
    if let Some(jobs) = cli.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global();
    }
    let color = !cli.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let result = match &cli.command {
        Command::Check(args) => check::run(args, &cli, color),
        Command::Rules(args) => rules::run(args, &cli),
        Command::Explain(args) => explain::run(args, &cli),
        Command::TestRules(args) => test_rules::run(args, &cli),
        Command::Facts(args) => facts::run(args, &cli),
        Command::Doctor(args) => doctor::run(args, &cli),
        Command::Lsp(args) => lsp::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            print_error(error, color);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

impl Cli {
    /// The config: the file given with --config, else the one found above `start`.
    fn config(&self, start: &std::path::Path) -> Result<Config, Error> {
        match &self.config {
            Some(path) => Config::load(path),
            None => Config::discover(start),
        }
    }
}

/// Report an error that stops the run; one in a file the user wrote shows that file.
fn print_error(error: Error, color: bool) {
    use std::io::IsTerminal;
    let report: miette::Report = match error {
        Error::Source(e) => {
            let source = miette::NamedSource::new(&e.path, e.text.to_string());
            let mut labels = Vec::new();
            if let Some(span) = e.span.clone() {
                labels.push(miette::LabeledSpan::at(span, "here"));
            }
            miette::miette!(labels = labels, "{}: {}", e.path, e.message).with_source_code(source)
        }
        other => miette::miette!("{other}"),
    };
    let theme = if color && std::io::stderr().is_terminal() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let handler = miette::GraphicalReportHandler::new_themed(theme);
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("error: {report}\n");
    }
    eprint!("{out}");
}

/// The fail-on threshold: the flag, else the config, else errors only.
fn fail_on(flag: Option<FailOn>, config: &Config) -> FailOn {
    flag.or(config.fail_on).unwrap_or_default()
}

/// Where output goes: a format, and colour only when standard output is a terminal.
fn use_color(color: bool, format: Format) -> bool {
    use std::io::IsTerminal;
    color && format == Format::Human && std::io::stdout().is_terminal()
}
