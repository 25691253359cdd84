//! Chip dumps: the documented layouts, every encoding in both word orders,
//! learning a layout from dumps with known codes, and bad files.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::cli::{self, text};
use proptest::prelude::*;
use radiocode::decode::{Code, Confidence};
use radiocode::dump::{self, Dump, Encoding, Evidence, Learned, Spot};
use serde_json::Value;

/// Deterministic filler: the same "random" bytes on every run.
fn filler(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Writes `code` at `spot` the way a chip would hold it.
fn plant(bytes: &mut [u8], spot: Spot, code: Code) {
    let stored = spot.encoding.write(code);
    for (i, b) in stored.iter().enumerate() {
        let at = spot.address + i;
        let at = if spot.word_swapped && (at ^ 1) < bytes.len() {
            at ^ 1
        } else {
            at
        };
        bytes[at] = *b;
    }
}

fn code(c: &str) -> Code {
    Code::parse(c).unwrap()
}

fn rc(db: &Path, args: &[&str]) -> Output {
    cli::run(db, cli::NO_CONFIG, args, &[])
}

struct Bench {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Bench {
    fn new() -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("radiocode.db");
        Bench { dir, db }
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    }

    fn rc(&self, args: &[&str]) -> Output {
        rc(&self.db, args)
    }

    fn json(&self, args: &[&str]) -> (Option<i32>, Value) {
        let out = self.rc(args);
        let v =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
        (out.status.code(), v)
    }
}

#[test]
fn the_delco_layout_reads_0872_from_a_premium_5_dump() {
    let b = Bench::new();
    let mut bytes = filler(512, 1);
    bytes[0x14] = 0x08;
    bytes[0x15] = 0x72;
    let f = b.file("delco.bin", &bytes);
    let (status, v) = b.json(&[
        "dump",
        "show",
        &f,
        "--layout",
        "vw-premium-5-delco",
        "--json",
    ]);
    assert_eq!(status, Some(0));
    assert_eq!(v["bytes"], 512);
    assert_eq!(v["chips"], serde_json::json!(["24C04", "93C66"]));
    assert_eq!(v["state"], "data");
    assert_eq!(v["sha256"].as_str().unwrap().len(), 64);
    let c = &v["candidates"][0];
    assert_eq!(c["code"], "0872");
    assert_eq!(c["source"], "chip-dump");
    assert_eq!(c["confidence"], "unconfirmed");
    assert_eq!(c["layout"], "vw-premium-5-delco");
    assert_eq!(c["address"], 0x14);
    assert_eq!(c["encoding"], "bcd-high-first");
    assert!(c["note"].as_str().unwrap().contains("NOT a Nissan unit"));
    // The text view brackets the code's bytes.
    let shown = text(&b.rc(&["dump", "show", &f, "--layout", "vw-premium-5-delco"]));
    assert!(shown.contains("[08][72]"), "{shown}");
    // Without a model or layout nothing is read, and that is said.
    let (status, v) = b.json(&["dump", "show", &f, "--json"]);
    assert_eq!(status, Some(1));
    assert!(v["candidates"].as_array().unwrap().is_empty());
    assert!(v["notes"][0].as_str().unwrap().contains("--model"));
}

#[test]
fn the_documented_examples_read_through_their_layouts() {
    let cases = [
        ("blaupunkt-acr-4250", 128, 0x05, vec![0x26, 0x25], "6252"),
        ("vw-gamma-5-technisat", 1024, 0x0C, b"1234".to_vec(), "1234"),
    ];
    for (id, size, at, stored, expect) in cases {
        let mut bytes = filler(size, 2);
        bytes[at..at + stored.len()].copy_from_slice(&stored);
        let d = Dump::from_bytes(bytes).unwrap();
        let layout = dump::layout_by_id(id, &[], &[]).unwrap();
        let (found, _) = dump::read_codes(&d, &[layout]);
        assert_eq!(found[0].code.to_string(), expect, "{id}");
        assert_eq!(found[0].confidence, Confidence::Unconfirmed);
    }
}

/// Every encoding, in both word orders, at an even and an odd address.
fn every_spot() -> Vec<Spot> {
    let mut spots = Vec::new();
    for encoding in Encoding::ALL {
        for word_swapped in [false, true] {
            for address in [0x40, 0x53] {
                spots.push(Spot {
                    address,
                    encoding,
                    word_swapped,
                });
            }
        }
    }
    spots
}

#[test]
fn find_sees_a_code_in_every_encoding_and_word_order() {
    for (i, spot) in every_spot().into_iter().enumerate() {
        let mut bytes = filler(1024, 10 + i as u64);
        plant(&mut bytes, spot, code("4739"));
        let found = dump::find(&bytes, code("4739"));
        assert!(
            found.contains(&spot.canonical()),
            "{spot:?} not among {found:?}"
        );
        let d = Dump::from_bytes(bytes).unwrap();
        assert_eq!(d.read(spot), Some(code("4739")), "{spot:?}");
    }
}

#[test]
fn two_dumps_with_different_codes_learn_exactly_the_planted_layout() {
    for (i, spot) in every_spot().into_iter().enumerate() {
        let seed = 100 + 2 * i as u64;
        let (mut a, mut b) = (filler(2048, seed), filler(2048, seed + 1));
        plant(&mut a, spot, code("0872"));
        plant(&mut b, spot, code("5316"));
        let (ha, hb) = (dump::sha256_hex(&a), dump::sha256_hex(&b));
        let learned = dump::learn(&[
            Evidence {
                sha256: &ha,
                bytes: &a,
                code: code("0872"),
            },
            Evidence {
                sha256: &hb,
                bytes: &b,
                code: code("5316"),
            },
        ]);
        match learned {
            Learned::Layout {
                spot: found,
                dumps,
                codes,
            } => {
                assert_eq!(found, spot.canonical(), "planted {spot:?}");
                assert_eq!((dumps.len(), codes), (2, 2));
            }
            other => panic!("{spot:?}: {other:?}"),
        }
    }
}

#[test]
fn one_dump_or_one_code_learns_nothing_and_a_contradiction_is_reported() {
    let spot = Spot {
        address: 0x94,
        encoding: Encoding::NibbleXorA,
        word_swapped: false,
    };
    let dumps: Vec<(Vec<u8>, Code)> = [("1234", 7), ("1234", 8), ("5678", 9)]
        .iter()
        .map(|(c, seed)| {
            let mut bytes = filler(256, *seed);
            plant(&mut bytes, spot, code(c));
            (bytes, code(c))
        })
        .collect();
    let hashes: Vec<String> = dumps.iter().map(|(b, _)| dump::sha256_hex(b)).collect();
    let evidence = |n: usize| -> Vec<Evidence<'_>> {
        dumps[..n]
            .iter()
            .zip(&hashes)
            .map(|((bytes, code), h)| Evidence {
                sha256: h,
                bytes,
                code: *code,
            })
            .collect()
    };
    assert!(matches!(
        dump::learn(&evidence(1)),
        Learned::Unsettled {
            dumps: 1,
            codes: 1,
            ..
        }
    ));
    assert!(matches!(
        dump::learn(&evidence(2)),
        Learned::Unsettled {
            dumps: 2,
            codes: 1,
            ..
        }
    ));
    assert!(matches!(dump::learn(&evidence(3)), Learned::Layout { spot: s, .. } if s == spot));
    // The fourth radio's code (3141) is written elsewhere: the layout loses its standing.
    let mut moved = filler(256, 11);
    plant(
        &mut moved,
        Spot {
            address: 0x20,
            ..spot
        },
        code("3141"),
    );
    let h = dump::sha256_hex(&moved);
    let mut all = evidence(3);
    all.push(Evidence {
        sha256: &h,
        bytes: &moved,
        code: code("3141"),
    });
    match dump::learn(&all) {
        Learned::Contradicted {
            spot: s,
            agreeing,
            by,
            code: c,
        } => {
            assert_eq!(
                (s, agreeing.len(), by, c),
                (spot, 3, h.clone(), code("3141"))
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn learn_two_show_a_third_then_a_contradiction() {
    let b = Bench::new();
    let spot = Spot {
        address: 0x1A2,
        encoding: Encoding::BcdNibbleSwapped,
        word_swapped: true,
    };
    let radio = |seed: u64, c: &str, name: &str| {
        let mut bytes = filler(1024, seed);
        plant(&mut bytes, spot, code(c));
        b.file(name, &bytes)
    };
    let (one, two, three) = (
        radio(21, "1234", "one.bin"),
        radio(22, "8765", "two.bin"),
        radio(23, "4071", "three.bin"),
    );
    let out = b.rc(&["dump", "learn", &one, "--code", "1234", "--model", "5384"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("Learning needs a dump of another BP5384"),
        "{}",
        text(&out)
    );
    let again = b.rc(&["dump", "learn", &one, "--code", "1234", "--model", "5384"]);
    assert!(text(&again).contains("counts once"), "{}", text(&again));
    let other_code = b.rc(&["dump", "learn", &one, "--code", "9999", "--model", "5384"]);
    assert_eq!(other_code.status.code(), Some(2), "{}", text(&other_code));
    // The serial gives the model; the code is the technician's word here.
    let out = b.rc(&[
        "dump",
        "learn",
        &two,
        "--code",
        "8765",
        "--serial",
        "BP538469512132",
        "--source",
        "customer's Radio Pass card",
    ]);
    assert!(
        text(&out).contains("learned the layout of BP5384"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("Radio Pass"), "{}", text(&out));

    let (status, v) = b.json(&["dump", "show", &three, "--model", "BP5384", "--json"]);
    assert_eq!(status, Some(0), "{v}");
    let c = &v["candidates"][0];
    assert_eq!(c["code"], "4071");
    assert_eq!(c["confidence"], "likely");
    assert_eq!(c["layout"], "learned:BP5384");
    assert!(c["note"].as_str().unwrap().contains("2 dumps"));

    // With a serial the dump's code joins the decode; the book's other codes
    // disagree, loudly.
    let (status, v) = b.json(&[
        "dump",
        "show",
        &three,
        "--serial",
        "BP538464182965",
        "--json",
    ]);
    assert_eq!(status, Some(0));
    let decode = &v["decode"];
    assert_eq!(decode["candidates"][0]["code"], "4071");
    assert_eq!(decode["candidates"][0]["source"], "chip-dump");
    assert_eq!(decode["candidates"][1]["code"], "7091");
    let loud = decode["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "chip-dump-disagrees")
        .unwrap();
    assert!(
        loud["message"]
            .as_str()
            .unwrap()
            .contains("THE CHIP DUMP DISAGREES")
    );

    // A fourth radio of the model whose code is elsewhere.
    let mut odd = filler(1024, 24);
    plant(
        &mut odd,
        Spot {
            address: 0x300,
            ..spot
        },
        code("5555"),
    );
    let odd = b.file("odd.bin", &odd);
    let out = b.rc(&["dump", "learn", &odd, "--code", "5555", "--model", "5384"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("CONTRADICTED"), "{}", text(&out));
    let (status, v) = b.json(&["dump", "show", &three, "--model", "5384", "--json"]);
    assert_eq!(status, Some(1), "no standing, no code");
    assert!(v["notes"][0].as_str().unwrap().contains("CONTRADICTED"));
    let list = text(&b.rc(&["dump", "layouts"]));
    assert!(
        list.contains("learned:BP5384") && list.contains("contradicted"),
        "{list}"
    );
}

#[test]
fn layouts_travel_to_another_garage_with_their_evidence() {
    let here = Bench::new();
    let spot = Spot {
        address: 0x22,
        encoding: Encoding::Ascii,
        word_swapped: false,
    };
    for (seed, c) in [(31, "1357"), (32, "2468")] {
        let mut bytes = filler(512, seed);
        plant(&mut bytes, spot, code(c));
        let f = here.file(&format!("{c}.bin"), &bytes);
        here.rc(&["dump", "learn", &f, "--code", c, "--model", "BE4739"]);
    }
    for format in ["toml", "json"] {
        let exported = here.rc(&["dump", "layouts", "--format", format]);
        assert_eq!(exported.status.code(), Some(0));
        let there = Bench::new();
        let file = there.file(&format!("layouts.{format}"), &exported.stdout);
        let out = there.rc(&["dump", "layouts", "import", &file]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(
            text(&out).contains("imported 1 layout, 0 already here"),
            "{}",
            text(&out)
        );
        let out = there.rc(&["dump", "layouts", "import", &file]);
        assert!(
            text(&out).contains("imported 0 layouts, 1 already here"),
            "{}",
            text(&out)
        );
        let mut third = filler(512, 33);
        plant(&mut third, spot, code("9753"));
        let f = there.file("third.bin", &third);
        let (status, v) = there.json(&["dump", "show", &f, "--model", "BE4739", "--json"]);
        assert_eq!(status, Some(0), "{v}");
        let c = &v["candidates"][0];
        assert_eq!(c["code"], "9753");
        assert_eq!(c["confidence"], "unconfirmed", "not this garage's evidence");
        assert!(c["note"].as_str().unwrap().contains("imported"));
        let listed = text(&there.rc(&["dump", "layouts", "--format", "json"]));
        let v: Value = serde_json::from_str(&listed).unwrap();
        let imported = v["layouts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["status"] == "imported")
            .unwrap();
        assert_eq!(imported["evidence"].as_array().unwrap().len(), 2);
    }
}

#[test]
fn blank_and_unconnected_reads_give_no_code_and_say_why() {
    let b = Bench::new();
    for (name, bytes, says) in [
        ("blank.bin", vec![0xFF; 256], "FF"),
        ("zeros.bin", vec![0x00; 256], "clip"),
    ] {
        let f = b.file(name, &bytes);
        let (status, v) = b.json(&[
            "dump",
            "show",
            &f,
            "--layout",
            "vw-premium-5-delco",
            "--json",
        ]);
        assert_eq!(status, Some(1));
        assert!(v["candidates"].as_array().unwrap().is_empty());
        assert!(v["notes"][0].as_str().unwrap().contains(says), "{v}");
        let out = b.rc(&["dump", "learn", &f, "--code", "0000", "--model", "5384"]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(
            text(&out).contains("nothing was recorded"),
            "{}",
            text(&out)
        );
    }
}

#[test]
fn bad_files_are_refused_with_the_reason() {
    let b = Bench::new();
    let empty = b.file("empty.bin", b"");
    let big = b.file("big.bin", &filler(65 * 1024, 3));
    let odd = b.file("odd.bin", &filler(300, 4));
    let bad_hex = b.file(
        "bad.hex",
        b":040014000872123428\n:0400180012345678FF\n:00000001FF\n",
    );
    let good_hex = b.file("good.hex", b":040014000872123428\n:00000001FF\n");
    let folder = b.dir.path().to_str().unwrap().to_string();
    for (file, status, says) in [
        (empty.as_str(), 3, "empty"),
        (big.as_str(), 3, "no radio EEPROM"),
        (folder.as_str(), 3, "folder"),
        ("/nonexistent/x.bin", 3, "cannot read"),
        (bad_hex.as_str(), 3, "line 2: bad checksum"),
    ] {
        let out = b.rc(&["dump", "show", file, "--model", "5384"]);
        assert_eq!(out.status.code(), Some(status), "{file}: {}", text(&out));
        assert!(text(&out).contains(says), "{file}: {}", text(&out));
    }
    let out = b.rc(&["dump", "show", &odd, "--model", "5384"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("no EEPROM has this size"),
        "{}",
        text(&out)
    );
    let (status, v) = b.json(&[
        "dump",
        "show",
        &good_hex,
        "--layout",
        "vw-premium-5-delco",
        "--json",
    ]);
    assert_eq!(status, Some(0), "{v}");
    assert_eq!(v["candidates"][0]["code"], "0872");
    for args in [
        vec!["dump", "show", &odd, "--model", "BE1234"],
        vec!["dump", "show", &odd, "--serial", "J727"],
        vec!["dump", "show", &odd, "--layout", "nissan-made-up"],
        vec!["dump", "find", &odd, "--code", "12a4"],
        vec!["dump", "learn", &odd, "--code", "1234"],
    ] {
        let out = b.rc(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
    }
}

#[test]
fn find_reports_every_place_in_json() {
    let b = Bench::new();
    let mut bytes = filler(128, 5);
    // A Clarion 93C46 read in 16-bit mode: 42 76 held 7642.
    bytes[0x0E] = 0x42;
    bytes[0x0F] = 0x76;
    let f = b.file("clarion.bin", &bytes);
    let (status, v) = b.json(&["dump", "find", &f, "--code", "7642", "--json"]);
    assert_eq!(status, Some(0));
    assert_eq!(v["code"], "7642");
    let m = &v["matches"][0];
    assert_eq!(m["address"], 0x0E);
    assert_eq!(m["encoding"], "bcd-low-first");
    let (status, v) = b.json(&["dump", "find", &f, "--code", "0001", "--json"]);
    assert_eq!(status, Some(1));
    assert!(v["matches"].as_array().unwrap().is_empty());
}

/// The bytes a spot covers, taken out independently of the library.
fn bytes_at(bytes: &[u8], spot: Spot) -> Option<Vec<u8>> {
    (spot.address..spot.address + spot.encoding.width())
        .map(|i| {
            let j = if spot.word_swapped && (i ^ 1) < bytes.len() {
                i ^ 1
            } else {
                i
            };
            bytes.get(j).copied()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn find_reports_only_places_that_encode_the_code(
        bytes in proptest::collection::vec(any::<u8>(), 1..600),
        value in 0u16..10_000,
        plant_at in any::<prop::sample::Index>(),
        encoding in prop::sample::select(Encoding::ALL.to_vec()),
        word_swapped in any::<bool>(),
    ) {
        let code = Code::new(value);
        let mut bytes = bytes;
        if bytes.len() >= 4 {
            let spot = Spot { address: plant_at.index(bytes.len() - 3), encoding, word_swapped };
            if spot.address + 4 <= bytes.len() {
                plant(&mut bytes, spot, code);
            }
        }
        for spot in dump::find(&bytes, code) {
            let at = bytes_at(&bytes, spot).expect("a found place is inside the dump");
            prop_assert_eq!(spot.encoding.read(&at), Some(code));
            prop_assert_eq!(at, spot.encoding.write(code));
        }
    }

    #[test]
    fn show_reports_only_codes_the_bytes_at_a_layout_encode(
        bytes in proptest::collection::vec(any::<u8>(), 1..600),
        address in 0usize..600,
        encoding in prop::sample::select(Encoding::ALL.to_vec()),
        word_swapped in any::<bool>(),
    ) {
        let spot = Spot { address, encoding, word_swapped };
        let layout = dump::Layout {
            id: "test".into(),
            spot,
            confidence: Confidence::Likely,
            evidence: "test".into(),
        };
        let d = Dump::from_bytes(bytes.clone()).unwrap();
        let (found, why) = dump::read_codes(&d, &[layout]);
        prop_assert!(found.len() + why.len() >= 1);
        for c in found {
            let at = bytes_at(&bytes, spot).expect("inside the dump");
            prop_assert_eq!(encoding.read(&at), Some(c.code));
            prop_assert_eq!(at, encoding.write(c.code));
        }
    }
}
