//! One bench's work on its records, one floor below both shells: where the
//! records are, opening them (a file or a server, and the shipped public
//! pairs when the server is away), starting a job, recording a try with
//! where its code came from, the facts of a request sheet, the codes a radio
//! has refused and the chip dump evidence. The command line and the
//! workbench both call it and work none of it out again.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::code::Code;
use crate::decode::{CodeBook, Outcome, decode};
use crate::dump::{self, Dump, DumpCandidate, Model};
use crate::exit;
use crate::paper::Refused;
use crate::settings::{Bench, Settings};
use crate::store::{
    self, DumpRecord, JobFilter, JobRow, LayoutRecord, MemoryBook, NewJob, NewTry, NoSuchJob,
    Place, Records, TryOutcome,
};

/// Where the records are and who this bench is, from the command line, the
/// environment and the config file. A bad setting is said with the exit
/// status it gives.
/// `--db` first, then `RADIOCODE_DB`, then the config file's `db`.
pub fn locate(db: Option<OsString>) -> Result<(Place, Bench), (String, u8)> {
    let settings = Settings::load().map_err(|e| (format!("{e:#}"), exit::FAILURE))?;
    let from_env = std::env::var_os("RADIOCODE_DB").filter(|v| !v.is_empty());
    // A config file or an environment variable is not read by a shell: its
    // `~/` is the home folder here too, not a folder named `~`.
    let unshelled = |text: String| home(&text).into_os_string();
    let place = match db
        .or_else(|| from_env.map(|v| v.into_string().map_or_else(|v| v, unshelled)))
        .or_else(|| settings.db.clone().map(unshelled))
    {
        Some(text) => Place::parse(&text).map_err(|e| (format!("--db: {e:#}"), exit::INVALID))?,
        None => Place::File(store::default_path()),
    };
    Ok((place, Bench::from_settings(&settings)))
}

/// A file path as a person types, pastes or drops it into the workbench:
/// surrounding quotes (a file dragged into a terminal), a `file://` address,
/// backslash-escaped spaces and `~` for the home folder on Unix.
pub fn typed_path(text: &str) -> PathBuf {
    let t = text.trim();
    let unquoted = ['\'', '"']
        .iter()
        .find_map(|q| t.strip_prefix(*q)?.strip_suffix(*q));
    if let Some(inner) = unquoted {
        return home(inner);
    }
    if let Some(rest) = t.strip_prefix("file://") {
        return PathBuf::from(percent_decoded(rest));
    }
    if cfg!(unix) && t.contains('\\') {
        let mut out = String::with_capacity(t.len());
        let mut chars = t.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.extend(chars.next()),
                c => out.push(c),
            }
        }
        return home(&out);
    }
    home(t)
}

/// `~` and `~/...` as the home folder (Unix; Windows has no such custom).
fn home(path: &str) -> PathBuf {
    if cfg!(unix)
        && let Some(home) = dirs::home_dir()
    {
        if path == "~" {
            return home;
        }
        if let Some(rest) = path.strip_prefix("~/") {
            return home.join(rest);
        }
    }
    PathBuf::from(path)
}

/// `%20` and the like, as a file address writes them.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The records for reading, if there are any. Records that cannot be read
/// (a broken file, a server that does not answer) are reported once and
/// skipped: the algorithms and the shipped public pairs answer instead.
pub fn open_for_reading(place: &Place) -> Option<Box<dyn Records>> {
    store::open_reading(place).unwrap_or_else(|e| {
        unusable(&e);
        None
    })
}

fn unusable(e: &anyhow::Error) {
    say!(
        "radiocode: warning: the code book cannot be used ({e:#}); only the algorithms and the \
         seeded public pairs answer"
    );
}

/// The code book for looking up a few serials.
pub fn reading_book(place: &Place) -> Box<dyn CodeBook> {
    match open_for_reading(place) {
        Some(records) => records,
        None => Box::new(MemoryBook::seed()),
    }
}

/// The whole book in memory, for a batch.
pub fn loaded_book(place: &Place) -> Box<dyn CodeBook + Sync> {
    match open_for_reading(place).map(|r| MemoryBook::load(r.as_ref())) {
        Some(Ok(book)) => Box::new(book),
        Some(Err(e)) => {
            unusable(&e);
            Box::new(MemoryBook::seed())
        }
        None => Box::new(MemoryBook::seed()),
    }
}

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
            j.attempts
                .iter()
                .filter(|a| a.outcome == TryOutcome::Refused)
                .map(|a| Refused {
                    job: j.id,
                    attempt: a.clone(),
                })
        })
        .collect();
    out.sort_by(|a, b| a.attempt.at.cmp(&b.attempt.at));
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

/// The chip dump evidence the layouts are learned from: the recorded dumps
/// and the imported layouts.
pub type Known = (Vec<DumpRecord>, Vec<LayoutRecord>);

/// Everything recorded that a dump is read through.
pub fn known_layouts(records: Option<&dyn Records>) -> anyhow::Result<Known> {
    match records {
        Some(r) => Ok((r.dumps(None)?, r.layouts()?)),
        None => Ok((Vec::new(), Vec::new())),
    }
}

/// A dump read through the layouts of `model`: its codes, why there are
/// none, and the file offsets of the codes' bytes.
pub fn read_dump(
    dump: &Dump,
    model: Option<&Model>,
    known: &Known,
) -> (Vec<DumpCandidate>, Vec<String>, Vec<usize>) {
    let (layouts, mut notes) = match model {
        Some(m) => dump::layouts_for(m, &known.0, &known.1),
        None => (
            Vec::new(),
            vec![
                "type the radio's Blaupunkt or Becker serial on the workbench: its unit says \
                 which layout reads this dump"
                    .to_string(),
            ],
        ),
    };
    let (candidates, why) = dump::read_codes(dump, &layouts);
    notes.extend(why);
    let marked = candidates
        .iter()
        .flat_map(|c| dump.spot_bytes(c.spot()))
        .collect();
    (candidates, notes, marked)
}

/// The records of a bench that stays open (the workbench): the store once
/// open, the shipped public pairs while it is away, and where to open it
/// for writing.
pub struct Session {
    place: Option<Place>,
    pub bench: Bench,
    store: Option<Box<dyn Records>>,
    /// Answers while there are no records, or they cannot be reached.
    fallback: Box<dyn CodeBook>,
    /// Why the records cannot be reached, while they cannot.
    pub offline: Option<String>,
}

impl Session {
    /// No records: only the algorithms and `fallback` answer.
    pub fn without_records(fallback: Box<dyn CodeBook>) -> Session {
        Session {
            place: None,
            bench: Bench::default(),
            store: None,
            fallback,
            offline: None,
        }
    }

    /// The records at `place`, `store` if already open for reading. A
    /// server that did not answer is offline until it does.
    pub fn with_records(mut self, store: Option<Box<dyn Records>>, place: Option<Place>) -> Self {
        if matches!(place, Some(Place::Server(_))) && store.is_none() {
            self.offline = Some("the server did not answer".to_string());
        }
        self.store = store;
        self.place = place;
        self
    }

    /// The book that answers now: the records, or the shipped pairs while
    /// they cannot be reached.
    pub fn book(&self) -> &dyn CodeBook {
        match self.records() {
            Some(r) => r,
            None => self.fallback.as_ref(),
        }
    }

    /// The records, when open and reachable.
    pub fn records(&self) -> Option<&dyn Records> {
        self.store.as_deref().filter(|_| self.offline.is_none())
    }

    /// The facts of a request sheet for `serial`: never without the codes
    /// its radio refused, so records that are there but cannot be read
    /// now (the server away) are an error, not an empty list.
    pub fn request_facts(&self, serial: &str, job: Option<i64>) -> anyhow::Result<RequestFacts> {
        if let Some(why) = &self.offline {
            anyhow::bail!(
                "the records are offline ({why}), so the codes this radio refused cannot be \
                 listed; write it once they are back"
            );
        }
        request_facts(self.records(), serial, job)
    }

    /// The codes refused on earlier jobs for `serial`: none where there are
    /// no records; an error where there are records that cannot be read now.
    pub fn refused_for(&self, serial: &str) -> anyhow::Result<Vec<Refused>> {
        if let Some(why) = &self.offline {
            anyhow::bail!("the records are offline ({why})");
        }
        match self.records() {
            Some(records) => refused_for(records, serial),
            None => Ok(Vec::new()),
        }
    }

    /// The records when open, reachable or not (a read says why it failed).
    pub fn store(&self) -> Option<&dyn Records> {
        self.store.as_deref()
    }

    /// Which records this is, as the help says it: the file, or the
    /// server's host and database (never a password).
    pub fn records_text(&self) -> String {
        match &self.place {
            Some(p) => p.to_string(),
            None => "none: only the algorithms and the shipped public pairs".to_string(),
        }
    }

    /// True when the records are on a server shared with other benches.
    pub fn is_shared(&self) -> bool {
        matches!(self.place, Some(Place::Server(_)))
    }

    /// The store, opened for writing (and created) on first use.
    pub fn writable(&mut self) -> anyhow::Result<&mut dyn Records> {
        if self.store.as_ref().is_none_or(|s| s.is_read_only()) || self.offline.is_some() {
            let Some(place) = &self.place else {
                anyhow::bail!("this workbench has no job log");
            };
            self.store = Some(store::open_writing(place)?);
        }
        match &mut self.store {
            Some(store) => Ok(store.as_mut()),
            None => anyhow::bail!("this workbench has no job log"),
        }
    }

    /// Starts a job on the records.
    pub fn start_job(&mut self, job: &NewJob) -> anyhow::Result<i64> {
        self.writable()?.new_job(job)
    }

    /// Records a try on a job.
    pub fn record_try(&mut self, job: i64, t: &NewTry) -> anyhow::Result<()> {
        self.writable()?.record_try(job, t)
    }

    /// Opens the records again after the server came back.
    pub fn reconnect(&mut self) -> anyhow::Result<()> {
        let Some(place) = &self.place else {
            return Ok(());
        };
        match store::open_reading(place) {
            Ok(store) => {
                self.store = store;
                self.offline = None;
                Ok(())
            }
            Err(e) => {
                self.offline = Some(format!("{e:#}"));
                Err(e)
            }
        }
    }

    /// Where documents are written: beside the records (none without records).
    pub fn documents_folder(&self) -> Option<PathBuf> {
        self.place.as_ref().map(|p| p.folder("documents"))
    }
}

/// What reading a label photo said, and what it means for the job.
pub struct LabelCheck {
    pub line: String,
    pub verdict: LabelVerdict,
}

/// A label photo against its job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelVerdict {
    /// Its serial is the job's, or it shows none.
    Fine,
    /// Its serial is not the job's.
    Differs,
    /// It could not be read as a photo (or the reading was stopped).
    Unreadable,
}

/// Reads the serial off a label photo being attached to a job into its
/// evidence row, and checks it against the job's serial.
pub fn read_label_evidence(
    file: &std::path::Path,
    row: &mut crate::store::EvidenceRow,
    job_serial: &str,
) -> LabelCheck {
    use crate::label::{self, Failure, Options};
    let shown = crate::files::shown_path(&row.path);
    let reading = match label::read_file(file, &Options::default()) {
        Ok((reading, _)) => reading,
        Err(Failure::Unreadable(why)) => {
            return LabelCheck {
                line: format!(
                    "the label photo could not be read ({why}); it is recorded as a file, \
                     with no serial read off it"
                ),
                verdict: LabelVerdict::Unreadable,
            };
        }
        Err(Failure::Stopped) => {
            return LabelCheck {
                line: format!("{shown}: the reading was stopped"),
                verdict: LabelVerdict::Unreadable,
            };
        }
    };
    let Some(serial) = reading.serial else {
        return LabelCheck {
            line: format!("{shown}: no serial read off the label photo"),
            verdict: LabelVerdict::Fine,
        };
    };
    row.serial_read = serial.to_string();
    let how = reading.source.map_or("", |s| s.words());
    let sure = if reading.sure { "sure" } else { "not sure" };
    if !job_serial.is_empty() && serial != job_serial {
        return LabelCheck {
            line: format!(
                "THE LABEL PHOTO READS {serial} ({how}, {sure}) BUT THE JOB'S SERIAL IS \
                 {job_serial}. Check the label before trying a code; the photo is recorded"
            ),
            verdict: LabelVerdict::Differs,
        };
    }
    LabelCheck {
        line: format!(
            "the label photo reads {serial} ({how}, {sure}): the same as the job's serial"
        ),
        verdict: LabelVerdict::Fine,
    }
}
