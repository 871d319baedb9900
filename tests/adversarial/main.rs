//! Hostile and accidental inputs, each run as a process with a time limit and its peak
//! memory measured: the run must end within the limit, under the memory bound, with a
//! diagnostic or exit 2, and never panic or exit 0 after an internal error.
//!
//! Fixtures are generated at test time. The 100 MB file read with a raised size cap runs
//! only with GOPOLICY_BIG_TESTS=1 (as CI sets).
#![cfg(unix)]

#[path = "../common/mod.rs"]
mod common;

mod config;
mod inputs;
mod walk;

use std::path::Path;
use std::time::{Duration, Instant};

use common::Output;

/// What a bounded run printed, and what it cost.
pub struct Run {
    pub out: Output,
    /// Peak resident memory in MB, as last sampled (/proc/PID/status VmHWM every few
    /// ms; 0 where there is no /proc). A figure to show: the bound is the data limit.
    pub peak_mb: u64,
    pub elapsed: Duration,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}\npeak {} MB, {:.2?}",
            truncated(&self.out.to_string()),
            self.peak_mb,
            self.elapsed
        )
    }
}

/// Long outputs (a 1 MB line echoed back) are cut for the failure message.
fn truncated(text: &str) -> String {
    if text.len() <= 4000 {
        return text.to_owned();
    }
    let mut cut = 4000;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes)", &text[..cut], text.len())
}

/// The usual limits: a debug build, two shared cores.
pub const TIME: Duration = Duration::from_secs(20);
/// A heap limit (RLIMIT_DATA), which counts address space reserved, not only memory
/// touched: gopolicy asks glibc for 64 MiB of headroom at a time.
pub const MEMORY_MB: u64 = 512;

/// Run gopolicy in `cwd` within [`TIME`] and [`MEMORY_MB`].
pub fn run(cwd: &Path, args: &[&str], limit: Duration) -> Run {
    run_capped(common::command(cwd, args), args, limit, MEMORY_MB)
}

/// Run `command` (gopolicy, or a wrapper of it) with its heap limited to `memory_mb`
/// (RLIMIT_DATA: past it an allocation fails and the process aborts), and fail the test
/// if it takes longer than `limit`, is killed by a signal (the abort included), panics,
/// or exits other than 0, 1 or 2.
///
/// The limit is the hard bound; [`Run::peak_mb`] is sampled from /proc, as a child's
/// rusage peak on Linux starts from its parent's at fork (this whole test binary).
pub fn run_capped(
    mut command: std::process::Command,
    args: &[&str],
    limit: Duration,
    memory_mb: u64,
) -> Run {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let bytes = memory_mb << 20;
        // SAFETY: setrlimit is async-signal-safe and touches only the child.
        unsafe {
            command.pre_exec(move || {
                let cap = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                if libc::setrlimit(libc::RLIMIT_DATA, &cap) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let start = Instant::now();
    let mut child = command.spawn().expect("start gopolicy");
    let pipe = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = r.read_to_end(&mut bytes);
            String::from_utf8(bytes).expect("output is UTF-8")
        })
    };
    let stdout = pipe(Box::new(child.stdout.take().unwrap()));
    let stderr = pipe(Box::new(child.stderr.take().unwrap()));
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_mb = 0;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for gopolicy") {
            break status;
        }
        peak_mb = peak_mb.max(high_water_mb(&status_file));
        if start.elapsed() > limit && !timed_out {
            timed_out = true;
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let run = Run {
        out: Output {
            args: args.iter().map(|s| s.to_string()).collect(),
            stdout: stdout.join().unwrap(),
            stderr: stderr.join().unwrap(),
            code: status.code().unwrap_or(-1),
        },
        peak_mb,
        elapsed: start.elapsed(),
    };
    assert!(!timed_out, "did not finish within {limit:?}\n{run}");
    assert!(
        (0..=2).contains(&run.out.code),
        "killed by a signal (over {memory_mb} MB?) or an unexpected exit code\n{run}"
    );
    // gopolicy's panic hook says "internal error" (and exits 2).
    for panic in ["panicked", "internal error"] {
        assert!(!run.out.stderr.contains(panic), "panic\n{run}");
    }
    run
}

/// VmHWM of a running process, in MB; 0 when it cannot be read.
fn high_water_mb(status_file: &str) -> u64 {
    let text = std::fs::read_to_string(status_file).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// Assert the sampled peak resident memory stayed under `mb`.
#[track_caller]
pub fn assert_peak(run: &Run, mb: u64) {
    assert!(run.peak_mb <= mb, "peak memory over {mb} MB\n{run}");
}

/// `--format short` lines parsed.
pub fn short(run: &Run) -> Vec<common::ShortLine> {
    run.out
        .lines()
        .iter()
        .filter_map(|l| common::parse_short(l))
        .collect()
}
