//! Drawing straight into the frame's buffer, touching only the cells that show
//! something. A ratatui `Block` or `Paragraph` first styles every cell of its
//! area, even with the default style; the workbench's panes cover the whole
//! screen, so that alone cost more than the rest of a frame. The buffer is
//! blank at the start of each frame, so a cell left alone shows nothing.
//! What is drawn is the same, cell for cell, as the widgets would draw.

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Widget};

use super::Theme;

/// A pane's border and title, the focused pane standing out (thick border,
/// colour if allowed), as a bordered `Block` draws them; returns its inside.
pub fn pane(buf: &mut Buffer, area: Rect, title: &Line, focused: bool, theme: &Theme) -> Rect {
    let border = if focused {
        BorderType::Thick
    } else {
        BorderType::Plain
    };
    let inner = frame(buf, area, border, theme.border(focused));
    let area = area.intersection(buf.area);
    let room = area.width.saturating_sub(2);
    if room > 0 {
        let width = u16::try_from(title.width()).unwrap_or(u16::MAX).min(room);
        title.render(Rect::new(area.left() + 1, area.top(), width, 1), buf);
    }
    inner
}

/// A key of the keypad: a rounded frame with its label in the middle, in
/// one style (as a `Paragraph` centred in a rounded `Block` draws it).
pub fn key(buf: &mut Buffer, area: Rect, label: &str, style: Style) {
    let area = area.intersection(buf.area);
    let inner = frame(buf, area, BorderType::Rounded, style);
    if inner.is_empty() {
        return;
    }
    let width = u16::try_from(Line::raw(label).width()).unwrap_or(u16::MAX);
    let offset = (inner.width / 2).saturating_sub(width / 2);
    set_line(
        buf,
        inner.x + offset,
        inner.y,
        &Line::styled(label, style),
        inner.width - offset,
    );
}

/// A border all round `area`, as a bordered `Block` draws it; returns the inside.
fn frame(buf: &mut Buffer, area: Rect, border: BorderType, style: Style) -> Rect {
    let inner = Block::bordered().inner(area);
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return inner;
    }
    let set = border.to_border_set();
    let (left, top) = (area.left(), area.top());
    let (right, bottom) = (area.right() - 1, area.bottom() - 1);
    let mut put = |x, y, symbol| put(buf, x, y, symbol, style);
    for y in top..=bottom {
        put(left, y, set.vertical_left);
        put(right, y, set.vertical_right);
    }
    for x in left..=right {
        put(x, top, set.horizontal_top);
        put(x, bottom, set.horizontal_bottom);
    }
    for (x, y, symbol) in [
        (right, bottom, set.bottom_right),
        (right, top, set.top_right),
        (left, bottom, set.bottom_left),
        (left, top, set.top_left),
    ] {
        put(x, y, symbol);
    }
    inner
}

/// Lines from the top of `area`, one a row, each cut at the area's edge (as
/// an unwrapped, left-aligned `Paragraph` draws them); rows past the last
/// line are left alone.
pub fn lines(buf: &mut Buffer, area: Rect, lines: &[Line]) {
    let area = area.intersection(buf.area);
    for (line, y) in lines.iter().zip(area.top()..area.bottom()) {
        set_line(buf, area.x, y, line, area.width);
    }
}

/// Which rows of `total` lines a pane of `height` rows shows from `scroll`:
/// the first line shown, how many, and whether a "more above" and a "more
/// below" row are drawn (each takes a row of its own).
pub fn window(total: usize, height: usize, scroll: usize) -> (usize, usize, bool, bool) {
    if total <= height || height < 3 {
        return (0, total.min(height), false, false);
    }
    // At the last scroll every remaining line fits under the "above" row.
    let first = scroll.min(total - (height - 1));
    let above = first > 0;
    let room = height - usize::from(above);
    let below = first + room < total;
    let shown = room - usize::from(below);
    (first, shown, above, below)
}

/// Lines in a pane too short for them: the window from `scroll`, with a row
/// saying what is above or below and the keys that show it.
pub fn scrolled(buf: &mut Buffer, area: Rect, lines: &[Line], scroll: usize, dim: Style) {
    let (first, shown, above, below) = window(lines.len(), area.height as usize, scroll);
    let mut y = area.y;
    if above {
        let text = format!("↑ {first} more line{} above: PgUp", plural(first));
        set_line(buf, area.x, y, &Line::styled(text, dim), area.width);
        y += 1;
    }
    let body = Rect::new(area.x, y, area.width, shown as u16);
    self::lines(buf, body, &lines[first..first + shown]);
    if below {
        let rest = lines.len() - first - shown;
        let text = format!("↓ {rest} more line{} below: PgDn", plural(rest));
        set_line(
            buf,
            area.x,
            y + shown as u16,
            &Line::styled(text, dim),
            area.width,
        );
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The cell at (x, y), which the caller has checked is inside the buffer.
fn cell(buf: &mut Buffer, x: u16, y: u16) -> &mut Cell {
    let width = usize::from(buf.area.width);
    let i = usize::from(y - buf.area.y) * width + usize::from(x - buf.area.x);
    &mut buf.content[i]
}

fn put(buf: &mut Buffer, x: u16, y: u16, symbol: &str, style: Style) {
    cell(buf, x, y).set_symbol(symbol).set_style(style);
}

/// A character that is a grapheme of its own, one cell wide, and never joins
/// the next (ASCII, Latin, punctuation, arrows, box drawing, blocks, shapes,
/// check marks): text made only of these is drawn a character a cell without
/// the grapheme and width look-ups, which a test checks give the same cells.
fn single_cell(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{a1}'..='\u{ac}'
        | '\u{ae}'..='\u{2ff}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2190}'..='\u{21ff}'
        | '\u{2500}'..='\u{25fc}'
        | '\u{25ff}'
        | '\u{2713}'..='\u{2717}')
}

/// `Buffer::set_line`, with the common case made cheap.
fn set_line(buf: &mut Buffer, x: u16, y: u16, line: &Line, max_width: u16) {
    let right = x.saturating_add(max_width).min(buf.area.right());
    let mut x = x;
    for span in line {
        if x >= right {
            break;
        }
        let style = line.style.patch(span.style);
        let text = span.content.as_ref();
        if text.chars().all(single_cell) {
            for c in text.chars() {
                if x >= right {
                    break;
                }
                let cell = cell(buf, x, y);
                // A blank cell already shows a space: only its style changes.
                if c != ' ' || cell.symbol() != " " {
                    cell.set_char(c);
                }
                cell.set_style(style);
                x += 1;
            }
        } else {
            x = buf.set_stringn(x, y, text, usize::from(right - x), style).0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    /// Every character drawn the quick way lands as ratatui draws it,
    /// alone and beside every other kind of character.
    #[test]
    fn quick_text_is_drawn_as_ratatui_draws_it() {
        let quick: String = (0..=0x2800u32)
            .filter_map(char::from_u32)
            .filter(|c| single_cell(*c))
            .collect();
        let others = [
            "e\u{301}",
            "漢字",
            "\u{200b}",
            "👍🏽",
            "\u{1f1e9}\u{1f1ea}",
            "a\tb",
        ];
        let style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
        let chars: Vec<char> = quick.chars().collect();
        for piece in chars.chunks(97) {
            let text: String = piece.iter().collect();
            for other in others.iter().chain([&""]) {
                let line = Line::from(vec![
                    Span::styled(text.clone(), style),
                    Span::raw(*other),
                    Span::raw(text.clone()),
                ])
                .style(Style::new().bg(Color::Blue));
                for width in [0, 1, 50, 96, 97, 98, 200, 300] {
                    let area = Rect::new(2, 1, 260, 3);
                    let mut ours = Buffer::empty(area);
                    let mut theirs = Buffer::empty(area);
                    set_line(&mut ours, 3, 2, &line, width);
                    theirs.set_line(3, 2, &line, width);
                    assert_eq!(ours, theirs, "{text:?} + {other:?} in {width}");
                }
            }
        }
    }

    #[test]
    fn a_key_is_drawn_as_a_centred_paragraph_in_a_rounded_block() {
        use ratatui::layout::Alignment;
        use ratatui::widgets::Paragraph;
        let style = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        for area in [
            Rect::new(1, 1, 5, 3),
            Rect::new(0, 0, 6, 3),
            Rect::new(2, 0, 3, 3),
            Rect::new(2, 0, 2, 2),
            Rect::new(7, 2, 5, 3),
        ] {
            for label in ["1", "OK", "MENU", "漢字", "ENTER"] {
                for style in [Style::new(), style] {
                    let screen = Rect::new(0, 0, 10, 4);
                    let mut ours = Buffer::empty(screen);
                    let mut theirs = Buffer::empty(screen);
                    key(&mut ours, area, label, style);
                    let block = Block::bordered()
                        .border_type(BorderType::Rounded)
                        .border_style(style);
                    Paragraph::new(Line::styled(label, style))
                        .alignment(Alignment::Center)
                        .block(block)
                        .render(area, &mut theirs);
                    assert_eq!(ours, theirs, "{area:?} {label:?}");
                }
            }
        }
    }

    #[test]
    fn a_pane_is_framed_as_a_block_frames_it() {
        let theme = Theme::new(true);
        for area in [
            Rect::new(0, 0, 30, 6),
            Rect::new(3, 2, 1, 1),
            Rect::new(3, 2, 2, 5),
            Rect::new(0, 0, 40, 10),
            Rect::new(35, 8, 10, 5),
        ] {
            for focused in [false, true] {
                for title in [
                    " Decoder ",
                    " a title far longer than the pane is wide ",
                    "",
                ] {
                    let screen = Rect::new(0, 0, 40, 10);
                    let mut ours = Buffer::empty(screen);
                    let mut theirs = Buffer::empty(screen);
                    let inner = pane(&mut ours, area, &Line::raw(title), focused, &theme);
                    let block = Block::bordered()
                        .border_type(if focused {
                            BorderType::Thick
                        } else {
                            BorderType::Plain
                        })
                        .border_style(theme.border(focused))
                        .title(title);
                    assert_eq!(inner, block.inner(area));
                    block.render(area, &mut theirs);
                    assert_eq!(ours, theirs, "{area:?} {focused} {title:?}");
                }
            }
        }
    }
}
