//! The records read on a thread of their own, so a slow or stalled server
//! never holds the workbench's keys: the view asks, and the answer comes
//! back to [`App::update`](super::app) as a message.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::Duration;

use crate::store::{self, JobFilter, JobRow, Place, Records};

/// A question for the records, numbered so that only the newest answer of
/// its kind is taken.
#[derive(Clone, Debug)]
pub enum Ask {
    Jobs { seq: u64, filter: JobFilter },
}

/// What the records answered; an error is said in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Jobs {
        seq: u64,
        found: Result<Vec<JobRow>, String>,
    },
}

/// The thread that reads the records, started on the first question.
#[derive(Default)]
pub struct Lookups {
    line: Option<(Sender<Ask>, Receiver<Answer>)>,
    waiting: usize,
}

impl std::fmt::Debug for Lookups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lookups")
            .field("waiting", &self.waiting)
            .finish()
    }
}

impl Lookups {
    /// Asks the records at `place`; the reading thread opens its own
    /// connection to them. A thread that ended is started again.
    pub fn ask(&mut self, place: &Place, ask: Ask) {
        let sent = self
            .line
            .as_ref()
            .is_some_and(|(tx, _)| tx.send(ask.clone()).is_ok());
        if !sent {
            let (asks_tx, asks) = mpsc::channel::<Ask>();
            let (answers_tx, answers) = mpsc::channel::<Answer>();
            let theirs = place.clone();
            let reader = std::thread::Builder::new()
                .name("records".into())
                .spawn(move || read_records(&theirs, &asks, &answers_tx));
            if reader.is_err() {
                // No thread to be had: the question is answered here.
                let (tx, rx) = mpsc::channel();
                let _ = tx.send(answer(&mut None, place, ask));
                self.line = Some((asks_tx, rx));
            } else {
                let _ = asks_tx.send(ask);
                self.line = Some((asks_tx, answers));
            }
        }
        self.waiting += 1;
    }

    /// Questions not answered yet.
    pub fn waiting(&self) -> usize {
        self.waiting
    }

    /// An answer that is there now.
    pub fn try_answer(&mut self) -> Option<Answer> {
        self.answer(|rx| match rx.try_recv() {
            Ok(a) => Ok(Some(a)),
            Err(TryRecvError::Empty) => Ok(None),
            Err(TryRecvError::Disconnected) => Err(()),
        })
    }

    /// The next answer, waiting at most `within` for it.
    pub fn answer_within(&mut self, within: Duration) -> Option<Answer> {
        self.answer(|rx| match rx.recv_timeout(within) {
            Ok(a) => Ok(Some(a)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(()),
        })
    }

    /// An answer as `take` gets it; a reader that ended leaves nothing waiting.
    fn answer(
        &mut self,
        take: impl FnOnce(&Receiver<Answer>) -> Result<Option<Answer>, ()>,
    ) -> Option<Answer> {
        let (_, rx) = self.line.as_ref()?;
        match take(rx) {
            Ok(Some(a)) => {
                self.waiting = self.waiting.saturating_sub(1);
                Some(a)
            }
            Ok(None) => None,
            Err(()) => {
                self.line = None;
                self.waiting = 0;
                None
            }
        }
    }
}

/// The reading thread: one connection of its own, opened on the first
/// question and again after an error; it ends with the workbench.
fn read_records(place: &Place, asks: &Receiver<Ask>, answers: &Sender<Answer>) {
    let mut store = None;
    while let Ok(ask) = asks.recv() {
        if answers.send(answer(&mut store, place, ask)).is_err() {
            return;
        }
    }
}

fn answer(store: &mut Option<Box<dyn Records>>, place: &Place, ask: Ask) -> Answer {
    match ask {
        Ask::Jobs { seq, filter } => {
            let found = jobs(store, place, &filter).map_err(|e| format!("{e:#}"));
            if found.is_err() {
                // A connection that failed is opened again next time.
                *store = None;
            }
            Answer::Jobs { seq, found }
        }
    }
}

fn jobs(
    store: &mut Option<Box<dyn Records>>,
    place: &Place,
    filter: &JobFilter,
) -> anyhow::Result<Vec<JobRow>> {
    if store.is_none() {
        *store = store::open_reading(place)?;
    }
    match store {
        Some(records) => records.jobs(filter),
        // No records yet: no jobs.
        None => Ok(Vec::new()),
    }
}
