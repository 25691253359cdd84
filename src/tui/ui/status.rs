//! The bottom line: the keys that work in the current focus.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Theme, draw};
use crate::serial::Severity;
use crate::tui::simulator::SimMode;
use crate::tui::state::{App, Focus, OverlayKind, View};

pub fn keys(app: &App) -> &'static str {
    match (app.overlay.kind(), app.view, app.focus) {
        (OverlayKind::Help, ..) => "Esc or ? close the help",
        (OverlayKind::JobForm, ..) => "Tab next field · Enter save · Esc cancel",
        (OverlayKind::CodeFromElsewhere, ..) => {
            "the 4 digits · Tab where from · Enter put first · Esc cancel"
        }
        (OverlayKind::ConfirmTry, ..) => "y yes, record it · n or Esc no, nothing is recorded",
        (OverlayKind::ChooseJob, ..) => "↑/↓ choose · Enter take it · Esc nothing is recorded",
        (OverlayKind::ConfirmWithdraw, ..) => "y withdraw it · n or Esc keep it",
        (OverlayKind::PhotoPath, ..) => "type or drop the photo's path · Enter read it · Esc close",
        (_, View::Jobs, _) => {
            "type to search · ↑/↓ choose · Enter open job · F4 write its card · Esc back"
        }
        (_, View::Dump, _) => "type the path · Enter read · ↑/↓ PgUp/PgDn scroll · Esc back",
        (_, _, Focus::Brand) => brand_keys(),
        (_, _, Focus::Serial) if app.input.value().is_empty() => {
            "type the label · F5 photo · Enter codes · F2 jobs · F3 dump · ? help · Esc quit"
        }
        (_, _, Focus::Serial) => {
            "type the label · F5 photo · Enter codes · F2 jobs · F3 dump · ? help · Esc clear"
        }
        (_, _, Focus::Keypad) => match app.simulator.as_ref().map(|s| s.mode) {
            Some(SimMode::Practice) => {
                "1-6/o press · h hold · f +1 min · F +10 · b battery · n new radio · p guide"
            }
            _ => "←/→ step · p practise · ↑/↓ code · a/r accepted/refused · / serial · ? help",
        },
        (_, _, Focus::Decoder) => {
            "↑/↓ code · y copy · a/r accepted/refused · c code · / serial · ? help · q quit"
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
    let width = area.width as usize;
    let mut spans = Vec::new();
    let mut used = 0;
    if app.session.offline().is_some() {
        let text = if app.pending.is_some() {
            " RECORDS OFFLINE: reconnecting; 1 try waiting to be written "
        } else if width >= 100 {
            " RECORDS OFFLINE: reconnecting; the algorithms and public pairs answer "
        } else {
            " RECORDS OFFLINE: reconnecting "
        };
        used += text.chars().count() + 1;
        spans.push(Span::styled(text, theme.severity(Severity::Error)));
        spans.push(Span::raw(" "));
    }
    if let Some(notice) = &app.notice {
        // A notice is what just happened: it goes first, cut at a word if it
        // must be, leaving room for the help key.
        let room = width.saturating_sub(used + 10);
        let text = fit_words(notice, room.saturating_sub(2));
        used += text.chars().count() + 3;
        spans.push(Span::styled(format!(" {text} "), theme.selected()));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        fit_keys(keys(app), width.saturating_sub(used)),
        theme.dim(),
    ));
    draw::lines(frame.buffer_mut(), area, &[Line::from(spans)]);
}

/// The keys that fit in `room` columns: whole entries from the left, never
/// a word cut in two; the help key stays when anything does.
pub fn fit_keys(keys: &str, room: usize) -> String {
    if keys.chars().count() <= room {
        return keys.to_string();
    }
    let entries: Vec<&str> = keys.split(" · ").collect();
    let help = entries.iter().find(|e| e.contains("help")).copied();
    let mut kept: Vec<&str> = Vec::new();
    for e in &entries {
        if Some(*e) == help {
            continue;
        }
        let mut trial = kept.clone();
        trial.push(e);
        trial.extend(help);
        if trial.join(" · ").chars().count() > room {
            break;
        }
        kept.push(e);
    }
    kept.extend(help);
    let text = kept.join(" · ");
    if text.chars().count() <= room {
        text
    } else {
        String::new()
    }
}

/// `text` in at most `room` columns, cut after a whole word with "…".
fn fit_words(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split(' ') {
        let next = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if next.chars().count() + 1 > room {
            break;
        }
        out = next;
    }
    format!("{out}…")
}
