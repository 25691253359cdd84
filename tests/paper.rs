//! A job on paper: evidence kept and checked, the job card in every format,
//! the request sheet, the re-coded flag, redacted exports and the purge.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::cli::{self, text};
use serde_json::Value;

fn rc(db: &Path, config: &Path, args: &[&str]) -> Output {
    cli::run(db, config, args, &[])
}

struct Garage {
    dir: tempfile::TempDir,
    db: PathBuf,
    config: PathBuf,
}

impl Garage {
    fn new() -> Garage {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("records").join("radiocode.db");
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            "garage = \"Bay Road Motors <Leeds> & Sons\"\nworkstation = \"bay 2\"\nbranch = \"Leeds\"\n",
        )
        .unwrap();
        Garage { dir, db, config }
    }

    fn rc(&self, args: &[&str]) -> Output {
        rc(&self.db, &self.config, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.rc(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    }

    /// A job for the worn BP label, refused its forum code, then accepted the second.
    fn job(&self) -> String {
        let out = self.ok(&[
            "jobs",
            "add",
            "bp 5384 6 418296S",
            "--vehicle",
            "AB12 CDE",
            "--proof",
            "V5C in owner's name",
            "--note",
            "<script>alert('x')</script> VIN WVWZZZ1JZXW000001 \u{1b}[31m",
        ]);
        let job = out.trim().strip_prefix("job ").unwrap().to_string();
        self.ok(&["jobs", "try", &job, "7091", "refused"]);
        self.ok(&["jobs", "try", &job, "1091", "accepted"]);
        job
    }
}

#[test]
fn evidence_is_attached_checked_and_refused_when_it_cannot_be_read() {
    let g = Garage::new();
    let job = g.job();
    let label = g.file("label.jpg", b"a photo of the label");
    let display = g.file("display.jpg", b"the display showing CODE");
    // A label photo that is no photo: recorded as a file, said, status 3.
    let out = g.rc(&[
        "jobs",
        "attach",
        &job,
        &label,
        "--kind",
        "label-photo",
        "--copy",
    ]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(
        said.contains("label-photo") && said.contains("copied to"),
        "{said}"
    );
    assert!(
        said.contains("the label photo could not be read") && said.contains("is recorded"),
        "{said}"
    );
    g.ok(&["jobs", "attach", &job, &display, "--kind", "display-photo"]);
    assert_eq!(g.rc(&["jobs", "verify", &job]).status.code(), Some(0));

    // A file that does not exist, a folder: nothing recorded at all.
    let folder = g.dir.path().to_str().unwrap().to_string();
    for bad in [
        vec![label.as_str(), "/nonexistent/photo.jpg"],
        vec![folder.as_str()],
    ] {
        let mut args = vec!["jobs", "attach", &job];
        args.extend(bad);
        let out = g.rc(&args);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(
            text(&out).contains("nothing was recorded"),
            "{}",
            text(&out)
        );
    }
    let json: Value = serde_json::from_str(&g.ok(&["jobs", "list", "--format", "json"])).unwrap();
    assert_eq!(json[0]["evidence"].as_array().unwrap().len(), 2);
    assert_eq!(json[0]["evidence"][0]["size"], 20);
    let copy = json[0]["evidence"][0]["copy_path"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        copy.contains("evidence") && Path::new(&copy).exists(),
        "{copy}"
    );
    assert!(json[0]["evidence"][0]["sha256"].as_str().unwrap().len() == 64);

    // Changed and missing files are named; exit 1.
    std::fs::write(&label, b"someone edited the photo").unwrap();
    std::fs::remove_file(&display).unwrap();
    let out = g.rc(&["jobs", "verify", &job]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("CHANGED") && said.contains("MISSING"),
        "{said}"
    );
    assert!(said.contains("ok"), "the kept copy is intact: {said}");

    // An unknown job number: exit 1 with the message.
    let out = g.rc(&["jobs", "attach", "99", &label]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("there is no job 99"));
    assert_eq!(g.rc(&["jobs", "card", "99"]).status.code(), Some(1));
    assert_eq!(g.rc(&["jobs", "verify", "99"]).status.code(), Some(1));
}

#[test]
fn the_job_card_in_every_format_escapes_the_records() {
    let g = Garage::new();
    let job = g.job();
    let photo = g.file("label.jpg", b"label");
    let out = g.rc(&["jobs", "attach", &job, &photo, "--kind", "label-photo"]);
    assert_eq!(out.status.code(), Some(3), "no photo: {}", text(&out));
    let card = g.ok(&["jobs", "card", &job]);
    for must in [
        "Bay Road Motors",
        "AB12 CDE",
        "V5C in owner's name",
        "bay 2",
        "Leeds",
        "bp 5384 6 418296S",
        "BP538464182965",
        "'S' read as '5'",
        "7 645 384 318",
        "7091",
        "refused",
        "1091",
        "accepted",
        "Unlocked: the radio accepted 1091",
        "label-photo",
    ] {
        assert!(card.contains(must), "{must} missing from:\n{card}");
    }
    assert!(
        !card.contains('\u{1b}'),
        "no terminal escape reaches the card"
    );

    let html = g.ok(&["jobs", "card", &job, "--format", "html"]);
    assert!(!html.contains("<script"), "no script, the note's included");
    assert!(
        !html.contains("href") && !html.contains("src="),
        "self-contained"
    );
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let body: String = doc.select(&sel("body")).next().unwrap().text().collect();
    assert!(
        body.contains("<script>alert('x')</script>"),
        "the note shown as text"
    );
    assert!(body.contains("Bay Road Motors <Leeds> & Sons"));
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert_eq!(doc.select(&sel("style")).count(), 1);
    let hashes: Vec<String> = doc
        .select(&sel("td.hash"))
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(hashes.len(), 1);
    assert_eq!(hashes[0], radiocode::dump::sha256_hex(b"label"));

    let md = g.ok(&["jobs", "card", &job, "--format", "markdown"]);
    assert!(md.starts_with("# Radio unlock job card"));
    assert!(md.contains("\\<script\\>"), "{md}");
}

#[test]
fn a_refused_confirmed_code_marks_the_radio_as_suspect() {
    let g = Garage::new();
    g.ok(&[
        "book",
        "add",
        "BP 3349 5 8119566",
        "4321",
        "--confidence",
        "confirmed",
    ]);
    let out = g.ok(&[
        "jobs",
        "add",
        "BP334958119566",
        "--vehicle",
        "KY05 ABC",
        "--proof",
        "V5C",
    ]);
    let job = out.trim().strip_prefix("job ").unwrap().to_string();
    let said = g.ok(&["jobs", "try", &job, "4321", "refused"]);
    assert!(said.contains("SUSPECTED RE-CODED OR SWAPPED"), "{said}");
    let list = g.ok(&["jobs", "list"]);
    assert!(list.contains("SUSPECTED RE-CODED OR SWAPPED"), "{list}");
    let card = g.ok(&["jobs", "card", &job]);
    assert!(card.contains("SUSPECTED RE-CODED OR SWAPPED"), "{card}");
    // The decoder says it when the serial comes back.
    let decoded = text(&g.rc(&["decode", "BP334958119566"]));
    assert!(
        decoded.contains("SUSPECTED RE-CODED OR SWAPPED"),
        "{decoded}"
    );
    // The JSON export carries the flag the list shows.
    let json: serde_json::Value =
        serde_json::from_str(&g.ok(&["jobs", "export", "--format", "json"])).unwrap();
    let flagged: Vec<bool> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["suspected_recoded"].as_bool().unwrap())
        .collect();
    assert!(flagged.contains(&true), "{json}");
    // A refused unconfirmed forum code is not enough to suspect the radio.
    let other = g.job();
    assert!(!g.ok(&["jobs", "card", &other]).contains("SUSPECTED"));
}

#[test]
fn the_request_sheet_calls_out_corrections_and_refused_codes_and_never_a_code() {
    let g = Garage::new();
    g.job();
    let sheet = g.ok(&[
        "request",
        "bp 5384 6 418296S",
        "--vehicle",
        "AB12 CDE",
        "--proof",
        "V5C",
    ]);
    for must in [
        "BP538464182965",
        "'S' read as '5'",
        "NOT the serial",
        "7 645 384 318",
        "year digit",
        "AB12 CDE",
        "7091",
        "re-coded",
    ] {
        assert!(sheet.contains(must), "{must} missing from:\n{sheet}");
    }
    // The accepted code and the mod-2000 follower are never offered as codes.
    assert!(!sheet.contains("1091"), "{sheet}");
    let html = g.ok(&["request", "BP538464182965", "--format", "html"]);
    assert!(html.contains("7091") && !html.contains("1091"));
    // A serial with a public algorithm: still no code on the sheet.
    let sheet = g.ok(&["request", "J727"]);
    assert!(!sheet.contains("6586"), "{sheet}");
    assert_eq!(g.rc(&["request", "BP12"]).status.code(), Some(2));
}

#[test]
fn exports_leave_the_customer_out_and_the_card_stays_complete() {
    let g = Garage::new();
    let job = g.job();
    let photo = g.file("label.jpg", b"label");
    g.ok(&["jobs", "attach", &job, &photo]);
    g.ok(&["jobs", "note", &job, "Mr Smith, call 07700 900123"]);
    for format in ["csv", "json"] {
        let out = g.ok(&["jobs", "export", "--redact", "--format", format]);
        for never in [
            "AB12 CDE",
            "WVWZZZ1JZXW000001",
            "V5C",
            "Mr Smith",
            "07700",
            "script",
            "label.jpg",
        ] {
            assert!(!out.contains(never), "{format}: {never} in\n{out}");
        }
        assert!(
            out.contains("BP538464182965") && out.contains("1091"),
            "{out}"
        );
    }
    let book = g.ok(&["book", "export"]);
    assert!(!book.contains("AB12 CDE"), "{book}");
    assert!(book.contains(": accepted by the radio"), "{book}");
    // Nor do the list, the decoder and batch ever show the vehicle.
    for said in [
        g.ok(&["book", "list"]),
        text(&g.rc(&["decode", "BP538464182965"])),
    ] {
        assert!(!said.contains("AB12 CDE"), "{said}");
        assert!(said.contains("accepted by the radio"), "{said}");
    }
    // Without --redact the job log is whole, and so is the card.
    assert!(g.ok(&["jobs", "export"]).contains("AB12 CDE"));
    assert!(g.ok(&["jobs", "card", &job]).contains("Mr Smith"));
}

#[test]
fn a_purge_blanks_old_personal_data_and_keeps_codes_and_outcomes() {
    let g = Garage::new();
    let job = g.job();
    let photo = g.file("label.jpg", b"label");
    g.ok(&["jobs", "attach", &job, &photo, "--copy"]);
    let json: Value = serde_json::from_str(&g.ok(&["jobs", "list", "--format", "json"])).unwrap();
    let copy = json[0]["evidence"][0]["copy_path"]
        .as_str()
        .unwrap()
        .to_string();
    // Nothing is old enough yet.
    let said = g.ok(&["jobs", "purge", "--older-than", "3y"]);
    assert!(said.contains("of 0 jobs"), "{said}");
    // Back-date the job, as if it were four years old.
    back_date(&g.db, &job);
    let said = g.ok(&["jobs", "purge", "--older-than", "3y"]);
    assert!(said.contains("of 1 job "), "{said}");
    let json: Value = serde_json::from_str(&g.ok(&["jobs", "list", "--format", "json"])).unwrap();
    let j = &json[0];
    assert_eq!(j["vehicle"], "");
    assert_eq!(j["ownership_proof"], "");
    assert_eq!(j["notes"], "");
    assert_eq!(j["evidence"][0]["path"], "");
    assert_eq!(j["attempts"][1]["code"], "1091", "codes and outcomes stay");
    assert_eq!(j["attempts"][1]["outcome"], "accepted");
    assert!(!Path::new(&copy).exists(), "the kept copy is gone too");
    let book = g.ok(&["book", "list"]);
    assert!(book.contains("BP538464182965  1091  confirmed"), "{book}");
    assert!(!book.contains("AB12 CDE"), "{book}");
    assert!(
        g.ok(&["jobs", "purge", "--older-than", "3y"])
            .contains("of 0 jobs")
    );
    assert_eq!(
        g.rc(&["jobs", "purge", "--older-than", "soon"])
            .status
            .code(),
        Some(2)
    );
}

/// Moves a job's start four years back, straight in the file.
fn back_date(db: &Path, job: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "UPDATE jobs SET created_at = '2020-01-01T00:00:00Z' WHERE id = ?1",
        [job.parse::<i64>().unwrap()],
    )
    .unwrap();
}
