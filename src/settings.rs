//! The bench's own settings: `config.toml` in the platform's config folder
//! (`~/.config/radiocode/config.toml` on Linux, or the file named by
//! `RADIOCODE_CONFIG`). Flags and environment variables override it.

use std::path::PathBuf;

use anyhow::Context;
use serde::Deserialize;

/// What the config file may say; every key is optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The records: a SQLite file path or a `postgres://` URL.
    pub db: Option<String>,
    /// This garage's branch, recorded on every job.
    pub branch: Option<String>,
    /// This bench's name, recorded on every job (default: the host name).
    pub workstation: Option<String>,
    /// The garage's name and address, printed on job cards and requests.
    pub garage: Option<String>,
    /// The phone page's settings.
    pub phone: Option<PhoneSettings>,
}

/// `[phone]` in the config file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PhoneSettings {
    /// The address (and port) the phone page listens on: "127.0.0.1"
    /// keeps it on the bench (default: the bench's network address).
    pub bind: Option<String>,
}

/// Where the config file is read from.
pub fn config_path() -> PathBuf {
    match std::env::var_os("RADIOCODE_CONFIG").filter(|p| !p.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => dirs::config_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("radiocode")
            .join("config.toml"),
    }
}

impl Settings {
    /// The config file's settings; none when there is no file.
    pub fn load() -> anyhow::Result<Settings> {
        let path = config_path();
        if !path.exists() {
            return Ok(Settings::default());
        }
        // A config file is a few lines: 1 MiB is far beyond any.
        let text = crate::files::read_text_bounded(&path, "a config file", 1 << 20)
            .map_err(anyhow::Error::msg)?;
        Settings::parse(&text).with_context(|| {
            format!(
                "the config file {} is not valid",
                crate::files::shown(&path)
            )
        })
    }

    /// The settings a config file's text holds, or where and why it is not
    /// valid. The message never quotes the file: a line of it may hold the
    /// server's password.
    pub fn parse(text: &str) -> anyhow::Result<Settings> {
        toml::from_str(text).map_err(|e: toml::de::Error| {
            let at = match e.span() {
                Some(span) => {
                    let before = text.get(..span.start).unwrap_or(text);
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    format!("line {line}, column {column}: ")
                }
                None => String::new(),
            };
            anyhow::anyhow!("{at}{}", unquoted(e.message()))
        })
    }
}

/// A parser's message with what it quotes of the file left out, but for
/// names (a mistyped key) and single characters (`=`, `"`). Every setting
/// is text, so the parser never quotes a value as being of the wrong kind.
fn unquoted(message: &str) -> String {
    let name = |p: &str| {
        p.len() <= 20
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let message = message.replace('\n', "; ");
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let mut quoted = true;
    for part in parts {
        if quoted {
            out.push('`');
            if part.chars().count() <= 2 || name(part) {
                out.push_str(part);
            } else {
                out.push('…');
            }
            out.push('`');
        } else {
            out.push_str(part);
        }
        quoted = !quoted;
    }
    out
}

/// Who records a job: this bench and its branch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bench {
    pub workstation: String,
    pub branch: String,
    /// The garage's name for documents, if the config file gives one.
    pub garage: Option<String>,
    /// Where the phone page listens (`RADIOCODE_PHONE_BIND`, else the
    /// config file's `phone.bind`); none: the bench's network address.
    pub phone_bind: Option<String>,
}

impl Bench {
    /// From the environment (`RADIOCODE_WORKSTATION`, `RADIOCODE_BRANCH`),
    /// else the config file, else the host name and no branch.
    pub fn from_settings(settings: &Settings) -> Bench {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Bench {
            workstation: env("RADIOCODE_WORKSTATION")
                .or_else(|| settings.workstation.clone())
                .unwrap_or_else(|| crate::store::whoami().1),
            branch: env("RADIOCODE_BRANCH")
                .or_else(|| settings.branch.clone())
                .unwrap_or_default(),
            garage: settings.garage.clone(),
            phone_bind: env("RADIOCODE_PHONE_BIND")
                .or_else(|| settings.phone.as_ref().and_then(|p| p.bind.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_file_is_read_and_strays_are_named() {
        let s = Settings::parse("db = \"postgres://bay2@server/records\"\nbranch = \"Leeds\"\n")
            .unwrap();
        assert_eq!(s.db.as_deref(), Some("postgres://bay2@server/records"));
        assert_eq!(s.branch.as_deref(), Some("Leeds"));
        let e = format!("{:#}", Settings::parse("dbb = \"x\"\n").unwrap_err());
        assert!(e.contains("dbb"), "{e}");
    }
}
