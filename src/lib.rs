//! radiocode: unlock codes for Nissan car radios.
//!
//! Three floors, each using only the ones below it:
//! - the domain, which knows nothing of terminals: the radio families
//!   (`family`), reading a typed serial (`serial`), the codes and where they
//!   come from (`decode`, `code`), the units' keypads (`keypad`), chip dumps
//!   (`dump`), label photos (`label`) and the documents (`paper`);
//! - the records (`store`: a SQLite file or a PostgreSQL server) and one
//!   bench's work on them (`session`);
//! - the two shells, the command line (`cli`) and the workbench (`tui`),
//!   which call the floors below and never each other.

// Habits the code keeps, held by rule: bad input is an error with a
// message, never a panic; nothing half-done is left behind.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented,
    clippy::dbg_macro,
    unsafe_code
)]

// First: its macro is used by the modules below.
#[macro_use]
pub mod say;

pub mod advice;
pub mod cli;
pub mod code;
pub mod decode;
pub mod dump;
pub mod exit;
pub mod family;
pub mod files;
pub mod finding;
pub mod keypad;
pub mod label;
pub mod paper;
pub mod phone;
pub mod serial;
pub mod session;
pub mod settings;
pub mod store;
pub mod tui;
