//! go.work from arbitrary bytes: decoded as gopolicy decodes files, then parsed.
#![no_main]

use gopolicy::document::{decode, SourceText, Target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((text, encoding)) = decode(data) {
        let doc = gopolicy::source::parse(SourceText::new("go.work", text, encoding), Target::GoWork);
        // Every error span lies inside the text.
        for e in &doc.errors {
            assert!(e.span.start <= e.span.end && e.span.end <= doc.source.text.len());
        }
    }
});
