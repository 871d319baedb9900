//! YAML files: GitHub workflows and actions, Azure Pipelines, GitLab CI.
//!
//! saphyr-parser (a YAML 1.2 parser) gives events with character positions; `build`
//! turns them into the span tree without recursion (`offsets` maps characters to bytes,
//! `tokens` corrects saphyr's spans to the tokens', `maps` handles keys),
//! `comments` finds the comments (saphyr has no comment events) and `schema` says
//! what a scalar loads as.
//!
//! `block` is tried first: a parser for the block YAML CI files are written in that
//! builds the very tree `build` builds, several times faster, and leaves any text that
//! uses more of YAML (anchors, tags, syntax errors, ...) to saphyr. `diff` compares the
//! two trees; `block_tests` and the `yaml_fast` fuzz target hold them equal.
//!
//! The tree, as loaders such as PyYAML, Psych (GitLab) and GitHub's see it:
//! - Spans are bytes. A scalar's span is its token as written, properties (`&anchor`,
//!   `!tag`) and quotes included; a block scalar's runs from its properties or its `|`/`>`
//!   indicator to the end of its content. A collection's runs from its first to its last
//!   content byte (a flow collection's brackets included). An empty value sits just
//!   after its key's `:`.
//! - A key is its decoded scalar; a key that is not a scalar is its source text.
//! - Tags are not kept: a custom tag (GitLab's `!reference [a, b]`) is ignored and its
//!   node loads as written. The core tags (`!!str`, `!!int`, ...) decide a scalar's type
//!   in [`scalar_type`], which reads them from the source under the node's span.
//! - An alias is a copy of its anchored node, spans included. Merge keys (`<<: *a`,
//!   `<<: [*a, *b]`, YAML 1.1, as GitLab and Azure use them) are applied: the map's own
//!   keys win, then the first map listed; a `<<` whose value is not a map or a list of
//!   maps stays an ordinary key.
//! - A key repeated in one map is a syntax error (GitHub rejects them); the first value is
//!   kept.
//! - One document: the root is its node; none (an empty file): an empty map at 0..0;
//!   several (GitLab's `spec:` header, `---`, then the config): a list of their nodes.
//!
//! Limits, each a syntax error that stops the parse (the tree keeps what was built):
//! - aliases may create at most 100,000 nodes plus 10 per node read so far ("alias
//!   expansion exceeds N nodes (a YAML alias bomb?)", at the alias), so a "billion
//!   laughs" file fails at once; copies made to remember anchored nodes are held
//!   to the same budget;
//! - at most 1,000 collections nest (aliases' copies included), since whoever walks or
//!   drops the tree may recurse once per level; saphyr itself allows 255 nested flow
//!   collections ("recursion limit exceeded").
//!
//! saphyr's errors are reported with its message at its position, and the parse stops
//! there. Comments after a syntax error are still collected, without knowing where the
//! unparsed strings are.
//!
//! Where saphyr is stricter than the loaders CI services use:
//! - a line of a multi-line flow collection indented no deeper than its block (a `]`
//!   under `needs: [`) is accepted, as libyaml, PyYAML and go-yaml accept it (see
//!   `build::build`);
//! - a tab right after a `:` (`a:\t1`) is still an error ("':' must be followed by a
//!   valid YAML whitespace"), though YAML 1.2 allows it.

mod block;
mod build;
mod comments;
mod diff;
mod maps;
mod offsets;
mod schema;
mod tokens;

pub use schema::{plain_scalar_type, scalar_type, YamlType};

use crate::document::{Document, SourceText, Target};

/// Parse a YAML file. Never fails: syntax errors are on the document.
pub fn parse(source: SourceText, target: Target) -> Document {
    let built = block::parse(&source).unwrap_or_else(|| build::build(&source));
    let comments = comments::collect(&source.text, built.scalars);
    Document {
        target,
        source,
        root: built.root,
        comments,
        errors: built.errors,
    }
}

/// How the fast parser does on `source` against the saphyr path: `None` when it leaves
/// the text to saphyr, else the first difference between the two trees, if any. For the
/// differential tests and the `yaml_fast` fuzz target.
#[doc(hidden)]
pub fn fast_path_difference(source: &SourceText) -> Option<Option<String>> {
    let fast = block::parse(source)?;
    Some(diff::difference(&fast, &build::build(source)))
}

#[cfg(test)]
mod block_tests;
#[cfg(test)]
mod tests;
