//! The print of a label alone, for Tesseract: black ink on white paper by
//! each pixel's neighbourhood, and everything taller than print taken out
//! (barcode bars, the label's edge, shadows' borders), which Tesseract
//! would otherwise take for a picture and read nothing around.

use super::photo::{Area, Blot, Grey, blots, box_mean};

/// Black ink and white paper by each pixel's neighbourhood (Sauvola's
/// rule): print on silver, on yellowed paper, under a shadow or beside a
/// glare spot comes out black on white alike.
pub fn binarised(grey: &Grey) -> Grey {
    let (w, h) = (grey.width as usize, grey.height as usize);
    if w < 3 || h < 3 {
        return grey.clone();
    }
    // A window a few letters wide.
    let r = (w.min(h) / 40).clamp(7, 40);
    // Each column's sum (and sum of squares) over the window's rows, moved
    // down a row at a time; a row's windows are then differences of their
    // running total.
    let (mut col, mut col_sq) = (vec![0u32; w], vec![0u32; w]);
    let (mut run, mut run_sq) = (vec![0u64; w + 1], vec![0u64; w + 1]);
    let add = |col: &mut [u32], col_sq: &mut [u32], y: usize, sign: bool| {
        for ((c, q), &v) in col.iter_mut().zip(col_sq.iter_mut()).zip(row(grey, y)) {
            let (v, vv) = (v as u32, v as u32 * v as u32);
            if sign {
                (*c, *q) = (*c + v, *q + vv);
            } else {
                (*c, *q) = (*c - v, *q - vv);
            }
        }
    };
    for y in 0..r.min(h) {
        add(&mut col, &mut col_sq, y, true);
    }
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..h {
        // The window's rows are y - r ..= y + r, within the photo.
        if y + r < h {
            add(&mut col, &mut col_sq, y + r, true);
        }
        if y > r {
            add(&mut col, &mut col_sq, y - r - 1, false);
        }
        for x in 0..w {
            run[x + 1] = run[x] + col[x] as u64;
            run_sq[x + 1] = run_sq[x] + col_sq[x] as u64;
        }
        let rows = (y + r + 1).min(h) - y.saturating_sub(r);
        for (x, &v) in row(grey, y).iter().enumerate() {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let n = (rows * (x1 - x0)) as i64;
            let (s, q) = ((run[x1] - run[x0]) as i64, (run_sq[x1] - run_sq[x0]) as i64);
            // Flat paper stays paper, however grey: the variance is at most
            // 399 (exactly, in whole numbers).
            if q * n - s * s <= 399 * n * n {
                pixels.push(255);
                continue;
            }
            let (n, s, q) = (n as f64, s as f64, q as f64);
            let mean = s / n;
            let sd = (q / n - mean * mean).max(0.0).sqrt();
            let threshold = mean * (1.0 + 0.3 * (sd / 128.0 - 1.0));
            pixels.push(if (v as f64) < threshold && sd > 20.0 {
                0
            } else {
                255
            });
        }
    }
    Grey {
        width: grey.width,
        height: grey.height,
        pixels,
    }
}

/// Row `y` of a picture.
fn row(grey: &Grey, y: usize) -> &[u8] {
    let w = grey.width as usize;
    &grey.pixels[y * w..(y + 1) * w]
}

/// Black and white (as [`binarised`]), with every blot of ink taller than
/// the print around it, or wider than a third of the photo, made paper.
pub fn print_only(grey: &Grey) -> Grey {
    let mut out = binarised(grey);
    let (mut labels, mut blots) = walk(&out);
    // Dot-matrix print: its letters are rows of round dots, which
    // Tesseract reads as specks. The dots are joined into strokes first.
    if let Some(dot) = dot_size(&blots) {
        out = closed(&out, dot.div_ceil(2));
        (labels, blots) = walk(&out);
    }
    let Some(print) = print_height(&blots) else {
        return out;
    };
    let (w, h) = (out.width, out.height);
    let tall = print * 2.2;
    let gone: Vec<bool> = blots
        .iter()
        .map(|b| b.height() as f32 > tall || b.width() > w / 3 || b.height() > h / 3)
        .collect();
    if !gone.iter().any(|&g| g) {
        return out;
    }
    for (p, l) in out.pixels.iter_mut().zip(&labels) {
        if *l != u32::MAX && gone[*l as usize] {
            *p = 255;
        }
    }
    out
}

/// How far the print leans: the angle (degrees, clockwise on screen, within
/// 45 of level) its lines and letters' strokes run at, from the edges of
/// the photo at a reduced size; `None` where no one angle stands out (a
/// photo of noise, of print at every angle).
///
/// Print edges lie along its lines and across them, a quarter turn apart:
/// the edges' directions are counted a quarter turn round, weighted by
/// their strength, and the strongest direction wins if it stands out.
pub fn lean(grey: &Grey) -> Option<f32> {
    let small = grey.shrink(grey.width.max(grey.height).div_ceil(LEAN_SIZE).max(1));
    let (w, h) = (small.width as usize, small.height as usize);
    if w < 8 || h < 8 {
        return None;
    }
    // Softened first: a sharp edge's steps would pull its direction
    // towards level or upright.
    let soft = box_mean(&small.pixels, w, h, 1);
    let p = |x: usize, y: usize| soft[y * w + x] as f32;
    let mut bins = [0f32; 90];
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            // Sobel: the edge's direction within a degree or two.
            let gx = p(x + 1, y - 1) + 2.0 * p(x + 1, y) + p(x + 1, y + 1)
                - p(x - 1, y - 1)
                - 2.0 * p(x - 1, y)
                - p(x - 1, y + 1);
            let gy = p(x - 1, y + 1) + 2.0 * p(x, y + 1) + p(x + 1, y + 1)
                - p(x - 1, y - 1)
                - 2.0 * p(x, y - 1)
                - p(x + 1, y - 1);
            let strength = gx.hypot(gy);
            // Faint edges are the bench's grain and the photo's noise.
            if strength < 120.0 {
                continue;
            }
            let at = gy.atan2(gx).to_degrees().rem_euclid(90.0);
            bins[(at as usize).min(89)] += strength;
        }
    }
    let total: f32 = bins.iter().sum();
    if total <= 0.0 {
        return None;
    }
    // Each degree with its two neighbours either side, round the quarter.
    let near = |i: usize| (0..5).map(|d| bins[(i + 90 + d - 2) % 90]).sum::<f32>();
    let (best, mass) = (0..90)
        .map(|i| (i, near(i)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    // Five degrees of ninety hold three times their share at least.
    if mass < total * 3.0 * 5.0 / 90.0 {
        return None;
    }
    // The middle of the peak, to a fraction of a degree.
    let (l, c, r) = (near((best + 89) % 90), mass, near((best + 1) % 90));
    let shift = if l + r - 2.0 * c != 0.0 {
        0.5 * (l - r) / (l + r - 2.0 * c)
    } else {
        0.0
    };
    let at = best as f32 + 0.5 + shift.clamp(-1.0, 1.0);
    Some(if at > 45.0 { at - 90.0 } else { at })
}

/// The long side the lean is measured at.
const LEAN_SIZE: u32 = 800;

/// The blots of ink (8-connected) of a black and white photo, and each
/// pixel's blot number (`u32::MAX` for paper).
fn walk(img: &Grey) -> (Vec<u32>, Vec<Blot>) {
    blots(
        img.width as usize,
        img.height as usize,
        |i| img.pixels[i] == 0,
        true,
    )
}

/// The size of a dot-matrix printer's dots, when most blots are small
/// round dots of one size and there are many of them.
fn dot_size(blots: &[Blot]) -> Option<u32> {
    let mut dots: Vec<u32> = blots
        .iter()
        .filter(|b| b.width() <= 16 && b.height() <= 16 && b.pixels >= 3)
        .map(|b| b.width().min(b.height()))
        .collect();
    if dots.len() < 150 || dots.len() * 5 < blots.len() * 3 {
        return None;
    }
    dots.sort_unstable();
    Some(dots[dots.len() / 2])
}

/// Ink grown by `r` pixels each way and shrunk back: dots `r` apart become
/// one stroke, and strokes keep their width.
fn closed(img: &Grey, r: u32) -> Grey {
    let grown = spread(img, r, 0);
    spread(&grown, r, 255)
}

/// Each pixel made `to` where any pixel within `r` (a square) is `to`.
fn spread(img: &Grey, r: u32, to: u8) -> Grey {
    let (w, h, r) = (img.width as usize, img.height as usize, r as usize);
    let mut across = img.pixels.clone();
    for y in 0..h {
        let row = &img.pixels[y * w..(y + 1) * w];
        let mut last = usize::MAX;
        // The nearest `to` pixel to the left, then to the right.
        for x in 0..w {
            if row[x] == to {
                last = x;
            }
            if last != usize::MAX && x - last <= r {
                across[y * w + x] = to;
            }
        }
        last = usize::MAX;
        for x in (0..w).rev() {
            if row[x] == to {
                last = x;
            }
            if last != usize::MAX && last - x <= r {
                across[y * w + x] = to;
            }
        }
    }
    let mut out = across.clone();
    for x in 0..w {
        let mut last = usize::MAX;
        for y in 0..h {
            if across[y * w + x] == to {
                last = y;
            }
            if last != usize::MAX && y - last <= r {
                out[y * w + x] = to;
            }
        }
        last = usize::MAX;
        for y in (0..h).rev() {
            if across[y * w + x] == to {
                last = y;
            }
            if last != usize::MAX && last - y <= r {
                out[y * w + x] = to;
            }
        }
    }
    Grey {
        width: img.width,
        height: img.height,
        pixels: out,
    }
}

/// The pitch of a dot-matrix printer's dots (photo pixels from one dot's
/// centre to the next) in the line of print that `area` holds; `None` for
/// print of solid strokes.
///
/// Along a dot-matrix letter's strokes the ink comes and goes once a pitch,
/// across and down alike: the ink's likeness to itself shifted rises again
/// at the pitch in both ways. Solid strokes are less like themselves the
/// further they are shifted, up to the spacing of whole letters.
pub fn dot_pitch(photo: &Grey, area: Area) -> Option<f32> {
    let area = area.clamped(photo.width, photo.height);
    let short = area.width.min(area.height);
    if short < 14 {
        return None;
    }
    // A line some 80 pixels high is plenty to see its dots in.
    let factor = short.div_ceil(80).max(1);
    let line = photo.crop(area).shrink(factor);
    let (w, h) = (line.width as usize, line.height as usize);
    // Dots a pitch apart: seven to ten to a letter's height.
    let most = (w.min(h) / 4).clamp(4, 24);
    let ink: Vec<f32> = line.pixels.iter().map(|&p| 255.0 - p as f32).collect();
    let mean = ink.iter().sum::<f32>() / ink.len() as f32;
    let ink: Vec<f32> = ink.into_iter().map(|v| v - mean).collect();
    let like = |dx: usize, dy: usize| -> f32 {
        let mut sum = 0.0;
        for y in 0..h - dy {
            let (row, moved) = (&ink[y * w..][..w - dx], &ink[(y + dy) * w + dx..][..w - dx]);
            sum += row.iter().zip(moved).map(|(a, b)| a * b).sum::<f32>();
        }
        sum / ((h - dy) * (w - dx)) as f32
    };
    let across: Vec<f32> = (0..=most).map(|l| like(l, 0)).collect();
    let down: Vec<f32> = (0..=most).map(|l| like(0, l)).collect();
    let (a, d) = (first_rise(&across)?, first_rise(&down)?);
    let (a, d) = (a as f32, d as f32);
    ((a - d).abs() * 4.0 <= a.max(d)).then_some((a + d) / 2.0 * factor as f32)
}

/// The first shift (3 or more) at which `like` peaks clearly above its
/// lowest since half that shift.
fn first_rise(like: &[f32]) -> Option<usize> {
    if like[0] <= 0.0 {
        return None;
    }
    (3..like.len() - 1).find(|&l| {
        let peak = like[l] >= like[l - 1] && like[l] > like[l + 1];
        let low = like[l.div_ceil(2)..l]
            .iter()
            .copied()
            .fold(f32::INFINITY, f32::min);
        peak && (like[l] - low) / like[0] > 0.02
    })
}

/// The height of the print: the middle height of the blots shaped like
/// letters (not bars, not specks); `None` when there are too few.
fn print_height(blots: &[Blot]) -> Option<f32> {
    let mut heights: Vec<u32> = blots
        .iter()
        .filter(|b| b.height() >= 8 && b.pixels >= 20 && b.height() < 5 * b.width())
        .map(|b| b.height())
        .collect();
    if heights.len() < 12 {
        return None;
    }
    heights.sort_unstable();
    Some(heights[heights.len() / 2] as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(w: u32, h: u32, boxes: &[(u32, u32, u32, u32)]) -> Grey {
        let mut g = Grey::new(w, h);
        for &(x, y, bw, bh) in boxes {
            for yy in y..y + bh {
                for xx in x..x + bw {
                    g.pixels[(yy * w + xx) as usize] = 0;
                }
            }
        }
        g
    }

    #[test]
    fn dot_matrix_print_shows_its_pitch_and_solid_print_none() {
        // A line of 24 letters 70 high: each a 5x7 grid of dots 10 apart,
        // some struck and some not; and the same letters in solid strokes.
        let (w, h) = (24 * 60 + 20, 90);
        let mut dots = Vec::new();
        let mut strokes = Vec::new();
        let mut seed = 7u64;
        for letter in 0..24u32 {
            let x0 = 10 + letter * 60;
            for col in 0..5u32 {
                for row in 0..7u32 {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    if !(seed >> 33).is_multiple_of(3) {
                        dots.push((x0 + col * 10 + 2, 10 + row * 10 + 2, 7, 7));
                    }
                }
            }
            strokes.push((x0, 10, 8, 70));
            strokes.push((x0, 10, 45, 8));
            strokes.push((x0 + 37, 10 + (letter % 3) * 20, 8, 40));
            strokes.push((x0, 72, 45, 8));
        }
        let area = Area {
            x: 0,
            y: 0,
            width: w,
            height: h,
        };
        let pitch = dot_pitch(&draw(w, h, &dots), area).expect("dots seen");
        assert!((9.0..=11.0).contains(&pitch), "pitch {pitch}");
        assert_eq!(dot_pitch(&draw(w, h, &strokes), area), None);
        // Too small to tell: no answer.
        let small = Area {
            width: 10,
            height: 10,
            ..area
        };
        assert_eq!(dot_pitch(&draw(w, h, &dots), small), None);
    }

    #[test]
    fn bars_taller_than_the_print_go_and_the_print_stays() {
        // Fourteen letters 20 high, and ten bars 80 high.
        let mut boxes: Vec<(u32, u32, u32, u32)> =
            (0..14).map(|i| (10 + i * 20, 150, 12, 20)).collect();
        boxes.extend((0..10).map(|i| (10 + i * 10, 20, 4, 80)));
        let out = print_only(&draw(300, 200, &boxes));
        let ink = |x: u32, y: u32| out.pixels[(y * 300 + x) as usize] == 0;
        assert!(ink(15, 160), "a letter stays");
        assert!(!ink(11, 50), "a bar goes");
    }

    #[test]
    fn dot_matrix_dots_are_joined_into_strokes() {
        // A row of 200 dots, 4 pixels wide, 6 apart: one stroke after.
        let boxes: Vec<(u32, u32, u32, u32)> = (0..200)
            .map(|i| (5 + (i % 50) * 6, 10 + (i / 50) * 20, 4, 4))
            .collect();
        let out = print_only(&draw(320, 100, &boxes));
        let ink = |x: u32, y: u32| out.pixels[(y * 320 + x) as usize] == 0;
        assert!(ink(10, 12), "the gap between two dots is ink");
        assert!(!ink(10, 22), "rows 20 apart stay apart");
    }

    #[test]
    fn the_lean_of_the_print_is_measured_within_a_degree() {
        // Lines of letter-like blocks leaning by a known angle, drawn
        // point by point, on a grey bench with a speckle.
        for want in [-30.0f32, -12.0, 0.0, 8.0, 21.0, 40.0] {
            let (w, h) = (800u32, 600u32);
            let mut g = Grey::new(w, h);
            let (sin, cos) = want.to_radians().sin_cos();
            for (i, p) in g.pixels.iter_mut().enumerate() {
                let (x, y) = ((i as u32 % w) as f32 - 400.0, (i as u32 / w) as f32 - 300.0);
                // The point in the print's own frame.
                let (u, v) = (cos * x + sin * y, -sin * x + cos * y);
                // How far inside a letter (negative: outside), pixels:
                // the edges soft as a camera's.
                let (a, b) = (u.rem_euclid(24.0), v.rem_euclid(50.0));
                let inside = a.min(14.0 - a).min(b).min(22.0 - b);
                let ink = (inside + 0.5).clamp(0.0, 1.0);
                let on_label = u.abs() < 250.0 && v.abs() < 180.0;
                *p = if on_label {
                    (235.0 - 215.0 * ink) as u8
                } else {
                    90 + (i * 7919 % 23) as u8
                };
            }
            let got = lean(&g).expect("a lean");
            assert!((got - want).abs() < 1.0, "want {want}, got {got}");
        }
        // Noise alone leans nowhere.
        let mut g = Grey::new(400, 300);
        let mut seed = 7u64;
        for p in g.pixels.iter_mut() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            *p = (seed >> 56) as u8;
        }
        assert_eq!(lean(&g), None);
    }

    #[test]
    fn a_grey_label_on_a_darker_bench_comes_out_black_on_white() {
        // Paper 190, print 70, bench 60: the print is read, the bench edge
        // is not ink inside the paper.
        let (w, h) = (200u32, 100u32);
        let mut g = Grey::new(w, h);
        for (i, p) in g.pixels.iter_mut().enumerate() {
            let (x, y) = (i as u32 % w, i as u32 / w);
            *p = if x < 20 {
                60
            } else if (60..70).contains(&x) && (40..60).contains(&y) {
                70
            } else {
                190
            };
        }
        let out = binarised(&g);
        assert_eq!(out.pixels[(50 * w + 65) as usize], 0);
        assert_eq!(out.pixels[(50 * w + 120) as usize], 255);
    }
}
