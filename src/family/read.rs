//! The characters of typed label text as the reader keeps them, the slots of
//! a family's serial template, and the characters a label or a typist
//! confuses. Shared by every family and by the reader.

use std::ops::{Deref, DerefMut};

/// Longer text than this is not a label serial; it is refused before any work.
pub const MAX_INPUT_CHARS: usize = 64;

/// One place in a family's serial template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// This letter and no other (`B` of `BP`).
    Fixed(char),
    Letter,
    Digit,
    /// A digit that says the year (Blaupunkt); a letter here is an error of its own.
    YearDigit,
}

/// One kept character: where it stood in the text as typed, what was typed,
/// and its upper-case form.
#[derive(Clone, Copy, Debug)]
pub struct Typed {
    /// Below [`MAX_INPUT_CHARS`], so a byte holds it and the array stays small.
    pub pos: u8,
    pub typed: char,
    pub up: char,
}

impl Typed {
    /// Where the character stood in the text as typed (0-based).
    pub fn at(&self) -> usize {
        usize::from(self.pos)
    }
}

const NOTHING: Typed = Typed {
    pos: 0,
    typed: '\0',
    up: '\0',
};

/// The characters kept from the input (separators dropped), on the stack:
/// an input longer than [`MAX_INPUT_CHARS`] is refused before it is read.
pub struct Body {
    items: [Typed; MAX_INPUT_CHARS],
    start: usize,
    end: usize,
}

impl Body {
    pub const EMPTY: Body = Body {
        items: [NOTHING; MAX_INPUT_CHARS],
        start: 0,
        end: 0,
    };

    /// Keeps the characters of `input` that are not separators; false when
    /// `input` has more than [`MAX_INPUT_CHARS`] characters. (Filled in place:
    /// the array is never moved.)
    pub fn fill(&mut self, input: &str) -> bool {
        for (pos, typed) in input.chars().enumerate() {
            if pos == MAX_INPUT_CHARS {
                return false;
            }
            if !is_separator(typed) {
                self.items[self.end] = Typed {
                    pos: pos as u8,
                    typed,
                    up: typed.to_ascii_uppercase(),
                };
                self.end += 1;
            }
        }
        true
    }

    /// Keeps the first `n` characters.
    pub fn truncate(&mut self, n: usize) {
        self.end = self.end.min(self.start + n);
    }

    /// Drops the first `n` characters.
    pub fn drop_front(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
    }

    /// Drops the character at `i`.
    pub fn remove(&mut self, i: usize) {
        let at = self.start + i;
        if at < self.end {
            self.items.copy_within(at + 1..self.end, at);
            self.end -= 1;
        }
    }
}

impl Deref for Body {
    type Target = [Typed];

    fn deref(&self) -> &[Typed] {
        &self.items[self.start..self.end]
    }
}

impl DerefMut for Body {
    fn deref_mut(&mut self) -> &mut [Typed] {
        &mut self.items[self.start..self.end]
    }
}

/// The upper-case text of `t`, written into `buf` (a character takes at most 4 bytes).
pub fn upper_text<'b>(t: &[Typed], buf: &'b mut [u8; 4 * MAX_INPUT_CHARS]) -> &'b str {
    let mut n = 0;
    for c in t.iter().take(MAX_INPUT_CHARS) {
        n += c.up.encode_utf8(&mut buf[n..]).len();
    }
    std::str::from_utf8(&buf[..n]).unwrap_or_default()
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '-' | '_' | '/')
}

/// A letter (or sign) that a worn label or a quick typist puts where a digit belongs.
pub fn letter_as_digit(c: char) -> Option<char> {
    match c {
        'O' | 'Q' | 'D' => Some('0'),
        'I' | 'L' | '|' | '!' => Some('1'),
        'S' => Some('5'),
        'B' => Some('8'),
        'Z' => Some('2'),
        'G' => Some('6'),
        _ => None,
    }
}

/// A digit that stands where a letter belongs.
pub fn digit_as_letter(c: char) -> Option<char> {
    match c {
        '0' => Some('O'),
        '1' => Some('I'),
        '5' => Some('S'),
        '8' => Some('B'),
        '2' => Some('Z'),
        _ => None,
    }
}

pub fn digit_like(c: char) -> bool {
    c.is_ascii_digit() || letter_as_digit(c).is_some()
}

pub fn letter_like(c: char) -> bool {
    c.is_ascii_alphabetic() || digit_as_letter(c).is_some()
}

pub fn all_digits(t: &[Typed]) -> bool {
    t.iter().all(|c| c.up.is_ascii_digit())
}

pub fn text_of(t: &[Typed]) -> String {
    t.iter().map(|c| c.up).collect()
}

/// Whether `text` fills `slots` exactly, each character already the one its
/// slot wants (no misreading, no separator, upper case).
pub fn fills(slots: &[Slot], text: &str) -> bool {
    slots.len() == text.len()
        && slots.iter().zip(text.bytes()).all(|(slot, b)| match *slot {
            Slot::Fixed(want) => u32::from(b) == u32::from(want),
            Slot::Letter => b.is_ascii_uppercase(),
            Slot::Digit | Slot::YearDigit => b.is_ascii_digit(),
        })
}
