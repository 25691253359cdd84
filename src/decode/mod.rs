//! Code sources: the two published algorithms and the code book, turned into
//! candidates that each say where they came from and how sure they are.

use std::borrow::Cow;

use compact_str::CompactString;
use serde::Serialize;
use smallvec::SmallVec;

pub use crate::code::{Candidate, Code, Confidence, Source};
use crate::family;
use crate::serial::{Diagnosis, Family, Finding, FindingKind, Severity};

/// A code book entry as the decoder sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookEntry {
    pub code: Code,
    pub confidence: Confidence,
    /// Where the entry came from, e.g. a forum thread or a job number.
    pub source: String,
}

/// Anything that can answer "what codes are recorded for this serial?".
pub trait CodeBook {
    /// Entries for a normalised serial, best first, or why the book could not
    /// be read.
    fn entries(&self, serial: &str) -> Result<Vec<BookEntry>, String>;

    /// What the job log says about this radio that the technician must
    /// hear, e.g. that it refused its confirmed code before.
    fn warnings(&self, _serial: &str) -> Vec<String> {
        Vec::new()
    }
}

/// No code book: only the algorithms answer.
pub struct NoBook;

impl CodeBook for NoBook {
    fn entries(&self, _serial: &str) -> Result<Vec<BookEntry>, String> {
        Ok(Vec::new())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Decoded,
    NoCode,
    Invalid,
}

impl Status {
    /// The process exit status a script sees for this result.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Decoded => 0,
            Status::NoCode => 1,
            Status::Invalid => 2,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Status::Decoded => "decoded",
            Status::NoCode => "no-code",
            Status::Invalid => "invalid",
        }
    }
}

/// Candidates in the order to try them. Two fit inline (an algorithm's code,
/// or a book code and its mod-2000 follower), so a decode needs no heap.
pub type Candidates = SmallVec<[Candidate; 2]>;

/// The whole answer for one piece of typed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// As typed (inline up to 24 bytes, which a label serial never exceeds).
    pub input: CompactString,
    pub diagnosis: Diagnosis,
    pub status: Status,
    /// In the order to try them.
    pub candidates: Candidates,
}

/// The routes to a code when radiocode has none to offer.
pub fn routes(family: Option<Family>) -> &'static [&'static str] {
    family::routes(family).list
}

const MOD_2000_NOTE: &str = "second try: the first code mod 2000, because some Blaupunkt units \
                             can only hold a blank, 0 or 1 in the first position";

/// The candidate a published algorithm gives, with how far it is checked.
pub fn algorithm_candidate(family: Family, code: Code) -> Option<Candidate> {
    family.spec().algorithm().map(|a| a.candidate(code))
}

/// Reads `input` and finds every code radiocode can justify for it.
pub fn decode(input: &str, family: Option<Family>, book: &dyn CodeBook) -> Outcome {
    // Built in place and filled in: the outcome is never moved on the way.
    let mut o = Outcome {
        input: input.into(),
        diagnosis: Diagnosis::new(family),
        status: Status::Invalid,
        candidates: Candidates::new(),
    };
    crate::serial::diagnose_into(input, &mut o.diagnosis);
    o.find_candidates(book);
    o
}

impl Outcome {
    /// The candidates for an already diagnosed input, and the status they give.
    fn find_candidates(&mut self, book: &dyn CodeBook) {
        let d = &mut self.diagnosis;
        let (Some(serial), Some(family)) = (d.serial.as_deref(), d.family) else {
            self.status = Status::Invalid;
            return;
        };
        let spec = family.spec();
        let algorithm = spec.algorithm().and_then(|a| match (a.code)(serial) {
            Some(code) => Some(a.candidate(code)),
            None => {
                if let Some(why) = a.no_code {
                    d.findings.push(Finding::new(
                        Severity::Info,
                        FindingKind::NoCodeDefined,
                        None,
                        why,
                    ));
                }
                None
            }
        });
        let entries = book.entries(serial).unwrap_or_else(|why| {
            d.findings.push(Finding::new(
                Severity::Warning,
                FindingKind::CodeBookUnreadable,
                None,
                format!("the code book could not be read ({why}): only the algorithms answered"),
            ));
            Vec::new()
        });
        for w in book.warnings(serial) {
            d.findings.push(Finding::new(
                Severity::Warning,
                FindingKind::SuspectedRecoded,
                None,
                w,
            ));
        }
        let candidates = &mut self.candidates;
        *candidates = book_candidates(family, &entries);
        if let Some(alg) = algorithm {
            if entries.iter().any(|e| e.code != alg.code) {
                let disagreeing: Vec<String> = entries
                    .iter()
                    .filter(|e| e.code != alg.code)
                    .map(|e| format!("{} ({})", e.code, e.confidence))
                    .collect();
                d.findings.push(Finding::new(
                    Severity::Warning,
                    FindingKind::CodeBookDisagrees,
                    None,
                    format!(
                        "THE CODE BOOK DISAGREES WITH THE ALGORITHM: the algorithm gives {}, the \
                         book holds {}. The radio may have been swapped or re-coded; a confirmed \
                         book entry is tried first",
                        alg.code,
                        disagreeing.join(", ")
                    ),
                ));
            }
            match candidates.iter_mut().find(|c| c.code == alg.code) {
                Some(agreeing) => {
                    let book_note = std::mem::take(&mut agreeing.note);
                    *agreeing = Candidate {
                        note: format!("{}; the code book agrees ({book_note})", alg.note).into(),
                        ..alg
                    };
                }
                None => candidates.push(alg),
            }
        }
        // Confirmed entries first, then the algorithm, then weaker book entries;
        // each code's mod-2000 follower right behind it.
        sort_keeping_followers(candidates, |c| match (c.source, c.confidence) {
            (Source::CodeBook, Confidence::Confirmed) => 0,
            (Source::Algorithm, _) => 1,
            _ => 2,
        });
        if candidates.is_empty() && spec.algorithm().is_none() {
            d.findings.push(Finding::new(
                Severity::Info,
                FindingKind::NoPublicAlgorithm,
                None,
                format!(
                    "no public algorithm exists for {family} serials and the code book has no \
                     entry for {serial}; radiocode will not guess. Routes: {}",
                    spec.routes.line
                ),
            ));
        }
        self.status = if candidates.is_empty() {
            Status::NoCode
        } else {
            Status::Decoded
        };
    }
}

fn book_candidates(family: Family, entries: &[BookEntry]) -> Candidates {
    let mut out = Candidates::new();
    for e in entries {
        let codes = (family.spec().try_order)(e.code);
        for (i, code) in codes.into_iter().enumerate() {
            if out.iter().any(|c| c.code == code) {
                continue;
            }
            out.push(if i == 0 {
                Candidate {
                    code,
                    source: Source::CodeBook,
                    confidence: e.confidence,
                    note: e.source.clone().into(),
                }
            } else {
                // No radio took this code: it is worked out from the entry.
                Candidate {
                    code,
                    source: Source::Derived,
                    confidence: Confidence::Unconfirmed,
                    note: format!(
                        "{MOD_2000_NOTE}; from {} (code book, {}: {})",
                        e.code, e.confidence, e.source
                    )
                    .into(),
                }
            });
        }
    }
    out
}

/// A stable sort of `candidates` by `rank`, where a derived code takes
/// the rank of the code before it: it stays right behind its source.
fn sort_keeping_followers(candidates: &mut Candidates, rank: impl Fn(&Candidate) -> u8) {
    if candidates.len() < 2 {
        return;
    }
    let mut ranks: SmallVec<[u8; 2]> = SmallVec::new();
    for c in candidates.iter() {
        let r = match (c.source, ranks.last()) {
            (Source::Derived, Some(&before)) => before,
            _ => rank(c),
        };
        ranks.push(r);
    }
    let mut ranked: SmallVec<[(u8, Candidate); 2]> =
        ranks.into_iter().zip(candidates.drain(..)).collect();
    ranked.sort_by_key(|(r, _)| *r);
    candidates.extend(ranked.into_iter().map(|(_, c)| c));
}

/// The JSON form of an outcome, as `decode --json` and `batch` print it.
#[derive(Serialize)]
pub struct OutcomeJson<'a> {
    input: &'a str,
    serial: Option<&'a str>,
    family: Option<Family>,
    status: Status,
    findings: &'a [Finding],
    candidates: &'a [Candidate],
}

impl Outcome {
    pub fn json(&self) -> OutcomeJson<'_> {
        OutcomeJson {
            input: &self.input,
            serial: self.diagnosis.serial.as_deref(),
            family: self.diagnosis.family,
            status: self.status,
            findings: &self.diagnosis.findings,
            candidates: &self.candidates,
        }
    }

    /// An outcome for text that was refused before it could be read.
    pub fn refused(
        input: impl Into<CompactString>,
        kind: FindingKind,
        message: impl Into<Cow<'static, str>>,
    ) -> Outcome {
        Outcome {
            input: input.into(),
            diagnosis: Diagnosis {
                family: None,
                serial: None,
                read: None,
                findings: vec![Finding::new(Severity::Error, kind, None, message)],
                unit: None,
            },
            status: Status::Invalid,
            candidates: Candidates::new(),
        }
    }

    /// The outcome for text that is not UTF-8 (shown with replacement characters).
    pub fn not_utf8(lossy: String) -> Outcome {
        Outcome::refused(
            lossy,
            FindingKind::NotUtf8,
            "the text is not UTF-8: a label serial is plain letters and digits",
        )
    }

    /// Why there is no code, without the routes (they are listed by
    /// [`routes`]); `None` unless the serial is valid and has no code.
    pub fn no_code_reason(&self) -> Option<&str> {
        self.diagnosis
            .findings
            .iter()
            .find(|f| {
                matches!(
                    f.kind,
                    FindingKind::NoPublicAlgorithm | FindingKind::NoCodeDefined
                )
            })
            .map(|f| f.message.split(" Routes: ").next().unwrap_or_default())
    }

    /// Adds the codes read from the radio's chip dump. A code already listed
    /// gains the dump's word; a dump that disagrees with the book or an
    /// algorithm is said loudly.
    pub fn join_chip_dump(&mut self, from_dump: &[Candidate]) {
        if from_dump.is_empty() || self.status == Status::Invalid {
            return;
        }
        let others: Vec<String> = self
            .candidates
            .iter()
            .filter(|c| !from_dump.iter().any(|d| d.code == c.code))
            .map(|c| format!("{} ({}, {})", c.code, c.source.label(), c.confidence))
            .collect();
        if !others.is_empty() {
            let read: Vec<String> = from_dump.iter().map(|d| d.code.to_string()).collect();
            self.diagnosis.findings.push(Finding::new(
                Severity::Warning,
                FindingKind::ChipDumpDisagrees,
                None,
                format!(
                    "THE CHIP DUMP DISAGREES: it reads {}, while {} also stand for this serial. \
                     Check that the dump is of this radio; a re-coded or swapped radio holds \
                     another code",
                    read.join(", "),
                    others.join(", ")
                ),
            ));
        }
        for d in from_dump {
            match self.candidates.iter_mut().find(|c| c.code == d.code) {
                Some(c) => c.note = format!("{}; the chip dump agrees ({})", c.note, d.note).into(),
                None => self.candidates.push(d.clone()),
            }
        }
        // A stable sort by strength; confirmed codes and the algorithms keep their lead.
        sort_keeping_followers(&mut self.candidates, |c| match (c.source, c.confidence) {
            (Source::CodeBook, Confidence::Confirmed) => 0,
            (Source::Algorithm, _) => 1,
            (_, Confidence::Likely) => 2,
            _ => 3,
        });
        self.diagnosis
            .findings
            .retain(|f| f.kind != FindingKind::NoPublicAlgorithm);
        if self.status == Status::NoCode {
            self.status = Status::Decoded;
        }
    }

    /// Puts a candidate first (a code typed in from a document): the same
    /// code further down makes way for it, and a serial with no code has one.
    pub fn put_first(&mut self, c: Candidate) {
        if self.status == Status::Invalid {
            return;
        }
        // A code a radio already accepted (or an algorithm verified) keeps
        // that word: typed in again, it only moves first.
        let sure = self.candidates.iter().position(|k| {
            k.code == c.code && matches!(k.confidence, Confidence::Confirmed | Confidence::Verified)
        });
        let c = match sure {
            Some(i) => self.candidates.remove(i),
            None => c,
        };
        self.candidates.retain(|k| k.code != c.code);
        self.candidates.insert(0, c);
        self.diagnosis
            .findings
            .retain(|f| f.kind != FindingKind::NoPublicAlgorithm);
        self.status = Status::Decoded;
    }

    /// The findings of one severity.
    pub fn findings(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.diagnosis
            .findings
            .iter()
            .filter(move |f| f.severity == severity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_order() {
        let t = |c: u16| -> Vec<String> {
            crate::family::blaupunkt::try_order(Code::new(c))
                .iter()
                .map(Code::to_string)
                .collect()
        };
        assert_eq!(t(7091), ["7091", "1091"]);
        assert_eq!(t(5326), ["5326", "1326"]);
        assert_eq!(t(8544), ["8544", "0544"]);
        assert_eq!(t(1222), ["1222"]);
        assert_eq!(t(349), ["0349"]);
        assert_eq!(t(2000), ["2000", "0000"]);
    }

    #[test]
    fn code_parse() {
        assert_eq!(Code::parse("0349").unwrap().to_string(), "0349");
        assert!(Code::parse("349").is_err());
        assert!(Code::parse("03a9").is_err());
        assert!(Code::parse("１２３４").is_err());
    }
}
