//! Reading a label photo: its barcodes first, its printed text second, each
//! matched against the family templates; the serial it holds, how it was
//! read and how sure that is.
//!
//! A barcode does not misprint: its text is taken as a serial only where it
//! is one exactly, or by a label rule a family names (the `815` prefix, `CM`
//! for `BP`, `M0`, a Renault precode after its `T`). Printed text is read by
//! Tesseract and goes through the same serial reader as typed text, so every
//! O/0 and I/1 is flagged where it stands. Where both give a serial they
//! must agree, or neither is sure.

mod barcode;
mod clean;
mod find;
mod look;
mod photo;
mod square;
mod tesseract;
mod text;

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use compact_str::CompactString;
use serde::Serialize;

pub use barcode::{LikelyBarcode, OVERVIEW, Seen, likely_barcodes};
pub use photo::{Area, Grey, Opened};
use tesseract::Pool;
pub use tesseract::{end_all as end_readings, how_to_install};
pub use text::{Line, Outcome as TextOutcome};

use crate::family::{self, Family};
use crate::finding::{Finding, FindingKind as K, Severity};
use crate::serial;

/// How a serial was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Barcode,
    Text,
}

impl Source {
    pub fn words(self) -> &'static str {
        match self {
            Source::Barcode => "barcode",
            Source::Text => "printed text",
        }
    }
}

/// What became of the printed text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextRead {
    /// Read; this many lines.
    Read(usize),
    /// Not tried, and why.
    NotTried(String),
    /// Tried and failed, and why.
    Failed(String),
}

/// Why the printed text was not tried when only barcodes were asked for.
const NOT_ASKED: &str = "not asked for";

/// A number read off the label that is not the serial.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Other {
    pub text: String,
    /// What it is, in words (a part number and where the serial is instead).
    pub what: String,
    pub source: Source,
    pub symbology: Option<&'static str>,
    #[serde(rename = "box")]
    pub area: Area,
}

/// Everything read off one label photo.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reading {
    /// The serial in its normal form, when one was read.
    pub serial: Option<CompactString>,
    #[serde(skip)]
    pub family: Option<Family>,
    pub source: Option<Source>,
    pub symbology: Option<&'static str>,
    /// The text as read, before the serial was made of it.
    pub raw: Option<String>,
    /// A barcode whose text is exactly a valid serial, or a barcode and the
    /// printed text that agree.
    pub sure: bool,
    pub findings: Vec<Finding>,
    pub others: Vec<Other>,
    #[serde(rename = "box")]
    pub area: Option<Area>,
    /// The serial the printed text gave, where it differs from the barcode's.
    pub text_serial: Option<CompactString>,
    pub printed_text: TextRead,
    /// The photo's size, pixels.
    pub width: u32,
    pub height: u32,
}

/// The steps of a reading, for a progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Opening,
    Barcodes,
    Text,
}

impl Step {
    pub fn words(self) -> &'static str {
        match self {
            Step::Opening => "opening the photo",
            Step::Barcodes => "looking for barcodes",
            Step::Text => "reading the printed text",
        }
    }
}

/// How to read: whether to try the printed text, and who is told of each
/// step and asked whether to stop.
pub struct Options<'a> {
    pub text: bool,
    pub step: &'a dyn Fn(Step),
    pub stop: &'a dyn Fn() -> bool,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            text: true,
            step: &|_| {},
            stop: &|| false,
        }
    }
}

/// Why a photo gave no reading at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The file cannot be read as a photo: what is wrong, with its path.
    Unreadable(String),
    Stopped,
}

/// Reads the label photo at `path`.
pub fn read_file(path: &Path, options: &Options) -> Result<(Reading, Opened), Failure> {
    Batch::default().read_file(path, options)
}

/// Photos read one after another with the same Tesseracts: each photo after
/// the first is read without waiting for Tesseract to start. They end when
/// the batch does.
#[derive(Default)]
pub struct Batch {
    pool: Pool,
}

impl Batch {
    /// Reads the label photo at `path`, as [`read_file`].
    pub fn read_file(&self, path: &Path, options: &Options) -> Result<(Reading, Opened), Failure> {
        self.pool.settle(2);
        read_file_with(path, options, &self.pool)
    }
}

/// Opens and reads the photo at `path` with the Tesseracts of `pool`.
fn read_file_with(
    path: &Path,
    options: &Options,
    pool: &Pool,
) -> Result<(Reading, Opened), Failure> {
    (options.step)(Step::Opening);
    // Tesseract starts while the photo opens: its start is the longest
    // wait of a reading.
    if options.text {
        pool.warm(text::View::default().psm, 1);
    }
    let opened = photo::open(path).map_err(Failure::Unreadable)?;
    if (options.stop)() {
        return Err(Failure::Stopped);
    }
    let reading = read_with(&opened.grey, options, pool)?;
    Ok((reading, opened))
}

/// A serial found in one piece of text read off the label.
struct Found {
    serial: CompactString,
    family: Option<Family>,
    /// The text is exactly the serial.
    exact: bool,
    findings: Vec<Finding>,
    raw: String,
    area: Area,
    symbology: Option<&'static str>,
}

/// The kinds of finding that say a character was misread: a barcode never
/// misreads, so its text with one of these is no serial.
fn misread(kind: K) -> bool {
    matches!(
        kind,
        K::InvalidCharacter
            | K::LetterForDigit
            | K::DigitForLetter
            | K::YearLetter
            | K::AzertyNumberRow
            | K::WrongLength
            | K::TooLong
            | K::Empty
    )
}

/// What a finding says a number is when it is not a serial (a part number,
/// another maker's unit).
fn not_a_serial(d: &serial::Diagnosis) -> Option<String> {
    d.findings
        .iter()
        .find(|f| {
            matches!(
                f.kind,
                K::PartNumber | K::NotDecodableUnit | K::FordVSerial | K::UnsupportedModel
            )
        })
        .map(|f| f.message.to_string())
}

/// Reads the barcodes and printed text of a photo already open.
pub fn read_photo(grey: &Grey, options: &Options) -> Result<Reading, Failure> {
    read_with(grey, options, &Pool::default())
}

/// Reads a photo with the Tesseracts of `pool` (the photo's own, or a
/// batch's).
fn read_with(grey: &Grey, options: &Options, pool: &Pool) -> Result<Reading, Failure> {
    let mut reading = Reading {
        serial: None,
        family: None,
        source: None,
        symbology: None,
        raw: None,
        sure: false,
        findings: Vec::new(),
        others: Vec::new(),
        area: None,
        text_serial: None,
        printed_text: TextRead::NotTried(NOT_ASKED.to_string()),
        width: grey.width,
        height: grey.height,
    };
    (options.step)(Step::Barcodes);
    let (seen, glanced) = barcodes_and_glance(grey, options, pool);
    if (options.stop)() {
        return Err(Failure::Stopped);
    }
    let mut from_barcodes: Vec<Found> = Vec::new();
    for s in &seen {
        match from_barcode(s) {
            Ok(found) => from_barcodes.push(found),
            Err(what) => reading.others.push(Other {
                text: s.text.clone(),
                what,
                source: Source::Barcode,
                symbology: Some(s.symbology),
                area: s.area,
            }),
        }
    }
    // Exact serials first: a barcode that holds only the serial is the
    // surest thing on a label.
    from_barcodes.sort_by_key(|f| !f.exact);
    let mut from_text: Option<Found> = None;
    let mut near_miss: Vec<Finding> = Vec::new();
    let mut dotted = false;
    if options.text {
        (options.step)(Step::Text);
        let settled = from_barcodes.first().is_some_and(|f| f.exact);
        let looked = look::look(pool, grey, &seen, settled, glanced, options.stop)?;
        reading.printed_text = looked.state;
        from_text = looked.found;
        near_miss = looked.near_miss;
        dotted = looked.dotted;
        for other in looked.others {
            if !reading.others.iter().any(|o| o.text == other.text) {
                reading.others.push(other);
            }
        }
    }
    settle(&mut reading, from_barcodes, from_text, near_miss);
    said_after(&mut reading, dotted);
    Ok(reading)
}

/// What is said once the serial is settled: a barcode that holds the
/// serial's number alone (a Becker's, its model printed apart) is named so,
/// and print that is `dotted` (dot-matrix) is said to read poorly where no
/// barcode makes the serial sure.
fn said_after(reading: &mut Reading, dotted: bool) {
    if let Some(serial) = &reading.serial {
        for o in &mut reading.others {
            if o.source == Source::Barcode && o.text.len() >= 6 && serial.contains(o.text.as_str())
            {
                o.what = format!("the serial number in {serial}, without its model");
            }
        }
    }
    if dotted && !reading.sure {
        reading.findings.push(Finding::new(
            Severity::Warning,
            K::DotMatrixPrint,
            None,
            if reading.serial.is_some() {
                "the label is printed in dots (a dot-matrix printer), which reads poorly: check \
                 every character of the serial against the label by eye before trying a code"
            } else {
                "the label is printed in dots (a dot-matrix printer), which could not be read: \
                 read the serial off the label by eye and type it"
            },
        ));
    }
}

/// The photo's barcodes, with a first glance at its print (where printed
/// text is asked for) taken on the other core meanwhile. Tesseract starts
/// while the whole photo is read for barcodes, and the glance looks where
/// and the way that read says (the whole photo where it read none).
///
/// Where the glance finds a serial in a photo the overview read at half
/// size or more, the barcodes' closer look (the places that look like
/// barcodes, read at full size and sharpened) is not waited for: what it
/// could add is a small barcode that makes the printed serial sure, at the
/// cost of the wait for it. It is told to stop, and ends on its own after
/// the read it is in.
fn barcodes_and_glance(
    grey: &Grey,
    options: &Options,
    pool: &Pool,
) -> (Vec<Seen>, Option<(text::View, text::Outcome)>) {
    let enough = |seen: &[Seen]| seen.iter().any(|s| from_barcode(s).is_ok());
    if !options.text {
        return (barcode::read(grey, &enough, options.stop, &|_| {}), None);
    }
    pool.warm(text::View::default().psm, 1);
    let halt = Arc::new(AtomicBool::new(false));
    let (send_view, glance) = std::sync::mpsc::channel::<(text::View, Vec<Seen>)>();
    let (send_seen, all_seen) = std::sync::mpsc::channel::<Vec<Seen>>();
    {
        let (photo, halt) = (Arc::new(grey.clone()), Arc::clone(&halt));
        std::thread::spawn(move || {
            let overview = |seen: &[Seen]| {
                let view = look::glance(&photo, seen, settled(seen));
                let _ = send_view.send((view, seen.to_vec()));
                // The closer look gives way to Tesseract and the glance.
                yield_to_others();
            };
            let seen = barcode::read(&photo, &enough, &|| halt.load(Ordering::Relaxed), &overview);
            let _ = send_seen.send(seen);
        });
    }
    let stopped = || {
        let stop = (options.stop)();
        if stop {
            halt.store(true, Ordering::Relaxed);
        }
        stop
    };
    let wait = |seen: &Receiver<Vec<Seen>>| loop {
        match seen.recv_timeout(Duration::from_millis(5)) {
            Ok(seen) => return seen,
            Err(RecvTimeoutError::Timeout) if !stopped() => {}
            Err(_) => return Vec::new(),
        }
    };
    // The overview, and the glance it says to take.
    let (view, overview) = loop {
        match glance.recv_timeout(Duration::from_millis(5)) {
            Ok(first) => break first,
            Err(RecvTimeoutError::Timeout) if !stopped() => {}
            Err(_) => return (wait(&all_seen), None),
        }
    };
    let outcome = text::read(pool, grey, &view, &stopped);
    let printed = matches!(&outcome, text::Outcome::Read(lines)
        if find::serial_in_lines(lines, &[], &mut Vec::new(), &mut Vec::new()).is_some());
    // In a photo larger than twice the overview, a barcode's bars may only
    // part at full size: the closer look is waited for there.
    let overview_sharp = grey.width.max(grey.height) <= 2 * barcode::OVERVIEW;
    let seen = match all_seen.try_recv() {
        Ok(seen) => seen,
        Err(_) if printed && overview_sharp => {
            halt.store(true, Ordering::Relaxed);
            overview
        }
        Err(_) => wait(&all_seen),
    };
    (seen, Some((view, outcome)))
}

/// Lowers the calling thread's priority below the process's other work
/// (Linux; elsewhere it keeps its priority).
fn yield_to_others() {
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10);
}

/// Whether a barcode holds the serial exactly: the print is then read only
/// to see it agrees.
fn settled(seen: &[Seen]) -> bool {
    seen.iter().any(|s| from_barcode(s).is_ok_and(|f| f.exact))
}

/// The serial a barcode's text holds, or what the text is instead.
fn from_barcode(s: &Seen) -> Result<Found, String> {
    let text = s.text.trim();
    let found = |serial: CompactString, family, exact, findings| Found {
        serial,
        family,
        exact,
        findings,
        raw: s.text.clone(),
        area: s.area,
        symbology: Some(s.symbology),
    };
    // Read as typed text is read; a barcode's text holds no misreading, so
    // a serial made by correcting one is no serial here.
    let d = serial::diagnose(text, None);
    if let Some(serial) = d.serial.clone()
        && !d.has_errors()
        && !d.findings.iter().any(|f| misread(f.kind))
    {
        let exact = serial == text;
        return Ok(found(serial, d.family, exact, d.findings));
    }
    if let Some(what) = not_a_serial(&d) {
        return Err(what);
    }
    if let Some((precode, rule)) = family::serial_in_barcode(text) {
        let d = serial::diagnose(&precode, None);
        if let Some(serial) = d.serial.clone()
            && !d.has_errors()
        {
            let mut findings = d.findings;
            findings.insert(
                0,
                Finding::new(Severity::Warning, K::PrefixRemoved, None, rule),
            );
            return Ok(found(serial, d.family, false, findings));
        }
    }
    Err(match family::normal_form(text) {
        Some(f) => format!("has the shape of a {} serial but is not one", f.name()),
        None => "not a serial radiocode knows".to_string(),
    })
}

/// Puts the barcodes' and the printed text's serials together.
fn settle(
    reading: &mut Reading,
    from_barcodes: Vec<Found>,
    from_text: Option<Found>,
    near_miss: Vec<Finding>,
) {
    let mut barcodes = from_barcodes.into_iter();
    let first = barcodes.next();
    for other in barcodes {
        if first.as_ref().is_some_and(|f| f.serial != other.serial) {
            reading.findings.push(loud(format!(
                "two barcodes hold different serials: {} and {}. Check the label by eye",
                first.as_ref().map_or("", |f| f.serial.as_str()),
                other.serial
            )));
            reading.sure = false;
        }
    }
    let several = !reading.findings.is_empty();
    match (first, from_text) {
        (Some(b), Some(t)) if b.serial == t.serial => {
            // The barcode's own number printed under it, read by the same
            // rule, is no second witness.
            let second_witness = t.raw != b.raw;
            reading.sure = !several && (b.exact || second_witness);
            take(reading, b, Source::Barcode);
        }
        (Some(b), Some(t)) => {
            reading.findings.push(loud(format!(
                "the barcode reads {} but the printed text reads {}: they disagree, so neither \
                 is sure. Read the label by eye before trying a code",
                b.serial, t.serial
            )));
            reading.text_serial = Some(t.serial.clone());
            reading.sure = false;
            take(reading, b, Source::Barcode);
        }
        (Some(b), None) => {
            reading.sure = b.exact && !several;
            take(reading, b, Source::Barcode);
        }
        (None, Some(t)) => {
            reading.sure = false;
            take(reading, t, Source::Text);
        }
        (None, None) => {
            reading.findings.extend(near_miss);
            reading.findings.push(Finding::new(
                Severity::Error,
                K::Empty,
                None,
                no_serial_message(reading),
            ));
        }
    }
}

fn take(reading: &mut Reading, found: Found, source: Source) {
    reading.serial = Some(found.serial);
    reading.family = found.family;
    reading.source = Some(source);
    reading.symbology = found.symbology;
    reading.raw = Some(found.raw);
    reading.area = Some(found.area);
    reading.findings.extend(found.findings);
}

fn loud(message: String) -> Finding {
    Finding::new(Severity::Warning, K::LabelDisagrees, None, message)
}

/// Why no serial was read, and what to do.
fn no_serial_message(reading: &Reading) -> Cow<'static, str> {
    // Only the barcodes were asked for: the photo may be fine.
    if matches!(&reading.printed_text, TextRead::NotTried(why) if why == NOT_ASKED) {
        let seen = if reading.others.is_empty() {
            "no barcode holds a serial"
        } else {
            "only other numbers were read (see below)"
        };
        return format!(
            "no serial on this photo's barcodes: {seen}, and its printed text was not asked \
             for. Read it again without --no-text, or type the serial from the label"
        )
        .into();
    }
    let text = match &reading.printed_text {
        TextRead::Read(_) => "",
        TextRead::NotTried(_) | TextRead::Failed(_) => ", and the printed text was not read",
    };
    if reading.others.is_empty() {
        format!(
            "no serial on this photo: no barcode or printed serial was found{text}. Photograph \
             the label flat, without glare, filling most of the frame, or type the serial"
        )
        .into()
    } else {
        format!(
            "no serial on this photo: only other numbers were read{text} (see below). The \
             serial is elsewhere on the label"
        )
        .into()
    }
}
