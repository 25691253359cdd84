//! The `radiocode simulate` contract.

use std::process::{Command, Output};

use serde_json::Value;

fn simulate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .env(
            "RADIOCODE_DB",
            std::env::temp_dir().join(format!("radiocode-sim-none-{}/none.db", std::process::id())),
        )
        .arg("simulate")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn json_has_the_documented_shape() {
    let out = simulate(&["--json", "j727"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["serial"], "J727");
    assert_eq!(v["code"], "6586");
    assert_eq!(v["profile"], "renault-nissan");
    assert_eq!(v["tries_before_wait"], 1);
    assert_eq!(v["wait_minutes"], 15);
    assert_eq!(v["hard_limit"], Value::Null);
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps[0]["action"], "switch-on");
    assert_eq!(steps[0]["display"], "CODE");
    assert_eq!(steps[1]["action"], "press");
    assert_eq!(steps[1]["button"], "1");
    assert_eq!(steps[1]["times"], 6);
    assert_eq!(steps[1]["display"], "6000");
    assert_eq!(steps[1]["text"], "Press 1 six times: display 6000.");
    let last = steps.last().unwrap();
    assert_eq!(last["action"], "hold");
    assert_eq!(last["button"], "6");
    assert_eq!(last["seconds"], 10);
    assert!(v["sources"].as_array().unwrap().len() >= 2);
}

#[test]
fn blaupunkt_from_the_book_shows_the_plan_and_the_borrowed_rule() {
    let out = simulate(&["BP538464182965"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "code 7091 (code book, unconfirmed)",
        "Press 1 seven times: display 7000.",
        "press and hold 6 for 10-15 s",
        "1. 7091",
        "2. 1091",
        "before a 60-minute wait",
        "borrowed",
        "swapped or re-coded",
        "Never disconnect the battery",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    let v: Value = serde_json::from_slice(&simulate(&["--json", "BP538464182965"]).stdout).unwrap();
    assert_eq!(v["hard_limit"], 24);
    assert_eq!(
        v["steps"].as_array().unwrap().last().unwrap()["seconds"],
        15
    );
}

#[test]
fn exit_status_and_the_code_flag() {
    assert_eq!(
        simulate(&["7645384318"]).status.code(),
        Some(2),
        "not a serial"
    );
    let none = simulate(&["BP334958119566"]);
    assert_eq!(none.status.code(), Some(1), "valid, but no code");
    assert!(String::from_utf8_lossy(&none.stderr).contains("--code"));
    let given = simulate(&["--json", "--code", "0349", "BP334958119566"]);
    assert_eq!(given.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&given.stdout).unwrap();
    assert_eq!(v["code"], "0349");
    assert_eq!(simulate(&["--code", "34", "J727"]).status.code(), Some(2));
    let visteon: Value = serde_json::from_slice(&simulate(&["--json", "M123456"]).stdout).unwrap();
    let last = visteon["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "press");
    assert_eq!(last["button"], "5");
    assert_eq!(visteon["hard_limit"], 13);
}

#[test]
fn the_plan_starts_from_the_refusals_on_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("radiocode.db");
    let rc = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_radiocode"))
            .env("RADIOCODE_DB", &db)
            .env("RADIOCODE_CONFIG", "/nonexistent/radiocode.toml")
            .args(args)
            .output()
            .unwrap()
    };
    let said = |out: &Output| String::from_utf8_lossy(&out.stdout).into_owned();
    let fresh = said(&rc(&["simulate", "BP538464182965"]));
    assert!(fresh.contains("No refusals on record"), "{fresh}");
    assert!(fresh.contains("code 7091"), "{fresh}");
    for args in [
        &[
            "jobs",
            "add",
            "BP538464182965",
            "--vehicle",
            "AB12 CDE",
            "--proof",
            "V5C",
        ][..],
        &["jobs", "try", "1", "7091", "refused"][..],
    ] {
        assert!(rc(args).status.success(), "{args:?}");
    }
    let out = said(&rc(&["simulate", "BP538464182965"]));
    assert!(
        out.contains("On record: 1 refusal of this radio (7091 on job 1"),
        "{out}"
    );
    assert!(
        out.contains("code 1091"),
        "the next code not refused: {out}"
    );
    assert!(
        out.contains("1. 1091") && !out.contains("2. 7091"),
        "the refused code is out of the plan: {out}"
    );
    assert!(
        out.contains("(2 of 24 before the lock)"),
        "it counts: {out}"
    );
    // A refusal withdrawn as a mistake no longer counts.
    assert!(rc(&["jobs", "withdraw", "1", "7091"]).status.success());
    let out = said(&rc(&["simulate", "BP538464182965"]));
    assert!(out.contains("No refusals on record"), "{out}");
}
