//! Becker (`BE4739` / `BE4757` + 8 digits): no public algorithm. Only two
//! Becker models are fitted to Nissans; any other BE model is another make's.

use super::RunTogether;
use super::read::{Slot, Typed};
use super::{Checked, CodeSource, Family, PartNumber, Rank, Spec};
use crate::finding::{Finding, FindingKind as K, SerialPart, Severity};

use Slot::Digit as D;

/// The Becker models fitted to Nissans.
pub const NISSAN_MODELS: [&str; 2] = ["4739", "4757"];

pub const SPEC: Spec = Spec {
    family: Family::Becker,
    id: "becker",
    name: "Becker",
    aliases: &["be"],
    shape: "BE + 4-digit model + 8-digit serial (14 characters)",
    shape_named: "BE + 12 digits (Becker)",
    template: &[
        Slot::Fixed('B'),
        Slot::Fixed('E'),
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
        D,
    ],
    detect,
    split_extra: None,
    before_detect: None,
    strip: super::no_prefix,
    check,
    parts,
    code_source: CodeSource::NoPublicAlgorithm,
    try_order: super::single,
    routes: super::NO_ALGORITHM_ROUTES,
    label_diagram: include_str!("../../assets/labels/becker.txt"),
    not_the_serial: |_| {
        vec!["the Model No or the Serial No alone: the key is BE + model + serial".to_string()]
    },
    dump_models: Some(super::DumpModels {
        prefix: "BE",
        nissan: Some(&NISSAN_MODELS),
        bare: true,
        words: "the Becker model (BE4739 or BE4757)",
    }),
    owns_part_numbers: false,
    in_barcode: None,
    run_together: Some(RunTogether {
        len: 14,
        starts: [&['B', '8'], &['E']],
    }),
    printed_cue: None,
    brand_words: &["BECKER"],
};

fn detect(t: &[Typed]) -> Option<Rank> {
    (t.len() >= 2 && matches!(t[0].up, 'B' | '8') && t[1].up == 'E').then_some(1)
}

fn check(serial: &str, _: Option<&PartNumber>, findings: &mut Vec<Finding>) -> Checked {
    let model = &serial[2..6];
    if NISSAN_MODELS.contains(&model) {
        return Checked::ACCEPTED;
    }
    findings.push(Finding::new(
        Severity::Error,
        K::UnsupportedModel,
        None,
        format!(
            "Becker model BE{model} is not a Nissan unit: only BE4739 and BE4757 are fitted to \
             Nissans; other BE models are other makes' radios"
        ),
    ));
    Checked {
        accepted: false,
        keep_read: false,
        unit: None,
    }
}

fn parts(read: &str) -> Vec<SerialPart> {
    // A BE model fitted to other makes' radios is not read any further.
    if !NISSAN_MODELS.contains(&&read[2..6]) {
        return Vec::new();
    }
    vec![
        SerialPart::new("model", &read[2..6], "Becker unit fitted to Nissans".into()),
        SerialPart::new("serial number", &read[6..], String::new()),
    ]
}
