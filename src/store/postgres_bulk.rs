//! Many rows into the server at once: an import or a `db copy`.
//!
//! Each row is checked here as before; the good ones go over in batches, each
//! batch one binary COPY into a temporary staging table, then into the real
//! table with one `INSERT … SELECT`. That statement keeps the meaning a row at
//! a time had: a book entry already there with the same or a stronger
//! confidence adds nothing, a stronger one adds a row; a job, try, note or
//! evidence file already there (by its identity) is left alone. The server's
//! triggers still stamp who and when on every row.

use postgres::Transaction;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;

use super::copy::{merge_few, storable_records};
use super::postgres_schema::{RANK, rank};
use super::{
    BadRow, CopyReport, ImportReport, NewEntry, Snapshot, StrictRollback, family_of, job_serial,
};
use crate::serial::Family;

/// Rows a batch: one COPY and one `INSERT … SELECT` each. Large enough that
/// the round trips do not count, small enough that a statement stays well
/// within the server's statement timeout.
pub(super) const BATCH: usize = 10_000;

/// A staging table: its name, and its columns with their types (`bigint`,
/// `int` or `text`).
struct Stage {
    table: &'static str,
    columns: &'static str,
}

impl Stage {
    /// The columns' names and their types, as COPY sends them.
    fn columns(&self) -> (Vec<&'static str>, Vec<Type>) {
        self.columns
            .split(',')
            .filter_map(|c| {
                let mut words = c.split_whitespace();
                let name = words.next()?;
                let ty = match words.next()? {
                    "bigint" => Type::INT8,
                    "int" => Type::INT4,
                    _ => Type::TEXT,
                };
                Some((name, ty))
            })
            .unzip()
    }
}

const BOOK: Stage = Stage {
    table: "rc_stage_book",
    columns: "ord bigint, serial text, family text, code text, confidence text, rank int, \
              source text, added_at text, added_by text, job_uid text",
};

const JOBS: Stage = Stage {
    table: "rc_stage_jobs",
    columns: "ord bigint, uid text, created_at text, workstation text, branch text, \
              vehicle text, ownership_proof text, serial text, family text, notes text, \
              serial_typed text",
};

const TRIES: Stage = Stage {
    table: "rc_stage_tries",
    columns: "ord bigint, job_uid text, uid text, at text, code text, outcome text, \
              source text, confidence text",
};

const NOTES: Stage = Stage {
    table: "rc_stage_notes",
    columns: "ord bigint, job_uid text, uid text, at text, text text, withdraws text",
};

const EVIDENCE: Stage = Stage {
    table: "rc_stage_evidence",
    columns: "ord bigint, job_uid text, uid text, at text, kind text, path text, size bigint, \
              sha256 text, copy_path text, serial_read text",
};

/// Moves one batch of staged book rows into the book; (new, already there).
/// A row is written when its confidence is stronger than every row of its
/// serial and code already in the book and every earlier row of the same
/// import; it is new when there was none of either.
const BOOK_INSERT: &str = "
    WITH s AS (
        SELECT st.*,
            min(st.rank) OVER (PARTITION BY st.serial, st.code ORDER BY st.ord
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier,
            (SELECT min({rank}) FROM radiocode.book_entries b
                WHERE b.serial = st.serial AND b.code = st.code) AS old
        FROM rc_stage_book st
    ), written AS (
        INSERT INTO radiocode.book_entries
            (serial, family, code, confidence, source, added_at, added_by, job_id)
        SELECT s.serial, s.family, s.code, s.confidence, s.source,
            coalesce(s.added_at::timestamptz, now()), s.added_by, j.id
        FROM s LEFT JOIN radiocode.jobs j ON j.uid = s.job_uid
        WHERE s.rank < coalesce(least(s.old, s.earlier), 3)
        ORDER BY s.ord
        RETURNING 1
    )
    SELECT count(*) FILTER (WHERE old IS NULL AND earlier IS NULL), count(*) FROM s";

/// Jobs not yet there, oldest first so their numbers follow the order they
/// happened in; the number written.
const JOBS_INSERT: &str = "
    WITH written AS (
        INSERT INTO radiocode.jobs (uid, created_at, workstation, branch, vehicle,
            ownership_proof, serial, family, notes, serial_typed)
        SELECT uid, coalesce(created_at::timestamptz, now()), workstation, branch, vehicle,
            ownership_proof, serial, family, notes, serial_typed
        FROM rc_stage_jobs ORDER BY ord
        ON CONFLICT (uid) DO NOTHING RETURNING 1
    ) SELECT count(*) FROM written";

const TRIES_INSERT: &str = "
    WITH written AS (
        INSERT INTO radiocode.attempts (uid, job_id, at, code, outcome, source, confidence)
        SELECT s.uid, j.id, coalesce(s.at::timestamptz, now()), s.code, s.outcome, s.source,
            s.confidence
        FROM rc_stage_tries s JOIN radiocode.jobs j ON j.uid = s.job_uid ORDER BY s.ord
        ON CONFLICT (uid) DO NOTHING RETURNING 1
    ) SELECT count(*) FROM written";

const NOTES_INSERT: &str = "
    WITH written AS (
        INSERT INTO radiocode.job_notes (uid, job_id, at, text, withdraws)
        SELECT s.uid, j.id, coalesce(s.at::timestamptz, now()), s.text, s.withdraws
        FROM rc_stage_notes s JOIN radiocode.jobs j ON j.uid = s.job_uid ORDER BY s.ord
        ON CONFLICT (uid) DO NOTHING RETURNING 1
    ) SELECT count(*) FROM written";

const EVIDENCE_INSERT: &str = "
    WITH written AS (
        INSERT INTO radiocode.evidence (uid, job_id, at, kind, path, size, sha256, copy_path,
            serial_read)
        SELECT s.uid, j.id, coalesce(s.at::timestamptz, now()), s.kind, s.path, s.size,
            s.sha256, s.copy_path, s.serial_read
        FROM rc_stage_evidence s JOIN radiocode.jobs j ON j.uid = s.job_uid ORDER BY s.ord
        ON CONFLICT (uid) DO NOTHING RETURNING 1
    ) SELECT count(*) FROM written";

/// Sends rows through `stage` a batch at a time: `next` writes one row and
/// says `Some(true)`, keeps one out and says `Some(false)`, or says `None`
/// at the end. After each batch, `insert` moves it into the real table and
/// answers how many it wrote (and, as a second column, of how many), which
/// `tally` is given.
fn staged(
    tx: &mut Transaction<'_>,
    stage: &Stage,
    insert: &str,
    mut next: impl FnMut(&mut BinaryCopyInWriter<'_>) -> anyhow::Result<Option<bool>>,
    mut tally: impl FnMut(u64, u64),
) -> anyhow::Result<()> {
    tx.batch_execute(&format!(
        "CREATE TEMP TABLE IF NOT EXISTS {} ({}) ON COMMIT DROP; TRUNCATE {0};",
        stage.table, stage.columns
    ))?;
    let (names, types) = stage.columns();
    let copy = format!(
        "COPY {} ({}) FROM STDIN (FORMAT binary)",
        stage.table,
        names.join(", ")
    );
    let mut ended = false;
    while !ended {
        let mut writer = BinaryCopyInWriter::new(tx.copy_in(&copy)?, &types);
        let mut n = 0;
        while n < BATCH {
            match next(&mut writer)? {
                None => {
                    ended = true;
                    break;
                }
                Some(true) => n += 1,
                Some(false) => {}
            }
        }
        writer.finish()?;
        if n > 0 {
            let r = tx.query_one(insert, &[])?;
            let written: i64 = r.try_get(0)?;
            let of: i64 = if r.len() > 1 { r.try_get(1)? } else { n as i64 };
            tally(written as u64, of as u64);
            tx.batch_execute(&format!("TRUNCATE {}", stage.table))?;
        }
    }
    Ok(())
}

/// Takes every bucket of the book's advisory locks, in order: a bulk write
/// touches most of them, and taking them all at once, always in the same
/// order, means two bulk writes never wait on each other in a circle.
fn lock_book(tx: &mut Transaction<'_>) -> anyhow::Result<()> {
    tx.execute(
        "SELECT count(pg_advisory_xact_lock(727, k)) FROM generate_series(0, 63) k",
        &[],
    )?;
    Ok(())
}

fn book_insert() -> String {
    BOOK_INSERT.replace("{rank}", &RANK.replace("confidence", "b.confidence"))
}

/// An import's rows into the book; bad rows are reported by their line, and
/// with `strict` one of them rolls everything back.
pub(super) fn add_entries(
    tx: &mut Transaction<'_>,
    rows: &mut dyn Iterator<Item = Result<NewEntry, BadRow>>,
    strict: bool,
) -> anyhow::Result<ImportReport> {
    lock_book(tx)?;
    let mut report = ImportReport {
        committed: true,
        ..ImportReport::default()
    };
    let mut bad = Vec::new();
    let (mut added, mut there) = (0, 0);
    let mut ord: i64 = 0;
    staged(
        tx,
        &BOOK,
        &book_insert(),
        |w| match rows.next() {
            None => Ok(None),
            Some(Ok(e)) => {
                ord += 1;
                write_entry(w, ord, &e, None, None)?;
                Ok(Some(true))
            }
            Some(Err(b)) => {
                bad.push(b);
                Ok(Some(false))
            }
        },
        |new, of| {
            added += new as usize;
            there += (of - new) as usize;
        },
    )?;
    report.added = added;
    report.already_there = there;
    report.bad = bad;
    if strict && !report.bad.is_empty() {
        return Err(StrictRollback(report).into());
    }
    Ok(report)
}

fn write_entry(
    w: &mut BinaryCopyInWriter<'_>,
    ord: i64,
    e: &NewEntry,
    added_at: Option<&str>,
    job_uid: Option<&str>,
) -> Result<(), postgres::Error> {
    let family = family_of(&e.serial).map(Family::id);
    let code = e.code.to_string();
    let rank = rank(e.confidence);
    w.write(&[
        &ord,
        &e.serial,
        &family,
        &code,
        &e.confidence.id(),
        &rank,
        &e.source,
        &added_at,
        &e.added_by,
        &job_uid,
    ])
}

/// Writes what `from` holds and the server lacks, in the transaction `tx`:
/// jobs oldest first, then their tries, notes and evidence, then the book,
/// the chip dumps and the layouts. A record holding text the records do not
/// take is kept out and named; the rest are copied.
pub(super) fn merge(
    tx: &mut Transaction<'_>,
    from: &Snapshot,
    done: &dyn Fn(u64),
) -> anyhow::Result<CopyReport> {
    let taken = storable_records(from);
    let jobs = taken.jobs;
    let mut report = CopyReport {
        skipped: taken.kept_out,
        ..CopyReport::default()
    };
    let mut ord: i64 = 0;
    report.jobs = copy_kind(
        tx,
        &JOBS,
        JOBS_INSERT,
        done,
        &mut ord,
        &jobs,
        |w, ord, job| {
            let (serial, family) = job_serial(&job.serial);
            w.write(&[
                &ord,
                &job.uid,
                &job.created_at.stored(),
                &job.workstation,
                &job.branch,
                &job.vehicle,
                &job.ownership_proof,
                &serial,
                &family.map(Family::id),
                &job.intake_notes,
                &job.serial_typed,
            ])
        },
    )?;
    copy_job_records(tx, &jobs, done, &mut ord, &mut report)?;
    lock_book(tx)?;
    let book = taken.book;
    report.book = copy_kind(
        tx,
        &BOOK,
        &book_insert(),
        done,
        &mut ord,
        book,
        |w, ord, row| {
            write_entry(
                w,
                ord,
                &row.as_new(),
                row.added_at.stored().as_deref(),
                row.job_uid.as_deref(),
            )
        },
    )?;
    // Chip dumps and layouts are few: a row at a time.
    merge_few(tx, from, &mut report, done)?;
    Ok(report)
}

/// The tries, notes and evidence of `jobs`, each to its job by the job's identity.
fn copy_job_records(
    tx: &mut Transaction<'_>,
    jobs: &[&super::JobRow],
    done: &dyn Fn(u64),
    ord: &mut i64,
    report: &mut CopyReport,
) -> anyhow::Result<()> {
    let tries = jobs
        .iter()
        .flat_map(|j| j.attempts.iter().map(move |a| (j.uid.as_str(), a)));
    report.tries = copy_kind(
        tx,
        &TRIES,
        TRIES_INSERT,
        done,
        ord,
        tries,
        |w, ord, (job, a)| {
            w.write(&[
                &ord,
                &job,
                &a.uid,
                &a.at.stored(),
                &a.code.to_string(),
                &a.outcome.id(),
                &a.source,
                &a.confidence_text(),
            ])
        },
    )?;
    let notes = jobs
        .iter()
        .flat_map(|j| j.later_notes.iter().map(move |n| (j.uid.as_str(), n)));
    report.notes = copy_kind(
        tx,
        &NOTES,
        NOTES_INSERT,
        done,
        ord,
        notes,
        |w, ord, (job, n)| w.write(&[&ord, &job, &n.uid, &n.at.stored(), &n.text, &n.withdraws]),
    )?;
    let files = jobs
        .iter()
        .flat_map(|j| j.evidence.iter().map(move |e| (j.uid.as_str(), e)));
    report.evidence = copy_kind(
        tx,
        &EVIDENCE,
        EVIDENCE_INSERT,
        done,
        ord,
        files,
        |w, ord, (job, e)| {
            w.write(&[
                &ord,
                &job,
                &e.uid,
                &e.at.stored(),
                &e.kind.id(),
                &e.path,
                &e.size,
                &e.sha256,
                &e.copy_path,
                &e.serial_read,
            ])
        },
    )?;
    Ok(())
}

/// One kind of record through its staging table, numbered on from `ord`;
/// (copied, already there). `done` hears of each batch as it is written.
fn copy_kind<T>(
    tx: &mut Transaction<'_>,
    stage: &Stage,
    insert: &str,
    done: &dyn Fn(u64),
    ord: &mut i64,
    items: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut BinaryCopyInWriter<'_>, i64, T) -> Result<(), postgres::Error>,
) -> anyhow::Result<(usize, usize)> {
    let mut items = items.into_iter();
    let mut tally = (0, 0);
    staged(
        tx,
        stage,
        insert,
        |w| {
            let Some(item) = items.next() else {
                return Ok(None);
            };
            *ord += 1;
            write(w, *ord, item)?;
            Ok(Some(true))
        },
        |new, of| {
            tally.0 += new as usize;
            tally.1 += (of - new) as usize;
            done(of);
        },
    )?;
    Ok(tally)
}
