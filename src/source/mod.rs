//! One parser per input kind. Each turns a [`SourceText`] into a [`Document`] (a span
//! tree) and never fails: syntax errors are recorded on the document.

pub mod cmd;
pub mod env;
pub mod goenv;
pub mod gomod;
pub mod powershell;
pub mod shell;
#[cfg(test)]
mod test_support;
pub mod yaml;

use crate::document::{Document, SourceText, Target};

/// Parse a decoded file as the given kind of input.
pub fn parse(source: SourceText, target: Target) -> Document {
    match target {
        Target::GoMod | Target::GoWork => gomod::parse(source, target),
        Target::GithubWorkflow
        | Target::GithubAction
        | Target::AzurePipelines
        | Target::GitlabCi
        | Target::ProcessEnv
        | Target::Machine => yaml::parse(source, target),
        Target::Powershell => powershell::parse(source),
        Target::Cmd => cmd::parse(source),
        Target::Shell => shell::parse(source),
        Target::GoEnvFile => {
            let (root, comments, errors) = goenv::parse_go_env(source.clone());
            Document {
                target,
                source,
                root,
                comments,
                errors,
            }
        }
    }
}
