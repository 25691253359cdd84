//! Workbench state and the one place it changes: [`App::update`].

use tui_input::{Input, InputRequest};

use super::simulator::Simulator;
use crate::decode::{Code, CodeBook, Outcome, decode};
use crate::dump::{self, Dump, DumpCandidate, Model};
use crate::keypad::{Button, profile_for};
use crate::paper;
use crate::serial::{Family, FindingKind};
use crate::settings::Bench;
use crate::store::{
    self, DumpRecord, JobFilter, JobRow, LayoutRecord, NewJob, NewTry, Place, Records,
    RecordsEvent, TryOutcome,
};

/// The brand selector's choices, left to right: Auto-detect, then every family.
pub const BRANDS: [Option<Family>; crate::family::ALL.len() + 1] = brands();

const fn brands() -> [Option<Family>; crate::family::ALL.len() + 1] {
    let mut out = [None; crate::family::ALL.len() + 1];
    let mut i = 0;
    while i < crate::family::ALL.len() {
        out[i + 1] = Some(crate::family::ALL[i]);
        i += 1;
    }
    out
}

pub fn brand_name(brand: Option<Family>) -> &'static str {
    brand.map_or("Auto-detect", Family::name)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Brand,
    Serial,
    Decoder,
    Keypad,
}

impl Focus {
    const ORDER: [Focus; 4] = [Focus::Brand, Focus::Serial, Focus::Decoder, Focus::Keypad];

    fn step(self, by: isize) -> Focus {
        let i = Focus::ORDER.iter().position(|f| *f == self).unwrap_or(0) as isize;
        let n = Focus::ORDER.len() as isize;
        Focus::ORDER[(i + by).rem_euclid(n) as usize]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help,
    /// Asking for the vehicle and proof of ownership before a first try is logged.
    JobForm,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Workbench,
    Jobs,
    /// A chip dump read from a file, with the codes its layouts give.
    Dump,
}

/// The chip dump pane: a file path typed or pasted, and what was read.
#[derive(Clone, Debug, Default)]
pub struct DumpView {
    pub path: Input,
    pub reading: Option<DumpReading>,
    pub error: Option<String>,
    /// The first hex row shown.
    pub scroll: usize,
}

/// A loaded dump and what its layouts give for the unit on screen.
#[derive(Clone, Debug)]
pub struct DumpReading {
    pub file: String,
    pub dump: Dump,
    /// The unit the serial on screen names, when it is a Blaupunkt or Becker.
    pub model: Option<Model>,
    pub candidates: Vec<DumpCandidate>,
    pub notes: Vec<String>,
    /// The file offsets of the candidates' bytes, highlighted in the hex view.
    pub marked: Vec<usize>,
    /// The recorded dumps and imported layouts the layouts are learned from.
    known: (Vec<DumpRecord>, Vec<LayoutRecord>),
}

impl DumpReading {
    /// Reads the dump through the layouts of `model`.
    fn read_for(&mut self, model: Option<Model>) {
        let (layouts, mut notes) = match &model {
            Some(m) => dump::layouts_for(m, &self.known.0, &self.known.1),
            None => (
                Vec::new(),
                vec![
                    "type the radio's Blaupunkt or Becker serial on the workbench: its unit \
                     says which layout reads this dump"
                        .to_string(),
                ],
            ),
        };
        let (candidates, why) = dump::read_codes(&self.dump, &layouts);
        notes.extend(why);
        self.marked = candidates
            .iter()
            .flat_map(|c| self.dump.spot_bytes(c.spot()))
            .collect();
        self.model = model;
        self.candidates = candidates;
        self.notes = notes;
    }
}

/// The little form that starts a job: who the radio belongs to.
#[derive(Clone, Debug)]
pub struct JobForm {
    pub vehicle: Input,
    pub proof: Input,
    pub notes: Input,
    /// 0: vehicle, 1: proof, 2: notes.
    pub field: usize,
    pub code: Code,
    pub outcome: TryOutcome,
    pub error: Option<String>,
    /// The job's identity, kept across a retry so it is started once.
    uid: String,
    /// The try to record once the job is started.
    tried: NewTry,
}

impl JobForm {
    pub const FIELDS: usize = 3;

    pub fn active(&self) -> &Input {
        match self.field {
            0 => &self.vehicle,
            1 => &self.proof,
            _ => &self.notes,
        }
    }

    fn active_mut(&mut self) -> &mut Input {
        match self.field {
            0 => &mut self.vehicle,
            1 => &mut self.proof,
            _ => &mut self.notes,
        }
    }
}

/// The job log, searched by serial or registration.
#[derive(Clone, Debug, Default)]
pub struct JobsView {
    pub search: Input,
    pub rows: Vec<JobRow>,
    pub selected: usize,
    pub error: Option<String>,
}

/// Everything that can happen to the workbench.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Quit,
    Suspend,
    FocusNext,
    FocusPrev,
    Focus(Focus),
    BrandNext,
    BrandPrev,
    SelectBrand(usize),
    Edit(InputRequest),
    Paste(String),
    CandidateNext,
    CandidatePrev,
    SelectCandidate(usize),
    Copy,
    ToggleHelp,
    CloseOverlay,
    Resize(u16, u16),
    /// The radio accepted or refused the selected code.
    RecordTry(TryOutcome),
    FormEdit(InputRequest),
    FormNextField,
    FormPrevField,
    FormSubmit,
    ShowJobs,
    HideJobs,
    JobsSearch(InputRequest),
    JobNext,
    JobPrev,
    /// Back to the workbench with the selected job's serial.
    OpenJob,
    GuideNext,
    GuidePrev,
    /// Between the guide and the practice radio.
    ToggleMode,
    RadioPress(Button),
    RadioDown(Button),
    RadioRelease,
    ToggleHold,
    FastForward(u64),
    BatteryDisconnected,
    ResetRadio,
    /// Real time passed (milliseconds).
    Tick(u64),
    /// The shared records changed, went away or came back.
    Records(RecordsEvent),
    /// Try the records again: the server answers but this bench lost it.
    Reconnect,
    ShowDump,
    HideDump,
    DumpPathEdit(InputRequest),
    /// Read the file whose path is typed.
    LoadDump,
    /// Scroll the hex view by rows.
    DumpScroll(isize),
    /// Write the selected job's card (jobs view).
    WriteCard,
    /// Write the request sheet for the serial on screen.
    WriteRequest,
}

/// What the terminal loop must do after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    /// Hand the terminal back and stop until the shell continues us (Ctrl-Z).
    Suspend,
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
}

pub struct App {
    pub focus: Focus,
    pub brand: usize,
    pub input: Input,
    /// The decoded input; `None` while the input is empty.
    pub outcome: Option<Outcome>,
    pub selected: usize,
    pub overlay: Overlay,
    /// A one-line notice in the status bar, e.g. what was copied.
    pub notice: Option<String>,
    pub size: (u16, u16),
    pub color: bool,
    pub view: View,
    pub form: Option<JobForm>,
    pub jobs: JobsView,
    pub dump: DumpView,
    /// The job being worked on: its number and the serial it is for.
    pub current_job: Option<(i64, String)>,
    /// The last try recorded on the current job.
    pub last_try: Option<(Code, TryOutcome)>,
    /// Codes the radio of the current job has refused, in order.
    job_refused: Vec<Code>,
    /// The keypad panel for the chosen code, when there is one.
    pub simulator: Option<Simulator>,
    /// Why the records cannot be reached, while they cannot.
    pub records_offline: Option<String>,
    /// A try the records did not confirm: written when they are back.
    pub pending_try: Option<(i64, NewTry)>,
    /// What the server's watcher last said: it answers.
    server_answers: bool,
    book: Box<dyn CodeBook>,
    /// The job log and code book, once open; it answers lookups when present.
    store: Option<Box<dyn Records>>,
    /// Where the records are, to open them for writing.
    place: Option<Place>,
    /// This bench and its branch, recorded on each job.
    bench: Bench,
    /// The panes' text for this state, worked out by each update.
    pub prepared: crate::tui::ui::Prepared,
}

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
            form: None,
            jobs: JobsView::default(),
            dump: DumpView::default(),
            current_job: None,
            last_try: None,
            job_refused: Vec::new(),
            simulator: None,
            records_offline: None,
            pending_try: None,
            server_answers: true,
            book,
            store: None,
            place: None,
            bench: Bench::default(),
            prepared: Default::default(),
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
        self.store = store;
        self.place = place;
        self.bench = bench;
        self.revalidate();
        self
    }

    pub fn brand(&self) -> Option<Family> {
        BRANDS[self.brand]
    }

    /// The family whose label diagram is shown: the chosen brand, else the
    /// family the typed serial has the shape of.
    pub fn shown_family(&self) -> Option<Family> {
        let d = self.outcome.as_ref().map(|o| &o.diagnosis);
        // A part number was typed: the serial is on the same Blaupunkt label.
        let part_number =
            d.is_some_and(|d| d.findings.iter().any(|f| f.kind == FindingKind::PartNumber));
        self.brand()
            .or_else(|| d.and_then(|d| d.family))
            .or(part_number
                .then(crate::family::part_number_family)
                .flatten())
    }

    pub fn selected_code(&self) -> Option<String> {
        self.outcome
            .as_ref()
            .and_then(|o| o.candidates.get(self.selected))
            .map(|c| c.code.to_string())
    }

    fn candidate_count(&self) -> usize {
        self.outcome.as_ref().map_or(0, |o| o.candidates.len())
    }

    /// Re-reads the input: validation and candidates live here, never in render.
    fn revalidate(&mut self) {
        let text = self.input.value();
        // Offline, the seeded public pairs answer beside the algorithms.
        let book: &dyn CodeBook = match &self.store {
            Some(store) if self.records_offline.is_none() => store.as_ref(),
            _ => self.book.as_ref(),
        };
        self.outcome = if text.trim().is_empty() {
            None
        } else {
            Some(decode(text, self.brand(), book))
        };
        // A loaded chip dump is read through the layouts of the unit on screen.
        let model = self
            .outcome
            .as_ref()
            .and_then(|o| o.diagnosis.serial.as_deref())
            .and_then(|s| Model::from_serial(s).ok());
        if let Some(reading) = &mut self.dump.reading {
            if reading.model != model {
                reading.read_for(model);
            }
            if let Some(o) = &mut self.outcome {
                let joined: Vec<_> = reading
                    .candidates
                    .iter()
                    .map(DumpCandidate::candidate)
                    .collect();
                o.join_chip_dump(&joined);
            }
        }
        self.selected = 0;
        self.rebuild_simulator();
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

    /// Whether the loop should send real-time ticks.
    pub fn wants_ticks(&self) -> bool {
        self.simulator.as_ref().is_some_and(Simulator::wants_ticks)
    }

    /// Applies one message; the panes' text is then worked out again, so a
    /// frame only draws it.
    pub fn update(&mut self, msg: Msg) -> Effect {
        let effect = self.apply(msg);
        self.prepared = crate::tui::ui::prepare(self);
        effect
    }

    fn apply(&mut self, msg: Msg) -> Effect {
        if !matches!(
            msg,
            Msg::Resize(..) | Msg::Tick(_) | Msg::Records(_) | Msg::Reconnect
        ) {
            self.notice = None;
        }
        match msg {
            Msg::Quit => return Effect::Quit,
            Msg::Suspend => return Effect::Suspend,
            Msg::FocusNext => self.move_focus(1),
            Msg::FocusPrev => self.move_focus(-1),
            Msg::Focus(f) => self.focus = f,
            Msg::BrandNext => self.set_brand((self.brand + 1) % BRANDS.len()),
            Msg::BrandPrev => self.set_brand((self.brand + BRANDS.len() - 1) % BRANDS.len()),
            Msg::SelectBrand(i) => self.set_brand(i.min(BRANDS.len() - 1)),
            Msg::Edit(req) => {
                if self.input.handle(req).is_some_and(|changed| changed.value) {
                    self.revalidate();
                }
            }
            Msg::Paste(text) => {
                // A pasted line end is not part of the text; anything else is kept
                // (and flagged if it does not belong). It goes where the typing goes.
                let text = text.trim_end_matches(['\r', '\n']);
                let insert = |input: &mut Input| {
                    for c in text.chars() {
                        input.handle(InputRequest::InsertChar(c));
                    }
                };
                if let (Overlay::JobForm, Some(form)) = (self.overlay, &mut self.form) {
                    insert(form.active_mut());
                } else if self.view == View::Jobs {
                    insert(&mut self.jobs.search);
                    self.search_jobs();
                } else if self.view == View::Dump {
                    insert(&mut self.dump.path);
                } else {
                    insert(&mut self.input);
                    self.focus = Focus::Serial;
                    self.revalidate();
                }
            }
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
            Msg::Tick(ms) => self.with_simulator(|s| s.tick(ms)),
            Msg::Copy => return self.copy(),
            Msg::ToggleHelp => {
                self.overlay = match self.overlay {
                    Overlay::Help => Overlay::None,
                    Overlay::None => Overlay::Help,
                    Overlay::JobForm => Overlay::JobForm,
                }
            }
            Msg::CloseOverlay => {
                if self.overlay == Overlay::JobForm {
                    self.notice = Some("nothing was recorded".to_string());
                }
                self.overlay = Overlay::None;
                self.form = None;
            }
            Msg::Resize(w, h) => self.size = (w, h),
            Msg::RecordTry(outcome) => self.record_try(outcome),
            Msg::FormEdit(req) => {
                if let Some(form) = &mut self.form {
                    form.active_mut().handle(req);
                }
            }
            Msg::FormNextField => {
                if let Some(form) = &mut self.form {
                    form.field = (form.field + 1) % JobForm::FIELDS;
                }
            }
            Msg::FormPrevField => {
                if let Some(form) = &mut self.form {
                    form.field = (form.field + JobForm::FIELDS - 1) % JobForm::FIELDS;
                }
            }
            Msg::FormSubmit => self.submit_form(),
            Msg::Records(event) => self.on_records(event),
            Msg::ShowDump => self.view = View::Dump,
            Msg::HideDump => self.view = View::Workbench,
            Msg::DumpPathEdit(req) => {
                self.dump.path.handle(req);
            }
            Msg::LoadDump => self.load_dump(),
            Msg::WriteCard => {
                if let Some(job) = self.jobs.rows.get(self.jobs.selected) {
                    let doc = paper::job_card(job, self.bench.garage.as_deref());
                    let name = format!("job-{}-card.html", job.id);
                    self.write_document(&name, &doc.render(paper::Format::Html));
                } else {
                    self.notice = Some("no job chosen: there is no card to write".into());
                }
            }
            Msg::WriteRequest => self.write_request(),
            Msg::DumpScroll(by) => {
                let rows = self
                    .dump
                    .reading
                    .as_ref()
                    .map_or(0, |r| r.dump.bytes.len().div_ceil(16));
                self.dump.scroll = self
                    .dump
                    .scroll
                    .saturating_add_signed(by)
                    .min(rows.saturating_sub(1));
            }
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
            Msg::JobsSearch(req) => {
                if self.jobs.search.handle(req).is_some_and(|c| c.value) {
                    self.search_jobs();
                }
            }
            Msg::JobNext => {
                self.jobs.selected =
                    (self.jobs.selected + 1).min(self.jobs.rows.len().saturating_sub(1));
            }
            Msg::JobPrev => self.jobs.selected = self.jobs.selected.saturating_sub(1),
            Msg::OpenJob => {
                if let Some(job) = self.jobs.rows.get(self.jobs.selected).cloned() {
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

    /// The current job and its last try, when the job is for the serial on screen.
    pub fn job_on_screen(&self) -> Option<(i64, Option<(Code, TryOutcome)>)> {
        let (job, serial) = self.current_job.as_ref()?;
        (*serial == self.serial_for_records()).then_some((*job, self.last_try))
    }

    /// Codes already refused by the radio on screen (its current job).
    pub fn refused_on_screen(&self) -> &[Code] {
        match self.job_on_screen() {
            Some(_) => &self.job_refused,
            None => &[],
        }
    }

    /// The serial a try is recorded against: the normalised one when valid.
    fn serial_for_records(&self) -> String {
        self.outcome
            .as_ref()
            .and_then(|o| o.diagnosis.serial.as_deref())
            .unwrap_or_else(|| self.input.value().trim())
            .to_string()
    }

    fn record_try(&mut self, outcome: TryOutcome) {
        let Some(tried) = self
            .outcome
            .as_ref()
            .and_then(|o| o.candidates.get(self.selected))
            .map(|c| NewTry::new(c.code, outcome).from_candidate(c))
        else {
            self.notice = Some("choose a code first: there is none to record".to_string());
            return;
        };
        let code = tried.code;
        let serial = self.serial_for_records();
        match &self.current_job {
            Some((job, for_serial)) if *for_serial == serial => {
                let job = *job;
                self.write_try(job, tried);
            }
            _ => {
                self.form = Some(JobForm {
                    vehicle: Input::default(),
                    proof: Input::default(),
                    notes: Input::default(),
                    field: 0,
                    code,
                    outcome,
                    error: None,
                    uid: store::new_uid(),
                    tried,
                });
                self.overlay = Overlay::JobForm;
            }
        }
    }

    fn submit_form(&mut self) {
        let Some(form) = &mut self.form else { return };
        let vehicle = form.vehicle.value().trim().to_string();
        let proof = form.proof.value().trim().to_string();
        let notes = form.notes.value().trim().to_string();
        if vehicle.is_empty() || proof.is_empty() {
            form.error = Some(
                "both are needed: the registration or VIN, and the proof of ownership seen".into(),
            );
            form.field = usize::from(!vehicle.is_empty());
            return;
        }
        let (uid, tried) = (form.uid.clone(), form.tried.clone());
        let serial = self.serial_for_records();
        let job = NewJob {
            workstation: self.bench.workstation.clone(),
            branch: self.bench.branch.clone(),
            vehicle,
            ownership_proof: proof,
            serial: serial.clone(),
            notes,
            uid,
            serial_typed: self.input.value().to_string(),
        };
        match self.writable_store().and_then(|s| s.new_job(&job)) {
            Ok(id) => {
                self.current_job = Some((id, serial));
                self.last_try = None;
                self.job_refused.clear();
                self.overlay = Overlay::None;
                self.form = None;
                self.write_try(id, tried);
            }
            Err(e) => {
                // The form stays open with what was typed.
                if let Some(form) = &mut self.form {
                    form.error = Some(format!("could not start the job: {e:#}"));
                }
            }
        }
    }

    fn write_try(&mut self, job: i64, t: NewTry) {
        let (code, outcome) = (t.code, t.outcome);
        match self.writable_store().and_then(|s| s.record_try(job, &t)) {
            Ok(()) => {
                self.notice = Some(match outcome {
                    TryOutcome::Accepted => {
                        format!("job {job}: {code} accepted, now a confirmed book entry")
                    }
                    TryOutcome::Refused => format!("job {job}: {code} refused"),
                });
                self.pending_try = None;
                self.last_try = Some((code, outcome));
                if outcome == TryOutcome::Refused {
                    self.job_refused.push(code);
                }
                let selected = self.selected;
                self.revalidate();
                // Move on to the first code this radio has not refused yet.
                let untried = self.outcome.as_ref().and_then(|o| {
                    o.candidates
                        .iter()
                        .position(|c| !self.job_refused.contains(&c.code))
                });
                self.selected = untried
                    .unwrap_or(selected)
                    .min(self.candidate_count().saturating_sub(1));
                self.rebuild_simulator();
            }
            Err(e) if self.is_shared() => {
                // Kept with its identity: written once the server is back, never twice.
                self.notice = Some(format!(
                    "NOT recorded yet: job {job} {code} {}. It will be written when the records \
                     are back ({e:#})",
                    outcome.id()
                ));
                self.records_offline.get_or_insert_with(|| format!("{e:#}"));
                self.pending_try = Some((job, t));
            }
            Err(e) => self.notice = Some(format!("could not record the try: {e:#}")),
        }
    }

    /// Writes a document into the documents folder beside the records and
    /// says where.
    fn write_document(&mut self, name: &str, text: &str) {
        let dir = match &self.place {
            Some(p) => p.folder("documents"),
            None => std::path::PathBuf::from("."),
        };
        let path = dir.join(name);
        self.notice = Some(
            match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, text)) {
                Ok(()) => format!("wrote {}", path.display()),
                Err(e) => format!("could not write {}: {e}", path.display()),
            },
        );
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
        let store = self
            .store
            .as_deref()
            .filter(|_| self.records_offline.is_none());
        let refused = store
            .map(|s| paper::refused_for(s, &serial))
            .transpose()
            .unwrap_or_default()
            .unwrap_or_default();
        let job = match (store, self.job_on_screen()) {
            (Some(s), Some((id, _))) => s
                .jobs(&JobFilter::job(id))
                .ok()
                .and_then(|j| j.into_iter().next()),
            _ => None,
        };
        let doc = paper::request_sheet(
            &typed,
            job.as_ref().map(|j| j.vehicle.as_str()),
            job.as_ref().map(|j| j.ownership_proof.as_str()),
            &refused,
            self.bench.garage.as_deref(),
        );
        let name = format!("request-{serial}.html");
        self.write_document(&name, &doc.render(paper::Format::Html));
    }

    /// Reads the dump file whose path is typed; its codes join the decoder's.
    fn load_dump(&mut self) {
        let file = self.dump.path.value().trim().to_string();
        if file.is_empty() {
            self.dump.error = Some("type or paste the path of a dump file (.bin or .hex)".into());
            return;
        }
        let dump = match Dump::read_file(std::path::Path::new(&file)) {
            Ok(d) => d,
            Err(e) => {
                self.dump.error = Some(format!("{e:#}"));
                return;
            }
        };
        self.dump.error = None;
        let known = match &self.store {
            Some(s) if self.records_offline.is_none() => s
                .dumps(None)
                .and_then(|d| Ok((d, s.layouts()?)))
                .unwrap_or_else(|e| {
                    self.dump.error = Some(format!(
                        "the learned layouts cannot be read ({e:#}); only --layout reads work"
                    ));
                    (Vec::new(), Vec::new())
                }),
            _ => (Vec::new(), Vec::new()),
        };
        self.dump.reading = Some(DumpReading {
            file,
            dump,
            model: None,
            candidates: Vec::new(),
            notes: Vec::new(),
            marked: Vec::new(),
            known,
        });
        self.dump.scroll = 0;
        if let Some(r) = &mut self.dump.reading {
            r.read_for(None);
        }
        self.refresh();
        if let Some(first) = self.dump.reading.as_ref().and_then(|r| r.marked.first()) {
            self.dump.scroll = (first / 16).saturating_sub(2);
        }
    }

    /// Looks the serial on screen up again, keeping the chosen code.
    fn refresh(&mut self) {
        let selected = self.selected;
        self.revalidate();
        self.selected = selected.min(self.candidate_count().saturating_sub(1));
        self.rebuild_simulator();
    }

    /// True when the records are on a server shared with other benches.
    fn is_shared(&self) -> bool {
        matches!(self.place, Some(Place::Server(_)))
    }

    /// What a watched server said.
    fn on_records(&mut self, event: RecordsEvent) {
        match event {
            RecordsEvent::BookChanged(serial) => {
                let on_screen = self
                    .outcome
                    .as_ref()
                    .and_then(|o| o.diagnosis.serial.as_deref());
                if self.records_offline.is_none()
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
                self.server_answers = false;
                self.records_offline = Some(reason);
            }
            RecordsEvent::Online => {
                self.server_answers = true;
                self.reconnect();
            }
        }
    }

    /// True when the server answers but this bench's connection was lost:
    /// the loop asks for [`Msg::Reconnect`] now and then.
    pub fn wants_reconnect(&self) -> bool {
        self.server_answers && self.records_offline.is_some() && self.is_shared()
    }

    /// Opens the records again; a try waiting to be written is written.
    fn reconnect(&mut self) {
        let Some(place) = &self.place else { return };
        match store::open_reading(place) {
            Ok(store) => {
                self.store = store;
                self.records_offline = None;
                self.notice = Some("the records are back".to_string());
                self.refresh();
                if let Some((job, t)) = self.pending_try.take() {
                    self.write_try(job, t);
                }
            }
            Err(e) => self.records_offline = Some(format!("{e:#}")),
        }
    }

    /// The store, opened for writing (and created) on first use.
    fn writable_store(&mut self) -> anyhow::Result<&mut Box<dyn Records>> {
        if self.store.as_ref().is_none_or(|s| s.is_read_only()) || self.records_offline.is_some() {
            let Some(place) = &self.place else {
                anyhow::bail!("this workbench has no job log");
            };
            self.store = Some(store::open_writing(place)?);
        }
        match &mut self.store {
            Some(store) => Ok(store),
            None => anyhow::bail!("this workbench has no job log"),
        }
    }

    fn search_jobs(&mut self) {
        let search = self.jobs.search.value().trim().to_string();
        let found = match &self.store {
            Some(store) => store.jobs(&JobFilter {
                search: (!search.is_empty()).then_some(search),
                branch: None,
                ..JobFilter::default()
            }),
            None => Ok(Vec::new()),
        };
        match found {
            Ok(rows) => {
                self.jobs.rows = rows;
                self.jobs.error = None;
            }
            Err(e) => self.jobs.error = Some(format!("{e:#}")),
        }
        self.jobs.selected = self
            .jobs
            .selected
            .min(self.jobs.rows.len().saturating_sub(1));
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
                self.notice = Some(format!("copied {code} to the clipboard"));
                Effect::Copy(code)
            }
            None => {
                self.notice = Some("no code to copy".to_string());
                Effect::None
            }
        }
    }
}
