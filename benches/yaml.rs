//! YAML parse throughput over the CI workflow corpus, on one thread.
//!
//! `cargo bench --bench yaml` prints MB/s and files/s of `gopolicy::source::yaml::parse`
//! over every `.yml`/`.yaml` file of `shared/corpus/workflows` (GitHub's starter
//! workflows and actionlint's test data), `azure` and `gitlab`. The files are read and
//! decoded first, so only parsing (building the span tree) is measured.

use std::path::Path;
use std::time::{Duration, Instant};

use gopolicy::document::{decode, Encoding, SourceText, Target};
use gopolicy::source::yaml;

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files: Vec<(String, String, Target)> = Vec::new();
    for (sub, target) in [
        ("workflows", Target::GithubWorkflow),
        ("azure", Target::AzurePipelines),
        ("gitlab", Target::GitlabCi),
    ] {
        for entry in walkdir::WalkDir::new(corpus.join(sub)).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            let name = entry.path().display().to_string();
            if !(name.ends_with(".yml") || name.ends_with(".yaml")) {
                continue;
            }
            let Ok(bytes) = std::fs::read(entry.path()) else {
                continue;
            };
            let Ok((text, _)) = decode(&bytes) else {
                continue;
            };
            files.push((name, text, target));
        }
    }
    if files.is_empty() {
        eprintln!("no corpus at {}", corpus.display());
        return;
    }
    let bytes: usize = files.iter().map(|(_, text, _)| text.len()).sum();

    let run = || {
        let mut nodes = 0;
        for (name, text, target) in &files {
            let doc = yaml::parse(
                SourceText::new(name.clone(), text.clone(), Encoding::Utf8),
                *target,
            );
            nodes += doc.errors.len() + doc.comments.len() + 1;
            std::hint::black_box(&doc);
        }
        nodes
    };
    // Warm up, then measure for about two seconds.
    std::hint::black_box(run());
    let started = Instant::now();
    let mut rounds = 0;
    while started.elapsed() < Duration::from_secs(2) {
        std::hint::black_box(run());
        rounds += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mb_per_second = (rounds * bytes) as f64 / elapsed / 1e6;
    let files_per_second = (rounds * files.len()) as f64 / elapsed;
    println!(
        "yaml parse: {} files ({:.2} MB) x {rounds} rounds in {elapsed:.2}s = {mb_per_second:.1} MB/s, {files_per_second:.0} files/s on one core",
        files.len(),
        bytes as f64 / 1e6
    );
}
