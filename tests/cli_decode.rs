//! The `radiocode decode` contract: output, JSON shape and exit status.

use std::process::{Command, Output};

use serde_json::Value;

fn radiocode(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("RADIOCODE_DB", no_db())
        .output()
        .expect("run radiocode")
}

/// A database path that does not exist: only the seeded public pairs answer.
fn no_db() -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "radiocode-test-none-{}/none.db",
        std::process::id()
    ))
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn decoded_precode_exits_0() {
    let out = radiocode(&["decode", "j727"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("6586"), "{text}");
    assert!(text.contains("verified"), "{text}");
}

#[test]
fn json_has_the_documented_shape() {
    let out = radiocode(&[
        "decode",
        "--json",
        "J727",
        "bp 5384 6 41829O5",
        "7645384318",
    ]);
    assert_eq!(out.status.code(), Some(2), "worst of the three is invalid");
    let rows = json_lines(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["input"], "J727");
    assert_eq!(rows[0]["serial"], "J727");
    assert_eq!(rows[0]["family"], "renault");
    assert_eq!(rows[0]["status"], "decoded");
    assert_eq!(rows[0]["findings"], Value::Array(vec![]));
    assert_eq!(rows[0]["candidates"][0]["code"], "6586");
    assert_eq!(rows[0]["candidates"][0]["source"], "algorithm");
    assert_eq!(rows[0]["candidates"][0]["confidence"], "verified");

    assert_eq!(rows[1]["serial"], "BP538464182905");
    assert_eq!(rows[1]["family"], "blaupunkt");
    assert_eq!(rows[1]["status"], "no-code");
    assert_eq!(rows[1]["findings"][0]["severity"], "warning");
    assert_eq!(rows[1]["findings"][0]["kind"], "letter-for-digit");
    // Counted as a person counts: the O is the 16th character typed.
    assert_eq!(rows[1]["findings"][0]["position"], 16);
    assert_eq!(rows[1]["candidates"], Value::Array(vec![]));

    assert_eq!(rows[2]["serial"], Value::Null);
    assert_eq!(rows[2]["family"], Value::Null);
    assert_eq!(rows[2]["status"], "invalid");
    assert_eq!(rows[2]["findings"][0]["kind"], "part-number");
    assert_eq!(rows[2]["findings"][0]["severity"], "error");
}

#[test]
fn exit_status_follows_the_result() {
    assert_eq!(radiocode(&["decode", "M123456"]).status.code(), Some(0));
    assert_eq!(
        radiocode(&["decode", "BP334958119566"]).status.code(),
        Some(1)
    );
    assert_eq!(radiocode(&["decode", "A050"]).status.code(), Some(1));
    assert_eq!(radiocode(&["decode", "V123456"]).status.code(), Some(2));
    assert_eq!(
        radiocode(&["decode", "--family", "radio", "J727"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(radiocode(&["decode"]).status.code(), Some(2));
}

#[test]
fn the_family_flag_reads_as_that_family() {
    let out = radiocode(&["decode", "--json", "--family", "renault", "0123"]);
    let rows = json_lines(&out);
    assert_eq!(rows[0]["serial"], "O123");
    assert_eq!(rows[0]["findings"][0]["kind"], "digit-for-letter");
}

#[test]
fn human_output_shows_bp_anatomy_and_routes() {
    let out = radiocode(&["decode", "BP538464182905"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "5384",
        "year digit",
        "4182905",
        "7 645 384 318",
        "no public algorithm",
        "dealer",
        "EEPROM",
        "Radio Pass",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
}

#[test]
fn a_100_kb_argument_is_a_clear_error() {
    // A Windows command line holds at most 32,767 characters: 30 KB there.
    let n = if cfg!(windows) { 30 * 1024 } else { 100 * 1024 };
    let long = "7".repeat(n);
    let out = radiocode(&["decode", &long]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("{n} characters long")), "{text}");
    assert!(text.len() < 2000, "the argument is not echoed whole");
    assert!(out.stderr.is_empty());
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_a_clear_error() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .env("RADIOCODE_DB", no_db())
        .arg("decode")
        .arg(OsStr::from_bytes(b"J7\xff27"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("not UTF-8"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .env("RADIOCODE_DB", no_db())
        .args(["decode", "--json"])
        .arg(OsStr::from_bytes(b"\xff"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let row: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(row["findings"][0]["kind"], "not-utf8");
}

#[test]
fn control_characters_are_escaped_in_human_output() {
    let out = radiocode(&["decode", "J7\u{1b}[31m27"]);
    assert!(
        !out.stdout.contains(&0x1b),
        "no raw escape reaches the terminal"
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_seeded_public_pairs_answer_without_a_database() {
    let out = radiocode(&["decode", "--json", "BP538464182965", "BP234746080340"]);
    assert_eq!(out.status.code(), Some(0));
    let rows = json_lines(&out);
    let codes: Vec<_> = rows[0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap(),
                c["source"].as_str().unwrap(),
                c["confidence"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("7091", "code-book", "unconfirmed"),
            ("1091", "derived", "unconfirmed")
        ]
    );
    let note = rows[0]["candidates"][1]["note"].as_str().unwrap();
    assert!(
        note.contains("mod 2000") && note.contains("from 7091"),
        "{note}"
    );
    assert_eq!(rows[1]["candidates"][0]["code"], "1222");
    assert_eq!(rows[1]["candidates"][0]["confidence"], "confirmed");
    assert!(!no_db().exists(), "reading never creates the database");
}

/// The manual page is the same on every machine: one page that lists its
/// commands and names no page it cannot produce, no machine's own paths,
/// and a synopsis with the option's argument.
#[test]
fn the_manual_page_is_one_page_with_no_machine_in_it() {
    let out = radiocode(&["man"]);
    assert!(out.status.success());
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(man.contains(".TH radiocode 1"), "{man}");
    assert!(
        !man.contains("radiocode\\-decode(1)") && !man.contains("(1)"),
        "{man}"
    );
    assert!(
        man.contains("radiocode book add"),
        "every command is in the page"
    );
    assert!(man.contains("[\\-\\-db <PATH|URL>]"), "{man}");
    if let Some(home) = std::env::var_os("HOME") {
        let home = home.to_string_lossy().replace('-', "\\-");
        assert!(home.len() < 2 || !man.contains(&home), "{man}");
    }
    assert!(man.contains("~/.config/radiocode/config.toml"));

    let dir = tempfile::tempdir().unwrap();
    let out = radiocode(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert!(out.status.success());
    for page in ["radiocode.1", "radiocode-decode.1", "radiocode-book-add.1"] {
        assert!(dir.path().join(page).exists(), "{page}");
    }
}

/// With the records named in the environment, a usage line does not make
/// --db look required.
#[test]
fn usage_lines_never_make_db_look_required() {
    let out = radiocode(&["decode"]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("Usage: radiocode decode"), "{said}");
    assert!(!said.contains("--db"), "{said}");
}
