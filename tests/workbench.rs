//! The workbench without a terminal: whole frames, styles, and key sequences
//! driven through the keymap and `update`.

mod common;

use common::tui::{app, ctrl, draw, key, screen, send, type_text};
use proptest::prelude::*;
use radiocode::serial::Family;
use radiocode::store::MemoryBook;
use radiocode::tui::app::{App, Effect, Focus, Msg, OverlayKind};
use radiocode::tui::job_form::Field;
use radiocode::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::style::{Color, Modifier};

fn snapshot(name: &str, app: &App) {
    // Job times are the wall clock's; everything else on screen is fixed.
    insta::with_settings!({filters => vec![(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "YYYY-MM-DD hh:mm")]}, {
        insta::assert_snapshot!(name, draw(app).backend());
    });
}

fn at_sizes(name: &str, prepare: impl Fn(&mut App)) {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app(w, h);
        prepare(&mut a);
        snapshot(&format!("{name}_{w}x{h}"), &a);
    }
}

#[test]
fn snapshots() {
    at_sizes("empty", |_| {});
    at_sizes("renault_precode", |a| type_text(a, "j727"));
    at_sizes("blaupunkt_with_letter_o", |a| {
        type_text(a, "bp 5384 6 41829O5")
    });
    at_sizes("part_number", |a| type_text(a, "7 645 384 318"));
    // The help's title says there is no Ctrl-Z suspend on Windows.
    let help = if cfg!(windows) {
        "help_windows"
    } else {
        "help"
    };
    at_sizes(help, |a| {
        type_text(a, "J727");
        key(a, KeyCode::Char('?'));
    });
    let mut tiny = app(20, 6);
    type_text(&mut tiny, "J727");
    snapshot("tiny_20x6", &tiny);
}

#[test]
fn a_flagged_character_is_styled_where_it_was_typed() {
    let mut a = app(80, 24);
    type_text(&mut a, "M12345O");
    let t = draw(&a);
    let buf: &Buffer = t.backend().buffer();
    let areas = ui::layout(buf.area, false).unwrap();
    let (x, y) = (areas.serial.x + 1 + 6, areas.serial.y + 1);
    let cell = &buf[(x, y)];
    assert_eq!(cell.symbol(), "O");
    assert_eq!(cell.fg, Color::Yellow);
    assert!(cell.modifier.contains(Modifier::UNDERLINED));
    let clean = &buf[(x - 1, y)];
    assert_eq!(clean.symbol(), "5");
    assert!(!clean.modifier.contains(Modifier::UNDERLINED));
    assert_eq!(buf[(x, y + 1)].symbol(), "~");

    let mut a = app(80, 24);
    type_text(&mut a, "BP5384X4182965");
    let t = draw(&a);
    let cell = &t.backend().buffer()[(areas.serial.x + 1 + 6, areas.serial.y + 1)];
    assert_eq!(cell.symbol(), "X");
    assert_eq!(cell.fg, Color::Red);
    assert!(
        cell.modifier
            .contains(Modifier::BOLD | Modifier::UNDERLINED)
    );
}

#[test]
fn no_color_keeps_the_marks_without_colours() {
    let mut a = App::new(Box::new(MemoryBook::seed()), false);
    a.update(Msg::Resize(80, 24));
    type_text(&mut a, "M12345O");
    let t = draw(&a);
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset, "no colour anywhere");
    }
    let areas = ui::layout(buf.area, false).unwrap();
    let cell = &buf[(areas.serial.x + 1 + 6, areas.serial.y + 1)];
    assert!(cell.modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn typing_backspace_and_the_decoder_follow_each_key() {
    let mut a = app(80, 24);
    assert_eq!(a.focus, Focus::Serial);
    type_text(&mut a, "j7277");
    let o = a.outcome.as_ref().unwrap();
    assert!(o.candidates.is_empty(), "five characters is not a precode");
    key(&mut a, KeyCode::Backspace);
    assert_eq!(a.input.value(), "j727");
    assert_eq!(a.selected_code().as_deref(), Some("6586"));
    ctrl(&mut a, 'u');
    assert_eq!(a.input.value(), "");
    assert!(a.outcome.is_none());
}

#[test]
fn tab_moves_focus_and_q_quits_only_outside_the_input() {
    let mut a = app(80, 24);
    assert_eq!(key(&mut a, KeyCode::Char('q')), Effect::None);
    assert_eq!(a.input.value(), "q", "q is typed into the serial");
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.focus, Focus::Decoder);
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.focus, Focus::Brand);
    key(&mut a, KeyCode::BackTab);
    assert_eq!(a.focus, Focus::Decoder);
    assert_eq!(key(&mut a, KeyCode::Char('q')), Effect::Quit);
    // Esc on an empty serial never quits on its own: a second Esc does,
    // with the word said between them.
    let mut a = app(80, 24);
    assert_eq!(key(&mut a, KeyCode::Esc), Effect::None);
    assert!(screen(&a).contains("Esc again quits"), "{}", screen(&a));
    assert_eq!(key(&mut a, KeyCode::Esc), Effect::Quit);
    // Anything between the two disarms it.
    let mut a = app(80, 24);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::BackTab);
    assert_eq!(key(&mut a, KeyCode::Esc), Effect::None);
    let mut a = app(80, 24);
    assert_eq!(ctrl(&mut a, 'c'), Effect::Interrupted);
}

#[test]
fn changing_the_brand_rereads_the_serial() {
    let mut a = app(80, 24);
    type_text(&mut a, "0123");
    assert_eq!(
        a.outcome.as_ref().unwrap().diagnosis.family,
        Some(Family::Renault)
    );
    key(&mut a, KeyCode::Up);
    assert_eq!(a.focus, Focus::Brand);
    key(&mut a, KeyCode::Right);
    assert_eq!(a.brand(), Some(Family::Blaupunkt));
    let o = a.outcome.as_ref().unwrap();
    assert_eq!(o.diagnosis.family, Some(Family::Blaupunkt));
    assert!(o.diagnosis.serial.is_none());
    key(&mut a, KeyCode::Char('3'));
    assert_eq!(a.brand(), Some(Family::Renault));
    assert_eq!(
        a.outcome.as_ref().unwrap().diagnosis.serial.as_deref(),
        Some("O123")
    );
    key(&mut a, KeyCode::Left);
    key(&mut a, KeyCode::Left);
    assert_eq!(a.brand(), None);
    assert_eq!(
        a.shown_family(),
        Some(Family::Renault),
        "label follows the serial"
    );
    key(&mut a, KeyCode::Left);
    assert_eq!(a.brand(), Some(Family::Visteon), "wraps round");
}

#[test]
fn choosing_and_copying_a_code() {
    let mut a = app(80, 24);
    type_text(&mut a, "BP538464182965");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.focus, Focus::Decoder);
    key(&mut a, KeyCode::Down);
    assert_eq!(a.selected_code().as_deref(), Some("1091"));
    key(&mut a, KeyCode::Down);
    assert_eq!(
        a.selected_code().as_deref(),
        Some("1091"),
        "stays on the last"
    );
    assert_eq!(key(&mut a, KeyCode::Char('y')), Effect::Copy("1091".into()));
    // The loop makes the copy and says where it went.
    a.update(Msg::Copied(
        "1091".into(),
        radiocode::tui::app::Copied::System,
    ));
    assert!(screen(&a).contains("copied 1091"));
    key(&mut a, KeyCode::Char('k'));
    assert_eq!(key(&mut a, KeyCode::Enter), Effect::Copy("7091".into()));
}

#[test]
fn the_mouse_picks_brands_and_codes() {
    let mut a = app(80, 24);
    type_text(&mut a, "BP538464182965");
    let text = screen(&a);
    let click = |a: &mut App, x: u16, y: u16| {
        send(
            a,
            Event::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: x,
                row: y,
                modifiers: KeyModifiers::NONE,
            }),
        )
    };
    let find = |needle: &str| -> (u16, u16) {
        for (y, line) in text.lines().enumerate() {
            if let Some(x) = line.find(needle) {
                return (line[..x].chars().count() as u16, y as u16);
            }
        }
        panic!("{needle} not on screen:\n{text}");
    };
    let (x, y) = find("2. 1091  derived");
    assert_eq!(click(&mut a, x + 3, y), Effect::Copy("1091".into()));
    let (x, y) = find("Visteon");
    click(&mut a, x, y);
    assert_eq!(a.brand(), Some(Family::Visteon));
}

#[test]
fn pasted_text_is_read_and_control_characters_are_shown_escaped() {
    let mut a = app(80, 24);
    key(&mut a, KeyCode::Tab);
    send(&mut a, Event::Paste("J7\u{1b}[31m27\r\n".into()));
    assert_eq!(a.focus, Focus::Serial);
    assert_eq!(a.input.value(), "J7\u{1b}[31m27");
    let text = screen(&a);
    assert!(
        text.contains("J7\u{241b}[31m27"),
        "ESC drawn as a control picture:\n{text}"
    );
    assert!(!text.contains('\u{1b}'));
    send(&mut a, Event::Paste("".into()));
    ctrl(&mut a, 'u');
    send(&mut a, Event::Paste("j727\n".into()));
    assert_eq!(a.selected_code().as_deref(), Some("6586"));
}

/// A megabyte on the clipboard pasted into the serial is cut to what a
/// field holds, said, and put in at once: the workbench goes on.
#[test]
fn a_huge_paste_is_cut_and_said() {
    let mut a = app(80, 24);
    send(&mut a, Event::Paste("J727 ".repeat(200_000)));
    assert_eq!(a.input.value().chars().count(), 4096);
    let notice = a.notice.clone().unwrap_or_default();
    assert!(notice.contains("1000000 characters"), "{notice}");
    ctrl(&mut a, 'u');
    send(&mut a, Event::Paste("J727".into()));
    assert_eq!(a.selected_code().as_deref(), Some("6586"));
}

#[test]
fn help_opens_and_closes() {
    let mut a = app(80, 24);
    key(&mut a, KeyCode::F(1));
    assert_eq!(a.overlay.kind(), OverlayKind::Help);
    // Every key is in it: it scrolls to the end, where the rules are.
    for _ in 0..10 {
        key(&mut a, KeyCode::PageDown);
    }
    assert!(
        screen(&a).contains("Never disconnect the battery"),
        "{}",
        screen(&a)
    );
    assert_eq!(
        key(&mut a, KeyCode::Esc),
        Effect::None,
        "Esc closes the help first"
    );
    assert_eq!(a.overlay.kind(), OverlayKind::None);
    key(&mut a, KeyCode::Char('?'));
    key(&mut a, KeyCode::Char('?'));
    assert_eq!(a.overlay.kind(), OverlayKind::None);
    assert_eq!(a.input.value(), "", "? never lands in the serial");
}

fn any_event() -> impl Strategy<Value = Event> {
    let keys = prop_oneof![
        any::<char>().prop_map(KeyCode::Char),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Enter),
        Just(KeyCode::Backspace),
        Just(KeyCode::Delete),
        Just(KeyCode::Left),
        Just(KeyCode::Right),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Home),
        Just(KeyCode::End),
        Just(KeyCode::F(1)),
    ];
    prop_oneof![
        8 => (keys, prop_oneof![Just(KeyModifiers::NONE), Just(KeyModifiers::SHIFT), Just(KeyModifiers::CONTROL), Just(KeyModifiers::ALT)])
            .prop_filter("not a quit", |(k, m)| !(*k == KeyCode::Char('c') && *m == KeyModifiers::CONTROL))
            .prop_map(|(k, m)| Event::Key(KeyEvent::new(k, m))),
        1 => ".{0,30}".prop_map(Event::Paste),
        1 => (0u16..200, 0u16..60).prop_map(|(x, y)| Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left), column: x, row: y, modifiers: KeyModifiers::NONE,
        })),
        1 => (1u16..200, 1u16..60).prop_map(|(w, h)| Event::Resize(w, h)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_key_sequence_or_size_panics(events in proptest::collection::vec(any_event(), 0..40), w in 1u16..160, h in 1u16..50) {
        let mut a = app(w, h);
        for ev in events {
            let _ = send(&mut a, ev);
            if let Some(o) = &a.outcome {
                // The chosen code is one of the candidates, or none is chosen.
                prop_assert!(
                    a.selected < o.candidates.len() || (o.candidates.is_empty() && a.selected == 0),
                    "selected {} of {}", a.selected, o.candidates.len()
                );
            }
        }
        let (w, h) = a.size;
        let mut t = Terminal::new(TestBackend::new(w.max(1), h.max(1))).unwrap();
        t.draw(|f| ui::render(&a, f)).unwrap();
    }

    /// The panes' text worked out in `update` draws the very frame that text
    /// worked out while drawing would: every cell, symbol and style.
    #[test]
    fn prepared_text_draws_the_frame_fresh_text_draws(
        serial in prop::sample::select(vec!["j727", "bp 5384 6 41829O5", "BP538464182965", "M123456", "7 645 384 318", "BE473912345678", "A000", "ＭＩ２３"]),
        events in proptest::collection::vec(any_event(), 0..30),
        w in 40u16..160,
        h in 12u16..50,
    ) {
        let mut a = app(w, h);
        type_text(&mut a, serial);
        for ev in events {
            let _ = send(&mut a, ev);
        }
        let prepared = draw(&a).backend().buffer().clone();
        a.prepared = Default::default();
        let fresh = draw(&a).backend().buffer().clone();
        prop_assert_eq!(prepared, fresh);
    }
}

#[test]
fn every_size_down_to_one_by_one_renders() {
    for w in 1..=90u16 {
        for h in [1u16, 2, 5, 6, 11, 12, 13, 23, 24] {
            let mut a = app(w, h);
            type_text(&mut a, "bp 5384 6 41829O5");
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| ui::render(&a, f)).unwrap();
        }
    }
}

fn app_with_records() -> App {
    let store = radiocode::store::SqliteStore::in_memory().unwrap();
    let mut a = App::new(Box::new(MemoryBook::seed()), true).with_records(
        Some(Box::new(store)),
        None,
        radiocode::settings::Bench::default(),
    );
    a.update(Msg::Resize(80, 24));
    a
}

#[test]
fn recording_tries_starts_a_job_once_and_confirms_an_accepted_code() {
    let mut a = app_with_records();
    type_text(&mut a, "bp 5384 6 4182965");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(a.overlay.kind(), OverlayKind::JobForm);
    snapshot("job_form_80x24", &a);
    key(&mut a, KeyCode::Enter);
    assert!(a.form().unwrap().error.is_some(), "both fields are needed");
    type_text(&mut a, "AB12 CDE");
    key(&mut a, KeyCode::Tab);
    type_text(&mut a, "V5C in owner's name");
    key(&mut a, KeyCode::Tab);
    type_text(&mut a, "customer brought the radio card photo");
    key(&mut a, KeyCode::BackTab);
    assert_eq!(a.form().unwrap().field, Field::Proof);
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.overlay.kind(), OverlayKind::None);
    assert!(a.notice.as_deref().unwrap().contains("7091 refused"));
    let text = screen(&a);
    assert!(
        text.contains("Job 1 (AB12 CDE): 7091 was refused"),
        "the job names its vehicle: {text}"
    );
    assert!(
        a.prepared.decoder_text().contains("re-coded radio"),
        "{text}"
    );
    let (job, serial) = a.job.as_ref().map(|j| (j.id, j.serial.clone())).unwrap();
    assert_eq!(serial, "BP538464182965");
    let text = screen(&a);
    assert!(
        text.contains("7091  code book · unconfirmed · refused"),
        "{text}"
    );
    assert_eq!(
        a.selected_code().as_deref(),
        Some("1091"),
        "on to the next untried code"
    );
    let sim = a.simulator.as_ref().unwrap();
    assert_eq!(sim.already_refused, 1);
    let plan: Vec<_> = sim
        .plan
        .iter()
        .map(|p| (p.code.to_string(), p.try_number))
        .collect();
    assert_eq!(
        plan,
        [("1091".to_string(), 2)],
        "the refused code is out of the plan but counts"
    );

    key(&mut a, KeyCode::Char('a'));
    assert_eq!(
        a.overlay.kind(),
        OverlayKind::ConfirmTry,
        "the same job: no form again, one question"
    );
    key(&mut a, KeyCode::Char('y'));
    assert_eq!(a.overlay.kind(), OverlayKind::None);
    assert!(a.notice.as_deref().unwrap().contains("1091 accepted"));
    let first = &a.outcome.as_ref().unwrap().candidates[0];
    assert_eq!(first.code.to_string(), "1091");
    assert_eq!(first.confidence.id(), "confirmed");
    assert!(first.note.contains(&format!("job {job}")));

    key(&mut a, KeyCode::F(2));
    snapshot("jobs_80x24", &a);
    let text = screen(&a);
    assert!(
        text.contains("AB12 CDE      BP538464182965   7091 refused"),
        "{text}"
    );
    assert_eq!(
        a.jobs.rows[0].notes,
        "customer brought the radio card photo"
    );
    let tries: Vec<_> = a.jobs.rows[0]
        .attempts
        .iter()
        .map(|t| (t.code.to_string(), t.outcome.id()))
        .collect();
    assert_eq!(
        tries,
        [
            ("7091".to_string(), "refused"),
            ("1091".to_string(), "accepted")
        ]
    );
    type_text(&mut a, "zz");
    assert!(a.jobs.rows.is_empty());
    key(&mut a, KeyCode::Backspace);
    key(&mut a, KeyCode::Backspace);
    type_text(&mut a, "ab12");
    assert_eq!(a.jobs.rows.len(), 1);
    ctrl(&mut a, 'u');
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.view, radiocode::tui::app::View::Workbench);
    ctrl(&mut a, 'u');
    key(&mut a, KeyCode::F(2));
    key(&mut a, KeyCode::Enter);
    assert_eq!(
        a.input.value(),
        "BP538464182965",
        "opening a job brings its serial back"
    );
}

#[test]
fn cancelling_the_form_records_nothing() {
    let mut a = app_with_records();
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('a'));
    type_text(&mut a, "XY");
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.overlay.kind(), OverlayKind::None);
    assert!(a.job.is_none());
    assert!(
        a.notice
            .as_deref()
            .unwrap()
            .contains("nothing was recorded")
    );
    key(&mut a, KeyCode::F(2));
    assert!(a.jobs.rows.is_empty());
}

#[test]
fn without_a_job_log_recording_says_so() {
    let mut a = app(80, 24);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('a'));
    type_text(&mut a, "XY");
    key(&mut a, KeyCode::Tab);
    type_text(&mut a, "V5C");
    key(&mut a, KeyCode::Enter);
    let form = a.form().expect("the form stays open with what was typed");
    assert_eq!(form.vehicle.value(), "XY");
    assert!(form.error.as_deref().unwrap().contains("no job log"));
}

fn to_keypad(a: &mut App) {
    while a.focus != Focus::Keypad {
        key(a, KeyCode::Tab);
    }
}

#[test]
fn keypad_panel_guides_then_practises() {
    let mut a = app(80, 24);
    type_text(&mut a, "J727");
    to_keypad(&mut a);
    snapshot("keypad_guide_80x24", &a);
    key(&mut a, KeyCode::Right);
    let text = screen(&a);
    assert!(text.contains("Press 1 six times: display"), "{text}");
    assert!(text.contains("6000"), "{text}");
    for _ in 0..10 {
        key(&mut a, KeyCode::Right);
    }
    let text = screen(&a);
    assert!(text.contains("guide 6/6"), "{text}");
    assert!(text.contains("Before you confirm: if 6586 is"), "{text}");
    key(&mut a, KeyCode::Char('p'));
    let sim = a.simulator.as_ref().unwrap();
    assert_eq!(sim.radio.display(), "CODE");
    for (button, times) in [('1', 6), ('2', 5), ('3', 8), ('4', 6)] {
        for _ in 0..times {
            key(&mut a, KeyCode::Char(button));
        }
    }
    assert_eq!(a.simulator.as_ref().unwrap().radio.display(), "6586");
    key(&mut a, KeyCode::Char('h'));
    a.update(Msg::Tick(4_000));
    snapshot("keypad_practice_holding_80x24", &a);
    key(&mut a, KeyCode::Char('h'));
    assert_eq!(
        a.simulator.as_ref().unwrap().radio.display(),
        "6586",
        "let go early: nothing happens"
    );
    key(&mut a, KeyCode::Char('h'));
    a.update(Msg::Tick(10_000));
    assert_eq!(a.simulator.as_ref().unwrap().radio.display(), "FM 1");
    // Practice never reads like a real result.
    let s = screen(&a);
    assert!(s.contains("practice: the simulated"), "{s}");
    assert!(!s.contains("unlocked"), "{s}");
    // The beep came: the hold bar is gone and no refusal count is left.
    assert!(a.simulator.as_ref().unwrap().held.is_none());
    assert!(!s.contains("/10 s"), "{s}");
    assert!(!s.contains("refusal"), "{s}");
}

#[test]
fn practice_shows_the_wait_and_the_battery_rule() {
    let mut a = app(120, 40);
    type_text(&mut a, "J727");
    to_keypad(&mut a);
    key(&mut a, KeyCode::Char('p'));
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Char('h'));
    key(&mut a, KeyCode::Char('f'));
    let sim = a.simulator.as_ref().unwrap();
    assert_eq!(sim.radio.display(), "WAIT");
    assert_eq!(sim.radio.wrong(), 1);
    snapshot("keypad_practice_wait_120x40", &a);
    key(&mut a, KeyCode::Char('F'));
    key(&mut a, KeyCode::Char('b'));
    let message = a.simulator.as_ref().unwrap().radio.message();
    assert!(
        message.contains("the battery was disconnected: the wait started again"),
        "{message}"
    );
    assert_eq!(
        a.simulator.as_ref().unwrap().radio.wait_remaining_ms(),
        Some(15 * 60_000)
    );
    key(&mut a, KeyCode::Char('n'));
    assert_eq!(
        a.simulator.as_ref().unwrap().radio.wrong(),
        0,
        "a new radio"
    );
}

#[test]
fn the_panel_follows_the_chosen_code_and_the_mouse_presses_its_buttons() {
    let mut a = app(80, 24);
    type_text(&mut a, "BP538464182965");
    to_keypad(&mut a);
    assert_eq!(a.simulator.as_ref().unwrap().code.to_string(), "7091");
    key(&mut a, KeyCode::Down);
    assert_eq!(a.simulator.as_ref().unwrap().code.to_string(), "1091");
    key(&mut a, KeyCode::Char('p'));
    let text = screen(&a);
    let (x, y) = text
        .lines()
        .enumerate()
        .find_map(|(y, l)| {
            l.find("[1]")
                .map(|x| (l[..x].chars().count() as u16, y as u16))
        })
        .expect("buttons on screen");
    let mouse = |kind| {
        Event::Mouse(MouseEvent {
            kind,
            column: x + 1,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    send(&mut a, mouse(MouseEventKind::Down(MouseButton::Left)));
    send(&mut a, mouse(MouseEventKind::Up(MouseButton::Left)));
    assert_eq!(a.simulator.as_ref().unwrap().radio.display(), "1000");
    // Reading the serial as Visteon leaves no code: the keypad goes, and its focus.
    let (vx, vy) = text
        .lines()
        .enumerate()
        .find_map(|(y, l)| {
            l.find("Visteon")
                .map(|x| (l[..x].chars().count() as u16, y as u16))
        })
        .unwrap();
    send(
        &mut a,
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: vx,
            row: vy,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert!(a.simulator.is_none());
    assert_eq!(a.focus, Focus::Decoder, "no keypad to stay on");
}

#[test]
fn records_offline_are_shown_and_a_paste_goes_to_the_field_being_typed() {
    let mut a = app_with_records();
    a.update(Msg::Resize(120, 40));
    a.update(Msg::Records(radiocode::store::RecordsEvent::Offline(
        "the connection was lost".into(),
    )));
    let text = screen(&a);
    assert!(text.contains("RECORDS OFFLINE: reconnecting"), "{text}");
    type_text(&mut a, "J727");
    assert_eq!(
        a.selected_code().as_deref(),
        Some("6586"),
        "the algorithm still answers"
    );

    // The job form takes a pasted registration; the serial stays as it was.
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(a.overlay.kind(), OverlayKind::JobForm);
    send(&mut a, Event::Paste("WVWZZZ1JZXW000001\n".into()));
    assert_eq!(a.form().unwrap().vehicle.value(), "WVWZZZ1JZXW000001");
    assert_eq!(a.input.value(), "J727");
}

#[test]
fn a_chip_dump_read_in_the_workbench_joins_the_decoder() {
    use radiocode::dump::{Encoding, Spot};
    use radiocode::store::{DumpRecord, Place, Records, SqliteStore};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("radiocode.db");
    let spot = Spot {
        address: 0x40,
        encoding: Encoding::BcdHighFirst,
        word_swapped: false,
    };
    let radio = |seed: u8, code: &str| {
        let mut bytes: Vec<u8> = (0..512u32)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect();
        let c = radiocode::decode::Code::parse(code).unwrap();
        bytes[0x40..0x42].copy_from_slice(&spot.encoding.write(c));
        bytes
    };
    let mut store = SqliteStore::open(&db).unwrap();
    for (seed, code) in [(1, "1234"), (2, "5678")] {
        let bytes = radio(seed, code);
        store
            .add_dump(&DumpRecord {
                sha256: radiocode::dump::sha256_hex(&bytes),
                bytes,
                model: "BP5384".into(),
                code: radiocode::decode::Code::parse(code).unwrap(),
                known_by: "the technician's word".into(),
                source: "test".into(),
                added_at: radiocode::store::At::UNSTAMPED,
                added_by: "test".into(),
            })
            .unwrap();
    }
    let third = dir.path().join("third radio.bin");
    std::fs::write(&third, radio(3, "0872")).unwrap();
    let mut a = App::new(Box::new(MemoryBook::seed()), true).with_records(
        Some(Box::new(store)),
        Some(Place::File(db)),
        radiocode::settings::Bench::default(),
    );
    a.update(Msg::Resize(120, 40));
    type_text(&mut a, "BP538464182965");
    key(&mut a, KeyCode::F(3));
    assert!(screen(&a).contains("Chip dump"));
    send(&mut a, Event::Paste(format!("{}\n", third.display())));
    key(&mut a, KeyCode::Enter);
    let text = screen(&a);
    assert!(
        text.contains("0872 likely · layout learned:BP5384"),
        "{text}"
    );
    assert!(text.contains("unit BP5384"), "{text}");
    key(&mut a, KeyCode::Esc);
    let first = &a.outcome.as_ref().unwrap().candidates[0];
    assert_eq!(first.code.to_string(), "0872");
    assert_eq!(first.source, radiocode::decode::Source::ChipDump);
    assert!(
        screen(&a).contains("THE CHIP DUMP DISAGREES"),
        "{}",
        screen(&a)
    );

    // A file that is not a dump is said, and nothing else changes.
    key(&mut a, KeyCode::F(3));
    for _ in 0..200 {
        key(&mut a, KeyCode::Backspace);
    }
    type_text(&mut a, "/nonexistent/x.bin");
    key(&mut a, KeyCode::Enter);
    assert!(
        screen(&a).contains("cannot read the dump"),
        "{}",
        screen(&a)
    );
}

#[test]
fn the_card_and_the_request_are_written_from_the_workbench() {
    use radiocode::store::{Place, SqliteStore};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("radiocode.db");
    let store = SqliteStore::open(&db).unwrap();
    let mut a = App::new(Box::new(MemoryBook::seed()), true).with_records(
        Some(Box::new(store)),
        Some(Place::File(db)),
        radiocode::settings::Bench::default(),
    );
    a.update(Msg::Resize(120, 40));
    type_text(&mut a, "bp 5384 6 418296S");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('r'));
    type_text(&mut a, "AB12 CDE");
    key(&mut a, KeyCode::Tab);
    type_text(&mut a, "V5C");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('d'));
    let request = dir
        .path()
        .join("documents")
        .join("request-BP538464182965.html");
    assert!(
        a.notice
            .as_deref()
            .unwrap()
            .contains("request-BP538464182965.html")
    );
    let html = std::fs::read_to_string(&request).unwrap();
    assert!(html.contains("7091") && html.contains("AB12 CDE"), "{html}");
    assert!(!html.contains("1091"), "never a code to try");
    key(&mut a, KeyCode::F(2));
    key(&mut a, KeyCode::F(4));
    let card = dir.path().join("documents").join("job-1-card.html");
    assert!(
        a.notice.as_deref().unwrap().contains("job-1-card.html"),
        "{:?}",
        a.notice
    );
    assert!(std::fs::read_to_string(card).unwrap().contains("7091"));
}

#[test]
fn the_keypad_panel_is_drawn_large_from_100x30() {
    // Guide mode: the big display, labelled buttons and every step.
    let mut a = app(120, 40);
    type_text(&mut a, "j727");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Right);
    snapshot("keypad_large_guide_120x40", &a);
    let text = screen(&a);
    assert!(text.contains("Steps for 6586:"), "{text}");
    assert!(text.contains("✓ 1.") && text.contains("▶ 3."), "{text}");
    assert!(text.contains("│ 6 │"), "labelled buttons: {text}");

    // Practice: a wrong code, the wait it starts, then the right one.
    let mut a = app(100, 30);
    type_text(&mut a, "j727");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('p'));
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Char('h'));
    a.update(Msg::Tick(12_000));
    snapshot("keypad_large_practice_100x30", &a);
    let text = screen(&a);
    assert!(text.contains("Timeline:"), "{text}");
    assert!(text.contains("1000 refused"), "{text}");

    // The drawn buttons are the ones a click presses.
    let mut a = app(120, 40);
    type_text(&mut a, "j727");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('p'));
    let text = screen(&a);
    let row = text.lines().position(|l| l.contains("│ 1 │")).unwrap() as u16;
    let col = text
        .lines()
        .nth(row as usize)
        .unwrap()
        .chars()
        .position(|c| c == '1');
    let col = col.unwrap() as u16;
    assert_eq!(
        ui::hit(&a, col, row),
        Some(Msg::RadioDown(radiocode::keypad::Button::Preset(1)))
    );

    // At 80x24 the compact panel stays.
    let mut a = app(80, 24);
    type_text(&mut a, "j727");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    assert!(screen(&a).contains("║ CODE ║") || screen(&a).contains("guide 1/"));
    assert!(!screen(&a).contains("Steps for"));
}
