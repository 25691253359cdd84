//! How a label's printed text is looked at: the whole label first, set
//! upright and level by the way its barcode reads where one was read; then,
//! where that gives no serial, the other quarter turns, the label in black
//! and white (silver, yellowed, shadowed, glare), and the text as one block.
//! The first view that gives a serial ends the looking.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::barcode::Seen;
use super::find::serial_in_lines;
use super::photo::{Area, Grey};
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
}

/// Reads the printed text of `photo`, where `seen` are its barcodes. With
/// `settled` (a barcode holds the serial exactly), one view is enough.
pub(super) fn look(
    photo: &Grey,
    seen: &[Seen],
    settled: bool,
    stop: &dyn Fn() -> bool,
) -> Result<Looked, Failure> {
    let views = views(photo, seen, settled);
    let numbers: Vec<&str> = seen.iter().map(|s| s.text.as_str()).collect();
    let mut best: Option<(u32, Looked)> = None;
    let mut lines_read = 0;
    // Two views at a time, one Tesseract on each core.
    let (quick, rest) = views.split_at(1);
    for pair in std::iter::once(quick).chain(rest.chunks(2)) {
        let outcomes = read_two(photo, pair, stop);
        for outcome in outcomes {
            let lines = match outcome {
                text::Outcome::Read(lines) => lines,
                text::Outcome::NotInstalled(how) => {
                    return Ok(nothing(TextRead::NotTried(format!(
                        "Tesseract is not installed: {how}"
                    ))));
                }
                text::Outcome::Failed(why) => {
                    // A view read before keeps what it gave.
                    return Ok(match best {
                        Some((_, looked)) => looked,
                        None => nothing(TextRead::Failed(why)),
                    });
                }
                text::Outcome::Stopped => return Err(Failure::Stopped),
            };
            lines_read = lines_read.max(lines.len());
            let (mut others, mut near_miss) = (Vec::new(), Vec::new());
            let found = serial_in_lines(&lines, &numbers, &mut others, &mut near_miss);
            // How much sure text this view holds: the right way up reads best.
            let score: u32 = lines
                .iter()
                .filter(|l| l.confidence >= 60)
                .map(|l| l.text.chars().filter(|c| c.is_alphanumeric()).count() as u32)
                .sum();
            let looked = Looked {
                state: TextRead::Read(lines_read),
                found,
                others,
                near_miss,
            };
            if std::env::var_os("RADIOCODE_DEBUG_LABEL").is_some() {
                eprintln!(
                    "view {:?}: {} lines, score {score}, found {:?}",
                    pair,
                    looked.state == TextRead::Read(0),
                    looked.found.as_ref().map(|f| f.serial.clone())
                );
            }
            if looked.found.is_some() {
                return Ok(looked);
            }
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, looked));
            }
        }
        if stop() {
            return Err(Failure::Stopped);
        }
    }
    Ok(best.map_or_else(
        || nothing(TextRead::Read(0)),
        |(_, mut looked)| {
            looked.state = TextRead::Read(lines_read);
            looked
        },
    ))
}

/// Reads one or two views at once: the second on a thread of its own, ended
/// with the first when `stop` says so.
fn read_two(photo: &Grey, views: &[View], stop: &dyn Fn() -> bool) -> Vec<text::Outcome> {
    let halt = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let helper = views.get(1).map(|view| {
            let halt = &halt;
            scope.spawn(move || text::read(photo, view, &|| halt.load(Ordering::Relaxed)))
        });
        let mut out = vec![text::read(photo, &views[0], stop)];
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
    }
}

/// The views to try, in order.
fn views(photo: &Grey, seen: &[Seen], settled: bool) -> Vec<View> {
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
            ..View::default()
        },
    };
    if settled {
        // The serial is sure already: the print beside the barcodes is
        // read only to see it agrees, in a band around them.
        return vec![View {
            area: band(seen),
            ..first
        }];
    }
    // Label print is large on most photos: a first look at half the
    // size is quick and often enough; then the full size.
    let (w, h) = first
        .area
        .map_or((photo.width, photo.height), |a| (a.width, a.height));
    let mut views = Vec::new();
    if w.max(h) >= 1400 {
        views.push(View {
            long: w.max(h).min(2400) / 2,
            ..first
        });
    }
    views.push(first);
    let others: Vec<u8> = match reads_at {
        // The barcode says which way up: the print may still run apart.
        Some(_) => vec![(first.quarters + 2) % 4],
        None => vec![2, 1, 3],
    };
    for q in others {
        views.push(View {
            quarters: q,
            level: 0.0,
            ..first
        });
    }
    views.push(View {
        clean: false,
        ..first
    });
    views.push(View { psm: 6, ..first });
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

/// The label's likely extent: the barcodes read and as much again around
/// them each way (a label is seldom more than three times its barcode's
/// length); the whole photo where none was read.
fn label_area(photo: &Grey, seen: &[Seen]) -> Option<Area> {
    let around = Area::around(seen.iter().flat_map(|s| {
        let a = s.area;
        [
            (a.x as f32, a.y as f32),
            ((a.x + a.width) as f32, (a.y + a.height) as f32),
        ]
    }))?;
    let grow = around.width.max(around.height);
    let area = around.grown(grow).clamped(photo.width, photo.height);
    // Most of the photo: read it whole.
    let whole = photo.width as u64 * photo.height as u64;
    (area.width as u64 * area.height as u64 * 10 < whole * 7).then_some(area)
}
