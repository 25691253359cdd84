//! The layouts known to this garage, for a model or by name, listed with
//! their evidence, and layouts from another garage turned into records.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::*;
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
        added_at: crate::store::At::UNSTAMPED,
        added_by: String::new(),
    })
}

/// A layouts file as `dump layouts --format toml|json` writes it (JSON when
/// it starts with `{`), or why it is not one.
pub fn parse_layouts(text: &str) -> Result<Vec<Listing>, String> {
    #[derive(serde::Deserialize)]
    struct JsonFile {
        layouts: Vec<Listing>,
    }
    #[derive(serde::Deserialize)]
    struct TomlFile {
        #[serde(default)]
        layout: Vec<Listing>,
    }
    if text.trim_start().starts_with('{') {
        serde_json::from_str::<JsonFile>(text)
            .map(|f| f.layouts)
            .map_err(|e| e.to_string())
    } else {
        toml::from_str::<TomlFile>(text)
            .map(|f| f.layout)
            .map_err(|e| e.to_string())
    }
}
