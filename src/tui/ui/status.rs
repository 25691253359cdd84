//! The bottom line: the keys that work in the current focus.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Theme, draw};
use crate::serial::Severity;
use crate::tui::simulator::SimMode;
use crate::tui::state::{App, Focus, Overlay, View};

pub fn keys(app: &App) -> &'static str {
    match (app.overlay, app.view, app.focus) {
        (Overlay::Help, ..) => "Esc or ? close the help",
        (Overlay::JobForm, ..) => "Tab next field · Enter save · Esc cancel",
        (Overlay::CodeEntry, ..) => "the 4 digits · Tab where from · Enter put first · Esc cancel",
        (Overlay::ConfirmAccept, ..) => "y the radio accepted it · n or Esc no",
        (_, View::Jobs, _) => {
            "type to search · ↑/↓ choose · Enter open job · F4 write its card · Esc back"
        }
        (_, View::Dump, _) => "type the path · Enter read · ↑/↓ PgUp/PgDn scroll · Esc back",
        (_, _, Focus::Brand) => brand_keys(),
        (_, _, Focus::Serial) => {
            "type the label · Enter codes · Tab · F2 jobs · F3 dump · ? help · Esc quit"
        }
        (_, _, Focus::Keypad) => match app.simulator.as_ref().map(|s| s.mode) {
            Some(SimMode::Practice) => {
                "1-6/o press · h hold · f +1 min · F +10 · b battery · n new radio · p guide"
            }
            _ => "←/→ step · p practise · ↑/↓ code · a/r accepted/refused · Tab · ? help",
        },
        (_, _, Focus::Decoder) => {
            "↑/↓ code · y copy · a/r accepted/refused · F2 jobs · F3 dump · ? help · q quit"
        }
    }
}

/// The brand pane's keys: one number for each choice.
fn brand_keys() -> &'static str {
    static KEYS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        format!(
            "←/→ or {} brand · Enter serial · Tab next · F2 jobs · ? help · q quit",
            super::brand::number_keys()
        )
    })
}

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let mut spans = Vec::new();
    if app.session.offline.is_some() {
        let text = if app.pending_try.is_some() {
            " RECORDS OFFLINE: reconnecting; 1 try waiting to be written "
        } else {
            " RECORDS OFFLINE: reconnecting; the algorithms and public pairs answer "
        };
        spans.push(Span::styled(text, theme.severity(Severity::Error)));
        spans.push(Span::raw(" "));
    }
    if let Some(notice) = &app.notice {
        spans.push(Span::styled(format!(" {notice} "), theme.selected()));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(keys(app), theme.dim()));
    draw::lines(frame.buffer_mut(), area, &[Line::from(spans)]);
}
