//! The phone at the bench: while the phone view is open (at most ten
//! minutes), radiocode serves one small page on the bench's network at an
//! address with a new random token. The technician's phone opens it from
//! the QR code on the screen, takes the label's photo, and the bench reads
//! it as it reads any label photo. Any other path, method or token gets a
//! bare 404; a body over 20 MB is refused before it is read; only JPEG and
//! PNG are taken, a few a minute.

mod qr;

use std::collections::VecDeque;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

pub use qr::{Qr, qr_for};

/// The largest photo taken: a phone's JPEG is 2-8 MB.
pub const MAX_BODY: u64 = 20 << 20;
/// How long the page is served at most, whatever is open.
pub const LIFETIME: Duration = Duration::from_secs(10 * 60);
/// Uploads taken in any minute.
pub const UPLOADS_PER_MINUTE: usize = 6;

/// The page the phone opens: a few kilobytes, nothing from elsewhere.
const PAGE: &str = include_str!("page.html");

/// What the bench read off a photo from the phone, for the page (and
/// `phone --json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The serial read, if any.
    pub serial: Option<String>,
    /// How it was read: "barcode", "printed text", or "".
    pub how: String,
    /// True only where a barcode says it exactly, or a barcode and the
    /// printed serial agree.
    pub sure: bool,
    /// What the bench says of it, in a sentence.
    pub said: String,
}

impl Answer {
    /// The answer for a label reading.
    pub fn of(reading: &crate::label::Reading) -> Answer {
        let how = reading.source.map_or("", |s| s.words()).to_string();
        let said = match (&reading.serial, reading.sure) {
            (Some(s), true) => format!("read {s} ({how}): sure"),
            (Some(s), false) => {
                format!("read {s} ({how}): not sure, check it on the label")
            }
            (None, _) => "no serial read off the photo: take it again closer, or type the \
                          serial at the bench"
                .to_string(),
        };
        Answer {
            serial: reading.serial.as_ref().map(|s| s.to_string()),
            how,
            sure: reading.sure && reading.serial.is_some(),
            said,
        }
    }
}

/// Reads a photo saved from the phone: the answer, or why there is none.
pub type Reader = Box<dyn Fn(&Path) -> Result<Answer, String> + Send + Sync>;

/// The page being served. Dropping it (or [`Phone::close`]) closes the port.
pub struct Phone {
    url: String,
    /// Where it listens, to see the port closed.
    listening: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Phone").field("url", &self.url).finish()
    }
}

impl Phone {
    /// Serves the page on `bind` (an address, with or without a port; by
    /// default the bench's LAN address and a port the system chooses).
    /// Photos are saved in `folder` and given to `read`.
    pub fn open(bind: Option<&str>, folder: PathBuf, read: Reader) -> anyhow::Result<Phone> {
        let addr = bind_address(bind)?;
        let server = tiny_http::Server::http(addr)
            .map_err(|e| anyhow::anyhow!("the phone page cannot listen on {addr}: {e}"))?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| anyhow::anyhow!("the phone page has no port"))?;
        let token = token()?;
        let shown_ip = match addr.ip() {
            ip if ip.is_unspecified() => lan_ip(),
            ip => ip,
        };
        let url = match shown_ip {
            IpAddr::V6(v6) => format!("http://[{v6}]:{port}/{token}/"),
            IpAddr::V4(v4) => format!("http://{v4}:{port}/{token}/"),
        };
        let stop = Arc::new(AtomicBool::new(false));
        let serving = Serving {
            token,
            folder,
            read: Arc::new(read),
            recent: Arc::new(Mutex::new(VecDeque::new())),
            busy: Arc::new(AtomicUsize::new(0)),
            count: Arc::new(AtomicUsize::new(0)),
        };
        let flag = stop.clone();
        let thread = std::thread::spawn(move || serve(server, serving, &flag));
        let listening_ip = match addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        Ok(Phone {
            url,
            listening: SocketAddr::new(listening_ip, port),
            stop,
            thread: Some(thread),
        })
    }

    /// The page's address, with its token.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// True while the page is served (closed, or its ten minutes over: not).
    pub fn is_open(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops serving: the port is closed when this returns.
    pub fn close(mut self) {
        self.shut();
    }

    fn shut(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let Some(t) = self.thread.take() else {
            return;
        };
        let _ = t.join();
        // The server's own thread lets go of the port a moment after it is
        // dropped: wait for it (at most two seconds), so closed is closed.
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until
            && std::net::TcpStream::connect_timeout(&self.listening, Duration::from_millis(100))
                .is_ok()
        {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Phone {
    fn drop(&mut self) {
        self.shut();
    }
}

/// What the serving thread needs for each request.
#[derive(Clone)]
struct Serving {
    token: String,
    folder: PathBuf,
    read: Arc<Reader>,
    /// When the last uploads came, for the rate.
    recent: Arc<Mutex<VecDeque<Instant>>>,
    /// Uploads being read now.
    busy: Arc<AtomicUsize>,
    /// Photos saved, for their names.
    count: Arc<AtomicUsize>,
}

/// Answers requests until told to stop or the lifetime is over; the port
/// closes when the server is dropped, here.
fn serve(server: tiny_http::Server, serving: Serving, stop: &AtomicBool) {
    let started = Instant::now();
    while !stop.load(Ordering::Relaxed) && started.elapsed() < LIFETIME {
        match server.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(request)) => {
                let s = serving.clone();
                // A slow phone never holds the others, nor the closing.
                std::thread::spawn(move || answer(request, &s));
            }
            Ok(None) => {}
            Err(_) => break,
        }
    }
}

/// A response with the headers every answer carries.
fn response(
    status: u16,
    kind: &str,
    body: Vec<u8>,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut r = tiny_http::Response::from_data(body).with_status_code(status);
    for (k, v) in [
        ("Content-Type", kind),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
    ] {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes())
            && !v.is_empty()
        {
            r.add_header(h);
        }
    }
    r
}

/// A sentence for the page, as JSON.
fn said(status: u16, sentence: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let body = serde_json::json!({ "error": sentence }).to_string();
    response(status, "application/json", body.into_bytes())
}

fn answer(mut request: tiny_http::Request, s: &Serving) {
    let path = request
        .url()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let route = path
        .strip_prefix('/')
        .and_then(|p| p.split_once('/'))
        .filter(|(token, _)| token.eq_ignore_ascii_case(&s.token))
        .map(|(_, rest)| rest.to_string());
    let method = request.method().clone();
    let reply = match (route.as_deref(), method) {
        (Some(""), tiny_http::Method::Get) => {
            response(200, "text/html; charset=utf-8", PAGE.as_bytes().to_vec())
        }
        (Some("photo"), tiny_http::Method::Post) => upload(&mut request, s),
        // Anything else: nothing, not even what is there.
        _ => response(404, "", Vec::new()),
    };
    let _ = request.respond(reply);
}

/// A photo sent from the page: checked, saved and read.
fn upload(
    request: &mut tiny_http::Request,
    s: &Serving,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    if request.body_length().is_some_and(|n| n as u64 > MAX_BODY) {
        return said(
            413,
            "That photo is over 20 MB: take it again at the camera's usual size.",
        );
    }
    if !take_a_turn(&s.recent) {
        return said(
            429,
            "Too many photos this minute: wait a moment, then take it again.",
        );
    }
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(MAX_BODY + 1)
        .read_to_end(&mut body);
    if read.is_err() {
        return said(400, "The photo did not arrive whole: take it again.");
    }
    if body.len() as u64 > MAX_BODY {
        return said(
            413,
            "That photo is over 20 MB: take it again at the camera's usual size.",
        );
    }
    let ext = match kind_of(&body) {
        Kind::Jpeg => "jpg",
        Kind::Png => "png",
        Kind::Heic => {
            return said(
                415,
                "This is a HEIC photo, which the bench cannot read: set the camera to \
                 Most Compatible (Settings > Camera > Formats) and take it again.",
            );
        }
        Kind::Other => {
            return said(
                415,
                "That is not a photo the bench reads: send a JPEG or PNG photo of the label.",
            );
        }
    };
    if s.busy.fetch_add(1, Ordering::SeqCst) > 0 {
        s.busy.fetch_sub(1, Ordering::SeqCst);
        return said(
            503,
            "The bench is reading another photo: take this one again in a moment.",
        );
    }
    let n = s.count.fetch_add(1, Ordering::SeqCst) + 1;
    let stamp = jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S");
    let file = s.folder.join(format!("phone-{stamp}-{n}.{ext}"));
    let result = crate::files::write_private(&file, &body)
        .map_err(|e| format!("the bench could not keep the photo: {e}"))
        .and_then(|()| (s.read)(&file));
    s.busy.fetch_sub(1, Ordering::SeqCst);
    match result {
        Ok(answer) => response(
            200,
            "application/json",
            serde_json::to_vec(&answer).unwrap_or_default(),
        ),
        Err(why) => said(422, &format!("The bench could not read it: {why}.")),
    }
}

/// Whether another upload may come now; counted when it may.
fn take_a_turn(recent: &Mutex<VecDeque<Instant>>) -> bool {
    let mut recent = recent.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    while recent
        .front()
        .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(60))
    {
        recent.pop_front();
    }
    if recent.len() >= UPLOADS_PER_MINUTE {
        return false;
    }
    recent.push_back(now);
    true
}

enum Kind {
    Jpeg,
    Png,
    Heic,
    Other,
}

/// What a body is, by its first bytes.
fn kind_of(body: &[u8]) -> Kind {
    if body.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Kind::Jpeg
    } else if body.starts_with(b"\x89PNG\r\n\x1a\n") {
        Kind::Png
    } else if body.len() > 12
        && &body[4..8] == b"ftyp"
        && [&b"heic"[..], b"heix", b"hevc", b"heif", b"mif1", b"msf1"].contains(&&body[8..12])
    {
        Kind::Heic
    } else {
        Kind::Other
    }
}

/// 128 random bits, as 32 hex digits, from the system's generator.
fn token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("no random numbers for the phone page's address: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Where to listen: `bind` ("192.168.1.5", "127.0.0.1:8080", "[::1]:0"),
/// else every address of the bench, on a port the system chooses.
fn bind_address(bind: Option<&str>) -> anyhow::Result<SocketAddr> {
    let Some(text) = bind.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(SocketAddr::new(lan_ip(), 0));
    };
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Ok(ip) = text.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 0));
    }
    anyhow::bail!(
        "'{}' is not an address to serve the phone page on: give an IP address, with or \
         without a port (phone.bind in the config file, or RADIOCODE_PHONE_BIND), e.g. \
         192.168.1.20 or 127.0.0.1:8080",
        crate::serial::echo_text(text, 60)
    )
}

/// The bench's address on its network: the one its traffic would leave
/// from (no packet is sent); the loopback where there is no network.
fn lan_ip() -> IpAddr {
    UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))
        .and_then(|s| {
            s.connect((Ipv4Addr::new(192, 0, 2, 1), 9))?;
            s.local_addr()
        })
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_unspecified())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_128_random_bits() {
        let (a, b) = (token().unwrap(), token().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn bind_addresses_read_as_a_technician_writes_them() {
        assert_eq!(bind_address(Some("127.0.0.1")).unwrap().port(), 0);
        assert_eq!(bind_address(Some("127.0.0.1:8080")).unwrap().port(), 8080);
        assert!(bind_address(Some("[::1]")).unwrap().ip().is_loopback());
        assert!(bind_address(Some("the bench")).is_err());
    }

    #[test]
    fn bodies_are_told_by_their_first_bytes() {
        assert!(matches!(kind_of(&[0xFF, 0xD8, 0xFF, 0xE0]), Kind::Jpeg));
        assert!(matches!(kind_of(b"\x89PNG\r\n\x1a\nrest"), Kind::Png));
        assert!(matches!(kind_of(b"\0\0\0\x18ftypheic\0\0\0\0"), Kind::Heic));
        assert!(matches!(kind_of(b"hello, this is text"), Kind::Other));
        assert!(matches!(kind_of(b""), Kind::Other));
    }
}
