//! `radiocode label`: the serial read off label photos made here, in code
//! (barcodes drawn by the decoder crate's own encoders, printed lines in a
//! dot font), turned, blurred, noised and compressed as bench photos are.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::cli::{NO_CONFIG, run, text};
use common::labels::{Face, Label, Shot, jpeg, photo, png};
use rxing::BarcodeFormat as F;
use serde_json::Value;

/// Runs `radiocode label --json` (and `extra` arguments) on `files`;
/// printed text is read where `tesseract` says, else not tried.
fn label(dir: &Path, extra: &[&str], files: &[&Path], tesseract: bool) -> Output {
    let mut args = vec!["label", "--json"];
    args.extend_from_slice(extra);
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let env: Vec<(&str, &str)> = if tesseract {
        vec![]
    } else {
        vec![("RADIOCODE_TESSERACT", "/nonexistent/tesseract")]
    };
    run(dir.join("records.db"), NO_CONFIG, &args, &env)
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn write(dir: &Path, name: &str, bytes: Vec<u8>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Whether Tesseract is on this machine; says so plainly when it is not.
fn tesseract(test: &str) -> bool {
    let there = std::process::Command::new("tesseract")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !there {
        // Straight to the terminal (not captured), as the server tests say it.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "radiocode tests: {test}: DID NOT RUN: Tesseract (tesseract-ocr) is not installed"
        );
        // CI installs it on Linux: there the test must run (the Windows
        // suite under Wine has no Windows Tesseract).
        assert!(
            cfg!(windows) || std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "in CI Tesseract must be installed (.ci/run installs tesseract-ocr)"
        );
    }
    there
}

#[test]
fn a_code128_serial_is_read_and_sure() {
    let dir = tempfile::tempdir().unwrap();
    let label_ = Label::code128("BP234612345678").with(F::CODE_128, "7642346318");
    let file = write(
        dir.path(),
        "label.png",
        png(&photo(&label_, Shot::default())),
    );
    let out = label(dir.path(), &[], &[&file], false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let j = &json_lines(&out)[0];
    assert_eq!(j["serial"], "BP234612345678", "{j}");
    assert_eq!(j["source"], "barcode");
    assert_eq!(j["symbology"], "Code 128");
    assert_eq!(j["raw"], "BP234612345678");
    assert_eq!(j["sure"], true);
    assert_eq!(j["file"], file.display().to_string());
    let b = &j["box"];
    assert!(b["width"].as_u64().unwrap() > 300, "{b}");
    // The part number's barcode is named as such, never taken for the serial.
    let others = j["others"].as_array().unwrap();
    assert!(
        others
            .iter()
            .any(|o| o["text"] == "7642346318"
                && o["what"].as_str().unwrap().contains("part number")),
        "{j}"
    );
    assert!(
        j["printed_text"]["not_tried"]
            .as_str()
            .unwrap()
            .contains("Tesseract is not installed"),
        "{j}"
    );
}

#[test]
fn the_human_report_says_how_sure_and_what_next() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "label.png",
        png(&photo(&Label::code128("M123456"), Shot::default())),
    );
    let mut args = vec!["label", file.to_str().unwrap()];
    let out = run(
        dir.path().join("r.db"),
        NO_CONFIG,
        &args,
        &[("RADIOCODE_TESSERACT", "/nonexistent/tesseract")],
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("M123456   barcode (Code 128), sure"), "{t}");
    assert!(
        t.contains("printed text   not tried: Tesseract is not installed"),
        "{t}"
    );
    assert!(t.contains("next           radiocode decode M123456"), "{t}");
    args.push("--no-text");
    let out = run(dir.path().join("r.db"), NO_CONFIG, &args, &[]);
    assert!(
        text(&out).contains("not tried: not asked for"),
        "{}",
        text(&out)
    );
}

#[test]
fn bench_photos_are_read_turned_blurred_noised_and_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let d = Shot::default();
    let cases: [(&str, Label, &str, Shot); 7] = [
        (
            "turned",
            Label::code128("BE473912345678"),
            "BE473912345678",
            Shot { angle: 17.0, ..d },
        ),
        (
            "slanted",
            Label::code128("BE475712345678"),
            "BE475712345678",
            Shot { angle: -40.0, ..d },
        ),
        (
            "upright",
            Label::default().with(F::CODE_39, "M123456"),
            "M123456",
            Shot { angle: 90.0, ..d },
        ),
        (
            "blurred",
            Label::code128("BP538461234567"),
            "BP538461234567",
            Shot { blur: 2, ..d },
        ),
        (
            "noisy",
            Label::default()
                .with(F::ITF, "7642346318")
                .with(F::CODE_128, "BP234612345678"),
            "BP234612345678",
            Shot { noise: 40, ..d },
        ),
        (
            "dim",
            Label::default().with(F::DATA_MATRIX, "M654321"),
            "M654321",
            Shot {
                ink: 70,
                paper: 150,
                ..d
            },
        ),
        (
            "qr-small",
            Label::default().with(F::QR_CODE, "BP538461234567"),
            "BP538461234567",
            Shot {
                fill: 0.3,
                at: (0.3, 0.7),
                ..d
            },
        ),
    ];
    let mut files = Vec::new();
    for (name, l, _, shot) in &cases {
        files.push(write(
            dir.path(),
            &format!("{name}.jpg"),
            jpeg(&photo(l, *shot), 75),
        ));
    }
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let out = label(dir.path(), &["--no-text"], &refs, false);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), cases.len(), "{}", text(&out));
    for ((name, _, want, _), j) in cases.iter().zip(&lines) {
        assert_eq!(j["serial"], *want, "{name}: {j}");
        assert_eq!(j["sure"], true, "{name}: {j}");
    }
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn a_blurred_barcode_small_on_the_bench_is_read_sharpened() {
    // A phone's focus and a JPEG's smoothing run the bars together: read as
    // photographed, this label gives nothing; sharpened, its bars part.
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for angle in [0.0, 90.0] {
        let l = Label::code128("815BP334934788282").line("BLAUPUNKT");
        let shot = Shot {
            blur: 2,
            fill: 0.45,
            angle,
            ink: 30,
            paper: 230,
            noise: 8,
            ..Shot::default()
        };
        files.push(write(
            dir.path(),
            &format!("blurred-{angle}.jpg"),
            jpeg(&photo(&l, shot), 80),
        ));
    }
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let out = label(dir.path(), &["--no-text"], &refs, false);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{}", text(&out));
    for j in &lines {
        assert_eq!(j["serial"], "BP334934788282", "{j}");
        assert_eq!(j["source"], "barcode", "{j}");
    }
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn label_rules_give_the_serial_but_not_sure() {
    let dir = tempfile::tempdir().unwrap();
    let prefixed = write(
        dir.path(),
        "815.png",
        png(&photo(
            &Label::code128("815CM538461234567"),
            Shot::default(),
        )),
    );
    let renault = write(
        dir.path(),
        "t.png",
        png(&photo(&Label::code128("281150063RTJ727"), Shot::default())),
    );
    let out = label(dir.path(), &["--no-text"], &[&prefixed, &renault], false);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["serial"], "BP538461234567", "{}", lines[0]);
    assert_eq!(lines[0]["raw"], "815CM538461234567");
    assert_eq!(lines[0]["sure"], false);
    let said = lines[0]["findings"].to_string();
    assert!(said.contains("815") && said.contains("CM"), "{said}");
    assert_eq!(lines[1]["serial"], "J727", "{}", lines[1]);
    assert_eq!(lines[1]["sure"], false);
    let said = lines[1]["findings"].to_string();
    assert!(
        said.contains("after the T") && said.contains("workshop manual"),
        "{said}"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_part_number_only_label_gives_no_serial_and_says_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "part.jpg",
        jpeg(&photo(&Label::code128("7645384318"), Shot::default()), 85),
    );
    let blank = write(
        dir.path(),
        "blank.png",
        png(&photo(
            &Label::default(),
            Shot {
                fill: 0.05,
                ..Shot::default()
            },
        )),
    );
    let out = label(dir.path(), &["--no-text"], &[&file, &blank], false);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["serial"], Value::Null);
    assert_eq!(lines[0]["sure"], false);
    let other = &lines[0]["others"][0];
    assert_eq!(other["text"], "7645384318");
    assert!(
        other["what"].as_str().unwrap().contains("starts BP5384"),
        "{other}"
    );
    assert!(
        lines[0]["findings"]
            .to_string()
            .contains("only other numbers"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1]["serial"], Value::Null);
    // Only the barcodes were asked for: none holds a serial, and the text is
    // what to read next, not a new photo.
    let said = lines[1]["findings"].to_string();
    assert!(said.contains("no barcode holds a serial"), "{}", lines[1]);
    assert!(said.contains("without --no-text"), "{}", lines[1]);
    assert!(!said.contains("Photograph"), "{}", lines[1]);
}

#[test]
fn a_12_megapixel_phone_photo_with_the_label_small_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let l = Label::code128("BP234612345678").with(F::CODE_128, "7642346318");
    let shot = Shot {
        width: 4000,
        height: 3000,
        fill: 0.2,
        at: (0.35, 0.65),
        angle: 8.0,
        ..Shot::default()
    };
    let file = write(dir.path(), "phone.jpg", jpeg(&photo(&l, shot), 85));
    let out = label(dir.path(), &["--no-text"], &[&file], false);
    let j = &json_lines(&out)[0];
    assert_eq!(j["serial"], "BP234612345678", "{j}");
    assert_eq!(j["sure"], true);
    // The box is where the label is: left of the middle, below it.
    let (x, y) = (
        j["box"]["x"].as_u64().unwrap(),
        j["box"]["y"].as_u64().unwrap(),
    );
    assert!((800..2000).contains(&x) && (1400..2600).contains(&y), "{j}");
    assert_eq!(
        (j["width"].as_u64(), j["height"].as_u64()),
        (Some(4000), Some(3000))
    );
}

#[test]
fn files_that_are_not_photos_are_named_and_refused_with_status_3() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        dir.path(),
        "good.png",
        png(&photo(&Label::code128("M123456"), Shot::default())),
    );
    let mut cut = jpeg(&photo(&Label::code128("M123456"), Shot::default()), 80);
    cut.truncate(cut.len() / 3);
    let cut = write(dir.path(), "cut.jpg", cut);
    let gif = write(
        dir.path(),
        "label.gif",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
    );
    let text_file = write(dir.path(), "notes.jpg", b"serial BP234612345678\n".to_vec());
    let heic = write(
        dir.path(),
        "IMG_0001.HEIC",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic".to_vec(),
    );
    let missing = dir.path().join("missing.jpg");
    let files = [&good, &cut, &gif, &text_file, &heic, &missing];
    let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let out = label(dir.path(), &["--no-text"], &refs, false);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(3), "{t}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 6, "{t}");
    assert_eq!(lines[0]["serial"], "M123456");
    for (j, says) in lines[1..].iter().zip([
        "cut short",
        "is a GIF image; radiocode reads JPEG and PNG",
        "is not a JPEG or PNG photo",
        "HEIC",
        "missing.jpg",
    ]) {
        assert_eq!(j["serial"], Value::Null, "{j}");
        assert!(j["error"].as_str().unwrap().contains(says), "{says}: {j}");
    }
    assert!(t.contains("radiocode: ") && t.contains("cut.jpg"), "{t}");
}

#[cfg(unix)]
#[test]
fn a_pipe_that_never_ends_is_not_read_as_a_photo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("camera.jpg");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = label(dir.path(), &["--no-text"], &[&fifo], false);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("not a regular file") || text(&out).contains("camera.jpg"),
        "{}",
        text(&out)
    );
}

#[test]
fn printed_text_alone_gives_a_serial_that_is_not_sure() {
    if !tesseract("printed_text_alone_gives_a_serial_that_is_not_sure") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let l = Label::default().line("RADIO").line("SERIAL BP234612345678");
    let file = write(
        dir.path(),
        "printed.png",
        png(&photo(
            &l,
            Shot {
                fill: 0.7,
                ..Shot::default()
            },
        )),
    );
    let out = label(dir.path(), &[], &[&file], true);
    let j = &json_lines(&out)[0];
    assert_eq!(j["serial"], "BP234612345678", "{j}");
    assert_eq!(j["source"], "text");
    assert_eq!(j["sure"], false);
    assert!(j["printed_text"]["read"].as_u64().unwrap() >= 1, "{j}");
}

#[test]
fn a_barcode_and_printed_text_that_agree_are_sure_and_that_disagree_are_loud() {
    if !tesseract("a_barcode_and_printed_text_that_agree_are_sure_and_that_disagree_are_loud") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let agree = Label::code128("BP538461234567");
    let disagree = Label::code128("BP538461234567").caption("BP538461234568");
    let a = write(
        dir.path(),
        "agree.png",
        png(&photo(&agree, Shot::default())),
    );
    let d = write(
        dir.path(),
        "disagree.png",
        png(&photo(&disagree, Shot::default())),
    );
    let out = label(dir.path(), &[], &[&a, &d], true);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["serial"], "BP538461234567", "{}", lines[0]);
    assert_eq!(lines[0]["sure"], true, "{}", lines[0]);
    assert_eq!(lines[1]["serial"], "BP538461234567", "{}", lines[1]);
    assert_eq!(lines[1]["sure"], false, "{}", lines[1]);
    assert_eq!(lines[1]["text_serial"], "BP538461234568", "{}", lines[1]);
    assert!(
        lines[1]["findings"].to_string().contains("disagree"),
        "{}",
        lines[1]
    );
}

#[test]
fn a_label_photo_attached_to_a_job_is_read_and_checked_against_its_serial() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("records.db");
    let no_ocr = [("RADIOCODE_TESSERACT", "/nonexistent/tesseract")];
    let jobs = |args: &[&str]| run(&db, NO_CONFIG, args, &no_ocr);
    let right = write(
        dir.path(),
        "right.png",
        png(&photo(&Label::code128("BP538461234567"), Shot::default())),
    );
    let wrong = write(
        dir.path(),
        "wrong.jpg",
        jpeg(
            &photo(&Label::code128("BP538461234568"), Shot::default()),
            85,
        ),
    );
    let add = jobs(&[
        "jobs",
        "add",
        "BP538461234567",
        "--vehicle",
        "AB12 CDE",
        "--proof",
        "V5C",
    ]);
    assert!(add.status.success(), "{}", text(&add));

    let out = jobs(&[
        "jobs",
        "attach",
        "1",
        "--kind",
        "label-photo",
        right.to_str().unwrap(),
    ]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(
        t.contains(
            "the label photo reads BP538461234567 (barcode, sure): the same as the job's serial"
        ),
        "{t}"
    );

    // A photo whose serial differs: said loudly, status 1, still recorded.
    let out = jobs(&[
        "jobs",
        "attach",
        "1",
        "--kind",
        "label-photo",
        wrong.to_str().unwrap(),
    ]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(t.contains("THE LABEL PHOTO READS BP538461234568 (barcode, sure) BUT THE JOB'S SERIAL IS BP538461234567"), "{t}");
    let card = text(&jobs(&["jobs", "card", "1"]));
    assert!(
        card.contains(
            "Label photo right.png read: BP538461234567 (the job's serial: BP538461234567)."
        ),
        "{card}"
    );
    assert!(
        card.contains(
            "LABEL PHOTO wrong.jpg READS BP538461234568, BUT THE JOB'S SERIAL IS BP538461234567"
        ),
        "{card}"
    );
    assert!(
        card.contains("wrong.jpg") && card.contains("right.png"),
        "{card}"
    );
    let export = text(&jobs(&["jobs", "export", "--format", "json"]));
    assert!(
        export.contains("\"serial_read\": \"BP538461234568\""),
        "{export}"
    );
    // The job list marks the job whose label photo reads another serial.
    let list = text(&jobs(&["jobs", "list"]));
    assert!(list.contains("LABEL PHOTO READS BP538461234568"), "{list}");
    let listed = text(&jobs(&["jobs", "list", "--format", "json"]));
    assert!(
        listed.contains("\"label_photo_reads\": \"BP538461234568\""),
        "{listed}"
    );

    // Other evidence is not read as a label.
    let out = jobs(&[
        "jobs",
        "attach",
        "1",
        "--kind",
        "display-photo",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("reads"), "{}", text(&out));
}

/// With only the barcodes asked for, a photo whose barcodes hold no serial
/// is not blamed: the technician is told to read its printed text, not to
/// take the photo again.
#[test]
fn no_text_asked_for_says_to_read_the_text_not_to_retake_the_photo() {
    let dir = tempfile::tempdir().unwrap();
    let photo_file = write(
        dir.path(),
        "printed.png",
        png(&photo(
            &Label::default().line("SERIAL BP234612345678"),
            Shot::default(),
        )),
    );
    let out = label(dir.path(), &["--no-text"], &[&photo_file], false);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("Read it again without --no-text"), "{said}");
    assert!(!said.contains("Photograph the label"), "{said}");
}

#[test]
fn dot_matrix_print_is_read_softened_and_said() {
    if !tesseract("dot_matrix_print_is_read_softened_and_said") {
        return;
    }
    // A Becker label printed in dots a little apart, as an impact printer
    // leaves them: read as they lie, Tesseract sees specks. (This face's 8
    // softened reads as 5 or 0 at some sizes: a number with one is left to
    // its barcode, as the finder's tests show.)
    let dir = tempfile::tempdir().unwrap();
    let l = Label {
        face: Face::DotMatrix,
        ..Label::default()
    }
    .line("BECKER")
    .line("MODEL NO. BE4739")
    .line("SERIAL NO. 72461937")
    .line("MADE IN GERMANY");
    let shot = Shot {
        width: 3000,
        height: 2250,
        fill: 0.4,
        angle: 90.0,
        ink: 20,
        paper: 235,
        noise: 6,
        ..Shot::default()
    };
    let file = write(dir.path(), "dots.jpg", jpeg(&photo(&l, shot), 85));
    let out = label(dir.path(), &[], &[&file], true);
    let j = &json_lines(&out)[0];
    assert_eq!(j["serial"], "BE473972461937", "{j}");
    assert_eq!(j["sure"], false, "{j}");
    let said = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "dot-matrix-print");
    assert!(said, "the dot-matrix print is said: {j}");
}

#[test]
fn a_label_photographed_at_a_slant_is_squared_from_its_edges() {
    if !tesseract("a_label_photographed_at_a_slant_is_squared_from_its_edges") {
        return;
    }
    // A phone held low over the bench: the label's far side is much
    // shorter than its near side, and its letters lean apart.
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, (face, tilt, angle)) in [
        (Face::NotoSans, 0.42, 3.0),
        (Face::LiberationSans, -0.4, -8.0),
        (Face::FreeSans, 0.45, 180.0),
    ]
    .into_iter()
    .enumerate()
    {
        let l = Label {
            face,
            ..Label::default()
        }
        .line("VISTEON")
        .line("CAR RADIO")
        .line("SERIAL M0454589")
        .line("MADE IN PORTUGAL");
        let shot = Shot {
            width: 1600,
            height: 1200,
            fill: 0.55,
            angle,
            tilt,
            ink: 30,
            paper: 230,
            noise: 8,
            seed: i as u64,
            ..Shot::default()
        };
        files.push(write(
            dir.path(),
            &format!("slant{i}.jpg"),
            jpeg(&photo(&l, shot), 88),
        ));
    }
    let paths: Vec<&Path> = files.iter().map(|f| f.as_path()).collect();
    let out = label(dir.path(), &[], &paths, true);
    for j in json_lines(&out) {
        assert_eq!(j["serial"], "M454589", "{j}");
        assert_eq!(j["sure"], false, "{j}");
    }
}

#[test]
fn every_barcode_on_a_label_is_read_each_once_however_it_lies() {
    // Three barcodes stacked close under one another and a QR code: each
    // read is blanked out before the next, so the one below a barcode is
    // not hidden by it, nor is one barcode given twice.
    let dir = tempfile::tempdir().unwrap();
    let label_ = Label::code128("BP538463270541")
        .with(F::CODE_39, "7643462318")
        .with(F::CODE_128, "28185AV600")
        .with(F::QR_CODE, "ORDER 4471-2206");
    let shots = [
        (0.0, 0.45, 0.0),
        (90.0, 0.5, 0.0),
        (183.0, 0.45, 0.1),
        (277.0, 0.5, 0.0),
        (8.0, 0.45, 0.15),
        (-12.0, 0.55, 0.0),
    ];
    let files: Vec<PathBuf> = shots
        .iter()
        .enumerate()
        .map(|(i, &(angle, fill, tilt))| {
            let shot = Shot {
                angle,
                fill,
                tilt,
                seed: 7 + i as u64,
                ..Shot::default()
            };
            write(
                dir.path(),
                &format!("stack{i}.jpg"),
                jpeg(&photo(&label_, shot), 88),
            )
        })
        .collect();
    let refs: Vec<&Path> = files.iter().map(|f| f.as_path()).collect();
    let out = label(dir.path(), &["--no-text"], &refs, false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for (j, shot) in json_lines(&out).iter().zip(shots) {
        assert_eq!(j["serial"], "BP538463270541", "{shot:?}: {j}");
        assert_eq!(j["sure"], true, "{shot:?}: {j}");
        let mut others: Vec<&str> = j["others"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["text"].as_str().unwrap())
            .collect();
        others.sort();
        assert_eq!(
            others,
            ["28185AV600", "7643462318", "ORDER 4471-2206"],
            "{shot:?}: {j}"
        );
    }
}

/// A wrapper for Tesseract that notes each start in `starts`, then runs
/// `then` (a shell command line given Tesseract's arguments).
#[cfg(unix)]
fn wrapper(dir: &Path, starts: &Path, then: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("tesseract-wrapper");
    let script = format!("#!/bin/sh\necho $$ >> '{}'\n{then}\n", starts.display());
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[cfg(unix)]
#[test]
fn a_photo_looked_at_every_way_starts_tesseract_a_few_times_and_leaves_nothing() {
    if !tesseract("a_photo_looked_at_every_way_starts_tesseract_a_few_times_and_leaves_nothing") {
        return;
    }
    // A label with no print at all: every view is tried, and none gives a
    // serial. Each Tesseract started reads view after view.
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "blank.jpg",
        jpeg(
            &photo(
                &Label::default(),
                Shot {
                    fill: 0.5,
                    ..Shot::default()
                },
            ),
            85,
        ),
    );
    let starts = dir.path().join("starts");
    let program = wrapper(dir.path(), &starts, "exec tesseract \"$@\"");
    let temp = dir.path().join("temp");
    std::fs::create_dir(&temp).unwrap();
    let args = ["label", "--json", file.to_str().unwrap()];
    let env = [
        ("RADIOCODE_TESSERACT", program.to_str().unwrap()),
        ("TMPDIR", temp.to_str().unwrap()),
    ];
    let out = run(dir.path().join("records.db"), NO_CONFIG, &args, &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let j = &json_lines(&out)[0];
    assert_eq!(j["serial"], Value::Null, "{j}");
    assert!(j["printed_text"]["read"].is_u64(), "{j}");
    let started = std::fs::read_to_string(&starts).unwrap().lines().count();
    assert!(
        (1..=3).contains(&started),
        "Tesseract started {started} times"
    );
    // The pictures handed to Tesseract went with it.
    let left: Vec<_> = std::fs::read_dir(&temp).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[cfg(unix)]
#[test]
fn a_tesseract_that_cannot_start_is_named_with_what_it_said() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "printed.png",
        png(&photo(
            &Label::default().line("SERIAL BP234612345678"),
            Shot::default(),
        )),
    );
    let starts = dir.path().join("starts");
    let program = wrapper(
        dir.path(),
        &starts,
        "echo 'Error opening data file /nowhere/eng.traineddata' >&2\nexit 1",
    );
    let args = ["label", "--json", file.to_str().unwrap()];
    let env = [("RADIOCODE_TESSERACT", program.to_str().unwrap())];
    let out = run(dir.path().join("records.db"), NO_CONFIG, &args, &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let j = &json_lines(&out)[0];
    assert_eq!(j["serial"], Value::Null, "{j}");
    let failed = j["printed_text"]["failed"].as_str().unwrap_or_default();
    assert!(failed.contains("Error opening data file"), "{j}");
}

#[cfg(unix)]
#[test]
fn photos_read_in_one_batch_share_their_tesseracts() {
    if !tesseract("photos_read_in_one_batch_share_their_tesseracts") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let label = Label::default().line("SERIAL BP234612345678");
    let files: Vec<String> = (0..4)
        .map(|i| {
            let shot = Shot {
                fill: 0.5 + 0.05 * i as f32,
                ..Shot::default()
            };
            let file = write(dir.path(), &format!("{i}.png"), png(&photo(&label, shot)));
            file.to_str().unwrap().to_string()
        })
        .collect();
    let starts = dir.path().join("starts");
    let program = wrapper(dir.path(), &starts, "exec tesseract \"$@\"");
    let temp = dir.path().join("temp");
    std::fs::create_dir(&temp).unwrap();
    let mut args = vec!["label", "--json"];
    args.extend(files.iter().map(String::as_str));
    let env = [
        ("RADIOCODE_TESSERACT", program.to_str().unwrap()),
        ("TMPDIR", temp.to_str().unwrap()),
    ];
    let out = run(dir.path().join("records.db"), NO_CONFIG, &args, &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4, "{}", text(&out));
    for j in &lines {
        assert_eq!(j["serial"], "BP234612345678", "{j}");
    }
    // Four photos, each read from its print: a Tesseract for each would be
    // four starts at least.
    let started = std::fs::read_to_string(&starts).unwrap().lines().count();
    assert!(
        (1..=2).contains(&started),
        "Tesseract started {started} times"
    );
    let left: Vec<_> = std::fs::read_dir(&temp).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}
