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
/// black with soft edges.
fn print(img: &mut GrayImage, text: &str, x: u32, y: u32, height: u32) {
    use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
    let font = FontRef::try_from_slice(FONT).unwrap_or_else(|e| panic!("the test font: {e}"));
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
fn print_width(text: &str, height: u32) -> u32 {
    use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
    let Ok(font) = FontRef::try_from_slice(FONT) else {
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
    let text_w = |t: &str| print_width(t, text_h);
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
            print(&mut out, c, margin, y + text_h / 4, text_h);
            y += line_h;
        }
        y += margin;
    }
    for l in &label.lines {
        print(&mut out, l, margin, y, text_h);
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
        }
    }
}

/// The label on a grey bench, photographed as `shot` says.
pub fn photo(label: &Label, shot: Shot) -> GrayImage {
    let target_w = (shot.width as f32 * shot.fill).max(8.0);
    // Draw the label at a whole module size near the one wanted, then
    // scale: edges land between pixels as in a camera.
    let probe = draw(label, 1);
    let module = ((target_w / probe.width() as f32).floor() as u32).max(1);
    let sharp = draw(label, module);
    let scale = target_w / sharp.width() as f32;
    let lw = (sharp.width() as f32 * scale) as u32;
    let lh = (sharp.height() as f32 * scale) as u32;
    let scaled = image::imageops::resize(&sharp, lw.max(1), lh.max(1), image::imageops::Triangle);
    let mut bench = GrayImage::from_pixel(shot.width, shot.height, Luma([90]));
    let (sin, cos) = shot.angle.to_radians().sin_cos();
    let (cx, cy) = (
        shot.width as f32 * shot.at.0,
        shot.height as f32 * shot.at.1,
    );
    let (hw, hh) = (lw as f32 / 2.0, lh as f32 / 2.0);
    for y in 0..shot.height {
        for x in 0..shot.width {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            // Anticlockwise on screen, where y grows downwards.
            let (lx, ly) = (cos * dx - sin * dy + hw, sin * dx + cos * dy + hh);
            if lx >= 0.0 && ly >= 0.0 && lx < lw as f32 - 1.0 && ly < lh as f32 - 1.0 {
                let v = scaled.get_pixel(lx as u32, ly as u32)[0];
                bench.put_pixel(x, y, Luma([v]));
            }
        }
    }
    if shot.blur > 0 {
        bench = image::imageops::blur(&bench, shot.blur as f32);
    }
    let span = shot.paper.saturating_sub(shot.ink) as u32;
    let mut state = shot.seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    for p in bench.pixels_mut() {
        let mut v = shot.ink as i32 + (p[0] as u32 * span / 255) as i32;
        if shot.noise > 0 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = ((state >> 33) % (2 * shot.noise as u64 + 1)) as i32 - shot.noise as i32;
            v += r;
        }
        p[0] = v.clamp(0, 255) as u8;
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
