//! The workbench: a thin terminal shell over the domain.

pub mod app;
pub mod dump_view;
pub mod entry;
pub mod job_form;
pub mod jobs;
pub mod keymap;
pub mod keys;
mod label_input;
pub mod lookups;
pub mod paste;
pub mod phone_view;
pub mod photo;
pub mod prepared;
mod records_work;
pub mod scan;
mod signals;

pub use signals::CAN_SUSPEND;
pub mod simulator;
pub mod state;
pub mod ui;
pub mod visit;
mod visit_work;

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use std::sync::{Arc, Mutex};

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};

use crate::settings::Bench;
use crate::store::{Place, Records};
use app::{App, Effect};

/// Whether colours may be used: not when `NO_COLOR` is set to anything.
pub fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Undoes what the workbench turned on beyond ratatui's own set-up, on every
/// way out: normal return, error, or panic.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> io::Result<TerminalGuard> {
        // ratatui's hook restores raw mode and the screen; ours first turns off
        // mouse capture and bracketed paste.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
            previous(info);
        }));
        execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
        Ok(TerminalGuard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        hand_back();
    }
}

/// The terminal as the shell had it: main screen, cursor shown, cooked mode,
/// no mouse capture, no bracketed paste.
fn hand_back() {
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

/// The workbench's terminal again, after a suspend.
fn take_over() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
}

/// Ctrl-Z: the terminal is handed back, the process stops as a shell
/// expects, and on `fg` the workbench takes the terminal again and redraws.
fn suspend(terminal: &mut ratatui::DefaultTerminal) -> io::Result<()> {
    hand_back();
    signals::stop_self()?;
    take_over()?;
    execute!(
        io::stdout(),
        ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All)
    )?;
    // A new terminal has empty buffers: the next frame is drawn whole.
    *terminal = ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(io::stdout()))?;
    Ok(())
}

/// Runs the workbench until the technician quits. Returns the exit status.
/// `store` is the records already open for reading, if any; `place` is where
/// they live (opened for writing only when something is recorded). Records
/// on a server are watched: a code confirmed at another bench shows at once,
/// and a server that goes away is shown and reconnected.
pub fn run(store: Option<Box<dyn Records>>, place: Place, bench: Bench) -> anyhow::Result<u8> {
    if !on_a_terminal() {
        return Ok(crate::exit::INVALID);
    }
    // Updates (a try being written among them) hold this; an ending signal
    // waits for it, hands the terminal back and exits. It is a thread of its
    // own, so a hung-up terminal that keeps the event reader busy cannot
    // keep the workbench running.
    let busy: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    // A wait for another radiocode is not written over the workbench's screen.
    crate::store::quiet_waits();
    let signals = signals::install(&busy)?;
    let mut terminal = ratatui::try_init()?;
    let _guard = TerminalGuard::enter()?;
    // Without a database the seeded public pairs answer; with one, it does.
    let events = match &place {
        Place::Server(pg) => Some(crate::store::watch(pg.clone())),
        Place::File(_) => None,
    };
    let mut app = App::new(crate::session::shipped_pairs(), color_allowed())
        .with_records(store, Some(place), bench)
        .with_picker(picker());
    let size = terminal.size()?;
    app.update(app::Msg::Resize(size.width, size.height));
    let mut clipboard = Clipboard::new();
    let mut clocks = Clocks {
        last: Instant::now(),
        last_reconnect: Instant::now(),
    };
    // Drawn when something changed: an idle workbench leaves the terminal alone.
    let mut changed = true;
    let mut gate = scan::Gate::default();
    let interrupted = 'run: loop {
        // Reading happens outside the lock: only updates hold it.
        let wait = gate.deadline().map_or(Duration::from_millis(100), |d| {
            d.saturating_duration_since(Instant::now()) + Duration::from_millis(1)
        });
        let ev = match draw_and_read(&mut terminal, &app, std::mem::take(&mut changed), wait) {
            Ok(ev) => ev,
            Err(e) => {
                // A terminal that went away brings a hang-up signal with it:
                // give its handler the moment it needs to end things properly.
                std::thread::sleep(Duration::from_millis(300));
                return Err(e.into());
            }
        };
        let mut updating = busy.lock().unwrap_or_else(|e| e.into_inner());
        if signals.stop_requested() {
            drop(updating);
            suspend(&mut terminal)?;
            changed = true;
            continue;
        }
        let now = Instant::now();
        changed |= news(&mut app, events.as_ref(), &mut clocks, now);
        let effects = feed(&mut app, &mut gate, ev, now);
        *updating = not_recorded(&app);
        drop(updating);
        for (effect, acted) in effects {
            changed |= acted || effect != Effect::None;
            if let Some(interrupted) = carry_out(effect, &mut terminal, &mut clipboard, &mut app)? {
                break 'run interrupted;
            }
        }
    };
    drop(_guard);
    drop(terminal);
    // A photo still being read when the workbench closes: its Tesseract goes.
    crate::label::end_readings();
    if let Some(text) = not_recorded(&app) {
        say!("{text}");
        return Ok(crate::exit::FAILURE);
    }
    Ok(if interrupted { 130 } else { 0 })
}

/// True when standard output is a terminal; otherwise says what to use instead.
fn on_a_terminal() -> bool {
    let yes = io::stdout().is_terminal();
    if !yes {
        say!(
            "radiocode: standard output is not a terminal, so the workbench cannot open. \
             For scripts use `radiocode decode SERIAL...` or `radiocode batch FILE`"
        );
    }
    yes
}

/// Carries out what an update asked of the terminal; `Some(interrupted)`
/// when the workbench ends.
fn carry_out(
    effect: Effect,
    terminal: &mut ratatui::DefaultTerminal,
    clipboard: &mut Clipboard,
    app: &mut App,
) -> anyhow::Result<Option<bool>> {
    match effect {
        Effect::None => {}
        Effect::Quit => return Ok(Some(false)),
        Effect::Interrupted => return Ok(Some(true)),
        Effect::Suspend => suspend(terminal)?,
        Effect::Copy(text) => {
            let to = clipboard.copy(&text);
            app.update(app::Msg::Copied(text, to));
        }
    }
    Ok(None)
}

/// When the loop last sent real time and last tried the records again.
struct Clocks {
    last: Instant,
    last_reconnect: Instant,
}

/// What happened while the loop waited for a key, brought in through
/// `update`: the server's news, the records' answers, a reconnection due,
/// real time for the practice radio and the job search, a photo's reading.
/// True when something changed.
fn news(
    app: &mut App,
    events: Option<&std::sync::mpsc::Receiver<crate::store::RecordsEvent>>,
    clocks: &mut Clocks,
    now: Instant,
) -> bool {
    let mut changed = false;
    if let Some(events) = events {
        while let Ok(e) = events.try_recv() {
            app.update(app::Msg::Records(e));
            changed = true;
        }
    }
    // What the records answered off this thread.
    while let Some(msg) = app.answered() {
        app.update(msg);
        changed = true;
    }
    if app.wants_reconnect() && clocks.last_reconnect.elapsed() > Duration::from_secs(2) {
        clocks.last_reconnect = Instant::now();
        app.update(app::Msg::Reconnect);
        changed = true;
    }
    // The practice radio's clock follows real time while something runs.
    if app.wants_ticks() {
        app.update(app::Msg::Tick(
            now.duration_since(clocks.last).as_millis() as u64
        ));
        changed = true;
    }
    clocks.last = now;
    // A photo from the phone, and the page's time running out.
    if let Some(msg) = app.phone_news() {
        app.update(msg);
        changed = true;
    }
    // A label photo being read: its step, and its answer once there.
    if app.photo.reading().is_some() {
        app.update(app::Msg::Photo(photo::PhotoMsg::Poll));
        changed = true;
    }
    changed
}

/// How photos are drawn: half-blocks, which every terminal shows, unless
/// the terminal says by its environment that it has graphics (kitty, iTerm2,
/// WezTerm, foot: asked for their details, which they answer; Windows
/// Terminal: sixel). A terminal that is not known to answer is never asked:
/// an unanswered question would swallow the technician's first keys.
/// RADIOCODE_GRAPHICS=halfblocks keeps half-blocks everywhere.
fn picker() -> ratatui_image::picker::Picker {
    use ratatui_image::picker::{Picker, ProtocolType};
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("RADIOCODE_GRAPHICS") == "halfblocks" || !var("TMUX").is_empty() {
        return Picker::halfblocks();
    }
    let term = var("TERM");
    let program = var("TERM_PROGRAM");
    let answers = term.contains("kitty")
        || !var("KITTY_WINDOW_ID").is_empty()
        || term.contains("foot")
        || matches!(program.as_str(), "iTerm.app" | "WezTerm" | "ghostty");
    if answers {
        return Picker::from_query_stdio().unwrap_or_else(|_| Picker::halfblocks());
    }
    let mut picker = Picker::halfblocks();
    if !var("WT_SESSION").is_empty() {
        picker.set_protocol_type(ProtocolType::Sixel);
    }
    picker
}

/// Draws a frame when something changed, and waits up to 100 ms for an event.
fn draw_and_read(
    terminal: &mut ratatui::DefaultTerminal,
    app: &App,
    changed: bool,
    wait: Duration,
) -> io::Result<Option<event::Event>> {
    if changed {
        terminal.draw(|frame| ui::render(app, frame))?;
    }
    if event::poll(wait)? {
        Ok(Some(event::read()?))
    } else {
        Ok(None)
    }
}

/// A terminal event (or none, when the wait ran out) through the scanner's
/// gate and the keymap into the workbench: what each message asked the
/// loop to do, and whether a message came at all. A scan is taken whole,
/// wherever the focus is; held keys go through as typed once their moment
/// passes.
pub fn feed(
    app: &mut App,
    gate: &mut scan::Gate,
    ev: Option<event::Event>,
    now: Instant,
) -> Vec<(Effect, bool)> {
    let gated = match ev {
        Some(ev) => {
            let hold = app.takes_scans();
            gate.event(ev, now, hold)
        }
        None => gate.due(now),
    };
    let mut out = Vec::new();
    for g in gated {
        let msg = match g {
            scan::Gated::Scan(text) => Some(app::Msg::Scanned(text)),
            scan::Gated::Event(ev) => keymap::on_event(app, &ev),
        };
        if let Some(msg) = msg {
            let effect = app.update(msg);
            let stop = matches!(effect, Effect::Quit | Effect::Interrupted);
            out.push((effect, true));
            if stop {
                break;
            }
        }
    }
    out
}

/// What to say on the way out about a try the records never got.
fn not_recorded(app: &App) -> Option<String> {
    use state::Pending;
    let pending = app.pending.as_ref()?;
    let t = pending.tried();
    let (code, outcome) = (t.code, t.outcome.id());
    Some(match pending {
        Pending::Try(job, _) => format!(
            "radiocode: job {job}: the try {code} {outcome} was NOT recorded: the records could \
             not be reached. Record it with `radiocode jobs try {job} {code} {outcome}` once they \
             are back"
        ),
        Pending::Job(job, _) => format!(
            "radiocode: the new job for {} ({}) and its try {code} {outcome} were NOT recorded: \
             the records could not be reached. Once they are back, start it with `radiocode jobs \
             add {} --vehicle ... --proof ...` and record the try with `radiocode jobs try JOB \
             {code} {outcome}`",
            crate::finding::escape_text(&job.serial),
            crate::finding::escape_text(&job.vehicle),
            crate::finding::escape_text(&job.serial)
        ),
    })
}

/// The system's clipboard when the session is local, else the terminal's.
struct Clipboard {
    /// Kept open: on X11 the copied text lives as long as its owner.
    system: Option<arboard::Clipboard>,
}

impl Clipboard {
    fn new() -> Clipboard {
        // Over SSH the system clipboard is the server's, not the technician's.
        let remote = ["SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"]
            .iter()
            .any(|v| std::env::var_os(v).is_some());
        Clipboard {
            system: if remote {
                None
            } else {
                arboard::Clipboard::new().ok()
            },
        }
    }

    fn copy(&mut self, text: &str) -> app::Copied {
        if let Some(c) = &mut self.system
            && c.set_text(text).is_ok()
        {
            return app::Copied::System;
        }
        let mut out = io::stdout();
        let _ = out.write_all(osc52(text).as_bytes());
        let _ = out.flush();
        app::Copied::Terminal
    }
}

/// The terminal sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_base64() {
        assert_eq!(osc52("6586"), "\x1b]52;c;NjU4Ng==\x07");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }
}
