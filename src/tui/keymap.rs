//! Terminal events to [`Msg`]s. Which keys mean what depends on the focus.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use tui_input::backend::crossterm::to_input_request;

use super::dump_view::DumpMsg;
use super::entry::EntryMsg;
use super::job_form::FormMsg;
use super::jobs::JobsMsg;
use super::photo::PhotoMsg;
use super::simulator::SimMode;
use super::state::{App, BRANDS, Focus, Msg, OverlayKind, View};
use super::ui;
use super::visit::ChooseMsg;
use crate::keypad::Button;
use crate::store::TryOutcome;

pub fn on_event(app: &App, event: &Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => on_key(app, key, event),
        Event::Paste(text) => Some(Msg::Paste(text.clone())),
        Event::Resize(w, h) => Some(Msg::Resize(*w, *h)),
        Event::Mouse(m) if m.kind == MouseEventKind::Down(MouseButton::Left) => {
            ui::hit(app, m.column, m.row)
        }
        // Letting go of a keypad button held with the mouse.
        Event::Mouse(m) if m.kind == MouseEventKind::Up(MouseButton::Left) => app
            .simulator
            .as_ref()
            .filter(|s| s.held.is_some())
            .map(|_| Msg::RadioRelease),
        _ => None,
    }
}

fn on_key(app: &App, key: &KeyEvent, event: &Event) -> Option<Msg> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Msg::Interrupt);
    }
    if ctrl && key.code == KeyCode::Char('z') && super::CAN_SUSPEND {
        return Some(Msg::Suspend);
    }
    if app.overlay.is_open() {
        return on_overlay_key(app.overlay.kind(), key, event);
    }
    // A photo being read: Esc stops it, before anything else Esc does.
    if key.code == KeyCode::Esc && app.photo.reading().is_some() {
        return Some(Msg::Photo(PhotoMsg::Stop));
    }
    match app.view {
        View::Jobs => on_jobs_key(key, event),
        View::Dump => on_dump_key(key, event),
        // A letter with Ctrl or Alt is never a pane's command (Ctrl-U is
        // not u); in the serial it edits, as in any text field.
        View::Workbench
            if key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                && matches!(key.code, KeyCode::Char(_))
                && app.focus != Focus::Serial =>
        {
            None
        }
        View::Workbench => on_workbench_key(app, key).or_else(|| on_pane_key(app, key, event)),
    }
}

/// A key while an overlay is open: it goes to the overlay alone.
fn on_overlay_key(kind: OverlayKind, key: &KeyEvent, event: &Event) -> Option<Msg> {
    match kind {
        OverlayKind::Help => match key.code {
            KeyCode::Esc
            | KeyCode::Char('?')
            | KeyCode::Char('q')
            | KeyCode::F(1)
            | KeyCode::Enter => Some(Msg::CloseOverlay),
            _ => None,
        },
        OverlayKind::JobForm => match key.code {
            KeyCode::Esc => Some(Msg::CloseOverlay),
            KeyCode::Tab | KeyCode::Down => Some(Msg::Form(FormMsg::Next)),
            KeyCode::BackTab | KeyCode::Up => Some(Msg::Form(FormMsg::Prev)),
            KeyCode::Enter => Some(Msg::Form(FormMsg::Submit)),
            _ => to_input_request(event).map(|r| Msg::Form(FormMsg::Edit(r))),
        },
        OverlayKind::CodeFromElsewhere => match key.code {
            KeyCode::Esc => Some(Msg::CloseOverlay),
            KeyCode::Tab | KeyCode::Right | KeyCode::Down => Some(Msg::Entry(EntryMsg::NextOrigin)),
            KeyCode::BackTab | KeyCode::Left | KeyCode::Up => {
                Some(Msg::Entry(EntryMsg::PrevOrigin))
            }
            KeyCode::Enter => Some(Msg::Entry(EntryMsg::Submit)),
            _ => to_input_request(event).map(|r| Msg::Entry(EntryMsg::Edit(r))),
        },
        OverlayKind::ChooseJob => match key.code {
            KeyCode::Esc => Some(Msg::CloseOverlay),
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => Some(Msg::Choose(ChooseMsg::Next)),
            KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                Some(Msg::Choose(ChooseMsg::Prev))
            }
            KeyCode::Enter => Some(Msg::Choose(ChooseMsg::Take)),
            _ => None,
        },
        OverlayKind::ConfirmTry | OverlayKind::ConfirmWithdraw => match key.code {
            KeyCode::Char('y') => Some(Msg::Yes),
            KeyCode::Char('n') | KeyCode::Esc => Some(Msg::CloseOverlay),
            _ => None,
        },
        OverlayKind::PhotoPath => match key.code {
            KeyCode::Esc => Some(Msg::Photo(PhotoMsg::Stop)),
            KeyCode::Enter => Some(Msg::Photo(PhotoMsg::Read)),
            _ => to_input_request(event).map(|r| Msg::Photo(PhotoMsg::PathEdit(r))),
        },
        OverlayKind::None => None,
    }
}

/// A key in the jobs view.
fn on_jobs_key(key: &KeyEvent, event: &Event) -> Option<Msg> {
    match key.code {
        KeyCode::Esc | KeyCode::F(2) => Some(Msg::HideJobs),
        KeyCode::Up => Some(Msg::Jobs(JobsMsg::Prev)),
        KeyCode::Down => Some(Msg::Jobs(JobsMsg::Next)),
        KeyCode::Enter => Some(Msg::OpenJob),
        KeyCode::F(4) => Some(Msg::WriteCard),
        KeyCode::Char('?') | KeyCode::F(1) => Some(Msg::ToggleHelp),
        _ => to_input_request(event).map(|r| Msg::Jobs(JobsMsg::Search(r))),
    }
}

/// A key in the chip dump view.
fn on_dump_key(key: &KeyEvent, event: &Event) -> Option<Msg> {
    match key.code {
        KeyCode::Esc | KeyCode::F(3) => Some(Msg::HideDump),
        KeyCode::Enter => Some(Msg::Dump(DumpMsg::Load)),
        KeyCode::Up => Some(Msg::Dump(DumpMsg::Scroll(-1))),
        KeyCode::Down => Some(Msg::Dump(DumpMsg::Scroll(1))),
        KeyCode::PageUp => Some(Msg::Dump(DumpMsg::Scroll(-16))),
        KeyCode::PageDown => Some(Msg::Dump(DumpMsg::Scroll(16))),
        KeyCode::F(1) => Some(Msg::ToggleHelp),
        _ => to_input_request(event).map(|r| Msg::Dump(DumpMsg::PathEdit(r))),
    }
}

/// The workbench's keys that work from any pane.
fn on_workbench_key(app: &App, key: &KeyEvent) -> Option<Msg> {
    match key.code {
        // A serial never holds '?', so it opens the help even in the input.
        KeyCode::Char('?') | KeyCode::F(1) => Some(Msg::ToggleHelp),
        KeyCode::F(2) => Some(Msg::ShowJobs),
        KeyCode::F(3) => Some(Msg::ShowDump),
        KeyCode::F(5) => Some(Msg::Photo(PhotoMsg::Ask)),
        // Esc never throws typed work away on one press: it clears the
        // serial, goes back to it from the other panes, and quits from an
        // empty serial.
        KeyCode::Esc => Some(match app.focus {
            Focus::Serial if !app.input.value().is_empty() => Msg::ClearSerial,
            Focus::Serial => Msg::Quit,
            _ => Msg::Focus(Focus::Serial),
        }),
        KeyCode::Char('/' | 's') if app.focus != Focus::Serial => Some(Msg::Focus(Focus::Serial)),
        KeyCode::Tab => Some(Msg::FocusNext),
        KeyCode::BackTab => Some(Msg::FocusPrev),
        _ => None,
    }
}

/// A key for the pane with the focus.
fn on_pane_key(app: &App, key: &KeyEvent, event: &Event) -> Option<Msg> {
    match app.focus {
        Focus::Brand => match key.code {
            KeyCode::Left | KeyCode::Char('h') => Some(Msg::BrandPrev),
            KeyCode::Right | KeyCode::Char('l') => Some(Msg::BrandNext),
            KeyCode::Char(c)
                if c.to_digit(10)
                    .is_some_and(|d| (1..=BRANDS.len() as u32).contains(&d)) =>
            {
                Some(Msg::SelectBrand(c as usize - '1' as usize))
            }
            KeyCode::Enter | KeyCode::Down => Some(Msg::Focus(Focus::Serial)),
            KeyCode::Char('J') => Some(Msg::ShowJobs),
            KeyCode::Char('q') => Some(Msg::Quit),
            _ => None,
        },
        Focus::Serial => match key.code {
            KeyCode::Enter | KeyCode::Down => Some(Msg::Focus(Focus::Decoder)),
            KeyCode::PageDown => Some(Msg::ScrollFindings(3)),
            KeyCode::PageUp => Some(Msg::ScrollFindings(-3)),
            KeyCode::Up => Some(Msg::Focus(Focus::Brand)),
            _ => to_input_request(event).map(Msg::Edit),
        },
        Focus::Decoder => match key.code {
            KeyCode::PageDown => Some(Msg::ScrollDecoder(6)),
            KeyCode::PageUp => Some(Msg::ScrollDecoder(-6)),
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::CandidatePrev),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::CandidateNext),
            KeyCode::Char('y') | KeyCode::Enter => Some(Msg::Copy),
            KeyCode::Char('a') => Some(Msg::RecordTry(TryOutcome::Accepted)),
            KeyCode::Char('r') => Some(Msg::RecordTry(TryOutcome::Refused)),
            KeyCode::Char('u') => Some(Msg::Withdraw),
            KeyCode::Char('d') => Some(Msg::WriteRequest),
            KeyCode::Char('c') => Some(Msg::EnterCode),
            KeyCode::Char('J') => Some(Msg::ShowJobs),
            KeyCode::Char('q') => Some(Msg::Quit),
            _ => None,
        },
        Focus::Keypad => on_keypad_key(app, key),
    }
}

fn on_keypad_key(app: &App, key: &KeyEvent) -> Option<Msg> {
    let practising = app
        .simulator
        .as_ref()
        .is_some_and(|s| s.mode == SimMode::Practice);
    match key.code {
        KeyCode::Char('p') => Some(Msg::ToggleMode),
        KeyCode::Char('q') => Some(Msg::Quit),
        KeyCode::Char('J') => Some(Msg::ShowJobs),
        KeyCode::Char('d') => Some(Msg::WriteRequest),
        KeyCode::Up => Some(Msg::CandidatePrev),
        KeyCode::Down => Some(Msg::CandidateNext),
        _ if !practising => match key.code {
            KeyCode::Right | KeyCode::Enter | KeyCode::Char('l') => Some(Msg::GuideNext),
            KeyCode::Left | KeyCode::Char('h') => Some(Msg::GuidePrev),
            KeyCode::Char('a') => Some(Msg::RecordTry(TryOutcome::Accepted)),
            KeyCode::Char('r') => Some(Msg::RecordTry(TryOutcome::Refused)),
            KeyCode::Char('u') => Some(Msg::Withdraw),
            KeyCode::Char('c') => Some(Msg::EnterCode),
            _ => None,
        },
        KeyCode::Char(c @ '1'..='6') => Some(Msg::RadioPress(Button::Preset(c as u8 - b'0'))),
        KeyCode::Char('o') => Some(Msg::RadioPress(Button::Ok)),
        KeyCode::Char('h') | KeyCode::Char(' ') => Some(Msg::ToggleHold),
        KeyCode::Char('f') => Some(Msg::FastForward(1)),
        KeyCode::Char('F') => Some(Msg::FastForward(10)),
        KeyCode::Char('b') => Some(Msg::BatteryDisconnected),
        KeyCode::Char('n') => Some(Msg::ResetRadio),
        _ => None,
    }
}
