//! The keypad panel's state: the guide for the chosen code, and a practice
//! radio driven by the technician.

use crate::decode::Code;
use crate::keypad::{
    Button, Gesture, PlannedTry, Radio, RadioEvent, RadioState, Step, UnitProfile, guide, try_plan,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimMode {
    Guide,
    Practice,
}

#[derive(Clone, Debug)]
pub struct Simulator {
    pub profile: &'static UnitProfile,
    pub code: Code,
    pub steps: Vec<Step>,
    pub step: usize,
    pub mode: SimMode,
    pub radio: Radio,
    pub plan: Vec<PlannedTry>,
    /// The button held down, by keyboard toggle or mouse.
    pub held: Option<Button>,
    /// Codes this radio has already refused (from the job log).
    pub already_refused: u32,
    /// When each of those refusals was recorded, oldest first: a wait
    /// they started may be running now.
    pub refused_at: Vec<jiff::Timestamp>,
}

impl Simulator {
    /// `codes` are the candidates still to try, in order; `code` is the one
    /// to enter; `already_refused` counts the radio's refusals so far.
    pub fn new(
        profile: &'static UnitProfile,
        code: Code,
        codes: &[Code],
        already_refused: u32,
    ) -> Simulator {
        Simulator {
            profile,
            code,
            steps: guide(profile, code),
            step: 0,
            mode: SimMode::Guide,
            radio: Radio::new(profile, code),
            plan: try_plan(profile, codes, already_refused),
            held: None,
            already_refused,
            refused_at: Vec::new(),
        }
    }

    /// The wait the recorded refusals started that is running at `now`, said.
    pub fn recorded_wait(&self, now: jiff::Timestamp) -> Option<String> {
        self.profile.wait_running_text(&self.refused_at, now)
    }

    pub fn next_step(&mut self) {
        self.step = (self.step + 1).min(self.steps.len().saturating_sub(1));
    }

    pub fn prev_step(&mut self) {
        self.step = self.step.saturating_sub(1);
    }

    pub fn toggle_mode(&mut self) {
        self.mode = match self.mode {
            SimMode::Guide => SimMode::Practice,
            SimMode::Practice => SimMode::Guide,
        };
    }

    /// A fresh radio, just switched on.
    pub fn reset(&mut self) {
        self.radio = Radio::new(self.profile, self.code);
        self.held = None;
    }

    /// The button a hold goes to: 6 to get more tries on a relocked unit,
    /// else the confirm button.
    pub fn hold_button(&self) -> Option<Button> {
        if self.radio.state() == RadioState::Relocked {
            Some(Button::Preset(6))
        } else {
            Button::parse(&self.profile.confirm.button)
        }
    }

    pub fn confirm_is_hold(&self) -> bool {
        self.profile.confirm.gesture == Gesture::Hold
    }

    pub fn press(&mut self, b: Button) {
        self.release();
        self.radio.handle(RadioEvent::Press(b));
    }

    pub fn down(&mut self, b: Button) {
        self.release();
        self.held = Some(b);
        self.radio.handle(RadioEvent::Down(b));
    }

    pub fn release(&mut self) {
        if let Some(b) = self.held.take() {
            self.radio.handle(RadioEvent::Up(b));
        }
    }

    pub fn toggle_hold(&mut self) {
        if self.held.is_some() {
            self.release();
        } else if let Some(b) = self.hold_button() {
            self.down(b);
        }
    }

    pub fn tick(&mut self, ms: u64) {
        self.radio.handle(RadioEvent::Tick(ms));
        // The beep came: the technician lets go, and the bar goes.
        if self.radio.hold_done() {
            self.release();
        }
    }

    pub fn battery(&mut self) {
        self.held = None;
        self.radio.handle(RadioEvent::BatteryDisconnected);
    }

    /// Whether real time matters now: a hold or a timer is running.
    pub fn wants_ticks(&self) -> bool {
        self.recorded_wait(jiff::Timestamp::now()).is_some()
            || self.mode == SimMode::Practice
                && (self.held.is_some()
                    || matches!(
                        self.radio.state(),
                        RadioState::Idle { .. }
                            | RadioState::Error { .. }
                            | RadioState::Waiting { .. }
                    ))
    }

    /// The button the current guide step presses, to highlight it.
    pub fn guide_button(&self) -> Option<Button> {
        self.steps
            .get(self.step)
            .and_then(|s| s.button.as_deref())
            .and_then(Button::parse)
    }
}
