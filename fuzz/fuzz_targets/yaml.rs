//! The YAML loader from arbitrary bytes, as each kind of CI file (the first byte picks
//! the kind, so one corpus covers all four).
#![no_main]

use gopolicy::document::{decode, SourceText, Target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let target = [
        Target::GithubWorkflow,
        Target::GithubAction,
        Target::AzurePipelines,
        Target::GitlabCi,
    ][usize::from(kind) % 4];
    if let Ok((text, encoding)) = decode(rest) {
        let doc = gopolicy::source::parse(SourceText::new("ci.yml", text, encoding), target);
        for e in &doc.errors {
            assert!(e.span.start <= e.span.end && e.span.end <= doc.source.text.len());
        }
    }
});
