use std::io::Write;
use std::process::ExitCode;

use radiocode::cli;

fn main() -> ExitCode {
    let parsed = cli::parse();
    match cli::run(parsed) {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.is::<cli::output::ReaderGone>() => ExitCode::SUCCESS,
        // An unknown job number is an answer, not a failure of the records.
        // Said on stderr, which may be a terminal already gone: never a panic.
        Err(e) if e.is::<radiocode::store::NoSuchJob>() => {
            let _ = writeln!(std::io::stderr(), "radiocode: {e:#}");
            ExitCode::from(1)
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "radiocode: {e:#}");
            ExitCode::from(cli::EXIT_FAILURE)
        }
    }
}
