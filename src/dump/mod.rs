//! Chip dumps: a radio's serial EEPROM read with a programmer, and the code
//! found in it through a layout. No Nissan layout is public, so layouts are
//! learned from the garage's own dumps of radios whose code is known, and
//! every code read from a dump names its layout and the evidence behind it.

pub mod encoding;
pub mod ihex;
mod learn;
mod listing;

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::decode::{Candidate, Code, Confidence, Source};
use crate::serial::diagnose;
use crate::store::{DumpRecord, LayoutRecord};
pub use encoding::Encoding;
pub use learn::{
    DumpCandidate, Evidence, Layout, Learned, Model, ShippedLayout, learn, read_codes, shipped,
    short,
};
pub use listing::{
    Listing, evidence_of, imported_id, layout_by_id, layouts_for, listing, parse_layouts, to_import,
};

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
        let shown = crate::files::shown(path);
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read the dump {shown}"))?;
        if meta.is_file() && meta.len() > (MAX_SIZE as u64) * 3 {
            bail!(
                "{shown} is {} bytes: no radio EEPROM is bigger than {} KiB, so this is not a \
                 radio's chip dump",
                meta.len(),
                MAX_SIZE / 1024
            );
        }
        // Intel HEX text takes about 2.8 characters a byte; a file that is
        // not regular (a device, a pipe) is refused before it is read.
        let raw = crate::files::read_bounded(path, "a dump file", (MAX_SIZE as u64) * 3)
            .map_err(|e| anyhow::anyhow!("cannot read the dump: {e}"))?;
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
