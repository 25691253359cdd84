//! The panes' text worked out for the workbench's state, kept beside it so
//! that a frame only draws it.

use ratatui::text::Line;

/// A line of the decoder pane and the candidate it starts.
pub type CandidateStart = (usize, usize);

/// One pane's text for the inner width it was worked out for.
#[derive(Clone, Debug, Default)]
pub struct PaneText {
    pub width: u16,
    pub lines: Vec<Line<'static>>,
    /// For the decoder: which line starts which candidate.
    pub starts: Vec<CandidateStart>,
}

/// The text the panes show (wrapped lines, the candidate list, the keypad's
/// steps), worked out by `ui::prepare` when the state changes, so that a frame
/// only draws it. A pane drawn at another width than expected works its text
/// out itself.
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    /// The brand tabs (the same at every width).
    pub brand: Option<Line<'static>>,
    pub decoder: Option<PaneText>,
    /// The serial as typed, and the marks under it (the same at every width).
    pub typed: Option<[Line<'static>; 2]>,
    pub serial: Option<PaneText>,
    /// The keypad panel's text, and whether it is the large panel's.
    pub keypad: Option<(bool, PaneText)>,
    /// The chip dump view's account of the file read.
    pub dump: Option<PaneText>,
}

impl Prepared {
    /// How many lines the decoder's text has (at the width it was worked out for).
    pub fn decoder_lines(&self) -> usize {
        self.decoder.as_ref().map_or(0, |p| p.lines.len())
    }

    /// The decoder's whole text, a line each, scrolled or not.
    pub fn decoder_text(&self) -> String {
        self.decoder.as_ref().map_or_else(String::new, |p| {
            p.lines
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    /// How many finding lines there are under the serial.
    pub fn findings_lines(&self) -> usize {
        self.serial.as_ref().map_or(0, |p| p.lines.len())
    }

    pub fn brand(&self) -> Option<&Line<'static>> {
        self.brand.as_ref()
    }

    pub fn decoder(&self, width: u16) -> Option<(&[Line<'static>], &[CandidateStart])> {
        let p = self.decoder.as_ref().filter(|p| p.width == width)?;
        Some((&p.lines, &p.starts))
    }

    pub fn typed(&self) -> Option<&[Line<'static>; 2]> {
        self.typed.as_ref()
    }

    pub fn serial(&self, width: u16) -> Option<&[Line<'static>]> {
        let p = self.serial.as_ref().filter(|p| p.width == width)?;
        Some(&p.lines)
    }

    pub fn dump(&self, width: u16) -> Option<&[Line<'static>]> {
        let p = self.dump.as_ref().filter(|p| p.width == width)?;
        Some(&p.lines)
    }

    pub fn keypad(&self, large: bool, width: u16) -> Option<&[Line<'static>]> {
        match &self.keypad {
            Some((l, p)) if *l == large && p.width == width => Some(&p.lines),
            _ => None,
        }
    }
}
