//! gopolicy: a policy-as-code linter for Go development environments.
//!
//! See ARCHITECTURE.md for a map of the modules.

pub mod cli;
pub mod diag;
pub mod document;
pub mod error;
pub mod facts;
pub mod fix;
pub mod json_schema;
pub mod lint;
pub mod lsp;
pub mod report;
pub mod rule;
pub mod rule_tests;
pub mod source;
pub mod workspace;
