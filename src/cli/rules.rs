//! `gopolicy rules`: the rules in force, as a table or JSON.

use super::{Cli, Selection};
use crate::error::Error;
use crate::lint::RuleSet;
use crate::rule::schema::RuleTarget;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
    #[command(flatten)]
    selection: Selection,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

pub fn run(args: &Args, cli: &Cli) -> Result<u8, Error> {
    let config = cli.config(std::path::Path::new("."))?;
    let rules = RuleSet::load(&config, &args.selection.overrides())?;
    let target = RuleTarget::name;
    match args.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "name": r.name,
                        "severity": r.severity.name(),
                        "target": target(r.target),
                        "summary": r.summary,
                        "enabled": rules.is_enabled(&r.id),
                        "builtin": r.builtin,
                        "references": r.references,
                        "params": r.params.iter().map(|(k, v)| (k.clone(), v.to_template_text())).collect::<std::collections::BTreeMap<_, _>>(),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).expect("plain data serializes")
            );
        }
        ListFormat::Table => {
            let width = rules.rules.iter().map(|r| r.name.len()).max().unwrap_or(4);
            println!(
                "{:<8} {:<width$} {:<8} {:<8} SUMMARY",
                "ID", "NAME", "SEVERITY", "TARGET"
            );
            for r in &rules.rules {
                let mark = if rules.is_enabled(&r.id) {
                    ""
                } else {
                    " (disabled)"
                };
                println!(
                    "{:<8} {:<width$} {:<8} {:<8} {}{mark}",
                    r.id,
                    r.name,
                    r.severity.name(),
                    target(r.target),
                    r.summary
                );
            }
        }
    }
    Ok(0)
}
