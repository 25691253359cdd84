//! What the serial says and the codes to try, each with source and confidence.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Theme, draw, wrap};
use crate::decode::{Outcome, Status, routes};
use crate::serial::{FindingKind, Severity};
use crate::store::TryOutcome;
use crate::tui::state::{App, Focus};

/// The decoder's lines as they are written, wrapped to the pane's width.
struct Lines<'a> {
    out: Vec<Line<'a>>,
    width: usize,
}

impl<'a> Lines<'a> {
    fn wrapped(&mut self, indent: usize, text: &str, style: Style) {
        for piece in wrap(text, self.width.saturating_sub(indent)) {
            self.out.push(Line::styled(
                format!("{}{piece}", " ".repeat(indent)),
                style,
            ));
        }
    }
}

/// The pane's lines for an inner width, and which line starts which candidate.
pub(super) fn lines<'a>(
    app: &App,
    theme: &Theme,
    width: usize,
) -> (Vec<Line<'a>>, Vec<(usize, usize)>) {
    let mut l = Lines {
        out: Vec::new(),
        width,
    };
    let mut starts = Vec::new();
    let Some(o) = &app.outcome else {
        l.wrapped(
            0,
            "Type a serial to see what it says and its code: each code with where it \
             came from and how sure it is, in the order to try them.",
            theme.dim(),
        );
        return (l.out, starts);
    };
    let d = &o.diagnosis;
    if let (Some(family), Some(serial)) = (d.family, &d.serial) {
        l.out.push(Line::from(vec![
            Span::styled(format!("{family}  "), theme.title()),
            Span::raw(serial.clone()),
        ]));
        let parts: Vec<String> = d
            .parts()
            .iter()
            .map(|p| format!("{} {}", p.name, p.value))
            .collect();
        l.wrapped(2, &parts.join(" · "), Style::new());
        if let Some(unit) = d.unit {
            l.wrapped(2, &unit.describe(), theme.dim());
        }
    }
    match o.status {
        Status::Decoded => starts = decoded(&mut l, app, o, theme),
        Status::NoCode => no_code(&mut l, o, theme),
        Status::Invalid => l.wrapped(
            0,
            "Not a serial radiocode can decode: see the findings above.",
            theme.severity(Severity::Error),
        ),
    }
    (l.out, starts)
}

/// The codes in the order to try them, the job's last try and the
/// warnings that matter; which line starts which candidate.
fn decoded(l: &mut Lines, app: &App, o: &Outcome, theme: &Theme) -> Vec<(usize, usize)> {
    let mut starts = Vec::new();
    l.out.push(Line::styled(
        "Codes, in the order to try them:",
        theme.title(),
    ));
    let refused = app.refused_on_screen();
    for (i, c) in o.candidates.iter().enumerate() {
        starts.push((l.out.len(), i));
        let selected = i == app.selected;
        let marker = if selected { "▶ " } else { "  " };
        let code_style = if selected {
            theme.code().patch(theme.selected())
        } else {
            theme.code()
        };
        let mut line = vec![
            Span::raw(format!("{marker}{}. ", i + 1)),
            Span::styled(c.code.to_string(), code_style),
            Span::raw(format!("  {} · {}", c.source.label(), c.confidence)),
        ];
        if refused.contains(&c.code) {
            line.push(Span::styled(" · refused", theme.severity(Severity::Error)));
        }
        l.out.push(Line::from(line));
    }
    job_lines(l, app, theme);
    if let Some(c) = o.candidates.get(app.selected) {
        l.wrapped(2, &format!("{}: {}", c.code, c.note), theme.dim());
    }
    for f in o.findings(Severity::Warning) {
        if matches!(
            f.kind,
            FindingKind::CodeBookDisagrees
                | FindingKind::ChipDumpDisagrees
                | FindingKind::SuspectedRecoded
        ) {
            l.wrapped(0, &f.message, theme.severity(Severity::Error));
        }
    }
    starts
}

/// The job on screen and how it stands, or the serial's jobs on file.
fn job_lines(l: &mut Lines, app: &App, theme: &Theme) {
    if let Some(job) = app.job_on_screen() {
        let who = format!(
            "Job {} ({})",
            job.id,
            crate::serial::echo_text(&job.vehicle, 16)
        );
        let text = match job.last_standing().map(|a| (a.code, a.outcome)) {
            Some((code, TryOutcome::Refused)) => crate::advice::refused_on_job(&who, code),
            Some((code, TryOutcome::Accepted)) => {
                format!("{who}: {code} was accepted and is in the code book.")
            }
            None => format!("{who}: no tries recorded yet."),
        };
        l.wrapped(0, &text, theme.severity(Severity::Warning));
    } else if !app.earlier_jobs.is_empty() {
        // A serial on file: its jobs, so a try is put on the right one.
        let jobs: Vec<String> = app
            .earlier_jobs
            .iter()
            .take(3)
            .map(|j| j.visit_text(12))
            .collect();
        let more = app.earlier_jobs.len().saturating_sub(3);
        l.wrapped(
            0,
            &format!(
                "On file: {}{}. a/r asks which job (or a new one)",
                jobs.join("; "),
                if more > 0 {
                    format!("; {more} more (F2)")
                } else {
                    String::new()
                }
            ),
            theme.dim(),
        );
    }
}

/// Why there is no code, and the routes that get one.
fn no_code(l: &mut Lines, o: &Outcome, theme: &Theme) {
    let why = o.no_code_reason().unwrap_or_default();
    l.wrapped(0, &format!("No code: {why}"), theme.title());
    for f in o.findings(Severity::Warning) {
        if f.kind == FindingKind::SuspectedRecoded {
            l.wrapped(0, &f.message, theme.severity(Severity::Error));
        }
    }
    l.out.push(Line::styled("Routes:", theme.title()));
    for r in routes(o.diagnosis.family) {
        l.wrapped(2, &format!("- {r}"), Style::new());
    }
    l.wrapped(
        0,
        "d writes the request sheet for a dealer or a code service (F3 reads a chip dump)",
        theme.dim(),
    );
}

pub fn render(app: &App, theme: &Theme, area: Rect, frame: &mut Frame) {
    let inner = draw::pane(
        frame.buffer_mut(),
        area,
        &Line::raw(" Decoder "),
        app.focus == Focus::Decoder,
        theme,
    );
    let scroll = app.decoder_scroll;
    match app.prepared.decoder(inner.width) {
        Some((lines, _)) => draw::scrolled(frame.buffer_mut(), inner, lines, scroll, theme.dim()),
        None => draw::scrolled(
            frame.buffer_mut(),
            inner,
            &lines(app, theme, inner.width as usize).0,
            scroll,
            theme.dim(),
        ),
    }
}

/// The candidate on screen row `y`, if any.
pub fn hit(app: &App, area: Rect, y: u16) -> Option<usize> {
    let inner = area.inner(ratatui::layout::Margin::new(1, 1));
    let row = y.checked_sub(inner.y)? as usize;
    let computed;
    let (lines, starts) = match app.prepared.decoder(inner.width) {
        Some(prepared) => prepared,
        None => {
            computed = lines(app, &Theme::new(false), inner.width as usize);
            (&computed.0[..], &computed.1[..])
        }
    };
    let (first, shown, above, _) =
        draw::window(lines.len(), inner.height as usize, app.decoder_scroll);
    // The rows saying what is above or below are not lines of text.
    let row = row.checked_sub(usize::from(above))?;
    if row >= shown {
        return None;
    }
    let line = first + row;
    starts
        .iter()
        .rev()
        .find(|(start, _)| *start <= line)
        .map(|(_, i)| *i)
}
