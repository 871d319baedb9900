//! gopolicy: a policy-as-code linter for Go development environments.
//!
//! See ARCHITECTURE.md for a map of the modules.

pub mod document;
pub mod source;
