//! A watch on every connection to the server. The bytes go through a relay
//! of this bench's own, on the loopback address: it ends the connection when
//! the server leaves a question unanswered for [`SILENCE`] (a dropped VPN or
//! Wi-Fi, a stuck server), so no query waits without a bound. The client's
//! next read then fails at once, and the records are said to be offline.
//!
//! The relay does not read the conversation (it may be encrypted): a
//! question is outstanding while the client has written since the server
//! last did, and the silence is counted from the client's last write (a
//! long upload is the client talking, not the server silent).

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long the server may leave a question unanswered. Longer than the
/// server's own lock timeout, so a write behind a held lock ends with the
/// server's reason; a statement that runs longer is ended by the server's
/// statement timeout before this.
pub const SILENCE: Duration = Duration::from_secs(10);

/// How often the relay looks at the time while the server is silent.
const TICK: Duration = Duration::from_millis(250);

/// Connects to the server at `host:port` within `wait` and starts a relay
/// to it; the loopback port to connect to instead. The relay ends with the
/// connection.
pub fn open(host: &str, port: u16, wait: Duration) -> io::Result<u16> {
    let server = connect(host, port, wait)?;
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let local = listener.local_addr()?.port();
    std::thread::spawn(move || {
        if let Ok(client) = accept_one(&listener, wait) {
            drop(listener);
            relay(client, server);
        }
    });
    Ok(local)
}

fn connect(host: &str, port: u16, wait: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the host has no address");
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, wait) {
            Ok(s) => {
                s.set_nodelay(true)?;
                // A server whose machine or network is gone is found by the
                // system too, when nothing at all comes back.
                let keepalive = socket2::TcpKeepalive::new()
                    .with_time(Duration::from_secs(5))
                    .with_interval(Duration::from_secs(1));
                let socket = socket2::SockRef::from(&s);
                let _ = socket.set_tcp_keepalive(&keepalive);
                #[cfg(target_os = "linux")]
                let _ = socket.set_tcp_user_timeout(Some(SILENCE));
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The one connection the relay is for: radiocode's own, from this machine,
/// within `wait`.
fn accept_one(listener: &TcpListener, wait: Duration) -> io::Result<TcpStream> {
    listener.set_nonblocking(true)?;
    let start = Instant::now();
    loop {
        match listener.accept() {
            Ok((client, from)) if from.ip().is_loopback() => {
                client.set_nonblocking(false)?;
                client.set_nodelay(true)?;
                return Ok(client);
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && start.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Microseconds since `start`.
fn now(start: Instant) -> u64 {
    start.elapsed().as_micros() as u64
}

fn relay(client: TcpStream, server: TcpStream) {
    let start = Instant::now();
    // How many times the client has written, and when it last did.
    let writes = Arc::new(AtomicU64::new(0));
    let last_write = Arc::new(AtomicU64::new(0));
    let (Ok(mut from_client), Ok(mut to_server)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let (writing, wrote_at) = (Arc::clone(&writes), Arc::clone(&last_write));
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match from_client.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    wrote_at.store(now(start), Ordering::SeqCst);
                    writing.fetch_add(1, Ordering::SeqCst);
                    if to_server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to_server.shutdown(Shutdown::Both);
        let _ = from_client.shutdown(Shutdown::Both);
    });
    let (mut from_server, mut to_client) = (server, client);
    let _ = from_server.set_read_timeout(Some(TICK));
    let mut buf = vec![0u8; 64 * 1024];
    // The client's writes the server had answered when it last said anything.
    let mut answered = 0;
    loop {
        match from_server.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                answered = writes.load(Ordering::SeqCst);
                if to_client.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                let asked = writes.load(Ordering::SeqCst) > answered;
                let quiet = now(start).saturating_sub(last_write.load(Ordering::SeqCst));
                if asked && quiet > SILENCE.as_micros() as u64 {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let _ = from_server.shutdown(Shutdown::Both);
    let _ = to_client.shutdown(Shutdown::Both);
}
