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
    let (out, err) = match (output_file(), output_file()) {
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

/// An unnamed temporary file for a command's output: in /dev/shm where there is one
/// (memory, like a pipe), else in the temporary folder. On a disk file system each
/// such file costs an inode found free, journalled and freed again.
fn output_file() -> std::io::Result<std::fs::File> {
    #[cfg(target_os = "linux")]
    if let Ok(file) = tempfile::tempfile_in("/dev/shm") {
        return Ok(file);
    }
    tempfile::tempfile()
}

impl Running {
    /// Wait for the command (killing it at the deadline) and collect what it printed. A
    /// non-zero exit, a signal or the deadline is an error describing it.
    pub fn finish(mut self) -> Result<Output, String> {
        let status = match self.wait() {
            Ok(Some(status)) => status,
            Ok(None) => {
                let timeout = self.timeout;
                self.stop();
                return Err(format!("timed out after {}", seconds(timeout)));
            }
            Err(e) => return Err(format!("cannot wait for {}: {e}", self.program)),
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

impl Running {
    /// Kill the command and whatever it started, and reap it.
    pub fn stop(mut self) {
        #[cfg(unix)]
        if let Ok(group) = i32::try_from(self.child.id()) {
            // SAFETY: kill(2) with a negative pid signals that process group, the one
            // the child leads; no memory is involved.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child's exit status, or None once the deadline has passed.
type Waited = std::io::Result<Option<std::process::ExitStatus>>;

impl Running {
    /// The child's exit status, or None once the deadline has passed.
    fn wait(&mut self) -> Waited {
        #[cfg(target_os = "linux")]
        if let Some(waited) = self.wait_pidfd() {
            return waited;
        }
        self.wait_polling()
    }

    /// Sleep in poll(2) on a pidfd until the child exits or the deadline passes, so its
    /// exit is seen at once. None when the kernel has no pidfds (before 5.3): the caller
    /// polls instead.
    #[cfg(target_os = "linux")]
    fn wait_pidfd(&mut self) -> Option<Waited> {
        use std::os::fd::{FromRawFd, OwnedFd};
        let pid = libc::pid_t::try_from(self.child.id()).ok()?;
        // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1;
        // no memory is passed. The child is not reaped yet, so the pid is still ours.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
        let fd = i32::try_from(fd).ok().filter(|fd| *fd >= 0)?;
        // SAFETY: fd is a descriptor pidfd_open just returned, owned by nothing else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        loop {
            match self.child.try_wait() {
                Ok(None) => {}
                done => return Some(done),
            }
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Some(Ok(None));
            }
            let mut poll = libc::pollfd {
                fd: std::os::fd::AsRawFd::as_raw_fd(&fd),
                events: libc::POLLIN,
                revents: 0,
            };
            // Rounded up, so the deadline is never cut short; at most 24 days.
            let ms = i32::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i32::MAX);
            // SAFETY: one valid pollfd, counted as 1. EINTR and readiness both loop to
            // try_wait above, which reaps the child once it has exited.
            unsafe { libc::poll(&mut poll, 1, ms) };
        }
    }

    /// Look at the child often at first, so a go command's answer (a few milliseconds)
    /// is seen within a tenth of a millisecond; after 50 ms, back off to 10 ms.
    fn wait_polling(&mut self) -> Waited {
        let started = Instant::now();
        let mut pause = Duration::from_micros(50);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(Some(status));
            }
            if Instant::now() >= self.deadline {
                return Ok(None);
            }
            std::thread::sleep(pause);
            let cap = if started.elapsed() < Duration::from_millis(50) {
                Duration::from_micros(100)
            } else {
                Duration::from_millis(10)
            };
            pause = (pause * 2).min(cap);
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
