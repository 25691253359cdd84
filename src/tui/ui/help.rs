//! The help overlay: every key there is, from the one table of bindings,
//! the words the decoder uses, and the last message said in full.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::{Theme, centered, draw};
use crate::tui::keys::{self, Scope};
use crate::tui::state::App;

/// The scopes in the order the help lists them.
const ORDER: [Scope; 18] = [
    Scope::Workbench,
    Scope::Brand,
    Scope::Serial,
    Scope::Decoder,
    Scope::Keypad,
    Scope::Guide,
    Scope::Practice,
    Scope::Jobs,
    Scope::Dump,
    Scope::PhotoPath,
    Scope::Phone,
    Scope::Reading,
    Scope::CodeForm,
    Scope::JobForm,
    Scope::ChooseJob,
    Scope::Question,
    Scope::Help,
    Scope::Always,
];

const AFTER: &[(&str, &str, usize)] = &[
    (
        "Mouse",
        "click a brand, the serial, a code (copies), a button",
        10,
    ),
    (
        "Scanner",
        "a USB barcode scanner's scan lands in the serial, wherever you are",
        10,
    ),
    (
        "",
        "Under a character: ~ read as something else (O as 0), ^ wrong.",
        0,
    ),
    ("verified", "algorithm checked against a published list", 13),
    ("assumed", "algorithm confirmed on related (Ford) units", 13),
    ("confirmed", "a radio accepted this code", 13),
    (
        "likely",
        "good but indirect evidence (a card, a dealer)",
        13,
    ),
    (
        "unconfirmed",
        "posted somewhere; nobody reported it worked",
        13,
    ),
    (
        "derived",
        "worked out from another code (a second try); nobody took it",
        13,
    ),
    ("", crate::advice::RECODED_SENTENCE, 0),
    ("", crate::advice::BATTERY, 0),
];

/// Every line of the help, wrapped to `width`.
pub fn lines(app: &App, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    // `head` padded to `indent`, then `text` wrapped beside it.
    let mut say = |head: &str, text: &str, style: ratatui::style::Style, indent: usize| {
        let indent = indent.max(head.chars().count() + usize::from(!head.is_empty()));
        for (i, piece) in super::wrap(text, width.saturating_sub(indent).max(8))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 { head } else { "" };
            out.push(Line::styled(format!("{lead:<indent$}{piece}"), style));
        }
    };
    if let Some(said) = &app.said {
        say("Last:", said, theme.title(), 10);
    }
    for scope in ORDER {
        let entries: Vec<String> = keys::of(scope)
            .filter(|b| !b.label.is_empty())
            .map(|b| format!("{} {}", b.label, b.does))
            .collect();
        say(
            scope.title(),
            &entries.join(" · "),
            ratatui::style::Style::new(),
            10,
        );
    }
    for (head, text, indent) in AFTER {
        say(head, text, ratatui::style::Style::new(), *indent);
    }
    say("Records", &app.session.records_text(), theme.title(), 10);
    out
}

/// The help over the workbench, scrolled to `app.help_scroll`.
pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let width = 76.min(area.width);
    let all = lines(app, theme, width.saturating_sub(2) as usize);
    let height = (all.len() as u16 + 2).min(area.height);
    let popup = centered(area, width, height);
    frame.render_widget(ratatui::widgets::Clear, popup);
    let title = Line::raw(if crate::tui::CAN_SUSPEND {
        " Help: Esc or ? closes · ↑/↓ PgUp/PgDn scroll "
    } else {
        " Help: Esc or ? closes · ↑/↓ scroll · no Ctrl-Z on Windows "
    });
    let inner = draw::pane(frame.buffer_mut(), popup, &title, true, theme);
    draw::scrolled(
        frame.buffer_mut(),
        inner,
        &all,
        app.help_scroll,
        theme.dim(),
    );
}
