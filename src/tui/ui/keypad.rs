//! The keypad panel: the unit's display and buttons, the guide's current step
//! or the practice radio, and the try plan.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Theme, draw, wrap};
use crate::keypad::{Button, Moment, RadioState};
use crate::serial::Severity;
use crate::tui::simulator::{SimMode, Simulator};
use crate::tui::state::{App, Focus};

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

/// The pane with its title (code and mode); its inside.
fn frame_pane(app: &App, sim: &Simulator, theme: &Theme, area: Rect, frame: &mut Frame) -> Rect {
    let mode = match sim.mode {
        SimMode::Guide => format!("guide {}/{}", sim.step + 1, sim.steps.len()),
        SimMode::Practice => "practice".to_string(),
    };
    draw::pane(
        frame.buffer_mut(),
        area,
        &Line::raw(format!(" Keypad · {} · {mode} ", sim.code)),
        app.focus == Focus::Keypad,
        theme,
    )
}

/// What the display shows: the guide step's, or the practice radio's.
fn shown(sim: &Simulator) -> String {
    match sim.mode {
        SimMode::Guide => sim
            .steps
            .get(sim.step)
            .map(|s| s.display.clone())
            .unwrap_or_default(),
        SimMode::Practice => sim.radio.display(),
    }
}

fn label(b: Button) -> String {
    format!("[{}]", b.label())
}

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let Some(sim) = &app.simulator else { return };
    let inner = frame_pane(app, sim, theme, area, frame);
    if inner.width < 10 || inner.height < 2 {
        return;
    }
    panel_text(app, sim, theme, inner, frame, false);
}

/// The panel's text, as worked out in update (or now, at another width).
fn panel_text(
    app: &App,
    sim: &Simulator,
    theme: &Theme,
    inner: Rect,
    frame: &mut Frame,
    large: bool,
) {
    match app.prepared.keypad(large, inner.width) {
        Some(lines) => draw::lines(frame.buffer_mut(), inner, lines),
        None if large => draw::lines(
            frame.buffer_mut(),
            inner,
            &large_lines(sim, theme, inner.width),
        ),
        None => draw::lines(
            frame.buffer_mut(),
            inner,
            &small_lines(sim, theme, inner.width),
        ),
    }
}

/// The panel's lines as they are written, wrapped to its width.
struct Said {
    lines: Vec<Line<'static>>,
    width: usize,
}

impl Said {
    /// `text` wrapped after `indent`; the lines after the first line up under it.
    fn say(&mut self, indent: &str, text: &str, style: Style) {
        let room = self.width.saturating_sub(indent.chars().count() + 1);
        for (i, piece) in wrap(text, room).into_iter().enumerate() {
            let lead = if i == 0 {
                indent.to_string()
            } else {
                " ".repeat(indent.chars().count())
            };
            self.lines
                .push(Line::styled(format!(" {lead}{piece}"), style));
        }
    }
}

/// "confirm: hold OK" or "confirm: press 1".
fn confirm_text(sim: &Simulator) -> String {
    let how = if sim.confirm_is_hold() {
        "hold"
    } else {
        "press"
    };
    format!("confirm: {how} {}", sim.profile.confirm.button)
}

/// The small panel's lines for an inner width.
pub(super) fn small_lines(sim: &Simulator, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let display = shown(sim);
    let side = |text: String| Span::styled(format!("  {text}"), theme.dim());
    let lines = vec![
        Line::from(vec![Span::raw(" ╔══════╗"), side(sim.profile.name.clone())]),
        Line::from(vec![
            Span::raw(" ║ "),
            Span::styled(display, theme.code()),
            Span::raw(" ║"),
            side(confirm_text(sim)),
        ]),
        Line::from(vec![
            Span::raw(" ╚══════╝"),
            side(match sim.mode {
                SimMode::Practice => format!("wrong codes: {}", sim.radio.wrong()),
                SimMode::Guide => "p: practise first".to_string(),
            }),
        ]),
        button_row(sim, theme),
    ];
    let mut out = Said {
        lines,
        width: width as usize,
    };
    recorded_wait(&mut out, sim, theme);
    let warn = theme.severity(Severity::Warning);
    let planned = sim.plan.iter().find(|p| p.code == sim.code);
    match sim.mode {
        SimMode::Guide => {
            if let Some(step) = sim.steps.get(sim.step) {
                out.say("", &step.text, Style::new());
            }
            // The confirm step spends a try: say what a refusal costs first.
            if sim.step + 1 == sim.steps.len()
                && let Some(w) = planned.and_then(|p| p.warning.as_deref())
            {
                out.say("", &format!("Before you confirm: {w}"), warn);
            }
        }
        SimMode::Practice => {
            out.lines.extend(hold_bar(sim, theme, "hold", 10));
            out.say("", &sim.radio.message(), warn);
            if sim.radio.wrong() > 0 && sim.radio.state() != RadioState::Unlocked {
                out.say(
                    "",
                    "A code you trust refused? The radio may have been swapped or re-coded.",
                    theme.dim(),
                );
            }
        }
    }
    already_refused(&mut out, sim, theme);
    out.lines.extend(plan_lines(sim, theme, out.width));
    out.lines
}

/// The unit's buttons in a row, the one to press (or held) lit.
fn button_row(sim: &Simulator, theme: &Theme) -> Line<'static> {
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
    Line::from(row)
}

/// The code on the panel, when this radio already refused it.
fn already_refused(out: &mut Said, sim: &Simulator, theme: &Theme) {
    if !sim.plan.iter().any(|p| p.code == sim.code) {
        out.say(
            "",
            &format!("{} was already refused by this radio", sim.code),
            theme.severity(Severity::Error),
        );
    }
}

/// The practice radio's hold, as a bar of `cells` filling up to its time.
fn hold_bar(sim: &Simulator, theme: &Theme, word: &str, cells: usize) -> Option<Line<'static>> {
    let (b, held, needed) = sim.radio.hold_progress()?;
    let filled = (held * cells as u64 / needed.max(1)) as usize;
    Some(Line::from(vec![
        Span::raw(format!(" {word} {} ", b.label())),
        Span::styled("█".repeat(filled), theme.code()),
        Span::styled("░".repeat(cells - filled), theme.dim()),
        Span::raw(format!(" {}/{} s", held / 1000, needed / 1000)),
    ]))
}

/// What the refusals so far leave, the order of the codes, and the lock rule.
fn plan_lines(sim: &Simulator, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let say = |lines: &mut Vec<Line<'static>>, text: &str, style: Style| {
        for piece in wrap(text, width.saturating_sub(1)) {
            lines.push(Line::styled(format!(" {piece}"), style));
        }
    };
    let planned = sim.plan.iter().find(|p| p.code == sim.code);
    let wrong_so_far = match sim.mode {
        SimMode::Guide => planned.map_or(sim.already_refused, |p| p.try_number - 1),
        SimMode::Practice => sim.radio.wrong(),
    };
    // Once the practice radio took the code, refusals no longer matter.
    let unlocked = sim.mode == SimMode::Practice && sim.radio.state() == RadioState::Unlocked;
    if let Some(text) = sim
        .profile
        .refusals_left_text(wrong_so_far)
        .filter(|_| !unlocked)
    {
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
    let on_record = sim.refused_at.len();
    let lock = match sim.profile.hard_limit() {
        Some(n) if on_record > 0 => {
            format!("locked for good after {n} wrong codes ({on_record} refused on record)")
        }
        Some(n) => format!("locked for good after {n} wrong codes"),
        None => "no permanent lock reported".to_string(),
    };
    let borrowed = if sim.profile.lockout.borrowed {
        " (rule borrowed from another unit)"
    } else {
        ""
    };
    say(&mut lines, &format!("{lock}{borrowed}"), theme.dim());
    lines
}

/// A wait the recorded refusals started that runs now: said first, above
/// the steps, for nothing else matters until it ends.
fn recorded_wait(out: &mut Said, sim: &Simulator, theme: &Theme) {
    if let Some(text) = sim.recorded_wait(jiff::Timestamp::now()) {
        out.say("", &text, theme.severity(Severity::Error));
    }
}

/// The segments (a-g, bits 0-6) that draw a character on the display.
fn segments(c: char) -> u8 {
    match c.to_ascii_uppercase() {
        '0' | 'O' | 'D' => 0x3F,
        '1' | 'I' => 0x06,
        '2' | 'Z' => 0x5B,
        '3' => 0x4F,
        '4' => 0x66,
        '5' | 'S' => 0x6D,
        '6' => 0x7D,
        '7' => 0x07,
        '8' | 'B' => 0x7F,
        '9' | 'Q' => 0x6F,
        'A' => 0x77,
        'C' => 0x39,
        'E' => 0x79,
        'F' => 0x71,
        'G' => 0x3D,
        'H' | 'K' | 'X' => 0x76,
        'J' => 0x1E,
        'L' => 0x38,
        'M' | 'N' => 0x37,
        'P' => 0x73,
        'R' => 0x50,
        'T' => 0x78,
        'U' | 'V' | 'W' => 0x3E,
        'Y' => 0x6E,
        '-' => 0x40,
        '_' => 0x08,
        _ => 0,
    }
}

/// The display text as three rows of seven-segment digits.
/// The display with its digits `scale` times as wide (a big terminal).
pub fn display_of(text: &str, scale: usize) -> [String; 3] {
    let mut rows = [String::new(), String::new(), String::new()];
    for (i, c) in text.chars().enumerate() {
        let s = segments(c);
        let bar = |bit: u8| {
            if s & bit != 0 {
                "▄▄".repeat(scale)
            } else {
                "  ".repeat(scale)
            }
        };
        let side = |bit: u8| if s & bit != 0 { "█" } else { " " };
        if i > 0 {
            for r in &mut rows {
                r.push_str(&" ".repeat(scale));
            }
        }
        rows[0].push_str(&format!(" {} ", bar(0x01)));
        rows[1].push_str(&format!("{}{}{}", side(0x20), bar(0x40), side(0x02)));
        rows[2].push_str(&format!("{}{}{}", side(0x10), bar(0x08), side(0x04)));
    }
    rows
}

/// From this inner width the large panel's display is drawn twice as wide.
const WIDE_DISPLAY_FROM: u16 = 90;

/// Where the large panel's buttons are: rows 5-7 of the pane's inside.
fn large_buttons(sim: &Simulator, inner: Rect) -> Vec<(Rect, Button)> {
    buttons(sim)
        .into_iter()
        .enumerate()
        .map(|(i, (_, b))| {
            let w = label(b).len() as u16 + 2;
            let x = inner.x + 1 + 6 * i as u16;
            (Rect::new(x, inner.y + 5, w, 3), b)
        })
        .filter(|(r, _)| r.right() <= inner.right() && r.bottom() <= inner.bottom())
        .collect()
}

/// The radio clock as m:ss, or h:mm:ss past an hour.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

fn moment_text(m: Moment) -> String {
    match m {
        Moment::Tried {
            code,
            accepted: true,
        } => format!("practice: the simulated radio accepts {code}"),
        Moment::Tried { code, .. } => format!("{code} refused"),
        Moment::Wait { minutes } => {
            format!("a {minutes}-minute wait starts; keep the radio on")
        }
        Moment::WaitRestarted => "battery disconnected: the wait starts again".to_string(),
        Moment::WaitOver => "the wait is over: codes can be entered".to_string(),
        Moment::Relocked => "LOCKED: a long hold of 6 at switch-on gives more tries".to_string(),
        Moment::MoreTries => "the hold gave more tries".to_string(),
        Moment::Locked => "LOCKED FOR GOOD: a dealer or a decode service only".to_string(),
    }
}

/// The keypad panel at 100x30 and more: the front panel drawn large, every
/// step of the guide, and in practice the timeline of tries, waits and locks.
pub fn render_large(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let Some(sim) = &app.simulator else { return };
    let inner = frame_pane(app, sim, theme, area, frame);
    panel_text(app, sim, theme, inner, frame, true);
    let lit = match sim.mode {
        SimMode::Guide => sim.guide_button(),
        SimMode::Practice => sim.held,
    };
    for (rect, b) in large_buttons(sim, inner) {
        let style = if lit == Some(b) {
            theme.selected().patch(theme.title())
        } else {
            Style::new()
        };
        draw::key(frame.buffer_mut(), rect, &b.label(), style);
    }
}

/// The large panel's lines for an inner width (the buttons are drawn over them).
pub(super) fn large_lines(sim: &Simulator, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let scale = if width >= WIDE_DISPLAY_FROM { 2 } else { 1 };
    let mut out = Said {
        lines: large_display(sim, theme, scale),
        width: width as usize,
    };
    recorded_wait(&mut out, sim, theme);
    match sim.mode {
        SimMode::Guide => guide_steps(&mut out, sim, theme),
        SimMode::Practice => practice_timeline(&mut out, sim, theme),
    }
    already_refused(&mut out, sim, theme);
    out.lines.extend(plan_lines(sim, theme, out.width));
    out.lines
}

/// The large panel's display, drawn big, with the unit's facts beside it.
fn large_display(sim: &Simulator, theme: &Theme, scale: usize) -> Vec<Line<'static>> {
    let display = shown(sim);
    let big = display_of(&display, scale);
    let face = big[0].chars().count() + 2;
    let side = |text: String| Span::styled(format!("  {text}"), theme.dim());
    let row = |i: usize, beside: String| {
        Line::from(vec![
            Span::raw(" ║ "),
            Span::styled(big[i].clone(), theme.code()),
            Span::raw(" ║"),
            side(beside),
        ])
    };
    vec![
        Line::from(vec![
            Span::raw(format!(" ╔{}╗", "═".repeat(face))),
            Span::styled(format!("  {}", sim.profile.name), theme.title()),
        ]),
        row(0, confirm_text(sim)),
        row(1, format!("display: {display}")),
        row(
            2,
            match sim.mode {
                SimMode::Practice => format!("radio clock {}", clock(sim.radio.now_ms())),
                SimMode::Guide => "p: practise first".to_string(),
            },
        ),
        Line::from(vec![
            Span::raw(format!(" ╚{}╝", "═".repeat(face))),
            side(match sim.mode {
                SimMode::Practice => format!("wrong codes: {}", sim.radio.wrong()),
                SimMode::Guide => String::new(),
            }),
        ]),
        Line::raw(""),
        Line::raw(""),
        Line::raw(""),
    ]
}

/// Every step for the code, the ones done ticked and the next one marked.
fn guide_steps(out: &mut Said, sim: &Simulator, theme: &Theme) {
    out.lines.push(Line::styled(
        format!(" Steps for {}:", sim.code),
        theme.title(),
    ));
    for (i, step) in sim.steps.iter().enumerate() {
        let (mark, style) = match i.cmp(&sim.step) {
            std::cmp::Ordering::Less => ("✓", theme.dim()),
            std::cmp::Ordering::Equal => ("▶", theme.selected()),
            std::cmp::Ordering::Greater => (" ", Style::new()),
        };
        out.say(&format!("{mark} {}. ", i + 1), &step.text, style);
    }
    let planned = sim.plan.iter().find(|p| p.code == sim.code);
    if let Some(w) = planned.and_then(|p| p.warning.as_deref()) {
        let warn = theme.severity(Severity::Warning);
        out.say("", &format!("Before you confirm: {w}"), warn);
    }
}

/// The most timeline events shown: the newest, so the panel's foot (the
/// refusals left, the lock) stays on screen however long the practice.
const TIMELINE_SHOWN: usize = 8;

/// What the practice radio did, on its own clock: its newest events.
fn practice_timeline(out: &mut Said, sim: &Simulator, theme: &Theme) {
    let warn = theme.severity(Severity::Warning);
    out.lines.push(Line::styled(" Timeline:", theme.title()));
    let timeline = sim.radio.timeline();
    let earlier = timeline.len().saturating_sub(TIMELINE_SHOWN);
    if earlier == 0 {
        out.lines
            .push(Line::styled("   0:00 radio switched on", theme.dim()));
    } else {
        out.lines.push(Line::styled(
            format!(
                "   … {earlier} earlier event{}",
                if earlier == 1 { "" } else { "s" }
            ),
            theme.dim(),
        ));
    }
    for (at, m) in &timeline[earlier..] {
        let style = match m {
            Moment::Tried { accepted: true, .. } => theme.code(),
            Moment::Locked | Moment::Relocked => theme.severity(Severity::Error),
            Moment::Tried { .. } | Moment::Wait { .. } | Moment::WaitRestarted => warn,
            _ => Style::new(),
        };
        out.say(&format!("  {} ", clock(*at)), &moment_text(*m), style);
    }
    out.lines.extend(hold_bar(sim, theme, "holding", 20));
    out.say(
        &format!("  {} ", clock(sim.radio.now_ms())),
        &sim.radio.message(),
        warn,
    );
}

/// The button under a click on the large panel, if any.
pub fn hit_large(app: &App, area: Rect, x: u16, y: u16) -> Option<Button> {
    let sim = app.simulator.as_ref()?;
    let inner = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    large_buttons(sim, inner)
        .into_iter()
        .find(|(r, _)| x >= r.x && x < r.right() && y >= r.y && y < r.bottom())
        .map(|(_, b)| b)
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
