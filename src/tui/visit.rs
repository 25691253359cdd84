//! The questions of a customer's visit: which job a try goes on (a serial
//! already on file has earlier jobs: continue one, or start a new one), the
//! try itself, naming the job's vehicle and what follows, and a refusal
//! withdrawn when it was recorded by mistake. Answered in `visit_work`.

use crate::code::Code;
use crate::store::{JobRow, NewTry};

/// "The radio accepted (refused) it?", before the try is written.
#[derive(Clone, Debug)]
pub struct ConfirmTry {
    pub job: i64,
    pub vehicle: String,
    pub serial: String,
    pub tried: NewTry,
    /// What follows once it is written, one sentence a line.
    pub follows: Vec<String>,
    /// What on the job this answer contradicts: asked a second time.
    pub contradicts: Option<String>,
    /// The first yes was given to a question asked twice.
    pub once: bool,
}

impl ConfirmTry {
    /// The question's first line: "Job 1 (AB12 CDE): J727 refused 6586?"
    pub fn question(&self) -> String {
        format!(
            "Job {} ({}): {} {} {}?",
            self.job,
            crate::serial::echo_text(&self.vehicle, 24),
            self.serial,
            self.tried.outcome.id(),
            self.tried.code
        )
    }
}

/// What can happen in the list of a serial's earlier jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChooseMsg {
    Next,
    Prev,
    Take,
}

/// The serial has jobs on file: which one this try is for. The first
/// choice is a new job.
#[derive(Clone, Debug)]
pub struct ChooseJob {
    pub tried: NewTry,
    /// The serial's jobs, newest first.
    pub jobs: Vec<JobRow>,
    /// 0: a new job; n: `jobs[n - 1]`.
    pub selected: usize,
}

impl ChooseJob {
    /// The choice the workbench starts on: the newest job when it is
    /// still open and from today, else a new job.
    pub fn new(tried: NewTry, jobs: Vec<JobRow>) -> ChooseJob {
        let today = crate::store::At::now().day();
        let open_today = jobs
            .first()
            .is_some_and(|j| !j.is_unlocked() && j.created_at.day() == today);
        ChooseJob {
            tried,
            jobs,
            selected: usize::from(open_today),
        }
    }

    /// One line for each choice.
    pub fn lines(&self) -> Vec<String> {
        std::iter::once("a new job for this customer".to_string())
            .chain(self.jobs.iter().map(|j| j.visit_text(16)))
            .collect()
    }
}

/// "Withdraw the refusal of 6586 on job 1?"
#[derive(Clone, Debug)]
pub struct ConfirmWithdraw {
    pub job: i64,
    pub vehicle: String,
    pub code: Code,
    /// When it was recorded.
    pub at: String,
}
