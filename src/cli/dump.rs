//! `radiocode dump ...`: chip dumps read through layouts with evidence.

use std::path::Path;

use serde::Serialize;

use super::{DumpCommand, EXIT_FAILURE, EXIT_INVALID, LayoutFormat, LayoutsCommand, Out};
use crate::decode::{Code, Confidence};
use crate::dump::{self, Dump, DumpCandidate, Learned, Model, Spot};
use crate::serial::echo_text;
use crate::session::{self, DumpRead, LayoutChoice};
use crate::store::{self, DumpRecord, JobFilter, LayoutRecord, Place, Records, whoami};

pub fn run(cmd: &DumpCommand, place: &Place) -> anyhow::Result<u8> {
    match cmd {
        DumpCommand::Show {
            file,
            model,
            serial,
            layout,
            json,
        } => show(
            place,
            file,
            model.as_deref(),
            serial.as_deref(),
            layout.as_deref(),
            *json,
        ),
        DumpCommand::Find { file, code, json } => find(file, code, *json),
        DumpCommand::Learn {
            file,
            code,
            model,
            serial,
            source,
        } => learn(
            place,
            file,
            code,
            model.as_deref(),
            serial.as_deref(),
            source.as_deref(),
        ),
        DumpCommand::Layouts {
            command: Some(LayoutsCommand::Import { file }),
            ..
        } => import(place, file),
        DumpCommand::Layouts {
            command: None,
            format,
        } => layouts(place, format.unwrap_or(LayoutFormat::Table)),
    }
}

/// Reads the dump, or says why not (exit status 3).
fn read(file: &Path) -> Result<Dump, u8> {
    Dump::read_file(file).map_err(|e| {
        say!("radiocode: {e:#}");
        EXIT_FAILURE
    })
}

fn usage(message: &str) -> u8 {
    say!("radiocode: {message}");
    EXIT_INVALID
}

/// What `dump show` says to do when no unit is known.
const WITHOUT_UNIT: &str = "no model given: say which unit with --model TYPE or --serial SERIAL, \
                            or choose a layout with --layout ID";

#[derive(Serialize)]
struct ShowJson<'a> {
    file: String,
    bytes: usize,
    sha256: &'a str,
    chips: &'a [&'a str],
    state: &'static str,
    model: Option<String>,
    candidates: &'a [DumpCandidate],
    /// Why a layout gave no code, or what learning still needs.
    notes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    decode: Option<crate::decode::OutcomeJson<'a>>,
}

fn show(
    place: &Place,
    file: &Path,
    model: Option<&str>,
    serial: Option<&str>,
    layout: Option<&str>,
    json: bool,
) -> anyhow::Result<u8> {
    let model = match (model, serial) {
        (Some(m), _) => match Model::parse(m) {
            Ok(m) => Some(m),
            Err(e) => return Ok(usage(&e)),
        },
        (None, Some(s)) => match Model::from_serial(s) {
            Ok(m) => Some(m),
            Err(e) => return Ok(usage(&e)),
        },
        (None, None) => None,
    };
    let dump = match read(file) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    let records = session::open_for_reading(place);
    let known = session::known_layouts(records.as_deref())?;
    let choice = match layout {
        Some(id) => LayoutChoice::Id(id),
        None => LayoutChoice::Unit(model.as_ref()),
    };
    let read = match session::read_dump(&dump, choice, &known, WITHOUT_UNIT) {
        Ok(read) => read,
        Err(why) => return Ok(usage(&why)),
    };
    let outcome = serial.map(|s| {
        let book = session::or_shipped(records);
        session::decode_with_dump(s, book.as_ref(), &read)
    });
    let mut out = Out::stdout();
    if json {
        let line = super::output::json_text(&ShowJson {
            file: file.to_string_lossy().into_owned(),
            bytes: dump.bytes.len(),
            sha256: &dump.sha256,
            chips: dump.chips(),
            state: dump.state().id(),
            model: model.as_ref().map(|m| m.id().to_string()),
            candidates: &read.candidates,
            notes: &read.notes,
            decode: outcome.as_ref().map(|o| o.json()),
        })?;
        out.line(&line)?;
    } else {
        let shown = Shown {
            file,
            dump: &dump,
            model: model.as_ref(),
            read: &read,
            outcome: outcome.as_ref(),
        };
        shown.write(&mut out)?;
    }
    out.flush()?;
    Ok(if read.candidates.is_empty() { 1 } else { 0 })
}

/// What `dump show` prints for a person.
struct Shown<'a> {
    file: &'a Path,
    dump: &'a Dump,
    model: Option<&'a Model>,
    read: &'a DumpRead,
    outcome: Option<&'a crate::decode::Outcome>,
}

impl Shown<'_> {
    fn write(&self, out: &mut Out) -> anyhow::Result<()> {
        let row = |label: &str, text: &str| format!("  {label:<11}{text}");
        out.line(&crate::files::shown(self.file))?;
        out.line(&row("size", &self.dump.size_text()))?;
        out.line(&row(
            "format",
            if self.dump.intel_hex {
                "Intel HEX"
            } else {
                "raw binary"
            },
        ))?;
        out.line(&row("sha256", &self.dump.sha256))?;
        out.line(&row("state", self.dump.state().id()))?;
        if let Some(m) = &self.model {
            out.line(&row("model", m.id()))?;
        }
        for c in &self.read.candidates {
            out.line(&row(
                "code",
                &format!(
                    "{}  chip dump, {}: layout {} at {}: {}",
                    c.code,
                    c.confidence,
                    c.layout,
                    c.spot(),
                    c.note
                ),
            ))?;
        }
        for n in &self.read.notes {
            out.line(&row("note", n))?;
        }
        if self.read.candidates.is_empty() {
            out.line(&row("result", "no code read from this dump"))?;
        }
        out.line("")?;
        for line in dump::hex_view(&self.dump.bytes, &self.read.marked) {
            out.line(&line)?;
        }
        if let Some(o) = &self.outcome {
            out.line("")?;
            out.line(&super::decode::report(o))?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct FindJson<'a> {
    file: String,
    code: String,
    matches: &'a [Spot],
}

fn find(file: &Path, code: &str, json: bool) -> anyhow::Result<u8> {
    let code = match Code::parse(code) {
        Ok(c) => c,
        Err(e) => return Ok(usage(&e)),
    };
    let dump = match read(file) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    let matches = dump::find(&dump.bytes, code);
    let mut out = Out::stdout();
    if json {
        out.line(&super::output::json_text(&FindJson {
            file: file.to_string_lossy().into_owned(),
            code: code.to_string(),
            matches: &matches,
        })?)?;
    } else {
        for m in &matches {
            out.line(&format!("{code} at {m}"))?;
        }
        out.line(&match matches.len() {
            0 => format!(
                "{code} is nowhere in {} in any encoding radiocode knows",
                crate::files::shown(file)
            ),
            n => format!("{n} place{}", if n == 1 { "" } else { "s" }),
        })?;
        if let Some(reason) = dump.state().reason() {
            out.line(&format!("note: {reason}"))?;
        }
    }
    out.flush()?;
    Ok(if matches.is_empty() { 1 } else { 0 })
}

/// How the code of a dump's radio is known, from the records when they say.
fn how_known(
    records: Option<&dyn Records>,
    serial: Option<&str>,
    code: Code,
    source: Option<&str>,
) -> anyhow::Result<Result<String, String>> {
    let word = || match source {
        Some(s) => format!("the technician's word: {s}"),
        None => {
            let (user, host) = whoami();
            format!("the technician's word ({user} at {host})")
        }
    };
    let (Some(records), Some(serial)) = (records, serial) else {
        return Ok(Ok(word()));
    };
    let jobs = records.jobs(&JobFilter::serial(serial))?;
    if let Some(job) = jobs.iter().find(|j| {
        j.standing()
            .any(|a| a.code == code && a.outcome == store::TryOutcome::Accepted)
    }) {
        return Ok(Ok(format!("job {}: accepted by the radio", job.id)));
    }
    let entries = records.entries_for(serial)?;
    if let Some(e) = entries
        .iter()
        .find(|e| e.code == code && e.confidence == Confidence::Confirmed)
    {
        return Ok(Ok(format!("confirmed book entry ({})", e.source)));
    }
    if let Some(e) = entries
        .iter()
        .find(|e| e.confidence == Confidence::Confirmed)
    {
        return Ok(Err(format!(
            "the code book's confirmed code for {serial} is {}, not {code} ({}): nothing was \
             recorded. If this dump's radio really takes {code}, record it with --model instead \
             and say how the code is known with --source",
            e.code, e.source
        )));
    }
    Ok(Ok(word()))
}

fn learn(
    place: &Place,
    file: &Path,
    code: &str,
    model: Option<&str>,
    serial: Option<&str>,
    source: Option<&str>,
) -> anyhow::Result<u8> {
    let code = match Code::parse(code) {
        Ok(c) => c,
        Err(e) => return Ok(usage(&e)),
    };
    let (model, serial) = match (model, serial) {
        (Some(m), _) => match Model::parse(m) {
            Ok(m) => (m, None),
            Err(e) => return Ok(usage(&e)),
        },
        (None, Some(s)) => match Model::from_serial(s) {
            Ok(m) => (m, crate::serial::diagnose(s, None).serial),
            Err(e) => return Ok(usage(&e)),
        },
        (None, None) => return Ok(usage("say which unit: --model TYPE or --serial SERIAL")),
    };
    let dump = match read(file) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    if let Some(reason) = dump.state().reason() {
        return Ok(usage(&format!(
            "{}: {reason}. It holds no code, so it teaches nothing; nothing was recorded",
            crate::files::shown(file)
        )));
    }
    let mut records = store::open_writing(place)?;
    let known_by = match how_known(Some(records.as_ref()), serial.as_deref(), code, source)? {
        Ok(k) => k,
        Err(refusal) => return Ok(usage(&refusal)),
    };
    let mut out = Out::stdout();
    if let Err(refusal) = record_dump(
        records.as_mut(),
        &mut out,
        file,
        &dump,
        &model,
        code,
        &known_by,
    )? {
        return Ok(usage(&refusal));
    }
    let (learned, notes) = session::learned(records.as_ref(), &model)?;
    out.line(&learned.text(&model))?;
    let mut contradicted = matches!(learned, Learned::Contradicted { .. });
    for n in notes
        .iter()
        .filter(|n| n.starts_with("CONTRADICTED: imported"))
    {
        out.line(n)?;
        contradicted = true;
    }
    out.flush()?;
    Ok(if contradicted { 1 } else { 0 })
}

/// Records `dump` of `model` with its code, once: the same dump again counts
/// once, and with another code or model it is refused (the refusal said).
fn record_dump(
    records: &mut dyn Records,
    out: &mut Out,
    file: &Path,
    dump: &Dump,
    model: &Model,
    code: Code,
    known_by: &str,
) -> anyhow::Result<Result<(), String>> {
    let before = records.dumps(None)?;
    if let Some(old) = before.iter().find(|d| d.sha256 == dump.sha256) {
        if old.code != code || old.model != model.id() {
            return Ok(Err(format!(
                "this dump ({}) was recorded before as {} with code {}: a dump has one code. \
                 Nothing was recorded",
                dump::short(&dump.sha256),
                old.model,
                old.code
            )));
        }
        out.line(&format!(
            "this dump ({}) was recorded before: learning the same dump twice counts once",
            dump::short(&dump.sha256)
        ))?;
    } else {
        let (user, host) = whoami();
        records.add_dump(&DumpRecord {
            sha256: dump.sha256.clone(),
            bytes: dump.bytes.clone(),
            model: model.id().to_string(),
            code,
            known_by: known_by.to_string(),
            source: format!("{} ({})", crate::files::shown(file), dump.size_text()),
            added_at: store::At::UNSTAMPED,
            added_by: format!("{user}@{host}"),
        })?;
        out.line(&format!(
            "recorded dump {} of {model} with code {code} ({known_by})",
            dump::short(&dump.sha256)
        ))?;
        let here = dump::find(&dump.bytes, code).len();
        if here == 0 {
            out.line(&format!(
                "note: {code} is nowhere in this dump in any encoding radiocode knows: this \
                 model may keep its code encrypted or obfuscated"
            ))?;
        }
    }
    Ok(Ok(()))
}

fn layouts(place: &Place, format: LayoutFormat) -> anyhow::Result<u8> {
    let records = session::open_for_reading(place);
    let (dumps, imported) = session::known_layouts(records.as_deref())?;
    let (listed, unsettled) = dump::listing(&dumps, &imported);
    let mut out = Out::stdout();
    match format {
        LayoutFormat::Table => {
            out.line(&format!(
                "{:<24} {:<7} {:<12} {:<6}  {:<20} {:<6} source",
                "id", "model", "status", "at", "encoding", "dumps"
            ))?;
            for l in &listed {
                out.line(&format!(
                    "{:<24} {:<7} {:<12} 0x{:04X}  {:<20} {:<6} {}",
                    l.id,
                    l.model.as_deref().unwrap_or("-"),
                    l.status,
                    l.address,
                    format!(
                        "{}{}",
                        l.encoding.id(),
                        if l.word_swapped { " (swapped)" } else { "" }
                    ),
                    if l.dumps == 0 {
                        "-".to_string()
                    } else {
                        format!("{}/{}c", l.dumps, l.codes)
                    },
                    echo_text(&l.source, 200)
                ))?;
            }
            for u in &unsettled {
                out.line(&format!("not learned yet: {u}"))?;
            }
        }
        LayoutFormat::Json => {
            #[derive(Serialize)]
            struct File<'a> {
                layouts: &'a [dump::Listing],
            }
            out.text(&super::output::json_pretty(&File { layouts: &listed })?)?;
        }
        LayoutFormat::Toml => {
            #[derive(Serialize)]
            struct File<'a> {
                layout: &'a [dump::Listing],
            }
            out.line(
                "# radiocode EEPROM layouts: `radiocode dump layouts import FILE` at another \
                 garage",
            )?;
            out.line(&toml::to_string(&File { layout: &listed })?)?;
        }
    }
    out.flush()?;
    Ok(0)
}

fn import(place: &Place, file: &Path) -> anyhow::Result<u8> {
    // A layouts file is a few entries of text: 4 MiB is far beyond any.
    let text = match crate::files::read_text_bounded(file, "a layouts file", 4 << 20) {
        Ok(t) => t,
        Err(e) => {
            say!("radiocode: {}", crate::serial::escape_text(&e));
            return Ok(EXIT_FAILURE);
        }
    };
    let listed = match dump::parse_layouts(&text) {
        Ok(l) => l,
        Err(e) => {
            return Ok(usage(&format!(
                "{} is not a layouts file (from `radiocode dump layouts --format toml|json`): {e}",
                crate::files::shown(file)
            )));
        }
    };
    let (user, host) = whoami();
    let origin = format!(
        "imported from {} by {user} at {host}",
        crate::files::shown(file)
    );
    let mut records = store::open_writing(place)?;
    let (mut added, mut there, mut skipped) = (0, 0, 0);
    let mut out = Out::stdout();
    for l in &listed {
        match dump::to_import(l, &origin) {
            Ok(record) => {
                if records.add_layout(&LayoutRecord {
                    added_by: format!("{user}@{host}"),
                    ..record
                })? {
                    added += 1;
                } else {
                    there += 1;
                }
            }
            Err(_) if l.status == "shipped" => skipped += 1,
            Err(why) => {
                out.line(&format!("skipped {why}"))?;
                skipped += 1;
            }
        }
    }
    out.line(&format!(
        "imported {added} layout{}, {there} already here, {skipped} skipped (shipped or without \
         standing)",
        if added == 1 { "" } else { "s" }
    ))?;
    out.flush()?;
    Ok(0)
}
