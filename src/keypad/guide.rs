//! The exact steps to enter a code on a unit, and the order to try codes in
//! without burning the radio's tries.

use serde::Serialize;

use super::profile::{Gesture, UnitProfile, minutes_text};
use crate::decode::Code;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepAction {
    SwitchOn,
    Press,
    Hold,
    Wait,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub action: StepAction,
    pub button: Option<String>,
    pub times: Option<u32>,
    pub seconds: Option<u32>,
    /// The display after this step.
    pub display: String,
    pub text: String,
}

fn times_word(n: u8) -> String {
    const WORDS: [&str; 10] = [
        "no times",
        "once",
        "twice",
        "three times",
        "four times",
        "five times",
        "six times",
        "seven times",
        "eight times",
        "nine times",
    ];
    WORDS
        .get(usize::from(n))
        .map_or_else(|| format!("{n} times"), |w| w.to_string())
}

/// The steps for `code` on a unit with `profile`, from switching on to the
/// confirm gesture.
pub fn guide(profile: &UnitProfile, code: Code) -> Vec<Step> {
    let mut steps = vec![Step {
        action: StepAction::SwitchOn,
        button: None,
        times: None,
        seconds: None,
        display: profile.idle.clone(),
        text: format!(
            "Switch the radio on. The display shows {}, then {}.",
            profile.idle, profile.blank
        ),
    }];
    let digits = code.digits();
    let mut shown = [0u8; 4];
    for (i, &d) in digits.iter().enumerate() {
        shown[i] = d;
        let display: String = shown.iter().map(|d| char::from(b'0' + d)).collect();
        let button = i + 1;
        if d == 0 {
            continue;
        }
        steps.push(Step {
            action: StepAction::Press,
            button: Some(button.to_string()),
            times: Some(u32::from(d)),
            seconds: None,
            display: display.clone(),
            text: format!("Press {button} {}: display {display}.", times_word(d)),
        });
    }
    let zeros: Vec<String> = digits
        .iter()
        .enumerate()
        .filter(|(_, d)| **d == 0)
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !zeros.is_empty()
        && let Some(last) = steps.last_mut()
    {
        last.text.push_str(&format!(
            " Digit{} {} stay{} at 0.",
            if zeros.len() == 1 { "" } else { "s" },
            zeros.join(" and "),
            if zeros.len() == 1 { "s" } else { "" }
        ));
    }
    let c = &profile.confirm;
    let code_text = code.to_string();
    steps.push(match c.gesture {
        Gesture::Hold => Step {
            action: StepAction::Hold,
            button: Some(c.button.clone()),
            times: None,
            seconds: Some(c.max_seconds.max(c.min_seconds)),
            display: code_text.clone(),
            text: format!(
                "With {code_text} on the display, {}. Releasing early does nothing.",
                profile.confirm_text()
            ),
        },
        Gesture::Press => Step {
            action: StepAction::Press,
            button: Some(c.button.clone()),
            times: Some(1),
            seconds: None,
            display: code_text.clone(),
            text: format!(
                "With {code_text} on the display, {}.",
                profile.confirm_text()
            ),
        },
    });
    steps
}

/// One code in the try plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedTry {
    pub code: Code,
    /// Which wrong-code count this try would be if it fails (1-based).
    pub try_number: u32,
    /// A wait that must be sat out (radio on) before this try.
    pub wait_before_minutes: Option<u32>,
    pub warning: Option<String>,
}

/// The order to try `codes` in, given the tries already refused on this
/// radio, with a warning before any try that spends the last one before a
/// wait or a permanent lock.
pub fn try_plan(profile: &UnitProfile, codes: &[Code], already_refused: u32) -> Vec<PlannedTry> {
    codes
        .iter()
        .enumerate()
        .map(|(i, &code)| {
            let before = already_refused + i as u32;
            let n = before + 1;
            let warning = if profile.hard_limit() == Some(n) {
                Some(format!(
                    "LAST TRY: if {code} is refused the radio locks for good ({} wrong codes)",
                    n
                ))
            } else if profile.hard_limit().is_some_and(|limit| n > limit) {
                Some("the radio is already locked for good: do not try".to_string())
            } else {
                profile.wait_after(n).map(|minutes| {
                    format!(
                        "if {code} is refused, a {} wait starts: leave the radio switched on, \
                         never disconnect the battery",
                        minutes_text(minutes)
                    )
                })
            };
            PlannedTry {
                code,
                try_number: n,
                wait_before_minutes: profile.wait_after(before),
                warning,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keypad::profile_for;
    use crate::serial::Family;

    #[test]
    fn blaupunkt_guide_for_7091() {
        let steps = guide(profile_for(Family::Blaupunkt).unwrap(), Code::new(7091));
        let texts: Vec<_> = steps.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts[0],
            "Switch the radio on. The display shows CODE, then 0000."
        );
        assert_eq!(texts[1], "Press 1 seven times: display 7000.");
        assert_eq!(texts[2], "Press 3 nine times: display 7090.");
        assert_eq!(texts[3], "Press 4 once: display 7091. Digit 2 stays at 0.");
        assert!(texts[4].starts_with("With 7091 on the display, press and hold 6 for 10-15 s"));
        assert_eq!(steps[4].action, StepAction::Hold);
        assert_eq!(steps[4].seconds, Some(15));
        let displays: Vec<_> = steps.iter().map(|s| s.display.as_str()).collect();
        assert_eq!(displays, ["CODE", "7000", "7090", "7091", "7091"]);
    }

    #[test]
    fn visteon_confirms_with_a_press_of_5() {
        let steps = guide(profile_for(Family::Visteon).unwrap(), Code::new(2487));
        let last = steps.last().unwrap();
        assert_eq!(last.action, StepAction::Press);
        assert_eq!(last.button.as_deref(), Some("5"));
        assert_eq!(last.times, Some(1));
    }

    #[test]
    fn plan_warns_before_the_last_try_and_the_lock() {
        let bp = profile_for(Family::Blaupunkt).unwrap();
        let plan = try_plan(bp, &[Code::new(7091), Code::new(1091)], 0);
        assert_eq!(plan[0].warning, None);
        assert_eq!(plan[1].warning, None);
        let plan = try_plan(bp, &[Code::new(7091), Code::new(1091)], 1);
        assert!(
            plan[1]
                .warning
                .as_deref()
                .unwrap()
                .contains("60-minute wait")
        );
        let plan = try_plan(bp, &[Code::new(7091), Code::new(1091)], 3);
        assert_eq!(plan[0].wait_before_minutes, Some(60));
        let plan = try_plan(bp, &[Code::new(7091)], 23);
        assert!(plan[0].warning.as_deref().unwrap().starts_with("LAST TRY"));
        let renault = profile_for(Family::Renault).unwrap();
        let plan = try_plan(renault, &[Code::new(6586)], 0);
        assert!(
            plan[0]
                .warning
                .as_deref()
                .unwrap()
                .contains("15-minute wait")
        );
    }
}
