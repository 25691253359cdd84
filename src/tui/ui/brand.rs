//! The brand selector along the top.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Theme, draw};
use crate::tui::state::{App, BRANDS, Focus, brand_name};

/// Each tab's label and its x offset inside the pane.
fn tabs() -> impl Iterator<Item = (u16, String)> {
    let mut x = 1u16;
    BRANDS.iter().enumerate().map(move |(i, b)| {
        let label = format!(" {} {} ", i + 1, brand_name(*b));
        let at = x;
        x += label.len() as u16 + 1;
        (at, label)
    })
}

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let focused = app.focus == Focus::Brand;
    let inner = draw::pane(
        frame.buffer_mut(),
        area,
        &Line::raw(" radiocode · brand "),
        focused,
        theme,
    );
    match app.prepared.brand() {
        Some(line) => draw::lines(frame.buffer_mut(), inner, std::slice::from_ref(line)),
        None => draw::lines(frame.buffer_mut(), inner, &[line(app, theme)]),
    }
}

/// The tabs, the chosen one marked.
pub(super) fn line(app: &App, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, (_, label)) in tabs().enumerate() {
        let style = if i == app.brand {
            theme.selected().patch(theme.title())
        } else {
            theme.dim()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

/// The brand under a click at `x`, if any.
pub fn hit(area: Rect, x: u16, _y: u16) -> Option<usize> {
    let inner_x = area.x + 1;
    tabs()
        .enumerate()
        .find(|(_, (at, label))| {
            let start = inner_x + at;
            x >= start && x < start + label.len() as u16
        })
        .map(|(i, _)| i)
}
