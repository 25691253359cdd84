//! Drawing the workbench from an immutable [`App`]: no state changes here.

mod brand;
mod decoder;
mod draw;
mod dump;
mod entry;
mod help;
mod job_form;
mod jobs;
mod keypad;
mod phone;
mod photo;
mod serial;
mod side;
mod status;
mod visit;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::prepared::{PaneText, Prepared};
use super::state::{App, Focus, Msg, Overlay, View};
use crate::serial::Severity;

/// Below this the workbench shows a note instead of its panes: every pane
/// and every line of the status needs it.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// The decoder keeps at least this many rows when the serial pane grows.
const DECODER_MIN_HEIGHT: u16 = 10;
/// The side pane (label diagram) needs this much width beside the decoder.
const SIDE_WIDTH: u16 = 34;
const SIDE_FROM_WIDTH: u16 = 76;

/// Where each pane goes for a given terminal area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub brand: Rect,
    pub serial: Rect,
    pub decoder: Rect,
    /// The label diagram.
    pub label: Option<Rect>,
    /// The label photo read, in the label diagram's place or under the decoder.
    pub photo: Option<Rect>,
    /// The keypad simulator, when there is a code to enter.
    pub keypad: Option<Rect>,
    /// The keypad drawn large (front panel, every step, the timeline).
    pub large_keypad: bool,
    pub status: Rect,
}

/// From this size the keypad panel is drawn large, to be read from a step
/// back with the radio in hand.
pub const LARGE_FROM: (u16, u16) = (100, 30);
/// The decoder's width beside the large keypad, at the least.
const DECODER_BESIDE_LARGE: u16 = 46;
/// What the large keypad panel needs to show its steps without waste.
const KEYPAD_WIDE: u16 = 76;

/// The side column holds both panes from this height; below it the keypad,
/// once there is a code, takes the label diagram's place.
const SIDE_BOTH_FROM_HEIGHT: u16 = 28;
const LABEL_HEIGHT: u16 = 15;

/// The panes for an empty serial pane (its usual height).
pub fn layout(area: Rect, keypad: bool) -> Option<Areas> {
    layout_with(area, keypad, 0, false)
}

/// The panes for the workbench as it is: the serial pane takes the rows its
/// findings need, leaving the decoder at least [`DECODER_MIN_HEIGHT`].
pub fn layout_for(app: &App, area: Rect) -> Option<Areas> {
    let width = area.width.saturating_sub(2);
    let findings = match app.prepared.serial(width) {
        Some(lines) => lines.len(),
        None => serial::findings_lines(app, &Theme::new(false), width as usize).len(),
    };
    let photo = app.photo.shown.is_some() && app.view == View::Workbench;
    layout_with(area, app.simulator.is_some(), findings as u16, photo)
}

/// The rows a photo takes under the decoder beside the large keypad.
const PHOTO_UNDER_DECODER: u16 = 12;

fn layout_with(area: Rect, keypad: bool, findings: u16, photo: bool) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let usual = match area.height {
        30.. => 8,
        _ => 7,
    };
    // Borders, the typed line and its marks, then every finding.
    let most = area.height.saturating_sub(3 + 1 + DECODER_MIN_HEIGHT);
    let serial_height = (findings + 4).clamp(usual, most.max(usual));
    let [brand, serial, body, status] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(serial_height),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    if keypad && area.width >= LARGE_FROM.0 && area.height >= LARGE_FROM.1 {
        // The keypad panel needs about 76 columns; the decoder takes the rest
        // of a wide terminal, so its provenance wraps less.
        let decoder_width = area
            .width
            .saturating_sub(KEYPAD_WIDE)
            .max(DECODER_BESIDE_LARGE)
            .min(area.width / 2);
        let [decoder, keypad] =
            Layout::horizontal([Constraint::Length(decoder_width), Constraint::Min(50)])
                .areas(body);
        // A photo read goes under the decoder, which keeps its rows.
        let (decoder, photo) =
            if photo && decoder.height >= DECODER_MIN_HEIGHT + PHOTO_UNDER_DECODER {
                let [decoder, photo] = Layout::vertical([
                    Constraint::Min(DECODER_MIN_HEIGHT),
                    Constraint::Length(PHOTO_UNDER_DECODER),
                ])
                .areas(decoder);
                (decoder, Some(photo))
            } else {
                (decoder, None)
            };
        return Some(Areas {
            brand,
            serial,
            decoder,
            label: None,
            photo,
            keypad: Some(keypad),
            large_keypad: true,
            status,
        });
    }
    let (decoder, side) = if area.width >= SIDE_FROM_WIDTH {
        let [decoder, side] =
            Layout::horizontal([Constraint::Min(30), Constraint::Length(SIDE_WIDTH)]).areas(body);
        (decoder, Some(side))
    } else {
        (body, None)
    };
    let (label, keypad) = match side {
        Some(side) if keypad && side.height >= SIDE_BOTH_FROM_HEIGHT => {
            let [label, keypad] =
                Layout::vertical([Constraint::Length(LABEL_HEIGHT), Constraint::Min(0)])
                    .areas(side);
            (Some(label), Some(keypad))
        }
        Some(side) if keypad => (None, Some(side)),
        side => (side, None),
    };
    // A photo read takes the label diagram's place.
    let (label, photo) = if photo { (None, label) } else { (label, None) };
    Some(Areas {
        brand,
        serial,
        decoder,
        label,
        photo,
        keypad,
        large_keypad: false,
        status,
    })
}

/// Styles, with colour only when it is allowed (`NO_COLOR`).
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Error => self
                .fg(Color::Red)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Severity::Warning => self.fg(Color::Yellow).add_modifier(Modifier::UNDERLINED),
            Severity::Info => self.fg(Color::Cyan),
        }
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn code(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }
}

/// Works out the panes' text for the app's state and terminal size.
pub fn prepare(app: &App) -> Prepared {
    let mut out = Prepared::default();
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let Some(areas) = layout(area, app.simulator.is_some()) else {
        return out;
    };
    let theme = Theme::new(app.color);
    let inner = |r: Rect| Block::bordered().inner(r).width;
    match app.view {
        View::Workbench => {}
        View::Dump => {
            // The view takes the whole width above the status line.
            let width = inner(area);
            out.dump = Some(PaneText {
                width,
                lines: dump::info_lines(app, &theme, width),
                starts: Vec::new(),
            });
            return out;
        }
        View::Jobs => return out,
    }
    out.brand = Some(brand::line(app, &theme));
    let width = inner(areas.decoder);
    let (lines, starts) = decoder::lines(app, &theme, width as usize);
    out.decoder = Some(PaneText {
        width,
        lines,
        starts,
    });
    out.typed = Some(serial::typed_lines(app, &theme));
    let width = inner(areas.serial);
    out.serial = Some(PaneText {
        width,
        lines: serial::findings_lines(app, &theme, width as usize),
        starts: Vec::new(),
    });
    if let (Some(panel), Some(sim)) = (areas.keypad, &app.simulator) {
        let width = inner(panel);
        let lines = if areas.large_keypad {
            keypad::large_lines(sim, &theme, width)
        } else {
            keypad::small_lines(sim, &theme, width)
        };
        out.keypad = Some((
            areas.large_keypad,
            PaneText {
                width,
                lines,
                starts: Vec::new(),
            },
        ));
    }
    out
}

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(app.color);
    let Some(areas) = layout_for(app, area) else {
        let note = format!(
            "radiocode: the terminal is {}x{}; the workbench needs at least {MIN_WIDTH}x{MIN_HEIGHT}: \
             make the window larger (Esc or Ctrl-C quits)",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(note).wrap(Wrap { trim: true }), area);
        return;
    };
    match app.view {
        View::Workbench => {
            brand::render(app, &theme, areas.brand, frame);
            serial::render(app, &theme, areas.serial, frame);
            decoder::render(app, &theme, areas.decoder, frame);
            if let Some(label) = areas.label {
                side::render(app, &theme, label, frame);
            }
            if let Some(pane) = areas.photo {
                photo::render(app, &theme, pane, frame);
            }
            if let Some(panel) = areas.keypad {
                if areas.large_keypad {
                    keypad::render_large(app, &theme, panel, frame);
                } else {
                    keypad::render(app, &theme, panel, frame);
                }
            }
        }
        View::Jobs => {
            let body = Rect::new(area.x, area.y, area.width, areas.status.y - area.y);
            jobs::render(app, &theme, body, frame);
        }
        View::Dump => {
            let body = Rect::new(area.x, area.y, area.width, areas.status.y - area.y);
            dump::render(app, &theme, body, frame);
        }
    }
    status::render(app, &theme, areas.status, frame);
    match &app.overlay {
        Overlay::Help => help::render(app, &theme, area, frame),
        Overlay::JobForm(form) => job_form::render(form, &theme, area, frame),
        Overlay::CodeFromElsewhere(entry) => entry::render_code(entry, &theme, area, frame),
        Overlay::ConfirmTry(c) => visit::render_confirm(c, &theme, area, frame),
        Overlay::ChooseJob(c) => visit::render_choose(c, &theme, area, frame),
        Overlay::ConfirmWithdraw(w) => visit::render_withdraw(w, &theme, area, frame),
        Overlay::PhotoPath(ask) => photo::render_ask(ask, &theme, area, frame),
        Overlay::Phone => phone::render(app, &theme, area, frame),
        Overlay::None => {}
    }
}

/// What a left click at (x, y) means.
pub fn hit(app: &App, x: u16, y: u16) -> Option<Msg> {
    if matches!(app.overlay, Overlay::Help) {
        return Some(Msg::CloseOverlay);
    }
    if app.overlay.is_open() || app.view != View::Workbench {
        return None;
    }
    let areas = layout_for(app, Rect::new(0, 0, app.size.0, app.size.1))?;
    let inside = |r: Rect| x >= r.x && x < r.right() && y >= r.y && y < r.bottom();
    if inside(areas.brand) {
        return brand::hit(areas.brand, x, y).map(Msg::SelectBrand);
    }
    if inside(areas.serial) {
        return Some(Msg::Focus(Focus::Serial));
    }
    if let Some(panel) = areas.keypad.filter(|r| inside(*r)) {
        let practising = app
            .simulator
            .as_ref()
            .is_some_and(|s| s.mode == crate::tui::simulator::SimMode::Practice);
        let button = if areas.large_keypad {
            keypad::hit_large(app, panel, x, y)
        } else {
            keypad::hit(app, panel, x, y)
        };
        return match button {
            Some(button) if practising => Some(Msg::RadioDown(button)),
            _ => Some(Msg::Focus(Focus::Keypad)),
        };
    }
    if inside(areas.decoder) {
        return decoder::hit(app, areas.decoder, y).map_or(Some(Msg::Focus(Focus::Decoder)), |i| {
            Some(Msg::SelectCandidate(i))
        });
    }
    None
}

/// A popup of at most `width` x `height`, centred in `area` with a margin.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = area.width.saturating_sub(4).min(width);
    let height = area.height.saturating_sub(2).min(height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// Word-wraps plain text to `width` columns (at least one line).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: String = word.to_string();
        while word.chars().count() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let split = word
                .char_indices()
                .nth(width)
                .map_or(word.len(), |(i, _)| i);
            let rest = word.split_off(split);
            lines.push(word);
            word = rest;
        }
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("x", 0), ["x"]);
    }

    #[test]
    fn layout_sizes() {
        assert!(layout(Rect::new(0, 0, 20, 6), false).is_none());
        let a = layout(Rect::new(0, 0, 80, 24), false).unwrap();
        assert!(a.label.is_some() && a.keypad.is_none());
        assert_eq!(a.status.y, 23);
        let a = layout(Rect::new(0, 0, 80, 24), true).unwrap();
        assert!(a.label.is_none() && a.keypad.is_some());
        let a = layout(Rect::new(0, 0, 90, 40), true).unwrap();
        assert!(a.label.is_some() && a.keypad.is_some() && !a.large_keypad);
        // From 100x30 the keypad is drawn large beside a narrower decoder.
        let a = layout(Rect::new(0, 0, 120, 40), true).unwrap();
        assert!(a.label.is_none() && a.large_keypad);
        assert_eq!(a.decoder.width, 46);
        let a = layout(Rect::new(0, 0, 120, 40), false).unwrap();
        assert!(
            a.label.is_some() && !a.large_keypad,
            "no code: the label diagram"
        );
        // Below 80x24 a note, not broken panes.
        assert!(layout(Rect::new(0, 0, 60, 14), true).is_none());
        assert!(layout(Rect::new(0, 0, 79, 40), true).is_none());
        assert!(layout(Rect::new(0, 0, 120, 23), true).is_none());
        // A wide terminal gives the decoder the room the keypad does not need.
        let a = layout(Rect::new(0, 0, 200, 50), true).unwrap();
        assert!(a.large_keypad && a.decoder.width == 100, "{a:?}");
    }
}
