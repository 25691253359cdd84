//! The SQLite file itself: its header, its creation (owner only), and the
//! one way a book entry is written, shared by the store and its migrations.

use std::fs::{self, OpenOptions};
use std::io::Read;
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
pub(super) fn create_private(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        crate::files::private_dir(dir)
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
