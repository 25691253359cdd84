//! The questions of a visit: which job a try goes on, the try itself
//! (naming the job's vehicle and what follows), and a withdrawal.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, centered, draw};
use crate::serial::Severity;
use crate::tui::visit::{ChooseJob, ConfirmTry, ConfirmWithdraw};

/// A popup of `lines` under `title`, as tall as it needs within `area`.
fn popup(title: &str, lines: Vec<Line<'static>>, theme: &Theme, area: Rect, frame: &mut Frame) {
    let width = 66.min(area.width);
    let inner_width = width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_width))
        .sum();
    let popup = centered(area, width, (rows as u16).saturating_add(2));
    frame.render_widget(Clear, popup);
    let title = Line::raw(format!(" {title} "));
    let inner = draw::pane(frame.buffer_mut(), popup, &title, true, theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub fn render_confirm(c: &ConfirmTry, theme: &Theme, area: Rect, frame: &mut Frame) {
    let mut lines = vec![Line::styled(c.question(), theme.title())];
    for f in &c.follows {
        lines.push(Line::raw(f.clone()));
    }
    if c.once
        && let Some(why) = &c.contradicts
    {
        lines.push(Line::raw(""));
        lines.push(Line::styled(why.clone(), theme.severity(Severity::Error)));
        lines.push(Line::styled(
            "Asked twice. y records it all the same · n or Esc no",
            theme.dim(),
        ));
    } else {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "y yes, record it · n or Esc no, nothing is recorded",
            theme.dim(),
        ));
    }
    let title = match c.tried.outcome {
        crate::store::TryOutcome::Accepted => "The radio accepted it?",
        crate::store::TryOutcome::Refused => "The radio refused it?",
    };
    popup(title, lines, theme, area, frame);
}

pub fn render_choose(c: &ChooseJob, theme: &Theme, area: Rect, frame: &mut Frame) {
    let mut lines = vec![Line::styled(
        format!(
            "{} {}: this serial has jobs on file. Which job is it for?",
            c.tried.code,
            c.tried.outcome.id()
        ),
        theme.title(),
    )];
    for (i, text) in c.lines().into_iter().enumerate() {
        let marker = if i == c.selected { "▶ " } else { "  " };
        let style = if i == c.selected {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(format!("{marker}{text}"), style));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "↑/↓ choose · Enter take it · Esc nothing is recorded",
        theme.dim(),
    ));
    popup("Which job?", lines, theme, area, frame);
}

pub fn render_withdraw(w: &ConfirmWithdraw, theme: &Theme, area: Rect, frame: &mut Frame) {
    let lines = vec![
        Line::styled(
            format!(
                "Job {} ({}): withdraw the refusal of {} recorded at {}?",
                w.job,
                crate::serial::echo_text(&w.vehicle, 24),
                w.code,
                w.at
            ),
            theme.title(),
        ),
        Line::raw(
            "Only for a try recorded by mistake. It stays in the log, marked withdrawn; the \
             waits, the try plan, the card and any suspicion leave it out.",
        ),
        Line::raw(""),
        Line::styled("y withdraw it · n or Esc keep it", theme.dim()),
    ];
    popup("Withdraw a refusal?", lines, theme, area, frame);
}
