//! The radiocode binary run as a script runs it: records named, no settings
//! file, nothing from the environment that would change what it does.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

/// A settings file that is not there: the defaults apply.
pub const NO_CONFIG: &str = "/nonexistent/radiocode.toml";

/// Runs `radiocode args` on the records at `db` with the settings file
/// `config`, and `env` on top.
pub fn run(
    db: impl AsRef<OsStr>,
    config: impl AsRef<Path>,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut cmd = command(db, config);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run radiocode")
}

/// The binary on these records and this settings file, with no stray
/// environment, to be given its arguments, input and output.
pub fn command(db: impl AsRef<OsStr>, config: impl AsRef<Path>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_radiocode"));
    cmd.env("RADIOCODE_DB", db)
        .env("RADIOCODE_CONFIG", config.as_ref())
        .env_remove("PGPASSWORD")
        .env_remove("RADIOCODE_BRANCH")
        .env_remove("RADIOCODE_WORKSTATION");
    cmd
}

/// Standard output and standard error, for assertions and their messages.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
