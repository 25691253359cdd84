//! What radiocode promises about a garage's records and the files it is
//! given: nothing hangs, nothing is read without a bound, a second process
//! waits its turn, nothing leaks. Each test is named in the README's
//! "What radiocode promises about your records".

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::cli::{self, text};

fn rc(db: &Path, args: &[&str]) -> std::process::Output {
    cli::run(db, cli::NO_CONFIG, args, &[])
}

/// Starts a job on `db`; it must start.
fn add_job(db: &Path, serial: &str, vehicle: &str, proof: &str) {
    let out = rc(
        db,
        &[
            "jobs",
            "add",
            serial,
            "--vehicle",
            vehicle,
            "--proof",
            proof,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
}

/// 300,000 mixed rows, the size that used to hang `batch | head -1`.
fn big_input(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("big.txt");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..300_000u32 {
        let row = match i % 3 {
            0 => format!("J{:03}", i % 1000),
            1 => format!("M{:06}", i),
            _ => format!("BP5384641829{:02}", i % 100),
        };
        writeln!(f, "{row}").unwrap();
    }
    f.flush().unwrap();
    path
}

/// Waits for a child, killing it past `limit`; its exit status, or None if
/// it had to be killed.
fn wait_within(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.code().unwrap_or(-1));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_closed_pipe_ends_batch_quietly_at_every_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_input(dir.path());
    for threads in ["1", "2", "4"] {
        for format in ["jsonl", "csv"] {
            let mut child = cli::command(dir.path().join("none.db"), cli::NO_CONFIG)
                .args(["batch", "--threads", threads, "--format", format])
                .arg(&input)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            // Read one line, as `head -1` does, then go away.
            let mut first = String::new();
            BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut first)
                .unwrap();
            assert!(!first.is_empty());
            let status = wait_within(&mut child, Duration::from_secs(20));
            assert_eq!(
                status,
                Some(0),
                "threads {threads}, {format}: it must end, quietly"
            );
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            assert!(err.is_empty(), "{err}");
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_ends_batch_with_a_message_and_status_3() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_input(dir.path());
    for threads in ["1", "2", "4"] {
        let mut child = cli::command(dir.path().join("none.db"), cli::NO_CONFIG)
            .args(["batch", "--threads", threads])
            .arg(&input)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let status = wait_within(&mut child, Duration::from_secs(20));
        assert_eq!(status, Some(3), "threads {threads}");
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        assert!(err.contains("No space left on device"), "{err}");
    }
}

/// A device or a pipe is never read as a file: every command that reads a
/// file refuses it before reading, with status 3.
#[cfg(unix)]
#[test]
fn devices_and_pipes_are_refused_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    add_job(&db, "J727", "A", "B");
    let fifo = fifo.to_str().unwrap();
    for file in ["/dev/zero", fifo] {
        for args in [
            vec!["dump", "show", file],
            vec!["dump", "find", file, "--code", "1234"],
            vec!["dump", "learn", file, "--code", "1234", "--model", "BP5384"],
            vec!["dump", "layouts", "import", file],
            vec!["book", "import", file],
            vec!["batch", file],
            vec!["jobs", "attach", "1", file],
        ] {
            let start = Instant::now();
            let out = rc(&db, &args);
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{args:?} took too long"
            );
            assert_ne!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
            assert!(
                text(&out).contains("not a regular file"),
                "{args:?}: {}",
                text(&out)
            );
        }
    }
}

/// Standard input that never breaks its lines is stopped with a message.
#[test]
fn an_import_that_never_ends_its_line_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = cli::command(dir.path().join("r.db"), cli::NO_CONFIG)
        .args(["book", "import", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let zeros = vec![b'0'; 1 << 16];
        // Until radiocode stops reading.
        for _ in 0..1000 {
            if stdin.write_all(&zeros).is_err() {
                break;
            }
        }
    });
    let status = wait_within(&mut child, Duration::from_secs(20));
    let _ = writer.join();
    assert_eq!(status, Some(3));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("line 1 is longer than 64 KiB"), "{err}");
}

/// Evidence is hashed a piece at a time: a big video does not come into
/// memory (a 300 MB file peaks at about 15 MB, measured with /usr/bin/time).
#[test]
fn evidence_is_hashed_as_a_stream() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let video = dir.path().join("entry.mp4");
    let f = std::fs::File::create(&video).unwrap();
    f.set_len(40 << 20).unwrap();
    add_job(&db, "J727", "A", "B");
    let out = rc(
        &db,
        &[
            "jobs",
            "attach",
            "1",
            video.to_str().unwrap(),
            "--kind",
            "entry-video",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    // The SHA-256 of 40 MiB of zeros.
    let said = text(&out);
    assert!(said.contains("41943040 bytes"), "{said}");
    assert!(
        said.contains("80a3721188e40218b08b26776bc53bdae81e4784fff71d71450a197319cba113"),
        "{said}"
    );
}

/// Two benches' scripts recording tries into one file at once: every try is
/// written, none refused with "database is locked".
#[test]
fn two_writers_at_once_both_get_their_turn() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    for _ in 0..2 {
        let out = rc(
            &db,
            &["jobs", "add", "J727", "--vehicle", "A", "--proof", "B"],
        );
        assert!(out.status.success(), "{}", text(&out));
    }
    let writers: Vec<_> = ["1", "2"]
        .into_iter()
        .map(|job| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for _ in 0..60 {
                    let out = rc(&db, &["jobs", "try", job, "1234", "refused"]);
                    if !out.status.success() {
                        failures.push(text(&out));
                    }
                }
                failures
            })
        })
        .collect();
    for w in writers {
        let failures = w.join().unwrap();
        assert!(failures.is_empty(), "{failures:?}");
    }
    let list = text(&rc(&db, &["jobs", "export", "--format", "json"]));
    let jobs: serde_json::Value = serde_json::from_str(&list).unwrap();
    for j in jobs.as_array().unwrap() {
        assert_eq!(j["attempts"].as_array().unwrap().len(), 60);
    }
}

/// A try recorded while a long import writes waits for it instead of
/// failing; the import stays all or nothing.
#[test]
fn a_try_during_an_import_waits_its_turn() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    add_job(&db, "J727", "A", "B");
    let csv = dir.path().join("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
    writeln!(f, "serial,code").unwrap();
    for i in 0..200_000u32 {
        writeln!(f, "M{:06},{:04}", i, i % 10_000).unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let import = {
        let db = db.clone();
        let csv = csv.clone();
        std::thread::spawn(move || rc(&db, &["book", "import", csv.to_str().unwrap()]))
    };
    std::thread::sleep(Duration::from_millis(300));
    let out = rc(&db, &["jobs", "try", "1", "6586", "accepted"]);
    assert!(out.status.success(), "{}", text(&out));
    let imported = import.join().unwrap();
    assert!(imported.status.success(), "{}", text(&imported));
    assert!(
        text(&imported).contains("200000 new"),
        "{}",
        text(&imported)
    );
}

/// A password is never shown, whatever characters it holds, and the URL
/// still says where the records are.
#[test]
fn a_password_is_never_shown_whatever_it_holds() {
    use radiocode::store::PgPlace;
    let dir = tempfile::tempdir().unwrap();
    for pw in [
        "Secr/tLeakPW",
        "Se?cr#etLeak",
        "p@ssLeak",
        "a:b/c?d@eLeak",
        "bad%zzLeak",
    ] {
        let url = format!("postgres://bay2:{pw}@127.0.0.1:9/garage?sslmode=disable");
        match PgPlace::parse(&url) {
            Ok(place) => {
                assert_eq!(place.host, "127.0.0.1", "{pw}");
                assert_eq!(place.port, 9, "{pw}");
                assert_eq!(place.dbname, "garage", "{pw}");
                assert_eq!(place.user, "bay2", "{pw}");
                assert!(!format!("{place} {place:?}").contains("Leak"), "{pw}");
            }
            Err(e) => assert!(!format!("{e:#}").contains("Leak"), "{pw}: {e:#}"),
        }
        let out = cli::run(&url, cli::NO_CONFIG, &["book", "add", "J727", "6586"], &[]);
        assert_eq!(out.status.code().map(|c| c >= 2), Some(true));
        assert!(!text(&out).contains("Leak"), "{pw}: {}", text(&out));
    }
    drop(dir);
}

proptest::proptest! {
    /// Any text as a server URL: parsed or refused, never a panic, and a
    /// password never in what is said.
    #[test]
    fn any_url_is_parsed_or_refused_without_showing_its_password(
        user in "[a-z]{1,8}",
        pw in "[ -~]{1,16}",
        host in "[a-z0-9.]{1,12}",
        rest in "[ -~]{0,24}",
    ) {
        let secret = format!("Q{pw}Q");
        let url = format!("postgres://{user}:{secret}@{host}{rest}");
        let said = match radiocode::store::PgPlace::parse(&url) {
            Ok(p) => format!("{p} {p:?}"),
            Err(e) => format!("{e:#}"),
        };
        proptest::prop_assert!(!said.contains(&secret), "{} shows {}", url, said);
    }
}

/// An escape sequence stored in the records (a book source, a file name, a
/// carried column) reaches no terminal raw: every command shows it.
#[test]
fn stored_escape_sequences_are_shown_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let evil = "forum\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J post \u{9b}31m";
    let out = rc(
        &db,
        &["book", "add", "BP538461234567", "1234", "--source", evil],
    );
    assert!(out.status.success(), "{}", text(&out));
    let file = dir.path().join("label\u{1b}[31m.jpg");
    std::fs::write(&file, b"photo").unwrap();
    assert!(
        rc(
            &db,
            &[
                "jobs",
                "add",
                "BP538461234567",
                "--vehicle",
                "A",
                "--proof",
                "B"
            ]
        )
        .status
        .success()
    );
    let raw = |out: &std::process::Output| {
        let mut all = out.stdout.clone();
        all.extend_from_slice(&out.stderr);
        all
    };
    for args in [
        vec!["decode", "BP538461234567"],
        vec!["book", "list"],
        vec!["book", "export"],
        vec!["book", "export", "--format", "json"],
        vec!["jobs", "attach", "1", file.to_str().unwrap()],
        vec!["jobs", "verify", "1"],
        vec!["jobs", "list"],
        vec!["jobs", "export"],
        vec!["jobs", "card", "1"],
    ] {
        let out = rc(&db, &args);
        let bytes = raw(&out);
        assert!(
            !bytes.contains(&0x1b),
            "{args:?}: ESC reached the terminal: {}",
            text(&out)
        );
        assert!(!bytes.contains(&0x07), "{args:?}: BEL reached the terminal");
        assert!(
            !bytes.windows(2).any(|w| w == [0xC2, 0x9B]),
            "{args:?}: CSI reached the terminal"
        );
    }
    // The text is still there, shown.
    let said = text(&rc(&db, &["book", "list"]));
    assert!(said.contains("forum\\u{1b}]52"), "{said}");
}

/// Carried CSV cells are written as the exports write them: a formula is
/// neutralised, a control character shown.
#[test]
fn batch_csv_neutralises_carried_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "serial,note\nJ727,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\nM123456,\"a\u{1b}[2Jb\"\n\
         \"=cmd|' /C calc'!A0\",x\n@SUM(1),y\n",
    )
    .unwrap();
    let out = rc(
        &dir.path().join("none.db"),
        &["batch", "--format", "csv", input.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    let said = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(said.contains("'=HYPERLINK"), "{said}");
    assert!(!said.contains('\u{1b}'), "{said}");
    assert!(said.contains("a\\u{1b}[2Jb"), "{said}");
    // A serial that is none is echoed in its column, neutralised too.
    let mut rows = csv::Reader::from_reader(out.stdout.as_slice());
    let echoed: Vec<String> = rows.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(echoed[2], "'=cmd|' /C calc'!A0", "{said}");
    assert_eq!(echoed[3], "'@SUM(1)", "{said}");
}

/// An unclosed quote is said with the line where it opened; no row is
/// merged into another without a word, in an import or a batch.
#[test]
fn an_unclosed_quote_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let csv = dir.path().join("book.csv");
    std::fs::write(
        &csv,
        "serial,code,source\nJ727,6586,ok\nM123456,2487,\"forum post\nJ295,7590,x\n",
    )
    .unwrap();
    let out = rc(&db, &["book", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("line 3: a quote opened on line 3 is not closed"),
        "{said}"
    );
    assert!(said.contains("1 new"), "the good row went in: {said}");

    let batch = dir.path().join("in.csv");
    std::fs::write(&batch, "serial,note\nJ727,\"open\nM123456,x\nJ295,y\n").unwrap();
    let out = rc(&db, &["batch", "--format", "csv", batch.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        said.contains("a quote opened on line 2 is not closed"),
        "{said}"
    );
    assert!(said.contains("invalid"), "{said}");
}

/// A one-column CSV headed `serial` is a CSV, not a plain list whose first
/// row is a bad serial.
#[test]
fn a_one_column_csv_headed_serial_is_a_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "serial\nJ727\nM123456\n").unwrap();
    let out = rc(
        &dir.path().join("none.db"),
        &["batch", "--format", "csv", input.to_str().unwrap()],
    );
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 3, "{said}");
    assert!(lines[0].starts_with("serial,family,status"), "{said}");
    assert!(!said.contains("invalid"), "{said}");
}

/// Runs radiocode as an ordinary user: `nobody` when the tests run as root
/// (as in CI), so file modes mean what they mean at a garage's bench.
#[cfg(unix)]
fn as_user(dir: &Path, args: &[&str]) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = cli::command(dir.join("r.db"), cli::NO_CONFIG);
    cmd.env("HOME", dir).args(args);
    if is_root() {
        cmd.uid(65534).gid(65534);
    }
    cmd.output().unwrap()
}

#[cfg(unix)]
fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A database made read-only and then writable again works again, and a
/// folder it cannot write in is called what it is.
#[cfg(unix)]
#[test]
fn a_database_made_writable_again_works_and_a_read_only_folder_is_said() {
    let dir = tempfile::tempdir().unwrap();
    if is_root() {
        std::os::unix::fs::chown(dir.path(), Some(65534), Some(65534)).unwrap();
    }
    let db = dir.path().join("r.db");
    let out = as_user(dir.path(), &["book", "add", "J727", "6586"]);
    assert!(out.status.success(), "{}", text(&out));
    chmod(&db, 0o444);
    let out = as_user(dir.path(), &["decode", "J727"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = as_user(dir.path(), &["book", "add", "J295", "7590"]);
    assert_eq!(out.status.code(), Some(3), "read-only: {}", text(&out));
    chmod(&db, 0o600);
    let out = as_user(dir.path(), &["book", "add", "J295", "7590"]);
    assert!(out.status.success(), "writable again: {}", text(&out));

    chmod(dir.path(), 0o555);
    let out = as_user(dir.path(), &["book", "add", "M123456", "2487"]);
    chmod(dir.path(), 0o755);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("read-only"), "{said}");
    assert!(!said.contains("not a usable radiocode database"), "{said}");
}

/// A file whose name is not UTF-8 is kept by its exact name: `jobs verify`
/// finds it.
#[cfg(target_os = "linux")]
#[test]
fn an_evidence_file_name_that_is_not_utf8_is_kept_exactly() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let name = std::ffi::OsStr::from_bytes(b"label-\xff\xfe.jpg");
    let file = dir.path().join(name);
    std::fs::write(&file, b"photo").unwrap();
    add_job(&db, "J727", "A", "B");
    let out = cli::command(&db, cli::NO_CONFIG)
        .args(["jobs", "attach", "1"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = rc(&db, &["jobs", "verify", "1"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(": ok"), "{}", text(&out));
    assert!(!text(&out).contains("MISSING"), "{}", text(&out));
}

/// Bidirectional controls (a vehicle that would show reversed) and line
/// ends in file names (a name that would forge a line of output) reach no
/// terminal raw, from any command that shows them; JSON stays JSON.
#[test]
fn bidi_controls_and_line_ends_in_names_are_shown_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let reversed = "AB12\u{202E}EDC";
    let out = rc(
        &db,
        &[
            "jobs",
            "add",
            "J727",
            "--vehicle",
            reversed,
            "--proof",
            "V5C\u{2066}x",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = rc(
        &db,
        &[
            "book",
            "add",
            "M123456",
            "2487",
            "--source",
            "list \u{202D}x",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let forged = dir.path().join("label.jpg\nFORGED job 1: ok");
    std::fs::write(&forged, b"photo").unwrap();
    let dump = dir.path().join("d\u{202E}.bin\nFORGED dump");
    std::fs::write(&dump, [0u8; 256]).unwrap();
    let bidi = |b: &[u8]| {
        b.windows(3).any(|w| {
            w[0] == 0xE2
                && match w[1] {
                    0x80 => (0xAA..=0xAE).contains(&w[2]) || w[2] == 0x8E || w[2] == 0x8F,
                    0x81 => (0xA6..=0xA9).contains(&w[2]),
                    _ => false,
                }
        })
    };
    let forged_name = forged.to_str().unwrap();
    let dump_name = dump.to_str().unwrap();
    for args in [
        vec!["jobs", "attach", "1", forged_name, "--copy"],
        vec!["jobs", "verify", "1"],
        vec!["jobs", "list"],
        vec!["jobs", "list", "--format", "json"],
        vec!["jobs", "export"],
        vec!["jobs", "export", "--format", "json"],
        vec!["jobs", "card", "1"],
        vec!["book", "list"],
        vec!["book", "export", "--format", "json"],
        vec!["decode", "J727"],
        vec!["decode", "--json", "J727"],
        vec!["decode", "M123456"],
        vec!["dump", "show", dump_name],
        vec!["dump", "show", dump_name, "--json"],
        vec!["dump", "find", dump_name, "1234"],
        vec!["batch", forged_name],
    ] {
        let out = rc(&db, &args);
        for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !bidi(bytes),
                "{args:?}: a bidirectional control reached {name}: {}",
                text(&out)
            );
            let shown = String::from_utf8_lossy(bytes);
            assert!(
                !shown.lines().any(|l| l.starts_with("FORGED")),
                "{args:?}: a file name forged a line on {name}: {shown}"
            );
        }
        if args.contains(&"json") || args.contains(&"--json") {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                if line.starts_with('{') && line.ends_with('}') {
                    serde_json::from_str::<serde_json::Value>(line)
                        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {line}"));
                }
            }
        }
    }
    // Shown, not lost.
    let list = text(&rc(&db, &["jobs", "list"]));
    assert!(list.contains("\\u{202e}"), "{list}");
    let json = rc(&db, &["jobs", "export", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v[0]["vehicle"], reversed, "JSON keeps the text exactly");
}

/// A purge removes only the evidence copies radiocode made, in the evidence
/// folder beside the records: a record that names another file (planted
/// with plain SQL, or carried in by a copy) never has it deleted, nor a
/// file a link in that folder points at.
#[cfg(unix)]
#[test]
fn a_purge_deletes_only_radiocodes_own_copies() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    add_job(&db, "J727", "A", "B");
    let photo = dir.path().join("label.jpg");
    std::fs::write(&photo, b"photo").unwrap();
    let out = rc(
        &db,
        &["jobs", "attach", "1", photo.to_str().unwrap(), "--copy"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let copies: Vec<_> = std::fs::read_dir(dir.path().join("evidence/job-1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(copies.len(), 1);
    let victim = elsewhere.path().join("precious.txt");
    std::fs::write(&victim, b"keep me").unwrap();
    let linked = elsewhere.path().join("linked.txt");
    std::fs::write(&linked, b"keep me too").unwrap();
    let link = dir.path().join("evidence/job-1/link.jpg");
    std::os::unix::fs::symlink(&linked, &link).unwrap();
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        for (uid, copy) in [("u1", &victim), ("u2", &link)] {
            c.execute(
                "INSERT INTO evidence (uid, job_id, at, kind, path, size, sha256, copy_path) \
                 VALUES (?1, 1, '2001-01-01T00:00:00Z', 'other', 'x', 1, 'ab', ?2)",
                rusqlite::params![uid, copy.to_str().unwrap()],
            )
            .unwrap();
        }
        c.execute("UPDATE jobs SET created_at = '2001-01-01T00:00:00Z'", [])
            .unwrap();
    }
    let out = rc(&db, &["jobs", "purge", "--older-than", "1y"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!copies[0].exists(), "radiocode's own copy is removed");
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    assert_eq!(std::fs::read(&linked).unwrap(), b"keep me too");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("precious.txt was not removed: it is not in the evidence folder"),
        "{said}"
    );
    assert!(
        said.contains("link.jpg was not removed: it is a link"),
        "{said}"
    );
}

/// Files radiocode writes (an evidence copy, a document) never go through
/// a link planted at their name, and land owner-only; a folder that is a
/// link, or that anyone may write, is refused.
#[cfg(unix)]
#[test]
fn writes_never_follow_a_planted_link() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim.txt");
    std::fs::write(&victim, b"keep me").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();

    // A document written where a link waits.
    let docs = dir.path().join("documents");
    std::fs::create_dir(&docs).unwrap();
    std::fs::set_permissions(&docs, std::fs::Permissions::from_mode(0o700)).unwrap();
    let card = docs.join("job-1.html");
    std::os::unix::fs::symlink(&victim, &card).unwrap();
    radiocode::files::write_private(&card, b"<html>card</html>").unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    let meta = std::fs::symlink_metadata(&card).unwrap();
    assert!(
        meta.file_type().is_file(),
        "the link is replaced, not followed"
    );
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read(&card).unwrap(), b"<html>card</html>");
    assert_eq!(
        std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777,
        0o644
    );

    // A documents folder that is a link, or that anyone may write.
    let linked = dir.path().join("linked-docs");
    std::os::unix::fs::symlink(elsewhere.path(), &linked).unwrap();
    let e = radiocode::files::write_private(&linked.join("a.txt"), b"x").unwrap_err();
    assert!(e.to_string().contains("is a link"), "{e}");
    assert!(!elsewhere.path().join("a.txt").exists());
    let open = dir.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let e = radiocode::files::write_private(&open.join("a.txt"), b"x").unwrap_err();
    assert!(e.to_string().contains("may be written by any user"), "{e}");

    // An evidence copy whose name a link already holds.
    let db = dir.path().join("r.db");
    add_job(&db, "J727", "A", "B");
    let photo = dir.path().join("label.jpg");
    std::fs::write(&photo, b"photo").unwrap();
    let (_, sha) = radiocode::files::fingerprint(&photo).unwrap();
    let job_dir = dir.path().join("evidence/job-1");
    std::fs::create_dir_all(&job_dir).unwrap();
    std::fs::set_permissions(
        dir.path().join("evidence"),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    std::fs::set_permissions(&job_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let planted = job_dir.join(format!("{}-label.jpg", &sha[..12]));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let out = rc(
        &db,
        &["jobs", "attach", "1", photo.to_str().unwrap(), "--copy"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    assert!(
        std::fs::symlink_metadata(&planted)
            .unwrap()
            .file_type()
            .is_file()
    );
    assert_eq!(std::fs::read(&planted).unwrap(), b"photo");

    // An evidence folder that is a link: refused, nothing recorded.
    let db2 = elsewhere.path().join("two/r.db");
    std::fs::create_dir_all(db2.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), elsewhere.path().join("two/evidence")).unwrap();
    add_job(&db2, "J727", "A", "B");
    let out = rc(
        &db2,
        &["jobs", "attach", "1", photo.to_str().unwrap(), "--copy"],
    );
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("is a link"), "{}", text(&out));
    let listed = text(&rc(&db2, &["jobs", "list", "--format", "json"]));
    assert!(!listed.contains("label.jpg"), "nothing recorded: {listed}");
}

/// Benches that open a new file at the same moment all get their write in:
/// the schema is read and made inside one write transaction, so none finds
/// a table half made or makes it twice.
#[test]
fn first_writers_on_a_new_file_all_get_their_write_in() {
    for round in 0..6 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("new.db");
        let children: Vec<_> = (0..8)
            .map(|i| {
                cli::command(&db, cli::NO_CONFIG)
                    .args(["jobs", "add", "J727", "--vehicle"])
                    .arg(format!("CAR {i}"))
                    .args(["--proof", "V5C"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", text(&out));
        }
        let listed = text(&rc(&db, &["jobs", "list"]));
        assert!(listed.contains("8 jobs"), "round {round}: {listed}");
        let book = text(&rc(&db, &["book", "list", "--format", "csv"]));
        assert_eq!(book.lines().count(), 6, "the public pairs once: {book}");
    }
}

/// A server's password never shows in a message about a config file that
/// does not parse, and a mistyped server address is refused (not taken as
/// a file whose name holds the password, which the bench would write to
/// believing it was the server).
#[test]
fn a_mistyped_server_address_or_config_never_shows_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "s3cretPW";
    let config = dir.path().join("config.toml");
    for written in [
        format!("db = postgres://bay2:{secret}@records/radiocode\n"),
        format!("dbb = \"postgres://bay2:{secret}@records/radiocode\"\n"),
        format!("db = \"postgres://bay2:{secret}\\q@records/radiocode\"\n"),
        format!("branch = \"Leeds\"\ndb = '{secret}\n"),
        format!("[db]\nurl = \"{secret}\"\n"),
    ] {
        std::fs::write(&config, &written).unwrap();
        let out = cli::command(dir.path().join("r.db"), &config)
            .args(["decode", "J727"])
            .output()
            .unwrap();
        assert_ne!(out.status.code(), Some(0), "{written}");
        let said = text(&out);
        assert!(said.contains("is not valid: line"), "{written}: {said}");
        assert!(!said.contains(secret), "{written}: {said}");
    }
    for address in [
        format!("postgress://bay2:{secret}@records/radiocode"),
        format!("pg://bay2:{secret}@records/radiocode"),
        format!("postgres:/bay2:{secret}@records/radiocode"),
        format!("postgresql:bay2:{secret}@records/radiocode"),
        format!("host=records user=bay2 password={secret} dbname=radiocode"),
    ] {
        let work = tempfile::tempdir().unwrap();
        let out = cli::command(&address, cli::NO_CONFIG)
            .args(["jobs", "add", "J727", "--vehicle", "A", "--proof", "B"])
            .current_dir(work.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{address}: {}", text(&out));
        let said = text(&out);
        assert!(
            said.contains("is not a records address"),
            "{address}: {said}"
        );
        assert!(!said.contains(secret), "{address}: {said}");
        assert_eq!(
            std::fs::read_dir(work.path()).unwrap().count(),
            0,
            "{address}: no file was made"
        );
    }
}

/// Resources stay bounded by the machine and the input, not by what a
/// number or a small file asks for: a photo whose few kilobytes decode to
/// hundreds of megabytes is refused before it is decoded (15 MB peak
/// here, measured by hand); a thread count is held to the machine's cores;
/// binary input ends a batch at once.
#[cfg(unix)]
#[test]
fn resources_are_bounded_by_the_machine_not_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let png = dir.path().join("deep.png");
    {
        let pixels = vec![0u8; 5200 * 5200 * 8];
        let f = std::io::BufWriter::new(std::fs::File::create(&png).unwrap());
        use image::ImageEncoder;
        image::codecs::png::PngEncoder::new_with_quality(
            f,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::NoFilter,
        )
        .write_image(&pixels, 5200, 5200, image::ExtendedColorType::Rgba16)
        .unwrap();
    }
    assert!(std::fs::metadata(&png).unwrap().len() < 2 << 20);
    let out = rc(&db, &["label", "--no-text", png.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("would take"), "{}", text(&out));

    let plain = dir.path().join("plain.txt");
    let rows: String = (0..20_000).map(|i| format!("M{i:06}\n")).collect();
    std::fs::write(&plain, rows).unwrap();
    for n in ["20000", "100000"] {
        let out = rc(&db, &["batch", "--threads", n, plain.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), 20_000);
    }

    // Binary input: said and ended, not read for ever.
    let mut child = cli::command(&db, cli::NO_CONFIG)
        .args(["batch", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(wait_within(&mut child, Duration::from_secs(10)), Some(3));
}

/// `batch -` answers each row as it arrives: a script (or a scanner) that
/// writes one serial and waits for its answer gets it.
#[test]
fn batch_from_a_pipe_answers_each_row_as_it_comes() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = cli::command(dir.path().join("r.db"), cli::NO_CONFIG)
        .args(["batch", "--format", "csv", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    for (serial, code) in [("J727", "6586"), ("M123456", "2487")] {
        writeln!(input, "{serial}").unwrap();
        input.flush().unwrap();
        loop {
            line.clear();
            assert!(
                output.read_line(&mut line).unwrap() > 0,
                "the answer never came"
            );
            if line.starts_with(serial) {
                break;
            }
        }
        assert!(line.contains(code), "{line}");
    }
    drop(input);
    assert_eq!(wait_within(&mut child, Duration::from_secs(10)), Some(0));
}

/// The records are a regular file: a device or a pipe named as the
/// database is refused at once, nothing written beside it.
#[cfg(unix)]
#[test]
fn a_device_or_a_pipe_is_never_taken_for_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    for db in [
        Path::new("/dev/null"),
        Path::new("/dev/full"),
        fifo.as_path(),
    ] {
        for args in [
            vec!["jobs", "list"],
            vec!["jobs", "add", "J727", "--vehicle", "A", "--proof", "B"],
        ] {
            let mut child = cli::command(db, cli::NO_CONFIG)
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let status = wait_within(&mut child, Duration::from_secs(10));
            assert_eq!(status, Some(3), "{db:?} {args:?}");
        }
        // Decoding still answers, from the algorithms.
        let out = rc(db, &["decode", "J727"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(text(&out).contains("not a regular file"), "{}", text(&out));
    }
    assert!(!Path::new("/dev/null-journal").exists());
    assert!(!Path::new("/dev/null-wal").exists());
}

/// `~/` in the config file (or RADIOCODE_DB) is the home folder, as a
/// shell would read it, never a folder named `~`.
#[cfg(unix)]
#[test]
fn a_tilde_in_the_config_is_the_home_folder() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "db = \"~/garage/records.db\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .args(["jobs", "add", "J727", "--vehicle", "A", "--proof", "B"])
        .env("HOME", home.path())
        .env("RADIOCODE_CONFIG", &config)
        .env_remove("RADIOCODE_DB")
        .current_dir(work.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(home.path().join("garage/records.db").is_file());
    assert!(!work.path().join("~").exists());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .args(["jobs", "list"])
        .env("HOME", home.path())
        .env("RADIOCODE_CONFIG", cli::NO_CONFIG)
        .env("RADIOCODE_DB", "~/garage/records.db")
        .current_dir(work.path())
        .output()
        .unwrap();
    assert!(text(&out).contains("1 job"), "{}", text(&out));
}

/// A code book entry added by hand cannot pose as one a job confirmed, and
/// `db copy` says that copied jobs take new numbers.
#[test]
fn a_hand_entry_cannot_pose_as_a_jobs_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    for source in [
        "job 3 at bay 2 on 2026-11-30: accepted by the radio",
        "  Job 12 at bay 1 on 2026-01-01: accepted by the radio of AB12",
    ] {
        let out = rc(
            &db,
            &[
                "book",
                "add",
                "J727",
                "6586",
                "--confidence",
                "confirmed",
                "--source",
                source,
            ],
        );
        assert_eq!(out.status.code(), Some(3), "{source}: {}", text(&out));
        assert!(
            text(&out).contains("cannot read as a job's confirmation"),
            "{}",
            text(&out)
        );
    }
    let out = rc(
        &db,
        &[
            "book",
            "add",
            "J727",
            "6586",
            "--source",
            "Radio Pass card seen",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));

    add_job(&db, "J727", "A", "B");
    let other = dir.path().join("other.db");
    add_job(&other, "J295", "C", "D");
    let out = rc(
        &db,
        &["db", "copy", db.to_str().unwrap(), other.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("take the next free numbers"),
        "{}",
        text(&out)
    );
}
