//! An error located in a file the user wrote (a rule, a config file): reported with the
//! file's text and the span to fix.

use std::ops::Range;
use std::sync::Arc;

#[derive(Clone, Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SourceError {
    pub path: String,
    pub text: Arc<str>,
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl SourceError {
    /// `text` is copied: errors are rare, and the texts they come from are often
    /// borrowed (a built-in rule's is static).
    pub fn new(
        path: &str,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        SourceError {
            path: path.to_owned(),
            text: Arc::from(text),
            span,
            message: message.into(),
        }
    }

    /// From a TOML deserialization error, keeping its span.
    pub fn from_toml(path: &str, text: &str, error: &toml::de::Error) -> Self {
        SourceError::new(path, text, error.span(), error.message().trim().to_owned())
    }
}

/// Errors that stop a run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
}
