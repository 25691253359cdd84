//! The radio's front panel: unit profiles, the code-entry state machine, the
//! step-by-step guide and the try plan. No terminal code here.

mod guide;
mod profile;
mod radio;

pub use guide::{PlannedTry, Step, StepAction, guide, try_plan};
pub use profile::{
    Confirm, Gesture, Lockout, UnitProfile, WaitGrowth, minutes_text, profile_for, profiles,
};
pub use radio::{Button, Moment, Radio, RadioEvent, RadioState};
