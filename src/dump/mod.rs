//! Chip dumps: a radio's serial EEPROM read with a programmer, and the code
//! found in it through a layout. No Nissan layout is public, so layouts are
//! learned from the garage's own dumps of radios whose code is known, and
//! every code read from a dump names its layout and the evidence behind it.

pub mod encoding;
pub mod ihex;

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::decode::{Candidate, Code, Confidence, Source};
use crate::family::becker::NISSAN_MODELS as NISSAN_BECKER_MODELS;
use crate::serial::diagnose;
use crate::store::{DumpRecord, LayoutRecord};
pub use encoding::Encoding;

/// No radio EEPROM is bigger (24C512 at most; radios use 24C01-24C64).
pub const MAX_SIZE: usize = 64 * 1024;

const SHIPPED: &str = include_str!("../../assets/eeprom_layouts.toml");

/// The chips of each usual size.
const CHIPS: &[(usize, &[&str])] = &[
    (128, &["24C01", "93C46"]),
    (256, &["24C02", "93C56", "85C82"]),
    (512, &["24C04", "93C66"]),
    (1024, &["24C08"]),
    (2048, &["24C16"]),
    (4096, &["24C32"]),
    (8192, &["24C64"]),
];

/// A read chip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dump {
    pub bytes: Vec<u8>,
    /// True when the file was Intel HEX text.
    pub intel_hex: bool,
    pub sha256: String,
}

/// What a dump holds at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Data,
    /// All FF: an erased chip, or one that was not read.
    Blank,
    /// All 00, or one byte repeated: the clip may not have connected.
    Zeros(u8),
}

impl State {
    pub fn id(self) -> &'static str {
        match self {
            State::Data => "data",
            State::Blank => "blank",
            State::Zeros(_) => "zeros",
        }
    }

    /// Why such a dump holds no code, when it cannot.
    pub fn reason(self) -> Option<String> {
        match self {
            State::Data => None,
            State::Blank => Some(
                "every byte is FF: an erased chip, or one the programmer did not read (check \
                 the chip type and the clip)"
                    .to_string(),
            ),
            State::Zeros(b) => Some(format!(
                "every byte is {b:02X}: the clip most likely did not connect (clean the pins, \
                 check the orientation and the power) and the read should be repeated"
            )),
        }
    }
}

/// Where and how a code sits in a dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Spot {
    pub address: usize,
    pub encoding: Encoding,
    /// Read with each 16-bit word's bytes swapped (a 93Cxx read in 16-bit mode).
    pub word_swapped: bool,
}

impl Spot {
    /// The one way of naming these bytes read this way: a 2-byte code in
    /// swapped 16-bit words at an even address is the same bytes read in the
    /// other byte order (`42 76` swapped, high first = `42 76` low first).
    pub fn canonical(self) -> Spot {
        if !self.word_swapped || !self.address.is_multiple_of(2) {
            return self;
        }
        let other = match self.encoding {
            Encoding::BcdHighFirst => Encoding::BcdLowFirst,
            Encoding::BcdLowFirst => Encoding::BcdHighFirst,
            Encoding::BinaryBigEndian => Encoding::BinaryLittleEndian,
            Encoding::BinaryLittleEndian => Encoding::BinaryBigEndian,
            _ => return self,
        };
        Spot {
            address: self.address,
            encoding: other,
            word_swapped: false,
        }
    }
}

impl fmt::Display for Spot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:04X} {}", self.address, self.encoding.id())?;
        if self.word_swapped {
            f.write_str(" (16-bit words, bytes swapped)")?;
        }
        Ok(())
    }
}

impl Dump {
    /// Reads a raw binary or an Intel HEX file (told apart by content).
    pub fn read_file(path: &Path) -> anyhow::Result<Dump> {
        let shown = path.display();
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read the dump {shown}"))?;
        if meta.is_dir() {
            bail!("{shown} is a folder, not a dump file");
        }
        // Intel HEX text takes about 2.8 characters a byte.
        if meta.len() > (MAX_SIZE as u64) * 3 {
            bail!(
                "{shown} is {} bytes: no radio EEPROM is bigger than {} KiB, so this is not a \
                 radio's chip dump",
                meta.len(),
                MAX_SIZE / 1024
            );
        }
        let raw = std::fs::read(path).with_context(|| format!("cannot read the dump {shown}"))?;
        Dump::from_bytes(raw).map_err(|e| anyhow::anyhow!("{shown}: {e}"))
    }

    pub fn from_bytes(raw: Vec<u8>) -> Result<Dump, String> {
        if raw.is_empty() {
            return Err("the file is empty: the programmer saved nothing".to_string());
        }
        let (bytes, intel_hex) = if ihex::looks_like(&raw) {
            let text = String::from_utf8_lossy(&raw);
            (
                ihex::parse(&text, MAX_SIZE).map_err(|e| format!("Intel HEX {e}"))?,
                true,
            )
        } else {
            (raw, false)
        };
        if bytes.len() > MAX_SIZE {
            return Err(format!(
                "{} bytes: no radio EEPROM is bigger than {} KiB, so this is not a radio's chip \
                 dump",
                bytes.len(),
                MAX_SIZE / 1024
            ));
        }
        if bytes.is_empty() {
            return Err("the Intel HEX file holds no data".to_string());
        }
        let sha256 = sha256_hex(&bytes);
        Ok(Dump {
            bytes,
            intel_hex,
            sha256,
        })
    }

    pub fn state(&self) -> State {
        match self.bytes.first() {
            Some(&first) if self.bytes.iter().all(|b| *b == first) => {
                if first == 0xFF {
                    State::Blank
                } else {
                    State::Zeros(first)
                }
            }
            _ => State::Data,
        }
    }

    /// The chips this size belongs to; none for a size no chip has.
    pub fn chips(&self) -> &'static [&'static str] {
        CHIPS
            .iter()
            .find(|(size, _)| *size == self.bytes.len())
            .map_or(&[], |(_, c)| c)
    }

    /// What the size says, e.g. "512 bytes: 24C04 or 93C66".
    pub fn size_text(&self) -> String {
        let n = self.bytes.len();
        match self.chips() {
            [] => format!(
                "{n} bytes: no EEPROM has this size (a partial read, or a tool that saved half \
                 the chip?)"
            ),
            chips => format!("{n} bytes: {}", chips.join(" or ")),
        }
    }

    /// The code stored at `spot`, if the bytes there hold one.
    pub fn read(&self, spot: Spot) -> Option<Code> {
        read_at(&self.bytes, spot)
    }

    /// The file offsets of the bytes a spot covers.
    pub fn spot_bytes(&self, spot: Spot) -> Vec<usize> {
        let len = self.bytes.len();
        (spot.address..spot.address + spot.encoding.width())
            .filter(|i| *i < len)
            .map(|i| {
                if spot.word_swapped {
                    swapped_index(i, len)
                } else {
                    i
                }
            })
            .collect()
    }
}

/// The SHA-256 of some bytes, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The dump as a 16-bit read would show it: each byte pair swapped.
fn swapped(bytes: &[u8]) -> Cow<'_, [u8]> {
    let mut out = bytes.to_vec();
    for pair in out.chunks_exact_mut(2) {
        pair.swap(0, 1);
    }
    Cow::Owned(out)
}

fn read_at(bytes: &[u8], spot: Spot) -> Option<Code> {
    let end = spot.address.checked_add(spot.encoding.width())?;
    if end > bytes.len() {
        return None;
    }
    if spot.word_swapped {
        let picked: Vec<u8> = (spot.address..end)
            .map(|i| bytes[swapped_index(i, bytes.len())])
            .collect();
        spot.encoding.read(&picked)
    } else {
        spot.encoding.read(&bytes[spot.address..end])
    }
}

/// Where byte `i` of a 16-bit read sits in the file: its pair's other half
/// (a last byte without a pair stays where it is).
fn swapped_index(i: usize, len: usize) -> usize {
    if i ^ 1 < len { i ^ 1 } else { i }
}

/// Every place where `code` sits, in every encoding, in both word orders
/// (each place named once, see [`Spot::canonical`]).
pub fn find(bytes: &[u8], code: Code) -> Vec<Spot> {
    let mut out = Vec::new();
    for word_swapped in [false, true] {
        let view = if word_swapped {
            swapped(bytes)
        } else {
            Cow::Borrowed(bytes)
        };
        for encoding in Encoding::ALL {
            let needle = encoding.write(code);
            for (address, window) in view.windows(needle.len()).enumerate() {
                if window == needle.as_slice() {
                    let spot = Spot {
                        address,
                        encoding,
                        word_swapped,
                    };
                    out.push(spot.canonical());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The unit a dump belongs to: a Blaupunkt type (`BP5384`) or a Becker model
/// (`BE4739`), the part of the serial that says which chip layout it has.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Model(String);

impl Model {
    /// `BP5384`, `5384`, `BE4739` or `4739` (4739 and 4757 are the Becker models).
    pub fn parse(text: &str) -> Result<Model, String> {
        let t: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        let (prefix, digits) = if let Some(d) = t.strip_prefix("BP") {
            ("BP", d)
        } else if let Some(d) = t.strip_prefix("BE") {
            ("BE", d)
        } else if NISSAN_BECKER_MODELS.contains(&t.as_str()) {
            ("BE", t.as_str())
        } else {
            ("BP", t.as_str())
        };
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "'{}' is not a model: give the Blaupunkt type (BP5384, the 4 digits after BP) \
                 or the Becker model (BE4739 or BE4757)",
                crate::serial::echo_text(text, 20)
            ));
        }
        if prefix == "BE" && !NISSAN_BECKER_MODELS.contains(&digits) {
            return Err(format!(
                "Becker BE{digits} is not a Nissan unit: only BE4739 and BE4757 are"
            ));
        }
        Ok(Model(format!("{prefix}{digits}")))
    }

    /// The model in a Blaupunkt or Becker serial.
    pub fn from_serial(text: &str) -> Result<Model, String> {
        let d = diagnose(text, None);
        match (d.family, d.serial.as_deref()) {
            (Some(f), Some(s)) if f.spec().chip_dump_models => Model::parse(&s[..6]),
            (Some(f), Some(_)) => Err(format!(
                "a {f} radio's code comes from its algorithm: a chip dump is read for Blaupunkt \
                 and Becker units"
            )),
            _ => Err(format!(
                "'{}' is not a valid serial: check it with radiocode decode",
                crate::serial::echo_text(text, 40)
            )),
        }
    }

    pub fn id(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A layout documented for another make's radio (assets/eeprom_layouts.toml).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct ShippedLayout {
    pub id: String,
    pub radio: String,
    pub chip: Option<String>,
    pub size: Option<usize>,
    pub address: usize,
    pub encoding: Encoding,
    pub source: String,
    pub note: Option<String>,
}

impl ShippedLayout {
    pub fn spot(&self) -> Spot {
        Spot {
            address: self.address,
            encoding: self.encoding,
            word_swapped: false,
        }
    }
}

/// The shipped layouts, parsed once (checked by a test).
pub fn shipped() -> &'static [ShippedLayout] {
    static LAYOUTS: OnceLock<Vec<ShippedLayout>> = OnceLock::new();
    LAYOUTS.get_or_init(|| {
        #[derive(Deserialize)]
        struct File {
            layout: Vec<ShippedLayout>,
        }
        toml::from_str::<File>(SHIPPED).map_or_else(|_| Vec::new(), |f| f.layout)
    })
}

/// One dump whose code is known, as evidence for learning.
#[derive(Clone, Copy, Debug)]
pub struct Evidence<'a> {
    pub sha256: &'a str,
    pub bytes: &'a [u8],
    pub code: Code,
}

/// What the dumps of one model say about where its code is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Learned {
    /// One place agrees across dumps with at least two different codes.
    Layout {
        spot: Spot,
        dumps: Vec<String>,
        codes: usize,
    },
    /// A place had agreed, then a later dump's code was not there.
    Contradicted {
        spot: Spot,
        agreeing: Vec<String>,
        by: String,
        code: Code,
    },
    /// Not settled yet: how many dumps and codes, and how many places still agree.
    Unsettled {
        dumps: usize,
        codes: usize,
        places: usize,
    },
}

impl Learned {
    /// What learning says, in one line.
    pub fn text(&self, model: &Model) -> String {
        match self {
            Learned::Layout { spot, dumps, codes } => format!(
                "learned the layout of {model}: the code is at {spot}, agreed by {} dumps with \
                 {codes} different codes",
                dumps.len()
            ),
            Learned::Contradicted {
                spot,
                agreeing,
                by,
                code,
            } => format!(
                "CONTRADICTED: the layout of {model} at {spot}, agreed by {} dumps, does not \
                 hold the code {code} of dump {}: the layout has lost its standing and gives no \
                 code. Check that dump's code and model; the radio may have been re-coded",
                agreeing.len(),
                short(by)
            ),
            Learned::Unsettled {
                dumps,
                codes,
                places,
            } => match (dumps, codes, places) {
                (0, ..) => format!("no dump of {model} with a known code is recorded yet"),
                (_, _, 0) => format!(
                    "the {dumps} dumps of {model} share no place where their codes sit in a \
                     known encoding: the code may be encrypted or stored another way, so no \
                     layout can be learned"
                ),
                (_, 1, _) => format!(
                    "{dumps} dump{} of {model}, all with the same code: {places} place{} could \
                     hold it. Learning needs a dump of another {model} radio with a different \
                     known code",
                    if *dumps == 1 { "" } else { "s" },
                    if *places == 1 { "" } else { "s" }
                ),
                _ => format!(
                    "{dumps} dumps of {model} with {codes} different codes still agree on \
                     {places} places: one more dump with another known code will settle it"
                ),
            },
        }
    }
}

/// The first characters of a hash, enough to tell dumps apart.
pub fn short(sha256: &str) -> &str {
    sha256.get(..12).unwrap_or(sha256)
}

/// Learns from the dumps of one model, oldest first: the places each dump's
/// code sits, narrowed dump by dump.
pub fn learn(evidence: &[Evidence<'_>]) -> Learned {
    let mut places: Option<BTreeSet<Spot>> = None;
    let mut codes = BTreeSet::new();
    let mut agreed: Option<(Spot, Vec<String>)> = None;
    let mut seen: Vec<String> = Vec::new();
    for e in evidence {
        let here: BTreeSet<Spot> = find(e.bytes, e.code).into_iter().collect();
        let now: BTreeSet<Spot> = match &places {
            None => here,
            Some(p) => p.intersection(&here).copied().collect(),
        };
        codes.insert(e.code);
        seen.push(e.sha256.to_string());
        if let Some((spot, agreeing)) = &agreed
            && !now.contains(spot)
        {
            return Learned::Contradicted {
                spot: *spot,
                agreeing: agreeing.clone(),
                by: e.sha256.to_string(),
                code: e.code,
            };
        }
        if let (1, Some(spot)) = (now.len(), now.first())
            && codes.len() >= 2
        {
            agreed = Some((*spot, seen.clone()));
        }
        places = Some(now);
    }
    match agreed {
        Some((spot, dumps)) => Learned::Layout {
            spot,
            dumps,
            codes: codes.len(),
        },
        None => Learned::Unsettled {
            dumps: evidence.len(),
            codes: codes.len(),
            places: places.map_or(0, |p| p.len()),
        },
    }
}

/// A layout that applies to a dump, with how far it can be trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `learned:BP5384`, `imported:<id>` or a shipped id.
    pub id: String,
    pub spot: Spot,
    pub confidence: Confidence,
    /// Where the layout comes from, said with each code it gives.
    pub evidence: String,
}

/// A code read from a dump through a layout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DumpCandidate {
    pub code: Code,
    pub source: &'static str,
    pub confidence: Confidence,
    pub layout: String,
    pub address: usize,
    pub encoding: Encoding,
    pub word_swapped: bool,
    pub note: String,
}

impl DumpCandidate {
    /// The candidate as the decoder lists it beside the book and algorithms.
    pub fn candidate(&self) -> Candidate {
        Candidate {
            code: self.code,
            source: Source::ChipDump,
            confidence: self.confidence,
            note: format!("layout {} at {}: {}", self.layout, self.spot(), self.note).into(),
        }
    }

    pub fn spot(&self) -> Spot {
        Spot {
            address: self.address,
            encoding: self.encoding,
            word_swapped: self.word_swapped,
        }
    }
}

/// Reads a dump through each layout: the codes found, and for each layout
/// that gave none, why.
pub fn read_codes(dump: &Dump, layouts: &[Layout]) -> (Vec<DumpCandidate>, Vec<String>) {
    let mut found: Vec<DumpCandidate> = Vec::new();
    let mut why = Vec::new();
    if let Some(reason) = dump.state().reason() {
        why.push(reason);
        return (found, why);
    }
    for l in layouts {
        match dump.read(l.spot) {
            Some(code) => found.push(DumpCandidate {
                code,
                source: "chip-dump",
                confidence: l.confidence,
                layout: l.id.clone(),
                address: l.spot.address,
                encoding: l.spot.encoding,
                word_swapped: l.spot.word_swapped,
                note: l.evidence.clone(),
            }),
            None => {
                let bytes: Vec<String> = dump
                    .spot_bytes(l.spot)
                    .iter()
                    .map(|i| format!("{:02X}", dump.bytes[*i]))
                    .collect();
                why.push(format!(
                    "layout {} reads {} at {}: not a code in that encoding",
                    l.id,
                    if bytes.is_empty() {
                        "nothing (the dump is too short)".to_string()
                    } else {
                        bytes.join(" ")
                    },
                    l.spot
                ));
            }
        }
    }
    (found, why)
}

/// Bytes as the hex view's ASCII column shows them: `.` for the unprintable.
pub fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| {
            if b.is_ascii_graphic() || *b == b' ' {
                *b as char
            } else {
                '.'
            }
        })
        .collect()
}

/// The hex view: 16 bytes a row, offset, hex and ASCII; the bytes in
/// `marked` are bracketed. A dump over 512 bytes shows the rows around the
/// marked bytes (or its first rows when nothing is marked).
pub fn hex_view(bytes: &[u8], marked: &[usize]) -> Vec<String> {
    let rows = bytes.len().div_ceil(16);
    let near = |row: usize| {
        bytes.len() <= 512
            || marked.iter().any(|m| (m / 16).abs_diff(row) <= 2)
            || (marked.is_empty() && row < 8)
    };
    let mut out = Vec::new();
    let mut skipped = false;
    for row in 0..rows {
        if !near(row) {
            skipped = true;
            continue;
        }
        if skipped {
            out.push("...".to_string());
            skipped = false;
        }
        let start = row * 16;
        let chunk = &bytes[start..(start + 16).min(bytes.len())];
        let mut hex = String::new();
        for (i, b) in chunk.iter().enumerate() {
            let at = start + i;
            if marked.contains(&at) {
                hex.push_str(&format!("[{b:02X}]"));
            } else {
                hex.push_str(&format!(" {b:02X} "));
            }
            if i == 7 {
                hex.push(' ');
            }
        }
        out.push(format!("{start:04X} {hex:<65} |{}|", ascii(chunk)));
    }
    if skipped {
        out.push("...".to_string());
    }
    out
}

/// The dumps of one model as evidence for [`learn`].
pub fn evidence_of<'a>(dumps: &'a [DumpRecord], model: &Model) -> Vec<Evidence<'a>> {
    dumps
        .iter()
        .filter(|d| d.model == model.id())
        .map(|d| Evidence {
            sha256: &d.sha256,
            bytes: &d.bytes,
            code: d.code,
        })
        .collect()
}

fn imported_spot(l: &LayoutRecord) -> Option<Spot> {
    Some(Spot {
        address: usize::try_from(l.address).ok()?,
        encoding: Encoding::parse(&l.encoding)?,
        word_swapped: l.word_swapped,
    })
}

/// The id an imported layout is chosen by.
pub fn imported_id(l: &LayoutRecord) -> String {
    format!("imported:{}", short(&l.uid))
}

/// The layouts that read a model's dumps: the one learned from this
/// garage's dumps, and imported ones this garage's dumps do not contradict.
/// Also says, a line each, what stands in the way of the others.
pub fn layouts_for(
    model: &Model,
    dumps: &[DumpRecord],
    imported: &[LayoutRecord],
) -> (Vec<Layout>, Vec<String>) {
    let evidence = evidence_of(dumps, model);
    let mut layouts = Vec::new();
    let mut notes = Vec::new();
    match learn(&evidence) {
        Learned::Layout { spot, dumps, codes } => layouts.push(Layout {
            id: format!("learned:{model}"),
            spot,
            confidence: Confidence::Likely,
            evidence: format!(
                "learned from {} dumps of {model} with {codes} different codes ({})",
                dumps.len(),
                dumps
                    .iter()
                    .map(|d| short(d))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
        other => notes.push(other.text(model)),
    }
    for l in imported.iter().filter(|l| l.model == model.id()) {
        let Some(spot) = imported_spot(l) else {
            notes.push(format!("imported layout {} cannot be read", imported_id(l)));
            continue;
        };
        let against = evidence
            .iter()
            .find(|e| read_at(e.bytes, spot) != Some(e.code));
        match against {
            Some(e) => notes.push(format!(
                "CONTRADICTED: imported layout {} ({spot}) does not hold the code {} of this \
                 garage's dump {}: it gives no code here",
                imported_id(l),
                e.code,
                short(e.sha256)
            )),
            None => layouts.push(Layout {
                id: imported_id(l),
                spot,
                confidence: Confidence::Unconfirmed,
                evidence: format!(
                    "imported: learned elsewhere from {} dumps with {} different codes; {}",
                    l.dumps, l.codes, l.origin
                ),
            }),
        }
    }
    (layouts, notes)
}

/// A layout chosen by its id: shipped, learned or imported.
pub fn layout_by_id(id: &str, dumps: &[DumpRecord], imported: &[LayoutRecord]) -> Option<Layout> {
    if let Some(l) = shipped().iter().find(|l| l.id == id) {
        return Some(Layout {
            id: l.id.clone(),
            spot: l.spot(),
            confidence: Confidence::Unconfirmed,
            evidence: format!(
                "documented for the {}, NOT a Nissan unit: read only because --layout chose it \
                 ({})",
                l.radio, l.source
            ),
        });
    }
    let model = id
        .strip_prefix("learned:")
        .map(Model::parse)
        .and_then(Result::ok)
        .or_else(|| {
            imported
                .iter()
                .find(|l| imported_id(l) == id)
                .and_then(|l| Model::parse(&l.model).ok())
        })?;
    layouts_for(&model, dumps, imported)
        .0
        .into_iter()
        .find(|l| l.id == id)
}

/// One layout as `dump layouts` lists, exports and imports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radio: Option<String>,
    pub address: usize,
    pub encoding: Encoding,
    #[serde(default)]
    pub word_swapped: bool,
    /// shipped, learned, contradicted or imported.
    pub status: String,
    #[serde(default)]
    pub dumps: usize,
    #[serde(default)]
    pub codes: usize,
    /// The SHA-256 of each agreeing dump.
    #[serde(default)]
    pub evidence: Vec<String>,
    pub source: String,
}

/// Every layout radiocode knows here, and a line for each model whose dumps
/// have not settled on one yet.
pub fn listing(dumps: &[DumpRecord], imported: &[LayoutRecord]) -> (Vec<Listing>, Vec<String>) {
    let mut out: Vec<Listing> = shipped()
        .iter()
        .map(|l| Listing {
            id: l.id.clone(),
            model: None,
            radio: Some(l.radio.clone()),
            address: l.address,
            encoding: l.encoding,
            word_swapped: false,
            status: "shipped".to_string(),
            dumps: 0,
            codes: 0,
            evidence: Vec::new(),
            source: format!(
                "{}; not a Nissan unit: applies only with --layout{}",
                l.source,
                l.note
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ),
        })
        .collect();
    let mut unsettled = Vec::new();
    let models: BTreeSet<&str> = dumps.iter().map(|d| d.model.as_str()).collect();
    for m in models {
        let Ok(model) = Model::parse(m) else { continue };
        let evidence = evidence_of(dumps, &model);
        let learned = learn(&evidence);
        let entry = |spot: Spot, status: &str, agreeing: &[String], source: String| Listing {
            id: format!("learned:{model}"),
            model: Some(model.id().to_string()),
            radio: None,
            address: spot.address,
            encoding: spot.encoding,
            word_swapped: spot.word_swapped,
            status: status.to_string(),
            dumps: agreeing.len(),
            codes: agreeing
                .iter()
                .filter_map(|h| evidence.iter().find(|e| e.sha256 == h))
                .map(|e| e.code)
                .collect::<BTreeSet<_>>()
                .len(),
            evidence: agreeing.to_vec(),
            source,
        };
        match &learned {
            Learned::Layout { spot, dumps, .. } => {
                out.push(entry(*spot, "learned", dumps, learned.text(&model)));
            }
            Learned::Contradicted { spot, agreeing, .. } => {
                out.push(entry(*spot, "contradicted", agreeing, learned.text(&model)));
            }
            Learned::Unsettled { .. } => unsettled.push(learned.text(&model)),
        }
    }
    for l in imported {
        let Some(spot) = imported_spot(l) else {
            continue;
        };
        out.push(Listing {
            id: imported_id(l),
            model: Some(l.model.clone()),
            radio: None,
            address: spot.address,
            encoding: spot.encoding,
            word_swapped: spot.word_swapped,
            status: "imported".to_string(),
            dumps: usize::try_from(l.dumps).unwrap_or(0),
            codes: usize::try_from(l.codes).unwrap_or(0),
            evidence: l.evidence.clone(),
            source: l.origin.clone(),
        });
    }
    (out, unsettled)
}

/// A listed layout learned elsewhere, as it is recorded here; or why not.
pub fn to_import(l: &Listing, origin: &str) -> Result<LayoutRecord, String> {
    if !matches!(l.status.as_str(), "learned" | "imported") {
        return Err(format!(
            "{}: a {} layout is not imported (only learned ones carry evidence)",
            l.id, l.status
        ));
    }
    let model = Model::parse(l.model.as_deref().unwrap_or_default())
        .map_err(|e| format!("{}: {e}", l.id))?;
    if l.address >= MAX_SIZE {
        return Err(format!(
            "{}: address 0x{:X} is past any EEPROM",
            l.id, l.address
        ));
    }
    if l.dumps < 2 || l.codes < 2 || l.evidence.is_empty() {
        return Err(format!(
            "{}: learned from {} dumps with {} codes: not enough evidence to import",
            l.id, l.dumps, l.codes
        ));
    }
    let mut hashes = l.evidence.clone();
    hashes.sort();
    let uid = sha256_hex(
        format!(
            "{model}|{}|{}|{}|{}",
            l.address,
            l.encoding.id(),
            l.word_swapped,
            hashes.join(",")
        )
        .as_bytes(),
    );
    Ok(LayoutRecord {
        uid: uid[..32].to_string(),
        model: model.id().to_string(),
        address: l.address as i64,
        encoding: l.encoding.id().to_string(),
        word_swapped: l.word_swapped,
        dumps: l.dumps as i64,
        codes: l.codes as i64,
        evidence: l.evidence.clone(),
        origin: format!("{origin}; there: {}", l.source),
        added_at: String::new(),
        added_by: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_layouts_parse_and_none_is_a_nissan_unit() {
        let layouts = shipped();
        assert_eq!(layouts.len(), 7);
        for l in layouts {
            assert!(!l.source.is_empty(), "{}", l.id);
            assert!(!l.radio.contains("Nissan"), "{}", l.id);
        }
        assert_eq!(layouts[0].address, 0x14);
    }

    #[test]
    fn models_are_read_from_types_and_serials() {
        assert_eq!(Model::parse("5384").unwrap().id(), "BP5384");
        assert_eq!(Model::parse("bp 5384").unwrap().id(), "BP5384");
        assert_eq!(Model::parse("4739").unwrap().id(), "BE4739");
        assert!(
            Model::parse("BE1234")
                .unwrap_err()
                .contains("not a Nissan unit")
        );
        assert!(Model::parse("53").is_err());
        assert_eq!(Model::from_serial("BP538464182965").unwrap().id(), "BP5384");
        assert_eq!(Model::from_serial("BE473912345678").unwrap().id(), "BE4739");
        assert!(
            Model::from_serial("J727")
                .unwrap_err()
                .contains("algorithm")
        );
    }

    #[test]
    fn blank_and_unread_chips_are_told_apart() {
        let d = |b: Vec<u8>| Dump::from_bytes(b).unwrap().state();
        assert_eq!(d(vec![0xFF; 256]), State::Blank);
        assert_eq!(d(vec![0; 256]), State::Zeros(0));
        assert_eq!(d(vec![0x5A; 128]), State::Zeros(0x5A));
        assert_eq!(d(vec![1, 2]), State::Data);
        assert!(Dump::from_bytes(Vec::new()).is_err());
        assert!(Dump::from_bytes(vec![0; MAX_SIZE + 1]).is_err());
    }
}
