//! `gopolicy explain ID|NAME`: a rule's documentation, references and examples.

use super::{Cli, Selection};
use crate::error::Error;
use crate::rule::{docs, registry};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A rule id (MOD001) or name (missing-go-directive).
    rule: String,
    #[command(flatten)]
    selection: Selection,
}

pub fn run(args: &Args, cli: &Cli) -> Result<u8, Error> {
    let config = cli.config(std::path::Path::new("."))?;
    let mut sources = registry::builtin()?;
    for pack in config.rule_packs.iter().chain(&args.selection.packs) {
        sources.extend(registry::load_pack(pack)?);
    }
    let key = args.rule.as_str();
    match sources
        .iter()
        .find(|s| s.id() == key || s.name() == key || s.id().eq_ignore_ascii_case(key))
    {
        Some(source) => {
            print!("{}", docs::markdown(source));
            Ok(0)
        }
        None => Err(Error::Usage(format!(
            "no rule is called `{key}`; `gopolicy rules` lists them"
        ))),
    }
}
