use std::process::ExitCode;

use radiocode::cli;

fn main() -> ExitCode {
    let parsed = cli::parse();
    match cli::run(parsed) {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.is::<cli::output::ReaderGone>() => ExitCode::SUCCESS,
        // An unknown job number is an answer, not a failure of the records.
        Err(e) if e.is::<radiocode::store::NoSuchJob>() => {
            eprintln!("radiocode: {e:#}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("radiocode: {e:#}");
            ExitCode::from(cli::EXIT_FAILURE)
        }
    }
}
