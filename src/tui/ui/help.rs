//! The help overlay.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, centered, draw};

const HELP: &[&str] = &[
    "Anywhere  Tab pane · / or s serial · ? F1 help · F2 jobs",
    "          F3 chip dump · Esc back, clears the serial, then quits",
    "Brand     ←/→ or {brands} choose · Enter to the serial",
    "Serial    type or paste the label · Ctrl-U clear · Enter codes",
    "Photo     F5, or drop a label photo on the serial: read for you",
    "Decoder   ↑/↓ choose · y copy · a/r radio accepted/refused it",
    "          c a code from a card or dealer · d request sheet",
    "          PgUp/PgDn scroll a long pane · Jobs: F4 job card",
    "Keypad    ←/→ guide steps · p practice: 1-6 o press, h hold,",
    "          f/F clock +1/+10 min, b battery off, n new radio",
    "Mouse     click a brand, the serial, a code (copies), a button",
    "Under a character: ~ read as something else (O as 0), ^ wrong.",
    "verified     algorithm checked against a published list",
    "assumed      algorithm confirmed on related (Ford) units",
    "confirmed    a radio accepted this code",
    "likely       good but indirect evidence (a card, a dealer)",
    "unconfirmed  posted somewhere; nobody reported it worked",
    crate::advice::RECODED_SENTENCE,
    crate::advice::BATTERY,
];

/// The help, with the records this workbench uses (a file, or a server's
/// host and database; never a password).
pub fn render(records: &str, theme: &Theme, area: Rect, frame: &mut Frame) {
    let popup = centered(area, 66, HELP.len() as u16 + 3);
    frame.render_widget(Clear, popup);
    let title = Line::raw(if crate::tui::CAN_SUSPEND {
        " Help: Esc or ? closes "
    } else {
        " Help: Esc or ? closes · Windows has no Ctrl-Z suspend "
    });
    let inner = draw::pane(frame.buffer_mut(), popup, &title, true, theme);
    let brands = super::brand::number_keys();
    let mut lines: Vec<Line> = HELP
        .iter()
        .map(|l| Line::raw(l.replace("{brands}", &brands)))
        .collect();
    lines.push(Line::styled(format!("Records   {records}"), theme.title()));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
