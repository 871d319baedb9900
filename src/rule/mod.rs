//! Rules: the TOML schema, compilation into queries and predicates, evaluation on a
//! document, the registry of built-in rules and packs, and the rule test runner.
//!
//! Nothing here reads the machine or the repository: evaluation sees only documents.

pub mod docs;
pub mod edit;
pub mod embedded;
pub mod eval;
mod pattern_params;
pub mod predicate;
pub mod query;
pub mod quote;
pub mod regex_table;
pub mod registry;
pub mod schema;
pub mod template;

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::document::Target;
use crate::error::SourceError;
use predicate::Predicate;
use query::Query;
use schema::{ParamValue, RuleSpec, RuleTarget, Severity, TestSpec};
use template::{LazyTemplate, Template};

/// What a rule may ask of the repository around a document. The workspace answers;
/// `rule/` itself never touches the file system.
pub trait Repository: Sync {
    /// Does `relative` (a path from the repository root of `doc`) name an existing file?
    fn file_exists(&self, doc: &crate::document::Document, relative: &str) -> bool;
}

/// A repository with no files, for evaluating documents that stand alone.
pub struct NoFiles;

impl Repository for NoFiles {
    fn file_exists(&self, _: &crate::document::Document, _: &str) -> bool {
        false
    }
}

/// A rule file as written: parsed and checked for shape, not yet compiled.
#[derive(Debug)]
pub struct RuleSource {
    pub path: String,
    /// Only for messages: a built-in rule's is borrowed, not copied, at every start.
    pub text: Cow<'static, str>,
    pub spec: RuleSpec,
    pub builtin: bool,
}

/// One check of a compiled rule.
#[derive(Debug)]
pub struct Check {
    pub select: Query,
    /// `None`: every selected node is reported.
    pub assert: Option<Predicate>,
    pub at: Option<Query>,
    pub message: Option<LazyTemplate>,
}

/// What a rule's fix is called and how safe it is; its commands and edits are
/// compiled apart (`fix_commands`, `fix_edits`).
#[derive(Debug)]
pub struct FixTitle {
    pub title: String,
    pub applicability: schema::Applicability,
}

/// Fix commands and when they apply (see [`schema::FixCase`]).
#[derive(Debug)]
pub struct CommandCase {
    pub within: Option<Target>,
    pub when: Option<Predicate>,
    pub commands: BTreeMap<schema::Shell, LazyTemplate>,
}

/// A rule ready to run: queries parsed, regexes and templates compiled, params settled.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub target: RuleTarget,
    pub also_targets: Vec<Target>,
    pub summary: String,
    pub message: LazyTemplate,
    pub help: Option<LazyTemplate>,
    pub group: Option<schema::Group>,
    pub references: Vec<String>,
    pub docs: String,
    /// Params in force: the defaults, with config overrides applied.
    pub params: BTreeMap<String, ParamValue>,
    pub checks: Vec<Check>,
    pub fix: Option<FixTitle>,
    /// `fix.case` then `fix.commands`, compiled: the first case that applies gives a
    /// finding its commands.
    pub fix_commands: Vec<CommandCase>,
    /// `[[fix.edit]]`, compiled.
    pub fix_edits: Vec<edit::FixEdit>,
    /// Where the rule was defined, for messages about it.
    pub path: String,
    pub builtin: bool,
}

/// `MOD001`: 2 to 5 capital letters, then 3 digits. (Checked by hand: a regex would be
/// compiled at every start-up, for every rule file.)
fn is_rule_id(id: &str) -> bool {
    let letters = id.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = &id.as_bytes()[letters..];
    (2..=5).contains(&letters) && digits.len() == 3 && digits.iter().all(u8::is_ascii_digit)
}

/// `missing-go-directive`: lowercase words of letters and digits joined by single dashes,
/// starting with a letter.
fn is_rule_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

impl RuleSource {
    /// Parse a rule file and check what the types alone cannot.
    pub fn parse(path: &str, text: &str, builtin: bool) -> Result<RuleSource, SourceError> {
        let spec: RuleSpec =
            toml::from_str(text).map_err(|e| SourceError::from_toml(path, text, &e))?;
        RuleSource::checked(path, Cow::Owned(text.to_owned()), spec, builtin)
    }

    /// A built-in rule from the form build.rs embeds (no docs, no tests, no spans);
    /// `text` is its file, for messages. No form means the file did not parse at build
    /// time: it is parsed now, to report the error.
    pub fn from_builtin(
        path: &str,
        text: &'static str,
        form: Option<&'static embedded::Value>,
    ) -> Result<RuleSource, SourceError> {
        let Some(form) = form else {
            return RuleSource::parse(path, text, true);
        };
        let spec = <RuleSpec as serde::Deserialize>::deserialize(form)
            .map_err(|e| SourceError::new(path, text, None, e.to_string()))?;
        RuleSource::checked(path, Cow::Borrowed(text), spec, true)
    }

    /// Check what the types alone cannot.
    fn checked(
        path: &str,
        text: Cow<'static, str>,
        spec: RuleSpec,
        builtin: bool,
    ) -> Result<RuleSource, SourceError> {
        let fail = |span, message: &str| Err(SourceError::new(path, &text, Some(span), message));
        if !is_rule_id(spec.id.get_ref()) {
            return fail(
                spec.id.span(),
                "a rule id is 2 to 5 capital letters and 3 digits, e.g. `MOD001`",
            );
        }
        if !is_rule_name(spec.name.get_ref()) {
            return fail(
                spec.name.span(),
                "a rule name is a kebab-case slug, e.g. `missing-go-directive`",
            );
        }
        if spec.references.get_ref().is_empty() {
            return fail(
                spec.references.span(),
                "a rule cites at least one reference",
            );
        }
        for (name, value) in &spec.params {
            if matches!(name.as_str(), "value" | "raw") {
                return fail(
                    value.span(),
                    "`value` and `raw` are reserved template names",
                );
            }
        }
        match spec.target {
            RuleTarget::Env | RuleTarget::Any if !spec.also_targets.is_empty() => {
                return fail(spec.id.span(), "also_targets goes with a file target");
            }
            RuleTarget::File(_) | RuleTarget::Env if spec.check.is_empty() => {
                return fail(spec.id.span(), "a rule needs at least one [[check]]")
            }
            RuleTarget::Any if !spec.check.is_empty() => {
                return fail(
                    spec.check[0].select.span(),
                    "a rule with target \"any\" is reported by the engine and has no [[check]]",
                )
            }
            _ => {}
        }
        for test in &spec.test {
            let t = test.get_ref();
            let inputs = [t.text.is_some(), !t.files.is_empty(), t.facts.is_some()];
            if t.text.is_some() && !t.files.is_empty() || !inputs.contains(&true) {
                return fail(
                    test.span(),
                    "a [[test]] has `text` or `files`, and/or `facts`",
                );
            }
            let machine_only = matches!(
                spec.target,
                RuleTarget::File(Target::Machine | Target::ProcessEnv | Target::GoEnvFile)
            );
            if machine_only && t.facts.is_none() {
                return fail(test.span(), "a machine rule's [[test]] gives `facts`");
            }
        }
        Ok(RuleSource {
            path: path.to_owned(),
            text,
            spec,
            builtin,
        })
    }

    pub fn id(&self) -> &str {
        self.spec.id.get_ref()
    }
    pub fn name(&self) -> &str {
        self.spec.name.get_ref()
    }
    pub fn tests(&self) -> impl Iterator<Item = &TestSpec> {
        self.spec.test.iter().map(|t| t.get_ref())
    }

    /// The params with `overrides` applied; an override must name a declared param and
    /// have the default's type. The error names the override at fault.
    pub fn params_with(
        &self,
        overrides: &BTreeMap<String, ParamValue>,
    ) -> Result<BTreeMap<String, ParamValue>, (String, String)> {
        let mut params: BTreeMap<String, ParamValue> = self
            .spec
            .params
            .iter()
            .map(|(k, v)| (k.clone(), v.get_ref().clone()))
            .collect();
        for (name, value) in overrides {
            let Some(default) = params.get(name) else {
                let known: Vec<&str> = params.keys().map(String::as_str).collect();
                return Err((
                    name.clone(),
                    format!(
                        "rule {} has no param `{name}` (its params: {})",
                        self.id(),
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            };
            if default.kind() != value.kind() {
                return Err((
                    name.clone(),
                    format!(
                        "param `{name}` of rule {} is {}, not {}",
                        self.id(),
                        default.kind(),
                        value.kind()
                    ),
                ));
            }
            params.insert(name.clone(), value.clone());
        }
        Ok(params)
    }

    /// Compile with params in force (see [`RuleSource::params_with`]).
    pub fn compile(&self, params: BTreeMap<String, ParamValue>) -> Result<Rule, SourceError> {
        let spec = &self.spec;
        let located = |span: std::ops::Range<usize>, message: String| {
            SourceError::new(&self.path, &self.text, Some(span), message)
        };
        // A pack's templates are parsed now, to report their errors at their line.
        let template = |text: &str, span: std::ops::Range<usize>| match self.builtin {
            true => Ok(LazyTemplate::new(text)),
            false => Template::parse(text, &params)
                .map(|t| LazyTemplate::parsed(text, t))
                .map_err(|m| located(span, m)),
        };
        let mut checks = Vec::new();
        for check in &spec.check {
            let query = |s: &schema::Spanned<String>| {
                Query::parse(s.get_ref())
                    .map_err(|e| located(s.span(), format!("invalid path: {e}")))
            };
            checks.push(Check {
                select: query(&check.select)?,
                assert: match &check.assert {
                    Some(spec) => {
                        let predicate = Predicate::compile(spec, &params)
                            .map_err(|e| located(e.span, e.message))?;
                        // A user's regex is checked now, to be reported at its line;
                        // built-ins are tested, and compile theirs when first used.
                        if !self.builtin {
                            predicate
                                .check_regexes()
                                .map_err(|e| located(e.span, e.message))?;
                        }
                        Some(predicate)
                    }
                    None => None,
                },
                at: check.at.as_ref().map(query).transpose()?,
                message: check
                    .message
                    .as_deref()
                    .map(|m| template(m, check.select.span()))
                    .transpose()?,
            });
        }
        Ok(Rule {
            id: self.id().to_owned(),
            name: self.name().to_owned(),
            severity: spec.severity,
            target: spec.target,
            also_targets: spec.also_targets.clone(),
            summary: spec.summary.clone(),
            message: template(spec.message.get_ref(), spec.message.span())?,
            help: spec
                .help
                .as_deref()
                .map(|h| template(h, spec.message.span()))
                .transpose()?,
            group: spec.group,
            references: spec.references.get_ref().clone(),
            docs: spec.docs.clone(),
            checks,
            fix: spec.fix.as_ref().map(|fix| FixTitle {
                title: fix.title.clone(),
                applicability: fix.applicability,
            }),
            fix_commands: match &spec.fix {
                Some(fix) => {
                    let commands = |commands: &BTreeMap<schema::Shell, String>| {
                        commands
                            .iter()
                            .map(|(shell, c)| Ok((*shell, template(c, spec.message.span())?)))
                            .collect::<Result<_, SourceError>>()
                    };
                    let mut cases = Vec::new();
                    for case in &fix.case {
                        let when = case
                            .when
                            .as_ref()
                            .map(|w| {
                                Predicate::compile(w, &params)
                                    .map_err(|e| located(e.span, e.message))
                            })
                            .transpose()?;
                        cases.push(CommandCase {
                            within: case.within,
                            when,
                            commands: commands(&case.commands)?,
                        });
                    }
                    cases.push(CommandCase {
                        within: None,
                        when: None,
                        commands: commands(&fix.commands)?,
                    });
                    cases
                }
                None => Vec::new(),
            },
            fix_edits: spec
                .fix
                .iter()
                .flat_map(|f| &f.edit)
                .map(|e| {
                    let edit = edit::FixEdit::compile(e.get_ref(), &params)
                        .map_err(|m| located(e.span(), m))?;
                    // As for predicates: a user's regexes are checked now, built-ins'
                    // compile when first used.
                    if !self.builtin {
                        edit.check_regexes().map_err(|m| located(e.span(), m))?;
                    }
                    Ok(edit)
                })
                .collect::<Result<_, SourceError>>()?,
            path: self.path.clone(),
            builtin: self.builtin,
            params,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_have_one_shape() {
        for good in ["MOD001", "GHA123", "ABCDE999"] {
            assert!(is_rule_id(good), "{good}");
        }
        for bad in [
            "M001",
            "ABCDEF001",
            "MOD01",
            "MOD0001",
            "mod001",
            "MOD00x",
            "",
        ] {
            assert!(!is_rule_id(bad), "{bad}");
        }
        for good in ["missing-go-directive", "go1-line", "x"] {
            assert!(is_rule_name(good), "{good}");
        }
        for bad in ["Missing", "a--b", "-a", "a-", "1a", "a_b", ""] {
            assert!(!is_rule_name(bad), "{bad}");
        }
    }
}
