//! Compiled `assert` predicates, and their evaluation on one selected node.
//!
//! A scalar test on a node that is not a scalar, a Go-version comparison where either
//! side is not a valid Go version, and an argument whose template cannot be resolved all
//! *hold*: a rule reports only what it can show is wrong.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::{LazyLock, Mutex, OnceLock};

use regex::Regex;

use super::query::Query;
use super::regex_table::{self, Precompiled};
use super::schema::{ParamValue, PredicateSpec, Spanned};
use super::template::{Scope, Template};
use crate::document::{goversion, ScalarStyle};
use crate::source::yaml::{scalar_type, YamlType};

#[derive(Clone, Debug)]
pub enum Predicate {
    All(Vec<Predicate>),
    Any(Vec<Predicate>),
    Not(Box<Predicate>),
    On(Query, Box<Predicate>),
    /// Test the regex's first capture group (or whole match) in place of the value.
    Extract(LazyRegex, Box<Predicate>),
    Has(Query),
    Lacks(Query),
    Equals(Template),
    NotEquals(Template),
    OneOf(Vec<Template>),
    NoneOf(Vec<Template>),
    Matches(LazyRegex),
    NotMatches(LazyRegex),
    StartsWith(Template),
    EndsWith(Template),
    Contains(Template),
    /// The scalar has at most this many characters.
    MaxLength(usize),
    GoVersionValid,
    GoVersionAtLeast(Template),
    GoVersionAtMost(Template),
    /// The language versions (`1.22` of `1.22.5`) compared: what a floating `X.Y`
    /// (newest patch of X.Y) is sure to satisfy.
    GoLangAtLeast(Template),
    Unique,
    YamlType(YamlTypeName),
    Style(Vec<ScalarStyle>),
    FileExists(Template),
}

/// The types `yaml_type` can name (YAML 1.2 core schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum YamlTypeName {
    /// A string: quoted, or plain text that is no other type.
    String,
    /// An integer or a float: a plain `1.20` is the number 1.2.
    Number,
    /// `true` or `false`.
    Bool,
    /// `null`, `~` or nothing.
    Null,
}

const STYLES: [ScalarStyle; 5] = [
    ScalarStyle::Plain,
    ScalarStyle::SingleQuoted,
    ScalarStyle::DoubleQuoted,
    ScalarStyle::Literal,
    ScalarStyle::Folded,
];

/// A compile error with the byte range in the rule file it concerns.
#[derive(Debug)]
pub struct CompileError {
    pub span: std::ops::Range<usize>,
    pub message: String,
}

fn err(span: std::ops::Range<usize>, message: impl Into<String>) -> CompileError {
    CompileError {
        span,
        message: message.into(),
    }
}

impl Predicate {
    pub fn compile(
        spec: &Spanned<PredicateSpec>,
        params: &BTreeMap<String, ParamValue>,
    ) -> Result<Predicate, CompileError> {
        let whole = spec.span();
        let spec = spec.get_ref();
        let template =
            |text: &str| Template::parse(text, params).map_err(|m| err(whole.clone(), m));
        let templates = |items: &[String]| {
            items
                .iter()
                .map(|s| template(s))
                .collect::<Result<Vec<_>, _>>()
        };
        let query = |s: &Spanned<String>| {
            Query::parse(s.get_ref()).map_err(|e| err(s.span(), format!("invalid path: {e}")))
        };
        let regex = |s: &Spanned<String>| -> Result<LazyRegex, CompileError> {
            Ok(LazyRegex::new(
                substitute_params(s.get_ref(), params),
                s.span(),
            ))
        };

        let mut all = Vec::new();
        if let Some(s) = &spec.has {
            all.push(Predicate::Has(query(s)?));
        }
        if let Some(s) = &spec.lacks {
            all.push(Predicate::Lacks(query(s)?));
        }
        if let Some(s) = &spec.equals {
            all.push(Predicate::Equals(template(s)?));
        }
        if let Some(s) = &spec.not_equals {
            all.push(Predicate::NotEquals(template(s)?));
        }
        if let Some(items) = &spec.one_of {
            all.push(Predicate::OneOf(templates(items)?));
        }
        if let Some(items) = &spec.none_of {
            all.push(Predicate::NoneOf(templates(items)?));
        }
        if let Some(s) = &spec.matches {
            all.push(Predicate::Matches(regex(s)?));
        }
        if let Some(s) = &spec.not_matches {
            all.push(Predicate::NotMatches(regex(s)?));
        }
        if let Some(s) = &spec.starts_with {
            all.push(Predicate::StartsWith(template(s)?));
        }
        if let Some(s) = &spec.ends_with {
            all.push(Predicate::EndsWith(template(s)?));
        }
        if let Some(s) = &spec.contains {
            all.push(Predicate::Contains(template(s)?));
        }
        if let Some(n) = spec.max_length {
            all.push(Predicate::MaxLength(n));
        }
        if let Some(s) = &spec.go_version {
            if s.get_ref() != "valid" {
                return Err(err(s.span(), "go_version takes \"valid\""));
            }
            all.push(Predicate::GoVersionValid);
        }
        if let Some(s) = &spec.go_version_at_least {
            all.push(Predicate::GoVersionAtLeast(template(s.get_ref())?));
        }
        if let Some(s) = &spec.go_version_at_most {
            all.push(Predicate::GoVersionAtMost(template(s.get_ref())?));
        }
        if let Some(s) = &spec.go_lang_at_least {
            all.push(Predicate::GoLangAtLeast(template(s.get_ref())?));
        }
        if let Some(unique) = spec.unique {
            if !unique {
                return Err(err(whole, "unique takes `true`"));
            }
            all.push(Predicate::Unique);
        }
        if let Some(s) = &spec.yaml_type {
            let name = match s.get_ref().as_str() {
                "string" => YamlTypeName::String,
                "number" => YamlTypeName::Number,
                "bool" => YamlTypeName::Bool,
                "null" => YamlTypeName::Null,
                _ => {
                    return Err(err(
                        s.span(),
                        "yaml_type is one of: string, number, bool, null",
                    ))
                }
            };
            all.push(Predicate::YamlType(name));
        }
        if let Some(s) = &spec.style {
            let mut styles = Vec::new();
            for name in s.get_ref() {
                let style = STYLES.into_iter().find(|st| st.name() == name).ok_or_else(|| {
                    err(s.span(), format!("unknown style `{name}`: plain, single-quoted, double-quoted, literal or folded"))
                })?;
                styles.push(style);
            }
            all.push(Predicate::Style(styles));
        }
        if let Some(s) = &spec.file_exists {
            all.push(Predicate::FileExists(template(s)?));
        }
        let compile_all = |items: &[Spanned<PredicateSpec>]| {
            items
                .iter()
                .map(|p| Predicate::compile(p, params))
                .collect::<Result<Vec<_>, _>>()
        };
        if let Some(items) = &spec.all {
            all.push(Predicate::All(compile_all(items)?));
        }
        if let Some(items) = &spec.any {
            all.push(Predicate::Any(compile_all(items)?));
        }
        if let Some(inner) = &spec.not {
            all.push(Predicate::Not(Box::new(Predicate::compile(inner, params)?)));
        }
        if all.is_empty() {
            return Err(err(whole, "an assert table needs at least one predicate"));
        }
        let predicate = if all.len() == 1 {
            all.pop().expect("one item")
        } else {
            Predicate::All(all)
        };
        let predicate = match &spec.extract {
            Some(pattern) => Predicate::Extract(regex(pattern)?, Box::new(predicate)),
            None => predicate,
        };
        match &spec.on {
            Some(path) => Ok(Predicate::On(query(path)?, Box::new(predicate))),
            None => Ok(predicate),
        }
    }

    /// Does the predicate hold for `scope.hit`? `seen` carries the values already met by
    /// this check's selection, for `unique`.
    pub fn holds(&self, scope: &Scope<'_, '_>, seen: &mut HashSet<String>) -> bool {
        let value = scope.extracted.or_else(|| scope.hit.node.as_str());
        let arg = |t: &Template| t.resolve(scope);
        // A scalar test: vacuous when the node is not a scalar or the argument is unknown.
        let scalar = |t: &Template, test: &dyn Fn(&str, &str) -> bool| match (value, arg(t)) {
            (Some(v), Some(a)) => test(v, &a),
            _ => true,
        };
        match self {
            Predicate::All(items) => items.iter().all(|p| p.holds(scope, seen)),
            Predicate::Any(items) => items.iter().any(|p| p.holds(scope, seen)),
            Predicate::Not(inner) => !inner.holds(scope, seen),
            Predicate::On(path, inner) => path.select(scope.hit).into_iter().all(|hit| {
                let inner_scope = Scope {
                    hit,
                    extracted: None,
                    ..*scope
                };
                inner.holds(&inner_scope, seen)
            }),
            Predicate::Extract(re, inner) => {
                // The DFA rules out most values without compiling the regex.
                let taken = value
                    .filter(|v| re.is_match(v) == Some(true))
                    .and_then(|v| {
                        let captures = re.get()?.captures(v)?;
                        captures
                            .get(1)
                            .or_else(|| captures.get(0))
                            .map(|m| m.as_str())
                    });
                match taken {
                    Some(text) => inner.holds(
                        &Scope {
                            extracted: Some(text),
                            ..*scope
                        },
                        seen,
                    ),
                    // Nothing to test: the value does not have the shape the rule reads.
                    None => true,
                }
            }
            Predicate::Has(path) => path.first(scope.hit).is_some(),
            Predicate::Lacks(path) => path.first(scope.hit).is_none(),
            Predicate::Equals(t) => scalar(t, &|v, a| v == a),
            Predicate::NotEquals(t) => scalar(t, &|v, a| v != a),
            Predicate::OneOf(items) => match value {
                Some(v) => items.iter().any(|t| arg(t).is_none_or(|a| a == v)),
                None => true,
            },
            Predicate::NoneOf(items) => match value {
                Some(v) => items.iter().all(|t| arg(t).is_none_or(|a| a != v)),
                None => true,
            },
            // An invalid regex was reported when its rule was loaded (built-ins are tested).
            Predicate::Matches(re) => value.is_none_or(|v| re.is_match(v).is_none_or(|m| m)),
            Predicate::NotMatches(re) => value.is_none_or(|v| re.is_match(v).is_none_or(|m| !m)),
            Predicate::StartsWith(t) => scalar(t, &|v, a| v.starts_with(a)),
            Predicate::EndsWith(t) => scalar(t, &|v, a| v.ends_with(a)),
            Predicate::Contains(t) => scalar(t, &|v, a| v.contains(a)),
            Predicate::MaxLength(n) => value.is_none_or(|v| v.chars().count() <= *n),
            Predicate::GoVersionValid => {
                value.is_none_or(|v| goversion::strip_go_prefix(v).is_some())
            }
            Predicate::GoVersionAtLeast(t) => {
                scalar(t, &|v, a| go_compare(v, a).is_none_or(|o| o.is_ge()))
            }
            Predicate::GoVersionAtMost(t) => {
                scalar(t, &|v, a| go_compare(v, a).is_none_or(|o| o.is_le()))
            }
            Predicate::GoLangAtLeast(t) => scalar(t, &|v, a| {
                let lang = |x: &str| goversion::strip_go_prefix(x).and_then(goversion::lang);
                match (lang(v), lang(a)) {
                    (Some(v), Some(a)) => goversion::compare(&v, &a).is_ge(),
                    _ => true,
                }
            }),
            Predicate::Unique => value.is_none_or(|v| seen.insert(v.to_owned())),
            Predicate::YamlType(want) => match scalar_type(scope.hit.doc, scope.hit.node) {
                Some(got) => yaml_type_is(got, *want),
                None => true,
            },
            Predicate::Style(styles) => match &scope.hit.node.value {
                crate::document::Value::Scalar { style, .. } => styles.contains(style),
                _ => true,
            },
            Predicate::FileExists(t) => {
                arg(t).is_none_or(|path| scope.repo.file_exists(scope.hit.doc, &path))
            }
        }
    }
}

/// A regex compiled on first use: a run pays only for the regexes its files reach, which
/// matters in a pre-commit hook that starts for every commit.
#[derive(Clone, Debug)]
pub struct LazyRegex {
    pattern: String,
    /// Where the pattern is in its rule file.
    span: Range<usize>,
    compiled: OnceLock<Result<Regex, String>>,
    /// The DFAs build.rs made of the pattern, when it is a built-in one. Boxed: two
    /// DFAs' headers would triple the size of every predicate.
    precompiled: OnceLock<Option<Box<Precompiled>>>,
}

impl LazyRegex {
    pub fn new(pattern: String, span: Range<usize>) -> LazyRegex {
        LazyRegex {
            pattern,
            span,
            compiled: OnceLock::new(),
            precompiled: OnceLock::new(),
        }
    }

    #[cfg(test)]
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    fn precompiled(&self) -> Option<&Precompiled> {
        let found = self
            .precompiled
            .get_or_init(|| regex_table::lookup(&self.pattern).map(Box::new));
        found.as_deref()
    }

    /// Does the pattern match `haystack`? `None` when it is not a valid regex. A built-in
    /// pattern asks its DFA, and compiles only when the DFA cannot tell.
    pub fn is_match(&self, haystack: &str) -> Option<bool> {
        match self.precompiled().and_then(|p| p.is_match(haystack)) {
            Some(answer) => Some(answer),
            None => Some(self.get()?.is_match(haystack)),
        }
    }

    /// `Regex::replace` with `with` expanded as the regex crate does. A replacement
    /// without `$` is literal, so a DFA that finds the match needs no compiling.
    pub fn replace(&self, haystack: &str, with: &str) -> Option<String> {
        let found = match with.contains('$') {
            true => None,
            false => self.precompiled().and_then(|p| p.find(haystack)),
        };
        match found {
            Some(Some(m)) => Some([&haystack[..m.start], with, &haystack[m.end..]].concat()),
            Some(None) => Some(haystack.to_owned()),
            None => Some(self.get()?.replace(haystack, with).into_owned()),
        }
    }

    /// The regex, or why it does not compile (the regex crate's message).
    pub fn compiled(&self) -> &Result<Regex, String> {
        self.compiled.get_or_init(|| compile_shared(&self.pattern))
    }

    pub fn get(&self) -> Option<&Regex> {
        self.compiled().as_ref().ok()
    }

    /// Make the first use cheap: load the DFAs of a built-in pattern, compile any other.
    pub fn warm(&self) {
        if self.precompiled().is_none() {
            let _ = self.compiled();
        }
    }

    /// [`LazyRegex::warm`] for a regex whose captures are taken, which the DFAs cannot
    /// give: compile it too, and search once, which sets up this thread's search caches.
    pub fn warm_captures(&self) {
        self.warm();
        if let Some(regex) = self.get() {
            let _ = regex.captures("");
        }
    }
}

/// Compile `pattern` once per process: rules share patterns (PS003 and PS004 test one
/// in eight checks), and compiling a regex costs more than most runs spend matching.
/// User regexes are limited to 1 MB compiled.
fn compile_shared(pattern: &str) -> Result<Regex, String> {
    static COMPILED: LazyLock<Mutex<HashMap<String, Result<Regex, String>>>> =
        LazyLock::new(Mutex::default);
    let known = |pattern: &str| COMPILED.lock().ok()?.get(pattern).cloned();
    if let Some(found) = known(pattern) {
        return found;
    }
    // Compiled outside the lock: two threads may both compile a pattern, never wait.
    let built = regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| e.to_string());
    if let Ok(mut compiled) = COMPILED.lock() {
        // A language server reloads rule packs and config as they are edited: keep the
        // cache from growing with every pattern typed.
        if compiled.len() >= 1024 {
            compiled.clear();
        }
        compiled.insert(pattern.to_owned(), built.clone());
    }
    built
}

impl Predicate {
    /// Compile every regex now and report the first that fails, with its span.
    pub fn check_regexes(&self) -> Result<(), CompileError> {
        let check = |re: &LazyRegex| match re.compiled() {
            Ok(_) => Ok(()),
            Err(message) => Err(err(re.span.clone(), format!("invalid regex: {message}"))),
        };
        match self {
            Predicate::Matches(re) | Predicate::NotMatches(re) => check(re),
            Predicate::All(items) | Predicate::Any(items) => {
                items.iter().try_for_each(Predicate::check_regexes)
            }
            Predicate::Not(inner) | Predicate::On(_, inner) => inner.check_regexes(),
            Predicate::Extract(re, inner) => {
                check(re)?;
                inner.check_regexes()
            }
            _ => Ok(()),
        }
    }
}

impl Predicate {
    /// [`LazyRegex::warm`] every regex of the predicate, and compile those whose
    /// captures `extract` takes.
    pub fn warm_regexes(&self) {
        match self {
            Predicate::Matches(re) | Predicate::NotMatches(re) => re.warm(),
            Predicate::All(items) | Predicate::Any(items) => {
                items.iter().for_each(Predicate::warm_regexes)
            }
            Predicate::Not(inner) | Predicate::On(_, inner) => inner.warm_regexes(),
            Predicate::Extract(re, inner) => {
                re.warm_captures();
                inner.warm_regexes()
            }
            _ => {}
        }
    }

    /// The patterns of the regexes in the predicate (for tests of the precompiled table).
    #[cfg(test)]
    pub fn patterns<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Predicate::Matches(re) | Predicate::NotMatches(re) => out.push(&re.pattern),
            Predicate::All(items) | Predicate::Any(items) => {
                items.iter().for_each(|p| p.patterns(out))
            }
            Predicate::Not(inner) | Predicate::On(_, inner) => inner.patterns(out),
            Predicate::Extract(re, inner) => {
                out.push(&re.pattern);
                inner.patterns(out)
            }
            _ => {}
        }
    }
}

/// Compare two Go versions written with or without a `go` prefix; `None` unless both are valid.
fn go_compare(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    Some(goversion::compare(
        goversion::strip_go_prefix(a)?,
        goversion::strip_go_prefix(b)?,
    ))
}

/// A regex pattern with each `{param}` naming a declared param replaced by its value.
fn substitute_params(pattern: &str, params: &BTreeMap<String, ParamValue>) -> String {
    super::pattern_params::substitute_params(pattern, |name| {
        params.get(name).map(ParamValue::to_template_text)
    })
}

fn yaml_type_is(got: YamlType, want: YamlTypeName) -> bool {
    matches!(
        (got, want),
        (YamlType::Str, YamlTypeName::String)
            | (YamlType::Int | YamlType::Float, YamlTypeName::Number)
            | (YamlType::Bool, YamlTypeName::Bool)
            | (YamlType::Null, YamlTypeName::Null)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_take_params_and_keep_their_own_braces() {
        let params = BTreeMap::from([("proxy".to_owned(), ParamValue::String("corp".into()))]);
        assert_eq!(
            substitute_params("^{proxy}[0-9]{2,}$", &params),
            "^corp[0-9]{2,}$"
        );
        assert_eq!(substitute_params("a{unknown}b{", &params), "a{unknown}b{");
    }
}
