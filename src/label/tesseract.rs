//! Tesseract (the distribution's `tesseract-ocr`, run as a program), kept
//! running while a photo is read. Each one started reads picture after
//! picture: the name of each on its standard input, the lines of each on its
//! standard output as soon as it is read (its `stream_filelist`). Its start,
//! loading its model and tables, is most of the time of reading one label
//! view; kept running, it is paid once a photo, and while the barcodes are
//! read.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::photo::Grey;

/// Tesseract is stopped after this long on one picture: a photo it cannot
/// make sense of is not worth a technician's wait.
const LIMIT: Duration = Duration::from_secs(30);

/// Why Tesseract read nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Trouble {
    /// Tesseract is not on this machine: how to install it.
    NotInstalled(String),
    /// Tesseract ran and failed, or was stopped: what it said.
    Failed(String),
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

/// The Tesseracts running now, each the leader of a process group of its
/// own (with whatever a wrapper script started), so a time limit, a stop or
/// radiocode's own end takes all of it down.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn running() -> std::sync::MutexGuard<'static, Vec<u32>> {
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

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

/// Ends every Tesseract still running: radiocode is ending (a Ctrl-C, a
/// signal, the workbench closed during a reading).
pub fn end_all() {
    let all = std::mem::take(&mut *running());
    all.into_iter().for_each(kill_group);
    // radiocode ends without the readings' own ending: their folders go here.
    let folders = std::mem::take(&mut *FOLDERS.lock().unwrap_or_else(|e| e.into_inner()));
    for folder in folders {
        let _ = std::fs::remove_dir_all(folder);
    }
}

/// The folders of pictures the readings now under way hand Tesseract.
static FOLDERS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Tesseract's word lists left unloaded: a serial is no English word, so
/// they only pull a misread towards one, and loading them is a fifth of
/// each start.
const NO_DICTIONARIES: [&str; 6] = [
    "load_system_dawg=0",
    "load_freq_dawg=0",
    "load_punc_dawg=0",
    "load_number_dawg=0",
    "load_bigram_dawg=0",
    "load_unambig_dawg=0",
];

/// One Tesseract reading pictures in one page segmentation mode.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    /// Its output, line by line, from a thread of its own.
    rows: Receiver<String>,
    /// The last lines it said on its standard error.
    said: Arc<Mutex<VecDeque<String>>>,
    psm: u8,
    /// Pictures named to it so far.
    sent: u32,
    /// The last picture it is known to have read.
    answered: u32,
}

impl Worker {
    fn start(psm: u8) -> Result<Worker, Trouble> {
        let program = program();
        let mut command = Command::new(&program);
        let psm_arg = psm.to_string();
        command
            .args([
                "-",
                "-",
                "--psm",
                psm_arg.as_str(),
                "-c",
                "stream_filelist=1",
            ])
            .args(NO_DICTIONARIES.iter().flat_map(|d| ["-c", d]))
            .arg("tsv")
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Trouble::NotInstalled(how_to_install().to_string())
            } else {
                Trouble::Failed(format!("cannot run {}: {e}", crate::files::shown(&program)))
            }
        })?;
        running().push(child.id());
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            end(&mut child);
            return Err(Trouble::Failed("cannot talk to Tesseract".to_string()));
        };
        let (send, rows) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let said = Arc::new(Mutex::new(VecDeque::new()));
        let keep = Arc::clone(&said);
        std::thread::spawn(move || {
            // Lines of at most 4 KB, the last 8 kept.
            let mut lines = BufReader::new(stderr);
            let mut line = Vec::new();
            loop {
                line.clear();
                match (&mut lines).take(4096).read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let mut kept = keep.lock().unwrap_or_else(|e| e.into_inner());
                        if kept.len() == 8 {
                            kept.pop_front();
                        }
                        kept.push_back(String::from_utf8_lossy(&line).trim().to_string());
                    }
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            rows,
            said,
            psm,
            sent: 0,
            answered: 0,
        })
    }

    /// Notes the page a row of output belongs to: a blank ending picture
    /// (an even page) read means every picture before it was read.
    fn heard(&mut self, row: &str) -> Option<u32> {
        let of = row.split('\t').nth(1).and_then(|n| n.parse::<u32>().ok());
        if let Some(n) = of.filter(|n| n % 2 == 0) {
            self.answered = self.answered.max(n);
        }
        of
    }

    /// Whether it has read every picture named to it (none left from a
    /// reading that was stopped).
    fn caught_up(&mut self) -> bool {
        while let Ok(row) = self.rows.try_recv() {
            self.heard(&row);
        }
        self.answered == self.sent
    }

    /// Reads the picture at `picture`, then `end` (a blank picture whose
    /// line in the output marks the end of the first's): the first's TSV, or
    /// `None` when `stop` said so first (the worker still reads it, and its
    /// lines are passed over in the next reading).
    fn read(
        &mut self,
        picture: &Path,
        end: &Path,
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<String>, Trouble> {
        let named = format!("{}\n{}\n", picture.display(), end.display());
        if self
            .stdin
            .write_all(named.as_bytes())
            .and_then(|()| self.stdin.flush())
            .is_err()
        {
            return Err(self.failed());
        }
        let (page, marker) = (self.sent + 1, self.sent + 2);
        self.sent += 2;
        let started = Instant::now();
        let mut tsv = String::new();
        loop {
            match self.rows.recv_timeout(Duration::from_millis(5)) {
                Ok(row) => {
                    let of = self.heard(&row);
                    if of == Some(marker) {
                        return Ok(Some(tsv));
                    }
                    if of == Some(page) {
                        tsv.push_str(&row);
                        tsv.push('\n');
                    }
                }
                Err(RecvTimeoutError::Timeout) if stop() => return Ok(None),
                Err(RecvTimeoutError::Timeout) if started.elapsed() > LIMIT => {
                    return Err(Trouble::Failed(format!(
                        "Tesseract took more than {} s and was stopped",
                        LIMIT.as_secs()
                    )));
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Err(self.failed()),
            }
        }
    }

    /// What went wrong with a Tesseract that stopped answering.
    fn failed(&mut self) -> Trouble {
        // Its output ended: it has ended, or is about to.
        let deadline = Instant::now() + Duration::from_millis(500);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => break None,
            }
        };
        let said = self.said.lock().unwrap_or_else(|e| e.into_inner());
        let last = said
            .iter()
            .rev()
            .find(|l| !l.is_empty() && !l.starts_with("Page ") && !l.starts_with("Estimating"))
            .cloned()
            .unwrap_or_default();
        Trouble::Failed(match status {
            Some(status) => format!("Tesseract failed ({status}): {last}"),
            None => format!("Tesseract stopped answering: {last}"),
        })
    }
}

/// Ends a Tesseract and everything it started.
fn end(child: &mut Child) {
    kill_group(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let id = child.id();
    running().retain(|&pid| pid != id);
}

impl Drop for Worker {
    fn drop(&mut self) {
        end(&mut self.child);
    }
}

/// The Tesseracts a photo's reading keeps running, and the folder its
/// pictures are handed over in; all of it ends when the reading does.
pub struct Pool {
    idle: Mutex<Vec<Worker>>,
    folder: Mutex<Option<tempfile::TempDir>>,
    next: AtomicU64,
}

impl Default for Pool {
    fn default() -> Pool {
        Pool {
            idle: Mutex::new(Vec::new()),
            folder: Mutex::new(None),
            next: AtomicU64::new(0),
        }
    }
}

impl Pool {
    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Worker>> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ends the Tesseracts still reading pictures no longer waited for (a
    /// photo before this one stopped looking), and all but `keep` of the
    /// others: a new photo's reading would wait behind them.
    pub fn settle(&self, keep: usize) {
        let mut idle = self.idle();
        idle.retain_mut(Worker::caught_up);
        idle.truncate(keep);
    }

    /// Starts Tesseracts reading in `psm` ahead of need, till `count` are
    /// waiting: their start runs meanwhile. (Where one cannot start, the
    /// reading that needs it says why.)
    pub fn warm(&self, psm: u8, count: usize) {
        while self.idle().iter().filter(|w| w.psm == psm).count() < count {
            match Worker::start(psm) {
                Ok(worker) => self.idle().push(worker),
                Err(_) => return,
            }
        }
    }

    /// The folder pictures are handed over in, and the blank picture that
    /// ends each.
    fn folder(&self) -> Result<(PathBuf, PathBuf), Trouble> {
        let mut folder = self.folder.lock().unwrap_or_else(|e| e.into_inner());
        if folder.is_none() {
            let made = tempfile::Builder::new()
                .prefix("radiocode-")
                .tempdir_in(folder_base())
                .map_err(|e| {
                    Trouble::Failed(format!(
                        "cannot make a folder for Tesseract's pictures: {e}"
                    ))
                })?;
            let end = made.path().join("end.pgm");
            std::fs::write(&end, pgm(&Grey::new(32, 32))).map_err(|e| {
                Trouble::Failed(format!("cannot write a picture for Tesseract: {e}"))
            })?;
            FOLDERS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(made.path().to_path_buf());
            *folder = Some(made);
        }
        let path = folder
            .as_ref()
            .map(|f| f.path().to_path_buf())
            .unwrap_or_default();
        let end = path.join("end.pgm");
        Ok((path, end))
    }

    /// Reads `picture` with a Tesseract in `psm` (one waiting, else one
    /// started): its TSV output, `None` when `stop` said so first.
    pub fn read(
        &self,
        picture: &Grey,
        psm: u8,
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<String>, Trouble> {
        let (folder, end) = self.folder()?;
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let path = folder.join(format!("view-{n}.pgm"));
        std::fs::write(&path, pgm(picture))
            .map_err(|e| Trouble::Failed(format!("cannot write a picture for Tesseract: {e}")))?;
        let waiting = {
            let mut idle = self.idle();
            let at = idle.iter().position(|w| w.psm == psm);
            at.map(|i| idle.swap_remove(i))
        };
        let mut worker = match waiting {
            Some(worker) => worker,
            None => Worker::start(psm)?,
        };
        let read = worker.read(&path, &end, stop);
        // A picture stopped is still being read: it stays until the folder goes.
        if !matches!(read, Ok(None)) {
            let _ = std::fs::remove_file(&path);
        }
        if read.is_ok() {
            self.idle().push(worker);
        }
        read
    }
}

/// Where the folder for Tesseract's pictures is made: the system's
/// temporary folder. Tesseract for Windows opens a picture by a name in the
/// system's code page, so where that folder's path is not plain ASCII (a
/// user name with an accent) the public folder (or ProgramData) is used.
fn folder_base() -> PathBuf {
    let temp = std::env::temp_dir();
    if cfg!(unix) || temp.to_str().is_some_and(|p| p.is_ascii()) {
        return temp;
    }
    ["PUBLIC", "ProgramData"]
        .iter()
        .filter_map(std::env::var_os)
        .map(PathBuf::from)
        .find(|p| p.to_str().is_some_and(|p| p.is_ascii()) && p.is_dir())
        .unwrap_or(temp)
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Its Tesseracts end first (they hold its pictures open on Windows).
        self.idle().clear();
        let folder = self.folder.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(folder) = folder {
            let path = folder.path().to_path_buf();
            FOLDERS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|f| *f != path);
        }
    }
}

/// A grey picture as a binary PGM, which Tesseract reads without decoding.
fn pgm(grey: &Grey) -> Vec<u8> {
    let mut out = format!("P5\n{} {}\n255\n", grey.width, grey.height).into_bytes();
    out.extend_from_slice(&grey.pixels);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installed(test: &str) -> bool {
        let there = Command::new("tesseract")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !there {
            eprintln!(
                "radiocode tests: {test}: DID NOT RUN: Tesseract (tesseract-ocr) is not installed"
            );
            assert!(
                cfg!(windows) || std::env::var_os("CI").is_none_or(|v| v.is_empty()),
                "in CI Tesseract must be installed (.ci/run installs tesseract-ocr)"
            );
        }
        there
    }

    /// The page numbers of the rows of a TSV output.
    fn pages(tsv: &str) -> Vec<u32> {
        tsv.lines()
            .filter_map(|row| row.split('\t').nth(1)?.parse().ok())
            .collect()
    }

    #[test]
    fn one_tesseract_reads_picture_after_picture_each_its_own_lines() {
        if !installed("one_tesseract_reads_picture_after_picture_each_its_own_lines") {
            return;
        }
        let pool = Pool::default();
        let picture = Grey::new(300, 120);
        // Stopped at once: the picture is still read, and passed over.
        assert_eq!(pool.read(&picture, 11, &|| true), Ok(None));
        let first = pool.read(&picture, 11, &|| false).unwrap().unwrap();
        let second = pool.read(&picture, 11, &|| false).unwrap().unwrap();
        // Each picture is followed by the blank that ends it: the third
        // and fifth pages named, each with its own page's rows alone.
        assert_eq!(pages(&first), [3], "{first}");
        assert_eq!(pages(&second), [5], "{second}");
        // One Tesseract did all of it, and waits for more.
        assert_eq!(pool.idle().len(), 1);
        let folder = pool.folder().unwrap().0;
        assert!(folder.is_dir());
        drop(pool);
        assert!(!folder.exists(), "the pictures' folder is left behind");
    }

    #[test]
    fn tesseracts_warmed_wait_one_for_each_reading() {
        if !installed("tesseracts_warmed_wait_one_for_each_reading") {
            return;
        }
        let pool = Pool::default();
        pool.warm(11, 2);
        pool.warm(11, 2);
        pool.warm(6, 1);
        let ids: Vec<u32> = pool.idle().iter().map(|w| w.child.id()).collect();
        assert_eq!(ids.len(), 3);
        assert!(ids.iter().all(|id| running().contains(id)));
        drop(pool);
        assert!(ids.iter().all(|id| !running().contains(id)));
    }

    #[test]
    fn a_batch_keeps_the_tesseracts_that_are_free_and_ends_the_others() {
        if !installed("a_batch_keeps_the_tesseracts_that_are_free_and_ends_the_others") {
            return;
        }
        let pool = Pool::default();
        let picture = Grey::new(300, 120);
        // One left reading a picture no longer waited for, then three free.
        assert_eq!(pool.read(&picture, 11, &|| true), Ok(None));
        let busy = pool.idle()[0].child.id();
        pool.settle(2);
        assert!(pool.idle().is_empty(), "a Tesseract still reading was kept");
        assert!(!running().contains(&busy));
        pool.warm(11, 3);
        pool.settle(2);
        assert_eq!(pool.idle().len(), 2);
        // What is kept reads the next picture as its own.
        let read = pool.read(&picture, 11, &|| false).unwrap().unwrap();
        assert_eq!(pages(&read), [1], "{read}");
    }
}
