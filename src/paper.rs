//! The documents a job produces: the job card for the customer file or a
//! refund claim, and the request sheet for a dealer or a code service. One
//! document model, three renderings (text, HTML, Markdown), every text from
//! the records escaped in each.

use std::fmt::Write as _;

use crate::keypad::profile_for;
use crate::serial::{Diagnosis, Family, diagnose, escape_text};
use crate::store::{Attempt, JobRow, TryOutcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Markdown,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Html => "html",
            Format::Markdown => "md",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Block {
    Heading(String),
    /// Label and value pairs.
    Rows(Vec<(String, String)>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Para(String),
    /// Something nobody may miss.
    Alert(String),
}

/// A document before it is rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    title: String,
    blocks: Vec<Block>,
}

/// Record text as it may be shown: control characters and terminal escapes
/// made visible.
fn clean(s: &str) -> String {
    escape_text(s).into_owned()
}

impl Doc {
    fn new(title: &str) -> Doc {
        Doc {
            title: title.to_string(),
            blocks: Vec::new(),
        }
    }

    fn heading(&mut self, h: &str) {
        self.blocks.push(Block::Heading(h.to_string()));
    }

    fn rows(&mut self, rows: Vec<(&str, String)>) {
        let rows = rows
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        self.blocks.push(Block::Rows(rows));
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.text(),
            Format::Html => self.html(),
            Format::Markdown => self.markdown(),
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}\n{}",
            self.title,
            "=".repeat(self.title.chars().count())
        );
        for b in &self.blocks {
            match b {
                Block::Heading(h) => {
                    let _ = writeln!(s, "\n{h}\n{}", "-".repeat(h.chars().count()));
                }
                Block::Rows(rows) => {
                    let width = rows
                        .iter()
                        .map(|(k, _)| k.chars().count())
                        .max()
                        .unwrap_or(0);
                    for (k, v) in rows {
                        let _ = writeln!(s, "{k:<width$}  {}", clean(v));
                    }
                }
                Block::Table { head, rows } => {
                    let _ = writeln!(s, "{}", head.join(" | "));
                    for r in rows {
                        let cells: Vec<String> = r.iter().map(|c| clean(c)).collect();
                        let _ = writeln!(s, "{}", cells.join(" | "));
                    }
                }
                Block::Para(p) => {
                    let _ = writeln!(s, "{}", clean(p));
                }
                Block::Alert(a) => {
                    let _ = writeln!(s, "!! {}", clean(a));
                }
            }
        }
        s
    }

    fn html(&self) -> String {
        let e = |t: &str| html_escape(&clean(t));
        let mut s = String::new();
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{}</title>\n<style>\n\
             body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; color: #000; }}\n\
             h1 {{ font-size: 1.4em; }} h2 {{ font-size: 1.1em; border-bottom: 1px solid #888; }}\n\
             table {{ border-collapse: collapse; width: 100%; margin: .4em 0; }}\n\
             th, td {{ border: 1px solid #bbb; padding: .2em .4em; text-align: left; \
             vertical-align: top; }}\n\
             th.label {{ width: 14em; background: #f3f3f3; }}\n\
             .alert {{ border: 2px solid #a00; padding: .4em; font-weight: bold; }}\n\
             .hash {{ font-family: monospace; word-break: break-all; }}\n\
             @media print {{ body {{ margin: 0; max-width: none; }} }}\n\
             </style>\n</head>\n<body>\n<h1>{}</h1>\n",
            e(&self.title),
            e(&self.title)
        );
        for b in &self.blocks {
            match b {
                Block::Heading(h) => {
                    let _ = writeln!(s, "<h2>{}</h2>", e(h));
                }
                Block::Rows(rows) => {
                    s.push_str("<table>\n");
                    for (k, v) in rows {
                        let _ = writeln!(
                            s,
                            "<tr><th class=\"label\">{}</th><td>{}</td></tr>",
                            e(k),
                            e(v)
                        );
                    }
                    s.push_str("</table>\n");
                }
                Block::Table { head, rows } => {
                    s.push_str("<table>\n<tr>");
                    for h in head {
                        let _ = write!(s, "<th>{}</th>", e(h));
                    }
                    s.push_str("</tr>\n");
                    for r in rows {
                        s.push_str("<tr>");
                        for c in r {
                            let class = if c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit())
                            {
                                " class=\"hash\""
                            } else {
                                ""
                            };
                            let _ = write!(s, "<td{class}>{}</td>", e(c));
                        }
                        s.push_str("</tr>\n");
                    }
                    s.push_str("</table>\n");
                }
                Block::Para(p) => {
                    let _ = writeln!(s, "<p>{}</p>", e(p));
                }
                Block::Alert(a) => {
                    let _ = writeln!(s, "<p class=\"alert\">{}</p>", e(a));
                }
            }
        }
        s.push_str("</body>\n</html>\n");
        s
    }

    fn markdown(&self) -> String {
        let e = |t: &str| markdown_escape(&clean(t));
        let mut s = format!("# {}\n", e(&self.title));
        for b in &self.blocks {
            match b {
                Block::Heading(h) => {
                    let _ = write!(s, "\n## {}\n\n", e(h));
                }
                Block::Rows(rows) => {
                    for (k, v) in rows {
                        let _ = writeln!(s, "- **{}**: {}", e(k), e(v));
                    }
                }
                Block::Table { head, rows } => {
                    let _ = writeln!(
                        s,
                        "| {} |\n|{}|",
                        head.iter().map(|h| e(h)).collect::<Vec<_>>().join(" | "),
                        vec![" --- "; head.len()].join("|")
                    );
                    for r in rows {
                        let _ = writeln!(
                            s,
                            "| {} |",
                            r.iter().map(|c| e(c)).collect::<Vec<_>>().join(" | ")
                        );
                    }
                }
                Block::Para(p) => {
                    let _ = writeln!(s, "\n{}", e(p));
                }
                Block::Alert(a) => {
                    let _ = writeln!(s, "\n> **{}**", e(a));
                }
            }
        }
        s
    }
}

pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Markdown punctuation escaped, so a note cannot become a link, a heading,
/// a table cell border or raw HTML.
fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_{}[]<>()#+-.!|~".contains(c) {
            out.push('\\');
        }
        if c == '\n' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The label's corrections: each character read as something else, each
/// prefix dropped or rewritten, each number that is not the serial.
fn corrections(d: &Diagnosis) -> Vec<String> {
    d.findings.iter().map(|f| f.message.to_string()).collect()
}

/// What the serial says about the unit: family, type, part number, year.
fn unit_rows(d: &Diagnosis) -> Vec<(&'static str, String)> {
    let mut rows = vec![(
        "family",
        d.family
            .map(Family::name)
            .unwrap_or("not recognised")
            .to_string(),
    )];
    for p in &d.parts() {
        let v = if p.meaning.is_empty() {
            p.value.clone()
        } else {
            format!("{} ({})", p.value, p.meaning)
        };
        rows.push((p.name, v));
    }
    if let Some(u) = d.unit {
        rows.push(("unit", u.describe()));
    }
    rows
}

/// The numbers on this family's label that people mistake for the serial.
pub fn not_the_serial(d: &Diagnosis) -> Vec<String> {
    d.family
        .map(|f| (f.spec().not_the_serial)(d.unit))
        .unwrap_or_default()
}

fn tries_table(attempts: &[Attempt]) -> Block {
    Block::Table {
        head: ["time", "code", "source", "confidence", "the radio"]
            .map(String::from)
            .to_vec(),
        rows: attempts
            .iter()
            .map(|a| {
                vec![
                    a.at.shown(),
                    a.code.to_string(),
                    if a.source.is_empty() {
                        "not recorded".into()
                    } else {
                        a.source.clone()
                    },
                    a.confidence_text().to_string(),
                    match &a.withdrawn {
                        None => a.outcome.id().to_string(),
                        Some(w) => format!(
                            "{}: WITHDRAWN at {} as recorded by mistake",
                            a.outcome.id(),
                            w.at.shown()
                        ),
                    },
                ]
            })
            .collect(),
    }
}

/// The waits the refusals started, by the unit's profile.
fn waits(family: Option<Family>, attempts: &[Attempt]) -> Vec<String> {
    let Some(profile) = family.and_then(profile_for) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut refused = 0;
    let refusals = attempts
        .iter()
        .filter(|a| a.stands() && a.outcome == TryOutcome::Refused);
    for a in refusals {
        refused += 1;
        if let Some(minutes) = profile.wait_after(refused) {
            out.push(format!(
                "refusal {refused} ({} at {}) started a {minutes}-minute wait with the radio \
                 on, by the {} rule{}",
                a.code,
                a.at.shown(),
                profile.name,
                if profile.lockout.borrowed {
                    " (borrowed from another unit)"
                } else {
                    ""
                }
            ));
        }
    }
    out
}

use crate::advice::{self, RECODED_NOTICE};

/// The job card: everything done on one radio, for the customer file or a
/// refund claim. It is always complete; redaction is for exports.
pub fn job_card(job: &JobRow, garage: Option<&str>) -> Doc {
    let mut doc = Doc::new(&format!("Radio unlock job card: job {}", job.id));
    doc.rows(vec![
        ("garage", garage.unwrap_or_default().to_string()),
        ("job", job.id.to_string()),
        ("started", job.created_at.shown()),
        ("vehicle", job.vehicle.clone()),
        ("proof of ownership seen", job.ownership_proof.clone()),
        ("bench", job.workstation.clone()),
        ("branch", job.branch.clone()),
    ]);
    if let Some(a) = job.suspected_recoded() {
        doc.blocks.push(Block::Alert(format!(
            "{} {RECODED_NOTICE}",
            advice::suspected(a.code, a.confidence_text(), &a.source)
        )));
    }
    doc.heading("Serial");
    let typed = if job.serial_typed.is_empty() {
        &job.serial
    } else {
        &job.serial_typed
    };
    let d = diagnose(typed, None);
    doc.rows(vec![
        ("as typed", typed.clone()),
        (
            "as read",
            d.serial
                .as_ref()
                .map_or_else(|| "not a valid serial".to_string(), |s| s.to_string()),
        ),
    ]);
    let fixes = corrections(&d);
    if !fixes.is_empty() {
        doc.rows(fixes.iter().map(|f| ("correction", f.clone())).collect());
    }
    doc.heading("Unit");
    doc.rows(unit_rows(&d));
    doc.heading("Codes tried");
    if job.attempts.is_empty() {
        doc.blocks.push(Block::Para("No code was tried.".into()));
    } else {
        doc.blocks.push(tries_table(&job.attempts));
    }
    for w in waits(d.family, &job.attempts) {
        doc.blocks.push(Block::Para(w));
    }
    doc.heading("Outcome");
    doc.blocks.push(Block::Para(outcome_text(job)));
    if !job.notes.is_empty() {
        doc.heading("Notes");
        for n in job.notes.lines() {
            doc.blocks.push(Block::Para(n.to_string()));
        }
    }
    doc.heading("Evidence");
    evidence_blocks(&mut doc, job);
    doc
}

/// How the job ended, in one sentence.
fn outcome_text(job: &JobRow) -> String {
    let accepted = job.standing().find(|a| a.outcome == TryOutcome::Accepted);
    let refused = job.refused_codes().len();
    match accepted {
        Some(a) => format!(
            "Unlocked: the radio accepted {} at {}.",
            a.code,
            a.at.shown()
        ),
        None if refused == 0 => "Not unlocked yet: no code tried.".to_string(),
        None => format!(
            "Not unlocked: {} code{} refused.",
            refused,
            if refused == 1 { "" } else { "s" }
        ),
    }
}

/// The evidence files recorded on a job, and what each label photo read
/// against the job's serial.
fn evidence_blocks(doc: &mut Doc, job: &JobRow) {
    if job.evidence.is_empty() {
        doc.blocks
            .push(Block::Para("No evidence file recorded.".into()));
    } else {
        doc.blocks.push(Block::Table {
            head: ["kind", "file", "bytes", "SHA-256", "recorded"]
                .map(String::from)
                .to_vec(),
            rows: job
                .evidence
                .iter()
                .map(|e| {
                    vec![
                        e.kind.id().to_string(),
                        if e.path.is_empty() {
                            "(removed by a purge)".into()
                        } else {
                            crate::files::shown_path(&e.path)
                        },
                        e.size.to_string(),
                        e.sha256.clone(),
                        e.at.shown(),
                    ]
                })
                .collect(),
        });
        // The serial each label photo gave, beside the job's, with the photo
        // it came from: both shown, and a difference said.
        for e in job.evidence.iter().filter(|e| !e.serial_read.is_empty()) {
            let photo = std::path::Path::new(&e.path)
                .file_name()
                .map_or_else(|| e.path.clone(), |n| n.to_string_lossy().into_owned());
            let text = if e.serial_read == job.serial {
                format!(
                    "Label photo {photo} read: {} (the job's serial: {}).",
                    e.serial_read, job.serial
                )
            } else {
                format!(
                    "LABEL PHOTO {photo} READS {}, BUT THE JOB'S SERIAL IS {}: they differ. \
                     Check the label before any code is tried.",
                    e.serial_read,
                    if job.serial.is_empty() {
                        job.serial_typed.as_str()
                    } else {
                        job.serial.as_str()
                    }
                )
            };
            doc.blocks.push(Block::Para(text));
        }
    }
}

/// A code tried on an earlier job for the same serial and refused.
#[derive(Clone, Debug)]
pub struct Refused {
    pub job: i64,
    pub attempt: Attempt,
}

/// The request sheet for a dealer or a code service: what they need to
/// answer right the first time. It never holds a code to try: only the codes
/// already refused, so nobody spends a try on them again.
pub fn request_sheet(
    typed: &str,
    vehicle: Option<&str>,
    proof: Option<&str>,
    refused: &[Refused],
    garage: Option<&str>,
) -> Doc {
    let d = diagnose(typed, None);
    let mut doc = Doc::new("Radio code request");
    doc.rows(vec![("from", garage.unwrap_or_default().to_string())]);
    doc.heading("Serial");
    doc.rows(vec![
        ("as typed off the label", typed.to_string()),
        (
            "as read",
            d.serial.as_ref().map_or_else(
                || "not a valid serial: check the label".to_string(),
                |s| s.to_string(),
            ),
        ),
    ]);
    let fixes = corrections(&d);
    if !fixes.is_empty() {
        doc.rows(fixes.iter().map(|f| ("correction", f.clone())).collect());
    }
    let not = not_the_serial(&d);
    if !not.is_empty() {
        doc.rows(not.into_iter().map(|n| ("NOT the serial", n)).collect());
    }
    doc.heading("Unit");
    doc.rows(unit_rows(&d));
    doc.heading("Vehicle and owner");
    doc.rows(vec![
        (
            "vehicle",
            vehicle.unwrap_or("(to be filled in)").to_string(),
        ),
        (
            "proof of ownership seen",
            proof.unwrap_or("(to be filled in)").to_string(),
        ),
    ]);
    doc.heading("Codes already tried and refused");
    if refused.is_empty() {
        doc.blocks.push(Block::Para("None recorded.".into()));
    } else {
        doc.blocks.push(Block::Table {
            head: ["code", "refused at", "job", "source then"]
                .map(String::from)
                .to_vec(),
            rows: refused
                .iter()
                .map(|r| {
                    vec![
                        r.attempt.code.to_string(),
                        r.attempt.at.shown(),
                        r.job.to_string(),
                        format!("{} {}", r.attempt.source, r.attempt.confidence_text())
                            .trim()
                            .to_string(),
                    ]
                })
                .collect(),
        });
        if let Some(r) = refused.iter().find(|r| r.attempt.refused_a_sure_code()) {
            doc.blocks.push(Block::Alert(format!(
                "{}: this radio refused {}, a {} code (job {}).",
                advice::SUSPECTED,
                r.attempt.code,
                r.attempt.confidence_text(),
                r.job
            )));
        }
    }
    doc.blocks.push(Block::Para(RECODED_NOTICE.to_string()));
    doc
}

/// Text with the customer left out: the vehicles named and anything shaped
/// like a VIN replaced.
pub fn redact(text: &str, vehicles: &[&str]) -> String {
    let mut out = text.to_string();
    for v in vehicles
        .iter()
        .map(|v| v.trim())
        .filter(|v| v.chars().count() >= 2)
    {
        out = replace_ignoring_case(&out, v, "[vehicle]");
    }
    redact_vins(&out)
}

fn replace_ignoring_case(text: &str, needle: &str, with: &str) -> String {
    let lower = text.to_lowercase();
    let n = needle.to_lowercase();
    if lower.len() != text.len() || n.is_empty() {
        return text.replace(needle, with);
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(at) = lower[i..].find(&n) {
        out.push_str(&text[i..i + at]);
        out.push_str(with);
        i += at + n.len();
    }
    out.push_str(&text[i..]);
    out
}

/// 17 characters of a VIN's alphabet (no I, O or Q) with letters and digits.
fn redact_vins(text: &str) -> String {
    let is_vin_char =
        |c: char| c.is_ascii_alphanumeric() && !matches!(c.to_ascii_uppercase(), 'I' | 'O' | 'Q');
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let word = &chars[start..i];
            let vin = word.len() == 17
                && word.iter().all(|c| is_vin_char(*c))
                && word.iter().any(char::is_ascii_digit)
                && word.iter().any(char::is_ascii_alphabetic);
            if vin {
                out.push_str("[VIN]");
            } else {
                out.extend(word);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vins_and_vehicles_are_left_out() {
        let t = redact(
            "accepted by the radio of ab12 cde; VIN WVWZZZ1JZXW000001, card 12345678901234567",
            &["AB12 CDE"],
        );
        assert_eq!(
            t,
            "accepted by the radio of [vehicle]; VIN [VIN], card 12345678901234567"
        );
    }

    #[test]
    fn every_format_escapes_what_the_records_hold() {
        let mut d = Doc::new("t");
        d.blocks.push(Block::Para(
            "<script>alert(1)</script> \u{1b}[31m *x* | [a](b)".into(),
        ));
        let html = d.render(Format::Html);
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
        assert!(!html.contains('\u{1b}'));
        let md = d.render(Format::Markdown);
        assert!(md.contains("\\<script\\>") && md.contains("\\*x\\*") && md.contains("\\|"));
        assert!(!d.render(Format::Text).contains('\u{1b}'));
    }
}
