//! A rule's documentation page, generated from its file: `gopolicy explain` prints it and
//! docs/rules/ID.md holds it (a test keeps those files current).

use super::schema::{Expectation, ParamValue, RuleTarget};
use super::RuleSource;

pub fn markdown(source: &RuleSource) -> String {
    let spec = &source.spec;
    let target = match spec.target {
        RuleTarget::File(t) => t.name(),
        RuleTarget::Env => "environment assignments in any file",
        RuleTarget::Any => "any file",
    };
    let also: Vec<&str> = spec.also_targets.iter().map(|t| t.name()).collect();
    let target = if also.is_empty() {
        target.to_owned()
    } else {
        format!("{target}, {}", also.join(", "))
    };
    let mut out = format!(
        "# {} {}\n\n{}\n\n- Severity: {}\n- Applies to: {}\n- Defined in: `{}`\n\n",
        source.id(),
        source.name(),
        spec.summary.trim(),
        spec.severity.name(),
        target,
        source.path
    );
    out.push_str(spec.docs.trim());
    out.push_str("\n\n");
    if !spec.params.is_empty() {
        out.push_str("## Parameters\n\n| name | default |\n|---|---|\n");
        for (name, value) in &spec.params {
            out.push_str(&format!("| `{name}` | `{}` |\n", show(value.get_ref())));
        }
        out.push_str(&format!(
            "\nSet them in gopolicy.toml:\n\n```toml\n[params.{}]\n{} = {}\n```\n\n",
            source.id(),
            spec.params
                .keys()
                .next()
                .map(String::as_str)
                .unwrap_or_default(),
            spec.params
                .values()
                .next()
                .map(|v| toml_value(v.get_ref()))
                .unwrap_or_default()
        ));
    }
    let tests: Vec<_> = source.tests().collect();
    if !tests.is_empty() {
        out.push_str("## Examples\n\n");
        for test in tests {
            let reported: Vec<&str> = test.expect.iter().map(Expectation::id).collect();
            let verdict = if reported.is_empty() {
                "Nothing is reported for:".to_owned()
            } else {
                format!("Reported ({}):", reported.join(", "))
            };
            out.push_str(&format!("{verdict}\n\n"));
            // A case's `text` is written as the target's file (go.mod for engine rules).
            let file_name = match spec.target {
                RuleTarget::File(t) => t.example_file(),
                RuleTarget::Any | RuleTarget::Env => "go.mod",
            };
            let files: Vec<(String, &String)> = match &test.text {
                Some(text) => vec![(file_name.to_owned(), text)],
                None => test.files.iter().map(|(k, v)| (k.clone(), v)).collect(),
            };
            for (name, text) in files {
                let fence = if text.contains("```") { "````" } else { "```" };
                out.push_str(&format!(
                    "`{name}`:\n\n{fence}\n{}\n{fence}\n\n",
                    text.trim_end_matches('\n')
                ));
            }
        }
    }
    out.push_str("## References\n\n");
    for reference in spec.references.get_ref() {
        out.push_str(&format!("- <{reference}>\n"));
    }
    out
}

fn show(value: &ParamValue) -> String {
    value.to_template_text()
}

fn toml_value(value: &ParamValue) -> String {
    match value {
        ParamValue::String(s) => format!("{s:?}"),
        ParamValue::Integer(i) => i.to_string(),
        ParamValue::Bool(b) => b.to_string(),
        ParamValue::List(items) => format!("{items:?}"),
    }
}
