//! How a label's printed text is looked at: the whole label first, set
//! upright and level by the way its barcode reads where one was read; then,
//! where that gives no serial, the other quarter turns, the label in black
//! and white (silver, yellowed, shadowed, glare), and the text as one block.
//! The first view that gives a serial ends the looking.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::barcode::Seen;
use super::clean;
use super::find::serial_in_lines;
use super::photo::{Area, Grey};
use super::square;
use super::tesseract::Pool;
use super::text::{self, View};
use super::{Failure, Found, Other, TextRead};
use crate::finding::Finding;

/// What the printed text gave.
pub(super) struct Looked {
    pub state: TextRead,
    pub found: Option<Found>,
    /// The other numbers of the view that found the serial, or of the view
    /// Tesseract was surest of.
    pub others: Vec<Other>,
    pub near_miss: Vec<Finding>,
    /// The print is a dot-matrix printer's.
    pub dotted: bool,
}

/// A first glance at the print, taken while the barcodes are read closer:
/// the first view [`look`] would read after the whole-photo barcodes `seen`
/// (`settled` where one holds the serial exactly). Where no barcode says
/// which way the print runs, it is levelled where it leans further than
/// Tesseract reads.
pub(super) fn glance(photo: &Grey, seen: &[Seen], settled: bool) -> View {
    let level = if seen.iter().any(|s| s.reads_at.is_some()) {
        0.0
    } else {
        clean::lean(photo)
            .filter(|a| a.abs() >= LEANS)
            .unwrap_or(0.0)
    };
    first_to_read(photo, seen, settled, level)
}

/// The long side a quick look reads a part `long` pixels long at: half
/// size where it is large (label print is large on most photos).
fn quick_size(long: u32) -> u32 {
    let long = long.min(View::default().long);
    if long >= 1000 { long / 2 } else { long }
}

/// How much shorter a label's far side may be than its near side before it
/// is read squared from its corners.
const SLANTS: f32 = 0.06;

/// A lean Tesseract reads through, degrees; the print is levelled beyond.
const LEANS: f32 = 5.0;

/// What the looking has found so far.
struct Looking<'a> {
    photo: &'a Grey,
    numbers: Vec<&'a str>,
    best: Option<(u32, Looked)>,
    lines_read: usize,
    /// Whether the print is still to be measured for dots.
    measure: bool,
    /// The print's dots, where it is dot-matrix print: the view to read
    /// it softened, and whether that was read yet.
    dots: Option<(View, bool)>,
    /// A serial read from dot-matrix print as it lies, held while the print
    /// is read softened.
    held: Option<Looked>,
}

impl Looking<'_> {
    /// Takes in the outcome of reading `view`: `Ok(Some)` when it ends the
    /// looking.
    fn take(&mut self, view: &View, outcome: text::Outcome) -> Result<Option<Looked>, Failure> {
        let lines = match outcome {
            text::Outcome::Read(lines) => lines,
            text::Outcome::NotInstalled(how) => {
                return Ok(Some(nothing(TextRead::NotTried(format!(
                    "Tesseract is not installed: {how}"
                )))));
            }
            text::Outcome::Failed(why) => {
                // A view read before keeps what it gave.
                return Ok(Some(match (self.held.take(), self.best.take()) {
                    (Some(looked), _) | (None, Some((_, looked))) => looked,
                    (None, None) => nothing(TextRead::Failed(why)),
                }));
            }
            text::Outcome::Stopped => return Err(Failure::Stopped),
        };
        self.lines_read = self.lines_read.max(lines.len());
        let (mut others, mut near_miss) = (Vec::new(), Vec::new());
        let found = serial_in_lines(&lines, &self.numbers, &mut others, &mut near_miss);
        // How much sure text this view holds: the right way up reads best.
        let score: u32 = lines
            .iter()
            .filter(|l| l.confidence >= 60)
            .map(|l| l.text.chars().filter(|c| c.is_alphanumeric()).count() as u32)
            .sum();
        if self.measure && lines.iter().any(worded) {
            self.measure = false;
            self.dots = dotted(self.photo, view, &lines).map(|v| (v, false));
        }
        let looked = Looked {
            state: TextRead::Read(self.lines_read),
            found,
            others,
            near_miss,
            dotted: self.dots.is_some(),
        };
        if looked.found.is_some() {
            // Dot-matrix print read as it lies: softened, it reads surer.
            if self.dots.is_some_and(|(_, read)| !read) && self.held.is_none() {
                self.held = Some(looked);
                return Ok(None);
            }
            return Ok(Some(looked));
        }
        if self.best.as_ref().is_none_or(|(s, _)| score > *s) {
            self.best = Some((score, looked));
        }
        Ok(None)
    }

    fn end(self) -> Looked {
        let (lines_read, dotted) = (self.lines_read, self.dots.is_some());
        let mut looked = match (self.held, self.best) {
            (Some(held), _) => held,
            (None, Some((_, best))) => best,
            (None, None) => nothing(TextRead::Read(0)),
        };
        looked.state = TextRead::Read(lines_read);
        looked.dotted = dotted;
        looked
    }
}

/// How long the views after the glance may take in all (and a second more
/// for the last batch to end): a label that has not given its serial by
/// then is not worth a longer wait.
const MORE_VIEWS: Duration = Duration::from_secs(5);

/// Reads the printed text of `photo`, where `seen` are its barcodes and
/// `glanced` the first glance's outcome (taken as [`glance`] says). With
/// `settled` (a barcode holds the serial exactly), one view is enough.
pub(super) fn look(
    pool: &Pool,
    photo: &Grey,
    seen: &[Seen],
    settled: bool,
    glanced: Option<(View, text::Outcome)>,
    stop: &dyn Fn() -> bool,
) -> Result<Looked, Failure> {
    let print_level = glanced.as_ref().map_or(0.0, |(view, _)| view.level);
    let mut views = views(photo, seen, settled, print_level);
    let mut looking = Looking {
        photo,
        numbers: seen.iter().map(|s| s.text.as_str()).collect(),
        best: None,
        lines_read: 0,
        measure: !settled,
        dots: None,
        held: None,
    };
    // The glance stands for the first view where it is that view.
    if let Some((glance, outcome)) = glanced
        && glance_serves(&glance, photo, seen, settled)
    {
        if let Some(done) = looking.take(&glance, outcome)? {
            return Ok(done);
        }
        if settled {
            return Ok(looking.end());
        }
        views.remove(0);
    }
    // Two views are read at a time after the first: the second Tesseract
    // starts meanwhile.
    if views.len() > 1 {
        pool.warm(View::default().psm, 2);
    }
    let started = Instant::now();
    let mut views = std::collections::VecDeque::from(views);
    // One view first, then two at a time (one a core).
    for i in 0.. {
        // Dot-matrix print, once seen, is read softened next.
        if let Some((view, read)) = &mut looking.dots
            && !*read
        {
            *read = true;
            views.push_front(View { psm: 11, ..*view });
            views.push_front(*view);
        }
        if views.is_empty() || i > 1 && started.elapsed() > MORE_VIEWS {
            break;
        }
        let two = i > 0 || views[0].dots > 0.0;
        let batch: Vec<View> = views.drain(..views.len().min(1 + two as usize)).collect();
        let limit = started + MORE_VIEWS + Duration::from_secs(1);
        let within = || stop() || Instant::now() > limit;
        for (view, outcome) in batch.iter().zip(read_two(pool, photo, &batch, &within)) {
            // Out of time, not stopped: what was read stands.
            if outcome == text::Outcome::Stopped && !stop() {
                return Ok(looking.end());
            }
            if let Some(done) = looking.take(view, outcome)? {
                return Ok(done);
            }
        }
        if stop() {
            return Err(Failure::Stopped);
        }
        // Softened, the dot-matrix print gave no serial: the one read as
        // it lies stands.
        if batch.iter().any(|v| v.dots > 0.0)
            && let Some(held) = looking.held.take()
        {
            return Ok(held);
        }
    }
    Ok(looking.end())
}

/// A line of print with words in it, worth measuring.
fn worded(line: &text::Line) -> bool {
    line.text.chars().filter(|c| c.is_alphanumeric()).count() >= 4
}

/// The view that reads dot-matrix print softened, where the worded lines
/// `view` read are dot-matrix print: most of them show the dots' pitch.
fn dotted(photo: &Grey, view: &View, lines: &[text::Line]) -> Option<View> {
    let worded: Vec<&text::Line> = lines.iter().filter(|l| worded(l)).take(8).collect();
    let dotted: Vec<(&text::Line, f32)> = worded
        .iter()
        .filter_map(|l| Some((*l, clean::dot_pitch(photo, l.area)?)))
        .collect();
    let mut pitches: Vec<f32> = dotted.iter().map(|(_, p)| *p).collect();
    if pitches.len() < 2 || pitches.len() * 5 < worded.len() * 2 {
        return None;
    }
    pitches.sort_by(f32::total_cmp);
    // Where the dotted lines are (grown to take in a line between them),
    // at full size where that is not too large: the dots are softened
    // where they stand apart.
    let around = Area::union(dotted.iter().map(|(l, _)| l.area))?;
    let area = around
        .grown(around.width.min(around.height) / 3)
        .clamped(photo.width, photo.height);
    Some(View {
        area: Some(area),
        dots: pitches[pitches.len() / 2] / 2.0,
        long: View::default().long,
        clean: false,
        psm: 6,
        ..*view
    })
}

/// Reads one or two views at once: the second on a thread of its own, ended
/// with the first when `stop` says so.
fn read_two(
    pool: &Pool,
    photo: &Grey,
    views: &[View],
    stop: &dyn Fn() -> bool,
) -> Vec<text::Outcome> {
    let halt = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let helper = views.get(1).map(|view| {
            let halt = &halt;
            scope.spawn(move || text::read(pool, photo, view, &|| halt.load(Ordering::Relaxed)))
        });
        let mut out = vec![text::read(pool, photo, &views[0], stop)];
        if let Some(helper) = helper {
            while !helper.is_finished() {
                if stop() {
                    halt.store(true, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            out.push(helper.join().unwrap_or(text::Outcome::Stopped));
        }
        out
    })
}

fn nothing(state: TextRead) -> Looked {
    Looked {
        state,
        found: None,
        others: Vec::new(),
        near_miss: Vec::new(),
        dotted: false,
    }
}

/// Whether the glance is the first view that [`look`] reads, now that the
/// barcodes `seen` are all read. Where it is not, it need not be waited for.
pub(super) fn glance_serves(glance: &View, photo: &Grey, seen: &[Seen], settled: bool) -> bool {
    first_to_read(photo, seen, settled, glance.level) == *glance
}

/// The first view to read: where the serial is sure already (`settled`),
/// the print in a band around the barcodes, only to see it agrees; else the
/// label area the way up the barcodes say. Either is read at half size
/// where it is large (label print is large on most photos).
fn first_to_read(photo: &Grey, seen: &[Seen], settled: bool, print_level: f32) -> View {
    let (first, _) = first_view(photo, seen, print_level);
    // Where a barcode holds the serial, the print is read only to see it
    // agrees: the band around the barcodes.
    let area = if settled { band(seen) } else { first.area };
    let long = area.map_or(photo.width.max(photo.height), |a| a.width.max(a.height));
    View {
        area,
        long: quick_size(long),
        ..first
    }
}

/// The first view: the label area, set upright and level by the way the
/// biggest 1D barcode reads where one was read (else levelled by
/// `print_level`, the print's own lean); and that way.
fn first_view(photo: &Grey, seen: &[Seen], print_level: f32) -> (View, Option<f32>) {
    let area = label_area(photo, seen);
    // The way the print runs: the way the biggest 1D barcode reads.
    let reads_at = seen
        .iter()
        .filter(|s| s.reads_at.is_some())
        .max_by_key(|s| s.area.width as u64 * s.area.height as u64)
        .and_then(|s| s.reads_at);
    let first = match reads_at {
        Some(angle) => {
            // Clockwise quarter turns that bring the reading way to 0°.
            let quarters = ((-angle / 90.0).round().rem_euclid(4.0)) as u8;
            let rest = angle + quarters as f32 * 90.0;
            let rest = (rest + 180.0).rem_euclid(360.0) - 180.0;
            View {
                area,
                quarters,
                // Rotate's degrees are anticlockwise; the print leans
                // clockwise by `rest`.
                level: rest,
                ..View::default()
            }
        }
        None => View {
            area,
            level: print_level,
            ..View::default()
        },
    };
    (first, reads_at)
}

/// The views to try, in order.
fn views(photo: &Grey, seen: &[Seen], settled: bool, print_level: f32) -> Vec<View> {
    let (first, reads_at) = first_view(photo, seen, print_level);
    let quick_first = first_to_read(photo, seen, settled, print_level);
    if settled {
        return vec![quick_first];
    }
    // Each way up is looked at half size first, which is quick and mostly
    // enough; then at full size.
    let quick = |v: View| View {
        long: quick_first.long,
        ..v
    };
    let mut views = vec![quick_first];
    // A label photographed at a slant: squared from its own corners, each
    // way up it may read where no barcode says which.
    if let Some(quad) = square::label_quad(photo).filter(|q| square::slant(q) >= SLANTS) {
        let (width, height) = square::size(&quad);
        let ways = if reads_at.is_some() { 1 } else { 2 };
        for turn in 0..ways {
            views.push(View {
                square: Some(quad),
                area: None,
                quarters: (first.quarters + 2 * turn) % 4,
                level: 0.0,
                long: quick_size(width.max(height) as u32),
                ..first
            });
        }
    }
    let others: Vec<u8> = match reads_at {
        // The barcode says which way up: the print may still run apart.
        Some(_) => vec![(first.quarters + 2) % 4],
        None => vec![2, 1, 3],
    };
    for q in others {
        views.push(quick(View {
            quarters: q,
            // A quarter turn leaves the print's own lean as it was.
            level: if reads_at.is_some() { 0.0 } else { first.level },
            ..first
        }));
    }
    views.push(first);
    views.push(View {
        clean: false,
        ..first
    });
    views.push(View { psm: 6, ..first });
    // The lean measured on the print may be the bench's (a cable, a box):
    // the photo as it lies, last.
    if reads_at.is_none() && first.level != 0.0 {
        views.push(View {
            level: 0.0,
            ..first
        });
    }
    // The barcodes read may be a decoy's (a part number's sticker beside
    // the label): the whole photo, each way up, last.
    if first.area.is_some() {
        for quarters in [0, 1, 3, 2] {
            views.push(View {
                quarters,
                long: quick_size(photo.width.max(photo.height)),
                ..View::default()
            });
        }
    }
    views.dedup();
    views
}

/// A band around the barcodes: a quarter of their length either side, twice
/// their height above and below.
fn band(seen: &[Seen]) -> Option<Area> {
    Area::around(seen.iter().flat_map(|s| {
        let a = s.area;
        let (w, h) = (a.width as f32, a.height.max(a.width / 6) as f32);
        let (x, y) = (a.x as f32, a.y as f32);
        [(x - w / 4.0, y - 2.0 * h), (x + w * 1.25, y + 3.0 * h)]
    }))
}

/// The label's likely extent: the barcodes read and twice their length
/// around them each way (a label with a short part number's barcode may
/// print five lines beside it); the whole photo where none was read.
fn label_area(photo: &Grey, seen: &[Seen]) -> Option<Area> {
    let around = Area::union(seen.iter().map(|s| s.area))?;
    let grow = 2 * around.width.max(around.height);
    let area = around.grown(grow).clamped(photo.width, photo.height);
    // Most of the photo: read it whole.
    let whole = photo.width as u64 * photo.height as u64;
    (area.width as u64 * area.height as u64 * 10 < whole * 7).then_some(area)
}
