//! A label photo read from the workbench: F5 or a pasted path, the reading
//! off the screen's thread with its step shown, Esc to stop it, and the
//! photo drawn in half-blocks with the serial in the field, marked.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::labels::{Label, Shot, jpeg, photo, png};
use common::tui::{app, key, screen, type_text};
use radiocode::tui::app::{App, Msg};
use radiocode::tui::photo::PhotoMsg;
use ratatui::crossterm::event::KeyCode;

/// Asks the reading how it is doing until it is done (as the loop does).
fn wait(a: &mut App) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while a.photo.reading().is_some() {
        assert!(Instant::now() < deadline, "the photo was never read");
        std::thread::sleep(Duration::from_millis(10));
        a.update(Msg::Photo(PhotoMsg::Poll));
    }
}

fn label_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("label.png");
    let l = Label::code128("BP538461234567").with(rxing::BarcodeFormat::CODE_128, "7645384318");
    std::fs::write(&path, png(&photo(&l, Shot::default()))).unwrap();
    path
}

#[test]
fn f5_reads_a_photo_into_the_serial_field_and_shows_it_in_half_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let file = label_file(dir.path());
    let mut a = app(120, 40);
    key(&mut a, KeyCode::F(5));
    assert!(
        screen(&a).contains("Read a label photo (F5)"),
        "{}",
        screen(&a)
    );
    type_text(&mut a, file.to_str().unwrap());
    key(&mut a, KeyCode::Enter);
    let s = screen(&a);
    assert!(s.contains("(Esc stops)") && s.contains("label.png"), "{s}");
    wait(&mut a);
    assert_eq!(a.input.value(), "BP538461234567");
    let s = screen(&a);
    assert!(s.contains("Serial: read from the photo (barcode)"), "{s}");
    assert!(s.contains("Photo: barcode"), "{s}");
    assert!(s.contains("read BP538461234567 off the photo"), "{s}");
    // The photo, in half-blocks, where the label diagram was.
    assert!(s.contains('▀') || s.contains('▄'), "{s}");
    assert!(!s.contains("Which label is on the radio?"), "{s}");
    // Typing over it: the mark goes, the photo stays.
    key(&mut a, KeyCode::Backspace);
    let s = screen(&a);
    assert!(!s.contains("read from the photo"), "{s}");
    assert!(s.contains("Photo: "), "{s}");
}

#[test]
fn a_photo_path_pasted_or_dropped_into_the_serial_field_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = label_file(dir.path());
    let mut a = app(80, 24);
    // Terminals quote a dropped path with spaces; this one has none.
    a.update(Msg::Paste(format!("'{}' ", file.display())));
    assert!(a.photo.reading().is_some());
    wait(&mut a);
    assert_eq!(a.input.value(), "BP538461234567");
    assert!(
        screen(&a).contains("Serial: read from the photo (barcode)"),
        "{}",
        screen(&a)
    );
    // Other pasted text is typed as before.
    a.update(Msg::ClearSerial);
    a.update(Msg::Paste("J727".into()));
    assert!(a.photo.reading().is_none());
    assert_eq!(a.input.value(), "J727");
}

#[test]
fn esc_stops_a_reading_and_a_bad_file_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.jpg");
    let shot = Shot {
        width: 4000,
        height: 3000,
        fill: 0.02,
        ..Shot::default()
    };
    std::fs::write(&big, jpeg(&photo(&Label::code128("M123456"), shot), 90)).unwrap();
    let mut a = app(120, 40);
    type_text(&mut a, "J727");
    a.update(Msg::Photo(PhotoMsg::ReadPath(big)));
    key(&mut a, KeyCode::Esc);
    assert!(a.photo.reading().is_none());
    let s = screen(&a);
    assert!(s.contains("stopped reading"), "{s}");
    // The serial typed is still there: Esc stopped the reading only.
    assert_eq!(a.input.value(), "J727");

    let bad = dir.path().join("notes.png");
    std::fs::write(&bad, b"not a photo").unwrap();
    key(&mut a, KeyCode::F(5));
    type_text(&mut a, bad.to_str().unwrap());
    key(&mut a, KeyCode::Enter);
    wait(&mut a);
    let s = screen(&a);
    assert!(s.contains("is not a JPEG or PNG photo"), "{s}");
    assert_eq!(a.input.value(), "J727");
    // Esc in the path popup closes it and keeps the serial.
    key(&mut a, KeyCode::F(5));
    key(&mut a, KeyCode::Esc);
    assert!(!screen(&a).contains("Read a label photo"));
    assert_eq!(a.input.value(), "J727");
}

#[test]
fn a_serial_read_by_a_label_rule_says_so_under_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("twingo.png");
    std::fs::write(
        &path,
        png(&photo(&Label::code128("281150063RTJ727"), Shot::default())),
    )
    .unwrap();
    let mut a = app(120, 40);
    a.update(Msg::Photo(PhotoMsg::ReadPath(path)));
    wait(&mut a);
    assert_eq!(a.input.value(), "J727");
    let s = screen(&a);
    assert!(
        s.contains("photo   the four characters after the T in the barcode"),
        "{s}"
    );
    assert!(
        s.contains("photo   not sure: check the serial on the label"),
        "{s}"
    );
    // Beside the large keypad, the photo goes under the decoder.
    assert!(s.contains("Photo: barcode, not sure"), "{s}");
    assert!(s.contains("Keypad · 6586"), "{s}");
}

/// A photo with no serial on it (decoys only) leaves no radio on screen as
/// if it came from that photo: the serial before it is cleared and said.
#[test]
fn a_photo_without_a_serial_leaves_no_radio_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("decoys.png");
    let decoys = Label::default()
        .line("BLAUPUNKT")
        .line("WARRANTY VOID")
        .line("2006");
    std::fs::write(&path, png(&photo(&decoys, Shot::default()))).unwrap();
    let mut a = app(120, 40);
    type_text(&mut a, "J727");
    assert!(a.outcome.is_some());
    a.update(Msg::Photo(PhotoMsg::ReadPath(path)));
    wait(&mut a);
    assert_eq!(
        a.input.value(),
        "",
        "the radio before stays as if read off the photo"
    );
    assert!(a.outcome.is_none());
    let notice = a.notice.clone().unwrap_or_default();
    assert!(notice.contains("no serial read off the photo"), "{notice}");
    assert!(
        notice.contains("J727 was the radio before, cleared"),
        "{notice}"
    );
    assert!(!screen(&a).contains("6586"), "{}", screen(&a));
}

/// F5's dialog says what is wrong inside itself and keeps the path typed:
/// Enter on nothing asks for a path; a file that is not a photo brings the
/// dialog back with its path and the reason, to be put right.
#[test]
fn the_photo_dialog_keeps_the_path_and_says_what_is_wrong_inside() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(100, 30);
    key(&mut a, KeyCode::F(5));
    key(&mut a, KeyCode::Enter);
    let s = screen(&a);
    assert!(s.contains("Read a label photo"), "the dialog stays: {s}");
    assert!(s.contains("type or drop the photo's path first"), "{s}");
    let bad = dir.path().join("notes.txt");
    std::fs::write(&bad, "not a photo").unwrap();
    type_text(&mut a, bad.to_str().unwrap());
    let s = screen(&a);
    assert!(
        !s.contains("path first"),
        "typing clears the complaint: {s}"
    );
    key(&mut a, KeyCode::Enter);
    wait(&mut a);
    let s = screen(&a);
    assert!(s.contains("Read a label photo"), "the dialog is back: {s}");
    assert!(s.contains("notes.txt"), "with the path: {s}");
    assert!(s.contains("is not a JPEG or PNG photo"), "and why: {s}");
    // Put right in place: the path is there to edit, Esc leaves.
    key(&mut a, KeyCode::Esc);
    assert!(!screen(&a).contains("Read a label photo"));
}
