//! The writes the server store makes inside one transaction.

use super::postgres_schema::{RANK, rank};
use super::{
    Added, DumpRecord, EvidenceRow, JobNote, LayoutRecord, NewEntry, NewJob, NewTry, TryOutcome,
    Tx, family_of, job_serial,
};
use crate::serial::Family;

impl Tx for postgres::Transaction<'_> {
    fn job_id_by_uid(&mut self, uid: &str) -> anyhow::Result<Option<i64>> {
        Ok(self
            .query_opt("SELECT id FROM radiocode.jobs WHERE uid = $1", &[&uid])?
            .map(|r| r.try_get(0))
            .transpose()?)
    }

    fn job_facts(&mut self, job: i64) -> anyhow::Result<Option<(String, String, String)>> {
        Ok(self
            .query_opt(
                "SELECT serial, vehicle, workstation FROM radiocode.jobs WHERE id = $1",
                &[&job],
            )?
            .map(|r| -> Result<_, postgres::Error> {
                Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))
            })
            .transpose()?)
    }

    fn insert_job(&mut self, job: &NewJob, at: Option<&str>) -> anyhow::Result<i64> {
        let (serial, family) = job_serial(&job.serial);
        let row = self.query_opt(
            "INSERT INTO radiocode.jobs (uid, created_at, workstation, branch, vehicle, \
             ownership_proof, serial, family, notes, serial_typed) \
             VALUES ($1, coalesce($2::text::timestamptz, now()), $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (uid) DO NOTHING RETURNING id",
            &[
                &job.uid,
                &at,
                &job.workstation,
                &job.branch,
                &job.vehicle,
                &job.ownership_proof,
                &serial,
                &family.map(Family::id),
                &job.notes,
                &job.serial_typed,
            ],
        )?;
        match row {
            Some(r) => Ok(r.try_get(0)?),
            None => self
                .job_id_by_uid(&job.uid)?
                .ok_or_else(|| anyhow::anyhow!("the job vanished while it was written")),
        }
    }

    fn insert_try(&mut self, job: i64, t: &NewTry, at: Option<&str>) -> anyhow::Result<bool> {
        let n = self.execute(
            "INSERT INTO radiocode.attempts (uid, job_id, at, code, outcome, source, confidence) \
             VALUES ($1, $2, coalesce($3::text::timestamptz, now()), $4, $5, $6, $7) \
             ON CONFLICT (uid) DO NOTHING",
            &[
                &t.uid,
                &job,
                &at,
                &t.code.to_string(),
                &t.outcome.id(),
                &t.source,
                &t.confidence_text(),
            ],
        )?;
        Ok(n == 1)
    }

    fn try_on_job(&mut self, job: i64, uid: &str) -> anyhow::Result<Option<(TryOutcome, bool)>> {
        let row = self.query_opt(
            "SELECT outcome, EXISTS (SELECT 1 FROM radiocode.job_notes n \
                 WHERE n.job_id = $1 AND n.withdraws = $2) \
             FROM radiocode.attempts WHERE job_id = $1 AND uid = $2",
            &[&job, &uid],
        )?;
        row.map(|r| -> anyhow::Result<_> {
            let outcome: String = r.try_get(0)?;
            Ok((
                TryOutcome::parse(&outcome).map_err(anyhow::Error::msg)?,
                r.try_get(1)?,
            ))
        })
        .transpose()
    }

    fn insert_note(&mut self, job: i64, n: &JobNote, at: Option<&str>) -> anyhow::Result<bool> {
        let n = self.execute(
            "INSERT INTO radiocode.job_notes (uid, job_id, at, text, withdraws) \
             VALUES ($1, $2, coalesce($3::text::timestamptz, now()), $4, $5) \
             ON CONFLICT (uid) DO NOTHING",
            &[&n.uid, &job, &at, &n.text, &n.withdraws],
        )?;
        Ok(n == 1)
    }

    fn insert_entry(
        &mut self,
        e: &NewEntry,
        job: Option<i64>,
        at: Option<&str>,
    ) -> anyhow::Result<Added> {
        let code = e.code.to_string();
        // Benches adding to one serial at once take turns, so none is lost or doubled.
        // Entries for one serial are written one bench at a time. The lock is
        // one of 64 buckets, so an import of any size takes at most 64 of the
        // server's lock slots (a lock a serial filled them on a stock server).
        book_lock(self, &e.serial)?;
        let old: Option<i32> = self
            .query_one(
                &format!(
                    "SELECT min({RANK})::int FROM radiocode.book_entries \
                     WHERE serial = $1 AND code = $2"
                ),
                &[&e.serial, &code],
            )?
            .try_get(0)?;
        if old.is_none_or(|old| rank(e.confidence) < old) {
            self.execute(
                "INSERT INTO radiocode.book_entries \
                 (serial, family, code, confidence, source, added_at, added_by, job_id) \
                 VALUES ($1, $2, $3, $4, $5, coalesce($6::text::timestamptz, now()), $7, $8)",
                &[
                    &e.serial,
                    &family_of(&e.serial).map(Family::id),
                    &code,
                    &e.confidence.id(),
                    &e.source,
                    &at,
                    &e.added_by,
                    &job,
                ],
            )?;
        }
        Ok(if old.is_none() {
            Added::New
        } else {
            Added::AlreadyThere
        })
    }

    fn insert_dump(&mut self, d: &DumpRecord, at: Option<&str>) -> anyhow::Result<bool> {
        let n = self.execute(
            "INSERT INTO radiocode.dumps (sha256, bytes, model, code, known_by, source, \
             added_at, added_by) \
             VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::text::timestamptz, now()), $8) \
             ON CONFLICT (sha256) DO NOTHING",
            &[
                &d.sha256,
                &d.bytes,
                &d.model,
                &d.code.to_string(),
                &d.known_by,
                &d.source,
                &at,
                &d.added_by,
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
            "INSERT INTO radiocode.evidence (uid, job_id, at, kind, path, size, sha256, copy_path, \
             serial_read) \
             VALUES ($1, $2, coalesce($3::text::timestamptz, now()), $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (uid) DO NOTHING",
            &[
                &e.uid,
                &job,
                &at,
                &e.kind.id(),
                &e.path,
                &e.size,
                &e.sha256,
                &e.copy_path,
                &e.serial_read,
            ],
        )?;
        Ok(n == 1)
    }

    fn personal_jobs(&mut self, before: &str) -> anyhow::Result<Vec<(i64, String, Vec<String>)>> {
        let rows = self.query(
            "SELECT j.id, j.vehicle, coalesce(array_agg(e.copy_path) FILTER \
             (WHERE e.copy_path != ''), '{}') FROM radiocode.jobs j \
             LEFT JOIN radiocode.evidence e ON e.job_id = j.id \
             WHERE j.created_at < $1::text::timestamptz AND (j.vehicle != '' \
               OR j.ownership_proof != '' OR j.notes != '' \
               OR EXISTS (SELECT 1 FROM radiocode.job_notes n WHERE n.job_id = j.id \
                          AND n.text != '') \
               OR EXISTS (SELECT 1 FROM radiocode.evidence x WHERE x.job_id = j.id \
                          AND (x.path != '' OR x.copy_path != ''))) \
             GROUP BY j.id, j.vehicle ORDER BY j.id",
            &[&before],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    fn blank_job(&mut self, job: i64, from: &str, to: &str) -> anyhow::Result<()> {
        self.execute(
            "UPDATE radiocode.book_entries SET source = replace(source, $1, $2) \
             WHERE strpos(source, $1) > 0",
            &[&from, &to],
        )?;
        self.execute(
            "UPDATE radiocode.jobs SET vehicle = '', ownership_proof = '', notes = '' \
             WHERE id = $1",
            &[&job],
        )?;
        self.execute(
            "UPDATE radiocode.job_notes SET text = '' WHERE job_id = $1",
            &[&job],
        )?;
        self.execute(
            "UPDATE radiocode.evidence SET path = '', copy_path = '' WHERE job_id = $1",
            &[&job],
        )?;
        Ok(())
    }

    fn insert_layout(&mut self, l: &LayoutRecord, at: Option<&str>) -> anyhow::Result<bool> {
        let n = self.execute(
            "INSERT INTO radiocode.layouts (uid, model, address, encoding, word_swapped, dumps, \
             codes, evidence, origin, added_at, added_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             coalesce($10::text::timestamptz, now()), $11) ON CONFLICT (uid) DO NOTHING",
            &[
                &l.uid,
                &l.model,
                &l.address,
                &l.encoding,
                &l.word_swapped,
                &l.dumps,
                &l.codes,
                &l.evidence,
                &l.origin,
                &at,
                &l.added_by,
            ],
        )?;
        Ok(n == 1)
    }
}

/// Takes the advisory lock of a serial's book entries. A lock held
/// elsewhere longer than the lock timeout (another session holding it on
/// purpose, through plain SQL) is said with who holds it.
fn book_lock(tx: &mut postgres::Transaction<'_>, serial: &str) -> anyhow::Result<()> {
    let mut step = tx.savepoint("book_lock")?;
    match step.execute(
        "SELECT pg_advisory_xact_lock(727, hashtext($1) & 63)",
        &[&serial],
    ) {
        Ok(_) => {
            step.commit()?;
            Ok(())
        }
        Err(e) if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
            drop(step);
            let holder: Option<String> = tx
                .query_opt(
                    "SELECT a.usename || coalesce(' (' || nullif(a.application_name, '') || ')', '') \
                     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 727 \
                       AND l.objid = (hashtext($1) & 63)::oid AND l.pid <> pg_backend_pid() \
                     LIMIT 1",
                    &[&serial],
                )?
                .map(|r| r.try_get(0))
                .transpose()?;
            anyhow::bail!(
                "the code book entries for {serial} are held on the server by {}, for longer than \
                 radiocode waits: nothing was written. Ask them to finish, or a manager to end \
                 that session",
                holder.map_or_else(
                    || "another session".to_string(),
                    |h| format!("the login {h}")
                )
            )
        }
        Err(e) => Err(e.into()),
    }
}
