//! The workbench as a technician meets it: what is said, what keys do, and
//! what fits, at 80x24, 120x40 and 200x50.

mod common;

use common::tui::{
    accept_on_a_new_job, app, app_with_records, key, refuse_on_a_new_job, screen, type_text,
};
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

#[test]
fn esc_never_throws_typed_work_away_on_one_press() {
    use radiocode::tui::app::{Effect, Focus};
    let mut a = app(80, 24);
    type_text(&mut a, "j727");
    assert_eq!(key(&mut a, KeyCode::Enter), Effect::None);
    assert_eq!(a.focus, Focus::Decoder);
    // From another pane, Esc goes back to the serial; / and s too.
    assert_eq!(key(&mut a, KeyCode::Esc), Effect::None);
    assert_eq!(a.focus, Focus::Serial);
    assert_eq!(a.input.value(), "j727");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('/'));
    assert_eq!(a.focus, Focus::Serial);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('s'));
    assert_eq!(a.focus, Focus::Serial);
    assert_eq!(a.input.value(), "j727", "s in another pane is not typed");
    // In the serial, Esc clears it, and then quits.
    assert_eq!(key(&mut a, KeyCode::Esc), Effect::None);
    assert_eq!(a.input.value(), "");
    assert!(screen(&a).contains("Esc again quits"));
    assert_eq!(key(&mut a, KeyCode::Esc), Effect::Quit);
}

#[test]
fn a_code_from_a_radio_pass_card_goes_first_and_is_used_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "BP538461234567");
    key(&mut a, KeyCode::Enter);
    assert!(a.selected_code().is_none(), "no code radiocode can justify");
    key(&mut a, KeyCode::Char('c'));
    type_text(&mut a, "12");
    key(&mut a, KeyCode::Enter);
    assert!(screen(&a).contains("exactly 4 digits"), "{}", screen(&a));
    type_text(&mut a, "34");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.selected_code().as_deref(), Some("1234"));
    let s = screen(&a);
    assert!(s.contains("1234  entered · likely"), "{s}");
    assert!(s.contains("Radio Pass card"), "{s}");
    assert!(a.simulator.is_some(), "the keypad guide works with it");
    // The radio refuses it: a job is started and the try recorded.
    refuse_on_a_new_job(&mut a);
    let job = a.job.as_ref().unwrap().id;
    let store = radiocode::store::SqliteStore::open(&dir.path().join("radiocode.db")).unwrap();
    use radiocode::store::Records;
    let jobs = store.jobs(&radiocode::store::JobFilter::job(job)).unwrap();
    assert_eq!(jobs[0].attempts[0].source, "entered: Radio Pass card");
}

#[test]
fn accepted_is_asked_once_before_it_becomes_a_confirmed_entry() {
    use radiocode::tui::app::OverlayKind;
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "bp 5384 6 418296S");
    key(&mut a, KeyCode::Enter);
    refuse_on_a_new_job(&mut a);
    assert_eq!(a.selected_code().as_deref(), Some("1091"));
    key(&mut a, KeyCode::Char('a'));
    assert_eq!(a.overlay.kind(), OverlayKind::ConfirmTry);
    let s = screen(&a);
    assert!(
        s.contains("accepted 1091?") && s.contains("CONFIRMED"),
        "{s}"
    );
    key(&mut a, KeyCode::Char('n'));
    assert_eq!(a.overlay.kind(), OverlayKind::None);
    assert!(
        a.notice
            .as_deref()
            .unwrap()
            .contains("nothing was recorded")
    );
    key(&mut a, KeyCode::Char('a'));
    key(&mut a, KeyCode::Char('y'));
    assert!(
        a.notice.as_deref().unwrap().contains("1091 accepted"),
        "{:?}",
        a.notice
    );
}

#[test]
fn the_job_form_shows_input_boxes_and_its_complaint_goes_once_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 80, 24);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('r'));
    assert!(
        screen(&a).contains("Registration / VIN  ["),
        "{}",
        screen(&a)
    );
    key(&mut a, KeyCode::Enter);
    assert!(screen(&a).contains("both are needed"));
    type_text(&mut a, "AB12");
    key(&mut a, KeyCode::Tab);
    type_text(&mut a, "V5C");
    let s = screen(&a);
    assert!(!s.contains("both are needed"), "{s}");
    assert!(s.contains("[AB12 "), "{s}");
}

#[test]
fn d_writes_the_request_from_the_keypad_pane_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.focus, radiocode::tui::app::Focus::Keypad);
    key(&mut a, KeyCode::Char('d'));
    assert!(
        a.notice.as_deref().unwrap().contains("request-J727.html"),
        "{:?}",
        a.notice
    );
}

#[test]
fn copying_says_where_the_code_went() {
    use radiocode::tui::app::{Copied, Effect};
    let mut a = app(120, 40);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Enter);
    assert_eq!(key(&mut a, KeyCode::Char('y')), Effect::Copy("6586".into()));
    a.update(Msg::Copied("6586".into(), Copied::Terminal));
    let s = screen(&a);
    assert!(
        s.contains("sent 6586 to the terminal's clipboard (OSC 52)"),
        "{s}"
    );
    assert!(!s.contains("copied 6586"), "{s}");
    a.update(Msg::Copied("6586".into(), Copied::System));
    assert!(screen(&a).contains("copied 6586 to the clipboard"));
}

/// Every mark under a typed character is explained by a finding that
/// names its position (counted from 1), whatever brand is forced.
#[test]
fn every_caret_is_explained() {
    use radiocode::serial::{Family, diagnose};
    let inputs = [
        "BP538464182965",
        "bp 5384 6 41829O5",
        "J727",
        "J7270",
        "M1234567",
        "BE473912345678",
        "M12345O",
        "BP5384641829",
    ];
    for input in inputs {
        for family in std::iter::once(None).chain(Family::ALL.map(Some)) {
            let d = diagnose(input, family);
            for (p, _) in d.flagged_positions() {
                let said = format!("position {}", p + 1);
                assert!(
                    d.findings.iter().any(|f| f.position == Some(p)
                        && (f.message.contains(&said) || p == 0 || f.kind_is_prefix())),
                    "{input} as {family:?}: the mark at {said} is not explained: {:#?}",
                    d.findings
                );
            }
        }
    }
}

trait PrefixKind {
    fn kind_is_prefix(&self) -> bool;
}

impl PrefixKind for radiocode::serial::Finding {
    /// A dropped or rewritten label prefix says what it dropped.
    fn kind_is_prefix(&self) -> bool {
        use radiocode::serial::FindingKind as K;
        matches!(
            self.kind,
            K::PrefixRemoved | K::PrefixRewritten | K::PartNumber
        )
    }
}

#[test]
fn a_code_refused_on_an_earlier_job_is_marked_when_the_serial_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut a = app_with_records(dir.path(), 120, 40);
        type_text(&mut a, "BP538464182965");
        key(&mut a, KeyCode::Enter);
        refuse_on_a_new_job(&mut a);
    }
    // Another day, another session: the same radio.
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "BP538464182965");
    let s = screen(&a);
    assert!(s.contains("7091  code book · unconfirmed · refused"), "{s}");
    assert_eq!(
        a.selected_code().as_deref(),
        Some("1091"),
        "the untried code is chosen"
    );
    let sim = a.simulator.as_ref().unwrap();
    assert_eq!(sim.already_refused, 1, "the try plan counts it");
}

#[test]
fn the_practice_timeline_keeps_no_stale_line() {
    let mut a = app(120, 40);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('p'));
    key(&mut a, KeyCode::Char('1'));
    key(&mut a, KeyCode::Char('h'));
    key(&mut a, KeyCode::Char('f'));
    assert_eq!(a.simulator.as_ref().unwrap().radio.display(), "WAIT");
    let s = screen(&a);
    assert!(
        !s.contains("/10 s"),
        "the hold bar went with the answer: {s}"
    );
    key(&mut a, KeyCode::Char('b'));
    assert!(screen(&a).contains("the battery was disconnected"));
    // The whole wait passes: the battery notice is about a wait that is over.
    key(&mut a, KeyCode::Char('F'));
    key(&mut a, KeyCode::Char('F'));
    let s = screen(&a);
    assert!(s.contains("the wait is over"), "{s}");
    assert!(!s.contains("wait started again from the beginning"), "{s}");
    assert_eq!(s.matches("switched on").count(), 1, "{s}");
}

/// A correction and a re-coded warning at 80x24: the serial pane takes the
/// rows its findings need, the decoder scrolls with its keys shown, and the
/// status line never cuts a word.
#[test]
fn nothing_is_cut_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    {
        use radiocode::store::Records;
        let mut store =
            radiocode::store::SqliteStore::open(&dir.path().join("radiocode.db")).unwrap();
        store
            .add_entry(&radiocode::store::NewEntry {
                serial: "BP538469512132".into(),
                code: radiocode::decode::Code::parse("0349").unwrap(),
                confidence: radiocode::decode::Confidence::Confirmed,
                source: "Radio Pass card seen".into(),
                added_by: "test".into(),
            })
            .unwrap();
        let mut a = app_with_records(dir.path(), 120, 40);
        type_text(&mut a, "BP538469512132");
        key(&mut a, KeyCode::Enter);
        refuse_on_a_new_job(&mut a);
    }
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let mut a = app_with_records(dir.path(), w, h);
        type_text(&mut a, "bp 5384 6 9512I32");
        let s = screen(&a);
        let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("position 15: 'I' read as '1'"),
            "{w}x{h}: {s}"
        );
        // The whole warning, whatever the width.
        assert!(
            flat.replace(['┃', '│'], " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains("a re-coded radio does not take its original code"),
            "{w}x{h}: {s}"
        );
        let status = s.lines().last().unwrap().trim_end().to_string();
        // It ends with a whole binding, never a cut word.
        let last = status.rsplit(" · ").next().unwrap_or_default();
        assert!(
            radiocode::tui::keys::BINDINGS
                .iter()
                .any(|b| !b.label.is_empty() && last.ends_with(&format!("{} {}", b.label, b.does))),
            "{w}x{h}: {status}"
        );
    }
    // The decoder scrolls where its text is longer than the pane.
    let mut a = app(80, 24);
    type_text(&mut a, "BP538461234567");
    key(&mut a, KeyCode::Enter);
    let s = screen(&a);
    assert!(s.contains("more lines below: PgDn"), "{s}");
    assert!(!s.contains("EEPROM read"), "the last route is below: {s}");
    for _ in 0..5 {
        key(&mut a, KeyCode::PageDown);
    }
    let s = screen(&a);
    assert!(s.contains("EEPROM read"), "{s}");
    assert!(s.contains("above: PgUp"), "{s}");
}

#[test]
fn below_80x24_a_note_names_the_size_needed() {
    for (w, h) in [(50, 14), (40, 12), (79, 30), (100, 23)] {
        let a = app(w, h);
        let s = screen(&a);
        let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("needs at least 80x24"), "{w}x{h}: {s}");
        assert!(!s.contains("Decoder"), "no broken panes at {w}x{h}");
    }
}

#[test]
fn a_wide_terminal_widens_the_decoder_and_grows_the_display() {
    let mut a = app(200, 50);
    type_text(&mut a, "J727");
    let s = screen(&a);
    // The decoder shows the algorithm's whole provenance on one line.
    assert!(
        s.lines()
            .any(|l| l.contains("checked against 23,400 of 23,400 published precode/code pairs")),
        "{s}"
    );
    // The display's digits are drawn twice as wide.
    assert!(s.contains("▄▄▄▄"), "{s}");
    let small = screen(&{
        let mut a = app(120, 40);
        type_text(&mut a, "J727");
        a
    });
    assert!(!small.contains("▄▄▄▄"));
}

/// Documents are as private as the records: 0600 in a 0700 folder,
/// whatever the umask.
#[cfg(unix)]
#[test]
fn documents_are_written_for_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('d'));
    let folder = dir.path().join("documents");
    let file = folder.join("request-J727.html");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&file), 0o600);
}

/// The screen the README shows, printed with `--nocapture` to keep it true.
#[test]
fn the_readme_screen() {
    let mut a = app(80, 24);
    type_text(&mut a, "bp 5384 6 418296S");
    let s = screen(&a);
    assert!(s.contains("position 17: 'S' read as '5'"), "{s}");
    println!("{s}");
}

#[test]
fn an_azerty_serial_shows_how_it_was_read() {
    let mut a = app(80, 24);
    type_text(&mut a, "Jè\"è");
    let s = screen(&a);
    assert!(s.contains("read as J737"), "{s}");
    assert!(s.contains("AZERTY"), "{s}");
    assert_eq!(a.selected_code().as_deref(), Some("6583"));
}

/// Text from the records holding bidirectional controls (a vehicle that
/// would show reversed, a source) reaches the screen without them.
#[test]
fn bidirectional_controls_from_the_records_never_reach_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    {
        use radiocode::store::{NewEntry, NewJob, Records, SqliteStore};
        let mut s = SqliteStore::open(&dir.path().join("radiocode.db")).unwrap();
        s.new_job(&NewJob {
            workstation: "bay\u{202E}1".into(),
            vehicle: "AB12\u{202E}EDC".into(),
            ownership_proof: "V5C".into(),
            serial: "J727".into(),
            ..NewJob::default()
        })
        .unwrap();
        s.add_entry(&NewEntry {
            serial: "J727".into(),
            code: radiocode::decode::Code::parse("6586").unwrap(),
            confidence: radiocode::decode::Confidence::Likely,
            source: "card \u{2066}seen\u{2069}".into(),
            added_by: "t".into(),
        })
        .unwrap();
    }
    let bidi = |s: &str| s.chars().any(radiocode::finding::is_bidi_control);
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app_with_records(dir.path(), w, h);
        type_text(&mut a, "J727");
        let shown = screen(&a);
        assert!(shown.contains("6586"), "{shown}");
        assert!(!bidi(&shown), "{shown}");
        key(&mut a, KeyCode::Tab);
        key(&mut a, KeyCode::Char('J'));
        let shown = screen(&a);
        assert!(shown.contains("AB12"), "the jobs view: {shown}");
        assert!(!bidi(&shown), "{shown}");
    }
}

/// With the records there but not answering, no request sheet is written
/// without the codes the radio refused, and codes refused on earlier jobs
/// are said to be unchecked, not taken for none.
#[test]
fn records_that_cannot_be_read_are_never_taken_for_no_refusals() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut a = app_with_records(dir.path(), 120, 40);
        type_text(&mut a, "J727");
        key(&mut a, KeyCode::Tab);
        refuse_on_a_new_job(&mut a);
        assert!(a.notice.clone().unwrap_or_default().contains("refused"));
    }
    let mut a = app_with_records(dir.path(), 120, 40);
    a.session
        .server_stopped("the server at records.garage.lan stopped answering".into());
    type_text(&mut a, "J727");
    let notice = a.notice.clone().unwrap_or_default();
    assert!(notice.contains("cannot be checked"), "{notice}");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('d'));
    let notice = a.notice.clone().unwrap_or_default();
    assert!(notice.contains("no request sheet written"), "{notice}");
    let documents = dir.path().join("documents");
    let written = std::fs::read_dir(&documents).map_or(0, |d| d.count());
    assert_eq!(written, 0, "nothing written in {documents:?}");
    // Back online, the sheet lists the refused code.
    a.session.link = radiocode::session::Link::Up;
    key(&mut a, KeyCode::Char('d'));
    let notice = a.notice.clone().unwrap_or_default();
    assert!(notice.contains("wrote"), "{notice}");
    let sheet = std::fs::read_to_string(documents.join("request-J727.html")).unwrap();
    assert!(sheet.contains("6586"), "the refused code is on the sheet");
}

/// The job search is asked once typing pauses, not on every key, and its
/// answer comes back as a message: the keys never wait for the records.
#[test]
fn the_job_search_waits_for_a_pause_and_answers_as_a_message() {
    use radiocode::tui::jobs::{JobsMsg, SEARCH_PAUSE_MS};
    use tui_input::InputRequest;
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Tab);
    refuse_on_a_new_job(&mut a);
    key(&mut a, KeyCode::F(2));
    assert_eq!(a.jobs.rows.len(), 1, "F2 lists the jobs at once");

    // Keys straight into update, as fast as a person types: no search yet.
    for c in ['z', 'z'] {
        a.update(Msg::Jobs(JobsMsg::Search(InputRequest::InsertChar(c))));
        assert!(!a.awaiting_records(), "a search on every key");
    }
    a.update(Msg::Tick(SEARCH_PAUSE_MS / 2));
    assert!(!a.awaiting_records(), "searched before the pause");
    assert_eq!(a.jobs.rows.len(), 1, "the rows stay until the answer");
    a.update(Msg::Tick(SEARCH_PAUSE_MS));
    assert!(a.awaiting_records(), "the pause passed: one search asked");
    assert!(a.jobs.searching);
    let answer = a
        .answer_within(std::time::Duration::from_secs(10))
        .expect("the records answer");
    a.update(answer);
    assert!(!a.jobs.searching);
    assert!(a.jobs.rows.is_empty(), "no job matches zz");
    assert!(screen(&a).contains("No job matches 'zz'"), "{}", screen(&a));
}

#[test]
fn a_derived_second_try_is_never_confirmed_and_an_accepted_code_is() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "BP538461234567");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('c'));
    type_text(&mut a, "2468");
    key(&mut a, KeyCode::Enter);
    // The radio takes it on a new job.
    accept_on_a_new_job(&mut a);
    let s = screen(&a);
    assert!(s.contains("2468  code book · confirmed"), "{s}");
    assert!(s.contains("2468: job 1 on"), "confirmed by that job: {s}");
    assert!(s.contains("0468  derived · unconfirmed"), "{s}");
    assert!(!s.contains("0468  code book"), "{s}");
    // The command line says the same.
    let db = dir.path().join("radiocode.db");
    let out = common::cli::run(
        &db,
        common::cli::NO_CONFIG,
        &["decode", "--json", "BP538461234567"],
        &[],
    );
    let row: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &row["candidates"];
    assert_eq!(
        (c[0]["code"].as_str(), c[0]["confidence"].as_str()),
        (Some("2468"), Some("confirmed"))
    );
    assert_eq!(
        (
            c[1]["code"].as_str(),
            c[1]["source"].as_str(),
            c[1]["confidence"].as_str()
        ),
        (Some("0468"), Some("derived"), Some("unconfirmed"))
    );
    assert!(
        c[1]["note"].as_str().unwrap().contains("from 2468"),
        "{}",
        c[1]
    );
    let out = common::cli::run(
        &db,
        common::cli::NO_CONFIG,
        &["simulate", "BP538461234567", "--code", "0468"],
        &[],
    );
    let said = common::cli::text(&out);
    assert!(said.contains("code 0468 (derived, unconfirmed)"), "{said}");
}

#[test]
fn a_try_is_asked_before_it_is_written_and_a_mistake_is_withdrawn() {
    use radiocode::tui::app::OverlayKind;
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Enter);
    // The first try starts the job (the form is the question).
    accept_on_a_new_job(&mut a);
    assert!(a.notice.as_deref().unwrap().contains("6586 accepted"));
    // r on the same job asks, names the vehicle and says what follows.
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(a.overlay.kind(), OverlayKind::ConfirmTry);
    let s = screen(&a);
    assert!(s.contains("Job 1 (AB12 CDE): J727 refused 6586?"), "{s}");
    assert!(
        s.contains("SUSPECTED RE-CODED"),
        "what follows is said: {s}"
    );
    key(&mut a, KeyCode::Char('n'));
    assert!(
        a.notice
            .as_deref()
            .unwrap()
            .contains("nothing was recorded")
    );
    let jobs = |a: &radiocode::tui::app::App| a.job.as_ref().unwrap().attempts.len();
    assert_eq!(jobs(&a), 1, "n wrote nothing");
    // It contradicts the acceptance: asked twice.
    key(&mut a, KeyCode::Char('r'));
    key(&mut a, KeyCode::Char('y'));
    assert_eq!(a.overlay.kind(), OverlayKind::ConfirmTry, "asked again");
    assert!(
        screen(&a).contains("already has 6586 accepted"),
        "{}",
        screen(&a)
    );
    assert_eq!(jobs(&a), 1);
    key(&mut a, KeyCode::Char('y'));
    assert_eq!(a.overlay.kind(), OverlayKind::None);
    assert_eq!(jobs(&a), 2);
    assert!(
        a.prepared.decoder_text().contains("SUSPECTED"),
        "{}",
        a.prepared.decoder_text()
    );
    // Withdrawn: asked, then the suspicion goes; the log keeps both.
    key(&mut a, KeyCode::Char('u'));
    assert_eq!(a.overlay.kind(), OverlayKind::ConfirmWithdraw);
    assert!(
        screen(&a).contains("withdraw the refusal of 6586"),
        "{}",
        screen(&a)
    );
    key(&mut a, KeyCode::Char('y'));
    assert!(
        a.notice.as_deref().unwrap().contains("withdrawn"),
        "{:?}",
        a.notice
    );
    assert!(
        !a.prepared.decoder_text().contains("SUSPECTED"),
        "{}",
        a.prepared.decoder_text()
    );
    let job = a.job.as_ref().unwrap();
    assert_eq!(job.attempts.len(), 2);
    assert!(job.attempts[1].withdrawn.is_some());
    key(&mut a, KeyCode::Char('u'));
    assert!(
        a.notice
            .as_deref()
            .unwrap()
            .contains("no refusal to withdraw")
    );
}

#[test]
fn a_serial_on_file_shows_its_jobs_and_offers_a_new_one() {
    use radiocode::tui::app::OverlayKind;
    let dir = tempfile::tempdir().unwrap();
    {
        let mut a = app_with_records(dir.path(), 120, 40);
        type_text(&mut a, "J727");
        key(&mut a, KeyCode::Enter);
        accept_on_a_new_job(&mut a);
    }
    // Later, another customer's car with the same precode.
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Enter);
    assert!(
        a.job.is_none(),
        "a serial on file is not bound to its old job"
    );
    let said = a.prepared.decoder_text().replace('\n', " ");
    assert!(said.contains("On file: job 1"), "{said}");
    assert!(
        said.contains("AB12 CDE") && said.contains("unlocked with 6586"),
        "{said}"
    );
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(a.overlay.kind(), OverlayKind::ChooseJob);
    let s = screen(&a);
    assert!(
        s.contains("▶ a new job for this customer"),
        "a closed job: new is the default: {s}"
    );
    assert!(s.contains("job 1") && s.contains("AB12 CDE"), "{s}");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.overlay.kind(), OverlayKind::JobForm, "the new job's form");
    type_text(&mut a, "XY99 ZZZ");
    key(&mut a, KeyCode::Tab);
    type_text(&mut a, "V5C");
    key(&mut a, KeyCode::Enter);
    let job = a.job.as_ref().unwrap();
    assert_eq!((job.id, job.vehicle.as_str()), (2, "XY99 ZZZ"));
    // Choosing the old job instead: its vehicle is in the question.
    key(&mut a, KeyCode::Char('/'));
    radiocode::tui::app::App::update(&mut a, radiocode::tui::app::Msg::ClearSerial);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('a'));
    assert_eq!(a.overlay.kind(), OverlayKind::ChooseJob);
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Down);
    let s = screen(&a);
    assert!(s.contains("▶ job 1"), "{s}");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.overlay.kind(), OverlayKind::ConfirmTry);
    assert!(
        screen(&a).contains("Job 1 (AB12 CDE): J727 accepted"),
        "{}",
        screen(&a)
    );
    key(&mut a, KeyCode::Esc);
}

/// A scanner's burst: `text` and Enter, 3 ms apart, through the
/// workbench's own gate; what the workbench was asked to do.
fn scan(
    a: &mut radiocode::tui::app::App,
    gate: &mut radiocode::tui::scan::Gate,
    text: &str,
    t: std::time::Instant,
) -> Vec<radiocode::tui::app::Effect> {
    use ratatui::crossterm::event::{Event, KeyEvent, KeyModifiers};
    let mut out = Vec::new();
    let mut at = t;
    for c in text.chars().map(KeyCode::Char).chain([KeyCode::Enter]) {
        let ev = Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
        out.extend(radiocode::tui::feed(a, gate, Some(ev), at));
        at += std::time::Duration::from_millis(3);
    }
    out.extend(radiocode::tui::feed(
        a,
        gate,
        None,
        at + std::time::Duration::from_secs(1),
    ));
    common::tui::settle(a);
    out.into_iter().map(|(e, _)| e).collect()
}

#[test]
fn a_scan_is_a_serial_wherever_the_focus_is() {
    use radiocode::tui::app::{Effect, Focus, OverlayKind, View};
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    // A job on file for J727, so a stray J or Enter would show.
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Enter);
    refuse_on_a_new_job(&mut a);
    let mut gate = radiocode::tui::scan::Gate::default();
    let t0 = std::time::Instant::now();
    // First scan: the focus is in the codes, where y, J, Enter are commands.
    assert_eq!(a.focus, Focus::Decoder);
    let effects = scan(&mut a, &mut gate, "BP538464182965", t0);
    assert!(effects.iter().all(|e| *e == Effect::None), "{effects:?}");
    assert_eq!(a.input.value(), "BP538464182965");
    assert_eq!(a.view, View::Workbench);
    assert_eq!(a.overlay.kind(), OverlayKind::None);
    assert!(screen(&a).contains("Serial: scanned"), "{}", screen(&a));
    // A second scan replaces it; its J is not the jobs view, its Enter no job.
    let effects = scan(
        &mut a,
        &mut gate,
        "281150063RTJ727",
        t0 + std::time::Duration::from_secs(2),
    );
    assert!(effects.iter().all(|e| *e == Effect::None), "{effects:?}");
    assert_eq!(a.input.value(), "281150063RTJ727");
    assert_eq!(a.view, View::Workbench);
    assert_eq!(a.overlay.kind(), OverlayKind::None);
    assert_eq!(
        a.outcome.as_ref().unwrap().diagnosis.serial.as_deref(),
        Some("J727")
    );
    assert!(a.job.is_none(), "no job was opened by the scan");
    // From the jobs view, a scan comes back to the workbench with it.
    key(&mut a, KeyCode::F(2));
    scan(
        &mut a,
        &mut gate,
        "M123456",
        t0 + std::time::Duration::from_secs(4),
    );
    assert_eq!((a.view, a.input.value()), (View::Workbench, "M123456"));
    // Typed keys are unchanged: y in the codes copies, a key at a time.
    let y = ratatui::crossterm::event::Event::Key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('y'),
        ratatui::crossterm::event::KeyModifiers::NONE,
    ));
    let t = t0 + std::time::Duration::from_secs(6);
    assert!(
        radiocode::tui::feed(&mut a, &mut gate, Some(y), t).is_empty(),
        "held a moment"
    );
    let later = radiocode::tui::feed(
        &mut a,
        &mut gate,
        None,
        t + std::time::Duration::from_millis(50),
    );
    assert!(matches!(later[..], [(Effect::Copy(_), true)]), "{later:?}");
}

#[test]
fn after_a_refusal_the_keypad_panel_shows_the_wait_running_and_when_it_ends() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    // Renault: a wait follows every refusal from the first (its profile).
    type_text(&mut a, "BP538464182965");
    key(&mut a, KeyCode::Enter);
    refuse_on_a_new_job(&mut a);
    key(&mut a, KeyCode::Char('r'));
    key(&mut a, KeyCode::Char('y'));
    assert!(
        !screen(&a).contains("WAIT until"),
        "two refusals: no wait yet"
    );
    // A third code, from the owner's card, refused too: the Blaupunkt
    // rule's wait starts now.
    key(&mut a, KeyCode::Char('c'));
    type_text(&mut a, "1234");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('r'));
    key(&mut a, KeyCode::Char('y'));
    let sim = a.simulator.as_ref().expect("a keypad panel");
    assert_eq!(sim.refused_at.len(), 3);
    let profile = sim.profile;
    assert_eq!(profile.wait_after(3), Some(60));
    let panel = screen(&a);
    assert!(panel.contains("WAIT until"), "{panel}");
    assert!(
        panel.contains("60 min left") || panel.contains("59 min left"),
        "{panel}"
    );
    assert!(panel.contains("3 refused on record"), "{panel}");
    // A refusal an hour and more ago started a wait that is over.
    let long_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(5);
    assert!(
        profile
            .wait_running(&[long_ago, long_ago], jiff::Timestamp::now())
            .is_none()
    );
    // Refusals at the count that starts a wait, a minute ago: it runs.
    let n = (1..30).find(|n| profile.wait_after(*n).is_some()).unwrap();
    let minute_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(1);
    let times = vec![minute_ago; n as usize];
    let (ends, minutes) = profile
        .wait_running(&times, jiff::Timestamp::now())
        .unwrap();
    assert_eq!(Some(minutes), profile.wait_after(n));
    assert_eq!(
        ends,
        minute_ago + jiff::SignedDuration::from_mins(i64::from(minutes))
    );
}

#[test]
fn a_long_practice_keeps_its_newest_events_and_its_foot_in_view() {
    let mut a = app(120, 40);
    type_text(&mut a, "BP538464182965");
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('p'));
    // Wrong codes until the radio locks for good (24 on this unit's rule).
    for _ in 0..40 {
        key(&mut a, KeyCode::Char('1'));
        key(&mut a, KeyCode::Char('h'));
        a.update(radiocode::tui::app::Msg::Tick(12_000));
        key(&mut a, KeyCode::Char('h'));
        for _ in 0..7 {
            key(&mut a, KeyCode::Char('F'));
        }
    }
    let sim = a.simulator.as_ref().unwrap();
    assert!(sim.radio.timeline().len() > 30, "a long practice");
    let s = screen(&a);
    assert!(s.contains("LOCKED FOR GOOD"), "the lock is in view: {s}");
    assert!(s.contains("earlier events"), "{s}");
    assert!(
        s.contains("locked for good after 24"),
        "the foot stays: {s}"
    );
    let lock_lines = s.lines().filter(|l| l.contains("LOCKED FOR GOOD")).count();
    assert_eq!(lock_lines, 1, "each event once: {s}");
}

#[test]
fn a_scan_while_a_question_is_open_never_answers_it() {
    use radiocode::tui::app::{Effect, OverlayKind};
    let dir = tempfile::tempdir().unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "J727");
    key(&mut a, KeyCode::Enter);
    accept_on_a_new_job(&mut a);
    key(&mut a, KeyCode::Char('r'));
    assert_eq!(a.overlay.kind(), OverlayKind::ConfirmTry);
    let mut gate = radiocode::tui::scan::Gate::default();
    // A label whose barcode holds a y: the question is closed, not answered.
    let effects = scan(&mut a, &mut gate, "yy1234567", std::time::Instant::now());
    assert!(effects.iter().all(|e| *e == Effect::None), "{effects:?}");
    assert_eq!(a.overlay.kind(), OverlayKind::None);
    assert_eq!(a.input.value(), "yy1234567");
    assert!(
        a.notice
            .as_deref()
            .unwrap()
            .contains("nothing was recorded")
    );
    let store = radiocode::store::SqliteStore::open(&dir.path().join("radiocode.db")).unwrap();
    use radiocode::store::Records;
    let jobs = store.jobs(&radiocode::store::JobFilter::default()).unwrap();
    assert_eq!(jobs[0].attempts.len(), 1, "no refusal was written");
}
