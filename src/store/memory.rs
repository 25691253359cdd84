//! The code book without a database: the seeded public pairs, or a whole
//! book loaded into memory for a batch.

use std::collections::HashMap;

use super::{NewEntry, Records};
use crate::decode::{BookEntry, Code, CodeBook, Confidence};

/// Who "added" the public pairs shipped with radiocode.
pub const PUBLIC_PAIRS_BY: &str = "radiocode (public pairs)";

const SEED_CSV: &str = include_str!("../../assets/codebook_seed.csv");

/// The code book without a database: the seeded public pairs, or a whole
/// book loaded into memory for a batch.
#[derive(Default)]
pub struct MemoryBook {
    entries: HashMap<String, Vec<BookEntry>>,
}

impl MemoryBook {
    /// The public pairs radiocode ships with.
    pub fn seed() -> MemoryBook {
        let mut book = MemoryBook::default();
        for e in seed_entries() {
            book.insert(e.serial, e.code, e.confidence, e.source);
        }
        book
    }

    /// The whole book of `records`, for fast lookups over a batch.
    pub fn load(records: &dyn Records) -> anyhow::Result<MemoryBook> {
        let mut book = MemoryBook::default();
        for row in records.book()? {
            book.insert(row.serial, row.code, row.confidence, row.source);
        }
        Ok(book)
    }

    fn insert(&mut self, serial: String, code: Code, confidence: Confidence, source: String) {
        let list = self.entries.entry(serial).or_default();
        list.push(BookEntry {
            code,
            confidence,
            source,
        });
        list.sort_by_key(|e| e.confidence);
    }
}

impl CodeBook for MemoryBook {
    fn entries(&self, serial: &str) -> Result<Vec<BookEntry>, String> {
        Ok(self.entries.get(serial).cloned().unwrap_or_default())
    }
}

/// The seeded pairs, parsed from the compiled-in asset (checked by a test).
pub(crate) fn seed_entries() -> Vec<NewEntry> {
    let mut out = Vec::new();
    let mut r = csv::Reader::from_reader(SEED_CSV.as_bytes());
    for rec in r.records().flatten() {
        let (Ok(code), Ok(confidence)) = (Code::parse(&rec[1]), Confidence::parse_book(&rec[2]))
        else {
            continue;
        };
        out.push(NewEntry {
            serial: rec[0].to_string(),
            code,
            confidence,
            source: rec[3].to_string(),
            added_by: PUBLIC_PAIRS_BY.to_string(),
        });
    }
    out
}
