//! A chip dump read through the layouts learned from the recorded evidence,
//! and its codes joined to the decoder's.

use crate::decode::{CodeBook, Outcome, decode};
use crate::dump::{self, Dump, DumpCandidate, Model};
use crate::serial::echo_text;
use crate::store::{DumpRecord, LayoutRecord, Records};

/// The chip dump evidence the layouts are learned from: the recorded dumps
/// and the imported layouts.
pub type Known = (Vec<DumpRecord>, Vec<LayoutRecord>);

/// Everything recorded that a dump is read through.
pub fn known_layouts(records: Option<&dyn Records>) -> anyhow::Result<Known> {
    match records {
        Some(r) => Ok((r.dumps(None)?, r.layouts()?)),
        None => Ok((Vec::new(), Vec::new())),
    }
}

/// Which layouts read a dump.
#[derive(Clone, Copy, Debug)]
pub enum LayoutChoice<'a> {
    /// Those of the radio's unit, when it is known.
    Unit(Option<&'a Model>),
    /// One layout, chosen by its id.
    Id(&'a str),
}

/// A dump read through its layouts.
#[derive(Clone, Debug, Default)]
pub struct DumpRead {
    pub candidates: Vec<DumpCandidate>,
    /// Why a layout gave no code, or what learning still needs.
    pub notes: Vec<String>,
    /// The file offsets of the codes' bytes.
    pub marked: Vec<usize>,
}

/// A dump read through the layouts `choice` names. `without_unit` is what
/// the technician does when no unit is known (each shell says it its way).
/// A layout id that is not there is an error naming the standing ones.
pub fn read_dump(
    dump: &Dump,
    choice: LayoutChoice,
    known: &Known,
    without_unit: &str,
) -> Result<DumpRead, String> {
    let (dumps, imported) = known;
    let (layouts, mut notes) = match choice {
        LayoutChoice::Id(id) => match dump::layout_by_id(id, dumps, imported) {
            Some(l) => (vec![l], Vec::new()),
            None => {
                let (listed, _) = dump::listing(dumps, imported);
                let ids: Vec<_> = listed.iter().map(|l| l.id.as_str()).collect();
                return Err(format!(
                    "there is no layout '{}' (standing ones: {})",
                    echo_text(id, 40),
                    ids.join(", ")
                ));
            }
        },
        LayoutChoice::Unit(Some(m)) => dump::layouts_for(m, dumps, imported),
        LayoutChoice::Unit(None) => (Vec::new(), vec![without_unit.to_string()]),
    };
    let (candidates, why) = dump::read_codes(dump, &layouts);
    notes.extend(why);
    if candidates.is_empty()
        && let LayoutChoice::Unit(Some(m)) = choice
    {
        notes.push(format!(
            "to learn where {m} keeps its code: `radiocode dump learn FILE --code NNNN --model \
             {m}` for dumps of {m} radios whose code is known; two with different codes that \
             agree on one place make a layout"
        ));
    }
    let marked = candidates
        .iter()
        .flat_map(|c| dump.spot_bytes(c.spot()))
        .collect();
    Ok(DumpRead {
        candidates,
        notes,
        marked,
    })
}

/// What the recorded dumps of `model` teach now, and the notes on the
/// layouts imported for it (one the dumps contradict is said).
pub fn learned(
    records: &dyn Records,
    model: &Model,
) -> anyhow::Result<(dump::Learned, Vec<String>)> {
    let dumps = records.dumps(Some(model.id()))?;
    let learned = dump::learn(&dump::evidence_of(&dumps, model));
    let (_, notes) = dump::layouts_for(model, &dumps, &records.layouts()?);
    Ok((learned, notes))
}

/// The unit a serial names, when its family's dumps have layouts.
pub fn unit_of(serial: &str) -> Option<Model> {
    Model::from_serial(serial).ok()
}

/// The codes a dump gave, joined to what the decoder says of the serial.
pub fn join_dump(outcome: &mut Outcome, read: &DumpRead) {
    let joined: Vec<_> = read
        .candidates
        .iter()
        .map(DumpCandidate::candidate)
        .collect();
    outcome.join_chip_dump(&joined);
}

/// The serial decoded with the codes of its radio's chip dump beside the
/// algorithms' and the book's.
pub fn decode_with_dump(serial: &str, book: &dyn CodeBook, read: &DumpRead) -> Outcome {
    let mut o = decode(serial, None, book);
    join_dump(&mut o, read);
    o
}
