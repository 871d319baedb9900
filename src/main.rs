use std::process::ExitCode;

fn main() -> ExitCode {
    tune_allocator();
    stop_quietly_on_a_closed_pipe();
    // A panic is a bug: say so plainly and exit 2, never 0.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("gopolicy: internal error: {info}");
        eprintln!("This is a bug in gopolicy; please report it with the input that caused it.");
    }));
    match std::panic::catch_unwind(gopolicy::cli::main) {
        Ok(code) => code,
        Err(_) => ExitCode::from(gopolicy::cli::EXIT_ERROR),
    }
}

/// glibc grows each thread's heap a page range at a time, one mprotect call each; a
/// large check makes over a thousand. Asking for 64 MiB of headroom per growth (address
/// space only, not memory used) makes a 250-workflow run about 8% faster and costs a
/// one-file run nothing measurable.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only sets an allocator parameter; it is called before any thread
    // starts, as glibc requires for changing these settings.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 64 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

/// `gopolicy check | head`: when the reader goes away, end as `cat` and `grep` do, by
/// SIGPIPE, rather than as Rust's default (the signal ignored) would, with `print!`
/// panicking on the broken pipe and the panic reported as an internal error.
#[cfg(unix)]
fn stop_quietly_on_a_closed_pipe() {
    // SAFETY: signal(2) with SIG_DFL restores the default action; called before any
    // thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn stop_quietly_on_a_closed_pipe() {}
