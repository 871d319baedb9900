//! The fast YAML parser against the saphyr path: wherever the fast parser takes a text,
//! it must build the same tree, errors and scalar zones (`yaml::fast_path_difference`).
#![no_main]

use gopolicy::document::{decode, SourceText};
use gopolicy::source::yaml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((text, encoding)) = decode(data) {
        let source = SourceText::new("ci.yml", text, encoding);
        if let Some(Some(difference)) = yaml::fast_path_difference(&source) {
            panic!("the fast parser differs from saphyr's: {difference}");
        }
    }
});
