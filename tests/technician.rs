//! The workbench as a technician meets it: what is said, what keys do, and
//! what fits, at 80x24, 120x40 and 200x50.

mod common;

use common::tui::{app, app_with_records, key, screen, type_text};
use radiocode::tui::app::Msg;
use ratatui::crossterm::event::KeyCode;

#[test]
fn a_job_search_with_no_match_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 80, 24);
    key(&mut a, KeyCode::F(2));
    assert!(screen(&a).contains("No jobs yet"), "{}", screen(&a));
    type_text(&mut a, "ZZ99");
    let s = screen(&a);
    assert!(s.contains("No job matches 'ZZ99'"), "{s}");
    assert!(!s.contains("No jobs yet"), "{s}");
}

#[test]
fn a_path_is_read_as_a_terminal_types_it() {
    use radiocode::session::typed_path;
    use std::path::PathBuf;
    assert_eq!(
        typed_path("'/tmp/a b/d.bin' "),
        PathBuf::from("/tmp/a b/d.bin")
    );
    assert_eq!(typed_path("\"/tmp/d.bin\""), PathBuf::from("/tmp/d.bin"));
    assert_eq!(
        typed_path("file:///tmp/a%20b.bin"),
        PathBuf::from("/tmp/a b.bin")
    );
    if cfg!(unix) {
        assert_eq!(typed_path("/tmp/a\\ b.bin"), PathBuf::from("/tmp/a b.bin"));
        let home = dirs_home();
        assert_eq!(typed_path("~/d.bin"), home.join("d.bin"));
        assert_eq!(typed_path("~"), home);
    }
}

fn dirs_home() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
}

#[test]
fn the_dump_pane_takes_a_dropped_path_and_a_failed_read_clears_the_last_one() {
    let dir = tempfile::tempdir().unwrap();
    let spaced = dir.path().join("a dump.bin");
    let mut bytes = vec![0x5Au8; 256];
    bytes[0x10] = 0x70;
    bytes[0x11] = 0x91;
    std::fs::write(&spaced, &bytes).unwrap();
    let mut a = app(120, 40);
    key(&mut a, KeyCode::F(3));
    a.update(Msg::Paste(format!("'{}' ", spaced.display())));
    key(&mut a, KeyCode::Enter);
    let s = screen(&a);
    assert!(s.contains("256 bytes"), "{s}");
    assert!(s.contains("0000"), "the hex view is there: {s}");
    for _ in 0..200 {
        key(&mut a, KeyCode::Backspace);
    }
    a.update(Msg::Paste(format!(
        "'{}'",
        dir.path().join("gone.bin").display()
    )));
    key(&mut a, KeyCode::Enter);
    let s = screen(&a);
    assert!(
        !s.contains("256 bytes"),
        "the last file's view is gone: {s}"
    );
    assert!(s.contains("gone.bin"), "{s}");
}
