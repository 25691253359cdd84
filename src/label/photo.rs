//! A label photo in memory: opened (JPEG and PNG only, each checked by its
//! first bytes, not its name), turned upright as the camera recorded it, and
//! kept in grey, the one channel barcodes and printed text are read from.

use std::io::Cursor;
use std::path::Path;

use image::{ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::files;

/// The biggest photo file read: a 48-megapixel phone photo is under 30 MB.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The most pixels a photo may have (a 64-megapixel camera); anything larger
/// is refused before it is decoded.
const MAX_PIXELS: u64 = 64_000_000;
/// The most memory a photo's decoded pixels may take: a 64-megapixel colour
/// photo at 8 bits a channel.
const MAX_DECODED_BYTES: u64 = 3 * MAX_PIXELS;

/// One photo in grey, a byte a pixel, row by row.
#[derive(Clone)]
pub struct Grey {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Grey {
    pub fn new(width: u32, height: u32) -> Grey {
        Grey {
            width,
            height,
            pixels: vec![255; width as usize * height as usize],
        }
    }

    pub fn at(&self, x: u32, y: u32) -> u8 {
        self.pixels[y as usize * self.width as usize + x as usize]
    }

    /// A part of the photo, clamped to it.
    pub fn crop(&self, area: Area) -> Grey {
        let area = area.clamped(self.width, self.height);
        let mut out = Vec::with_capacity(area.width as usize * area.height as usize);
        for y in area.y..area.y + area.height {
            let start = y as usize * self.width as usize + area.x as usize;
            out.extend_from_slice(&self.pixels[start..start + area.width as usize]);
        }
        Grey {
            width: area.width,
            height: area.height,
            pixels: out,
        }
    }

    /// Shrunk by a whole factor, each pixel the mean of its square: no
    /// aliasing of fine bars into false ones.
    pub fn shrink(&self, factor: u32) -> Grey {
        if factor <= 1 {
            return self.clone();
        }
        let (w, h) = (self.width / factor, self.height / factor);
        let f = factor as usize;
        let stride = self.width as usize;
        let mut sums = vec![0u32; w as usize];
        let mut out = Vec::with_capacity(w as usize * h as usize);
        for y in 0..h as usize {
            sums.iter_mut().for_each(|s| *s = 0);
            for row in 0..f {
                let line = &self.pixels[(y * f + row) * stride..][..w as usize * f];
                for (sum, chunk) in sums.iter_mut().zip(line.chunks_exact(f)) {
                    *sum += chunk.iter().map(|&p| p as u32).sum::<u32>();
                }
            }
            let n = (f * f) as u32;
            out.extend(sums.iter().map(|s| (s / n) as u8));
        }
        Grey {
            width: w,
            height: h,
            pixels: out,
        }
    }

    /// The part of the photo in `area` (the whole photo where `None`), shrunk
    /// by a whole factor to at most `long` pixels on its long side and
    /// contrast stretched, with that factor: how the barcode reader and
    /// Tesseract are given the photo.
    pub fn prepared(&self, area: Option<Area>, long: u32) -> (Grey, u32) {
        let area = area.map(|a| a.clamped(self.width, self.height));
        let (w, h) = area.map_or((self.width, self.height), |a| (a.width, a.height));
        let factor = w.max(h).div_ceil(long).max(1);
        // One copy at most: the crop, or the shrunk photo.
        let mut out = match area {
            Some(a) if factor > 1 => self.crop(a).shrink(factor),
            Some(a) => self.crop(a),
            None => self.shrink(factor),
        };
        out.stretch();
        (out, factor)
    }

    /// Sharpened (an unsharp mask: each pixel pushed away from the mean of
    /// the square `2 * radius + 1` around it, twice as far as it lies from
    /// it): blurred bars a module or two wide stand apart again.
    pub fn sharpened(&self, radius: u32) -> Grey {
        let (w, h) = (self.width as usize, self.height as usize);
        if w == 0 || h == 0 {
            return self.clone();
        }
        let r = radius.max(1) as usize;
        let mean = box_mean(&self.pixels, w, h, r);
        let pixels = self
            .pixels
            .iter()
            .zip(&mean)
            .map(|(&p, &m)| (3 * p as i32 - 2 * m as i32).clamp(0, 255) as u8)
            .collect();
        Grey {
            width: self.width,
            height: self.height,
            pixels,
        }
    }

    /// Softened: the mean of the square `2 * radius + 1` around each pixel,
    /// taken three times (close to a Gaussian blur of about `radius`).
    pub fn softened(&self, radius: u32) -> Grey {
        let (w, h) = (self.width as usize, self.height as usize);
        if w == 0 || h == 0 || radius == 0 {
            return self.clone();
        }
        let r = radius as usize;
        let once = box_mean(&self.pixels, w, h, r);
        let twice = box_mean(&once, w, h, r);
        Grey {
            width: self.width,
            height: self.height,
            pixels: box_mean(&twice, w, h, r),
        }
    }

    /// The darkest ink as black and the paper as white: the 1st and 99th
    /// percentiles stretched to 0 and 255, so a dim or washed-out photo
    /// binarises as well as a crisp one.
    pub fn stretch(&mut self) {
        let mut histogram = [0u64; 256];
        for &p in &self.pixels {
            histogram[p as usize] += 1;
        }
        let cut = self.pixels.len() as u64 / 100;
        let low = past(&histogram, cut, 0..256).unwrap_or(0);
        let high = past(&histogram, cut, (0..256).rev()).unwrap_or(255);
        if high - low < 8 || (low == 0 && high == 255) {
            return;
        }
        let mut table = [0u8; 256];
        for (v, t) in table.iter_mut().enumerate() {
            *t = ((v as i32 - low) * 255 / (high - low)).clamp(0, 255) as u8;
        }
        for p in &mut self.pixels {
            *p = table[*p as usize];
        }
    }

    /// Turned by `degrees` about its centre (anticlockwise on screen), the
    /// corners cut off by the turn filled with white; same size.
    pub fn rotate(&self, degrees: f32) -> Grey {
        let (sin, cos) = degrees.to_radians().sin_cos();
        let (w, h) = (self.width as f32, self.height as f32);
        let (cx, cy) = (w / 2.0, h / 2.0);
        let mut out = Grey::new(self.width, self.height);
        for y in 0..self.height {
            let dy = y as f32 + 0.5 - cy;
            for x in 0..self.width {
                let dx = x as f32 + 0.5 - cx;
                // Where this pixel of the turned photo comes from.
                let sx = cos * dx - sin * dy + cx - 0.5;
                let sy = sin * dx + cos * dy + cy - 0.5;
                if let Some(v) = self.sample(sx, sy) {
                    out.pixels[y as usize * self.width as usize + x as usize] = v;
                }
            }
        }
        out
    }
}

impl Grey {
    /// The grey at `(x, y)` between pixels (pixel centres at whole
    /// numbers), from the four around it; `None` off the photo.
    pub fn sample(&self, x: f32, y: f32) -> Option<u8> {
        let (w, h) = (self.width as f32, self.height as f32);
        if !(x >= 0.0 && y >= 0.0 && x < w - 1.0 && y < h - 1.0) {
            return None;
        }
        let (x0, y0) = (x as u32, y as u32);
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let p = |x, y| self.at(x, y) as f32;
        let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
        let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
        Some((top * (1.0 - fy) + bottom * fy) as u8)
    }

    /// Turned by `quarters` quarter turns clockwise, exactly.
    pub fn quarter(&self, quarters: u8) -> Grey {
        let (w, h) = (self.width as usize, self.height as usize);
        let q = quarters % 4;
        if q == 0 {
            return self.clone();
        }
        let (nw, nh) = if q == 2 { (w, h) } else { (h, w) };
        let mut pixels = Vec::with_capacity(w * h);
        for y in 0..nh {
            for x in 0..nw {
                let (sx, sy) = match q {
                    1 => (y, h - 1 - x),
                    2 => (w - 1 - x, h - 1 - y),
                    _ => (w - 1 - y, x),
                };
                pixels.push(self.pixels[sy * w + sx]);
            }
        }
        Grey {
            width: nw as u32,
            height: nh as u32,
            pixels,
        }
    }
}

/// Where a point of a photo turned by `quarters` clockwise quarter turns
/// (as [`Grey::quarter`] turns it) lies on the photo before the turn, whose
/// size was `width` by `height`.
pub fn unturned(x: f32, y: f32, quarters: u8, width: u32, height: u32) -> (f32, f32) {
    let (w, h) = (width as f32, height as f32);
    match quarters % 4 {
        0 => (x, y),
        1 => (y, h - x),
        2 => (w - x, h - y),
        _ => (w - y, x),
    }
}

/// The first grey level, taken in the order `levels` gives, past which more
/// than `cut` pixels have been counted.
fn past(histogram: &[u64; 256], cut: u64, levels: impl Iterator<Item = usize>) -> Option<i32> {
    let mut seen = 0;
    for v in levels {
        seen += histogram[v];
        if seen > cut {
            return Some(v as i32);
        }
    }
    None
}

/// A rectangle on a photo, in its pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Area {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Area {
    pub fn clamped(self, width: u32, height: u32) -> Area {
        let x = self.x.min(width.saturating_sub(1));
        let y = self.y.min(height.saturating_sub(1));
        Area {
            x,
            y,
            width: self.width.min(width - x).max(1),
            height: self.height.min(height - y).max(1),
        }
    }

    /// The smallest area holding all `areas`.
    pub fn union(areas: impl IntoIterator<Item = Area>) -> Option<Area> {
        Area::around(areas.into_iter().flat_map(|a| {
            [
                (a.x as f32, a.y as f32),
                ((a.x + a.width) as f32, (a.y + a.height) as f32),
            ]
        }))
    }

    /// The smallest area holding all `points` (x, y).
    pub fn around(points: impl IntoIterator<Item = (f32, f32)>) -> Option<Area> {
        let mut bounds: Option<(f32, f32, f32, f32)> = None;
        for (x, y) in points {
            if !x.is_finite() || !y.is_finite() {
                continue;
            }
            bounds = Some(match bounds {
                None => (x, y, x, y),
                Some((a, b, c, d)) => (a.min(x), b.min(y), c.max(x), d.max(y)),
            });
        }
        let (x0, y0, x1, y1) = bounds?;
        let (x0, y0) = (x0.max(0.0), y0.max(0.0));
        Some(Area {
            x: x0 as u32,
            y: y0 as u32,
            width: ((x1 - x0).max(0.0) as u32).max(1),
            height: ((y1 - y0).max(0.0) as u32).max(1),
        })
    }

    /// Grown by `by` pixels on every side (kept inside 0, 0).
    pub fn grown(self, by: u32) -> Area {
        Area {
            x: self.x.saturating_sub(by),
            y: self.y.saturating_sub(by),
            width: self.width + 2 * by,
            height: self.height + 2 * by,
        }
    }
}

/// What kind of file a photo is, from its first bytes: the two radiocode
/// reads, or the name of the one it refuses.
fn kind_of(bytes: &[u8]) -> Result<ImageFormat, String> {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Ok(ImageFormat::Jpeg),
        Ok(ImageFormat::Png) => Ok(ImageFormat::Png),
        Ok(other) => Err(format!(
            "is a {} image; radiocode reads JPEG and PNG photos. Save it as JPEG or PNG",
            other
                .extensions_str()
                .first()
                .unwrap_or(&"other")
                .to_uppercase()
        )),
        Err(_) if bytes.starts_with(b"%PDF") => {
            Err("is a PDF, not a photo; radiocode reads JPEG and PNG photos".to_string())
        }
        Err(_) if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" => Err(
            "is a HEIC/HEIF or video file; radiocode reads JPEG and PNG photos (set the phone \
             camera to \"most compatible\", or export the photo as JPEG)"
                .to_string(),
        ),
        Err(_) => Err("is not a JPEG or PNG photo".to_string()),
    }
}

/// A photo read from its file: the grey pixels, upright, with the size of the
/// colour photo kept for showing.
pub struct Opened {
    pub grey: Grey,
    pub colour: image::DynamicImage,
}

/// Reads a JPEG or PNG photo, or says why not (the path in the message).
pub fn open(path: &Path) -> Result<Opened, String> {
    let shown = files::path_text(path);
    let bytes = files::read_bounded(path, "a photo", MAX_FILE_BYTES)?;
    let format = kind_of(&bytes).map_err(|why| format!("{shown} {why}"))?;
    if format == ImageFormat::Jpeg && !jpeg_complete(&bytes) {
        return Err(format!(
            "{shown}: the JPEG is cut short (it has no end); copy it from the camera again"
        ));
    }
    from_bytes(&bytes, format).map_err(|why| format!("{shown}: {why}"))
}

/// Whether a JPEG runs to its end-of-image marker: its segments walked from
/// the start, through each scan's coded data. A file cut short (a copy
/// stopped half way) decodes to a photo grey at the bottom, which is not
/// the label the technician took. Data after the end (a phone's motion
/// photo) is allowed.
fn jpeg_complete(bytes: &[u8]) -> bool {
    let mut i = 2; // after SOI
    while i + 1 < bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        match marker {
            0xD9 => return true,
            0xFF => i += 1,
            0x01 | 0xD0..=0xD7 => i += 2,
            _ => {
                let Some(len) = bytes.get(i + 2..i + 4) else {
                    return false;
                };
                i += 2 + u16::from_be_bytes([len[0], len[1]]) as usize;
                if marker == 0xDA {
                    // The coded data: up to the next marker that is not a
                    // stuffed byte or a restart.
                    while i + 1 < bytes.len()
                        && !(bytes[i] == 0xFF
                            && bytes[i + 1] != 0
                            && !(0xD0..=0xD7).contains(&bytes[i + 1]))
                    {
                        i += 1;
                    }
                }
            }
        }
    }
    false
}

/// How a photo's pixels are stored, in words.
fn colour_words(c: image::ColorType) -> String {
    let bits = c.bytes_per_pixel() as u16 * 8 / c.channel_count() as u16;
    let what = match (c.has_color(), c.has_alpha()) {
        (true, true) => "colour with transparency",
        (true, false) => "colour",
        (false, true) => "grey with transparency",
        (false, false) => "grey",
    };
    format!("{what} at {bits} bits a channel")
}

fn from_bytes(bytes: &[u8], format: ImageFormat) -> Result<Opened, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES + (64 << 20));
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("cannot be read as {format:?}: {e}"))?;
    let (w, h) = decoder.dimensions();
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(format!(
            "{w}x{h} pixels is more than a 64-megapixel photo; take it at a lower resolution"
        ));
    }
    // A photo's decoded pixels: a 64-megapixel camera's JPEG is 192 MB; a
    // small file can ask for far more (16 bits a channel, an alpha channel).
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(format!(
            "{w}x{h} pixels of {} would take {} MB to read, more than a phone's photo; save it \
             as an ordinary JPEG or an 8-bit PNG",
            colour_words(decoder.color_type()),
            decoder.total_bytes() >> 20
        ));
    }
    let orientation = decoder.orientation().ok();
    let mut colour = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| format!("is damaged or cut short ({e}); copy it from the camera again"))?;
    if let Some(o) = orientation {
        colour.apply_orientation(o);
    }
    let grey = colour.to_luma8();
    let (width, height) = grey.dimensions();
    if width < 16 || height < 16 {
        return Err(format!(
            "{width}x{height} pixels is too small to hold a label"
        ));
    }
    Ok(Opened {
        grey: Grey {
            width,
            height,
            pixels: grey.into_raw(),
        },
        colour,
    })
}

/// The mean of the square `2 * r + 1` around each pixel (clipped at the
/// edges), by running sums along the rows and then the columns.
pub(super) fn box_mean(pixels: &[u8], w: usize, h: usize, r: usize) -> Vec<u8> {
    let mut rows = vec![0u16; w * h];
    let mut line = vec![0u32; w + 1];
    for y in 0..h {
        let src = &pixels[y * w..][..w];
        for x in 0..w {
            line[x + 1] = line[x] + src[x] as u32;
        }
        for x in 0..w {
            let (a, b) = (x.saturating_sub(r), (x + r + 1).min(w));
            rows[y * w + x] = ((line[b] - line[a]) / (b - a) as u32) as u16;
        }
    }
    let mut out = vec![0u8; w * h];
    let mut column = vec![0u32; h + 1];
    for x in 0..w {
        for y in 0..h {
            column[y + 1] = column[y] + rows[y * w + x] as u32;
        }
        for y in 0..h {
            let (a, b) = (y.saturating_sub(r), (y + r + 1).min(h));
            out[y * w + x] = ((column[b] - column[a]) / (b - a) as u32) as u8;
        }
    }
    out
}

/// One connected patch of pixels: its box and size.
pub struct Blot {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
    pub pixels: u32,
}

impl Blot {
    pub fn width(&self) -> u32 {
        self.x1 - self.x0 + 1
    }
    pub fn height(&self) -> u32 {
        self.y1 - self.y0 + 1
    }
}

/// The connected patches of the pixels of a `w` × `h` picture for which
/// `on` holds (by index, row by row), 8-connected where `diagonal`, else
/// 4-connected; and each pixel's patch number (`u32::MAX` for the rest),
/// numbered in the order they are met.
pub fn blots(
    w: usize,
    h: usize,
    on: impl Fn(usize) -> bool,
    diagonal: bool,
) -> (Vec<u32>, Vec<Blot>) {
    let mut labels = vec![u32::MAX; w * h];
    let mut found = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !on(start) || labels[start] != u32::MAX {
            continue;
        }
        let id = found.len() as u32;
        let (sx, sy) = ((start % w) as u32, (start / w) as u32);
        let mut blot = Blot {
            x0: sx,
            y0: sy,
            x1: sx,
            y1: sy,
            pixels: 0,
        };
        labels[start] = id;
        stack.push(start);
        while let Some(at) = stack.pop() {
            let (x, y) = (at % w, at / w);
            blot.x0 = blot.x0.min(x as u32);
            blot.x1 = blot.x1.max(x as u32);
            blot.y0 = blot.y0.min(y as u32);
            blot.y1 = blot.y1.max(y as u32);
            blot.pixels += 1;
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    if (dx, dy) == (0, 0) || !diagonal && dx != 0 && dy != 0 {
                        continue;
                    }
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                        continue;
                    }
                    let n = ny as usize * w + nx as usize;
                    if on(n) && labels[n] == u32::MAX {
                        labels[n] = id;
                        stack.push(n);
                    }
                }
            }
        }
        found.push(blot);
    }
    (labels, found)
}
