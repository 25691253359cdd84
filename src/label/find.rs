//! The serial in a label's printed lines, as Tesseract read them: each line
//! cut into the pieces a serial may be printed as, each piece read as typed
//! text is, and the label's own cues weighed (the makers it names, the word
//! before a weak-shaped serial, a Becker model and number printed apart).

use super::photo::Area;
use super::{Found, Line, Other, Source, not_a_serial};
use crate::family::{self, Family};
use crate::finding::{Finding, FindingKind as K, Severity};
use crate::serial;

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

/// Symbols that print is read as in place of a letter: `$` and `§` for S.
/// (A C read as `€` is the Blaupunkt 815CM rule's.)
const SYMBOLS: [(char, char); 2] = [('$', 'S'), ('§', 'S')];

/// `piece` with its one symbol read as the letter it stands for, and a
/// finding that says so; as it is where it holds none, or more than one.
fn symbol_read(piece: &str) -> (String, Option<Finding>) {
    let at: Vec<(usize, char, char)> = piece
        .chars()
        .enumerate()
        .filter_map(|(i, c)| {
            SYMBOLS
                .iter()
                .find(|(symbol, _)| *symbol == c)
                .map(|&(s, l)| (i, s, l))
        })
        .collect();
    let [(i, symbol, letter)] = at[..] else {
        return (piece.to_string(), None);
    };
    let read: String = piece
        .chars()
        .map(|c| if c == symbol { letter } else { c })
        .collect();
    let finding = Finding::new(
        Severity::Warning,
        K::InvalidCharacter,
        Some(i),
        format!(
            "read '{symbol}' as {letter}: the print's {letter} read as a symbol (one character misread)"
        ),
    );
    (read, Some(finding))
}

/// The first serial in the printed lines (the one with fewest findings where
/// there are several); numbers that are not a serial go to `others`, and the
/// findings of the line that came closest to a serial go to `near_miss`.
pub(super) fn serial_in_lines(
    lines: &[Line],
    barcodes: &[&str],
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
    let parts = part_numbers(lines);
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
            let (piece, symbol) = symbol_read(&piece);
            let mut d = serial::diagnose(&piece, None);
            d.findings.splice(0..0, symbol);
            if let Some(what) =
                contradicted(&d, &named, lines, n).or_else(|| against_part_number(&d, &parts))
            {
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
    best.map(|found| mended_by_barcode(found, barcodes))
        .or_else(|| model_and_number_apart(lines, barcodes, &named, &parts))
}

/// A serial read from print whose digits a barcode beside it holds with one
/// or two different (a Becker's number under its own barcode): the print was
/// misread, and the barcode's digits are taken, said, where exactly one
/// barcode and one place in the serial fit and the result is a serial.
fn mended_by_barcode(found: Found, barcodes: &[&str]) -> Found {
    let serial: Vec<char> = found.serial.chars().collect();
    let mut fits: Vec<(usize, &str)> = Vec::new();
    for &b in barcodes {
        let digits: Vec<char> = b.chars().collect();
        if digits.len() < 6 || digits.len() > serial.len() || !b.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        for start in 0..=serial.len() - digits.len() {
            let window = &serial[start..start + digits.len()];
            if !window.iter().all(char::is_ascii_digit) {
                continue;
            }
            match window.iter().zip(&digits).filter(|(a, b)| a != b).count() {
                // Print and barcode agree.
                0 => return found,
                1 | 2 => fits.push((start, b)),
                _ => {}
            }
        }
    }
    let [(start, b)] = fits[..] else {
        return found;
    };
    let mut mended: String = serial[..start].iter().collect();
    mended.push_str(b);
    mended.extend(&serial[start + b.len()..]);
    let d = serial::diagnose(&mended, found.family);
    let Some(serial) = d.serial.clone().filter(|_| !d.has_errors()) else {
        return found;
    };
    let mut findings = found.findings;
    findings.insert(
        0,
        Finding::new(
            Severity::Warning,
            K::LabelDisagrees,
            None,
            format!(
                "the print reads {}, but the barcode beside it holds {b}: the print was misread, \
                 and the barcode's digits are taken ({serial})",
                found.serial
            ),
        ),
    );
    Found {
        serial,
        exact: false,
        findings,
        ..found
    }
}

/// Where the label prints a model after `prefix` (`Model No: BE 4757`):
/// its four digits and the line's box.
fn models_printed(lines: &[Line], prefix: &str) -> Vec<(String, Area)> {
    lines
        .iter()
        .filter_map(|l| {
            let squeezed: String = l
                .text
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_uppercase();
            let at = squeezed.find(prefix)?;
            let digits: String = squeezed[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            (digits.len() == 4).then_some((digits, l.area))
        })
        .collect()
}

/// The eight-digit numbers printed on the label or held by its barcodes,
/// each with its line's box and whether a barcode held it.
fn numbers_of_eight(lines: &[Line], barcodes: &[&str]) -> Vec<(String, Area, bool)> {
    lines
        .iter()
        .flat_map(|l| {
            l.text
                .split(|c: char| !c.is_ascii_digit())
                .filter(|w| w.len() == 8)
                .map(|w| (w.to_string(), l.area, false))
                .collect::<Vec<_>>()
        })
        .chain(
            barcodes
                .iter()
                .filter(|b| b.len() == 8 && b.chars().all(|c| c.is_ascii_digit()))
                .map(|b| (b.to_string(), Area::default(), true)),
        )
        .collect()
}

/// The part numbers the label prints (squeezed to their digits): a serial
/// read off it must be of the type they name.
fn part_numbers(lines: &[Line]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        for piece in pieces(&line.text) {
            let d = serial::diagnose(&piece, None);
            if d.findings.iter().any(|f| f.kind == K::PartNumber) && d.serial.is_none() {
                let digits: String = piece.chars().filter(|c| c.is_ascii_digit()).collect();
                if !out.contains(&digits) {
                    out.push(digits);
                }
            }
        }
    }
    out
}

/// Why a serial read off the label is not the one its part number names:
/// the family's own rule for a serial and a part number read together.
fn against_part_number(d: &serial::Diagnosis, parts: &[String]) -> Option<String> {
    let serial = d.serial.as_ref().filter(|_| !d.has_errors())?;
    for part in parts {
        let both = serial::diagnose(&format!("{serial} {part}"), d.family);
        if let Some(f) = both
            .findings
            .iter()
            .find(|f| f.kind == K::PartNumber && f.severity == Severity::Error)
        {
            return Some(format!(
                "reads as {serial}, but the label's part number disagrees ({}): a character \
                 is misread",
                f.message
            ));
        }
    }
    None
}

/// A key printed in two places of the label, as Becker prints it: the
/// model (`Model No: BE 4739`) on one line and the serial number on another
/// or in a barcode. Taken only where one model and one number make a valid
/// serial.
fn model_and_number_apart(
    lines: &[Line],
    barcodes: &[&str],
    named: &[Family],
    parts: &[String],
) -> Option<Found> {
    let mut found: Vec<Found> = Vec::new();
    for f in family::ALL {
        let Some(models) = f.spec().dump_models else {
            continue;
        };
        if off_brand(Some(f), named) {
            continue;
        }
        let model_at = models_printed(lines, models.prefix);
        let numbers = witnessed(numbers_of_eight(lines, barcodes));
        for (model, model_area) in &model_at {
            for (number, area, from_barcode) in &numbers {
                let key = format!("{}{model}{number}", models.prefix);
                let d = serial::diagnose(&key, Some(f));
                let Some(serial) = d.serial.clone().filter(|_| !d.has_errors()) else {
                    continue;
                };
                if against_part_number(&d, parts).is_some() {
                    continue;
                }
                let mut findings = d.findings;
                let where_from = if *from_barcode {
                    " (the number read from its barcode)"
                } else {
                    ""
                };
                findings.insert(
                    0,
                    Finding::new(
                        Severity::Info,
                        K::PrefixRemoved,
                        None,
                        format!(
                            "the label prints the model {}{model} and the serial number \
                             {number} apart: put together as {serial}{where_from}",
                            models.prefix
                        ),
                    ),
                );
                let mut put = Found {
                    exact: false,
                    serial,
                    family: d.family,
                    findings,
                    raw: format!("{}{model} {number}", models.prefix),
                    area: if *from_barcode { *model_area } else { *area },
                    symbology: None,
                };
                // A printed number a digit or two off the barcode's is the
                // barcode's number misread.
                if !from_barcode {
                    put = mended_by_barcode(put, barcodes);
                }
                if !found.iter().any(|x| x.serial == put.serial) {
                    found.push(put);
                }
            }
        }
    }
    // Two models or two numbers: the label is not read well enough.
    (found.len() == 1).then(|| found.remove(0))
}

/// Of the numbers read (each with where, and whether from a barcode), the
/// one printed and in a barcode alike where there is one such: two
/// witnesses outweigh one (a barcode's bars misread as another symbology).
fn witnessed(mut numbers: Vec<(String, Area, bool)>) -> Vec<(String, Area, bool)> {
    let twice = |n: &str| {
        numbers.iter().any(|(m, _, b)| m == n && *b)
            && numbers.iter().any(|(m, _, b)| m == n && !*b)
    };
    let mut both: Vec<String> = numbers
        .iter()
        .map(|(n, _, _)| n.clone())
        .filter(|n| twice(n))
        .collect();
    both.sort();
    both.dedup();
    if let [one] = &both[..] {
        let one = one.clone();
        numbers.retain(|(n, _, _)| *n == one);
    }
    numbers
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
    // A label names a weak-shaped serial on its line, or on the line
    // before where that line is the name alone.
    let spec = family.spec();
    let cued = spec.cued_by(&lines[n].text) || n > 0 && spec.cue_alone(&lines[n - 1].text);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lines: &[&str]) -> (Option<String>, Vec<Other>) {
        let (found, others) = beside(lines, &[]);
        (found.map(|f| f.serial.to_string()), others)
    }

    /// The serial in `lines` printed beside barcodes holding `barcodes`.
    fn beside(lines: &[&str], barcodes: &[&str]) -> (Option<Found>, Vec<Other>) {
        let lines: Vec<Line> = lines
            .iter()
            .map(|t| Line {
                text: t.to_string(),
                area: Area::default(),
                confidence: 90,
            })
            .collect();
        let (mut others, mut near) = (Vec::new(), Vec::new());
        let found = serial_in_lines(&lines, barcodes, &mut others, &mut near);
        (found, others)
    }

    fn serial_beside(lines: &[&str], barcodes: &[&str]) -> Option<String> {
        beside(lines, barcodes).0.map(|f| f.serial.to_string())
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
        // Far from its cue, a precode's shape is not enough; nor the line
        // after a cue that named its own line's text.
        let (serial, _) = read(&["PRE CODE", "RADIO", "J727"]);
        assert_eq!(serial, None);
        let (serial, _) = read(&["NISSAN", "Precode #205", "KW 07/07"]);
        assert_eq!(serial, None);
        // A symbol the print's letter was read as: read, and said.
        let (serial, _) = read(&["NISSAN", "Precode $205", "KW 07/07"]);
        assert_eq!(serial.as_deref(), Some("S205"));
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
    fn a_becker_model_and_number_printed_apart_make_one_serial() {
        let (serial, _) = read(&["Becker", "Model No: BE 4757", "Serial No: 12345678"]);
        assert_eq!(serial.as_deref(), Some("BE475712345678"));
        // The number in a barcode, the model in print.
        assert_eq!(
            serial_beside(&["MODEL NO. BE4739"], &["87654321"]).as_deref(),
            Some("BE473987654321")
        );
        // Two numbers: not read well enough to choose.
        let (serial, _) = read(&["Model No: BE 4757", "Serial No: 12345678", "87654321"]);
        assert_eq!(serial, None);
        // Two numbers, one of them printed and in a barcode alike: that one.
        let printed = ["MODEL NO. BE4739", "SERIAL NO. 92180400"];
        assert_eq!(
            serial_beside(&printed, &["92180400", "12412181"]).as_deref(),
            Some("BE473992180400")
        );
        // The print's number misread, its barcode beside it: the barcode's
        // digits are taken, and said.
        let printed = ["BE473911899657", "MODEL NO. BE4739"];
        let found = beside(&printed, &["11099657"]).0.expect("a serial");
        assert_eq!(found.serial, "BE473911099657");
        assert!(
            found.findings[0].message.contains("misread"),
            "{:?}",
            found.findings
        );
        // Printed apart, the number misread (dot-matrix 8 as 5) and its
        // barcode beside it: one serial, the barcode's, said.
        let apart = ["SERIAL WO. 71761507", "BECKER", "MODEL WO. BE4739"];
        let found = beside(&apart, &["71761807"]).0.expect("a serial");
        assert_eq!(found.serial, "BE473971761807");
        assert!(
            found.findings.iter().any(|f| f.message.contains("misread")),
            "{:?}",
            found.findings
        );
        // Three digits off: two numbers, neither chosen.
        assert_eq!(serial_beside(&apart, &["71700007"]), None);
        // Three digits apart, or agreeing: the print stands.
        for barcode in ["11077757", "11899657"] {
            assert_eq!(
                serial_beside(&printed, &[barcode]).as_deref(),
                Some("BE473911899657")
            );
        }
        // A model that is no Nissan unit's makes no serial.
        let (serial, _) = read(&["Model No: BE 1234", "Serial No: 12345678"]);
        assert_eq!(serial, None);
    }

    #[test]
    fn a_serial_the_labels_part_number_contradicts_is_not_offered() {
        let (serial, others) = read(&["7 645 384 318", "S/N BP2346 6 4182965"]);
        assert_eq!(serial, None);
        assert!(
            others.iter().any(|o| o.what.contains("part number")),
            "{others:?}"
        );
        let (serial, _) = read(&["7 645 384 318", "S/N BP5384 6 4182965"]);
        assert_eq!(serial.as_deref(), Some("BP538464182965"));
    }

    #[test]
    fn an_815cm_serial_with_one_character_misread_is_read_and_said() {
        for line in [
            "815€M538461234567",
            "15CM538461234567",
            "815(M538461234567",
            "8150M538461234567",
            "815CN538461234567",
            "815BF538461234567",
        ] {
            let (serial, _) = read(&["BLAUPUNKT", line]);
            assert_eq!(serial.as_deref(), Some("BP538461234567"), "{line}");
        }
        let d = serial::diagnose("815€M538461234567", None);
        assert!(
            d.findings
                .iter()
                .any(|f| f.message.contains("one character misread")),
            "{:?}",
            d.findings
        );
        // Two characters off: not repaired.
        for line in ["15€M538461234567", "81500538461234567", "815XY538461234567"] {
            let (serial, _) = read(&["BLAUPUNKT", line]);
            assert_eq!(serial, None, "{line}");
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
