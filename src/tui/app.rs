//! The one place the workbench's state changes: [`App::update`]. Each view
//! (jobs, chip dump, job form) has its own state and messages in a file of
//! its own; this file routes messages to them and keeps the workbench's own.

use tui_input::Input;

use super::dump_view::DumpView;
use super::entry::{CodeFromElsewhere, ConfirmAccept};
use super::job_form::{Filled, JobForm};
use super::jobs::JobsView;
use super::lookups::{Answer, Ask, Lookups};
use super::photo::PhotoView;
use super::prepared::Prepared;
use super::scan::Burst;
use super::simulator::Simulator;
use crate::decode::{Candidate, Code, CodeBook, decode};
use crate::keypad::profile_for;
use crate::paper;
use crate::session::{self, JobAsked, JobNeeds, Session};
use crate::settings::Bench;
use crate::store::{NewJob, NewTry, Place, Records, RecordsEvent, TryOutcome};

pub use super::state::{
    App, BRANDS, Copied, Effect, Focus, Msg, Overlay, OverlayKind, Pending, View, brand_name,
};

impl App {
    pub fn new(book: Box<dyn CodeBook>, color: bool) -> App {
        App {
            focus: Focus::Serial,
            brand: 0,
            input: Input::default(),
            outcome: None,
            selected: 0,
            overlay: Overlay::None,
            notice: None,
            size: (80, 24),
            color,
            view: View::Workbench,
            entered: Vec::new(),
            jobs: JobsView::default(),
            dump: DumpView::default(),
            current_job: None,
            last_try: None,
            job_refused: Vec::new(),
            earlier_refused: Vec::new(),
            earlier_refused_for: None,
            decoder_scroll: 0,
            findings_scroll: 0,
            simulator: None,
            pending: None,
            session: Session::without_records(book),
            prepared: Prepared::default(),
            photo: PhotoView::default(),
            serial_origin: None,
            scan: Burst::default(),
            lookups: Lookups::default(),
        }
    }

    /// A workbench that keeps its records: `store` if already open (for
    /// reading), and `place` to open for writing when something is recorded.
    pub fn with_records(
        mut self,
        store: Option<Box<dyn Records>>,
        place: Option<Place>,
        bench: Bench,
    ) -> App {
        self.session = self.session.with_records(store, place);
        self.session.bench = bench;
        self.revalidate();
        self
    }

    /// Photos drawn with `picker` (the terminal's graphics, or half-blocks).
    pub fn with_picker(mut self, picker: ratatui_image::picker::Picker) -> App {
        self.photo.picker = picker;
        self
    }

    /// Re-reads the input: validation and candidates live here, never in render.
    pub(super) fn revalidate(&mut self) {
        let text = self.input.value();
        // Offline, the seeded public pairs answer beside the algorithms.
        self.outcome = if text.trim().is_empty() {
            None
        } else {
            Some(decode(text, self.brand(), self.session.book()))
        };
        // A loaded chip dump is read through the layouts of the unit on screen.
        let model = self
            .outcome
            .as_ref()
            .and_then(|o| o.diagnosis.serial.as_deref())
            .and_then(session::unit_of);
        if let Some(reading) = &mut self.dump.reading {
            if reading.model != model {
                reading.read_for(model);
            }
            if let Some(o) = &mut self.outcome {
                session::join_dump(o, &reading.read);
            }
        }
        // New text: its panes are read from the top.
        self.decoder_scroll = 0;
        self.findings_scroll = 0;
        // A code refused on any job for this radio is marked wherever it
        // comes back; the job log is read once for each serial.
        let serial = self
            .outcome
            .as_ref()
            .and_then(|o| o.diagnosis.serial.as_deref())
            .map(str::to_string);
        if serial != self.earlier_refused_for {
            self.earlier_refused = match serial.as_deref().map(|s| self.session.refused_for(s)) {
                Some(Ok(refused)) => refused.iter().map(|r| r.attempt.code).collect(),
                Some(Err(e)) => {
                    // Not "none refused": the job log could not say.
                    self.notice = Some(format!(
                        "codes refused on earlier jobs for this radio cannot be checked: {e:#}. \
                         Check the job log before trying a code"
                    ));
                    Vec::new()
                }
                None => Vec::new(),
            };
            self.earlier_refused_for = serial;
        }
        // Codes typed in from elsewhere come first, chosen.
        if let Some(o) = &mut self.outcome
            && let Some(serial) = o.diagnosis.serial.as_deref()
        {
            let serial = serial.to_string();
            for (_, c) in self.entered.iter().filter(|(s, _)| *s == serial) {
                o.put_first(c.clone());
            }
        }
        // The choice starts at the first code this radio has not refused.
        let refused = self.refused_on_screen();
        self.selected = self
            .outcome
            .as_ref()
            .and_then(|o| o.candidates.iter().position(|c| !refused.contains(&c.code)))
            .unwrap_or(0);
        self.rebuild_simulator();
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

    /// Opens the form for a code from elsewhere, for a valid serial.
    fn open_code_entry(&mut self) {
        if self.valid_serial().is_none() {
            self.notice = Some("type a valid serial first: the code is for that radio".into());
            return;
        }
        self.overlay = Overlay::CodeFromElsewhere(CodeFromElsewhere::default());
    }

    /// A code from elsewhere for the serial on screen: first and chosen.
    fn take_entered(&mut self, c: Candidate) {
        let Some(serial) = self.valid_serial() else {
            return;
        };
        let code = c.code;
        let origin = c.note.to_string();
        self.entered
            .retain(|(s, e)| !(*s == serial && e.code == code));
        self.entered.push((serial, c));
        self.overlay = Overlay::None;
        self.revalidate();
        self.focus = Focus::Decoder;
        self.notice = Some(format!("{code} from the {origin}: first in the list"));
    }

    /// The serial on screen in its normal form, when it is valid.
    fn valid_serial(&self) -> Option<String> {
        self.outcome
            .as_ref()
            .and_then(|o| o.diagnosis.serial.as_deref())
            .map(str::to_string)
    }

    /// The keypad panel follows the chosen code.
    fn rebuild_simulator(&mut self) {
        self.simulator_for_choice();
        if self.simulator.is_none() && self.focus == Focus::Keypad {
            self.focus = Focus::Decoder;
        }
    }

    fn simulator_for_choice(&mut self) {
        let Some(o) = &self.outcome else {
            self.simulator = None;
            return;
        };
        let (Some(family), Some(chosen)) = (o.diagnosis.family, o.candidates.get(self.selected))
        else {
            self.simulator = None;
            return;
        };
        let refused = self.refused_on_screen();
        if self.simulator.as_ref().is_some_and(|s| {
            s.code == chosen.code
                && s.profile.family == family
                && s.already_refused == refused.len() as u32
        }) {
            return;
        }
        // Codes this radio already refused are out of the plan, but count.
        let codes: Vec<Code> = o
            .candidates
            .iter()
            .map(|c| c.code)
            .filter(|c| !refused.contains(c))
            .collect();
        let already = refused.len() as u32;
        self.simulator =
            profile_for(family).map(|p| Simulator::new(p, chosen.code, &codes, already));
    }

    /// Applies one message; the panes' text is then worked out again, so a
    /// frame only draws it.
    pub fn update(&mut self, msg: Msg) -> Effect {
        let effect = self.apply(msg);
        let made = crate::files::take_created();
        if let Some(dir) = made.first() {
            let said = self
                .notice
                .take()
                .map(|n| format!("; {n}"))
                .unwrap_or_default();
            self.notice = Some(format!(
                "made the folder {} for the records{said}",
                crate::files::shown(dir)
            ));
        }
        self.prepared = super::ui::prepare(self);
        let screen = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
        let pane = super::ui::layout_for(self, screen).and_then(|a| a.photo);
        self.photo
            .fit(pane.map(|r| ratatui::widgets::Block::bordered().inner(r)));
        effect
    }

    fn apply(&mut self, msg: Msg) -> Effect {
        if !matches!(
            msg,
            Msg::Resize(..) | Msg::Tick(_) | Msg::Records(_) | Msg::Reconnect | Msg::KeyAt(..)
        ) {
            self.notice = None;
        }
        match msg {
            Msg::Quit => return Effect::Quit,
            Msg::Interrupt => return Effect::Interrupted,
            Msg::Suspend => return Effect::Suspend,
            Msg::FocusNext => self.move_focus(1),
            Msg::FocusPrev => self.move_focus(-1),
            Msg::Focus(f) => self.focus = f,
            Msg::BrandNext => self.set_brand((self.brand + 1) % BRANDS.len()),
            Msg::BrandPrev => self.set_brand((self.brand + BRANDS.len() - 1) % BRANDS.len()),
            Msg::SelectBrand(i) => self.set_brand(i.min(BRANDS.len() - 1)),
            Msg::Edit(req) => {
                if self.input.handle(req).is_some_and(|changed| changed.value) {
                    self.serial_origin = None;
                    self.revalidate();
                }
            }
            Msg::Photo(msg) => self.on_photo(msg),
            Msg::KeyAt(key, at) => self.on_scan_key(key, at),
            Msg::EnterCode => self.open_code_entry(),
            Msg::Entry(msg) => {
                if let Overlay::CodeFromElsewhere(entry) = &mut self.overlay
                    && let Some(c) = entry.update(msg)
                {
                    self.take_entered(c);
                }
            }
            Msg::ConfirmAccept => {
                if let Overlay::ConfirmAccept(c) = std::mem::take(&mut self.overlay) {
                    self.write_try(c.job, c.tried);
                }
            }
            Msg::Copied(code, to) => {
                self.notice = Some(match to {
                    Copied::System => format!("copied {code} to the clipboard"),
                    Copied::Terminal => format!(
                        "sent {code} to the terminal's clipboard (OSC 52): it is there if the \
                         terminal allows it (tmux: set -g set-clipboard on)"
                    ),
                });
            }
            Msg::ScrollDecoder(by) => {
                let most = self.prepared.decoder_lines();
                self.decoder_scroll = self.decoder_scroll.saturating_add_signed(by).min(most);
            }
            Msg::ScrollFindings(by) => {
                let most = self.prepared.findings_lines();
                self.findings_scroll = self.findings_scroll.saturating_add_signed(by).min(most);
            }
            Msg::ClearSerial => {
                self.input = Input::default();
                self.serial_origin = None;
                self.revalidate();
                self.notice = Some("serial cleared: Esc again quits".into());
            }
            Msg::Paste(text) => self.on_paste(&text),
            Msg::CandidateNext => {
                if self.candidate_count() > 0 {
                    self.selected = (self.selected + 1).min(self.candidate_count() - 1);
                    self.rebuild_simulator();
                }
            }
            Msg::CandidatePrev => {
                self.selected = self.selected.saturating_sub(1);
                self.rebuild_simulator();
            }
            Msg::SelectCandidate(i) => {
                if i < self.candidate_count() {
                    self.selected = i;
                    self.rebuild_simulator();
                    return self.copy();
                }
            }
            Msg::GuideNext => self.with_simulator(Simulator::next_step),
            Msg::GuidePrev => self.with_simulator(Simulator::prev_step),
            Msg::ToggleMode => self.with_simulator(Simulator::toggle_mode),
            Msg::RadioPress(b) => self.with_simulator(|s| s.press(b)),
            Msg::RadioDown(b) => self.with_simulator(|s| s.down(b)),
            Msg::RadioRelease => self.with_simulator(Simulator::release),
            Msg::ToggleHold => self.with_simulator(Simulator::toggle_hold),
            Msg::FastForward(minutes) => self.with_simulator(|s| s.tick(minutes * 60_000)),
            Msg::BatteryDisconnected => self.with_simulator(Simulator::battery),
            Msg::ResetRadio => self.with_simulator(Simulator::reset),
            Msg::Tick(ms) => {
                if self.jobs.waited(ms) {
                    self.search_jobs();
                }
                self.with_simulator(|s| s.tick(ms));
            }
            Msg::Copy => return self.copy(),
            Msg::ToggleHelp => {
                self.overlay = match std::mem::take(&mut self.overlay) {
                    Overlay::Help => Overlay::None,
                    Overlay::None => Overlay::Help,
                    other => other,
                }
            }
            Msg::CloseOverlay => {
                if matches!(
                    self.overlay,
                    Overlay::JobForm(_) | Overlay::ConfirmAccept(_)
                ) {
                    self.notice = Some("nothing was recorded".to_string());
                }
                self.overlay = Overlay::None;
            }
            Msg::Resize(w, h) => self.size = (w, h),
            Msg::RecordTry(outcome) => self.record_try(outcome),
            Msg::Form(msg) => {
                if let Overlay::JobForm(form) = &mut self.overlay
                    && let Some(filled) = form.update(msg)
                {
                    self.start_job(filled);
                }
            }
            Msg::Records(event) => self.on_records(event),
            Msg::ShowDump => self.view = View::Dump,
            Msg::HideDump => self.view = View::Workbench,
            Msg::Dump(msg) => {
                if self.dump.update(msg, &self.session) {
                    self.refresh();
                    self.dump.show_first_code();
                }
            }
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
            Msg::Reconnect => {
                if self.wants_reconnect() {
                    self.reconnect();
                }
            }
            Msg::ShowJobs => {
                self.view = View::Jobs;
                self.search_jobs();
            }
            Msg::HideJobs => self.view = View::Workbench,
            Msg::Jobs(msg) => self.jobs.update(msg),
            Msg::Answer(answer) => self.on_answer(answer),
            Msg::OpenJob => {
                if let Some(job) = self.jobs.chosen().cloned() {
                    self.current_job = Some((job.id, job.serial.clone()));
                    self.last_try = job.attempts.last().map(|t| (t.code, t.outcome));
                    self.job_refused = job
                        .attempts
                        .iter()
                        .filter(|t| t.outcome == TryOutcome::Refused)
                        .map(|t| t.code)
                        .collect();
                    self.input = Input::new(job.serial.clone());
                    self.view = View::Workbench;
                    self.focus = Focus::Decoder;
                    self.revalidate();
                    self.notice = Some(format!("job {} ({})", job.id, job.vehicle));
                }
            }
        }
        Effect::None
    }

    fn record_try(&mut self, outcome: TryOutcome) {
        let Some(code) = self
            .outcome
            .as_ref()
            .and_then(|o| o.candidates.get(self.selected))
            .map(|c| c.code)
        else {
            self.notice = Some("choose a code first: there is none to record".to_string());
            return;
        };
        let tried = session::tried(self.outcome.as_ref(), code, outcome);
        let serial = self.serial_for_records();
        match &self.current_job {
            Some((job, for_serial)) if *for_serial == serial => {
                let job = *job;
                if outcome == TryOutcome::Accepted {
                    // It makes a confirmed code book entry: asked once.
                    self.overlay = Overlay::ConfirmAccept(ConfirmAccept { job, serial, tried });
                } else {
                    self.write_try(job, tried);
                }
            }
            _ => {
                self.overlay = Overlay::JobForm(Box::new(JobForm::new(tried)));
            }
        }
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
                self.current_job = Some((id, job.serial.clone()));
                self.last_try = None;
                self.job_refused.clear();
                self.overlay = Overlay::None;
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

    fn write_try(&mut self, job: i64, t: NewTry) {
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
                self.last_try = Some((code, outcome));
                if outcome == TryOutcome::Refused {
                    self.job_refused.push(code);
                }
                let selected = self.selected;
                // The job log changed: its refusals are read again.
                self.earlier_refused_for = None;
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
            .request_facts(&serial, self.job_on_screen().map(|(id, _)| id))
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

    /// Looks the serial on screen up again (the records may have changed),
    /// keeping the chosen code.
    fn refresh(&mut self) {
        self.earlier_refused_for = None;
        let selected = self.selected;
        self.revalidate();
        self.selected = selected.min(self.candidate_count().saturating_sub(1));
        self.rebuild_simulator();
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

    /// Tab order, skipping the keypad while there is no code to enter.
    fn move_focus(&mut self, by: isize) {
        let mut next = self.focus.step(by);
        if next == Focus::Keypad && self.simulator.is_none() {
            next = next.step(by);
        }
        self.focus = next;
    }

    fn with_simulator(&mut self, f: impl FnOnce(&mut Simulator)) {
        if let Some(sim) = &mut self.simulator {
            f(sim);
        }
    }

    fn set_brand(&mut self, i: usize) {
        if self.brand != i {
            self.brand = i;
            self.revalidate();
        }
    }

    fn copy(&mut self) -> Effect {
        match self.selected_code() {
            Some(code) => {
                // Said once the copy is made: where it went depends on the session.
                self.notice = Some(format!("copying {code}"));
                Effect::Copy(code)
            }
            None => {
                self.notice = Some("no code to copy".to_string());
                Effect::None
            }
        }
    }
}
