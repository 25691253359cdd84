//! `radiocode book ...` and `radiocode jobs ...`: the garage's records.

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::path::Path;

use anyhow::Context;

use super::{BookCommand, EXIT_INVALID, JobsCommand, ListFormat, Out};
use crate::decode::{Code, CodeBook, Confidence};
use crate::serial::{diagnose, echo_text};
use crate::store::{Added, BookRow, JobRow, MemoryBook, NewEntry, NewJob, Store, whoami};

/// The database for reading, if there is one. A database that cannot be
/// read is reported and skipped: the seeded public pairs answer instead.
pub fn open_for_reading(db: &Path) -> Option<Store> {
    Store::open_existing(db).unwrap_or_else(|e| {
        eprintln!(
            "radiocode: the code book cannot be used ({e:#}); only the seeded public pairs answer"
        );
        None
    })
}

/// The code book for looking up a few serials.
pub fn reading_book(db: &Path) -> Box<dyn CodeBook> {
    match open_for_reading(db) {
        Some(store) => Box::new(store),
        None => Box::new(MemoryBook::seed()),
    }
}

/// The whole book in memory, for a batch.
pub fn loaded_book(db: &Path) -> Box<dyn CodeBook> {
    match open_for_reading(db).map(|s| s.load_book()) {
        Some(Ok(book)) => Box::new(book),
        Some(Err(e)) => {
            eprintln!(
                "radiocode: the code book cannot be used ({e:#}); only the seeded public pairs answer"
            );
            Box::new(MemoryBook::seed())
        }
        None => Box::new(MemoryBook::seed()),
    }
}

/// A spreadsheet runs a cell starting with one of these as a formula.
pub fn safe_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

pub fn book(cmd: &BookCommand, db: &Path) -> anyhow::Result<u8> {
    let mut out = Out::stdout();
    match cmd {
        BookCommand::Add {
            serial,
            code,
            confidence,
            source,
        } => {
            let d = diagnose(serial, None);
            let Some(normal) = d.serial else {
                let why = d
                    .findings
                    .iter()
                    .map(|f| f.message.as_ref())
                    .collect::<Vec<_>>()
                    .join("; ");
                eprintln!(
                    "radiocode: '{}' is not a valid serial: {why}",
                    echo_text(serial, 40)
                );
                return Ok(EXIT_INVALID);
            };
            let code = match Code::parse(code) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("radiocode: {e}");
                    return Ok(EXIT_INVALID);
                }
            };
            let confidence = match Confidence::parse_book(confidence) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("radiocode: {e}");
                    return Ok(EXIT_INVALID);
                }
            };
            let (user, host) = whoami();
            let source = source
                .clone()
                .unwrap_or_else(|| format!("entered by {user} at {host}"));
            let mut store = Store::open(db)?;
            let added = store.add_entry(&NewEntry {
                serial: normal.clone(),
                code,
                confidence,
                source,
                added_by: format!("{user}@{host}"),
            })?;
            for f in &d.findings {
                eprintln!("radiocode: note: {}", f.message);
            }
            out.line(&match added {
                Added::New => format!("added {normal} -> {code} ({confidence})"),
                Added::AlreadyThere => {
                    format!("{normal} -> {code} was already in the book; the stronger confidence is kept")
                }
            })?;
        }
        BookCommand::List { format } => {
            let rows = book_rows(db)?;
            write_book(&mut out, &rows, format.unwrap_or(ListFormat::Table))?;
        }
        BookCommand::Export { format } => {
            let rows = book_rows(db)?;
            write_book(&mut out, &rows, format.unwrap_or(ListFormat::Csv))?;
        }
        BookCommand::Import { file, strict } => {
            let input: Box<dyn io::Read> = if file.as_os_str() == "-" {
                Box::new(io::stdin().lock())
            } else {
                Box::new(
                    File::open(file).with_context(|| format!("cannot read {}", file.display()))?,
                )
            };
            let (user, host) = whoami();
            let mut store = Store::open(db)?;
            let source = format!("imported from {} by {user} at {host}", file.display());
            let report = store.import_csv(input, *strict, &format!("{user}@{host}"), &source)?;
            for bad in &report.bad {
                eprintln!("line {}: {}", bad.line, bad.reason);
            }
            let summary = if report.committed {
                format!(
                    "imported: {} new, {} already in the book, {} bad row{}{}",
                    report.added,
                    report.already_there,
                    report.bad.len(),
                    if report.bad.len() == 1 { "" } else { "s" },
                    if report.bad.is_empty() {
                        ""
                    } else {
                        " (skipped; the valid rows were committed)"
                    }
                )
            } else {
                format!(
                    "nothing was imported: {} bad row{} and --strict was given. Fix them and import again",
                    report.bad.len(),
                    if report.bad.len() == 1 { "" } else { "s" }
                )
            };
            out.line(&summary)?;
            if !report.bad.is_empty() {
                return Ok(EXIT_INVALID);
            }
        }
    }
    out.flush()?;
    Ok(0)
}

fn book_rows(db: &Path) -> anyhow::Result<Vec<BookRow>> {
    match Store::open_existing(db)? {
        Some(store) => store.book(),
        None => Store::in_memory()?.book(),
    }
}

fn write_book(out: &mut Out, rows: &[BookRow], format: ListFormat) -> anyhow::Result<()> {
    match format {
        ListFormat::Table => {
            out.line(&format!(
                "{:<15} {:<4}  {:<11}  {:<10}  source",
                "serial", "code", "confidence", "added"
            ))?;
            for r in rows {
                out.line(&format!(
                    "{:<15} {}  {:<11}  {:<10}  {}",
                    r.serial,
                    r.code,
                    r.confidence.id(),
                    r.added_at.get(..10).unwrap_or(&r.added_at),
                    echo_text(&r.source, 200)
                ))?;
            }
            out.line(&format!(
                "{} entr{}",
                rows.len(),
                if rows.len() == 1 { "y" } else { "ies" }
            ))?;
        }
        ListFormat::Json => {
            serde_json::to_writer_pretty(out.writer(), rows)?;
            out.line("")?;
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(out.writer());
            w.write_record([
                "serial",
                "family",
                "code",
                "confidence",
                "source",
                "added_at",
                "added_by",
                "job",
            ])?;
            for r in rows {
                let job = r.job.map(|j| j.to_string()).unwrap_or_default();
                let code = r.code.to_string();
                w.write_record([
                    safe_cell(&r.serial).as_ref(),
                    r.family.map(|f| f.id()).unwrap_or_default(),
                    &code,
                    r.confidence.id(),
                    &safe_cell(&r.source),
                    &safe_cell(&r.added_at),
                    &safe_cell(&r.added_by),
                    &job,
                ])?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

pub fn jobs(cmd: &JobsCommand, db: &Path) -> anyhow::Result<u8> {
    let mut out = Out::stdout();
    match cmd {
        JobsCommand::Add {
            serial,
            vehicle,
            proof,
            note,
            workstation,
        } => {
            let (_, host) = whoami();
            let d = diagnose(serial, None);
            let mut store = Store::open(db)?;
            let id = store.new_job(&NewJob {
                workstation: workstation.clone().unwrap_or(host),
                vehicle: vehicle.trim().to_string(),
                ownership_proof: proof.trim().to_string(),
                serial: serial.clone(),
                notes: note.clone().unwrap_or_default(),
            })?;
            if d.serial.is_none() {
                eprintln!(
                    "radiocode: note: '{}' is not a valid serial; the job keeps it as typed",
                    echo_text(serial, 40)
                );
            }
            out.line(&format!("job {id}"))?;
        }
        JobsCommand::Try { job, code, outcome } => {
            let outcome = crate::store::TryOutcome::from(*outcome);
            let code = match Code::parse(code) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("radiocode: {e}");
                    return Ok(EXIT_INVALID);
                }
            };
            let mut store = Store::open(db)?;
            store.record_try(*job, code, outcome)?;
            out.line(&format!("job {job}: {code} {}", outcome.id()))?;
            if outcome == crate::store::TryOutcome::Accepted {
                out.line("the code is now a confirmed code book entry for this serial")?;
            } else {
                out.line(
                    "a refused code: check the serial was read right; a swapped or re-coded radio \
                     refuses a correct code. Never disconnect the battery to clear a wait",
                )?;
            }
        }
        JobsCommand::Note { job, text } => {
            Store::open(db)?.add_note(*job, text)?;
            out.line(&format!("job {job}: note added"))?;
        }
        JobsCommand::List { search, format } => {
            let rows = job_rows(db, search.as_deref())?;
            write_jobs(&mut out, &rows, format.unwrap_or(ListFormat::Table))?;
        }
        JobsCommand::Export { format } => {
            let rows = job_rows(db, None)?;
            write_jobs(&mut out, &rows, format.unwrap_or(ListFormat::Csv))?;
        }
    }
    out.flush()?;
    Ok(0)
}

fn job_rows(db: &Path, search: Option<&str>) -> anyhow::Result<Vec<JobRow>> {
    match Store::open_existing(db)? {
        Some(store) => store.jobs(search),
        None => Ok(Vec::new()),
    }
}

fn write_jobs(out: &mut Out, rows: &[JobRow], format: ListFormat) -> anyhow::Result<()> {
    match format {
        ListFormat::Table => {
            out.line(&format!(
                "{:>4}  {:<16}  {:<12}  {:<15}  tries",
                "job", "when", "vehicle", "serial"
            ))?;
            for j in rows {
                out.line(&j.summary_line())?;
            }
            out.line(&format!(
                "{} job{}",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            ))?;
        }
        ListFormat::Json => {
            serde_json::to_writer_pretty(out.writer(), rows)?;
            out.line("")?;
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(out.writer());
            w.write_record([
                "job",
                "created_at",
                "workstation",
                "vehicle",
                "ownership_proof",
                "serial",
                "family",
                "tries",
                "notes",
            ])?;
            for j in rows {
                let id = j.id.to_string();
                let tries = j.tries_text();
                w.write_record([
                    id.as_str(),
                    &safe_cell(&j.created_at),
                    &safe_cell(&j.workstation),
                    &safe_cell(&j.vehicle),
                    &safe_cell(&j.ownership_proof),
                    &safe_cell(&j.serial),
                    j.family.map(|f| f.id()).unwrap_or_default(),
                    &tries,
                    &safe_cell(&j.notes),
                ])?;
            }
            w.flush()?;
        }
    }
    Ok(())
}
