//! The phone view: the page's QR code, dark on light with its quiet zone,
//! the address in full beneath it, and what the last photo gave.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::Clear;

use super::{Theme, centered, draw};
use crate::tui::state::App;

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let Some(link) = &app.phone else {
        return;
    };
    let qr = link.qr.lines();
    let url = link.url();
    let said = link
        .last
        .clone()
        .unwrap_or_else(|| "point the phone's camera here, then take the label's photo".into());
    let width = (qr.first().map_or(0, |l| l.chars().count()))
        .max(url.chars().count())
        .max(40)
        + 2;
    let height = qr.len() + 2 + 2;
    let popup = centered(area, width as u16, height as u16);
    frame.render_widget(Clear, popup);
    let title = Line::raw(" Phone: same network · Esc closes ");
    let inner = draw::pane(frame.buffer_mut(), popup, &title, true, theme);
    // Dark modules on a light ground, whatever the terminal's colours.
    let paper = Style::new().fg(Color::Black).bg(Color::White);
    let mut lines: Vec<Line> = qr
        .into_iter()
        .map(|l| {
            let pad = (inner.width as usize).saturating_sub(l.chars().count()) / 2;
            Line::from(vec![
                ratatui::text::Span::raw(" ".repeat(pad)),
                ratatui::text::Span::styled(l, paper),
            ])
        })
        .collect();
    lines.push(Line::styled(url.to_string(), theme.title()));
    lines.push(Line::styled(said, theme.dim()));
    draw::lines(frame.buffer_mut(), inner, &lines);
}
