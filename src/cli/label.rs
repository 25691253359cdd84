//! `radiocode label`: the serial on each label photo, how it was read and
//! how sure that is.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Out;
use super::progress::{Progress, Unit};
use crate::exit;
use crate::files::path_text;
use crate::finding::escape_text;
use crate::label::{self, Failure, Options, Reading, TextRead};

#[derive(clap::Args, Debug)]
pub struct LabelArgs {
    /// Photos of radio labels (JPEG or PNG).
    #[arg(required = true, value_name = "PHOTO")]
    pub photos: Vec<PathBuf>,
    /// One JSON object a line per photo: file, serial, source, symbology,
    /// raw, sure, findings, others, box.
    #[arg(long)]
    pub json: bool,
    /// Read the barcodes only, not the printed text (faster; nothing to
    /// check a barcode against).
    #[arg(long)]
    pub no_text: bool,
}

#[derive(Serialize)]
struct Line<'a> {
    file: String,
    #[serde(flatten)]
    reading: &'a Reading,
}

#[derive(Serialize)]
struct Unreadable {
    file: String,
    serial: Option<()>,
    error: String,
}

pub fn run(args: &LabelArgs) -> anyhow::Result<u8> {
    let mut out = Out::stdout();
    let mut status = exit::OK;
    let options = Options {
        text: !args.no_text,
        ..Options::default()
    };
    // Over many photos, how far it has got; one photo is its own wait.
    let progress = Progress::on(
        std::io::stderr().is_terminal() && args.photos.len() > 1,
        "reading",
        Some(args.photos.len() as u64),
        Unit::Items("photos"),
    );
    // Tesseract, once started, reads every photo of the batch.
    let batch = label::Batch::default();
    for (i, path) in args.photos.iter().enumerate() {
        let file = path_text(path);
        let (said, failed) = match batch.read_file(path, &options) {
            Ok((reading, _)) => {
                if reading.serial.is_none() {
                    status = status.max(exit::NO_CODE);
                }
                let said = said_of(path, &reading, args.json)?;
                let said = if i > 0 && !args.json {
                    format!("\n{said}")
                } else {
                    said
                };
                (Some(said), None)
            }
            Err(failure) => {
                let why = match failure {
                    Failure::Unreadable(why) => why,
                    Failure::Stopped => "the reading was stopped".to_string(),
                };
                status = exit::FAILURE;
                let said = args
                    .json
                    .then(|| {
                        super::output::json_text(&Unreadable {
                            file,
                            serial: None,
                            error: why.clone(),
                        })
                    })
                    .transpose()?;
                (said, Some(why))
            }
        };
        progress.suspend(|| -> anyhow::Result<()> {
            if let Some(why) = failed {
                say!("radiocode: {why}");
            }
            if let Some(said) = said {
                out.line(&said)?;
            }
            out.flush()
        })?;
        progress.inc(1);
    }
    progress.finish();
    out.flush()?;
    Ok(status)
}

/// What `label` prints of one photo read: its report, or its JSON line.
pub fn said_of(path: &Path, reading: &Reading, json: bool) -> anyhow::Result<String> {
    if json {
        super::output::json_text(&Line {
            file: path_text(path),
            reading,
        })
    } else {
        Ok(report(path, reading))
    }
}

/// The plain-text report for one photo.
pub fn report(path: &Path, r: &Reading) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", escape_text(&path_text(path)));
    let row = |s: &mut String, label: &str, text: &str| {
        let _ = writeln!(s, "  {label:<15}{text}");
    };
    if let Some(serial) = &r.serial {
        let how = match (r.source, r.symbology) {
            (Some(source), Some(sym)) => format!("{} ({sym})", source.words()),
            (Some(source), None) => source.words().to_string(),
            _ => String::new(),
        };
        let sure = if r.sure {
            "sure"
        } else {
            "not sure: check it on the label"
        };
        row(&mut s, "serial", &format!("{serial}   {how}, {sure}"));
        if let Some(family) = r.family {
            row(&mut s, "family", family.name());
        }
        if let Some(raw) = &r.raw
            && raw != serial.as_str()
        {
            row(&mut s, "read as", &escape_text(raw));
        }
    } else {
        row(&mut s, "serial", "none read");
    }
    if let Some(a) = r.area {
        row(
            &mut s,
            "where",
            &format!(
                "{}x{} pixels at x {}, y {} (photo {}x{})",
                a.width, a.height, a.x, a.y, r.width, r.height
            ),
        );
    }
    if let Some(t) = &r.text_serial {
        row(&mut s, "printed text", &format!("reads {t}"));
    }
    for f in &r.findings {
        let at = f
            .position
            .map(|p| format!("character {}: ", p + 1))
            .unwrap_or_default();
        row(&mut s, f.severity.label(), &format!("{at}{}", f.message));
    }
    for o in &r.others {
        let how = match o.symbology {
            Some(sym) => format!("barcode, {sym}"),
            None => "printed text".to_string(),
        };
        row(
            &mut s,
            "other number",
            &format!("{} ({how}): {}", escape_text(&o.text), o.what),
        );
    }
    match &r.printed_text {
        TextRead::Read(n) => row(&mut s, "printed text", &format!("read, {n} lines")),
        TextRead::NotTried(why) => row(&mut s, "printed text", &format!("not tried: {why}")),
        TextRead::Failed(why) => row(&mut s, "printed text", &format!("not read: {why}")),
    }
    if let Some(serial) = &r.serial {
        row(&mut s, "next", &format!("radiocode decode {serial}"));
    }
    s.truncate(s.trim_end().len());
    s
}
