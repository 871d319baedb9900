//! `gopolicy lsp`: a language server over stdio, for diagnostics as you type, quick fixes,
//! "ignore this rule here" and rule docs on hover.
//!
//! `server.rs` runs the protocol; `documents.rs` keeps the editor's texts and converts
//! positions; `diagnostics.rs` checks a document with the open buffers standing in for
//! their files (`workspace::Overlay`); `actions.rs` builds code actions; `hover.rs` rule
//! docs; `config.rs` gopolicy.toml, reloaded when it changes.

mod actions;
mod config;
mod diagnostics;
pub mod documents;
mod hover;
mod server;

pub use server::{run, Options};
