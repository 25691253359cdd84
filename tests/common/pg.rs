//! A throwaway PostgreSQL server for the tests: the distribution's initdb and
//! postgres in a temporary folder on a free port, run as an unprivileged
//! user when the tests run as root, and stopped when the test process ends.
//! `RADIOCODE_TEST_PG` names a server to use instead (a superuser URL).
//! Without PostgreSQL the server tests say so and do not run, except in CI
//! (`CI` set), where they must.

#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use radiocode::store::PgPlace;

pub const SUPERUSER: &str = "radiocode_test";
pub const PASSWORD: &str = "bench-pass";

/// A running server: where it listens and how to reach it as a superuser.
pub struct Server {
    pub host: String,
    pub port: u16,
    /// The folder holding its data, when the tests started it.
    pub dir: Option<PathBuf>,
    pub bin: Option<PathBuf>,
    admin_url: String,
}

impl Server {
    /// A superuser URL for one database.
    pub fn url(&self, db: &str) -> String {
        let base = self.admin_url.rsplit_once('/').map_or("", |(b, _)| b);
        format!("{base}/{db}?sslmode=disable")
    }

    pub fn admin(&self) -> postgres::Client {
        postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .expect("connect to the test server as its superuser")
    }

    /// A new, empty database; its superuser URL.
    pub fn fresh_database(&self) -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "rc_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        self.admin()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        self.url(&name)
    }

    /// A new database prepared by `db init`; its superuser URL.
    pub fn prepared_database(&self) -> String {
        let url = self.fresh_database();
        let place = PgPlace::parse(&url).unwrap();
        radiocode::store::PgStore::init(&place).expect("db init");
        url
    }

    /// A login in one of radiocode's group roles.
    pub fn login(&self, name: &str, group: &str) {
        self.admin()
            .batch_execute(&format!(
                "DO $$ BEGIN
                   IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN
                     CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}' IN ROLE {group};
                   END IF;
                 END $$;"
            ))
            .expect("create a login");
    }
}

/// A prepared radiocode database on the shared test server (superuser URL),
/// or `None`, said plainly, when there is no PostgreSQL here.
pub fn radiocode_db(test: &str) -> Option<String> {
    Some(server(test)?.prepared_database())
}

/// The shared server of this test process.
pub fn server(test: &str) -> Option<&'static Server> {
    static SERVER: OnceLock<Option<Server>> = OnceLock::new();
    let server = SERVER.get_or_init(|| match std::env::var("RADIOCODE_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(Server {
            host: String::new(),
            port: 0,
            dir: None,
            bin: None,
            admin_url: url,
        }),
        _ => start().map_err(|why| missing(&why)).ok(),
    });
    if server.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "radiocode tests: {test}: DID NOT RUN: no PostgreSQL server could be started here"
        );
    }
    server.as_ref().inspect(|s| {
        if s.dir.is_some() {
            return; // a server the tests started has its roles already
        }
        // The group roles are cluster-wide: made once, before any test's db init.
        static ROLES: OnceLock<()> = OnceLock::new();
        ROLES.get_or_init(|| {
            s.admin()
                .batch_execute(radiocode::store::ROLES_SQL)
                .expect("create the roles");
        });
    })
}

fn missing(why: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "radiocode tests: the PostgreSQL tests did not run: {why}"
    );
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("in CI the PostgreSQL tests must run, but no server could be started: {why}");
    }
}

/// The distribution's server programs: /usr/lib/postgresql/N/bin, newest
/// first, else the PATH.
pub fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    if let Some((_, bin)) = found.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|p| p.join("postgres").exists() && p.join("initdb").exists())
    })
}

/// The user the server runs as: ourselves, or `nobody` when we are root
/// (PostgreSQL refuses to run as root).
fn run_as() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let name = std::ffi::CString::new("nobody").unwrap();
    // SAFETY: getpwnam gets a valid C string; the result is read at once.
    let pw = unsafe { libc::getpwnam(name.as_ptr()) };
    if pw.is_null() {
        return Some((65534, 65534));
    }
    // SAFETY: pw is not null and points at a passwd record.
    unsafe { Some(((*pw).pw_uid, (*pw).pw_gid)) }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A new server in its own folder; stopped when this process ends.
pub fn start() -> Result<Server, String> {
    start_with(|_| Ok(()))
}

/// A new server whose data folder `setup` may add to (certificates, settings)
/// before it starts.
pub fn start_with(setup: impl FnOnce(&Path) -> std::io::Result<()>) -> Result<Server, String> {
    let bin = bin_dir().ok_or("no PostgreSQL server programs (initdb, postgres) were found")?;
    remove_stale();
    let dir = PathBuf::from(format!(
        "/tmp/radiocode-test-pg-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let user = run_as();
    let chown = |p: &Path| {
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(p, Some(uid), Some(gid)).map_err(|e| e.to_string())
        } else {
            Ok(())
        }
    };
    chown(&dir)?;
    let pwfile = dir.join("pw");
    std::fs::write(&pwfile, PASSWORD).map_err(|e| e.to_string())?;
    chown(&pwfile)?;
    let data = dir.join("data");
    let mut initdb = Command::new(bin.join("initdb"));
    initdb
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            SUPERUSER,
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--no-locale",
        ])
        .arg(format!("--pwfile={}", pwfile.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    as_user(&mut initdb, user);
    let out = initdb.output().map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    setup(&data).map_err(|e| format!("setting the server up: {e}"))?;
    for entry in std::fs::read_dir(&data)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        chown(&entry.path())?;
    }
    let port = free_port();
    let server = Server {
        host: "127.0.0.1".to_string(),
        port,
        dir: Some(dir.clone()),
        bin: Some(bin.clone()),
        admin_url: format!("postgres://{SUPERUSER}:{PASSWORD}@127.0.0.1:{port}/postgres"),
    };
    spawn_postmaster(&bin, &data, &dir, port, user)?;
    wait_ready(&server)?;
    // The group roles are cluster-wide: made before any test's db init.
    server
        .admin()
        .batch_execute(radiocode::store::ROLES_SQL)
        .map_err(|e| format!("creating the roles: {e}"))?;
    Ok(server)
}

fn as_user(cmd: &mut Command, user: Option<(u32, u32)>) {
    use std::os::unix::process::CommandExt;
    if let Some((uid, gid)) = user {
        cmd.uid(uid).gid(gid);
    }
    cmd.env_remove("PGDATA").env("HOME", "/tmp");
}

/// Starts `postgres` from a thread that lives as long as it does, with the
/// kernel told to stop it (fast shutdown) when this process is gone.
pub fn spawn_postmaster(
    bin: &Path,
    data: &Path,
    dir: &Path,
    port: u16,
    user: Option<(u32, u32)>,
) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let log = std::fs::File::create(dir.join("server.log")).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(bin.join("postgres"));
    cmd.arg("-D")
        .arg(data)
        .args(["-p", &port.to_string(), "-k"])
        .arg(dir)
        .args([
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "max_connections=200",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    as_user(&mut cmd, user);
    // SAFETY: prctl is async-signal-safe; it runs in the child before exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || match cmd.spawn() {
        Ok(mut child) => {
            let _ = tx.send(Ok(child.id()));
            let _ = child.wait();
        }
        Err(e) => {
            let _ = tx.send(Err(format!("postgres: {e}")));
        }
    });
    rx.recv().map_err(|e| e.to_string())?.map(|_| ())
}

fn wait_ready(server: &Server) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match postgres::Client::connect(&server.url("postgres"), postgres::NoTls) {
            Ok(_) => return Ok(()),
            Err(e) if Instant::now() > deadline => {
                let log = server
                    .dir
                    .as_ref()
                    .and_then(|d| std::fs::read_to_string(d.join("server.log")).ok())
                    .unwrap_or_default();
                return Err(format!("the server did not start: {e}\n{log}"));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// Stops a server the tests started, at once (as a crash or a pulled cable would).
pub fn stop(server: &Server) {
    let (Some(bin), Some(dir)) = (&server.bin, &server.dir) else {
        return;
    };
    let mut cmd = Command::new(bin.join("pg_ctl"));
    cmd.arg("-D")
        .arg(dir.join("data"))
        .args(["stop", "-m", "immediate", "-w"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    as_user(&mut cmd, run_as());
    let _ = cmd.status();
}

/// Starts a stopped server again on its port.
pub fn restart(server: &Server) {
    let (Some(bin), Some(dir)) = (&server.bin, &server.dir) else {
        return;
    };
    spawn_postmaster(bin, &dir.join("data"), dir, server.port, run_as()).expect("restart");
    wait_ready(server).expect("the server is back");
}

/// Removes the folders of earlier test runs whose process is gone.
fn remove_stale() {
    let Ok(entries) = std::fs::read_dir("/tmp") else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name
            .to_str()
            .and_then(|n| n.strip_prefix("radiocode-test-pg-"))
        else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Kills a child process if it is still running (for tests that start many).
pub fn reap(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}
