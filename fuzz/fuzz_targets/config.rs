//! gopolicy.toml from arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = gopolicy::diag::config::Config::parse(std::path::Path::new("gopolicy.toml"), text);
});
