//! A customer's job on the records: starting one with this bench's
//! defaults and what it needs, a try with where its code came from, the
//! codes a radio refused and the facts of a request sheet.

use crate::code::Code;
use crate::decode::{Outcome, decode};
use crate::paper::Refused;
use crate::settings::Bench;
use crate::store::{JobFilter, JobRow, NewJob, NewTry, NoSuchJob, Records, TryOutcome};

/// A try of `code`, with where the code stood among the candidates for the
/// radio's serial: its source and confidence, or "entered by hand".
pub fn tried(candidates: Option<&Outcome>, code: Code, outcome: TryOutcome) -> NewTry {
    match candidates.and_then(|o| o.candidates.iter().find(|c| c.code == code)) {
        Some(c) => NewTry::new(code, outcome).from_candidate(c),
        None => NewTry {
            source: "entered by hand".to_string(),
            ..NewTry::new(code, outcome)
        },
    }
}

/// Records a try on a job, its provenance worked out from the job's serial.
pub fn record_try_on_job(
    records: &mut dyn Records,
    job: i64,
    code: Code,
    outcome: TryOutcome,
) -> anyhow::Result<NewTry> {
    let row = one_job(records, job)?;
    // Where the code stood when it was tried: the card and the re-coded check need it.
    let o = decode(&row.serial, None, &*records);
    let t = tried(Some(&o), code, outcome);
    records.record_try(job, &t)?;
    Ok(t)
}

/// Withdraws the last refusal of `code` standing on `job`, recorded by
/// mistake; `why` goes into the note that says so. The refusal stays in
/// the log, marked; the try plan, the suspicion and the card leave it out.
pub fn withdraw_refusal(
    records: &mut dyn Records,
    job: i64,
    code: Code,
    why: &str,
) -> anyhow::Result<crate::store::Attempt> {
    let row = one_job(records, job)?;
    let Some(tried) = row
        .standing()
        .filter(|a| a.code == code && a.outcome == TryOutcome::Refused)
        .last()
        .cloned()
    else {
        let standing = row.tries_text();
        anyhow::bail!(
            "job {job} has no refusal of {code} to withdraw (its tries: {})",
            if standing.is_empty() {
                "none"
            } else {
                &standing
            }
        );
    };
    let why = why.trim();
    let note = format!(
        "withdrew {code} refused at {}: recorded by mistake{}{}",
        tried.at.shown(),
        if why.is_empty() { "" } else { ": " },
        why
    );
    records.withdraw_try(job, &tried.uid, &note)?;
    Ok(tried)
}

/// One job, or the error that says there is none (exit status 1).
pub fn one_job(records: &dyn Records, job: i64) -> anyhow::Result<JobRow> {
    records
        .jobs(&JobFilter::job(job))?
        .into_iter()
        .next()
        .ok_or_else(|| NoSuchJob(job).into())
}

/// The codes refused on earlier jobs for this serial, oldest first. A job
/// log that cannot be read is an error, never an empty list.
pub fn refused_for(records: &dyn Records, serial: &str) -> anyhow::Result<Vec<Refused>> {
    let jobs = records.jobs(&JobFilter::serial(serial))?;
    let mut out: Vec<Refused> = jobs
        .iter()
        .flat_map(|j| {
            j.standing()
                .filter(|a| a.outcome == TryOutcome::Refused)
                .map(|a| Refused {
                    job: j.id,
                    attempt: a.clone(),
                })
        })
        .collect();
    out.sort_by_key(|r| r.attempt.at);
    Ok(out)
}

/// What a request sheet says beyond the serial: the codes already refused
/// and, for a job, its vehicle and proof.
#[derive(Debug, Default)]
pub struct RequestFacts {
    pub refused: Vec<Refused>,
    pub vehicle: Option<String>,
    pub proof: Option<String>,
}

/// The facts of a request sheet for `serial` (valid, normal form), from
/// the records when there are any; a read error is an error.
pub fn request_facts(
    records: Option<&dyn Records>,
    serial: &str,
    job: Option<i64>,
) -> anyhow::Result<RequestFacts> {
    let Some(records) = records else {
        return Ok(RequestFacts::default());
    };
    let mut facts = RequestFacts {
        refused: refused_for(records, serial)?,
        ..RequestFacts::default()
    };
    if let Some(job) = job {
        let row = one_job(records, job)?;
        facts.vehicle = Some(row.vehicle);
        facts.proof = Some(row.ownership_proof);
    }
    Ok(facts)
}

/// What a job is started with, from its form or its command; the rest
/// comes from the bench.
#[derive(Clone, Debug, Default)]
pub struct JobAsked {
    /// The serial as typed off the label.
    pub typed: String,
    /// The serial the job keeps (see [`crate::serial::Diagnosis::kept`]).
    pub serial: String,
    pub vehicle: String,
    pub proof: String,
    pub notes: String,
    /// This bench's own unless given.
    pub workstation: Option<String>,
    pub branch: Option<String>,
    /// The job's identity, kept when a write waits for the server.
    pub uid: String,
}

/// What a job cannot start without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobNeeds {
    /// The registration or VIN.
    Vehicle,
    /// The proof of ownership seen.
    Proof,
}

impl JobNeeds {
    /// The complaint, the same on the form and on the command line.
    pub const TEXT: &'static str =
        "both are needed: the registration or VIN, and the proof of ownership seen";
}

/// The first thing a job still needs, if any: its vehicle, then its proof.
pub fn job_needs(vehicle: &str, proof: &str) -> Option<JobNeeds> {
    if vehicle.trim().is_empty() {
        Some(JobNeeds::Vehicle)
    } else if proof.trim().is_empty() {
        Some(JobNeeds::Proof)
    } else {
        None
    }
}

/// A new job: what was asked, with this bench's workstation and branch
/// where none was given. A job without its vehicle or its proof of
/// ownership is never started.
pub fn new_job(bench: &Bench, asked: JobAsked) -> Result<NewJob, JobNeeds> {
    let vehicle = asked.vehicle.trim().to_string();
    let proof = asked.proof.trim().to_string();
    if let Some(needs) = job_needs(&vehicle, &proof) {
        return Err(needs);
    }
    Ok(NewJob {
        workstation: asked
            .workstation
            .unwrap_or_else(|| bench.workstation.clone()),
        branch: asked.branch.unwrap_or_else(|| bench.branch.clone()),
        vehicle,
        ownership_proof: proof,
        serial: asked.serial,
        notes: asked.notes.trim().to_string(),
        uid: asked.uid,
        serial_typed: asked.typed,
    })
}
