//! The records in an embedded SQLite file: one bench, nothing to install.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::BadRow;
use super::cells::{
    Cells, as_stored, assembled, attempt_columns, book_entry, dump_columns, evidence_columns,
    job_columns, layout_columns, note_columns,
};
use super::sqlite_schema::{self as schema, SCHEMA_VERSION};
use super::{
    Added, Attempt, BookRow, CopyReport, DumpRecord, EvidenceRow, ImportReport, JobFilter, JobNote,
    JobRow, LayoutRecord, NewEntry, NewJob, NewTry, Purged, Records, Snapshot, TryOutcome, Tx,
    add_entries_in, add_note_in, attach_in, job_serial, job_warnings, new_job_in, purge_in,
    record_try_in, remove_copies, seed_entries, withdraw_in,
};
use crate::decode::{BookEntry, CodeBook};
use crate::serial::Family;

use super::sqlite_file::{
    NOW, check_header, create_private, explain, in_tx, insert_entry, match_sidecars,
    wait_for_others, write_ahead,
};

/// An open database file.
pub struct SqliteStore {
    conn: Connection,
    read_only: bool,
    path: Option<PathBuf>,
}

impl SqliteStore {
    /// Opens (and if needed creates and migrates) the database for writing.
    pub fn open(path: &Path) -> anyhow::Result<SqliteStore> {
        SqliteStore::open_with(path, false)?.context("the database could not be created")
    }

    /// Opens the database for reading; `None` when there is no file yet.
    pub fn open_existing(path: &Path) -> anyhow::Result<Option<SqliteStore>> {
        if !path.exists() {
            return Ok(None);
        }
        SqliteStore::open_with(path, true)
    }

    /// A private database in memory, seeded like a new file.
    pub fn in_memory() -> anyhow::Result<SqliteStore> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate(&mut conn, &seed_entries())?;
        Ok(SqliteStore {
            conn,
            read_only: false,
            path: None,
        })
    }

    fn open_with(path: &Path, reading: bool) -> anyhow::Result<Option<SqliteStore>> {
        let shown = crate::files::shown(path);
        let mut read_only = reading;
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                bail!("{shown} is a directory, not a radiocode database")
            }
            // A device or a pipe (/dev/null, a FIFO) is never opened: it
            // could hang the reading, answer "no jobs", or have SQLite put
            // its journal beside it.
            Ok(meta) if !meta.is_file() => bail!(
                "{shown} is not a regular file (a device, a pipe or the like): radiocode keeps \
                 its records in a file of their own. Nothing was read or written; choose \
                 another file with --db"
            ),
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
        if !read_only {
            match_sidecars(path);
        }
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn =
            Connection::open_with_flags(path, flags).map_err(|e| match explain(e, path) {
                Ok(said) => said,
                Err(e) => {
                    anyhow::Error::new(e).context(format!("cannot open the database {shown}"))
                }
            })?;
        // Another radiocode writing (the workbench, a script, an import):
        // wait for it, say so after a second, give up only after a minute.
        conn.busy_handler(Some(wait_for_others))?;
        // Read before anything is written: a file that is not ours stays untouched.
        let version = schema::check_ownership(&conn).map_err(|e| {
            // A full disk or a folder it cannot write in is said as such, not
            // as a file that is not radiocode's.
            let context = format!("{shown} is not a usable radiocode database");
            match e.downcast::<rusqlite::Error>() {
                Ok(e) => {
                    explain(e, path).unwrap_or_else(|e| anyhow::Error::new(e).context(context))
                }
                Err(e) => e.context(context),
            }
        })?;
        if version > SCHEMA_VERSION {
            bail!(
                "the database {shown} has schema version {version}, newer than this radiocode \
                 understands ({SCHEMA_VERSION}): use a newer radiocode. The file was not changed"
            );
        }
        if read_only {
            // An empty new file holds nothing yet.
            if version == 0 {
                return Ok(None);
            }
            // An older schema reads as it is, upgraded in memory only.
            if version < SCHEMA_VERSION {
                return SqliteStore::upgraded_copy(&conn, path).map(Some);
            }
        } else {
            write_ahead(&conn).map_err(|e| explain(e, path).unwrap_or_else(anyhow::Error::new))?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            schema::migrate(&mut conn, &seed_entries()).map_err(|e| {
                let context = format!("cannot prepare the database {shown}");
                match e.downcast::<rusqlite::Error>() {
                    Ok(e) => {
                        explain(e, path).unwrap_or_else(|e| anyhow::Error::new(e).context(context))
                    }
                    Err(e) => e.context(context),
                }
            })?;
        }
        Ok(Some(SqliteStore {
            conn,
            read_only,
            path: Some(path.to_path_buf()),
        }))
    }

    /// A read-only file of an older schema, copied into memory and upgraded
    /// there: the file itself is not changed.
    fn upgraded_copy(conn: &Connection, path: &Path) -> anyhow::Result<SqliteStore> {
        let mut copy = Connection::open_in_memory()?;
        {
            let backup = rusqlite::backup::Backup::new(conn, &mut copy)?;
            backup.run_to_completion(256, std::time::Duration::ZERO, None)?;
        }
        schema::migrate(&mut copy, &[])?;
        Ok(SqliteStore {
            conn: copy,
            read_only: true,
            path: Some(path.to_path_buf()),
        })
    }

    /// Every row `sql` gives, each read by `read`.
    fn read_rows<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        read: impl Fn(&rusqlite::Row<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<Vec<T>> {
        let mut st = self.conn.prepare_cached(sql)?;
        let mut rows = st.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(read(r)?);
        }
        Ok(out)
    }

    /// SQLite's own consistency check; "ok" when the file is sound.
    pub fn integrity_check(&self) -> anyhow::Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

impl Tx for rusqlite::Transaction<'_> {
    fn job_id_by_uid(&mut self, uid: &str) -> anyhow::Result<Option<i64>> {
        Ok(self
            .query_row("SELECT id FROM jobs WHERE uid = ?1", [uid], |r| r.get(0))
            .optional()?)
    }

    fn job_facts(&mut self, job: i64) -> anyhow::Result<Option<(String, String, String)>> {
        Ok(self
            .query_row(
                "SELECT serial, vehicle, workstation FROM jobs WHERE id = ?1",
                [job],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    fn insert_job(&mut self, job: &NewJob, at: Option<&str>) -> anyhow::Result<i64> {
        if let Some(id) = self.job_id_by_uid(&job.uid)? {
            return Ok(id);
        }
        let (serial, family) = job_serial(&job.serial);
        self.execute(
            &format!(
                "INSERT INTO jobs (uid, created_at, workstation, branch, vehicle, ownership_proof, \
                 serial, family, notes, serial_typed) \
                 VALUES (?1, coalesce(?2, {NOW}), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ),
            params![
                job.uid,
                at,
                job.workstation,
                job.branch,
                job.vehicle,
                job.ownership_proof,
                serial,
                family.map(Family::id),
                job.notes,
                job.serial_typed
            ],
        )?;
        Ok(self.last_insert_rowid())
    }

    fn insert_try(&mut self, job: i64, t: &NewTry, at: Option<&str>) -> anyhow::Result<bool> {
        let n = self.execute(
            &format!(
                "INSERT INTO attempts (uid, job_id, at, code, outcome, source, confidence) \
                 VALUES (?1, ?2, coalesce(?3, {NOW}), ?4, ?5, ?6, ?7) ON CONFLICT (uid) DO NOTHING"
            ),
            params![
                t.uid,
                job,
                at,
                t.code.to_string(),
                t.outcome.id(),
                t.source,
                t.confidence_text()
            ],
        )?;
        Ok(n == 1)
    }

    fn try_on_job(&mut self, job: i64, uid: &str) -> anyhow::Result<Option<(TryOutcome, bool)>> {
        let row: Option<(String, bool)> = self
            .query_row(
                "SELECT outcome, EXISTS (SELECT 1 FROM job_notes n \
                     WHERE n.job_id = ?1 AND n.withdraws = ?2) \
                 FROM attempts WHERE job_id = ?1 AND uid = ?2",
                params![job, uid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(o, w)| Ok((TryOutcome::parse(&o).map_err(anyhow::Error::msg)?, w)))
            .transpose()
    }

    fn insert_note(&mut self, job: i64, n: &JobNote, at: Option<&str>) -> anyhow::Result<bool> {
        let n = self.execute(
            &format!(
                "INSERT INTO job_notes (uid, job_id, at, text, withdraws) \
                 VALUES (?1, ?2, coalesce(?3, {NOW}), ?4, ?5) ON CONFLICT (uid) DO NOTHING"
            ),
            params![n.uid, job, at, n.text, n.withdraws],
        )?;
        Ok(n == 1)
    }

    fn insert_entry(
        &mut self,
        e: &NewEntry,
        job: Option<i64>,
        at: Option<&str>,
    ) -> anyhow::Result<Added> {
        insert_entry(self, e, job, at)
    }

    fn insert_dump(&mut self, d: &DumpRecord, at: Option<&str>) -> anyhow::Result<bool> {
        let n = self.execute(
            &format!(
                "INSERT INTO dumps (sha256, bytes, model, code, known_by, source, added_at, \
                 added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, {NOW}), ?8) \
                 ON CONFLICT (sha256) DO NOTHING"
            ),
            params![
                d.sha256,
                d.bytes,
                d.model,
                d.code.to_string(),
                d.known_by,
                d.source,
                at,
                d.added_by
            ],
        )?;
        Ok(n == 1)
    }

    fn insert_evidence(
        &mut self,
        job: i64,
        e: &EvidenceRow,
        at: Option<&str>,
    ) -> anyhow::Result<bool> {
        let n = self.execute(
            &format!(
                "INSERT INTO evidence (uid, job_id, at, kind, path, size, sha256, copy_path, \
                 serial_read) VALUES (?1, ?2, coalesce(?3, {NOW}), ?4, ?5, ?6, ?7, ?8, ?9) \
                 ON CONFLICT (uid) DO NOTHING"
            ),
            params![
                e.uid,
                job,
                at,
                e.kind.id(),
                e.path,
                e.size,
                e.sha256,
                e.copy_path,
                e.serial_read
            ],
        )?;
        Ok(n == 1)
    }

    fn personal_jobs(&mut self, before: &str) -> anyhow::Result<Vec<(i64, String, Vec<String>)>> {
        let mut st = self.prepare(
            "SELECT id, vehicle FROM jobs j WHERE created_at < ?1 AND (vehicle != '' \
             OR ownership_proof != '' OR notes != '' \
             OR EXISTS (SELECT 1 FROM job_notes n WHERE n.job_id = j.id AND n.text != '') \
             OR EXISTS (SELECT 1 FROM evidence e WHERE e.job_id = j.id \
                        AND (e.path != '' OR e.copy_path != ''))) ORDER BY id",
        )?;
        let jobs: Vec<(i64, String)> = st
            .query_map([before], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut copies =
            self.prepare("SELECT copy_path FROM evidence WHERE job_id = ?1 AND copy_path != ''")?;
        let mut out = Vec::new();
        for (id, vehicle) in jobs {
            let files: Vec<String> = copies
                .query_map([id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            out.push((id, vehicle, files));
        }
        Ok(out)
    }

    fn blank_job(&mut self, job: i64, from: &str, to: &str) -> anyhow::Result<()> {
        self.execute(
            "UPDATE book SET source = replace(source, ?1, ?2) WHERE instr(source, ?1) > 0",
            params![from, to],
        )?;
        self.execute(
            "UPDATE jobs SET vehicle = '', ownership_proof = '', notes = '' WHERE id = ?1",
            [job],
        )?;
        self.execute("UPDATE job_notes SET text = '' WHERE job_id = ?1", [job])?;
        self.execute(
            "UPDATE evidence SET path = '', copy_path = '' WHERE job_id = ?1",
            [job],
        )?;
        Ok(())
    }

    fn insert_layout(&mut self, l: &LayoutRecord, at: Option<&str>) -> anyhow::Result<bool> {
        let n = self.execute(
            &format!(
                "INSERT INTO layouts (uid, model, address, encoding, word_swapped, dumps, codes, \
                 evidence, origin, added_at, added_by) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10, {NOW}), ?11) \
                 ON CONFLICT (uid) DO NOTHING"
            ),
            params![
                l.uid,
                l.model,
                l.address,
                l.encoding,
                l.word_swapped,
                l.dumps,
                l.codes,
                l.evidence.join(","),
                l.origin,
                at,
                l.added_by
            ],
        )?;
        Ok(n == 1)
    }
}

/// The records in a file: every write in one transaction, all of it or none.
impl Records for SqliteStore {
    fn place(&self) -> String {
        match &self.path {
            Some(p) => format!("the database {}", crate::files::shown(p)),
            None => "a database in memory".to_string(),
        }
    }

    fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn add_entry(&mut self, e: &NewEntry) -> anyhow::Result<Added> {
        super::storable("code book entry", &[&e.source, &e.added_by])?;
        super::not_posing_as_a_job(&e.source)?;
        in_tx(&mut self.conn, |tx| tx.insert_entry(e, None, None))
    }

    fn add_entries(
        &mut self,
        rows: &mut dyn Iterator<Item = Result<NewEntry, BadRow>>,
        strict: bool,
        _what: &str,
    ) -> anyhow::Result<ImportReport> {
        in_tx(&mut self.conn, |tx| add_entries_in(tx, rows, strict)).or_else(super::rolled_back)
    }

    fn entries_for(&self, serial: &str) -> anyhow::Result<Vec<BookEntry>> {
        // Sorted here, not by SQLite: a serial has a few entries, and a sorter
        // in SQLite costs more than the lookup itself.
        let mut found = self.read_rows(
            "SELECT code, confidence, source, id FROM book WHERE serial = ?1",
            [serial],
            |r| Ok((book_entry(r)?, r.int(3)?)),
        )?;
        // Strongest first (confirmed, likely, unconfirmed), then the newest.
        found.sort_by_key(|(e, id)| (e.confidence, std::cmp::Reverse(*id)));
        Ok(found.into_iter().map(|(e, _)| e).collect())
    }

    fn book(&self) -> anyhow::Result<Vec<BookRow>> {
        self.read_rows(
            "SELECT b.serial, b.family, b.code, b.confidence, b.source, b.added_at, b.added_by, \
             b.job_id, j.uid FROM book b LEFT JOIN jobs j ON j.id = b.job_id \
             ORDER BY b.serial, b.id",
            [],
            |r| BookRow::read(r),
        )
    }

    fn new_job(&mut self, job: &NewJob) -> anyhow::Result<i64> {
        in_tx(&mut self.conn, |tx| new_job_in(tx, job))
    }

    fn record_try(&mut self, job: i64, t: &NewTry) -> anyhow::Result<()> {
        in_tx(&mut self.conn, |tx| record_try_in(tx, job, t))
    }

    fn add_note(&mut self, job: i64, note: &str) -> anyhow::Result<()> {
        in_tx(&mut self.conn, |tx| add_note_in(tx, job, note))
    }

    fn withdraw_try(&mut self, job: i64, try_uid: &str, why: &str) -> anyhow::Result<()> {
        in_tx(&mut self.conn, |tx| withdraw_in(tx, job, try_uid, why))
    }

    fn jobs(&self, filter: &JobFilter) -> anyhow::Result<Vec<JobRow>> {
        // Four queries whatever the number of jobs: the jobs, then each kind
        // of record on them, matched to their job here.
        const CHOSEN: &str = "SELECT id FROM jobs \
             WHERE (?1 IS NULL OR replace(serial, ' ', '') LIKE ?1 ESCAPE '\\' \
                    OR replace(vehicle, ' ', '') LIKE ?1 ESCAPE '\\') \
               AND (?2 IS NULL OR branch = ?2) AND (?3 IS NULL OR id = ?3) \
               AND (?4 IS NULL OR serial = ?4)";
        static SQL: std::sync::OnceLock<[String; 4]> = std::sync::OnceLock::new();
        let [jobs_sql, tries_sql, files_sql, notes_sql] = SQL.get_or_init(|| {
            let query = |columns: String, table: &str, chosen_by: &str, order: &str| {
                format!(
                    "SELECT {columns} FROM {table} WHERE {chosen_by} IN ({CHOSEN}) \
                     ORDER BY {order}"
                )
            };
            [
                query(job_columns(as_stored), "jobs", "id", "id DESC"),
                query(attempt_columns(as_stored), "attempts", "job_id", "id"),
                query(evidence_columns(as_stored), "evidence", "job_id", "id"),
                query(note_columns(as_stored), "job_notes", "job_id", "id"),
            ]
        });
        let params = params![filter.pattern(), filter.branch, filter.id, filter.serial];
        let jobs = self.read_rows(jobs_sql, params, |r| JobRow::read(r))?;
        if jobs.is_empty() {
            // No job chosen: nothing on one either.
            return Ok(jobs);
        }
        let tries = self.read_rows(tries_sql, params, |r| Attempt::read(r))?;
        let files = self.read_rows(files_sql, params, |r| EvidenceRow::read(r))?;
        let notes = self.read_rows(notes_sql, params, |r| JobNote::read(r))?;
        Ok(assembled(jobs, tries, files, notes))
    }

    fn merge(&mut self, from: &Snapshot, done: &dyn Fn(u64)) -> anyhow::Result<CopyReport> {
        in_tx(&mut self.conn, |tx| super::copy::merge_in(tx, from, done))
    }

    fn add_dump(&mut self, d: &DumpRecord) -> anyhow::Result<bool> {
        in_tx(&mut self.conn, |tx| tx.insert_dump(d, None))
    }

    fn dumps(&self, model: Option<&str>) -> anyhow::Result<Vec<DumpRecord>> {
        self.read_rows(
            &format!(
                "SELECT {} FROM dumps WHERE ?1 IS NULL OR model = ?1 ORDER BY id",
                dump_columns(as_stored)
            ),
            [model],
            |r| DumpRecord::read(r),
        )
    }

    fn add_layout(&mut self, l: &LayoutRecord) -> anyhow::Result<bool> {
        in_tx(&mut self.conn, |tx| tx.insert_layout(l, None))
    }

    fn attach(&mut self, job: i64, files: &[EvidenceRow]) -> anyhow::Result<()> {
        in_tx(&mut self.conn, |tx| attach_in(tx, job, files))
    }

    fn purge(&mut self, before: &str) -> anyhow::Result<Purged> {
        let (jobs, copies) = in_tx(&mut self.conn, |tx| purge_in(tx, before))?;
        let root = self
            .path
            .as_ref()
            .map(|p| super::Place::File(p.clone()).folder("evidence"));
        let kept = remove_copies(root.as_deref(), &copies);
        Ok(Purged { jobs, kept })
    }

    fn layouts(&self) -> anyhow::Result<Vec<LayoutRecord>> {
        self.read_rows(
            &format!(
                "SELECT {} FROM layouts ORDER BY id",
                layout_columns(as_stored)
            ),
            [],
            |r| LayoutRecord::read(r),
        )
    }
}

impl CodeBook for SqliteStore {
    fn entries(&self, serial: &str) -> Result<Vec<BookEntry>, String> {
        self.entries_for(serial).map_err(|e| format!("{e:#}"))
    }

    fn warnings(&self, serial: &str) -> Vec<String> {
        job_warnings(self, serial)
    }
}
