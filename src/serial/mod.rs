//! Reading what a technician typed off a radio label: which family it is, the
//! serial in its normal form, and every character that looks misread.

mod normalise;
pub mod units;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

pub use normalise::{MAX_INPUT_CHARS, diagnose};
pub(crate) use normalise::{NISSAN_BECKER_MODELS, diagnose_into, normal_form};

/// The four families of Nissan head units radiocode knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Blaupunkt,
    Renault,
    Becker,
    Visteon,
}

impl Family {
    pub const ALL: [Family; 4] = [
        Family::Blaupunkt,
        Family::Renault,
        Family::Becker,
        Family::Visteon,
    ];

    /// The identifier used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Family::Blaupunkt => "blaupunkt",
            Family::Renault => "renault",
            Family::Becker => "becker",
            Family::Visteon => "visteon",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::Blaupunkt => "Blaupunkt",
            Family::Renault => "Renault",
            Family::Becker => "Becker",
            Family::Visteon => "Visteon",
        }
    }

    /// What the technician types for this family, in words.
    pub fn shape(self) -> &'static str {
        match self {
            Family::Blaupunkt => "BP + 12 digits (14 characters)",
            Family::Renault => "a letter + 3 digits (4 characters), e.g. J727",
            Family::Becker => "BE + 4-digit model + 8-digit serial (14 characters)",
            Family::Visteon => "M + 6 digits (7 characters), e.g. M123456",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Family {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "blaupunkt" | "bp" => Ok(Family::Blaupunkt),
            "renault" | "precode" => Ok(Family::Renault),
            "becker" | "be" => Ok(Family::Becker),
            "visteon" | "m" => Ok(Family::Visteon),
            other => Err(format!(
                "unknown family '{}': use blaupunkt, renault, becker or visteon",
                other.escape_debug()
            )),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a finding is about; the JSON `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    Empty,
    TooLong,
    NotUtf8,
    InvalidCharacter,
    LetterForDigit,
    DigitForLetter,
    WrongLength,
    YearLetter,
    PartNumber,
    PrefixRemoved,
    PrefixRewritten,
    UnknownFamily,
    FamilyMismatch,
    UnsupportedModel,
    UnknownUnit,
    NoCodeDefined,
    NoPublicAlgorithm,
    FordVSerial,
    NotDecodableUnit,
    CodeBookDisagrees,
    CodeBookUnreadable,
    ChipDumpDisagrees,
    SuspectedRecoded,
}

/// One thing worth telling the technician about the text they typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub kind: FindingKind,
    /// 0-based character position in the text as typed.
    pub position: Option<usize>,
    pub message: Cow<'static, str>,
}

impl Finding {
    pub fn new(
        severity: Severity,
        kind: FindingKind,
        position: Option<usize>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Finding {
            severity,
            kind,
            position,
            message: message.into(),
        }
    }
}

/// One named piece of a serial, e.g. the BP type or the year digit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SerialPart {
    pub name: &'static str,
    pub value: String,
    pub meaning: String,
}

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
    pub unit: Option<&'static units::BlaupunktUnit>,
}

impl Diagnosis {
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
        normalise::parts(self)
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

/// A character as it should be shown in a message: printable characters as
/// themselves, anything else escaped so it never reaches a terminal raw.
/// A `Display`, so it is written only when a message is.
pub struct ShownChar(pub char);

impl fmt::Display for ShownChar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        if c.is_control() || c.is_whitespace() && c != ' ' {
            write!(f, "{} (U+{:04X})", c.escape_debug(), c as u32)
        } else if c.is_ascii() {
            write!(f, "'{c}'")
        } else {
            write!(f, "'{c}' (U+{:04X})", c as u32)
        }
    }
}

/// Text typed by a person, made safe to print on a terminal: control
/// characters are escaped, everything else is kept.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_control) {
        let mut out = String::with_capacity(s.len() + 8);
        for c in s.chars() {
            if c.is_control() {
                out.extend(c.escape_debug());
            } else {
                out.push(c);
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(s)
    }
}

/// Typed text cut to `max` characters (with `…` when cut) and escaped for a
/// terminal: how an input is echoed back.
pub fn echo_text(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", escape_text(&s[..cut])),
        None => escape_text(s).into_owned(),
    }
}
