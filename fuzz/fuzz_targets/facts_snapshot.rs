//! A facts snapshot (JSON) from arbitrary text, and the documents `check --facts` makes
//! of one that loads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(facts) = gopolicy::facts::Facts::parse("snapshot.json", text) {
        let _ = gopolicy::facts::documents::documents(&facts, "");
    }
});
