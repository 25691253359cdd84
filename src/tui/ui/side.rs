//! The label diagram: where the serial is on the case, and what is not it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::{Theme, draw};
use crate::tui::state::App;

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let family = app.shown_family();
    let title = match family {
        Some(f) => format!(" Label: {f} "),
        None => " Label ".to_string(),
    };
    let inner = draw::pane(frame.buffer_mut(), area, &Line::raw(title), false, theme);
    let lines: Vec<Line> = crate::family::label_diagram(family)
        .lines()
        .map(Line::raw)
        .collect();
    draw::lines(frame.buffer_mut(), inner, &lines);
}
