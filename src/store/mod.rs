//! The garage's durable records in an embedded SQLite file: the code book
//! (serial -> code, with provenance) and the job log.

mod schema;

use std::collections::HashMap;
use std::fs::{self, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;

use crate::decode::{BookEntry, Code, CodeBook, Confidence};
use crate::serial::{Family, diagnose};

pub use schema::SCHEMA_VERSION;

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
const SEED_CSV: &str = include_str!("../../assets/codebook_seed.csv");

/// Where the database lives unless `--db` or `RADIOCODE_DB` says otherwise.
pub fn default_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("radiocode")
        .join("radiocode.db")
}

/// One code book row.
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
}

/// What a technician records when a job starts.
#[derive(Clone, Debug, Default)]
pub struct NewJob {
    pub workstation: String,
    pub vehicle: String,
    pub ownership_proof: String,
    pub serial: String,
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub at: String,
    pub code: Code,
    pub outcome: TryOutcome,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobRow {
    pub id: i64,
    pub created_at: String,
    pub workstation: String,
    pub vehicle: String,
    pub ownership_proof: String,
    pub serial: String,
    pub family: Option<Family>,
    pub notes: String,
    pub attempts: Vec<Attempt>,
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
            crate::serial::echo_text(&self.vehicle, 12),
            crate::serial::echo_text(&self.serial, 15),
            if tries.is_empty() {
                "no tries yet"
            } else {
                &tries
            }
        )
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

/// An open database.
pub struct Store {
    conn: Connection,
    read_only: bool,
}

/// The code book without a database file: the seeded public pairs, or a
/// whole book loaded into memory for a batch.
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

impl Store {
    /// Opens (and if needed creates and migrates) the database for writing.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        Store::open_with(path, false)?.context("the database could not be created")
    }

    /// Opens the database for reading; `None` when there is no file yet.
    pub fn open_existing(path: &Path) -> anyhow::Result<Option<Store>> {
        if !path.exists() {
            return Ok(None);
        }
        Store::open_with(path, true)
    }

    /// A private database in memory, seeded like a new file.
    pub fn in_memory() -> anyhow::Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            read_only: false,
        };
        schema::migrate(&mut store.conn, &seed_entries())?;
        Ok(store)
    }

    fn open_with(path: &Path, reading: bool) -> anyhow::Result<Option<Store>> {
        let shown = path.display();
        let mut read_only = reading;
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                bail!("{shown} is a directory, not a radiocode database")
            }
            Ok(meta) => {
                if meta.len() > 0 {
                    check_header(path)?;
                }
                if meta.permissions().readonly() {
                    if !reading {
                        bail!(
                            "the database {shown} is read-only: nothing was written. Make it \
                             writable (chmod u+w) or choose another file with --db"
                        );
                    }
                    read_only = true;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if reading {
                    return Ok(None);
                }
                create_private(path)?;
            }
            Err(e) => return Err(e).with_context(|| format!("cannot use the database {shown}")),
        }
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags)
            .with_context(|| format!("cannot open the database {shown}"))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Read before anything is written: a file that is not ours stays untouched.
        let version = schema::check_ownership(&conn)
            .with_context(|| format!("{shown} is not a usable radiocode database"))?;
        if version > SCHEMA_VERSION {
            bail!(
                "the database {shown} has schema version {version}, newer than this radiocode \
                 understands ({SCHEMA_VERSION}): use a newer radiocode. The file was not changed"
            );
        }
        if read_only {
            // An empty new file holds nothing yet; an older schema reads as it is
            // and is upgraded on its next write.
            if version == 0 {
                return Ok(None);
            }
        } else {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            schema::migrate(&mut conn, &seed_entries())
                .with_context(|| format!("cannot prepare the database {shown}"))?;
        }
        Ok(Some(Store { conn, read_only }))
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Adds an entry; the same serial and code again keeps the stronger confidence.
    pub fn add_entry(&mut self, e: &NewEntry) -> anyhow::Result<Added> {
        let tx = self.conn.transaction()?;
        let added = insert_entry(&tx, e, None)?;
        tx.commit()?;
        Ok(added)
    }

    pub fn entries_for(&self, serial: &str) -> anyhow::Result<Vec<BookEntry>> {
        let mut st = self.conn.prepare_cached(
            "SELECT code, confidence, source FROM book WHERE serial = ?1 \
             ORDER BY CASE confidence WHEN 'confirmed' THEN 0 WHEN 'likely' THEN 1 ELSE 2 END, \
             id DESC",
        )?;
        let rows = st.query_map([serial], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (code, confidence, source) = row?;
            out.push(BookEntry {
                code: Code::parse(&code).map_err(anyhow::Error::msg)?,
                confidence: Confidence::parse_book(&confidence).map_err(anyhow::Error::msg)?,
                source,
            });
        }
        Ok(out)
    }

    pub fn book(&self) -> anyhow::Result<Vec<BookRow>> {
        let mut st = self.conn.prepare(
            "SELECT serial, family, code, confidence, source, added_at, added_by, job_id \
             FROM book ORDER BY serial, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<i64>>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (serial, family, code, confidence, source, added_at, added_by, job) = row?;
            out.push(BookRow {
                serial,
                family: family.and_then(|f| f.parse().ok()),
                code: Code::parse(&code).map_err(anyhow::Error::msg)?,
                confidence: Confidence::parse_book(&confidence).map_err(anyhow::Error::msg)?,
                source,
                added_at,
                added_by,
                job,
            });
        }
        Ok(out)
    }

    /// The whole book in memory, for fast lookups over a batch.
    pub fn load_book(&self) -> anyhow::Result<MemoryBook> {
        let mut book = MemoryBook::default();
        for row in self.book()? {
            book.insert(row.serial, row.code, row.confidence, row.source);
        }
        Ok(book)
    }

    /// Imports a CSV with `serial,code` columns (optional `confidence,source`)
    /// in one transaction. Bad rows are reported by line; with `strict` any
    /// bad row means nothing is written.
    pub fn import_csv(
        &mut self,
        input: impl Read,
        strict: bool,
        added_by: &str,
        default_source: &str,
    ) -> anyhow::Result<ImportReport> {
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
        let mut report = ImportReport::default();
        let tx = self.conn.transaction()?;
        let mut rec = csv::ByteRecord::new();
        loop {
            let line = r.position().line();
            match r.read_byte_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    report.bad.push(BadRow {
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
                let serial = d.serial.ok_or_else(|| {
                    let why = d
                        .findings
                        .iter()
                        .find(|f| f.severity == crate::serial::Severity::Error)
                        .map(|f| f.message.to_string())
                        .unwrap_or_default();
                    format!("serial '{}': {why}", crate::serial::echo_text(&typed, 40))
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
                Ok(e) => match insert_entry(&tx, &e, None)? {
                    Added::New => report.added += 1,
                    Added::AlreadyThere => report.already_there += 1,
                },
                Err(reason) => report.bad.push(BadRow { line, reason }),
            }
        }
        if strict && !report.bad.is_empty() {
            tx.rollback()?;
            report.committed = false;
        } else {
            tx.commit()?;
            report.committed = true;
        }
        Ok(report)
    }

    /// Starts a job; returns its number.
    pub fn new_job(&mut self, job: &NewJob) -> anyhow::Result<i64> {
        let d = diagnose(&job.serial, None);
        let serial = d
            .serial
            .clone()
            .unwrap_or_else(|| job.serial.trim().to_string());
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO jobs (created_at, workstation, vehicle, ownership_proof, serial, family, notes) \
             VALUES (strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                job.workstation,
                job.vehicle,
                job.ownership_proof,
                serial,
                d.family.map(Family::id),
                job.notes
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Records a code tried on a job's radio. An accepted code becomes a
    /// confirmed code book entry with the job as its source, in the same
    /// transaction.
    pub fn record_try(&mut self, job: i64, code: Code, outcome: TryOutcome) -> anyhow::Result<()> {
        let tx = self.conn.transaction()?;
        let found: Option<(String, String, String)> = tx
            .query_row(
                "SELECT serial, vehicle, workstation FROM jobs WHERE id = ?1",
                [job],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((serial, vehicle, workstation)) = found else {
            bail!("there is no job {job}: see radiocode jobs list");
        };
        tx.execute(
            "INSERT INTO attempts (job_id, at, code, outcome) \
             VALUES (?1, strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?2, ?3)",
            params![job, code.to_string(), outcome.id()],
        )?;
        if outcome == TryOutcome::Accepted {
            if diagnose(&serial, None).serial.as_deref() != Some(serial.as_str()) {
                bail!(
                    "job {job}'s serial '{}' is not a valid serial, so the accepted code cannot \
                     go into the code book; nothing was recorded",
                    crate::serial::echo_text(&serial, 40)
                );
            }
            let entry = NewEntry {
                serial,
                code,
                confidence: Confidence::Confirmed,
                source: format!("job {job}: accepted by the radio of {vehicle}"),
                added_by: workstation,
            };
            insert_entry(&tx, &entry, Some(job))?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn add_note(&mut self, job: i64, note: &str) -> anyhow::Result<()> {
        let changed = self.conn.execute(
            "UPDATE jobs SET notes = CASE WHEN notes = '' THEN ?2 ELSE notes || char(10) || ?2 END \
             WHERE id = ?1",
            params![job, note],
        )?;
        if changed == 0 {
            bail!("there is no job {job}: see radiocode jobs list");
        }
        Ok(())
    }

    /// Jobs, newest first; `search` matches the serial or the vehicle.
    pub fn jobs(&self, search: Option<&str>) -> anyhow::Result<Vec<JobRow>> {
        let pattern = search.map(|s| {
            let cleaned: String = s
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '%' | '_'))
                .collect();
            format!("%{cleaned}%")
        });
        let mut st = self.conn.prepare_cached(
            "SELECT id, created_at, workstation, vehicle, ownership_proof, serial, family, notes \
             FROM jobs WHERE ?1 IS NULL \
                OR replace(serial, ' ', '') LIKE ?1 OR replace(vehicle, ' ', '') LIKE ?1 \
             ORDER BY id DESC",
        )?;
        let rows = st.query_map([pattern], |r| {
            Ok(JobRow {
                id: r.get(0)?,
                created_at: r.get(1)?,
                workstation: r.get(2)?,
                vehicle: r.get(3)?,
                ownership_proof: r.get(4)?,
                serial: r.get(5)?,
                family: r.get::<_, Option<String>>(6)?.and_then(|f| f.parse().ok()),
                notes: r.get(7)?,
                attempts: Vec::new(),
            })
        })?;
        let mut jobs = rows.collect::<Result<Vec<_>, _>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT at, code, outcome FROM attempts WHERE job_id = ?1 ORDER BY id",
        )?;
        for job in &mut jobs {
            let attempts = st.query_map([job.id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for a in attempts {
                let (at, code, outcome) = a?;
                job.attempts.push(Attempt {
                    at,
                    code: Code::parse(&code).map_err(anyhow::Error::msg)?,
                    outcome: if outcome == "accepted" {
                        TryOutcome::Accepted
                    } else {
                        TryOutcome::Refused
                    },
                });
            }
        }
        Ok(jobs)
    }

    /// SQLite's own consistency check; "ok" when the file is sound.
    pub fn integrity_check(&self) -> anyhow::Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

impl CodeBook for Store {
    fn entries(&self, serial: &str) -> Result<Vec<BookEntry>, String> {
        self.entries_for(serial).map_err(|e| format!("{e:#}"))
    }
}

fn insert_entry(
    tx: &rusqlite::Transaction<'_>,
    e: &NewEntry,
    job: Option<i64>,
) -> anyhow::Result<Added> {
    let existing: Option<String> = tx
        .query_row(
            "SELECT confidence FROM book WHERE serial = ?1 AND code = ?2",
            params![e.serial, e.code.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        None => {
            tx.execute(
                "INSERT INTO book (serial, family, code, confidence, source, added_at, added_by, job_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?6, ?7)",
                params![
                    e.serial,
                    family_of(&e.serial).map(Family::id),
                    e.code.to_string(),
                    e.confidence.id(),
                    e.source,
                    e.added_by,
                    job
                ],
            )?;
            Ok(Added::New)
        }
        Some(old) => {
            let old = Confidence::parse_book(&old).unwrap_or(Confidence::Unconfirmed);
            if e.confidence < old {
                tx.execute(
                    "UPDATE book SET confidence = ?3, source = source || '; ' || ?4, job_id = coalesce(?5, job_id) \
                     WHERE serial = ?1 AND code = ?2",
                    params![e.serial, e.code.to_string(), e.confidence.id(), e.source, job],
                )?;
            }
            Ok(Added::AlreadyThere)
        }
    }
}

fn check_header(path: &Path) -> anyhow::Result<()> {
    let mut head = [0u8; 16];
    let n = fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .with_context(|| format!("cannot read {}", path.display()))?;
    if n < 16 || &head != SQLITE_HEADER {
        bail!(
            "{} is not a radiocode database (it is not an SQLite file); it was left untouched. \
             Choose another file with --db",
            path.display()
        );
    }
    Ok(())
}

/// Creates the database file readable and writable by its owner only.
fn create_private(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot create the database {}", path.display())),
    }
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
}
