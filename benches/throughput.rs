//! Parse + check throughput over the go.mod/go.work corpus, on one thread.
//!
//! `cargo bench --bench throughput` prints files per second per core; the target is
//! at least 20,000. The corpus is read into memory first, so only parsing and rule
//! evaluation are measured.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gopolicy::diag::config::Config;
use gopolicy::document::{decode, SourceText, Target};
use gopolicy::lint::{Overrides, RuleSet};
use gopolicy::source;

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gomod");
    let mut files: Vec<(String, String, Target)> = Vec::new();
    for entry in walkdir::WalkDir::new(&corpus).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        let target = if name.ends_with("go.work")
            || entry.path().to_string_lossy().contains("xmod/work/")
        {
            Target::GoWork
        } else if name.ends_with("go.mod") || name.ends_with(".in") || name.ends_with(".golden") {
            Target::GoMod
        } else {
            continue;
        };
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        let Ok((text, _)) = decode(&bytes) else {
            continue;
        };
        files.push((name, text, target));
    }
    if files.is_empty() {
        eprintln!("no corpus at {}", corpus.display());
        return;
    }
    let config = Config::defaults(PathBuf::from("."));
    let rules = RuleSet::load(&config, &Overrides::default()).expect("built-in rules load");

    let run = || {
        let mut diagnostics = 0;
        for (name, text, target) in &files {
            let doc = source::parse(
                SourceText::new(
                    name.clone(),
                    text.clone(),
                    gopolicy::document::Encoding::Utf8,
                ),
                *target,
            );
            diagnostics += rules.lint_document(&doc, &gopolicy::rule::NoFiles).len();
        }
        diagnostics
    };
    // Warm up, then measure for about two seconds.
    let found = run();
    let started = Instant::now();
    let mut rounds = 0;
    while started.elapsed() < Duration::from_secs(2) {
        std::hint::black_box(run());
        rounds += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let per_second = (rounds * files.len()) as f64 / elapsed;
    println!(
        "parse+check: {} files x {rounds} rounds in {elapsed:.2}s = {per_second:.0} files/s on one core ({found} diagnostics per round)",
        files.len()
    );
}
