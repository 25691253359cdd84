//! The garage's durable records: the code book (serial -> code, with
//! provenance) and the job log. One interface, [`Records`], with two
//! implementations: an embedded SQLite file on one bench ([`SqliteStore`]) and
//! a PostgreSQL server shared by several benches ([`PgStore`]).

mod place;
mod postgres;
mod postgres_schema;
mod sqlite;
mod sqlite_file;
mod sqlite_schema;

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, bail};
use serde::Serialize;

use crate::decode::{BookEntry, Code, CodeBook, Confidence};
use crate::serial::{Family, Severity, diagnose, echo_text};

pub use place::{PgPlace, Place, SslMode};
pub use postgres::{PgStore, ROLES_SQL, watch};
pub use sqlite::SqliteStore;
pub use sqlite_schema::SCHEMA_VERSION;

const SEED_CSV: &str = include_str!("../../assets/codebook_seed.csv");

/// Where the database file lives unless `--db`, `RADIOCODE_DB` or the config
/// file says otherwise.
pub fn default_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("radiocode")
        .join("radiocode.db")
}

/// One code book entry: a serial and a code, with the strongest confidence
/// recorded for that pair and every source that strengthened it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BookRow {
    pub serial: String,
    pub family: Option<Family>,
    pub code: Code,
    pub confidence: Confidence,
    pub source: String,
    pub added_at: String,
    pub added_by: String,
    pub job: Option<i64>,
    /// The job's identity across stores, for `db copy`.
    #[serde(skip)]
    pub job_uid: Option<String>,
}

impl BookRow {
    /// The entry as written, for writing it into another store.
    fn as_new(&self) -> NewEntry {
        NewEntry {
            serial: self.serial.clone(),
            code: self.code,
            confidence: self.confidence,
            source: self.source.clone(),
            added_by: self.added_by.clone(),
        }
    }
}

/// What a new code book entry says.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub serial: String,
    pub code: Code,
    pub confidence: Confidence,
    pub source: String,
    pub added_by: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    New,
    /// The same serial and code were there; the stronger confidence was kept.
    AlreadyThere,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TryOutcome {
    Accepted,
    Refused,
}

impl TryOutcome {
    pub fn id(self) -> &'static str {
        match self {
            TryOutcome::Accepted => "accepted",
            TryOutcome::Refused => "refused",
        }
    }

    fn parse(s: &str) -> TryOutcome {
        if s == "accepted" {
            TryOutcome::Accepted
        } else {
            TryOutcome::Refused
        }
    }
}

/// What a technician records when a job starts.
#[derive(Clone, Debug, Default)]
pub struct NewJob {
    pub workstation: String,
    pub branch: String,
    pub vehicle: String,
    pub ownership_proof: String,
    pub serial: String,
    pub notes: String,
    /// The job's identity; empty gets a new one. Writing the same identity
    /// twice (a retry after a lost connection) starts one job, not two.
    pub uid: String,
    /// The serial exactly as typed off the label (`serial` is read from it).
    pub serial_typed: String,
}

/// A code tried on a job's radio, with an identity that makes writing it
/// again (a retry after a lost connection) harmless.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTry {
    pub code: Code,
    pub outcome: TryOutcome,
    pub uid: String,
    /// Where the code came from when it was tried, e.g. "code book".
    pub source: String,
    /// How sure radiocode was of it then, e.g. "confirmed".
    pub confidence: String,
}

impl NewTry {
    pub fn new(code: Code, outcome: TryOutcome) -> NewTry {
        NewTry {
            code,
            outcome,
            uid: new_uid(),
            source: String::new(),
            confidence: String::new(),
        }
    }

    /// A refusal of a code the radio should have taken (see
    /// [`Attempt::refused_a_sure_code`]).
    pub fn refuses_a_sure_code(&self) -> bool {
        refused_a_sure_code(self.outcome, &self.confidence)
    }

    /// The same try, saying where its code came from.
    pub fn from_candidate(mut self, c: &crate::decode::Candidate) -> NewTry {
        self.source = c.source.label().to_string();
        self.confidence = c.confidence.id().to_string();
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub at: String,
    pub code: Code,
    pub outcome: TryOutcome,
    /// Where the code came from when it was tried ("" when not known).
    pub source: String,
    pub confidence: String,
    #[serde(skip)]
    pub uid: String,
}

impl Attempt {
    /// A refusal of a code the radio should have taken: it was confirmed by
    /// a radio before, or comes from a verified algorithm.
    pub fn refused_a_sure_code(&self) -> bool {
        refused_a_sure_code(self.outcome, &self.confidence)
    }
}

/// A refused code that was confirmed by a radio before, or comes from a
/// verified algorithm: the radio is suspect (re-coded or swapped).
fn refused_a_sure_code(outcome: TryOutcome, confidence: &str) -> bool {
    outcome == TryOutcome::Refused && matches!(confidence, "confirmed" | "verified")
}

/// A file kept as evidence for a job: a photo of the label or the display,
/// a video of the entry, a proof of ownership.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvidenceRow {
    pub at: String,
    /// label-photo, display-photo, entry-video, proof or other.
    pub kind: String,
    pub path: String,
    pub size: i64,
    pub sha256: String,
    /// The copy kept beside the records, when one was made.
    pub copy_path: String,
    #[serde(skip)]
    pub uid: String,
}

/// A note added to a job after it started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobNote {
    pub at: String,
    pub text: String,
    pub uid: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobRow {
    pub id: i64,
    pub created_at: String,
    pub workstation: String,
    pub branch: String,
    pub vehicle: String,
    pub ownership_proof: String,
    pub serial: String,
    pub family: Option<Family>,
    /// Every note, the one given at the start first, one per line.
    pub notes: String,
    pub attempts: Vec<Attempt>,
    pub evidence: Vec<EvidenceRow>,
    /// The serial as typed off the label ("" for jobs from before it was kept).
    pub serial_typed: String,
    #[serde(skip)]
    pub uid: String,
    /// The note given when the job started.
    #[serde(skip)]
    pub intake_notes: String,
    /// The notes added later, oldest first.
    #[serde(skip)]
    pub later_notes: Vec<JobNote>,
}

impl JobRow {
    /// The codes tried, e.g. "7091 refused, 1091 accepted".
    pub fn tries_text(&self) -> String {
        self.attempts
            .iter()
            .map(|a| format!("{} {}", a.code, a.outcome.id()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One line for a list: number, when, vehicle, serial, tries.
    pub fn summary_line(&self) -> String {
        let tries = self.tries_text();
        format!(
            "{:>4}  {:<16}  {:<12}  {:<15}  {}",
            self.id,
            self.created_at
                .get(..16)
                .unwrap_or(&self.created_at)
                .replace('T', " "),
            echo_text(&self.vehicle, 12),
            echo_text(&self.serial, 15),
            if tries.is_empty() {
                "no tries yet"
            } else {
                &tries
            }
        ) + if self.suspected_recoded().is_some() {
            "  SUSPECTED RE-CODED OR SWAPPED"
        } else {
            ""
        }
    }

    /// The refused try that makes this radio suspect: re-coded or swapped.
    pub fn suspected_recoded(&self) -> Option<&Attempt> {
        self.attempts.iter().find(|a| a.refused_a_sure_code())
    }

    /// The job as it was started, for writing it into another store.
    fn as_new(&self) -> NewJob {
        NewJob {
            serial_typed: self.serial_typed.clone(),
            workstation: self.workstation.clone(),
            branch: self.branch.clone(),
            vehicle: self.vehicle.clone(),
            ownership_proof: self.ownership_proof.clone(),
            serial: self.serial.clone(),
            notes: self.intake_notes.clone(),
            uid: self.uid.clone(),
        }
    }

    /// What the job log says of a radio that refused a sure code.
    pub fn recoded_text(&self) -> Option<String> {
        self.suspected_recoded().map(|a| {
            format!(
                "SUSPECTED RE-CODED OR SWAPPED: on job {} this radio refused {}, a {} code ({}). \
                 Check the serial on the radio itself; a re-coded radio does not take its \
                 original code",
                self.id, a.code, a.confidence, a.source
            )
        })
    }

    /// Joins the intake note and the later ones into `notes`.
    fn join_notes(&mut self) {
        self.notes = std::iter::once(self.intake_notes.as_str())
            .chain(self.later_notes.iter().map(|n| n.text.as_str()))
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
    }
}

/// Which jobs to list.
#[derive(Clone, Debug, Default)]
pub struct JobFilter {
    /// Only jobs whose serial or vehicle contains this (spaces ignored).
    pub search: Option<String>,
    /// Only jobs of this branch.
    pub branch: Option<String>,
    /// Only this job.
    pub id: Option<i64>,
    /// Only jobs for exactly this (normalised) serial.
    pub serial: Option<String>,
}

impl JobFilter {
    /// Every job for exactly this (normalised) serial.
    pub fn serial(serial: &str) -> JobFilter {
        JobFilter {
            serial: Some(serial.to_string()),
            ..JobFilter::default()
        }
    }

    /// One job by its number.
    pub fn job(id: i64) -> JobFilter {
        JobFilter {
            id: Some(id),
            ..JobFilter::default()
        }
    }

    /// The search text as a LIKE pattern: spaces and wildcards dropped.
    fn pattern(&self) -> Option<String> {
        self.search.as_ref().map(|s| {
            let cleaned: String = s
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '%' | '_' | '\\'))
                .collect();
            format!("%{cleaned}%")
        })
    }
}

/// A bad row in an import, by its line number in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub already_there: usize,
    pub bad: Vec<BadRow>,
    /// False when nothing was written (a strict import with bad rows).
    pub committed: bool,
}

/// A chip dump recorded as evidence: its bytes, its unit, and its code and
/// how that code is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpRecord {
    pub sha256: String,
    pub bytes: Vec<u8>,
    /// `BP5384` or `BE4739`.
    pub model: String,
    pub code: Code,
    /// How the code is known, e.g. "confirmed book entry", "job 12: accepted
    /// by the radio", "the technician's word".
    pub known_by: String,
    pub source: String,
    pub added_at: String,
    pub added_by: String,
}

/// A layout learned elsewhere and imported, with the evidence it came with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LayoutRecord {
    pub uid: String,
    pub model: String,
    pub address: i64,
    pub encoding: String,
    pub word_swapped: bool,
    /// How many dumps and different codes agreed where it was learned.
    pub dumps: i64,
    pub codes: i64,
    /// The SHA-256 of each agreeing dump.
    pub evidence: Vec<String>,
    /// Where it was learned and who imported it.
    pub origin: String,
    #[serde(default)]
    pub added_at: String,
    #[serde(default)]
    pub added_by: String,
}

/// What `db copy` moved, and what the target already had.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub jobs: (usize, usize),
    pub tries: (usize, usize),
    pub notes: (usize, usize),
    pub book: (usize, usize),
    pub dumps: (usize, usize),
    pub layouts: (usize, usize),
    pub evidence: (usize, usize),
}

impl CopyReport {
    /// One line per kind: "jobs: 3 copied, 1 already there".
    pub fn lines(&self) -> Vec<String> {
        [
            ("jobs", self.jobs),
            ("tries", self.tries),
            ("notes", self.notes),
            ("evidence files", self.evidence),
            ("code book entries", self.book),
            ("chip dumps", self.dumps),
            ("imported layouts", self.layouts),
        ]
        .iter()
        .map(|(what, (copied, there))| format!("{what}: {copied} copied, {there} already there"))
        .collect()
    }
}

/// What a watched server says to an open workbench.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordsEvent {
    /// A book entry was added for this serial (`*`: for many).
    BookChanged(String),
    /// The server cannot be reached, and why.
    Offline(String),
    /// The server answers again.
    Online,
}

/// Everything one store holds, for `db copy`.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub jobs: Vec<JobRow>,
    pub book: Vec<BookRow>,
    pub dumps: Vec<DumpRecord>,
    pub layouts: Vec<LayoutRecord>,
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
    fn add_entries(&mut self, entries: &[NewEntry], what: &str) -> anyhow::Result<ImportReport>;
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
    /// outcomes and entries stay. Returns the jobs touched.
    fn purge(&mut self, before: &str) -> anyhow::Result<usize>;
    /// Writes what another store holds and this one lacks, in one
    /// transaction. Records are matched by identity, so a second run adds
    /// nothing.
    fn merge(&mut self, from: &Snapshot) -> anyhow::Result<CopyReport>;
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

/// Removes the evidence copies of purged jobs, once the purge is written.
fn remove_copies(copies: &[String]) {
    for c in copies {
        let _ = fs::remove_file(c);
    }
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

fn new_job_in(tx: &mut impl Tx, job: &NewJob) -> anyhow::Result<i64> {
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
    let (serial, vehicle, workstation) = tx.job_facts(job)?.ok_or_else(|| no_job(job))?;
    let new = tx.insert_try(job, t, None)?;
    if new && t.outcome == TryOutcome::Accepted {
        let entry = accepted_entry(job, &serial, &vehicle, &workstation, t.code)?;
        tx.insert_entry(&entry, Some(job), None)?;
    }
    Ok(())
}

fn add_note_in(tx: &mut impl Tx, job: i64, note: &str) -> anyhow::Result<()> {
    tx.job_facts(job)?.ok_or_else(|| no_job(job))?;
    let n = JobNote {
        at: String::new(),
        text: note.to_string(),
        uid: new_uid(),
    };
    tx.insert_note(job, &n, None)?;
    Ok(())
}

fn add_entries_in(tx: &mut impl Tx, entries: &[NewEntry]) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport {
        committed: true,
        ..ImportReport::default()
    };
    for e in entries {
        match tx.insert_entry(e, None, None)? {
            Added::New => report.added += 1,
            Added::AlreadyThere => report.already_there += 1,
        }
    }
    Ok(report)
}

fn merge_in(tx: &mut impl Tx, from: &Snapshot) -> anyhow::Result<CopyReport> {
    fn count(tally: &mut (usize, usize), new: bool) {
        if new {
            tally.0 += 1;
        } else {
            tally.1 += 1;
        }
    }
    let mut report = CopyReport::default();
    // Oldest first, so the copies are numbered in the order they happened.
    for job in from.jobs.iter().rev() {
        let id = match tx.job_id_by_uid(&job.uid)? {
            Some(id) => {
                report.jobs.1 += 1;
                id
            }
            None => {
                report.jobs.0 += 1;
                tx.insert_job(&job.as_new(), Some(&job.created_at))?
            }
        };
        for a in &job.attempts {
            let t = NewTry {
                code: a.code,
                outcome: a.outcome,
                uid: a.uid.clone(),
                source: a.source.clone(),
                confidence: a.confidence.clone(),
            };
            let new = tx.insert_try(id, &t, Some(&a.at))?;
            count(&mut report.tries, new);
        }
        for n in &job.later_notes {
            let new = tx.insert_note(id, n, Some(&n.at))?;
            count(&mut report.notes, new);
        }
        for e in &job.evidence {
            let new = tx.insert_evidence(id, e, Some(&e.at))?;
            count(&mut report.evidence, new);
        }
    }
    for row in &from.book {
        let job = match &row.job_uid {
            Some(uid) => tx.job_id_by_uid(uid)?,
            None => None,
        };
        let added = tx.insert_entry(&row.as_new(), job, Some(&row.added_at))?;
        count(&mut report.book, added == Added::New);
    }
    for d in &from.dumps {
        let new = tx.insert_dump(d, Some(&d.added_at))?;
        count(&mut report.dumps, new);
    }
    for l in &from.layouts {
        let new = tx.insert_layout(l, Some(&l.added_at))?;
        count(&mut report.layouts, new);
    }
    Ok(report)
}

/// The warnings the job log holds for a serial, for the decoder.
fn job_warnings(records: &dyn Records, serial: &str) -> Vec<String> {
    records
        .jobs(&JobFilter::serial(serial))
        .unwrap_or_default()
        .iter()
        .filter_map(JobRow::recoded_text)
        .collect()
}

/// Copies everything `from` holds into `to`; running it again copies nothing.
pub fn copy(from: &dyn Records, to: &mut dyn Records) -> anyhow::Result<CopyReport> {
    let snapshot = Snapshot {
        jobs: from.jobs(&JobFilter::default())?,
        book: from.book()?,
        dumps: from.dumps(None)?,
        layouts: from.layouts()?,
    };
    to.merge(&snapshot)
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

/// The code book without a database: the seeded public pairs, or a whole
/// book loaded into memory for a batch.
#[derive(Default)]
pub struct MemoryBook {
    entries: HashMap<String, Vec<BookEntry>>,
}

impl MemoryBook {
    /// The public pairs radiocode ships with.
    pub fn seed() -> MemoryBook {
        let mut book = MemoryBook::default();
        for e in seed_entries() {
            book.insert(e.serial, e.code, e.confidence, e.source);
        }
        book
    }

    /// The whole book of `records`, for fast lookups over a batch.
    pub fn load(records: &dyn Records) -> anyhow::Result<MemoryBook> {
        let mut book = MemoryBook::default();
        for row in records.book()? {
            book.insert(row.serial, row.code, row.confidence, row.source);
        }
        Ok(book)
    }

    fn insert(&mut self, serial: String, code: Code, confidence: Confidence, source: String) {
        let list = self.entries.entry(serial).or_default();
        list.push(BookEntry {
            code,
            confidence,
            source,
        });
        list.sort_by_key(|e| e.confidence);
    }
}

impl CodeBook for MemoryBook {
    fn entries(&self, serial: &str) -> Result<Vec<BookEntry>, String> {
        Ok(self.entries.get(serial).cloned().unwrap_or_default())
    }
}

/// The seeded pairs, parsed from the compiled-in asset (checked by a test).
fn seed_entries() -> Vec<NewEntry> {
    let mut out = Vec::new();
    let mut r = csv::Reader::from_reader(SEED_CSV.as_bytes());
    for rec in r.records().flatten() {
        let (Ok(code), Ok(confidence)) = (Code::parse(&rec[1]), Confidence::parse_book(&rec[2]))
        else {
            continue;
        };
        out.push(NewEntry {
            serial: rec[0].to_string(),
            code,
            confidence,
            source: rec[3].to_string(),
            added_by: "radiocode (public pairs)".to_string(),
        });
    }
    out
}

fn family_of(serial: &str) -> Option<Family> {
    diagnose(serial, None).family
}

/// The serial a job keeps: the normalised one when valid, else as typed.
fn job_serial(typed: &str) -> (String, Option<Family>) {
    let d = diagnose(typed, None);
    let serial = d
        .serial
        .map_or_else(|| typed.trim().to_string(), String::from);
    (serial, d.family)
}

/// An accepted try's serial must be a valid one to become a book entry.
fn accepted_entry(
    job: i64,
    serial: &str,
    vehicle: &str,
    by: &str,
    code: Code,
) -> anyhow::Result<NewEntry> {
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
        source: format!("job {job}: {}", accepted_by(vehicle)),
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

/// Reads a CSV with `serial,code` columns (optional `confidence,source`) and
/// adds its valid rows in one transaction. Bad rows are reported by line;
/// with `strict` any bad row means nothing is written.
pub fn import_csv(
    records: &mut dyn Records,
    input: impl Read,
    strict: bool,
    added_by: &str,
    default_source: &str,
) -> anyhow::Result<ImportReport> {
    let (entries, bad) = read_import(input, added_by, default_source)?;
    if strict && !bad.is_empty() {
        return Ok(ImportReport {
            bad,
            committed: false,
            ..ImportReport::default()
        });
    }
    let mut report = records.add_entries(&entries, default_source)?;
    report.bad = bad;
    Ok(report)
}

fn read_import(
    input: impl Read,
    added_by: &str,
    default_source: &str,
) -> anyhow::Result<(Vec<NewEntry>, Vec<BadRow>)> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = r
        .byte_headers()
        .context("cannot read the CSV header")?
        .clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| String::from_utf8_lossy(h).trim().eq_ignore_ascii_case(name))
    };
    let (Some(serial_col), Some(code_col)) = (col("serial"), col("code")) else {
        bail!("the CSV header must name a serial and a code column (line 1)");
    };
    let (confidence_col, source_col) = (col("confidence"), col("source"));
    let (mut entries, mut bad) = (Vec::new(), Vec::new());
    let mut rec = csv::ByteRecord::new();
    loop {
        let line = r.position().line();
        match r.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                bad.push(BadRow {
                    line,
                    reason: format!("unreadable CSV: {e}"),
                });
                break;
            }
        }
        let line = rec.position().map_or(line, |p| p.line());
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let field = |i: Option<usize>| -> Result<String, String> {
            let raw = i.and_then(|i| rec.get(i)).unwrap_or_default();
            std::str::from_utf8(raw)
                .map(|s| s.trim().to_string())
                .map_err(|_| "a cell is not UTF-8 text".to_string())
        };
        let entry = (|| -> Result<NewEntry, String> {
            let typed = field(Some(serial_col))?;
            let d = diagnose(&typed, None);
            let serial = d.serial.map(String::from).ok_or_else(|| {
                let why = d
                    .findings
                    .iter()
                    .find(|f| f.severity == Severity::Error)
                    .map(|f| f.message.to_string())
                    .unwrap_or_default();
                format!("serial '{}': {why}", echo_text(&typed, 40))
            })?;
            let code = Code::parse(&field(Some(code_col))?)?;
            let confidence = Confidence::parse_book(&field(confidence_col)?)?;
            let source = field(source_col)?;
            Ok(NewEntry {
                serial,
                code,
                confidence,
                source: if source.is_empty() {
                    default_source.to_string()
                } else {
                    source
                },
                added_by: added_by.to_string(),
            })
        })();
        match entry {
            Ok(e) => entries.push(e),
            Err(reason) => bad.push(BadRow { line, reason }),
        }
    }
    Ok((entries, bad))
}

/// The moment `duration` ago ("3y", "18m", "90d", "2w"), as the records
/// write times: 2023-11-22T09:30:00Z.
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
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |t| t.as_secs() as i64);
    let (days, secs) = (now.div_euclid(86_400), now.rem_euclid(86_400));
    let (y, m, day) = civil_from_days(days);
    let days = match unit {
        'y' | 'Y' => days_from_civil(y - n, m, day.min(month_len(y - n, m))),
        'm' | 'M' => {
            let months = y * 12 + i64::from(m) - 1 - n;
            let (ny, nm) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
            days_from_civil(ny, nm, day.min(month_len(ny, nm)))
        }
        'w' | 'W' => days - 7 * n,
        'd' | 'D' => days - n,
        _ => return Err(bad()),
    };
    let (y, m, day) = civil_from_days(days);
    Ok(format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

fn month_len(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a calendar date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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
    fn calendar_days_round_trip_and_durations_read() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(civil_from_days(19_683), (2023, 11, 22));
        for z in (-1000..100_000).step_by(37) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
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
