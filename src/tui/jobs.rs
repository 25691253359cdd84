//! The job log view: searched by serial or registration. The search is
//! asked of the records once typing pauses, and its answer comes back as a
//! message: a slow server never holds the keys.

use tui_input::{Input, InputRequest};

use crate::store::{JobFilter, JobRow};

/// How long typing pauses before the search is asked (milliseconds).
pub const SEARCH_PAUSE_MS: u64 = 200;

/// What can happen in the jobs view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobsMsg {
    Search(InputRequest),
    Next,
    Prev,
}

#[derive(Clone, Debug, Default)]
pub struct JobsView {
    pub search: Input,
    pub rows: Vec<JobRow>,
    pub selected: usize,
    pub error: Option<String>,
    /// Milliseconds since the search was last typed, while it waits for a pause.
    paused: Option<u64>,
    /// The newest search asked; an older answer is not shown.
    asked: u64,
    /// True from a search asked until its answer.
    pub searching: bool,
}

impl JobsView {
    /// Applies one message; a changed search waits for typing to pause.
    pub fn update(&mut self, msg: JobsMsg) {
        match msg {
            JobsMsg::Search(req) => {
                if self.search.handle(req).is_some_and(|c| c.value) {
                    self.paused = Some(0);
                }
            }
            JobsMsg::Next => {
                self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
            }
            JobsMsg::Prev => self.selected = self.selected.saturating_sub(1),
        }
    }

    /// Text pasted into the search: one change, asked at once.
    pub fn paste(&mut self, text: &str) {
        super::paste::insert_text(&mut self.search, text);
    }

    /// True while typed text waits for its pause.
    pub fn wants_ticks(&self) -> bool {
        self.paused.is_some()
    }

    /// Time passed; true when typing has paused long enough to search.
    pub fn waited(&mut self, ms: u64) -> bool {
        let Some(paused) = &mut self.paused else {
            return false;
        };
        *paused = paused.saturating_add(ms);
        if *paused < SEARCH_PAUSE_MS {
            return false;
        }
        self.paused = None;
        true
    }

    /// The search to ask for what is typed, numbered as the newest.
    pub fn next_search(&mut self) -> (u64, JobFilter) {
        self.paused = None;
        self.asked += 1;
        self.searching = true;
        let search = self.search.value().trim().to_string();
        let filter = JobFilter {
            search: (!search.is_empty()).then_some(search),
            branch: None,
            ..JobFilter::default()
        };
        (self.asked, filter)
    }

    /// What the records found for search number `seq`; an older search's
    /// answer is dropped.
    pub fn found(&mut self, seq: u64, found: Result<Vec<JobRow>, String>) {
        if seq != self.asked {
            return;
        }
        self.searching = false;
        match found {
            Ok(rows) => {
                self.rows = rows;
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// No records to search: no jobs.
    pub fn nothing_to_search(&mut self) {
        self.paused = None;
        self.searching = false;
        self.rows.clear();
        self.error = None;
        self.selected = 0;
    }

    /// The chosen job.
    pub fn chosen(&self) -> Option<&JobRow> {
        self.rows.get(self.selected)
    }
}
