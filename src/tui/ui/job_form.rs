//! The form that starts a job before its first try is logged.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, centered, draw};
use crate::tui::job_form::{Field, JobForm};

pub fn render(form: &JobForm, theme: &Theme, area: Rect, frame: &mut Frame) {
    let popup = centered(area, 64, 11);
    frame.render_widget(Clear, popup);
    let title = format!(" Log {} {} on a new job ", form.code, form.outcome.id());
    let inner = draw::pane(frame.buffer_mut(), popup, &Line::raw(title), true, theme);
    // Each field an input box, as wide as the form allows.
    let width = (inner.width as usize).saturating_sub(22).max(8);
    let field = |label: &str, value: &str, active: bool| {
        Line::from(vec![
            Span::styled(
                format!("{label:<20}"),
                if active { theme.title() } else { theme.dim() },
            ),
            Span::styled(
                super::entry::boxed(value, width),
                if active { theme.title() } else { theme.dim() },
            ),
        ])
    };
    let mut lines = vec![
        field(
            "Registration / VIN",
            form.vehicle.value(),
            form.field == Field::Vehicle,
        ),
        field(
            "Proof of ownership",
            form.proof.value(),
            form.field == Field::Proof,
        ),
        field(
            "Notes (optional)",
            form.notes.value(),
            form.field == Field::Notes,
        ),
        Line::raw(""),
        Line::styled("Tab next field · Enter save · Esc cancel", theme.dim()),
    ];
    if let Some(e) = &form.error {
        lines.push(Line::styled(
            e.clone(),
            theme.severity(crate::serial::Severity::Error),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    let input = form.active();
    let x = inner.x + 21 + input.visual_cursor() as u16;
    if inner.height > 1 {
        frame.set_cursor_position(Position::new(
            x.min(inner.right().saturating_sub(1)),
            inner.y + form.field.row() as u16,
        ));
    }
}
