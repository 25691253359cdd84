//! The little form that starts a job: who the radio belongs to, asked
//! before the first try on a radio is logged.

use tui_input::{Input, InputRequest};

use crate::decode::Code;
use crate::session::{self, JobNeeds};
use crate::store::{self, NewTry, TryOutcome};

/// The form's fields, top to bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Vehicle,
    Proof,
    Notes,
}

impl Field {
    const ORDER: [Field; 3] = [Field::Vehicle, Field::Proof, Field::Notes];

    /// Its row in the form.
    pub fn row(self) -> usize {
        Field::ORDER.iter().position(|f| *f == self).unwrap_or(0)
    }

    fn step(self, by: isize) -> Field {
        let n = Field::ORDER.len() as isize;
        Field::ORDER[(self.row() as isize + by).rem_euclid(n) as usize]
    }
}

/// What can happen in the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormMsg {
    Edit(InputRequest),
    Next,
    Prev,
    Submit,
}

/// What the technician filled in, once both needed fields are there.
pub struct Filled {
    pub vehicle: String,
    pub proof: String,
    pub notes: String,
    /// The job's identity, kept across a retry so it is started once.
    pub uid: String,
    /// The try to record once the job is started.
    pub tried: NewTry,
}

#[derive(Clone, Debug)]
pub struct JobForm {
    pub vehicle: Input,
    pub proof: Input,
    pub notes: Input,
    pub field: Field,
    pub code: Code,
    pub outcome: TryOutcome,
    pub error: Option<String>,
    uid: String,
    tried: NewTry,
}

impl JobForm {
    /// A new form for a job whose first try is `tried`.
    pub fn new(tried: NewTry) -> JobForm {
        JobForm {
            vehicle: Input::default(),
            proof: Input::default(),
            notes: Input::default(),
            field: Field::Vehicle,
            code: tried.code,
            outcome: tried.outcome,
            error: None,
            uid: store::new_uid(),
            tried,
        }
    }

    pub fn active(&self) -> &Input {
        match self.field {
            Field::Vehicle => &self.vehicle,
            Field::Proof => &self.proof,
            Field::Notes => &self.notes,
        }
    }

    pub fn active_mut(&mut self) -> &mut Input {
        match self.field {
            Field::Vehicle => &mut self.vehicle,
            Field::Proof => &mut self.proof,
            Field::Notes => &mut self.notes,
        }
    }

    /// Applies one message; `Submit` with both needed fields gives what was filled.
    pub fn update(&mut self, msg: FormMsg) -> Option<Filled> {
        match msg {
            FormMsg::Edit(req) => {
                self.active_mut().handle(req);
                // The complaint goes once what it asked for is there.
                if self.error.is_some()
                    && session::job_needs(self.vehicle.value(), self.proof.value()).is_none()
                {
                    self.error = None;
                }
            }
            FormMsg::Next => self.field = self.field.step(1),
            FormMsg::Prev => self.field = self.field.step(-1),
            FormMsg::Submit => return self.submit(),
        }
        None
    }

    fn submit(&mut self) -> Option<Filled> {
        let vehicle = self.vehicle.value().trim().to_string();
        let proof = self.proof.value().trim().to_string();
        if let Some(needs) = session::job_needs(&vehicle, &proof) {
            self.error = Some(JobNeeds::TEXT.into());
            self.field = match needs {
                JobNeeds::Vehicle => Field::Vehicle,
                JobNeeds::Proof => Field::Proof,
            };
            return None;
        }
        Some(Filled {
            vehicle,
            proof,
            notes: self.notes.value().trim().to_string(),
            uid: self.uid.clone(),
            tried: self.tried.clone(),
        })
    }
}
