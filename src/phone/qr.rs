//! The page's address as a QR code, drawn with half-block characters: two
//! rows of modules to a line of text, dark on light, with the quiet zone a
//! phone's camera needs around it.

/// The modules' quiet zone around the code, in modules.
const QUIET: usize = 4;

/// A QR code, quiet zone included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Qr {
    /// Modules a side.
    pub width: usize,
    dark: Vec<bool>,
}

/// The QR code of `url`. Written in capitals, it takes the QR's compact
/// alphanumeric mode (the scheme, the host and the token read the same in
/// any case), so it fits 80x24 and reads at arm's length.
pub fn qr_for(url: &str) -> anyhow::Result<Qr> {
    let code = qrcode::QrCode::with_error_correction_level(
        url.to_ascii_uppercase().as_bytes(),
        qrcode::EcLevel::L,
    )
    .map_err(|e| anyhow::anyhow!("the address does not fit a QR code: {e}"))?;
    let inner = code.width();
    let width = inner + 2 * QUIET;
    let mut dark = vec![false; width * width];
    for y in 0..inner {
        for x in 0..inner {
            dark[(y + QUIET) * width + x + QUIET] = code[(x, y)] == qrcode::Color::Dark;
        }
    }
    Ok(Qr { width, dark })
}

impl Qr {
    /// Whether the module at (x, y) is dark; outside the code, light.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// The code as lines of text, two module rows a line: '█' both dark,
    /// '▀' the upper, '▄' the lower, ' ' neither. Drawn dark on light.
    pub fn lines(&self) -> Vec<String> {
        (0..self.width.div_ceil(2))
            .map(|row| {
                (0..self.width)
                    .map(
                        |x| match (self.dark(x, 2 * row), self.dark(x, 2 * row + 1)) {
                            (true, true) => '█',
                            (true, false) => '▀',
                            (false, true) => '▄',
                            (false, false) => ' ',
                        },
                    )
                    .collect()
            })
            .collect()
    }

    /// The modules read back from `lines` (as drawn by [`Qr::lines`]).
    pub fn from_lines(lines: &[String]) -> Qr {
        let width = lines.first().map_or(0, |l| l.chars().count());
        let mut dark = vec![false; width * width];
        for (row, line) in lines.iter().enumerate() {
            for (x, c) in line.chars().enumerate().take(width) {
                let (up, down) = match c {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    _ => (false, false),
                };
                for (y, is) in [(2 * row, up), (2 * row + 1, down)] {
                    if y < width {
                        dark[y * width + x] = is;
                    }
                }
            }
        }
        Qr { width, dark }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bench_address_fits_80x24_with_its_quiet_zone() {
        let url = "http://192.168.100.200:65535/0123456789abcdef0123456789abcdef/";
        let qr = qr_for(url).unwrap();
        assert!(qr.width <= 37, "{} modules", qr.width);
        let lines = qr.lines();
        assert!(lines.len() <= 19);
        assert!(lines[0].chars().all(|c| c == ' '), "the quiet zone");
        assert_eq!(Qr::from_lines(&lines), qr);
    }
}
