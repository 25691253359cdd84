//! The advice radiocode gives a technician, each piece worded once and
//! used by every place that gives it: the decoder, the keypad, the command
//! line, the job card and the request sheet.

use std::fmt::Display;

/// The flag on a radio that refused a code radiocode was sure of.
pub const SUSPECTED: &str = "SUSPECTED RE-CODED OR SWAPPED";

/// The same, said as a sentence.
pub const RECODED_SENTENCE: &str = "A refused correct code can mean a swapped or re-coded radio.";

/// What a re-coded or swapped radio is, for the documents.
pub const RECODED_NOTICE: &str = "A radio that was re-coded (given a new code by a previous \
                                  owner, a dealer or a repairer) or swapped from another car \
                                  will not take the code of its original serial.";

/// Never clear a wait by disconnecting the battery.
pub const BATTERY: &str = "Never disconnect the battery to clear a wait: it restarts it.";

/// What to check first when a radio refuses a code it should take.
pub const CHECK_THE_RADIO: &str = "Check the serial on the radio itself";

/// The flag, with the code refused and how sure radiocode was of it.
pub fn suspected(code: impl Display, confidence: impl Display, whence: impl Display) -> String {
    format!("{SUSPECTED}: the radio refused {code}, a {confidence} code ({whence}).")
}

/// The flag for a radio seen again, with the job where it refused.
pub fn suspected_on_job(
    job: i64,
    code: impl Display,
    confidence: impl Display,
    source: impl Display,
) -> String {
    format!(
        "{SUSPECTED}: on job {job} this radio refused {code}, a {confidence} code ({source}). \
         {CHECK_THE_RADIO}; a re-coded radio does not take its original code"
    )
}

/// What to do after a refused code: the same words in the decoder and on
/// the command line.
pub const AFTER_A_REFUSAL: &str = "Check the serial was read right; a swapped or re-coded radio \
                                   refuses a correct code. Keep the radio switched on through \
                                   any wait: disconnecting the battery restarts it.";

/// A code refused on a job ("Job 1 (AB12 CDE)"), and what to do next.
pub fn refused_on_job(job: &str, code: impl Display) -> String {
    format!("{job}: {code} was refused. {AFTER_A_REFUSAL}")
}
