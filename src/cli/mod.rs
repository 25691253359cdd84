//! The command line: non-interactive commands for scripts and batches.

mod batch;
mod batch_out;
mod decode;
mod dump;
mod label;
mod man;
pub mod output;
mod paper;
mod phone;
mod progress;
mod records;
mod simulate;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::serial::Family;
use crate::session;
use crate::settings::Bench;
use crate::store::{EvidenceKind, Place};

pub use output::Out;

/// Exit status for usage errors and invalid input.
pub const EXIT_INVALID: u8 = crate::exit::INVALID;
/// Exit status when a file or the database could not be used.
pub const EXIT_FAILURE: u8 = crate::exit::FAILURE;

#[derive(Parser, Debug)]
#[command(
    name = "radiocode",
    // The same words on every system: not "radiocode.exe" on Windows.
    bin_name = "radiocode",
    version,
    about = "Unlock codes for Nissan car radios: read the label, check the serial, find the code \
             and how sure it is."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The records (code book and job log): a SQLite file, or a
    /// postgres://user@host/database URL shared by several benches.
    /// RADIOCODE_DB says the same when this is not given.
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub db: Option<OsString>,
}

/// The command line, with where the config file is said in its help.
pub fn command() -> clap::Command {
    with_config_path(&crate::files::shown(&crate::settings::config_path()))
}

/// The command line whose help names `config` as the config file.
fn with_config_path(config: &str) -> clap::Command {
    Cli::command().after_help(format!(
        "{}\n\nConfig file: {} (keys: db, branch, workstation; \
         --db, RADIOCODE_DB, RADIOCODE_BRANCH and RADIOCODE_WORKSTATION override it).",
        crate::exit::SUMMARY,
        config
    ))
}

/// Reads the command line (exits on a usage error, as clap does).
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check serials and show their code candidates with source and confidence.
    Decode(DecodeArgs),
    /// Decode a file of serials (one per line, or CSV with a `serial` column).
    Batch(BatchArgs),
    /// The button presses for a code on this unit, and the order to try codes in.
    Simulate(SimulateArgs),
    /// The code book: known codes with where they came from.
    #[command(subcommand)]
    Book(BookCommand),
    /// The job log: each radio unlocked, with the codes tried.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// The records themselves: prepare a server, copy a bench's file to it.
    #[command(subcommand)]
    Db(DbCommand),
    /// Print the completion script for a shell (bash, zsh, fish, elvish,
    /// powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `radiocode man > radiocode.1`;
    /// with --dir, write a page for every command into that folder.
    Man {
        /// Write radiocode.1 and a page for each command here.
        #[arg(long, value_name = "FOLDER")]
        dir: Option<PathBuf>,
    },
    /// The request sheet for a dealer or a code service: the serial as read,
    /// the unit, the owner, and the codes already refused. Never a code.
    Request(RequestArgs),
    /// Read label photos: the serial from their barcodes and printed text,
    /// how it was read and how sure. Exit status 0 when every photo gave a
    /// serial, 1 when one gave none, 3 when a file cannot be read.
    Label(label::LabelArgs),
    /// The phone at the bench: a QR code and an address the phone opens to
    /// send the label's photo, read as `label` reads it. Exit status as
    /// `label`; the page is served until the photos came, Ctrl-C or 10 min.
    Phone(phone::PhoneArgs),
    /// Chip dumps (EEPROM reads): the code through a layout learned from the
    /// garage's own radios.
    #[command(subcommand)]
    Dump(DumpCommand),
}

#[derive(Subcommand, Debug)]
pub enum DumpCommand {
    /// Read a dump (raw or Intel HEX): size, chip, state, hex view, and the
    /// code through each layout that applies. Exit status 0 with a code, 1
    /// without (and why), 2 bad usage, 3 a file that cannot be read.
    Show {
        file: PathBuf,
        /// The unit: the Blaupunkt type (BP5384) or the Becker model (BE4739).
        #[arg(long, conflicts_with_all = ["serial", "layout"])]
        model: Option<String>,
        /// The radio's serial: gives the model, and the dump's codes join
        /// its decode.
        #[arg(long, conflicts_with = "layout")]
        serial: Option<String>,
        /// Read through this layout (see `dump layouts`), e.g. a documented
        /// layout of another make.
        #[arg(long)]
        layout: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Every place a known code sits, in every encoding, in both word orders.
    Find {
        file: PathBuf,
        #[arg(long)]
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Record the dump of a radio whose code is known, and learn its model's
    /// layout once dumps with different codes agree.
    Learn {
        file: PathBuf,
        #[arg(long)]
        code: String,
        #[arg(long, conflicts_with = "serial", required_unless_present = "serial")]
        model: Option<String>,
        #[arg(long)]
        serial: Option<String>,
        /// How the code is known, when not from the book or a job.
        #[arg(long)]
        source: Option<String>,
    },
    /// The shipped, learned and imported layouts with their evidence.
    Layouts {
        #[command(subcommand)]
        command: Option<LayoutsCommand>,
        #[arg(long, value_enum)]
        format: Option<LayoutFormat>,
    },
}

#[derive(Subcommand, Debug)]
pub enum LayoutsCommand {
    /// Take layouts learned at another garage (a `dump layouts --format
    /// toml|json` file); their evidence comes with them, marked imported.
    Import { file: PathBuf },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutFormat {
    Table,
    Json,
    Toml,
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Create or upgrade the records on the server named by --db, and grant
    /// to the roles radiocode_technician and radiocode_manager
    /// (assets/postgres/roles.sql). A SQLite file is prepared as well.
    Init,
    /// Copy every record from one place to another (each a file path or a
    /// postgres:// URL). Running it again copies nothing twice.
    Copy {
        #[arg(value_name = "FROM")]
        from: OsString,
        #[arg(value_name = "TO")]
        to: OsString,
    },
}

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Label text as typed.
    #[arg(value_name = "SERIAL")]
    pub serial: OsString,
    /// Enter this code instead of the best candidate.
    #[arg(long)]
    pub code: Option<String>,
    /// Read the serial as this family instead of detecting it.
    #[arg(long, value_parser = parse_family)]
    pub family: Option<Family>,
    /// One JSON object: the steps, the unit's lockout rules and their sources.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum BookCommand {
    /// Record a code for a serial.
    Add {
        serial: String,
        code: String,
        /// confirmed, likely or unconfirmed.
        #[arg(long, default_value = "unconfirmed")]
        confidence: String,
        /// Where the code came from (default: who entered it, where).
        #[arg(long)]
        source: Option<String>,
    },
    /// Show the book (a table unless --format says otherwise).
    List {
        #[arg(long, value_enum)]
        format: Option<ListFormat>,
    },
    /// Write the book as CSV (or JSON) to standard output.
    Export {
        #[arg(long, value_enum)]
        format: Option<ListFormat>,
    },
    /// Import a CSV with serial,code columns (optional confidence,source).
    Import {
        /// The CSV file; - reads standard input.
        file: PathBuf,
        /// Write nothing if any row is bad.
        #[arg(long)]
        strict: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum JobsCommand {
    /// Start a job for a radio; prints the job number.
    Add {
        /// The serial as read off the label.
        serial: String,
        /// Registration or VIN.
        #[arg(long)]
        vehicle: String,
        /// The proof of ownership seen, e.g. "V5C in owner's name".
        #[arg(long)]
        proof: String,
        #[arg(long)]
        note: Option<String>,
        /// This workstation's name (default: RADIOCODE_WORKSTATION, the
        /// config file, else the host name).
        #[arg(long)]
        workstation: Option<String>,
        /// The branch (default: RADIOCODE_BRANCH or the config file).
        #[arg(long)]
        branch: Option<String>,
    },
    /// Record a code tried on a job's radio and what the radio did.
    Try {
        job: i64,
        code: String,
        #[arg(value_enum)]
        outcome: TryArg,
    },
    /// Add a note to a job.
    Note { job: i64, text: String },
    /// Take back a refusal recorded by mistake: the try stays in the log,
    /// marked withdrawn by a note, and counts for nothing from then on
    /// (waits, the suspicion of a re-coded radio, the job card).
    Withdraw {
        job: i64,
        /// The refused code (its last refusal on the job is withdrawn).
        code: String,
        /// Why, for the note.
        #[arg(long, default_value = "")]
        why: String,
    },
    /// Show jobs, newest first.
    List {
        /// Only jobs whose serial or vehicle contains this.
        #[arg(long)]
        search: Option<String>,
        /// Only jobs of this branch.
        #[arg(long)]
        branch: Option<String>,
        #[arg(long, value_enum)]
        format: Option<ListFormat>,
    },
    /// Write the job log as CSV (or JSON) to standard output.
    Export {
        #[arg(long, value_enum)]
        format: Option<ListFormat>,
        /// Leave the customer out: no registration, VIN, proof, notes or
        /// file paths.
        #[arg(long)]
        redact: bool,
    },
    /// Keep files as a job's evidence: photos of the label or the display, a
    /// video of the entry, a proof of ownership.
    Attach {
        job: i64,
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "other")]
        kind: KindArg,
        /// Also copy each file into the evidence folder beside the records.
        #[arg(long)]
        copy: bool,
    },
    /// Re-read a job's evidence files: which are missing or changed (exit
    /// status 1 if any).
    Verify { job: i64 },
    /// The job card: one page for the customer file or a refund claim.
    Card {
        job: i64,
        #[arg(long, value_enum, default_value = "text")]
        format: PaperFormat,
    },
    /// Blank the vehicle, proof, notes and evidence paths of old jobs (for a
    /// manager); codes, outcomes and book entries stay.
    Purge {
        /// e.g. 3y, 18m, 90d.
        #[arg(long, value_name = "DURATION")]
        older_than: String,
    },
}

/// What an evidence file shows, as `--kind` takes it.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindArg {
    LabelPhoto,
    DisplayPhoto,
    EntryVideo,
    Proof,
    Other,
}

impl From<KindArg> for EvidenceKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::LabelPhoto => EvidenceKind::LabelPhoto,
            KindArg::DisplayPhoto => EvidenceKind::DisplayPhoto,
            KindArg::EntryVideo => EvidenceKind::EntryVideo,
            KindArg::Proof => EvidenceKind::Proof,
            KindArg::Other => EvidenceKind::Other,
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaperFormat {
    Text,
    Html,
    Markdown,
}

impl From<PaperFormat> for crate::paper::Format {
    fn from(f: PaperFormat) -> Self {
        match f {
            PaperFormat::Text => crate::paper::Format::Text,
            PaperFormat::Html => crate::paper::Format::Html,
            PaperFormat::Markdown => crate::paper::Format::Markdown,
        }
    }
}

#[derive(Args, Debug)]
pub struct RequestArgs {
    /// The serial as typed off the label.
    pub serial: String,
    /// Registration or VIN.
    #[arg(long)]
    pub vehicle: Option<String>,
    /// The proof of ownership seen.
    #[arg(long)]
    pub proof: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: PaperFormat,
}

/// What the radio did with a code.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryArg {
    Accepted,
    Refused,
}

impl From<TryArg> for crate::store::TryOutcome {
    fn from(t: TryArg) -> Self {
        match t {
            TryArg::Accepted => crate::store::TryOutcome::Accepted,
            TryArg::Refused => crate::store::TryOutcome::Refused,
        }
    }
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
    /// Worker threads for a file of plain serials (default, and at most:
    /// every core). The output is the same, in input order, whatever the
    /// number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
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

/// A command that reads photos ends their Tesseract with it: Ctrl-C, a
/// hang-up or a termination takes every reading down, then radiocode, with
/// the status a shell expects (130 for Ctrl-C).
fn end_readings_with_the_process() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    crate::label::end_readings();
                    std::process::exit(128 + sig);
                }
            });
        }
    }
}

/// Runs one command on the records at `place` and returns the process
/// exit status.
pub fn run(cmd: Command, place: Place, bench: Bench) -> anyhow::Result<u8> {
    match cmd {
        Command::Decode(args) => decode::run(&args, session::reading_book(&place).as_ref()),
        Command::Batch(args) => batch::run(&args, session::loaded_book(&place).as_ref()),
        Command::Simulate(args) => simulate::run(&args, session::open_for_reading(&place)),
        Command::Book(cmd) => records::book(&cmd, &place),
        Command::Jobs(cmd) => {
            if matches!(cmd, JobsCommand::Attach { .. }) {
                end_readings_with_the_process();
            }
            records::jobs(&cmd, &place, &bench)
        }
        Command::Db(cmd) => records::db(&cmd, &place),
        Command::Dump(cmd) => dump::run(&cmd, &place),
        Command::Label(args) => {
            end_readings_with_the_process();
            label::run(&args)
        }
        Command::Request(args) => paper::request(&args, &place, &bench),
        Command::Phone(args) => {
            end_readings_with_the_process();
            phone::run(&args, &bench)
        }
        Command::Completions { shell } => {
            let mut out = Out::stdout();
            clap_complete::generate(shell, &mut command(), "radiocode", out.writer());
            out.flush()?;
            Ok(0)
        }
        Command::Man { dir } => man::write(dir.as_deref()),
    }
}
