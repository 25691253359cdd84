//! One reader per row type, shared by both stores: a row's cells by
//! position, whichever database gave it, and the columns each reader
//! expects in order. A store only writes its SQL; what a row means is read
//! here once.

use std::collections::HashMap;

use anyhow::{Context, anyhow};

use super::At;
use super::rows::{
    Attempt, BookRow, DumpRecord, EvidenceKind, EvidenceRow, JobNote, JobRow, LayoutRecord,
    TryOutcome, try_confidence,
};
use crate::decode::{BookEntry, Code, Confidence};
use crate::serial::echo_text;

/// A row's cells by position, as either database gives them.
pub trait Cells {
    fn text(&self, i: usize) -> anyhow::Result<String>;
    fn maybe_text(&self, i: usize) -> anyhow::Result<Option<String>>;
    fn int(&self, i: usize) -> anyhow::Result<i64>;
    fn maybe_int(&self, i: usize) -> anyhow::Result<Option<i64>>;
    fn flag(&self, i: usize) -> anyhow::Result<bool>;
    fn bytes(&self, i: usize) -> anyhow::Result<Vec<u8>>;
    /// A list of words: an array on the server, comma-joined text in a file.
    fn words(&self, i: usize) -> anyhow::Result<Vec<String>>;

    /// A time as the records write it (2023-11-22T09:30:00Z).
    fn time(&self, i: usize, name: &str) -> anyhow::Result<At>
    where
        Self: Sized,
    {
        self.parsed(i, name, At::parse)
    }

    /// A word read through its parser; a word it refuses names the column.
    fn parsed<T>(
        &self,
        i: usize,
        name: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> anyhow::Result<T>
    where
        Self: Sized,
    {
        let text = self.text(i)?;
        parse(&text).map_err(|e| anyhow!("its {name}: {e}"))
    }
}

/// `Cells` for a database's row type, whose getter is `$get` (rusqlite's
/// `get`, postgres's `try_get`); `$words` reads a list of words.
macro_rules! cells_for {
    ($row:ty, $get:ident, $words:expr) => {
        impl Cells for $row {
            fn text(&self, i: usize) -> anyhow::Result<String> {
                Ok(self.$get(i)?)
            }
            fn maybe_text(&self, i: usize) -> anyhow::Result<Option<String>> {
                Ok(self.$get(i)?)
            }
            fn int(&self, i: usize) -> anyhow::Result<i64> {
                Ok(self.$get(i)?)
            }
            fn maybe_int(&self, i: usize) -> anyhow::Result<Option<i64>> {
                Ok(self.$get(i)?)
            }
            fn flag(&self, i: usize) -> anyhow::Result<bool> {
                Ok(self.$get(i)?)
            }
            fn bytes(&self, i: usize) -> anyhow::Result<Vec<u8>> {
                Ok(self.$get(i)?)
            }
            fn words(&self, i: usize) -> anyhow::Result<Vec<String>> {
                let words: fn(&Self, usize) -> anyhow::Result<Vec<String>> = $words;
                words(self, i)
            }
        }
    };
}

// A file keeps a list as comma-joined text.
cells_for!(rusqlite::Row<'_>, get, |r, i| {
    let text: String = r.get(i)?;
    Ok(text
        .split(',')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect())
});
// A server keeps it as an array.
cells_for!(postgres::Row, try_get, |r, i| Ok(r.try_get(i)?));

/// The columns a store selects for each reader, in order; `time` writes a
/// time column as the store must select it to give the records' text.
pub fn job_columns(time: fn(&str) -> String) -> String {
    format!(
        "id, {}, workstation, branch, vehicle, ownership_proof, serial, family, notes, uid, \
         serial_typed",
        time("created_at")
    )
}

/// A try's columns, after its job's id.
pub fn attempt_columns(time: fn(&str) -> String) -> String {
    format!(
        "job_id, {}, code, outcome, uid, source, confidence",
        time("at")
    )
}

/// An evidence file's columns, after its job's id.
pub fn evidence_columns(time: fn(&str) -> String) -> String {
    format!(
        "job_id, {}, kind, path, size, sha256, copy_path, uid, serial_read",
        time("at")
    )
}

/// A later note's columns, after its job's id.
pub fn note_columns(time: fn(&str) -> String) -> String {
    format!("job_id, {}, text, uid, withdraws", time("at"))
}

/// A recorded dump's columns.
pub fn dump_columns(time: fn(&str) -> String) -> String {
    format!(
        "sha256, bytes, model, code, known_by, source, {}, added_by",
        time("added_at")
    )
}

/// An imported layout's columns.
pub fn layout_columns(time: fn(&str) -> String) -> String {
    format!(
        "uid, model, address, encoding, word_swapped, dumps, codes, evidence, origin, {}, \
         added_by",
        time("added_at")
    )
}

/// A time column selected as it is stored (a file keeps the text).
pub fn as_stored(column: &str) -> String {
    column.to_string()
}

impl JobRow {
    /// A job from [`job_columns`], its tries, files and notes still to come.
    pub fn read(r: &impl Cells) -> anyhow::Result<JobRow> {
        let id = r.int(0)?;
        Self::fields(r).with_context(|| format!("job {id} in the records"))
    }

    fn fields(r: &impl Cells) -> anyhow::Result<JobRow> {
        Ok(JobRow {
            id: r.int(0)?,
            created_at: r.time(1, "time")?,
            workstation: r.text(2)?,
            branch: r.text(3)?,
            vehicle: r.text(4)?,
            ownership_proof: r.text(5)?,
            serial: r.text(6)?,
            family: r.maybe_text(7)?.and_then(|f| f.parse().ok()),
            notes: String::new(),
            attempts: Vec::new(),
            evidence: Vec::new(),
            serial_typed: r.text(10)?,
            uid: r.text(9)?,
            intake_notes: r.text(8)?,
            later_notes: Vec::new(),
        })
    }
}

impl Attempt {
    /// A try from [`attempt_columns`], with its job's id.
    pub fn read(r: &impl Cells) -> anyhow::Result<(i64, Attempt)> {
        let job = r.int(0)?;
        Self::fields(r).with_context(|| format!("a try on job {job} in the records"))
    }

    fn fields(r: &impl Cells) -> anyhow::Result<(i64, Attempt)> {
        Ok((
            r.int(0)?,
            Attempt {
                at: r.time(1, "time")?,
                code: r.parsed(2, "code", Code::parse)?,
                outcome: r.parsed(3, "outcome", TryOutcome::parse)?,
                uid: r.text(4)?,
                source: r.text(5)?,
                confidence: r.parsed(6, "confidence", try_confidence)?,
                withdrawn: None,
            },
        ))
    }
}

impl EvidenceRow {
    /// An evidence file from [`evidence_columns`], with its job's id.
    pub fn read(r: &impl Cells) -> anyhow::Result<(i64, EvidenceRow)> {
        let job = r.int(0)?;
        Self::fields(r).with_context(|| format!("an evidence file of job {job} in the records"))
    }

    fn fields(r: &impl Cells) -> anyhow::Result<(i64, EvidenceRow)> {
        Ok((
            r.int(0)?,
            EvidenceRow {
                at: r.time(1, "time")?,
                kind: r.parsed(2, "kind", EvidenceKind::parse)?,
                path: r.text(3)?,
                size: r.int(4)?,
                sha256: r.text(5)?,
                copy_path: r.text(6)?,
                uid: r.text(7)?,
                serial_read: r.text(8)?,
            },
        ))
    }
}

impl JobNote {
    /// A later note from [`note_columns`], with its job's id.
    pub fn read(r: &impl Cells) -> anyhow::Result<(i64, JobNote)> {
        let job = r.int(0)?;
        Self::fields(r).with_context(|| format!("a note on job {job} in the records"))
    }

    fn fields(r: &impl Cells) -> anyhow::Result<(i64, JobNote)> {
        Ok((
            r.int(0)?,
            JobNote {
                at: r.time(1, "time")?,
                text: r.text(2)?,
                uid: r.text(3)?,
                withdraws: r.text(4)?,
            },
        ))
    }
}

impl BookRow {
    /// serial, family, code, confidence, source, added_at, added_by, job, job uid.
    pub fn read(r: &impl Cells) -> anyhow::Result<BookRow> {
        let serial = r.text(0)?;
        Self::fields(r).with_context(|| {
            format!(
                "the book entry for {} in the records",
                echo_text(&serial, 20)
            )
        })
    }

    fn fields(r: &impl Cells) -> anyhow::Result<BookRow> {
        Ok(BookRow {
            serial: r.text(0)?,
            family: r.maybe_text(1)?.and_then(|f| f.parse().ok()),
            code: r.parsed(2, "code", Code::parse)?,
            confidence: r.parsed(3, "confidence", Confidence::parse_book)?,
            source: r.text(4)?,
            added_at: r.time(5, "time")?,
            added_by: r.text(6)?,
            job: r.maybe_int(7)?,
            job_uid: r.maybe_text(8)?,
        })
    }
}

/// A book entry: code, confidence, source.
pub fn book_entry(r: &impl Cells) -> anyhow::Result<BookEntry> {
    Ok(BookEntry {
        code: r.parsed(0, "code", Code::parse)?,
        confidence: r.parsed(1, "confidence", Confidence::parse_book)?,
        source: r.text(2)?,
    })
}

impl DumpRecord {
    /// A recorded dump from [`dump_columns`].
    pub fn read(r: &impl Cells) -> anyhow::Result<DumpRecord> {
        let sha = r.text(0)?;
        Self::fields(r).with_context(|| format!("the dump {} in the records", echo_text(&sha, 12)))
    }

    fn fields(r: &impl Cells) -> anyhow::Result<DumpRecord> {
        Ok(DumpRecord {
            sha256: r.text(0)?,
            bytes: r.bytes(1)?,
            model: r.text(2)?,
            code: r.parsed(3, "code", Code::parse)?,
            known_by: r.text(4)?,
            source: r.text(5)?,
            added_at: r.time(6, "time")?,
            added_by: r.text(7)?,
        })
    }
}

impl LayoutRecord {
    /// An imported layout from [`layout_columns`].
    pub fn read(r: &impl Cells) -> anyhow::Result<LayoutRecord> {
        let uid = r.text(0)?;
        Self::fields(r)
            .with_context(|| format!("the layout {} in the records", echo_text(&uid, 20)))
    }

    fn fields(r: &impl Cells) -> anyhow::Result<LayoutRecord> {
        Ok(LayoutRecord {
            uid: r.text(0)?,
            model: r.text(1)?,
            address: r.int(2)?,
            encoding: r.text(3)?,
            word_swapped: r.flag(4)?,
            dumps: r.int(5)?,
            codes: r.int(6)?,
            evidence: r.words(7)?,
            origin: r.text(8)?,
            added_at: r.time(9, "time")?,
            added_by: r.text(10)?,
        })
    }
}

/// Each job with its tries, files and notes, each given to its job by id;
/// one for a job not among `jobs` is left out.
pub fn assembled(
    mut jobs: Vec<JobRow>,
    tries: Vec<(i64, Attempt)>,
    files: Vec<(i64, EvidenceRow)>,
    notes: Vec<(i64, JobNote)>,
) -> Vec<JobRow> {
    let index: HashMap<i64, usize> = jobs.iter().enumerate().map(|(i, j)| (j.id, i)).collect();
    for (job, a) in tries {
        if let Some(&i) = index.get(&job) {
            jobs[i].attempts.push(a);
        }
    }
    for (job, e) in files {
        if let Some(&i) = index.get(&job) {
            jobs[i].evidence.push(e);
        }
    }
    for (job, n) in notes {
        if let Some(&i) = index.get(&job) {
            jobs[i].later_notes.push(n);
        }
    }
    for job in &mut jobs {
        job.join_notes();
        job.mark_withdrawn();
    }
    jobs
}
