//! Numbers that are not a serial radiocode decodes: part numbers, other
//! makers' serials (Clarion, Daewoo, Ford V), Nissan Connect units and the
//! words a locked display shows. Each is named, with where to look instead.

use super::blaupunkt::{blaupunkt_unit, group_part_number, part_number_type};
use super::read::{MAX_INPUT_CHARS, Typed, all_digits, upper_text};
use crate::finding::{Finding, FindingKind as K, Severity};

/// Numbers from the label (or from other radios) that are not a serial
/// radiocode decodes, each with what it is and where to look instead.
pub(crate) fn recognise(t: &[Typed]) -> Option<Finding> {
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
