//! The serial from the label itself: a photo read (its serial put in the
//! field, marked) and a USB barcode scanner's burst of keys.

use std::time::Instant;

use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind};
use tui_input::Input;

use super::photo::{Done, PhotoMsg, SerialOrigin};
use super::state::{App, Focus, Overlay, View};

impl App {
    /// A key as the terminal gave it and when: a burst of characters ended
    /// by Enter or Tab, faster than a person types, is a barcode scanner's.
    pub fn note_key(&mut self, event: &Event, at: Instant) {
        let Event::Key(key) = event else {
            return;
        };
        if key.kind != KeyEventKind::Press
            || self.focus != Focus::Serial
            || self.overlay != Overlay::None
            || self.view != View::Workbench
        {
            return;
        }
        match key.code {
            KeyCode::Char(_) => self.scan.char_at(at),
            KeyCode::Enter | KeyCode::Tab => {
                if self.scan.end_at(at) && !self.input.value().is_empty() {
                    self.serial_origin = Some(SerialOrigin::Scanned);
                }
            }
            _ => self.scan.other(),
        }
    }

    /// Reading a label photo: its serial goes into the field, marked.
    pub(super) fn on_photo(&mut self, msg: PhotoMsg) {
        match &msg {
            PhotoMsg::Ask => self.overlay = Overlay::PhotoPath,
            PhotoMsg::Read | PhotoMsg::ReadPath(_) | PhotoMsg::Stop => self.overlay = Overlay::None,
            _ => {}
        }
        match self.photo.update(msg) {
            Done::Nothing => {}
            Done::Said(text) => self.notice = Some(text),
            Done::Read(reading) => {
                let Some(serial) = &reading.serial else {
                    self.notice =
                        Some("no serial read off the photo: type it from the label".into());
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
    }
}
