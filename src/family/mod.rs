//! The families of Nissan head units, one module each, behind one
//! interface ([`Spec`]). Everything that differs from one family to another
//! lives here: the serial template and the label's quirks, the code source
//! (an algorithm, or none, with its honesty notes), the numbers on the label
//! that are not the serial, the label diagram and the unit facts.
//!
//! The registry is closed: [`Family`] is an enum, so the compiler checks
//! that every family has a [`Spec`]. A new family adds its file here, one
//! variant and one line in [`Family::spec`], its label diagram in
//! `assets/labels/`, and its keypad profile in `assets/unit_profiles.toml`.
//! Outside this folder, one place still knows Blaupunkt and Becker by name:
//! a chip dump's model (`dump/learn.rs`).

pub mod becker;
pub mod blaupunkt;
pub mod others;
pub(crate) mod read;
pub mod renault;
pub mod unit;
pub mod visteon;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::code::{Candidate, Code, Confidence, Source};
use crate::finding::{Finding, SerialPart};
pub use read::MAX_INPUT_CHARS;
use read::{Body, Slot, Typed};
pub use unit::Unit;

/// The families of Nissan head units radiocode knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Blaupunkt,
    Renault,
    Becker,
    Visteon,
}

/// Every family, in the order the brand selector shows them.
pub const ALL: [Family; 4] = [
    Family::Blaupunkt,
    Family::Renault,
    Family::Becker,
    Family::Visteon,
];

impl Family {
    pub const ALL: [Family; 4] = ALL;

    /// Everything radiocode knows about this family.
    pub fn spec(self) -> &'static Spec {
        match self {
            Family::Blaupunkt => &blaupunkt::SPEC,
            Family::Renault => &renault::SPEC,
            Family::Becker => &becker::SPEC,
            Family::Visteon => &visteon::SPEC,
        }
    }

    /// Where this family stands in [`ALL`].
    pub fn index(self) -> usize {
        ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    /// The identifier used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        self.spec().id
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// What the technician types for this family, in words.
    pub fn shape(self) -> &'static str {
        self.spec().shape
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Family {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        ALL.into_iter()
            .find(|f| f.id() == wanted || f.spec().aliases.contains(&wanted.as_str()))
            .ok_or_else(|| {
                let ids: Vec<&str> = ALL.iter().map(|f| f.id()).collect();
                format!(
                    "unknown family '{}': use {}",
                    wanted.escape_debug(),
                    or_list(&ids)
                )
            })
    }
}

/// `a, b, c or d`.
pub(crate) fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// How sure a detection is: the lowest rank among the families that claim
/// a text wins.
pub type Rank = u8;

/// A BP part number typed with the serial: its type and where it stood.
pub type PartNumber = (String, usize);

/// What a family's whole-serial rules say.
pub struct Checked {
    /// The serial stands.
    pub accepted: bool,
    /// Keep the characters as read so the parts still show (a refused serial
    /// whose parts still say something).
    pub keep_read: bool,
    pub unit: Option<&'static Unit>,
}

impl Checked {
    pub const ACCEPTED: Checked = Checked {
        accepted: true,
        keep_read: false,
        unit: None,
    };
}

/// A published algorithm, with how far it is checked.
pub struct Algorithm {
    /// The code for a serial in its normal form.
    pub code: fn(&str) -> Option<Code>,
    pub confidence: Confidence,
    /// Where the algorithm comes from and how far it is checked.
    pub note: &'static str,
    /// Said when a valid serial has no code under the algorithm.
    pub no_code: Option<&'static str>,
}

impl Algorithm {
    /// The candidate the algorithm gives for `code`.
    pub fn candidate(&self, code: Code) -> Candidate {
        Candidate {
            code,
            source: Source::Algorithm,
            confidence: self.confidence,
            note: self.note.into(),
        }
    }
}

/// Where a family's codes come from.
pub enum CodeSource {
    Algorithm(Algorithm),
    /// No public algorithm exists: the code book, the chip dump and the
    /// routes are all there is. radiocode never guesses one.
    NoPublicAlgorithm,
}

/// A list of routes, and the same routes as one line joined by "; ".
macro_rules! route_list {
    ($first:literal $(, $rest:literal)*) => {
        $crate::family::Routes {
            list: &[$first $(, $rest)*],
            line: concat!($first $(, "; ", $rest)*),
        }
    };
}

/// The real routes to a code when radiocode has none to offer.
pub struct Routes {
    pub list: &'static [&'static str],
    pub line: &'static str,
}

/// The routes for a radio of a family with an algorithm, or of none known.
pub const OTHER_ROUTES: Routes = route_list!(
    "the Radio Pass card that came with the car: its Safety-Nr. is the code",
    "a Nissan dealer, with proof of ownership"
);

/// The routes for a radio whose family has no public algorithm.
pub const NO_ALGORITHM_ROUTES: Routes = route_list!(
    "the code book: add the code once a radio accepts it",
    "the Radio Pass card that came with the car: its Safety-Nr. is the code",
    "a Nissan dealer, with proof of ownership",
    "an EEPROM read of the radio by a specialist"
);

/// A family's rule for the serial inside a longer barcode text: the serial,
/// and the rule in words.
pub type InBarcode = fn(&str) -> Option<(String, &'static str)>;

/// One family: everything that differs from the others.
pub struct Spec {
    pub family: Family,
    /// On the command line and in JSON.
    pub id: &'static str,
    pub name: &'static str,
    /// Other words a technician may type for it (`--family bp`).
    pub aliases: &'static [&'static str],
    /// What the technician types, in words.
    pub shape: &'static str,
    /// The shape in a few words with the family's name, for a list of all.
    pub shape_named: &'static str,
    /// The serial in its normal form, slot by slot.
    pub template: &'static [Slot],
    /// Whether a body of text has this family's shape, and how surely.
    pub detect: fn(&[Typed]) -> Option<Rank>,
    /// A number typed together with the serial, taken off before anything
    /// else (whatever the family chosen).
    pub split_extra: Option<fn(&mut Body) -> Option<PartNumber>>,
    /// Label prefixes taken off before the family is detected, when this
    /// family or none is chosen.
    pub before_detect: Option<fn(&mut Body, &mut Vec<Finding>)>,
    /// Label prefixes taken off once the text is read as this family.
    pub strip: fn(&mut Body, &mut Vec<Finding>),
    /// The rules that need the whole serial.
    pub check: fn(&str, Option<&PartNumber>, &mut Vec<Finding>) -> Checked,
    /// What the serial says, piece by piece.
    pub parts: fn(&str) -> Vec<SerialPart>,
    pub code_source: CodeSource,
    /// The codes to try for one recorded code, in order.
    pub try_order: fn(Code) -> SmallVec<[Code; 2]>,
    /// Where to go when radiocode has no code.
    pub routes: Routes,
    /// Where the serial is on the case, drawn in text.
    pub label_diagram: &'static str,
    /// The numbers on this family's label that people mistake for the serial.
    pub not_the_serial: fn(Option<&Unit>) -> Vec<String>,
    /// Its units are told apart by a model in the serial, whose chip dump
    /// layout can be learned: how that model is written.
    pub dump_models: Option<DumpModels>,
    /// A part number typed alone means a label of this family.
    pub owns_part_numbers: bool,
    /// The serial inside a longer barcode text, by this family's rule for
    /// its labels' barcodes, with the rule in words.
    pub in_barcode: Option<InBarcode>,
    /// A serial that printed text may run together with the word before it
    /// ("SERIALBP234612345678"): its length and the letters it starts with,
    /// each as printed or as OCR misreads it.
    pub run_together: Option<RunTogether>,
    /// Words a label prints beside this family's serial, when its shape
    /// alone says too little to take it from printed text (a letter and
    /// three digits are also a unit number's, a year's, a date's): such a
    /// serial is read off a photo only on a line that names it, or the line
    /// after. Written as the label prints them, compared without spaces,
    /// dashes or dots.
    pub printed_cue: Option<&'static [&'static str]>,
    /// The maker's names its labels print: a label that names another
    /// family's maker and not this one's holds no serial of this family.
    pub brand_words: &'static [&'static str],
}

/// The models a family's chip dumps belong to: the letters and four digits
/// its serials start with (`BP5384`).
#[derive(Clone, Copy, Debug)]
pub struct DumpModels {
    /// The letters before the model's digits, in a serial and in a model.
    pub prefix: &'static str,
    /// The model numbers of this family that are Nissan units; `None` when
    /// any four digits can be.
    pub nissan: Option<&'static [&'static str]>,
    /// Four bare digits are this family's model: only the listed Nissan
    /// ones (`true` with `nissan`), or any (`true` without).
    pub bare: bool,
    /// How a technician names one, for a message.
    pub words: &'static str,
}

impl Spec {
    /// True when `line` prints one of this family's maker's names.
    pub fn branded_by(&self, line: &str) -> bool {
        let upper = line.to_uppercase();
        self.brand_words.iter().any(|w| upper.contains(w))
    }

    /// True when `line` names this family's serial by one of its cues
    /// (or the family needs none). OCR's `0` for `O` is forgiven.
    pub fn cued_by(&self, line: &str) -> bool {
        self.cue_in(line, false)
    }

    /// Whether `line` is the cue and nothing else (`PRE CODE:`): the
    /// serial it names is on the next line. A cue with more after it has
    /// named what follows it on its own line.
    pub fn cue_alone(&self, line: &str) -> bool {
        self.cue_in(line, true)
    }

    fn cue_in(&self, line: &str, alone: bool) -> bool {
        let Some(cues) = self.printed_cue else {
            return true;
        };
        let squeezed: String = line
            .chars()
            .filter(|c| c.is_alphanumeric())
            .map(|c| match c.to_ascii_uppercase() {
                '0' => 'O',
                c => c,
            })
            .collect();
        cues.iter().any(|cue| {
            let cue: String = cue.chars().filter(|c| c.is_alphanumeric()).collect();
            let cue = cue.to_ascii_uppercase();
            if alone {
                squeezed == cue
            } else {
                squeezed.contains(&cue)
            }
        })
    }
}

/// How to find a serial run together with the word before it.
#[derive(Clone, Copy, Debug)]
pub struct RunTogether {
    /// The serial's length in characters.
    pub len: usize,
    /// What its first and second characters may be read as.
    pub starts: [&'static [char]; 2],
}

impl RunTogether {
    /// Each stretch of `word` that could be this family's serial.
    pub fn stretches(self, word: &[char]) -> Vec<String> {
        word.windows(self.len)
            .filter(|c| self.starts[0].contains(&c[0]) && self.starts[1].contains(&c[1]))
            .map(|c| c.iter().collect())
            .collect()
    }
}

impl Spec {
    /// The published algorithm, if there is one.
    pub fn algorithm(&self) -> Option<&Algorithm> {
        match &self.code_source {
            CodeSource::Algorithm(a) => Some(a),
            CodeSource::NoPublicAlgorithm => None,
        }
    }
}

/// One code, tried alone.
pub fn single(code: Code) -> SmallVec<[Code; 2]> {
    smallvec::smallvec![code]
}

/// No label prefix to take off.
pub fn no_prefix(_: &mut Body, _: &mut Vec<Finding>) {}

/// The routes for a family, or for a radio of no known family.
pub fn routes(family: Option<Family>) -> &'static Routes {
    family.map_or(&OTHER_ROUTES, |f| &f.spec().routes)
}

/// The label diagram for a family, or the one that asks which label it is.
pub fn label_diagram(family: Option<Family>) -> &'static str {
    family.map_or(include_str!("../../assets/labels/auto.txt"), |f| {
        f.spec().label_diagram
    })
}

/// The family whose template `text` fills exactly, each character already
/// the one its slot wants (no misreading, no separator, upper case).
pub fn normal_form(text: &str) -> Option<Family> {
    ALL.into_iter()
        .find(|f| read::fills(f.spec().template, text))
}

/// The family a part number typed alone belongs to.
pub fn part_number_family() -> Option<Family> {
    ALL.into_iter().find(|f| f.spec().owns_part_numbers)
}

/// The serial inside a longer barcode text by one family's rule (a Renault
/// precode after its `T`), with the rule in words: the first family whose
/// rule finds one.
pub fn serial_in_barcode(text: &str) -> Option<(String, &'static str)> {
    ALL.into_iter()
        .find_map(|f| f.spec().in_barcode.and_then(|rule| rule(text)))
}

/// A label's long number printed, typed or scanned whole (a Renault
/// label's `281150063RTJ727`: one word of ten or more letters and digits)
/// whose end is a serial by its family's barcode rule: the serial and the
/// rule in words.
pub fn serial_in_long_number(text: &str) -> Option<(String, &'static str)> {
    let t = text.trim();
    if t.chars().count() < 10 || !t.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    serial_in_barcode(t).filter(|(serial, _)| t.ends_with(serial.as_str()))
}
