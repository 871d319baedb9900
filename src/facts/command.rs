//! Running a go binary with a deadline. The only commands facts ever run are
//! `go env -json` and `go version`; a go that hangs or crashes becomes a message.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished command printed.
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

/// Run `program args` in `dir` with `env_overrides` added to this process's environment.
/// A non-zero exit, a signal or the deadline is an error describing it.
pub fn run(
    program: &Path,
    args: &[&str],
    dir: &Path,
    env_overrides: &[(&str, &str)],
    timeout: Duration,
) -> Result<Output, String> {
    // Output goes to anonymous temporary files, not pipes: a hung go may leave children
    // (a wrapper script's `sleep`) holding the pipe open long after we stop waiting.
    let (mut out, mut err) = match (tempfile::tempfile(), tempfile::tempfile()) {
        (Ok(out), Ok(err)) => (out, err),
        (Err(e), _) | (_, Err(e)) => return Err(format!("cannot create a temporary file: {e}")),
    };
    let (out_handle, err_handle) = match (out.try_clone(), err.try_clone()) {
        (Ok(o), Ok(e)) => (o, e),
        (Err(e), _) | (_, Err(e)) => return Err(format!("cannot create a temporary file: {e}")),
    };
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out_handle)
        .stderr(err_handle);
    for (name, value) in env_overrides {
        command.env(name, value);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let deadline = Instant::now() + timeout;
    // Poll often at first (a go command answers in a few milliseconds), then back off.
    let mut pause = Duration::from_micros(200);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {}", seconds(timeout)));
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(10));
            }
            Err(e) => return Err(format!("cannot wait for {}: {e}", program.display())),
        }
    };
    let read = |file: &mut std::fs::File| {
        let mut bytes = Vec::new();
        let _ = file.seek(SeekFrom::Start(0));
        let _ = file.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let output = Output {
        stdout: read(&mut out),
        stderr: read(&mut err),
    };
    if status.success() {
        Ok(output)
    } else {
        let said = first_line(&output.stderr)
            .or_else(|| first_line(&output.stdout))
            .map(|l| format!(": {l}"))
            .unwrap_or_default();
        Err(format!("{status}{said}"))
    }
}

/// The first non-blank line, shortened: enough to say what went wrong, never a dump.
fn first_line(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    // A crashing binary may print anything; keep the message printable.
    Some(
        line.chars()
            .take(200)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
    )
}

/// `5s`, `0.5s`: how a timeout is shown.
pub fn seconds(d: Duration) -> String {
    format!("{}s", d.as_secs_f64())
}
