//! `radiocode phone`: the phone page without the workbench. It prints the
//! QR code and the address, reads each photo the phone sends as `label`
//! does, prints what it read, and ends after `--count` photos, on Ctrl-C,
//! or when the page's ten minutes are over.

use std::io::IsTerminal;
use std::sync::mpsc;

use super::Out;
use crate::label::{self, Options, Reading};
use crate::phone::{self, Answer, Phone};
use crate::settings::Bench;

#[derive(clap::Args, Debug)]
pub struct PhoneArgs {
    /// Stop after this many photos (default: one).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub count: u32,
    /// One JSON object a line per photo, as `label --json` prints it.
    #[arg(long)]
    pub json: bool,
    /// The address (and port) to listen on (default: RADIOCODE_PHONE_BIND,
    /// the config file's phone.bind, else the bench's network address).
    #[arg(long, value_name = "ADDRESS")]
    pub bind: Option<String>,
}

pub fn run(args: &PhoneArgs, bench: &Bench) -> anyhow::Result<u8> {
    let folder = std::env::temp_dir().join(format!("radiocode-phone-{}", std::process::id()));
    crate::files::own_dir(&folder)?;
    let (tx, photos) = mpsc::channel::<(std::path::PathBuf, Result<Reading, String>)>();
    let tx = std::sync::Mutex::new(tx);
    let reader: phone::Reader = Box::new(move |path| {
        let read = label::read_file(path, &Options::default())
            .map(|(reading, _)| reading)
            .map_err(|f| match f {
                label::Failure::Unreadable(why) => why,
                label::Failure::Stopped => "the reading was stopped".to_string(),
            });
        let answer = read.as_ref().map(Answer::of).map_err(Clone::clone);
        let _ = tx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send((path.to_path_buf(), read));
        answer
    });
    let bind = args.bind.as_deref().or(bench.phone_bind.as_deref());
    let page = Phone::open(bind, folder.clone(), reader)?;
    let qr = phone::qr_for(page.url())?;
    // Dark on light, whatever the terminal's colours, where it is one.
    let paint = std::io::stderr().is_terminal();
    for line in qr.lines() {
        if paint {
            say!("\x1b[30;47m{line}\x1b[0m");
        } else {
            say!("{line}");
        }
    }
    say!("{}", page.url());
    say!(
        "Open it with the phone's camera (same network), take the label's photo; \
         waiting for {} photo{} (Ctrl-C ends it, as do 10 minutes)",
        args.count,
        if args.count == 1 { "" } else { "s" }
    );
    let mut out = Out::stdout();
    let mut status = crate::exit::OK;
    let mut got = 0;
    while got < args.count {
        match photos.recv_timeout(std::time::Duration::from_millis(500)) {
            Ok((path, Ok(reading))) => {
                got += 1;
                if reading.serial.is_none() {
                    status = status.max(crate::exit::NO_CODE);
                }
                out.line(&super::label::said_of(&path, &reading, args.json)?)?;
                out.flush()?;
            }
            Ok((path, Err(why))) => {
                got += 1;
                status = crate::exit::FAILURE;
                say!("radiocode: {}: {why}", crate::files::shown(&path));
            }
            Err(mpsc::RecvTimeoutError::Timeout) if page.is_open() => {}
            Err(_) => {
                say!("radiocode: the phone page's ten minutes are over: it is closed");
                status = status.max(crate::exit::FAILURE);
                break;
            }
        }
    }
    page.close();
    Ok(status)
}
