//! Buffered standard output that ends quietly when the reader goes away.

use std::io::{self, BufWriter, StdoutLock, Write};

pub struct Out {
    inner: BufWriter<StdoutLock<'static>>,
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
            inner: BufWriter::with_capacity(1 << 16, io::stdout().lock()),
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

    pub fn writer(&mut self) -> &mut BufWriter<StdoutLock<'static>> {
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
