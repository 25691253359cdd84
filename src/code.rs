//! A radio code and what a candidate says of it: where it came from and
//! how sure radiocode is.

use std::borrow::Cow;
use std::fmt;

use serde::{Serialize, Serializer};

/// A 4-digit radio code, 0000-9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(u16);

impl Code {
    /// `value` is taken modulo 10000, so a `Code` always has 4 digits.
    pub fn new(value: u16) -> Self {
        Code(value % 10_000)
    }

    pub fn value(self) -> u16 {
        self.0
    }

    /// The four digits, left to right.
    pub fn digits(self) -> [u8; 4] {
        let v = self.0;
        [
            (v / 1000) as u8,
            (v / 100 % 10) as u8,
            (v / 10 % 10) as u8,
            (v % 10) as u8,
        ]
    }

    /// The four digits as ASCII, for writing without an allocation.
    pub fn ascii(self) -> [u8; 4] {
        self.digits().map(|d| b'0' + d)
    }

    /// Parses exactly four ASCII digits.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse::<u16>()
                .map(Code)
                .map_err(|e| format!("'{t}' is not a code: {e}"))
        } else {
            Err(format!(
                "'{}' is not a code: a radio code is exactly 4 digits, e.g. 0349",
                crate::finding::escape_text(t)
            ))
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where a candidate came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Algorithm,
    CodeBook,
    ChipDump,
    /// Typed in by the technician from a document: a Radio Pass card, a
    /// dealer's or a code service's answer, the owner's handbook.
    Entered,
    /// Worked out from another candidate (a Blaupunkt code's mod-2000
    /// second try): as sure as a guess, never more, whatever its source.
    Derived,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Algorithm => "algorithm",
            Source::CodeBook => "code book",
            Source::ChipDump => "chip dump",
            Source::Entered => "entered",
            Source::Derived => "derived",
        }
    }
}

/// How sure radiocode is of a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// An algorithm checked against a large independent list for this family.
    Verified,
    /// A code a radio accepted, recorded with its source.
    Confirmed,
    /// An algorithm confirmed on related units, not yet on this one.
    Assumed,
    /// A recorded code with good but indirect evidence.
    Likely,
    /// A recorded code nobody has reported as accepted.
    Unconfirmed,
}

impl Confidence {
    pub fn id(self) -> &'static str {
        match self {
            Confidence::Verified => "verified",
            Confidence::Confirmed => "confirmed",
            Confidence::Assumed => "assumed",
            Confidence::Likely => "likely",
            Confidence::Unconfirmed => "unconfirmed",
        }
    }

    /// Any confidence by its identifier (`verified`, `confirmed`, ...).
    pub fn from_id(s: &str) -> Option<Confidence> {
        [
            Confidence::Verified,
            Confidence::Confirmed,
            Confidence::Assumed,
            Confidence::Likely,
            Confidence::Unconfirmed,
        ]
        .into_iter()
        .find(|c| c.id() == s)
    }

    /// Confidences a code book entry can carry.
    pub fn parse_book(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "confirmed" | "yes" => Ok(Confidence::Confirmed),
            "likely" => Ok(Confidence::Likely),
            "unconfirmed" | "no" | "" => Ok(Confidence::Unconfirmed),
            other => Err(format!(
                "'{}' is not a confidence: use confirmed, likely or unconfirmed",
                crate::finding::escape_text(other)
            )),
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A code to try, with its provenance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub code: Code,
    pub source: Source,
    pub confidence: Confidence,
    pub note: Cow<'static, str>,
}
