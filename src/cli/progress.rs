//! How far long work has got, on standard error: only when standard error is
//! a terminal, and only once the work has taken more than a moment, so
//! scripts, pipes and quick runs see exactly what they always saw.

use std::cell::Cell;
use std::io::{IsTerminal, Read};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before its bar shows.
const A_MOMENT: Duration = Duration::from_millis(700);

/// What is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Bytes of a file read.
    Bytes,
    /// Things with a name of their own: "rows", "photos", "files", "records".
    Items(&'static str),
}

/// A bar that shows itself on a terminal once work takes more than a moment.
pub struct Progress {
    bar: ProgressBar,
    unit: Unit,
    /// False when standard error is not a terminal: nothing is ever drawn.
    terminal: bool,
    shown: Cell<bool>,
    finished: Cell<bool>,
}

impl Progress {
    /// Work of `total` units (unknown: `None`), said as `what` ("importing").
    pub fn new(what: &str, total: Option<u64>, unit: Unit) -> Progress {
        Progress::on(std::io::stderr().is_terminal(), what, total, unit)
    }

    /// As `new`, saying whether standard error is a terminal.
    pub fn on(terminal: bool, what: &str, total: Option<u64>, unit: Unit) -> Progress {
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden());
        bar.set_message(what.to_string());
        let p = Progress {
            bar,
            unit,
            terminal,
            shown: Cell::new(false),
            finished: Cell::new(false),
        };
        p.style(total.is_some());
        p
    }

    fn style(&self, with_total: bool) {
        let template = match (with_total, self.unit) {
            (true, Unit::Bytes) => {
                "{msg} [{bar:30}] {bytes}/{total_bytes}  {bytes_per_sec}  {elapsed}, about {eta} left"
                    .to_string()
            }
            (false, Unit::Bytes) => "{msg} {bytes}  {bytes_per_sec}  {elapsed}".to_string(),
            (true, Unit::Items(name)) => format!(
                "{{msg}} [{{bar:30}}] {{human_pos}}/{{human_len}} {name}  {{elapsed}}, about {{eta}} left"
            ),
            (false, Unit::Items(name)) => {
                format!("{{msg}} {{human_pos}} {name}  {{per_sec}}  {{elapsed}}")
            }
        };
        if let Ok(style) = ProgressStyle::with_template(&template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
    }

    /// `n` more units done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
        self.show_when_long();
    }

    /// The total is now known (or changed).
    pub fn set_total(&self, total: u64) {
        self.bar.set_length(total);
        self.style(true);
    }

    /// What is being done now.
    pub fn say(&self, what: &str) {
        self.bar.set_message(what.to_string());
        self.show_when_long();
    }

    /// Runs `f` with the bar off the screen, for output to the same terminal.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// True once the bar has been drawn.
    #[cfg(test)]
    pub fn shown(&self) -> bool {
        self.shown.get()
    }

    /// The work is done: a bar that was shown stays, with what was done
    /// and how long it took.
    pub fn finish(&self) {
        self.finished.set(true);
        if self.shown.get() {
            let template = match self.unit {
                Unit::Bytes => "{msg}: {bytes} in {elapsed}, {bytes_per_sec}".to_string(),
                Unit::Items(name) => format!("{{msg}}: {{human_pos}} {name} in {{elapsed}}"),
            };
            if let Ok(style) = ProgressStyle::with_template(&template) {
                self.bar.set_style(style);
            }
            self.bar.abandon();
        }
    }

    fn show_when_long(&self) {
        if self.terminal && !self.shown.get() && self.bar.elapsed() >= A_MOMENT {
            self.shown.set(true);
            self.bar
                .set_draw_target(ProgressDrawTarget::stderr_with_hz(8));
            self.bar.tick();
        }
    }
}

impl Drop for Progress {
    /// Work that ended early (an error) takes its bar away, so the message
    /// that follows stands on a line of its own.
    fn drop(&mut self) {
        if self.shown.get() && !self.finished.get() {
            self.bar.finish_and_clear();
        }
    }
}

/// A reader that counts what is read from it into a bar.
pub struct Counted<'p, R> {
    inner: R,
    progress: &'p Progress,
}

impl<'p, R: Read> Counted<'p, R> {
    pub fn new(inner: R, progress: &'p Progress) -> Counted<'p, R> {
        Counted { inner, progress }
    }
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.inc(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_a_terminal_nothing_is_ever_shown() {
        let p = Progress::on(false, "importing", Some(10), Unit::Bytes);
        std::thread::sleep(A_MOMENT + Duration::from_millis(50));
        p.inc(5);
        assert!(!p.shown());
        assert!(p.bar.is_hidden());
        p.finish();
    }

    #[test]
    fn on_a_terminal_only_work_longer_than_a_moment_shows() {
        let quick = Progress::on(true, "importing", Some(10), Unit::Items("rows"));
        quick.inc(10);
        assert!(!quick.shown(), "a quick run shows nothing");
        quick.finish();
        let slow = Progress::on(true, "importing", None, Unit::Items("rows"));
        std::thread::sleep(A_MOMENT + Duration::from_millis(50));
        slow.inc(1);
        assert!(slow.shown());
        // The bar itself draws only where standard error is a terminal.
        slow.finish();
    }

    #[test]
    fn a_counted_reader_counts_every_byte() {
        let p = Progress::on(false, "reading", None, Unit::Bytes);
        let mut text = String::new();
        Counted::new("serial,code\nJ727,6586\n".as_bytes(), &p)
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(p.bar.position(), text.len() as u64);
    }
}
