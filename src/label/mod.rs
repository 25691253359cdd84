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
mod photo;
mod text;

use std::borrow::Cow;
use std::path::Path;

use compact_str::CompactString;
use serde::Serialize;

pub use barcode::{LikelyBarcode, OVERVIEW, Seen, likely_barcodes};
pub use photo::{Area, Grey, Opened};
pub use text::{Line, Outcome as TextOutcome, end_all as end_readings, how_to_install};

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
    (options.step)(Step::Opening);
    let opened = photo::open(path).map_err(Failure::Unreadable)?;
    if (options.stop)() {
        return Err(Failure::Stopped);
    }
    let reading = read_photo(&opened.grey, options)?;
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
    let enough = |seen: &[Seen]| seen.iter().any(|s| from_barcode(s).is_ok());
    let seen = barcode::read(grey, &enough, options.stop);
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
    if options.text {
        (options.step)(Step::Text);
        // A label prints its serial beside its barcode: read the text in a
        // band around the barcodes (a quarter of their length either side,
        // twice their height above and below), at full resolution; the
        // whole photo where no barcode was seen.
        let around = Area::around(seen.iter().flat_map(|s| {
            let a = s.area;
            let (w, h) = (a.width as f32, a.height.max(a.width / 6) as f32);
            let (x, y) = (a.x as f32, a.y as f32);
            [(x - w / 4.0, y - 2.0 * h), (x + w * 1.25, y + 3.0 * h)]
        }));
        match text::read(grey, around, options.stop) {
            text::Outcome::Read(lines) => {
                reading.printed_text = TextRead::Read(lines.len());
                from_text = serial_in_lines(&lines, &mut reading.others, &mut near_miss);
            }
            text::Outcome::NotInstalled(how) => {
                reading.printed_text =
                    TextRead::NotTried(format!("Tesseract is not installed: {how}"));
            }
            text::Outcome::Failed(why) => reading.printed_text = TextRead::Failed(why),
            text::Outcome::Stopped => return Err(Failure::Stopped),
        }
    }
    settle(&mut reading, from_barcodes, from_text, near_miss);
    Ok(reading)
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

/// The pieces of one printed line that may hold a serial: the whole line,
/// what follows a colon, each word, and each two words together (a `BE`
/// model and its serial number printed apart, a part number in groups).
fn pieces(line: &str) -> Vec<String> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = vec![line.trim().to_string()];
    out.extend(words.iter().map(|w| w.to_string()));
    out.extend(words.windows(2).map(|w| format!("{} {}", w[0], w[1])));
    out.extend(words.windows(4).map(|w| w.join(" ")));
    // A serial run together with the word before it
    // ("SERIALBP234612345678"), by each family's own rule.
    for w in &words {
        let chars: Vec<char> = w.chars().collect();
        for rule in family::ALL.iter().filter_map(|f| f.spec().run_together) {
            if chars.len() > rule.len {
                out.extend(rule.stretches(&chars));
            }
        }
    }
    out.dedup();
    out
}

/// The first serial in the printed lines (the one with fewest findings where
/// there are several); numbers that are not a serial go to `others`, and the
/// findings of the line that came closest to a serial go to `near_miss`.
fn serial_in_lines(
    lines: &[Line],
    others: &mut Vec<Other>,
    near_miss: &mut Vec<Finding>,
) -> Option<Found> {
    let mut best: Option<Found> = None;
    // The makers the label names: a serial of another maker's family is
    // not on it.
    let named: Vec<Family> = family::ALL
        .into_iter()
        .filter(|f| lines.iter().any(|l| f.spec().branded_by(&l.text)))
        .collect();
    for (n, line) in lines.iter().enumerate() {
        for piece in pieces(&line.text) {
            if piece.chars().count() < 4 || piece.chars().count() > serial::MAX_INPUT_CHARS {
                continue;
            }
            // A label's long number printed under its barcode holds the
            // serial by the family's barcode rule (281150063RTJ727).
            if let Some(found) = serial_in_long_number(&piece, line.area)
                && !off_brand(found.family, &named)
            {
                best.get_or_insert(found);
                break;
            }
            let d = serial::diagnose(&piece, None);
            if let Some(what) = contradicted(&d, &named, lines, n) {
                set_aside(others, piece, what, line.area);
                continue;
            }
            if let Some(serial) = d.serial.clone()
                && !d.has_errors()
            {
                let better = best
                    .as_ref()
                    .is_none_or(|b| d.findings.len() < b.findings.len());
                if better {
                    best = Some(Found {
                        exact: serial == piece,
                        serial,
                        family: d.family,
                        findings: d.findings,
                        raw: piece,
                        area: line.area,
                        symbology: None,
                    });
                }
                break;
            }
            if let Some(what) = not_a_serial(&d) {
                set_aside(others, piece, what, line.area);
                break;
            }
            if near_miss.is_empty() && d.family.is_some() && d.findings.len() <= 3 {
                near_miss.clone_from(&d.findings);
            }
        }
    }
    best
}

/// True when the label names makers and not this family's.
fn off_brand(f: Option<Family>, named: &[Family]) -> bool {
    f.is_some_and(|f| !named.is_empty() && !named.contains(&f))
}

/// Why a valid serial read on line `n` is not this label's: another
/// maker's family, or a shape that says too little and a label that does
/// not name it there (a unit number, a part number's group, a year or a
/// date read as a precode).
fn contradicted(
    d: &serial::Diagnosis,
    named: &[Family],
    lines: &[Line],
    n: usize,
) -> Option<String> {
    if d.serial.is_none() || d.has_errors() {
        return None;
    }
    let family = d.family?;
    let f = family.name();
    if off_brand(Some(family), named) {
        let makers: Vec<&str> = named.iter().map(|f| f.name()).collect();
        return Some(format!(
            "has the shape of a {f} serial, but the label is a {}: not its serial",
            makers.join(" or ")
        ));
    }
    // A label names a weak-shaped serial on its line or the one before.
    let spec = family.spec();
    let cued = spec.cued_by(&lines[n].text) || n > 0 && spec.cued_by(&lines[n - 1].text);
    (!cued).then(|| format!("has the shape of a {f} serial, but the label does not name it as one"))
}

/// Keeps a printed number that is not the serial, once, with what it is.
fn set_aside(others: &mut Vec<Other>, text: String, what: String, area: Area) {
    if !others.iter().any(|o| o.text == text) {
        others.push(Other {
            text,
            what,
            source: Source::Text,
            symbology: None,
            area,
        });
    }
}

/// A serial inside a label's long number as printed
/// ([`family::serial_in_long_number`]).
fn serial_in_long_number(piece: &str, area: Area) -> Option<Found> {
    let (serial, rule) = family::serial_in_long_number(piece)?;
    let d = serial::diagnose(&serial, None);
    let normal = d.serial.clone().filter(|_| !d.has_errors())?;
    let mut findings = d.findings;
    findings.insert(
        0,
        Finding::new(Severity::Warning, K::PrefixRemoved, None, rule),
    );
    Some(Found {
        exact: false,
        serial: normal,
        family: d.family,
        findings,
        raw: piece.to_string(),
        area,
        symbology: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &[&str]) -> (Option<String>, Vec<Other>) {
        let lines: Vec<Line> = lines
            .iter()
            .map(|t| Line {
                text: t.to_string(),
                area: Area::default(),
            })
            .collect();
        let (mut others, mut near) = (Vec::new(), Vec::new());
        let found = serial_in_lines(&lines, &mut others, &mut near);
        (found.map(|f| f.serial.to_string()), others)
    }

    #[test]
    fn a_number_with_a_precodes_shape_is_no_serial_unless_the_label_names_it() {
        for lines in [
            &["BLAUPUNKT", "8 635 123 394"][..],
            &["28185 9U10A"],
            &["2006"],
            &["KW 07/07"],
            &["WARRANTY VOID"],
            &["Mexico 2000"],
            &["E11 10R-020122"],
        ] {
            let (serial, _) = read(lines);
            assert_eq!(serial, None, "{lines:?}");
        }
        // Each is said as what it is.
        let (_, others) = read(&["BLAUPUNKT", "8 635 123 394"]);
        assert!(
            others.iter().any(|o| o.what.contains("unit number")),
            "{others:?}"
        );
        let (_, others) = read(&["2006"]);
        assert!(
            others.iter().any(|o| o.what.contains("does not name it")),
            "{others:?}"
        );
    }

    #[test]
    fn a_precode_the_label_names_is_read() {
        for (lines, want) in [
            (&["PRE CODE: J727"][..], "J727"),
            (&["PRECODE", "J727"], "J727"),
            (&["PRE-CODE T 295"], "T295"),
            (&["PREC0DE V010"], "V010"),
            (&["281150063RTJ727"], "J727"),
        ] {
            let (serial, _) = read(lines);
            assert_eq!(serial.as_deref(), Some(want), "{lines:?}");
        }
        // Far from its cue, a precode's shape is not enough.
        let (serial, _) = read(&["PRE CODE", "RADIO", "J727"]);
        assert_eq!(serial, None);
    }

    #[test]
    fn a_serial_of_another_makers_family_is_not_on_a_branded_label() {
        let (serial, others) = read(&["BLAUPUNKT", "M123456"]);
        assert_eq!(serial, None);
        assert!(
            others
                .iter()
                .any(|o| o.what.contains("the label is a Blaupunkt")),
            "{others:?}"
        );
        let (serial, _) = read(&["BECKER", "PRE CODE J727"]);
        assert_eq!(serial, None);
        for (lines, want) in [
            (&["VISTEON", "M123456"][..], "M123456"),
            (&["Blaupunkt", "SERIAL BP234612345678"], "BP234612345678"),
            (&["BECKER", "BE4739 12345678"], "BE473912345678"),
        ] {
            let (serial, _) = read(lines);
            assert_eq!(serial.as_deref(), Some(want), "{lines:?}");
        }
    }

    #[test]
    fn strong_shapes_need_no_cue() {
        let (serial, _) = read(&["RADIO", "SERIAL BP234612345678"]);
        assert_eq!(serial.as_deref(), Some("BP234612345678"));
        let (serial, _) = read(&["M123456"]);
        assert_eq!(serial.as_deref(), Some("M123456"));
    }
}
