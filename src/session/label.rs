//! A label photo attached to a job, read and checked against the job.

/// What reading a label photo said, and what it means for the job.
pub struct LabelCheck {
    pub line: String,
    pub verdict: LabelVerdict,
}

/// A label photo against its job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelVerdict {
    /// Its serial is the job's, or it shows none.
    Fine,
    /// Its serial is not the job's.
    Differs,
    /// It could not be read as a photo (or the reading was stopped).
    Unreadable,
}

/// A label photo already read, as evidence to keep: its size, SHA-256,
/// full path and the serial read off it.
pub fn label_photo_row(
    file: &std::path::Path,
    serial_read: Option<&str>,
) -> Result<crate::store::EvidenceRow, String> {
    let (size, sha256) = crate::files::fingerprint(file)?;
    let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    Ok(crate::store::EvidenceRow {
        at: crate::store::At::UNSTAMPED,
        kind: crate::store::EvidenceKind::LabelPhoto,
        path: crate::files::path_text(&path),
        size,
        sha256,
        copy_path: String::new(),
        serial_read: serial_read.unwrap_or_default().to_string(),
        uid: crate::store::new_uid(),
    })
}

/// Reads the serial off a label photo being attached to a job into its
/// evidence row, and checks it against the job's serial.
pub fn read_label_evidence(
    file: &std::path::Path,
    row: &mut crate::store::EvidenceRow,
    job_serial: &str,
) -> LabelCheck {
    use crate::label::{self, Failure, Options};
    let shown = crate::files::shown_path(&row.path);
    let reading = match label::read_file(file, &Options::default()) {
        Ok((reading, _)) => reading,
        Err(Failure::Unreadable(why)) => {
            return LabelCheck {
                line: format!(
                    "the label photo could not be read ({why}); it is recorded as a file, \
                     with no serial read off it"
                ),
                verdict: LabelVerdict::Unreadable,
            };
        }
        Err(Failure::Stopped) => {
            return LabelCheck {
                line: format!("{shown}: the reading was stopped"),
                verdict: LabelVerdict::Unreadable,
            };
        }
    };
    let Some(serial) = reading.serial else {
        return LabelCheck {
            line: format!("{shown}: no serial read off the label photo"),
            verdict: LabelVerdict::Fine,
        };
    };
    row.serial_read = serial.to_string();
    let how = reading.source.map_or("", |s| s.words());
    let sure = if reading.sure { "sure" } else { "not sure" };
    if !job_serial.is_empty() && serial != job_serial {
        return LabelCheck {
            line: format!(
                "THE LABEL PHOTO READS {serial} ({how}, {sure}) BUT THE JOB'S SERIAL IS \
                 {job_serial}. Check the label before trying a code; the photo is recorded"
            ),
            verdict: LabelVerdict::Differs,
        };
    }
    LabelCheck {
        line: format!(
            "the label photo reads {serial} ({how}, {sure}): the same as the job's serial"
        ),
        verdict: LabelVerdict::Fine,
    }
}
