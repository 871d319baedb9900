//! The repository side of a run: which files to check, and reading them into documents.
//! This and `facts/` are the only modules that touch the file system.

pub mod discover;
mod follow;
pub mod link;
pub mod load;
pub mod repo;

pub use discover::{discover, Discovered, FileEntry, WalkError};
pub use load::{load, load_each, load_with, FileProblem, Loaded, Overlay, ProblemKind, Visited};
pub use repo::Repo;
