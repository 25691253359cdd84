//! The workbench's work on the records: the job log and its search, a try
//! recorded (starting its job on the first), the documents written beside
//! the records, and the server going away and coming back. Part of
//! [`App::update`](super::app): each message here came through it.

use tui_input::Input;

use super::job_form::Filled;
use super::lookups::{Answer, Ask};
use super::state::{App, Focus, Msg, Overlay, Pending, View};
use crate::paper;
use crate::session::{self, JobAsked, JobNeeds};
use crate::store::{At, Attempt, JobRow, NewJob, NewTry, RecordsEvent, TryOutcome};

impl App {
    /// A message about the records, the jobs or the documents.
    pub(super) fn on_records_msg(&mut self, msg: Msg) {
        match msg {
            Msg::RecordTry(outcome) => self.record_try(outcome),
            Msg::Form(msg) => {
                if let Overlay::JobForm(form) = &mut self.overlay
                    && let Some(filled) = form.update(msg)
                {
                    self.start_job(filled);
                }
            }
            Msg::Records(event) => self.on_records(event),
            Msg::WriteCard => {
                if let Some(job) = self.jobs.chosen() {
                    let doc = paper::job_card(job, self.session.bench.garage.as_deref());
                    let name = format!("job-{}-card.html", job.id);
                    self.write_document(&name, &doc.render(paper::Format::Html));
                } else {
                    self.notice = Some("no job chosen: there is no card to write".into());
                }
            }
            Msg::WriteRequest => self.write_request(),
            Msg::Reconnect if self.wants_reconnect() => self.reconnect(),
            Msg::ShowJobs => {
                self.view = View::Jobs;
                self.search_jobs();
            }
            Msg::HideJobs => self.view = View::Workbench,
            Msg::Jobs(msg) => self.jobs.update(msg),
            Msg::Answer(answer) => self.on_answer(answer),
            Msg::OpenJob => {
                if let Some(job) = self.jobs.chosen().cloned() {
                    self.input = Input::new(job.serial.clone());
                    self.job = Some(job.clone());
                    self.view = View::Workbench;
                    self.focus = Focus::Decoder;
                    self.revalidate();
                    self.notice = Some(format!("job {} ({})", job.id, job.vehicle));
                }
            }
            Msg::Yes => self.on_yes(),
            Msg::Choose(msg) => self.on_choose(msg),
            Msg::Withdraw => self.ask_withdraw(),
            _ => {}
        }
    }

    /// Asks the records for the jobs the search names; the answer comes
    /// back as [`Msg::Answer`].
    pub(super) fn search_jobs(&mut self) {
        match (self.session.place(), self.session.store()) {
            (Some(place), _) => {
                let (seq, filter) = self.jobs.next_search();
                self.lookups.ask(place, Ask::Jobs { seq, filter });
            }
            // Records held in memory, with no place to open again: read here.
            (None, Some(records)) => {
                let (seq, filter) = self.jobs.next_search();
                let found = records.jobs(&filter).map_err(|e| format!("{e:#}"));
                self.jobs.found(seq, found);
            }
            (None, None) => self.jobs.nothing_to_search(),
        }
    }

    /// What the records answered.
    fn on_answer(&mut self, answer: Answer) {
        match answer {
            Answer::Jobs { seq, found } => self.jobs.found(seq, found),
        }
    }

    /// An answer from the records that is there now, as a message.
    pub fn answered(&mut self) -> Option<Msg> {
        self.lookups.try_answer().map(Msg::Answer)
    }

    /// The next answer from the records, waiting at most `within`.
    pub fn answer_within(&mut self, within: std::time::Duration) -> Option<Msg> {
        self.lookups.answer_within(within).map(Msg::Answer)
    }

    /// True while a question to the records is not answered yet.
    pub fn awaiting_records(&self) -> bool {
        self.lookups.waiting() > 0
    }

    /// Starts the job the form was filled in for, then records its first try.
    fn start_job(&mut self, filled: Filled) {
        let typed = self.input.value().to_string();
        let asked = JobAsked {
            serial: self.serial_for_records(),
            typed,
            vehicle: filled.vehicle,
            proof: filled.proof,
            notes: filled.notes,
            uid: filled.uid,
            ..JobAsked::default()
        };
        match session::new_job(&self.session.bench, asked) {
            Ok(job) => self.write_job(job, filled.tried),
            Err(_) => {
                if let Overlay::JobForm(form) = &mut self.overlay {
                    form.error = Some(JobNeeds::TEXT.into());
                }
            }
        }
    }

    /// Starts `job` and records its first try. With the server away the
    /// two are kept, with their identities, and written once it is back.
    fn write_job(&mut self, job: NewJob, tried: NewTry) {
        match self.session.start_job(&job) {
            Ok(id) => {
                self.job = Some(JobRow::started(id, &job));
                self.overlay = Overlay::None;
                self.keep_waiting_evidence(id, &job.serial);
                self.write_try(id, tried);
            }
            Err(e) if self.session.is_shared() => {
                self.overlay = Overlay::None;
                self.keep_until_back(Pending::Job(job, tried), &e);
            }
            Err(e) => {
                // The form stays open with what was typed.
                if let Overlay::JobForm(form) = &mut self.overlay {
                    form.error = Some(format!("could not start the job: {e:#}"));
                }
            }
        }
    }

    pub(super) fn write_try(&mut self, job: i64, t: NewTry) {
        let (code, outcome) = (t.code, t.outcome);
        match self.session.record_try(job, &t) {
            Ok(()) => {
                self.notice = Some(match outcome {
                    TryOutcome::Accepted => {
                        format!("job {job}: {code} accepted, now a confirmed book entry")
                    }
                    TryOutcome::Refused => format!("job {job}: {code} refused"),
                });
                self.pending = None;
                // Kept here at once; the records' own copy replaces it below.
                if let Some(j) = self.job.as_mut().filter(|j| j.id == job) {
                    j.attempts.push(Attempt {
                        at: At::now(),
                        code,
                        outcome,
                        source: t.source.clone(),
                        confidence: t.confidence,
                        uid: t.uid.clone(),
                        withdrawn: None,
                    });
                }
                let selected = self.selected;
                // The job log changed: its jobs are read again.
                self.earlier_jobs_for = None;
                self.revalidate();
                // Move on to the first code this radio has not refused yet.
                let refused = self.refused_on_screen();
                let untried = self
                    .outcome
                    .as_ref()
                    .and_then(|o| o.candidates.iter().position(|c| !refused.contains(&c.code)));
                self.selected = untried
                    .unwrap_or(selected)
                    .min(self.candidate_count().saturating_sub(1));
                self.rebuild_simulator();
            }
            Err(e) if self.session.is_shared() => self.keep_until_back(Pending::Try(job, t), &e),
            Err(e) => self.notice = Some(format!("could not record the try: {e:#}")),
        }
    }

    /// Writes a document into the documents folder beside the records and
    /// says where.
    fn write_document(&mut self, name: &str, text: &str) {
        let Some(dir) = self.session.documents_folder() else {
            self.notice = Some("this workbench keeps no records: no document was written".into());
            return;
        };
        let path = dir.join(name);
        self.notice = Some(match crate::files::write_private(&path, text.as_bytes()) {
            Ok(()) => format!("wrote {}", crate::files::shown(&path)),
            Err(e) => format!("could not write {}: {e}", crate::files::shown(&path)),
        });
    }

    /// The request sheet for the serial on screen, with the current job's
    /// vehicle and proof and every code its radio has refused.
    fn write_request(&mut self) {
        let typed = self.input.value().to_string();
        let Some(serial) = self
            .outcome
            .as_ref()
            .and_then(|o| o.diagnosis.serial.as_deref().map(String::from))
        else {
            self.notice = Some("type a valid serial first: the request needs it".into());
            return;
        };
        let facts = match self
            .session
            .request_facts(&serial, self.job_on_screen().map(|j| j.id))
        {
            Ok(facts) => facts,
            Err(e) => {
                // A sheet without the refused codes would mislead the dealer.
                self.notice = Some(format!(
                    "no request sheet written: the job log cannot be read ({e:#})"
                ));
                return;
            }
        };
        let doc = paper::request_sheet(
            &typed,
            facts.vehicle.as_deref(),
            facts.proof.as_deref(),
            &facts.refused,
            self.session.bench.garage.as_deref(),
        );
        let name = format!("request-{serial}.html");
        self.write_document(&name, &doc.render(paper::Format::Html));
    }

    /// Label photos from the phone read before the job started: kept on it
    /// when they hold its serial.
    fn keep_waiting_evidence(&mut self, job: i64, serial: &str) {
        let (theirs, others): (Vec<_>, Vec<_>) = std::mem::take(&mut self.evidence_waiting)
            .into_iter()
            .partition(|r| r.serial_read == serial);
        self.evidence_waiting = others;
        if !theirs.is_empty()
            && let Err(e) = self.session.attach(job, &theirs)
        {
            self.notice = Some(format!(
                "the phone's label photo is NOT kept on job {job}: {e:#}"
            ));
        }
    }

    /// What a watched server said.
    fn on_records(&mut self, event: RecordsEvent) {
        match event {
            RecordsEvent::BookChanged(serial) => {
                let on_screen = self
                    .outcome
                    .as_ref()
                    .and_then(|o| o.diagnosis.serial.as_deref());
                if self.session.offline().is_none()
                    && (serial == "*" || on_screen == Some(serial.as_str()))
                {
                    let before = self.outcome.clone();
                    self.refresh();
                    // This bench's own writes come back too; only news is said.
                    if self.outcome != before {
                        self.notice = Some("the code book changed at another bench".to_string());
                    }
                }
            }
            RecordsEvent::Offline(reason) => {
                self.session.server_stopped(reason);
            }
            RecordsEvent::Online => {
                self.session.server_answers();
                self.reconnect();
            }
        }
    }

    /// A write the server did not take: kept with its identity, said, and
    /// written once the server is back, never twice.
    fn keep_until_back(&mut self, pending: Pending, e: &anyhow::Error) {
        self.notice = Some(format!(
            "NOT recorded yet: {}. {} written when the records are back ({e:#})",
            pending.what(),
            match pending {
                Pending::Try(..) => "It will be",
                Pending::Job(..) => "They will be",
            }
        ));
        self.session.lost(e);
        self.pending = Some(pending);
    }

    /// Opens the records again; a try waiting to be written is written.
    fn reconnect(&mut self) {
        if self.session.reconnect().is_ok() && self.session.offline().is_none() {
            self.notice = Some("the records are back".to_string());
            self.refresh();
            match self.pending.take() {
                Some(Pending::Try(job, t)) => self.write_try(job, t),
                Some(Pending::Job(job, t)) => self.write_job(job, t),
                None => {}
            }
        }
    }
}
