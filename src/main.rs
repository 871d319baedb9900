use std::process::ExitCode;

fn main() -> ExitCode {
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

/// mimalloc: the check allocates and frees many small strings and vectors (a YAML
/// tree per file, each scalar's text); glibc's malloc, free and realloc cost about a
/// fifth of a check's instructions, mimalloc's about a third of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
