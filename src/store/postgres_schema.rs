//! The server's schema (in its own `radiocode` schema), its migrations, and
//! the grants that make the records append-only for technicians.

/// The group roles, created once per server by a superuser.
pub const ROLES_SQL: &str = include_str!("../../assets/postgres/roles.sql");

/// Each entry moves the schema up one version; never edit a shipped one.
/// Nothing here is ever updated in place: a book entry that gains confidence
/// gets a second row, and the book is read as the rows of each serial and
/// code taken together.
pub const MIGRATIONS: &[&str] = &[
    // 1: the code book, the job log, and the imports made by managers.
    "CREATE TABLE radiocode.jobs (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uid text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        workstation text NOT NULL,
        branch text NOT NULL DEFAULT '',
        vehicle text NOT NULL,
        ownership_proof text NOT NULL,
        serial text NOT NULL,
        family text,
        notes text NOT NULL DEFAULT ''
    );
    CREATE INDEX jobs_serial ON radiocode.jobs (serial);
    CREATE INDEX jobs_vehicle ON radiocode.jobs (vehicle);
    CREATE INDEX jobs_branch ON radiocode.jobs (branch);
    CREATE TABLE radiocode.attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uid text NOT NULL UNIQUE,
        job_id bigint NOT NULL REFERENCES radiocode.jobs (id),
        at timestamptz NOT NULL DEFAULT now(),
        code text NOT NULL CHECK (code ~ '^[0-9]{4}$'),
        outcome text NOT NULL CHECK (outcome IN ('accepted', 'refused'))
    );
    CREATE INDEX attempts_job ON radiocode.attempts (job_id);
    CREATE TABLE radiocode.job_notes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uid text NOT NULL UNIQUE,
        job_id bigint NOT NULL REFERENCES radiocode.jobs (id),
        at timestamptz NOT NULL DEFAULT now(),
        text text NOT NULL
    );
    CREATE INDEX job_notes_job ON radiocode.job_notes (job_id);
    CREATE TABLE radiocode.book_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        serial text NOT NULL,
        family text,
        code text NOT NULL CHECK (code ~ '^[0-9]{4}$'),
        confidence text NOT NULL CHECK (confidence IN ('confirmed', 'likely', 'unconfirmed')),
        source text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        added_by text NOT NULL,
        job_id bigint REFERENCES radiocode.jobs (id)
    );
    CREATE INDEX book_entries_serial ON radiocode.book_entries (serial, code);
    CREATE TABLE radiocode.imports (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        by text NOT NULL DEFAULT current_user,
        what text NOT NULL,
        added integer NOT NULL,
        already_there integer NOT NULL
    );
    -- Every open workbench hears of a new book entry at once.
    CREATE FUNCTION radiocode.notify_book() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT count(*) FROM added) > 50 THEN
            PERFORM pg_notify('radiocode_book', '*');
        ELSE
            PERFORM pg_notify('radiocode_book', s.serial)
            FROM (SELECT DISTINCT serial FROM added) s;
        END IF;
        RETURN NULL;
    END
    $$;
    CREATE TRIGGER book_entries_notify AFTER INSERT ON radiocode.book_entries
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION radiocode.notify_book();",
    // 2: chip dumps as evidence, and layouts learned at other garages.
    "CREATE TABLE radiocode.dumps (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        sha256 text NOT NULL UNIQUE,
        bytes bytea NOT NULL,
        model text NOT NULL,
        code text NOT NULL CHECK (code ~ '^[0-9]{4}$'),
        known_by text NOT NULL,
        source text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        added_by text NOT NULL
    );
    CREATE INDEX dumps_model ON radiocode.dumps (model);
    CREATE TABLE radiocode.layouts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uid text NOT NULL UNIQUE,
        model text NOT NULL,
        address bigint NOT NULL,
        encoding text NOT NULL,
        word_swapped boolean NOT NULL,
        dumps bigint NOT NULL,
        codes bigint NOT NULL,
        evidence text[] NOT NULL,
        origin text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        added_by text NOT NULL
    );",
    // 3: the serial as typed, where each tried code came from, and the
    // evidence files of a job.
    "ALTER TABLE radiocode.jobs ADD COLUMN serial_typed text NOT NULL DEFAULT '';
    ALTER TABLE radiocode.attempts ADD COLUMN source text NOT NULL DEFAULT '';
    ALTER TABLE radiocode.attempts ADD COLUMN confidence text NOT NULL DEFAULT '';
    CREATE TABLE radiocode.evidence (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uid text NOT NULL UNIQUE,
        job_id bigint NOT NULL REFERENCES radiocode.jobs (id),
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        path text NOT NULL,
        size bigint NOT NULL,
        sha256 text NOT NULL,
        copy_path text NOT NULL DEFAULT ''
    );
    CREATE INDEX evidence_job ON radiocode.evidence (job_id);",
    // 4: a confirmed entry from a job names the job, its bench and its day,
    // never the customer's vehicle, which stays in the job log.
    "UPDATE radiocode.book_entries b SET source = replace(
        replace(
            b.source,
            'job ' || b.job_id || ': accepted by the radio of [removed]',
            'job ' || b.job_id || ' at ' || j.workstation || ' on '
                || to_char(j.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ': accepted by the radio'
        ),
        'job ' || b.job_id || ': accepted by the radio of ' || j.vehicle,
        'job ' || b.job_id || ' at ' || j.workstation || ' on '
            || to_char(j.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ': accepted by the radio'
    )
    FROM radiocode.jobs j WHERE b.job_id = j.id;",
    // 5: who and when are the server's. Every row carries the login that
    // added it, whatever the client sends; a technician's rows take the
    // server's time (and, where there is one, its login as added_by). A
    // manager's rows (an import, a db copy) keep the times they bring.
    "CREATE OR REPLACE FUNCTION radiocode.stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.login := session_user;
        IF NOT pg_has_role(session_user, 'radiocode_manager', 'MEMBER') THEN
            NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], now()));
            IF TG_NARGS > 1 THEN
                NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[1], session_user));
            END IF;
        END IF;
        RETURN NEW;
    END
    $$;
    ALTER TABLE radiocode.jobs ADD COLUMN IF NOT EXISTS login text NOT NULL DEFAULT session_user;
    ALTER TABLE radiocode.attempts ADD COLUMN IF NOT EXISTS login text NOT NULL DEFAULT session_user;
    ALTER TABLE radiocode.job_notes ADD COLUMN IF NOT EXISTS login text NOT NULL DEFAULT session_user;
    ALTER TABLE radiocode.book_entries ADD COLUMN IF NOT EXISTS login text NOT NULL DEFAULT session_user;
    ALTER TABLE radiocode.dumps ADD COLUMN IF NOT EXISTS login text NOT NULL DEFAULT session_user;
    ALTER TABLE radiocode.evidence ADD COLUMN IF NOT EXISTS login text NOT NULL DEFAULT session_user;
    ALTER TABLE radiocode.layouts ADD COLUMN IF NOT EXISTS login text NOT NULL DEFAULT session_user;
    DROP TRIGGER IF EXISTS jobs_stamp ON radiocode.jobs;
    CREATE TRIGGER jobs_stamp BEFORE INSERT ON radiocode.jobs
        FOR EACH ROW EXECUTE FUNCTION radiocode.stamp('created_at');
    DROP TRIGGER IF EXISTS attempts_stamp ON radiocode.attempts;
    CREATE TRIGGER attempts_stamp BEFORE INSERT ON radiocode.attempts
        FOR EACH ROW EXECUTE FUNCTION radiocode.stamp('at');
    DROP TRIGGER IF EXISTS job_notes_stamp ON radiocode.job_notes;
    CREATE TRIGGER job_notes_stamp BEFORE INSERT ON radiocode.job_notes
        FOR EACH ROW EXECUTE FUNCTION radiocode.stamp('at');
    DROP TRIGGER IF EXISTS book_entries_stamp ON radiocode.book_entries;
    CREATE TRIGGER book_entries_stamp BEFORE INSERT ON radiocode.book_entries
        FOR EACH ROW EXECUTE FUNCTION radiocode.stamp('added_at', 'added_by');
    DROP TRIGGER IF EXISTS dumps_stamp ON radiocode.dumps;
    CREATE TRIGGER dumps_stamp BEFORE INSERT ON radiocode.dumps
        FOR EACH ROW EXECUTE FUNCTION radiocode.stamp('added_at', 'added_by');
    DROP TRIGGER IF EXISTS evidence_stamp ON radiocode.evidence;
    CREATE TRIGGER evidence_stamp BEFORE INSERT ON radiocode.evidence
        FOR EACH ROW EXECUTE FUNCTION radiocode.stamp('at');
    DROP TRIGGER IF EXISTS layouts_stamp ON radiocode.layouts;
    CREATE TRIGGER layouts_stamp BEFORE INSERT ON radiocode.layouts
        FOR EACH ROW EXECUTE FUNCTION radiocode.stamp('added_at', 'added_by');",
    // 6: the serial read off a label photo, kept with the photo.
    "ALTER TABLE radiocode.evidence ADD COLUMN IF NOT EXISTS serial_read text NOT NULL DEFAULT '';",
    // 7: every text bounded as radiocode bounds it (a person's text 4,000
    // characters, a source or a path 10,000, a dump 192 KiB), so nobody can
    // load every bench with megabytes through plain SQL. Rows already
    // there are left as they are.
    "ALTER TABLE radiocode.jobs DROP CONSTRAINT IF EXISTS jobs_text_bounded;
    ALTER TABLE radiocode.jobs ADD CONSTRAINT jobs_text_bounded CHECK (
        length(uid) <= 64 AND length(workstation) <= 4000 AND length(branch) <= 4000
        AND length(vehicle) <= 4000 AND length(ownership_proof) <= 4000
        AND length(serial) <= 4000 AND length(notes) <= 4000
        AND length(serial_typed) <= 4000) NOT VALID;
    ALTER TABLE radiocode.attempts DROP CONSTRAINT IF EXISTS attempts_text_bounded;
    ALTER TABLE radiocode.attempts ADD CONSTRAINT attempts_text_bounded CHECK (
        length(uid) <= 64 AND length(source) <= 4000 AND length(confidence) <= 20) NOT VALID;
    ALTER TABLE radiocode.job_notes DROP CONSTRAINT IF EXISTS job_notes_text_bounded;
    ALTER TABLE radiocode.job_notes ADD CONSTRAINT job_notes_text_bounded CHECK (
        length(uid) <= 64 AND length(text) <= 4000) NOT VALID;
    ALTER TABLE radiocode.book_entries DROP CONSTRAINT IF EXISTS book_entries_text_bounded;
    ALTER TABLE radiocode.book_entries ADD CONSTRAINT book_entries_text_bounded CHECK (
        length(serial) <= 64 AND length(source) <= 10000 AND length(added_by) <= 4000) NOT VALID;
    ALTER TABLE radiocode.evidence DROP CONSTRAINT IF EXISTS evidence_text_bounded;
    ALTER TABLE radiocode.evidence ADD CONSTRAINT evidence_text_bounded CHECK (
        length(uid) <= 64 AND length(kind) <= 40 AND length(path) <= 10000
        AND length(sha256) <= 64 AND length(copy_path) <= 10000
        AND length(serial_read) <= 64) NOT VALID;
    ALTER TABLE radiocode.dumps DROP CONSTRAINT IF EXISTS dumps_bounded;
    ALTER TABLE radiocode.dumps ADD CONSTRAINT dumps_bounded CHECK (
        length(bytes) <= 196608 AND length(sha256) <= 64 AND length(model) <= 200
        AND length(known_by) <= 4000 AND length(source) <= 10000
        AND length(added_by) <= 4000) NOT VALID;",
    // 8: a note can withdraw a try recorded by mistake; both stay.
    "ALTER TABLE radiocode.job_notes ADD COLUMN IF NOT EXISTS withdraws text NOT NULL DEFAULT '';
    ALTER TABLE radiocode.job_notes DROP CONSTRAINT IF EXISTS job_notes_withdraws_bounded;
    ALTER TABLE radiocode.job_notes ADD CONSTRAINT job_notes_withdraws_bounded CHECK (
        length(withdraws) <= 64) NOT VALID;",
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A confidence as a number, strongest first, for reading the book.
pub(super) const RANK: &str =
    "CASE confidence WHEN 'confirmed' THEN 0 WHEN 'likely' THEN 1 ELSE 2 END";

/// The number `RANK` gives a confidence.
pub(super) fn rank(c: crate::decode::Confidence) -> i32 {
    use crate::decode::Confidence;
    match c {
        Confidence::Confirmed => 0,
        Confidence::Likely => 1,
        _ => 2,
    }
}

/// Run after every migration: technicians read and add, managers also
/// import and correct; nobody but the owner changes the schema or its
/// version. Adding names its columns: a row's number is always the
/// server's, never chosen by the one adding it (no OVERRIDING SYSTEM VALUE).
pub const GRANTS: &str = "
    REVOKE ALL ON ALL TABLES IN SCHEMA radiocode FROM radiocode_technician, radiocode_manager;
    GRANT USAGE ON SCHEMA radiocode TO radiocode_technician, radiocode_manager;
    GRANT SELECT ON ALL TABLES IN SCHEMA radiocode TO radiocode_technician;
    GRANT INSERT (uid, created_at, workstation, branch, vehicle, ownership_proof, serial, family,
        notes, serial_typed) ON radiocode.jobs TO radiocode_technician;
    GRANT INSERT (uid, job_id, at, code, outcome, source, confidence)
        ON radiocode.attempts TO radiocode_technician;
    GRANT INSERT (uid, job_id, at, text, withdraws) ON radiocode.job_notes
        TO radiocode_technician;
    GRANT INSERT (serial, family, code, confidence, source, added_at, added_by, job_id)
        ON radiocode.book_entries TO radiocode_technician;
    GRANT INSERT (sha256, bytes, model, code, known_by, source, added_at, added_by)
        ON radiocode.dumps TO radiocode_technician;
    GRANT INSERT (uid, job_id, at, kind, path, size, sha256, copy_path, serial_read)
        ON radiocode.evidence TO radiocode_technician;
    GRANT INSERT (uid, model, address, encoding, word_swapped, dumps, codes, evidence, origin,
        added_at, added_by) ON radiocode.layouts TO radiocode_manager;
    GRANT UPDATE, DELETE ON radiocode.jobs, radiocode.attempts, radiocode.job_notes,
        radiocode.book_entries, radiocode.dumps, radiocode.layouts, radiocode.evidence
        TO radiocode_manager;
    GRANT INSERT (at, what, added, already_there) ON radiocode.imports TO radiocode_manager;
";

/// The schema version the server's records are at (0: none yet).
pub(super) fn schema_version(client: &mut impl postgres::GenericClient) -> anyhow::Result<i64> {
    let exists: bool = client
        .query_one("SELECT to_regclass('radiocode.meta') IS NOT NULL", &[])?
        .try_get(0)?;
    if !exists {
        return Ok(0);
    }
    let value: Option<String> = client
        .query_opt(
            "SELECT value FROM radiocode.meta WHERE key = 'schema_version'",
            &[],
        )?
        .map(|r| r.try_get(0))
        .transpose()?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(0))
}
