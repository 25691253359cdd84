//! What radiocode tells the technician about typed text: findings, their
//! severity and kind, and characters shown so they never reach a terminal raw.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

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
    /// A CSV quote left open: the lines after it were read as one cell.
    UnclosedQuote,
    /// Typed (or scanned) with a French AZERTY keyboard's number row.
    AzertyNumberRow,
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
    /// A label's barcode and printed text (or two barcodes) give different serials.
    LabelDisagrees,
}

/// One thing worth telling the technician about the text they typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub kind: FindingKind,
    /// Where in the text as typed, counted in characters from 0 (the
    /// JSON and every message count from 1, as a person does).
    #[serde(serialize_with = "counted_from_one")]
    pub position: Option<usize>,
    pub message: Cow<'static, str>,
}

/// A position as a person counts it: the first character is 1.
fn counted_from_one<S: serde::Serializer>(p: &Option<usize>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(p) => s.serialize_some(&(p + 1)),
        None => s.serialize_none(),
    }
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

impl SerialPart {
    pub fn new(name: &'static str, value: &str, meaning: String) -> SerialPart {
        SerialPart {
            name,
            value: value.to_string(),
            meaning,
        }
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
    escaped(s, char::is_control)
}

/// Text from the records or a file (a source, a note, a file name) made
/// safe to show: every control character but line ends and tabs is escaped,
/// so an escape sequence stored in the records never reaches a terminal raw.
pub fn visible_text(s: &str) -> Cow<'_, str> {
    escaped(s, |c| c.is_control() && c != '\n' && c != '\t')
}

/// `s` with the characters `hidden` picks written as their escapes.
fn escaped(s: &str, hidden: fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Typed text cut to `max` characters (with `…` when cut) and escaped for a
/// terminal: how an input is echoed back.
pub fn echo_text(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", escape_text(&s[..cut])),
        None => escape_text(s).into_owned(),
    }
}
