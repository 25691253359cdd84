//! The phone view (F6): while it is open, the phone page is served; a
//! photo the phone sends is read exactly as F5 reads one, its serial goes
//! into the field marked as the phone's, and the page is told what the
//! bench read. Closing the view closes the port.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use crate::phone::{Answer, Phone, Qr, Reader};

/// How long the page waits for the bench to read a photo.
const READ_WAIT: Duration = Duration::from_secs(120);

/// A photo from the phone and where its answer goes.
type Upload = (PathBuf, mpsc::Sender<Result<Answer, String>>);

/// The page being served, and the photos it brought.
pub struct PhoneLink {
    page: Phone,
    pub qr: Qr,
    uploads: mpsc::Receiver<Upload>,
    /// The answer the page waits for, while the bench reads its photo.
    waiting: Option<mpsc::Sender<Result<Answer, String>>>,
    /// What the last photo gave, said in the view.
    pub last: Option<String>,
}

impl std::fmt::Debug for PhoneLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneLink")
            .field("url", &self.url())
            .finish()
    }
}

impl PhoneLink {
    /// Serves the page on `bind`, keeping the photos in `folder`.
    pub fn open(bind: Option<&str>, folder: PathBuf) -> anyhow::Result<PhoneLink> {
        crate::files::own_dir(&folder)?;
        let (tx, uploads) = mpsc::channel::<Upload>();
        let tx = std::sync::Mutex::new(tx);
        let reader: Reader = Box::new(move |path| {
            let (answer, reply) = mpsc::channel();
            tx.lock()
                .unwrap_or_else(|e| e.into_inner())
                .send((path.to_path_buf(), answer))
                .map_err(|_| "the phone view was closed".to_string())?;
            reply
                .recv_timeout(READ_WAIT)
                .unwrap_or_else(|_| Err("the bench did not finish reading it in time".into()))
        });
        let page = Phone::open(bind, folder, reader)?;
        let qr = crate::phone::qr_for(page.url())?;
        Ok(PhoneLink {
            page,
            qr,
            uploads,
            waiting: None,
            last: None,
        })
    }

    /// The page's address.
    pub fn url(&self) -> &str {
        self.page.url()
    }

    /// True while the page is served (its ten minutes not over).
    pub fn is_open(&self) -> bool {
        self.page.is_open()
    }

    /// A photo the phone sent, to be read; its answer is awaited.
    pub fn next_photo(&mut self) -> Option<PathBuf> {
        let (path, reply) = self.uploads.try_recv().ok()?;
        // An answer still awaited for an earlier photo: it is not coming.
        if let Some(old) = self.waiting.replace(reply) {
            let _ = old.send(Err("another photo came before it was read".into()));
        }
        Some(path)
    }

    /// True while the page waits for the bench's reading.
    pub fn is_waiting(&self) -> bool {
        self.waiting.is_some()
    }

    /// Tells the page what the bench made of its photo.
    pub fn answer(&mut self, answer: Result<Answer, String>) {
        self.last = Some(match &answer {
            Ok(a) => a.said.clone(),
            Err(why) => format!("the photo could not be read: {why}"),
        });
        if let Some(reply) = self.waiting.take() {
            let _ = reply.send(answer);
        }
    }
}
