//! Message and argument templates: `{value}`, `{raw}`, `{param}`, `{/root.path}`,
//! `{.relative.path}`, each optionally followed by filters that quote it for a shell:
//! `{value|sh}`, `{/go.env.CC|goword|pwsh}` (see [`Filter`]).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::query::{Hit, Query};
use super::schema::ParamValue;

#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Literal(String),
    Value,
    Raw,
    Param(String),
    /// A path from the document root.
    Root(Query),
    /// A path under the selected node.
    Relative(Query),
    /// A placeholder whose text goes through filters, left to right.
    Filtered(Box<Part>, Vec<Filter>),
}

/// A template filter: quotes a substituted value as one word (see `quote.rs`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Filter {
    Sh,
    Fish,
    Pwsh,
    Powershell,
    Cmd,
    Goword,
}

impl Filter {
    const ALL: [(&'static str, Filter); 6] = [
        ("sh", Filter::Sh),
        ("fish", Filter::Fish),
        ("pwsh", Filter::Pwsh),
        ("powershell", Filter::Powershell),
        ("cmd", Filter::Cmd),
        ("goword", Filter::Goword),
    ];

    fn apply(self, text: &str) -> Option<String> {
        use super::quote;
        match self {
            Filter::Sh => quote::sh(text),
            Filter::Fish => quote::fish(text),
            Filter::Pwsh => quote::pwsh(text),
            Filter::Powershell => quote::powershell(text),
            Filter::Cmd => quote::cmd(text),
            Filter::Goword => quote::goword(text),
        }
    }
}

/// A rule's message, help or fix command, parsed when first needed: on most runs most
/// rules report nothing, and their texts are never rendered. A rule pack's are parsed
/// when it loads, so that their errors are reported at once; the built-in ones are
/// tested (`builtin_rules_compile_with_their_default_params`).
#[derive(Debug)]
pub struct LazyTemplate {
    text: String,
    parsed: OnceLock<Template>,
}

impl LazyTemplate {
    /// A template to parse on first use.
    pub fn new(text: &str) -> LazyTemplate {
        LazyTemplate {
            text: text.to_owned(),
            parsed: OnceLock::new(),
        }
    }

    /// A template parsed already.
    pub fn parsed(text: &str, template: Template) -> LazyTemplate {
        LazyTemplate {
            text: text.to_owned(),
            parsed: OnceLock::from(template),
        }
    }

    /// The template, parsed with the rule's `params`. A built-in text that does not
    /// parse (its test would fail) shows as it is written.
    pub fn get(&self, params: &BTreeMap<String, ParamValue>) -> &Template {
        self.parsed.get_or_init(|| {
            Template::parse(&self.text, params).unwrap_or_else(|_| Template {
                parts: vec![Part::Literal(self.text.clone())],
            })
        })
    }
}

/// What a template is resolved against.
#[derive(Clone, Copy)]
pub struct Scope<'a, 'd> {
    /// The node being tested (inside `on`, the node `on` reached).
    pub hit: Hit<'d>,
    /// The node the check's `select` found; `{.path}` is relative to it.
    pub selected: Hit<'d>,
    pub root: Hit<'d>,
    pub params: &'a BTreeMap<String, ParamValue>,
    pub repo: &'a dyn super::Repository,
    /// The text `extract` took from the node's value, tested in its place.
    pub extracted: Option<&'a str>,
}

impl Template {
    /// Compile a template; `params` are the names the rule declares.
    pub fn parse(text: &str, params: &BTreeMap<String, ParamValue>) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(['{', '}']) {
            literal.push_str(&rest[..i]);
            let tail = &rest[i..];
            // A GitHub expression, `${{ ... }}`, is literal text through its `}}`.
            if literal.ends_with('$') && tail.starts_with("{{") {
                let end = tail.find("}}").map_or(tail.len(), |e| e + 2);
                literal.push_str(&tail[..end]);
                rest = &tail[end..];
                continue;
            }
            if tail.starts_with("{{") || tail.starts_with("}}") {
                literal.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if tail.starts_with('}') {
                return Err("a lone `}` (write `}}` for a literal brace)".into());
            }
            let end = tail
                .find('}')
                .ok_or("an unclosed `{` (write `{{` for a literal brace)")?;
            let mut names = tail[1..end].split('|').map(str::trim);
            let name = names.next().unwrap_or_default();
            if !literal.is_empty() {
                parts.push(Part::Literal(std::mem::take(&mut literal)));
            }
            let part = Self::placeholder(name, params)?;
            let filters = names
                .map(|f| {
                    Filter::ALL
                        .iter()
                        .find(|(n, _)| *n == f)
                        .map(|(_, filter)| *filter)
                        .ok_or_else(|| {
                            format!("unknown filter `{f}` in `{{{name}|…}}`: use sh, fish, pwsh, powershell, cmd or goword")
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            parts.push(if filters.is_empty() {
                part
            } else {
                Part::Filtered(Box::new(part), filters)
            });
            rest = &tail[end + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Template { parts })
    }

    fn placeholder(name: &str, params: &BTreeMap<String, ParamValue>) -> Result<Part, String> {
        let query = |path: &str| Query::parse(path).map_err(|e| format!("in `{{{name}}}`: {e}"));
        Ok(match name {
            "value" => Part::Value,
            "raw" => Part::Raw,
            _ if name.starts_with('/') => Part::Root(query(&name[1..])?),
            _ if name.starts_with('.') => Part::Relative(query(&name[1..])?),
            _ if params.contains_key(name) => Part::Param(name.to_owned()),
            _ => {
                return Err(format!(
                    "unknown placeholder `{{{name}}}`: use {{value}}, {{raw}}, {{/path}}, {{.path}} or a declared param"
                ))
            }
        })
    }

    /// Substitute; `None` when a placeholder has nothing to stand for (a missing node,
    /// `{value}` of a node that is not a scalar, a value a filter cannot quote).
    pub fn resolve(&self, scope: &Scope<'_, '_>) -> Option<String> {
        self.parts.iter().map(|part| part.resolve(scope)).collect()
    }

    /// Substitute what can be; a missing value shows as `?` (for messages, which must
    /// always say something).
    pub fn render(&self, scope: &Scope<'_, '_>) -> String {
        self.parts
            .iter()
            .map(|part| {
                part.resolve(scope)
                    .unwrap_or(std::borrow::Cow::Borrowed("?"))
            })
            .collect()
    }

    /// Resolve using params only (literals and `{param}`), to see what was parsed.
    #[cfg(test)]
    fn resolve_static(&self, params: &BTreeMap<String, ParamValue>) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(s) => out.push_str(s),
                Part::Param(name) => out.push_str(&params.get(name)?.to_template_text()),
                Part::Filtered(part, filters) => {
                    let Part::Param(name) = part.as_ref() else {
                        return None;
                    };
                    let mut text = params.get(name)?.to_template_text();
                    for filter in filters {
                        text = filter.apply(&text)?;
                    }
                    out.push_str(&text);
                }
                _ => return None,
            }
        }
        Some(out)
    }
}

impl Part {
    fn resolve<'s>(&'s self, scope: &Scope<'s, 's>) -> Option<std::borrow::Cow<'s, str>> {
        use std::borrow::Cow::{Borrowed, Owned};
        Some(match self {
            Part::Literal(s) => Borrowed(s.as_str()),
            Part::Value => Borrowed(scope.hit.node.as_str()?),
            Part::Raw => Borrowed(scope.hit.raw()),
            Part::Param(name) => Owned(scope.params.get(name)?.to_template_text()),
            Part::Root(query) => Borrowed(query.first(scope.root)?.node.as_str()?),
            Part::Relative(query) => Borrowed(query.first(scope.selected)?.node.as_str()?),
            Part::Filtered(part, filters) => {
                let mut text = part.resolve(scope)?.into_owned();
                for filter in filters {
                    text = filter.apply(&text)?;
                }
                Owned(text)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_literals_placeholders_and_escapes() {
        let params = BTreeMap::from([("min_go".to_owned(), ParamValue::String("1.21".into()))]);
        let t = Template::parse("go {value} < {min_go} {{x}}", &params).unwrap();
        assert_eq!(t.resolve_static(&params), None);
        let t = Template::parse("at least {min_go} {{x}}", &params).unwrap();
        assert_eq!(
            t.resolve_static(&params).as_deref(),
            Some("at least 1.21 {x}")
        );
        assert!(Template::parse("{nope}", &params)
            .unwrap_err()
            .contains("unknown placeholder"));
        assert!(Template::parse("{value", &params).is_err());
        assert!(Template::parse("a } b", &params).is_err());
        assert!(Template::parse("{/go}", &params).is_ok());
        let t = Template::parse("use ${{ secrets.TOKEN }} not {min_go}", &params).unwrap();
        assert_eq!(
            t.resolve_static(&params).as_deref(),
            Some("use ${{ secrets.TOKEN }} not 1.21")
        );
        assert!(Template::parse("{.module..go}", &params).is_err());
        let t = Template::parse("go env -w X={min_go | goword|sh}", &params).unwrap();
        assert_eq!(
            t.resolve_static(&params).as_deref(),
            Some("go env -w X=1.21")
        );
        assert!(Template::parse("{value|bash}", &params)
            .unwrap_err()
            .contains("unknown filter `bash`"));
    }

    #[test]
    fn filters_quote_the_substituted_value() {
        let params = BTreeMap::from([(
            "dir".to_owned(),
            ParamValue::String("C:\\my dir\\ 100% it's".into()),
        )]);
        let cases = [
            ("{dir|sh}", r"'C:\my dir\ 100% it'\''s'"),
            ("{dir|fish}", r"'C:\\my dir\\ 100% it\'s'"),
            ("{dir|pwsh}", r"'C:\my dir\ 100% it''s'"),
            ("{dir|cmd}", r#""C:\my dir\ 100%% it's""#),
            ("{dir|goword|sh}", r#"'"C:\my dir\ 100% it'\''s"'"#),
        ];
        for (template, want) in cases {
            let t = Template::parse(template, &params).unwrap();
            assert_eq!(
                t.resolve_static(&params).as_deref(),
                Some(want),
                "{template}"
            );
        }
    }
}
