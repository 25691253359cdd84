//! The chip dump pane: a file read, its state, the codes its layouts give,
//! and the hex view with the code's bytes picked out.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::serial::visible;
use super::{Theme, draw, wrap};
use crate::serial::Severity;
use crate::tui::state::App;

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let inner = draw::pane(
        frame.buffer_mut(),
        area,
        &Line::raw(" Chip dump: type or paste the file's path, Enter reads it "),
        true,
        theme,
    );
    let info = match app.prepared.dump(inner.width) {
        Some(lines) => lines.to_vec(),
        None => info_lines(app, theme, inner.width),
    };
    let info_height = (info.len() as u16 + 1).min(inner.height / 2).max(2);
    let [top, hex] =
        Layout::vertical([Constraint::Length(info_height), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(info), top);
    if !app.overlay.is_open() {
        let x = top.x + 6 + app.dump.path.visual_cursor() as u16;
        frame.set_cursor_position(Position::new(x.min(top.right().saturating_sub(1)), top.y));
    }
    let Some(r) = &app.dump.reading else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "A raw .bin or an Intel HEX file from the programmer (CH341A, Carprog, Xprog). \
                 Its codes join the decoder's list for the serial on the workbench.",
                theme.dim(),
            ))
            .wrap(ratatui::widgets::Wrap { trim: true }),
            hex,
        );
        return;
    };
    let bytes = &r.dump.bytes;
    let rows = bytes.len().div_ceil(16);
    let mut lines = Vec::new();
    for row in (app.dump.scroll..rows).take(hex.height as usize) {
        let start = row * 16;
        let chunk = &bytes[start..(start + 16).min(bytes.len())];
        let mut spans = vec![Span::styled(format!("{start:04X} "), theme.dim())];
        for (i, b) in chunk.iter().enumerate() {
            let style = if r.read.marked.contains(&(start + i)) {
                theme.code().patch(theme.selected())
            } else {
                Style::new()
            };
            spans.push(Span::raw(if i == 8 { "  " } else { " " }));
            spans.push(Span::styled(format!("{b:02X}"), style));
        }
        spans.push(Span::styled(
            format!("  |{}|", crate::dump::ascii(chunk)),
            theme.dim(),
        ));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), hex);
}

/// The path typed, then what the file is and the codes its layouts give,
/// wrapped to an inner width.
pub(super) fn info_lines(app: &App, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let width = width as usize;
    let mut info: Vec<Line> = Vec::new();
    let typed: String = app.dump.path.value().chars().map(visible).collect();
    info.push(Line::from(vec![
        Span::styled("file: ", theme.dim()),
        Span::raw(typed),
    ]));
    if let Some(e) = &app.dump.error {
        for l in wrap(e, width) {
            info.push(Line::styled(l, theme.severity(Severity::Error)));
        }
    }
    if let Some(r) = &app.dump.reading {
        let d = &r.dump;
        info.push(Line::raw(format!(
            "{} · {} · {} · sha256 {}",
            d.size_text(),
            if d.intel_hex { "Intel HEX" } else { "raw" },
            d.state().id(),
            crate::dump::short(&d.sha256)
        )));
        if let Some(m) = &r.model {
            info.push(Line::raw(format!(
                "unit {m} (from the serial on the workbench)"
            )));
        }
        for c in &r.read.candidates {
            let text = format!(
                "{}  {} · layout {} at {}: {}",
                c.code,
                c.confidence,
                c.layout,
                c.spot(),
                c.note
            );
            for (i, l) in wrap(&text, width).into_iter().enumerate() {
                info.push(if i == 0 {
                    Line::styled(l, theme.code())
                } else {
                    Line::raw(l)
                });
            }
        }
        for n in &r.read.notes {
            for l in wrap(n, width) {
                info.push(Line::styled(l, theme.dim()));
            }
        }
    }
    info
}
