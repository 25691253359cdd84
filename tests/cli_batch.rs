//! The `radiocode batch` contract.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn batch(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .env("RADIOCODE_DB", no_db())
        .arg("batch")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run radiocode");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn no_db() -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "radiocode-test-none-{}/none.db",
        std::process::id()
    ))
}

fn jsonl(out: &Output) -> Vec<Value> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::str::from_utf8(&out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn csv_rows(out: &Output) -> Vec<Vec<String>> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(out.stdout.as_slice());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn plain_lines_in_order_with_blank_lines_crlf_and_bom_handled() {
    let out = batch(
        &[],
        b"\xEF\xBB\xBFJ727\r\n\r\n   \nM123456\r\nV123456\nj295\n",
    );
    let rows = jsonl(&out);
    let serials: Vec<_> = rows.iter().map(|r| r["input"].as_str().unwrap()).collect();
    assert_eq!(serials, ["J727", "M123456", "V123456", "j295"]);
    assert_eq!(rows[0]["candidates"][0]["code"], "6586");
    assert_eq!(rows[1]["candidates"][0]["code"], "2487");
    assert_eq!(rows[2]["status"], "invalid");
    assert_eq!(rows[2]["findings"][0]["kind"], "ford-v-serial");
    assert_eq!(rows[3]["candidates"][0]["code"], "7590");
}

#[test]
fn the_same_object_as_decode_json() {
    let rows = jsonl(&batch(&[], b"bp 5384 6 41829O5\n"));
    let decode = Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .env("RADIOCODE_DB", no_db())
        .args(["decode", "--json", "bp 5384 6 41829O5"])
        .output()
        .unwrap();
    let single: Value = serde_json::from_slice(&decode.stdout).unwrap();
    assert_eq!(rows[0], single);
}

#[test]
fn csv_with_extra_and_quoted_columns_carries_them_through() {
    let input = b"reg,Serial,note\r\nAB12 CDE,J727,\"quoted, with \"\"comma\"\"\"\r\nXY,\"M123456\",\nZZ,7645384318,x\n";
    let rows = csv_rows(&batch(&["--format", "csv"], input));
    assert_eq!(
        rows[0],
        [
            "serial",
            "family",
            "status",
            "code",
            "alt_code",
            "confidence",
            "message",
            "warnings",
            "reg",
            "note"
        ]
    );
    assert_eq!(
        rows[1][..6],
        ["J727", "renault", "decoded", "6586", "", "verified"]
    );
    assert_eq!(rows[1][8..], ["AB12 CDE", "quoted, with \"comma\""]);
    assert_eq!(
        rows[2][..6],
        ["M123456", "visteon", "decoded", "2487", "", "assumed"]
    );
    assert_eq!(rows[2][8..], ["XY", ""]);
    assert_eq!(rows[3][..3], ["7645384318", "", "invalid"]);
    assert!(rows[3][6].contains("part number"), "{}", rows[3][6]);
    assert_eq!(rows.len(), 4);
}

#[test]
fn csv_input_with_jsonl_output_carries_columns() {
    let rows = jsonl(&batch(&[], b"serial,reg\nJ727,AB12\n"));
    assert_eq!(rows[0]["serial"], "J727");
    assert_eq!(rows[0]["columns"]["reg"], "AB12");
}

#[test]
fn a_non_utf8_row_is_reported_and_the_run_goes_on() {
    let rows = jsonl(&batch(&[], b"J727\nJ7\xff7\nM123456\n"));
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["status"], "invalid");
    assert_eq!(rows[1]["findings"][0]["kind"], "not-utf8");
    assert_eq!(rows[2]["status"], "decoded");
}

#[test]
fn a_one_megabyte_row_is_reported_and_the_run_goes_on() {
    let mut input = b"J727\n".to_vec();
    input.extend(std::iter::repeat_n(b'7', 1 << 20));
    input.extend(b"\nM123456\n");
    let rows = csv_rows(&batch(&["--format", "csv"], &input));
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[2][2], "invalid");
    assert!(rows[2][6].contains("1048576 bytes long"), "{}", rows[2][6]);
    assert!(rows[2][0].len() < 200, "the row is not echoed whole");
    assert_eq!(rows[3][0], "M123456");
}

#[test]
fn an_empty_file_gives_no_rows() {
    assert!(jsonl(&batch(&[], b"")).is_empty());
    let rows = csv_rows(&batch(&["--format", "csv"], b""));
    assert_eq!(rows.len(), 1, "just the header");
}

#[test]
fn blaupunkt_rows_have_no_code_and_say_so() {
    let rows = csv_rows(&batch(&["--format", "csv"], b"BP334958119566\n"));
    assert_eq!(rows[1][..4], ["BP334958119566", "blaupunkt", "no-code", ""]);
    assert!(rows[1][6].contains("no public algorithm"));
}

#[test]
fn the_family_flag_applies_to_every_row() {
    let rows = jsonl(&batch(&["--family", "renault"], b"0123\n"));
    assert_eq!(rows[0]["serial"], "O123");
}

#[test]
fn a_file_argument_and_an_unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.txt");
    std::fs::write(&path, "J727\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .env("RADIOCODE_DB", no_db())
        .args(["batch", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(jsonl(&out).len(), 1);
    let out = Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .env("RADIOCODE_DB", no_db())
        .args(["batch", dir.path().join("missing.txt").to_str().unwrap()])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing.txt"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn nothing_but_results_on_stdout() {
    let input: Vec<u8> = (0..50_000)
        .flat_map(|i| format!("M{i:06}\n").into_bytes())
        .collect();
    let out = batch(&["--format", "csv"], &input);
    assert!(
        out.stderr.is_empty(),
        "no progress when stderr is not a terminal"
    );
    assert_eq!(csv_rows(&out).len(), 50_001);
}

#[test]
fn every_core_or_one_gives_the_same_bytes_in_input_order() {
    // Many pieces' worth of rows, the quick ones and the odd ones mixed.
    let mut input = Vec::new();
    input.extend_from_slice(b"\xEF\xBB\xBFJ727\r\n");
    for i in 0..60_000u32 {
        let row = match i % 7 {
            0 => format!("{}{:03}", (b'A' + (i % 26) as u8) as char, i % 1000),
            1 => format!("M{:06}", i * 13 % 1_000_000),
            2 => format!(" j{:03} ", i % 1000),
            3 => "BP538464182965".to_string(),
            4 => String::new(),
            5 => format!("A0{:02}", i % 100),
            _ => format!("M0{:06}", i % 1_000_000),
        };
        input.extend_from_slice(row.as_bytes());
        input.extend_from_slice(if i % 2 == 0 { b"\n" } else { b"\r\n" });
    }
    input.extend_from_slice(&vec![b'x'; 2 << 20]);
    input.extend_from_slice(b"\nJ295");
    for format in ["csv", "jsonl"] {
        let one = batch(&["--format", format, "--threads", "1"], &input);
        let many = batch(&["--format", format, "--threads", "4"], &input);
        assert_eq!(one.status.code(), Some(0));
        assert!(one.stdout == many.stdout, "{format}: the outputs differ");
        let lines = one
            .stdout
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .count();
        let header = usize::from(format == "csv");
        assert_eq!(lines, 1 + 60_000 - 60_000 / 7 + 1 + 1 + header, "{format}");
    }
}

/// A corrected row keeps its source note and its warnings apart: the
/// Visteon algorithm's "not yet confirmed on a Nissan" is not lost to the
/// correction, and the quick rows have the same columns.
#[test]
fn warnings_have_a_column_of_their_own() {
    let rows = csv_rows(&batch(&["--format", "csv"], b"M12345O\nM123456\n"));
    assert_eq!(rows[0][6..8], ["message", "warnings"]);
    assert!(
        rows[1][6].contains("not yet confirmed on a Nissan"),
        "{:?}",
        rows[1]
    );
    assert!(rows[1][7].contains("position 7"), "{:?}", rows[1]);
    assert!(
        rows[2][6].contains("not yet confirmed on a Nissan"),
        "{:?}",
        rows[2]
    );
    assert_eq!(rows[2][7], "");
    assert_eq!(rows[1].len(), 8);
    assert_eq!(rows[2].len(), 8);
}

/// batch reads an AZERTY number row as decode does.
#[test]
fn batch_reads_an_azerty_number_row() {
    let rows = csv_rows(&batch(&["--format", "csv"], "Jè\"è\n".as_bytes()));
    assert_eq!(rows[1][..4], ["J737", "renault", "decoded", "6583"]);
    assert!(rows[1][7].contains("AZERTY"), "{:?}", rows[1]);
}
