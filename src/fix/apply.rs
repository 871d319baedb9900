//! Applying fixes to one file's text.

use crate::diag::Fix;

/// Apply `fixes` to `text`, in order of where their first edit starts. A fix whose edits
/// overlap one already taken is left for the next round (after a re-check, its finding
/// may be gone, or its edits at new places). Returns the new text and, per fix, whether
/// it was applied.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<bool>) {
    let mut order: Vec<usize> = (0..fixes.len())
        .filter(|&i| !fixes[i].edits.is_empty())
        .collect();
    order.sort_by_key(|&i| {
        let first = &fixes[i].edits[0];
        (first.span.start, first.span.end, i)
    });
    let mut applied = vec![false; fixes.len()];
    let mut taken: Vec<&crate::diag::Edit> = Vec::new();
    for i in order {
        let edits = &fixes[i].edits;
        let clashes = edits.iter().any(|e| {
            e.span.end > text.len()
                || !text.is_char_boundary(e.span.start)
                || !text.is_char_boundary(e.span.end)
                || taken.iter().any(|t| overlaps(t, e))
        });
        if !clashes {
            taken.extend(edits.iter());
            applied[i] = true;
        }
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in taken {
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.replacement);
        at = edit.span.end;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// Two edits clash when their spans overlap, or both insert at the same place (their
/// order would be a guess).
fn overlaps(a: &crate::diag::Edit, b: &crate::diag::Edit) -> bool {
    if a.span.is_empty() && b.span.is_empty() {
        return a.span.start == b.span.start;
    }
    a.span.start < b.span.end && b.span.start < a.span.end
        || a.span.is_empty() && b.span.start < a.span.start && a.span.start < b.span.end
        || b.span.is_empty() && a.span.start < b.span.start && b.span.start < a.span.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Edit;
    use crate::document::{Position, Span};
    use crate::rule::schema::Applicability;

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        let origin = Position { line: 1, column: 1 };
        Fix {
            title: "t".into(),
            applicability: Applicability::Safe,
            commands: Default::default(),
            edits: edits
                .iter()
                .map(|&(s, e, r)| Edit {
                    span: Span::new(s, e),
                    start: origin,
                    end: origin,
                    replacement: r.into(),
                })
                .collect(),
        }
    }

    #[test]
    fn applies_edits_in_file_order_whatever_the_fix_order() {
        let (a, b) = (fix(&[(6, 11, "there")]), fix(&[(0, 5, "HELLO")]));
        let (text, applied) = apply("hello world!", &[&a, &b]);
        assert_eq!(text, "HELLO there!");
        assert_eq!(applied, [true, true]);
    }

    #[test]
    fn an_overlapping_fix_waits_for_the_next_round() {
        let (a, b) = (fix(&[(0, 5, "A")]), fix(&[(3, 8, "B")]));
        let (text, applied) = apply("0123456789", &[&a, &b]);
        assert_eq!(text, "A56789");
        assert_eq!(applied, [true, false]);
    }

    #[test]
    fn a_fix_is_applied_whole_or_not_at_all() {
        // The second fix's second edit clashes with the first fix: none of it is applied.
        let (a, b) = (fix(&[(4, 6, "x")]), fix(&[(0, 1, "y"), (5, 7, "z")]));
        let (text, applied) = apply("0123456789", &[&a, &b]);
        assert_eq!(applied, [false, true]);
        assert_eq!(text, "y1234z789");
    }

    #[test]
    fn two_inserts_at_one_place_are_not_both_applied() {
        let (a, b) = (fix(&[(2, 2, "a")]), fix(&[(2, 2, "b")]));
        let (text, applied) = apply("0123", &[&a, &b]);
        assert_eq!(text, "01a23");
        assert_eq!(applied, [true, false]);
    }

    #[test]
    fn edits_off_the_text_or_inside_a_character_are_refused() {
        let (a, b) = (fix(&[(1, 2, "x")]), fix(&[(3, 99, "y")]));
        let (text, applied) = apply("é1", &[&a, &b]);
        assert_eq!(text, "é1");
        assert_eq!(applied, [false, false]);
    }
}
