use std::process::ExitCode;

use clap::Parser;
use radiocode::cli::{self, Cli};

fn main() -> ExitCode {
    let parsed = Cli::parse();
    match cli::run(parsed) {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.is::<cli::output::ReaderGone>() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("radiocode: {e:#}");
            ExitCode::from(cli::EXIT_FAILURE)
        }
    }
}
