//! Inline suppressions: `// gopolicy:ignore MOD001 reason` (`#` in YAML and scripts).
//!
//! A suppression on a line of its own covers the next line that is not blank or a
//! comment; one after code covers its own line; `gopolicy:ignore-file` covers the file.
//! Several rules are separated by commas. `until=YYYY-MM-DD` makes it lapse after that
//! day, and the lapse is reported. A suppression that suppresses nothing is reported too.

use crate::document::{Comment, Document, Span};

const MARKER: &str = "gopolicy:ignore";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The comment that holds it.
    pub span: Span,
    /// Code comes before the comment on its line.
    pub trailing: bool,
    /// The 1-based line it covers; `None` for the whole file.
    pub line: Option<usize>,
    /// Rule ids or names.
    pub rules: Vec<String>,
    pub until: Option<Date>,
    pub reason: Option<String>,
}

/// A calendar date, compared as (year, month, day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Date { year, month, day })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days((secs / 86_400) as i64)
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's algorithm).
    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

/// A malformed suppression comment: reported, never silently ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    pub span: Span,
    pub message: String,
}

/// Every suppression in a document's comments.
pub fn collect(doc: &Document) -> (Vec<Suppression>, Vec<Malformed>) {
    let mut found = Vec::new();
    let mut malformed = Vec::new();
    for comment in &doc.comments {
        let text = comment.text.trim();
        let Some(rest) = text.strip_prefix(MARKER) else {
            continue;
        };
        let (file_wide, rest) = match rest.strip_prefix("-file") {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            malformed.push(Malformed {
                span: comment.span,
                message: format!(
                    "unknown directive `{}`",
                    text.split_whitespace().next().unwrap_or(text)
                ),
            });
            continue;
        }
        match parse_body(rest) {
            Ok((rules, until, reason)) => found.push(Suppression {
                span: comment.span,
                trailing: comment.trailing,
                line: if file_wide {
                    None
                } else {
                    Some(covered_line(doc, comment))
                },
                rules,
                until,
                reason,
            }),
            Err(message) => malformed.push(Malformed {
                span: comment.span,
                message,
            }),
        }
    }
    (found, malformed)
}

/// The text to delete to remove a suppression: its lines when it stands alone, else the
/// comment and the blanks before it.
pub fn removal(doc: &Document, s: &Suppression) -> Option<Span> {
    if !s.trailing {
        return crate::rule::edit::whole_lines(doc, s.span);
    }
    let before = doc.source.text.get(..s.span.start)?;
    let start = before.trim_end_matches([' ', '\t']).len();
    Some(Span::new(start, s.span.end))
}

type Body = (Vec<String>, Option<Date>, Option<String>);

fn parse_body(rest: &str) -> Result<Body, String> {
    let mut words = rest.split_whitespace().peekable();
    let Some(list) = words.next() else {
        return Err("name the rule to ignore, e.g. `gopolicy:ignore MOD001 reason`".into());
    };
    let rules: Vec<String> = list
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let mut until = None;
    if let Some(date) = words.peek().and_then(|w| w.strip_prefix("until=")) {
        until =
            Some(Date::parse(date).ok_or(format!("`until={date}` is not a date like 2027-01-31"))?);
        words.next();
    }
    let reason: Vec<&str> = words.collect();
    let reason = (!reason.is_empty()).then(|| reason.join(" "));
    Ok((rules, until, reason))
}

/// The line a suppression comment covers.
fn covered_line(doc: &Document, comment: &Comment) -> usize {
    let line = doc.source.position(comment.span.start).line;
    if comment.trailing {
        return line;
    }
    (line + 1..=doc.source.line_count())
        .find(|&l| !blank_or_comment(doc, l))
        .unwrap_or(line)
}

/// A line holding nothing but blanks and comments: the parser's comments (a multi-line
/// `<# … #>` block too), or a line that starts with a comment marker.
fn blank_or_comment(doc: &Document, line: usize) -> bool {
    let text = doc.source.line_text(line);
    let trimmed = text.trim();
    if trimmed.is_empty()
        || doc
            .target
            .comment_markers()
            .iter()
            .any(|m| trimmed.starts_with(m))
    {
        return true;
    }
    let start = doc.source.line_start(line) + (text.len() - text.trim_start().len());
    let end = start + trimmed.len();
    // The last comment starting at or before the line's first character covers it all.
    let i = doc.comments.partition_point(|c| c.span.start <= start);
    i > 0 && doc.comments[i - 1].span.end >= end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Encoding, SourceText, Target};

    #[test]
    fn converts_days_to_dates() {
        assert_eq!(
            Date::from_days(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            Date::from_days(20_781),
            Date {
                year: 2026,
                month: 11,
                day: 24
            }
        );
        assert_eq!(
            Date::from_days(11_016),
            Date {
                year: 2000,
                month: 2,
                day: 29
            }
        );
    }

    #[test]
    fn parses_rules_expiry_and_reason() {
        assert_eq!(
            parse_body(" MOD001,MOD002 until=2027-01-31 legacy module").unwrap(),
            (
                vec!["MOD001".into(), "MOD002".into()],
                Date::parse("2027-01-31"),
                Some("legacy module".into())
            )
        );
        assert_eq!(
            parse_body(" MOD001").unwrap(),
            (vec!["MOD001".into()], None, None)
        );
        assert!(parse_body("").is_err());
        assert!(parse_body(" MOD001 until=tomorrow").is_err());
    }

    #[test]
    fn own_line_comment_covers_the_next_code_line() {
        let text = "module m\n\n// gopolicy:ignore MOD001 why\n// more\n\ngo 1.2\nrequire x v1 // gopolicy:ignore-file MOD002\n";
        let comment = |start: usize, trailing: bool| Comment {
            span: Span::new(start, text[start..].find('\n').unwrap() + start),
            text: text[start + 2..start + text[start..].find('\n').unwrap()].to_owned(),
            trailing,
        };
        let doc = Document {
            target: Target::GoMod,
            source: SourceText::new("go.mod", text.to_owned(), Encoding::Utf8),
            root: crate::document::Node::map(Span::default(), vec![]),
            comments: vec![
                comment(text.find("// gopolicy").unwrap(), false),
                comment(text.find("// more").unwrap(), false),
                comment(text.find("// gopolicy:ignore-file").unwrap(), true),
            ],
            errors: vec![],
        };
        let (found, malformed) = collect(&doc);
        assert!(malformed.is_empty());
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, Some(6));
        assert_eq!(found[1].line, None);
    }
}
