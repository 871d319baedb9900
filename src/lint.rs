//! The rule set of a run (built-ins and packs, shaped by config) and linting documents
//! with it: rules in parallel over documents, then per-path ignores, inline
//! suppressions and a stable order.

use std::collections::BTreeMap;
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::diag::config::{selects, Config, Origin, Selector};
use crate::diag::suppression::{self, Date};
use crate::diag::{self, Diagnostic};
use crate::document::{Document, Entry, Node, Span};
use crate::error::Error;
use crate::rule::eval::SharedSelects;
use crate::rule::registry::{self, BuiltinRule, Wanted};
use crate::rule::schema::{ParamValue, RuleTarget, Severity};
use crate::rule::{Repository, Rule, RuleSource};
use crate::workspace::{FileProblem, ProblemKind, WalkError};

/// The engine's own rules (rules/core/): reported by the pipeline, not by checks.
pub mod core {
    pub const SYNTAX_ERROR: &str = "SYS001";
    pub const UNREADABLE_FILE: &str = "SYS002";
    pub const FILE_TOO_LARGE: &str = "SYS003";
    pub const UNUSED_SUPPRESSION: &str = "SYS004";
    pub const EXPIRED_SUPPRESSION: &str = "SYS005";
    pub const INVALID_SUPPRESSION: &str = "SYS006";
    /// Reported whatever `select` says (a file we could not read is never a pass);
    /// only an explicit `ignore` turns them off.
    pub const ALWAYS_ON: [&str; 3] = [SYNTAX_ERROR, UNREADABLE_FILE, FILE_TOO_LARGE];
}

pub const DEFAULT_DOCS_URL: &str = "https://github.com/gopolicy/gopolicy/blob/main/docs/rules/";

/// Selection flags from the command line, added to the config's.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub extra_packs: Vec<std::path::PathBuf>,
}

pub struct RuleSet {
    /// Every known rule, sorted by id.
    pub rules: Vec<Rule>,
    enabled: Vec<bool>,
    /// The rules' select queries, each distinct one numbered once (see [`SharedSelects`]).
    selects: SharedSelects,
    per_file_ignores: Vec<(GlobSet, Vec<String>)>,
    root: std::path::PathBuf,
    docs_url: String,
    today: Date,
    /// (id, name) of built-in rules that exist but were not loaded for this run.
    others: Vec<(String, String)>,
    /// Built-in environment rules left to compile the first time a document has
    /// environment assignments (see [`RuleSet::load_for`]); not in `rules`.
    deferred: Vec<Deferred>,
    deferred_rules: std::sync::OnceLock<Vec<Rule>>,
}

/// A rule to compile. A built-in one is read from the form build.rs embeds only then,
/// and that form dropped once compiled: the forms of all the rules (larger than the
/// compiled rules) never sit in memory at once, and a short run touches fewer pages.
enum ToCompile<'s> {
    Builtin(&'static BuiltinRule),
    Source(&'s RuleSource),
}

impl ToCompile<'_> {
    fn id(&self) -> &str {
        match self {
            ToCompile::Builtin(rule) => rule.id,
            ToCompile::Source(source) => source.id(),
        }
    }
    fn name(&self) -> &str {
        match self {
            ToCompile::Builtin(rule) => rule.name,
            ToCompile::Source(source) => source.name(),
        }
    }
}

/// A built-in rule not compiled yet, with what config says of it.
struct Deferred {
    builtin: &'static BuiltinRule,
    severity: Severity,
    enabled: bool,
}

impl RuleSet {
    /// Load the built-in rules and the packs, then apply the config and command line.
    pub fn load(config: &Config, overrides: &Overrides) -> Result<RuleSet, Error> {
        RuleSet::load_for(config, overrides, None)
    }

    /// As [`RuleSet::load`], compiling only the built-in rules for these kinds of
    /// document (and the engine's and environment rules): a pre-commit run on one go.mod
    /// need not compile the CI rules.
    ///
    /// The built-in environment rules (over half of the rule bytes a workflow needs) run
    /// only on a file's environment assignments, which most files have none of: unless
    /// the machine is checked (whose documents always have some) or config gives them
    /// params (whose errors must show now), they are compiled when first needed.
    pub fn load_for(
        config: &Config,
        overrides: &Overrides,
        targets: Option<&std::collections::BTreeSet<crate::document::Target>>,
    ) -> Result<RuleSet, Error> {
        use crate::document::Target;
        let machine =
            |t: &Target| matches!(t, Target::Machine | Target::ProcessEnv | Target::GoEnvFile);
        let wanted = |rule: &BuiltinRule| {
            let Some(targets) = targets else {
                return Wanted::Load;
            };
            let target = rule.targets;
            if target == "env" && targets.iter().any(|t| t.assigns_environment()) {
                let deferrable = !targets.iter().any(machine)
                    && rule.form.is_some()
                    && Severity::from_name(rule.severity).is_some()
                    && !config
                        .params
                        .iter()
                        .any(|(s, _)| selects(&s.text, rule.id, rule.name));
                return if deferrable {
                    Wanted::Defer
                } else {
                    Wanted::Load
                };
            }
            let load = target == "any"
                || target
                    .split(',')
                    .any(|name| targets.iter().any(|t| t.name() == name));
            if load {
                Wanted::Load
            } else {
                Wanted::Skip
            }
        };
        let builtin = registry::builtin_for_checking(&wanted);
        let mut packs = Vec::new();
        for pack in config.rule_packs.iter().chain(&overrides.extra_packs) {
            packs.extend(registry::load_pack(pack)?);
        }
        let all_builtin: Vec<&BuiltinRule> = builtin
            .loaded
            .iter()
            .chain(&builtin.deferred)
            .copied()
            .collect();
        registry::check_unique(&packs, &all_builtin)?;
        let mut sources: Vec<ToCompile> = builtin
            .loaded
            .iter()
            .map(|&rule| ToCompile::Builtin(rule))
            .chain(packs.iter().map(ToCompile::Source))
            .collect();
        sources.sort_by(|a, b| a.id().cmp(b.id()));
        RuleSet::from_sources_knowing(
            &sources,
            &builtin.deferred,
            &builtin.skipped,
            config,
            overrides,
        )
    }

    /// Compile `sources` (sorted by id) under a config.
    pub fn from_sources(
        sources: &[&RuleSource],
        config: &Config,
        overrides: &Overrides,
    ) -> Result<RuleSet, Error> {
        let sources: Vec<ToCompile> = sources.iter().map(|&s| ToCompile::Source(s)).collect();
        RuleSet::from_sources_knowing(&sources, &[], &[], config, overrides)
    }

    /// Compile `sources` under a config; `deferred` are built-in rules to compile when
    /// first needed (after `sources` in the indices below), `others` rules that exist
    /// but were not loaded, which a selector may name without error.
    fn from_sources_knowing(
        sources: &[ToCompile],
        deferred: &[&'static BuiltinRule],
        others: &[(&str, &str)],
        config: &Config,
        overrides: &Overrides,
    ) -> Result<RuleSet, Error> {
        let keys: Vec<(&str, &str)> = sources
            .iter()
            .map(|s| (s.id(), s.name()))
            .chain(deferred.iter().map(|d| (d.id, d.name)))
            .collect();
        let matching = |selector: &Selector| -> Result<Vec<usize>, Error> {
            let found: Vec<usize> = keys
                .iter()
                .enumerate()
                .filter(|(_, (id, name))| selects(&selector.text, id, name))
                .map(|(i, _)| i)
                .collect();
            let known_elsewhere = || {
                others
                    .iter()
                    .any(|(id, name)| selects(&selector.text, id, name))
            };
            if found.is_empty() && !known_elsewhere() {
                return Err(config.error(
                    &selector.origin,
                    format!("`{}` matches no rule", selector.text),
                ));
            }
            Ok(found)
        };
        let cli = |texts: &[String]| -> Vec<Selector> {
            texts
                .iter()
                .map(|t| Selector {
                    text: t.clone(),
                    origin: Origin::CommandLine,
                })
                .collect()
        };

        // Params and severities, by rule. Params index `sources` only: `load_for` never
        // defers a rule that a params selector selects (it is compiled with them).
        let mut params: Vec<BTreeMap<String, ParamValue>> = vec![BTreeMap::new(); sources.len()];
        let mut param_origins: Vec<BTreeMap<String, Origin>> = vec![BTreeMap::new(); sources.len()];
        for (selector, values) in &config.params {
            for i in matching(selector)? {
                for (name, (value, origin)) in values {
                    params[i].insert(name.clone(), value.clone());
                    param_origins[i].insert(name.clone(), origin.clone());
                }
            }
        }
        let mut severities: Vec<Option<Severity>> = vec![None; keys.len()];
        for (selector, severity) in &config.severity {
            for i in matching(selector)? {
                severities[i] = Some(*severity);
            }
        }
        let mut rules = Vec::with_capacity(sources.len());
        for (i, source) in sources.iter().enumerate() {
            let read;
            let source = match source {
                ToCompile::Builtin(rule) => {
                    read = rule.source()?;
                    &read
                }
                ToCompile::Source(source) => *source,
            };
            let resolved = source.params_with(&params[i]).map_err(|(name, message)| {
                let origin = param_origins[i]
                    .get(&name)
                    .cloned()
                    .unwrap_or(Origin::CommandLine);
                config.error(&origin, message)
            })?;
            let mut rule = source.compile(resolved)?;
            if let Some(severity) = severities[i] {
                rule.severity = severity;
            }
            rules.push(rule);
        }

        // Which rules run: select (config, then command line, which replaces it), minus ignore.
        let select = overrides
            .select
            .as_deref()
            .map(cli)
            .or_else(|| config.select.clone());
        let mut enabled = vec![select.is_none(); keys.len()];
        for selector in select.iter().flatten() {
            for i in matching(selector)? {
                enabled[i] = true;
            }
        }
        let mut explicitly_ignored = vec![false; keys.len()];
        for selector in config.ignore.iter().chain(&cli(&overrides.ignore)) {
            for i in matching(selector)? {
                enabled[i] = false;
                explicitly_ignored[i] = true;
            }
        }
        for (i, (id, _)) in keys.iter().enumerate() {
            if core::ALWAYS_ON.contains(id) && !explicitly_ignored[i] {
                enabled[i] = true;
            }
        }

        let mut per_file_ignores = Vec::new();
        for (glob, origin, selectors) in &config.per_file_ignores {
            let glob =
                Glob::new(glob).map_err(|e| config.error(origin, format!("invalid glob: {e}")))?;
            let set = GlobSetBuilder::new()
                .add(glob)
                .build()
                .map_err(|e| config.error(origin, format!("invalid glob: {e}")))?;
            for selector in selectors {
                matching(selector)?;
            }
            per_file_ignores.push((set, selectors.iter().map(|s| s.text.clone()).collect()));
        }

        let deferred = deferred
            .iter()
            .enumerate()
            .map(|(j, &builtin)| {
                let i = sources.len() + j;
                Deferred {
                    builtin,
                    // load_for defers only rules whose severity reads.
                    severity: severities[i]
                        .or(Severity::from_name(builtin.severity))
                        .unwrap_or(Severity::Error),
                    enabled: enabled[i],
                }
            })
            .collect();
        enabled.truncate(sources.len());
        Ok(RuleSet {
            selects: SharedSelects::new(&rules),
            rules,
            enabled,
            per_file_ignores,
            root: config.root.clone(),
            docs_url: config
                .docs_url
                .clone()
                .unwrap_or_else(|| DEFAULT_DOCS_URL.to_owned()),
            today: Date::today(),
            others: others
                .iter()
                .map(|(i, n)| (i.to_string(), n.to_string()))
                .collect(),
            deferred,
            deferred_rules: std::sync::OnceLock::new(),
        })
    }

    /// The deferred rules, compiled on first call. Built-in rules are tested to compile
    /// with their defaults (`test-rules`), and config gave these no params: a failure
    /// is a bug in the build.
    fn deferred_rules(&self) -> &[Rule] {
        self.deferred_rules.get_or_init(|| {
            self.deferred
                .iter()
                .map(|d| {
                    let compiled = d.builtin.source().and_then(|source| {
                        source.compile(source.params_with(&BTreeMap::new()).unwrap_or_default())
                    });
                    let mut rule = compiled
                        .unwrap_or_else(|e| panic!("built-in rule {}: {e}", d.builtin.path));
                    rule.severity = d.severity;
                    rule
                })
                .collect()
        })
    }

    /// Every rule and whether it is enabled, compiling the deferred ones.
    fn all_rules(&self) -> impl Iterator<Item = (&Rule, bool)> {
        let deferred: &[Rule] = if self.deferred.is_empty() {
            &[]
        } else {
            self.deferred_rules()
        };
        self.rules
            .iter()
            .zip(self.enabled.iter().copied())
            .chain(deferred.iter().zip(self.deferred.iter().map(|d| d.enabled)))
    }

    /// Is there a rule with this id or name, loaded or not?
    fn knows(&self, key: &str) -> bool {
        self.rules.iter().any(|r| r.id == key || r.name == key)
            || self
                .deferred
                .iter()
                .any(|d| d.builtin.id == key || d.builtin.name == key)
            || self
                .others
                .iter()
                .any(|(id, name)| id == key || name == key)
    }

    /// Find a rule by id or name.
    pub fn find(&self, key: &str) -> Option<&Rule> {
        self.all_rules()
            .map(|(r, _)| r)
            .find(|r| r.id == key || r.name == key)
    }

    /// Which of go env's variables the machine's facts need for these rules: all when an
    /// enabled rule of a rule pack reads the machine document (it may read any), else
    /// those the built-in rules read, which exclude the ones go asks the C compiler for.
    pub fn go_env_scope(&self) -> crate::facts::GoEnvScope {
        let from_pack = self.rules.iter().zip(&self.enabled).any(|(r, &on)| {
            on && !r.builtin && r.applies_to_kind(crate::document::Target::Machine)
        });
        if from_pack {
            crate::facts::GoEnvScope::All
        } else {
            crate::facts::GoEnvScope::WithoutCompiler
        }
    }

    pub fn is_enabled(&self, id: &str) -> bool {
        self.rules
            .iter()
            .zip(&self.enabled)
            .any(|(r, &on)| on && r.id == id)
            || self
                .deferred
                .iter()
                .any(|d| d.enabled && d.builtin.id == id)
    }

    /// Keep only the rules `keep` accepts enabled (the rule test runner runs one rule).
    pub fn restrict(&mut self, keep: impl Fn(&Rule) -> bool) {
        for (rule, on) in self.rules.iter().zip(self.enabled.iter_mut()) {
            *on = *on && (keep(rule) || core::ALWAYS_ON.contains(&rule.id.as_str()));
        }
        if !self.deferred.is_empty() {
            let kept: Vec<bool> = self.deferred_rules().iter().map(&keep).collect();
            for (d, kept) in self.deferred.iter_mut().zip(kept) {
                d.enabled = d.enabled && kept;
            }
        }
    }

    /// Lint the documents and fold in the files that could not be read; sorted.
    pub fn lint(
        &self,
        documents: &[Arc<Document>],
        problems: &[FileProblem],
        walk_errors: &[WalkError],
        repo: &dyn Repository,
    ) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = documents
            .par_iter()
            .flat_map_iter(|doc| self.lint_document(doc, repo))
            .collect();
        out.extend(self.unread(problems, walk_errors));
        diag::sort(&mut out);
        out
    }

    /// The diagnostics of the files that could not be read (unsorted).
    pub fn unread(&self, problems: &[FileProblem], walk_errors: &[WalkError]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for problem in problems {
            let id = match problem.kind {
                ProblemKind::Unreadable => core::UNREADABLE_FILE,
                ProblemKind::TooLarge => core::FILE_TOO_LARGE,
            };
            out.extend(self.file_diagnostic(id, &problem.display, problem.message.clone()));
        }
        for error in walk_errors {
            let message = format!("cannot read {}: {}", error.display, error.message);
            out.extend(self.file_diagnostic(core::UNREADABLE_FILE, &error.display, message));
        }
        out
    }

    fn file_diagnostic(&self, id: &str, path: &str, message: String) -> Option<Diagnostic> {
        let rule = self.enabled_rule(id)?;
        Some(self.decorate(Diagnostic::for_file(
            path,
            &rule.id,
            &rule.name,
            rule.severity,
            message,
        )))
    }

    fn enabled_rule(&self, id: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .zip(&self.enabled)
            .find(|(r, &on)| on && r.id == id)
            .map(|(r, _)| r)
    }

    fn engine_diagnostic(
        &self,
        doc: &Document,
        id: &str,
        span: Span,
        message: String,
    ) -> Option<Diagnostic> {
        let rule = self.enabled_rule(id)?;
        Some(self.decorate(Diagnostic::at(
            &doc.source,
            span,
            &rule.id,
            &rule.name,
            rule.severity,
            message,
        )))
    }

    fn decorate(&self, mut d: Diagnostic) -> Diagnostic {
        d.url = Some(self.docs_url(&d.id));
        d
    }

    /// The documentation page of the rule `id`.
    pub fn docs_url(&self, id: &str) -> String {
        format!("{}{id}.md", self.docs_url)
    }

    /// The rules that run and that `wanted` keeps (by id), as reports describe them: a
    /// report describes only the rules that reported something.
    pub fn infos_of(
        &self,
        wanted: impl Fn(&str) -> bool,
    ) -> BTreeMap<String, crate::report::RuleInfo> {
        let mut infos: BTreeMap<String, crate::report::RuleInfo> = self
            .rules
            .iter()
            .zip(&self.enabled)
            .filter(|(r, &on)| on && wanted(&r.id))
            .map(|(r, _)| {
                let info = crate::report::RuleInfo::new(r, self.docs_url(&r.id));
                (r.id.clone(), info)
            })
            .collect();
        // What build.rs keeps of a deferred rule is enough: no need to compile it.
        for d in self
            .deferred
            .iter()
            .filter(|d| d.enabled && wanted(d.builtin.id))
        {
            let rule = d.builtin;
            let info = crate::report::RuleInfo {
                id: rule.id.to_owned(),
                name: rule.name.to_owned(),
                severity: d.severity,
                summary: rule.summary.to_owned(),
                url: self.docs_url(rule.id),
                docs: String::new(),
                builtin: true,
            };
            infos.insert(info.id.clone(), info);
        }
        infos
    }

    /// Every diagnostic for one document, suppressions applied.
    pub fn lint_document(&self, doc: &Document, repo: &dyn Repository) -> Vec<Diagnostic> {
        let mut found: Vec<Diagnostic> = Vec::new();
        for error in &doc.errors {
            found.extend(self.engine_diagnostic(
                doc,
                core::SYNTAX_ERROR,
                error.span,
                error.message.clone(),
            ));
        }
        // Rules judge files Go itself accepts; a file with syntax errors gets only those.
        if doc.errors.is_empty() {
            let enabled = || {
                self.rules
                    .iter()
                    .zip(&self.enabled)
                    .filter(|(_, &on)| on)
                    .map(|(r, _)| r)
            };
            // Each distinct select query is run at most once on this document.
            let mut selections = vec![None; self.selects.count];
            let with_ids = self.rules.iter().zip(&self.selects.ids).zip(&self.enabled);
            for ((rule, ids), _) in with_ids.filter(|(_, &on)| on) {
                if !rule.applies_to(doc) {
                    continue;
                }
                found.extend(
                    rule.evaluate_shared(doc, repo, ids, &mut selections)
                        .into_iter()
                        .map(|d| self.decorate(d)),
                );
            }
            let deferred_on = self.deferred.iter().any(|d| d.enabled);
            let has_env_rules = deferred_on || enabled().any(|r| r.target == RuleTarget::Env);
            if let Some(view) = has_env_rules.then(|| env_view(doc)).flatten() {
                let env_rules = self
                    .all_rules()
                    .filter(|&(r, on)| on && r.target == RuleTarget::Env)
                    .map(|(r, _)| r);
                for rule in env_rules {
                    found.extend(
                        rule.evaluate_on(doc, &view, repo)
                            .into_iter()
                            .map(|d| self.decorate(d)),
                    );
                }
            }
        }
        self.drop_per_file_ignores(doc, &mut found);
        self.apply_suppressions(doc, found)
    }

    fn drop_per_file_ignores(&self, doc: &Document, found: &mut Vec<Diagnostic>) {
        if self.per_file_ignores.is_empty() {
            return;
        }
        let absolute = crate::workspace::load::normalize(std::path::Path::new(doc.path()));
        let relative = absolute.strip_prefix(&self.root).unwrap_or(&absolute);
        let selectors: Vec<&String> = self
            .per_file_ignores
            .iter()
            .filter(|(set, _)| set.is_match(relative))
            .flat_map(|(_, s)| s)
            .collect();
        found.retain(|d| !selectors.iter().any(|s| selects(s, &d.id, &d.name)));
    }

    fn apply_suppressions(&self, doc: &Document, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let (suppressions, malformed) = suppression::collect(doc);
        let mut out = Vec::new();
        for m in malformed {
            out.extend(self.engine_diagnostic(
                doc,
                core::INVALID_SUPPRESSION,
                m.span,
                format!("invalid suppression: {}", m.message),
            ));
        }
        let mut used = vec![false; suppressions.len()];
        let live: Vec<bool> = suppressions
            .iter()
            .map(|s| s.until.is_none_or(|u| self.today <= u))
            .collect();
        for d in found {
            let by = suppressions.iter().enumerate().find(|(i, s)| {
                live[*i]
                    && s.line.is_none_or(|l| l == d.start.line)
                    && s.rules.iter().any(|r| *r == d.id || *r == d.name)
            });
            match by {
                Some((i, _)) if !core::ALWAYS_ON.contains(&d.id.as_str()) => used[i] = true,
                _ => out.push(d),
            }
        }
        for (i, s) in suppressions.iter().enumerate() {
            let rules = s.rules.join(",");
            if let Some(unknown) = s.rules.iter().find(|r| !self.knows(r)) {
                out.extend(self.engine_diagnostic(
                    doc,
                    core::INVALID_SUPPRESSION,
                    s.span,
                    format!("invalid suppression: no rule is called `{unknown}`"),
                ));
            } else if !live[i] {
                let until = s.until.map(|u| u.to_string()).unwrap_or_default();
                out.extend(self.engine_diagnostic(
                    doc,
                    core::EXPIRED_SUPPRESSION,
                    s.span,
                    format!(
                        "suppression of {rules} expired on {until}; the finding is reported again"
                    ),
                ));
            } else if !used[i]
                && s.rules
                    .iter()
                    .all(|r| self.find(r).is_some_and(|rule| self.is_enabled(&rule.id)))
            {
                let mut d = self.engine_diagnostic(
                    doc,
                    core::UNUSED_SUPPRESSION,
                    s.span,
                    format!("unused suppression: {rules} reports nothing here"),
                );
                if let (Some(d), Some(span)) = (&mut d, suppression::removal(doc, s)) {
                    d.fix = Some(crate::diag::Fix {
                        title: "Delete the unused suppression".to_owned(),
                        applicability: crate::rule::schema::Applicability::Safe,
                        commands: Default::default(),
                        edits: vec![crate::diag::Edit::at(&doc.source, span, String::new())],
                    });
                }
                out.extend(d);
            }
        }
        out
    }
}

/// The document's environment assignments as a tree `{env: [...]}`, when it has some.
fn env_view(doc: &Document) -> Option<Node> {
    let assignments = crate::source::env::assignments(doc);
    if assignments.is_empty() {
        return None;
    }
    let span = doc.root.span;
    Some(Node::map(
        span,
        vec![Entry {
            key: "env".into(),
            key_span: span,
            value: Node::list(span, assignments),
        }],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Encoding, SourceText, Target};

    fn workflow(text: &str) -> Document {
        let source = SourceText::new(".github/workflows/ci.yml", text.to_owned(), Encoding::Utf8);
        crate::source::parse(source, Target::GithubWorkflow)
    }

    /// The environment rules a workflow check defers report, select and describe as
    /// when loaded with the others, and are compiled only for a file with assignments.
    #[test]
    fn deferred_env_rules_act_as_loaded() {
        let config = Config::parse(
            std::path::Path::new("gopolicy.toml"),
            "ignore = [\"ENV004\", \"go111module-off\"]\n[severity]\ngoflags-mod-mod = \"info\"\n",
        )
        .unwrap();
        let overrides = Overrides::default();
        let targets = [Target::GithubWorkflow].into();
        let lazy = RuleSet::load_for(&config, &overrides, Some(&targets)).unwrap();
        let eager = RuleSet::load(&config, &overrides).unwrap();
        assert!(lazy.deferred.iter().any(|d| d.builtin.id == "ENV017"));
        assert!(lazy.rules.iter().all(|r| r.target != RuleTarget::Env));

        let plain = workflow("on: [push]\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go build\n");
        assert_eq!(
            lazy.lint_document(&plain, &crate::rule::NoFiles),
            eager.lint_document(&plain, &crate::rule::NoFiles)
        );
        assert!(
            lazy.deferred_rules.get().is_none(),
            "nothing to compile them for"
        );

        let assigning = workflow(concat!(
            "on: [push]\nenv:\n  GOFLAGS: -mod=mod\n  GO111MODULE: off\n  GOPROXY: direct,off\n",
            "jobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go build\n",
        ));
        let found = lazy.lint_document(&assigning, &crate::rule::NoFiles);
        assert_eq!(
            found,
            eager.lint_document(&assigning, &crate::rule::NoFiles)
        );
        let env017: Vec<_> = found.iter().filter(|d| d.id == "ENV017").collect();
        assert_eq!(env017.len(), 1, "{found:?}");
        assert_eq!(env017[0].severity, Severity::Info);
        assert!(
            found.iter().all(|d| !d.name.contains("go111module")),
            "{found:?}"
        );

        let infos = lazy.infos_of(|_| true);
        let all = eager.infos_of(|_| true);
        assert!(infos.contains_key("ENV017") && !infos.contains_key("ENV004"));
        for (id, info) in &infos {
            assert_eq!(format!("{info:?}"), format!("{:?}", all[id]), "{id}");
        }
        for key in ["ENV017", "goflags-mod-mod", "GHA001"] {
            assert!(lazy.knows(key), "{key}");
        }
        assert!(lazy.is_enabled("ENV017") && !lazy.is_enabled("ENV005"));
    }
}
