//! `gopolicy lsp`: the language server, on standard input and output.

use crate::error::Error;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

pub fn run(_args: &Args) -> Result<u8, Error> {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let code =
        crate::lsp::run(&connection, crate::lsp::Options::default()).map_err(Error::Usage)?;
    drop(connection);
    io_threads.join().map_err(|source| Error::Io {
        path: "standard input".into(),
        source,
    })?;
    Ok(code)
}
