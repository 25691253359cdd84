//! From typed label text to a [`Diagnosis`].
//!
//! A valid serial is read without touching the heap: the kept characters live
//! in a fixed array on the stack, the serial is an inline string, and a
//! message is only written when there is something to say.

use std::ops::{Deref, DerefMut};

use compact_str::CompactString;

use super::units::{blaupunkt_unit, blaupunkt_units};
use super::{Diagnosis, Family, Finding, FindingKind as K, SerialPart, Severity, ShownChar};

/// Longer text than this is not a label serial; it is refused before any work.
pub const MAX_INPUT_CHARS: usize = 64;

/// One kept character: where it stood in the text as typed, what was typed,
/// and its upper-case form.
#[derive(Clone, Copy, Debug)]
struct Typed {
    /// Below [`MAX_INPUT_CHARS`], so a byte holds it and the array stays small.
    pos: u8,
    typed: char,
    up: char,
}

impl Typed {
    /// Where the character stood in the text as typed (0-based).
    fn at(&self) -> usize {
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
struct Body {
    items: [Typed; MAX_INPUT_CHARS],
    start: usize,
    end: usize,
}

impl Body {
    const EMPTY: Body = Body {
        items: [NOTHING; MAX_INPUT_CHARS],
        start: 0,
        end: 0,
    };

    /// Keeps the characters of `input` that are not separators; false when
    /// `input` has more than [`MAX_INPUT_CHARS`] characters. (Filled in place:
    /// the array is never moved.)
    fn fill(&mut self, input: &str) -> bool {
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
    fn truncate(&mut self, n: usize) {
        self.end = self.end.min(self.start + n);
    }

    /// Drops the first `n` characters.
    fn drop_front(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
    }

    /// Drops the character at `i`.
    fn remove(&mut self, i: usize) {
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
fn upper_text<'b>(t: &[Typed], buf: &'b mut [u8; 4 * MAX_INPUT_CHARS]) -> &'b str {
    let mut n = 0;
    for c in t.iter().take(MAX_INPUT_CHARS) {
        n += c.up.encode_utf8(&mut buf[n..]).len();
    }
    std::str::from_utf8(&buf[..n]).unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Fixed(char),
    Letter,
    Digit,
    YearDigit,
}

use Slot::{Digit as D, Fixed as F};

const BLAUPUNKT: [Slot; 14] = [
    F('B'),
    F('P'),
    D,
    D,
    D,
    D,
    Slot::YearDigit,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
];
const BECKER: [Slot; 14] = [F('B'), F('E'), D, D, D, D, D, D, D, D, D, D, D, D];
const VISTEON: [Slot; 7] = [F('M'), D, D, D, D, D, D];
const RENAULT: [Slot; 4] = [Slot::Letter, D, D, D];

/// The Becker models fitted to Nissans.
pub(crate) const NISSAN_BECKER_MODELS: [&str; 2] = ["4739", "4757"];

fn template(family: Family) -> &'static [Slot] {
    match family {
        Family::Blaupunkt => &BLAUPUNKT,
        Family::Renault => &RENAULT,
        Family::Becker => &BECKER,
        Family::Visteon => &VISTEON,
    }
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '.' | '-' | '_' | '/')
}

/// A letter (or sign) that a worn label or a quick typist puts where a digit belongs.
fn letter_as_digit(c: char) -> Option<char> {
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
fn digit_as_letter(c: char) -> Option<char> {
    match c {
        '0' => Some('O'),
        '1' => Some('I'),
        '5' => Some('S'),
        '8' => Some('B'),
        '2' => Some('Z'),
        _ => None,
    }
}

fn digit_like(c: char) -> bool {
    c.is_ascii_digit() || letter_as_digit(c).is_some()
}

fn letter_like(c: char) -> bool {
    c.is_ascii_alphabetic() || digit_as_letter(c).is_some()
}

fn all_digits(t: &[Typed]) -> bool {
    t.iter().all(|c| c.up.is_ascii_digit())
}

fn text_of(t: &[Typed]) -> String {
    t.iter().map(|c| c.up).collect()
}

/// A Blaupunkt part number `7 64a bcd 3xx`: returns the type `abcd`.
fn part_number_type(t: &[Typed]) -> Option<String> {
    (t.len() == 10
        && all_digits(t)
        && t[0].up == '7'
        && t[1].up == '6'
        && t[2].up == '4'
        && t[7].up == '3')
        .then(|| text_of(&t[3..7]))
}

fn group_part_number(digits: &str) -> String {
    format!(
        "{} {} {} {}",
        &digits[0..1],
        &digits[1..4],
        &digits[4..7],
        &digits[7..]
    )
}

/// Reads typed label text. `family` is the family the technician chose, or
/// `None` to detect it from the shape of the text.
pub fn diagnose(input: &str, family: Option<Family>) -> Diagnosis {
    let mut d = Diagnosis::new(family);
    diagnose_into(input, &mut d);
    d
}

/// [`diagnose`] into a fresh `Diagnosis::new(family)` that the caller holds,
/// so a decode builds its answer where it stays.
pub(crate) fn diagnose_into(input: &str, d: &mut Diagnosis) {
    if !exact(input, d) {
        read_typed(input, d);
    }
}

/// A serial typed exactly as its family's normal form (a precode, `M` + 6
/// digits, `BP` or `BE` + 12 digits), with no other family chosen: the
/// reading [`read_typed`] gives it, without the work of looking for
/// misreadings that cannot be there. False, with `d` untouched, for anything else.
fn exact(input: &str, d: &mut Diagnosis) -> bool {
    let Some(seen) = normal_form(input) else {
        return false;
    };
    if d.family.is_some_and(|chosen| chosen != seen) {
        return false;
    }
    d.family = Some(seen);
    check_serial(CompactString::from(input), seen, None, d);
    true
}

/// The family whose template `text` fills exactly, each character already
/// the one its slot wants (no misreading, no separator, upper case).
pub(crate) fn normal_form(text: &str) -> Option<Family> {
    let fills = |slots: &[Slot]| {
        slots.len() == text.len()
            && slots.iter().zip(text.bytes()).all(|(slot, b)| match *slot {
                Slot::Fixed(want) => u32::from(b) == u32::from(want),
                Slot::Letter => b.is_ascii_uppercase(),
                Slot::Digit | Slot::YearDigit => b.is_ascii_digit(),
            })
    };
    Family::ALL.into_iter().find(|f| fills(template(*f)))
}

/// Reads typed label text character by character, flagging each misreading.
fn read_typed(input: &str, d: &mut Diagnosis) {
    let family = d.family;
    let mut body = Body::EMPTY;
    if !body.fill(input) {
        let n = input.chars().count();
        d.findings.push(Finding::new(
            Severity::Error,
            K::TooLong,
            None,
            format!(
                "the text is {n} characters long; a serial is at most 17 characters \
                 (BP and BE serials 14, Visteon 7, a precode 4)"
            ),
        ));
        return;
    }
    if body.is_empty() {
        d.findings.push(Finding::new(
            Severity::Error,
            K::Empty,
            None,
            "nothing to read: type the serial from the radio's label",
        ));
        return;
    }
    if let Some(finding) = recognise_other_numbers(&body) {
        d.findings.push(finding);
        return;
    }
    let part_number = split_part_number(&mut body);
    if family.is_none_or(|f| f == Family::Blaupunkt) {
        strip_blaupunkt_prefixes(&mut body, d);
    }

    let detected = detect(&body);
    let family = match (family, detected) {
        (Some(chosen), Some(seen)) if chosen != seen => {
            d.findings.push(Finding::new(
                Severity::Warning,
                K::FamilyMismatch,
                None,
                format!(
                    "{chosen} was chosen, but this has the shape of a {seen} serial ({})",
                    seen.shape()
                ),
            ));
            chosen
        }
        (Some(chosen), _) => chosen,
        (None, Some(seen)) => seen,
        (None, None) => {
            d.findings.push(Finding::new(
                Severity::Error,
                K::UnknownFamily,
                None,
                format!(
                    "'{}' does not have the shape of a Nissan radio serial: BP + 12 digits \
                     (Blaupunkt), a letter + 3 digits (Renault precode), BE + 12 digits \
                     (Becker) or M + 6 digits (Visteon)",
                    super::escape_text(&text_of(&body))
                ),
            ));
            return;
        }
    };
    d.family = Some(family);
    strip_family_prefixes(&mut body, family, d);

    if let Some(serial) = read_template(&body, family, d) {
        check_serial(serial, family, part_number, d);
    }
}

/// Numbers from the label (or from other radios) that are not a serial
/// radiocode decodes, each with what it is and where to look instead.
fn recognise_other_numbers(t: &[Typed]) -> Option<Finding> {
    // Every number recognised here starts with a digit or one of these letters.
    if !(t[0].up.is_ascii_digit() || matches!(t[0].up, 'P' | 'D' | 'A' | 'N' | 'W' | 'S' | 'V')) {
        return None;
    }
    let mut buf = [0u8; 4 * MAX_INPUT_CHARS];
    let s = upper_text(t, &mut buf);
    let at_start = Some(t[0].at());
    let error =
        |kind, message: String| Some(Finding::new(Severity::Error, kind, at_start, message));
    const ROUTES: &str = "Routes: the Radio Pass card (its Safety-Nr. is the code), a Nissan \
                          dealer with proof of ownership";
    if let Some(unit_type) = part_number_type(t) {
        let known = blaupunkt_unit(&unit_type)
            .map(|u| match &u.faceplate {
                Some(face) => format!(" of the {face}, seen in {}", u.vehicles),
                None => format!(" of a unit seen in {}", u.vehicles),
            })
            .unwrap_or_default();
        return error(
            K::PartNumber,
            format!(
                "{} is the Blaupunkt part number{known}, not the serial. The serial is on the \
                 same label and starts BP{unit_type}: BP + 12 digits in all",
                group_part_number(s)
            ),
        );
    }
    if all_digits(t) && s.starts_with("863512339") && (10..=11).contains(&s.len()) {
        return error(
            K::PartNumber,
            format!(
                "{} is a Blaupunkt unit number (printed on MM CD-K, BP3349 labels), not the \
                 serial. Look on the same label for BP + 12 digits",
                group_part_number(&s[..10])
            ),
        );
    }
    if all_digits(t) && s.len() == 9 && s.starts_with("276") {
        return error(
            K::NotDecodableUnit,
            format!(
                "276-xxxx-xx is a Clarion part number: Clarion units have no code source in radiocode. {ROUTES}"
            ),
        );
    }
    if (s.starts_with("PP") || s.starts_with("PN")) && s.len() >= 6 {
        return error(
            K::NotDecodableUnit,
            format!(
                "this looks like a Clarion serial or model (PP3001..., PN-2424M): Clarion units \
                 have no code source in radiocode. {ROUTES}"
            ),
        );
    }
    if s.starts_with("DW") && s.len() >= 4 {
        return error(
            K::NotDecodableUnit,
            format!(
                "DW... is a Daewoo serial: Daewoo units have no code source in radiocode. {ROUTES}"
            ),
        );
    }
    if s.starts_with("AGC") {
        return error(
            K::NotDecodableUnit,
            "AGC-... is a Nissan Connect (Bosch LCN) touchscreen unit: it shows its own serial \
             after 3 wrong codes; the code comes from a Nissan dealer with proof of ownership"
                .to_string(),
        );
    }
    if matches!(s, "NEW" | "WAIT" | "SECURE") {
        return error(
            K::NotDecodableUnit,
            format!(
                "{s} on the display: units showing NEW, WAIT or SECURE are usually married to the \
                 immobiliser (NATS) and only a Nissan dealer can release them. A WAIT after \
                 wrong codes needs the radio left switched on; never disconnect the battery"
            ),
        );
    }
    if t.len() == 7 && t[0].up == 'V' && all_digits(&t[1..]) {
        return error(
            K::FordVSerial,
            "V + 6 digits is a Ford V serial, a different family from the Visteon M serials: \
             no algorithm is known for it and the M algorithm does not apply"
                .to_string(),
        );
    }
    None
}

/// A BP serial typed together with its part number (either order): takes the
/// part number off `body` and returns its type and position.
fn split_part_number(body: &mut Body) -> Option<(String, usize)> {
    if body.len() != 24 {
        return None;
    }
    let bp_start = |s: &[Typed]| matches!(s[0].up, 'B' | '8') && s[1].up == 'P';
    if bp_start(&body[..14]) {
        let ty = part_number_type(&body[14..])?;
        let pos = body[14].at();
        body.truncate(14);
        Some((ty, pos))
    } else if bp_start(&body[10..]) {
        let ty = part_number_type(&body[..10])?;
        let pos = body[0].at();
        body.drop_front(10);
        Some((ty, pos))
    } else {
        None
    }
}

/// `815` before a BP serial, and `CM` for `BP`, as printed on some labels.
fn strip_blaupunkt_prefixes(t: &mut Body, d: &mut Diagnosis) {
    let starts = |t: &[Typed], a: char, b: char| t.len() >= 2 && t[0].up == a && t[1].up == b;
    if t.len() > 5
        && (t[0].up, t[1].up, t[2].up) == ('8', '1', '5')
        && (starts(&t[3..], 'B', 'P') || starts(&t[3..], 'C', 'M') || starts(&t[3..], '8', 'P'))
    {
        d.findings.push(Finding::new(
            Severity::Info,
            K::PrefixRemoved,
            Some(t[0].at()),
            "dropped the leading 815: some labels print 815 before the 14-character serial",
        ));
        t.drop_front(3);
    }
    if starts(t, 'C', 'M') && t.len() > 2 && t[2..].iter().all(|c| digit_like(c.up)) {
        d.findings.push(Finding::new(
            Severity::Warning,
            K::PrefixRewritten,
            Some(t[0].at()),
            "read CM as BP, as Nissan labels printing 815CM... mean; CM is also the prefix of \
             unrelated Bosch units: check the label says Blaupunkt or Nissan",
        ));
        // The typed characters stay C and M for messages; the template sees BP.
        t[0].up = 'B';
        t[1].up = 'P';
    }
}

/// The family a body of text has the shape of, if any.
fn detect(t: &[Typed]) -> Option<Family> {
    let c0 = t.first()?.up;
    let c1 = t.get(1).map(|c| c.up);
    let rest_digits = t[1..].iter().all(|c| digit_like(c.up));
    match (c0, c1) {
        _ if t.len() == 4 && letter_like(c0) && rest_digits => Some(Family::Renault),
        ('T', Some(c)) if t.len() == 5 && c.is_ascii_alphabetic() => t[2..]
            .iter()
            .all(|c| digit_like(c.up))
            .then_some(Family::Renault),
        ('B' | '8', Some('P')) => Some(Family::Blaupunkt),
        ('B' | '8', Some('E')) => Some(Family::Becker),
        ('M', _) if t.len() >= 5 => Some(Family::Visteon),
        _ if c0.is_ascii_alphabetic() && (2..=6).contains(&t.len()) && rest_digits => {
            Some(Family::Renault)
        }
        _ => None,
    }
}

/// `T` before a precode, `M0` before six Visteon digits.
fn strip_family_prefixes(t: &mut Body, family: Family, d: &mut Diagnosis) {
    match family {
        Family::Renault
            if t.len() == 5
                && t[0].up == 'T'
                && t[1].up.is_ascii_alphabetic()
                && t[2..].iter().all(|c| digit_like(c.up)) =>
        {
            d.findings.push(Finding::new(
                Severity::Info,
                K::PrefixRemoved,
                Some(t[0].at()),
                "dropped the leading T: some labels print T before the 4-character precode",
            ));
            t.drop_front(1);
        }
        Family::Visteon
            if t.len() == 8
                && t[0].up == 'M'
                && letter_as_digit(t[1].up).unwrap_or(t[1].up) == '0'
                && t[2..].iter().all(|c| digit_like(c.up)) =>
        {
            d.findings.push(Finding::new(
                Severity::Info,
                K::PrefixRemoved,
                Some(t[1].at()),
                "dropped the 0 after M: labels print M0 + 6 digits, the serial is M + 6 digits",
            ));
            t.remove(1);
        }
        _ => {}
    }
}

/// Checks each character against the family's template, reading confusable
/// characters as what belongs there. Returns the serial when nothing is wrong.
fn read_template(t: &[Typed], family: Family, d: &mut Diagnosis) -> Option<CompactString> {
    let slots = template(family);
    let errors_before = d
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if t.len() != slots.len() {
        let (n, want) = (t.len(), slots.len());
        let (message, position) = if n < want {
            let k = want - n;
            (format!("{k} character{} missing", plural(k)), None)
        } else {
            let k = n - want;
            (
                format!("{k} character{} too many", plural(k)),
                Some(t[want].at()),
            )
        };
        d.findings.push(Finding::new(
            Severity::Error,
            K::WrongLength,
            position,
            format!(
                "a {family} serial is {}; this has {n} characters (spaces, dots and dashes \
                 not counted): {message}",
                family.shape()
            ),
        ));
    }
    // A character read without an error is ASCII; any other is an error
    // finding, so no serial is returned and its stand-in here is never seen.
    let mut serial = [0u8; 14];
    for (i, (slot, c)) in slots.iter().zip(t).enumerate() {
        let p = c.at();
        // Written only into a message, so a clean character costs nothing.
        let shown = ShownChar(c.typed);
        let read = match *slot {
            Slot::Digit | Slot::YearDigit if c.up.is_ascii_digit() => c.up,
            Slot::Digit | Slot::YearDigit => match letter_as_digit(c.up) {
                Some(digit) => {
                    d.findings.push(Finding::new(
                        Severity::Warning,
                        K::LetterForDigit,
                        Some(p),
                        format!("position {p}: {shown} read as '{digit}': a digit belongs here"),
                    ));
                    digit
                }
                None if *slot == Slot::YearDigit && c.up.is_ascii_alphabetic() => {
                    d.findings.push(Finding::new(
                        Severity::Error,
                        K::YearLetter,
                        Some(p),
                        format!(
                            "position {p}: {shown} where the year digit belongs. Older \
                             non-Nissan Blaupunkt serials carry a letter here; on a Nissan \
                             label it is most likely a misread digit: read the label again"
                        ),
                    ));
                    c.up
                }
                None => {
                    d.findings.push(Finding::new(
                        Severity::Error,
                        K::InvalidCharacter,
                        Some(p),
                        format!("position {p}: {shown} is not a digit"),
                    ));
                    c.up
                }
            },
            Slot::Letter if c.up.is_ascii_alphabetic() => c.up,
            Slot::Letter => match digit_as_letter(c.up) {
                Some(letter) => {
                    d.findings.push(Finding::new(
                        Severity::Warning,
                        K::DigitForLetter,
                        Some(p),
                        format!("position {p}: {shown} read as '{letter}': a letter belongs here"),
                    ));
                    letter
                }
                None => {
                    d.findings.push(Finding::new(
                        Severity::Error,
                        K::InvalidCharacter,
                        Some(p),
                        format!("position {p}: {shown} is not a letter"),
                    ));
                    c.up
                }
            },
            Slot::Fixed(want) if c.up == want => want,
            Slot::Fixed(want) if digit_as_letter(c.up) == Some(want) => {
                d.findings.push(Finding::new(
                    Severity::Warning,
                    K::DigitForLetter,
                    Some(p),
                    format!("position {p}: {shown} read as '{want}': {family} serials start here with the letter {want}"),
                ));
                want
            }
            Slot::Fixed(want) => {
                d.findings.push(Finding::new(
                    Severity::Error,
                    K::InvalidCharacter,
                    Some(p),
                    format!("position {p}: {shown} where {family} serials have '{want}'"),
                ));
                c.up
            }
        };
        serial[i] = if read.is_ascii() { read as u8 } else { b'?' };
    }
    let errors_after = d
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors_after == errors_before && t.len() == slots.len())
        .then(|| {
            std::str::from_utf8(&serial[..slots.len()])
                .ok()
                .map(CompactString::from)
        })
        .flatten()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Family rules that need the whole serial.
fn check_serial(
    serial: CompactString,
    family: Family,
    part_number: Option<(String, usize)>,
    d: &mut Diagnosis,
) {
    match family {
        Family::Blaupunkt => {
            let unit_type = &serial[2..6];
            let unit = blaupunkt_unit(unit_type);
            d.unit = unit;
            if unit.is_none() {
                let known: Vec<&str> = blaupunkt_units()
                    .iter()
                    .map(|u| u.unit_type.as_str())
                    .collect();
                d.findings.push(Finding::new(
                    Severity::Info,
                    K::UnknownUnit,
                    None,
                    format!(
                        "BP type {unit_type} is not among the Nissan Blaupunkt units radiocode \
                         knows ({}): check the radio came from a Nissan",
                        known.join(", ")
                    ),
                ));
            }
            if let Some((part_type, pos)) = part_number {
                let number = group_part_number(&format!("764{part_type}318"));
                if part_type == unit_type {
                    d.findings.push(Finding::new(
                        Severity::Info,
                        K::PartNumber,
                        Some(pos),
                        format!("part number {number} matches the serial's type {unit_type}"),
                    ));
                } else {
                    d.findings.push(Finding::new(
                        Severity::Error,
                        K::PartNumber,
                        Some(pos),
                        format!(
                            "the part number is for type {part_type}, but the serial says type \
                             {unit_type}: check that both were read off the same label"
                        ),
                    ));
                    d.read = Some(serial);
                    return;
                }
            }
        }
        Family::Becker => {
            let model = &serial[2..6];
            if !NISSAN_BECKER_MODELS.contains(&model) {
                d.findings.push(Finding::new(
                    Severity::Error,
                    K::UnsupportedModel,
                    None,
                    format!(
                        "Becker model BE{model} is not a Nissan unit: only BE4739 and BE4757 are \
                         fitted to Nissans; other BE models are other makes' radios"
                    ),
                ));
                return;
            }
        }
        Family::Visteon | Family::Renault => {}
    }
    d.serial = Some(serial);
}

/// What the serial says, piece by piece: see [`Diagnosis::parts`].
pub(super) fn parts(d: &Diagnosis) -> Vec<SerialPart> {
    let (Some(read), Some(family)) = (d.serial.as_deref().or(d.read.as_deref()), d.family) else {
        return Vec::new();
    };
    let part = |name, value: &str, meaning: String| SerialPart {
        name,
        value: value.to_string(),
        meaning,
    };
    match family {
        Family::Blaupunkt => {
            let unit_type = &read[2..6];
            let year = &read[6..7];
            vec![
                part(
                    "type",
                    unit_type,
                    blaupunkt_unit(unit_type)
                        .map(|u| u.describe())
                        .unwrap_or_else(|| "not a type radiocode knows from Nissan radios".into()),
                ),
                part(
                    "year digit",
                    year,
                    format!(
                        "made in a year ending in {year} (200{year} on the Nissan units on file)"
                    ),
                ),
                part("running number", &read[7..], String::new()),
            ]
        }
        // A BE model fitted to other makes' radios is not read any further.
        Family::Becker if !NISSAN_BECKER_MODELS.contains(&&read[2..6]) => Vec::new(),
        Family::Becker => vec![
            part("model", &read[2..6], "Becker unit fitted to Nissans".into()),
            part("serial number", &read[6..], String::new()),
        ],
        Family::Visteon => vec![part(
            "number",
            &read[1..],
            "the six digits the Visteon algorithm reads".into(),
        )],
        Family::Renault => vec![
            part("letter", &read[..1], String::new()),
            part("digits", &read[1..], String::new()),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact-form reading is the character-by-character reading: every
    /// precode, Visteon serials across the digits, BP and BE serials of every
    /// known and some unknown types, for each family a technician can choose.
    #[test]
    fn exact_forms_read_as_typed_text_does() {
        let mut inputs: Vec<String> = Vec::new();
        for letter in 'A'..='Z' {
            for n in 0..1000 {
                inputs.push(format!("{letter}{n:03}"));
            }
        }
        for n in (0..1_000_000).step_by(997) {
            inputs.push(format!("M{n:06}"));
        }
        for ty in [
            "2346", "2347", "3349", "5362", "5384", "5387", "1234", "0000",
        ] {
            for n in (0..100_000_000u32).step_by(9_999_991) {
                inputs.push(format!("BP{ty}{n:08}"));
            }
        }
        for model in ["4739", "4757", "4700", "9999"] {
            for n in (0..100_000_000u32).step_by(9_999_991) {
                inputs.push(format!("BE{model}{n:08}"));
            }
        }
        let mut read_exactly = 0;
        for input in &inputs {
            for family in std::iter::once(None).chain(Family::ALL.map(Some)) {
                let mut full = Diagnosis::new(family);
                read_typed(input, &mut full);
                let mut quick = Diagnosis::new(family);
                match exact(input, &mut quick) {
                    true => {
                        assert_eq!(quick, full, "{input} as {family:?}");
                        read_exactly += 1;
                    }
                    false => assert!(
                        family.is_some() && quick == Diagnosis::new(family),
                        "{input} with no family chosen must be read exactly"
                    ),
                }
            }
        }
        // Each input is read exactly with no family chosen and with its own.
        assert_eq!(read_exactly, 2 * inputs.len());
    }

    #[test]
    fn other_text_is_read_character_by_character() {
        for input in [
            "j727",
            "J 727",
            "M0123456",
            "T J727",
            "815BP538464182965",
            "BP5384641829O5",
            "J7270",
        ] {
            assert!(!exact(input, &mut Diagnosis::new(None)), "{input}");
        }
    }
}
