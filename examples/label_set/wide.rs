//! The widened label set: labels laid out as each maker prints them, with
//! serials, faces, papers and shots drawn from a seed.

use crate::Case;
use crate::labels::{Dice, Face, Label, Shot};
use rxing::BarcodeFormat as F;

/// A Blaupunkt type with its part number's middle digits, as DOMAIN.md
/// lists the Nissan units.
const BP_TYPES: [&str; 6] = ["2346", "2347", "3349", "5362", "5384", "5387"];

fn digits(dice: &mut Dice, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + dice.below(10) as u8))
        .collect()
}

/// One label with a serial: the label, the serial it holds, what it is.
fn with_serial(dice: &mut Dice, kind: u64) -> (Label, String, &'static str) {
    let year = ["2", "3", "5", "6", "7"][dice.below(5) as usize];
    match kind {
        // Blaupunkt, serial barcode with its grouped caption and the part
        // number's barcode beside it.
        0 => {
            let t = *dice.pick(&BP_TYPES);
            let run = digits(dice, 7);
            let serial = format!("BP{t}{year}{run}");
            let part = format!("764{}318", &t[1..]);
            let label = Label::default()
                .line("BLAUPUNKT")
                .with(F::CODE_128, &part)
                .caption(&format!("7 64{} {} 318", &t[0..1], &t[1..]))
                .with(F::CODE_128, &serial)
                .caption(&format!("S/N BP{t} {year} {run}"))
                .line("8 635 123 392")
                .line(dice.pick::<&str>(&["MADE IN PORTUGAL", "KW 07/07", "MADE IN MALAYSIA"]));
            (label, serial, "bp-barcode")
        }
        // Blaupunkt printed only: the serial after S/N, grouped or dashed,
        // only the part number as a barcode (a decoy).
        1 => {
            let t = *dice.pick(&BP_TYPES);
            let run = digits(dice, 7);
            let serial = format!("BP{t}{year}{run}");
            let part = format!("764{}318", &t[1..]);
            let shown = match dice.below(4) {
                0 => format!("S/N BP{t} {year} {run}"),
                1 => format!("S/N: BP{t}-{year}-{run}"),
                2 => format!("SERIAL NO. {serial}"),
                _ => format!("Ser.-Nr. BP{t} {year}{run}"),
            };
            let label = Label::default()
                .line("BLAUPUNKT")
                .line(dice.pick::<&str>(&["MM CD-K", "MMR CD-G", "MM CD-J"]))
                .with(F::CODE_128, &part)
                .caption(&format!("7 64{} {} 318", &t[0..1], &t[1..]))
                .line(&shown)
                .line(dice.pick::<&str>(&["2006", "12V  7A", "E1 022135"]));
            (label, serial, "bp-printed")
        }
        // Blaupunkt with the 815 label prefix (or CM).
        2 => {
            let t = *dice.pick(&BP_TYPES);
            let run = digits(dice, 7);
            let serial = format!("BP{t}{year}{run}");
            let prefix = if dice.below(3) == 0 { "815CM" } else { "815BP" };
            let text = format!("{prefix}{t}{year}{run}");
            let label = Label::default()
                .line("BLAUPUNKT")
                .with(F::CODE_128, &text)
                .line(&format!("7 64{} {} 318", &t[0..1], &t[1..]));
            (label, serial, "bp-815")
        }
        // Becker: a barcode of the key, model and number printed apart.
        3 => {
            let model = *dice.pick(&["4739", "4757"]);
            let number = digits(dice, 8);
            let serial = format!("BE{model}{number}");
            let label = Label::default()
                .line("BECKER")
                .line(&format!("MODEL NO. BE{model}"))
                .with(F::CODE_128, &number)
                .caption(&format!("SERIAL NO. {number}"))
                .line("MADE IN GERMANY");
            let label = if dice.below(2) == 0 {
                label.with(F::CODE_128, &serial).caption(&serial)
            } else {
                label
            };
            (label, serial, "becker")
        }
        // Becker printed only, model and number in two places.
        4 => {
            let model = *dice.pick(&["4739", "4757"]);
            let number = digits(dice, 8);
            let serial = format!("BE{model}{number}");
            let label = Label::default()
                .line("Becker")
                .line(&format!("Model No: BE {model}"))
                .line("12V DC")
                .line(&format!("Serial No: {number}"))
                .line("Made in Germany");
            (label, serial, "becker-printed")
        }
        // Visteon: Code 39 or Data Matrix, the serial printed `M 123456`
        // or `M0123456`.
        5 => {
            let n = digits(dice, 6);
            let serial = format!("M{n}");
            let format = *dice.pick(&[F::CODE_39, F::CODE_128, F::DATA_MATRIX]);
            let label = Label::default()
                .line("VISTEON")
                .with(format, &serial)
                .caption(&format!("M {n}"))
                .line(&format!(
                    "28185 {}",
                    dice.pick(&["9U10A", "BC40A", "AX600"])
                ));
            (label, serial, "visteon")
        }
        6 => {
            let n = digits(dice, 6);
            let serial = format!("M{n}");
            let label = Label::default()
                .line("VISTEON")
                .line(dice.pick::<&str>(&["CAR RADIO", "RADIO CD"]))
                .line(&format!("SERIAL M0{n}"))
                .line("MADE IN PORTUGAL");
            (label, serial, "visteon-printed")
        }
        // Renault-made: the long barcode, or the precode printed by its cue.
        7 => {
            let precode = precode(dice);
            let long = format!("281150{}RT{precode}", digits(dice, 3));
            let label = Label::default()
                .with(F::CODE_128, &long)
                .line(&format!("PRE CODE: {precode}"))
                .line(dice.pick::<&str>(&["UPDATE LIST", "NISSAN", "MADE IN FRANCE"]));
            (label, precode, "renault-barcode")
        }
        _ => {
            let precode = precode(dice);
            let cue = *dice.pick(&["PRECODE:", "PRE CODE", "PRE-CODE", "Precode"]);
            let part = format!("28115{}R", digits(dice, 4));
            let label = Label::default()
                .line("NISSAN")
                .with(F::CODE_128, &part)
                .line(&format!("{cue} {precode}"))
                .line(dice.pick::<&str>(&["2006", "KW 07/07", "E11 10R-020122"]));
            (label, precode, "renault-printed")
        }
    }
}

fn precode(dice: &mut Dice) -> String {
    let letters = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    format!(
        "{}{}",
        letters[dice.below(letters.len() as u64) as usize] as char,
        digits(dice, 3)
    )
}

/// A photo with no serial: an invoice, a radio's front, a label of other
/// numbers only.
fn without_serial(dice: &mut Dice, kind: u64) -> (Label, &'static str) {
    match kind % 4 {
        0 => (
            Label::default()
                .line("INVOICE 2006-0417")
                .line("RADIO REPAIR   1   45.00")
                .line("PART 28185 9U10A")
                .line("KW 07/07  TOTAL 2006.00"),
            "invoice",
        ),
        1 => (
            Label::default()
                .line("NISSAN")
                .line("CD   FM   AM   SCAN")
                .line("1   2   3   4   5   6")
                .line("CODE ----"),
            "radio-front",
        ),
        2 => (
            Label::default()
                .line("BLAUPUNKT")
                .with(F::CODE_128, "7645384318")
                .caption("7 645 384 318")
                .line("8 635 123 394")
                .line("WARRANTY VOID"),
            "decoys-only",
        ),
        _ => (
            Label::default()
                .with(F::CODE_128, &format!("28185{}", digits(dice, 4)))
                .line("Mexico 2000")
                .line("E11 10R-020122"),
            "part-label",
        ),
    }
}

/// The 120 photos of the widened set drawn from `seed`.
pub fn cases(big: bool, seed: u64) -> Vec<Case> {
    let mut dice = Dice::new(seed * 7919 + 17);
    let mut out = Vec::new();
    for i in 0..120u64 {
        let (label, serial, what) = if i < 104 {
            let (l, s, w) = with_serial(&mut dice, i % 9);
            (l, s, w)
        } else {
            let (l, w) = without_serial(&mut dice, i);
            (l, String::new(), w)
        };
        let face = *dice.pick(&Face::ALL);
        let label = Label { face, ..label };
        let (shot, how) = shot(&mut dice, big, seed * 1000 + i);
        let name = format!("{what}-{face:?}-{how}").to_lowercase();
        out.push((name, label, serial, shot, dice.below(6) == 0));
    }
    out
}

/// How the photo is taken: a phone at a bench.
fn shot(dice: &mut Dice, big: bool, seed: u64) -> (Shot, String) {
    let mut how = Vec::new();
    let mut shot = Shot {
        seed,
        width: if big { 4000 } else { 1600 },
        height: if big { 3000 } else { 1200 },
        fill: if big {
            dice.between(0.2, 0.45)
        } else {
            dice.between(0.4, 0.85)
        },
        at: (dice.between(0.4, 0.6), dice.between(0.4, 0.6)),
        ..Shot::default()
    };
    shot.angle = match dice.below(8) {
        0 => {
            how.push("q90");
            90.0
        }
        1 => {
            how.push("q180");
            180.0
        }
        2 => {
            how.push("q270");
            270.0
        }
        3 => {
            how.push("slant");
            dice.between(-25.0, 25.0)
        }
        _ => dice.between(-4.0, 4.0),
    };
    if dice.below(3) == 0 {
        shot.tilt = dice.between(-0.2, 0.2);
        how.push("tilted");
    }
    match dice.below(4) {
        0 => {
            // Silver, grey print, brushed.
            shot.ink = 70;
            shot.paper = 190;
            shot.grain = 12;
            how.push("silver");
        }
        1 => {
            shot.ink = 40;
            shot.paper = 205;
            how.push("yellowed");
        }
        _ => {}
    }
    if dice.below(4) == 0 {
        shot.glare = dice.between(0.5, 1.0);
        how.push("glare");
    }
    if dice.below(4) == 0 {
        shot.shadow = dice.between(0.2, 0.5);
        how.push("shadow");
    }
    if dice.below(3) == 0 {
        shot.clutter = true;
        how.push("clutter");
    }
    shot.blur = dice.below(3) as u32 * if big { 2 } else { 1 };
    shot.noise = dice.below(25) as u8;
    if how.is_empty() {
        how.push("plain");
    }
    (shot, how.join("-"))
}
