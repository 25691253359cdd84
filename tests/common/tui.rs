//! Driving the workbench without a terminal: keys through the keymap and
//! `update`, frames drawn into a TestBackend.

#![allow(dead_code)]

use radiocode::store::{MemoryBook, Place, SqliteStore};
use radiocode::tui::app::{App, Effect, Msg};
use radiocode::tui::{keymap, ui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

pub fn app(w: u16, h: u16) -> App {
    let mut app = App::new(Box::new(MemoryBook::seed()), true);
    app.update(Msg::Resize(w, h));
    app
}

pub fn send(app: &mut App, event: Event) -> Effect {
    let effect = match keymap::on_event(app, &event) {
        Some(msg) => app.update(msg),
        None => Effect::None,
    };
    settle(app);
    effect
}

/// What the terminal loop does between keys: a typed search waits out its
/// pause, and what the records answer off the keys' thread comes back.
pub fn settle(app: &mut App) {
    if app.jobs.wants_ticks() {
        app.update(Msg::Tick(radiocode::tui::jobs::SEARCH_PAUSE_MS));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.awaiting_records() && std::time::Instant::now() < deadline {
        if let Some(msg) = app.answer_within(std::time::Duration::from_millis(50)) {
            app.update(msg);
        }
    }
}

pub fn key(app: &mut App, code: KeyCode) -> Effect {
    send(app, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(app: &mut App, c: char) -> Effect {
    send(
        app,
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

pub fn draw(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| ui::render(app, f)).unwrap();
    t
}

pub fn screen(app: &App) -> String {
    let t = draw(app);
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A workbench at `w`x`h` keeping its records in a SQLite file in `dir`.
pub fn app_with_records(dir: &std::path::Path, w: u16, h: u16) -> App {
    let db = dir.join("radiocode.db");
    let store = SqliteStore::open(&db).expect("a test database");
    let mut a = App::new(Box::new(MemoryBook::seed()), true).with_records(
        Some(Box::new(store)),
        Some(Place::File(db)),
        radiocode::settings::Bench::default(),
    );
    a.update(Msg::Resize(w, h));
    a
}

/// The radio refuses the chosen code on its first try: `r`, then the job
/// form filled (registration AB12 CDE, proof V5C) and saved.
pub fn refuse_on_a_new_job(app: &mut App) {
    on_a_new_job(app, 'r');
}

/// The radio accepts the chosen code on its first try, as above with `a`.
pub fn accept_on_a_new_job(app: &mut App) {
    on_a_new_job(app, 'a');
}

fn on_a_new_job(app: &mut App, answer: char) {
    key(app, KeyCode::Char(answer));
    type_text(app, "AB12 CDE");
    key(app, KeyCode::Tab);
    type_text(app, "V5C");
    key(app, KeyCode::Enter);
}

/// A workbench at 80x24 with records in `dir` and its phone view open on
/// the loopback; the page's address.
pub fn with_the_phone_view(dir: &std::path::Path) -> (App, String) {
    let mut a = app_with_records(dir, 80, 24);
    a.session.bench.phone_bind = Some("127.0.0.1".into());
    key(&mut a, KeyCode::F(6));
    let url = a
        .phone
        .as_ref()
        .expect("the page is served")
        .url()
        .to_string();
    (a, url)
}

/// What the terminal loop does for the phone view until `done` or 90 s:
/// a photo the phone sent is read, and the reading's answer taken.
pub fn pump_the_phone(app: &mut App, done: impl Fn(&App) -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(90);
    while !done(app) && std::time::Instant::now() < until {
        if let Some(msg) = app.phone_news() {
            app.update(msg);
        }
        app.update(Msg::Photo(radiocode::tui::photo::PhotoMsg::Poll));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
