//! Blaupunkt (`BP` + 12 digits): no public algorithm. The units radiocode
//! knows by their 4-digit type, the label's prefixes (`815`, `CM`), the part
//! number typed with the serial, and the try order of a recorded code.

use std::sync::OnceLock;

use serde::Deserialize;
use smallvec::SmallVec;

use super::RunTogether;
use super::read::{Body, Slot, Typed, all_digits, digit_like, text_of};
use super::{Checked, CodeSource, Family, PartNumber, Rank, Spec, Unit};
use crate::code::Code;
use crate::finding::{Finding, FindingKind as K, SerialPart, Severity};

use Slot::Digit as D;

pub const SPEC: Spec = Spec {
    family: Family::Blaupunkt,
    id: "blaupunkt",
    name: "Blaupunkt",
    aliases: &["bp"],
    shape: "BP + 12 digits (14 characters)",
    shape_named: "BP + 12 digits (Blaupunkt)",
    template: &[
        Slot::Fixed('B'),
        Slot::Fixed('P'),
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
    ],
    detect,
    split_extra: Some(split_part_number),
    before_detect: Some(strip_prefixes),
    strip: super::no_prefix,
    check,
    parts,
    code_source: CodeSource::NoPublicAlgorithm,
    try_order,
    routes: super::NO_ALGORITHM_ROUTES,
    label_diagram: include_str!("../../assets/labels/blaupunkt.txt"),
    not_the_serial,
    dump_models: Some(super::DumpModels {
        prefix: "BP",
        nissan: None,
        bare: true,
        words: "the Blaupunkt type (BP5384, the 4 digits after BP)",
    }),
    owns_part_numbers: true,
    in_barcode: None,
    run_together: Some(RunTogether {
        len: 14,
        starts: [&['B', '8'], &['P']],
    }),
    printed_cue: None,
    brand_words: &["BLAUPUNKT"],
};

fn detect(t: &[Typed]) -> Option<Rank> {
    (t.len() >= 2 && matches!(t[0].up, 'B' | '8') && t[1].up == 'P').then_some(1)
}

/// A Blaupunkt part number `7 64a bcd 3xx`: returns the type `abcd`.
pub(crate) fn part_number_type(t: &[Typed]) -> Option<String> {
    (t.len() == 10
        && all_digits(t)
        && t[0].up == '7'
        && t[1].up == '6'
        && t[2].up == '4'
        && t[7].up == '3')
        .then(|| text_of(&t[3..7]))
}

/// `7 645 384 318` from its ten digits.
pub(crate) fn group_part_number(digits: &str) -> String {
    format!(
        "{} {} {} {}",
        &digits[0..1],
        &digits[1..4],
        &digits[4..7],
        &digits[7..]
    )
}

/// A BP serial typed together with its part number (either order): takes the
/// part number off `body` and returns its type and position.
fn split_part_number(body: &mut Body) -> Option<PartNumber> {
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

/// One character of the label's `815CM`/`815BP` misread, as OCR does: the
/// 8 lost (`15CM…`), or the C read as `€`, `(`, `[`, `<` or `G`. Repaired
/// only where the 12 digits a serial needs follow, and said.
fn repair_prefix(t: &mut Body, findings: &mut Vec<Finding>) {
    let digits_from = |t: &[Typed], from: usize| {
        t.len() == from + 12 && t[from..].iter().all(|c| digit_like(c.up))
    };
    let bp_or_cm = |a: char, b: char| matches!((a, b), ('C', 'M') | ('B', 'P'));
    if t.len() == 16
        && t[0].up == '1'
        && t[1].up == '5'
        && bp_or_cm(t[2].up, t[3].up)
        && digits_from(t, 4)
    {
        findings.push(Finding::new(
            Severity::Warning,
            K::PrefixRewritten,
            Some(t[0].at()),
            "read 15… as the label's 815…: its 8 is lost (one character misread); dropped \
             with it",
        ));
        t.drop_front(2);
    } else if t.len() == 17
        && (t[0].up, t[1].up, t[2].up) == ('8', '1', '5')
        && digits_from(t, 5)
        && (t[3].up, t[4].up) != ('8', 'P')
    {
        // One of the two letters after 815 misread (OCR-B's C read as 0 or
        // €, an M as N): 815CM and 815BP both mean the same BP serial, so
        // only one serial can be meant.
        let (a, b) = (t[3].up, t[4].up);
        let Some((i, want, prefix)) = [('C', 'M', "815CM"), ('B', 'P', "815BP")]
            .into_iter()
            .find(|&(x, y, _)| (x == a) != (y == b))
            .map(|(x, y, prefix)| {
                if x == a {
                    (4, y, prefix)
                } else {
                    (3, x, prefix)
                }
            })
        else {
            return;
        };
        findings.push(Finding::new(
            Severity::Warning,
            K::PrefixRewritten,
            Some(t[i].at()),
            format!(
                "read '{}' as {want} in the label's {prefix} (one character misread)",
                t[i].typed
            ),
        ));
        t[i].up = want;
    }
}

/// `815` before a BP serial, and `CM` for `BP`, as printed on some labels.
fn strip_prefixes(t: &mut Body, findings: &mut Vec<Finding>) {
    let starts = |t: &[Typed], a: char, b: char| t.len() >= 2 && t[0].up == a && t[1].up == b;
    repair_prefix(t, findings);
    if t.len() > 5
        && (t[0].up, t[1].up, t[2].up) == ('8', '1', '5')
        && (starts(&t[3..], 'B', 'P') || starts(&t[3..], 'C', 'M') || starts(&t[3..], '8', 'P'))
    {
        findings.push(Finding::new(
            Severity::Info,
            K::PrefixRemoved,
            Some(t[0].at()),
            "dropped the leading 815: some labels print 815 before the 14-character serial",
        ));
        t.drop_front(3);
    }
    if starts(t, 'C', 'M') && t.len() > 2 && t[2..].iter().all(|c| digit_like(c.up)) {
        findings.push(Finding::new(
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

/// The unit the type names, and the part number typed with the serial.
fn check(serial: &str, part_number: Option<&PartNumber>, findings: &mut Vec<Finding>) -> Checked {
    let unit_type = &serial[2..6];
    let unit = blaupunkt_unit(unit_type);
    if unit.is_none() {
        let known: Vec<&str> = blaupunkt_units()
            .iter()
            .map(|u| u.unit_type.as_str())
            .collect();
        findings.push(Finding::new(
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
    let mut checked = Checked {
        unit,
        ..Checked::ACCEPTED
    };
    if let Some((part_type, pos)) = part_number {
        let number = group_part_number(&format!("764{part_type}318"));
        if part_type == unit_type {
            findings.push(Finding::new(
                Severity::Info,
                K::PartNumber,
                Some(*pos),
                format!("part number {number} matches the serial's type {unit_type}"),
            ));
        } else {
            findings.push(Finding::new(
                Severity::Error,
                K::PartNumber,
                Some(*pos),
                format!(
                    "the part number is for type {part_type}, but the serial says type \
                     {unit_type}: check that both were read off the same label"
                ),
            ));
            checked.accepted = false;
            checked.keep_read = true;
        }
    }
    checked
}

fn parts(read: &str) -> Vec<SerialPart> {
    let unit_type = &read[2..6];
    let year = &read[6..7];
    vec![
        SerialPart::new(
            "type",
            unit_type,
            blaupunkt_unit(unit_type)
                .map(|u| u.describe())
                .unwrap_or_else(|| "not a type radiocode knows from Nissan radios".into()),
        ),
        SerialPart::new(
            "year digit",
            year,
            format!("made in a year ending in {year} (200{year} on the Nissan units on file)"),
        ),
        SerialPart::new("running number", &read[7..], String::new()),
    ]
}

/// The Blaupunkt try order: a first digit of 2 or more is followed by the
/// code mod 2000, because some units hold only a blank, 0 or 1 there.
pub fn try_order(code: Code) -> SmallVec<[Code; 2]> {
    if code.digits()[0] >= 2 {
        smallvec::smallvec![code, Code::new(code.value() % 2000)]
    } else {
        smallvec::smallvec![code]
    }
}

fn not_the_serial(unit: Option<&Unit>) -> Vec<String> {
    vec![
        format!(
            "the part number {} (7 64x xxx 318)",
            unit.map_or("on the label", |u| u.part_number.as_str())
        ),
        "8 635 123 39x, printed on some labels".to_string(),
    ]
}

#[derive(Deserialize)]
struct UnitFile {
    unit: Vec<Unit>,
}

const UNITS_TOML: &str = include_str!("../../assets/blaupunkt_units.toml");

/// All known units, parsed once from the compiled-in asset.
pub fn blaupunkt_units() -> &'static [Unit] {
    static UNITS: OnceLock<Vec<Unit>> = OnceLock::new();
    UNITS.get_or_init(|| {
        // The asset is part of the source tree and checked by a unit test.
        toml::from_str::<UnitFile>(UNITS_TOML)
            .map(|f| f.unit)
            .unwrap_or_default()
    })
}

pub fn blaupunkt_unit(unit_type: &str) -> Option<&'static Unit> {
    blaupunkt_units().iter().find(|u| u.unit_type == unit_type)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_serial_run_into_the_word_before_it_is_found() {
        let rule = super::SPEC.run_together.unwrap();
        let word: Vec<char> = "SERIALBP234612345678".chars().collect();
        assert_eq!(rule.stretches(&word), ["BP234612345678"]);
        // As OCR misreads it: 8 for B.
        let word: Vec<char> = "SN:8P2346123456789".chars().collect();
        assert_eq!(rule.stretches(&word), ["8P234612345678"]);
        // A Becker model is not a Blaupunkt serial.
        let word: Vec<char> = "XBE473912345678".chars().collect();
        assert!(rule.stretches(&word).is_empty());
    }
    use super::*;

    #[test]
    fn asset_parses_and_types_match_part_numbers() {
        let units = blaupunkt_units();
        assert_eq!(units.len(), 6);
        for u in units {
            let digits: String = u.part_number.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(&digits[3..7], u.unit_type, "{}", u.part_number);
        }
        assert_eq!(
            blaupunkt_unit("3349").unwrap().faceplate.as_deref(),
            Some("MM CD-K")
        );
        assert!(blaupunkt_unit("9999").is_none());
    }
}
