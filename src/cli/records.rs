//! `radiocode book ...` and `radiocode jobs ...`: the garage's records.

use std::io;

use super::output::safe_cell;
use super::progress::{Counted, Progress, Unit};
use super::{BookCommand, DbCommand, EXIT_INVALID, JobsCommand, ListFormat, Out};
use crate::advice;
use crate::decode::{Code, Confidence};
use crate::serial::{diagnose, echo_text};
use crate::session;
use crate::settings::Bench;
use crate::store::{self, Added, BookRow, JobFilter, JobRow, NewEntry, Place, SqliteStore, whoami};

pub fn book(cmd: &BookCommand, place: &Place) -> anyhow::Result<u8> {
    let mut out = Out::stdout();
    match cmd {
        BookCommand::Add {
            serial,
            code,
            confidence,
            source,
        } => {
            let status = book_add(&mut out, place, serial, code, confidence, source.as_ref())?;
            if status != 0 {
                return Ok(status);
            }
        }
        BookCommand::List { format } => {
            let rows = session::listed_book(place)?;
            write_book(&mut out, &rows, format.unwrap_or(ListFormat::Table))?;
        }
        BookCommand::Export { format } => {
            // An export travels: the customers' vehicles and any VIN stay behind.
            let vehicles: Vec<String> = job_rows(place, &JobFilter::default())?
                .into_iter()
                .map(|j| j.vehicle)
                .collect();
            let vehicles: Vec<&str> = vehicles.iter().map(String::as_str).collect();
            let mut rows = session::listed_book(place)?;
            for r in &mut rows {
                r.source = crate::paper::redact(&r.source, &vehicles);
            }
            write_book(&mut out, &rows, format.unwrap_or(ListFormat::Csv))?;
        }
        BookCommand::Import { file, strict } => {
            let status = book_import(&mut out, place, file, *strict)?;
            if status != 0 {
                out.flush()?;
                return Ok(status);
            }
        }
    }
    out.flush()?;
    Ok(0)
}

/// `book add`: one entry, its serial checked first.
fn book_add(
    out: &mut Out,
    place: &Place,
    serial: &str,
    code: &str,
    confidence: &str,
    source: Option<&String>,
) -> anyhow::Result<u8> {
    let d = diagnose(serial, None);
    let Some(normal) = d.serial else {
        let why = d
            .findings
            .iter()
            .map(|f| f.message.as_ref())
            .collect::<Vec<_>>()
            .join("; ");
        say!(
            "radiocode: '{}' is not a valid serial: {why}",
            echo_text(serial, 40)
        );
        return Ok(EXIT_INVALID);
    };
    let Some(code) = code_given(code) else {
        return Ok(EXIT_INVALID);
    };
    let confidence = match Confidence::parse_book(confidence) {
        Ok(c) => c,
        Err(e) => {
            say!("radiocode: {e}");
            return Ok(EXIT_INVALID);
        }
    };
    let (user, host) = whoami();
    let source = source
        .cloned()
        .unwrap_or_else(|| format!("entered by {user} at {host}"));
    let mut records = store::open_writing(place)?;
    let added = records.add_entry(&NewEntry {
        serial: normal.to_string(),
        code,
        confidence,
        source,
        added_by: format!("{user}@{host}"),
    })?;
    for f in &d.findings {
        say!("radiocode: note: {}", f.message);
    }
    out.line(&match added {
        Added::New => format!("added {normal} -> {code} ({confidence})"),
        Added::AlreadyThere => {
            format!("{normal} -> {code} was already in the book; the stronger confidence is kept")
        }
    })?;
    Ok(0)
}

/// `book import`: a CSV file or standard input, bad rows named by line.
fn book_import(
    out: &mut Out,
    place: &Place,
    file: &std::path::Path,
    strict: bool,
) -> anyhow::Result<u8> {
    let (input, size): (Box<dyn io::Read>, _) = if file.as_os_str() == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        let f = crate::files::open_regular(file, "a code book CSV").map_err(anyhow::Error::msg)?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    let progress = Progress::new("importing", size, Unit::Bytes);
    let input = Counted::new(input, &progress);
    // Rows are short: a line of 64 KiB, or 1 GiB in all, is not a code book.
    let input = crate::files::Bounded::new(input, "a code book CSV", 64 << 10, 1 << 30);
    let (user, host) = whoami();
    let mut records = store::open_writing(place)?;
    let source = format!(
        "imported from {} by {user} at {host}",
        crate::files::shown(file)
    );
    let report = store::import_csv(
        records.as_mut(),
        input,
        strict,
        &format!("{user}@{host}"),
        &source,
    )?;
    progress.finish();
    for bad in &report.bad {
        say!("line {}: {}", bad.line, bad.reason);
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
    Ok(0)
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
                    // A shipped pair was published (its source says where), not
                    // added on the day this file was made.
                    if r.added_by == store::PUBLIC_PAIRS_BY {
                        "published".to_string()
                    } else {
                        r.added_at.day()
                    },
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
            out.text(&super::output::json_pretty(rows)?)?;
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
                    &safe_cell(&r.added_at.to_string()),
                    &safe_cell(&r.added_by),
                    &job,
                ])?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

pub fn jobs(cmd: &JobsCommand, place: &Place, bench: &Bench) -> anyhow::Result<u8> {
    let mut out = Out::stdout();
    match cmd {
        JobsCommand::Add { .. } => {
            let status = jobs_add(&mut out, bench, place, cmd)?;
            if status != 0 {
                return Ok(status);
            }
        }
        JobsCommand::Try { job, code, outcome } => {
            let status = jobs_try(&mut out, place, *job, code, *outcome)?;
            if status != 0 {
                return Ok(status);
            }
        }
        JobsCommand::Withdraw { job, code, why } => {
            let Some(code) = code_given(code) else {
                return Ok(EXIT_INVALID);
            };
            let mut records = store::open_writing(place)?;
            let tried = session::withdraw_refusal(records.as_mut(), *job, code, why)
                .map_err(|e| e.context(format!("job {job}: nothing was withdrawn")))?;
            out.line(&format!(
                "job {job}: {code} refused at {} withdrawn; it stays in the log, marked, and \
                 counts for nothing",
                tried.at.shown()
            ))?;
        }
        JobsCommand::Note { job, text } => {
            store::open_writing(place)?.add_note(*job, text)?;
            out.line(&format!("job {job}: note added"))?;
        }
        JobsCommand::List {
            search,
            branch,
            format,
        } => {
            let filter = JobFilter {
                search: search.clone(),
                branch: branch.clone(),
                ..JobFilter::default()
            };
            let rows = job_rows(place, &filter)?;
            write_jobs(&mut out, &rows, format.unwrap_or(ListFormat::Table))?;
        }
        JobsCommand::Export { format, redact } => {
            let mut rows = job_rows(place, &JobFilter::default())?;
            if *redact {
                leave_out_the_customer(&mut rows);
            }
            write_jobs(&mut out, &rows, format.unwrap_or(ListFormat::Csv))?;
        }
        JobsCommand::Attach {
            job,
            files,
            kind,
            copy,
        } => return super::paper::attach(place, *job, files, (*kind).into(), *copy),
        JobsCommand::Verify { job } => return super::paper::verify(place, *job),
        JobsCommand::Card { job, format } => {
            return super::paper::card(place, *job, (*format).into(), bench);
        }
        JobsCommand::Purge { older_than } => return super::paper::purge(place, older_than),
    }
    out.flush()?;
    Ok(0)
}

/// `jobs add`: a job with this bench's defaults, never without its
/// vehicle and proof of ownership.
fn jobs_add(out: &mut Out, bench: &Bench, place: &Place, cmd: &JobsCommand) -> anyhow::Result<u8> {
    let JobsCommand::Add {
        serial,
        vehicle,
        proof,
        note,
        workstation,
        branch,
    } = cmd
    else {
        return Ok(EXIT_INVALID);
    };
    let d = diagnose(serial, None);
    let asked = session::JobAsked {
        serial: d.kept(serial),
        typed: serial.clone(),
        vehicle: vehicle.clone(),
        proof: proof.clone(),
        notes: note.clone().unwrap_or_default(),
        workstation: workstation.clone(),
        branch: branch.clone(),
        uid: String::new(),
    };
    let job = match session::new_job(bench, asked) {
        Ok(job) => job,
        Err(_) => {
            say!("radiocode: {}", session::JobNeeds::TEXT);
            return Ok(EXIT_INVALID);
        }
    };
    let id = store::open_writing(place)?.new_job(&job)?;
    if d.serial.is_none() {
        say!(
            "radiocode: note: '{}' is not a valid serial; the job keeps it as typed",
            echo_text(serial, 40)
        );
    }
    out.line(&format!("job {id}"))?;
    Ok(0)
}

/// The code given on the command line, or `None` once it is said why
/// it is not one (status 2).
fn code_given(text: &str) -> Option<Code> {
    Code::parse(text).map_err(|e| say!("radiocode: {e}")).ok()
}

/// `jobs try`: a code tried on a job's radio, with where it came from.
fn jobs_try(
    out: &mut Out,
    place: &Place,
    job: i64,
    code: &str,
    outcome: super::TryArg,
) -> anyhow::Result<u8> {
    let outcome = crate::store::TryOutcome::from(outcome);
    let Some(code) = code_given(code) else {
        return Ok(EXIT_INVALID);
    };
    let mut records = store::open_writing(place)?;
    let tried = session::record_try_on_job(records.as_mut(), job, code, outcome).map_err(|e| {
        if e.downcast_ref::<store::NoSuchJob>().is_some() {
            return e;
        }
        e.context(format!(
            "job {job}: {code} {} was NOT recorded; once the records take it, \
                 record it with: radiocode jobs try {job} {code} {}",
            outcome.id(),
            outcome.id()
        ))
    })?;
    if tried.refuses_a_sure_code() {
        out.line(&format!(
            "{} {}; the job is marked",
            advice::suspected(code, tried.confidence_text(), &tried.source),
            advice::CHECK_THE_RADIO
        ))?;
    }
    out.line(&format!("job {job}: {code} {}", outcome.id()))?;
    if outcome == crate::store::TryOutcome::Accepted {
        out.line("the code is now a confirmed code book entry for this serial")?;
    } else {
        out.line(advice::AFTER_A_REFUSAL)?;
    }
    Ok(0)
}

/// Jobs to share: registrations, VINs, proof, notes and file paths left out.
fn leave_out_the_customer(rows: &mut [JobRow]) {
    let vehicles: Vec<String> = rows.iter().map(|j| j.vehicle.clone()).collect();
    let vehicles: Vec<&str> = vehicles.iter().map(String::as_str).collect();
    for j in rows {
        j.vehicle.clear();
        j.ownership_proof.clear();
        j.notes.clear();
        j.intake_notes.clear();
        j.later_notes.clear();
        j.serial_typed = crate::paper::redact(&j.serial_typed, &vehicles);
        for e in &mut j.evidence {
            e.path.clear();
            e.copy_path.clear();
        }
        for a in &mut j.attempts {
            a.source = crate::paper::redact(&a.source, &vehicles);
            if let Some(w) = &mut a.withdrawn {
                // Why it was withdrawn is a note: notes are the customer's.
                w.why.clear();
            }
        }
    }
}

fn job_rows(place: &Place, filter: &JobFilter) -> anyhow::Result<Vec<JobRow>> {
    match store::open_reading(place)? {
        Some(records) => records.jobs(filter),
        None => Ok(Vec::new()),
    }
}

pub fn db(cmd: &DbCommand, place: &Place) -> anyhow::Result<u8> {
    let mut out = Out::stdout();
    match cmd {
        DbCommand::Init => match place {
            Place::Server(pg) => {
                for line in store::PgStore::init(pg)? {
                    out.line(&line)?;
                }
            }
            Place::File(path) => {
                SqliteStore::open(path)?;
                out.line(&format!(
                    "{place} is ready (schema version {})",
                    store::SCHEMA_VERSION
                ))?;
            }
        },
        DbCommand::Copy { from, to } => {
            let (from, to) = match (Place::parse(from), Place::parse(to)) {
                (Ok(f), Ok(t)) => (f, t),
                (Err(e), _) | (_, Err(e)) => {
                    say!("radiocode: {e:#}");
                    return Ok(EXIT_INVALID);
                }
            };
            if from == to {
                say!("radiocode: FROM and TO are the same place: nothing to copy");
                return Ok(EXIT_INVALID);
            }
            let Some(source) = store::open_reading(&from)? else {
                say!("radiocode: {from} holds no records: nothing to copy");
                return Ok(EXIT_INVALID);
            };
            let mut target = store::open_writing(&to)?;
            let progress = Progress::new("reading", None, Unit::Items("records"));
            let snapshot = store::snapshot(source.as_ref())?;
            progress.set_total(snapshot.records());
            progress.say("copying");
            let report = target.merge(&snapshot, &|n| progress.inc(n))?;
            progress.finish();
            out.line(&format!("copied from {from} to {to}:"))?;
            for line in report.lines() {
                out.line(&format!("  {line}"))?;
            }
            if report.jobs.0 > 0 {
                out.line(
                    "  the copied jobs take the next free numbers there, so their numbers \
                     differ from the ones they had; each keeps its identity, so copying again \
                     finds it (jobs list there shows the new numbers)",
                )?;
            }
        }
    }
    out.flush()?;
    Ok(0)
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
            /// A job as JSON carries the flag `jobs list` shows.
            #[derive(serde::Serialize)]
            struct JobJson<'a> {
                #[serde(flatten)]
                job: &'a JobRow,
                suspected_recoded: bool,
                /// The serial a label photo of the job reads, where it differs.
                #[serde(skip_serializing_if = "Option::is_none")]
                label_photo_reads: Option<&'a str>,
            }
            let rows: Vec<JobJson> = rows
                .iter()
                .map(|job| JobJson {
                    job,
                    suspected_recoded: job.suspected_recoded().is_some(),
                    label_photo_reads: job.label_reads_otherwise(),
                })
                .collect();
            out.text(&super::output::json_pretty(&rows)?)?;
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
                "branch",
            ])?;
            for j in rows {
                let id = j.id.to_string();
                let tries = j.tries_text();
                w.write_record([
                    id.as_str(),
                    &safe_cell(&j.created_at.to_string()),
                    &safe_cell(&j.workstation),
                    &safe_cell(&j.vehicle),
                    &safe_cell(&j.ownership_proof),
                    &safe_cell(&j.serial),
                    j.family.map(|f| f.id()).unwrap_or_default(),
                    &tries,
                    &safe_cell(&j.notes),
                    &safe_cell(&j.branch),
                ])?;
            }
            w.flush()?;
        }
    }
    Ok(())
}
