//! The one place the workbench's state changes: [`App::update`]. Each view
//! (jobs, chip dump, job form) has its own state and messages in a file of
//! its own; this file routes messages to them and keeps the workbench's own.

use tui_input::Input;

use super::dump_view::DumpView;
use super::entry::CodeFromElsewhere;
use super::jobs::JobsView;
use super::lookups::Lookups;
use super::photo::PhotoView;
use super::prepared::Prepared;
use super::simulator::Simulator;
use crate::decode::{Candidate, Code, CodeBook, decode};
use crate::keypad::profile_for;
use crate::session::{self, Session};
use crate::settings::Bench;
use crate::store::{Place, Records};

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
            job: None,
            earlier_jobs: Vec::new(),
            earlier_jobs_for: None,
            decoder_scroll: 0,
            findings_scroll: 0,
            simulator: None,
            pending: None,
            session: Session::without_records(book),
            prepared: Prepared::default(),
            photo: PhotoView::default(),
            serial_origin: None,
            lookups: Lookups::default(),
            help_scroll: 0,
            phone: None,
            photo_file: None,
            evidence_waiting: Vec::new(),
            said: None,
            quit_armed: false,
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
        if serial != self.earlier_jobs_for {
            self.earlier_jobs = match serial.as_deref().map(|s| self.session.jobs_for(s)) {
                Some(Ok(jobs)) => jobs,
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
            self.earlier_jobs_for = serial;
        }
        // Another radio on the bench: the job that was open is not its job.
        if self.job.is_some() && self.job_on_screen().is_none() {
            self.job = None;
        }
        // The job as the records hold it now.
        if let Some(id) = self.job.as_ref().map(|j| j.id)
            && let Some(newer) = self.earlier_jobs.iter().find(|j| j.id == id)
        {
            self.job = Some(newer.clone());
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
    pub(super) fn rebuild_simulator(&mut self) {
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
        let refused_at = self.refusal_times();
        if self.simulator.as_ref().is_some_and(|s| {
            s.code == chosen.code
                && s.profile.family == family
                && s.already_refused == refused.len() as u32
                && s.refused_at == refused_at
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
        self.simulator = profile_for(family).map(|p| Simulator {
            refused_at,
            ..Simulator::new(p, chosen.code, &codes, already)
        });
    }

    /// Applies one message; the panes' text is then worked out again, so a
    /// frame only draws it.
    pub fn update(&mut self, msg: Msg) -> Effect {
        let effect = self.apply(msg);
        if let Some(n) = &self.notice {
            self.said = Some(n.clone());
        }
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
        let passive = matches!(
            msg,
            Msg::Resize(..) | Msg::Tick(_) | Msg::Records(_) | Msg::Reconnect | Msg::Answer(_)
        );
        if !passive {
            self.notice = None;
        }
        // Only a second Esc, next, quits.
        let armed = std::mem::take(&mut self.quit_armed);
        if passive {
            self.quit_armed = armed;
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
            Msg::Scanned(text) => self.on_scanned(&text),
            msg @ (Msg::ShowPhone | Msg::PhonePhoto(_) | Msg::PhoneGone) => self.on_phone(msg),
            Msg::EnterCode => self.open_code_entry(),
            Msg::Entry(msg) => {
                if let Overlay::CodeFromElsewhere(entry) = &mut self.overlay
                    && let Some(c) = entry.update(msg)
                {
                    self.take_entered(c);
                }
            }
            msg @ (Msg::ClearSerial | Msg::EscOnEmpty | Msg::ScrollHelp(_)) => {
                return self.on_esc_and_help(msg, armed);
            }
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Tick(ms) => {
                if self.jobs.waited(ms) {
                    self.search_jobs();
                }
                self.with_simulator(|s| s.tick(ms));
            }
            Msg::ToggleHelp => {
                self.help_scroll = 0;
                self.overlay = match std::mem::take(&mut self.overlay) {
                    Overlay::Help => Overlay::None,
                    Overlay::None => Overlay::Help,
                    other => other,
                }
            }
            Msg::CloseOverlay => self.close_overlay(),
            Msg::Resize(w, h) => self.size = (w, h),
            msg @ (Msg::GuideNext
            | Msg::GuidePrev
            | Msg::ToggleMode
            | Msg::RadioPress(_)
            | Msg::RadioDown(_)
            | Msg::RadioRelease
            | Msg::ToggleHold
            | Msg::FastForward(_)
            | Msg::BatteryDisconnected
            | Msg::ResetRadio) => self.on_keypad_msg(msg),
            msg @ (Msg::Copied(..)
            | Msg::ScrollDecoder(_)
            | Msg::ScrollFindings(_)
            | Msg::CandidateNext
            | Msg::CandidatePrev
            | Msg::SelectCandidate(_)
            | Msg::Copy) => return self.on_decoder_msg(msg),
            msg @ (Msg::RecordTry(_)
            | Msg::Form(_)
            | Msg::Yes
            | Msg::Choose(_)
            | Msg::Withdraw
            | Msg::Records(_)
            | Msg::Reconnect
            | Msg::WriteCard
            | Msg::WriteRequest
            | Msg::ShowJobs
            | Msg::HideJobs
            | Msg::Jobs(_)
            | Msg::Answer(_)
            | Msg::OpenJob) => self.on_records_msg(msg),
            Msg::ShowDump => self.view = View::Dump,
            Msg::HideDump => self.view = View::Workbench,
            Msg::Dump(msg) => {
                if self.dump.update(msg, &self.session) {
                    self.refresh();
                    self.dump.show_first_code();
                }
            }
        }
        Effect::None
    }

    /// Esc in the serial (clear it, then quit when pressed again next), and
    /// the help's scrolling.
    fn on_esc_and_help(&mut self, msg: Msg, armed: bool) -> Effect {
        match msg {
            Msg::ClearSerial => {
                self.input = Input::default();
                self.serial_origin = None;
                self.revalidate();
                self.quit_armed = true;
                self.notice = Some("serial cleared: Esc again quits".into());
            }
            Msg::EscOnEmpty if armed => return Effect::Quit,
            Msg::EscOnEmpty => {
                self.quit_armed = true;
                self.notice = Some("Esc again quits (q quits from the other panes)".into());
            }
            Msg::ScrollHelp(by) => {
                // No further than the help is long at the narrowest.
                let most = 2 * crate::tui::keys::BINDINGS.len();
                self.help_scroll = self.help_scroll.saturating_add_signed(by).min(most);
            }
            _ => {}
        }
        Effect::None
    }

    /// Closes what is open; a question about the records says nothing
    /// was written.
    fn close_overlay(&mut self) {
        self.notice = match std::mem::take(&mut self.overlay) {
            Overlay::JobForm(_) | Overlay::ConfirmTry(_) | Overlay::ChooseJob(_) => {
                Some("nothing was recorded".to_string())
            }
            Overlay::ConfirmWithdraw(_) => Some("nothing was withdrawn".to_string()),
            Overlay::Phone => {
                // Closing the view closes the port.
                self.phone = None;
                Some("the phone page is closed".to_string())
            }
            _ => self.notice.take(),
        };
    }

    /// Looks the serial on screen up again (the records may have changed),
    /// keeping the chosen code.
    pub(super) fn refresh(&mut self) {
        self.earlier_jobs_for = None;
        let selected = self.selected;
        self.revalidate();
        self.selected = selected.min(self.candidate_count().saturating_sub(1));
        self.rebuild_simulator();
    }

    /// A message for the keypad panel's guide or practice radio.
    fn on_keypad_msg(&mut self, msg: Msg) {
        match msg {
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
            _ => {}
        }
    }

    /// A message for the decoder: the candidates, scrolling and copying.
    fn on_decoder_msg(&mut self, msg: Msg) -> Effect {
        match msg {
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
            Msg::CandidateNext if self.candidate_count() > 0 => {
                self.selected = (self.selected + 1).min(self.candidate_count() - 1);
                self.rebuild_simulator();
            }
            Msg::CandidatePrev => {
                self.selected = self.selected.saturating_sub(1);
                self.rebuild_simulator();
            }
            Msg::SelectCandidate(i) if i < self.candidate_count() => {
                self.selected = i;
                self.rebuild_simulator();
                return self.copy();
            }
            Msg::Copy => return self.copy(),
            _ => {}
        }
        Effect::None
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
