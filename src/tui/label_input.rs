//! The serial from the label itself: a photo read (its serial put in the
//! field, marked), a USB barcode scanner's burst of keys, and text pasted.

use tui_input::Input;

use super::paste::{MAX_PASTE, insert_text};
use super::phone_view::PhoneLink;
use super::photo::{Done, PhotoAsk, PhotoMsg, SerialOrigin, photo_path};
use super::state::{App, Focus, Msg, Overlay, View};
use crate::phone::Answer;

impl App {
    /// A barcode scanner's burst, wherever the focus was: it replaces the
    /// serial, and its Enter does nothing else.
    pub(super) fn on_scanned(&mut self, text: &str) {
        // What was open goes, unanswered; the phone view stays served.
        let unanswered = matches!(
            self.overlay,
            Overlay::ConfirmTry(_) | Overlay::ChooseJob(_) | Overlay::ConfirmWithdraw(_)
        );
        if !matches!(self.overlay, Overlay::Phone) {
            self.overlay = Overlay::None;
        }
        self.view = View::Workbench;
        let text: String = text.trim().chars().take(MAX_PASTE).collect();
        self.input = Input::new(text.clone());
        self.revalidate();
        self.serial_origin = Some(SerialOrigin::Scanned);
        let valid = self
            .outcome
            .as_ref()
            .is_some_and(|o| o.diagnosis.serial.is_some());
        // A serial read goes on to its codes; one that is not, stays to be put right.
        self.focus = if valid { Focus::Decoder } else { Focus::Serial };
        self.notice = Some(format!(
            "scanned {}{}",
            crate::serial::echo_text(&text, 24),
            if unanswered {
                "; the question open was closed: nothing was recorded"
            } else {
                ""
            }
        ));
    }

    /// The phone view: opened (the page served), a photo from the phone
    /// read as F5 reads one, and closed when its time is over.
    pub(super) fn on_phone(&mut self, msg: Msg) {
        match msg {
            Msg::ShowPhone => {
                if self.phone.is_none() {
                    let folder = self
                        .session
                        .documents_folder()
                        .map(|d| d.join("phone"))
                        .unwrap_or_else(|| {
                            std::env::temp_dir()
                                .join(format!("radiocode-phone-{}", std::process::id()))
                        });
                    let bind = self.session.bench.phone_bind.clone();
                    match PhoneLink::open(bind.as_deref(), folder) {
                        Ok(link) => self.phone = Some(link),
                        Err(e) => {
                            self.notice = Some(format!("the phone page cannot be served: {e:#}"));
                            return;
                        }
                    }
                }
                self.overlay = Overlay::Phone;
            }
            Msg::PhonePhoto(path) => {
                self.notice = Some("a photo came from the phone: reading it".into());
                self.on_photo(PhotoMsg::ReadPath(path));
            }
            Msg::PhoneGone => {
                self.phone = None;
                if matches!(self.overlay, Overlay::Phone) {
                    self.overlay = Overlay::None;
                }
                self.notice =
                    Some("the phone page's ten minutes are over: F6 opens it again".into());
            }
            _ => {}
        }
    }

    /// What the phone page brought since last asked: a photo to read, or
    /// the end of its time.
    pub fn phone_news(&mut self) -> Option<Msg> {
        let link = self.phone.as_mut()?;
        if let Some(path) = link.next_photo() {
            return Some(Msg::PhonePhoto(path));
        }
        (!link.is_open()).then_some(Msg::PhoneGone)
    }

    /// A label photo read (F5 or the phone's) kept as evidence: on the job
    /// open for the serial on screen, else on the next job started for the
    /// serial it holds. The same photo twice is kept once.
    fn keep_label_photo(&mut self, photo: &std::path::Path, serial: Option<&str>) {
        let row = match crate::session::label_photo_row(photo, serial) {
            Ok(row) => row,
            Err(e) => {
                self.notice = Some(format!("the photo is not kept as evidence: {e}"));
                return;
            }
        };
        let said = self.notice.take().unwrap_or_default();
        let job = self.job_on_screen().map(|j| (j.id, j.evidence.clone()));
        self.notice = Some(match job {
            Some((job, kept)) if kept.iter().any(|e| e.sha256 == row.sha256) => {
                format!("{said}; job {job} has this photo already")
            }
            Some((job, _)) => match self.session.attach(job, std::slice::from_ref(&row)) {
                Ok(()) => {
                    // The job as the records hold it now, the photo on it.
                    self.earlier_jobs_for = None;
                    self.revalidate();
                    format!("{said}; kept on job {job} as its label photo")
                }
                Err(e) => format!("{said}; the photo is NOT kept on job {job}: {e:#}"),
            },
            None => {
                self.evidence_waiting.retain(|r| r.sha256 != row.sha256);
                self.evidence_waiting.push(row);
                format!("{said}; kept for the job this radio gets")
            }
        });
    }

    /// What the bench made of a photo, for the phone page waiting for it.
    fn answer_phone(&mut self, answer: Result<Answer, String>) -> bool {
        match self.phone.as_mut().filter(|p| p.is_waiting()) {
            Some(link) => {
                link.answer(answer);
                true
            }
            None => false,
        }
    }

    /// Reading a label photo: its serial goes into the field, marked.
    pub(super) fn on_photo(&mut self, msg: PhotoMsg) {
        let msg = match msg {
            PhotoMsg::Ask => {
                self.overlay = Overlay::PhotoPath(PhotoAsk::default());
                return;
            }
            PhotoMsg::PathEdit(req) => {
                if let Overlay::PhotoPath(ask) = &mut self.overlay
                    && ask.path.handle(req).is_some_and(|c| c.value)
                {
                    ask.error = None;
                }
                return;
            }
            PhotoMsg::PathPaste(text) => {
                if let Overlay::PhotoPath(ask) = &mut self.overlay {
                    insert_text(&mut ask.path, &text);
                    ask.error = None;
                }
                return;
            }
            PhotoMsg::Read => {
                let Overlay::PhotoPath(ask) = &mut self.overlay else {
                    return;
                };
                let typed = ask.path.value().to_string();
                if typed.trim().is_empty() {
                    // Said where the technician is looking; the dialog stays.
                    ask.error = Some("type or drop the photo's path first".to_string());
                    return;
                }
                self.overlay = Overlay::None;
                PhotoMsg::ReadTyped(typed)
            }
            PhotoMsg::Stop => {
                if matches!(self.overlay, Overlay::PhotoPath(_)) {
                    self.overlay = Overlay::None;
                }
                if self.photo.reading().is_some() {
                    self.answer_phone(Err("the reading was stopped at the bench".into()));
                }
                msg
            }
            PhotoMsg::ReadPath(_) | PhotoMsg::ReadTyped(_) => {
                self.photo_file = Some(match &msg {
                    PhotoMsg::ReadTyped(typed) => crate::session::typed_path(typed),
                    PhotoMsg::ReadPath(path) => path.clone(),
                    _ => std::path::PathBuf::new(),
                });
                if matches!(self.overlay, Overlay::PhotoPath(_)) {
                    self.overlay = Overlay::None;
                }
                msg
            }
            PhotoMsg::Poll => msg,
        };
        let done = self.photo.update(msg);
        self.took(done);
    }

    /// What a reading gave: said, the dialog back with its error, or the
    /// serial into the field; a phone waiting for it is told.
    fn took(&mut self, done: Done) {
        match done {
            Done::Nothing => {}
            Done::Said(text) => {
                self.answer_phone(Err(text.clone()));
                self.notice = Some(text);
            }
            Done::Failed(why, _) if self.answer_phone(Err(why.clone())) => {
                self.notice = Some(format!("the phone's photo could not be read: {why}"));
            }
            // A path typed in the dialog that did not give a photo: the
            // dialog comes back with it, and says why, to put it right.
            Done::Failed(why, Some(typed)) if !self.overlay.is_open() => {
                self.overlay = Overlay::PhotoPath(PhotoAsk {
                    path: Input::new(typed),
                    error: Some(why.clone()),
                });
                self.notice = Some(why);
            }
            Done::Failed(why, _) => self.notice = Some(why),
            Done::Read(reading) => {
                let from_phone = self.answer_phone(Ok(Answer::of(&reading)));
                self.took_reading(&reading, from_phone);
                if let Some(photo) = self.photo_file.take()
                    && reading.serial.is_some()
                {
                    self.keep_label_photo(&photo, reading.serial.as_deref());
                }
            }
        }
    }

    /// A photo read: its serial into the field, marked; none clears the
    /// radio before it.
    fn took_reading(&mut self, reading: &crate::label::Reading, from_phone: bool) {
        let Some(serial) = &reading.serial else {
            // The radio before this photo is not this photo's: its
            // serial goes, so no code stands as if read off it.
            let before = self.input.value().trim().to_string();
            self.input = Input::default();
            self.serial_origin = None;
            self.revalidate();
            self.focus = Focus::Serial;
            self.notice = Some(if before.is_empty() {
                "no serial read off the photo: type it from the label".into()
            } else {
                format!(
                    "no serial read off the photo: type it from the label ({} was the \
                     radio before, cleared)",
                    crate::serial::echo_text(&before, 20)
                )
            });
            return;
        };
        self.input = Input::new(serial.to_string());
        self.focus = Focus::Serial;
        self.revalidate();
        let (origin, photo): (fn(_) -> _, _) = if from_phone {
            (SerialOrigin::Phone, "the phone's photo")
        } else {
            (SerialOrigin::Photo, "the photo")
        };
        self.serial_origin = reading.source.map(origin);
        self.notice = Some(if reading.sure {
            format!("read {serial} off {photo}: sure")
        } else {
            format!("read {serial} off {photo}: not sure, check it on the label")
        });
    }
}

impl App {
    /// Pasted text, where the typing goes.
    pub(super) fn on_paste(&mut self, text: &str) {
        // A pasted line end is not part of the text; anything else is kept
        // (and flagged if it does not belong). It goes where the typing goes.
        // A paste is cut to what any field holds, so a stray megabyte
        // on the clipboard never stalls the workbench.
        let text = text.trim_end_matches(['\r', '\n']);
        let text = match text.char_indices().nth(MAX_PASTE) {
            Some((cut, _)) => {
                self.notice = Some(format!(
                    "the paste was {} characters: only the first {MAX_PASTE} were taken",
                    text.chars().count()
                ));
                &text[..cut]
            }
            None => text,
        };
        if let Overlay::JobForm(form) = &mut self.overlay {
            insert_text(form.active_mut(), text);
        } else if self.view == View::Jobs {
            self.jobs.paste(text);
            self.search_jobs();
        } else if self.view == View::Dump {
            self.dump.paste(text);
        } else if let Some(path) = photo_path(text) {
            // A photo's path pasted or dropped: the photo is read.
            self.on_photo(PhotoMsg::ReadPath(path));
        } else if let Overlay::PhotoPath(ask) = &mut self.overlay {
            insert_text(&mut ask.path, text);
            ask.error = None;
        } else {
            self.serial_origin = None;
            insert_text(&mut self.input, text);
            self.focus = Focus::Serial;
            self.revalidate();
        }
    }
}
