//! A label's own edges: where its paper lies on the bench, as four corners,
//! and the label squared from them. A phone held at a slant shows a label
//! as a trapezoid, its far side shorter and its letters leaning apart;
//! squared, its lines run level and its letters stand straight again.

use super::photo::{Area, Grey, blots};

/// Four corners of a label in photo pixels: the top left, top right, bottom
/// right and bottom left as the label lies (its top the side nearest the
/// photo's top, within a quarter turn).
pub type Quad = [(f32, f32); 4];

/// The long side the edges are looked for at: the paper's edge is a large
/// thing, and a small photo is quick to walk.
const EDGE_SIZE: u32 = 400;

/// The corners of the label in `photo`: the largest patch of paper, lighter
/// than the bench around it, that lies whole in the photo, holds print and
/// is four-sided. `None` where no such patch stands out (a label filling the
/// frame or cut by it, paper as dark as the bench).
pub fn label_quad(photo: &Grey) -> Option<Quad> {
    let factor = photo.width.max(photo.height).div_ceil(EDGE_SIZE).max(1);
    let small = photo.shrink(factor);
    if small.width < 16 || small.height < 16 {
        return None;
    }
    let light = otsu(&small.pixels)?;
    let (quad, paper) = paper_quad(&small, light)?;
    // A lighter box of the bench may touch the label and pass for more
    // of it: looked at again, paper is nearer the label's own grey.
    let quad =
        paper_quad(&small, (light / 2).saturating_add(paper / 2)).map_or(quad, |(quad, _)| quad);
    let f = factor as f32;
    Some(upright(quad.map(|(x, y)| (x * f, y * f))))
}

/// The largest four-sided patch lighter than `light` in `small` that lies
/// whole in it and holds print, and its paper's middle grey.
fn paper_quad(small: &Grey, light: u8) -> Option<(Quad, u8)> {
    let (w, h) = (small.width as usize, small.height as usize);
    let paper: Vec<bool> = small.pixels.iter().map(|&p| p > light).collect();
    let (labels, patches) = blots(w, h, |i| paper[i], false);
    let mut best: Option<(u32, Quad, usize)> = None;
    for (id, patch) in patches.iter().enumerate() {
        // A label is a good part of the photo, and lies whole in it.
        if (patch.pixels as usize) * 25 < w * h
            || patch.x0 == 0
            || patch.y0 == 0
            || patch.x1 + 1 == w as u32
            || patch.y1 + 1 == h as u32
            || best.is_some_and(|(area, _, _)| area >= patch.pixels)
        {
            continue;
        }
        // Its outline: the first and last paper pixel of each row.
        let mut outline = Vec::new();
        for y in patch.y0..=patch.y1 {
            let row = &labels[y as usize * w..][..w];
            let on = |l: &u32| *l == id as u32;
            if let (Some(x0), Some(x1)) = (row.iter().position(on), row.iter().rposition(on)) {
                for (x, y) in [(x0, y), (x1 + 1, y), (x0, y + 1), (x1 + 1, y + 1)] {
                    outline.push((x as f32, y as f32));
                }
            }
        }
        let hull = hull(outline);
        let Some(quad) = widest_quad(&hull) else {
            continue;
        };
        // Four-sided: the four corners hold nearly all of the outline, and
        // the paper fills most of it (print and a torn corner are holes).
        let quad_area = area(&quad);
        if quad_area < 0.92 * area(&hull) || (patch.pixels as f32) < 0.6 * quad_area {
            continue;
        }
        // Print on it: ink inside, not a bare box of the bench.
        if quad_area - (patch.pixels as f32) < 0.01 * quad_area {
            continue;
        }
        best = Some((patch.pixels, quad, id));
    }
    let (_, quad, id) = best?;
    let mut greys: Vec<u8> = labels
        .iter()
        .zip(&small.pixels)
        .filter(|(l, _)| **l == id as u32)
        .map(|(_, &p)| p)
        .collect();
    let middle = greys.len() / 2;
    let (_, paper, _) = greys.select_nth_unstable(middle);
    Some((quad, *paper))
}

/// How far the label leans away from the camera: how much shorter each of
/// its sides is than the one opposite (0 for a label photographed square
/// on, turned or not).
pub fn slant(quad: &Quad) -> f32 {
    let [top, right, bottom, left] = sides(quad);
    let apart = |a: f32, b: f32| 1.0 - a.min(b) / a.max(b).max(1.0);
    apart(top, bottom).max(apart(left, right))
}

/// The label's width and height, squared: its longer top or bottom side, its
/// longer left or right side.
pub fn size(quad: &Quad) -> (f32, f32) {
    let [top, right, bottom, left] = sides(quad);
    (top.max(bottom), left.max(right))
}

/// The lengths of the label's top, right, bottom and left sides.
fn sides(quad: &Quad) -> [f32; 4] {
    [0, 1, 2, 3].map(|i| {
        let ((x0, y0), (x1, y1)) = (quad[i], quad[(i + 1) % 4]);
        (x1 - x0).hypot(y1 - y0)
    })
}

/// The label squared: the photo inside `quad`, shrunk by a whole factor to
/// at most `long` pixels on its long side, as a rectangle, contrast
/// stretched; and the way from a pixel of it back to the photo.
pub fn squared(photo: &Grey, quad: &Quad, long: u32) -> (Grey, Homography) {
    let (width, height) = size(quad);
    let factor = (width.max(height) / long.max(1) as f32).ceil().max(1.0) as u32;
    // Only the label's part of the photo is shrunk.
    let within = Area::around(quad.iter().copied())
        .unwrap_or_default()
        .grown(2)
        .clamped(photo.width, photo.height);
    let small = photo.crop(within).shrink(factor);
    let f = factor as f32;
    let (ow, oh) = (
        ((width / f).round() as u32).max(1),
        ((height / f).round() as u32).max(1),
    );
    let (dx, dy) = (within.x as f32, within.y as f32);
    let corners = quad.map(|(x, y)| ((x - dx) / f, (y - dy) / f));
    let rect = [
        (0.0, 0.0),
        (ow as f32, 0.0),
        (ow as f32, oh as f32),
        (0.0, oh as f32),
    ];
    let to_small = Homography::between(&rect, &corners).unwrap_or(Homography::scale(1.0));
    let mut out = Grey::new(ow, oh);
    for y in 0..oh {
        for x in 0..ow {
            let (sx, sy) = to_small.map(x as f32 + 0.5, y as f32 + 0.5);
            if let Some(v) = small.sample(sx - 0.5, sy - 0.5) {
                out.pixels[y as usize * ow as usize + x as usize] = v;
            }
        }
    }
    out.stretch();
    (out, to_small.then_scale(f, dx, dy))
}

/// A plane's projective map (a photo of a flat label at a slant), as its
/// eight coefficients: x' = (a x + b y + c) / (g x + h y + 1), y' likewise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Homography([f32; 8]);

impl Homography {
    fn scale(s: f32) -> Homography {
        Homography([s, 0.0, 0.0, 0.0, s, 0.0, 0.0, 0.0])
    }

    /// The map that takes each of `from` to the same corner of `to`; `None`
    /// where the corners are degenerate (three on a line).
    pub fn between(from: &Quad, to: &Quad) -> Option<Homography> {
        let mut m = [[0f64; 9]; 8];
        for (i, (&(u, v), &(x, y))) in from.iter().zip(to).enumerate() {
            let (u, v, x, y) = (u as f64, v as f64, x as f64, y as f64);
            m[2 * i] = [u, v, 1.0, 0.0, 0.0, 0.0, -u * x, -v * x, x];
            m[2 * i + 1] = [0.0, 0.0, 0.0, u, v, 1.0, -u * y, -v * y, y];
        }
        // Gaussian elimination with partial pivoting.
        for col in 0..8 {
            let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
            if m[pivot][col].abs() < 1e-9 {
                return None;
            }
            m.swap(col, pivot);
            let pivot_row = m[col];
            for (r, row) in m.iter_mut().enumerate() {
                if r != col {
                    let k = row[col] / pivot_row[col];
                    for (value, p) in row.iter_mut().zip(pivot_row).skip(col) {
                        *value -= k * p;
                    }
                }
            }
        }
        let mut h = [0f32; 8];
        for (i, coefficient) in h.iter_mut().enumerate() {
            *coefficient = (m[i][8] / m[i][i]) as f32;
        }
        Some(Homography(h))
    }

    /// Where `(x, y)` goes.
    pub fn map(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f, g, h] = self.0;
        let w = g * x + h * y + 1.0;
        let w = if w.abs() < 1e-6 { 1e-6 } else { w };
        ((a * x + b * y + c) / w, (d * x + e * y + f) / w)
    }

    /// The same map, its result scaled by `s` and moved by `(dx, dy)`.
    fn then_scale(self, s: f32, dx: f32, dy: f32) -> Homography {
        let [a, b, c, d, e, f, g, h] = self.0;
        Homography([
            a * s + dx * g,
            b * s + dx * h,
            c * s + dx,
            d * s + dy * g,
            e * s + dy * h,
            f * s + dy,
            g,
            h,
        ])
    }
}

/// The grey that parts paper from bench best (Otsu's rule); `None` on a
/// photo of one grey.
fn otsu(pixels: &[u8]) -> Option<u8> {
    let mut counts = [0u64; 256];
    for &p in pixels {
        counts[p as usize] += 1;
    }
    let total = pixels.len() as f64;
    let sum: f64 = counts
        .iter()
        .enumerate()
        .map(|(v, &c)| v as f64 * c as f64)
        .sum();
    let (mut below, mut below_sum) = (0f64, 0f64);
    let mut best: Option<(f64, u8)> = None;
    for (v, &c) in counts.iter().enumerate() {
        below += c as f64;
        below_sum += v as f64 * c as f64;
        let above = total - below;
        if below == 0.0 || above == 0.0 {
            continue;
        }
        let (m0, m1) = (below_sum / below, (sum - below_sum) / above);
        let between = below * above * (m0 - m1) * (m0 - m1);
        if best.is_none_or(|(b, _)| between > b) {
            best = Some((between, v as u8));
        }
    }
    best.map(|(_, v)| v)
}

/// The convex hull of `points`, anticlockwise on screen (Andrew's monotone
/// chain).
fn hull(mut points: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let cross = |o: (f32, f32), a: (f32, f32), b: (f32, f32)| {
        (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    };
    let mut lower: Vec<(f32, f32)> = Vec::new();
    for &p in &points {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], p) <= 0.0 {
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<(f32, f32)> = Vec::new();
    for &p in points.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], p) <= 0.0 {
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

/// The area of a polygon.
fn area(points: &[(f32, f32)]) -> f32 {
    let n = points.len();
    (0..n)
        .map(|i| {
            let (a, b) = (points[i], points[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f32>()
        .abs()
        / 2.0
}

/// The widest four corners of a convex `hull`: the quadrilateral of its
/// points with the largest area.
fn widest_quad(hull: &[(f32, f32)]) -> Option<Quad> {
    let n = hull.len();
    if n < 4 {
        return None;
    }
    // A hull of a large patch has many points on each straight side: a
    // few dozen spread evenly are enough to find its corners.
    let step = n.div_ceil(64);
    let pts: Vec<(f32, f32)> = hull.iter().step_by(step).copied().collect();
    let n = pts.len();
    let tri = |a: usize, b: usize, c: usize| {
        let (p, q, r) = (pts[a], pts[b], pts[c]);
        ((q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)).abs() / 2.0
    };
    let mut best: Option<(f32, [usize; 4])> = None;
    for i in 0..n {
        for k in i + 2..n {
            // The corner furthest from the diagonal i-k on either side.
            let (Some(j), Some(l)) = (
                (i + 1..k).max_by(|&a, &b| tri(i, a, k).total_cmp(&tri(i, b, k))),
                (k + 1..n + i)
                    .map(|l| l % n)
                    .max_by(|&a, &b| tri(i, a, k).total_cmp(&tri(i, b, k))),
            ) else {
                continue;
            };
            let total = tri(i, j, k) + tri(i, l, k);
            if best.is_none_or(|(b, _)| total > b) {
                best = Some((total, [i, j, k, l]));
            }
        }
    }
    best.map(|(_, [i, j, k, l])| [pts[i], pts[j], pts[k], pts[l]])
}

/// The corners in order round the label, clockwise on screen, starting at
/// the top left: the top side the one that runs nearest to rightwards.
fn upright(quad: Quad) -> Quad {
    let (cx, cy) = quad
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p.0 / 4.0, y + p.1 / 4.0));
    let mut round = quad;
    // Clockwise on screen, where y grows downwards: by increasing angle.
    round.sort_by(|a, b| {
        (a.1 - cy)
            .atan2(a.0 - cx)
            .total_cmp(&(b.1 - cy).atan2(b.0 - cx))
    });
    let start = (0..4)
        .min_by(|&a, &b| {
            let heading = |i: usize| {
                let ((x0, y0), (x1, y1)) = (round[i], round[(i + 1) % 4]);
                (y1 - y0).atan2(x1 - x0).abs()
            };
            heading(a).total_cmp(&heading(b))
        })
        .unwrap_or(0);
    [0, 1, 2, 3].map(|i| round[(start + i) % 4])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bench of grey 90 with a light four-sided label on it, `corners`
    /// in order round it, print (dark bars) across its middle.
    fn bench_with(corners: Quad, width: u32, height: u32) -> Grey {
        let mut photo = Grey::new(width, height);
        photo.pixels.iter_mut().for_each(|p| *p = 90);
        let rect = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];
        let to_label = Homography::between(&corners, &rect).expect("corners");
        for y in 0..height {
            for x in 0..width {
                let (u, v) = to_label.map(x as f32 + 0.5, y as f32 + 0.5);
                if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
                    let print = (0.3..0.7).contains(&v) && ((u * 40.0) as u32).is_multiple_of(3);
                    photo.pixels[(y * width + x) as usize] = if print { 30 } else { 235 };
                }
            }
        }
        photo
    }

    #[test]
    fn a_label_at_a_slant_is_found_by_its_corners_and_squared() {
        // The far side shorter: a phone held at a slant, the label turned
        // a little too.
        let corners = [
            (500.0, 300.0),
            (1100.0, 330.0),
            (1250.0, 900.0),
            (380.0, 860.0),
        ];
        let photo = bench_with(corners, 1600, 1200);
        let quad = label_quad(&photo).expect("the label's corners");
        for (found, truth) in quad.iter().zip(&corners) {
            let off = (found.0 - truth.0).hypot(found.1 - truth.1);
            assert!(off < 12.0, "corner {found:?} is {off} px from {truth:?}");
        }
        assert!(slant(&quad) > 0.2, "slant {}", slant(&quad));
        let (square, back) = squared(&photo, &quad, 800);
        // The long side at most 800, the print's bars upright: a column
        // through a bar is dark from the print's top to its bottom.
        assert!(square.width <= 800 && square.height <= 800);
        let (w, h) = (square.width as usize, square.height as usize);
        let dark_rows = |x: usize| {
            (h * 35 / 100..h * 65 / 100)
                .filter(|y| square.pixels[y * w + x] < 100)
                .count()
        };
        let columns_through = (0..w).filter(|&x| dark_rows(x) >= h * 28 / 100).count();
        assert!(columns_through >= w / 8, "{columns_through} of {w} columns");
        // A corner of the squared label lies back on the photo's corner.
        let (x, y) = back.map(square.width as f32, square.height as f32);
        assert!(
            (x - 1250.0).abs() < 14.0 && (y - 900.0).abs() < 14.0,
            "{x},{y}"
        );
    }

    #[test]
    fn each_way_a_label_lies_its_top_is_the_side_nearest_the_photo_top() {
        let corners = [
            (400.0, 300.0),
            (1000.0, 300.0),
            (1000.0, 700.0),
            (400.0, 700.0),
        ];
        for turn in 0..4 {
            let mut turned = corners;
            turned.rotate_left(turn);
            assert_eq!(upright(turned), corners);
        }
        assert!(slant(&corners) < 0.01);
    }

    #[test]
    fn a_label_filling_the_frame_a_bare_box_or_one_grey_give_no_corners() {
        // Cut by the frame.
        let photo = bench_with(
            [
                (-50.0, 100.0),
                (900.0, 100.0),
                (900.0, 500.0),
                (-50.0, 500.0),
            ],
            1000,
            700,
        );
        assert!(label_quad(&photo).is_none());
        // A light box with nothing printed on it.
        let mut bare = Grey::new(1000, 700);
        for (i, p) in bare.pixels.iter_mut().enumerate() {
            let (x, y) = (i % 1000, i / 1000);
            *p = if (200..800).contains(&x) && (150..550).contains(&y) {
                235
            } else {
                90
            };
        }
        assert!(label_quad(&bare).is_none());
        assert!(label_quad(&Grey::new(1000, 700)).is_none());
        assert!(label_quad(&Grey::new(3, 3)).is_none());
    }

    #[test]
    fn corners_on_a_line_make_no_map() {
        let line = [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0)];
        assert!(Homography::between(&line, &line).is_none());
    }
}
