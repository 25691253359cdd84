//! Visteon (`M` + 6 digits): the Ford/Visteon keycode algorithm, confirmed
//! on Ford units and not yet on a Nissan, and the `M0` labels print.

use super::read::{Body, Slot, Typed, digit_like, letter_as_digit};
use super::{Algorithm, CodeSource, Family, Rank, Spec};
use crate::code::{Code, Confidence};
use crate::finding::{Finding, FindingKind as K, SerialPart, Severity};

use Slot::Digit as D;

pub const SPEC: Spec = Spec {
    family: Family::Visteon,
    id: "visteon",
    name: "Visteon",
    aliases: &["m"],
    shape: "M + 6 digits (7 characters), e.g. M123456",
    shape_named: "M + 6 digits (Visteon)",
    template: &[Slot::Fixed('M'), D, D, D, D, D, D],
    detect: |t: &[Typed]| (t.len() >= 5 && t[0].up == 'M').then_some(1 as Rank),
    split_extra: None,
    before_detect: None,
    strip,
    check: |_, _, _| super::Checked::ACCEPTED,
    parts: |read| {
        vec![SerialPart::new(
            "number",
            &read[1..],
            "the six digits the Visteon algorithm reads".into(),
        )]
    },
    code_source: CodeSource::Algorithm(Algorithm {
        code: m_serial_code,
        confidence: Confidence::Assumed,
        note: "Ford/Visteon algorithm, confirmed on Ford units, not yet confirmed on a Nissan \
               unit",
        no_code: None,
    }),
    try_order: super::single,
    routes: super::OTHER_ROUTES,
    label_diagram: include_str!("../../assets/labels/visteon.txt"),
    not_the_serial: |_| vec!["a V + 6 digits serial (a Ford V unit, not this family)".to_string()],
    dump_models: None,
    owns_part_numbers: false,
    in_barcode: None,
    run_together: None,
    printed_cue: None,
    brand_words: &["VISTEON", "FORD"],
};

/// `M0` before six digits: labels print it, the serial is `M` + 6 digits.
fn strip(t: &mut Body, findings: &mut Vec<Finding>) {
    if t.len() == 8
        && t[0].up == 'M'
        && letter_as_digit(t[1].up).unwrap_or(t[1].up) == '0'
        && t[2..].iter().all(|c| digit_like(c.up))
    {
        findings.push(Finding::new(
            Severity::Info,
            K::PrefixRemoved,
            Some(t[1].at()),
            "dropped the 0 after M: labels print M0 + 6 digits, the serial is M + 6 digits",
        ));
        t.remove(1);
    }
}

const T: [[u8; 10]; 10] = [
    [9, 5, 3, 4, 8, 7, 2, 6, 1, 0],
    [2, 1, 5, 6, 9, 3, 7, 0, 4, 8],
    [0, 4, 7, 3, 1, 9, 6, 5, 8, 2],
    [5, 6, 4, 1, 2, 8, 0, 9, 3, 7],
    [6, 3, 1, 2, 0, 5, 4, 8, 7, 9],
    [4, 0, 8, 7, 6, 1, 9, 3, 2, 5],
    [7, 8, 0, 5, 3, 2, 1, 4, 9, 6],
    [1, 9, 6, 8, 7, 4, 5, 2, 0, 3],
    [3, 2, 9, 0, 4, 6, 8, 7, 5, 1],
    [8, 7, 2, 9, 5, 0, 3, 1, 6, 4],
];

const C: [usize; 7] = [5, 3, 8, 2, 1, 6, 9];

fn t(a: u8, b: u8) -> u32 {
    u32::from(T[usize::from(a)][usize::from(b)])
}

/// The code for a Visteon serial `M` + 6 digits; `None` if `serial` is not
/// of that form.
pub fn m_serial_code(serial: &str) -> Option<Code> {
    let b = serial.as_bytes();
    if b.len() != 7 || b[0] != b'M' || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    // n0..n5 are the serial digits read from last to first; n6 is 0.
    let mut n = [0u8; 7];
    for (k, &digit) in b[1..].iter().rev().enumerate() {
        n[k] = digit - b'0';
    }
    // r[1..=7]; r[0] is unused so indices read as in the published form.
    let mut r = [0u8; 8];
    for k in 0..7 {
        r[k + 1] = T[usize::from(n[k])][C[k]];
    }
    let a = t(r[2], r[1]) + 1;
    let s1 =
        (a * (t(r[6], r[2]) + 1) + (t(r[4], r[3]) + 1) * (t(r[7], r[5]) + 1) + t(r[1], r[4])) % 10;
    let s2 =
        (a * (t(r[5], r[4]) + 1) + (t(r[5], r[2]) + 1) * (t(r[7], r[3]) + 1) + t(r[1], r[6])) % 10;
    let s3 =
        (a * (t(r[4], r[2]) + 1) + (t(r[3], r[6]) + 1) * (t(r[7], r[4]) + 1) + t(r[1], r[5])) % 10;
    let s4 =
        (a * (t(r[6], r[3]) + 1) + (t(r[3], r[7]) + 1) * (t(r[2], r[5]) + 1) + t(r[4], r[1])) % 10;
    let p = t(s1 as u8, 5) + 1;
    let q = t(s2 as u8, 1) + 1;
    let rr = t(s3 as u8, 8) + 1;
    let s = t(s4 as u8, 0) + 1;
    let (w1, w2, w3, w4) = (p * q + 105, q * s + 102, p * rr + 103, rr * s + 108);
    let fold = |w: u32| ((w / 10) % 10 + w % 10 + u32::from(r[1])) % 10;
    Some(Code::new(
        (fold(w4) * 1000 + fold(w3) * 100 + fold(w2) * 10 + fold(w1)) as u16,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        for (serial, code) in [
            ("M000000", "1558"),
            ("M000001", "9617"),
            ("M123456", "2487"),
            ("M036972", "6471"),
            ("M471749", "5688"),
            ("M087042", "9124"),
        ] {
            assert_eq!(
                m_serial_code(serial).map(|c| c.to_string()).as_deref(),
                Some(code),
                "{serial}"
            );
        }
        assert_eq!(m_serial_code("V123456"), None);
    }

    #[test]
    fn every_row_of_the_table_is_a_permutation() {
        for row in T {
            let mut seen = [false; 10];
            for v in row {
                seen[usize::from(v)] = true;
            }
            assert!(seen.iter().all(|s| *s));
        }
    }
}
