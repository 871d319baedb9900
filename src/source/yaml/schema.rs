//! What a scalar loads as: the YAML 1.2 core schema's tag resolution.

use crate::document::{Document, Node, ScalarStyle, Value};

/// The type a YAML loader gives a scalar under the YAML 1.2 core schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum YamlType {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

/// The type of a plain (unquoted, untagged) scalar, by the core schema's rules
/// (YAML 1.2.2, 10.3.2). Unlike YAML 1.1, `yes`/`on` are strings, `1_000` is a string,
/// `010` is a decimal int and `0o10` an octal one.
pub fn plain_scalar_type(value: &str) -> YamlType {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => YamlType::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => YamlType::Bool,
        ".nan" | ".NaN" | ".NAN" => YamlType::Float,
        _ if is_int(value) => YamlType::Int,
        _ if is_float(value) => YamlType::Float,
        _ => YamlType::Str,
    }
}

/// The type a scalar node loads as: a core-schema tag (`!!str`, `!!int`, `!!float`,
/// `!!bool`, `!!null`, also written `!<tag:yaml.org,2002:str>`) decides; the
/// non-specific tag `!` makes a string; other tags are ignored. Untagged, a plain scalar
/// is resolved by [`plain_scalar_type`] and any other style is a string. `None` for a
/// node that is not a scalar.
///
/// The tag is not in the tree: it is read from the source text under the node's span,
/// which starts with the node's properties (anchor and tag) when it has any.
pub fn scalar_type(doc: &Document, node: &Node) -> Option<YamlType> {
    let Value::Scalar { value, style } = &node.value else {
        return None;
    };
    if let Some(tag) = tag_of(doc.raw(node.span)) {
        let core = tag
            .strip_prefix("!!")
            .or_else(|| tag.strip_prefix("!<tag:yaml.org,2002:")?.strip_suffix('>'));
        match core {
            Some("str") => return Some(YamlType::Str),
            Some("int") => return Some(YamlType::Int),
            Some("float") => return Some(YamlType::Float),
            Some("bool") => return Some(YamlType::Bool),
            Some("null") => return Some(YamlType::Null),
            _ if tag == "!" => return Some(YamlType::Str),
            _ => {}
        }
    }
    Some(match style {
        ScalarStyle::Plain | ScalarStyle::Derived => plain_scalar_type(value),
        _ => YamlType::Str,
    })
}

/// The tag among the properties (`&anchor`, `!tag`, in either order) that start `raw`.
fn tag_of(raw: &str) -> Option<&str> {
    let mut rest = raw;
    for _ in 0..2 {
        rest = rest.trim_start();
        let end = if rest.starts_with("!<") {
            rest.find('>').map_or(rest.len(), |i| i + 1)
        } else {
            rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
                .unwrap_or(rest.len())
        };
        let (token, after) = rest.split_at(end);
        match token.as_bytes().first() {
            Some(b'!') => return Some(token),
            Some(b'&') => rest = after,
            _ => return None,
        }
    }
    None
}

/// `[-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+`
fn is_int(s: &str) -> bool {
    if let Some(oct) = s.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| matches!(b, b'0'..=b'7'));
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF)`
/// (`.nan` is matched by the caller).
fn is_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(s, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    let int = digits(s);
    let mut rest = &s[int..];
    let mut frac = 0;
    if let Some(after) = rest.strip_prefix('.') {
        frac = digits(after);
        rest = &after[frac..];
    } else if int == 0 {
        return false;
    }
    if int == 0 && frac == 0 {
        return false;
    }
    if let Some(exp) = rest.strip_prefix(['e', 'E']) {
        let exp = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        return !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit());
    }
    rest.is_empty()
}
