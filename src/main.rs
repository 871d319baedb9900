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
