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

/// A command started by [`start`]; [`Running::finish`] waits for it.
pub struct Running {
    child: std::process::Child,
    out: std::fs::File,
    err: std::fs::File,
    program: String,
    deadline: Instant,
    timeout: Duration,
}

/// Start `program args` in `dir` with `env_overrides` added to this process's
/// environment, and return at once, so the caller can do other work while it runs.
pub fn start(
    program: &Path,
    args: &[&str],
    dir: &Path,
    env_overrides: &[(&str, &str)],
    timeout: Duration,
) -> Result<Running, String> {
    // Output goes to anonymous temporary files, not pipes: a hung go may leave children
    // (a wrapper script's `sleep`) holding the pipe open long after we stop waiting.
    let (out, err) = match (tempfile::tempfile(), tempfile::tempfile()) {
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
    // Its own process group, so that a timeout stops whatever it started too (a
    // wrapper script's children), not only the process we know of.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = command
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    Ok(Running {
        child,
        out,
        err,
        program: program.display().to_string(),
        deadline: Instant::now() + timeout,
        timeout,
    })
}

impl Running {
    /// Wait for the command (killing it at the deadline) and collect what it printed. A
    /// non-zero exit, a signal or the deadline is an error describing it.
    pub fn finish(mut self) -> Result<Output, String> {
        let started = Instant::now();
        // A go command answers in a few milliseconds: look often at first, so its answer
        // is seen within a tenth of a millisecond; after 50 ms, back off to 10 ms.
        let mut pause = Duration::from_micros(50);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= self.deadline => {
                    #[cfg(unix)]
                    if let Ok(group) = i32::try_from(self.child.id()) {
                        // SAFETY: kill(2) with a negative pid signals that process
                        // group, the one the child leads; no memory is involved.
                        unsafe { libc::kill(-group, libc::SIGKILL) };
                    }
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return Err(format!("timed out after {}", seconds(self.timeout)));
                }
                Ok(None) => {
                    std::thread::sleep(pause);
                    let cap = if started.elapsed() < Duration::from_millis(50) {
                        Duration::from_micros(100)
                    } else {
                        Duration::from_millis(10)
                    };
                    pause = (pause * 2).min(cap);
                }
                Err(e) => return Err(format!("cannot wait for {}: {e}", self.program)),
            }
        };
        let read = |file: &mut std::fs::File| {
            let mut bytes = Vec::new();
            let _ = file.seek(SeekFrom::Start(0));
            let _ = file.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let output = Output {
            stdout: read(&mut self.out),
            stderr: read(&mut self.err),
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
