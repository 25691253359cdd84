//! The garage's durable records: the code book (serial -> code, with
//! provenance) and the job log. One interface, [`Records`], with two
//! implementations: an embedded SQLite file on one bench ([`SqliteStore`]) and
//! a PostgreSQL server shared by several benches ([`PgStore`]).

mod at;
mod cells;
mod copy;
mod import;
mod memory;
mod pg_tls;
mod place;
mod postgres;
mod postgres_bulk;
mod postgres_init;
mod postgres_schema;
mod postgres_tx;
mod relay;
mod rows;
mod sqlite;
mod sqlite_file;
mod sqlite_schema;

use std::fs;
use std::io::Read;
use std::path::PathBuf;

use anyhow::bail;

use crate::decode::{BookEntry, Code, CodeBook, Confidence};
use crate::serial::{Family, diagnose, echo_text};

pub use at::At;
pub use copy::{copy, snapshot};
pub use import::{import_csv, unclosed_quote};
pub(crate) use memory::seed_entries;
pub use memory::{MemoryBook, PUBLIC_PAIRS_BY};
pub use place::{PgPlace, Place, SslMode};
pub use postgres::{PgStore, watch};
pub use postgres_schema::ROLES_SQL;
pub use rows::{
    Added, Attempt, BadRow, BookRow, CopyReport, DumpRecord, EvidenceKind, EvidenceRow,
    ImportReport, JobFilter, JobNote, JobRow, LayoutRecord, NewEntry, NewJob, NewTry, Purged,
    RecordsEvent, Snapshot, TryOutcome,
};
pub use sqlite::SqliteStore;
pub use sqlite_file::{WAIT_LIMIT_MS, quiet_waits};
pub use sqlite_schema::SCHEMA_VERSION;

/// Where the database file lives unless `--db`, `RADIOCODE_DB` or the config
/// file says otherwise.
pub fn default_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("radiocode")
        .join("radiocode.db")
}

/// The garage's records, wherever they are kept. Every behaviour is written
/// once against this interface and checked on both stores by one test suite.
pub trait Records: CodeBook {
    /// Where the records are, for messages: a file path, or a server without
    /// its password.
    fn place(&self) -> String;
    /// True when the records were opened for reading only.
    fn is_read_only(&self) -> bool;
    /// Adds an entry; the same serial and code again keeps the stronger
    /// confidence.
    fn add_entry(&mut self, e: &NewEntry) -> anyhow::Result<Added>;
    /// Adds many entries at once: all of them or, on an error, none.
    /// Rows are read as they are written, so memory stays flat whatever
    /// the size; bad rows are reported, and with `strict` one of them means
    /// nothing is written.
    fn add_entries(
        &mut self,
        rows: &mut dyn Iterator<Item = Result<NewEntry, BadRow>>,
        strict: bool,
        what: &str,
    ) -> anyhow::Result<ImportReport>;
    /// Entries for a normalised serial, best first.
    fn entries_for(&self, serial: &str) -> anyhow::Result<Vec<BookEntry>>;
    /// The whole book, by serial.
    fn book(&self) -> anyhow::Result<Vec<BookRow>>;
    /// Starts a job; returns its number.
    fn new_job(&mut self, job: &NewJob) -> anyhow::Result<i64>;
    /// Records a code tried on a job's radio. An accepted code becomes a
    /// confirmed code book entry with the job as its source, in the same
    /// transaction. Writing the same try again changes nothing.
    fn record_try(&mut self, job: i64, t: &NewTry) -> anyhow::Result<()>;
    /// Adds a note to a job.
    fn add_note(&mut self, job: i64, note: &str) -> anyhow::Result<()>;
    /// Withdraws a refused try recorded by mistake (by its identity), with
    /// a note that says why. The log stays append-only: the try and the
    /// note are both kept, the note stamped as any record is; from then on
    /// the try counts for nothing (see [`JobRow::standing`]).
    fn withdraw_try(&mut self, job: i64, try_uid: &str, why: &str) -> anyhow::Result<()>;
    /// Jobs, newest first.
    fn jobs(&self, filter: &JobFilter) -> anyhow::Result<Vec<JobRow>>;
    /// Records a chip dump as evidence; false when that dump (by its hash)
    /// was recorded before.
    fn add_dump(&mut self, d: &DumpRecord) -> anyhow::Result<bool>;
    /// The recorded dumps, of one model or all, oldest first.
    fn dumps(&self, model: Option<&str>) -> anyhow::Result<Vec<DumpRecord>>;
    /// Records an imported layout; false when it was imported before.
    fn add_layout(&mut self, l: &LayoutRecord) -> anyhow::Result<bool>;
    /// The imported layouts, oldest first.
    fn layouts(&self) -> anyhow::Result<Vec<LayoutRecord>>;
    /// Records evidence files on a job, all of them or none.
    fn attach(&mut self, job: i64, files: &[EvidenceRow]) -> anyhow::Result<()>;
    /// Blanks the vehicle, proof, notes and evidence paths of jobs started
    /// before `before` (a timestamp like 2023-11-22T00:00:00Z), and the
    /// vehicle in the sources of the book entries they confirmed. Codes,
    /// outcomes and entries stay. The evidence copies radiocode made for
    /// those jobs are removed: only files in the evidence folder beside the
    /// records, whatever else a record names.
    fn purge(&mut self, before: &str) -> anyhow::Result<Purged>;
    /// Writes what another store holds and this one lacks, in one
    /// transaction. Records are matched by identity, so a second run adds
    /// nothing. `done` hears how many more records were handled, as they are.
    fn merge(&mut self, from: &Snapshot, done: &dyn Fn(u64)) -> anyhow::Result<CopyReport>;
}

/// The writes both stores know how to make inside one transaction; the rules
/// built from them (a try that confirms a code, a copy that adds nothing
/// twice) are written once, below.
trait Tx {
    fn job_id_by_uid(&mut self, uid: &str) -> anyhow::Result<Option<i64>>;
    /// The serial, vehicle and workstation of a job, if there is one.
    fn job_facts(&mut self, job: i64) -> anyhow::Result<Option<(String, String, String)>>;
    /// Starts a job unless one with its identity is there; its number.
    fn insert_job(&mut self, job: &NewJob, at: Option<&str>) -> anyhow::Result<i64>;
    /// Adds a try unless one with its identity is there; true when new.
    fn insert_try(&mut self, job: i64, t: &NewTry, at: Option<&str>) -> anyhow::Result<bool>;
    /// A try on a job, by its identity: its outcome, and whether a note
    /// withdraws it already.
    fn try_on_job(&mut self, job: i64, uid: &str) -> anyhow::Result<Option<(TryOutcome, bool)>>;
    /// Adds a note unless one with its identity is there; true when new.
    fn insert_note(&mut self, job: i64, n: &JobNote, at: Option<&str>) -> anyhow::Result<bool>;
    /// Adds a book entry, or strengthens the one there.
    fn insert_entry(
        &mut self,
        e: &NewEntry,
        job: Option<i64>,
        at: Option<&str>,
    ) -> anyhow::Result<Added>;
    /// Adds a dump unless one with its hash is there; true when new.
    fn insert_dump(&mut self, d: &DumpRecord, at: Option<&str>) -> anyhow::Result<bool>;
    /// Adds a layout unless one with its identity is there; true when new.
    fn insert_layout(&mut self, l: &LayoutRecord, at: Option<&str>) -> anyhow::Result<bool>;
    /// Adds an evidence file unless one with its identity is there; true when new.
    fn insert_evidence(
        &mut self,
        job: i64,
        e: &EvidenceRow,
        at: Option<&str>,
    ) -> anyhow::Result<bool>;
    /// Jobs started before `before` that still hold personal data: number,
    /// vehicle, and the evidence copies kept beside the records.
    fn personal_jobs(&mut self, before: &str) -> anyhow::Result<Vec<(i64, String, Vec<String>)>>;
    /// Blanks one job's personal data, and its vehicle in `source` texts.
    fn blank_job(&mut self, job: i64, from: &str, to: &str) -> anyhow::Result<()>;
}

fn purge_in(tx: &mut impl Tx, before: &str) -> anyhow::Result<(usize, Vec<String>)> {
    let jobs = tx.personal_jobs(before)?;
    let mut copies = Vec::new();
    for (id, vehicle, files) in &jobs {
        let from = format!("job {id}: {}", accepted_by(vehicle));
        let to = format!("job {id}: {PURGED_VEHICLE}");
        tx.blank_job(*id, &from, &to)?;
        copies.extend(files.iter().cloned());
    }
    Ok((jobs.len(), copies))
}

/// Removes the evidence copies of purged jobs, once the purge is written:
/// only files inside `root`, the evidence folder beside the records (none
/// for records in memory). What was left alone is returned, with why.
fn remove_copies(root: Option<&std::path::Path>, copies: &[String]) -> Vec<String> {
    copies
        .iter()
        .filter_map(|c| {
            let path = crate::files::text_path(c);
            match root {
                Some(root) => crate::files::remove_copy(root, &path).err(),
                None => Some(format!(
                    "{} was not removed: records in memory have no evidence folder",
                    crate::files::shown(&path)
                )),
            }
        })
        .collect()
}

fn attach_in(tx: &mut impl Tx, job: i64, files: &[EvidenceRow]) -> anyhow::Result<()> {
    tx.job_facts(job)?.ok_or_else(|| no_job(job))?;
    for f in files {
        let f = EvidenceRow {
            uid: if f.uid.is_empty() {
                new_uid()
            } else {
                f.uid.clone()
            },
            ..f.clone()
        };
        tx.insert_evidence(job, &f, None)?;
    }
    Ok(())
}

/// The sentence a confirmed entry's source uses for the vehicle, and what a
/// purge leaves of it.
fn accepted_by(vehicle: &str) -> String {
    format!("accepted by the radio of {vehicle}")
}

const PURGED_VEHICLE: &str = "accepted by the radio of [removed]";

/// Where a confirmed entry from a job came from: the job, its bench and
/// the day, never the customer's vehicle (that stays in the job log).
fn accepted_on_job(job: i64, bench: &str, day: &str) -> String {
    if bench.trim().is_empty() {
        return format!("job {job} on {day}: accepted by the radio");
    }
    format!("job {job} at {bench} on {day}: accepted by the radio")
}

/// A book entry added by hand never reads as one a job confirmed: only a
/// try recorded on the job writes those words. (An import may carry such
/// sources from another garage's export.)
fn not_posing_as_a_job(source: &str) -> anyhow::Result<()> {
    let t = source.trim_start().to_ascii_lowercase();
    if t.starts_with("job ") && t.contains("accepted by the radio") {
        bail!(
            "a source given by hand cannot read as a job's confirmation ('job N at BENCH on DAY: \
             accepted by the radio'): only a try recorded on that job writes one (radiocode jobs \
             try JOB CODE accepted). Nothing was written"
        );
    }
    Ok(())
}

/// The longest text a person puts in the records (a vehicle, a proof of
/// ownership, a note, a source, a bench's name), in characters. The server
/// holds every row to it, so nobody can load every bench with a text of
/// megabytes.
pub const MAX_TEXT: usize = 4000;

/// How long a text the records take may be, and what a longer one is said
/// to be.
struct Bound {
    max: usize,
    too_long: &'static str,
}

/// A person's text.
const TEXT: Bound = Bound {
    max: MAX_TEXT,
    too_long: "holds a text of more than 4,000 characters, more than the records take",
};

/// A file path (its bytes written as hex where they are not UTF-8), or a
/// source that joins several.
const LONG_TEXT: Bound = Bound {
    max: 10_000,
    too_long: "holds a text of more than 10,000 characters, more than the records take",
};

/// Why the records do not take these texts, or `None`: a NUL character (a
/// server cannot store one), or one longer than the bound.
fn refused_text(texts: &[&str], bound: &Bound) -> Option<&'static str> {
    if texts.iter().any(|t| t.contains('\0')) {
        return Some("holds a NUL character, which the records do not take");
    }
    texts
        .iter()
        .any(|t| t.len() > bound.max && t.chars().count() > bound.max)
        .then_some(bound.too_long)
}

/// True when the records do not take one of these person's texts.
fn unstorable(texts: &[&str]) -> bool {
    refused_text(texts, &TEXT).is_some()
}

/// Both stores take and refuse the same text: a NUL character, which a
/// server cannot store, or a text longer than [`MAX_TEXT`], is refused on a
/// file too.
fn storable(what: &str, texts: &[&str]) -> anyhow::Result<()> {
    if let Some(why) = refused_text(texts, &TEXT) {
        bail!("the {what} {why}; nothing was written");
    }
    Ok(())
}

fn new_job_in(tx: &mut impl Tx, job: &NewJob) -> anyhow::Result<i64> {
    storable(
        "job",
        &[
            &job.vehicle,
            &job.ownership_proof,
            &job.serial,
            &job.serial_typed,
            &job.notes,
            &job.workstation,
            &job.branch,
        ],
    )?;
    if job.uid.is_empty() {
        let job = NewJob {
            uid: new_uid(),
            ..job.clone()
        };
        tx.insert_job(&job, None)
    } else {
        tx.insert_job(job, None)
    }
}

fn record_try_in(tx: &mut impl Tx, job: i64, t: &NewTry) -> anyhow::Result<()> {
    storable("try's source", &[&t.source])?;
    let (serial, _vehicle, workstation) = tx.job_facts(job)?.ok_or_else(|| no_job(job))?;
    let new = tx.insert_try(job, t, None)?;
    if new && t.outcome == TryOutcome::Accepted {
        let entry = accepted_entry(job, &serial, &workstation, t.code)?;
        tx.insert_entry(&entry, Some(job), None)?;
    }
    Ok(())
}

fn add_note_in(tx: &mut impl Tx, job: i64, note: &str) -> anyhow::Result<()> {
    storable("note", &[note])?;
    tx.job_facts(job)?.ok_or_else(|| no_job(job))?;
    let n = JobNote {
        at: At::UNSTAMPED,
        text: note.to_string(),
        uid: new_uid(),
        withdraws: String::new(),
    };
    tx.insert_note(job, &n, None)?;
    Ok(())
}

fn withdraw_in(tx: &mut impl Tx, job: i64, try_uid: &str, why: &str) -> anyhow::Result<()> {
    storable("note", &[why])?;
    tx.job_facts(job)?.ok_or_else(|| no_job(job))?;
    match tx.try_on_job(job, try_uid)? {
        None => bail!("job {job} has no such try: nothing was withdrawn"),
        Some((_, true)) => bail!("that try on job {job} was withdrawn already"),
        // The radio's acceptance made a confirmed book entry, which other
        // benches may have used: it is not taken back by a note.
        Some((TryOutcome::Accepted, false)) => bail!(
            "an accepted try cannot be withdrawn: it made a confirmed code book entry. Say what \
             happened with `radiocode jobs note {job} TEXT`"
        ),
        Some((TryOutcome::Refused, false)) => {}
    }
    let n = JobNote {
        at: At::UNSTAMPED,
        text: why.to_string(),
        uid: new_uid(),
        withdraws: try_uid.to_string(),
    };
    tx.insert_note(job, &n, None)?;
    Ok(())
}

/// A strict import with a bad row: the transaction is rolled back, and the
/// report (committed: false) says why.
#[derive(Debug)]
struct StrictRollback(ImportReport);

impl std::fmt::Display for StrictRollback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a strict import found bad rows: nothing was written")
    }
}

impl std::error::Error for StrictRollback {}

fn add_entries_in(
    tx: &mut impl Tx,
    rows: &mut dyn Iterator<Item = Result<NewEntry, BadRow>>,
    strict: bool,
) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport {
        committed: true,
        ..ImportReport::default()
    };
    for row in rows {
        match row {
            Ok(e) => match tx.insert_entry(&e, None, None)? {
                Added::New => report.added += 1,
                Added::AlreadyThere => report.already_there += 1,
            },
            Err(bad) => report.bad.push(bad),
        }
    }
    if strict && !report.bad.is_empty() {
        return Err(StrictRollback(report).into());
    }
    Ok(report)
}

/// What a strict import that rolled back reports: its bad rows, nothing
/// written.
fn rolled_back(e: anyhow::Error) -> anyhow::Result<ImportReport> {
    match e.downcast::<StrictRollback>() {
        Ok(StrictRollback(report)) => Ok(ImportReport {
            added: 0,
            already_there: 0,
            committed: false,
            ..report
        }),
        Err(e) => Err(e),
    }
}

/// The warnings the job log holds for a serial, for the decoder.
fn job_warnings(records: &dyn Records, serial: &str) -> Vec<String> {
    match records.jobs(&JobFilter::serial(serial)) {
        Ok(jobs) => jobs.iter().filter_map(JobRow::recoded_text).collect(),
        // A log that cannot be read is said, never taken for a clean one.
        Err(e) => vec![format!(
            "the job log cannot be read ({e:#}), so whether this radio refused a code before \
             cannot be checked"
        )],
    }
}

/// Opens the records for reading; `None` when there are none yet (no file,
/// or a server without radiocode's tables).
pub fn open_reading(place: &Place) -> anyhow::Result<Option<Box<dyn Records>>> {
    Ok(match place {
        Place::File(path) => {
            SqliteStore::open_existing(path)?.map(|s| Box::new(s) as Box<dyn Records>)
        }
        Place::Server(pg) => PgStore::open_existing(pg)?.map(|s| Box::new(s) as Box<dyn Records>),
    })
}

/// Opens the records for writing: a file is created and upgraded if needed;
/// a server must have been prepared with `radiocode db init`.
pub fn open_writing(place: &Place) -> anyhow::Result<Box<dyn Records>> {
    Ok(match place {
        Place::File(path) => Box::new(SqliteStore::open(path)?),
        Place::Server(pg) => Box::new(PgStore::open(pg)?),
    })
}

fn family_of(serial: &str) -> Option<Family> {
    diagnose(serial, None).family
}

/// The serial a job keeps: the normalised one when valid, else as typed.
fn job_serial(typed: &str) -> (String, Option<Family>) {
    let d = diagnose(typed, None);
    (d.kept(typed), d.family)
}

/// An accepted try's serial must be a valid one to become a book entry.
fn accepted_entry(job: i64, serial: &str, by: &str, code: Code) -> anyhow::Result<NewEntry> {
    if diagnose(serial, None).serial.as_deref() != Some(serial) {
        bail!(
            "job {job}'s serial '{}' is not a valid serial, so the accepted code cannot go into \
             the code book; nothing was recorded",
            echo_text(serial, 40)
        );
    }
    Ok(NewEntry {
        serial: serial.to_string(),
        code,
        confidence: Confidence::Confirmed,
        source: accepted_on_job(job, by, &today()),
        added_by: by.to_string(),
    })
}

/// A job number the records do not have.
#[derive(Debug)]
pub struct NoSuchJob(pub i64);

impl std::fmt::Display for NoSuchJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "there is no job {}: see radiocode jobs list", self.0)
    }
}

impl std::error::Error for NoSuchJob {}

fn no_job(job: i64) -> anyhow::Error {
    anyhow::Error::new(NoSuchJob(job))
}

/// A new identity for a record: 128 random bits as hex.
pub fn new_uid() -> String {
    let mut bytes = [0u8; 16];
    let filled = fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !filled {
        // No random device: time, process and a counter are unique enough here.
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        bytes[..8].copy_from_slice(&nanos.to_le_bytes());
        let n = u64::from(std::process::id()) << 32 | COUNTER.fetch_add(1, Ordering::Relaxed);
        bytes[8..].copy_from_slice(&n.to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Who is at the keyboard and on which workstation, for provenance.
pub fn whoami() -> (String, String) {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown user".to_string());
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown workstation".to_string());
    (user, host)
}

/// Today's date in UTC, as the records write days: 2026-11-30.
fn today() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%d").to_string()
}

/// The moment `duration` ago ("3y", "18m", "90d", "2w"), as the records
/// write times: 2023-11-22T09:30:00Z. Calendar units keep the day of the
/// month where it exists (31 March less a month is the end of February).
pub fn time_ago(duration: &str) -> Result<String, String> {
    let d = duration.trim();
    let bad = || {
        format!(
            "'{}' is not a duration: a number and a unit, y (years), m (months), w (weeks) or d \
             (days), e.g. 3y",
            echo_text(d, 20)
        )
    };
    let unit = d.chars().last().ok_or_else(bad)?;
    let n: i64 = d[..d.len() - unit.len_utf8()].parse().map_err(|_| bad())?;
    if n <= 0 || n > 1000 {
        return Err(bad());
    }
    let span = match unit {
        'y' | 'Y' => jiff::Span::new().try_years(n),
        'm' | 'M' => jiff::Span::new().try_months(n),
        'w' | 'W' => jiff::Span::new().try_weeks(n),
        'd' | 'D' => jiff::Span::new().try_days(n),
        _ => return Err(bad()),
    }
    .map_err(|_| bad())?;
    let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC);
    let then = now
        .checked_sub(span)
        .map_err(|e| format!("{}: {e}", bad()))?;
    Ok(then.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_asset_has_the_five_public_pairs() {
        let seeds = seed_entries();
        assert_eq!(seeds.len(), 5);
        for s in &seeds {
            assert_eq!(
                diagnose(&s.serial, None).serial.as_deref(),
                Some(s.serial.as_str())
            );
            assert!(!s.source.is_empty());
        }
        let confirmed: Vec<_> = seeds
            .iter()
            .filter(|s| s.confidence == Confidence::Confirmed)
            .map(|s| s.serial.as_str())
            .collect();
        assert_eq!(confirmed, ["BP234746080340"]);
    }

    #[test]
    fn durations_read() {
        let then = time_ago("1d").unwrap();
        assert_eq!(then.len(), "2026-11-29T09:30:00Z".len(), "{then}");
        assert!(time_ago("1w").unwrap() < then);
        assert!(time_ago("3y").unwrap().ends_with('Z'));
        assert!(time_ago("3y").unwrap() < time_ago("18m").unwrap());
        for bad in ["", "y", "3", "-1y", "3x", "0d"] {
            assert!(time_ago(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uids_are_distinct_hex() {
        let (a, b) = (new_uid(), new_uid());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
