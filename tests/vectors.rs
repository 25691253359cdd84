//! The published vectors, and the whole independently published precode list.

use std::collections::HashSet;

use radiocode::decode::{NoBook, Source, Status, decode};
use radiocode::family::{renault, visteon};
use radiocode::serial::Family;

fn codes(input: &str) -> Vec<String> {
    decode(input, None, &NoBook)
        .candidates
        .iter()
        .map(|c| c.code.to_string())
        .collect()
}

#[test]
fn renault_vectors() {
    for (precode, code) in [
        ("J727", "6586"),
        ("J295", "7590"),
        ("U769", "5223"),
        ("A123", "0086"),
        ("Y020", "1902"),
        ("B000", "0907"),
        ("Z999", "0060"),
        ("A100", "0070"),
    ] {
        assert_eq!(codes(precode), [code], "{precode}");
    }
}

#[test]
fn renault_a000_to_a099_have_no_code() {
    for n in 0..100 {
        let precode = format!("A{n:03}");
        let o = decode(&precode, None, &NoBook);
        assert_eq!(o.status, Status::NoCode, "{precode}");
        assert!(o.candidates.is_empty());
        assert!(
            o.diagnosis
                .findings
                .iter()
                .any(|f| f.message.contains("A000-A099")),
            "{precode} says why"
        );
    }
}

#[test]
fn renault_matches_the_published_list_row_for_row() {
    let list = include_str!("data/renault_list_2014.csv");
    let mut rows = 0;
    for line in list.lines().skip(1) {
        let (precode, code) = line.split_once(',').expect("precode,code");
        let got = renault::precode_code(precode).map(|c| c.to_string());
        assert_eq!(got.as_deref(), Some(code), "{precode}");
        rows += 1;
    }
    assert_eq!(rows, 23_400);
}

#[test]
fn renault_within_a_group_the_100_precodes_give_100_codes() {
    for letter in 'A'..='Z' {
        for d1 in 0..10 {
            if letter == 'A' && d1 == 0 {
                continue;
            }
            let distinct: HashSet<_> = (0..100)
                .map(|n| renault::precode_code(&format!("{letter}{d1}{n:02}")).unwrap())
                .collect();
            assert_eq!(distinct.len(), 100, "group {letter}{d1}");
        }
    }
}

#[test]
fn visteon_vectors() {
    for (serial, code) in [
        ("M000000", "1558"),
        ("M000001", "9617"),
        ("M123456", "2487"),
        ("M036972", "6471"),
        ("M471749", "5688"),
        ("M087042", "9124"),
    ] {
        assert_eq!(codes(serial), [code], "{serial}");
        assert_eq!(
            visteon::m_serial_code(serial).unwrap().to_string(),
            code,
            "{serial}"
        );
    }
}

#[test]
fn algorithm_candidates_carry_source_and_confidence() {
    let o = decode("J727", None, &NoBook);
    let c = &o.candidates[0];
    assert_eq!(c.source, Source::Algorithm);
    assert_eq!(c.confidence.id(), "verified");
    let o = decode("M123456", None, &NoBook);
    let c = &o.candidates[0];
    assert_eq!(c.confidence.id(), "assumed");
    assert!(
        c.note.contains("not yet confirmed on a Nissan unit"),
        "{}",
        c.note
    );
}

#[test]
fn blaupunkt_and_becker_never_get_an_invented_code() {
    for serial in [
        "BP234746080340",
        "BP538469512132",
        "BP234632011442",
        "BP538464182965",
        "BP536258419379",
        "BE473912345678",
        "BE475700000001",
    ] {
        let o = decode(serial, None, &NoBook);
        assert_eq!(o.status, Status::NoCode, "{serial}");
        assert!(o.candidates.is_empty(), "{serial}");
        let why = &o.diagnosis.findings.last().unwrap().message;
        assert!(why.contains("no public algorithm"), "{why}");
        assert!(why.contains("dealer"), "{why}");
        assert!(why.contains("EEPROM"), "{why}");
    }
}

#[test]
fn an_explicit_family_is_used() {
    let o = decode("0123", Some(Family::Renault), &NoBook);
    assert_eq!(o.diagnosis.serial.as_deref(), Some("O123"));
    assert_eq!(o.status, Status::Decoded);
}
