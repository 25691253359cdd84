//! Where the records live: a SQLite file path, or a PostgreSQL URL. A URL's
//! password is never shown: not in messages, not in `Debug`.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail};

pub use super::pg_tls::SslMode;

/// How long a command waits for the server before it gives up.
pub const CONNECT_WAIT: Duration = Duration::from_secs(8);

/// The records: a file on this bench, or a server shared by several.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    File(PathBuf),
    Server(PgPlace),
}

impl Place {
    /// A `postgres://` or `postgresql://` URL is a server; anything else is a
    /// file path.
    /// Text meant for a server that is not such a URL (`postgress://`,
    /// `pg://`, `postgres:/`, `host=… password=…`) is refused, without
    /// quoting it: taken as a file path, it would make a local file whose
    /// name holds the password, and the bench would believe it wrote to
    /// the server.
    pub fn parse(text: &OsStr) -> anyhow::Result<Place> {
        match text.to_str() {
            Some(s) if is_url(s) => Ok(Place::Server(PgPlace::parse(s)?)),
            Some(s) => match meant_for_a_server(s) {
                Some(what) => bail!(
                    "{what} is not a records address radiocode reads: a server is \
                     postgres://USER@HOST[:PORT]/DATABASE (or postgresql://), anything else \
                     is a file path. Nothing was read or written"
                ),
                None => Ok(Place::File(PathBuf::from(text))),
            },
            None => Ok(Place::File(PathBuf::from(text))),
        }
    }

    /// A folder for files the records point at (evidence copies, written
    /// documents): beside the database file, or in this bench's data folder
    /// when the records are on a server.
    pub fn folder(&self, name: &str) -> PathBuf {
        match self {
            Place::File(p) => p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from(name), |d| d.join(name)),
            Place::Server(_) => dirs::data_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("radiocode")
                .join(name),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File(p) => write!(f, "the database {}", crate::files::shown(p)),
            Place::Server(pg) => write!(f, "{pg}"),
        }
    }
}

/// What a text meant for a server looks like, said without its password;
/// `None` for a file path.
fn meant_for_a_server(s: &str) -> Option<String> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    if let Some(i) = lower.find("://") {
        let scheme = crate::finding::echo_text(&t[..i], 20);
        return Some(format!("'{scheme}://…'"));
    }
    for scheme in ["postgresql:", "postgres:"] {
        if lower.starts_with(scheme) {
            return Some(format!("'{scheme}…' (the // is missing)"));
        }
    }
    const KEYS: [&str; 6] = [
        "host=",
        "hostaddr=",
        "password=",
        "dbname=",
        "user=",
        "port=",
    ];
    let keys = lower
        .split_whitespace()
        .filter(|w| KEYS.iter().any(|k| w.starts_with(k)))
        .count();
    (keys > 1 || lower.contains("password=") || lower.contains("host="))
        .then(|| "a connection string of key=value words".to_string())
}

fn is_url(s: &str) -> bool {
    let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// A PostgreSQL server and the database on it.
#[derive(Clone, PartialEq, Eq)]
pub struct PgPlace {
    /// A host name, an address, or a Unix socket folder (starts with `/`).
    pub host: String,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    pub sslmode: SslMode,
    /// PEM file of the roots trusted for `verify-full`, beside the system's.
    pub sslrootcert: Option<PathBuf>,
    password: Option<String>,
}

impl fmt::Debug for PgPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgPlace")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("dbname", &self.dbname)
            .field("sslmode", &self.sslmode)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .finish()
    }
}

impl fmt::Display for PgPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the PostgreSQL server {}:{} (database {}, user {})",
            self.host, self.port, self.dbname, self.user
        )
    }
}

impl PgPlace {
    /// Reads `postgres[ql]://[user[:password]@][host][:port][/dbname][?key=value&...]`.
    /// Left out: the user from `PGUSER` or the login name, the host from
    /// `PGHOST` or the local socket, the port from `PGPORT` or 5432, the
    /// database named as the user.
    pub fn parse(url: &str) -> anyhow::Result<PgPlace> {
        let shown = redact(url);
        let rest = url
            .split_once("://")
            .map(|(_, r)| r)
            .with_context(|| format!("'{shown}' is not a postgres:// URL"))?;
        let (userinfo, hostport, tail) = split_authority(rest);
        let (path, query) = match tail.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (tail, None),
        };
        let path = path.strip_prefix('/').unwrap_or(path);
        let (mut user, mut password) = (None, None);
        if let Some(info) = userinfo {
            let (u, p) = match info.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (info, None),
            };
            user = Some(decode(u, &shown)?).filter(|u| !u.is_empty());
            password = p.map(|p| decode(p, &shown)).transpose()?;
        }
        let (host, port) = split_host_port(hostport, &shown)?;
        let mut place = PgPlace {
            host: host.unwrap_or_default(),
            port: 0,
            user: user.unwrap_or_default(),
            dbname: decode(path, &shown)?,
            sslmode: SslMode::Prefer,
            sslrootcert: None,
            password,
        };
        let mut port = port;
        for pair in query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value, &shown)?;
            match key {
                "sslmode" => {
                    place.sslmode = match value.as_str() {
                        "disable" => SslMode::Disable,
                        "prefer" => SslMode::Prefer,
                        "require" => SslMode::Require,
                        "verify-full" => SslMode::VerifyFull,
                        other => bail!(
                            "sslmode '{other}' in '{shown}' is not one radiocode knows: use \
                             disable, prefer, require or verify-full"
                        ),
                    }
                }
                "sslrootcert" => place.sslrootcert = Some(PathBuf::from(value)),
                "host" => place.host = value,
                "port" => port = Some(parse_port(&value, &shown)?),
                "user" => place.user = value,
                "password" => place.password = Some(value),
                "dbname" => place.dbname = value,
                "application_name" | "connect_timeout" => {}
                other => bail!("'{other}' in '{shown}' is not a setting radiocode knows"),
            }
        }
        if place.user.is_empty() {
            place.user = std::env::var("PGUSER")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| super::whoami().0);
        }
        if place.host.is_empty() {
            place.host = std::env::var("PGHOST")
                .ok()
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| {
                    let socket = "/var/run/postgresql";
                    if Path::new(socket).is_dir() {
                        socket.to_string()
                    } else {
                        "localhost".to_string()
                    }
                });
        }
        place.port = match port {
            Some(p) => p,
            None => match std::env::var("PGPORT") {
                Ok(p) if !p.is_empty() => parse_port(&p, "PGPORT")?,
                _ => 5432,
            },
        };
        if place.dbname.is_empty() {
            place.dbname = std::env::var("PGDATABASE")
                .ok()
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| place.user.clone());
        }
        Ok(place)
    }

    /// The same server and database under another login.
    pub fn with_login(&self, user: &str, password: Option<&str>) -> PgPlace {
        PgPlace {
            user: user.to_string(),
            password: password.map(str::to_string),
            ..self.clone()
        }
    }

    /// The password: from the URL, else `PGPASSWORD`, else the password file
    /// (`PGPASSFILE`, else `~/.pgpass`; on Windows `%APPDATA%\postgresql\pgpass.conf`,
    /// as libpq reads it).
    fn password(&self) -> Option<String> {
        if let Some(p) = &self.password {
            return Some(p.clone());
        }
        if let Ok(p) = std::env::var("PGPASSWORD") {
            return Some(p);
        }
        let file = std::env::var_os("PGPASSFILE")
            .map(PathBuf::from)
            .or_else(default_password_file)?;
        let text = std::fs::read_to_string(&file).ok()?;
        #[cfg(unix)]
        {
            // As libpq: a password file others can read is not used.
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).ok()?.permissions().mode();
            if mode & 0o077 != 0 {
                return None;
            }
        }
        let host = if self.host.starts_with('/') {
            "localhost"
        } else {
            self.host.as_str()
        };
        pgpass_lookup(&text, host, self.port, &self.dbname, &self.user)
    }

    /// How to reach the server: directly, or through the relay listening on
    /// this loopback `relay` port (the host still names the server for TLS).
    fn config(&self, relay: Option<u16>) -> postgres::Config {
        let mut config = postgres::Config::new();
        config.host(&self.host);
        match relay {
            Some(local) => config
                .hostaddr(std::net::IpAddr::from([127, 0, 0, 1]))
                .port(local),
            None => config.port(self.port),
        };
        config
            .user(&self.user)
            .dbname(&self.dbname)
            .application_name("radiocode")
            .connect_timeout(CONNECT_WAIT / 2)
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(10))
            // A write behind a lock held elsewhere, or a statement that
            // runs away, ends with the server's reason, before the relay
            // would take the silence for a server gone.
            .options("-c search_path=radiocode -c lock_timeout=5000 -c statement_timeout=9000");
        #[cfg(target_os = "linux")]
        config.tcp_user_timeout(Duration::from_secs(10));
        if let Some(p) = self.password() {
            config.password(p);
        }
        config
    }

    /// Connects, giving up after [`CONNECT_WAIT`]: a server that is down or
    /// silent is reported with its host and the reason, never waited on.
    pub fn connect(&self) -> anyhow::Result<postgres::Client> {
        let tls = match self.sslmode {
            SslMode::Disable => None,
            mode => Some(super::pg_tls::tls(mode, self.sslrootcert.as_deref())?),
        };
        let place = self.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Through the bench's own relay, which ends a connection the
            // server stops answering.
            let relay = if place.host.starts_with('/') {
                None
            } else {
                match super::relay::open(&place.host, place.port, CONNECT_WAIT / 2) {
                    Ok(local) => Some(local),
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                        return;
                    }
                }
            };
            let mut config = place.config(relay);
            let result = match tls {
                None => config.connect(postgres::NoTls),
                Some((mode, tls)) => {
                    config.ssl_mode(mode);
                    config.connect(tls)
                }
            };
            let _ = tx.send(result.map_err(|e| pg_reason(&e)));
        });
        match rx.recv_timeout(CONNECT_WAIT) {
            Ok(Ok(client)) => Ok(client),
            Ok(Err(reason)) => Err(anyhow::anyhow!(
                "cannot reach the records on {self}: {reason}"
            )),
            Err(_) => bail!(
                "cannot reach the records on {self}: no answer within {} seconds",
                CONNECT_WAIT.as_secs()
            ),
        }
    }
}

/// The server's reason in one line: its own message when it sent one.
pub fn pg_reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                let line = s.to_string();
                if !text.contains(&line) {
                    text = format!("{text}: {line}");
                }
                source = s.source();
            }
            text
        }
    }
}

/// The parts of what follows `scheme://`: the user information (before
/// the `@`), the host and port, and what follows them (`/db?query`). A
/// password typed with `/`, `?`, `#` or `@` in it, not %-escaped, stays in
/// the user information: the host is what follows the last `@` before the
/// query.
fn split_authority(rest: &str) -> (Option<&str>, &str, &str) {
    // The query starts at the first '?' that begins a parameter radiocode
    // reads; a '?' in a password does not.
    let query_at = [
        "?sslmode=",
        "?sslrootcert=",
        "?host=",
        "?password=",
        "?user=",
    ]
    .iter()
    .filter_map(|k| rest.find(k))
    .min()
    .unwrap_or(rest.len());
    let (before_query, _) = rest.split_at(query_at);
    match before_query.rfind('@') {
        Some(at) => {
            let info = &rest[..at];
            let after = &rest[at + 1..];
            let host_end = after.find(['/', '?']).unwrap_or(after.len());
            (Some(info), &after[..host_end], &after[host_end..])
        }
        None => {
            let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
            (None, &rest[..host_end], &rest[host_end..])
        }
    }
}

fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (info, host, tail) = split_authority(rest);
    let authority = match info {
        Some(info) => match info.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{info}@{host}"),
        },
        None => host.to_string(),
    };
    let mut tail = tail.to_string();
    if let Some(at) = tail.find("password=") {
        let start = at + "password=".len();
        let end = tail[start..].find('&').map_or(tail.len(), |e| start + e);
        tail.replace_range(start..end, "***");
    }
    format!("{scheme}://{authority}{tail}")
}

fn split_host_port(text: &str, shown: &str) -> anyhow::Result<(Option<String>, Option<u16>)> {
    if text.is_empty() {
        return Ok((None, None));
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .with_context(|| format!("an unclosed '[' in the host of '{shown}'"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(parse_port(p, shown)?),
            None if after.is_empty() => None,
            None => bail!("'{after}' after the host in '{shown}' is not a port"),
        };
        return Ok((Some(host.to_string()), port));
    }
    match text.rsplit_once(':') {
        Some((host, port)) => Ok((
            Some(decode(host, shown)?).filter(|h| !h.is_empty()),
            Some(parse_port(port, shown)?),
        )),
        None => Ok((Some(decode(text, shown)?), None)),
    }
}

fn parse_port(text: &str, shown: &str) -> anyhow::Result<u16> {
    text.parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .with_context(|| format!("'{text}' in '{shown}' is not a port number"))
}

/// Undoes %XX escapes.
fn decode(text: &str, shown: &str) -> anyhow::Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .with_context(|| {
                    format!("a bad %-escape in '{shown}' (a % in a password is written %25)")
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).with_context(|| format!("'{shown}' is not UTF-8 once unescaped"))
}

/// The password for this server from a password file's text: lines of
/// `host:port:database:user:password`, `*` matching anything, `\` escaping.
fn pgpass_lookup(text: &str, host: &str, port: u16, db: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => field.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        let [h, p, d, u, password] = fields.as_slice() else {
            continue;
        };
        let matches = |pattern: &str, value: &str| pattern == "*" || pattern == value;
        if matches(h, host) && matches(p, &port) && matches(d, db) && matches(u, user) {
            return Some(password.clone());
        }
    }
    None
}

#[cfg(not(windows))]
fn default_password_file() -> Option<PathBuf> {
    dirs::home_dir().map(|h| h.join(".pgpass"))
}

#[cfg(windows)]
fn default_password_file() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("postgresql").join("pgpass.conf"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_read_and_its_password_kept_out_of_sight() {
        let p = PgPlace::parse(
            "postgresql://bay%202:s3cr%3At@db.garage.lan:5433/records?sslmode=require",
        )
        .unwrap();
        assert_eq!(p.host, "db.garage.lan");
        assert_eq!(p.port, 5433);
        assert_eq!(p.user, "bay 2");
        assert_eq!(p.dbname, "records");
        assert_eq!(p.sslmode, SslMode::Require);
        assert_eq!(p.password.as_deref(), Some("s3cr:t"));
        assert!(!format!("{p:?}{p}").contains("s3cr"));
        let v6 = PgPlace::parse("postgres://u@[::1]:6000/d?sslmode=verify-full").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", 6000));
        assert_eq!(v6.sslmode, SslMode::VerifyFull);
    }

    #[test]
    fn bad_urls_are_refused_without_showing_the_password() {
        for url in [
            "postgres://u:hunter2@h:99999/d",
            "postgres://u:hunter2@h/d?sslmode=maybe",
            "postgres://u:hunter2@h/d?colour=blue",
            "postgres://u:hunter2@[::1/d",
            "postgres://u:hunter2@h/d%zz",
        ] {
            let e = format!("{:#}", PgPlace::parse(url).unwrap_err());
            assert!(!e.contains("hunter2"), "{e}");
            assert!(e.contains("u:***@"), "{e}");
        }
    }

    #[test]
    fn a_path_is_a_file_and_a_url_a_server() {
        assert!(matches!(
            Place::parse(OsStr::new("/tmp/x.db")).unwrap(),
            Place::File(_)
        ));
        assert!(matches!(
            Place::parse(OsStr::new("POSTGRES://u@h/d")).unwrap(),
            Place::Server(_)
        ));
    }

    #[test]
    fn the_password_file_matches_by_field_with_wildcards_and_escapes() {
        let text = "# garage\nother:5432:*:*:no\ndb\\:1:*:records:bay2:pa\\:ss\n*:*:*:*:fallback\n";
        assert_eq!(
            pgpass_lookup(text, "db:1", 5432, "records", "bay2").as_deref(),
            Some("pa:ss")
        );
        assert_eq!(
            pgpass_lookup(text, "db", 5432, "x", "y").as_deref(),
            Some("fallback")
        );
        assert_eq!(pgpass_lookup("h:1:d:u\n", "h", 1, "d", "u"), None);
    }
}
