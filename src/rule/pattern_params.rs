//! `{param}` references in a regex pattern, replaced by the params' values. Shared, by
//! file, with build.rs, which precompiles the built-in patterns with their default
//! params: the two must produce the same string, or the table is never hit.

/// `pattern` with each `{name}` that `value_of` knows replaced by its value; every other
/// brace is the regex's own (`[0-9]{2,}`).
pub fn substitute_params(pattern: &str, value_of: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.and_then(|n| value_of(n).map(|v| (n, v))) {
            Some((name, value)) => {
                out.push_str(&value);
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
