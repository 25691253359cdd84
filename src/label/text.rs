//! The printed text on a label photo, read by Tesseract (the distribution's
//! `tesseract-ocr`, run as a program): its lines, each with where it is.

use super::photo::{Area, Grey, unturned};
use super::square::{Homography, Quad};
use super::tesseract::{Pool, Trouble};

/// One line of printed text and where it is on the photo.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub text: String,
    pub area: Area,
    /// Tesseract's confidence in the line's words, 0-100 (their mean).
    pub confidence: u8,
}

/// How the photo is handed to Tesseract: which part of it, turned and
/// levelled how, in grey or in black and white, read as what layout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// The part read (the whole photo where `None`).
    pub area: Option<Area>,
    /// Clockwise quarter turns that set the print upright.
    pub quarters: u8,
    /// Degrees (anticlockwise) that level the print after the turn.
    pub level: f32,
    /// The print alone ([`super::clean::print_only`]): black and white by
    /// each pixel's neighbourhood, bars and edges taken out. Otherwise the
    /// grey photo, left to Tesseract's own black and white.
    pub clean: bool,
    /// Tesseract's page segmentation mode: 11 sparse text, 6 one block.
    pub psm: u8,
    /// The long side it is read at, at most (shrunk by a whole factor).
    pub long: u32,
    /// How far the photo is softened first, photo pixels (a box mean's
    /// radius, taken three times): about half a dot-matrix printer's dot
    /// pitch runs its dots into strokes. 0 for print of solid strokes.
    pub dots: f32,
    /// The label's corners where it is read squared from them (a photo
    /// taken at a slant): the rectangle they make, in place of `area`.
    pub square: Option<Quad>,
}

impl Default for View {
    fn default() -> View {
        View {
            area: None,
            quarters: 0,
            level: 0.0,
            clean: true,
            psm: 11,
            long: 2400,
            dots: 0.0,
            square: None,
        }
    }
}

/// What became of reading the printed text.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Read(Vec<Line>),
    /// Tesseract is not on this machine: how to install it.
    NotInstalled(String),
    /// Tesseract ran and failed, or was stopped: what it said.
    Failed(String),
    Stopped,
}

/// Reads the printed lines of `photo` as `view` says, each line's box in the
/// photo's pixels. `stop` is asked while Tesseract works, and ends it when it
/// says so.
pub fn read(pool: &Pool, photo: &Grey, view: &View, stop: &dyn Fn() -> bool) -> Outcome {
    // The part read, and the way from a pixel of it back to the photo.
    // Print on a label is read best at 20-40 pixels a letter: a phone
    // photo's full resolution only slows Tesseract down.
    let (mut cut, frame) = match &view.square {
        Some(quad) => {
            let (cut, back) = super::square::squared(photo, quad, view.long);
            (cut, Frame::Squared(back))
        }
        None => {
            let (cut, factor) = photo.prepared(view.area, view.long);
            let area = view
                .area
                .map_or(Area::default(), |a| a.clamped(photo.width, photo.height));
            (cut, Frame::Cut { factor, area })
        }
    };
    if view.dots > 0.0 {
        cut = cut.softened((view.dots / frame.scale()).round() as u32);
    }
    let (cw, ch) = (cut.width, cut.height);
    let mut turned = cut.quarter(view.quarters);
    if view.level.abs() > 0.5 {
        turned = turned.rotate(view.level);
    }
    // Cleaned the way up it is read: the print's height is its letters',
    // and a turned barcode's bars stand taller than them.
    if view.clean {
        turned = super::clean::print_only(&turned);
    }
    let (tw, th) = (turned.width, turned.height);
    let tsv = match pool.read(&turned, view.psm, stop) {
        Ok(Some(tsv)) => tsv,
        Ok(None) => return Outcome::Stopped,
        Err(Trouble::NotInstalled(how)) => return Outcome::NotInstalled(how),
        Err(Trouble::Failed(why)) => return Outcome::Failed(why),
    };
    let (sin, cos) = view.level.to_radians().sin_cos();
    let (cx, cy) = (tw as f32 / 2.0, th as f32 / 2.0);
    // A point Tesseract gives, back on the photo.
    let back = |x: f32, y: f32| {
        let (dx, dy) = (x - cx, y - cy);
        let (x, y) = if view.level.abs() > 0.5 {
            (cos * dx - sin * dy + cx, sin * dx + cos * dy + cy)
        } else {
            (x, y)
        };
        let (x, y) = unturned(x, y, view.quarters, cw, ch);
        frame.to_photo(x, y)
    };
    let mut lines = lines_of(&tsv);
    for line in &mut lines {
        let a = line.area;
        let (x0, y0, x1, y1) = (
            a.x as f32,
            a.y as f32,
            (a.x + a.width) as f32,
            (a.y + a.height) as f32,
        );
        line.area = Area::around([back(x0, y0), back(x1, y0), back(x0, y1), back(x1, y1)])
            .unwrap_or_default();
    }
    Outcome::Read(lines)
}

/// Where the part read lies on the photo.
enum Frame {
    /// A part of the photo (`area`), shrunk by `factor`.
    Cut { factor: u32, area: Area },
    /// The label squared from its corners.
    Squared(Homography),
}

impl Frame {
    /// Photo pixels a pixel of the part stands for, about.
    fn scale(&self) -> f32 {
        match self {
            Frame::Cut { factor, .. } => *factor as f32,
            Frame::Squared(back) => {
                let (x0, y0) = back.map(0.0, 0.0);
                let (x1, y1) = back.map(100.0, 0.0);
                (x1 - x0).hypot(y1 - y0) / 100.0
            }
        }
    }

    fn to_photo(&self, x: f32, y: f32) -> (f32, f32) {
        match self {
            Frame::Cut { factor, area } => (
                x * *factor as f32 + area.x as f32,
                y * *factor as f32 + area.y as f32,
            ),
            Frame::Squared(back) => back.map(x, y),
        }
    }
}

/// The lines of Tesseract's TSV output: its words joined by line, each
/// line's box the one around its words.
fn lines_of(tsv: &str) -> Vec<Line> {
    // Each line by its place in the page (block, paragraph, line), with how
    // many words it has so far.
    type Key = (u32, u32, u32, u32);
    let mut lines: Vec<(Key, Line, u32)> = Vec::new();
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let n = |i: usize| f[i].trim().parse::<u32>().unwrap_or(0);
        let word = f[11].trim();
        if word.is_empty() {
            continue;
        }
        let key = (n(1), n(2), n(3), n(4));
        let confidence = f[10].trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 100.0) as u8;
        let area = Area {
            x: n(6),
            y: n(7),
            width: n(8),
            height: n(9),
        };
        match lines.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, line, words)) => {
                *words += 1;
                line.confidence =
                    ((line.confidence as u32 * (*words - 1) + confidence as u32) / *words) as u8;
                line.text.push(' ');
                line.text.push_str(word);
                let (x1, y1) = (
                    (line.area.x + line.area.width).max(area.x + area.width),
                    (line.area.y + line.area.height).max(area.y + area.height),
                );
                line.area.x = line.area.x.min(area.x);
                line.area.y = line.area.y.min(area.y);
                line.area.width = x1 - line.area.x;
                line.area.height = y1 - line.area.y;
            }
            None => lines.push((
                key,
                Line {
                    text: word.to_string(),
                    area,
                    confidence,
                },
                1,
            )),
        }
    }
    lines.into_iter().map(|(_, l, _)| l).collect()
}
