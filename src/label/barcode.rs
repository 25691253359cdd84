//! The barcodes on a label photo, read with `rxing` (only the symbologies a
//! label can carry). A photo is read in two passes:
//!
//! 1. the whole photo at a reduced scale (at most [`OVERVIEW`] pixels on its
//!    long side), contrast stretched: a label that fills the frame is read
//!    here, at any turn a quarter of a circle apart;
//! 2. where that gave no serial, the places that look like barcodes (fine,
//!    parallel edges) are found, cut out of the photo at full resolution,
//!    turned upright by the angle of their bars and read again: a small label
//!    in a large photo, or one held at a slant.

use std::collections::HashSet;

use rxing::common::HybridBinarizer;
use rxing::multi::{GenericMultipleBarcodeReader, MultipleBarcodeReader};
use rxing::{
    BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, MultiUseMultiFormatReader,
    Reader,
};

use super::clean::binarised;
use super::photo::{Area, Grey};

/// The long side of the whole-photo pass.
pub const OVERVIEW: u32 = 1280;
/// The long side a cut-out is read at, at most.
const CUT_OUT: u32 = 1800;
/// How many places that look like barcodes are read in the second pass.
const PLACES: usize = 4;
/// How many of the places read nothing are read again sharpened.
const SHARPENED: usize = 2;
/// The 1D symbologies: the first of [`FORMATS`].
const LINEAR: usize = 6;

/// A place that looks like a barcode, cut out of the photo at full
/// resolution (or shrunk to [`CUT_OUT`]) and turned upright by its bars.
struct Cut {
    area: Area,
    factor: u32,
    angle: f32,
    /// The cut-out turned by `angle` (the same size).
    upright: Grey,
}

impl Cut {
    fn new(photo: &Grey, place: LikelyBarcode) -> Cut {
        let area = place.area.clamped(photo.width, photo.height);
        let (cut, factor) = photo.prepared(Some(area), CUT_OUT);
        Cut {
            area,
            factor,
            angle: place.angle,
            upright: cut.rotate(place.angle),
        }
    }

    /// A point on the upright cut-out, on the photo.
    fn to_photo(&self, x: f32, y: f32) -> (f32, f32) {
        let (sin, cos) = self.angle.to_radians().sin_cos();
        let (cx, cy) = (
            self.upright.width as f32 / 2.0,
            self.upright.height as f32 / 2.0,
        );
        let (dx, dy) = (x - cx, y - cy);
        let (sx, sy) = (cos * dx - sin * dy + cx, sin * dx + cos * dy + cy);
        (
            sx * self.factor as f32 + self.area.x as f32,
            sy * self.factor as f32 + self.area.y as f32,
        )
    }
}

/// One barcode read off the photo.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    /// The decoded text, as the barcode holds it.
    pub text: String,
    pub symbology: &'static str,
    /// Where on the photo, in its pixels.
    pub area: Area,
    /// The way a 1D barcode reads on the photo, degrees from left to right
    /// (clockwise on screen): the way its label's print runs.
    pub reads_at: Option<f32>,
}

/// The symbologies read, with the names radiocode gives them.
const FORMATS: [(BarcodeFormat, &str); 8] = [
    (BarcodeFormat::CODE_128, "Code 128"),
    (BarcodeFormat::CODE_39, "Code 39"),
    (BarcodeFormat::ITF, "ITF"),
    (BarcodeFormat::EAN_13, "EAN-13"),
    (BarcodeFormat::EAN_8, "EAN-8"),
    (BarcodeFormat::UPC_A, "UPC-A"),
    (BarcodeFormat::DATA_MATRIX, "Data Matrix"),
    (BarcodeFormat::QR_CODE, "QR"),
];

fn name_of(format: &BarcodeFormat) -> &'static str {
    FORMATS
        .iter()
        .find(|(f, _)| f == format)
        .map_or("barcode", |(_, name)| name)
}

/// Whether the reading so far holds what is wanted (a serial): the second
/// pass is not needed then.
pub type Enough<'a> = &'a dyn Fn(&[Seen]) -> bool;

/// Every barcode found on `photo`; `stop` is asked between steps, and the
/// reading ends early (with what it has) when it says so. `overview` is
/// told what the whole photo gave, before the closer look.
pub fn read(
    photo: &Grey,
    enough: Enough,
    stop: &dyn Fn() -> bool,
    overview: &dyn Fn(&[Seen]),
) -> Vec<Seen> {
    let mut seen = Vec::new();
    let (whole, factor) = photo.prepared(None, OVERVIEW);
    let to_photo = |x: f32, y: f32| (x * factor as f32, y * factor as f32);
    decode_into(whole, &to_photo, &FORMATS, &mut seen);
    overview(&seen);
    if enough(&seen) || stop() {
        return seen;
    }
    let mut unread = Vec::new();
    for place in likely_barcodes(photo).into_iter().take(PLACES) {
        if stop() || enough(&seen) {
            return seen;
        }
        let cut = Cut::new(photo, place);
        let before = seen.len();
        decode_around(
            cut.upright.clone(),
            &|x, y| cut.to_photo(x, y),
            Some(cut.area),
            &FORMATS,
            &mut seen,
        );
        if enough(&seen) {
            return seen;
        }
        if seen.len() == before {
            unread.push(cut);
        }
    }
    // Nothing read at a place: its bars may be blurred together (a phone's
    // focus, a JPEG's smoothing). Sharpened, they part again, and in black
    // and white by their own neighbourhood the label's paper and the bench
    // around it no longer share one threshold along a row. Tried last, and
    // at two places at most: it is the slowest reading, and seldom needed.
    for cut in unread.into_iter().take(SHARPENED) {
        if stop() || enough(&seen) {
            break;
        }
        let sharp = binarised(&cut.upright.sharpened(2));
        decode_around(
            sharp,
            &|x, y| cut.to_photo(x, y),
            Some(cut.area),
            &FORMATS[..LINEAR],
            &mut seen,
        );
        if enough(&seen) {
            break;
        }
    }
    seen
}

/// How many barcodes one picture gives at most.
const MOST: usize = 8;

/// Reads every barcode in `grey`, adding those not yet seen; points are
/// taken back to the photo by `to_photo`.
///
/// One barcode is read at a time, and blanked out of the picture before the
/// next read: each read is one pass over the picture, where reading the
/// parts around a barcode found (as zxing's multiple reader does) passes
/// over the barcode again and again.
fn decode_into(
    grey: Grey,
    to_photo: &dyn Fn(f32, f32) -> (f32, f32),
    formats: &[(BarcodeFormat, &str)],
    seen: &mut Vec<Seen>,
) {
    let (width, height) = (grey.width, grey.height);
    let mut pixels = grey.pixels;
    let hints = hints(formats);
    let mut reader = MultiUseMultiFormatReader::default();
    // The texts read in this picture, and how often one came back through
    // its blanking (its bars reach further than measured).
    let mut read_here: Vec<String> = Vec::new();
    let mut again = 0;
    while read_here.len() < MOST && again < 3 {
        let Ok(source) = Luma8LuminanceSource::new(pixels.clone(), width, height) else {
            return;
        };
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let Ok(r) = reader.decode_with_hints(&mut bitmap, &hints) else {
            return;
        };
        let (points, two_d) = points_of(&r);
        let text = text_of(&r);
        if read_here.contains(&text) {
            again += 1;
        } else {
            read_here.push(text.clone());
            if !text.is_empty() && !seen.iter().any(|s| s.text == text) {
                seen.push(seen_at(text, &r, to_photo, None));
            }
        }
        let mut picture = Grey {
            width,
            height,
            pixels,
        };
        if !blank_out(&mut picture, &points, two_d, 1 + again) {
            return;
        }
        pixels = picture.pixels;
    }
}

/// Reads every barcode in a place cut out of the photo (`place`, its area
/// on the photo) with zxing's multiple reader, which reads the parts around
/// each barcode it finds: slower, but a second barcode close beside a
/// first, small in a large photo, is found there where a read of the whole
/// place misses it.
fn decode_around(
    grey: Grey,
    to_photo: &dyn Fn(f32, f32) -> (f32, f32),
    place: Option<Area>,
    formats: &[(BarcodeFormat, &str)],
    seen: &mut Vec<Seen>,
) {
    let Ok(source) = Luma8LuminanceSource::new(grey.pixels, grey.width, grey.height) else {
        return;
    };
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let hints = hints(formats);
    let mut reader = GenericMultipleBarcodeReader::new(MultiUseMultiFormatReader::default());
    let Ok(results) = reader.decode_multiple_with_hints(&mut bitmap, &hints) else {
        return;
    };
    for r in results {
        let text = text_of(&r);
        if text.is_empty() || seen.iter().any(|s| s.text == text) {
            continue;
        }
        seen.push(seen_at(text, &r, to_photo, place));
    }
}

/// A reading's text, without the control characters some labels' codes
/// carry (a Code 128 FNC, a QR code's line ends).
fn text_of(r: &rxing::RXingResult) -> String {
    r.getText().chars().filter(|c| !c.is_control()).collect()
}

/// How a picture is read: harder (every row, and turned), for `formats`.
fn hints(formats: &[(BarcodeFormat, &str)]) -> DecodeHints {
    DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(formats.iter().map(|(f, _)| *f).collect::<HashSet<_>>()),
        ..DecodeHints::default()
    }
}

/// A reading's points, and whether it is a 2D code's.
fn points_of(r: &rxing::RXingResult) -> (Vec<(f32, f32)>, bool) {
    let points = r.getPoints().iter().map(|p| (p.x, p.y)).collect();
    let two_d = matches!(
        r.getBarcodeFormat(),
        BarcodeFormat::QR_CODE | BarcodeFormat::DATA_MATRIX
    );
    (points, two_d)
}

/// The barcode `r` read (its `text`), on the photo.
fn seen_at(
    text: String,
    r: &rxing::RXingResult,
    to_photo: &dyn Fn(f32, f32) -> (f32, f32),
    place: Option<Area>,
) -> Seen {
    let (points, two_d) = points_of(r);
    let ends: Vec<(f32, f32)> = points.iter().map(|&(x, y)| to_photo(x, y)).collect();
    // A 1D reader gives the start and the end of the barcode in the
    // order it reads, however the photo lies.
    let reads_at = match ends.as_slice() {
        [(x0, y0), (x1, y1), ..] if !two_d && (x1 - x0).hypot(y1 - y0) > 1.0 => {
            Some((y1 - y0).atan2(x1 - x0).to_degrees())
        }
        _ => None,
    };
    let mut area = Area::around(ends).unwrap_or_default();
    // A 1D barcode's points lie on one line across it: give the box the
    // barcode's height (a sixth of its length), whichever way it lies.
    if area.height < area.width / 6 {
        let grow = area.width / 6 - area.height;
        area.y = area.y.saturating_sub(grow / 2);
        area.height += grow;
    } else if area.width < area.height / 6 {
        let grow = area.height / 6 - area.width;
        area.x = area.x.saturating_sub(grow / 2);
        area.width += grow;
    }
    if let Some(place) = place
        && area.width <= 1
    {
        area = place;
    }
    Seen {
        text,
        symbology: name_of(r.getBarcodeFormat()),
        area,
        reads_at,
    }
}

/// Paints a barcode read at `points` white, as far as its bars were
/// measured to reach, further the more `times` it was read: `false` where
/// the points mark no place to paint.
fn blank_out(picture: &mut Grey, points: &[(f32, f32)], two_d: bool, times: u32) -> bool {
    let (width, height) = (picture.width, picture.height);
    let line = match points {
        [a, b] if !two_d => Some((*a, *b)),
        _ => None,
    };
    let Some(((x0, y0), (x1, y1))) = line else {
        // A 2D code's points are its corners or its finders' centres.
        let Some(area) = Area::around(points.iter().copied()) else {
            return false;
        };
        let grow = (area.width.max(area.height) / 3).max(4) * times;
        let area = area.grown(grow).clamped(width, height);
        for y in area.y..area.y + area.height {
            let row = (y * width) as usize;
            picture.pixels[row + area.x as usize..row + (area.x + area.width) as usize].fill(255);
        }
        return true;
    };
    let length = (x1 - x0).hypot(y1 - y0);
    if !length.is_finite() || length < 4.0 {
        return false;
    }
    let along = ((x1 - x0) / length, (y1 - y0) / length);
    let across = (-along.1, along.0);
    let reach = |side: f32| bars_reach(picture, (x0, y0), along, across, length, side);
    let (before, after) = (reach(-1.0), reach(1.0));
    // The start and stop patterns stand a little outside the points.
    let margin = length * 0.06 + 2.0;
    // Each time the same barcode comes back, a little further.
    let spare = 2.0 + 4.0 * (times - 1) as f32;
    let (from, to) = (-before - spare, after + spare);
    let corners = [
        (-margin, from),
        (length + margin, from),
        (-margin, to),
        (length + margin, to),
    ]
    .map(|(s, t)| {
        (
            x0 + along.0 * s + across.0 * t,
            y0 + along.1 * s + across.1 * t,
        )
    });
    let Some(bounds) = Area::around(corners) else {
        return false;
    };
    let bounds = bounds.clamped(width, height);
    for y in bounds.y..bounds.y + bounds.height {
        for x in bounds.x..bounds.x + bounds.width {
            let (dx, dy) = (x as f32 - x0, y as f32 - y0);
            let s = dx * along.0 + dy * along.1;
            let t = dx * across.0 + dy * across.1;
            if s >= -margin && s <= length + margin && t >= from && t <= to {
                picture.pixels[(y * width + x) as usize] = 255;
            }
        }
    }
    true
}

/// How far a 1D barcode's bars reach from the line it was read along
/// (`start`, `along` it for `length` pixels), to one `side` of it: while
/// each row across the bars, a pixel further out, matches the row before
/// it (a bar may lean, and move by a pixel) and crosses as many bars.
fn bars_reach(
    picture: &Grey,
    start: (f32, f32),
    along: (f32, f32),
    across: (f32, f32),
    length: f32,
    side: f32,
) -> f32 {
    let samples = (length as usize).clamp(8, 400);
    let row = |t: f32| -> Vec<u8> {
        (0..samples)
            .map(|i| {
                let s = length * i as f32 / (samples - 1) as f32;
                let x = start.0 + along.0 * s + across.0 * t;
                let y = start.1 + along.1 * s + across.1 * t;
                if x < 0.0 || y < 0.0 || x >= picture.width as f32 || y >= picture.height as f32 {
                    255
                } else {
                    picture.pixels[y as usize * picture.width as usize + x as usize]
                }
            })
            .collect()
    };
    let first = row(0.0);
    let mean = first.iter().map(|&v| v as u32).sum::<u32>() / samples as u32;
    let dark = |r: &[u8]| r.iter().map(|&v| (v as u32) < mean).collect::<Vec<bool>>();
    let changes = |d: &[bool]| d.windows(2).filter(|w| w[0] != w[1]).count();
    let mut before = dark(&first);
    let bars = changes(&before);
    let mut t = 0.0;
    while t < length {
        let next = dark(&row(side * (t + 1.0)));
        // The best match of the two rows, one moved by up to two samples.
        let best = (-2i32..=2)
            .map(|shift| {
                (0..samples)
                    .filter(|&i| {
                        let j = i as i32 + shift;
                        j >= 0 && (j as usize) < samples && next[j as usize] == before[i]
                    })
                    .count()
            })
            .max()
            .unwrap_or(0);
        if best * 10 < samples * 7 || changes(&next) * 2 < bars {
            break;
        }
        before = next;
        t += 1.0;
    }
    t
}

/// A place on the photo that looks like a barcode, and the angle (degrees)
/// that turns its bars upright.
#[derive(Clone, Copy, Debug)]
pub struct LikelyBarcode {
    pub area: Area,
    pub angle: f32,
}

/// Blocks of the photo, with the strength and direction of their edges.
struct Block {
    xx: f64,
    yy: f64,
    xy: f64,
}

/// The places on `photo` with fine, parallel edges (the bars of a 1D
/// barcode) or dense edges in all directions (a 2D code), biggest first.
pub fn likely_barcodes(photo: &Grey) -> Vec<LikelyBarcode> {
    let long = photo.width.max(photo.height);
    let size = (long / 96).max(8);
    let (bw, bh) = (photo.width / size, photo.height / size);
    if bw < 2 || bh < 2 {
        return Vec::new();
    }
    let blocks = edge_blocks(photo, size, bw, bh);
    let energy: Vec<f64> = blocks.iter().map(|b| b.xx + b.yy).collect();
    let most = energy.iter().cloned().fold(0.0, f64::max);
    if most <= 0.0 {
        return Vec::new();
    }
    let coherence = |b: &Block| {
        let e = b.xx + b.yy;
        if e <= 0.0 {
            0.0
        } else {
            ((b.xx - b.yy).powi(2) + 4.0 * b.xy * b.xy).sqrt() / e
        }
    };
    let marked: Vec<bool> = blocks
        .iter()
        .zip(&energy)
        .map(|(b, &e)| e >= most * 0.15 && coherence(b) >= 0.55)
        .collect();
    let mut found = groups(&marked, size, bw, bh);
    found.retain(|(members, _)| members.len() >= 3);
    found.sort_by_key(|(members, _)| std::cmp::Reverse(members.len()));
    found
        .into_iter()
        .map(|(members, area)| {
            let (mut xx, mut yy, mut xy) = (0.0, 0.0, 0.0);
            for &m in &members {
                xx += blocks[m].xx;
                yy += blocks[m].yy;
                xy += blocks[m].xy;
            }
            // The direction across the bars, from the x axis; a quarter
            // turn either way is left to the reader, which tries both.
            let mut angle = (0.5 * (2.0 * xy).atan2(xx - yy)).to_degrees() as f32;
            if angle > 45.0 {
                angle -= 90.0;
            } else if angle < -45.0 {
                angle += 90.0;
            }
            // A margin of quiet zone and of the bars' full height.
            let grow = area.width.max(area.height) / 4 + 2 * size;
            LikelyBarcode {
                area: area.grown(grow),
                angle,
            }
        })
        .collect()
}

/// The edges of the photo summed in blocks of `size` pixels, `bw` by `bh` of them.
fn edge_blocks(photo: &Grey, size: u32, bw: u32, bh: u32) -> Vec<Block> {
    let mut blocks: Vec<Block> = (0..bw * bh)
        .map(|_| Block {
            xx: 0.0,
            yy: 0.0,
            xy: 0.0,
        })
        .collect();
    let w = photo.width as usize;
    let px = &photo.pixels;
    // Every other row and column: the edges of bars a few pixels wide are
    // still all seen, at a quarter of the work.
    for y in (1..(bh * size).min(photo.height - 1) as usize).step_by(2) {
        let row = &mut blocks[(y / size as usize) * bw as usize..][..bw as usize];
        for x in (1..(bw * size).min(photo.width - 1) as usize).step_by(2) {
            let gx = px[y * w + x + 1] as i32 - px[y * w + x - 1] as i32;
            let gy = px[(y + 1) * w + x] as i32 - px[(y - 1) * w + x] as i32;
            let b = &mut row[x / size as usize];
            b.xx += (gx * gx) as f64;
            b.yy += (gy * gy) as f64;
            b.xy += (gx * gy) as f64;
        }
    }
    blocks
}

/// The marked blocks in groups of neighbours, with the area each covers.
fn groups(marked: &[bool], size: u32, bw: u32, bh: u32) -> Vec<(Vec<usize>, Area)> {
    let mut label = vec![usize::MAX; marked.len()];
    let mut found: Vec<(Vec<usize>, Area)> = Vec::new();
    for start in 0..marked.len() {
        if !marked[start] || label[start] != usize::MAX {
            continue;
        }
        let id = found.len();
        let mut members = vec![start];
        label[start] = id;
        let mut i = 0;
        while i < members.len() {
            let at = members[i];
            let (x, y) = ((at as u32 % bw) as i64, (at as u32 / bw) as i64);
            // Neighbours up to two blocks away: the gaps between bars and
            // between a barcode's halves are bridged.
            for dy in -2..=2 {
                for dx in -2..=2 {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx < 0 || ny < 0 || nx >= bw as i64 || ny >= bh as i64 {
                        continue;
                    }
                    let n = (ny * bw as i64 + nx) as usize;
                    if marked[n] && label[n] == usize::MAX {
                        label[n] = id;
                        members.push(n);
                    }
                }
            }
            i += 1;
        }
        let area = Area::around(members.iter().flat_map(|&m| {
            let (x, y) = ((m as u32 % bw) as f32, (m as u32 / bw) as f32);
            [
                (x * size as f32, y * size as f32),
                ((x + 1.0) * size as f32, (y + 1.0) * size as f32),
            ]
        }))
        .unwrap_or_default();
        found.push((members, area));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A picture of paper with two bar patterns, one above the other with
    /// a gap of `gap` pixels, their bars leaning by `lean` pixels over
    /// their height: the top one's rows `10..60`.
    fn two_barcodes(gap: u32, lean: u32) -> Grey {
        let (width, height) = (300, 200);
        let mut pixels = vec![230u8; (width * height) as usize];
        let bars = |pixels: &mut Vec<u8>, top: u32, bottom: u32| {
            for y in top..bottom {
                let shift = lean * (y - top) / (bottom - top);
                for x in 40..260u32 {
                    // Bars one to three pixels wide.
                    if (x * 7 / 5 + x / 9) % 4 < 2 {
                        pixels[(y * width + x + shift) as usize] = 20;
                    }
                }
            }
        };
        bars(&mut pixels, 10, 60);
        bars(&mut pixels, 60 + gap, 110 + gap);
        Grey {
            width,
            height,
            pixels,
        }
    }

    fn dark_rows(picture: &Grey) -> Vec<u32> {
        (0..picture.height)
            .filter(|&y| {
                (0..picture.width).any(|x| picture.pixels[(y * picture.width + x) as usize] < 100)
            })
            .collect()
    }

    #[test]
    fn a_barcode_read_is_blanked_to_its_bars_ends_and_the_one_below_kept() {
        for lean in [0, 3] {
            let mut picture = two_barcodes(12, lean);
            // Read along row 30, from the start to the end of its bars.
            assert!(blank_out(
                &mut picture,
                &[(45.0, 30.0), (255.0, 30.0)],
                false,
                1
            ));
            let rows = dark_rows(&picture);
            assert_eq!(rows.first(), Some(&72), "lean {lean}: {rows:?}");
            assert_eq!(rows.len(), 50, "lean {lean}: {rows:?}");
        }
    }

    #[test]
    fn points_that_make_no_line_blank_nothing() {
        let mut picture = two_barcodes(12, 0);
        assert!(!blank_out(
            &mut picture,
            &[(45.0, 30.0), (46.0, 30.0)],
            false,
            1
        ));
        assert!(!blank_out(
            &mut picture,
            &[(f32::NAN, 30.0), (200.0, 30.0)],
            false,
            1
        ));
        assert!(!blank_out(&mut picture, &[], true, 1));
        assert_eq!(dark_rows(&picture).len(), 100);
    }
}
