//! Unit profiles: how a family's radio takes a code, from `assets/`.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::serial::Family;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gesture {
    Press,
    Hold,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaitGrowth {
    Fixed,
    PerTry,
    Doubles,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Confirm {
    pub button: String,
    pub gesture: Gesture,
    pub min_seconds: u32,
    pub max_seconds: u32,
    pub alternatives: Vec<String>,
    pub source: String,
    pub borrowed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Lockout {
    pub tries_before_wait: u32,
    pub wait_minutes: u32,
    pub wait_growth: WaitGrowth,
    /// Wrong codes before a permanent lock; 0 when none is reported.
    pub hard_limit: u32,
    pub long_wait_after: Option<u32>,
    pub long_wait_minutes: Option<u32>,
    /// Wrong codes at which the unit locks until a long hold gives more tries.
    pub relock_at: Option<u32>,
    pub relock_hold_seconds: Option<u32>,
    pub source: String,
    pub borrowed: bool,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct UnitProfile {
    pub id: String,
    pub family: Family,
    pub name: String,
    pub idle: String,
    pub blank: String,
    pub entry_source: String,
    pub confirm: Confirm,
    pub lockout: Lockout,
}

impl UnitProfile {
    pub fn hard_limit(&self) -> Option<u32> {
        (self.lockout.hard_limit > 0).then_some(self.lockout.hard_limit)
    }

    /// The wait (minutes, radio on) that follows the `wrong`-th wrong code.
    pub fn wait_after(&self, wrong: u32) -> Option<u32> {
        let l = &self.lockout;
        if wrong == 0 || wrong < l.tries_before_wait {
            return None;
        }
        if let (Some(after), Some(minutes)) = (l.long_wait_after, l.long_wait_minutes)
            && wrong >= after
        {
            return Some(minutes);
        }
        match l.wait_growth {
            WaitGrowth::Fixed => wrong
                .is_multiple_of(l.tries_before_wait.max(1))
                .then_some(l.wait_minutes),
            WaitGrowth::PerTry => Some(l.wait_minutes),
            WaitGrowth::Doubles => {
                let k = (wrong - l.tries_before_wait).min(6);
                Some(l.wait_minutes.saturating_mul(1 << k))
            }
        }
    }

    /// After `wrong` wrong codes: how many more may be refused before a wait
    /// starts (0: the next refusal starts one), and that wait's length.
    pub fn next_wait(&self, wrong: u32) -> Option<(u32, u32)> {
        (wrong + 1..wrong + 100).find_map(|m| self.wait_after(m).map(|w| (m - wrong - 1, w)))
    }

    /// The wait running at `now` after the refusals recorded at `refused`
    /// (oldest first): when it ends and how long it is. Only the last
    /// refusal's wait can be running: no code is taken during one.
    pub fn wait_running(
        &self,
        refused: &[jiff::Timestamp],
        now: jiff::Timestamp,
    ) -> Option<(jiff::Timestamp, u32)> {
        let last = *refused.last()?;
        let minutes = self.wait_after(refused.len() as u32)?;
        let ends = last
            .checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
            .ok()?;
        (ends > now).then_some((ends, minutes))
    }

    /// The wait the refusals recorded at `refused` started, said, while it
    /// runs at `now`: "WAIT until 14:32 UTC, 12 min left (60-minute wait:
    /// refusal 3 at 13:32 UTC). Keep the radio on".
    pub fn wait_running_text(
        &self,
        refused: &[jiff::Timestamp],
        now: jiff::Timestamp,
    ) -> Option<String> {
        let (ends, minutes) = self.wait_running(refused, now)?;
        let hm = |t: jiff::Timestamp| t.strftime("%H:%M UTC").to_string();
        let left = (ends.duration_since(now).as_secs().max(0) + 59) / 60;
        let started = refused.last().copied().unwrap_or(ends);
        Some(format!(
            "WAIT until {}, {left} min left ({} wait: refusal {} at {}). Keep the radio on",
            hm(ends),
            minutes_text(minutes),
            refused.len(),
            hm(started)
        ))
    }

    /// After `wrong` refusals, what the next ones cost, e.g. "2 more refusals
    /// allowed before a 60-minute wait".
    pub fn refusals_left_text(&self, wrong: u32) -> Option<String> {
        let (left, minutes) = self.next_wait(wrong)?;
        let wait = minutes_text(minutes);
        Some(match left {
            0 => format!("a refusal now starts a {wait} wait"),
            n => format!(
                "{n} more refusal{} allowed before a {wait} wait",
                if n == 1 { "" } else { "s" }
            ),
        })
    }

    /// Where each rule comes from, for the technician to judge.
    pub fn sources(&self) -> Vec<String> {
        let mark = |borrowed: bool| {
            if borrowed {
                " (borrowed from another unit)"
            } else {
                ""
            }
        };
        vec![
            format!("entry: {}", self.entry_source),
            format!(
                "confirm: {}{}",
                self.confirm.source,
                mark(self.confirm.borrowed)
            ),
            format!(
                "lockout: {}{}",
                self.lockout.source,
                mark(self.lockout.borrowed)
            ),
        ]
    }

    /// The confirm gesture in words, e.g. "press and hold 6 for 10-15 s".
    pub fn confirm_text(&self) -> String {
        let c = &self.confirm;
        let alternatives = if c.alternatives.is_empty() {
            String::new()
        } else {
            format!(" (or: {})", c.alternatives.join("; "))
        };
        match c.gesture {
            Gesture::Press => format!("press {}{alternatives}", c.button),
            Gesture::Hold if c.min_seconds == c.max_seconds => format!(
                "press and hold {} until the beep, up to about {} s{alternatives}",
                c.button, c.max_seconds
            ),
            Gesture::Hold => format!(
                "press and hold {} for {}-{} s{alternatives}",
                c.button, c.min_seconds, c.max_seconds
            ),
        }
    }
}

#[derive(Deserialize)]
struct ProfileFile {
    profile: Vec<UnitProfile>,
}

const PROFILES_TOML: &str = include_str!("../../assets/unit_profiles.toml");

/// Every profile, parsed once from the compiled-in asset (checked by a test).
pub fn profiles() -> &'static [UnitProfile] {
    static PROFILES: OnceLock<Vec<UnitProfile>> = OnceLock::new();
    PROFILES.get_or_init(|| {
        toml::from_str::<ProfileFile>(PROFILES_TOML)
            .map(|f| f.profile)
            .unwrap_or_default()
    })
}

/// The profile for a family's units.
pub fn profile_for(family: Family) -> Option<&'static UnitProfile> {
    profiles().iter().find(|p| p.family == family)
}

pub fn minutes_text(minutes: u32) -> String {
    if minutes >= 120 && minutes.is_multiple_of(60) {
        format!("{}-hour", minutes / 60)
    } else {
        format!("{minutes}-minute")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_a_profile_with_sources() {
        assert_eq!(profiles().len(), 4);
        for f in Family::ALL {
            let p = profile_for(f).unwrap();
            assert_eq!(p.idle.chars().count(), 4);
            assert_eq!(p.blank.chars().count(), 4);
            assert!(!p.confirm.source.is_empty() && !p.lockout.source.is_empty());
        }
    }

    #[test]
    fn waits_follow_the_profiles() {
        let bp = profile_for(Family::Blaupunkt).unwrap();
        let waits: Vec<_> = (1..=7).map(|n| bp.wait_after(n)).collect();
        assert_eq!(waits, [None, None, Some(60), None, None, Some(60), None]);
        let renault = profile_for(Family::Renault).unwrap();
        assert_eq!(renault.wait_after(1), Some(15));
        assert_eq!(renault.wait_after(2), Some(30));
        assert_eq!(renault.wait_after(3), Some(60));
        let visteon = profile_for(Family::Visteon).unwrap();
        assert_eq!(visteon.wait_after(2), None);
        assert_eq!(visteon.wait_after(3), Some(30));
        assert_eq!(visteon.wait_after(4), Some(30));
        let becker = profile_for(Family::Becker).unwrap();
        assert_eq!(becker.wait_after(1), Some(15));
        assert_eq!(becker.wait_after(3), Some(720));
        assert_eq!(bp.next_wait(0), Some((2, 60)));
        assert_eq!(bp.next_wait(2), Some((0, 60)));
        assert_eq!(bp.next_wait(3), Some((2, 60)));
        assert_eq!(renault.next_wait(0), Some((0, 15)));
    }
}
