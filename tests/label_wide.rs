//! Labels as the makers print them, read off photos drawn in the faces
//! label printers use (Debian's fonts-liberation, fonts-freefont-ttf,
//! fonts-noto-core and fonts-ocr-b, which `.ci/run` installs): a serial
//! printed after its word, a Becker model and number in two places, silver
//! and turned labels, a part number that contradicts the serial, and an
//! invoice with no serial on it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::cli::{NO_CONFIG, run};
use common::labels::{Face, Label, Shot, jpeg, photo};
use rxing::BarcodeFormat as F;
use serde_json::Value;

fn label(dir: &Path, files: &[PathBuf]) -> Output {
    let mut args = vec!["label".to_string(), "--json".to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(dir.join("records.db"), NO_CONFIG, &args, &[])
}

/// Whether Tesseract and the faces are on this machine; says so plainly
/// when they are not. In CI on Linux they must be.
fn ready(test: &str) -> bool {
    let tesseract = std::process::Command::new("tesseract")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing: Vec<String> = Face::ALL
        .iter()
        .filter(|f| !f.installed())
        .filter_map(|f| f.path().map(str::to_string))
        .collect();
    if tesseract && missing.is_empty() {
        return true;
    }
    use std::io::Write;
    let why = if tesseract {
        format!("the label faces are not installed ({})", missing.join(", "))
    } else {
        "Tesseract (tesseract-ocr) is not installed".to_string()
    };
    let _ = writeln!(
        std::io::stderr(),
        "radiocode tests: {test}: DID NOT RUN: {why}"
    );
    assert!(
        cfg!(windows) || std::env::var_os("CI").is_none_or(|v| v.is_empty()),
        "in CI Tesseract and the fonts must be installed (.ci/run installs them)"
    );
    false
}

struct Case {
    name: &'static str,
    label: Label,
    shot: Shot,
    /// The serial, or "" where the photo holds none.
    want: &'static str,
}

fn case(name: &'static str, label: Label, face: Face, shot: Shot, want: &'static str) -> Case {
    Case {
        name,
        label: Label { face, ..label },
        shot: Shot {
            seed: name.len() as u64,
            ..shot
        },
        want,
    }
}

fn cases() -> Vec<Case> {
    let d = Shot {
        fill: 0.6,
        ..Shot::default()
    };
    vec![
        case(
            "bp-dashed-after-its-word-upside-down",
            Label::default()
                .line("BLAUPUNKT")
                .with(F::CODE_128, "7645384318")
                .caption("7 645 384 318")
                .line("S/N: BP5384-6-4182965")
                .line("MADE IN PORTUGAL"),
            Face::LiberationSans,
            Shot { angle: 180.0, ..d },
            "BP538464182965",
        ),
        case(
            "becker-model-and-number-apart",
            Label::default()
                .line("Becker")
                .line("Model No: BE 4757")
                .line("12V DC")
                .line("Serial No: 12345678")
                .line("Made in Germany"),
            Face::OcrB,
            Shot { angle: 3.0, ..d },
            "BE475712345678",
        ),
        case(
            "becker-number-in-its-barcode-turned",
            Label::default()
                .line("BECKER")
                .line("MODEL NO. BE4739")
                .with(F::CODE_128, "87654321")
                .caption("SERIAL NO. 87654321"),
            Face::NotoSans,
            Shot { angle: 90.0, ..d },
            "BE473987654321",
        ),
        case(
            "visteon-on-silver",
            Label::default()
                .line("VISTEON")
                .line("CAR RADIO")
                .line("SERIAL M0123456")
                .line("MADE IN PORTUGAL"),
            Face::FreeSans,
            Shot {
                ink: 70,
                paper: 190,
                grain: 12,
                shadow: 0.3,
                ..d
            },
            "M123456",
        ),
        case(
            "renault-precode-on-a-cluttered-bench",
            Label::default()
                .line("NISSAN")
                .with(F::CODE_128, "281151234R")
                .line("PRECODE: J727")
                .line("KW 07/07"),
            Face::LiberationNarrowBold,
            Shot { clutter: true, ..d },
            "J727",
        ),
        case(
            "a-serial-its-part-number-contradicts",
            Label::default()
                .line("BLAUPUNKT")
                .with(F::CODE_128, "7645384318")
                .caption("7 645 384 318")
                .line("S/N BP2346 6 4182965"),
            Face::DejaVuMono,
            d,
            "",
        ),
        case(
            "an-invoice",
            Label::default()
                .line("INVOICE 2006-0417")
                .line("RADIO REPAIR   1   45.00")
                .line("PART 28185 9U10A")
                .line("KW 07/07  TOTAL 2006.00"),
            Face::LiberationSans,
            d,
            "",
        ),
    ]
}

#[test]
fn labels_as_the_makers_print_them_are_read_and_nothing_else() {
    if !ready("labels_as_the_makers_print_them_are_read_and_nothing_else") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    let files: Vec<PathBuf> = cases
        .iter()
        .map(|c| {
            let path = dir.path().join(format!("{}.jpg", c.name));
            std::fs::write(&path, jpeg(&photo(&c.label, c.shot), 85)).unwrap();
            path
        })
        .collect();
    let out = label(dir.path(), &files);
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), cases.len());
    for (c, j) in cases.iter().zip(&lines) {
        if c.want.is_empty() {
            assert_eq!(j["serial"], Value::Null, "{}: {j}", c.name);
        } else {
            assert_eq!(j["serial"], c.want, "{}: {j}", c.name);
            // Printed text alone is never sure.
            assert_eq!(j["sure"], false, "{}: {j}", c.name);
        }
    }
    let said = |name: &str| {
        let i = cases.iter().position(|c| c.name == name).unwrap();
        lines[i].to_string()
    };
    assert!(
        said("becker-model-and-number-apart").contains("apart"),
        "{}",
        said("becker-model-and-number-apart")
    );
    // The barcode that held the number is named as the serial's number.
    assert!(
        said("becker-number-in-its-barcode-turned")
            .contains("the serial number in BE473987654321, without its model"),
        "{}",
        said("becker-number-in-its-barcode-turned")
    );
    assert!(
        said("a-serial-its-part-number-contradicts").contains("part number"),
        "{}",
        said("a-serial-its-part-number-contradicts")
    );
    // Some photos hold no serial: the run says so by its status.
    assert_eq!(out.status.code(), Some(1));
}
