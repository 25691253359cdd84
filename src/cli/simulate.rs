//! `radiocode simulate`: the button presses for a code on this unit, and the
//! order to try codes in.

use std::fmt::Write as _;

use serde::Serialize;

use super::{EXIT_INVALID, Out, SimulateArgs};
use crate::decode::{Code, CodeBook, Outcome, Status, decode, routes};
use crate::keypad::{Step, UnitProfile, guide, minutes_text, profile_for, try_plan};
use crate::paper::Refused;
use crate::serial::{Severity, echo_text};
use crate::store::Records;

#[derive(Serialize)]
struct SimulationJson<'a> {
    serial: &'a str,
    code: Code,
    profile: &'a str,
    steps: &'a [Step],
    tries_before_wait: Option<u32>,
    wait_minutes: Option<u32>,
    hard_limit: Option<u32>,
    sources: Vec<String>,
}

pub fn run(args: &SimulateArgs, records: Option<Box<dyn Records>>) -> anyhow::Result<u8> {
    // The radio's refusals on record count against its lock.
    let refused = |serial: &str| match records.as_deref() {
        Some(r) => crate::session::refused_for(r, serial).map_err(|e| format!("{e:#}")),
        None => Ok(Vec::new()),
    };
    let shipped = crate::session::shipped_pairs();
    let book: &dyn CodeBook = match records.as_deref() {
        Some(r) => r,
        None => shipped.as_ref(),
    };
    let Some(text) = args.serial.to_str() else {
        say!("radiocode: the serial is not UTF-8 text");
        return Ok(EXIT_INVALID);
    };
    let outcome = decode(text, args.family, book);
    let d = &outcome.diagnosis;
    let (Some(serial), Some(family)) = (d.serial.as_deref(), d.family) else {
        let why: Vec<&str> = outcome
            .findings(Severity::Error)
            .map(|f| f.message.as_ref())
            .collect();
        say!(
            "radiocode: '{}' is not a serial radiocode can simulate: {}",
            echo_text(text, 40),
            why.join("; ")
        );
        return Ok(EXIT_INVALID);
    };
    let given = match args.code.as_deref().map(Code::parse).transpose() {
        Ok(c) => c,
        Err(e) => {
            say!("radiocode: {e}");
            return Ok(EXIT_INVALID);
        }
    };
    let on_record = refused(serial);
    let Some(code) = given.or_else(|| first_to_try(&outcome, &on_record)) else {
        let why = outcome.no_code_reason().unwrap_or_default();
        say!("radiocode: no code to enter for {serial}: {why}");
        for r in routes(Some(family)) {
            say!("  route: {r}");
        }
        say!("  (give one with --code CODE to see its button presses)");
        return Ok(1);
    };
    let Some(profile) = profile_for(family) else {
        anyhow::bail!("no unit profile for {family}");
    };
    let steps = guide(profile, code);
    let l = &profile.lockout;
    let mut out = Out::stdout();
    if args.json {
        let json = SimulationJson {
            serial,
            code,
            profile: &profile.id,
            steps: &steps,
            tries_before_wait: Some(l.tries_before_wait),
            wait_minutes: Some(l.wait_minutes),
            hard_limit: profile.hard_limit(),
            sources: profile.sources(),
        };
        out.line(&super::output::json_text(&json)?)?;
        out.flush()?;
        return Ok(0);
    }
    let text = report(
        &outcome,
        serial,
        code,
        given.is_some(),
        profile,
        &steps,
        &on_record,
    );
    out.line(&text)?;
    out.flush()?;
    Ok(0)
}

/// The first code this radio has not refused on record, else the first.
fn first_to_try(outcome: &Outcome, on_record: &Result<Vec<Refused>, String>) -> Option<Code> {
    let refused_before = |c: Code| {
        on_record
            .as_ref()
            .is_ok_and(|r| r.iter().any(|r| r.attempt.code == c))
    };
    let codes = || outcome.candidates.iter().map(|c| c.code);
    codes()
        .find(|c| !refused_before(*c))
        .or_else(|| codes().next())
}

/// What `simulate` prints: the code and where it came from, the button
/// presses, the order to try codes in, and the unit's sources.
fn report(
    outcome: &Outcome,
    serial: &str,
    code: Code,
    given: bool,
    profile: &UnitProfile,
    steps: &[Step],
    on_record: &Result<Vec<Refused>, String>,
) -> String {
    let mut s = String::new();
    // Where a code came from, as the decoder said.
    let provenance = |code: Code| {
        outcome
            .candidates
            .iter()
            .find(|c| c.code == code)
            .map(|c| format!("{}, {}", c.source.label(), c.confidence))
    };
    let _ = writeln!(
        s,
        "{serial} · {} · code {code} ({})",
        profile.name,
        provenance(code)
            .unwrap_or_else(|| "given with --code; radiocode cannot vouch for it".to_string())
    );
    let _ = writeln!(s);
    for (i, step) in steps.iter().enumerate() {
        let _ = writeln!(s, "  {:>2}. [{}]  {}", i + 1, step.display, step.text);
    }
    let refused = match on_record {
        Ok(r) => r.as_slice(),
        Err(_) => &[],
    };
    record_lines(&mut s, on_record, profile);
    try_plan_lines(&mut s, outcome, code, profile, &provenance, refused);
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "A refused code that radiocode believes correct can mean the radio was swapped or \
         re-coded. {}",
        crate::advice::BATTERY
    );
    if let Some(note) = &profile.lockout.note {
        let _ = writeln!(s, "Note: {note}");
    }
    let _ = writeln!(s, "Sources:");
    for src in profile.sources() {
        let _ = writeln!(s, "  - {src}");
    }
    if outcome.status != Status::Decoded && given {
        let _ = writeln!(
            s,
            "radiocode has no code of its own for this serial: the code is yours."
        );
    }
    s.trim_end().to_string()
}

/// What the job log holds of this radio: the refusals the plan starts
/// from, and a wait they started that runs now.
fn record_lines(s: &mut String, on_record: &Result<Vec<Refused>, String>, profile: &UnitProfile) {
    let _ = writeln!(s);
    let refused = match on_record {
        Ok(r) if r.is_empty() => {
            let _ = writeln!(
                s,
                "No refusals on record for this radio: the plan starts from none."
            );
            return;
        }
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(
                s,
                "The job log cannot be read ({e}): the plan starts from no refusals. Check the \
                 job log before trying a code"
            );
            return;
        }
    };
    let list: Vec<String> = refused
        .iter()
        .map(|r| {
            format!(
                "{} on job {} at {}",
                r.attempt.code,
                r.job,
                r.attempt.at.shown()
            )
        })
        .collect();
    let _ = writeln!(
        s,
        "On record: {} refusal{} of this radio ({}); the plan starts from them.",
        refused.len(),
        if refused.len() == 1 { "" } else { "s" },
        list.join(", ")
    );
    let times: Vec<jiff::Timestamp> = refused
        .iter()
        .filter_map(|r| r.attempt.at.timestamp())
        .collect();
    if let Some(wait) = profile.wait_running_text(&times, jiff::Timestamp::now()) {
        let _ = writeln!(s, "{wait}");
    }
}

/// The try plan: every candidate in order, with the waits between them;
/// codes the radio refused on record are out of it but count.
fn try_plan_lines(
    s: &mut String,
    outcome: &Outcome,
    code: Code,
    profile: &UnitProfile,
    provenance: &dyn Fn(Code) -> Option<String>,
    refused: &[Refused],
) {
    let was_refused = |c: &Code| refused.iter().any(|r| r.attempt.code == *c);
    let mut codes = vec![code];
    codes.extend(
        outcome
            .candidates
            .iter()
            .map(|c| c.code)
            .filter(|c| *c != code && !was_refused(c)),
    );
    if was_refused(&code) {
        let _ = writeln!(s, "\nWarning: {code} was already refused by this radio.");
    }
    let _ = writeln!(s);
    let l = &profile.lockout;
    let limit = match profile.hard_limit() {
        Some(n) => format!("locked for good after {n} wrong codes"),
        None => "no permanent lock reported".to_string(),
    };
    let _ = writeln!(
        s,
        "Try plan ({} wrong code{} before a {} wait; {limit}):",
        l.tries_before_wait,
        if l.tries_before_wait == 1 { "" } else { "s" },
        minutes_text(l.wait_minutes)
    );
    for (i, planned) in try_plan(profile, &codes, refused.len() as u32)
        .iter()
        .enumerate()
    {
        let origin = provenance(planned.code).unwrap_or_else(|| "given".to_string());
        let n = planned.try_number;
        let mut count = profile
            .refusals_left_text(n - 1)
            .unwrap_or_else(|| "no wait follows".to_string());
        if let Some(limit) = profile.hard_limit() {
            count.push_str(&format!(" ({n} of {limit} before the lock)"));
        }
        let _ = writeln!(
            s,
            "  {}. {}  ({origin}); before it: {count}",
            i + 1,
            planned.code
        );
        if let Some(w) = planned.wait_before_minutes {
            let _ = writeln!(
                s,
                "     first sit out a {} wait with the radio on",
                minutes_text(w)
            );
        }
        if let Some(w) = &planned.warning {
            let _ = writeln!(s, "     warning: {w}");
        }
    }
}
