//! Token spans: saphyr's spans are not always the token's, so each kind is fixed here
//! from the text (a quoted scalar's and a flow collection's end run on over a trailing
//! comment; a block scalar's start is its content; an empty scalar takes the next
//! token's span).

use crate::document::Span;

/// A block scalar's span (from its properties or its `|`/`>` indicator to the end
/// of its content) and its content (where a `#` is text). saphyr's span starts at
/// the properties, or else at the content, and runs past trailing blank lines.
pub(super) fn block_scalar(
    bytes: &[u8],
    prev_end: usize,
    start: usize,
    end: usize,
    props: bool,
) -> (Span, Option<Span>) {
    let (from, to) = if props {
        (start, end)
    } else {
        (prev_end.min(start), start)
    };
    let Some(indicator) = find_indicator(bytes, from, to) else {
        let trimmed = trim_end(bytes, start, end);
        let span = Span::new(start, trimmed);
        return (span, Some(span));
    };
    let mut header_end = indicator + 1;
    while header_end < bytes.len()
        && header_end < indicator + 3
        && matches!(bytes[header_end], b'1'..=b'9' | b'+' | b'-')
    {
        header_end += 1;
    }
    let content = match bytes[header_end..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
    {
        Some(i) if bytes[header_end + i..].starts_with(b"\r\n") => header_end + i + 2,
        Some(i) => header_end + i + 1,
        None => bytes.len(),
    };
    let span_start = if props { start } else { indicator };
    let content_end = trim_end(bytes, content, end.max(content));
    if content_end <= content {
        return (Span::new(span_start, header_end), None);
    }
    (
        Span::new(span_start, content_end),
        Some(Span::new(content, content_end)),
    )
}

/// saphyr places an empty value before its key's `:`; put it just after.
pub(super) fn after_colon(text: &str, at: usize) -> Span {
    let rest = &text[at..];
    let blank = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if rest[blank..].starts_with(':') {
        Span::new(at + blank + 1, at + blank + 1)
    } else {
        Span::new(at, at)
    }
}

/// A quoted scalar's span, to its closing quote: saphyr's runs on over the white space
/// and comment after it.
pub(super) fn quoted(bytes: &[u8], start: usize, end: usize, quote: u8) -> Span {
    let end = end.min(bytes.len());
    let mut at = skip_properties(bytes, start, end);
    if bytes.get(at) != Some(&quote) {
        return Span::new(start, trim_end(bytes, start, end));
    }
    at += 1;
    while at < end {
        match bytes[at] {
            b'\\' if quote == b'"' => at += 2,
            b'\'' if quote == b'\'' && bytes.get(at + 1) == Some(&b'\'') => at += 2,
            b if b == quote => return Span::new(start, at + 1),
            _ => at += 1,
        }
    }
    Span::new(start, trim_end(bytes, start, end))
}

/// Where the token after a node's properties (`&anchor`, `!tag`) starts.
pub(super) fn skip_properties(bytes: &[u8], mut at: usize, end: usize) -> usize {
    loop {
        while at < end && matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r') {
            at += 1;
        }
        if at >= end || !matches!(bytes[at], b'&' | b'!') {
            return at;
        }
        while at < end && !matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r') {
            at += 1;
        }
    }
}

/// The first block scalar indicator (`|` or `>`) in `bytes[from..to]`, skipping what may
/// come between the previous token and it: white space, `:`, `-`, `?`, properties
/// (`&anchor`, `!tag`) and comments.
pub(super) fn find_indicator(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    let to = to.min(bytes.len());
    let mut at = from;
    let mut boundary = true;
    while at < to {
        let b = bytes[at];
        match b {
            b'|' | b'>' => return Some(at),
            b'#' | b'&' | b'!' if boundary => {
                let stop: &[u8] = if b == b'#' { b"\n\r" } else { b" \t\n\r" };
                while at < to && !stop.contains(&bytes[at]) {
                    at += 1;
                }
                continue;
            }
            _ => {}
        }
        boundary = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        at += 1;
    }
    None
}

/// The end of a flow collection whose end event spans `start..end`: just after its
/// bracket. saphyr's span runs on over white space and a comment after the bracket, and
/// for a flow map with a trailing comma (`{a: 1, }`) covers the comma instead.
pub(super) fn closing_bracket(bytes: &[u8], start: usize, end: usize) -> usize {
    let mut at = start;
    while at < bytes.len() {
        match bytes[at] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => at += 1,
            b'#' => {
                while at < bytes.len() && !matches!(bytes[at], b'\n' | b'\r') {
                    at += 1;
                }
            }
            b']' | b'}' => return at + 1,
            _ => break,
        }
    }
    end
}

/// `end` moved back over trailing white space, not before `start`.
pub(super) fn trim_end(bytes: &[u8], start: usize, end: usize) -> usize {
    let mut end = end.min(bytes.len());
    while end > start && matches!(bytes[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
        end -= 1;
    }
    end
}

/// The character at `at` (empty at a line end or the end of the text).
pub(super) fn char_span(text: &str, at: usize) -> Span {
    match text[at..].chars().next() {
        Some(c) if c != '\n' && c != '\r' => Span::new(at, at + c.len_utf8()),
        _ => Span::new(at, at),
    }
}
