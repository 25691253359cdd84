//! Workbench state and the one place it changes: [`App::update`].

use tui_input::{Input, InputRequest};

use crate::decode::{CodeBook, Outcome, decode};
use crate::serial::{Family, FindingKind};

/// The brand selector's choices, left to right.
pub const BRANDS: [Option<Family>; 5] = [
    None,
    Some(Family::Blaupunkt),
    Some(Family::Renault),
    Some(Family::Becker),
    Some(Family::Visteon),
];

pub fn brand_name(brand: Option<Family>) -> &'static str {
    brand.map_or("Auto-detect", Family::name)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Brand,
    Serial,
    Decoder,
}

impl Focus {
    const ORDER: [Focus; 3] = [Focus::Brand, Focus::Serial, Focus::Decoder];

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
}

/// Everything that can happen to the workbench.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Quit,
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
}

/// What the terminal loop must do after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
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
    book: Box<dyn CodeBook>,
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
            book,
        }
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
            .or(part_number.then_some(Family::Blaupunkt))
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
        self.outcome = if text.trim().is_empty() {
            None
        } else {
            Some(decode(text, self.brand(), self.book.as_ref()))
        };
        self.selected = 0;
    }

    pub fn update(&mut self, msg: Msg) -> Effect {
        if !matches!(msg, Msg::Resize(..)) {
            self.notice = None;
        }
        match msg {
            Msg::Quit => return Effect::Quit,
            Msg::FocusNext => self.focus = self.focus.step(1),
            Msg::FocusPrev => self.focus = self.focus.step(-1),
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
                // A pasted line end is not part of the serial; anything else is kept
                // (and flagged if it does not belong).
                let text = text.trim_end_matches(['\r', '\n']);
                for c in text.chars() {
                    self.input.handle(InputRequest::InsertChar(c));
                }
                self.focus = Focus::Serial;
                self.revalidate();
            }
            Msg::CandidateNext => {
                if self.candidate_count() > 0 {
                    self.selected = (self.selected + 1).min(self.candidate_count() - 1);
                }
            }
            Msg::CandidatePrev => self.selected = self.selected.saturating_sub(1),
            Msg::SelectCandidate(i) => {
                if i < self.candidate_count() {
                    self.selected = i;
                    return self.copy();
                }
            }
            Msg::Copy => return self.copy(),
            Msg::ToggleHelp => {
                self.overlay = match self.overlay {
                    Overlay::Help => Overlay::None,
                    Overlay::None => Overlay::Help,
                }
            }
            Msg::CloseOverlay => self.overlay = Overlay::None,
            Msg::Resize(w, h) => self.size = (w, h),
        }
        Effect::None
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
