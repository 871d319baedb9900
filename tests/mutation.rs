//! Mutated corpus files through every parser and the whole `check` pipeline: no panic,
//! bounded time. Stable Rust's stand-in for the fuzz targets in fuzz/ (which need
//! nightly's sanitizer flags), run in CI.
//!
//! A small seeded PRNG rather than proptest: the inputs are real files and the mutations
//! are the ones that break parsers (byte flips, cuts, duplicated ranges, `{`, `&a`, `*a`,
//! BOMs, NULs), so there is nothing for a strategy or shrinking to add; a failure prints
//! the seed, the file and the mutations, which replay it exactly
//! (`GOPOLICY_MUTATION_SEED=N`), and no dependency is added. GOPOLICY_MUTATION_ROUNDS sets
//! the number of mutants per file (default 20: a few seconds unoptimized).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gopolicy::document::{decode, SourceText, Target};

/// SplitMix64: tiny, fast, and every seed gives a different stream.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INSERTS: [&[u8]; 12] = [
    b"{",
    b"[",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\x00",
    b"\r",
    b"\n- ",
    b"\"",
    b"${{ ",
];

/// Apply 1 to 4 mutations; returns what was done, to replay a failure.
fn mutate(bytes: &mut Vec<u8>, rng: &mut Rng) -> Vec<String> {
    let mut done = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let len = bytes.len();
        let at = rng.below(len + 1);
        match rng.below(5) {
            0 if len > 0 => {
                let i = at.min(len - 1);
                bytes[i] ^= 1 << rng.below(8);
                done.push(format!("flip at {i}"));
            }
            1 => {
                bytes.truncate(at);
                done.push(format!("truncate at {at}"));
            }
            2 if len > 0 => {
                let end = (at + 1 + rng.below(64)).min(len);
                let start = at.min(end - 1);
                let copy = bytes[start..end].to_vec();
                let to = rng.below(len + 1);
                bytes.splice(to..to, copy);
                done.push(format!("duplicate {start}..{end} at {to}"));
            }
            _ => {
                let insert = INSERTS[rng.below(INSERTS.len())];
                bytes.splice(at..at, insert.iter().copied());
                done.push(format!("insert {insert:?} at {at}"));
            }
        }
    }
    done
}

/// Corpus files with the target to parse them as.
fn inputs() -> Vec<(PathBuf, Target)> {
    let mut out = Vec::new();
    let Some(corpus) = common::corpus("") else {
        return out;
    };
    // A spread of go.mod / go.work (every 8th: the folder holds 1,200), all CI YAML.
    let mut gomod = Vec::new();
    walk(&corpus.join("gomod"), &mut gomod);
    gomod.sort();
    for path in gomod.into_iter().step_by(8) {
        let name = path.to_string_lossy();
        let target = if name.contains("work") {
            Target::GoWork
        } else {
            Target::GoMod
        };
        out.push((path, target));
    }
    for (dir, target) in [
        ("workflows/starter", Target::GithubWorkflow),
        ("workflows/actionlint/ok", Target::GithubWorkflow),
        ("azure", Target::AzurePipelines),
        ("gitlab", Target::GitlabCi),
    ] {
        for path in common::yaml_files(&corpus.join(dir)).into_iter().step_by(2) {
            out.push((path, target));
        }
    }
    let mut profiles = Vec::new();
    walk(&corpus.join("profiles"), &mut profiles);
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scripts"),
        &mut profiles,
    );
    profiles.sort();
    for path in profiles {
        let name = path.to_string_lossy().to_ascii_lowercase();
        let target = if name.ends_with(".ps1") {
            Target::Powershell
        } else if name.ends_with(".cmd") || name.ends_with(".bat") {
            Target::Cmd
        } else if name.ends_with(".sh") || name.contains("rc") || name.contains("profile") {
            Target::Shell
        } else {
            continue;
        };
        out.push((path, target));
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if !path.to_string_lossy().contains("LICENSE") {
            out.push(path);
        }
    }
}

fn seed() -> u64 {
    std::env::var("GOPOLICY_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_600D)
}

fn rounds() -> usize {
    std::env::var("GOPOLICY_MUTATION_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
}

/// Run `f` on `bytes`; fail, naming everything needed to replay, on a panic or when it
/// takes more than two seconds.
fn survive(what: &str, seed: u64, done: &[String], f: impl FnOnce()) {
    let start = Instant::now();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let took = start.elapsed();
    assert!(
        result.is_ok(),
        "panic: {what}, seed {seed}, mutations {done:?}"
    );
    assert!(
        took < Duration::from_secs(2),
        "{what} took {took:?}, seed {seed}, mutations {done:?}"
    );
}

#[test]
fn mutated_corpus_files_never_panic_any_parser() {
    let seed = seed();
    let mut rng = Rng(seed);
    let files = inputs();
    for (path, target) in &files {
        let original = std::fs::read(path).unwrap();
        for _ in 0..rounds() {
            let mut bytes = original.clone();
            let done = mutate(&mut bytes, &mut rng);
            let what = format!("{} as {}", path.display(), target.name());
            survive(&what, seed, &done, || {
                if let Ok((text, encoding)) = decode(&bytes) {
                    let doc =
                        gopolicy::source::parse(SourceText::new("f", text, encoding), *target);
                    // Every span a parser records must lie inside the text.
                    let len = doc.source.text.len();
                    for e in &doc.errors {
                        assert!(e.span.end <= len, "error span past the end");
                    }
                }
            });
        }
    }
    eprintln!("{} files x {} mutants, seed {seed}", files.len(), rounds());
}

#[test]
fn mutated_rule_files_configs_and_snapshots_never_panic() {
    let seed = seed() ^ 1;
    let mut rng = Rng(seed);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut rules = Vec::new();
    walk(&root.join("rules"), &mut rules);
    rules.sort();
    let config = std::fs::read(root.join("examples/.gopolicy.toml")).unwrap();
    let snapshot = std::fs::read(root.join("examples/machines/windows.json")).unwrap();
    for _ in 0..rounds() {
        for path in &rules {
            let mut bytes = std::fs::read(path).unwrap();
            let done = mutate(&mut bytes, &mut rng);
            survive(&path.display().to_string(), seed, &done, || {
                let text = String::from_utf8_lossy(&bytes);
                let _ = gopolicy::rule::RuleSource::parse("r.toml", &text, false);
            });
        }
        for _ in 0..20 {
            let mut bytes = config.clone();
            let done = mutate(&mut bytes, &mut rng);
            survive("config", seed, &done, || {
                let text = String::from_utf8_lossy(&bytes);
                let _ = gopolicy::diag::config::Config::parse(Path::new("gopolicy.toml"), &text);
            });
            let mut bytes = snapshot.clone();
            let done = mutate(&mut bytes, &mut rng);
            survive("snapshot", seed, &done, || {
                let text = String::from_utf8_lossy(&bytes);
                if let Ok(facts) = gopolicy::facts::Facts::parse("snap.json", &text) {
                    // A snapshot that loads goes on to documents, as `check --facts` does.
                    let _ = gopolicy::facts::documents::documents(&facts, "");
                }
            });
        }
    }
}

#[test]
fn the_check_pipeline_survives_mutated_repositories() {
    let seed = seed() ^ 2;
    let mut rng = Rng(seed);
    let files = inputs();
    // Ten repositories of mutants, each checked as a whole in every format.
    for batch in 0..10 {
        let repo = common::Repo::new(&[]);
        let mut log = Vec::new();
        for (i, (path, target)) in files.iter().enumerate().skip(batch).step_by(10) {
            let mut bytes = std::fs::read(path).unwrap();
            let done = mutate(&mut bytes, &mut rng);
            let name = match target {
                Target::GoMod => format!("m{i}/go.mod"),
                Target::GoWork => format!("w{i}/go.work"),
                Target::GithubWorkflow => format!(".github/workflows/w{i}.yml"),
                Target::AzurePipelines => format!("azure-pipelines-{i}.yml"),
                Target::GitlabCi => format!("g{i}.gitlab-ci.yml"),
                Target::Powershell => format!("s{i}.ps1"),
                Target::Cmd => format!("s{i}.cmd"),
                _ => format!("s{i}.sh"),
            };
            repo.write(&name, bytes);
            log.push(format!("{name} <- {} {done:?}", path.display()));
        }
        for format in ["human", "json"] {
            let start = Instant::now();
            let out = repo.run(&["--no-color", "check", "--format", format]);
            assert!(
                (out.code == 0 || out.code == 1) && !out.stderr.contains("internal error"),
                "seed {seed}, batch {batch}\n{}\n{out}",
                log.join("\n")
            );
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "seed {seed}, batch {batch}"
            );
        }
    }
}
