//! From typed label text to a [`Diagnosis`].
//!
//! A valid serial is read without touching the heap: the kept characters live
//! in a fixed array on the stack, the serial is an inline string, and a
//! message is only written when there is something to say. What differs from
//! one family to another comes from its [`Spec`](crate::family::Spec).

use compact_str::CompactString;

use super::{Diagnosis, Family, Finding, FindingKind as K, Severity, ShownChar};
use crate::family::read::{Body, Slot, Typed, digit_as_letter, letter_as_digit, text_of};
use crate::family::{self, PartNumber, others};

pub use crate::family::MAX_INPUT_CHARS;
pub(crate) use crate::family::normal_form;

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
    if exact(input, d) {
        return;
    }
    let chosen = d.family;
    read_typed(input, d);
    if d.has_errors() {
        read_after_label_word(input, chosen, d);
    }
    if d.has_errors() {
        read_long_number(input, chosen, d);
    }
    if d.has_errors() {
        read_azerty(input, chosen, d);
    }
}

/// The words a label prints before its serial, as letters alone: `S/N`,
/// `SN:`, `Serial`, `SERIAL NO.`, `Ser.-Nr.`, `Serial number`, `PRE CODE`.
const LABEL_WORDS: [&str; 8] = [
    "SN",
    "SERIAL",
    "SERIALNO",
    "SERIALNR",
    "SERNR",
    "SERNO",
    "SERIALNUMBER",
    "PRECODE",
];

/// Text copied with the label's word before the serial (`S/N BP5384 6
/// 4182965`): when the text after the word reads as a valid serial (and the
/// whole did not), that reading stands, with a finding that the word was
/// left out. The word is blanked, not cut, so every position stays that of
/// the text as typed.
fn read_after_label_word(input: &str, chosen: Option<Family>, d: &mut Diagnosis) {
    let chars: Vec<char> = input.chars().collect();
    let mut letters = String::new();
    let mut best = None;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_digit() {
            break;
        }
        if c.is_alphabetic() {
            letters.push(c.to_ascii_uppercase());
            continue;
        }
        // A word ends at a space or a mark: is what came before a label's?
        if LABEL_WORDS.contains(&letters.as_str()) {
            best = Some((i, letters.clone()));
        }
    }
    let Some((end, word)) = best else {
        return;
    };
    let blanked: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i < end { ' ' } else { c })
        .collect();
    let mut alt = Diagnosis::new(chosen);
    read_typed(&blanked, &mut alt);
    if alt.has_errors() || alt.serial.is_none() {
        return;
    }
    let shown: String = chars[..end].iter().collect();
    alt.findings.insert(
        0,
        Finding::new(
            Severity::Info,
            K::PrefixRemoved,
            Some(0),
            format!(
                "'{}' is the label's word before the serial ({word}): left out",
                shown.trim()
            ),
        ),
    );
    *d = alt;
}

/// A label's long number typed or scanned whole (a Renault label's
/// `281150063RTJ727`): the serial it holds by its family's barcode rule,
/// which a finding names. Never for text with spaces or marks in it.
fn read_long_number(input: &str, chosen: Option<Family>, d: &mut Diagnosis) {
    let Some((serial, rule)) = family::serial_in_long_number(input) else {
        return;
    };
    let mut alt = Diagnosis::new(chosen);
    read_typed(&serial, &mut alt);
    if alt.has_errors() || alt.serial.is_none() {
        return;
    }
    // The positions are those of the serial inside the number.
    let start =
        input.chars().count() - serial.chars().count() - (input.len() - input.trim_end().len());
    for f in &mut alt.findings {
        f.position = f.position.map(|p| p + start);
    }
    alt.findings.insert(
        0,
        Finding::new(Severity::Warning, K::PrefixRemoved, Some(0), rule),
    );
    *d = alt;
}

/// The number row of a French (AZERTY) keyboard, 1 to 0, unshifted: what a
/// technician on such a keyboard, or a USB scanner set up for one, types
/// for the digits.
const AZERTY_ROW: [(char, char); 10] = [
    ('&', '1'),
    ('é', '2'),
    ('"', '3'),
    ('\'', '4'),
    ('(', '5'),
    ('-', '6'),
    ('è', '7'),
    ('_', '8'),
    ('ç', '9'),
    ('à', '0'),
];

/// Text that only makes sense read as typed on an AZERTY number row: when
/// that reading is a valid serial (and the plain one was not), it replaces
/// the plain one, with a finding that says so. Each character maps to one,
/// so positions stay those of the text as typed.
fn read_azerty(input: &str, chosen: Option<Family>, d: &mut Diagnosis) {
    let digit = |c: char| AZERTY_ROW.iter().find(|(k, _)| *k == c).map(|(_, v)| *v);
    // '-' and '_' separate digits in ordinary typing: only a character no
    // serial is typed with (& é " ' ( è ç à) says this is the number row.
    if !input
        .chars()
        .any(|c| digit(c).is_some() && !matches!(c, '-' | '_'))
    {
        return;
    }
    let mapped: String = input.chars().map(|c| digit(c).unwrap_or(c)).collect();
    let mut alt = Diagnosis::new(chosen);
    read_typed(&mapped, &mut alt);
    if alt.has_errors() || alt.serial.is_none() {
        return;
    }
    alt.findings.insert(
        0,
        Finding::new(
            Severity::Warning,
            K::AzertyNumberRow,
            None,
            "read as typed on a French (AZERTY) keyboard's number row: & é \" ' ( - è _ ç à \
             are the digits 1 to 0 there. Check the serial on the label",
        ),
    );
    *d = alt;
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

/// Reads typed label text character by character, flagging each misreading.
fn read_typed(input: &str, d: &mut Diagnosis) {
    let chosen = d.family;
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
    if let Some(finding) = others::recognise(&body) {
        d.findings.push(finding);
        return;
    }
    let mut extra = None;
    for f in family::ALL {
        if let Some(split) = f.spec().split_extra {
            extra = extra.or_else(|| split(&mut body));
        }
    }
    for f in family::ALL {
        if let Some(strip) = f.spec().before_detect
            && chosen.is_none_or(|c| c == f)
        {
            strip(&mut body, &mut d.findings);
        }
    }

    let detected = detect(&body);
    let family = match (chosen, detected) {
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
            let shapes: Vec<String> = family::ALL
                .iter()
                .map(|f| f.spec().shape_named.to_string())
                .collect();
            d.findings.push(Finding::new(
                Severity::Error,
                K::UnknownFamily,
                None,
                format!(
                    "'{}' does not have the shape of a Nissan radio serial: {}",
                    super::escape_text(&text_of(&body)),
                    family::or_list(&shapes)
                ),
            ));
            return;
        }
    };
    d.family = Some(family);
    (family.spec().strip)(&mut body, &mut d.findings);

    if let Some(serial) = read_template(&body, family, d) {
        check_serial(serial, family, extra, d);
    }
}

/// The family a body of text has the shape of, if any: of the families
/// that claim it, the surest.
fn detect(t: &[Typed]) -> Option<Family> {
    if t.is_empty() {
        return None;
    }
    family::ALL
        .into_iter()
        .filter_map(|f| (f.spec().detect)(t).map(|rank| (rank, f)))
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, f)| f)
}

/// Checks each character against the family's template, reading confusable
/// characters as what belongs there. Returns the serial when nothing is wrong.
fn read_template(t: &[Typed], family: Family, d: &mut Diagnosis) -> Option<CompactString> {
    let slots = family.spec().template;
    let errors_before = d
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if t.len() != slots.len() {
        wrong_length(t, slots.len(), family, d);
    }
    // A character read without an error is ASCII; any other is an error
    // finding, so no serial is returned and its stand-in here is never seen.
    // On the stack, room for any family's serial; a template longer than
    // this gives no serial rather than running past the end.
    let mut serial = [0u8; 32];
    for (i, (slot, c)) in slots.iter().zip(t).enumerate() {
        let read = read_slot(*slot, c, family, d);
        if let Some(b) = serial.get_mut(i) {
            *b = if read.is_ascii() { read as u8 } else { b'?' };
        }
    }
    let errors_after = d
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors_after == errors_before && t.len() == slots.len())
        .then(|| {
            serial
                .get(..slots.len())
                .and_then(|s| std::str::from_utf8(s).ok())
                .map(CompactString::from)
        })
        .flatten()
}

/// The finding for a serial of the wrong length: how many are missing, or
/// where the extra ones start.
fn wrong_length(t: &[Typed], want: usize, family: Family, d: &mut Diagnosis) {
    let n = t.len();
    let (message, position) = if n < want {
        let k = want - n;
        (format!("{k} character{} missing", plural(k)), None)
    } else {
        let k = n - want;
        // The caret under the first extra character is said here.
        (
            format!(
                "{k} character{} too many, from position {}",
                plural(k),
                t[want].at() + 1
            ),
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

/// One character read against its slot of the template: what it is read
/// as, with a finding when it was read as something else or is wrong.
#[inline(always)]
fn read_slot(slot: Slot, c: &Typed, family: Family, d: &mut Diagnosis) -> char {
    let p = c.at();
    // Said as a person counts: the first character is position 1.
    let n = p + 1;
    // Written only into a message, so a clean character costs nothing.
    let shown = ShownChar(c.typed);
    match slot {
        Slot::Digit | Slot::YearDigit if c.up.is_ascii_digit() => c.up,
        Slot::Digit | Slot::YearDigit => match letter_as_digit(c.up) {
            Some(digit) => {
                d.findings.push(Finding::new(
                    Severity::Warning,
                    K::LetterForDigit,
                    Some(p),
                    format!("position {n}: {shown} read as '{digit}': a digit belongs here"),
                ));
                digit
            }
            None if slot == Slot::YearDigit && c.up.is_ascii_alphabetic() => {
                d.findings.push(Finding::new(
                    Severity::Error,
                    K::YearLetter,
                    Some(p),
                    format!(
                        "position {n}: {shown} where the year digit belongs. Older \
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
                    format!("position {n}: {shown} is not a digit"),
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
                    format!("position {n}: {shown} read as '{letter}': a letter belongs here"),
                ));
                letter
            }
            None => {
                d.findings.push(Finding::new(
                    Severity::Error,
                    K::InvalidCharacter,
                    Some(p),
                    format!("position {n}: {shown} is not a letter"),
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
                format!("position {n}: {shown} read as '{want}': {family} serials start here with the letter {want}"),
            ));
            want
        }
        Slot::Fixed(want) => {
            d.findings.push(Finding::new(
                Severity::Error,
                K::InvalidCharacter,
                Some(p),
                format!("position {n}: {shown} where {family} serials have '{want}'"),
            ));
            c.up
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Family rules that need the whole serial.
fn check_serial(
    serial: CompactString,
    family: Family,
    part_number: Option<PartNumber>,
    d: &mut Diagnosis,
) {
    let checked = (family.spec().check)(&serial, part_number.as_ref(), &mut d.findings);
    d.unit = checked.unit;
    if checked.accepted {
        d.serial = Some(serial);
    } else if checked.keep_read {
        d.read = Some(serial);
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
