//! The bottom line: the keys that work in the current focus.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::tui::app::{App, Focus};

pub fn keys(focus: Focus) -> &'static str {
    match focus {
        Focus::Brand => "←/→ or 1-5 brand · Enter serial · Tab next pane · ? help · q quit",
        Focus::Serial => {
            "type the label · Enter codes · Ctrl-U clear · Tab next pane · ? help · Esc quit"
        }
        Focus::Decoder => "↑/↓ choose code · y copy · Tab next pane · ? help · q quit",
    }
}

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let mut spans = Vec::new();
    if let Some(notice) = &app.notice {
        spans.push(Span::styled(format!(" {notice} "), theme.selected()));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(keys(app.focus), theme.dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
