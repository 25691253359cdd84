//! The real binary in a pseudo-terminal: start, type, read the screen, quit,
//! and check the terminal is handed back as it was found.
#![cfg(unix)]

mod common;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

struct Session {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    seen: Arc<Mutex<(vt100::Parser, Vec<u8>)>>,
    /// Set when the reader has seen the end of the child's output.
    drained: Arc<AtomicBool>,
    _dir: tempfile::TempDir,
}

impl Session {
    fn start(args: &[&str]) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_radiocode"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("RADIOCODE_DB", dir.path().join("radiocode.db"));
        // The phone page stays on the loopback.
        cmd.env("RADIOCODE_PHONE_BIND", "127.0.0.1");
        // Never the desktop's own clipboard: the terminal's (OSC 52) is what
        // a session without one uses.
        cmd.env_remove("DISPLAY");
        cmd.env_remove("WAYLAND_DISPLAY");
        cmd.cwd(dir.path());
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (rows, cols) = (NonZeroU16::new(30).unwrap(), NonZeroU16::new(100).unwrap());
        let seen = Arc::new(Mutex::new((vt100::Parser::new(rows, cols, 0), Vec::new())));
        let sink = Arc::clone(&seen);
        let drained = Arc::new(AtomicBool::new(false));
        let done = Arc::clone(&drained);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = sink.lock().unwrap();
                s.0.process(&buf[..n]);
                s.1.extend_from_slice(&buf[..n]);
            }
            done.store(true, Ordering::SeqCst);
        });
        Session {
            master: pair.master,
            writer,
            child,
            seen,
            drained,
            _dir: dir,
        }
    }

    /// The workbench, drawn and reading keys.
    fn workbench() -> Session {
        let s = Session::start(&[]);
        s.wait_for("Auto-detect");
        s.wait_raw_mode();
        s
    }

    fn screen(&self) -> String {
        self.seen.lock().unwrap().0.screen().contents()
    }

    fn raw(&self) -> Vec<u8> {
        self.seen.lock().unwrap().1.clone()
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("'{text}' never appeared; the screen:\n{}", self.screen());
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Everything it wrote is read before the screen is checked.
                while !self.drained.load(Ordering::SeqCst) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(10));
                }
                return status.exit_code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("radiocode did not exit; the screen:\n{}", self.screen());
    }

    /// Whether the terminal is in canonical (cooked) mode, as a shell expects.
    fn canonical(&self) -> bool {
        let fd: RawFd = self.master.as_raw_fd().expect("a unix pty");
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd is the open pty master and t is a valid termios to fill.
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
        t.c_lflag & libc::ICANON != 0
    }

    fn wait_raw_mode(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.canonical() {
            assert!(Instant::now() < deadline, "raw mode never turned on");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Session {
    /// A test that fails half-way leaves no workbench running behind it.
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn assert_restored(s: &Session) {
    let raw = String::from_utf8_lossy(&s.raw()).into_owned();
    assert!(raw.contains("\x1b[?1049l"), "the alternate screen was left");
    assert!(raw.contains("\x1b[?1000l"), "mouse capture was turned off");
    assert!(
        raw.contains("\x1b[?2004l"),
        "bracketed paste was turned off"
    );
    assert!(!s.seen.lock().unwrap().0.screen().alternate_screen());
    assert!(s.canonical(), "raw mode was turned off");
}

#[test]
fn type_a_precode_see_its_code_and_quit() {
    let mut s = Session::workbench();
    s.send(b"j727");
    s.wait_for("6586");
    s.wait_for("Renault precode algorithm");
    // Esc clears the typed serial first; on an empty field it quits.
    s.send(b"\x1b");
    s.wait_for("Esc again quits");
    s.send(b"\x1b");
    assert_eq!(s.wait_exit(), 0);
    assert_restored(&s);
}

#[test]
fn paste_a_label_choose_a_code_and_quit_with_ctrl_c() {
    let mut s = Session::workbench();
    s.send(b"\x1b[200~bp 5384 6 4182965\x1b[201~");
    s.wait_for("7091");
    s.send(b"\t");
    s.wait_for("a accepted · r refused");
    s.send(b"j");
    s.wait_for("1091: second try");
    s.send(b"\x03");
    // The Ctrl-C key ends the workbench as the signal would: status 130.
    assert_eq!(s.wait_exit(), 130);
    assert_restored(&s);
}

#[test]
fn without_a_terminal_the_workbench_says_what_to_use() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .env(
            "RADIOCODE_DB",
            std::env::temp_dir().join("radiocode-none/none.db"),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a terminal"), "{err}");
    assert!(err.contains("radiocode decode"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn practise_a_renault_code_to_unlocked() {
    let mut s = Session::workbench();
    s.send(b"j727");
    s.wait_for("6586");
    s.send(b"\t\t");
    s.wait_for("guide 1/");
    s.send(b"p");
    s.wait_for("practice");
    // 6586: preset 1 six times, 2 five times, 3 eight times, 4 six times.
    for presses in [&b"111111"[..], b"22222", b"33333333", b"444444"] {
        s.send(presses);
    }
    s.wait_for("display: 6586");
    s.send(b"h");
    s.wait_for("hold 6");
    s.send(b"f");
    // Practice says it is practice: only the real radio can tell.
    s.wait_for("practice: the simulated radio accepts 6586");
    s.wait_for("display: FM 1");
    s.send(b"\x03");
    assert_eq!(s.wait_exit(), 130);
    assert_restored(&s);
}

impl Session {
    fn pid(&self) -> i32 {
        self.child.process_id().expect("a running child") as i32
    }

    fn signal(&self, sig: i32) {
        // SAFETY: kill with a pid this test started and a valid signal number.
        assert_eq!(unsafe { libc::kill(self.pid(), sig) }, 0);
    }

    /// The process state letter from /proc: T while stopped.
    fn state(&self) -> char {
        std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))
            .ok()
            .and_then(|s| s.rsplit(')').next().and_then(|r| r.trim().chars().next()))
            .unwrap_or('?')
    }

    fn wait_state(&self, want: char) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.state() != want {
            assert!(Instant::now() < deadline, "never reached state {want}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn sigterm_and_sighup_hand_the_terminal_back_with_the_usual_status() {
    for (sig, status) in [
        (libc::SIGTERM, 143),
        (libc::SIGHUP, 129),
        (libc::SIGQUIT, 131),
    ] {
        let mut s = Session::start(&[]);
        s.wait_for("Auto-detect");
        s.wait_raw_mode();
        s.send(b"j727");
        s.wait_for("6586");
        s.signal(sig);
        assert_eq!(s.wait_exit(), status, "signal {sig}");
        assert_restored(&s);
        let raw = String::from_utf8_lossy(&s.raw()).into_owned();
        assert!(
            raw.ends_with("\x1b[?25h") || raw.contains("\x1b[?25h"),
            "cursor shown"
        );
    }
}

#[test]
fn a_terminal_that_goes_away_ends_the_workbench() {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    // A terminal of our own, so every handle on its master side can be closed.
    // Opened close-on-exec at once: other tests fork children meanwhile, and
    // one holding the master open would keep the terminal up.
    // SAFETY: plain libc calls on fds opened here; ptsname_r fills `name`.
    let (master, slave) = unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(master >= 0);
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(master, name.as_mut_ptr(), name.len()), 0);
        let slave = libc::open(
            name.as_ptr(),
            libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
        );
        assert!(slave >= 0);
        let size = libc::winsize {
            ws_row: 30,
            ws_col: 100,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        assert_eq!(libc::ioctl(master, libc::TIOCSWINSZ, &size), 0);
        (master, slave)
    };
    // SAFETY: both fds were just opened and are owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_radiocode"));
    cmd.env("TERM", "xterm-256color")
        .env("RADIOCODE_DB", dir.path().join("radiocode.db"))
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave.try_clone().unwrap());
    // SAFETY: setsid and ioctl are async-signal-safe; fd 0 is the terminal.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY, 0);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    drop(slave);
    /// Kills the workbench if the test fails before it ends.
    struct Reap(u32);
    impl Drop for Reap {
        fn drop(&mut self) {
            // SAFETY: a pid this test started; SIGKILL needs nothing else.
            unsafe { libc::kill(self.0 as i32, libc::SIGKILL) };
        }
    }
    let _reap = Reap(child.id());
    // Read what it draws until the workbench is up, then hang up.
    let mut file = std::fs::File::from(master);
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("Auto-detect") {
        assert!(Instant::now() < deadline, "the workbench never drew");
        let n = file.read(&mut buf).unwrap();
        seen.extend_from_slice(&buf[..n]);
    }
    drop(file);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            use std::os::unix::process::ExitStatusExt;
            assert!(
                status.code() == Some(129) || status.signal() == Some(libc::SIGHUP),
                "{status:?}"
            );
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the workbench kept running without a terminal");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn ctrl_z_suspends_with_the_terminal_restored_and_fg_redraws() {
    let mut s = Session::workbench();
    s.send(b"j727");
    s.wait_for("6586");
    s.send(b"\x1a");
    s.wait_state('T');
    assert!(
        s.canonical(),
        "the shell gets a cooked terminal while stopped"
    );
    // What the workbench wrote before it stopped may still be on its way
    // through the pseudo-terminal: wait for it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.seen.lock().unwrap().0.screen().alternate_screen() {
        assert!(
            Instant::now() < deadline,
            "the main screen was not given back"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    s.signal(libc::SIGCONT);
    s.wait_raw_mode();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !s.seen.lock().unwrap().0.screen().alternate_screen() {
        assert!(Instant::now() < deadline, "the workbench never came back");
        std::thread::sleep(Duration::from_millis(20));
    }
    s.wait_for("6586");
    s.wait_for("Renault precode algorithm");
    s.send(b"\x03");
    assert_eq!(s.wait_exit(), 130);
    assert_restored(&s);
}

#[test]
fn the_bash_completion_script_loads_in_bash() {
    let Ok(bash) = which("bash") else {
        let _ = writeln!(
            std::io::stderr(),
            "radiocode tests: the_bash_completion_script_loads_in_bash: DID NOT RUN: bash is not here"
        );
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "in CI bash must be there"
        );
        return;
    };
    let script = std::process::Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert_eq!(script.status.code(), Some(0));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("radiocode.bash");
    std::fs::write(&file, &script.stdout).unwrap();
    let out = std::process::Command::new(bash)
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p radiocode && COMP_WORDS=(radiocode jo); COMP_CWORD=1; \
             _radiocode radiocode jo radiocode; echo \"${{COMPREPLY[@]}}\"",
            file.display()
        ))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("-F _radiocode radiocode"), "{said}");
    assert!(said.contains("jobs"), "completes a subcommand: {said}");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_radiocode"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success() && out.stdout.len() > 100, "{shell}");
    }
    let man = std::process::Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .arg("man")
        .output()
        .unwrap();
    let man = String::from_utf8_lossy(&man.stdout);
    assert!(
        man.starts_with(".ie") && man.contains(".TH radiocode 1"),
        "{man}"
    );
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|f| f.exists())
        })
        .ok_or(())
}

#[test]
fn an_idle_workbench_does_not_redraw() {
    let mut s = Session::workbench();
    s.send(b"j727");
    s.wait_for("Renault precode algorithm");
    std::thread::sleep(Duration::from_millis(400));
    let before = s.raw().len();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(s.raw().len(), before, "nothing drawn while nothing changes");
    s.send(b"\x03");
    assert_eq!(s.wait_exit(), 130);
}

#[test]
fn without_a_system_clipboard_the_code_goes_to_the_terminal_and_it_says_so() {
    let mut s = Session::workbench();
    s.send(b"j727");
    s.wait_for("Renault precode algorithm");
    s.send(b"\r");
    s.send(b"y");
    s.wait_for("sent 6586 to the terminal's clipboard (OSC 52)");
    let raw = String::from_utf8_lossy(&s.raw()).into_owned();
    assert!(
        raw.contains("\x1b]52;c;NjU4Ng==\x07"),
        "the OSC 52 sequence was sent"
    );
    s.send(b"\x03");
    assert_eq!(s.wait_exit(), 130);
}

#[test]
fn a_scanner_burst_is_marked_scanned_and_typing_is_not() {
    let mut s = Session::workbench();
    // A scanner: the whole serial and its Enter in one go.
    s.send(b"M123456\r");
    s.wait_for("Serial: scanned");
    assert!(s.screen().contains("M123456"), "{}", s.screen());
    // A second scan lands in the serial too, though the focus is in the
    // codes now: its J is not the jobs view, its Enter copies nothing.
    s.send(b"281150063RTJ727\r");
    s.wait_for("scanned 281150063RTJ727");
    s.wait_for("Renault precode algorithm");
    let screen = s.screen();
    assert!(
        !screen.contains("copied") && !screen.contains("Search"),
        "{screen}"
    );
    // Back to the field (Enter left it) and cleared, then typed a key at a
    // time as a person types.
    s.send(b"\x1b");
    std::thread::sleep(Duration::from_millis(200));
    s.send(b"\x1b");
    s.wait_for("serial cleared");
    for c in b"M123456" {
        s.send(&[*c]);
        std::thread::sleep(Duration::from_millis(120));
    }
    s.send(b"\r");
    s.wait_for("Codes, in the order");
    assert!(!s.screen().contains("Serial: scanned"), "{}", s.screen());
    // An AZERTY scanner's number row is read as digits, with a warning.
    s.send(b"\x1b");
    std::thread::sleep(Duration::from_millis(200));
    s.send(b"\x1b");
    s.wait_for("serial cleared");
    s.send("M&\"'(-è\r".as_bytes());
    s.wait_for("Serial: scanned");
    s.wait_for("AZERTY");
    s.send(b"\x03");
    s.wait_exit();
}

/// A code book CSV of `rows` rows in `dir`.
fn big_book_csv(dir: &std::path::Path, rows: u32) -> std::path::PathBuf {
    let path = dir.join("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "serial,code").unwrap();
    for i in 0..rows {
        writeln!(f, "M{i:06},{:04}", i % 10_000).unwrap();
    }
    f.flush().unwrap();
    path
}

#[test]
fn a_long_import_on_a_terminal_shows_how_far_it_has_got() {
    let dir = tempfile::tempdir().unwrap();
    let csv = big_book_csv(dir.path(), 120_000);
    let mut s = Session::start(&["book", "import", csv.to_str().unwrap()]);
    s.wait_for("importing [");
    assert_eq!(s.wait_exit(), 0, "{}", s.screen());
    let screen = s.screen();
    assert!(screen.contains("imported: 120000 new"), "{screen}");
    // The bar leaves what was done and how long it took, on a line of its own.
    let done = screen.lines().find(|l| l.starts_with("importing: "));
    assert!(done.is_some_and(|l| l.contains(" MiB in ")), "{screen}");
}

#[test]
fn a_long_import_into_a_pipe_says_only_what_it_always_said() {
    let dir = tempfile::tempdir().unwrap();
    let csv = big_book_csv(dir.path(), 120_000);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .args(["book", "import", csv.to_str().unwrap()])
        .env("RADIOCODE_DB", dir.path().join("radiocode.db"))
        .env("RADIOCODE_CONFIG", dir.path().join("none.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "imported: 120000 new, 0 already in the book, 0 bad rows\n"
    );
}

/// A photo being read when radiocode is interrupted: the Tesseract it runs,
/// and anything that started (a wrapper script's own children), end with it.
#[test]
fn ctrl_c_during_a_photo_reading_ends_tesseract_and_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("plain.png");
    image::GrayImage::from_pixel(200, 100, image::Luma([255u8]))
        .save(&photo)
        .unwrap();
    let pids = dir.path().join("pids");
    let wrapper = dir.path().join("tesseract-wrapper");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nsleep 300 &\necho $! >> {p}\necho $$ >> {p}\nexec sleep 301\n",
            p = pids.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let temp = dir.path().join("temp");
    std::fs::create_dir(&temp).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .args(["label", photo.to_str().unwrap()])
        .env("TMPDIR", &temp)
        .env("RADIOCODE_TESSERACT", &wrapper)
        .env("RADIOCODE_DB", dir.path().join("r.db"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(&pids).map_or(0, |t| t.lines().count()) < 2 {
        assert!(Instant::now() < deadline, "the wrapper never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: kill sends a signal to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    // The pictures handed to Tesseract go too.
    let left: Vec<_> = std::fs::read_dir(&temp).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let alive = |pid: i32| {
        // SAFETY: signal 0 only asks whether the process is there.
        unsafe { libc::kill(pid, 0) == 0 }
    };
    let listed: Vec<i32> = std::fs::read_to_string(&pids)
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    let deadline = Instant::now() + Duration::from_secs(5);
    while listed.iter().any(|&p| alive(p)) {
        assert!(
            Instant::now() < deadline,
            "left running: {listed:?} (Tesseract and what it started)"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_serial_on_file_is_a_new_visit_and_a_mistaken_refusal_is_withdrawn() {
    let mut s = Session::workbench();
    let slow = |s: &mut Session, keys: &[u8]| {
        for k in keys {
            s.send(&[*k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    };
    // The first customer: J727 accepted 6586 on job 1.
    slow(&mut s, b"J727\r");
    s.wait_for("Renault precode algorithm");
    s.send(b"a");
    s.wait_for("Registration / VIN");
    s.send(b"AB12 CDE\tV5C\r");
    s.wait_for("6586 accepted");
    // Another radio, then J727 again: its job is on file, not bound to it.
    // Esc goes back to the serial, and then clears it.
    let clear = |s: &mut Session| {
        s.send(b"\x1b");
        std::thread::sleep(Duration::from_millis(200));
        s.send(b"\x1b");
        s.wait_for("serial cleared: Esc again quits");
    };
    clear(&mut s);
    slow(&mut s, b"M123456\r");
    s.wait_for("Visteon");
    clear(&mut s);
    slow(&mut s, b"J727\r");
    s.wait_for("On file: job 1");
    // r asks which job: a closed job, so a new one is the default.
    s.send(b"r");
    s.wait_for("Which job is it for?");
    s.wait_for("▶ a new job for this customer");
    s.wait_for("AB12 CDE");
    // The old job instead: r asks, naming its vehicle, and asks twice.
    s.send(b"\x1b[B");
    s.wait_for("▶ job 1");
    s.send(b"\r");
    s.wait_for("Job 1 (AB12 CDE): J727 refused 6586?");
    s.send(b"y");
    s.wait_for("Asked twice");
    s.send(b"y");
    s.wait_for("SUSPECTED RE-CODED");
    // A refusal recorded a moment ago: the wait runs, and when it ends.
    s.wait_for("WAIT until");
    // Withdrawn: the suspicion goes, the log keeps both.
    s.send(b"u");
    s.wait_for("withdraw the refusal of 6586");
    s.send(b"y");
    s.wait_for("is withdrawn");
    assert!(!s.screen().contains("SUSPECTED"), "{}", s.screen());
    s.send(b"\x03");
    assert_eq!(s.wait_exit(), 130);
}

#[test]
fn the_phone_view_in_a_terminal_is_a_qr_of_its_address_and_a_photo_fills_the_serial() {
    use std::net::TcpStream;
    let mut s = Session::workbench();
    s.send(b"\x1b[17~");
    s.wait_for("http://127.0.0.1:");
    let screen = s.screen();
    let url = screen
        .split_whitespace()
        .flat_map(|w| w.split('┃'))
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap()
        .to_string();
    // The QR as the terminal shows it: the cells drawn dark on light.
    let lines: Vec<String> = {
        let seen = s.seen.lock().unwrap();
        let grid = seen.0.screen();
        let (rows, cols) = grid.size();
        let (rows, cols) = (rows.get(), cols.get());
        (0..rows)
            .map(|y| {
                (0..cols)
                    .filter_map(|x| grid.cell(y, x))
                    .filter(|c| {
                        c.bgcolor() == vt100::Color::Idx(7) || c.bgcolor() == vt100::Color::Idx(15)
                    })
                    .map(|c| {
                        if c.contents().is_empty() {
                            " ".to_string()
                        } else {
                            c.contents().to_string()
                        }
                    })
                    .collect::<String>()
            })
            .filter(|l| !l.is_empty())
            .collect()
    };
    let qr = radiocode::phone::Qr::from_lines(&lines);
    assert!(qr.width > 20, "a QR code on the screen: {lines:?}");
    let scale = 4;
    let side = qr.width * scale;
    let pixels: Vec<u8> = (0..side * side)
        .map(|i| {
            if qr.dark(i % side / scale, i / side / scale) {
                0
            } else {
                255
            }
        })
        .collect();
    let read = rxing::helpers::detect_in_luma(
        pixels,
        side as u32,
        side as u32,
        Some(rxing::BarcodeFormat::QR_CODE),
    )
    .expect("the QR on the screen reads");
    assert!(
        read.getText().eq_ignore_ascii_case(&url),
        "{} vs {url}",
        read.getText()
    );
    // A label photo posted to it: the serial is in the field.
    let (host, page) = url.trim_start_matches("http://").split_once('/').unwrap();
    let body = common::labels::jpeg(
        &common::labels::photo(
            &common::labels::Label::code128("M123456"),
            common::labels::Shot::default(),
        ),
        90,
    );
    let mut c = TcpStream::connect(host).unwrap();
    write!(
        c,
        "POST /{page}photo HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    c.write_all(&body).unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let sent = Instant::now();
    s.wait_for("read M123456 off the phone's photo");
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "{:?}",
        sent.elapsed()
    );
    s.send(b"\x1b");
    s.wait_for("Serial: read from the phone's photo (barcode)");
    s.send(b"\x03");
    s.wait_exit();
}
