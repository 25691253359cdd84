//! Files radiocode writes beside the records (the database, documents,
//! evidence copies): readable by their owner only (0600 in 0700 folders on
//! Unix, whatever the umask; on Windows the user's profile is the boundary),
//! and any folder made for them said, never made silently.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Folders made since the last [`take_created`], to be said.
static CREATED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The folders made for the records since this was last asked, to say them.
pub fn take_created() -> Vec<PathBuf> {
    std::mem::take(&mut *CREATED.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Makes `dir` and its missing parents, owner only; the topmost folder made
/// is remembered to be said.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    if !dir.is_dir() {
        let topmost = dir
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .last()
            .map(Path::to_path_buf);
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
        if let Some(top) = topmost {
            CREATED.lock().unwrap_or_else(|e| e.into_inner()).push(top);
        }
    }
    Ok(())
}

/// As [`private_dir`], for a folder radiocode writes documents or evidence
/// copies into and later finds them in: it must be its own, so it is
/// refused when it is a link, or (on Unix) writable by others, who could
/// then swap the files in it.
pub fn own_dir(dir: &Path) -> io::Result<()> {
    private_dir(dir)?;
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    own_folder(dir)
}

/// A folder radiocode may write into: not a link, not writable by others.
fn own_folder(dir: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(dir)?;
    let refuse = |why: &str| {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} {why}; radiocode writes only into a folder of its own, so nothing was written there",
                shown(dir)
            ),
        ))
    };
    if meta.file_type().is_symlink() {
        return refuse("is a link to another folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o002 != 0 {
            return refuse("may be written by any user");
        }
    }
    Ok(())
}

/// Creates `path` for writing, owner only, where nothing is: never through
/// a link, never over a file that is there.
fn create_new_private(path: &Path) -> io::Result<fs::File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes a file whole under a temporary name beside `path`, then puts it in
/// `path`'s place: a link planted at `path` is replaced, never written
/// through, and a reader never sees half a file.
fn write_then_rename(
    path: &Path,
    fill: impl FnOnce(&mut fs::File) -> io::Result<u64>,
) -> io::Result<u64> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file's name", shown(path)),
        )
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.part", part_suffix()));
    let tmp = dir.join(tmp_name);
    let written = create_new_private(&tmp).and_then(|mut f| {
        let n = fill(&mut f)?;
        f.sync_all()?;
        Ok(n)
    });
    let placed = written.and_then(|n| fs::rename(&tmp, path).map(|()| n));
    if placed.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    placed
}

/// A name for a file being written that no other radiocode (nor this one)
/// is using at the same moment; the file is made only where nothing is.
fn part_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Writes `bytes` to `path` (its folder made if needed, and its own),
/// owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        own_dir(dir)?;
    }
    write_then_rename(path, |f| f.write_all(bytes).map(|()| bytes.len() as u64))?;
    Ok(())
}

/// Copies `from` to `to` (its folder made if needed, and its own), the
/// copy owner only.
pub fn copy_private(from: &Path, to: &Path) -> io::Result<u64> {
    if let Some(dir) = to.parent() {
        own_dir(dir)?;
    }
    let mut src = fs::File::open(from)?;
    write_then_rename(to, |dst| io::copy(&mut src, dst))
}

/// Removes an evidence copy radiocode made: a regular file inside `root`
/// (the evidence folder beside the records), its folder reached without
/// following links. Anything else a record may name (a path outside that
/// folder, a link, a folder) stays where it is, and why is said. A copy
/// already gone is fine.
pub fn remove_copy(root: &Path, copy: &Path) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("{} was not removed: {why}", shown(copy)));
    match fs::symlink_metadata(root) {
        Ok(m) if m.file_type().is_dir() => {}
        Ok(_) => return refuse("the evidence folder beside the records is not a folder"),
        Err(_) => return refuse("it is not in the evidence folder beside the records"),
    }
    let (Ok(root), Some(parent), Some(name)) = (
        fs::canonicalize(root),
        copy.parent().map(fs::canonicalize),
        copy.file_name(),
    ) else {
        return refuse("it is not in the evidence folder beside the records");
    };
    let Ok(parent) = parent else {
        return Ok(()); // its folder is gone, and the copy with it
    };
    if !parent.starts_with(&root) {
        return refuse("it is not in the evidence folder beside the records");
    }
    let target = parent.join(name);
    match fs::symlink_metadata(&target) {
        Err(_) => Ok(()),
        Ok(m) if m.file_type().is_file() => {
            fs::remove_file(&target).map_err(|e| format!("{} was not removed: {e}", shown(copy)))
        }
        Ok(_) => refuse("it is a link or a folder, not a copy radiocode made"),
    }
}

/// Why a file cannot be read as one: it is not a regular file, or it is
/// bigger than what it is said to be can be.
fn not_readable(path: &Path, what: &str, meta: &fs::Metadata) -> Option<String> {
    let shown = shown(path);
    let ft = meta.file_type();
    if ft.is_dir() {
        return Some(format!("{shown} is a folder, not {what}"));
    }
    if !ft.is_file() {
        return Some(format!(
            "{shown} is not a regular file (a device, a pipe or a socket), so it is not {what}: \
             radiocode reads only files"
        ));
    }
    None
}

/// Opens `path` for reading when it is a regular file, or says why not.
pub fn open_regular(path: &Path, what: &str) -> Result<fs::File, String> {
    let shown = shown(path);
    let meta = fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if let Some(why) = not_readable(path, what, &meta) {
        return Err(why);
    }
    fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))
}

/// The whole of a regular file of at most `limit` bytes, or why not.
pub fn read_bounded(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let shown = shown(path);
    let file = open_regular(path, what)?;
    let mut out = Vec::new();
    // One byte more than allowed tells a file that grew past the limit.
    file.take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!(
            "{shown} is bigger than {} KiB, more than {what} can be",
            limit / 1024
        ));
    }
    Ok(out)
}

/// A regular file as text of at most `limit` bytes.
pub fn read_text_bounded(path: &Path, what: &str, limit: u64) -> Result<String, String> {
    let bytes = read_bounded(path, what, limit)?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", shown(path)))
}

/// A reader that refuses a line longer than `max_line` bytes or more than
/// `max_total` bytes in all, saying which line: input that never ends (or
/// never breaks its lines) is stopped with a message, not read into memory.
pub struct Bounded<R> {
    inner: R,
    what: &'static str,
    max_line: usize,
    max_total: u64,
    line: usize,
    in_line: usize,
    total: u64,
}

impl<R> Bounded<R> {
    pub fn new(inner: R, what: &'static str, max_line: usize, max_total: u64) -> Bounded<R> {
        Bounded {
            inner,
            what,
            max_line,
            max_total,
            line: 1,
            in_line: 0,
            total: 0,
        }
    }
}

impl<R: io::Read> io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.line += 1;
                self.in_line = 0;
            } else {
                self.in_line += 1;
                if self.in_line > self.max_line {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "line {} is longer than {} KiB: not {}",
                            self.line,
                            self.max_line / 1024,
                            self.what
                        ),
                    ));
                }
            }
        }
        self.total += n as u64;
        if self.total > self.max_total {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "more than {} MiB of input: not {}",
                    self.max_total >> 20,
                    self.what
                ),
            ));
        }
        Ok(n)
    }
}

/// The size and SHA-256 of a regular file, read a piece at a time (memory
/// stays flat whatever its size), or why it cannot be used.
pub fn fingerprint(path: &Path) -> Result<(i64, String), String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let shown = shown(path);
    let mut f = open_regular(path, "a file to keep as evidence")?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size: u64 = 0;
    loop {
        let n = f.read(&mut buf).map_err(|e| format!("{shown}: {e}"))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        size += n as u64;
    }
    let hex = hash
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    Ok((size as i64, hex))
}

/// Marks a stored path that is not UTF-8: the bytes follow in hex.
const BYTES_MARK: &str = "bytes:";

/// A path as the records keep it: as text when it is UTF-8, else its exact
/// bytes (in hex, marked), so a file whose name is not UTF-8 is found again.
pub fn path_text(path: &Path) -> String {
    match path.to_str() {
        Some(text) if !text.starts_with(BYTES_MARK) => text.to_string(),
        _ => {
            let bytes = path_bytes(path);
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            format!("{BYTES_MARK}{hex}")
        }
    }
}

/// The path a stored text names (see [`path_text`]).
pub fn text_path(text: &str) -> PathBuf {
    match text.strip_prefix(BYTES_MARK).and_then(unhex) {
        Some(bytes) => path_from_bytes(bytes),
        None => PathBuf::from(text),
    }
}

/// A stored path as a person reads it (bytes that are not UTF-8 shown as
/// �), on one line: see [`shown`].
pub fn shown_path(text: &str) -> String {
    shown(&text_path(text))
}

/// A path as a message shows it: on one line, whatever its name holds (a
/// line end, an escape sequence or a bidirectional control is shown as
/// `\n`, `\u{1b}`, `\u{202e}`), so a file name never forges a line of
/// output or turns the text around.
pub fn shown(path: &Path) -> String {
    crate::finding::escape_text(&path.to_string_lossy()).into_owned()
}

fn unhex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}
