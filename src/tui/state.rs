//! The workbench's state: what the technician has typed and chosen, the
//! views and their own states, and the panes' text worked out for it. It
//! changes in one place, [`App::update`](super::app).

use tui_input::{Input, InputRequest};

use super::dump_view::{DumpMsg, DumpView};
use super::entry::{CodeFromElsewhere, EntryMsg};
use super::job_form::{FormMsg, JobForm};
use super::jobs::{JobsMsg, JobsView};
use super::photo::{PhotoMsg, PhotoView, SerialOrigin};
use super::prepared::Prepared;
use super::simulator::Simulator;
use super::visit::{ChooseJob, ConfirmTry, ConfirmWithdraw};
use crate::decode::{Candidate, Code, Outcome};
use crate::keypad::Button;
use crate::serial::{Family, FindingKind};
use crate::session::Session;
use crate::store::{JobRow, NewJob, NewTry, RecordsEvent, TryOutcome};

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

    pub(super) fn step(self, by: isize) -> Focus {
        let i = Focus::ORDER.iter().position(|f| *f == self).unwrap_or(0) as isize;
        let n = Focus::ORDER.len() as isize;
        Focus::ORDER[(i + by).rem_euclid(n) as usize]
    }
}

/// What is open over the workbench, with its own state: an overlay that
/// is closed has nothing left behind.
#[derive(Clone, Debug, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    /// Asking for the vehicle and proof of ownership before a first try is logged.
    JobForm(Box<JobForm>),
    /// A code from elsewhere: its digits and where it came from.
    CodeFromElsewhere(CodeFromElsewhere),
    /// "The radio accepted (or refused) it?", naming the job, before the
    /// try is written; asked twice where it contradicts the job.
    ConfirmTry(ConfirmTry),
    /// The serial has earlier jobs: continue one, or start a new one.
    ChooseJob(ChooseJob),
    /// Withdraw a refusal recorded by mistake?
    ConfirmWithdraw(ConfirmWithdraw),
    /// The path of a label photo to read (F5).
    PhotoPath(super::photo::PhotoAsk),
    /// The phone page's QR code and address (F6): served while open.
    Phone,
}

/// Which overlay is open, without its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverlayKind {
    None,
    Help,
    JobForm,
    CodeFromElsewhere,
    ConfirmTry,
    ChooseJob,
    ConfirmWithdraw,
    PhotoPath,
    Phone,
}

impl Overlay {
    pub fn kind(&self) -> OverlayKind {
        match self {
            Overlay::None => OverlayKind::None,
            Overlay::Help => OverlayKind::Help,
            Overlay::JobForm(_) => OverlayKind::JobForm,
            Overlay::CodeFromElsewhere(_) => OverlayKind::CodeFromElsewhere,
            Overlay::ConfirmTry(_) => OverlayKind::ConfirmTry,
            Overlay::ChooseJob(_) => OverlayKind::ChooseJob,
            Overlay::ConfirmWithdraw(_) => OverlayKind::ConfirmWithdraw,
            Overlay::PhotoPath(_) => OverlayKind::PhotoPath,
            Overlay::Phone => OverlayKind::Phone,
        }
    }

    /// True while something is open over the workbench.
    pub fn is_open(&self) -> bool {
        !matches!(self, Overlay::None)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Workbench,
    Jobs,
    /// A chip dump read from a file, with the codes its layouts give.
    Dump,
}

/// Everything that can happen to the workbench.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Quit,
    /// Ctrl-C: quit, with the status a shell gives an interrupted program.
    Interrupt,
    Suspend,
    FocusNext,
    FocusPrev,
    Focus(Focus),
    BrandNext,
    BrandPrev,
    SelectBrand(usize),
    Edit(InputRequest),
    /// Empty the serial field.
    ClearSerial,
    /// Esc on an empty serial: quits when said twice in a row.
    EscOnEmpty,
    /// Scroll the help by rows.
    ScrollHelp(isize),
    /// Scroll the decoder pane by rows.
    ScrollDecoder(isize),
    /// Scroll the findings under the serial by rows.
    ScrollFindings(isize),
    /// Where a copied code went.
    Copied(String, Copied),
    /// Open the form for a code from elsewhere.
    EnterCode,
    /// In that form.
    Entry(EntryMsg),
    /// Yes to the question open (the try, or the withdrawal).
    Yes,
    /// In the list of a serial's earlier jobs.
    Choose(super::visit::ChooseMsg),
    /// Withdraw the last refusal on the job on screen (recorded by mistake).
    Withdraw,
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
    /// In the form that starts a job.
    Form(FormMsg),
    ShowJobs,
    HideJobs,
    /// In the jobs view.
    Jobs(JobsMsg),
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
    /// In the chip dump view.
    Dump(DumpMsg),
    /// Write the selected job's card (jobs view).
    WriteCard,
    /// Write the request sheet for the serial on screen.
    WriteRequest,
    /// Reading a label photo.
    Photo(PhotoMsg),
    /// A barcode scanner's burst, taken whole: the serial it read.
    Scanned(String),
    /// Open the phone view and serve the phone page (F6).
    ShowPhone,
    /// A photo the phone sent, saved at this path: read it as F5 does.
    PhonePhoto(std::path::PathBuf),
    /// The phone page's time is over: the view closes.
    PhoneGone,
    /// What the records answered to a question asked off the keys' thread.
    Answer(super::lookups::Answer),
}

/// Where a copied code went: the system's clipboard (a local session), or
/// the terminal's, asked for with OSC 52 (over SSH, or with no clipboard).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Copied {
    System,
    Terminal,
}

/// A write the records could not take when it was made (the server away),
/// kept with its identity to be written once they are back, never twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    /// A try on a job the records have.
    Try(i64, NewTry),
    /// A new job, and the first try on it.
    Job(NewJob, NewTry),
}

impl Pending {
    /// The try waiting.
    pub fn tried(&self) -> &NewTry {
        match self {
            Pending::Try(_, t) | Pending::Job(_, t) => t,
        }
    }

    /// What waits, in words: "job 3 6586 refused", "the new job for J295
    /// and its try 7590 refused".
    pub fn what(&self) -> String {
        let t = self.tried();
        match self {
            Pending::Try(job, _) => format!("job {job} {} {}", t.code, t.outcome.id()),
            Pending::Job(job, _) => format!(
                "the new job for {} and its try {} {}",
                job.serial,
                t.code,
                t.outcome.id()
            ),
        }
    }
}

/// What the terminal loop must do after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    /// Quit as interrupted (Ctrl-C): status 130, as the signal gives.
    Interrupted,
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
    /// Codes typed in from elsewhere, by the serial they are for.
    pub(super) entered: Vec<(String, Candidate)>,
    pub jobs: JobsView,
    pub dump: DumpView,
    /// The job being worked on, as the records hold it; it goes when
    /// another serial is typed (a new radio on the bench).
    pub job: Option<JobRow>,
    /// Every job in the records for the serial on screen, newest first.
    pub earlier_jobs: Vec<JobRow>,
    /// The serial `earlier_jobs` was read for: the job log is asked once
    /// a serial, not on every key, and again after the records change.
    pub(super) earlier_jobs_for: Option<String>,
    /// The first decoder line shown, when its text is longer than the pane.
    pub decoder_scroll: usize,
    /// The first finding line shown under the serial.
    pub findings_scroll: usize,
    /// The keypad panel for the chosen code, when there is one.
    pub simulator: Option<Simulator>,
    /// A write the records did not confirm: written when they are back.
    pub pending: Option<Pending>,
    /// The records: the book that answers, the job log, where they are.
    pub session: Session,
    /// The panes' text for this state, worked out by each update.
    pub prepared: Prepared,
    /// The label photo being read or shown.
    pub photo: PhotoView,
    /// Where the serial in the field came from, when it was not typed.
    pub serial_origin: Option<SerialOrigin>,
    /// The last notice said, kept whole for the help to show.
    pub said: Option<String>,
    /// The first help line shown.
    pub help_scroll: usize,
    /// Esc was pressed on an empty serial (or cleared it): a second quits.
    pub(super) quit_armed: bool,
    /// The label photo being read now (F5 or the phone's), kept as
    /// evidence once it gives a serial.
    pub(super) photo_file: Option<std::path::PathBuf>,
    /// Label photos from the phone read while no job was open: kept on the
    /// next job started for the serial they hold.
    pub(super) evidence_waiting: Vec<crate::store::EvidenceRow>,
    /// The phone page, while the phone view is open.
    pub phone: Option<super::phone_view::PhoneLink>,
    /// The records read on a thread of their own.
    pub(super) lookups: super::lookups::Lookups,
}

impl App {
    pub fn brand(&self) -> Option<Family> {
        BRANDS[self.brand]
    }

    /// The form that starts a job, while it is open.
    pub fn form(&self) -> Option<&JobForm> {
        match &self.overlay {
            Overlay::JobForm(form) => Some(form),
            _ => None,
        }
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

    pub(super) fn candidate_count(&self) -> usize {
        self.outcome.as_ref().map_or(0, |o| o.candidates.len())
    }

    /// True when a scanner's burst can land: no form with text fields is
    /// open, so a scan is held and taken as a serial wherever the focus is
    /// (a question open is closed by it, unanswered: a scan's `y` is never
    /// a yes).
    pub fn takes_scans(&self) -> bool {
        matches!(
            self.overlay,
            Overlay::None
                | Overlay::Help
                | Overlay::ConfirmTry(_)
                | Overlay::ChooseJob(_)
                | Overlay::ConfirmWithdraw(_)
                | Overlay::Phone
        ) && matches!(self.view, View::Workbench | View::Jobs)
    }

    /// Whether the loop should send real-time ticks.
    pub fn wants_ticks(&self) -> bool {
        self.simulator.as_ref().is_some_and(Simulator::wants_ticks) || self.jobs.wants_ticks()
    }

    /// The current job, when it is for the serial on screen.
    pub fn job_on_screen(&self) -> Option<&JobRow> {
        self.job
            .as_ref()
            .filter(|j| j.serial == self.serial_for_records())
    }

    /// Codes already refused by the radio on screen, on any of its jobs
    /// (withdrawn refusals left out), oldest first.
    pub fn refused_on_screen(&self) -> Vec<Code> {
        let mut out: Vec<Code> = Vec::new();
        for a in self.refusals() {
            if !out.contains(&a.code) {
                out.push(a.code);
            }
        }
        out
    }

    /// Every standing refusal of the radio on screen, on any of its jobs
    /// (the job on screen once, though it is among them), oldest first.
    fn refusals(&self) -> Vec<&crate::store::Attempt> {
        let mut out: Vec<&crate::store::Attempt> = Vec::new();
        let jobs = self.earlier_jobs.iter().chain(self.job_on_screen());
        for a in jobs.flat_map(JobRow::standing) {
            if a.outcome == TryOutcome::Refused && !out.iter().any(|b| b.uid == a.uid) {
                out.push(a);
            }
        }
        out.sort_by_key(|a| a.at);
        out
    }

    /// When the radio on screen refused a code, on any of its jobs
    /// (withdrawn refusals left out), oldest first.
    pub fn refusal_times(&self) -> Vec<jiff::Timestamp> {
        self.refusals()
            .iter()
            .filter_map(|a| a.at.timestamp())
            .collect()
    }

    /// The serial a try is recorded against: the normalised one when valid.
    pub(super) fn serial_for_records(&self) -> String {
        let typed = self.input.value();
        match &self.outcome {
            Some(o) => o.diagnosis.kept(typed),
            None => typed.trim().to_string(),
        }
    }

    /// True when the server answers but this bench's connection was lost:
    /// the loop asks for [`Msg::Reconnect`] now and then.
    pub fn wants_reconnect(&self) -> bool {
        self.session.wants_reconnect()
    }
}
