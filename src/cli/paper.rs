//! A job's evidence and documents: `jobs attach|verify|card|purge` and
//! `radiocode request`.

use std::path::PathBuf;

use super::progress::{Progress, Unit};
use super::{EXIT_FAILURE, EXIT_INVALID, Out, RequestArgs};
use crate::paper::{self, Format};
use crate::session::{self, LabelVerdict, one_job};
use crate::settings::Bench;
use crate::store::{self, EvidenceKind, EvidenceRow, NoSuchJob, Place};

/// A full path as a person writes it: Windows' `\\?\C:\...` form (what
/// canonicalising gives there) without its prefix when a drive path says the same.
fn plain(path: PathBuf) -> PathBuf {
    match path.to_str().and_then(|p| p.strip_prefix(r"\\?\")) {
        Some(rest) if rest.as_bytes().get(1) == Some(&b':') => PathBuf::from(rest),
        _ => path,
    }
}

pub fn attach(
    place: &Place,
    job: i64,
    files: &[PathBuf],
    kind: EvidenceKind,
    copy: bool,
) -> anyhow::Result<u8> {
    // Every file is read before anything is recorded: all of them, or none.
    let mut rows = match fingerprinted(files, kind) {
        Ok(rows) => rows,
        Err(e) => {
            say!("radiocode: {e}; nothing was recorded");
            return Ok(EXIT_FAILURE);
        }
    };
    let mut records = store::open_writing(place)?;
    let facts = one_job(records.as_ref(), job)?;
    // A label photo is read: the serial it holds is kept with it, and
    // checked against the job's.
    let mut said = Vec::new();
    if kind == EvidenceKind::LabelPhoto {
        for (row, f) in rows.iter_mut().zip(files) {
            said.push(session::read_label_evidence(f, row, &facts.serial));
        }
    }
    let copied = if copy {
        match copied_beside(place, job, files, &mut rows) {
            Ok(copied) => copied,
            Err(e) => {
                say!("radiocode: {e}; nothing was recorded");
                return Ok(EXIT_FAILURE);
            }
        }
    } else {
        Vec::new()
    };
    if let Err(e) = records.attach(job, &rows) {
        for c in &copied {
            let _ = std::fs::remove_file(c);
        }
        return Err(e);
    }
    let mut out = Out::stdout();
    let mut status = crate::exit::OK;
    for (i, r) in rows.iter().enumerate() {
        if let Some(check) = said.get(i) {
            let loud = match check.verdict {
                LabelVerdict::Fine => None,
                LabelVerdict::Differs => Some(crate::exit::NO_CODE),
                LabelVerdict::Unreadable => Some(crate::exit::FAILURE),
            };
            match loud {
                Some(code) => {
                    status = status.max(code);
                    say!("radiocode: job {job}: {}", check.line);
                }
                None => out.line(&format!("job {job}: {}", check.line))?,
            }
        }
        out.line(&format!(
            "job {job}: {} {} ({} bytes, sha256 {}){}",
            r.kind,
            crate::files::shown_path(&r.path),
            r.size,
            r.sha256,
            if r.copy_path.is_empty() {
                String::new()
            } else {
                format!(", copied to {}", crate::files::shown_path(&r.copy_path))
            }
        ))?;
    }
    out.flush()?;
    Ok(status)
}

/// The files as evidence rows: each one's size, SHA-256 and full path.
fn fingerprinted(files: &[PathBuf], kind: EvidenceKind) -> Result<Vec<EvidenceRow>, String> {
    let mut rows = Vec::new();
    for f in files {
        let (size, sha256) = crate::files::fingerprint(f).map_err(|e| e.to_string())?;
        let path = std::fs::canonicalize(f).map_or_else(|_| f.clone(), plain);
        rows.push(EvidenceRow {
            at: store::At::UNSTAMPED,
            kind,
            path: crate::files::path_text(&path),
            size,
            sha256,
            copy_path: String::new(),
            serial_read: String::new(),
            uid: store::new_uid(),
        });
    }
    Ok(rows)
}

/// Copies the files into the job's evidence folder beside the records,
/// each row told where its copy is; on a failure the copies made go again.
fn copied_beside(
    place: &Place,
    job: i64,
    files: &[PathBuf],
    rows: &mut [EvidenceRow],
) -> Result<Vec<PathBuf>, String> {
    let root = place.folder("evidence");
    let dir = root.join(format!("job-{job}"));
    if let Err(e) = crate::files::own_dir(&root).and_then(|()| crate::files::own_dir(&dir)) {
        return Err(format!("cannot create {}: {e}", crate::files::shown(&dir)));
    }
    let mut copied = Vec::new();
    for (row, f) in rows.iter_mut().zip(files) {
        let name = f
            .file_name()
            .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
        let to = dir.join(format!("{}-{name}", &row.sha256[..12]));
        if let Err(e) = crate::files::copy_private(f, &to) {
            for c in &copied {
                let _ = std::fs::remove_file(c);
            }
            return Err(format!(
                "cannot copy {} to {}: {e}",
                crate::files::shown(f),
                crate::files::shown(&to)
            ));
        }
        row.copy_path = crate::files::path_text(&to);
        copied.push(to);
    }
    Ok(copied)
}

pub fn verify(place: &Place, job: i64) -> anyhow::Result<u8> {
    let Some(records) = store::open_reading(place)? else {
        return Err(NoSuchJob(job).into());
    };
    let row = one_job(records.as_ref(), job)?;
    let mut out = Out::stdout();
    let mut bad = 0;
    if row.evidence.is_empty() {
        out.line(&format!("job {job} has no evidence files"))?;
    }
    let progress = Progress::new(
        "checking",
        Some(row.evidence.len() as u64),
        Unit::Items("files"),
    );
    for e in &row.evidence {
        let line = if e.path.is_empty() {
            format!("{}: removed by a purge", e.kind)
        } else {
            // The exact file recorded, even when its name is not UTF-8.
            let check = |p: &str| match crate::files::fingerprint(&crate::files::text_path(p)) {
                Ok((_, sha)) if sha == e.sha256 => "ok".to_string(),
                Ok(_) => "CHANGED since it was recorded".to_string(),
                Err(_) if !crate::files::text_path(p).exists() => "MISSING".to_string(),
                Err(why) => format!("UNREADABLE ({why})"),
            };
            let state = check(&e.path);
            if state != "ok" {
                bad += 1;
            }
            let copy = if e.copy_path.is_empty() {
                String::new()
            } else {
                format!(
                    "; the copy {}: {}",
                    crate::files::shown_path(&e.copy_path),
                    check(&e.copy_path)
                )
            };
            format!(
                "{} {}: {state}{copy}",
                e.kind,
                crate::files::shown_path(&e.path)
            )
        };
        progress.suspend(|| {
            out.line(&line)?;
            out.flush()
        })?;
        progress.inc(1);
    }
    progress.finish();
    if bad > 0 {
        out.line(&format!(
            "{bad} file{} missing or changed",
            if bad == 1 { " is" } else { "s are" }
        ))?;
    }
    out.flush()?;
    Ok(if bad > 0 { 1 } else { 0 })
}

pub fn card(place: &Place, job: i64, format: Format, bench: &Bench) -> anyhow::Result<u8> {
    let Some(records) = store::open_reading(place)? else {
        return Err(NoSuchJob(job).into());
    };
    let row = one_job(records.as_ref(), job)?;
    let mut out = Out::stdout();
    out.text(&paper::job_card(&row, bench.garage.as_deref()).render(format))?;
    out.flush()?;
    Ok(0)
}

pub fn purge(place: &Place, older_than: &str) -> anyhow::Result<u8> {
    let before = match store::time_ago(older_than) {
        Ok(t) => t,
        Err(e) => {
            say!("radiocode: {e}");
            return Ok(EXIT_INVALID);
        }
    };
    let purged = store::open_writing(place)?.purge(&before)?;
    for why in &purged.kept {
        say!("radiocode: {why}");
    }
    let n = purged.jobs;
    let mut out = Out::stdout();
    out.line(&format!(
        "purged the vehicle, proof, notes and evidence paths of {n} job{} started before {}; \
         codes, outcomes and book entries stay",
        if n == 1 { "" } else { "s" },
        before.replace('T', " ")
    ))?;
    out.flush()?;
    Ok(0)
}

pub fn request(args: &RequestArgs, place: &Place, bench: &Bench) -> anyhow::Result<u8> {
    let d = crate::serial::diagnose(&args.serial, None);
    let refused = match &d.serial {
        Some(serial) => {
            let records = session::open_for_reading(place);
            session::request_facts(records.as_deref(), serial, None)?.refused
        }
        None => Vec::new(),
    };
    let doc = paper::request_sheet(
        &args.serial,
        args.vehicle.as_deref(),
        args.proof.as_deref(),
        &refused,
        bench.garage.as_deref(),
    );
    let mut out = Out::stdout();
    out.text(&doc.render(args.format.into()))?;
    out.flush()?;
    Ok(if d.serial.is_some() { 0 } else { EXIT_INVALID })
}
