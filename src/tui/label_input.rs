//! The serial from the label itself: a photo read (its serial put in the
//! field, marked), a USB barcode scanner's burst of keys, and text pasted.

use tui_input::Input;

use super::paste::{MAX_PASTE, insert_text};
use super::photo::{Done, PhotoAsk, PhotoMsg, SerialOrigin, photo_path};
use super::state::{App, Focus, Overlay, View};

impl App {
    /// A barcode scanner's burst, wherever the focus was: it replaces the
    /// serial, and its Enter does nothing else.
    pub(super) fn on_scanned(&mut self, text: &str) {
        if matches!(self.overlay, Overlay::Help) {
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
        self.notice = Some(format!("scanned {}", crate::serial::echo_text(&text, 24)));
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
            PhotoMsg::ReadPath(_) | PhotoMsg::ReadTyped(_) | PhotoMsg::Stop => {
                if matches!(self.overlay, Overlay::PhotoPath(_)) {
                    self.overlay = Overlay::None;
                }
                msg
            }
            PhotoMsg::Poll => msg,
        };
        match self.photo.update(msg) {
            Done::Nothing => {}
            Done::Said(text) => self.notice = Some(text),
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
            Done::Read(reading) => self.took_reading(&reading),
        }
    }

    /// A photo read: its serial into the field, marked; none clears the
    /// radio before it.
    fn took_reading(&mut self, reading: &crate::label::Reading) {
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
        self.serial_origin = reading.source.map(SerialOrigin::Photo);
        self.notice = Some(if reading.sure {
            format!("read {serial} off the photo: sure")
        } else {
            format!("read {serial} off the photo: not sure, check it on the label")
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
