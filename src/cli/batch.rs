//! `radiocode batch`: one result per input row, streamed.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;

use super::output::ReaderGone;
use super::{BatchArgs, BatchFormat};
use crate::decode::{CodeBook, Outcome, decode};
use crate::serial::{FindingKind, MAX_INPUT_CHARS, echo_text};

/// Longest row kept in memory; longer rows are measured, reported and skipped.
const MAX_ROW_BYTES: usize = 64 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn run(args: &BatchArgs, book: &dyn CodeBook) -> anyhow::Result<u8> {
    let input: Box<dyn Read> = match args.file.as_deref() {
        None => Box::new(io::stdin().lock()),
        Some(path) if path.as_os_str() == "-" => Box::new(io::stdin().lock()),
        Some(path) => {
            Box::new(File::open(path).with_context(|| format!("cannot read {}", path.display()))?)
        }
    };
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut sink = Sink::new(args.format);
    let mut progress = Progress::new();
    let mut first = Vec::new();
    // The first non-blank row decides: a CSV header with a `serial` column, or plain lines.
    let first_len = loop {
        match read_row(&mut reader, &mut first).context("cannot read the input")? {
            None => {
                sink.header(&[])?;
                return sink.finish();
            }
            Some(_) if is_blank(&first) => continue,
            Some(n) => break n,
        }
    };
    if let Some(header) = csv_header(&first) {
        run_csv(header, reader, args, book, &mut sink, &mut progress)?;
    } else {
        sink.header(&[])?;
        sink.row(&row_outcome(&first, first_len, args, book), None)?;
        progress.tick();
        let mut line = Vec::new();
        while let Some(len) = read_row(&mut reader, &mut line).context("cannot read the input")? {
            if is_blank(&line) {
                continue;
            }
            sink.row(&row_outcome(&line, len, args, book), None)?;
            progress.tick();
        }
    }
    progress.done();
    sink.finish()
}

/// Reads one row into `buf` without its line ending; `buf` keeps at most
/// `MAX_ROW_BYTES`. Returns the row's full length, or `None` at the end.
fn read_row(r: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<Option<usize>> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let avail = r.fill_buf()?;
        if avail.is_empty() {
            break;
        }
        any = true;
        let (chunk, used, end) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (&avail[..i], i + 1, true),
            None => (avail, avail.len(), false),
        };
        let room = MAX_ROW_BYTES.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        total += chunk.len();
        r.consume(used);
        if end {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if buf.starts_with(BOM) {
        buf.drain(..BOM.len());
        total -= BOM.len();
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
        total -= 1;
    }
    Ok(Some(total))
}

fn is_blank(row: &[u8]) -> bool {
    row.iter().all(u8::is_ascii_whitespace)
}

/// The column names, when `row` is a CSV header naming a `serial` column.
fn csv_header(row: &[u8]) -> Option<Vec<String>> {
    if !row.contains(&b',') {
        return None;
    }
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(row);
    let rec = r.byte_records().next()?.ok()?;
    let names: Vec<String> = rec
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .collect();
    names
        .iter()
        .any(|n| n.eq_ignore_ascii_case("serial"))
        .then_some(names)
}

fn run_csv(
    header: Vec<String>,
    rest: impl Read,
    args: &BatchArgs,
    book: &dyn CodeBook,
    sink: &mut Sink,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let serial_col = header
        .iter()
        .position(|n| n.eq_ignore_ascii_case("serial"))
        .unwrap_or(0);
    let carried: Vec<usize> = (0..header.len()).filter(|&i| i != serial_col).collect();
    let carried_names: Vec<&str> = carried.iter().map(|&i| header[i].as_str()).collect();
    sink.header(&carried_names)?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(rest);
    let mut rec = csv::ByteRecord::new();
    loop {
        match r.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(anyhow::Error::new(e).context("cannot read the input")),
        }
        if rec.iter().all(is_blank) {
            continue;
        }
        let field = rec.get(serial_col).unwrap_or_default();
        let outcome = row_outcome(field, field.len(), args, book);
        let values: Vec<Cow<'_, str>> = carried
            .iter()
            .map(|&i| String::from_utf8_lossy(rec.get(i).unwrap_or_default()))
            .collect();
        let columns = Columns {
            names: &carried_names,
            values: &values,
        };
        sink.row(&outcome, Some(&columns))?;
        progress.tick();
    }
    Ok(())
}

fn row_outcome(row: &[u8], full_len: usize, args: &BatchArgs, book: &dyn CodeBook) -> Outcome {
    if full_len > row.len() || full_len > MAX_INPUT_CHARS * 4 {
        let shown = String::from_utf8_lossy(&row[..row.len().min(64)]);
        return Outcome::refused(
            format!("{}…", echo_text(&shown, 40)),
            FindingKind::TooLong,
            format!(
                "the row is {full_len} bytes long; a serial is at most 17 characters \
                 (BP and BE serials 14, Visteon 7, a precode 4)"
            ),
        );
    }
    match std::str::from_utf8(row) {
        Ok(text) => decode(text, args.family, book),
        Err(_) => Outcome::not_utf8(String::from_utf8_lossy(row).into_owned()),
    }
}

struct Columns<'a> {
    names: &'a [&'a str],
    values: &'a [Cow<'a, str>],
}

impl Serialize for Columns<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.names.iter().zip(self.values))
    }
}

#[derive(Serialize)]
struct JsonRow<'a> {
    #[serde(flatten)]
    outcome: crate::decode::OutcomeJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    columns: Option<&'a Columns<'a>>,
}

enum Sink {
    Jsonl(io::BufWriter<io::StdoutLock<'static>>),
    Csv(Box<csv::Writer<io::StdoutLock<'static>>>),
}

fn io_err(e: io::Error) -> anyhow::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        anyhow::Error::new(ReaderGone)
    } else {
        anyhow::Error::new(e).context("cannot write the output")
    }
}

fn csv_err(e: csv::Error) -> anyhow::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => io_err(e),
        other => anyhow::anyhow!("cannot write the output: {other:?}"),
    }
}

const CSV_COLUMNS: [&str; 7] = [
    "serial",
    "family",
    "status",
    "code",
    "alt_code",
    "confidence",
    "message",
];

impl Sink {
    fn new(format: BatchFormat) -> Sink {
        let out = io::stdout().lock();
        match format {
            BatchFormat::Jsonl => Sink::Jsonl(io::BufWriter::with_capacity(1 << 16, out)),
            BatchFormat::Csv => Sink::Csv(Box::new(
                csv::WriterBuilder::new()
                    .buffer_capacity(1 << 16)
                    .flexible(true)
                    .from_writer(out),
            )),
        }
    }

    fn header(&mut self, carried: &[&str]) -> anyhow::Result<()> {
        if let Sink::Csv(w) = self {
            let mut rec = csv::StringRecord::from(CSV_COLUMNS.to_vec());
            rec.extend(carried.iter().copied());
            w.write_record(&rec).map_err(csv_err)?;
        }
        Ok(())
    }

    /// One result; `columns` are the input's other CSV columns, carried through.
    fn row(&mut self, o: &Outcome, columns: Option<&Columns<'_>>) -> anyhow::Result<()> {
        match self {
            Sink::Jsonl(w) => {
                let row = JsonRow {
                    outcome: o.json(),
                    columns,
                };
                serde_json::to_writer(&mut *w, &row).map_err(|e| match e.io_error_kind() {
                    Some(kind) => io_err(kind.into()),
                    None => anyhow::Error::new(e),
                })?;
                w.write_all(b"\n").map_err(io_err)
            }
            Sink::Csv(w) => {
                let first = o.candidates.first();
                let code = first.map(|c| c.code.ascii());
                let alt = o.candidates.get(1).map(|c| c.code.ascii());
                let serial = match &o.diagnosis.serial {
                    Some(s) => Cow::Borrowed(s.as_str()),
                    None => Cow::Owned(echo_text(&o.input, 40)),
                };
                let message = csv_message(o);
                let fixed: [&[u8]; 7] = [
                    serial.as_bytes(),
                    o.diagnosis
                        .family
                        .map(|f| f.id())
                        .unwrap_or_default()
                        .as_bytes(),
                    o.status.id().as_bytes(),
                    code.as_ref().map_or(&[], |b| b.as_slice()),
                    alt.as_ref().map_or(&[], |b| b.as_slice()),
                    first
                        .map(|c| c.confidence.id())
                        .unwrap_or_default()
                        .as_bytes(),
                    message.as_bytes(),
                ];
                let carried = columns.map(|c| c.values).unwrap_or_default();
                w.write_record(
                    fixed
                        .into_iter()
                        .chain(carried.iter().map(|v| v.as_bytes())),
                )
                .map_err(csv_err)
            }
        }
    }

    fn finish(&mut self) -> anyhow::Result<u8> {
        match self {
            Sink::Jsonl(w) => w.flush().map_err(io_err)?,
            Sink::Csv(w) => w.flush().map_err(io_err)?,
        }
        Ok(0)
    }
}

/// The CSV message: every finding, or for a clean result the first
/// candidate's provenance.
fn csv_message(o: &Outcome) -> Cow<'_, str> {
    match (o.diagnosis.findings.as_slice(), o.candidates.first()) {
        ([], Some(c)) => Cow::Borrowed(c.note.as_ref()),
        ([one], _) => Cow::Borrowed(one.message.as_ref()),
        (all, _) => Cow::Owned(
            all.iter()
                .map(|f| f.message.as_ref())
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// Rows and rate on stderr, only when stderr is a terminal and the run is long.
struct Progress {
    enabled: bool,
    start: Instant,
    last: Instant,
    rows: u64,
    shown: bool,
}

impl Progress {
    fn new() -> Progress {
        let now = Instant::now();
        Progress {
            enabled: io::stderr().is_terminal(),
            start: now,
            last: now,
            rows: 0,
            shown: false,
        }
    }

    fn tick(&mut self) {
        self.rows += 1;
        if !self.enabled || !self.rows.is_multiple_of(4096) {
            return;
        }
        let now = Instant::now();
        if now.duration_since(self.start) < Duration::from_secs(1)
            || now.duration_since(self.last) < Duration::from_millis(250)
        {
            return;
        }
        self.last = now;
        self.shown = true;
        let _ = write!(io::stderr(), "\r\x1b[K{}", self.line(now));
    }

    fn line(&self, now: Instant) -> String {
        let secs = now.duration_since(self.start).as_secs_f64().max(1e-9);
        format!(
            "{} rows  {:.0} rows/s  {:.1} s",
            self.rows,
            self.rows as f64 / secs,
            secs
        )
    }

    fn done(&mut self) {
        if self.shown {
            let _ = writeln!(io::stderr(), "\r\x1b[K{}", self.line(Instant::now()));
        }
    }
}
