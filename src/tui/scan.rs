//! A USB barcode scanner types like a keyboard, but faster than any person:
//! its characters come a few milliseconds apart and end with Enter or Tab.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The longest gap between a scanner's keys. People rarely type two keys
/// under 35 ms apart, and never six in a row.
pub const GAP: Duration = Duration::from_millis(35);
/// The fewest characters a scan holds (the shortest serial with a prefix).
pub const MIN_CHARS: usize = 6;

/// The most characters held at once: more is not a label's barcode.
const MOST_HELD: usize = 64;

/// Keys held back for a moment to tell a scanner from a person: a run of
/// characters each within [`GAP`] of the last is held; ended by Enter or
/// Tab after at least [`MIN_CHARS`], it is a scan, taken whole before any
/// key means anything; otherwise, once the gap passes (or another key
/// comes), the keys are let through, in order, as typed.
#[derive(Debug, Default)]
pub struct Gate {
    held: Vec<(Event, Instant)>,
}

/// What the gate lets through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gated {
    /// A key (or any event) as it was, for the keymap.
    Event(Event),
    /// A scanner's whole burst: its characters, without the Enter or Tab.
    Scan(String),
}

impl Gate {
    /// An event at `at`. `hold` says whether a scan could land now (no
    /// text form is open): otherwise every key goes straight through.
    pub fn event(&mut self, ev: Event, at: Instant, hold: bool) -> Vec<Gated> {
        let mut out = self.due(at);
        match ScanKey::of(&ev) {
            Some(ScanKey::Char) if hold && is_plain_char(&ev) => {
                self.held.push((ev, at));
                if self.held.len() > MOST_HELD {
                    out.extend(self.release());
                }
            }
            // Enough quick characters, then Enter or Tab: a scan, whole.
            Some(ScanKey::End) if self.held.len() >= MIN_CHARS => {
                let text = self
                    .held
                    .drain(..)
                    .filter_map(|(ev, _)| match ev {
                        Event::Key(KeyEvent {
                            code: KeyCode::Char(c),
                            ..
                        }) => Some(c),
                        _ => None,
                    })
                    .collect();
                out.push(Gated::Scan(text));
            }
            // A key let go (Windows says so): it changes nothing here.
            None if matches!(ev, Event::Key(_)) => out.push(Gated::Event(ev)),
            // Anything else: what was held was typed, and goes first.
            _ => {
                out.extend(self.release());
                out.push(Gated::Event(ev));
            }
        }
        out
    }

    /// The keys whose moment has passed by `now`: typed by a person.
    pub fn due(&mut self, now: Instant) -> Vec<Gated> {
        match self.deadline() {
            Some(deadline) if now > deadline => self.release(),
            _ => Vec::new(),
        }
    }

    /// When the held keys are let through unless another comes first.
    pub fn deadline(&self) -> Option<Instant> {
        self.held.last().map(|(_, at)| *at + GAP)
    }

    fn release(&mut self) -> Vec<Gated> {
        self.held
            .drain(..)
            .map(|(ev, _)| Gated::Event(ev))
            .collect()
    }
}

/// A key pressed, as a barcode scanner's burst is told by: a character,
/// the Enter or Tab that ends a scan, or anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScanKey {
    Char,
    End,
    Other,
}

impl ScanKey {
    /// What the terminal's event is; none for what is not a key press.
    fn of(event: &Event) -> Option<ScanKey> {
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

/// A character typed as a scanner types it: no Ctrl or Alt with it.
fn is_plain_char(ev: &Event) -> bool {
    matches!(ev, Event::Key(k) if matches!(k.code, KeyCode::Char(_))
        && !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(c: KeyCode) -> Event {
        Event::Key(KeyEvent::new(c, KeyModifiers::NONE))
    }

    /// `text` then Enter, one key every `ms` milliseconds from `from`.
    fn typed(g: &mut Gate, text: &str, from: Instant, ms: u64) -> Vec<Gated> {
        let mut out = Vec::new();
        let mut at = from;
        for c in text.chars().map(KeyCode::Char).chain([KeyCode::Enter]) {
            out.extend(g.event(k(c), at, true));
            at += Duration::from_millis(ms);
        }
        out.extend(g.due(at + Duration::from_secs(1)));
        out
    }

    #[test]
    fn quick_keys_ended_by_enter_are_a_scan_and_a_person_is_not() {
        let t0 = Instant::now();
        let mut g = Gate::default();
        assert_eq!(
            typed(&mut g, "281150063RTJ727", t0, 4),
            [Gated::Scan("281150063RTJ727".into())]
        );
        // A person, 120 ms a key: every key through, Enter too.
        let out = typed(&mut g, "J727", t0 + Duration::from_secs(5), 120);
        assert_eq!(out.len(), 5);
        assert!(out.iter().all(|g| matches!(g, Gated::Event(_))));
        // Quick but too short to be a serial: let through as typed.
        let out = typed(&mut g, "ar", t0 + Duration::from_secs(9), 3);
        assert_eq!(
            out,
            [
                k(KeyCode::Char('a')),
                k(KeyCode::Char('r')),
                k(KeyCode::Enter)
            ]
            .map(Gated::Event)
        );
        // Quick keys with no Enter: let through once the gap passes, in order.
        let t = t0 + Duration::from_secs(12);
        for (i, c) in "M12345".chars().enumerate() {
            assert!(
                g.event(
                    k(KeyCode::Char(c)),
                    t + Duration::from_millis(i as u64 * 3),
                    true
                )
                .is_empty()
            );
        }
        assert!(g.due(t + Duration::from_millis(20)).is_empty(), "not yet");
        assert_eq!(g.due(t + Duration::from_millis(200)).len(), 6);
        // A pause in the middle: the first keys were typed.
        let t = t0 + Duration::from_secs(20);
        let mut out = Vec::new();
        for (i, c) in "M12".chars().enumerate() {
            out.extend(g.event(
                k(KeyCode::Char(c)),
                t + Duration::from_millis(i as u64 * 3),
                true,
            ));
        }
        out.extend(typed(&mut g, "3456", t + Duration::from_millis(500), 3));
        assert_eq!(out.len(), 8, "{out:?}");
        // Where no scan can land (a form open), nothing is held.
        let out = g.event(k(KeyCode::Char('x')), t0 + Duration::from_secs(30), false);
        assert_eq!(out, [Gated::Event(k(KeyCode::Char('x')))]);
        // Ctrl-C is never held.
        let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(
            g.event(ctrl_c.clone(), t0 + Duration::from_secs(31), true),
            [Gated::Event(ctrl_c)]
        );
    }
}
