//! Terminal events to [`Msg`]s: keys through the one table of bindings
//! ([`super::keys`]), for what is open and the pane with the focus.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use tui_input::backend::crossterm::to_input_request;

use super::dump_view::DumpMsg;
use super::entry::EntryMsg;
use super::job_form::FormMsg;
use super::jobs::JobsMsg;
use super::keys::{self, Scope};
use super::photo::PhotoMsg;
use super::simulator::SimMode;
use super::state::{App, Focus, Msg, OverlayKind, View};
use super::ui;

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
    if let Some(msg) = keys::lookup(app, &[Scope::Always], key) {
        return Some(msg);
    }
    if app.overlay.is_open() {
        let kind = app.overlay.kind();
        return keys::lookup(app, &[overlay_scope(kind)], key)
            .or_else(|| overlay_edit(kind, key, event));
    }
    // A photo being read: Esc stops it, before anything else Esc does.
    if app.photo.reading().is_some()
        && let Some(msg) = keys::lookup(app, &[Scope::Reading], key)
    {
        return Some(msg);
    }
    match app.view {
        View::Jobs => keys::lookup(app, &[Scope::Jobs], key)
            .or_else(|| to_input_request(event).map(|r| Msg::Jobs(JobsMsg::Search(r)))),
        View::Dump => keys::lookup(app, &[Scope::Dump], key)
            .or_else(|| to_input_request(event).map(|r| Msg::Dump(DumpMsg::PathEdit(r)))),
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
        View::Workbench => keys::lookup(app, &workbench_scopes(app), key).or_else(|| {
            (app.focus == Focus::Serial)
                .then(|| to_input_request(event).map(Msg::Edit))
                .flatten()
        }),
    }
}

/// The scopes whose keys work on the workbench now, first first.
pub fn workbench_scopes(app: &App) -> Vec<Scope> {
    let mut scopes = vec![Scope::Workbench];
    match app.focus {
        Focus::Brand => scopes.push(Scope::Brand),
        Focus::Serial => scopes.push(Scope::Serial),
        Focus::Decoder => scopes.push(Scope::Decoder),
        Focus::Keypad => {
            scopes.push(Scope::Keypad);
            scopes.push(match app.simulator.as_ref().map(|s| s.mode) {
                Some(SimMode::Practice) => Scope::Practice,
                _ => Scope::Guide,
            });
        }
    }
    scopes
}

/// The scope of the keys of what is open.
pub fn overlay_scope(kind: OverlayKind) -> Scope {
    match kind {
        OverlayKind::Help | OverlayKind::None => Scope::Help,
        OverlayKind::JobForm => Scope::JobForm,
        OverlayKind::CodeFromElsewhere => Scope::CodeForm,
        OverlayKind::ConfirmTry | OverlayKind::ConfirmWithdraw => Scope::Question,
        OverlayKind::ChooseJob => Scope::ChooseJob,
        OverlayKind::PhotoPath => Scope::PhotoPath,
        OverlayKind::Phone => Scope::Phone,
    }
}

/// A key no binding of an open form takes: an edit of its field.
fn overlay_edit(kind: OverlayKind, key: &KeyEvent, event: &Event) -> Option<Msg> {
    match kind {
        OverlayKind::JobForm => to_input_request(event).map(|r| Msg::Form(FormMsg::Edit(r))),
        OverlayKind::CodeFromElsewhere => {
            to_input_request(event).map(|r| Msg::Entry(EntryMsg::Edit(r)))
        }
        OverlayKind::PhotoPath => {
            to_input_request(event).map(|r| Msg::Photo(PhotoMsg::PathEdit(r)))
        }
        OverlayKind::Help => match key.code {
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::ScrollHelp(1)),
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::ScrollHelp(-1)),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(Msg::ScrollHelp(10)),
            KeyCode::PageUp => Some(Msg::ScrollHelp(-10)),
            _ => None,
        },
        _ => None,
    }
}
