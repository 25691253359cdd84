//! The records' rows: what is written and what is read back.

use serde::Serialize;

use super::{At, new_uid};
use crate::decode::{Code, Confidence};
use crate::serial::{Family, echo_text};

/// One code book entry: a serial and a code, with the strongest confidence
/// recorded for that pair and every source that strengthened it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BookRow {
    pub serial: String,
    pub family: Option<Family>,
    pub code: Code,
    pub confidence: Confidence,
    pub source: String,
    pub added_at: At,
    pub added_by: String,
    pub job: Option<i64>,
    /// The job's identity across stores, for `db copy`.
    #[serde(skip)]
    pub job_uid: Option<String>,
}

impl BookRow {
    /// The entry as written, for writing it into another store.
    pub(super) fn as_new(&self) -> NewEntry {
        NewEntry {
            serial: self.serial.clone(),
            code: self.code,
            confidence: self.confidence,
            source: self.source.clone(),
            added_by: self.added_by.clone(),
        }
    }
}

/// What a new code book entry says.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub serial: String,
    pub code: Code,
    pub confidence: Confidence,
    pub source: String,
    pub added_by: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    New,
    /// The same serial and code were there; the stronger confidence was kept.
    AlreadyThere,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TryOutcome {
    Accepted,
    Refused,
}

impl TryOutcome {
    pub fn id(self) -> &'static str {
        match self {
            TryOutcome::Accepted => "accepted",
            TryOutcome::Refused => "refused",
        }
    }

    /// `accepted` or `refused`, and nothing else.
    pub fn parse(s: &str) -> Result<TryOutcome, String> {
        match s {
            "accepted" => Ok(TryOutcome::Accepted),
            "refused" => Ok(TryOutcome::Refused),
            other => Err(format!(
                "'{}' is not what a radio did with a code: accepted or refused",
                echo_text(other, 20)
            )),
        }
    }
}

/// What a technician records when a job starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewJob {
    pub workstation: String,
    pub branch: String,
    pub vehicle: String,
    pub ownership_proof: String,
    pub serial: String,
    pub notes: String,
    /// The job's identity; empty gets a new one. Writing the same identity
    /// twice (a retry after a lost connection) starts one job, not two.
    pub uid: String,
    /// The serial exactly as typed off the label (`serial` is read from it).
    pub serial_typed: String,
}

/// A code tried on a job's radio, with an identity that makes writing it
/// again (a retry after a lost connection) harmless.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTry {
    pub code: Code,
    pub outcome: TryOutcome,
    pub uid: String,
    /// Where the code came from when it was tried, e.g. "code book".
    pub source: String,
    /// How sure radiocode was of it then; `None` for a code entered by hand.
    pub confidence: Option<Confidence>,
}

impl NewTry {
    pub fn new(code: Code, outcome: TryOutcome) -> NewTry {
        NewTry {
            code,
            outcome,
            uid: new_uid(),
            source: String::new(),
            confidence: None,
        }
    }

    /// A refusal of a code the radio should have taken (see
    /// [`Attempt::refused_a_sure_code`]).
    pub fn refuses_a_sure_code(&self) -> bool {
        refused_a_sure_code(self.outcome, self.confidence)
    }

    /// How sure radiocode was of the code, in words ("" when not known).
    pub fn confidence_text(&self) -> &'static str {
        self.confidence.map_or("", Confidence::id)
    }

    /// The same try, saying where its code came from.
    pub fn from_candidate(mut self, c: &crate::decode::Candidate) -> NewTry {
        self.source = match c.source {
            // Where the technician had it from: "entered: Radio Pass card".
            crate::decode::Source::Entered => format!("{}: {}", c.source.label(), c.note),
            other => other.label().to_string(),
        };
        self.confidence = Some(c.confidence);
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub at: At,
    pub code: Code,
    pub outcome: TryOutcome,
    /// Where the code came from when it was tried ("" when not known).
    pub source: String,
    /// How sure radiocode was of it then ("" in JSON when not known).
    #[serde(serialize_with = "confidence_or_empty")]
    pub confidence: Option<Confidence>,
    #[serde(skip)]
    pub uid: String,
    /// Set when a later note on the job withdraws this try as recorded by
    /// mistake: it stays in the log, and counts for nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Withdrawal>,
}

impl Attempt {
    /// True unless the try was withdrawn as recorded by mistake.
    pub fn stands(&self) -> bool {
        self.withdrawn.is_none()
    }

    /// "6586 refused", with "(withdrawn)" after a try taken back.
    pub fn text(&self) -> String {
        let mut t = format!("{} {}", self.code, self.outcome.id());
        if !self.stands() {
            t.push_str(" (withdrawn)");
        }
        t
    }

    /// A refusal of a code the radio should have taken: it was confirmed by
    /// a radio before, or comes from a verified algorithm.
    pub fn refused_a_sure_code(&self) -> bool {
        refused_a_sure_code(self.outcome, self.confidence)
    }

    /// How sure radiocode was of the code, in words ("" when not known).
    pub fn confidence_text(&self) -> &'static str {
        self.confidence.map_or("", Confidence::id)
    }
}

fn confidence_or_empty<S: serde::Serializer>(
    c: &Option<Confidence>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.map_or("", Confidence::id))
}

/// A try's recorded confidence: one of the five words, or "" when not known.
pub(crate) fn try_confidence(text: &str) -> Result<Option<Confidence>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    Confidence::from_id(text).map(Some).ok_or_else(|| {
        format!(
            "'{}' is not a confidence radiocode records",
            echo_text(text, 20)
        )
    })
}

/// A refused code that was confirmed by a radio before, or comes from a
/// verified algorithm: the radio is suspect (re-coded or swapped).
fn refused_a_sure_code(outcome: TryOutcome, confidence: Option<Confidence>) -> bool {
    outcome == TryOutcome::Refused
        && matches!(
            confidence,
            Some(Confidence::Confirmed | Confidence::Verified)
        )
}

/// What an evidence file shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    LabelPhoto,
    DisplayPhoto,
    EntryVideo,
    Proof,
    Other,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 5] = [
        EvidenceKind::LabelPhoto,
        EvidenceKind::DisplayPhoto,
        EvidenceKind::EntryVideo,
        EvidenceKind::Proof,
        EvidenceKind::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            EvidenceKind::LabelPhoto => "label-photo",
            EvidenceKind::DisplayPhoto => "display-photo",
            EvidenceKind::EntryVideo => "entry-video",
            EvidenceKind::Proof => "proof",
            EvidenceKind::Other => "other",
        }
    }

    /// A kind by its identifier, and nothing else.
    pub fn parse(s: &str) -> Result<EvidenceKind, String> {
        EvidenceKind::ALL
            .into_iter()
            .find(|k| k.id() == s)
            .ok_or_else(|| format!("'{}' is not a kind of evidence", echo_text(s, 20)))
    }
}

impl std::fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// A file kept as evidence for a job: a photo of the label or the display,
/// a video of the entry, a proof of ownership.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvidenceRow {
    pub at: At,
    /// label-photo, display-photo, entry-video, proof or other.
    pub kind: EvidenceKind,
    pub path: String,
    pub size: i64,
    pub sha256: String,
    /// The copy kept beside the records, when one was made.
    pub copy_path: String,
    /// The serial read off a label photo when it was attached ('' for
    /// other evidence, or a photo that gave none).
    pub serial_read: String,
    #[serde(skip)]
    pub uid: String,
}

/// A note added to a job after it started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobNote {
    pub at: At,
    pub text: String,
    pub uid: String,
    /// The identity of the try this note withdraws, recorded by mistake
    /// ("" for a plain note). The try stays in the log, marked.
    pub withdraws: String,
}

/// A try taken back: when, and the note that says why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Withdrawal {
    pub at: At,
    pub why: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobRow {
    pub id: i64,
    pub created_at: At,
    pub workstation: String,
    pub branch: String,
    pub vehicle: String,
    pub ownership_proof: String,
    pub serial: String,
    pub family: Option<Family>,
    /// Every note, the one given at the start first, one per line.
    pub notes: String,
    pub attempts: Vec<Attempt>,
    pub evidence: Vec<EvidenceRow>,
    /// The serial as typed off the label ("" for jobs from before it was kept).
    pub serial_typed: String,
    #[serde(skip)]
    pub uid: String,
    /// The note given when the job started.
    #[serde(skip)]
    pub intake_notes: String,
    /// The notes added later, oldest first.
    #[serde(skip)]
    pub later_notes: Vec<JobNote>,
}

impl JobRow {
    /// The codes tried, e.g. "7091 refused, 1091 accepted".
    pub fn tries_text(&self) -> String {
        self.attempts
            .iter()
            .map(Attempt::text)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One line for a list: number, when, vehicle, serial, tries.
    pub fn summary_line(&self) -> String {
        let tries = self.tries_text();
        let mut line = format!(
            "{:>4}  {:<16}  {:<12}  {:<15}  {}",
            self.id,
            self.created_at.minute(),
            echo_text(&self.vehicle, 12),
            echo_text(&self.serial, 15),
            if tries.is_empty() {
                "no tries yet"
            } else {
                &tries
            }
        );
        if self.suspected_recoded().is_some() {
            line.push_str("  ");
            line.push_str(crate::advice::SUSPECTED);
        }
        if let Some(read) = self.label_reads_otherwise() {
            line.push_str(&format!("  LABEL PHOTO READS {}", echo_text(read, 15)));
        }
        line
    }

    /// The serial a label photo attached to the job reads, where it is not
    /// the job's: the job was typed from another label, or the label
    /// misread.
    pub fn label_reads_otherwise(&self) -> Option<&str> {
        self.evidence
            .iter()
            .map(|e| e.serial_read.as_str())
            .find(|read| !read.is_empty() && *read != self.serial)
    }

    /// The refused try that makes this radio suspect: re-coded or swapped.
    pub fn suspected_recoded(&self) -> Option<&Attempt> {
        self.standing().find(|a| a.refused_a_sure_code())
    }

    /// How the job stands, in a few words: "unlocked with 6586", "2
    /// refused", "no tries".
    pub fn outcome_words(&self) -> String {
        if let Some(a) = self.standing().find(|a| a.outcome == TryOutcome::Accepted) {
            return format!("unlocked with {}", a.code);
        }
        match self.refused_codes().len() {
            0 => "no tries".to_string(),
            n => format!("{n} refused"),
        }
    }

    /// The job as a visit, in one line: "job 1  2026-12-05  AB12 CDE
    /// unlocked with 6586", the vehicle cut to `vehicle_width`.
    pub fn visit_text(&self, vehicle_width: usize) -> String {
        format!(
            "job {}  {}  {}  {}",
            self.id,
            self.created_at.day(),
            echo_text(&self.vehicle, vehicle_width),
            self.outcome_words()
        )
    }

    /// True when a radio accepted a code on this job.
    pub fn is_unlocked(&self) -> bool {
        self.standing().any(|a| a.outcome == TryOutcome::Accepted)
    }

    /// A job just started, as the records will hold it.
    pub fn started(id: i64, job: &NewJob) -> JobRow {
        JobRow {
            id,
            created_at: At::now(),
            workstation: job.workstation.clone(),
            branch: job.branch.clone(),
            vehicle: job.vehicle.clone(),
            ownership_proof: job.ownership_proof.clone(),
            serial: job.serial.clone(),
            family: None,
            notes: job.notes.clone(),
            attempts: Vec::new(),
            evidence: Vec::new(),
            serial_typed: job.serial_typed.clone(),
            uid: job.uid.clone(),
            intake_notes: job.notes.clone(),
            later_notes: Vec::new(),
        }
    }

    /// The tries that stand: every one not withdrawn, oldest first.
    pub fn standing(&self) -> impl Iterator<Item = &Attempt> {
        self.attempts.iter().filter(|a| a.stands())
    }

    /// The last try that stands.
    pub fn last_standing(&self) -> Option<&Attempt> {
        self.standing().last()
    }

    /// The codes this job's radio refused, in order (withdrawn tries left out).
    pub fn refused_codes(&self) -> Vec<crate::code::Code> {
        self.standing()
            .filter(|a| a.outcome == TryOutcome::Refused)
            .map(|a| a.code)
            .collect()
    }

    /// The job as it was started, for writing it into another store.
    pub(super) fn as_new(&self) -> NewJob {
        NewJob {
            serial_typed: self.serial_typed.clone(),
            workstation: self.workstation.clone(),
            branch: self.branch.clone(),
            vehicle: self.vehicle.clone(),
            ownership_proof: self.ownership_proof.clone(),
            serial: self.serial.clone(),
            notes: self.intake_notes.clone(),
            uid: self.uid.clone(),
        }
    }

    /// What the job log says of a radio that refused a sure code.
    pub fn recoded_text(&self) -> Option<String> {
        self.suspected_recoded().map(|a| {
            crate::advice::suspected_on_job(self.id, a.code, a.confidence_text(), &a.source)
        })
    }

    /// Joins the intake note and the later ones into `notes`.
    pub(super) fn join_notes(&mut self) {
        self.notes = std::iter::once(self.intake_notes.as_str())
            .chain(self.later_notes.iter().map(|n| n.text.as_str()))
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
    }

    /// Marks each try a later note withdraws; a note naming no try of this
    /// job changes nothing.
    pub(super) fn mark_withdrawn(&mut self) {
        for n in self.later_notes.iter().filter(|n| !n.withdraws.is_empty()) {
            if let Some(a) = self
                .attempts
                .iter_mut()
                .find(|a| a.uid == n.withdraws && a.withdrawn.is_none())
            {
                a.withdrawn = Some(Withdrawal {
                    at: n.at,
                    why: n.text.clone(),
                });
            }
        }
    }
}

/// Which jobs to list.
#[derive(Clone, Debug, Default)]
pub struct JobFilter {
    /// Only jobs whose serial or vehicle contains this (spaces ignored).
    pub search: Option<String>,
    /// Only jobs of this branch.
    pub branch: Option<String>,
    /// Only this job.
    pub id: Option<i64>,
    /// Only jobs for exactly this (normalised) serial.
    pub serial: Option<String>,
}

impl JobFilter {
    /// Every job for exactly this (normalised) serial.
    pub fn serial(serial: &str) -> JobFilter {
        JobFilter {
            serial: Some(serial.to_string()),
            ..JobFilter::default()
        }
    }

    /// One job by its number.
    pub fn job(id: i64) -> JobFilter {
        JobFilter {
            id: Some(id),
            ..JobFilter::default()
        }
    }

    /// The search text as a LIKE pattern (escape `\`): spaces dropped, and
    /// `%`, `_` and `\` taken literally, as typed.
    pub(super) fn pattern(&self) -> Option<String> {
        self.search.as_ref().map(|s| {
            let mut cleaned = String::with_capacity(s.len() + 2);
            for c in s.chars().filter(|c| !c.is_whitespace()) {
                if matches!(c, '%' | '_' | '\\') {
                    cleaned.push('\\');
                }
                cleaned.push(c);
            }
            format!("%{cleaned}%")
        })
    }
}

/// A bad row in an import, by its line number in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub already_there: usize,
    pub bad: Vec<BadRow>,
    /// False when nothing was written (a strict import with bad rows).
    pub committed: bool,
}

/// A chip dump recorded as evidence: its bytes, its unit, and its code and
/// how that code is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpRecord {
    pub sha256: String,
    pub bytes: Vec<u8>,
    /// `BP5384` or `BE4739`.
    pub model: String,
    pub code: Code,
    /// How the code is known, e.g. "confirmed book entry", "job 12: accepted
    /// by the radio", "the technician's word".
    pub known_by: String,
    pub source: String,
    pub added_at: At,
    pub added_by: String,
}

/// A layout learned elsewhere and imported, with the evidence it came with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LayoutRecord {
    pub uid: String,
    pub model: String,
    pub address: i64,
    pub encoding: String,
    pub word_swapped: bool,
    /// How many dumps and different codes agreed where it was learned.
    pub dumps: i64,
    pub codes: i64,
    /// The SHA-256 of each agreeing dump.
    pub evidence: Vec<String>,
    /// Where it was learned and who imported it.
    pub origin: String,
    #[serde(default)]
    pub added_at: At,
    #[serde(default)]
    pub added_by: String,
}

/// What `db copy` moved, and what the target already had.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub jobs: (usize, usize),
    pub tries: (usize, usize),
    pub notes: (usize, usize),
    pub book: (usize, usize),
    pub dumps: (usize, usize),
    pub layouts: (usize, usize),
    pub evidence: (usize, usize),
    /// Records that could not be copied, each said with why; the rest were.
    pub skipped: Vec<String>,
}

impl CopyReport {
    /// Every kind's (copied, already there), in the order the lines say them.
    fn tallies(&self) -> [(&'static str, (usize, usize)); 7] {
        [
            ("jobs", self.jobs),
            ("tries", self.tries),
            ("notes", self.notes),
            ("evidence files", self.evidence),
            ("code book entries", self.book),
            ("chip dumps", self.dumps),
            ("imported layouts", self.layouts),
        ]
    }

    /// Records copied and records already there, of every kind together.
    pub fn totals(&self) -> (usize, usize) {
        self.tallies()
            .iter()
            .fold((0, 0), |(a, b), (_, (c, t))| (a + c, b + t))
    }

    /// One line per kind: "jobs: 3 copied, 1 already there".
    pub fn lines(&self) -> Vec<String> {
        self.tallies()
            .iter()
            .map(|(what, (copied, there))| {
                format!("{what}: {copied} copied, {there} already there")
            })
            .chain(self.skipped.iter().map(|s| format!("NOT copied: {s}")))
            .collect()
    }
}

/// What a watched server says to an open workbench.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordsEvent {
    /// A book entry was added for this serial (`*`: for many).
    BookChanged(String),
    /// The server cannot be reached, and why.
    Offline(String),
    /// The server answers again.
    Online,
}

/// What a purge did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// The jobs whose personal data was blanked.
    pub jobs: usize,
    /// Evidence copies the records named that were left where they are
    /// (outside the evidence folder beside the records, a link), each said
    /// with why.
    pub kept: Vec<String>,
}

/// Everything one store holds, for `db copy`.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub jobs: Vec<JobRow>,
    pub book: Vec<BookRow>,
    pub dumps: Vec<DumpRecord>,
    pub layouts: Vec<LayoutRecord>,
}

impl Snapshot {
    /// How many records it holds, of every kind.
    pub fn records(&self) -> u64 {
        let on_jobs: usize = self
            .jobs
            .iter()
            .map(|j| 1 + j.attempts.len() + j.later_notes.len() + j.evidence.len())
            .sum();
        (on_jobs + self.book.len() + self.dumps.len() + self.layouts.len()) as u64
    }
}
