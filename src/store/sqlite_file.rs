//! The SQLite file itself: its header, its creation (owner only), and the
//! one way a book entry is written, shared by the store and its migrations.

use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, bail};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Added, NewEntry, family_of};
use crate::decode::Confidence;
use crate::serial::Family;

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
pub(super) const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ','now')";

/// Adds a book entry, or strengthens the one there: a stronger confidence
/// replaces a weaker one and its source is added to the entry's sources.
pub(super) fn insert_entry(
    conn: &Connection,
    e: &NewEntry,
    job: Option<i64>,
    at: Option<&str>,
) -> anyhow::Result<Added> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT confidence FROM book WHERE serial = ?1 AND code = ?2",
            params![e.serial, e.code.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        None => {
            conn.execute(
                &format!(
                    "INSERT INTO book (serial, family, code, confidence, source, added_at, \
                     added_by, job_id) VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, {NOW}), ?7, ?8)"
                ),
                params![
                    e.serial,
                    family_of(&e.serial).map(Family::id),
                    e.code.to_string(),
                    e.confidence.id(),
                    e.source,
                    at,
                    e.added_by,
                    job
                ],
            )?;
            Ok(Added::New)
        }
        Some(old) => {
            let old = Confidence::parse_book(&old).unwrap_or(Confidence::Unconfirmed);
            if e.confidence < old {
                conn.execute(
                    "UPDATE book SET confidence = ?3, source = source || '; ' || ?4, \
                     job_id = coalesce(?5, job_id) WHERE serial = ?1 AND code = ?2",
                    params![
                        e.serial,
                        e.code.to_string(),
                        e.confidence.id(),
                        e.source,
                        job
                    ],
                )?;
            }
            Ok(Added::AlreadyThere)
        }
    }
}

pub(super) fn check_header(path: &Path) -> anyhow::Result<()> {
    let mut head = [0u8; 16];
    let n = fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .with_context(|| format!("cannot read {}", crate::files::shown(path)))?;
    if n < 16 || &head != SQLITE_HEADER {
        bail!(
            "{} is not a radiocode database (it is not an SQLite file); it was left untouched. \
             Choose another file with --db",
            crate::files::shown(path)
        );
    }
    Ok(())
}

/// Creates the database file readable and writable by its owner only.
pub(super) fn create_private(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        crate::files::private_dir(dir)
            .with_context(|| format!("cannot create the folder {}", crate::files::shown(dir)))?;
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e)
            .with_context(|| format!("cannot create the database {}", crate::files::shown(path))),
    }
}

/// The database's `-wal` and `-shm` files take the mode of the database
/// itself: a file once made read-only (whose sidecars SQLite then made
/// read-only too) and writable again is writable again.
pub(super) fn match_sidecars(path: &Path) {
    let Ok(meta) = fs::metadata(path) else { return };
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        if let Ok(m) = fs::metadata(&side)
            && m.permissions().readonly()
            && !meta.permissions().readonly()
        {
            let _ = fs::set_permissions(&side, meta.permissions());
        }
    }
}

/// A SQLite error said as what it is for the file at `path` (a full disk,
/// a read-only place), or the error as it came when it is neither.
pub(super) fn explain(e: rusqlite::Error, path: &Path) -> Result<anyhow::Error, rusqlite::Error> {
    use rusqlite::ErrorCode as C;
    let shown = crate::files::shown(path);
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| ".".to_string(), |p| crate::files::shown(p).to_string());
    match e.sqlite_error_code() {
        Some(C::DiskFull) => Ok(anyhow::anyhow!(
            "the disk holding {shown} is full: free some room there; nothing was written"
        )),
        Some(C::ReadOnly) | Some(C::CannotOpen) | Some(C::PermissionDenied) => Ok(anyhow::anyhow!(
            "cannot write beside {shown}: the file or its folder {folder} is read-only (SQLite \
             keeps its -wal and -shm files there). Make them writable or choose another file \
             with --db; nothing was written"
        )),
        _ => Err(e),
    }
}

/// How long a write waits for another radiocode before it gives up.
pub const WAIT_LIMIT_MS: u64 = 60_000;
const WAIT_STEP_MS: u64 = 10;

/// Whether the wait is said on standard error (not under the workbench,
/// which draws on that terminal).
static SAY_WAITS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// The workbench says waits in its own way: none on standard error.
pub fn quiet_waits() {
    SAY_WAITS.store(false, std::sync::atomic::Ordering::Relaxed);
}

/// SQLite's busy handler: another process holds the write lock.
pub(super) fn wait_for_others(tries: i32) -> bool {
    let waited = u64::try_from(tries).unwrap_or(0) * WAIT_STEP_MS;
    if waited == 1000 && SAY_WAITS.load(std::sync::atomic::Ordering::Relaxed) {
        let _ = writeln!(
            std::io::stderr(),
            "radiocode: waiting for another radiocode that is writing to the records (up to {} s)",
            WAIT_LIMIT_MS / 1000
        );
    }
    if waited >= WAIT_LIMIT_MS {
        return false;
    }
    std::thread::sleep(std::time::Duration::from_millis(WAIT_STEP_MS));
    true
}

/// A write transaction: it takes the write lock at once (so it waits its
/// turn behind another writer instead of failing half-way), all or nothing.
pub(super) fn in_tx<T>(
    conn: &mut Connection,
    f: impl FnOnce(&mut rusqlite::Transaction<'_>) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let busy = |e: rusqlite::Error| -> anyhow::Error {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
            anyhow::anyhow!(
                "the records stayed busy for {} s: another radiocode kept writing to them; \
                 nothing was written, try again",
                WAIT_LIMIT_MS / 1000
            )
        } else {
            e.into()
        }
    };
    let mut tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(busy)?;
    let out = f(&mut tx)?;
    tx.commit().map_err(busy)?;
    Ok(out)
}

/// Puts the file in write-ahead mode. Switching needs the file to itself,
/// and SQLite says "busy" at once when another radiocode opens the same new
/// file at that moment, without waiting: so wait here, as for any write.
pub(super) fn write_ahead(conn: &Connection) -> rusqlite::Result<()> {
    let start = std::time::Instant::now();
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && start.elapsed() < std::time::Duration::from_millis(WAIT_LIMIT_MS) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full disk and a read-only place are said as what they are.
    #[test]
    fn sqlite_errors_are_said_as_what_they_are() {
        let err = |code| rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        let path = Path::new("/garage/records.db");
        let said = |code| {
            explain(err(code), path)
                .map(|e| format!("{e:#}"))
                .unwrap_or_default()
        };
        let full = said(rusqlite::ffi::SQLITE_FULL);
        assert!(
            full.contains("the disk holding /garage/records.db is full"),
            "{full}"
        );
        let ro = said(rusqlite::ffi::SQLITE_READONLY);
        assert!(ro.contains("folder /garage is read-only"), "{ro}");
    }
}
