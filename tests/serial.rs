//! What the normaliser makes of label text as technicians type it.

use radiocode::serial::{Diagnosis, Family, FindingKind as K, Severity, diagnose};

fn kinds(d: &Diagnosis) -> Vec<(K, Option<usize>)> {
    d.findings.iter().map(|f| (f.kind, f.position)).collect()
}

fn serial(input: &str) -> Option<String> {
    diagnose(input, None).serial.map(String::from)
}

#[test]
fn spaces_case_dots_and_dashes_are_ignored() {
    assert_eq!(
        serial("bp 5384 6 4182965").as_deref(),
        Some("BP538464182965")
    );
    assert_eq!(
        serial("BP5362 5 8419379").as_deref(),
        Some("BP536258419379")
    );
    assert_eq!(serial(" j-727. ").as_deref(), Some("J727"));
    assert_eq!(
        serial("be 4739 1234.5678").as_deref(),
        Some("BE473912345678")
    );
    assert!(diagnose("bp 5384 6 4182965", None).findings.is_empty());
}

#[test]
fn letters_in_digit_positions_are_flagged_where_typed() {
    let d = diagnose("BP 5384 6 41829O5", None);
    assert_eq!(d.serial.as_deref(), Some("BP538464182905"));
    assert_eq!(kinds(&d), [(K::LetterForDigit, Some(15))]);
    assert_eq!(d.findings[0].severity, Severity::Warning);
    assert!(d.findings[0].message.contains("'O' read as '0'"));

    for (typed, digit) in [
        ('O', '0'),
        ('Q', '0'),
        ('D', '0'),
        ('I', '1'),
        ('l', '1'),
        ('|', '1'),
        ('!', '1'),
        ('S', '5'),
        ('B', '8'),
        ('Z', '2'),
        ('G', '6'),
    ] {
        let d = diagnose(&format!("M12345{typed}"), None);
        assert_eq!(
            d.serial.as_deref(),
            Some(format!("M12345{digit}").as_str()),
            "{typed}"
        );
        assert_eq!(kinds(&d), [(K::LetterForDigit, Some(6))], "{typed}");
    }
}

#[test]
fn digits_in_letter_positions_are_flagged() {
    for (typed, letter) in [('0', 'O'), ('1', 'I'), ('5', 'S'), ('8', 'B'), ('2', 'Z')] {
        let d = diagnose(&format!("{typed}727"), None);
        assert_eq!(
            d.serial.as_deref(),
            Some(format!("{letter}727").as_str()),
            "{typed}"
        );
        assert_eq!(kinds(&d), [(K::DigitForLetter, Some(0))]);
    }
    let d = diagnose("8P538464182965", None);
    assert_eq!(d.serial.as_deref(), Some("BP538464182965"));
    assert_eq!(kinds(&d), [(K::DigitForLetter, Some(0))]);
}

#[test]
fn label_prefixes_are_removed_and_reported() {
    let d = diagnose("815BP538464182965", None);
    assert_eq!(d.serial.as_deref(), Some("BP538464182965"));
    assert_eq!(kinds(&d), [(K::PrefixRemoved, Some(0))]);

    let d = diagnose("815CM538464182965", None);
    assert_eq!(d.serial.as_deref(), Some("BP538464182965"));
    assert_eq!(
        kinds(&d),
        [(K::PrefixRemoved, Some(0)), (K::PrefixRewritten, Some(3))]
    );
    assert_eq!(d.findings[1].severity, Severity::Warning);
    assert!(d.findings[1].message.contains("Bosch"));

    let d = diagnose("M0 123456", None);
    assert_eq!(d.serial.as_deref(), Some("M123456"));
    assert_eq!(kinds(&d), [(K::PrefixRemoved, Some(1))]);
}

#[test]
fn a_part_number_is_recognised_and_points_to_the_serial() {
    let d = diagnose("7 645 384 318", None);
    assert_eq!(d.serial, None);
    assert_eq!(kinds(&d), [(K::PartNumber, Some(0))]);
    assert!(d.findings[0].message.contains("starts BP5384"));

    let d = diagnose("8 635 123 392 0", None);
    assert_eq!(kinds(&d), [(K::PartNumber, Some(0))]);
    assert!(d.findings[0].message.contains("BP + 12 digits"));
    assert_eq!(
        kinds(&diagnose("8635123393.0", None)),
        [(K::PartNumber, Some(0))]
    );
}

#[test]
fn serial_and_part_number_together_are_cross_checked() {
    let d = diagnose("BP538464182965 7645384318", None);
    assert_eq!(d.serial.as_deref(), Some("BP538464182965"));
    assert!(kinds(&d).contains(&(K::PartNumber, Some(15))));
    assert!(!d.has_errors());

    let d = diagnose("7 642 346 318 BP538464182965", None);
    assert_eq!(d.serial, None);
    let f = d.findings.iter().find(|f| f.kind == K::PartNumber).unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("2346"), "{}", f.message);
}

#[test]
fn what_is_not_a_serial_says_what_it_is() {
    let one = |s: &str| kinds(&diagnose(s, None));
    assert_eq!(one("V123456"), [(K::FordVSerial, Some(0))]);
    assert_eq!(one("PP3001MB 0074177"), [(K::NotDecodableUnit, Some(0))]);
    assert_eq!(one("PN-2424M"), [(K::NotDecodableUnit, Some(0))]);
    assert_eq!(one("276-0034-54"), [(K::NotDecodableUnit, Some(0))]);
    assert_eq!(one("DW12345678"), [(K::NotDecodableUnit, Some(0))]);
    assert_eq!(one("AGC-0070RF"), [(K::NotDecodableUnit, Some(0))]);
    assert_eq!(one("secure"), [(K::NotDecodableUnit, Some(0))]);
    let d = diagnose("BE781835000375", None);
    assert_eq!(kinds(&d), [(K::UnsupportedModel, None)]);
    assert_eq!(d.family, Some(Family::Becker));
    assert_eq!(d.serial, None);
    assert_eq!(one("hello world"), [(K::UnknownFamily, None)]);
    assert_eq!(one(""), [(K::Empty, None)]);
    assert_eq!(one(" - "), [(K::Empty, None)]);
}

#[test]
fn wrong_length_says_how_many() {
    let d = diagnose("Bp27210600", None);
    assert_eq!(kinds(&d), [(K::WrongLength, None)]);
    assert!(d.findings[0].message.contains("4 characters missing"));
    let d = diagnose("M1234567", None);
    assert_eq!(kinds(&d), [(K::WrongLength, Some(7))]);
    assert!(d.findings[0].message.contains("1 character too many"));
    // A misread in a short serial is still pointed out.
    let d = diagnose("BP53846O", None);
    assert_eq!(
        kinds(&d),
        [(K::WrongLength, None), (K::LetterForDigit, Some(7))]
    );
}

#[test]
fn a_letter_in_the_year_position_is_not_silently_fixed() {
    let d = diagnose("BP8146X1234567", None);
    assert_eq!(d.serial, None);
    assert_eq!(kinds(&d), [(K::YearLetter, Some(6))]);
}

#[test]
fn blaupunkt_anatomy_and_unit() {
    let d = diagnose("BP334958119566", None);
    let parts = d.parts();
    let parts: Vec<_> = parts.iter().map(|p| (p.name, p.value.as_str())).collect();
    assert_eq!(
        parts,
        [
            ("type", "3349"),
            ("year digit", "5"),
            ("running number", "8119566")
        ]
    );
    assert_eq!(d.unit.unwrap().faceplate.as_deref(), Some("MM CD-K"));
    let d = diagnose("BP934515516803", None);
    assert!(d.unit.is_none());
    assert_eq!(kinds(&d), [(K::UnknownUnit, None)]);
    assert!(!d.has_errors());
}

#[test]
fn a_chosen_family_wins_and_a_mismatch_is_reported() {
    let d = diagnose("M123", Some(Family::Renault));
    assert_eq!(d.serial.as_deref(), Some("M123"));
    let d = diagnose("BP538464182965", Some(Family::Visteon));
    assert_eq!(d.serial, None);
    assert_eq!(d.findings[0].kind, K::FamilyMismatch);
    assert!(d.has_errors());
}

#[test]
fn control_characters_never_reach_a_message_raw() {
    let d = diagnose("J7\u{1b}[2J27", None);
    assert!(d.has_errors());
    for f in &d.findings {
        assert!(!f.message.contains('\u{1b}'), "{}", f.message);
    }
}

#[test]
fn too_long_text_is_refused_quickly() {
    let long = "A".repeat(1 << 20);
    let d = diagnose(&long, None);
    assert_eq!(kinds(&d), [(K::TooLong, None)]);
    assert!(d.findings[0].message.contains("1048576 characters"));
}

/// A serial typed (or scanned) with a French AZERTY keyboard's number row
/// is read back as digits, said by a finding, where only that reading makes
/// a serial; a dash alone is still a separator.
#[test]
fn an_azerty_number_row_is_read_as_digits() {
    let d = diagnose("BP(\"_'-'&_éç-(", None);
    assert_eq!(d.serial.as_deref(), Some("BP538464182965"));
    assert_eq!(d.findings[0].kind, K::AzertyNumberRow);
    assert!(d.findings[0].message.contains("AZERTY"));
    let d = diagnose("Jè\"è", None);
    assert_eq!(d.serial.as_deref(), Some("J737"));
    // Ordinary text keeps its ordinary reading.
    assert_eq!(diagnose("J-727", None).serial.as_deref(), Some("J727"));
    let d = diagnose("BP5384-641829", None);
    assert!(
        d.serial.is_none(),
        "a missing digit is not made up from a dash"
    );
    assert!(d.findings.iter().all(|f| f.kind != K::AzertyNumberRow));
}

/// A serial copied with the label's word before it reads as the serial,
/// with a finding that the word was left out; positions stay those of the
/// text as typed.
#[test]
fn the_labels_word_before_a_serial_is_left_out_and_said() {
    for (typed, want) in [
        ("S/N BP5384 6 4182965", "BP538464182965"),
        ("S/N: BP5384-6-4182965", "BP538464182965"),
        ("SN M123456", "M123456"),
        ("Serial BE4739 12345678", "BE473912345678"),
        ("SERIAL NO. BP538464182965", "BP538464182965"),
        ("Ser.-Nr. BP538464182965", "BP538464182965"),
        ("Serial number: M 123456", "M123456"),
        ("PRE CODE J727", "J727"),
        ("PRE-CODE: J727", "J727"),
    ] {
        let d = diagnose(typed, None);
        assert_eq!(d.serial.as_deref(), Some(want), "{typed}: {:?}", d.findings);
        assert!(
            d.findings
                .iter()
                .any(|f| f.kind == K::PrefixRemoved && f.message.contains("left out")),
            "{typed}: {:?}",
            d.findings
        );
    }
    // A misread after the word is flagged where it was typed.
    let d = diagnose("Serial BP5384 6 41829O5", None);
    assert_eq!(d.serial.as_deref(), Some("BP538464182905"));
    assert!(
        d.findings
            .iter()
            .any(|f| f.kind == K::LetterForDigit && f.position == Some(21)),
        "{:?}",
        d.findings
    );
    // Words that are no label's, or nothing after the word: no serial.
    for typed in ["SN", "Serial", "HELLO BP538464182965", "S/N 12"] {
        assert_eq!(diagnose(typed, None).serial, None, "{typed}");
    }
}

/// A Renault label's long number typed or scanned whole gives its precode
/// by the label rule, which is said, never silently.
#[test]
fn a_renault_labels_long_number_gives_its_precode_by_the_rule() {
    let d = diagnose("281150063RTJ727", None);
    assert_eq!(d.serial.as_deref(), Some("J727"));
    assert!(
        d.findings
            .iter()
            .any(|f| f.kind == K::PrefixRemoved && f.message.contains("after the T")),
        "{:?}",
        d.findings
    );
    // Not inside spaced text, and not where two precodes could be meant.
    assert_eq!(diagnose("281150063 RTJ727", None).serial, None);
    assert_eq!(diagnose("28TA115TJ727", None).serial, None);
}
