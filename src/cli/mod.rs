//! The command line: non-interactive commands for scripts and batches.

mod batch;
mod decode;
pub mod output;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::serial::Family;

pub use output::Out;

/// Exit status for usage errors and invalid input.
pub const EXIT_INVALID: u8 = 2;
/// Exit status when a file or the database could not be used.
pub const EXIT_FAILURE: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "radiocode",
    version,
    about = "Unlock codes for Nissan car radios: read the label, check the serial, find the code \
             and how sure it is.",
    after_help = "Exit status: 0 decoded, 1 valid serial but no code, 2 invalid input or usage, \
                  3 a file or the database could not be used."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check serials and show their code candidates with source and confidence.
    Decode(DecodeArgs),
    /// Decode a file of serials (one per line, or CSV with a `serial` column).
    Batch(BatchArgs),
}

#[derive(Args, Debug)]
pub struct BatchArgs {
    /// The input file; `-` or nothing reads standard input.
    #[arg(value_name = "FILE|-")]
    pub file: Option<PathBuf>,
    /// jsonl: the `decode --json` object per row; csv: serial,family,status,
    /// code,alt_code,confidence,message plus the input's other columns.
    #[arg(long, value_enum, default_value_t = BatchFormat::Jsonl)]
    pub format: BatchFormat,
    /// Read every row as this family instead of detecting it.
    #[arg(long, value_parser = parse_family)]
    pub family: Option<Family>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchFormat {
    Jsonl,
    Csv,
}

#[derive(Args, Debug)]
pub struct DecodeArgs {
    /// Read every serial as this family instead of detecting it:
    /// blaupunkt, renault, becker or visteon.
    #[arg(long, value_parser = parse_family)]
    pub family: Option<Family>,
    /// One JSON object per serial, one per line.
    #[arg(long)]
    pub json: bool,
    /// Label text as typed, e.g. 'bp 5384 6 4182965' or J727.
    #[arg(required = true, value_name = "SERIAL")]
    pub serials: Vec<OsString>,
}

fn parse_family(s: &str) -> Result<Family, String> {
    s.parse()
}

/// Runs the parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Some(Command::Decode(args)) => decode::run(&args),
        Some(Command::Batch(args)) => batch::run(&args, &crate::decode::NoBook),
        None => {
            use clap::CommandFactory;
            let mut out = Out::stdout();
            out.line(&Cli::command().render_help().to_string())?;
            Ok(0)
        }
    }
}
