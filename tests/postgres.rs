//! The records on a real PostgreSQL server: logins and grants, many benches
//! at once, a server that goes away, the workbench hearing another bench, and
//! moving a bench's file to the server.

#![cfg(unix)]

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::cli::{self, text};
use common::pg::{self, PASSWORD};
use radiocode::decode::{Code, Confidence};
use radiocode::store::{
    self, JobFilter, NewEntry, NewJob, NewTry, PgPlace, PgStore, Place, Records, RecordsEvent,
    TryOutcome,
};
use radiocode::tui::app::{App, Msg};
use radiocode::tui::job_form::FormMsg;

fn rc(db: &str, args: &[&str]) -> Output {
    rc_env(db, args, &[])
}

fn rc_env(db: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    cli::run(db, cli::NO_CONFIG, args, env)
}

/// The URL of a prepared database under another login.
fn as_login(url: &str, user: &str) -> String {
    let place = PgPlace::parse(url).unwrap();
    format!(
        "postgres://{user}:{PASSWORD}@{}:{}/{}?sslmode=disable",
        place.host, place.port, place.dbname
    )
}

#[test]
fn a_technician_adds_everything_and_changes_nothing() {
    let Some(url) = pg::radiocode_db("a_technician_adds_everything_and_changes_nothing") else {
        return;
    };
    let server = pg::server("").unwrap();
    server.login("bay2", "radiocode_technician");
    server.login("sam", "radiocode_manager");
    let tech = as_login(&url, "bay2");

    // A whole bench's day under a technician login.
    let out = rc(&tech, &["book", "add", "BP 3349 5 8119566", "4321"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = rc(
        &tech,
        &[
            "jobs",
            "add",
            "J727",
            "--vehicle",
            "AB12 CDE",
            "--proof",
            "V5C",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let job = String::from_utf8_lossy(&out.stdout)
        .trim()
        .strip_prefix("job ")
        .unwrap()
        .to_string();
    for args in [
        vec!["jobs", "try", &job, "1234", "refused"],
        vec!["jobs", "try", &job, "6586", "accepted"],
        vec!["jobs", "note", &job, "card in the glovebox"],
    ] {
        let out = rc(&tech, &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
    }
    let list = text(&rc(&tech, &["jobs", "list"]));
    assert!(list.contains("1234 refused, 6586 accepted"), "{list}");
    let decoded = text(&rc(&tech, &["decode", "J727"]));
    assert!(decoded.contains("the code book agrees (job"), "{decoded}");
    assert!(text(&rc(&tech, &["book", "export"])).contains("BP334958119566"));

    // A purge is for a manager: the server refuses it to a technician.
    let out = rc(&tech, &["jobs", "purge", "--older-than", "1d"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("may not"), "{}", text(&out));
    let out = rc(
        &as_login(&url, "sam"),
        &["jobs", "purge", "--older-than", "3y"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Imports are for a manager.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("book.csv");
    std::fs::write(&csv, "serial,code\nM123456,2487\n").unwrap();
    let out = rc(&tech, &["book", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("manager"), "{}", text(&out));
    let out = rc(
        &as_login(&url, "sam"),
        &["book", "import", csv.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // The server itself refuses every change and removal to a technician.
    let mut c = postgres::Client::connect(&tech, postgres::NoTls).unwrap();
    for (table, column) in [
        ("jobs", "vehicle"),
        ("attempts", "code"),
        ("job_notes", "text"),
        ("book_entries", "source"),
        ("imports", "what"),
        ("meta", "value"),
    ] {
        for sql in [
            format!("UPDATE radiocode.{table} SET {column} = {column}"),
            format!("DELETE FROM radiocode.{table}"),
            format!("TRUNCATE radiocode.{table}"),
        ] {
            let e = c.batch_execute(&sql).unwrap_err();
            assert_eq!(
                e.code(),
                Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
                "{sql}: {e}"
            );
        }
    }
    let e = c
        .batch_execute(
            "INSERT INTO radiocode.imports (what, added, already_there) VALUES ('x', 0, 0)",
        )
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
    );
    // And what the technician wrote is all still there.
    let list = text(&rc(&tech, &["jobs", "list", "--format", "json"]));
    assert!(list.contains("card in the glovebox"), "{list}");
}

#[test]
fn eight_benches_write_fifty_jobs_each_at_once() {
    let Some(url) = pg::radiocode_db("eight_benches_write_fifty_jobs_each_at_once") else {
        return;
    };
    let benches: Vec<_> = (0..8)
        .map(|b| {
            let url = url.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let vehicle = format!("B{b}-{i}");
                    let out = rc_env(
                        &url,
                        &[
                            "jobs",
                            "add",
                            "J727",
                            "--vehicle",
                            &vehicle,
                            "--proof",
                            "V5C",
                        ],
                        &[("RADIOCODE_WORKSTATION", &format!("bay {b}"))],
                    );
                    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
                    let job = String::from_utf8_lossy(&out.stdout)
                        .trim()
                        .strip_prefix("job ")
                        .unwrap()
                        .to_string();
                    if i % 10 == 0 {
                        // Every bench confirms the same code on the same serial.
                        let out = rc(&url, &["jobs", "try", &job, "6586", "accepted"]);
                        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
                        let out = rc(&url, &["jobs", "note", &job, &format!("note {b}-{i}")]);
                        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
                    }
                }
            })
        })
        .collect();
    for b in benches {
        b.join().unwrap();
    }
    let records = PgStore::open(&PgPlace::parse(&url).unwrap()).unwrap();
    let jobs = records.jobs(&JobFilter::default()).unwrap();
    assert_eq!(jobs.len(), 400, "all there");
    let ids: std::collections::BTreeSet<_> = jobs.iter().map(|j| j.id).collect();
    assert_eq!(ids.len(), 400, "numbers distinct");
    let vehicles: std::collections::BTreeSet<_> = jobs.iter().map(|j| j.vehicle.clone()).collect();
    assert_eq!(vehicles.len(), 400, "none twice");
    for b in 0..8 {
        assert_eq!(
            jobs.iter()
                .filter(|j| j.workstation == format!("bay {b}"))
                .count(),
            50
        );
    }
    let tries: usize = jobs.iter().map(|j| j.attempts.len()).sum();
    let notes = jobs.iter().filter(|j| j.notes.starts_with("note ")).count();
    assert_eq!((tries, notes), (40, 40));
    let entries = records.entries_for("J727").unwrap();
    assert_eq!(
        entries.len(),
        1,
        "one book entry, however many benches confirmed it"
    );
    assert_eq!(entries[0].confidence, Confidence::Confirmed);
}

#[test]
fn a_server_that_is_not_there_is_said_plainly_and_quickly() {
    if pg::bin_dir().is_none() && pg::server("a_server_that_is_not_there").is_none() {
        return;
    }
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("postgres://bay2:x@127.0.0.1:{closed}/records?sslmode=disable");
    // Reading answers from the algorithms and the public pairs, with one warning.
    let out = rc(&url, &["decode", "J727"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("127.0.0.1") && stderr.contains("warning"),
        "{stderr}"
    );
    assert!(!stderr.contains(":x@"), "no password shown: {stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("6586"));
    let out = rc(&url, &["batch", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // Writing fails with status 3, naming the host and the reason.
    let start = Instant::now();
    let out = rc(&url, &["book", "add", "J727", "6586"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains(&format!("127.0.0.1:{closed}")), "{said}");
    assert!(said.to_lowercase().contains("refused"), "{said}");
    assert!(start.elapsed() < Duration::from_secs(10));

    // A server that accepts and then says nothing: given up on, not waited on.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let conns: Vec<_> = silent.incoming().take(1).collect();
        std::thread::sleep(Duration::from_secs(12));
        drop(conns);
    });
    let url = format!("postgres://bay2:x@127.0.0.1:{port}/records?sslmode=disable");
    let start = Instant::now();
    let out = rc(
        &url,
        &["jobs", "add", "J727", "--vehicle", "X", "--proof", "Y"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert!(text(&out).contains("no answer"), "{}", text(&out));
    drop(held);
}

#[test]
fn a_server_stopped_in_the_middle_of_a_write_leaves_all_or_nothing() {
    if pg::server("a_server_stopped_in_the_middle_of_a_write_leaves_all_or_nothing").is_none() {
        return;
    }
    if std::env::var_os("RADIOCODE_TEST_PG").is_some() {
        return; // a server the tests did not start is not theirs to stop
    }
    let own = pg::start().expect("a second server");
    let url = own.prepared_database();

    // Stopped before a command: status 3.
    pg::stop(&own);
    let out = rc(
        &url,
        &["jobs", "add", "J727", "--vehicle", "X", "--proof", "Y"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    pg::restart(&own);

    // Stopped while a long import writes.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("big.csv");
    let mut big = String::from("serial,code\n");
    for i in 0..40_000u32 {
        big.push_str(&format!("BP5384{}{:07},{:04}\n", i % 10, i, i % 10_000));
    }
    std::fs::write(&csv, big).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .env("RADIOCODE_DB", &url)
        .env("RADIOCODE_CONFIG", "/nonexistent/radiocode.toml")
        .args(["book", "import", csv.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the import's transaction is open on the server, then stop it.
    let mut admin = own.admin();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = false;
    while Instant::now() < deadline {
        let busy: i64 = admin
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'radiocode' \
                 AND state IN ('active', 'idle in transaction') AND xact_start IS NOT NULL \
                 AND query LIKE '%book_entries%'",
                &[],
            )
            .unwrap()
            .get(0);
        if busy > 0 {
            seen = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(seen, "the import started writing");
    std::thread::sleep(Duration::from_millis(300));
    drop(admin);
    pg::stop(&own);
    let out = child.wait_with_output().unwrap();
    pg::restart(&own);
    let records = PgStore::open(&PgPlace::parse(&url).unwrap()).unwrap();
    let n = records.book().unwrap().len();
    if out.status.code() == Some(0) {
        assert_eq!(n, 40_005, "the import finished whole: {}", text(&out));
    } else {
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(text(&out).contains(&own.port.to_string()), "{}", text(&out));
        assert_eq!(n, 5, "no half-written import");
    }
}

#[test]
fn a_code_confirmed_at_one_bench_shows_in_another_workbench_within_two_seconds() {
    let Some(url) = pg::radiocode_db("a_code_confirmed_at_one_bench_shows_in_another_workbench")
    else {
        return;
    };
    let (pg_place, place) = server_place(&url);
    let (mut app, events) = workbench_on(&place, &pg_place);
    app.update(Msg::Paste("BP 3349 5 8119566".into()));
    assert!(app.outcome.as_ref().unwrap().candidates.is_empty());
    // Listening has started once the watcher is connected: give it a moment.
    std::thread::sleep(Duration::from_millis(500));

    let mut bay5 = store::open_writing(&place).unwrap();
    let job = bay5
        .new_job(&NewJob {
            workstation: "bay 5".into(),
            vehicle: "KY05 ABC".into(),
            ownership_proof: "V5C".into(),
            serial: "BP334958119566".into(),
            ..NewJob::default()
        })
        .unwrap();
    bay5.record_try(
        job,
        &NewTry::new(Code::parse("4321").unwrap(), TryOutcome::Accepted),
    )
    .unwrap();
    let confirmed_at = Instant::now();
    let shown = pump_until(&mut app, &events, Duration::from_secs(2), |a| {
        a.outcome
            .as_ref()
            .and_then(|o| o.candidates.first())
            .is_some_and(|c| c.code.to_string() == "4321")
    });
    assert!(shown, "the confirmed code did not show within 2 seconds");
    assert!(confirmed_at.elapsed() < Duration::from_secs(2));
    let c = &app.outcome.as_ref().unwrap().candidates[0];
    assert_eq!(c.confidence, Confidence::Confirmed);
}

#[test]
fn the_workbench_rides_out_a_server_restart_without_losing_a_try() {
    let Some((own, pg_place, mut app, events)) =
        workbench_on_a_server_of_its_own("the_workbench_rides_out_a_server_restart")
    else {
        return;
    };
    // Start a job with a refused try while the server is up.
    refuse_on_a_new_job(&mut app, "J727", "AB12 CDE");
    let job = app.job.as_ref().expect("a job was started").id;
    stop_and_see_offline(&own, &mut app, &events);
    app.update(Msg::RecordTry(TryOutcome::Accepted));
    app.update(Msg::Yes);
    assert!(app.pending.is_some(), "{:?}", app.notice);
    assert!(app.notice.as_deref().unwrap().contains("NOT recorded yet"));
    assert!(app.outcome.is_some(), "the algorithm still answers offline");

    pg::restart(&own);
    let back = pump_until(&mut app, &events, Duration::from_secs(15), |a| {
        a.session.offline().is_none() && a.pending.is_none()
    });
    assert!(
        back,
        "reconnected by itself and wrote the try: {:?}",
        app.notice
    );
    let records = PgStore::open(&pg_place).unwrap();
    let jobs = records.jobs(&JobFilter::default()).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].id, job);
    assert_eq!(jobs[0].tries_text(), "6586 refused, 6586 accepted");
}

/// A workbench on a server started for this test alone (to be stopped and
/// restarted), or `None` where there is none to start.
fn workbench_on_a_server_of_its_own(
    test: &str,
) -> Option<(pg::Server, PgPlace, App, mpsc::Receiver<RecordsEvent>)> {
    if pg::server(test).is_none() || std::env::var_os("RADIOCODE_TEST_PG").is_some() {
        return None;
    }
    let own = pg::start().expect("a second server");
    let url = own.prepared_database();
    let (pg_place, place) = server_place(&url);
    let (app, events) = workbench_on(&place, &pg_place);
    Some((own, pg_place, app, events))
}

/// Types `serial`, records a refused try and starts its job for `vehicle`.
fn refuse_on_a_new_job(app: &mut App, serial: &str, vehicle: &str) {
    app.update(Msg::Paste(serial.into()));
    app.update(Msg::Focus(radiocode::tui::app::Focus::Decoder));
    app.update(Msg::RecordTry(TryOutcome::Refused));
    app.update(Msg::Paste(vehicle.into()));
    app.update(Msg::Form(FormMsg::Next));
    app.update(Msg::Paste("V5C".into()));
    app.update(Msg::Form(FormMsg::Submit));
}

/// Stops the server and waits for the workbench to show it offline.
fn stop_and_see_offline(own: &pg::Server, app: &mut App, events: &mpsc::Receiver<RecordsEvent>) {
    pg::stop(own);
    let offline = pump_until(app, events, Duration::from_secs(8), |a| {
        a.session.offline().is_some()
    });
    assert!(offline, "the workbench shows the records are offline");
}

/// The server at `url` as a place for the records.
fn server_place(url: &str) -> (PgPlace, Place) {
    let pg_place = PgPlace::parse(url).unwrap();
    (pg_place.clone(), Place::Server(pg_place))
}

/// A 120x40 workbench keeping its records on the server, and the watcher
/// that tells it what other benches write.
fn workbench_on(place: &Place, pg_place: &PgPlace) -> (App, mpsc::Receiver<RecordsEvent>) {
    let events = store::watch(pg_place.clone());
    let mut app = App::new(Box::new(store::MemoryBook::seed()), false).with_records(
        store::open_reading(place).unwrap(),
        Some(place.clone()),
        radiocode::settings::Bench::default(),
    );
    app.update(Msg::Resize(120, 40));
    (app, events)
}

/// Feeds the watcher's events to the workbench until `done` or the time is up.
fn pump_until(
    app: &mut App,
    events: &mpsc::Receiver<RecordsEvent>,
    within: Duration,
    done: impl Fn(&App) -> bool,
) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if done(app) {
            return true;
        }
        if let Ok(e) = events.recv_timeout(Duration::from_millis(50)) {
            app.update(Msg::Records(e));
        }
    }
    done(app)
}

#[test]
fn db_copy_moves_a_bench_to_the_server_once() {
    let Some(url) = pg::radiocode_db("db_copy_moves_a_bench_to_the_server_once") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bench.db");
    let file = file.to_str().unwrap();
    let job = String::from_utf8_lossy(
        &rc(
            file,
            &[
                "jobs",
                "add",
                "J727",
                "--vehicle",
                "AB12 CDE",
                "--proof",
                "V5C",
            ],
        )
        .stdout,
    )
    .trim()
    .strip_prefix("job ")
    .unwrap()
    .to_string();
    rc(file, &["jobs", "try", &job, "6586", "accepted"]);
    rc(file, &["jobs", "note", &job, "done"]);
    let out = rc(file, &["db", "copy", file, &url]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("jobs: 1 copied, 0 already there"), "{said}");
    assert!(said.contains("tries: 1 copied"), "{said}");
    assert!(said.contains("notes: 1 copied"), "{said}");
    assert!(
        said.contains("code book entries: 1 copied, 5 already there"),
        "{said}"
    );
    assert!(!said.contains(PASSWORD), "no password shown: {said}");
    let again = text(&rc(file, &["db", "copy", file, &url]));
    assert!(again.contains("jobs: 0 copied, 1 already there"), "{again}");
    assert!(
        again.contains("code book entries: 0 copied, 6 already there"),
        "{again}"
    );
    let list = text(&rc(&url, &["jobs", "list"]));
    assert!(
        list.contains("6586 accepted") && list.contains("1 job"),
        "{list}"
    );

    let out = rc(file, &["db", "copy", file, file]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = rc(file, &["db", "copy", "/nonexistent/none.db", &url]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn db_init_prepares_upgrades_and_refuses_a_newer_schema() {
    let Some(server) = pg::server("db_init_prepares_upgrades_and_refuses_a_newer_schema") else {
        return;
    };
    let url = server.fresh_database();
    // Before db init: reading falls back, writing says what to do.
    let out = rc(&url, &["book", "add", "J727", "6586"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("db init"), "{}", text(&out));
    let out = rc(&url, &["decode", "J727"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = rc(&url, &["db", "init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("created the radiocode schema"),
        "{}",
        text(&out)
    );
    let out = rc(&url, &["db", "init"]);
    assert!(text(&out).contains("up to date"), "{}", text(&out));

    // A technician cannot change the schema.
    server.login("bay7", "radiocode_technician");
    let fresh = server.fresh_database();
    let out = rc(&as_login(&fresh, "bay7"), &["db", "init"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));

    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute("UPDATE radiocode.meta SET value = '99' WHERE key = 'schema_version'")
        .unwrap();
    for args in [vec!["db", "init"], vec!["book", "add", "J727", "6586"]] {
        let out = rc(&url, &args);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(text(&out).contains("newer"), "{}", text(&out));
    }
    let version: String = c
        .query_one(
            "SELECT value FROM radiocode.meta WHERE key = 'schema_version'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(version, "99", "left untouched");
}

#[test]
fn the_config_file_and_the_password_file_save_typing() {
    let Some(url) = pg::radiocode_db("the_config_file_and_the_password_file_save_typing") else {
        return;
    };
    let place = PgPlace::parse(&url).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let bare = format!(
        "postgres://{}@{}:{}/{}?sslmode=disable",
        pg::SUPERUSER,
        place.host,
        place.port,
        place.dbname
    );
    std::fs::write(
        &config,
        format!("db = \"{bare}\"\nbranch = \"Leeds\"\nworkstation = \"bay 3\"\n"),
    )
    .unwrap();
    let pgpass = dir.path().join("pgpass");
    std::fs::write(
        &pgpass,
        format!(
            "{}:{}:*:{}:{PASSWORD}\n",
            place.host,
            place.port,
            pg::SUPERUSER
        ),
    )
    .unwrap();
    set_mode(&pgpass, 0o600);
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_radiocode"));
        cmd.env_remove("RADIOCODE_DB")
            .env_remove("PGPASSWORD")
            .env_remove("RADIOCODE_BRANCH")
            .env_remove("RADIOCODE_WORKSTATION")
            .env("RADIOCODE_CONFIG", &config)
            .env("PGPASSFILE", &pgpass)
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let out = run(
        &["jobs", "add", "J727", "--vehicle", "X1", "--proof", "V5C"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run(
        &["jobs", "add", "J295", "--vehicle", "X2", "--proof", "V5C"],
        &[("RADIOCODE_BRANCH", "York")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let leeds = text(&run(
        &["jobs", "list", "--branch", "Leeds", "--format", "json"],
        &[],
    ));
    assert!(
        leeds.contains("\"X1\"") && !leeds.contains("\"X2\""),
        "{leeds}"
    );
    assert!(leeds.contains("\"bay 3\""), "{leeds}");
    let york = text(&run(&["jobs", "list", "--branch", "York"], &[]));
    assert!(york.contains("X2") && !york.contains("X1"), "{york}");

    // PGPASSWORD works too; a wrong one is named as the reason.
    let out = run(
        &["jobs", "list"],
        &[("PGPASSFILE", "/nonexistent"), ("PGPASSWORD", PASSWORD)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run(
        &["book", "add", "J727", "6586"],
        &[("PGPASSFILE", "/nonexistent"), ("PGPASSWORD", "wrong")],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("password"), "{}", text(&out));
    // A flag overrides the config file.
    let other = tempfile::tempdir().unwrap();
    let file = other.path().join("x.db");
    let out = run(
        &[
            "--db",
            file.to_str().unwrap(),
            "book",
            "add",
            "J727",
            "6586",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(file.exists());

    let help = text(&run(&["--help"], &[]));
    assert!(help.contains(config.to_str().unwrap()), "{help}");
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn book_entries_added_at_once_are_neither_lost_nor_doubled() {
    let Some(url) = pg::radiocode_db("book_entries_added_at_once_are_neither_lost_nor_doubled")
    else {
        return;
    };
    let place = Place::parse(url.as_ref()).unwrap();
    let threads: Vec<_> = (0..8)
        .map(|b| {
            let place = place.clone();
            std::thread::spawn(move || {
                let mut r = store::open_writing(&place).unwrap();
                for i in 0..25 {
                    r.add_entry(&NewEntry {
                        serial: "BP334958119566".into(),
                        code: Code::parse(&format!("{:04}", i)).unwrap(),
                        confidence: if b % 2 == 0 {
                            Confidence::Likely
                        } else {
                            Confidence::Unconfirmed
                        },
                        source: format!("bench {b}"),
                        added_by: format!("bench {b}"),
                    })
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let r = store::open_writing(&place).unwrap();
    let entries = r.entries_for("BP334958119566").unwrap();
    assert_eq!(entries.len(), 25, "one entry per code");
    for e in &entries {
        assert_eq!(e.confidence, Confidence::Likely, "the strongest kept");
        assert!(
            e.source.matches("; ").count() <= 1,
            "at most a weak and a strong source: {}",
            e.source
        );
    }
}

#[test]
fn tls_as_sslmode_says_require_encrypts_and_verify_full_checks_the_server() {
    if pg::server("tls_as_sslmode_says").is_none()
        || std::env::var_os("RADIOCODE_TEST_PG").is_some()
    {
        return;
    }
    // A garage's own certificate authority and the server's certificate.
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "garage test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server_cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();

    let own = pg::start_with(|data| {
        std::fs::write(data.join("server.crt"), server_cert.pem())?;
        let key = data.join("server.key");
        std::fs::write(&key, server_key.serialize_pem())?;
        set_mode(&key, 0o600);
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))?;
        use std::io::Write;
        writeln!(conf, "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'")?;
        // Only the harness's superuser may come in without TLS.
        std::fs::write(
            data.join("pg_hba.conf"),
            format!(
                "host all {} 127.0.0.1/32 scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n",
                pg::SUPERUSER
            ),
        )
    })
    .expect("a server with TLS");
    own.login("bay9", "radiocode_technician");
    let url = own.prepared_database();
    let db = PgPlace::parse(&url).unwrap().dbname;
    let at = |host: &str, mode: &str| {
        format!(
            "postgres://bay9:{PASSWORD}@{host}:{}/{db}?sslmode={mode}&sslrootcert={}",
            own.port,
            ca_file.display()
        )
    };
    for (host, mode, works) in [
        ("127.0.0.1", "disable", false),
        ("127.0.0.1", "prefer", true),
        ("127.0.0.1", "require", true),
        ("localhost", "verify-full", true),
        ("127.0.0.1", "verify-full", false), // the certificate does not name this host
    ] {
        let out = rc(&at(host, mode), &["book", "add", "J727", "6586"]);
        assert_eq!(
            out.status.code(),
            Some(if works { 0 } else { 3 }),
            "{host} {mode}: {}",
            text(&out)
        );
        assert!(!text(&out).contains(PASSWORD));
    }
    // verify-full with only the system's roots: the garage's CA is not trusted.
    let out = rc(
        &format!(
            "postgres://bay9:{PASSWORD}@localhost:{}/{db}?sslmode=verify-full",
            own.port
        ),
        &["book", "add", "J727", "6586"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).to_lowercase().contains("certificate"),
        "{}",
        text(&out)
    );
}

/// A book entry written before entries named the job instead of the
/// vehicle is rewritten by `db init`: the registration stays in the job log.
#[test]
fn db_init_takes_the_vehicle_out_of_older_book_entries() {
    let Some(server) = pg::server("db_init_takes_the_vehicle_out_of_older_book_entries") else {
        return;
    };
    let url = server.prepared_database();
    let out = rc(
        &url,
        &[
            "jobs",
            "add",
            "J727",
            "--vehicle",
            "AB12 CDE",
            "--proof",
            "V5C",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = rc(&url, &["jobs", "try", "1", "6586", "accepted"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute(
        "UPDATE radiocode.book_entries SET source = 'job 1: accepted by the radio of AB12 CDE' \
         WHERE job_id = 1;
         UPDATE radiocode.meta SET value = '3' WHERE key = 'schema_version'",
    )
    .unwrap();
    let out = rc(&url, &["db", "init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let source: String = c
        .query_one(
            "SELECT source FROM radiocode.book_entries WHERE job_id = 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(source.starts_with("job 1 at "), "{source}");
    assert!(source.ends_with(": accepted by the radio"), "{source}");
    assert!(!source.contains("AB12"), "{source}");
}

/// Who and when are the server's: a technician writing straight to the
/// server through SQL cannot sign as another login or date a row in the past.
#[test]
fn a_technician_cannot_forge_who_or_when() {
    let Some(server) = pg::server("a_technician_cannot_forge_who_or_when") else {
        return;
    };
    let url = server.prepared_database();
    server.login("bay7", "radiocode_technician");
    let mut c = postgres::Client::connect(&as_login(&url, "bay7"), postgres::NoTls).unwrap();
    c.batch_execute(
        "INSERT INTO radiocode.book_entries (serial, code, confidence, source, added_at, added_by) \
         VALUES ('J727', '6586', 'confirmed', 'forged', '2001-01-01', 'sam');
         INSERT INTO radiocode.jobs (uid, created_at, workstation, vehicle, ownership_proof, serial) \
         VALUES ('forged-job', '2001-01-01', 'bay 9', 'X', 'Y', 'J727');",
    )
    .unwrap();
    let job: i64 = c
        .query_one(
            "SELECT id FROM radiocode.jobs WHERE uid = 'forged-job'",
            &[],
        )
        .unwrap()
        .get(0);
    c.execute(
        "INSERT INTO radiocode.attempts (uid, job_id, at, code, outcome) \
         VALUES ('forged-try', $1, '2001-01-01', '6586', 'accepted')",
        &[&job],
    )
    .unwrap();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let recent = "now() - interval '1 hour'";
    let row = admin
        .query_one(
            &format!(
                "SELECT added_by, login, added_at > {recent} FROM radiocode.book_entries \
                 WHERE source = 'forged'"
            ),
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "bay7", "added_by is the login");
    assert_eq!(row.get::<_, String>(1), "bay7");
    assert!(row.get::<_, bool>(2), "the server's time, not 2001");
    let row = admin
        .query_one(
            &format!(
                "SELECT login, workstation, created_at > {recent} FROM radiocode.jobs \
                 WHERE uid = 'forged-job'"
            ),
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "bay7");
    assert_eq!(
        row.get::<_, String>(1),
        "bay 9",
        "the bench stays the client's word"
    );
    assert!(row.get::<_, bool>(2));
    let row = admin
        .query_one(
            &format!(
                "SELECT login, at > {recent} FROM radiocode.attempts WHERE uid = 'forged-try'"
            ),
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "bay7");
    assert!(row.get::<_, bool>(1));
}

/// A copy into the server is a manager's: a technician is refused up front
/// and nothing is written.
#[test]
fn a_technicians_db_copy_is_refused_and_writes_nothing() {
    let Some(server) = pg::server("a_technicians_db_copy_is_refused_and_writes_nothing") else {
        return;
    };
    let url = server.prepared_database();
    server.login("bay8", "radiocode_technician");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bench.db");
    let file_s = file.to_str().unwrap();
    for serial in ["J727", "J295"] {
        let out = rc(
            file_s,
            &["book", "add", serial, "1234", "--confidence", "confirmed"],
        );
        assert!(out.status.success(), "{}", text(&out));
    }
    let tech = as_login(&url, "bay8");
    let before = text(&rc(&url, &["book", "list"]));
    let out = rc(&url, &["db", "copy", file_s, &tech]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("for a manager"), "{}", text(&out));
    assert_eq!(
        text(&rc(&url, &["book", "list"])),
        before,
        "nothing was written"
    );
    // The manager's copy goes in, recorded as an import.
    let out = rc(&url, &["db", "copy", file_s, &url]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let imports: i64 = admin
        .query_one(
            "SELECT count(*) FROM radiocode.imports WHERE what = 'db copy'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(imports, 1);
}

/// A write behind a lock held elsewhere ends within 15 s with status 3,
/// naming the reason.
#[test]
fn a_write_behind_a_held_lock_ends_with_the_reason() {
    let Some(url) = pg::radiocode_db("a_write_behind_a_held_lock_ends_with_the_reason") else {
        return;
    };
    let mut holder = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut tx = holder.transaction().unwrap();
    tx.batch_execute("LOCK TABLE radiocode.book_entries IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let start = std::time::Instant::now();
    let out = rc(&url, &["book", "add", "J727", "6586"]);
    let took = start.elapsed();
    tx.rollback().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(took < std::time::Duration::from_secs(15), "{took:?}");
    assert!(text(&out).contains("lock timeout"), "{}", text(&out));
}

/// 300,000 rows import into a server with its stock settings (one advisory
/// lock a row used to exhaust its lock table), and copy on to another.
#[test]
fn three_hundred_thousand_rows_import_on_a_stock_server() {
    let Some(server) = pg::server("three_hundred_thousand_rows_import_on_a_stock_server") else {
        return;
    };
    let url = server.prepared_database();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
    use std::io::Write;
    writeln!(f, "serial,code").unwrap();
    for i in 0..300_000u32 {
        writeln!(f, "M{i:06},{:04}", i % 10_000).unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let start = std::time::Instant::now();
    let out = rc(&url, &["book", "import", csv.to_str().unwrap()]);
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("300000 new"), "{}", text(&out));
    println!(
        "imported 300,000 rows in {:.1} s: {:.0} rows/s",
        took.as_secs_f64(),
        300_000.0 / took.as_secs_f64()
    );
    let other = server.prepared_database();
    let start = std::time::Instant::now();
    let out = rc(&url, &["db", "copy", &url, &other]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    println!("copied them on in {:.1} s", start.elapsed().as_secs_f64());
}

#[test]
fn a_label_photo_read_on_one_bench_travels_to_the_server() {
    use common::labels::{Label, Shot, photo, png};
    let Some(url) = pg::radiocode_db("a_label_photo_read_on_one_bench_travels_to_the_server")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("label.png");
    std::fs::write(
        &picture,
        png(&photo(&Label::code128("M123456"), Shot::default())),
    )
    .unwrap();
    let picture = picture.to_str().unwrap();
    let no_ocr = [("RADIOCODE_TESSERACT", "/nonexistent/tesseract")];
    // On the server itself.
    rc(
        &url,
        &[
            "jobs",
            "add",
            "M123457",
            "--vehicle",
            "AB12 CDE",
            "--proof",
            "V5C",
        ],
    );
    let out = rc_env(
        &url,
        &["jobs", "attach", "1", "--kind", "label-photo", picture],
        &no_ocr,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let card = text(&rc(&url, &["jobs", "card", "1"]));
    assert!(
        card.contains("READS M123456, BUT THE JOB'S SERIAL IS M123457"),
        "{card}"
    );
    // From a bench's file, by db copy.
    let file = dir.path().join("bench.db");
    let file = file.to_str().unwrap();
    rc(
        file,
        &[
            "jobs",
            "add",
            "M123456",
            "--vehicle",
            "XY99 ZZZ",
            "--proof",
            "V5C",
        ],
    );
    let out = rc_env(
        file,
        &["jobs", "attach", "1", "--kind", "label-photo", picture],
        &no_ocr,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = rc(file, &["db", "copy", file, &url]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let export = text(&rc(&url, &["jobs", "export", "--format", "json"]));
    assert_eq!(
        export.matches("\"serial_read\": \"M123456\"").count(),
        2,
        "{export}"
    );
}

/// The job list, the book list and both exports ask the server the same
/// number of questions whatever the number of jobs: counted in the server's
/// own statement log, for this test's database alone.
#[test]
fn lists_and_exports_take_a_fixed_number_of_queries() {
    let test = "lists_and_exports_take_a_fixed_number_of_queries";
    let Some(server) = pg::server(test) else {
        return;
    };
    let Some(dir) = server.dir.clone() else {
        println!("radiocode tests: {test}: DID NOT RUN: the server's log is not this test's");
        return;
    };
    let url = server.prepared_database();
    let place = PgPlace::parse(&url).unwrap();
    server
        .admin()
        .batch_execute(&format!(
            "ALTER DATABASE {} SET log_statement = 'all'",
            place.dbname
        ))
        .unwrap();
    let log = dir.join("server.log");
    let mut marks = 0;
    let mut statements = |args: &[&str]| -> usize {
        marks += 1;
        let (start, end) = (
            format!("rc-mark-start-{marks}"),
            format!("rc-mark-end-{marks}"),
        );
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(&format!("SELECT '{start}'")).unwrap();
        let out = rc(&url, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out));
        c.batch_execute(&format!("SELECT '{end}'")).unwrap();
        drop(c);
        let text = std::fs::read_to_string(&log).unwrap();
        let from = text.find(&start).unwrap();
        let to = text[from..].find(&end).unwrap() + from;
        text[from..to]
            .lines()
            .filter(|l| l.contains("LOG:  execute") || l.contains("LOG:  statement:"))
            .count()
    };
    let mut records = store::open_writing(&Place::parse(url.as_ref()).unwrap()).unwrap();
    let add_jobs = |records: &mut dyn Records, n: usize| {
        for i in 0..n {
            let id = records
                .new_job(&NewJob {
                    workstation: "bay 1".into(),
                    vehicle: format!("CAR {i}"),
                    ownership_proof: "V5C".into(),
                    serial: "J727".into(),
                    ..NewJob::default()
                })
                .unwrap();
            records
                .record_try(
                    id,
                    &NewTry::new(Code::parse("6586").unwrap(), TryOutcome::Refused),
                )
                .unwrap();
            records.add_note(id, "note").unwrap();
        }
    };
    let commands: [&[&str]; 4] = [
        &["jobs", "list"],
        &["jobs", "export"],
        &["book", "list"],
        &["book", "export"],
    ];
    add_jobs(records.as_mut(), 2);
    let few: Vec<usize> = commands.iter().map(|c| statements(c)).collect();
    add_jobs(records.as_mut(), 40);
    let many: Vec<usize> = commands.iter().map(|c| statements(c)).collect();
    println!("statements for {commands:?}: {few:?} with 2 jobs, {many:?} with 42");
    assert_eq!(few, many);
    assert!(few.iter().all(|&n| (1..=16).contains(&n)), "{few:?}");
}

/// `db init` by a manager or a technician (not the database's owner) is
/// refused with what it needs, nothing changed.
#[test]
fn db_init_by_someone_not_the_owner_says_who_may() {
    let Some(server) = pg::server("db_init_by_someone_not_the_owner_says_who_may") else {
        return;
    };
    let url = server.prepared_database();
    server.login("sam9", "radiocode_manager");
    server.login("bay9", "radiocode_technician");
    for login in ["sam9", "bay9"] {
        let out = rc_env(
            &as_login(&url, login),
            &["db", "init"],
            &[("PGPASSWORD", PASSWORD)],
        );
        let said = text(&out);
        assert_eq!(out.status.code(), Some(3), "{login}: {said}");
        assert!(
            said.contains("only the database's owner does") && said.contains("Nothing was changed"),
            "{login}: {said}"
        );
    }
    let out = rc(&url, &["db", "init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("up to date"), "{}", text(&out));
}

/// A relay between a client and the test server that answers the login and
/// then stops passing the server's answers on, keeping both connections open:
/// what a client sees of a stuck server, or a network that dropped without
/// closing anything. Its port.
fn stalling_after_login(server: &pg::Server) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let target = (server.host.clone(), server.port);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(upstream) = std::net::TcpStream::connect((target.0.as_str(), target.1)) else {
                continue;
            };
            let (mut c_in, mut s_out) =
                (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c_in, &mut s_out);
            });
            let (mut s_in, mut c_out) = (upstream, client);
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut buf = [0u8; 8192];
                let mut seen = Vec::new();
                let mut stalled = false;
                while let Ok(n) = s_in.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if stalled {
                        continue; // read and dropped: the client hears nothing more
                    }
                    let _ = c_out.write_all(&buf[..n]);
                    seen.extend_from_slice(&buf[..n]);
                    // The first ReadyForQuery ends the login.
                    stalled = seen.windows(5).any(|w| w == b"Z\0\0\0\x05");
                }
                drop(c_out);
            });
        }
    });
    port
}

/// The test's database on a server the tests started, and an address for it
/// through a relay that stalls after the login; `None` (said) where the
/// tests started no server.
fn a_server_that_stalls(test: &str) -> Option<(String, String)> {
    let server = pg::server(test)?;
    if server.dir.is_none() {
        println!("radiocode tests: {test}: DID NOT RUN: it needs a server the tests started");
        return None;
    }
    let url = server.prepared_database();
    let db = PgPlace::parse(&url).unwrap().dbname;
    let port = stalling_after_login(server);
    let stalled = format!(
        "postgres://{}:{PASSWORD}@127.0.0.1:{port}/{db}?sslmode=disable",
        pg::SUPERUSER
    );
    Some((url, stalled))
}

/// A server that stops answering after the login: reading answers from the
/// algorithms with the records said to be unreachable, and writing ends
/// with status 3, each within a bound, never a hang.
#[test]
fn a_server_that_stops_answering_after_login_is_offline_within_a_bound() {
    let test = "a_server_that_stops_answering_after_login_is_offline_within_a_bound";
    let Some((url, stalled)) = a_server_that_stalls(test) else {
        return;
    };
    let start = Instant::now();
    let out = rc(&stalled, &["decode", "J727"]);
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("6586"));
    assert!(text(&out).contains("warning"), "{}", text(&out));
    assert!(took < Duration::from_secs(20), "{took:?}");

    for args in [
        vec!["jobs", "add", "J727", "--vehicle", "X", "--proof", "Y"],
        vec!["jobs", "list"],
    ] {
        let start = Instant::now();
        let out = rc(&stalled, &args);
        let took = start.elapsed();
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", text(&out));
        assert!(took < Duration::from_secs(20), "{args:?}: {took:?}");
        assert!(!text(&out).contains(PASSWORD), "{}", text(&out));
    }
    // Nothing half written reached the server.
    let list = text(&rc(&url, &["jobs", "list"]));
    assert!(list.contains("0 jobs"), "{list}");
}

/// A server that stops answering never holds the workbench's keys: the job
/// search is read off the keys' thread, the view says it is searching, the
/// keys go on working, and the answer (here, that the log cannot be read)
/// comes when the connection gives up.
#[test]
fn a_stalled_server_never_holds_the_workbench_keys() {
    let test = "a_stalled_server_never_holds_the_workbench_keys";
    let Some((_, stalled)) = a_server_that_stalls(test) else {
        return;
    };
    let (_, place) = server_place(&stalled);
    let mut app = App::new(Box::new(store::MemoryBook::seed()), false).with_records(
        None,
        Some(place),
        radiocode::settings::Bench::default(),
    );
    app.update(Msg::Resize(120, 40));
    let start = Instant::now();
    app.update(Msg::ShowJobs);
    for c in "ab12".chars() {
        app.update(Msg::Jobs(radiocode::tui::jobs::JobsMsg::Search(
            tui_input::InputRequest::InsertChar(c),
        )));
    }
    app.update(Msg::Tick(radiocode::tui::jobs::SEARCH_PAUSE_MS));
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "the keys waited {took:?}");
    assert!(app.jobs.searching);
    let shown = common::tui::screen(&app);
    assert!(shown.contains("searching the job log"), "{shown}");
    // The newest search's answer comes once the connection gives up.
    let deadline = Instant::now() + Duration::from_secs(60);
    while app.jobs.searching && Instant::now() < deadline {
        if let Some(msg) = app.answer_within(Duration::from_millis(200)) {
            app.update(msg);
        }
    }
    assert!(!app.jobs.searching, "no answer within a minute");
    let shown = common::tui::screen(&app);
    assert!(shown.contains("the job log cannot be read"), "{shown}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}

/// Through plain SQL a technician can neither choose a row's number (job
/// numbers squatted, a try's place in a job's history forged), nor store a
/// text of megabytes every bench would load; and one holding radiocode's
/// book lock is named, the try said to be not recorded.
#[test]
fn a_technician_cannot_choose_ids_store_megabytes_or_hold_the_book() {
    let test = "a_technician_cannot_choose_ids_store_megabytes_or_hold_the_book";
    let Some(server) = pg::server(test) else {
        return;
    };
    let url = server.prepared_database();
    server.login("bay6", "radiocode_technician");
    let tech = as_login(&url, "bay6");
    let out = rc(
        &tech,
        &["jobs", "add", "J727", "--vehicle", "A", "--proof", "B"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut c = postgres::Client::connect(&tech, postgres::NoTls).unwrap();
    for sql in [
        "INSERT INTO radiocode.jobs (id, uid, workstation, vehicle, ownership_proof, serial) \
         OVERRIDING SYSTEM VALUE VALUES (2, 'squat', 'x', 'x', 'x', 'J727')",
        "INSERT INTO radiocode.attempts (id, uid, job_id, code, outcome) \
         OVERRIDING SYSTEM VALUE VALUES (0, 'early', 1, '1234', 'accepted')",
        "INSERT INTO radiocode.book_entries (id, serial, code, confidence, source, added_by) \
         OVERRIDING SYSTEM VALUE VALUES (999999, 'J727', '1234', 'likely', 'x', 'x')",
    ] {
        let e = c.batch_execute(sql).unwrap_err();
        assert!(
            format!("{e:?}").contains("permission denied"),
            "{sql}: {e:?}"
        );
    }
    let big = "x".repeat(5000);
    for sql in [
        format!("INSERT INTO radiocode.job_notes (uid, job_id, text) VALUES ('n', 1, '{big}')"),
        format!(
            "INSERT INTO radiocode.jobs (uid, workstation, vehicle, ownership_proof, serial) \
             VALUES ('j', 'x', '{big}', 'x', 'J727')"
        ),
        format!(
            "INSERT INTO radiocode.attempts (uid, job_id, code, outcome, source) \
             VALUES ('t', 1, '1234', 'refused', '{big}')"
        ),
    ] {
        let e = c.batch_execute(&sql).unwrap_err();
        assert!(format!("{e:?}").contains("bounded"), "{e:?}");
    }
    // The next jobs take their numbers from the server, none squatted.
    for _ in 0..3 {
        let out = rc(
            &tech,
            &["jobs", "add", "J295", "--vehicle", "C", "--proof", "D"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    // The same bound on the bench's side, on both stores: said, nothing written.
    let out = rc(&tech, &["jobs", "note", "1", &big]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("more than 4,000 characters"),
        "{}",
        text(&out)
    );

    // A session holding the lock of J727's book entries on purpose.
    let mut holder = postgres::Client::connect(&tech, postgres::NoTls).unwrap();
    holder
        .batch_execute(
            "SET application_name = 'psql'; SELECT pg_advisory_lock(727, hashtext('J727') & 63)",
        )
        .unwrap();
    let start = Instant::now();
    let out = rc(&tech, &["jobs", "try", "1", "6586", "accepted"]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    assert!(
        said.contains("held on the server by the login bay6 (psql)"),
        "{said}"
    );
    assert!(said.contains("was NOT recorded"), "{said}");
    holder
        .batch_execute("SELECT pg_advisory_unlock_all()")
        .unwrap();
    let out = rc(&tech, &["jobs", "try", "1", "6586", "accepted"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// The first try on a new job, made while the server is away, is kept with
/// the job and both are written once it is back: nothing dropped.
#[test]
fn a_new_job_started_while_the_server_is_away_is_written_when_it_is_back() {
    let Some((own, pg_place, mut app, events)) =
        workbench_on_a_server_of_its_own("a_new_job_started_while_the_server_is_away")
    else {
        return;
    };
    stop_and_see_offline(&own, &mut app, &events);
    refuse_on_a_new_job(&mut app, "J295", "KY05 ABC");
    assert!(app.pending.is_some(), "{:?}", app.notice);
    let notice = app.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("NOT recorded yet: the new job for J295"),
        "{notice}"
    );

    pg::restart(&own);
    let back = pump_until(&mut app, &events, Duration::from_secs(15), |a| {
        a.session.offline().is_none() && a.pending.is_none()
    });
    assert!(back, "reconnected and wrote the job: {:?}", app.notice);
    let records = PgStore::open(&pg_place).unwrap();
    let jobs = records.jobs(&JobFilter::default()).unwrap();
    assert_eq!(jobs.len(), 1, "written once");
    assert_eq!(jobs[0].vehicle, "KY05 ABC");
    assert_eq!(jobs[0].tries_text(), "7590 refused");
}
