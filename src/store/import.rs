//! Importing a CSV into the code book.

use std::io::Read;

use anyhow::{Context, bail};

use super::{BadRow, ImportReport, NewEntry, Records};
use crate::decode::{Code, Confidence};
use crate::serial::{Severity, diagnose, echo_text};

/// Reads a CSV with `serial,code` columns (optional `confidence,source`) and
/// adds its valid rows in one transaction. Bad rows are reported by line;
/// with `strict` any bad row means nothing is written.
pub fn import_csv(
    records: &mut dyn Records,
    input: impl Read,
    strict: bool,
    added_by: &str,
    default_source: &str,
) -> anyhow::Result<ImportReport> {
    let (entries, bad) = read_import(input, added_by, default_source)?;
    if strict && !bad.is_empty() {
        return Ok(ImportReport {
            bad,
            committed: false,
            ..ImportReport::default()
        });
    }
    let mut report = records.add_entries(&entries, default_source)?;
    report.bad = bad;
    Ok(report)
}

/// A row whose cells run over several lines: a quote opened on `line` and
/// not closed there swallowed the lines after it. No code book cell holds a
/// line end, so this is always a mistake, said with where it began.
pub fn unclosed_quote(rec: &csv::ByteRecord, line: u64) -> Option<String> {
    let ends: usize = rec
        .iter()
        .map(|f| f.iter().filter(|&&b| b == b'\n').count())
        .sum();
    (ends > 0).then(|| {
        format!(
            "a quote opened on line {line} is not closed on that line, so lines {line}-{} \
             were read as one row: close the quote and import them again",
            line + ends as u64
        )
    })
}

fn read_import(
    input: impl Read,
    added_by: &str,
    default_source: &str,
) -> anyhow::Result<(Vec<NewEntry>, Vec<BadRow>)> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = r
        .byte_headers()
        .context("cannot read the CSV header")?
        .clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| String::from_utf8_lossy(h).trim().eq_ignore_ascii_case(name))
    };
    let (Some(serial_col), Some(code_col)) = (col("serial"), col("code")) else {
        bail!("the CSV header must name a serial and a code column (line 1)");
    };
    let (confidence_col, source_col) = (col("confidence"), col("source"));
    let (mut entries, mut bad) = (Vec::new(), Vec::new());
    let mut rec = csv::ByteRecord::new();
    loop {
        let line = r.position().line();
        match r.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                bad.push(BadRow {
                    line,
                    reason: format!("unreadable CSV: {e}"),
                });
                break;
            }
        }
        let line = rec.position().map_or(line, |p| p.line());
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        if let Some(why) = unclosed_quote(&rec, line) {
            bad.push(BadRow { line, reason: why });
            continue;
        }
        let field = |i: Option<usize>| -> Result<String, String> {
            let raw = i.and_then(|i| rec.get(i)).unwrap_or_default();
            let text = std::str::from_utf8(raw)
                .map(|s| s.trim().to_string())
                .map_err(|_| "a cell is not UTF-8 text".to_string())?;
            // Both stores take the same text: a NUL a server cannot store
            // makes this row bad, on a file as on a server.
            if text.contains('\0') {
                return Err("a cell holds a NUL character, which the records do not take".into());
            }
            Ok(text)
        };
        let entry = (|| -> Result<NewEntry, String> {
            let typed = field(Some(serial_col))?;
            let d = diagnose(&typed, None);
            let serial = d.serial.map(String::from).ok_or_else(|| {
                let why = d
                    .findings
                    .iter()
                    .find(|f| f.severity == Severity::Error)
                    .map(|f| f.message.to_string())
                    .unwrap_or_default();
                format!("serial '{}': {why}", echo_text(&typed, 40))
            })?;
            let code = Code::parse(&field(Some(code_col))?)?;
            let confidence = Confidence::parse_book(&field(confidence_col)?)?;
            let source = field(source_col)?;
            Ok(NewEntry {
                serial,
                code,
                confidence,
                source: if source.is_empty() {
                    default_source.to_string()
                } else {
                    source
                },
                added_by: added_by.to_string(),
            })
        })();
        match entry {
            Ok(e) => entries.push(e),
            Err(reason) => bad.push(BadRow { line, reason }),
        }
    }
    Ok((entries, bad))
}
