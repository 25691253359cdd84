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
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
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
    Ok(())
}

/// Options that create a file readable and writable by its owner only.
pub fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Writes `bytes` to `path` (its folder made if needed), owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    let mut f = private_options().open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Copies `from` to `to`, the copy owner only.
pub fn copy_private(from: &Path, to: &Path) -> io::Result<u64> {
    if let Some(dir) = to.parent() {
        private_dir(dir)?;
    }
    let mut src = fs::File::open(from)?;
    let mut dst = private_options().open(to)?;
    let n = io::copy(&mut src, &mut dst)?;
    dst.sync_all()?;
    Ok(n)
}
