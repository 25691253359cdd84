//! Label photos made in code, for the label tests and the label benchmark:
//! a white label with barcodes (drawn by the decoder crate's own encoders)
//! and printed lines (DejaVu Sans Mono, drawn with soft edges as print is),
//! put on a larger photo, turned, blurred, noised, dimmed and compressed as
//! a bench photo is.

#![allow(dead_code)]

use image::{GrayImage, Luma};
use rxing::{BarcodeFormat, MultiFormatWriter, Writer};

/// What a label holds, top to bottom: each barcode with the line printed
/// under it, then the other printed lines.
#[derive(Clone, Debug, Default)]
pub struct Label {
    pub barcodes: Vec<(BarcodeFormat, String)>,
    pub lines: Vec<String>,
    /// The printed text under each barcode (its own text where `None`).
    pub captions: Vec<Option<String>>,
    /// The face its lines are printed in.
    pub face: Face,
}

/// The faces label printers use: the bundled DejaVu Sans Mono, the
/// distribution's proportional and OCR-B faces (Debian's fonts-liberation,
/// fonts-freefont-ttf, fonts-noto-core, fonts-ocr-b), and a dot-matrix
/// print made of round dots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Face {
    #[default]
    DejaVuMono,
    LiberationSans,
    LiberationNarrowBold,
    FreeSans,
    NotoSans,
    OcrB,
    DotMatrix,
}

impl Face {
    pub const ALL: [Face; 7] = [
        Face::DejaVuMono,
        Face::LiberationSans,
        Face::LiberationNarrowBold,
        Face::FreeSans,
        Face::NotoSans,
        Face::OcrB,
        Face::DotMatrix,
    ];

    /// Where the distribution keeps the face (`None`: bundled).
    pub fn path(self) -> Option<&'static str> {
        match self {
            Face::DejaVuMono | Face::DotMatrix => None,
            Face::LiberationSans => {
                Some("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
            }
            Face::LiberationNarrowBold => {
                Some("/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf")
            }
            Face::FreeSans => Some("/usr/share/fonts/truetype/freefont/FreeSans.ttf"),
            Face::NotoSans => Some("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
            Face::OcrB => Some("/usr/share/fonts/opentype/ocr-b/OCRB.otf"),
        }
    }

    /// Whether this machine has the face.
    pub fn installed(self) -> bool {
        self.path()
            .is_none_or(|p| std::path::Path::new(p).is_file())
    }

    fn bytes(self) -> &'static [u8] {
        static LOADED: std::sync::Mutex<Vec<(Face, &'static [u8])>> =
            std::sync::Mutex::new(Vec::new());
        let Some(path) = self.path() else {
            return FONT;
        };
        let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, b)) = loaded.iter().find(|(f, _)| *f == self) {
            return b;
        }
        let bytes: &'static [u8] = std::fs::read(path)
            .unwrap_or_else(|e| {
                panic!("the face {self:?} ({path}): {e}; install fonts-liberation fonts-freefont-ttf fonts-noto-core fonts-ocr-b")
            })
            .leak();
        loaded.push((self, bytes));
        bytes
    }
}

impl Label {
    pub fn code128(text: &str) -> Label {
        Label {
            barcodes: vec![(BarcodeFormat::CODE_128, text.to_string())],
            ..Label::default()
        }
    }

    pub fn with(mut self, format: BarcodeFormat, text: &str) -> Label {
        self.barcodes.push((format, text.to_string()));
        self
    }

    pub fn line(mut self, text: &str) -> Label {
        self.lines.push(text.to_string());
        self
    }

    /// The printed line under the last barcode, in place of its own text.
    pub fn caption(mut self, text: &str) -> Label {
        while self.captions.len() + 1 < self.barcodes.len() {
            self.captions.push(None);
        }
        self.captions.push(Some(text.to_string()));
        self
    }
}

/// The printed lines' font: DejaVu Sans Mono (its licence beside it), a
/// plain sans-serif as label printers use.
const FONT: &[u8] = include_bytes!("../data/fonts/DejaVuSansMono.ttf");

/// Prints `text` with its top left at (x, y), `height` pixels a line, in
/// black with soft edges, in `face`.
fn print(img: &mut GrayImage, text: &str, x: u32, y: u32, height: u32, face: Face) {
    if face == Face::DotMatrix {
        return print_dots(img, text, x, y, height);
    }
    print_outlines(img, text, x, y, height, face.bytes());
}

/// A dot-matrix printer's print: the letters of a bold face sampled on a
/// grid of seven rows a letter, each dot round and a little apart.
fn print_dots(img: &mut GrayImage, text: &str, x: u32, y: u32, height: u32) {
    let w = print_width(text, height, Face::DotMatrix) + 2;
    let mut solid = GrayImage::from_pixel(w, height + 2, Luma([255]));
    print_outlines(&mut solid, text, 0, 0, height, FONT);
    let pitch = (height as f32 / 10.0).max(2.0);
    let r = pitch * 0.45;
    // A dot wherever the letter's stroke passes near the grid point: the
    // pins of a print head strike on a grid.
    let near = |gx: f32, gy: f32| {
        let half = (pitch * 0.25).round() as i64;
        (-half..=half).any(|dy| {
            (-half..=half).any(|dx| {
                let (px, py) = (gx as i64 + dx, gy as i64 + dy);
                px >= 0
                    && py >= 0
                    && (px as u32) < solid.width()
                    && (py as u32) < solid.height()
                    && solid.get_pixel(px as u32, py as u32)[0] < 128
            })
        })
    };
    let mut gy = pitch / 2.0;
    while gy < solid.height() as f32 {
        let mut gx = pitch / 2.0;
        while gx < solid.width() as f32 {
            if near(gx, gy) {
                let (cx, cy) = (x as f32 + gx, y as f32 + gy);
                for py in (cy - r) as i64..=(cy + r) as i64 {
                    for px in (cx - r) as i64..=(cx + r) as i64 {
                        let d = ((px as f32 - cx).powi(2) + (py as f32 - cy).powi(2)).sqrt();
                        if px >= 0
                            && py >= 0
                            && (px as u32) < img.width()
                            && (py as u32) < img.height()
                            && d <= r
                        {
                            img.put_pixel(px as u32, py as u32, Luma([20]));
                        }
                    }
                }
            }
            gx += pitch;
        }
        gy += pitch;
    }
}

fn print_outlines(img: &mut GrayImage, text: &str, x: u32, y: u32, height: u32, bytes: &[u8]) {
    use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
    let font = FontRef::try_from_slice(bytes).unwrap_or_else(|e| panic!("the test font: {e}"));
    let scaled = font.as_scaled(PxScale::from(height as f32));
    let mut caret = x as f32;
    for ch in text.chars() {
        let id = scaled.glyph_id(ch);
        let glyph =
            id.with_scale_and_position(height as f32, point(caret, y as f32 + scaled.ascent()));
        caret += scaled.h_advance(id);
        let Some(outlined) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outlined.px_bounds();
        outlined.draw(|gx, gy, cover| {
            let (px, py) = (
                bounds.min.x as i64 + gx as i64,
                bounds.min.y as i64 + gy as i64,
            );
            if px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                let old = img.get_pixel(px as u32, py as u32)[0] as f32;
                let v = old * (1.0 - cover.clamp(0.0, 1.0));
                img.put_pixel(px as u32, py as u32, Luma([v as u8]));
            }
        });
    }
}

/// How wide `text` prints at `height` pixels a line.
fn print_width(text: &str, height: u32, face: Face) -> u32 {
    use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
    let Ok(font) = FontRef::try_from_slice(face.bytes()) else {
        return 0;
    };
    let scaled = font.as_scaled(PxScale::from(height as f32));
    text.chars()
        .map(|c| scaled.h_advance(scaled.glyph_id(c)))
        .sum::<f32>()
        .ceil() as u32
}

fn fill(img: &mut GrayImage, x: u32, y: u32, w: u32, h: u32, v: u8) {
    for yy in y..(y + h).min(img.height()) {
        for xx in x..(x + w).min(img.width()) {
            img.put_pixel(xx, yy, Luma([v]));
        }
    }
}

/// The label alone: `module` pixels a barcode module, white all round.
pub fn draw(label: &Label, module: u32) -> GrayImage {
    let text_h = (module * 12).max(12);
    let line_h = text_h + text_h / 2;
    let margin = 12 * module;
    let mut parts: Vec<(GrayImage, Option<String>)> = Vec::new();
    for (i, (format, text)) in label.barcodes.iter().enumerate() {
        let matrix = MultiFormatWriter
            .encode(text, format, 0, 0)
            .unwrap_or_else(|e| panic!("cannot encode {text:?} as {format:?}: {e}"));
        let two_d = matches!(format, BarcodeFormat::QR_CODE | BarcodeFormat::DATA_MATRIX);
        let (mw, mh) = (matrix.getWidth(), matrix.getHeight());
        let bar_h = if two_d { mh * module } else { 40 * module };
        let mut img = GrayImage::from_pixel(mw * module, bar_h, Luma([255]));
        for x in 0..mw {
            for y in 0..mh {
                if matrix.get(x, y) {
                    let (yy, hh) = if two_d {
                        (y * module, module)
                    } else {
                        (0, bar_h)
                    };
                    fill(&mut img, x * module, yy, module, hh, 0);
                }
            }
        }
        let caption = match label.captions.get(i) {
            Some(Some(c)) => Some(c.clone()),
            _ if two_d => None,
            _ => Some(text.clone()),
        };
        parts.push((img, caption));
    }
    let text_w = |t: &str| print_width(t, text_h, label.face);
    let width = parts
        .iter()
        .map(|(p, c)| p.width().max(c.as_deref().map_or(0, text_w)))
        .chain(label.lines.iter().map(|l| text_w(l)))
        .max()
        .unwrap_or(100)
        + 2 * margin;
    let height = parts
        .iter()
        .map(|(p, c)| p.height() + if c.is_some() { line_h } else { 0 } + margin)
        .sum::<u32>()
        + label.lines.len() as u32 * line_h
        + 2 * margin;
    let mut out = GrayImage::from_pixel(width, height, Luma([255]));
    let mut y = margin;
    for (part, caption) in &parts {
        image::imageops::overlay(&mut out, part, margin as i64, y as i64);
        y += part.height();
        if let Some(c) = caption {
            print(&mut out, c, margin, y + text_h / 4, text_h, label.face);
            y += line_h;
        }
        y += margin;
    }
    for l in &label.lines {
        print(&mut out, l, margin, y, text_h, label.face);
        y += line_h;
    }
    out
}

/// How a label is photographed.
#[derive(Clone, Copy, Debug)]
pub struct Shot {
    pub width: u32,
    pub height: u32,
    /// The label's width as a share of the photo's.
    pub fill: f32,
    /// Turned, degrees anticlockwise.
    pub angle: f32,
    /// Box-blur radius, pixels.
    pub blur: u32,
    /// Noise, ± grey levels.
    pub noise: u8,
    /// Darkest and lightest grey (the ink and the paper).
    pub ink: u8,
    pub paper: u8,
    /// The label's centre, as a share of the photo.
    pub at: (f32, f32),
    pub seed: u64,
    /// Perspective: the label's far edge this share narrower than its near
    /// one (a phone held at a slant).
    pub tilt: f32,
    /// A glare spot's strength (0: none; 1: white at its centre), its place
    /// drawn from the seed.
    pub glare: f32,
    /// A shadow across the photo: the far side this share darker.
    pub shadow: f32,
    /// A cluttered bench: stray shapes, cables and a decoy sticker.
    pub clutter: bool,
    /// The brushed texture of a silver label, ± grey levels along rows.
    pub grain: u8,
}

impl Default for Shot {
    fn default() -> Shot {
        Shot {
            width: 1600,
            height: 1200,
            fill: 0.8,
            angle: 0.0,
            blur: 0,
            noise: 0,
            ink: 0,
            paper: 255,
            at: (0.5, 0.5),
            seed: 1,
            tilt: 0.0,
            glare: 0.0,
            shadow: 0.0,
            clutter: false,
            grain: 0,
        }
    }
}

/// A small random number generator, the same for the same seed.
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice(
            seed.wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407),
        )
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A whole number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A number between `a` and `b`.
    pub fn between(&mut self, a: f32, b: f32) -> f32 {
        a + (b - a) * (self.next() % 10_000) as f32 / 10_000.0
    }

    pub fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len() as u64) as usize]
    }
}

/// The label drawn at the size it fills on the photo.
fn scaled_label(label: &Label, target_w: f32) -> GrayImage {
    // Draw the label at a whole module size near the one wanted, then
    // scale: edges land between pixels as in a camera.
    let probe = draw(label, 1);
    let module = ((target_w / probe.width() as f32).floor() as u32).max(1);
    let sharp = draw(label, module);
    let scale = target_w / sharp.width() as f32;
    let lw = (sharp.width() as f32 * scale) as u32;
    let lh = (sharp.height() as f32 * scale) as u32;
    image::imageops::resize(&sharp, lw.max(1), lh.max(1), image::imageops::Triangle)
}

/// Lays `label` (already at its size) on `bench`, centred at `at` (pixels),
/// turned `angle` degrees anticlockwise, with `tilt` perspective; `tone`
/// maps the label's grey to the photo's.
fn lay(bench: &mut GrayImage, label: &GrayImage, at: (f32, f32), angle: f32, tilt: f32) {
    let (lw, lh) = (label.width() as f32, label.height() as f32);
    let (sin, cos) = angle.to_radians().sin_cos();
    let (hw, hh) = (lw / 2.0, lh / 2.0);
    let reach = (hw * hw + hh * hh).sqrt() * (1.0 + tilt.abs()) + 2.0;
    let (x0, x1) = (
        (at.0 - reach).max(0.0) as u32,
        (at.0 + reach).min(bench.width() as f32) as u32,
    );
    let (y0, y1) = (
        (at.1 - reach).max(0.0) as u32,
        (at.1 + reach).min(bench.height() as f32) as u32,
    );
    for y in y0..y1 {
        for x in x0..x1 {
            let (dx, dy) = (x as f32 - at.0, y as f32 - at.1);
            // Anticlockwise on screen, where y grows downwards.
            let (u, v) = (cos * dx - sin * dy, sin * dx + cos * dy);
            // The far (top) edge narrower: a phone held at a slant. The
            // label's sides are straight lines in the photo, and its far
            // rows closer together than its near ones (a perspective).
            let widen = 1.0 + tilt * (v / hh.max(1.0));
            let s = (v + hh) / (2.0 * hh).max(1.0);
            let (far, near) = ((1.0 - tilt).max(0.2), (1.0 + tilt).max(0.2));
            let t = (s / far) / ((1.0 - s) / near + s / far);
            let (lx, ly) = (u / widen.max(0.2) + hw, t * lh);
            if (0.0..=1.0).contains(&s) && lx >= 0.0 && ly >= 0.0 && lx < lw - 1.0 && ly < lh - 1.0
            {
                bench.put_pixel(x, y, Luma([label.get_pixel(lx as u32, ly as u32)[0]]));
            }
        }
    }
}

/// A bench of things that are not the label: boxes, cables, a sticker with
/// a part number's barcode and a year on it.
fn clutter(bench: &mut GrayImage, dice: &mut Dice, keep_clear: (f32, f32, f32)) {
    let (w, h) = (bench.width() as f32, bench.height() as f32);
    for _ in 0..8 {
        let (bw, bh) = (dice.between(0.05, 0.3) * w, dice.between(0.05, 0.3) * h);
        let (x, y) = (dice.between(0.0, w - bw), dice.between(0.0, h - bh));
        let v = dice.below(200) as u8 + 20;
        fill(bench, x as u32, y as u32, bw as u32, bh as u32, v);
    }
    for _ in 0..4 {
        let (mut x, mut y) = (dice.between(0.0, w), dice.between(0.0, h));
        let (dx, dy) = (dice.between(-1.0, 1.0), dice.between(-1.0, 1.0));
        let thick = (w / 200.0).max(2.0) as u32;
        for _ in 0..(w as u32) {
            fill(bench, x as u32, y as u32, thick, thick, 30);
            x += dx;
            y += dy;
        }
    }
    // A sticker of another part, away from the label.
    let sticker = Label::code128(dice.pick::<&str>(&["284059U10A", "7642346318", "25915BC60A"]))
        .line(dice.pick::<&str>(&["2006", "KW 07/07", "WARRANTY VOID", "28185 9U10A"]));
    let fill_w = w * dice.between(0.12, 0.2);
    let img = scaled_label(&sticker, fill_w);
    let (cx, cy, r) = keep_clear;
    for _ in 0..10 {
        let at = (dice.between(0.15, 0.85) * w, dice.between(0.15, 0.85) * h);
        let far = ((at.0 - cx).powi(2) + (at.1 - cy).powi(2)).sqrt()
            > r + (img.width() as f32).hypot(img.height() as f32) / 2.0;
        if far {
            lay(bench, &img, at, dice.between(-20.0, 20.0), 0.0);
            break;
        }
    }
}

/// The label on a grey bench, photographed as `shot` says.
pub fn photo(label: &Label, shot: Shot) -> GrayImage {
    let target_w = (shot.width as f32 * shot.fill).max(8.0);
    let mut scaled = scaled_label(label, target_w);
    let mut dice = Dice::new(shot.seed);
    if shot.grain > 0 {
        for y in 0..scaled.height() {
            let g = dice.below(2 * shot.grain as u64 + 1) as i32 - shot.grain as i32;
            for x in 0..scaled.width() {
                let p = scaled.get_pixel_mut(x, y);
                // Only the paper is brushed; the ink stays dark.
                if p[0] > 128 {
                    p[0] = (p[0] as i32 + g).clamp(0, 255) as u8;
                }
            }
        }
    }
    let mut bench = GrayImage::from_pixel(shot.width, shot.height, Luma([90]));
    let at = (
        shot.width as f32 * shot.at.0,
        shot.height as f32 * shot.at.1,
    );
    if shot.clutter {
        let r = (scaled.width() as f32).hypot(scaled.height() as f32) / 2.0;
        clutter(&mut bench, &mut dice, (at.0, at.1, r));
    }
    lay(&mut bench, &scaled, at, shot.angle, shot.tilt);
    if shot.blur > 0 {
        bench = image::imageops::blur(&bench, shot.blur as f32);
    }
    let span = shot.paper.saturating_sub(shot.ink) as u32;
    let glare_at = (
        at.0 + dice.between(-0.3, 0.3) * target_w,
        at.1 + dice.between(-0.1, 0.1) * target_w,
    );
    let glare_r = target_w * dice.between(0.08, 0.2);
    let (w, h) = (shot.width as f32, shot.height as f32);
    let mut state = shot.seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    for (x, y, p) in bench.enumerate_pixels_mut() {
        let mut v = shot.ink as f32 + (p[0] as u32 * span / 255) as f32;
        if shot.shadow > 0.0 {
            v *= 1.0 - shot.shadow * (x as f32 / w * 0.6 + y as f32 / h * 0.4);
        }
        if shot.glare > 0.0 {
            let d2 = (x as f32 - glare_at.0).powi(2) + (y as f32 - glare_at.1).powi(2);
            v += shot.glare * 255.0 * (-d2 / (glare_r * glare_r)).exp();
        }
        if shot.noise > 0 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = ((state >> 33) % (2 * shot.noise as u64 + 1)) as i32 - shot.noise as i32;
            v += r as f32;
        }
        p[0] = v.clamp(0.0, 255.0) as u8;
    }
    bench
}

/// The photo as a JPEG file's bytes.
pub fn jpeg(img: &GrayImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    encoder
        .encode_image(img)
        .unwrap_or_else(|e| panic!("cannot write a JPEG: {e}"));
    out
}

/// The photo as a PNG file's bytes.
pub fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap_or_else(|e| panic!("cannot write a PNG: {e}"));
    out
}
