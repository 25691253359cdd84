//! The code book a command or the workbench reads: the records when they
//! can be read, the shipped public pairs when there are none or they cannot.

use crate::decode::CodeBook;
use crate::store::{self, BookRow, MemoryBook, Place, Records, SqliteStore};

/// The records for reading, if there are any. Records that cannot be read
/// (a broken file, a server that does not answer) are reported once and
/// skipped: the algorithms and the shipped public pairs answer instead.
pub fn open_for_reading(place: &Place) -> Option<Box<dyn Records>> {
    store::open_reading(place).unwrap_or_else(|e| {
        unusable(&e);
        None
    })
}

fn unusable(e: &anyhow::Error) {
    say!(
        "radiocode: warning: the code book cannot be used ({e:#}); only the algorithms and the \
         seeded public pairs answer"
    );
}

/// The code book for looking up a few serials.
pub fn reading_book(place: &Place) -> Box<dyn CodeBook> {
    or_shipped(open_for_reading(place))
}

/// The whole book in memory, for a batch.
pub fn loaded_book(place: &Place) -> Box<dyn CodeBook + Sync> {
    match open_for_reading(place).map(|r| MemoryBook::load(r.as_ref())) {
        Some(Ok(book)) => Box::new(book),
        Some(Err(e)) => {
            unusable(&e);
            Box::new(MemoryBook::seed())
        }
        None => Box::new(MemoryBook::seed()),
    }
}

/// The shipped public pairs alone: what answers before any records are open.
pub fn shipped_pairs() -> Box<dyn CodeBook> {
    Box::new(MemoryBook::seed())
}

/// The records when they are open, the shipped public pairs when not.
pub fn or_shipped(records: Option<Box<dyn Records>>) -> Box<dyn CodeBook> {
    match records {
        Some(r) => r,
        None => shipped_pairs(),
    }
}

/// The book's rows for a listing or an export: the records', or the
/// shipped public pairs where there are no records yet.
pub fn listed_book(place: &Place) -> anyhow::Result<Vec<BookRow>> {
    match store::open_reading(place)? {
        Some(records) => records.book(),
        None => SqliteStore::in_memory()?.book(),
    }
}
