//! The code from elsewhere: its four digits and where they came from.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::serial::visible;
use super::{Theme, centered, draw};
use crate::serial::Severity;
use crate::tui::entry::{CodeFromElsewhere, ORIGINS};

/// An input box: the text, in brackets, padded to `width`.
pub(super) fn boxed(value: &str, width: usize) -> String {
    let shown: String = value.chars().map(visible).collect();
    format!("[{shown:<width$}]")
}

pub fn render_code(entry: &CodeFromElsewhere, theme: &Theme, area: Rect, frame: &mut Frame) {
    let popup = centered(area, 64, 10);
    frame.render_widget(Clear, popup);
    let title = Line::raw(" A code from elsewhere ");
    let inner = draw::pane(frame.buffer_mut(), popup, &title, true, theme);
    let origins: Vec<Span> = ORIGINS
        .iter()
        .enumerate()
        .flat_map(|(i, o)| {
            let style = if i == entry.origin {
                theme.selected()
            } else {
                theme.dim()
            };
            [Span::styled(format!(" {o} "), style), Span::raw(" ")]
        })
        .collect();
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Code  ", theme.title()),
            Span::raw(boxed(entry.code.value(), 4)),
        ]),
        Line::styled("From", theme.title()),
        Line::from(origins),
        Line::raw(""),
        Line::styled(
            "Enter puts it first · Tab/←/→ where it came from · Esc cancel",
            theme.dim(),
        ),
    ];
    if let Some(e) = &entry.error {
        lines.push(Line::styled(e.clone(), theme.severity(Severity::Error)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    let x = inner.x + 7 + entry.code.visual_cursor() as u16;
    if inner.height > 0 {
        frame.set_cursor_position(Position::new(
            x.min(inner.right().saturating_sub(1)),
            inner.y,
        ));
    }
}
