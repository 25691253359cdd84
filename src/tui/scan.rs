//! A USB barcode scanner types like a keyboard, but faster than any person:
//! its characters come a few milliseconds apart and end with Enter or Tab.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind};

/// The longest gap between a scanner's keys. People rarely type two keys
/// under 35 ms apart, and never six in a row.
pub const GAP: Duration = Duration::from_millis(35);
/// The fewest characters a scan holds (the shortest serial with a prefix).
pub const MIN_CHARS: usize = 6;

/// The run of quick characters typed into the serial field so far.
#[derive(Clone, Copy, Debug, Default)]
pub struct Burst {
    last: Option<Instant>,
    run: usize,
}

impl Burst {
    /// A character typed at `at`.
    pub fn char_at(&mut self, at: Instant) {
        match self.last {
            Some(last) if at.saturating_duration_since(last) <= GAP => self.run += 1,
            _ => self.run = 1,
        }
        self.last = Some(at);
    }

    /// Enter or Tab at `at`: whether it ends a scanner's burst.
    pub fn end_at(&mut self, at: Instant) -> bool {
        let scanned = self.run >= MIN_CHARS
            && self
                .last
                .is_some_and(|last| at.saturating_duration_since(last) <= GAP);
        *self = Burst::default();
        scanned
    }

    /// Any other key: a person at work.
    pub fn other(&mut self) {
        *self = Burst::default();
    }
}

/// A key pressed, as a barcode scanner's burst is told by: a character,
/// the Enter or Tab that ends a scan, or anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanKey {
    Char,
    End,
    Other,
}

impl ScanKey {
    /// What the terminal's event is, for telling a scan; none for what is not a key press.
    pub fn of(event: &Event) -> Option<ScanKey> {
        let Event::Key(key) = event else {
            return None;
        };
        if key.kind != KeyEventKind::Press {
            return None;
        }
        Some(match key.code {
            KeyCode::Char(_) => ScanKey::Char,
            KeyCode::Enter | KeyCode::Tab => ScanKey::End,
            _ => ScanKey::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_keys_ended_by_enter_are_a_scan_and_a_person_is_not() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut b = Burst::default();
        for i in 0..7 {
            b.char_at(ms(i * 4));
        }
        assert!(b.end_at(ms(30)));
        // Typed: 120 ms a key.
        for i in 0..7 {
            b.char_at(ms(1000 + i * 120));
        }
        assert!(!b.end_at(ms(1000 + 7 * 120)));
        // Too short to be a serial.
        for i in 0..4 {
            b.char_at(ms(3000 + i * 3));
        }
        assert!(!b.end_at(ms(3015)));
        // A pause in the middle: the run starts again.
        for i in 0..4 {
            b.char_at(ms(5000 + i * 3));
        }
        for i in 0..4 {
            b.char_at(ms(5500 + i * 3));
        }
        assert!(!b.end_at(ms(5512)));
    }
}
