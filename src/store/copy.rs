//! Copying records from one store into another (`db copy`): what another
//! store holds and this one lacks, a row at a time (the server's bulk path
//! is in `postgres_bulk`), with the records it cannot take named.

use super::{
    Added, BookRow, CopyReport, JobFilter, JobRow, LONG_TEXT, NewTry, Records, Snapshot, Tx,
    refused_text, unstorable,
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
    let taken = storable_records(from);
    let mut report = CopyReport {
        skipped: taken.kept_out,
        ..CopyReport::default()
    };
    for job in taken.jobs {
        let id = match tx.job_id_by_uid(&job.uid)? {
            Some(id) => {
                report.jobs.1 += 1;
                id
            }
            None => {
                report.jobs.0 += 1;
                tx.insert_job(&job.as_new(), job.created_at.stored().as_deref())?
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
            let new = tx.insert_try(id, &t, a.at.stored().as_deref())?;
            count(&mut report.tries, new);
            done(1);
        }
        for n in &job.later_notes {
            let new = tx.insert_note(id, n, n.at.stored().as_deref())?;
            count(&mut report.notes, new);
            done(1);
        }
        for e in &job.evidence {
            let new = tx.insert_evidence(id, e, e.at.stored().as_deref())?;
            count(&mut report.evidence, new);
            done(1);
        }
    }
    for row in taken.book {
        let job = match &row.job_uid {
            Some(uid) => tx.job_id_by_uid(uid)?,
            None => None,
        };
        let added = tx.insert_entry(&row.as_new(), job, row.added_at.stored().as_deref())?;
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
        let new = tx.insert_dump(d, d.added_at.stored().as_deref())?;
        count(&mut report.dumps, new);
        done(1);
    }
    for l in &from.layouts {
        let new = tx.insert_layout(l, l.added_at.stored().as_deref())?;
        count(&mut report.layouts, new);
        done(1);
    }
    Ok(())
}

/// The records of a snapshot the target takes: its jobs oldest first (so
/// the copies are numbered in the order they happened) and its book
/// entries; a record holding text the records do not take (a NUL
/// character, a text too long) is kept out, named.
pub(super) struct Storable<'a> {
    pub jobs: Vec<&'a JobRow>,
    pub book: Vec<&'a BookRow>,
    pub kept_out: Vec<String>,
}

pub(super) fn storable_records(from: &Snapshot) -> Storable<'_> {
    const WHY: &str = "it holds a NUL character or a text too long, which the records do not take";
    let mut kept_out = Vec::new();
    let jobs = from
        .jobs
        .iter()
        .rev()
        .filter(|job| {
            let bad = job_unstorable(job);
            if bad {
                kept_out.push(format!(
                    "job {} ({}): {WHY}",
                    job.id,
                    crate::finding::visible_text(&job.serial)
                ));
            }
            !bad
        })
        .collect();
    let book = from
        .book
        .iter()
        .filter(|row| {
            // A source may join several sources: held to the longer bound.
            let bad =
                unstorable(&[&row.added_by]) || refused_text(&[&row.source], &LONG_TEXT).is_some();
            if bad {
                kept_out.push(format!(
                    "code book entry {} -> {}: {WHY}",
                    crate::finding::visible_text(&row.serial),
                    row.code
                ));
            }
            !bad
        })
        .collect();
    Storable {
        jobs,
        book,
        kept_out,
    }
}

/// True when a job, or anything on it, holds text the records do not take.
fn job_unstorable(job: &JobRow) -> bool {
    unstorable(&[
        &job.vehicle,
        &job.ownership_proof,
        &job.serial,
        &job.serial_typed,
        &job.workstation,
        &job.branch,
        &job.intake_notes,
    ]) || job.attempts.iter().any(|a| unstorable(&[&a.source]))
        || job.later_notes.iter().any(|n| unstorable(&[&n.text]))
        || job
            .evidence
            .iter()
            .any(|e| refused_text(&[&e.path, &e.copy_path], &LONG_TEXT).is_some())
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
