//! What `radiocode batch` writes: JSON lines or CSV rows, in input order,
//! and the progress it shows on a terminal.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use super::BatchFormat;
use super::output::ReaderGone;
use crate::decode::{Candidate, Code, Outcome, algorithm_candidate};
use crate::family;
use crate::serial::{Family, Severity, echo_text};

pub(super) struct Columns<'a> {
    pub(super) names: &'a [&'a str],
    pub(super) values: &'a [Cow<'a, str>],
}

impl Serialize for Columns<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.names.iter().zip(self.values))
    }
}

#[derive(Serialize)]
pub(super) struct JsonRow<'a> {
    #[serde(flatten)]
    outcome: crate::decode::OutcomeJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    columns: Option<&'a Columns<'a>>,
}

/// Where the results go: standard output, written in large pieces.
pub(super) struct Sink {
    out: io::BufWriter<io::StdoutLock<'static>>,
    format: BatchFormat,
    live: bool,
}

pub(super) fn io_err(e: io::Error) -> anyhow::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        anyhow::Error::new(ReaderGone)
    } else {
        anyhow::Error::new(e).context("cannot write the output")
    }
}

pub(super) fn csv_err(e: csv::Error) -> anyhow::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => io_err(e),
        other => anyhow::anyhow!("cannot write the output: {other:?}"),
    }
}

pub(super) const CSV_COLUMNS: [&str; 8] = [
    "serial",
    "family",
    "status",
    "code",
    "alt_code",
    "confidence",
    "message",
    "warnings",
];

impl Sink {
    /// A sink for `format`; `live` output goes out after every write, for
    /// rows that come in one at a time.
    pub(super) fn new(format: BatchFormat, live: bool) -> Sink {
        Sink {
            out: io::BufWriter::with_capacity(1 << 16, io::stdout().lock()),
            format,
            live,
        }
    }

    pub(super) fn header(&mut self, carried: &[&str]) -> anyhow::Result<()> {
        if self.format == BatchFormat::Csv {
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            let mut rec = csv::StringRecord::from(CSV_COLUMNS.to_vec());
            rec.extend(carried.iter().copied());
            w.write_record(&rec).map_err(csv_err)?;
            let bytes = w.into_inner().map_err(|e| io_err(e.into_error()))?;
            self.write(&bytes)?;
        }
        Ok(())
    }

    pub(super) fn write(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.out.write_all(bytes).map_err(io_err)?;
        if self.live {
            self.out.flush().map_err(io_err)?;
        }
        Ok(())
    }

    pub(super) fn finish(&mut self) -> anyhow::Result<u8> {
        self.out.flush().map_err(io_err)?;
        Ok(0)
    }
}

/// A CSV writer for one row, appending to `out` when it is dropped.
pub(super) fn csv_rows(out: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
    csv::WriterBuilder::new()
        .buffer_capacity(1024)
        .flexible(true)
        .from_writer(out)
}

/// Result rows being formatted, in CSV or JSON lines.
pub(super) enum Rows {
    Jsonl(Vec<u8>),
    Csv(Vec<u8>),
}

impl Rows {
    pub(super) fn new(format: BatchFormat) -> Rows {
        Rows::with(format, Vec::with_capacity(1 << 16))
    }

    /// Rows written into `out` (emptied first), reusing its memory.
    pub(super) fn with(format: BatchFormat, mut out: Vec<u8>) -> Rows {
        out.clear();
        match format {
            BatchFormat::Jsonl => Rows::Jsonl(out),
            BatchFormat::Csv => Rows::Csv(out),
        }
    }

    /// The bytes formatted so far, handed over; the rows start empty again.
    pub(super) fn take(&mut self) -> Vec<u8> {
        match self {
            Rows::Jsonl(v) | Rows::Csv(v) => std::mem::take(v),
        }
    }

    /// Roughly how many bytes wait to be handed over.
    pub(super) fn len(&self) -> usize {
        match self {
            Rows::Jsonl(v) | Rows::Csv(v) => v.len(),
        }
    }

    /// One result; `columns` are the input's other CSV columns, carried through.
    pub(super) fn outcome(
        &mut self,
        o: &Outcome,
        columns: Option<&Columns<'_>>,
    ) -> anyhow::Result<()> {
        match self {
            Rows::Jsonl(w) => {
                let row = JsonRow {
                    outcome: o.json(),
                    columns,
                };
                let start = w.len();
                serde_json::to_writer(&mut *w, &row)?;
                // What serde leaves raw and a terminal must not get (DEL,
                // C1 and bidirectional controls) as JSON escapes.
                if w[start..].iter().any(|&b| b >= 0x7F) {
                    let row = String::from_utf8_lossy(&w[start..]).into_owned();
                    w.truncate(start);
                    w.extend_from_slice(super::output::json_safe(row).as_bytes());
                }
                w.push(b'\n');
                Ok(())
            }
            Rows::Csv(out) => {
                let mut w = csv_rows(out);
                let first = o.candidates.first();
                let code = first.map(|c| c.code.ascii());
                let alt = o.candidates.get(1).map(|c| c.code.ascii());
                // What was typed, echoed when it is no serial, is a cell a
                // person supplied: a formula in it is neutralised.
                let serial = match &o.diagnosis.serial {
                    Some(s) => Cow::Borrowed(s.as_str()),
                    None => {
                        Cow::Owned(super::output::safe_cell(&echo_text(&o.input, 40)).into_owned())
                    }
                };
                // Text from the records and the input: shown, never sent.
                let message = csv_message(o);
                let message = super::output::safe_cell(&message);
                let warnings = csv_warnings(o);
                let warnings = super::output::safe_cell(&warnings);
                let fixed: [&[u8]; 8] = [
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
                    warnings.as_bytes(),
                ];
                // Carried cells as the exports write them: a formula is
                // neutralised, a control character shown.
                let carried: Vec<Cow<str>> = columns
                    .map(|c| c.values)
                    .unwrap_or_default()
                    .iter()
                    .map(|v| super::output::safe_cell(v))
                    .collect();
                w.write_record(
                    fixed
                        .into_iter()
                        .chain(carried.iter().map(|v| v.as_bytes())),
                )
                .map_err(csv_err)
            }
        }
    }

    /// The row a full decode would give for a serial the algorithm answers
    /// with nothing else to say (see [`quick`]), without building it.
    pub(super) fn quick(
        &mut self,
        serial: &str,
        family: Family,
        c: &Candidate,
    ) -> anyhow::Result<()> {
        let code = c.code;
        match self {
            Rows::Jsonl(w) => {
                let note = quick_json_note(family);
                w.extend_from_slice(b"{\"input\":\"");
                w.extend_from_slice(serial.as_bytes());
                w.extend_from_slice(b"\",\"serial\":\"");
                w.extend_from_slice(serial.as_bytes());
                w.extend_from_slice(b"\",\"family\":\"");
                w.extend_from_slice(family.id().as_bytes());
                w.extend_from_slice(
                    b"\",\"status\":\"decoded\",\"findings\":[],\"candidates\":[{\"code\":\"",
                );
                w.extend_from_slice(&code.ascii());
                w.extend_from_slice(b"\",\"source\":\"algorithm\",\"confidence\":\"");
                w.extend_from_slice(c.confidence.id().as_bytes());
                w.extend_from_slice(b"\",\"note\":");
                w.extend_from_slice(note.as_bytes());
                w.extend_from_slice(b"}]}\n");
                Ok(())
            }
            // The same bytes the CSV writer makes: only the note needs quoting,
            // and it was quoted once.
            Rows::Csv(w) => {
                w.extend_from_slice(serial.as_bytes());
                w.push(b',');
                w.extend_from_slice(family.id().as_bytes());
                w.extend_from_slice(b",decoded,");
                w.extend_from_slice(&code.ascii());
                w.extend_from_slice(b",,");
                w.extend_from_slice(c.confidence.id().as_bytes());
                w.push(b',');
                w.extend_from_slice(quick_csv_note(family));
                // No warnings.
                w.extend_from_slice(b",\n");
                Ok(())
            }
        }
    }
}

/// The note of a family's algorithm, as the decoder writes it.
pub(super) fn algorithm_note(family: Family) -> Cow<'static, str> {
    algorithm_candidate(family, Code::new(0)).map_or(Cow::Borrowed(""), |c| c.note)
}

/// The algorithm's note as a CSV field, quoted once per family.
pub(super) fn quick_csv_note(family: Family) -> &'static [u8] {
    static NOTES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    let notes = NOTES.get_or_init(|| {
        family::ALL
            .map(|f| {
                let mut field = Vec::new();
                let note = algorithm_note(f);
                let mut w = csv_rows(&mut field);
                // Two fields, so the note is quoted as it is inside a row.
                let _ = w.write_record([note.as_ref(), ""]);
                drop(w);
                field.truncate(field.len().saturating_sub(2));
                field
            })
            .to_vec()
    });
    notes.get(family.index()).map_or(&[], Vec::as_slice)
}

/// The algorithm's note as a JSON string, made once per family.
pub(super) fn quick_json_note(family: Family) -> &'static str {
    static NOTES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let notes = NOTES.get_or_init(|| {
        family::ALL
            .map(|f| serde_json::to_string(&algorithm_note(f)).unwrap_or_default())
            .to_vec()
    });
    notes.get(family.index()).map_or("", String::as_str)
}

/// The CSV message: the first candidate's provenance, or without one what
/// is wrong or why there is no code (the error and info findings).
pub(super) fn csv_message(o: &Outcome) -> Cow<'_, str> {
    if let Some(c) = o.candidates.first() {
        return Cow::Borrowed(c.note.as_ref());
    }
    joined(o, |s| s != Severity::Warning)
}

/// The CSV warnings: every warning finding (a misread character, a book
/// that disagrees, a radio suspected re-coded), kept apart from the message.
pub(super) fn csv_warnings(o: &Outcome) -> Cow<'_, str> {
    joined(o, |s| s == Severity::Warning)
}

fn joined(o: &Outcome, keep: impl Fn(Severity) -> bool) -> Cow<'_, str> {
    let mut kept = o.diagnosis.findings.iter().filter(|f| keep(f.severity));
    match (kept.next(), kept.clone().next()) {
        (None, _) => Cow::Borrowed(""),
        (Some(one), None) => Cow::Borrowed(one.message.as_ref()),
        (Some(first), Some(_)) => Cow::Owned(
            std::iter::once(first)
                .chain(kept)
                .map(|f| f.message.as_ref())
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// Rows and rate on stderr, only when stderr is a terminal and the run is
/// long, and not while the rows themselves go to that terminal.
pub(super) struct Progress {
    bar: super::progress::Progress,
    /// Rows counted here and not yet given to the bar.
    pending: u64,
}

impl Progress {
    pub(super) fn new() -> Progress {
        let terminal = io::stderr().is_terminal() && !io::stdout().is_terminal();
        Progress {
            bar: super::progress::Progress::on(
                terminal,
                "batch",
                None,
                super::progress::Unit::Items("rows"),
            ),
            pending: 0,
        }
    }

    pub(super) fn tick(&mut self, rows: u64) {
        self.pending += rows;
        if self.pending >= 4096 {
            self.bar.inc(self.pending);
            self.pending = 0;
        }
    }

    pub(super) fn done(&mut self) {
        self.bar.inc(self.pending);
        self.pending = 0;
        self.bar.finish();
    }
}
