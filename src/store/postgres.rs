//! The records on a PostgreSQL server, shared by every bench of a garage.
//! Technicians only ever add rows; the server's grants make sure of it.

use super::cells::{
    assembled, attempt_columns, book_entry, dump_columns, evidence_columns, job_columns,
    layout_columns, note_columns,
};
use std::cell::RefCell;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::bail;
use postgres::Client;
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;

use super::place::{PgPlace, pg_reason};
use super::postgres_schema::{RANK, SCHEMA_VERSION, schema_version};
use super::{
    Added, Attempt, BadRow, BookRow, CopyReport, DumpRecord, EvidenceRow, ImportReport, JobFilter,
    JobNote, JobRow, LayoutRecord, NewEntry, NewJob, NewTry, Purged, Records, RecordsEvent,
    Snapshot, Tx, add_note_in, attach_in, job_warnings, new_job_in, purge_in, record_try_in,
    remove_copies, withdraw_in,
};
use crate::decode::{BookEntry, CodeBook};

/// A timestamp column as the text both stores show: 2026-11-22T09:30:00Z.
pub(super) fn ts(column: &str) -> String {
    format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
}

/// An open connection to the server's records.
pub struct PgStore {
    client: RefCell<Client>,
    place: PgPlace,
}

impl PgStore {
    /// Connects for reading and writing; the schema must be this radiocode's.
    pub fn open(place: &PgPlace) -> anyhow::Result<PgStore> {
        PgStore::open_existing(place)?.ok_or_else(|| {
            anyhow::anyhow!(
                "{place} has no radiocode records yet: a manager prepares it once with \
                 `radiocode --db URL db init`; nothing was written"
            )
        })
    }

    /// Connects; `None` when the server has no radiocode records yet.
    pub fn open_existing(place: &PgPlace) -> anyhow::Result<Option<PgStore>> {
        let mut client = place.connect()?;
        let version = schema_version(&mut client).map_err(|e| explain(e, place))?;
        if version == 0 {
            return Ok(None);
        }
        if version > SCHEMA_VERSION {
            bail!(
                "{place} has radiocode schema version {version}, newer than this radiocode \
                 understands ({SCHEMA_VERSION}): use a newer radiocode. Nothing was changed"
            );
        }
        if version < SCHEMA_VERSION {
            bail!(
                "{place} has radiocode schema version {version}, older than this radiocode's \
                 ({SCHEMA_VERSION}): the database's owner upgrades it with `radiocode db init`"
            );
        }
        Ok(Some(PgStore {
            client: RefCell::new(client),
            place: place.clone(),
        }))
    }

    /// Creates or upgrades the schema and grants to the two group roles
    /// (creating them when this login may). Returns what was done, a line each.
    pub fn init(place: &PgPlace) -> anyhow::Result<Vec<String>> {
        super::postgres_init::init(place)
    }

    /// True when this login may import (a manager).
    pub fn may_import(&self) -> anyhow::Result<bool> {
        self.read(|c| {
            c.query_one(
                "SELECT has_any_column_privilege('radiocode.imports', 'INSERT')",
                &[],
            )
            .and_then(|r| r.try_get(0))
        })
    }

    fn in_tx<T>(
        &self,
        f: impl FnOnce(&mut postgres::Transaction<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let mut client = self.client.borrow_mut();
        let mut tx = client
            .transaction()
            .map_err(|e| explain(e.into(), &self.place))?;
        let out = f(&mut tx).map_err(|e| explain(e, &self.place))?;
        tx.commit().map_err(|e| {
            anyhow::anyhow!(
                "{} did not confirm the write ({}): check with `radiocode jobs list` or \
                 `radiocode book list` before recording it again",
                self.place,
                pg_reason(&e)
            )
        })?;
        Ok(out)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, postgres::Error>,
    ) -> anyhow::Result<T> {
        f(&mut self.client.borrow_mut()).map_err(|e| explain(e.into(), &self.place))
    }
}

/// A server error in the words a technician needs.
fn explain(e: anyhow::Error, place: &PgPlace) -> anyhow::Error {
    let Some(pe) = e.downcast_ref::<postgres::Error>() else {
        return e;
    };
    match pe.code() {
        Some(code) if *code == SqlState::INSUFFICIENT_PRIVILEGE => anyhow::anyhow!(
            "the login {} may not do this on {place} ({}): technicians add records but never \
             change or remove them, and imports are for a manager. Nothing was written",
            place.user,
            pg_reason(pe)
        ),
        Some(_) => anyhow::anyhow!("{place}: {}", pg_reason(pe)),
        None => anyhow::anyhow!(
            "the connection to {place} was lost ({}); nothing was written",
            pg_reason(pe)
        ),
    }
}

impl Records for PgStore {
    fn place(&self) -> String {
        self.place.to_string()
    }

    fn is_read_only(&self) -> bool {
        false
    }

    fn add_entry(&mut self, e: &NewEntry) -> anyhow::Result<Added> {
        super::storable("code book entry", &[&e.source, &e.added_by])?;
        super::not_posing_as_a_job(&e.source)?;
        self.in_tx(|tx| tx.insert_entry(e, None, None))
    }

    fn add_entries(
        &mut self,
        rows: &mut dyn Iterator<Item = Result<NewEntry, BadRow>>,
        strict: bool,
        what: &str,
    ) -> anyhow::Result<ImportReport> {
        if !self.may_import()? {
            bail!(
                "the login {} may not import into the code book on {}: imports are for a \
                 manager (radiocode_manager). Nothing was written",
                self.place.user,
                self.place
            );
        }
        self.in_tx(|tx| {
            let report = super::postgres_bulk::add_entries(tx, rows, strict)?;
            tx.execute(
                "INSERT INTO radiocode.imports (what, added, already_there) VALUES ($1, $2, $3)",
                &[
                    &what,
                    &(report.added as i32),
                    &(report.already_there as i32),
                ],
            )?;
            Ok(report)
        })
        .or_else(super::rolled_back)
    }

    fn entries_for(&self, serial: &str) -> anyhow::Result<Vec<BookEntry>> {
        let rows = self.read(|c| {
            c.query(
                &format!(
                    "SELECT code, (array_agg(confidence ORDER BY {RANK}, id))[1], \
                     string_agg(source, '; ' ORDER BY id) \
                     FROM radiocode.book_entries WHERE serial = $1 \
                     GROUP BY code ORDER BY min({RANK}), min(id) DESC"
                ),
                &[&serial],
            )
        })?;
        rows.iter().map(book_entry).collect()
    }

    fn book(&self) -> anyhow::Result<Vec<BookRow>> {
        let rows = self.read(|c| {
            c.query(
                &format!(
                    "SELECT b.serial, min(b.family), b.code, \
                     (array_agg(b.confidence ORDER BY {rank}, b.id))[1], \
                     string_agg(b.source, '; ' ORDER BY b.id), {added}, \
                     (array_agg(b.added_by ORDER BY b.id))[1], \
                     (array_agg(b.job_id ORDER BY b.id DESC) FILTER (WHERE b.job_id IS NOT NULL))[1], \
                     (array_agg(j.uid ORDER BY b.id DESC) FILTER (WHERE b.job_id IS NOT NULL))[1] \
                     FROM radiocode.book_entries b LEFT JOIN radiocode.jobs j ON j.id = b.job_id \
                     GROUP BY b.serial, b.code ORDER BY b.serial, min(b.id)",
                    rank = RANK.replace("confidence", "b.confidence"),
                    added = ts("min(b.added_at)"),
                ),
                &[],
            )
        })?;
        rows.iter().map(BookRow::read).collect()
    }

    fn new_job(&mut self, job: &NewJob) -> anyhow::Result<i64> {
        self.in_tx(|tx| new_job_in(tx, job))
    }

    fn record_try(&mut self, job: i64, t: &NewTry) -> anyhow::Result<()> {
        self.in_tx(|tx| record_try_in(tx, job, t))
    }

    fn add_note(&mut self, job: i64, note: &str) -> anyhow::Result<()> {
        self.in_tx(|tx| add_note_in(tx, job, note))
    }

    fn withdraw_try(&mut self, job: i64, try_uid: &str, why: &str) -> anyhow::Result<()> {
        self.in_tx(|tx| withdraw_in(tx, job, try_uid, why))
    }

    fn jobs(&self, filter: &JobFilter) -> anyhow::Result<Vec<JobRow>> {
        // Four queries whatever the number of jobs: the jobs, then each kind
        // of record on them, matched to their job here.
        let (jobs, tries, files, notes) = self.read(|c| {
            let jobs = c.query(
                &format!(
                    "SELECT {} FROM radiocode.jobs \
                     WHERE ($1::text IS NULL OR replace(serial, ' ', '') ILIKE $1 \
                            OR replace(vehicle, ' ', '') ILIKE $1) \
                       AND ($2::text IS NULL OR branch = $2) \
                       AND ($3::bigint IS NULL OR id = $3) \
                       AND ($4::text IS NULL OR serial = $4) \
                     ORDER BY id DESC",
                    job_columns(ts)
                ),
                &[
                    &filter.pattern(),
                    &filter.branch,
                    &filter.id,
                    &filter.serial,
                ],
            )?;
            let ids: Vec<i64> = jobs
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
            if ids.is_empty() {
                // No job chosen: nothing on one either, and no more round trips.
                return Ok((jobs, Vec::new(), Vec::new(), Vec::new()));
            }
            let mut of_jobs = |columns: String, table: &str| {
                c.query(
                    &format!(
                        "SELECT {columns} FROM radiocode.{table} WHERE job_id = ANY($1) ORDER BY id"
                    ),
                    &[&ids],
                )
            };
            let tries = of_jobs(attempt_columns(ts), "attempts")?;
            let files = of_jobs(evidence_columns(ts), "evidence")?;
            let notes = of_jobs(note_columns(ts), "job_notes")?;
            Ok((jobs, tries, files, notes))
        })?;
        Ok(assembled(
            jobs.iter()
                .map(JobRow::read)
                .collect::<anyhow::Result<_>>()?,
            tries
                .iter()
                .map(Attempt::read)
                .collect::<anyhow::Result<_>>()?,
            files
                .iter()
                .map(EvidenceRow::read)
                .collect::<anyhow::Result<_>>()?,
            notes
                .iter()
                .map(JobNote::read)
                .collect::<anyhow::Result<_>>()?,
        ))
    }

    fn merge(&mut self, from: &Snapshot, done: &dyn Fn(u64)) -> anyhow::Result<CopyReport> {
        // A copy into the server writes the past (its times, confirmed
        // entries): a manager's, refused up front to anyone else.
        if !self.may_import()? {
            bail!(
                "the login {} may not copy records into {}: a copy keeps the original times and \
                 confirmed entries, so it is for a manager (radiocode_manager). Nothing was written",
                self.place.user,
                self.place
            );
        }
        self.in_tx(|tx| {
            let report = super::postgres_bulk::merge(tx, from, done)?;
            let (added, there) = report.totals();
            tx.execute(
                "INSERT INTO radiocode.imports (what, added, already_there) VALUES ($1, $2, $3)",
                &[&"db copy", &(added as i32), &(there as i32)],
            )?;
            Ok(report)
        })
    }

    fn add_dump(&mut self, d: &DumpRecord) -> anyhow::Result<bool> {
        self.in_tx(|tx| tx.insert_dump(d, None))
    }

    fn dumps(&self, model: Option<&str>) -> anyhow::Result<Vec<DumpRecord>> {
        let rows = self.read(|c| {
            c.query(
                &format!(
                    "SELECT {} FROM radiocode.dumps WHERE $1::text IS NULL OR model = $1 \
                     ORDER BY id",
                    dump_columns(ts)
                ),
                &[&model],
            )
        })?;
        rows.iter().map(DumpRecord::read).collect()
    }

    fn add_layout(&mut self, l: &LayoutRecord) -> anyhow::Result<bool> {
        self.in_tx(|tx| tx.insert_layout(l, None))
    }

    fn attach(&mut self, job: i64, files: &[EvidenceRow]) -> anyhow::Result<()> {
        self.in_tx(|tx| attach_in(tx, job, files))
    }

    fn purge(&mut self, before: &str) -> anyhow::Result<Purged> {
        let may: bool = self.read(|c| {
            c.query_one(
                "SELECT has_table_privilege('radiocode.jobs', 'UPDATE')",
                &[],
            )
            .and_then(|r| r.try_get(0))
        })?;
        if !may {
            bail!(
                "the login {} may not purge on {}: a purge changes records, which is for a \
                 manager (radiocode_manager). Nothing was changed",
                self.place.user,
                self.place
            );
        }
        let (jobs, copies) = self.in_tx(|tx| purge_in(tx, before))?;
        let root = super::Place::Server(self.place.clone()).folder("evidence");
        let kept = remove_copies(Some(&root), &copies);
        Ok(Purged { jobs, kept })
    }

    fn layouts(&self) -> anyhow::Result<Vec<LayoutRecord>> {
        let rows = self.read(|c| {
            c.query(
                &format!(
                    "SELECT {} FROM radiocode.layouts ORDER BY id",
                    layout_columns(ts)
                ),
                &[],
            )
        })?;
        rows.iter().map(LayoutRecord::read).collect()
    }
}

impl CodeBook for PgStore {
    fn entries(&self, serial: &str) -> Result<Vec<BookEntry>, String> {
        self.entries_for(serial).map_err(|e| format!("{e:#}"))
    }

    fn warnings(&self, serial: &str) -> Vec<String> {
        job_warnings(self, serial)
    }
}

/// Watches the server for an open workbench: every new book entry (its
/// serial, or `*` for many at once), and the server going away and coming
/// back. Ends when the receiver is dropped.
pub fn watch(place: PgPlace) -> mpsc::Receiver<RecordsEvent> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut online = true;
        loop {
            let mut client = match place.connect() {
                Ok(c) => c,
                Err(e) => {
                    if online {
                        if tx.send(RecordsEvent::Offline(format!("{e:#}"))).is_err() {
                            return;
                        }
                        online = false;
                    }
                    std::thread::sleep(Duration::from_secs(1));
                    continue;
                }
            };
            if client.batch_execute("LISTEN radiocode_book").is_err() {
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
            if !online && tx.send(RecordsEvent::Online).is_err() {
                return;
            }
            let mut checked = Instant::now();
            let reason = loop {
                let next = client
                    .notifications()
                    .timeout_iter(Duration::from_millis(500))
                    .next();
                match next {
                    Ok(Some(n)) => {
                        if tx
                            .send(RecordsEvent::BookChanged(n.payload().to_string()))
                            .is_err()
                        {
                            return;
                        }
                    }
                    Err(e) => break pg_reason(&e),
                    Ok(None) => {}
                }
                if checked.elapsed() > Duration::from_secs(2) {
                    if let Err(e) = client.is_valid(Duration::from_secs(3)) {
                        break pg_reason(&e);
                    }
                    checked = Instant::now();
                }
            };
            if tx
                .send(RecordsEvent::Offline(format!(
                    "the connection to {place} was lost ({reason})"
                )))
                .is_err()
            {
                return;
            }
            online = false;
        }
    });
    rx
}
