//! The job log, searched by serial or registration.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::serial::visible;
use super::{Theme, draw};
use crate::tui::state::App;

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let inner = draw::pane(
        frame.buffer_mut(),
        area,
        &Line::raw(" Jobs: type to search by serial or registration "),
        true,
        theme,
    );
    let [search, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
    let typed: String = app.jobs.search.value().chars().map(visible).collect();
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled("search: ", theme.dim()),
                Span::raw(typed),
            ]),
            Line::raw(""),
        ]),
        search,
    );
    if !app.overlay.is_open() {
        let x = search.x + 8 + app.jobs.search.visual_cursor() as u16;
        frame.set_cursor_position(Position::new(
            x.min(search.right().saturating_sub(1)),
            search.y,
        ));
    }
    let mut lines = Vec::new();
    if let Some(e) = &app.jobs.error {
        lines.push(Line::styled(
            format!("the job log cannot be read: {e}"),
            theme.severity(crate::serial::Severity::Error),
        ));
    } else if app.jobs.rows.is_empty() && app.jobs.searching {
        lines.push(Line::styled("searching the job log…", theme.dim()));
    } else if app.jobs.rows.is_empty() {
        let searched = app.jobs.search.value().trim();
        let text = if searched.is_empty() {
            "No jobs yet. In the decoder, a / r record that the radio accepted / refused the chosen code."
                .to_string()
        } else {
            format!(
                "No job matches '{}': search by serial or registration; Backspace widens it.",
                crate::serial::echo_text(searched, 30)
            )
        };
        lines.push(Line::styled(text, theme.dim()));
    }
    // Keep the selected job on screen.
    let height = list.height as usize;
    let first = app.jobs.selected.saturating_sub(height.saturating_sub(1));
    for (i, job) in app.jobs.rows.iter().enumerate().skip(first).take(height) {
        let text = job.summary_line();
        let style = if i == app.jobs.selected {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Paragraph::new(lines), list);
}
