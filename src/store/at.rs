//! A moment the records hold: a time to the second, in UTC, compared as a
//! time. The records write it, and every export shows it, as RFC 3339 text
//! (2023-11-22T09:30:00Z). A record made here and not yet written has no
//! time: the store stamps it as it writes it.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;

/// When a record was made, or none yet for one the store will stamp.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct At(Option<Timestamp>);

impl At {
    /// Not written yet: the store stamps the time it writes the record.
    pub const UNSTAMPED: At = At(None);

    pub fn new(t: Timestamp) -> At {
        At(Some(t))
    }

    /// A time as the records write it; RFC 3339 with any offset is taken.
    /// Empty text is a record not stamped yet.
    pub fn parse(text: &str) -> Result<At, String> {
        if text.is_empty() {
            return Ok(At::UNSTAMPED);
        }
        Timestamp::from_str(text.trim()).map(At::new).map_err(|_| {
            format!(
                "'{}' is not a time as the records write one (2023-11-22T09:30:00Z)",
                crate::serial::echo_text(text, 40)
            )
        })
    }

    /// As the records write it, or none for a record not stamped yet: what
    /// a store binds.
    pub fn stored(self) -> Option<String> {
        self.0.map(|_| self.to_string())
    }

    /// The day, as the records write days: 2023-11-22 ("" unstamped).
    /// This moment, to the second.
    pub fn now() -> At {
        At::new(Timestamp::now())
    }

    /// The moment, unless the record is not stamped yet.
    pub fn timestamp(self) -> Option<Timestamp> {
        self.0
    }

    pub fn day(self) -> String {
        self.0
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }

    /// To the minute, for a list: 2023-11-22 09:30 ("" unstamped).
    pub fn minute(self) -> String {
        self.0
            .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    }

    /// For a person: 2023-11-22 09:30:00 UTC ("" unstamped).
    pub fn shown(self) -> String {
        self.0
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default()
    }
}

impl fmt::Display for At {
    /// 2023-11-22T09:30:00Z; nothing for a record not stamped yet.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(t) => write!(f, "{}", t.strftime("%Y-%m-%dT%H:%M:%SZ")),
            None => Ok(()),
        }
    }
}

impl serde::Serialize for At {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for At {
    /// A time written by another garage's records; one that is not a time
    /// is left for this store to stamp rather than refusing the file.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<At, D::Error> {
        let text = String::deserialize(d)?;
        Ok(At::parse(&text).unwrap_or(At::UNSTAMPED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_as_the_records_write_it_and_compared_as_times() {
        let a = At::parse("2023-11-22T09:30:00Z").unwrap();
        assert_eq!(a.to_string(), "2023-11-22T09:30:00Z");
        assert_eq!(a.day(), "2023-11-22");
        assert_eq!(a.shown(), "2023-11-22 09:30:00 UTC");
        // The same moment with an offset is the same time.
        assert_eq!(At::parse("2023-11-22T10:30:00+01:00").unwrap(), a);
        // Compared as times, not as text.
        let later = At::parse("2023-11-22T09:30:01+00:00").unwrap();
        assert!(later > a);
        assert!(At::parse("yesterday").unwrap_err().contains("not a time"));
        assert_eq!(At::parse("").unwrap(), At::UNSTAMPED);
        assert_eq!(At::UNSTAMPED.to_string(), "");
        assert!(At::UNSTAMPED < a);
    }
}
