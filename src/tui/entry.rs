//! A code from elsewhere: a Radio Pass card, a dealer, a code service, the
//! handbook.

use tui_input::{Input, InputRequest};

use crate::decode::{Candidate, Code, Confidence, Source};

/// Where a code typed in came from.
pub const ORIGINS: [&str; 4] = [
    "Radio Pass card",
    "Nissan dealer",
    "code service",
    "owner's manual",
];

/// What can happen in the code form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryMsg {
    Edit(InputRequest),
    NextOrigin,
    PrevOrigin,
    Submit,
}

/// The code form: four digits and where they came from.
#[derive(Clone, Debug, Default)]
pub struct CodeFromElsewhere {
    pub code: Input,
    /// Which of [`ORIGINS`].
    pub origin: usize,
    pub error: Option<String>,
}

impl CodeFromElsewhere {
    /// Applies one message; `Submit` with a valid code gives its candidate.
    pub fn update(&mut self, msg: EntryMsg) -> Option<Candidate> {
        match msg {
            EntryMsg::Edit(req) => {
                if self.code.handle(req).is_some_and(|c| c.value) {
                    self.error = None;
                }
            }
            EntryMsg::NextOrigin => self.origin = (self.origin + 1) % ORIGINS.len(),
            EntryMsg::PrevOrigin => {
                self.origin = (self.origin + ORIGINS.len() - 1) % ORIGINS.len();
            }
            EntryMsg::Submit => match Code::parse(self.code.value()) {
                Ok(code) => return Some(entered(code, ORIGINS[self.origin])),
                Err(e) => self.error = Some(e),
            },
        }
        None
    }
}

/// A code the technician typed in, with where it came from: the
/// technician's word, `likely` until a radio accepts it.
pub fn entered(code: Code, origin: &str) -> Candidate {
    Candidate {
        code,
        source: Source::Entered,
        confidence: Confidence::Likely,
        note: origin.to_string().into(),
    }
}
