//! The phone page in a real browser: Debian's Chromium, headless, driven
//! through ChromeDriver (`.ci/run` installs both). It opens the address the
//! workbench shows, sets a label photo on the page's camera input, and sees
//! the serial on the page while the workbench shows it in the field.

mod common;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::labels::{Label, Shot, jpeg, photo};

/// ChromeDriver, where this machine has it.
fn chromedriver() -> Option<std::path::PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
}

/// ChromeDriver on a port of its own, ended with the test.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_driver(path: &std::path::Path) -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let until = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "chromedriver never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver(child, port)
}

/// In the browser: the page opened, the photo set on its camera input,
/// and the serial it shows once the bench answered.
async fn send_from_the_page(port: u16, url: String, photo: String) -> Result<String, String> {
    use fantoccini::{ClientBuilder, Locator};
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        }),
    );
    // Plain HTTP to the local driver: no TLS in the way.
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .map_err(|e| format!("no browser session: {e}"))?;
    let shown = async {
        client.goto(&url).await.map_err(|e| e.to_string())?;
        let title = client.title().await.map_err(|e| e.to_string())?;
        if !title.contains("radiocode") {
            return Err(format!("another page: {title}"));
        }
        let input = client
            .find(Locator::Css("input#photo[capture=environment]"))
            .await
            .map_err(|e| e.to_string())?;
        input.send_keys(&photo).await.map_err(|e| e.to_string())?;
        let found = client
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css("#result:not([hidden]) #serial"))
            .await;
        match found {
            Ok(serial) => serial.text().await.map_err(|e| e.to_string()),
            // What the page said instead.
            Err(e) => {
                let status = match client.find(Locator::Css("#status")).await {
                    Ok(s) => s.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                Err(format!("{e}; the page says: {status}"))
            }
        }
    }
    .await;
    let _ = client.close().await;
    shown
}

#[test]
fn a_photo_sent_from_the_page_in_a_real_browser_lands_in_the_serial() {
    let Some(path) = chromedriver() else {
        eprintln!(
            "radiocode tests: a_photo_sent_from_the_page_in_a_real_browser: DID NOT RUN: \
             Chromium's WebDriver (chromium-driver) is not installed; .ci/run installs it"
        );
        return;
    };
    let driver = start_driver(&path);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("label.jpg");
    std::fs::write(
        &file,
        jpeg(&photo(&Label::code128("M123456"), Shot::default()), 90),
    )
    .unwrap();
    let (mut a, url) = common::tui::with_the_phone_view(dir.path());
    let port = driver.1;
    let photo_path = file.to_string_lossy().into_owned();
    let browser = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(send_from_the_page(port, url, photo_path))
    });
    // The workbench's loop, meanwhile: the phone's photo, read as F5 reads one.
    common::tui::pump_the_phone(&mut a, |_| browser.is_finished());
    let shown = browser.join().unwrap();
    assert_eq!(shown.as_deref(), Ok("M123456"), "the page shows the serial");
    assert_eq!(
        a.input.value(),
        "M123456",
        "the workbench has it in the field"
    );
    assert_eq!(
        a.serial_origin.map(|o| o.words()),
        Some("read from the phone's photo (barcode)")
    );
}
