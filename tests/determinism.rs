//! The same inputs give byte-identical output, in every format (taken from the `Format`
//! enum, so a format added later is covered as it lands), over 20 runs with two workers:
//! the examples (every built-in rule fires there) and a saved machine.

mod common;

use std::path::Path;

use clap::ValueEnum;
use gopolicy::report::Format;

const RUNS: usize = 20;

#[test]
fn every_format_is_byte_identical_over_20_runs_with_two_workers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for format in Format::value_variants() {
        let name = format.to_possible_value().unwrap().get_name().to_owned();
        let args = [
            "-j2",
            "--no-color",
            "check",
            "examples",
            "--facts",
            "examples/machines/windows.json",
            "--format",
            &name,
            "--fail-on",
            "never",
        ];
        let first = common::gopolicy(root, &args);
        first.expect_code(0);
        assert!(
            first.stdout.len() > 1000,
            "{name}: too little output\n{first}"
        );
        for run in 1..RUNS {
            let again = common::gopolicy(root, &args);
            assert!(
                again.stdout == first.stdout && again.stderr == first.stderr,
                "--format {name}: run {run} differs from the first\n{again}"
            );
        }
    }
}
