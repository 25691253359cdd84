//! Every key the workbench has, as data: one table drives the keymap, the
//! help and the status line, so the three never drift apart.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::dump_view::DumpMsg;
use super::entry::EntryMsg;
use super::job_form::FormMsg;
use super::jobs::JobsMsg;
use super::photo::PhotoMsg;
use super::state::{App, BRANDS, Focus, Msg};
use super::visit::ChooseMsg;
use crate::keypad::Button;
use crate::store::TryOutcome;

/// Where a binding works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere, over anything open.
    Always,
    /// While a label photo is being read.
    Reading,
    Help,
    JobForm,
    CodeForm,
    /// A yes-or-no question about the records.
    Question,
    ChooseJob,
    PhotoPath,
    /// The phone view (F6).
    Phone,
    Jobs,
    Dump,
    /// The workbench, whichever pane has the focus.
    Workbench,
    Brand,
    Serial,
    Decoder,
    /// The keypad panel, guide or practice.
    Keypad,
    Guide,
    Practice,
}

impl Scope {
    /// The heading the help gives the scope's keys.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Always => "Always",
            Scope::Reading => "Reading",
            Scope::Help => "Help",
            Scope::JobForm => "Job form",
            Scope::CodeForm => "Code form",
            Scope::Question => "Questions",
            Scope::ChooseJob => "Which job",
            Scope::PhotoPath => "Photo (F5)",
            Scope::Phone => "Phone (F6)",
            Scope::Jobs => "Jobs (F2)",
            Scope::Dump => "Dump (F3)",
            Scope::Workbench => "Anywhere",
            Scope::Brand => "Brand",
            Scope::Serial => "Serial",
            Scope::Decoder => "Decoder",
            Scope::Keypad => "Keypad",
            Scope::Guide => "Guide",
            Scope::Practice => "Practice",
        }
    }
}

/// A key a binding answers to.
#[derive(Clone, Copy, Debug)]
pub enum K {
    /// This character, as typed (Shift gives the capital).
    Char(char),
    Code(KeyCode),
    /// This letter with Ctrl.
    Ctrl(char),
    /// A digit from the first to the second.
    Digits(char, char),
}

impl K {
    fn matches(self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            K::Char(c) => key.code == KeyCode::Char(c) && !ctrl,
            K::Code(code) => key.code == code,
            K::Ctrl(c) => key.code == KeyCode::Char(c) && ctrl,
            K::Digits(lo, hi) => {
                matches!(key.code, KeyCode::Char(d) if (lo..=hi).contains(&d)) && !ctrl
            }
        }
    }
}

/// One key binding: its keys, how the help and the status line name
/// them, what it does, and the message it makes.
pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [K],
    /// The keys as written on screen: "↑/↓", "y", "Ctrl-U".
    pub label: &'static str,
    /// What it does, in a few words.
    pub does: &'static str,
    /// Shown in the status line of its scope (the help shows all).
    pub status: bool,
    /// The message for a key press; `None` where it does nothing now.
    pub act: fn(&App, &KeyEvent) -> Option<Msg>,
}

const fn b(
    scope: Scope,
    keys: &'static [K],
    label: &'static str,
    does: &'static str,
    status: bool,
    act: fn(&App, &KeyEvent) -> Option<Msg>,
) -> Binding {
    Binding {
        scope,
        keys,
        label,
        does,
        status,
        act,
    }
}

use K::{Char as C, Code as Kc};
use KeyCode::{BackTab, Down, Enter, Esc, Left, PageDown, PageUp, Right, Tab, Up};
use Scope::*;

/// Keys the text fields take as edits, named for the help only.
fn edits(_: &App, _: &KeyEvent) -> Option<Msg> {
    None
}

/// The key of a digit, 1-based, as an index.
fn digit(key: &KeyEvent) -> usize {
    match key.code {
        KeyCode::Char(c) => c.to_digit(10).unwrap_or(1).saturating_sub(1) as usize,
        _ => 0,
    }
}

/// Every binding, in the order the help and the status line give them.
pub static BINDINGS: &[Binding] = &[
    b(
        Always,
        &[K::Ctrl('c')],
        "Ctrl-C",
        "quit at once",
        false,
        |_, _| Some(Msg::Interrupt),
    ),
    b(
        Always,
        &[K::Ctrl('z')],
        "Ctrl-Z",
        "suspend (not on Windows)",
        false,
        |_, _| super::CAN_SUSPEND.then_some(Msg::Suspend),
    ),
    b(
        Reading,
        &[Kc(Esc)],
        "Esc",
        "stop reading the photo",
        true,
        |_, _| Some(Msg::Photo(PhotoMsg::Stop)),
    ),
    b(
        Help,
        &[Kc(Esc), C('?'), C('q'), Kc(KeyCode::F(1)), Kc(Enter)],
        "Esc or ?",
        "close the help",
        true,
        |_, _| Some(Msg::CloseOverlay),
    ),
    b(
        JobForm,
        &[Kc(Tab), Kc(Down)],
        "Tab",
        "next field",
        true,
        |_, _| Some(Msg::Form(FormMsg::Next)),
    ),
    b(
        JobForm,
        &[Kc(BackTab), Kc(Up)],
        "Shift-Tab",
        "previous field",
        false,
        |_, _| Some(Msg::Form(FormMsg::Prev)),
    ),
    b(JobForm, &[Kc(Enter)], "Enter", "save", true, |_, _| {
        Some(Msg::Form(FormMsg::Submit))
    }),
    b(JobForm, &[Kc(Esc)], "Esc", "cancel", true, |_, _| {
        Some(Msg::CloseOverlay)
    }),
    b(CodeForm, &[], "0-9", "the 4 digits", true, edits),
    b(
        CodeForm,
        &[Kc(Tab), Kc(Right), Kc(Down)],
        "Tab",
        "where from",
        true,
        |_, _| Some(Msg::Entry(EntryMsg::NextOrigin)),
    ),
    b(
        CodeForm,
        &[Kc(BackTab), Kc(Left), Kc(Up)],
        "Shift-Tab",
        "where from, back",
        false,
        |_, _| Some(Msg::Entry(EntryMsg::PrevOrigin)),
    ),
    b(
        CodeForm,
        &[Kc(Enter)],
        "Enter",
        "put first",
        true,
        |_, _| Some(Msg::Entry(EntryMsg::Submit)),
    ),
    b(CodeForm, &[Kc(Esc)], "Esc", "cancel", true, |_, _| {
        Some(Msg::CloseOverlay)
    }),
    b(Question, &[C('y')], "y", "yes", true, |_, _| Some(Msg::Yes)),
    b(
        Question,
        &[C('n'), Kc(Esc)],
        "n or Esc",
        "no, nothing is written",
        true,
        |_, _| Some(Msg::CloseOverlay),
    ),
    b(
        ChooseJob,
        &[Kc(Down), C('j'), Kc(Tab)],
        "↑/↓",
        "choose",
        true,
        |_, _| Some(Msg::Choose(ChooseMsg::Next)),
    ),
    b(
        ChooseJob,
        &[Kc(Up), C('k'), Kc(BackTab)],
        "",
        "",
        false,
        |_, _| Some(Msg::Choose(ChooseMsg::Prev)),
    ),
    b(ChooseJob, &[Kc(Enter)], "Enter", "take it", true, |_, _| {
        Some(Msg::Choose(ChooseMsg::Take))
    }),
    b(
        ChooseJob,
        &[Kc(Esc)],
        "Esc",
        "nothing is recorded",
        true,
        |_, _| Some(Msg::CloseOverlay),
    ),
    b(
        PhotoPath,
        &[],
        "type or drop",
        "the photo's path",
        true,
        edits,
    ),
    b(PhotoPath, &[Kc(Enter)], "Enter", "read it", true, |_, _| {
        Some(Msg::Photo(PhotoMsg::Read))
    }),
    b(PhotoPath, &[Kc(Esc)], "Esc", "close", true, |_, _| {
        Some(Msg::Photo(PhotoMsg::Stop))
    }),
    b(
        Phone,
        &[Kc(Esc), Kc(KeyCode::F(6))],
        "Esc",
        "close (the page stops)",
        true,
        |_, _| Some(Msg::CloseOverlay),
    ),
    b(Jobs, &[], "type", "to search", true, edits),
    b(
        Jobs,
        &[Kc(Up), Kc(Down)],
        "↑/↓",
        "choose",
        true,
        |_, k| {
            Some(Msg::Jobs(if k.code == Up {
                JobsMsg::Prev
            } else {
                JobsMsg::Next
            }))
        },
    ),
    b(Jobs, &[Kc(Enter)], "Enter", "open the job", true, |_, _| {
        Some(Msg::OpenJob)
    }),
    b(
        Jobs,
        &[Kc(KeyCode::F(4))],
        "F4",
        "write its card",
        true,
        |_, _| Some(Msg::WriteCard),
    ),
    b(
        Jobs,
        &[C('?'), Kc(KeyCode::F(1))],
        "? F1",
        "help",
        false,
        |_, _| Some(Msg::ToggleHelp),
    ),
    b(
        Jobs,
        &[Kc(Esc), Kc(KeyCode::F(2))],
        "Esc",
        "back",
        true,
        |_, _| Some(Msg::HideJobs),
    ),
    b(Dump, &[], "type", "the path", true, edits),
    b(Dump, &[Kc(Enter)], "Enter", "read", true, |_, _| {
        Some(Msg::Dump(DumpMsg::Load))
    }),
    b(
        Dump,
        &[Kc(Up), Kc(Down)],
        "↑/↓ PgUp/PgDn",
        "scroll",
        true,
        |_, k| {
            Some(Msg::Dump(DumpMsg::Scroll(if k.code == Up {
                -1
            } else {
                1
            })))
        },
    ),
    b(Dump, &[Kc(PageUp), Kc(PageDown)], "", "", false, |_, k| {
        Some(Msg::Dump(DumpMsg::Scroll(if k.code == PageUp {
            -16
        } else {
            16
        })))
    }),
    b(Dump, &[Kc(KeyCode::F(1))], "F1", "help", false, |_, _| {
        Some(Msg::ToggleHelp)
    }),
    b(
        Dump,
        &[Kc(Esc), Kc(KeyCode::F(3))],
        "Esc",
        "back",
        true,
        |_, _| Some(Msg::HideDump),
    ),
    // A serial never holds '?', so it opens the help even in the input.
    b(
        Workbench,
        &[C('?'), Kc(KeyCode::F(1))],
        "? F1",
        "help",
        true,
        |_, _| Some(Msg::ToggleHelp),
    ),
    b(
        Workbench,
        &[Kc(KeyCode::F(2))],
        "F2",
        "jobs",
        true,
        |_, _| Some(Msg::ShowJobs),
    ),
    b(
        Workbench,
        &[Kc(KeyCode::F(3))],
        "F3",
        "dump",
        true,
        |_, _| Some(Msg::ShowDump),
    ),
    b(
        Workbench,
        &[Kc(KeyCode::F(5))],
        "F5",
        "photo",
        true,
        |_, _| Some(Msg::Photo(PhotoMsg::Ask)),
    ),
    b(
        Workbench,
        &[Kc(KeyCode::F(6))],
        "F6",
        "phone",
        true,
        |_, _| Some(Msg::ShowPhone),
    ),
    // Esc never throws typed work away on one press, nor quits on one.
    b(
        Workbench,
        &[Kc(Esc)],
        "Esc",
        "back to the serial, clear it, twice quits",
        false,
        |app, _| {
            Some(match app.focus {
                Focus::Serial if !app.input.value().is_empty() => Msg::ClearSerial,
                Focus::Serial => Msg::EscOnEmpty,
                _ => Msg::Focus(Focus::Serial),
            })
        },
    ),
    b(
        Workbench,
        &[C('/'), C('s')],
        "/ or s",
        "to the serial",
        false,
        |app, _| (app.focus != Focus::Serial).then_some(Msg::Focus(Focus::Serial)),
    ),
    b(Workbench, &[Kc(Tab)], "Tab", "next pane", false, |_, _| {
        Some(Msg::FocusNext)
    }),
    b(
        Workbench,
        &[Kc(BackTab)],
        "Shift-Tab",
        "previous pane",
        false,
        |_, _| Some(Msg::FocusPrev),
    ),
    b(Workbench, &[C('q')], "q", "quit", false, |app, _| {
        (app.focus != Focus::Serial).then_some(Msg::Quit)
    }),
    b(
        Brand,
        &[Kc(Left), C('h')],
        "←/→",
        "brand",
        true,
        |_, _| Some(Msg::BrandPrev),
    ),
    b(Brand, &[Kc(Right), C('l')], "", "", false, |_, _| {
        Some(Msg::BrandNext)
    }),
    b(
        Brand,
        &[K::Digits('1', '9')],
        "1-5",
        "choose a brand",
        true,
        |_, k| {
            let i = digit(k);
            (i < BRANDS.len()).then_some(Msg::SelectBrand(i))
        },
    ),
    b(
        Brand,
        &[Kc(Enter), Kc(Down)],
        "Enter",
        "to the serial",
        true,
        |_, _| Some(Msg::Focus(Focus::Serial)),
    ),
    b(Brand, &[C('J')], "J", "jobs", false, |_, _| {
        Some(Msg::ShowJobs)
    }),
    b(Serial, &[], "type", "the label", true, edits),
    b(
        Serial,
        &[],
        "Ctrl-U",
        "clear the line (Home End ← → edit)",
        false,
        edits,
    ),
    b(
        Serial,
        &[Kc(Enter), Kc(Down)],
        "Enter",
        "codes",
        true,
        |_, _| Some(Msg::Focus(Focus::Decoder)),
    ),
    b(
        Serial,
        &[Kc(PageDown), Kc(PageUp)],
        "PgUp/PgDn",
        "scroll the findings",
        false,
        |_, k| Some(Msg::ScrollFindings(if k.code == PageUp { -3 } else { 3 })),
    ),
    b(Serial, &[Kc(Up)], "↑", "to the brand", false, |_, _| {
        Some(Msg::Focus(Focus::Brand))
    }),
    b(
        Decoder,
        &[Kc(Up), C('k')],
        "↑/↓",
        "code",
        true,
        |_, _| Some(Msg::CandidatePrev),
    ),
    b(Decoder, &[Kc(Down), C('j')], "", "", false, |_, _| {
        Some(Msg::CandidateNext)
    }),
    b(Decoder, &[C('y'), Kc(Enter)], "y", "copy", true, |_, _| {
        Some(Msg::Copy)
    }),
    b(Decoder, &[C('a')], "a", "accepted", true, |_, _| {
        Some(Msg::RecordTry(TryOutcome::Accepted))
    }),
    b(Decoder, &[C('r')], "r", "refused", true, |_, _| {
        Some(Msg::RecordTry(TryOutcome::Refused))
    }),
    b(
        Decoder,
        &[C('u')],
        "u",
        "withdraw a refusal",
        false,
        |_, _| Some(Msg::Withdraw),
    ),
    b(Decoder, &[C('c')], "c", "code from a card", true, |_, _| {
        Some(Msg::EnterCode)
    }),
    b(
        Decoder,
        &[C('d')],
        "d",
        "the request sheet",
        false,
        |_, _| Some(Msg::WriteRequest),
    ),
    b(
        Decoder,
        &[Kc(PageDown), Kc(PageUp)],
        "PgUp/PgDn",
        "scroll",
        false,
        |_, k| Some(Msg::ScrollDecoder(if k.code == PageUp { -6 } else { 6 })),
    ),
    b(Decoder, &[C('J')], "J", "jobs", false, |_, _| {
        Some(Msg::ShowJobs)
    }),
    b(Keypad, &[C('p')], "p", "practise / guide", true, |_, _| {
        Some(Msg::ToggleMode)
    }),
    b(
        Keypad,
        &[Kc(Up), Kc(Down)],
        "↑/↓",
        "code",
        false,
        |_, k| {
            Some(if k.code == Up {
                Msg::CandidatePrev
            } else {
                Msg::CandidateNext
            })
        },
    ),
    b(Keypad, &[C('J')], "J", "jobs", false, |_, _| {
        Some(Msg::ShowJobs)
    }),
    b(
        Keypad,
        &[C('d')],
        "d",
        "the request sheet",
        false,
        |_, _| Some(Msg::WriteRequest),
    ),
    b(
        Guide,
        &[Kc(Right), Kc(Enter), C('l')],
        "←/→",
        "step",
        true,
        |_, _| Some(Msg::GuideNext),
    ),
    b(Guide, &[Kc(Left), C('h')], "", "", false, |_, _| {
        Some(Msg::GuidePrev)
    }),
    b(Guide, &[C('a')], "a", "accepted", true, |_, _| {
        Some(Msg::RecordTry(TryOutcome::Accepted))
    }),
    b(Guide, &[C('r')], "r", "refused", true, |_, _| {
        Some(Msg::RecordTry(TryOutcome::Refused))
    }),
    b(
        Guide,
        &[C('u')],
        "u",
        "withdraw a refusal",
        false,
        |_, _| Some(Msg::Withdraw),
    ),
    b(
        Guide,
        &[C('c')],
        "c",
        "a code from elsewhere",
        false,
        |_, _| Some(Msg::EnterCode),
    ),
    b(
        Practice,
        &[K::Digits('1', '6')],
        "1-6",
        "press a preset",
        true,
        |_, k| Some(Msg::RadioPress(Button::Preset(digit(k) as u8 + 1))),
    ),
    b(Practice, &[C('o')], "o", "press OK", true, |_, _| {
        Some(Msg::RadioPress(Button::Ok))
    }),
    b(Practice, &[C('h'), C(' ')], "h", "hold", true, |_, _| {
        Some(Msg::ToggleHold)
    }),
    b(Practice, &[C('f')], "f", "+1 min", true, |_, _| {
        Some(Msg::FastForward(1))
    }),
    b(Practice, &[C('F')], "F", "+10 min", true, |_, _| {
        Some(Msg::FastForward(10))
    }),
    b(Practice, &[C('b')], "b", "battery off", true, |_, _| {
        Some(Msg::BatteryDisconnected)
    }),
    b(Practice, &[C('n')], "n", "a new radio", true, |_, _| {
        Some(Msg::ResetRadio)
    }),
];

/// The message `key` makes in the first of `scopes` that binds it to
/// something now (a binding that does nothing now lets the key on).
pub fn lookup(app: &App, scopes: &[Scope], key: &KeyEvent) -> Option<Msg> {
    scopes.iter().find_map(|scope| {
        BINDINGS
            .iter()
            .filter(|b| b.scope == *scope && b.keys.iter().any(|k| k.matches(key)))
            .find_map(|b| (b.act)(app, key))
    })
}

/// The bindings of a scope.
pub fn of(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.scope == scope)
}

/// The status line's keys for `scopes`: "y yes · n or Esc no, …".
pub fn status_line(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .flat_map(|s| of(*s))
        .filter(|b| b.status && !b.label.is_empty())
        .map(|b| format!("{} {}", b.label, b.does))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brand_digits_are_as_many_as_the_brands() {
        let b = of(Scope::Brand)
            .find(|b| b.does == "choose a brand")
            .unwrap();
        assert_eq!(b.label, format!("1-{}", BRANDS.len()));
    }

    #[test]
    fn every_binding_with_keys_is_named_or_follows_a_named_one() {
        let mut named_before = false;
        for b in BINDINGS {
            assert!(
                !b.label.is_empty() || named_before,
                "a binding in {:?} the help cannot name",
                b.scope
            );
            named_before = !b.label.is_empty() || named_before;
            assert!(b.label.is_empty() == b.does.is_empty());
        }
    }
}
