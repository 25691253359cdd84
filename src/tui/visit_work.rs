//! The work of a customer's visit: settling the job a try goes on, asking
//! before it is written, and withdrawing a refusal recorded by mistake.
//! Part of [`App::update`](super::app).

use super::job_form::JobForm;
use super::state::{App, Overlay};
use super::visit::{ChooseJob, ChooseMsg, ConfirmTry, ConfirmWithdraw};
use crate::keypad::profile_for;
use crate::store::{JobRow, NewTry, TryOutcome};

impl App {
    /// The radio accepted or refused the chosen code: the job it goes on
    /// is settled, and the question asked, before anything is written.
    pub(super) fn record_try(&mut self, outcome: TryOutcome) {
        let Some(code) = self
            .outcome
            .as_ref()
            .and_then(|o| o.candidates.get(self.selected))
            .map(|c| c.code)
        else {
            self.notice = Some("choose a code first: there is none to record".to_string());
            return;
        };
        let tried = crate::session::tried(self.outcome.as_ref(), code, outcome);
        if let Some(job) = self.job_on_screen().cloned() {
            self.ask(&job, tried);
        } else if !self.earlier_jobs.is_empty() {
            self.overlay = Overlay::ChooseJob(ChooseJob::new(tried, self.earlier_jobs.clone()));
        } else {
            self.overlay = Overlay::JobForm(Box::new(JobForm::new(tried)));
        }
    }

    /// In the list of earlier jobs.
    pub(super) fn on_choose(&mut self, msg: ChooseMsg) {
        let Overlay::ChooseJob(choose) = &mut self.overlay else {
            return;
        };
        match msg {
            ChooseMsg::Next => choose.selected = (choose.selected + 1).min(choose.jobs.len()),
            ChooseMsg::Prev => choose.selected = choose.selected.saturating_sub(1),
            ChooseMsg::Take => {
                let Overlay::ChooseJob(choose) = std::mem::take(&mut self.overlay) else {
                    return;
                };
                match choose
                    .selected
                    .checked_sub(1)
                    .and_then(|i| choose.jobs.get(i))
                {
                    None => {
                        self.overlay = Overlay::JobForm(Box::new(JobForm::new(choose.tried)));
                    }
                    Some(job) => {
                        self.job = Some(job.clone());
                        self.ask(job, choose.tried);
                    }
                }
            }
        }
    }

    /// Asks before `tried` is written on `job`, saying what follows.
    fn ask(&mut self, job: &JobRow, tried: NewTry) {
        let serial = self.serial_for_records();
        let mut follows = Vec::new();
        let mut contradicts = None;
        match tried.outcome {
            TryOutcome::Accepted => {
                follows.push(format!(
                    "It becomes a CONFIRMED code book entry for {serial}."
                ));
            }
            TryOutcome::Refused => {
                let nth = self.refused_on_screen().len() as u32 + 1;
                let family = self.outcome.as_ref().and_then(|o| o.diagnosis.family);
                if let Some(p) = family.and_then(profile_for) {
                    follows.push(match (p.hard_limit(), p.wait_after(nth)) {
                        (Some(limit), _) if nth >= limit => format!(
                            "It is refusal {nth}: by the {} rule the radio now locks for good.",
                            p.name
                        ),
                        (_, Some(minutes)) => format!(
                            "It is refusal {nth}: a {} wait starts now, with the radio kept on.",
                            crate::keypad::minutes_text(minutes)
                        ),
                        _ => format!(
                            "It is refusal {nth}; after it, {}.",
                            p.refusals_left_text(nth)
                                .unwrap_or_else(|| "no wait is known".into())
                        ),
                    });
                }
                if tried.refuses_a_sure_code() {
                    follows.push(format!(
                        "{} is {}: a refusal marks this radio {}.",
                        tried.code,
                        tried.confidence_text(),
                        crate::advice::SUSPECTED
                    ));
                }
                if let Some(a) = job.standing().find(|a| a.outcome == TryOutcome::Accepted) {
                    contradicts = Some(format!(
                        "Job {} already has {} accepted: the radio took a code on this job. \
                         Record a refusal all the same?",
                        job.id, a.code
                    ));
                }
            }
        }
        self.overlay = Overlay::ConfirmTry(ConfirmTry {
            job: job.id,
            vehicle: job.vehicle.clone(),
            serial,
            tried,
            follows,
            contradicts,
            once: false,
        });
    }

    /// Yes to the question open.
    pub(super) fn on_yes(&mut self) {
        match std::mem::take(&mut self.overlay) {
            Overlay::ConfirmTry(mut c) => {
                if c.contradicts.is_some() && !c.once {
                    // Asked twice: the second question says what it contradicts.
                    c.once = true;
                    self.overlay = Overlay::ConfirmTry(c);
                } else {
                    self.write_try(c.job, c.tried);
                }
            }
            Overlay::ConfirmWithdraw(w) => self.withdraw(&w),
            other => self.overlay = other,
        }
    }

    /// Asks to withdraw the last refusal standing on the job on screen.
    pub(super) fn ask_withdraw(&mut self) {
        let Some(job) = self.job_on_screen() else {
            self.notice = Some(
                "no job open for this serial: open it with F2 to withdraw one of its tries".into(),
            );
            return;
        };
        let Some(a) = job
            .standing()
            .filter(|a| a.outcome == TryOutcome::Refused)
            .last()
        else {
            self.notice = Some(format!("job {} has no refusal to withdraw", job.id));
            return;
        };
        self.overlay = Overlay::ConfirmWithdraw(ConfirmWithdraw {
            job: job.id,
            vehicle: job.vehicle.clone(),
            code: a.code,
            at: a.at.shown(),
        });
    }

    fn withdraw(&mut self, w: &ConfirmWithdraw) {
        match self
            .session
            .withdraw_refusal(w.job, w.code, "taken back at the workbench")
        {
            Ok(_) => {
                self.refresh();
                self.notice = Some(format!(
                    "job {}: the refusal of {} is withdrawn; it stays in the log, marked",
                    w.job, w.code
                ));
            }
            Err(e) => {
                self.notice = Some(format!("nothing was withdrawn: {e:#}"));
            }
        }
    }
}
