//! A rule file (TOML) from arbitrary text: parsed and checked, as a rule pack is loaded.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = gopolicy::rule::RuleSource::parse("rule.toml", text, false);
});
