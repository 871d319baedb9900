//! JSON Schemas for the files users write, rule files and gopolicy.toml, generated from
//! the types that parse them (schema/*.schema.json; editors use them for completion).
//!
//! Written by `GOPOLICY_UPDATE_SCHEMAS=1 cargo test --test json_schemas`, which also
//! fails when the committed files are stale. Nothing else calls this, so the binary does
//! not carry it.

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema};
use serde_json::Value;

/// Each schema file, by path from the repository root, with its text.
pub fn files() -> Vec<(&'static str, String)> {
    [
        (
            "schema/rule.schema.json",
            generate::<crate::rule::schema::RuleSpec>(),
        ),
        (
            "schema/config.schema.json",
            generate::<crate::diag::config::ConfigSpec>(),
        ),
    ]
    .into_iter()
    .map(|(path, schema)| {
        let text = serde_json::to_string_pretty(&schema).expect("a schema is JSON");
        (path, text + "\n")
    })
    .collect()
}

/// Draft 7, which Taplo (Even Better TOML) and most editors' JSON Schema support handle.
fn generate<T: JsonSchema>() -> Schema {
    let mut settings = SchemaSettings::draft07();
    // First, so that the draft 7 transforms see the result.
    settings
        .transforms
        .insert(0, Box::new(RecursiveTransform(for_toml)));
    let mut schema = settings.into_generator().into_root_schema_for::<T>();
    schema.insert(
        "$comment".into(),
        "Generated from gopolicy's source by `GOPOLICY_UPDATE_SCHEMAS=1 cargo test --test json_schemas`; do not edit.".into(),
    );
    schema
}

/// Fit a schema for TOML and for reading in an editor. TOML has no null: an `Option` is
/// a key left out, so drop the `null` schemars adds. Doc comments are wrapped at 90
/// columns; a description reads better unwrapped.
fn for_toml(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::String(text)) = obj.get_mut("description") {
        *text = unwrap_lines(text);
    }
    if obj.get("default").is_some_and(Value::is_null) {
        obj.remove("default");
    }
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            obj.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(values)) = obj.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    if let Some(Value::Array(options)) = obj.get_mut("anyOf") {
        options.retain(|o| o.get("type").and_then(Value::as_str) != Some("null"));
        if let [only] = options.as_slice() {
            // `{ "anyOf": [X] }` is X; keys of the outer schema (a description) win.
            let only = only.as_object().cloned().unwrap_or_default();
            obj.remove("anyOf");
            for (key, value) in only {
                obj.entry(key).or_insert(value);
            }
        }
    }
}

/// Join the lines of each paragraph with spaces.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}
