//! Buffered standard output that ends quietly when the reader goes away.

use std::borrow::Cow;
use std::io::{self, BufWriter, StdoutLock, Write};

/// A spreadsheet runs a cell starting with one of these as a formula.
/// Its control characters are shown too, never sent.
pub fn safe_cell(s: &str) -> Cow<'_, str> {
    let s = crate::finding::visible_text(s);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        s
    }
}

/// A value as one line of JSON that stays JSON and is safe on a terminal:
/// see [`json_safe`].
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<String> {
    Ok(json_safe(serde_json::to_string(value)?))
}

/// The same, laid out over lines, ending with a line end.
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<String> {
    Ok(json_safe(serde_json::to_string_pretty(value)?) + "\n")
}

/// JSON text with what serde leaves raw and a terminal must not get (DEL,
/// C1 controls, bidirectional controls) written as JSON escapes (`\u202e`).
pub fn json_safe(text: String) -> String {
    use crate::finding::is_hidden;
    if !text.chars().any(is_hidden) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden(c) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub struct Out {
    inner: BufWriter<Visible<StdoutLock<'static>>>,
}

/// Standard output that shows what must not reach a terminal instead of
/// sending it: control characters (C0 but line ends and tabs, DEL, C1) and
/// bidirectional controls are written as `\u{1b}`, `\u{202e}` and the like,
/// and bytes that are not UTF-8 as `\x9b`. Text from the records (a source,
/// a note, a file name) can hold anything; a terminal never receives an
/// escape sequence or a reversal from radiocode's output.
pub struct Visible<W> {
    inner: W,
    /// The start of a character cut off at the end of the last write.
    held: Vec<u8>,
}

impl<W: Write> Visible<W> {
    pub fn new(inner: W) -> Visible<W> {
        Visible {
            inner,
            held: Vec::new(),
        }
    }

    fn text(&mut self, s: &str) -> io::Result<()> {
        self.inner
            .write_all(crate::finding::visible_text(s).as_bytes())
    }

    fn bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        for b in bytes {
            write!(self.inner, "\\x{b:02x}")?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let joined;
        let mut rest: &[u8] = if self.held.is_empty() {
            buf
        } else {
            let mut held = std::mem::take(&mut self.held);
            held.extend_from_slice(buf);
            joined = held;
            &joined
        };
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    self.text(s)?;
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    if let Ok(s) = std::str::from_utf8(good) {
                        self.text(s)?;
                    }
                    match e.error_len() {
                        // A character the next write finishes.
                        None => {
                            self.held = bad.to_vec();
                            break;
                        }
                        Some(n) => {
                            self.bytes(&bad[..n])?;
                            rest = &bad[n..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let held = std::mem::take(&mut self.held);
        self.bytes(&held)?;
        self.inner.flush()
    }
}

/// Raised when stdout is closed by its reader (e.g. `| head`): not an error
/// for the user, the program just stops writing.
#[derive(Debug)]
pub struct ReaderGone;

impl std::fmt::Display for ReaderGone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("standard output was closed")
    }
}

impl std::error::Error for ReaderGone {}

fn wrap(e: io::Error) -> anyhow::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        anyhow::Error::new(ReaderGone)
    } else {
        anyhow::Error::new(e).context("could not write to standard output")
    }
}

impl Out {
    pub fn stdout() -> Self {
        Out {
            inner: BufWriter::with_capacity(1 << 16, Visible::new(io::stdout().lock())),
        }
    }

    pub fn line(&mut self, s: &str) -> anyhow::Result<()> {
        self.inner.write_all(s.as_bytes()).map_err(wrap)?;
        self.inner.write_all(b"\n").map_err(wrap)
    }

    /// Writes text as it is (a document that ends its own lines).
    pub fn text(&mut self, s: &str) -> anyhow::Result<()> {
        self.inner.write_all(s.as_bytes()).map_err(wrap)
    }

    pub fn writer(&mut self) -> &mut BufWriter<Visible<StdoutLock<'static>>> {
        &mut self.inner
    }

    pub fn flush(&mut self) -> anyhow::Result<()> {
        self.inner.flush().map_err(wrap)
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        let _ = self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(chunks: &[&[u8]]) -> String {
        let mut v = Visible::new(Vec::new());
        for c in chunks {
            v.write_all(c).unwrap();
        }
        v.flush().unwrap();
        String::from_utf8(v.inner).unwrap()
    }

    #[test]
    fn controls_are_shown_not_sent() {
        assert_eq!(
            shown(&[b"a\x1b[31mb\n\tc\x7f"]),
            "a\\u{1b}[31mb\n\tc\\u{7f}"
        );
        // U+009B (CSI) is C2 9B in UTF-8, split across writes or not.
        assert_eq!(shown(&[b"x\xc2\x9by"]), "x\\u{9b}y");
        assert_eq!(shown(&[b"x\xc2", b"\x9by"]), "x\\u{9b}y");
        // C2 A9 is the copyright sign: kept.
        assert_eq!(shown(&[b"\xc2", b"\xa9 2026"]), "\u{a9} 2026");
        assert_eq!(shown(&[b"plain"]), "plain");
    }
}
