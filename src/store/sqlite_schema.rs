//! The SQLite file's schema, its migrations, and the check that a file is
//! radiocode's.

use anyhow::bail;
use rusqlite::Connection;

use super::NewEntry;
use super::sqlite_file::insert_entry;

/// "RCDB": marks a SQLite file as a radiocode database.
const APPLICATION_ID: i64 = 0x5243_4442;

/// Each entry moves the schema up one version; never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    // 1: the code book and the job log.
    "CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        workstation TEXT NOT NULL,
        vehicle TEXT NOT NULL,
        ownership_proof TEXT NOT NULL,
        serial TEXT NOT NULL,
        family TEXT,
        notes TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX jobs_serial ON jobs (serial);
    CREATE INDEX jobs_vehicle ON jobs (vehicle);
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        job_id INTEGER NOT NULL REFERENCES jobs (id),
        at TEXT NOT NULL,
        code TEXT NOT NULL CHECK (length(code) = 4 AND code GLOB '[0-9][0-9][0-9][0-9]'),
        outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused'))
    );
    CREATE INDEX attempts_job ON attempts (job_id);
    CREATE TABLE book (
        id INTEGER PRIMARY KEY,
        serial TEXT NOT NULL,
        family TEXT,
        code TEXT NOT NULL CHECK (length(code) = 4 AND code GLOB '[0-9][0-9][0-9][0-9]'),
        confidence TEXT NOT NULL CHECK (confidence IN ('confirmed', 'likely', 'unconfirmed')),
        source TEXT NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL,
        job_id INTEGER REFERENCES jobs (id),
        UNIQUE (serial, code)
    );",
    // 2: branches, identities that travel with `db copy`, notes as their own
    // records. Earlier notes stay as the job's first note.
    "ALTER TABLE jobs ADD COLUMN branch TEXT NOT NULL DEFAULT '';
    ALTER TABLE jobs ADD COLUMN uid TEXT;
    UPDATE jobs SET uid = lower(hex(randomblob(16)));
    CREATE UNIQUE INDEX jobs_uid ON jobs (uid);
    CREATE INDEX jobs_branch ON jobs (branch);
    ALTER TABLE attempts ADD COLUMN uid TEXT;
    UPDATE attempts SET uid = lower(hex(randomblob(16)));
    CREATE UNIQUE INDEX attempts_uid ON attempts (uid);
    CREATE TABLE job_notes (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        job_id INTEGER NOT NULL REFERENCES jobs (id),
        at TEXT NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX job_notes_job ON job_notes (job_id);",
    // 3: chip dumps as evidence, and layouts learned at other garages.
    "CREATE TABLE dumps (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        bytes BLOB NOT NULL,
        model TEXT NOT NULL,
        code TEXT NOT NULL CHECK (length(code) = 4 AND code GLOB '[0-9][0-9][0-9][0-9]'),
        known_by TEXT NOT NULL,
        source TEXT NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL
    );
    CREATE INDEX dumps_model ON dumps (model);
    CREATE TABLE layouts (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        model TEXT NOT NULL,
        address INTEGER NOT NULL,
        encoding TEXT NOT NULL,
        word_swapped INTEGER NOT NULL,
        dumps INTEGER NOT NULL,
        codes INTEGER NOT NULL,
        evidence TEXT NOT NULL,
        origin TEXT NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL
    );",
    // 4: the serial as typed, where each tried code came from, and the
    // evidence files of a job.
    "ALTER TABLE jobs ADD COLUMN serial_typed TEXT NOT NULL DEFAULT '';
    ALTER TABLE attempts ADD COLUMN source TEXT NOT NULL DEFAULT '';
    ALTER TABLE attempts ADD COLUMN confidence TEXT NOT NULL DEFAULT '';
    CREATE TABLE evidence (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        job_id INTEGER NOT NULL REFERENCES jobs (id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        copy_path TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX evidence_job ON evidence (job_id);",
    // 5: a confirmed entry from a job names the job, its bench and its day,
    // never the customer's vehicle, which stays in the job log.
    "UPDATE book SET source = replace(
        replace(
            source,
            'job ' || job_id || ': accepted by the radio of [removed]',
            'job ' || job_id || ' at ' || (SELECT workstation FROM jobs WHERE jobs.id = book.job_id)
                || ' on ' || (SELECT substr(created_at, 1, 10) FROM jobs WHERE jobs.id = book.job_id)
                || ': accepted by the radio'
        ),
        'job ' || job_id || ': accepted by the radio of '
            || (SELECT vehicle FROM jobs WHERE jobs.id = book.job_id),
        'job ' || job_id || ' at ' || (SELECT workstation FROM jobs WHERE jobs.id = book.job_id)
            || ' on ' || (SELECT substr(created_at, 1, 10) FROM jobs WHERE jobs.id = book.job_id)
            || ': accepted by the radio'
    )
    WHERE job_id IS NOT NULL AND EXISTS (SELECT 1 FROM jobs WHERE jobs.id = book.job_id);",
    // 6: the serial read off a label photo, kept with the photo.
    "ALTER TABLE evidence ADD COLUMN serial_read TEXT NOT NULL DEFAULT '';",
    // 7: a note can withdraw a try recorded by mistake; both stay.
    "ALTER TABLE job_notes ADD COLUMN withdraws TEXT NOT NULL DEFAULT '';",
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The file's schema version, after checking that it is radiocode's (or a
/// new, empty file). Reads only, from one snapshot of the file: another
/// radiocode making the schema at that moment is seen before or after, never
/// half way.
pub fn check_ownership(conn: &Connection) -> anyhow::Result<i64> {
    if conn.is_autocommit() {
        let snapshot = conn.unchecked_transaction()?;
        let version = read_ownership(&snapshot)?;
        snapshot.commit()?;
        return Ok(version);
    }
    read_ownership(conn)
}

fn read_ownership(conn: &Connection) -> anyhow::Result<i64> {
    let app: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if app == APPLICATION_ID {
        return Ok(version);
    }
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    if app == 0 && version == 0 && tables == 0 {
        return Ok(0);
    }
    bail!("it is another program's SQLite database; it was left untouched")
}

/// Brings the schema up to date, one transaction per version. A new file
/// also gets the seeded public pairs. The version is read again inside each
/// write transaction, so radiocodes opening a new or older file at the same
/// moment each find the work the others did, and none does it twice.
pub fn migrate(conn: &mut Connection, seeds: &[NewEntry]) -> anyhow::Result<()> {
    while check_ownership(conn)? < SCHEMA_VERSION {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current = check_ownership(&tx)?;
        let Some(sql) = MIGRATIONS.get(current as usize) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        if current == 0 {
            for seed in seeds {
                insert_entry(&tx, seed, None, None)?;
            }
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
    }
    Ok(())
}
