//! Importing a CSV into the code book.

use std::io::Read;

use anyhow::{Context, bail};

use super::{BadRow, ImportReport, NewEntry, Records};
use crate::decode::{Code, Confidence};
use crate::serial::{Severity, diagnose, echo_text};

/// Reads a CSV with `serial,code` columns (optional `confidence,source`) and
/// adds its valid rows in one transaction, a row at a time as it is read, so
/// memory stays flat whatever the size. Bad rows are reported by line; with
/// `strict` any bad row means nothing is written.
pub fn import_csv(
    records: &mut dyn Records,
    input: impl Read,
    strict: bool,
    added_by: &str,
    default_source: &str,
) -> anyhow::Result<ImportReport> {
    let mut rows = ImportRows::new(input, added_by, default_source)?;
    records.add_entries(&mut rows, strict, default_source)
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

/// The rows of an import CSV, read one at a time.
struct ImportRows<R: Read> {
    reader: csv::Reader<R>,
    rec: csv::ByteRecord,
    cols: Columns,
    added_by: String,
    default_source: String,
    done: bool,
}

/// Where each column is.
struct Columns {
    serial: usize,
    code: usize,
    confidence: Option<usize>,
    source: Option<usize>,
}

impl<R: Read> ImportRows<R> {
    fn new(input: R, added_by: &str, default_source: &str) -> anyhow::Result<ImportRows<R>> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let header = reader
            .byte_headers()
            .context("cannot read the CSV header")?
            .clone();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| String::from_utf8_lossy(h).trim().eq_ignore_ascii_case(name))
        };
        let (Some(serial), Some(code)) = (col("serial"), col("code")) else {
            bail!("the CSV header must name a serial and a code column (line 1)");
        };
        Ok(ImportRows {
            reader,
            rec: csv::ByteRecord::new(),
            cols: Columns {
                serial,
                code,
                confidence: col("confidence"),
                source: col("source"),
            },
            added_by: added_by.to_string(),
            default_source: default_source.to_string(),
            done: false,
        })
    }

    /// The entry on the record just read, or why it is not one.
    fn entry(&self) -> Result<NewEntry, String> {
        let field = |i: Option<usize>| -> Result<String, String> {
            let raw = i.and_then(|i| self.rec.get(i)).unwrap_or_default();
            let text = std::str::from_utf8(raw)
                .map(|s| s.trim().to_string())
                .map_err(|_| "a cell is not UTF-8 text".to_string())?;
            // Both stores take the same text: a NUL a server cannot store,
            // or a text longer than the records take, makes this row bad, on
            // a file as on a server.
            if let Some(why) = super::refused_text(&[&text], &super::TEXT) {
                return Err(format!("a cell {why}"));
            }
            Ok(text)
        };
        let typed = field(Some(self.cols.serial))?;
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
        let code = Code::parse(&field(Some(self.cols.code))?)?;
        let confidence = Confidence::parse_book(&field(self.cols.confidence)?)?;
        let source = field(self.cols.source)?;
        Ok(NewEntry {
            serial,
            code,
            confidence,
            source: if source.is_empty() {
                self.default_source.clone()
            } else {
                source
            },
            added_by: self.added_by.clone(),
        })
    }
}

impl<R: Read> Iterator for ImportRows<R> {
    type Item = Result<NewEntry, BadRow>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let line = self.reader.position().line();
            match self.reader.read_byte_record(&mut self.rec) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(BadRow {
                        line,
                        reason: format!("unreadable CSV: {e}"),
                    }));
                }
            }
            let line = self.rec.position().map_or(line, |p| p.line());
            if self
                .rec
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            if let Some(reason) = unclosed_quote(&self.rec, line) {
                return Some(Err(BadRow { line, reason }));
            }
            return Some(self.entry().map_err(|reason| BadRow { line, reason }));
        }
        None
    }
}
