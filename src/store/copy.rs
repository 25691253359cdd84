//! Copying records from one store into another (`db copy`): what another
//! store holds and this one lacks, a row at a time (the server's bulk path
//! is in `postgres_bulk`), with the records it cannot take named.

use super::{
    Added, BookRow, CopyReport, JobFilter, JobRow, MAX_PATH_TEXT, MAX_TEXT, NewTry, Records,
    Snapshot, Tx, holds_nul, refused_text,
};

/// One record more in a kind's (copied, already there).
pub(super) fn count(tally: &mut (usize, usize), new: bool) {
    if new {
        tally.0 += 1;
    } else {
        tally.1 += 1;
    }
}

pub(super) fn merge_in(
    tx: &mut impl Tx,
    from: &Snapshot,
    done: &dyn Fn(u64),
) -> anyhow::Result<CopyReport> {
    let mut report = CopyReport::default();
    // Text a server cannot store (a NUL character) keeps that one record
    // out, said by name; the others are copied.
    let why = NUL_NOT_COPIED;
    // Oldest first, so the copies are numbered in the order they happened.
    for job in from.jobs.iter().rev() {
        if job_holds_nul(job) {
            report.skipped.push(job_skipped(job, why));
            continue;
        }
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
        done(1);
        for a in &job.attempts {
            let t = NewTry {
                code: a.code,
                outcome: a.outcome,
                uid: a.uid.clone(),
                source: a.source.clone(),
                confidence: a.confidence,
            };
            let new = tx.insert_try(id, &t, Some(&a.at))?;
            count(&mut report.tries, new);
            done(1);
        }
        for n in &job.later_notes {
            let new = tx.insert_note(id, n, Some(&n.at))?;
            count(&mut report.notes, new);
            done(1);
        }
        for e in &job.evidence {
            let new = tx.insert_evidence(id, e, Some(&e.at))?;
            count(&mut report.evidence, new);
            done(1);
        }
    }
    for row in &from.book {
        if book_row_unstorable(row) {
            report.skipped.push(book_row_skipped(row, why));
            continue;
        }
        let job = match &row.job_uid {
            Some(uid) => tx.job_id_by_uid(uid)?,
            None => None,
        };
        let added = tx.insert_entry(&row.as_new(), job, Some(&row.added_at))?;
        count(&mut report.book, added == Added::New);
        done(1);
    }
    merge_few(tx, from, &mut report, done)?;
    Ok(report)
}

/// The chip dumps and layouts of a copy: few, so a row at a time.
pub(super) fn merge_few(
    tx: &mut impl Tx,
    from: &Snapshot,
    report: &mut CopyReport,
    done: &dyn Fn(u64),
) -> anyhow::Result<()> {
    for d in &from.dumps {
        let new = tx.insert_dump(d, Some(&d.added_at))?;
        count(&mut report.dumps, new);
        done(1);
    }
    for l in &from.layouts {
        let new = tx.insert_layout(l, Some(&l.added_at))?;
        count(&mut report.layouts, new);
        done(1);
    }
    Ok(())
}

/// Why a record is kept out of a copy.
pub(super) const NUL_NOT_COPIED: &str =
    "it holds a NUL character or a text too long, which the records do not take";

/// True when a job, or anything on it, holds text the server cannot store.
pub(super) fn job_holds_nul(job: &JobRow) -> bool {
    holds_nul(&[
        &job.vehicle,
        &job.ownership_proof,
        &job.serial,
        &job.serial_typed,
        &job.workstation,
        &job.branch,
        &job.intake_notes,
    ]) || job.attempts.iter().any(|a| holds_nul(&[&a.source]))
        || job.later_notes.iter().any(|n| holds_nul(&[&n.text]))
        || job
            .evidence
            .iter()
            .any(|e| refused_text(&[&e.path, &e.copy_path], MAX_PATH_TEXT).is_some())
}

/// True when a book entry holds text the records do not take. Its source
/// may join several sources, so it is held to a path's length.
pub(super) fn book_row_unstorable(row: &BookRow) -> bool {
    refused_text(&[&row.added_by], MAX_TEXT).is_some()
        || refused_text(&[&row.source], MAX_PATH_TEXT).is_some()
}

/// How a job kept out of a copy is named.
pub(super) fn job_skipped(job: &JobRow, why: &str) -> String {
    format!(
        "job {} ({}): {why}",
        job.id,
        crate::finding::visible_text(&job.serial)
    )
}

/// How a book entry kept out of a copy is named.
pub(super) fn book_row_skipped(row: &BookRow, why: &str) -> String {
    format!(
        "code book entry {} -> {}: {why}",
        crate::finding::visible_text(&row.serial),
        row.code
    )
}

/// Copies everything `from` holds into `to`; running it again copies nothing.
pub fn copy(from: &dyn Records, to: &mut dyn Records) -> anyhow::Result<CopyReport> {
    to.merge(&snapshot(from)?, &|_| {})
}

/// Everything a store holds, to copy it into another.
pub fn snapshot(from: &dyn Records) -> anyhow::Result<Snapshot> {
    Ok(Snapshot {
        jobs: from.jobs(&JobFilter::default())?,
        book: from.book()?,
        dumps: from.dumps(None)?,
        layouts: from.layouts()?,
    })
}
