//! The phone page over real HTTP: what it serves, what it refuses, and
//! that closing it closes the port.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::labels::{Label, Shot, jpeg, photo};
use radiocode::phone::{Answer, Phone, Reader};

/// The phone page on the loopback, reading photos as `label` does.
fn open(dir: &std::path::Path) -> Phone {
    let reader: Reader = Box::new(|path| {
        radiocode::label::read_file(path, &radiocode::label::Options::default())
            .map(|(r, _)| Answer::of(&r))
            .map_err(|e| format!("{e:?}"))
    });
    Phone::open(Some("127.0.0.1"), dir.to_path_buf(), reader).unwrap()
}

/// host:port and the path of the page, from its address.
fn parts(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    (host.to_string(), format!("/{path}"))
}

/// One request: the status and the body.
fn http(
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn label_jpeg(serial: &str) -> Vec<u8> {
    jpeg(&photo(&Label::code128(serial), Shot::default()), 90)
}

#[test]
fn the_page_is_served_at_its_token_and_nothing_else_is() {
    let dir = tempfile::tempdir().unwrap();
    let phone = open(dir.path());
    let (host, page) = parts(phone.url());
    let (status, body) = http(&host, "GET", &page, &[], b"");
    assert_eq!(status, 200);
    assert!(body.contains(r#"capture="environment""#), "{body}");
    assert!(body.len() < 8 * 1024, "a few kilobytes");
    assert!(
        !body.contains("http://") && !body.contains("https://"),
        "nothing from elsewhere"
    );
    // A wrong token, a path outside the page, another method: 404, bare.
    let wrong = format!("/{}/", "0".repeat(32));
    for (method, path) in [
        ("GET", wrong.as_str()),
        ("GET", "/"),
        ("GET", "/etc/passwd"),
        ("GET", &format!("{page}../")),
        ("GET", &format!("{page}photo")),
        ("DELETE", page.as_str()),
        ("POST", page.as_str()),
    ] {
        let (status, body) = http(&host, method, path, &[], b"");
        assert_eq!((status, body.as_str()), (404, ""), "{method} {path}");
    }
}

#[test]
fn a_photo_is_read_and_anything_else_is_refused_with_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let phone = open(dir.path());
    let (host, page) = parts(phone.url());
    let upload = format!("{page}photo");
    let jpeg_type = [("Content-Type", "image/jpeg".to_string())];
    let (status, body) = http(&host, "POST", &upload, &jpeg_type, &label_jpeg("M123456"));
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["serial"], "M123456");
    assert_eq!(answer["sure"], true);
    // A second upload is read too.
    let (status, body) = http(
        &host,
        "POST",
        &upload,
        &jpeg_type,
        &label_jpeg("BP538464182965"),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("BP538464182965"), "{body}");
    // A text file sent as a photo, a HEIC photo: refused, said.
    let (status, body) = http(
        &host,
        "POST",
        &upload,
        &jpeg_type,
        b"this is not a photo at all",
    );
    assert_eq!(status, 415);
    assert!(body.contains("JPEG or PNG"), "{body}");
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    let (status, body) = http(&host, "POST", &upload, &jpeg_type, &heic);
    assert_eq!(status, 415);
    assert!(
        body.contains("HEIC") && body.contains("Most Compatible"),
        "{body}"
    );
    // A JPEG cut short: said, nothing read.
    let mut cut = label_jpeg("M123456");
    cut.truncate(cut.len() / 3);
    let (status, body) = http(&host, "POST", &upload, &jpeg_type, &cut);
    assert!(status == 422 || status == 200, "{status} {body}");
    // The photos are kept where the bench keeps them.
    assert!(std::fs::read_dir(dir.path()).unwrap().count() >= 2);
}

#[test]
fn a_30_mb_body_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let phone = open(dir.path());
    let (host, page) = parts(phone.url());
    // The length alone: the answer comes with none of the body sent.
    let (status, body) = http(
        &host,
        "POST",
        &format!("{page}photo"),
        &[("Content-Length", (30u64 << 20).to_string())],
        b"",
    );
    assert_eq!(status, 413);
    assert!(body.contains("over 20 MB"), "{body}");
}

#[test]
fn a_few_uploads_a_minute_and_the_port_closes_with_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let phone = open(dir.path());
    let (host, page) = parts(phone.url());
    let upload = format!("{page}photo");
    let statuses: Vec<u16> = (0..8)
        .map(|_| http(&host, "POST", &upload, &[], b"not a photo").0)
        .collect();
    assert_eq!(&statuses[..6], [415; 6]);
    assert_eq!(&statuses[6..], [429, 429], "{statuses:?}");
    phone.close();
    assert!(
        TcpStream::connect_timeout(&host.parse().unwrap(), Duration::from_secs(2)).is_err(),
        "the port is closed with the page"
    );
}

#[test]
fn the_command_prints_the_address_and_what_the_phone_sent() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_radiocode"))
        .args(["phone", "--json", "--bind", "127.0.0.1"])
        .env("RADIOCODE_DB", dir.path().join("r.db"))
        .env("RADIOCODE_CONFIG", dir.path().join("none.toml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut lines = err.lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.starts_with("http://"))
        .expect("the address is printed");
    // The QR printed above it is that address.
    let (host, page) = parts(&url);
    let (status, _) = http(
        &host,
        "POST",
        &format!("{page}photo"),
        &[],
        &label_jpeg("M123456"),
    );
    assert_eq!(status, 200);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let line: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(line["serial"], "M123456");
}

/// The QR code on a drawn screen (the cells dark on light), read back.
fn qr_on_screen(t: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let buf = t.backend().buffer();
    let lines: Vec<String> = (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .filter(|x| buf[(*x, y)].bg == ratatui::style::Color::White)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    let qr = radiocode::phone::Qr::from_lines(&lines);
    // Four pixels a module, as a camera would see the screen.
    let scale = 4;
    let side = qr.width * scale;
    let mut pixels = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            if qr.dark(x / scale, y / scale) {
                pixels[y * side + x] = 0;
            }
        }
    }
    rxing::helpers::detect_in_luma(
        pixels,
        side as u32,
        side as u32,
        Some(rxing::BarcodeFormat::QR_CODE),
    )
    .expect("the QR code on the screen reads")
    .getText()
    .to_string()
}

#[test]
fn the_phone_view_shows_its_address_as_a_qr_and_a_photo_lands_in_the_serial() {
    use common::tui::{draw, key, screen, with_the_phone_view};
    use ratatui::crossterm::event::KeyCode;
    let dir = tempfile::tempdir().unwrap();
    let (mut a, url) = with_the_phone_view(dir.path());
    let s = screen(&a);
    assert!(s.contains(&url), "the address in full, within 80x24: {s}");
    assert!(
        qr_on_screen(&draw(&a)).eq_ignore_ascii_case(&url),
        "the QR is the address shown"
    );
    // The phone sends a label photo: the serial lands in the field.
    let (host, page) = parts(&url);
    let sent = std::thread::spawn(move || {
        http(
            &host,
            "POST",
            &format!("{page}photo"),
            &[],
            &label_jpeg("M123456"),
        )
    });
    common::tui::pump_the_phone(&mut a, |a| a.input.value() == "M123456");
    assert_eq!(a.input.value(), "M123456");
    let (status, body) = sent.join().unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("M123456"), "the page is told: {body}");
    key(&mut a, KeyCode::Esc);
    assert!(a.phone.is_none(), "closing the view closes the page");
    assert!(
        screen(&a).contains("read from the phone's photo"),
        "{}",
        screen(&a)
    );
    let (host, _) = parts(&url);
    assert!(TcpStream::connect(&host).is_err(), "and its port");
    // The photo is kept as the label photo of the job this radio gets.
    key(&mut a, KeyCode::Enter);
    common::tui::accept_on_a_new_job(&mut a);
    let job = a.job.as_ref().expect("a job").id;
    let store = radiocode::store::SqliteStore::open(&dir.path().join("radiocode.db")).unwrap();
    use radiocode::store::Records;
    let row = &store.jobs(&radiocode::store::JobFilter::job(job)).unwrap()[0];
    assert_eq!(row.evidence.len(), 1, "{:?}", a.notice);
    assert_eq!(
        row.evidence[0].kind,
        radiocode::store::EvidenceKind::LabelPhoto
    );
    assert_eq!(row.evidence[0].serial_read, "M123456");
}

#[test]
fn a_label_photo_read_with_f5_is_kept_once_on_the_job_open() {
    use common::tui::{accept_on_a_new_job, app_with_records, key, type_text};
    use radiocode::store::Records;
    use radiocode::tui::app::Msg;
    use radiocode::tui::photo::PhotoMsg;
    use ratatui::crossterm::event::KeyCode;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("label.jpg");
    std::fs::write(&file, label_jpeg("M123456")).unwrap();
    let mut a = app_with_records(dir.path(), 120, 40);
    type_text(&mut a, "M123456");
    key(&mut a, KeyCode::Enter);
    accept_on_a_new_job(&mut a);
    let job = a.job.as_ref().expect("a job").id;
    let evidence = |dir: &std::path::Path| {
        let store = radiocode::store::SqliteStore::open(&dir.join("radiocode.db")).unwrap();
        store.jobs(&radiocode::store::JobFilter::job(job)).unwrap()[0]
            .evidence
            .clone()
    };
    for _ in 0..2 {
        a.update(Msg::Photo(PhotoMsg::ReadPath(file.clone())));
        let until = std::time::Instant::now() + Duration::from_secs(60);
        while a.photo.reading().is_some() && std::time::Instant::now() < until {
            a.update(Msg::Photo(PhotoMsg::Poll));
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let kept = evidence(dir.path());
    assert_eq!(kept.len(), 1, "kept once: {:?}", a.notice);
    assert_eq!(kept[0].serial_read, "M123456");
    assert!(
        a.notice
            .as_deref()
            .unwrap()
            .contains("has this photo already"),
        "{:?}",
        a.notice
    );
}
