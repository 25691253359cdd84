//! The simulated radio under any sequence of buttons and ticks.

use proptest::prelude::*;
use radiocode::decode::Code;
use radiocode::keypad::{Button, Radio, RadioEvent, RadioState, profile_for};
use radiocode::serial::Family;

fn any_button() -> impl Strategy<Value = Button> {
    prop_oneof![(1u8..=6).prop_map(Button::Preset), Just(Button::Ok)]
}

fn any_event() -> impl Strategy<Value = RadioEvent> {
    prop_oneof![
        4 => any_button().prop_map(RadioEvent::Press),
        2 => any_button().prop_map(RadioEvent::Down),
        2 => any_button().prop_map(RadioEvent::Up),
        3 => prop_oneof![0u64..20_000, 0u64..(25 * 3_600_000), Just(u64::MAX / 4)].prop_map(RadioEvent::Tick),
        1 => Just(RadioEvent::BatteryDisconnected),
    ]
}

/// Any family of the registry.
fn any_family() -> impl Strategy<Value = Family> {
    proptest::sample::select(Family::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn no_sequence_panics_and_the_invariants_hold(
        family in any_family(),
        code in 0u16..10_000,
        events in proptest::collection::vec(any_event(), 0..300),
    ) {
        let profile = profile_for(family).unwrap();
        let mut radio = Radio::new(profile, Code::new(code));
        let mut was_unlocked = false;
        for event in events {
            radio.handle(event);
            prop_assert_eq!(radio.display().chars().count(), 4);
            if let Some(limit) = profile.hard_limit() {
                prop_assert!(radio.wrong() <= limit, "{} > {}", radio.wrong(), limit);
            }
            if let Some((_, held, needed)) = radio.hold_progress() {
                prop_assert!(held <= needed);
            }
            let _ = radio.message();
            if radio.state() == RadioState::Unlocked {
                was_unlocked = true;
            }
            if radio.state() == RadioState::Locked {
                prop_assert!(profile.hard_limit().is_some_and(|l| radio.wrong() >= l));
            }
        }
        let _ = was_unlocked;
    }

    #[test]
    fn the_right_code_always_unlocks_a_fresh_radio(family in any_family(), code in 0u16..10_000) {
        let profile = profile_for(family).unwrap();
        let mut radio = Radio::new(profile, Code::new(code));
        for (i, d) in Code::new(code).digits().iter().enumerate() {
            for _ in 0..*d {
                radio.handle(RadioEvent::Press(Button::Preset(i as u8 + 1)));
            }
        }
        let confirm = Button::parse(&profile.confirm.button).unwrap();
        radio.handle(RadioEvent::Down(confirm));
        radio.handle(RadioEvent::Tick(u64::from(profile.confirm.max_seconds) * 1000));
        radio.handle(RadioEvent::Up(confirm));
        prop_assert_eq!(radio.state(), RadioState::Unlocked);
    }
}

/// Instructions read as instructions: a source's name lives in the sources
/// list, never inside a step; a car's name is said as a car.
#[test]
fn instructions_name_no_source() {
    for p in radiocode::keypad::profiles() {
        let said = p.confirm_text();
        for source_word in ["page", "handbook", "forum", "report", "procedure"] {
            assert!(!said.contains(source_word), "{}: {said}", p.id);
        }
        if let Some(note) = &p.lockout.note {
            assert!(!note.contains("the Note handbook"), "{}: {note}", p.id);
        }
    }
}
