//! The ways the system ends or stops the workbench. On Unix: SIGTERM,
//! SIGHUP, SIGQUIT and SIGINT end it, SIGTSTP (Ctrl-Z) suspends it. On
//! Windows: the console's ending events (Ctrl-C, Ctrl-Break, closing the
//! window, log-off, shut-down) end it; there is no suspend. Either way the
//! terminal is handed back first, after any try being written, and a try the
//! records never got is said.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// What an ending signal waits for: the update in progress, and what it
/// must say on the way out about a try not recorded.
pub type Busy = Arc<Mutex<Option<String>>>;

/// Ends the process after handing the terminal back.
fn end(held: &Busy, status: i32) -> ! {
    let not_recorded = held.lock().unwrap_or_else(|e| e.into_inner());
    crate::label::end_readings();
    super::hand_back();
    // The terminal may be gone: nothing written here may fail loudly.
    if let Some(text) = not_recorded.as_ref() {
        let _ = writeln!(io::stderr(), "{text}");
    }
    std::process::exit(status);
}

/// The ending signals, caught on a thread of their own (so a hung-up
/// terminal that keeps the event reader busy cannot keep the workbench
/// running), and the suspend request.
pub struct Signals {
    stopped: Arc<AtomicBool>,
}

impl Signals {
    /// True once after the system asked the workbench to stop (Ctrl-Z).
    pub fn stop_requested(&self) -> bool {
        self.stopped.swap(false, Ordering::Relaxed)
    }
}

#[cfg(unix)]
pub fn install(busy: &Busy) -> io::Result<Signals> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGQUIT, SIGINT])?;
    let held = Arc::clone(busy);
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            end(&held, 128 + sig);
        }
    });
    let stopped = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(SIGTSTP, Arc::clone(&stopped))?;
    Ok(Signals { stopped })
}

#[cfg(windows)]
pub fn install(busy: &Busy) -> io::Result<Signals> {
    let held = Arc::clone(busy);
    // Ctrl-C, Ctrl-Break, the window closed, log-off, shut-down. Status 130,
    // as a shell reports a Ctrl-C.
    ctrlc::set_handler(move || end(&held, 130)).map_err(io::Error::other)?;
    Ok(Signals {
        stopped: Arc::new(AtomicBool::new(false)),
    })
}

/// Stops the process as a shell expects (Unix); the caller has handed the
/// terminal back and takes it again afterwards.
#[cfg(unix)]
pub fn stop_self() -> io::Result<()> {
    signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP)
}

/// Windows has no suspend: nothing to do.
#[cfg(windows)]
pub fn stop_self() -> io::Result<()> {
    Ok(())
}

/// Whether this system can suspend the workbench (Ctrl-Z).
pub const CAN_SUSPEND: bool = cfg!(unix);
