//! The serial input, each flagged character marked where it was typed, and
//! the findings beneath it.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, draw, wrap};
use crate::serial::{FindingKind, Severity};
use crate::tui::state::{App, Focus};

/// A character as it may be put on the screen: control characters become
/// their visible "control picture" so nothing raw reaches the terminal.
pub fn visible(c: char) -> char {
    match c {
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        c if c.is_control() => '\u{fffd}',
        c => c,
    }
}

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let focused = app.focus == Focus::Serial;
    let title = if let Some((file, step)) = app.photo.reading() {
        format!(" Serial: {} {file}… (Esc stops) ", step.words())
    } else if let Some(origin) = app.serial_origin {
        format!(" Serial: {} ", origin.words())
    } else {
        match app.brand() {
            Some(f) => format!(" Serial ({}: {}) ", f.name(), f.shape()),
            None => " Serial (type what the label says, F5 reads a photo) ".to_string(),
        }
    };
    let inner = draw::pane(frame.buffer_mut(), area, &Line::raw(title), focused, theme);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let width = inner.width as usize;
    let scroll = app.input.visual_scroll(width.saturating_sub(1));
    let computed;
    let typed = match app.prepared.typed() {
        Some(lines) => lines,
        None => {
            computed = typed_lines(app, theme);
            &computed
        }
    };
    let rows = Rect::new(inner.x, inner.y, inner.width, inner.height.min(2));
    if scroll == 0 && typed[0].width() <= width {
        draw::lines(frame.buffer_mut(), rows, typed);
    } else {
        let [typed, marks] = typed;
        // Wider than the pane: the paragraph cuts the text at the scroll
        // and stops at the first character that does not fit.
        let row = |y: u16| Rect::new(inner.x, inner.y + y, inner.width, 1);
        let offset = (0, scroll as u16);
        frame.render_widget(Paragraph::new(typed.clone()).scroll(offset), row(0));
        if inner.height > 1 {
            frame.render_widget(Paragraph::new(marks.clone()).scroll(offset), row(1));
        }
    }
    let below = Rect::new(
        inner.x,
        inner.y + 2,
        inner.width,
        inner.height.saturating_sub(2),
    );
    let scroll = app.findings_scroll;
    match app.prepared.serial(inner.width) {
        Some(lines) => draw::scrolled(frame.buffer_mut(), below, lines, scroll, theme.dim()),
        None => draw::scrolled(
            frame.buffer_mut(),
            below,
            &findings_lines(app, theme, width),
            scroll,
            theme.dim(),
        ),
    }
    if focused && !app.overlay.is_open() && app.view == crate::tui::state::View::Workbench {
        let cursor = app.input.visual_cursor().saturating_sub(scroll);
        let x = inner.x + (cursor as u16).min(inner.width.saturating_sub(1));
        frame.set_cursor_position(Position::new(x, inner.y));
    }
}

/// The text as typed, each flagged character in its finding's style, and the
/// marks under it (^ an error, ~ a warning).
pub(super) fn typed_lines(app: &App, theme: &Theme) -> [Line<'static>; 2] {
    let flagged = app
        .outcome
        .as_ref()
        .map(|o| o.diagnosis.flagged_positions())
        .unwrap_or_default();
    let severity_at = |i: usize| flagged.iter().find(|(p, _)| *p == i).map(|(_, s)| *s);

    let mut typed = Vec::new();
    let mut marks = Vec::new();
    for (i, c) in app.input.value().chars().enumerate() {
        let shown = visible(c).to_string();
        match severity_at(i) {
            Some(s) => {
                typed.push(Span::styled(shown, theme.severity(s)));
                let mark = if s == Severity::Error { "^" } else { "~" };
                marks.push(Span::styled(mark, theme.severity(s)));
            }
            None => {
                typed.push(Span::raw(shown));
                marks.push(Span::raw(" "));
            }
        }
    }
    [Line::from(typed), Line::from(marks)]
}

/// The findings, worst first, then the serial as read when it was corrected.
pub(super) fn findings_lines<'a>(app: &App, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let Some(o) = &app.outcome else {
        return vec![Line::styled(
            "e.g. BP5384 6 4182965, J727, BE4739 12345678, M123456",
            theme.dim(),
        )];
    };
    let mut lines = Vec::new();
    let d = &o.diagnosis;
    let corrected = d.findings.iter().any(|f| {
        matches!(
            f.kind,
            FindingKind::LetterForDigit
                | FindingKind::DigitForLetter
                | FindingKind::PrefixRemoved
                | FindingKind::PrefixRewritten
                | FindingKind::AzertyNumberRow
        )
    });
    if let (true, Some(serial)) = (corrected, &d.serial) {
        lines.push(Line::from(vec![
            Span::styled("read as ", theme.dim()),
            Span::styled(serial.clone(), theme.title()),
        ]));
    }
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        for f in o.findings(sev) {
            // The decoder pane tells the no-code story in full.
            if matches!(
                f.kind,
                FindingKind::NoPublicAlgorithm | FindingKind::NoCodeDefined
            ) {
                continue;
            }
            headed(
                &mut lines,
                &format!("{:<8}", sev.label()),
                &f.message,
                sev,
                theme,
                width,
            );
        }
    }
    // A serial read off a photo: what the reading said of it, and whether
    // it is sure.
    photo_lines(&mut lines, app, theme, width);
    if lines.is_empty() && d.serial.is_some() {
        lines.push(Line::styled(
            "a valid serial: nothing looks misread",
            theme.dim(),
        ));
    }
    lines
}

/// `message` wrapped beside an 8-column `head`, in the finding's colour.
fn headed<'a>(
    lines: &mut Vec<Line<'a>>,
    head: &str,
    message: &str,
    sev: Severity,
    theme: &Theme,
    width: usize,
) {
    for (i, text) in wrap(message, width.saturating_sub(8))
        .into_iter()
        .enumerate()
    {
        let head = if i == 0 {
            head.to_string()
        } else {
            " ".repeat(8)
        };
        lines.push(Line::from(vec![
            Span::styled(head, theme.severity(sev)),
            Span::raw(text),
        ]));
    }
}

/// What reading the label photo said of the serial it put in the field.
fn photo_lines<'a>(lines: &mut Vec<Line<'a>>, app: &App, theme: &Theme, width: usize) {
    let Some(r) = (match (app.serial_origin, &app.photo.shown) {
        (Some(crate::tui::photo::SerialOrigin::Photo(_)), Some(shown)) => Some(&shown.reading),
        _ => None,
    }) else {
        return;
    };
    for f in &r.findings {
        headed(lines, "photo   ", &f.message, f.severity, theme, width);
    }
    if !r.sure {
        let text = "not sure: check the serial on the label before trying a code";
        headed(lines, "photo   ", text, Severity::Warning, theme, width);
    }
}
