//! The first difference between two built trees: how the tests and the `yaml_fast` fuzz
//! target hold the fast parser (`block`) to the saphyr path (`build`).

use super::build::Built;
use crate::document::{Node, Value};

/// `None` when `a` and `b` are the same tree (spans, values, styles, keys, key spans),
/// with the same errors and scalar zones; else where they first differ. Walks without
/// recursion: either tree may be deep.
pub(super) fn difference(a: &Built, b: &Built) -> Option<String> {
    let mut todo = vec![(String::from("root"), &a.root, &b.root)];
    while let Some((path, x, y)) = todo.pop() {
        if x.span != y.span {
            return Some(format!("{path}: span {:?} vs {:?}", x.span, y.span));
        }
        match (&x.value, &y.value) {
            (Value::Scalar { value: v, style: s }, Value::Scalar { value: w, style: t }) => {
                if v != w || s != t {
                    return Some(format!("{path}: {s:?} {v:?} vs {t:?} {w:?}"));
                }
            }
            (Value::List(xs), Value::List(ys)) => {
                if xs.len() != ys.len() {
                    return Some(format!("{path}: {} items vs {}", xs.len(), ys.len()));
                }
                for (i, (x, y)) in xs.iter().zip(ys).enumerate().rev() {
                    todo.push((format!("{path}[{i}]"), x, y));
                }
            }
            (Value::Map(xs), Value::Map(ys)) => {
                if xs.len() != ys.len() {
                    return Some(format!("{path}: {} entries vs {}", xs.len(), ys.len()));
                }
                for (x, y) in xs.iter().zip(ys).rev() {
                    if x.key != y.key || x.key_span != y.key_span {
                        return Some(format!(
                            "{path}: key {:?} at {:?} vs {:?} at {:?}",
                            x.key, x.key_span, y.key, y.key_span
                        ));
                    }
                    todo.push((format!("{path}.{}", x.key), &x.value, &y.value));
                }
            }
            _ => return Some(format!("{path}: {} vs {}", kind(x), kind(y))),
        }
    }
    if a.errors != b.errors {
        return Some(format!("errors {:?} vs {:?}", a.errors, b.errors));
    }
    if a.scalars != b.scalars {
        let at = a.scalars.iter().zip(&b.scalars).position(|(x, y)| x != y);
        return Some(format!(
            "scalar zones differ at {at:?} ({} vs {}): {:?} vs {:?}",
            a.scalars.len(),
            b.scalars.len(),
            at.and_then(|i| a.scalars.get(i)),
            at.and_then(|i| b.scalars.get(i)),
        ));
    }
    None
}

fn kind(node: &Node) -> &'static str {
    match node.value {
        Value::Scalar { .. } => "scalar",
        Value::List(_) => "list",
        Value::Map(_) => "map",
        Value::Link(_) => "link",
    }
}
