//! Reading what a technician typed off a radio label: which family it is, the
//! serial in its normal form, and every character that looks misread.

mod normalise;

use compact_str::CompactString;

pub use crate::family::{Family, Unit};
pub use crate::finding::{
    Finding, FindingKind, SerialPart, Severity, ShownChar, echo_text, escape_text,
};
pub use normalise::{MAX_INPUT_CHARS, diagnose};
pub(crate) use normalise::{diagnose_into, normal_form};

/// Everything radiocode read from one piece of typed label text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnosis {
    /// The family, detected from the shape or named by the caller.
    pub family: Option<Family>,
    /// The serial in its normal form; present only when no finding is an error.
    /// (Kept inline: a serial never needs the heap.)
    pub serial: Option<CompactString>,
    /// The characters as read against the family's template when a rule about
    /// the whole serial refused them (a part number of another type): what
    /// [`Diagnosis::parts`] shows then.
    pub read: Option<CompactString>,
    pub findings: Vec<Finding>,
    /// The known unit this serial belongs to, when radiocode has it on file.
    pub unit: Option<&'static Unit>,
}

impl Diagnosis {
    /// The serial a record keeps for what was typed: the normal form when
    /// the serial is valid, otherwise the text as typed (trimmed), so a
    /// job on a label that could not be read right still names it.
    pub fn kept(&self, typed: &str) -> String {
        self.serial
            .as_deref()
            .map_or_else(|| typed.trim().to_string(), str::to_string)
    }

    /// Nothing read yet; `family` is the family the technician chose, if any.
    pub fn new(family: Option<Family>) -> Diagnosis {
        Diagnosis {
            family,
            serial: None,
            read: None,
            findings: Vec::new(),
            unit: None,
        }
    }

    /// What the serial says, piece by piece: empty unless the characters were
    /// read. Worked out when asked, so a decode that never shows them costs nothing.
    pub fn parts(&self) -> Vec<SerialPart> {
        match (self.serial.as_deref().or(self.read.as_deref()), self.family) {
            (Some(read), Some(family)) => (family.spec().parts)(read),
            _ => Vec::new(),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Input positions that carry a finding, with the worst severity at each.
    pub fn flagged_positions(&self) -> Vec<(usize, Severity)> {
        let mut out: Vec<(usize, Severity)> = Vec::new();
        for f in &self.findings {
            let Some(p) = f.position else { continue };
            match out.iter_mut().find(|(q, _)| *q == p) {
                Some(entry) => entry.1 = entry.1.min(f.severity),
                None => out.push((p, f.severity)),
            }
        }
        out.sort_unstable();
        out
    }
}
