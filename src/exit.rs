//! The process exit statuses, the same from every command and from the
//! workbench, so a script can tell the answers apart.

/// A code was found (or the command did what it was asked).
pub const OK: u8 = 0;
/// A valid serial with no code, a job that is not there, a layout that
/// gives no code: an answer, not a failure.
pub const NO_CODE: u8 = 1;
/// Usage errors and invalid input.
pub const INVALID: u8 = 2;
/// A file or the database could not be used.
pub const FAILURE: u8 = 3;

/// What `--help` says of them.
pub const SUMMARY: &str = "Exit status: 0 decoded, 1 valid serial but no code, 2 invalid input \
                           or usage, 3 a file or the database could not be used.";
