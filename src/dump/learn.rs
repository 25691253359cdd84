//! The unit a dump belongs to, the layouts it can be read through (shipped,
//! learned from evidence), and learning them.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::*;
use crate::family::{DumpModels, Family};
/// The unit a dump belongs to: the part of its serial that says which chip
/// layout it has (a Blaupunkt type `BP5384`, a Becker model `BE4739`),
/// written as its family's spec says.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Model(String);

impl Model {
    /// A model as typed: a family's letters and four digits (`BP5384`,
    /// `BE4739`), or the four digits alone, which the families' rules
    /// place (`4739` is a Becker model, `5384` a Blaupunkt type).
    pub fn parse(text: &str) -> Result<Model, String> {
        let t: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        let families: Vec<(Family, DumpModels)> = crate::family::ALL
            .into_iter()
            .filter_map(|f| f.spec().dump_models.map(|m| (f, m)))
            .collect();
        let prefixed = families
            .iter()
            .find_map(|(f, m)| Some((*f, *m, t.strip_prefix(m.prefix)?)));
        // Bare digits: a family that lists them, else one that takes any.
        let bare = || {
            let listed = families
                .iter()
                .find(|(_, m)| m.bare && m.nissan.is_some_and(|n| n.contains(&t.as_str())));
            listed
                .or_else(|| families.iter().find(|(_, m)| m.bare && m.nissan.is_none()))
                .map(|(f, m)| (*f, *m, t.as_str()))
        };
        let Some((family, models, digits)) = prefixed.or_else(bare) else {
            return Err(not_a_model(text, &families));
        };
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_model(text, &families));
        }
        if let Some(nissan) = models.nissan
            && !nissan.contains(&digits)
        {
            let listed: Vec<String> = nissan
                .iter()
                .map(|n| format!("{}{n}", models.prefix))
                .collect();
            return Err(format!(
                "{family} {}{digits} is not a Nissan unit: only {} are",
                models.prefix,
                listed.join(" and ")
            ));
        }
        Ok(Model(format!("{}{digits}", models.prefix)))
    }

    /// The model in the serial of a family whose chip dumps have models.
    pub fn from_serial(text: &str) -> Result<Model, String> {
        let d = diagnose(text, None);
        let models = d.family.and_then(|f| f.spec().dump_models);
        match (d.family, d.serial.as_deref(), models) {
            (Some(_), Some(s), Some(m)) => Model::parse(s.get(..m.prefix.len() + 4).unwrap_or(s)),
            (Some(f), Some(_), None) => {
                let with: Vec<&str> = crate::family::ALL
                    .into_iter()
                    .filter(|f| f.spec().dump_models.is_some())
                    .map(Family::name)
                    .collect();
                Err(format!(
                    "a {f} radio's code comes from its algorithm: a chip dump is read for {} \
                     units",
                    with.join(" and ")
                ))
            }
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

/// What a model is, for text that is not one.
fn not_a_model(text: &str, families: &[(Family, DumpModels)]) -> String {
    let words: Vec<&str> = families.iter().map(|(_, m)| m.words).collect();
    format!(
        "'{}' is not a model: give {}",
        crate::serial::echo_text(text, 20),
        words.join(" or ")
    )
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
