//! A label photo read from the workbench: the path asked for (F5, or a
//! photo's path pasted or dropped into the serial field), the reading done
//! off the screen's thread with its step shown and Esc to stop it, then the
//! photo shown beside the decoder with the place the serial was read boxed.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};

use image::{DynamicImage, Rgb};
use ratatui::layout::{Rect, Size};
use ratatui_image::Resize;
use ratatui_image::picker::Picker;
use ratatui_image::protocol::Protocol;
use tui_input::{Input, InputRequest};

use crate::label::{self, Failure, Options, Reading, Step};

/// What can happen to the photo reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhotoMsg {
    /// F5: ask for a photo's path.
    Ask,
    PathEdit(InputRequest),
    /// Text pasted into the path.
    PathPaste(String),
    /// Read the photo whose path is typed.
    Read,
    /// Read this photo (a path pasted or dropped).
    ReadPath(PathBuf),
    /// Read the photo at the path typed in F5's dialog (kept, should it fail).
    ReadTyped(String),
    /// Stop the reading under way.
    Stop,
    /// See what the reading has done.
    Poll,
}

/// The longest side of the photo kept for showing, in pixels.
const SHOWN: u32 = 960;

/// Where a serial in the field came from, when it was not typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SerialOrigin {
    Photo(label::Source),
    /// A USB barcode scanner typed it.
    Scanned,
    /// Read off a photo the technician's phone sent.
    Phone(label::Source),
}

impl SerialOrigin {
    pub fn words(self) -> &'static str {
        match self {
            SerialOrigin::Photo(label::Source::Barcode) => "read from the photo (barcode)",
            SerialOrigin::Photo(label::Source::Text) => "read from the photo (printed text)",
            SerialOrigin::Scanned => "scanned",
            SerialOrigin::Phone(label::Source::Barcode) => "read from the phone's photo (barcode)",
            SerialOrigin::Phone(label::Source::Text) => {
                "read from the phone's photo (printed text)"
            }
        }
    }
}

/// A photo read, ready to show.
pub struct Shown {
    pub file: String,
    pub reading: Reading,
    /// The photo with the place read boxed, at most [`SHOWN`] pixels.
    image: Arc<DynamicImage>,
    /// The photo drawn for `area`, made again when the area changes.
    pub drawn: Option<(Rect, Protocol)>,
}

/// The reading under way.
struct Underway {
    file: String,
    /// The path as typed in F5's dialog, when it came from there.
    asked: Option<String>,
    stop: Arc<AtomicBool>,
    events: Receiver<Event>,
    step: Step,
}

enum Event {
    Step(Step),
    Done(Box<Result<(Reading, DynamicImage), Failure>>),
}

/// The photo reading's state.
pub struct PhotoView {
    underway: Option<Underway>,
    pub shown: Option<Shown>,
    /// What the last reading said when it gave no photo to show.
    pub error: Option<String>,
    /// How photos are drawn: the terminal's graphics, or half-blocks.
    pub picker: Picker,
}

impl Default for PhotoView {
    fn default() -> Self {
        PhotoView {
            underway: None,
            shown: None,
            error: None,
            picker: Picker::halfblocks(),
        }
    }
}

impl std::fmt::Debug for PhotoView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhotoView")
            .field("reading", &self.reading())
            .field("shown", &self.shown.as_ref().map(|s| &s.file))
            .finish()
    }
}

/// F5's question: the path being typed, and what went wrong with the last
/// one (said inside the dialog, the path kept to be put right).
#[derive(Clone, Debug, Default)]
pub struct PhotoAsk {
    pub path: Input,
    pub error: Option<String>,
}

/// What an update did.
pub enum Done {
    Nothing,
    /// A photo was read: its serial goes into the field.
    Read(Reading),
    /// The reading stopped: what to say.
    Said(String),
    /// The photo could not be read: why, and the path as it was asked for.
    Failed(String, Option<String>),
}

impl PhotoView {
    /// The file being read and its step, while a reading is under way.
    pub fn reading(&self) -> Option<(&str, Step)> {
        self.underway.as_ref().map(|j| (j.file.as_str(), j.step))
    }

    pub fn update(&mut self, msg: PhotoMsg) -> Done {
        match msg {
            // The path being typed is the workbench's overlay.
            PhotoMsg::Ask | PhotoMsg::PathEdit(_) | PhotoMsg::PathPaste(_) | PhotoMsg::Read => {
                Done::Nothing
            }
            PhotoMsg::ReadPath(path) => {
                self.start(path, None);
                Done::Nothing
            }
            PhotoMsg::ReadTyped(typed) => {
                self.start(crate::session::typed_path(&typed), Some(typed));
                Done::Nothing
            }
            PhotoMsg::Stop => {
                if let Some(job) = self.underway.take() {
                    job.stop.store(true, Ordering::Relaxed);
                    return Done::Said(format!("stopped reading {}", job.file));
                }
                Done::Nothing
            }
            PhotoMsg::Poll => self.poll(),
        }
    }

    /// Starts reading `path` on a thread of its own; a reading already under
    /// way is stopped.
    fn start(&mut self, path: PathBuf, asked: Option<String>) {
        if let Some(old) = self.underway.take() {
            old.stop.store(true, Ordering::Relaxed);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, events) = mpsc::channel();
        let file = crate::files::path_text(&path);
        let flag = stop.clone();
        std::thread::spawn(move || {
            let steps = tx.clone();
            let step = move |s: Step| {
                let _ = steps.send(Event::Step(s));
            };
            let stopped = || flag.load(Ordering::Relaxed);
            let options = Options {
                text: true,
                step: &step,
                stop: &stopped,
            };
            let done = label::read_file(&path, &options).map(|(reading, opened)| {
                let image = boxed(&reading, opened.colour);
                (reading, image)
            });
            let _ = tx.send(Event::Done(Box::new(done)));
        });
        self.error = None;
        self.underway = Some(Underway {
            asked,
            file,
            stop,
            events,
            step: Step::Opening,
        });
    }

    fn poll(&mut self) -> Done {
        let Some(job) = &mut self.underway else {
            return Done::Nothing;
        };
        loop {
            match job.events.try_recv() {
                Ok(Event::Step(s)) => job.step = s,
                Ok(Event::Done(result)) => {
                    let file = job.file.clone();
                    let job_asked = job.asked.clone();
                    self.underway = None;
                    return match *result {
                        Ok((reading, image)) => {
                            self.shown = Some(Shown {
                                file,
                                reading: reading.clone(),
                                image: Arc::new(image),
                                drawn: None,
                            });
                            Done::Read(reading)
                        }
                        Err(Failure::Unreadable(why)) => {
                            self.error = Some(why.clone());
                            Done::Failed(why, job_asked)
                        }
                        Err(Failure::Stopped) => Done::Said(format!("stopped reading {file}")),
                    };
                }
                Err(TryRecvError::Empty) => return Done::Nothing,
                Err(TryRecvError::Disconnected) => {
                    let file = job.file.clone();
                    self.underway = None;
                    return Done::Said(format!("the reading of {file} ended without an answer"));
                }
            }
        }
    }

    /// Draws the photo for `area` (inside its pane's border), when it is not
    /// drawn for it already.
    pub fn fit(&mut self, area: Option<Rect>) {
        let Some(shown) = &mut self.shown else {
            return;
        };
        let Some(area) = area.filter(|a| a.width > 0 && a.height > 0) else {
            shown.drawn = None;
            return;
        };
        if shown.drawn.as_ref().is_some_and(|(a, _)| *a == area) {
            return;
        }
        let image = DynamicImage::clone(&shown.image);
        shown.drawn = self
            .picker
            .new_protocol(image, Size::new(area.width, area.height), Resize::Fit(None))
            .ok()
            .map(|p| (area, p));
    }
}

/// The photo at most [`SHOWN`] pixels, with the place the serial was read
/// boxed in red (and the other numbers in yellow).
fn boxed(reading: &Reading, photo: DynamicImage) -> DynamicImage {
    let long = photo.width().max(photo.height());
    let scale = if long > SHOWN {
        SHOWN as f32 / long as f32
    } else {
        1.0
    };
    let photo = if scale < 1.0 {
        photo.thumbnail(
            (photo.width() as f32 * scale) as u32,
            (photo.height() as f32 * scale) as u32,
        )
    } else {
        photo
    };
    let mut rgb = photo.to_rgb8();
    let thick = (rgb.width().max(rgb.height()) / 150).max(2);
    let mut frame = |a: label::Area, colour: Rgb<u8>| {
        let (x0, y0) = ((a.x as f32 * scale) as u32, (a.y as f32 * scale) as u32);
        let x1 = (((a.x + a.width) as f32 * scale) as u32).min(rgb.width().saturating_sub(1));
        let y1 = (((a.y + a.height) as f32 * scale) as u32).min(rgb.height().saturating_sub(1));
        for y in y0..=y1 {
            for x in x0..=x1 {
                let edge = x < x0 + thick || x + thick > x1 || y < y0 + thick || y + thick > y1;
                if edge && x < rgb.width() && y < rgb.height() {
                    rgb.put_pixel(x, y, colour);
                }
            }
        }
    };
    for o in &reading.others {
        frame(o.area, Rgb([230, 190, 0]));
    }
    if let Some(a) = reading.area {
        frame(a, Rgb([230, 0, 0]));
    }
    DynamicImage::ImageRgb8(rgb)
}

/// A pasted or dropped text that is the path of a photo on this machine.
pub fn photo_path(text: &str) -> Option<PathBuf> {
    let text = text.trim();
    // Some file managers drop a file:// address.
    let decoded;
    let text = match text.strip_prefix("file://") {
        Some(rest) => {
            decoded = rest.replace("%20", " ");
            decoded.as_str()
        }
        None => text,
    };
    let lower = text.to_ascii_lowercase();
    let lower = lower.trim_end_matches(['\'', '"']);
    if !(lower.ends_with(".jpg") || lower.ends_with(".jpeg") || lower.ends_with(".png")) {
        return None;
    }
    let path = crate::session::typed_path(text);
    path.is_file().then_some(path)
}
