//! The label photo read: the photo with the place the serial was read boxed
//! (the terminal's graphics where it has them, half-blocks elsewhere), and
//! the popup that asks for a photo's path.

use crate::tui::photo::PhotoAsk;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui_image::Image;

use super::serial::visible;
use super::{Theme, centered, draw};
use crate::tui::state::App;

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let Some(shown) = &app.photo.shown else {
        return;
    };
    let r = &shown.reading;
    let how = match (r.serial.as_deref(), r.source) {
        (Some(_), Some(source)) => {
            let sure = if r.sure { "sure" } else { "not sure" };
            format!(" Photo: {}, {sure} ", source.words())
        }
        _ => " Photo: no serial read ".to_string(),
    };
    let inner = draw::pane(frame.buffer_mut(), area, &Line::raw(how), false, theme);
    match &shown.drawn {
        Some((at, protocol)) if *at == inner => frame.render_widget(Image::new(protocol), inner),
        _ => draw::lines(
            frame.buffer_mut(),
            inner,
            &[Line::raw(
                crate::tui::ui::wrap(&shown.file, inner.width as usize).join(" "),
            )],
        ),
    }
}

/// F5: the path of the photo to read.
pub fn render_ask(ask: &PhotoAsk, theme: &Theme, area: Rect, frame: &mut Frame) {
    let path = &ask.path;
    let popup = centered(area, 70, 9);
    frame.render_widget(Clear, popup);
    let title = Line::raw(" Read a label photo (F5) ");
    let inner = draw::pane(frame.buffer_mut(), popup, &title, true, theme);
    let width = inner.width as usize;
    let scroll = path.visual_scroll(width.saturating_sub(1));
    let lines = vec![
        Line::raw("The photo's path (JPEG or PNG), or drop the file here:"),
        Line::styled(
            path.value()
                .chars()
                .skip(scroll)
                .map(visible)
                .collect::<String>(),
            theme.title(),
        ),
        Line::raw(""),
        match &ask.error {
            Some(e) => Line::styled(
                crate::finding::visible_text(e).into_owned(),
                theme.severity(crate::serial::Severity::Error),
            ),
            None => Line::styled(
                "Barcodes first, then the printed text. Enter reads · Esc closes",
                theme.dim(),
            ),
        },
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if inner.height > 1 {
        let x = path.visual_cursor().saturating_sub(scroll) as u16;
        frame.set_cursor_position(Position::new(inner.x + x.min(inner.width - 1), inner.y + 1));
    }
}
