//! The job log view: searched by serial or registration.

use tui_input::{Input, InputRequest};

use crate::store::{JobFilter, JobRow, Records};

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
}

impl JobsView {
    pub fn update(&mut self, msg: JobsMsg, records: Option<&dyn Records>) {
        match msg {
            JobsMsg::Search(req) => {
                if self.search.handle(req).is_some_and(|c| c.value) {
                    self.find(records);
                }
            }
            JobsMsg::Next => {
                self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
            }
            JobsMsg::Prev => self.selected = self.selected.saturating_sub(1),
        }
    }

    /// Text pasted into the search.
    pub fn paste(&mut self, text: &str, records: Option<&dyn Records>) {
        super::paste::insert_text(&mut self.search, text);
        self.find(records);
    }

    /// The chosen job.
    pub fn chosen(&self) -> Option<&JobRow> {
        self.rows.get(self.selected)
    }

    /// Looks the jobs up again for what is typed.
    pub fn find(&mut self, records: Option<&dyn Records>) {
        let search = self.search.value().trim().to_string();
        let found = match records {
            Some(records) => records.jobs(&JobFilter {
                search: (!search.is_empty()).then_some(search),
                branch: None,
                ..JobFilter::default()
            }),
            None => Ok(Vec::new()),
        };
        match found {
            Ok(rows) => {
                self.rows = rows;
                self.error = None;
            }
            Err(e) => self.error = Some(format!("{e:#}")),
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }
}
