use std::process::ExitCode;

use radiocode::{cli, exit, session, tui};

/// Reads the command line, finds the records, and runs a command, or the
/// workbench when no command is given.
fn main() -> ExitCode {
    let parsed = cli::parse();
    let (place, bench) = match session::locate(parsed.db) {
        Ok(found) => found,
        Err((message, status)) => {
            radiocode::say!("radiocode: {message}");
            return ExitCode::from(status);
        }
    };
    let result = match parsed.command {
        Some(command) => cli::run(command, place, bench),
        None => tui::run(session::open_for_reading(&place), place, bench),
    };
    // A folder made for the records is said, never made silently.
    for dir in radiocode::files::take_created() {
        radiocode::say!(
            "radiocode: made the folder {} for the records",
            radiocode::files::shown(&dir)
        );
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.is::<cli::output::ReaderGone>() => ExitCode::SUCCESS,
        // An unknown job number is an answer, not a failure of the records.
        // Said on stderr, which may be a terminal already gone: never a panic.
        Err(e) if e.is::<radiocode::store::NoSuchJob>() => {
            radiocode::say!("radiocode: {e:#}");
            ExitCode::from(exit::NO_CODE)
        }
        Err(e) => {
            radiocode::say!("radiocode: {e:#}");
            ExitCode::from(exit::FAILURE)
        }
    }
}
