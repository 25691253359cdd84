//! No text panics the normaliser or the decoder, and what it accepts is stable.

use proptest::prelude::*;
use radiocode::decode::{NoBook, Status, decode};
use radiocode::serial::{Family, MAX_INPUT_CHARS, diagnose};

/// No family chosen, or any family of the registry.
fn any_family() -> impl Strategy<Value = Option<Family>> {
    proptest::option::of(proptest::sample::select(Family::ALL.to_vec()))
}

/// Text that looks like what lands in the serial box: label-ish characters,
/// confusables, separators and a few hostile ones.
fn label_like() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "(815|T|M0|CM|8P|BP|BE|bp|M|V)?[0-9OoQDIl|!SZBGJMPE .\\-\u{1b}é]{0,20}",
    )
    .unwrap()
}

fn check_accepted_is_stable(input: &str, family: Option<Family>) -> Result<(), TestCaseError> {
    let d = diagnose(input, family);
    if let Some(serial) = &d.serial {
        prop_assert!(!d.has_errors());
        for again in [family, None, d.family] {
            let e = diagnose(serial, again);
            prop_assert_eq!(e.serial.as_deref(), Some(serial.as_str()), "{:?}", again);
            prop_assert_eq!(e.family, d.family);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_string_never_panics(s in any::<String>(), family in any_family()) {
        let o = decode(&s, family, &NoBook);
        prop_assert_eq!(o.status == Status::Invalid, o.diagnosis.serial.is_none());
        for f in &o.diagnosis.findings {
            if let Some(p) = f.position {
                prop_assert!(p < s.chars().count());
            }
        }
    }

    #[test]
    fn label_like_text_never_panics_and_accepted_serials_are_stable(
        s in label_like(), family in any_family()
    ) {
        let o = decode(&s, family, &NoBook);
        if o.status == Status::Decoded {
            prop_assert!(!o.candidates.is_empty());
        }
        check_accepted_is_stable(&s, family)?;
    }

    #[test]
    fn any_string_accepted_is_stable(s in any::<String>(), family in any_family()) {
        check_accepted_is_stable(&s, family)?;
    }

    #[test]
    fn control_characters_and_long_text(
        s in proptest::collection::vec(any::<char>(), 0..(MAX_INPUT_CHARS * 3))
    ) {
        let s: String = s.into_iter().collect();
        let o = decode(&s, None, &NoBook);
        // Longer than any serial: never a serial, and said.
        if s.chars().count() > MAX_INPUT_CHARS {
            prop_assert!(o.diagnosis.serial.is_none());
            prop_assert!(!o.diagnosis.findings.is_empty());
        }
        // Every message is safe to print: what was typed is echoed escaped.
        for f in &o.diagnosis.findings {
            prop_assert!(
                !f.message.chars().any(|c| c.is_control() && c != '\n'),
                "{:?}", f.message
            );
        }
    }
}

#[test]
fn a_megabyte_of_anything_never_panics() {
    for fill in ["A", "7", "\u{0}", "é", " ", "\u{1b}"] {
        let s = fill.repeat(1 << 20);
        let o = decode(&s, None, &NoBook);
        assert_eq!(o.status, Status::Invalid);
    }
}
