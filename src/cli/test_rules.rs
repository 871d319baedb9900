//! `gopolicy test-rules [DIR]`: run rules' own [[test]] cases.

use std::path::PathBuf;

use super::{Cli, EXIT_FINDINGS};
use crate::error::Error;
use crate::rule::registry;
use crate::rule::schema::RuleTarget;
use crate::rule_tests;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A rule pack folder (default: the built-in rules).
    dir: Option<PathBuf>,
}

pub fn run(args: &Args, _cli: &Cli) -> Result<u8, Error> {
    let builtin = registry::builtin()?;
    let core: Vec<_> = builtin
        .iter()
        .filter(|s| matches!(s.spec.target, RuleTarget::Any))
        .map(|s| crate::rule::RuleSource::parse(&s.path, &s.text, true))
        .collect::<Result<_, _>>()?;
    let sources = match &args.dir {
        Some(dir) => registry::load_pack(dir)?,
        None => builtin,
    };
    registry::check_unique(&sources, &[])?;
    let results = rule_tests::run(&sources, &core)?;
    let mut failed = 0;
    for result in &results {
        if let Some(failure) = &result.failure {
            failed += 1;
            println!(
                "FAIL {} ({}) case {}:\n{}\n",
                result.rule_id, result.rule_path, result.case, failure
            );
        }
    }
    let untested: Vec<&str> = sources
        .iter()
        .filter(|s| s.spec.test.is_empty())
        .map(|s| s.id())
        .collect();
    if !untested.is_empty() {
        println!("rules without [[test]] cases: {}", untested.join(", "));
    }
    println!("{} passed, {} failed", results.len() - failed, failed);
    Ok(if failed > 0 || !untested.is_empty() {
        EXIT_FINDINGS
    } else {
        0
    })
}
