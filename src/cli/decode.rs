//! `radiocode decode`.

use std::fmt::Write as _;

use super::{DecodeArgs, Out};
use crate::decode::{CodeBook, Outcome, Status, decode, routes};
use crate::serial::{FindingKind, Severity, escape_text};

pub fn run(args: &DecodeArgs, book: &dyn CodeBook) -> anyhow::Result<u8> {
    let mut out = Out::stdout();
    // With several serials the worst result decides.
    let mut exit = 0;
    for (i, raw) in args.serials.iter().enumerate() {
        let outcome = match raw.to_str() {
            Some(text) => decode(text, args.family, book),
            None => Outcome::not_utf8(raw.to_string_lossy().into_owned()),
        };
        exit = exit.max(outcome.status.exit_code());
        if args.json {
            out.line(&super::output::json_text(&outcome.json())?)?;
        } else {
            if i > 0 {
                out.line("")?;
            }
            out.line(&report(&outcome))?;
        }
    }
    out.flush()?;
    Ok(exit)
}

const INPUT_ECHO_CHARS: usize = 40;

/// The plain-text report for one outcome.
pub fn report(o: &Outcome) -> String {
    let d = &o.diagnosis;
    let mut s = echo_with_carets(o);
    let row = |s: &mut String, label: &str, text: &str| {
        let _ = writeln!(s, "  {label:<15}{text}");
    };
    if let Some(f) = d.family {
        row(&mut s, "family", f.name());
    }
    if let Some(serial) = &d.serial {
        row(&mut s, "serial", serial);
    }
    for part in &d.parts() {
        let text = if part.meaning.is_empty() {
            part.value.clone()
        } else {
            format!("{}  {}", part.value, part.meaning)
        };
        row(&mut s, part.name, &text);
    }
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        for f in o.findings(sev) {
            // For a missing code the routes follow as rows of their own.
            let text = match f.kind {
                FindingKind::NoPublicAlgorithm => o.no_code_reason().unwrap_or_default(),
                _ => &f.message,
            };
            row(&mut s, sev.label(), text);
        }
    }
    match o.status {
        Status::Decoded => {
            for (i, c) in o.candidates.iter().enumerate() {
                let label = format!("try {}", i + 1);
                row(
                    &mut s,
                    &label,
                    &format!(
                        "{}  {}, {}: {}",
                        c.code,
                        c.source.label(),
                        c.confidence,
                        c.note
                    ),
                );
            }
        }
        Status::NoCode => {
            row(&mut s, "result", "no code radiocode can justify");
            for r in routes(d.family) {
                row(&mut s, "route", r);
            }
        }
        Status::Invalid => row(
            &mut s,
            "result",
            "not a serial radiocode can decode: see the errors above",
        ),
    }
    s.truncate(s.trim_end().len());
    s
}

/// The input as typed (cut, escaped) and, when it lines up, a caret under
/// each flagged character: `^` an error, `~` a misread read right.
fn echo_with_carets(o: &Outcome) -> String {
    let d = &o.diagnosis;
    let mut s = String::new();
    let shown: String = o.input.chars().take(INPUT_ECHO_CHARS).collect();
    let more = if o.input.chars().nth(INPUT_ECHO_CHARS).is_some() {
        "…"
    } else {
        ""
    };
    let echo = escape_text(&shown);
    let _ = writeln!(s, "{echo}{more}");
    // A caret under each flagged character, when the echo lines up with the input.
    let flagged = d.flagged_positions();
    if !flagged.is_empty()
        && more.is_empty()
        && shown.is_ascii()
        && matches!(echo, std::borrow::Cow::Borrowed(_))
    {
        let mut marks = vec![' '; shown.len()];
        for (p, sev) in flagged {
            if let Some(m) = marks.get_mut(p) {
                *m = if sev == Severity::Error { '^' } else { '~' };
            }
        }
        let _ = writeln!(s, "{}", marks.into_iter().collect::<String>().trim_end());
    }
    s
}
