//! Comments: saphyr reports none, so they are found in the text.
//!
//! A `#` starts a comment at the start of a line or after white space, unless it lies
//! inside a scalar (a quoted string or a block scalar's content): those ranges are the
//! ones the tree builder recorded.

use crate::document::{Comment, Span};

/// Every comment of `text`, in order. `scalars` are the byte ranges where a `#` is
/// text, not a comment; they need not be sorted.
pub(super) fn collect(text: &str, mut scalars: Vec<Span>) -> Vec<Comment> {
    if !scalars.is_sorted_by_key(|s| s.start) {
        scalars.sort_unstable_by_key(|s| s.start);
    }
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut zone = 0;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'#', &bytes[at..]) {
        let hash = at + found;
        at = hash + 1;
        if hash > 0 && !matches!(bytes[hash - 1], b' ' | b'\t' | b'\n' | b'\r') {
            continue;
        }
        while zone < scalars.len() && scalars[zone].end <= hash {
            zone += 1;
        }
        // Zones are tokens and do not overlap, so this looks at one or two of them.
        if scalars[zone..]
            .iter()
            .take_while(|s| s.start <= hash)
            .any(|s| hash < s.end)
        {
            continue;
        }
        let end = memchr::memchr2(b'\n', b'\r', &bytes[hash..]).map_or(bytes.len(), |i| hash + i);
        let line_start = memchr::memrchr2(b'\n', b'\r', &bytes[..hash]).map_or(0, |i| i + 1);
        comments.push(Comment {
            span: Span::new(hash, end),
            text: text[hash + 1..end].to_owned(),
            trailing: !text[line_start..hash].trim().is_empty(),
        });
        at = end;
    }
    comments
}
