//! Helpers shared by the integration tests.

pub mod cli;
pub mod labels;
#[cfg(unix)]
pub mod pg;
pub mod tui;

/// On Windows the PostgreSQL server tests do not run: they start the
/// distribution's server, which the Linux suite does.
#[cfg(not(unix))]
pub mod pg {
    #[allow(dead_code)]
    pub fn radiocode_db(test: &str) -> Option<String> {
        println!("{test}: did not run: the PostgreSQL server tests run on Linux");
        None
    }
}
