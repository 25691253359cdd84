//! The bottom line: the keys that work in the current focus.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Theme, draw};
use crate::serial::Severity;
use crate::tui::keymap;
use crate::tui::keys::Scope;
use crate::tui::state::{App, View};

/// The keys that work now, from the one table of bindings: those of
/// what is open, or of the pane with the focus, then the workbench's.
pub fn keys(app: &App) -> String {
    let scopes = if app.overlay.is_open() {
        vec![keymap::overlay_scope(app.overlay.kind())]
    } else {
        match app.view {
            View::Jobs => vec![Scope::Jobs],
            View::Dump => vec![Scope::Dump],
            View::Workbench => {
                let mut scopes = keymap::workbench_scopes(app);
                scopes.rotate_left(1);
                scopes
            }
        }
    };
    crate::tui::keys::status_line(&scopes)
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
        // Cut: the help shows it whole.
        let text = if text.ends_with('…') {
            fit_words(notice, room.saturating_sub(16)) + " (? reads all)"
        } else {
            text
        };
        used += text.chars().count() + 3;
        spans.push(Span::styled(format!(" {text} "), theme.selected()));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        fit_keys(&keys(app), width.saturating_sub(used)),
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
