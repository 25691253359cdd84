//! Every parser of outside input takes any text: it answers or refuses with
//! a message, never panics, and what it refuses says where (CSV rows by
//! line). Typed serials and server URLs have their own properties in
//! `props.rs` and `promises.rs`.

use proptest::prelude::*;
use radiocode::store::{self, Records, SqliteStore};

/// Text with the characters that break parsers: quotes, separators, line
/// ends, NUL, escapes, non-ASCII.
fn hostile() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "[a-zA-Z0-9,;:\"'=\\[\\]{}#\\r\\n\\t \u{0}\u{1b}é%@/\\\\.-]{0,200}",
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any CSV imports or is refused whole; every bad row is named by a line
    /// inside the text; nothing panics; the good rows are in the book.
    #[test]
    fn any_csv_imports_row_by_row(body in hostile(), rows in proptest::collection::vec(("[A-Z][0-9]{3}", "[0-9]{4}"), 0..5)) {
        let mut text = String::from("serial,code,source\n");
        for (serial, code) in &rows {
            text.push_str(&format!("{serial},{code},ok\n"));
        }
        text.push_str(&body);
        let mut r = SqliteStore::in_memory().unwrap();
        match store::import_csv(&mut r, text.as_bytes(), false, "test", "test") {
            Ok(report) => {
                let lines = text.lines().count() as u64 + 1;
                for bad in &report.bad {
                    prop_assert!(bad.line >= 1 && bad.line <= lines, "{:?}", bad);
                    prop_assert!(!bad.reason.is_empty());
                }
            }
            Err(e) => {
                let said = format!("{e:#}");
                prop_assert!(!said.is_empty());
            }
        }
        let _ = r.book().unwrap();
    }

    /// Any text as Intel HEX: bytes or a refusal that names the line.
    #[test]
    fn any_intel_hex_is_read_or_refused(text in hostile(), lines in proptest::collection::vec("(:[0-9A-F]{0,42})?", 0..6)) {
        let mut all = lines.join("\n");
        all.push_str(&text);
        match radiocode::dump::ihex::parse(&all, 64 * 1024) {
            Ok(bytes) => prop_assert!(bytes.len() <= 64 * 1024),
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }

    /// Any text as the config file: settings or a message, never a panic.
    #[test]
    fn any_config_is_read_or_refused(text in hostile()) {
        // A message never quotes the file: a line of it may hold a password.
        if let Err(e) = radiocode::settings::Settings::parse(&text) {
            let said = format!("{e:#}");
            prop_assert!(!said.trim().is_empty());
            for line in text.lines().map(str::trim).filter(|l| l.chars().count() > 20) {
                prop_assert!(!said.contains(line), "{said} quotes {line:?}");
            }
        }
        let db = text.replace(['"', '\\', '\n', '\r'], "");
        let toml_like = format!("db = \"{db}\"\nbranch = \"{}\"\n", text.len());
        match radiocode::settings::Settings::parse(&toml_like) {
            Ok(s) => {
                prop_assert_eq!(s.db.as_deref(), Some(db.as_str()));
                let branch = text.len().to_string();
                prop_assert_eq!(s.branch.as_deref(), Some(branch.as_str()));
            }
            Err(e) => {
                let said = format!("{e:#}");
                prop_assert!(db.chars().count() <= 20 || !said.contains(&db), "{said}");
            }
        }
    }

    /// Any text as a layouts file (TOML or JSON): layouts or a message.
    #[test]
    fn any_layouts_file_is_read_or_refused(text in hostile()) {
        for file in [
            text.clone(),
            format!("{{\"layouts\": [{text}]}}"),
            format!("[[layout]]\nmodel = \"{}\"\n", text.len()),
        ] {
            // Layouts, or a message that says something.
            if let Err(e) = radiocode::dump::parse_layouts(&file) {
                prop_assert!(!e.trim().is_empty());
            }
        }
    }

    /// Any bytes as a chip dump.
    #[test]
    fn any_bytes_are_a_dump_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        match radiocode::dump::Dump::from_bytes(bytes) {
            Ok(d) => prop_assert!(d.bytes.len() <= radiocode::dump::MAX_SIZE),
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }
}
