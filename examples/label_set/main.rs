//! Writes a labelled set of label photos for `scripts/bench-label.sh`:
//! `label_set DIR [--big]` makes DIR/*.jpg|png and DIR/truth.csv
//! (file,serial,what), the serial empty where the photo holds none.
//! With `--big`, 12-megapixel phone photos with the label small in them.
//! With `--wide [SEED]`, the widened set: 120 labels as the makers print
//! them (104 with a serial, 16 without: invoices, radio fronts, labels of
//! other numbers) in proportional, OCR-B and dot-matrix faces, on white,
//! silver and yellowed paper, tilted, turned a quarter or half a turn, with
//! glare, shadow, clutter and decoy stickers; each SEED a set of its own
//! (serials, faces and shots all drawn from it).

mod wide;

#[path = "../../tests/common/labels.rs"]
mod labels;

use std::fmt::Write as _;
use std::path::PathBuf;

use labels::{Label, Shot, jpeg, photo, png};
use rxing::BarcodeFormat as F;

fn main() {
    let mut args = std::env::args_os().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: label_set DIR [--big]");
        std::process::exit(2);
    };
    let rest: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    let big = rest.iter().any(|a| a == "--big");
    let wide = rest.iter().position(|a| a == "--wide").map(|i| {
        rest.get(i + 1)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(1)
    });
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot make {}: {e}", dir.display());
        std::process::exit(3);
    }
    let mut truth = String::from("file,serial,what\n");
    if let Some(seed) = wide
        && labels::Face::ALL.iter().any(|f| !f.installed())
    {
        eprintln!(
            "the widened set prints in the distribution's faces: install fonts-liberation \
             fonts-freefont-ttf fonts-noto-core fonts-ocr-b (seed {seed})"
        );
        std::process::exit(3);
    }
    let cases = match wide {
        Some(seed) => wide::cases(big, seed),
        None => cases(big),
    };
    for (i, (name, label, serial, shot, as_png)) in cases.into_iter().enumerate() {
        let img = photo(&label, shot);
        let quality = if wide.is_some() {
            60 + (shot.seed % 31) as u8
        } else {
            80
        };
        let (file, bytes) = if as_png {
            (format!("{i:03}-{name}.png"), png(&img))
        } else {
            (format!("{i:03}-{name}.jpg"), jpeg(&img, quality))
        };
        if let Err(e) = std::fs::write(dir.join(&file), bytes) {
            eprintln!("cannot write {file}: {e}");
            std::process::exit(3);
        }
        let _ = writeln!(truth, "{file},{serial},{name}");
    }
    if let Err(e) = std::fs::write(dir.join("truth.csv"), truth) {
        eprintln!("cannot write truth.csv: {e}");
        std::process::exit(3);
    }
}

pub type Case = (String, Label, String, Shot, bool);

fn cases(big: bool) -> Vec<Case> {
    let serials: [(&str, F, &str); 8] = [
        ("bp", F::CODE_128, "BP234612345678"),
        ("bp-815", F::CODE_128, "815BP538461234567"),
        ("becker", F::CODE_128, "BE473912345678"),
        ("visteon", F::CODE_39, "M123456"),
        ("visteon-dm", F::DATA_MATRIX, "M654321"),
        ("renault-t", F::CODE_128, "281150063RTJ727"),
        ("bp-qr", F::QR_CODE, "BP538461234567"),
        ("bp-itf-part", F::ITF, "7642346318"),
    ];
    fn expected(text: &str) -> &str {
        match text {
            "815BP538461234567" => "BP538461234567",
            "281150063RTJ727" => "J727",
            "7642346318" => "",
            t => t,
        }
    }
    let mut out = Vec::new();
    let mut seed = 1;
    for (name, format, text) in serials {
        let mut label = Label::default().with(format, text);
        if name == "bp" {
            label = label
                .with(F::CODE_128, "7642346318")
                .line("MADE IN PORTUGAL");
        }
        let base = if big {
            Shot {
                width: 4000,
                height: 3000,
                fill: 0.22,
                at: (0.4, 0.6),
                ..Shot::default()
            }
        } else {
            Shot::default()
        };
        let variants: [(&str, Shot, bool); 8] = [
            ("straight", base, true),
            (
                "turned-12",
                Shot {
                    angle: 12.0,
                    ..base
                },
                false,
            ),
            (
                "turned-35",
                Shot {
                    angle: -35.0,
                    ..base
                },
                false,
            ),
            (
                "turned-90",
                Shot {
                    angle: 90.0,
                    ..base
                },
                false,
            ),
            ("blur", Shot { blur: 2, ..base }, false),
            ("noise", Shot { noise: 40, ..base }, false),
            (
                "dim",
                Shot {
                    ink: 70,
                    paper: 150,
                    ..base
                },
                false,
            ),
            (
                "small",
                Shot {
                    fill: base.fill * 0.5,
                    ..base
                },
                false,
            ),
        ];
        for (how, shot, as_png) in variants {
            seed += 1;
            out.push((
                format!("{name}-{how}"),
                label.clone(),
                expected(text).to_string(),
                Shot { seed, ..shot },
                as_png,
            ));
        }
    }
    let base = if big {
        Shot {
            width: 4000,
            height: 3000,
            fill: 0.22,
            ..Shot::default()
        }
    } else {
        Shot::default()
    };
    out.push((
        "part-number-only".to_string(),
        Label::code128("7645384318").line("7 645 384 318"),
        String::new(),
        base,
        false,
    ));
    out.push((
        "no-label".to_string(),
        Label::default(),
        String::new(),
        Shot { fill: 0.05, ..base },
        false,
    ));
    out
}
