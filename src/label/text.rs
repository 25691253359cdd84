//! The printed text on a label photo, read by Tesseract (the distribution's
//! `tesseract-ocr`, run as a program): its lines, each with where it is.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::photo::{Area, Grey};

/// Tesseract is stopped after this long: a photo it cannot make sense of
/// is not worth a technician's wait.
const LIMIT: Duration = Duration::from_secs(30);

/// One line of printed text and where it is on the photo.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub text: String,
    pub area: Area,
}

/// What became of reading the printed text.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Read(Vec<Line>),
    /// Tesseract is not on this machine: how to install it.
    NotInstalled(String),
    /// Tesseract ran and failed, or was stopped: what it said.
    Failed(String),
    Stopped,
}

/// How to install Tesseract on this system.
pub fn how_to_install() -> &'static str {
    if cfg!(windows) {
        "install Tesseract (the UB Mannheim build for Windows puts it in \
         C:\\Program Files\\Tesseract-OCR), or set RADIOCODE_TESSERACT to its tesseract.exe"
    } else {
        "install the distribution's tesseract-ocr (Debian, Ubuntu: sudo apt install \
         tesseract-ocr), or set RADIOCODE_TESSERACT to the program"
    }
}

/// The Tesseract program to run: `RADIOCODE_TESSERACT`, else `tesseract`
/// on the PATH (and, on Windows, where its installer puts it).
fn program() -> PathBuf {
    if let Some(p) = std::env::var_os("RADIOCODE_TESSERACT") {
        return PathBuf::from(p);
    }
    #[cfg(windows)]
    {
        let installed = PathBuf::from(r"C:\Program Files\Tesseract-OCR\tesseract.exe");
        if installed.is_file() {
            return installed;
        }
    }
    PathBuf::from("tesseract")
}

/// Reads the printed lines of `area` of `photo` (the whole photo where
/// `None`), scaled back to the photo's pixels. `stop` is asked while
/// Tesseract works, and ends it when it says so.
pub fn read(photo: &Grey, area: Option<Area>, stop: &dyn Fn() -> bool) -> Outcome {
    // Print on a label is read best at 20-40 pixels a letter: a phone
    // photo's full resolution only slows Tesseract down.
    let (cut, factor) = photo.prepared(area, 2400);
    let area = area.map_or(Area::default(), |a| a.clamped(photo.width, photo.height));
    let Some(png) = png_of(cut) else {
        return Outcome::Failed("the photo could not be handed to Tesseract".to_string());
    };
    let tsv = match run(png, stop) {
        Ok(Some(tsv)) => tsv,
        Ok(None) => return Outcome::Stopped,
        Err(outcome) => return outcome,
    };
    let mut lines = lines_of(&tsv);
    for line in &mut lines {
        line.area = Area {
            x: line.area.x * factor + area.x,
            y: line.area.y * factor + area.y,
            width: line.area.width * factor,
            height: line.area.height * factor,
        };
    }
    Outcome::Read(lines)
}

fn png_of(grey: Grey) -> Option<Vec<u8>> {
    let img = image::GrayImage::from_raw(grey.width, grey.height, grey.pixels)?;
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .ok()?;
    Some(out)
}

/// The Tesseracts running now, each the leader of a process group of its
/// own (with whatever a wrapper script started), so a time limit, a stop or
/// radiocode's own end takes all of it down.
static RUNNING: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

/// Ends whatever is left of the process group a Tesseract leads (on Unix;
/// elsewhere there is no group to end).
fn kill_group(leader: u32) {
    #[cfg(unix)]
    if let Some(pid) = rustix::process::Pid::from_raw(leader as i32) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    #[cfg(not(unix))]
    let _ = leader;
}

/// Ends a Tesseract and everything it started.
fn end_group(child: &mut std::process::Child) {
    kill_group(child.id());
    let _ = child.kill();
    let _ = child.wait();
}

/// Ends every Tesseract still running: radiocode is ending (a Ctrl-C, a
/// signal, the workbench closed during a reading).
pub fn end_all() {
    let running = std::mem::take(&mut *RUNNING.lock().unwrap_or_else(|e| e.into_inner()));
    running.into_iter().for_each(kill_group);
}

/// Runs Tesseract on a PNG given on its standard input; its TSV output, or
/// `None` when stopped.
fn run(png: Vec<u8>, stop: &dyn Fn() -> bool) -> Result<Option<String>, Outcome> {
    let program = program();
    let mut command = Command::new(&program);
    // Sparse text: a label's lines stand apart, in no page layout.
    command
        .args(["stdin", "stdout", "--psm", "11", "tsv"])
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Outcome::NotInstalled(how_to_install().to_string())
        } else {
            Outcome::Failed(format!("cannot run {}: {e}", crate::files::shown(&program)))
        }
    })?;
    RUNNING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(child.id());
    let outcome = talk(&mut child, png, stop);
    RUNNING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|&pid| pid != child.id());
    outcome
}

/// Hands Tesseract the photo and waits for its lines, within the limit.
fn talk(
    child: &mut std::process::Child,
    png: Vec<u8>,
    stop: &dyn Fn() -> bool,
) -> Result<Option<String>, Outcome> {
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        end_group(child);
        return Err(Outcome::Failed("cannot talk to Tesseract".to_string()));
    };
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&png);
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.take(16 * 1024 * 1024).read_to_end(&mut out);
        out
    });
    let errors = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stderr.take(64 * 1024).read_to_end(&mut out);
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if stop() || started.elapsed() > LIMIT => {
                end_group(child);
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                end_group(child);
                return Err(Outcome::Failed(format!("Tesseract: {e}")));
            }
        }
    };
    // Whatever a wrapper left running holds the output open: it goes too.
    kill_group(child.id());
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let err = errors.join().unwrap_or_default();
    let Some(status) = status else {
        if stop() {
            return Ok(None);
        }
        return Err(Outcome::Failed(format!(
            "Tesseract took more than {} s and was stopped",
            LIMIT.as_secs()
        )));
    };
    if !status.success() {
        let said = String::from_utf8_lossy(&err);
        let said = said.lines().last().unwrap_or("").trim();
        return Err(Outcome::Failed(format!(
            "Tesseract failed ({status}): {said}"
        )));
    }
    Ok(Some(String::from_utf8_lossy(&out).into_owned()))
}

/// The lines of Tesseract's TSV output: its words joined by line, each
/// line's box the one around its words.
fn lines_of(tsv: &str) -> Vec<Line> {
    let mut lines: Vec<((u32, u32, u32, u32), Line)> = Vec::new();
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let n = |i: usize| f[i].trim().parse::<u32>().unwrap_or(0);
        let word = f[11].trim();
        if word.is_empty() {
            continue;
        }
        let key = (n(1), n(2), n(3), n(4));
        let area = Area {
            x: n(6),
            y: n(7),
            width: n(8),
            height: n(9),
        };
        match lines.iter_mut().find(|(k, _)| *k == key) {
            Some((_, line)) => {
                line.text.push(' ');
                line.text.push_str(word);
                let (x1, y1) = (
                    (line.area.x + line.area.width).max(area.x + area.width),
                    (line.area.y + line.area.height).max(area.y + area.height),
                );
                line.area.x = line.area.x.min(area.x);
                line.area.y = line.area.y.min(area.y);
                line.area.width = x1 - line.area.x;
                line.area.height = y1 - line.area.y;
            }
            None => lines.push((
                key,
                Line {
                    text: word.to_string(),
                    area,
                },
            )),
        }
    }
    lines.into_iter().map(|(_, l)| l).collect()
}
