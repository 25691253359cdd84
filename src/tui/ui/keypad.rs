//! The keypad panel: the unit's display and buttons, the guide's current step
//! or the practice radio, and the try plan.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, pane, wrap};
use crate::keypad::{Button, RadioState};
use crate::serial::Severity;
use crate::tui::app::{App, Focus};
use crate::tui::simulator::{SimMode, Simulator};

const BUTTON_ROW: u16 = 3;

/// The panel's buttons and their x offset inside the pane.
fn buttons(sim: &Simulator) -> Vec<(u16, Button)> {
    let mut out: Vec<(u16, Button)> = (1..=6)
        .map(|n| (1 + 3 * (u16::from(n) - 1), Button::Preset(n)))
        .collect();
    if sim.profile.confirm.button == "OK" {
        out.push((20, Button::Ok));
    }
    out
}

fn label(b: Button) -> String {
    format!("[{}]", b.label())
}

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let Some(sim) = &app.simulator else { return };
    let mode = match sim.mode {
        SimMode::Guide => format!("guide {}/{}", sim.step + 1, sim.steps.len()),
        SimMode::Practice => "practice".to_string(),
    };
    let block = pane(
        format!(" Keypad · {} · {mode} ", sim.code),
        app.focus == Focus::Keypad,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 10 || inner.height < 2 {
        return;
    }
    let width = inner.width as usize;
    let display = match sim.mode {
        SimMode::Guide => sim
            .steps
            .get(sim.step)
            .map(|s| s.display.clone())
            .unwrap_or_default(),
        SimMode::Practice => sim.radio.display(),
    };
    let side = |text: String| Span::styled(format!("  {text}"), theme.dim());
    let mut lines = vec![
        Line::from(vec![Span::raw(" ╔══════╗"), side(sim.profile.name.clone())]),
        Line::from(vec![
            Span::raw(" ║ "),
            Span::styled(display, theme.code()),
            Span::raw(" ║"),
            side(format!(
                "confirm: {} {}",
                match sim.confirm_is_hold() {
                    true => "hold",
                    false => "press",
                },
                sim.profile.confirm.button
            )),
        ]),
        Line::from(vec![
            Span::raw(" ╚══════╝"),
            side(match sim.mode {
                SimMode::Practice => format!("wrong codes: {}", sim.radio.wrong()),
                SimMode::Guide => "p: practise first".to_string(),
            }),
        ]),
    ];
    let lit = match sim.mode {
        SimMode::Guide => sim.guide_button(),
        SimMode::Practice => sim.held,
    };
    let mut row = vec![Span::raw(" ")];
    let mut x = 1u16;
    for (at, b) in buttons(sim) {
        if at > x {
            row.push(Span::raw(" ".repeat(usize::from(at - x))));
        }
        let style = if lit == Some(b) {
            theme.selected().patch(theme.title())
        } else {
            Style::new()
        };
        let text = label(b);
        x = at + text.len() as u16;
        row.push(Span::styled(text, style));
    }
    lines.push(Line::from(row));
    let warn = theme.severity(Severity::Warning);
    let say = |lines: &mut Vec<Line<'_>>, text: &str, style: Style| {
        for piece in wrap(text, width.saturating_sub(1)) {
            lines.push(Line::styled(format!(" {piece}"), style));
        }
    };
    let planned = sim.plan.iter().find(|p| p.code == sim.code);
    match sim.mode {
        SimMode::Guide => {
            if let Some(step) = sim.steps.get(sim.step) {
                say(&mut lines, &step.text, Style::new());
            }
            // The confirm step spends a try: say what a refusal costs first.
            if sim.step + 1 == sim.steps.len()
                && let Some(w) = planned.and_then(|p| p.warning.as_deref())
            {
                say(&mut lines, &format!("Before you confirm: {w}"), warn);
            }
        }
        SimMode::Practice => {
            if let Some((b, held, needed)) = sim.radio.hold_progress() {
                let cells = 10usize;
                let filled = (held * cells as u64 / needed.max(1)) as usize;
                lines.push(Line::from(vec![
                    Span::raw(format!(" hold {} ", b.label())),
                    Span::styled("█".repeat(filled), theme.code()),
                    Span::styled("░".repeat(cells - filled), theme.dim()),
                    Span::raw(format!(" {}/{} s", held / 1000, needed / 1000)),
                ]));
            }
            say(&mut lines, &sim.radio.message(), warn);
            if sim.radio.wrong() > 0 && sim.radio.state() != RadioState::Unlocked {
                say(
                    &mut lines,
                    "A code you trust refused? The radio may have been swapped or re-coded.",
                    theme.dim(),
                );
            }
        }
    }
    if planned.is_none() {
        say(
            &mut lines,
            &format!("{} was already refused by this radio", sim.code),
            theme.severity(Severity::Error),
        );
    }
    let wrong_so_far = match sim.mode {
        SimMode::Guide => planned.map_or(sim.already_refused, |p| p.try_number - 1),
        SimMode::Practice => sim.radio.wrong(),
    };
    if let Some(text) = sim.profile.refusals_left_text(wrong_so_far) {
        say(&mut lines, &text, theme.title());
    }
    if sim.plan.len() > 1 {
        let order: Vec<String> = sim
            .plan
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{}. {}", i + 1, p.code))
            .collect();
        say(
            &mut lines,
            &format!("try order: {}", order.join("  ")),
            theme.title(),
        );
    }
    let lock = match sim.profile.hard_limit() {
        Some(n) => format!("locked for good after {n} wrong codes"),
        None => "no permanent lock reported".to_string(),
    };
    let borrowed = if sim.profile.lockout.borrowed {
        " (rule borrowed from another unit)"
    } else {
        ""
    };
    say(&mut lines, &format!("{lock}{borrowed}"), theme.dim());
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The keypad button under a click, if any.
pub fn hit(app: &App, area: Rect, x: u16, y: u16) -> Option<Button> {
    let sim = app.simulator.as_ref()?;
    if y != area.y + 1 + BUTTON_ROW {
        return None;
    }
    let inner_x = area.x + 1;
    buttons(sim)
        .into_iter()
        .find(|(at, b)| x >= inner_x + at && x < inner_x + at + label(*b).len() as u16)
        .map(|(_, b)| b)
}
