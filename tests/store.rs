//! The code book and job log: commands, the decoder's use of the book, and
//! what happens to the file when things go wrong.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::cli::{self, text};
use radiocode::store::{Records, SqliteStore};
use serde_json::Value;

fn rc(db: &Path, args: &[&str]) -> Output {
    cli::run(db, cli::NO_CONFIG, args, &[])
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("garage").join("radiocode.db");
    (dir, db)
}

#[test]
fn book_add_list_and_export() {
    let (_dir, db) = temp_db();
    let out = rc(
        &db,
        &[
            "book",
            "add",
            "BP 3349 5 8119566",
            "4321",
            "--confidence",
            "likely",
            "--source",
            "=HYPERLINK(\"x\")",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let list = text(&rc(&db, &["book", "list"]));
    assert!(list.contains("BP334958119566  4321  likely"), "{list}");
    assert!(
        list.contains("6 entries"),
        "five seeded pairs and ours: {list}"
    );

    let csv_out = rc(&db, &["book", "export"]);
    let mut r = csv::Reader::from_reader(csv_out.stdout.as_slice());
    let headers = r.headers().unwrap().clone();
    assert_eq!(&headers[0], "serial");
    let row = r
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "BP334958119566")
        .unwrap();
    assert_eq!(&row[2], "4321");
    assert_eq!(&row[4], "'=HYPERLINK(\"x\")", "a formula is neutralised");

    let json: Value =
        serde_json::from_slice(&rc(&db, &["book", "export", "--format", "json"]).stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 6);

    let bad = rc(&db, &["book", "add", "7645384318", "1234"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("part number"));
    let bad = rc(&db, &["book", "add", "J727", "12a4"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("exactly 4 digits"));
}

#[test]
fn import_commits_valid_rows_and_reports_bad_ones_by_line() {
    let (dir, db) = temp_db();
    let csv_path = dir.path().join("in.csv");
    std::fs::write(
        &csv_path,
        "serial,code,confidence,source\nBP334958119566,4321,likely,forum\nnot a serial,1234,,\nM123456,99,,\n\nBE473912345678,0007,confirmed,\"dealer, with V5C\"\n",
    )
    .unwrap();
    let out = rc(&db, &["book", "import", csv_path.to_str().unwrap()]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("line 3:"), "{t}");
    assert!(t.contains("line 4:"), "{t}");
    assert!(t.contains("2 new"), "{t}");
    assert!(t.contains("valid rows were committed"), "{t}");
    let list = text(&rc(&db, &["book", "list"]));
    assert!(list.contains("BE473912345678  0007  confirmed"), "{list}");

    // Strict: the same file writes nothing.
    let (_dir2, db2) = temp_db();
    let out = rc(
        &db2,
        &["book", "import", "--strict", csv_path.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("nothing was imported"),
        "{}",
        text(&out)
    );
    assert!(text(&rc(&db2, &["book", "list"])).contains("5 entries"));

    // A header without the needed columns is refused outright.
    std::fs::write(&csv_path, "radio,pin\nJ727,6586\n").unwrap();
    let out = rc(&db, &["book", "import", csv_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out).contains("serial and a code column"));
}

#[test]
fn jobs_add_try_note_list_export() {
    let (_dir, db) = temp_db();
    let out = rc(
        &db,
        &[
            "jobs",
            "add",
            "bp 5384 6 4182965",
            "--vehicle",
            "AB12 CDE",
            "--proof",
            "V5C in owner's name",
            "--workstation",
            "bay 2",
        ],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "job 1");
    // The folder made for the records is said, not made silently.
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("made the folder"),
        "{}",
        text(&out)
    );
    rc(
        &db,
        &[
            "jobs",
            "add",
            "J727",
            "--vehicle=-cmd|calc",
            "--proof",
            "invoice",
        ],
    );
    assert!(text(&rc(&db, &["jobs", "try", "1", "7091", "refused"])).contains("re-coded"));
    assert_eq!(
        rc(&db, &["jobs", "try", "1", "1091", "accepted"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        rc(&db, &["jobs", "note", "1", "customer waited"])
            .status
            .code(),
        Some(0)
    );
    let missing = rc(&db, &["jobs", "try", "9", "1091", "accepted"]);
    assert_eq!(
        missing.status.code(),
        Some(1),
        "an unknown job is an answer"
    );
    assert!(text(&missing).contains("no job 9"));

    let list = text(&rc(&db, &["jobs", "list", "--search", "ab12cde"]));
    assert!(list.contains("7091 refused, 1091 accepted"), "{list}");
    assert!(list.contains("1 job"), "{list}");
    let list = text(&rc(&db, &["jobs", "list", "--search", "5384"]));
    assert!(list.contains("BP538464182965"), "{list}");

    let json: Value =
        serde_json::from_slice(&rc(&db, &["jobs", "export", "--format", "json"]).stdout).unwrap();
    let first = &json[1];
    assert_eq!(first["id"], 1);
    assert_eq!(first["workstation"], "bay 2");
    assert_eq!(first["ownership_proof"], "V5C in owner's name");
    assert_eq!(first["notes"], "customer waited");
    assert_eq!(first["attempts"][1]["outcome"], "accepted");

    let csv_out = rc(&db, &["jobs", "export"]);
    let mut r = csv::Reader::from_reader(csv_out.stdout.as_slice());
    let rows: Vec<_> = r.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][3], "'-cmd|calc", "a formula is neutralised");

    // The accepted code is now a confirmed book entry, tried first.
    let out = rc(&db, &["decode", "--json", "BP538464182965"]);
    let row: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(row["candidates"][0]["code"], "1091");
    assert_eq!(row["candidates"][0]["confidence"], "confirmed");
    assert!(
        row["candidates"][0]["note"]
            .as_str()
            .unwrap()
            .contains("job 1")
    );
}

#[cfg(unix)]
#[test]
fn the_database_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, db) = temp_db();
    rc(&db, &["book", "add", "J727", "6586"]);
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

fn assert_untouched(db: &Path, before: &[u8], out: &Output, says: &str) {
    assert_eq!(out.status.code(), Some(3), "{}", text(out));
    assert!(text(out).contains(says), "{says} in {}", text(out));
    assert_eq!(
        std::fs::read(db).unwrap(),
        before,
        "the file was not changed"
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_kept() {
    let (_dir, db) = temp_db();
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let junk = b"this is a spreadsheet, not a database\n".repeat(100);
    std::fs::write(&db, &junk).unwrap();
    assert_untouched(
        &db,
        &junk,
        &rc(&db, &["book", "add", "J727", "6586"]),
        "not an SQLite file",
    );
    assert_untouched(
        &db,
        &junk,
        &rc(&db, &["jobs", "list"]),
        "not an SQLite file",
    );
    // Decoding still works, and says the book was not used.
    let out = rc(&db, &["decode", "J727"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("code book cannot be used"));

    let mut corrupt = b"SQLite format 3\0".to_vec();
    corrupt.extend(std::iter::repeat_n(0xA5u8, 8192));
    std::fs::write(&db, &corrupt).unwrap();
    assert_untouched(
        &db,
        &corrupt,
        &rc(&db, &["book", "add", "J727", "6586"]),
        "not a usable radiocode database",
    );

    let other = db.with_file_name("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER)")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&other).unwrap();
    assert_untouched(
        &other,
        &before,
        &rc(&other, &["book", "add", "J727", "6586"]),
        "another program's",
    );
}

#[test]
fn a_newer_schema_is_refused_and_kept() {
    let (_dir, db) = temp_db();
    rc(&db, &["book", "add", "J727", "6586"]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    assert_untouched(
        &db,
        &before,
        &rc(&db, &["book", "add", "M123456", "2487"]),
        "newer",
    );
    assert_untouched(&db, &before, &rc(&db, &["book", "list"]), "newer");
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_refused_for_writing_and_kept() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, db) = temp_db();
    rc(&db, &["book", "add", "J727", "6586"]);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
    let before = std::fs::read(&db).unwrap();
    assert_untouched(
        &db,
        &before,
        &rc(&db, &["book", "add", "M123456", "2487"]),
        "read-only",
    );
    // Reading still works.
    let list = rc(&db, &["book", "list"]);
    assert_eq!(list.status.code(), Some(0), "{}", text(&list));
    assert!(text(&list).contains("J727"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn killing_an_import_midway_leaves_a_consistent_database() {
    let (dir, db) = temp_db();
    rc(&db, &["book", "add", "J727", "6586"]);
    let csv_path = dir.path().join("big.csv");
    let mut big = String::from("serial,code,confidence,source\n");
    for i in 0..300_000u32 {
        big.push_str(&format!(
            "BP5384{}{:07},{:04},unconfirmed,bulk\n",
            i % 10,
            i,
            i % 10_000
        ));
    }
    std::fs::write(&csv_path, big).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .env("RADIOCODE_DB", &db)
        .args(["book", "import", csv_path.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import is writing (its write-ahead log grows), then kill it.
    let wal = db.with_extension("db-wal");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut killed_midway = false;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::fs::metadata(&wal)
            .map(|m| m.len() > 256 * 1024)
            .unwrap_or(false)
        {
            child.kill().unwrap();
            killed_midway = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.wait();
    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let n = store.book().unwrap().len();
    if killed_midway {
        assert_eq!(n, 6, "no half-written rows: the import left nothing");
    } else {
        assert_eq!(n, 300_006, "the import finished whole");
    }
    assert!(killed_midway, "the import was killed while it was writing");
}

/// A file written before book entries named the job instead of the vehicle
/// is brought up to date when it is opened: the registration stays in the
/// job log only.
#[test]
fn opening_an_older_file_takes_the_vehicle_out_of_its_book_entries() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("radiocode.db");
    let mut r: Box<dyn Records> = Box::new(SqliteStore::open(&db).unwrap());
    let job = r
        .new_job(&radiocode::store::NewJob {
            workstation: "bay 2".into(),
            vehicle: "AB12 CDE".into(),
            ownership_proof: "V5C".into(),
            serial: "J727".into(),
            ..Default::default()
        })
        .unwrap();
    r.record_try(
        job,
        &radiocode::store::NewTry::new(
            radiocode::decode::Code::parse("6586").unwrap(),
            radiocode::store::TryOutcome::Accepted,
        ),
    )
    .unwrap();
    drop(r);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!(
        "UPDATE book SET source = 'imported; job {job}: accepted by the radio of AB12 CDE' \
         WHERE job_id = {job}; ALTER TABLE evidence DROP COLUMN serial_read; \
         ALTER TABLE job_notes DROP COLUMN withdraws; \
         PRAGMA user_version = 4;"
    ))
    .unwrap();
    drop(conn);
    let r = SqliteStore::open(&db).unwrap();
    let e = &r.entries_for("J727").unwrap()[0];
    assert!(
        e.source
            .starts_with(&format!("imported; job {job} at bay 2 on ")),
        "{}",
        e.source
    );
    assert!(
        e.source.ends_with(": accepted by the radio"),
        "{}",
        e.source
    );
    assert!(!e.source.contains("AB12"), "{}", e.source);
}

/// The shipped public pairs say they were published, not "added" on the
/// day the file was made.
#[test]
fn shipped_pairs_show_their_publication() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("radiocode.db");
    let out = rc(&db, &["book", "add", "J727", "6586"]);
    assert!(out.status.success(), "{}", text(&out));
    let list = text(&rc(&db, &["book", "list"]));
    let line = |serial: &str| {
        list.lines()
            .find(|l| l.starts_with(serial))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("BP234746080340").contains("published"), "{list}");
    assert!(!line("J727").contains("published"), "{list}");
}

/// Times are read as times: one that is not (a file edited by hand) is
/// named with its job, a list refuses rather than showing it wrong, and
/// the decoder still answers while saying the job log cannot be checked.
#[test]
fn a_time_that_is_not_a_time_is_named_and_nothing_is_lost() {
    let (_dir, db) = temp_db();
    let out = rc(
        &db,
        &["jobs", "add", "J727", "--vehicle", "AB12", "--proof", "V5C"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = rc(&db, &["jobs", "try", "1", "6586", "refused"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = rc(&db, &["jobs", "export", "--format", "json"]);
    let before = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(before.contains("Z\""), "{before}");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("UPDATE attempts SET at = 'yesterday'", [])
            .unwrap();
    }
    let out = rc(&db, &["jobs", "list"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("a try on job 1") && said.contains("'yesterday' is not a time"),
        "{said}"
    );
    let out = rc(&db, &["decode", "J727"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("6586"), "{said}");
    assert!(said.contains("the job log cannot be read"), "{said}");
    // Put right, everything is there as it was.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let at: String = serde_json::from_str::<Value>(&before).unwrap()[0]["attempts"][0]["at"]
            .as_str()
            .unwrap()
            .to_string();
        conn.execute("UPDATE attempts SET at = ?1", [&at]).unwrap();
    }
    let out = rc(&db, &["jobs", "export", "--format", "json"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), before);
}

#[test]
fn a_refusal_recorded_by_mistake_is_withdrawn_from_the_command_line() {
    let (_dir, db) = temp_db();
    let ok = |args: &[&str]| {
        let out = rc(&db, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            common::cli::text(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(&[
        "jobs",
        "add",
        "J727",
        "--vehicle",
        "AB12 CDE",
        "--proof",
        "V5C",
    ]);
    ok(&["jobs", "try", "1", "6586", "accepted"]);
    let said = ok(&["jobs", "try", "1", "6586", "refused"]);
    assert!(said.contains("SUSPECTED"), "{said}");
    let said = ok(&["jobs", "withdraw", "1", "6586", "--why", "pressed r for a"]);
    assert!(said.contains("withdrawn"), "{said}");
    let list = ok(&["jobs", "list"]);
    assert!(list.contains("6586 refused (withdrawn)"), "{list}");
    assert!(!list.contains("SUSPECTED"), "{list}");
    assert!(!ok(&["decode", "J727"]).contains("SUSPECTED"));
    // Nothing left to withdraw, a bad code, no such job: non-zero, said.
    for (args, says) in [
        (&["jobs", "withdraw", "1", "6586"][..], "no refusal of 6586"),
        (&["jobs", "withdraw", "1", "65"][..], "exactly 4 digits"),
        (&["jobs", "withdraw", "7", "6586"][..], "no job 7"),
    ] {
        let out = rc(&db, args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            common::cli::text(&out).contains(says),
            "{}",
            common::cli::text(&out)
        );
    }
}
