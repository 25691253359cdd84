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
    /// A label printed by a dot-matrix printer, whose print reads poorly.
    DotMatrixPrint,
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

/// The characters that turn a terminal's text around: the bidirectional
/// embeddings, overrides and isolates, and the direction marks. A vehicle
/// or a file name holding U+202E would show reversed, and could make one
/// text look like another.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// What never reaches a terminal raw from radiocode's output: control
/// characters (C0 but line ends and tabs, DEL, C1) and bidirectional
/// controls. Every piece of output is shown through this one rule.
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// Text typed by a person, or one line of text such as a file name, made
/// safe to print on a terminal: control characters (line ends too) and
/// bidirectional controls are escaped, everything else is kept.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escaped(s, |c| c.is_control() || is_bidi_control(c))
}

/// Text from the records or a file (a source, a note) made safe to show:
/// every control character but line ends and tabs, and every bidirectional
/// control, is escaped, so an escape sequence stored in the records never
/// reaches a terminal raw.
pub fn visible_text(s: &str) -> Cow<'_, str> {
    escaped(s, is_hidden)
}

/// `s` with the characters `hidden` picks written as their escapes.
fn escaped(s: &str, hidden: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How a hidden character is shown: `\n`, `\u{1b}`, `\u{202e}`.
fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' | '\r' | '\t' => out.extend(c.escape_debug()),
        _ => {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
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
