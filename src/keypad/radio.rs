//! The radio asking for its code, as a state machine: button down/up, clock
//! ticks, and the battery being disconnected.

use super::profile::{Gesture, UnitProfile};
use crate::decode::Code;

/// A front-panel button.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Button {
    /// Presets 1-6.
    Preset(u8),
    Ok,
}

impl Button {
    /// The button a profile names ("6", "5", "OK").
    pub fn parse(name: &str) -> Option<Button> {
        match name.trim() {
            "OK" | "ok" => Some(Button::Ok),
            n => n
                .parse::<u8>()
                .ok()
                .filter(|d| (1..=6).contains(d))
                .map(Button::Preset),
        }
    }

    pub fn label(self) -> String {
        match self {
            Button::Preset(n) => n.to_string(),
            Button::Ok => "OK".to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RadioEvent {
    Down(Button),
    Up(Button),
    /// Down and up at once: a short press.
    Press(Button),
    /// The clock moves on by this many milliseconds, the radio switched on.
    Tick(u64),
    /// Power lost: a running wait starts again from the beginning.
    BatteryDisconnected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RadioState {
    /// Just switched on: the display shows the idle text (CODE).
    Idle {
        until: u64,
    },
    Entry,
    /// A wrong code, shown for a moment.
    Error {
        until: u64,
    },
    /// A wrong code started a wait; it only runs while the radio is on.
    Waiting {
        until: u64,
        length: u64,
    },
    /// Locked until a long hold gives more tries (Visteon LOCKED 10).
    Relocked,
    /// Locked for good.
    Locked,
    Unlocked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Hold {
    button: Button,
    since: u64,
    fired: bool,
}

const IDLE_MS: u64 = 2_000;
const ERROR_MS: u64 = 2_000;

/// Something the radio did, for the practice timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// A code was confirmed: the digits entered, and whether it unlocked.
    Tried { code: Code, accepted: bool },
    /// A wrong code started a wait of this many minutes (radio on).
    Wait { minutes: u32 },
    /// The battery was disconnected during a wait: it started again.
    WaitRestarted,
    /// A wait ran out: codes can be entered again.
    WaitOver,
    /// Locked until a long hold gives more tries.
    Relocked,
    /// The long hold gave more tries.
    MoreTries,
    /// Locked for good.
    Locked,
}

/// A simulated radio whose code is `code`.
#[derive(Clone, Debug)]
pub struct Radio {
    profile: &'static UnitProfile,
    code: [u8; 4],
    digits: [u8; 4],
    now: u64,
    state: RadioState,
    wrong: u32,
    hold: Option<Hold>,
    notice: Option<&'static str>,
    /// What happened, with the radio's clock in ms.
    timeline: Vec<(u64, Moment)>,
}

impl Radio {
    /// The radio just switched on.
    pub fn new(profile: &'static UnitProfile, code: Code) -> Radio {
        Radio {
            profile,
            code: code.digits(),
            digits: [0; 4],
            now: 0,
            state: RadioState::Idle { until: IDLE_MS },
            wrong: 0,
            hold: None,
            notice: None,
            timeline: Vec::new(),
        }
    }

    /// What happened so far, oldest first, with the radio's clock in ms.
    pub fn timeline(&self) -> &[(u64, Moment)] {
        &self.timeline
    }

    pub fn profile(&self) -> &'static UnitProfile {
        self.profile
    }

    pub fn state(&self) -> RadioState {
        self.state
    }

    pub fn wrong(&self) -> u32 {
        self.wrong
    }

    pub fn now_ms(&self) -> u64 {
        self.now
    }

    fn confirm_button(&self) -> Option<Button> {
        Button::parse(&self.profile.confirm.button)
    }

    /// How long the held button has been held, and how long it must be.
    pub fn hold_progress(&self) -> Option<(Button, u64, u64)> {
        // A hold that did its work is over, whether or not the button is up.
        let hold = self.hold.filter(|h| !h.fired)?;
        let needed = self.hold_needed(hold.button)?;
        Some((
            hold.button,
            self.now.saturating_sub(hold.since).min(needed),
            needed,
        ))
    }

    /// True while a button is still down after its hold did its work.
    pub fn hold_done(&self) -> bool {
        self.hold.is_some_and(|h| h.fired)
    }

    pub fn wait_remaining_ms(&self) -> Option<u64> {
        match self.state {
            RadioState::Waiting { until, .. } => Some(until.saturating_sub(self.now)),
            _ => None,
        }
    }

    /// The four characters on the display.
    pub fn display(&self) -> String {
        let text = match self.state {
            RadioState::Idle { .. } => self.profile.idle.clone(),
            RadioState::Entry => self.digits.iter().map(|d| char::from(b'0' + d)).collect(),
            RadioState::Error { .. } => "Err ".to_string(),
            RadioState::Waiting { .. } => "WAIT".to_string(),
            RadioState::Relocked | RadioState::Locked => "LOCK".to_string(),
            RadioState::Unlocked => "FM 1".to_string(),
        };
        // Always exactly four characters, whatever a profile says.
        text.chars().chain(std::iter::repeat(' ')).take(4).collect()
    }

    /// What the display means, in words.
    pub fn message(&self) -> String {
        if let Some(notice) = self.notice {
            return notice.to_string();
        }
        match self.state {
            RadioState::Idle { .. } => "the radio asks for its code".into(),
            RadioState::Entry => match self.hold_progress() {
                Some((b, held, needed)) => format!(
                    "holding {}: {} of {} s",
                    b.label(),
                    held / 1000,
                    needed / 1000
                ),
                None => "step the digits with presets 1-4".into(),
            },
            RadioState::Error { .. } => format!("ERROR: wrong code ({} wrong so far)", self.wrong),
            RadioState::Waiting { .. } => {
                let left = self.wait_remaining_ms().unwrap_or(0).div_ceil(1000);
                format!(
                    "WAIT {}:{:02}: leave the radio switched on; disconnecting the battery restarts the wait",
                    left / 60,
                    left % 60
                )
            }
            RadioState::Relocked => format!(
                "LOCKED {}: hold 6 for about {} s (at switch-on) for 3 more tries",
                self.wrong,
                self.profile.lockout.relock_hold_seconds.unwrap_or(40)
            ),
            RadioState::Locked => format!(
                "LOCKED {}: locked for good; only a dealer, a service decode or an EEPROM read helps now",
                self.wrong
            ),
            RadioState::Unlocked => format!(
                "practice: the simulated radio accepts {}; only the real radio can say \
                 whether it is this radio's code",
                self.code
                    .map(|d| char::from(b'0' + d))
                    .iter()
                    .collect::<String>()
            ),
        }
    }

    fn hold_needed(&self, button: Button) -> Option<u64> {
        match self.state {
            RadioState::Relocked if button == Button::Preset(6) => {
                Some(u64::from(self.profile.lockout.relock_hold_seconds.unwrap_or(40)) * 1000)
            }
            RadioState::Idle { .. } | RadioState::Entry
                if Some(button) == self.confirm_button()
                    && self.profile.confirm.gesture == Gesture::Hold =>
            {
                Some(u64::from(self.profile.confirm.min_seconds.max(1)) * 1000)
            }
            _ => None,
        }
    }

    pub fn handle(&mut self, event: RadioEvent) {
        if !matches!(event, RadioEvent::Tick(_)) {
            self.notice = None;
        }
        // A notice is about the state it was said in: a new state (the wait
        // over, say) makes it stale.
        let before = std::mem::discriminant(&self.state);
        match event {
            RadioEvent::Press(b) => {
                self.handle(RadioEvent::Down(b));
                self.handle(RadioEvent::Up(b));
            }
            RadioEvent::Down(b) => self.down(b),
            RadioEvent::Up(b) => {
                // Released before the time: nothing happens, as on the unit.
                if self.hold.is_some_and(|h| h.button == b) {
                    self.hold = None;
                }
            }
            RadioEvent::Tick(ms) => {
                self.tick(ms);
                if std::mem::discriminant(&self.state) != before {
                    self.notice = None;
                }
            }
            RadioEvent::BatteryDisconnected => self.power_lost(),
        }
    }

    fn down(&mut self, b: Button) {
        match self.state {
            RadioState::Idle { .. } | RadioState::Entry => {
                if let Button::Preset(n @ 1..=4) = b
                    && Some(b) != self.confirm_button()
                {
                    self.state = RadioState::Entry;
                    let d = &mut self.digits[usize::from(n - 1)];
                    *d = (*d + 1) % 10;
                    return;
                }
                if Some(b) == self.confirm_button() {
                    match self.profile.confirm.gesture {
                        Gesture::Press => self.confirm(),
                        Gesture::Hold => self.start_hold(b),
                    }
                }
            }
            RadioState::Relocked if b == Button::Preset(6) => self.start_hold(b),
            _ => {}
        }
    }

    fn start_hold(&mut self, button: Button) {
        self.hold = Some(Hold {
            button,
            since: self.now,
            fired: false,
        });
    }

    fn confirm(&mut self) {
        let entered = Code::new(self.digits.iter().fold(0u16, |v, d| v * 10 + u16::from(*d)));
        let accepted = self.digits == self.code;
        self.timeline.push((
            self.now,
            Moment::Tried {
                code: entered,
                accepted,
            },
        ));
        if accepted {
            self.state = RadioState::Unlocked;
            return;
        }
        self.wrong += 1;
        self.digits = [0; 4];
        let l = &self.profile.lockout;
        self.state = if self
            .profile
            .hard_limit()
            .is_some_and(|limit| self.wrong >= limit)
        {
            RadioState::Locked
        } else if l.relock_at == Some(self.wrong) {
            RadioState::Relocked
        } else if let Some(minutes) = self.profile.wait_after(self.wrong) {
            let length = u64::from(minutes) * 60_000;
            RadioState::Waiting {
                until: self.now.saturating_add(length),
                length,
            }
        } else {
            RadioState::Error {
                until: self.now.saturating_add(ERROR_MS),
            }
        };
        match self.state {
            RadioState::Locked => self.timeline.push((self.now, Moment::Locked)),
            RadioState::Relocked => self.timeline.push((self.now, Moment::Relocked)),
            RadioState::Waiting { length, .. } => self.timeline.push((
                self.now,
                Moment::Wait {
                    minutes: (length / 60_000) as u32,
                },
            )),
            _ => {}
        }
    }

    fn power_lost(&mut self) {
        self.hold = None;
        self.digits = [0; 4];
        match self.state {
            RadioState::Waiting { length, .. } => {
                self.state = RadioState::Waiting {
                    until: self.now.saturating_add(length),
                    length,
                };
                self.notice =
                    Some("the battery was disconnected: the wait started again from the beginning");
                self.timeline.push((self.now, Moment::WaitRestarted));
            }
            RadioState::Locked | RadioState::Relocked => {}
            _ => {
                self.state = RadioState::Idle {
                    until: self.now.saturating_add(IDLE_MS),
                }
            }
        }
    }

    /// The next moment something happens by itself, if any.
    fn next_deadline(&self) -> Option<u64> {
        let hold = self
            .hold
            .filter(|h| !h.fired)
            .and_then(|h| Some(h.since.saturating_add(self.hold_needed(h.button)?)));
        let timer = match self.state {
            RadioState::Idle { until }
            | RadioState::Error { until }
            | RadioState::Waiting { until, .. } => Some(until),
            _ => None,
        };
        match (hold, timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn tick(&mut self, mut ms: u64) {
        // Each deadline moves the state on, so this ends; the cap is a guard.
        for _ in 0..64 {
            match self.next_deadline() {
                Some(t) if t <= self.now.saturating_add(ms) => {
                    let step = t.saturating_sub(self.now);
                    self.now = t;
                    ms -= step;
                    self.fire(t);
                }
                _ => break,
            }
        }
        self.now = self.now.saturating_add(ms);
    }

    fn fire(&mut self, t: u64) {
        if let Some(hold) = self.hold.filter(|h| !h.fired)
            && self
                .hold_needed(hold.button)
                .is_some_and(|needed| hold.since.saturating_add(needed) <= t)
        {
            self.hold = Some(Hold {
                fired: true,
                ..hold
            });
            if self.state == RadioState::Relocked {
                self.state = RadioState::Entry;
                self.timeline.push((t, Moment::MoreTries));
            } else {
                self.confirm();
            }
            return;
        }
        match self.state {
            RadioState::Idle { until } | RadioState::Error { until } if until <= t => {
                self.state = RadioState::Entry;
            }
            RadioState::Waiting { until, .. } if until <= t => {
                self.state = RadioState::Entry;
                self.timeline.push((t, Moment::WaitOver));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keypad::profile_for;
    use crate::serial::Family;

    fn radio(family: Family, code: u16) -> Radio {
        Radio::new(profile_for(family).unwrap(), Code::new(code))
    }

    fn enter(r: &mut Radio, code: u16) {
        for (i, d) in Code::new(code).digits().iter().enumerate() {
            for _ in 0..*d {
                r.handle(RadioEvent::Press(Button::Preset(i as u8 + 1)));
            }
        }
    }

    fn hold(r: &mut Radio, button: u8, seconds: u64) {
        r.handle(RadioEvent::Down(Button::Preset(button)));
        r.handle(RadioEvent::Tick(seconds * 1000));
        r.handle(RadioEvent::Up(Button::Preset(button)));
    }

    const MIN: u64 = 60_000;

    #[test]
    fn blaupunkt_correct_entry_unlocks_after_a_long_enough_hold() {
        let mut r = radio(Family::Blaupunkt, 7091);
        assert_eq!(r.display(), "CODE");
        enter(&mut r, 7091);
        assert_eq!(r.display(), "7091");
        hold(&mut r, 6, 5);
        assert_eq!(
            r.state(),
            RadioState::Entry,
            "released at 5 s: nothing happens"
        );
        assert_eq!(r.wrong(), 0);
        assert_eq!(r.display(), "7091");
        hold(&mut r, 6, 12);
        assert_eq!(r.state(), RadioState::Unlocked);
    }

    #[test]
    fn blaupunkt_waits_after_three_and_locks_for_good_after_24() {
        let mut r = radio(Family::Blaupunkt, 7091);
        for n in 1..=2 {
            enter(&mut r, 1091);
            hold(&mut r, 6, 10);
            assert_eq!(r.wrong(), n);
            assert!(matches!(r.state(), RadioState::Error { .. }));
            r.handle(RadioEvent::Tick(3000));
            assert_eq!(r.display(), "0000");
        }
        enter(&mut r, 1091);
        hold(&mut r, 6, 12);
        assert_eq!(r.display(), "WAIT");
        assert_eq!(r.wait_remaining_ms(), Some(60 * MIN - 2000));
        enter(&mut r, 7091);
        assert_eq!(r.display(), "WAIT", "keys do nothing during a wait");
        r.handle(RadioEvent::Tick(30 * MIN));
        r.handle(RadioEvent::BatteryDisconnected);
        assert_eq!(
            r.wait_remaining_ms(),
            Some(60 * MIN),
            "the wait starts again"
        );
        assert!(r.message().contains("started again"));
        r.handle(RadioEvent::Tick(60 * MIN));
        assert_eq!(r.state(), RadioState::Entry);
        for _ in 4..=24 {
            enter(&mut r, 1);
            hold(&mut r, 6, 12);
            r.handle(RadioEvent::Tick(61 * MIN));
        }
        assert_eq!(r.wrong(), 24);
        assert_eq!(r.state(), RadioState::Locked);
        enter(&mut r, 7091);
        hold(&mut r, 6, 12);
        assert_eq!(r.wrong(), 24, "no tries once locked");
        assert_eq!(r.display(), "LOCK");
    }

    #[test]
    fn renault_waits_double_and_never_lock() {
        let mut r = radio(Family::Renault, 6586);
        enter(&mut r, 6585);
        hold(&mut r, 6, 10);
        assert_eq!(r.wait_remaining_ms(), Some(15 * MIN));
        r.handle(RadioEvent::Tick(15 * MIN));
        enter(&mut r, 6584);
        hold(&mut r, 6, 10);
        assert_eq!(r.wait_remaining_ms(), Some(30 * MIN));
        for _ in 0..30 {
            r.handle(RadioEvent::Tick(24 * 60 * MIN));
            enter(&mut r, 1);
            hold(&mut r, 6, 10);
        }
        assert_ne!(r.state(), RadioState::Locked);
        r.handle(RadioEvent::Tick(24 * 60 * MIN));
        enter(&mut r, 6586);
        hold(&mut r, 6, 10);
        assert_eq!(r.state(), RadioState::Unlocked);
    }

    #[test]
    fn visteon_press_5_relocks_at_10_and_locks_at_13() {
        let mut r = radio(Family::Visteon, 2487);
        enter(&mut r, 2487);
        r.handle(RadioEvent::Press(Button::Preset(5)));
        assert_eq!(r.state(), RadioState::Unlocked);

        let mut r = radio(Family::Visteon, 2487);
        for n in 1..=9 {
            enter(&mut r, 1);
            r.handle(RadioEvent::Press(Button::Preset(5)));
            assert_eq!(r.wrong(), n);
            assert_eq!(r.wait_remaining_ms().is_some(), n >= 3, "try {n}");
            r.handle(RadioEvent::Tick(31 * MIN));
        }
        enter(&mut r, 1);
        r.handle(RadioEvent::Press(Button::Preset(5)));
        assert_eq!(r.state(), RadioState::Relocked);
        assert!(r.message().contains("LOCKED 10"));
        hold(&mut r, 6, 20);
        assert_eq!(r.state(), RadioState::Relocked, "a short hold does nothing");
        hold(&mut r, 6, 40);
        assert_eq!(r.state(), RadioState::Entry);
        for _ in 11..=13 {
            enter(&mut r, 1);
            r.handle(RadioEvent::Press(Button::Preset(5)));
            r.handle(RadioEvent::Tick(31 * MIN));
        }
        assert_eq!(r.state(), RadioState::Locked);
        assert!(r.message().contains("LOCKED 13"));
    }

    #[test]
    fn becker_ok_confirms_and_the_third_failure_waits_long() {
        let mut r = radio(Family::Becker, 1234);
        enter(&mut r, 1233);
        r.handle(RadioEvent::Press(Button::Ok));
        assert_eq!(r.wait_remaining_ms(), Some(15 * MIN));
        r.handle(RadioEvent::Tick(15 * MIN));
        enter(&mut r, 1233);
        r.handle(RadioEvent::Press(Button::Ok));
        r.handle(RadioEvent::Tick(15 * MIN));
        enter(&mut r, 1233);
        r.handle(RadioEvent::Press(Button::Ok));
        assert_eq!(r.wait_remaining_ms(), Some(720 * MIN));
        r.handle(RadioEvent::Tick(720 * MIN));
        enter(&mut r, 1234);
        r.handle(RadioEvent::Press(Button::Ok));
        assert_eq!(r.state(), RadioState::Unlocked);
    }
}
