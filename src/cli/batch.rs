//! `radiocode batch`: one result per input row, streamed.

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};

use anyhow::Context;

use super::BatchArgs;
use super::batch_out::{Columns, Progress, Rows, Sink};
use crate::decode::{Candidate, CodeBook, Outcome, algorithm_candidate, decode};
use crate::serial::{Family, FindingKind, MAX_INPUT_CHARS, echo_text, normal_form};

/// Longest row kept in memory; longer rows are measured, reported and skipped.
const MAX_ROW_BYTES: usize = 64 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn run(args: &BatchArgs, book: &(dyn CodeBook + Sync)) -> anyhow::Result<u8> {
    let from_stdin = args.file.as_deref().is_none_or(|p| p.as_os_str() == "-");
    let input: Box<dyn Read + Send> = if from_stdin {
        Box::new(io::stdin())
    } else {
        let path = args.file.as_deref().unwrap_or(std::path::Path::new("-"));
        Box::new(crate::files::open_regular(path, "a file of serials").map_err(anyhow::Error::msg)?)
    };
    // Rows typed or piped in as they come (a scanner, a script asking one
    // serial at a time) are answered as they come; a file is read in pieces.
    let live = from_stdin && !stdin_is_a_file();
    let mut reader = BufReader::with_capacity(1 << 16, TextOnly(input));
    let mut sink = Sink::new(args.format, live);
    let mut progress = Progress::new();
    let mut first = Vec::new();
    // The first non-blank row decides: a CSV header with a `serial` column, or plain lines.
    let mut header_line = 0;
    let first_len = loop {
        header_line += 1;
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
        run_csv(
            header,
            header_line,
            reader,
            args,
            book,
            &mut sink,
            &mut progress,
        )?;
    } else {
        sink.header(&[])?;
        let mut rows = Rows::new(args.format);
        rows.outcome(&row_outcome(&first, first_len, args, book), None)?;
        sink.write(&rows.take())?;
        progress.tick(1);
        let threads = if live { 1 } else { threads(args.threads) };
        run_lines(reader, args, book, threads, live, &mut sink, &mut progress)?;
    }
    progress.done();
    sink.finish()
}

/// A piece of the input for a worker: whole lines, or one line too long to
/// keep (its first bytes and its full length).
enum Piece {
    Lines(Vec<u8>),
    LongRow(Vec<u8>, usize),
}

/// Input bytes read at a time; a piece ends at the last line end in it.
const PIECE_BYTES: usize = 1 << 16;

/// The worker threads: as asked, but never more than the machine's cores
/// (more only cost memory, and the output is the same); every core when
/// not asked.
fn threads(asked: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    asked.filter(|n| *n > 0).map_or(cores, |n| n.min(cores))
}

/// Whether standard input is a file (`batch - < serials.txt`) rather than
/// a pipe or a terminal whose rows come one at a time.
fn stdin_is_a_file() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map(std::fs::File::from)
            .and_then(|f| f.metadata())
            .is_ok_and(|m| m.is_file())
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Input that is text: a NUL byte (a binary file, `/dev/zero`) ends the
/// reading with a message instead of being read for ever.
struct TextOnly<R>(R);

impl<R: Read> Read for TextOnly<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        if buf[..n].contains(&0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the input holds a NUL byte: it is not text (a file of serials or a CSV)",
            ));
        }
        Ok(n)
    }
}

/// Reads the next piece, carrying a partial last line over in `carry`. In
/// `live` input, the whole lines there are now make a piece at once.
fn next_piece(r: &mut impl BufRead, carry: &mut Vec<u8>, live: bool) -> io::Result<Option<Piece>> {
    let mut buf = std::mem::take(carry);
    loop {
        let avail = r.fill_buf()?;
        if avail.is_empty() {
            return Ok((!buf.is_empty()).then_some(Piece::Lines(buf)));
        }
        let take = avail
            .len()
            .min(PIECE_BYTES.saturating_sub(buf.len()).max(1));
        let all_there_is = take == avail.len();
        buf.extend_from_slice(&avail[..take]);
        r.consume(take);
        // Reading on would wait for more input: answer what is here.
        let answer_now = live && all_there_is && buf.len() < PIECE_BYTES;
        if let Some(end) = answer_now
            .then(|| buf.iter().rposition(|&b| b == b'\n'))
            .flatten()
        {
            carry.extend_from_slice(&buf[end + 1..]);
            buf.truncate(end + 1);
            return Ok(Some(Piece::Lines(buf)));
        }
        if buf.len() >= PIECE_BYTES {
            match buf.iter().rposition(|&b| b == b'\n') {
                Some(end) => {
                    carry.extend_from_slice(&buf[end + 1..]);
                    buf.truncate(end + 1);
                    return Ok(Some(Piece::Lines(buf)));
                }
                None => {
                    // One line longer than a piece: measured, and only its start kept.
                    let mut row = buf;
                    row.truncate(MAX_ROW_BYTES);
                    let mut rest = Vec::new();
                    let more = read_row(r, &mut rest)?.unwrap_or(0);
                    return Ok(Some(Piece::LongRow(row, PIECE_BYTES + more)));
                }
            }
        }
    }
}

/// The result rows for one piece, and how many rows it held.
fn process(
    piece: Piece,
    args: &BatchArgs,
    book: &(dyn CodeBook + Sync),
    out: Vec<u8>,
) -> anyhow::Result<(Vec<u8>, u64)> {
    let mut rows = Rows::with(args.format, out);
    let mut n = 0;
    match piece {
        Piece::LongRow(row, full) => {
            rows.outcome(&row_outcome(&row, full, args, book), None)?;
            n += 1;
        }
        Piece::Lines(bytes) => {
            for line in bytes.split(|&b| b == b'\n') {
                let line = line.strip_prefix(BOM).unwrap_or(line);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if is_blank(line) {
                    continue;
                }
                let kept = &line[..line.len().min(MAX_ROW_BYTES)];
                match quick(kept, args.family, book) {
                    Some((serial, family, candidate)) => rows.quick(serial, family, &candidate)?,
                    None => rows.outcome(&row_outcome(kept, line.len(), args, book), None)?,
                }
                n += 1;
            }
        }
    }
    Ok((rows.take(), n))
}

/// Plain lines after the first: read in pieces, decoded on `threads`
/// workers, written in input order.
fn run_lines(
    mut reader: impl BufRead + Send,
    args: &BatchArgs,
    book: &(dyn CodeBook + Sync),
    threads: usize,
    live: bool,
    sink: &mut Sink,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let mut carry = Vec::new();
    if threads <= 1 {
        let mut out = Vec::new();
        while let Some(piece) =
            next_piece(&mut reader, &mut carry, live).context("cannot read the input")?
        {
            let (bytes, n) = process(piece, args, book, out)?;
            sink.write(&bytes)?;
            progress.tick(n);
            out = bytes;
        }
        return Ok(());
    }
    // Written buffers come back to be filled again: fresh memory for every
    // piece would have the threads queue on the kernel's page tables.
    let spare: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::new(Vec::new());
    let spare = &spare;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        // Bounded queues keep memory flat: a few pieces in flight at most.
        let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(u64, Piece)>(threads * 2);
        let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<(u64, Done)>(threads * 2);
        for _ in 0..threads {
            let (work_rx, done_tx) = (std::sync::Arc::clone(&work_rx), done_tx.clone());
            scope.spawn(move || {
                loop {
                    let next = work_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((seq, piece))) = next else { break };
                    let out = spare
                        .lock()
                        .ok()
                        .and_then(|mut s| s.pop())
                        .unwrap_or_default();
                    if done_tx
                        .send((seq, process(piece, args, book, out)))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        // Only the workers hold the queue's receiving end: when they stop
        // (the output went away), the reader's next send fails and it stops.
        drop(work_rx);
        let reading = scope.spawn(move || -> io::Result<()> {
            let mut seq = 0;
            while let Some(piece) = next_piece(&mut reader, &mut carry, false)? {
                if work_tx.send((seq, piece)).is_err() {
                    break;
                }
                seq += 1;
            }
            Ok(())
        });
        let failed = written_in_order(&done_rx, sink, progress, spare);
        drop(done_rx);
        let read = reading
            .join()
            .map_err(|_| anyhow::anyhow!("the reader stopped"))?;
        if let Some(e) = failed {
            return Err(e);
        }
        read.context("cannot read the input")
    })
}

/// A piece's output and how many lines it held, or why it failed.
type Done = anyhow::Result<(Vec<u8>, u64)>;

/// The workers' output written in the input's order as it comes back, its
/// buffers returned to `spare`; the first failure, which stops the writing.
fn written_in_order(
    done_rx: &std::sync::mpsc::Receiver<(u64, Done)>,
    sink: &mut Sink,
    progress: &mut Progress,
    spare: &std::sync::Mutex<Vec<Vec<u8>>>,
) -> Option<anyhow::Error> {
    let mut waiting = std::collections::BTreeMap::new();
    let mut next = 0u64;
    let mut failed = None;
    for (seq, result) in done_rx.iter() {
        waiting.insert(seq, result);
        while let Some(result) = waiting.remove(&next) {
            next += 1;
            match result {
                Ok((mut bytes, n)) if failed.is_none() => {
                    if let Err(e) = sink.write(&bytes) {
                        failed = Some(e);
                        continue;
                    }
                    progress.tick(n);
                    bytes.clear();
                    if let Ok(mut s) = spare.lock() {
                        s.push(bytes);
                    }
                }
                Ok(_) => {}
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        if failed.is_some() {
            // Stop the workers: their queue closes as this loop ends.
            break;
        }
    }
    failed
}

/// A row the algorithms answer at once: exactly a precode or a Visteon
/// serial as the label prints it, no family forced otherwise, and nothing
/// in the book or the job log for it. Anything else takes the full decode.
/// Gives the serial, its family and the algorithm's candidate.
fn quick<'a>(
    row: &'a [u8],
    forced: Option<Family>,
    book: &dyn CodeBook,
) -> Option<(&'a str, Family, Candidate)> {
    let serial = std::str::from_utf8(row).ok()?;
    let family = normal_form(serial)?;
    let code = (family.spec().algorithm()?.code)(serial)?;
    if forced.is_some_and(|f| f != family) {
        return None;
    }
    let quiet =
        book.entries(serial).is_ok_and(|e| e.is_empty()) && book.warnings(serial).is_empty();
    if !quiet {
        return None;
    }
    Some((serial, family, algorithm_candidate(family, code)?))
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
    // A one-column CSV headed `serial` is a CSV ("serial" is never a serial).
    let row_text = String::from_utf8_lossy(row);
    let alone = row_text
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_matches('"');
    if alone.eq_ignore_ascii_case("serial") {
        return Some(vec!["serial".to_string()]);
    }
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
    header_line: u64,
    rest: impl Read,
    args: &BatchArgs,
    book: &(dyn CodeBook + Sync),
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
    let mut rows = Rows::new(args.format);
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
        // Counted in the whole input: the rows after the header.
        let line = header_line + rec.position().map_or(0, |p| p.line());
        let outcome = match crate::store::unclosed_quote(&rec, line) {
            // No row is merged into another without a word.
            Some(why) => Outcome::refused(
                echo_text(&String::from_utf8_lossy(field), 40),
                FindingKind::UnclosedQuote,
                why,
            ),
            None => row_outcome(field, field.len(), args, book),
        };
        let values: Vec<Cow<'_, str>> = carried
            .iter()
            .map(|&i| String::from_utf8_lossy(rec.get(i).unwrap_or_default()))
            .collect();
        let columns = Columns {
            names: &carried_names,
            values: &values,
        };
        rows.outcome(&outcome, Some(&columns))?;
        if rows.len() > 1 << 16 {
            sink.write(&rows.take())?;
        }
        progress.tick(1);
    }
    sink.write(&rows.take())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::BatchFormat;
    use crate::decode::NoBook;

    /// The quick rows are byte for byte what the full decode writes.
    #[test]
    fn quick_rows_match_the_full_decode_for_every_precode_and_many_visteon_serials() {
        let renault =
            (b'A'..=b'Z').flat_map(|l| (0..1000).map(move |n| format!("{}{n:03}", l as char)));
        let visteon = (0..1_000_000).step_by(997).map(|n| format!("M{n:06}"));
        for format in [BatchFormat::Csv, BatchFormat::Jsonl] {
            let (mut fast, mut full) = (Rows::new(format), Rows::new(format));
            let mut quick_rows = 0;
            for serial in renault.clone().chain(visteon.clone()) {
                let o = decode(&serial, None, &NoBook);
                full.outcome(&o, None).unwrap();
                match quick(serial.as_bytes(), None, &NoBook) {
                    Some((s, f, c)) => {
                        fast.quick(s, f, &c).unwrap();
                        quick_rows += 1;
                    }
                    None => fast.outcome(&o, None).unwrap(),
                }
            }
            assert_eq!(quick_rows, 26_000 - 100 + 1004, "A000-A099 have no code");
            assert!(fast.take() == full.take(), "{format:?}");
        }
        // A family forced otherwise, or a book entry, takes the full decode.
        assert!(quick(b"J727", Some(Family::Visteon), &NoBook).is_none());
        assert!(quick(b"j727", None, &NoBook).is_none());
    }
}
