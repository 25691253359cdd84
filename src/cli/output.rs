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

pub struct Out {
    inner: BufWriter<Visible<StdoutLock<'static>>>,
}

/// Standard output that shows control characters instead of sending them:
/// C0 controls but line ends and tabs, DEL, and the C1 controls (UTF-8
/// C2 80..9F) are written as `\u{1b}` and the like. Text from the records
/// (a source, a note, a file name) can hold anything; a terminal never
/// receives an escape sequence from radiocode's output.
pub struct Visible<W> {
    inner: W,
    /// A C2 byte held back from the end of the last write: the first byte
    /// of the next one says whether it starts a C1 control.
    held_c2: bool,
}

impl<W: Write> Visible<W> {
    pub fn new(inner: W) -> Visible<W> {
        Visible {
            inner,
            held_c2: false,
        }
    }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        let mut i = 0;
        if std::mem::take(&mut self.held_c2) {
            match buf.first() {
                Some(&b) if (0x80..=0x9F).contains(&b) => {
                    write!(self.inner, "\\u{{{b:x}}}")?;
                    start = 1;
                    i = 1;
                }
                _ => self.inner.write_all(&[0xC2])?,
            }
        }
        while i < buf.len() {
            let b = buf[i];
            if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7F {
                self.inner.write_all(&buf[start..i])?;
                write!(self.inner, "\\u{{{b:x}}}")?;
                start = i + 1;
            } else if b == 0xC2 {
                match buf.get(i + 1) {
                    Some(&n) if (0x80..=0x9F).contains(&n) => {
                        self.inner.write_all(&buf[start..i])?;
                        write!(self.inner, "\\u{{{n:x}}}")?;
                        i += 1;
                        start = i + 1;
                    }
                    None => {
                        self.inner.write_all(&buf[start..i])?;
                        self.held_c2 = true;
                        return Ok(buf.len());
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        self.inner.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if std::mem::take(&mut self.held_c2) {
            self.inner.write_all(&[0xC2])?;
        }
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
