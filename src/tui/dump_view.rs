//! The chip dump view: a file path typed or pasted, and what was read.

use tui_input::{Input, InputRequest};

use crate::dump::{Dump, Model};
use crate::session::{self, DumpRead, Known, LayoutChoice, Session};

/// What the workbench says to do when no unit is known for a dump.
const WITHOUT_UNIT: &str =
    "type the radio's serial on the workbench: its unit says which layout reads this dump";

/// What can happen in the chip dump view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DumpMsg {
    PathEdit(InputRequest),
    /// Read the file whose path is typed.
    Load,
    /// Scroll the hex view by rows.
    Scroll(isize),
}

#[derive(Clone, Debug, Default)]
pub struct DumpView {
    pub path: Input,
    pub reading: Option<DumpReading>,
    pub error: Option<String>,
    /// The first hex row shown.
    pub scroll: usize,
}

/// A loaded dump and what its layouts give for the unit on screen.
#[derive(Clone, Debug)]
pub struct DumpReading {
    pub file: String,
    pub dump: Dump,
    /// The unit the serial on screen names, when it is a Blaupunkt or Becker.
    pub model: Option<Model>,
    /// Its codes, notes and the offsets highlighted in the hex view.
    pub read: DumpRead,
    /// The recorded dumps and imported layouts the layouts are learned from.
    known: Known,
}

impl DumpReading {
    /// Reads the dump through the layouts of `model`.
    pub fn read_for(&mut self, model: Option<Model>) {
        let choice = LayoutChoice::Unit(model.as_ref());
        // A unit's layouts are always there to read through; only an id can be missing.
        self.read = session::read_dump(&self.dump, choice, &self.known, WITHOUT_UNIT)
            .unwrap_or_else(|why| DumpRead {
                notes: vec![why],
                ..DumpRead::default()
            });
        self.model = model;
    }
}

impl DumpView {
    /// Applies one message; true when a dump was read (its codes join the decoder's).
    pub fn update(&mut self, msg: DumpMsg, session: &Session) -> bool {
        match msg {
            DumpMsg::PathEdit(req) => {
                self.path.handle(req);
            }
            DumpMsg::Load => return self.load(session),
            DumpMsg::Scroll(by) => {
                let rows = self
                    .reading
                    .as_ref()
                    .map_or(0, |r| r.dump.bytes.len().div_ceil(16));
                self.scroll = self
                    .scroll
                    .saturating_add_signed(by)
                    .min(rows.saturating_sub(1));
            }
        }
        false
    }

    /// Text pasted into the path.
    pub fn paste(&mut self, text: &str) {
        super::paste::insert_text(&mut self.path, text);
    }

    /// Reads the dump file whose path is typed.
    fn load(&mut self, session: &Session) -> bool {
        if self.path.value().trim().is_empty() {
            self.error = Some("type or paste the path of a dump file (.bin or .hex)".into());
            return false;
        }
        let path = session::typed_path(self.path.value());
        let file = crate::files::shown(&path);
        let dump = match Dump::read_file(&path) {
            Ok(d) => d,
            Err(e) => {
                // What was read before is not this file: it goes.
                self.reading = None;
                self.scroll = 0;
                self.error = Some(format!("{e:#}"));
                return true;
            }
        };
        self.error = None;
        let known = session::known_layouts(session.records()).unwrap_or_else(|e| {
            self.error = Some(format!(
                "the learned layouts cannot be read ({e:#}); only --layout reads work"
            ));
            (Vec::new(), Vec::new())
        });
        let mut reading = DumpReading {
            file,
            dump,
            model: None,
            read: DumpRead::default(),
            known,
        };
        reading.read_for(None);
        self.reading = Some(reading);
        self.scroll = 0;
        true
    }

    /// Scrolls to the first byte of a code, once the dump is read for the unit.
    pub fn show_first_code(&mut self) {
        if let Some(first) = self.reading.as_ref().and_then(|r| r.read.marked.first()) {
            self.scroll = (first / 16).saturating_sub(2);
        }
    }
}
