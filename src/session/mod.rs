//! One bench's work on its records, one floor below both shells: where the
//! records are, opening them (a file or a server, and the shipped public
//! pairs when the server is away), starting a job, recording a try with
//! where its code came from, the facts of a request sheet, the codes a radio
//! has refused and the chip dump evidence. The command line and the
//! workbench both call it and work none of it out again.

mod book;
mod dump;
mod jobs;
mod label;

pub use book::{
    listed_book, loaded_book, open_for_reading, or_shipped, reading_book, shipped_pairs,
};
pub use dump::{
    DumpRead, Known, LayoutChoice, decode_with_dump, join_dump, known_layouts, learned, read_dump,
    unit_of,
};
pub use jobs::{
    JobAsked, JobNeeds, RequestFacts, job_needs, new_job, one_job, record_try_on_job, refused_for,
    request_facts, tried, withdraw_refusal,
};
pub use label::{LabelCheck, LabelVerdict, label_photo_row, read_label_evidence};

use std::ffi::OsString;
use std::path::PathBuf;

use crate::decode::CodeBook;
use crate::exit;
use crate::settings::{Bench, Settings};
use crate::store::{self, NewJob, NewTry, Place, Records};

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

/// The records of a bench that stays open (the workbench): the store once
/// open, the shipped public pairs while it is away, and where to open it
/// for writing.
pub struct Session {
    place: Option<Place>,
    pub bench: Bench,
    store: Option<Box<dyn Records>>,
    /// Answers while there are no records, or they cannot be reached.
    fallback: Box<dyn CodeBook>,
    /// Whether the records can be reached now.
    pub link: Link,
}

/// How a bench stands with its records: one state, changed by what a read
/// or a write met and by what the server's watcher says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// Reachable, or nothing to reach (a file, no records).
    Up,
    /// Cannot be reached now, and why. `answers` is what the server's
    /// watcher last said: while it answers, the bench tries again.
    Down { why: String, answers: bool },
}

impl Session {
    /// No records: only the algorithms and `fallback` answer.
    pub fn without_records(fallback: Box<dyn CodeBook>) -> Session {
        Session {
            place: None,
            bench: Bench::default(),
            store: None,
            fallback,
            link: Link::Up,
        }
    }

    /// The records at `place`, `store` if already open for reading. A
    /// server that did not answer is offline until it does.
    pub fn with_records(mut self, store: Option<Box<dyn Records>>, place: Option<Place>) -> Self {
        if matches!(place, Some(Place::Server(_))) && store.is_none() {
            self.link = Link::Down {
                why: "the server did not answer".to_string(),
                answers: true,
            };
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
        self.store.as_deref().filter(|_| self.offline().is_none())
    }

    /// The facts of a request sheet for `serial`: never without the codes
    /// its radio refused, so records that are there but cannot be read
    /// now (the server away) are an error, not an empty list.
    pub fn request_facts(&self, serial: &str, job: Option<i64>) -> anyhow::Result<RequestFacts> {
        if let Some(why) = self.offline() {
            anyhow::bail!(
                "the records are offline ({why}), so the codes this radio refused cannot be \
                 listed; write it once they are back"
            );
        }
        request_facts(self.records(), serial, job)
    }

    /// Every job for `serial` (valid, normal form), newest first: none
    /// where there are no records; an error where they cannot be read now.
    pub fn jobs_for(&self, serial: &str) -> anyhow::Result<Vec<crate::store::JobRow>> {
        if let Some(why) = self.offline() {
            anyhow::bail!("the records are offline ({why})");
        }
        match self.records() {
            Some(records) => records.jobs(&crate::store::JobFilter::serial(serial)),
            None => Ok(Vec::new()),
        }
    }

    /// Keeps evidence files on a job.
    pub fn attach(&mut self, job: i64, rows: &[crate::store::EvidenceRow]) -> anyhow::Result<()> {
        self.writable()?.attach(job, rows)
    }

    /// Withdraws the last refusal of `code` on `job`, recorded by mistake.
    pub fn withdraw_refusal(
        &mut self,
        job: i64,
        code: crate::code::Code,
        why: &str,
    ) -> anyhow::Result<crate::store::Attempt> {
        jobs::withdraw_refusal(self.writable()?, job, code, why)
    }

    /// Why the records cannot be reached, while they cannot.
    pub fn offline(&self) -> Option<&str> {
        match &self.link {
            Link::Up => None,
            Link::Down { why, .. } => Some(why),
        }
    }

    /// The server's watcher says it stopped answering.
    pub fn server_stopped(&mut self, why: String) {
        self.link = Link::Down {
            why,
            answers: false,
        };
    }

    /// The server's watcher says it answers again.
    pub fn server_answers(&mut self) {
        if let Link::Down { answers, .. } = &mut self.link {
            *answers = true;
        }
    }

    /// A read or a write could not reach the records: the first reason stays.
    pub fn lost(&mut self, e: &anyhow::Error) {
        if self.link == Link::Up {
            self.link = Link::Down {
                why: format!("{e:#}"),
                answers: true,
            };
        }
    }

    /// True when the server answers but this bench lost it: time to try again.
    pub fn wants_reconnect(&self) -> bool {
        self.is_shared() && matches!(self.link, Link::Down { answers: true, .. })
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

    /// Where the records are, when there are any.
    pub fn place(&self) -> Option<&Place> {
        self.place.as_ref()
    }

    /// True when the records are on a server shared with other benches.
    pub fn is_shared(&self) -> bool {
        matches!(self.place, Some(Place::Server(_)))
    }

    /// The store, opened for writing (and created) on first use.
    pub fn writable(&mut self) -> anyhow::Result<&mut dyn Records> {
        if self.store.as_ref().is_none_or(|s| s.is_read_only()) || self.offline().is_some() {
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
                self.link = Link::Up;
                Ok(())
            }
            Err(e) => {
                // What the watcher said stands: while the server answers,
                // the bench tries again.
                let answers = !matches!(self.link, Link::Down { answers: false, .. });
                self.link = Link::Down {
                    why: format!("{e:#}"),
                    answers,
                };
                Err(e)
            }
        }
    }

    /// Where documents are written: beside the records (none without records).
    pub fn documents_folder(&self) -> Option<PathBuf> {
        self.place.as_ref().map(|p| p.folder("documents"))
    }
}
