//! The ways a 4-digit code is stored in a radio's EEPROM, as seen in the
//! documented layouts of other makes (DOMAIN 3.5).

use serde::{Deserialize, Serialize};

use crate::decode::Code;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// Packed BCD, high byte first: `08 72` = 0872 (VW Premium 5, Delco).
    BcdHighFirst,
    /// Packed BCD, low byte first: `72 08` = 0872.
    BcdLowFirst,
    /// Packed BCD with the nibbles of each byte swapped: `26 25` = 6252
    /// (Blaupunkt ACR 4250).
    BcdNibbleSwapped,
    /// Four ASCII digits: `31 32 33 34` = 1234 (VW Gamma 5, TechniSat).
    Ascii,
    /// One digit per byte: `01 02 03 04` = 1234.
    DigitPerByte,
    /// A 16-bit binary number, high byte first: `04 D2` = 1234.
    BinaryBigEndian,
    /// A 16-bit binary number, low byte first: `D2 04` = 1234.
    BinaryLittleEndian,
    /// One digit per nibble, each XOR 0xA: 1234 = `B8 9E` (Becker 2210).
    NibbleXorA,
}

impl Encoding {
    pub const ALL: [Encoding; 8] = [
        Encoding::BcdHighFirst,
        Encoding::BcdLowFirst,
        Encoding::BcdNibbleSwapped,
        Encoding::Ascii,
        Encoding::DigitPerByte,
        Encoding::BinaryBigEndian,
        Encoding::BinaryLittleEndian,
        Encoding::NibbleXorA,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Encoding::BcdHighFirst => "bcd-high-first",
            Encoding::BcdLowFirst => "bcd-low-first",
            Encoding::BcdNibbleSwapped => "bcd-nibble-swapped",
            Encoding::Ascii => "ascii",
            Encoding::DigitPerByte => "digit-per-byte",
            Encoding::BinaryBigEndian => "binary-big-endian",
            Encoding::BinaryLittleEndian => "binary-little-endian",
            Encoding::NibbleXorA => "nibble-xor-a",
        }
    }

    pub fn parse(s: &str) -> Option<Encoding> {
        Encoding::ALL.into_iter().find(|e| e.id() == s)
    }

    /// How many bytes the code takes.
    pub fn width(self) -> usize {
        match self {
            Encoding::Ascii | Encoding::DigitPerByte => 4,
            _ => 2,
        }
    }

    /// The code these bytes hold, if they hold one in this encoding.
    pub fn read(self, bytes: &[u8]) -> Option<Code> {
        let b = bytes.get(..self.width())?;
        let digits = |d: [u8; 4]| -> Option<Code> {
            d.iter()
                .all(|x| *x <= 9)
                .then(|| Code::new(d.iter().fold(0u16, |v, x| v * 10 + u16::from(*x))))
        };
        let nibbles = |hi: u8, lo: u8| [hi >> 4, hi & 0xF, lo >> 4, lo & 0xF];
        match self {
            Encoding::BcdHighFirst => digits(nibbles(b[0], b[1])),
            Encoding::BcdLowFirst => digits(nibbles(b[1], b[0])),
            Encoding::BcdNibbleSwapped => digits(nibbles(b[0].rotate_left(4), b[1].rotate_left(4))),
            Encoding::Ascii => {
                let d = [b[0], b[1], b[2], b[3]];
                d.iter()
                    .all(u8::is_ascii_digit)
                    .then(|| digits(d.map(|x| x - b'0')))
                    .flatten()
            }
            Encoding::DigitPerByte => digits([b[0], b[1], b[2], b[3]]),
            Encoding::BinaryBigEndian => {
                let v = u16::from_be_bytes([b[0], b[1]]);
                (v <= 9999).then(|| Code::new(v))
            }
            Encoding::BinaryLittleEndian => {
                let v = u16::from_le_bytes([b[0], b[1]]);
                (v <= 9999).then(|| Code::new(v))
            }
            Encoding::NibbleXorA => digits(nibbles(b[0], b[1]).map(|n| n ^ 0xA)),
        }
    }

    /// The bytes that store `code` in this encoding.
    pub fn write(self, code: Code) -> Vec<u8> {
        let [a, b, c, d] = code.digits();
        match self {
            Encoding::BcdHighFirst => vec![a << 4 | b, c << 4 | d],
            Encoding::BcdLowFirst => vec![c << 4 | d, a << 4 | b],
            Encoding::BcdNibbleSwapped => vec![b << 4 | a, d << 4 | c],
            Encoding::Ascii => code.ascii().to_vec(),
            Encoding::DigitPerByte => vec![a, b, c, d],
            Encoding::BinaryBigEndian => code.value().to_be_bytes().to_vec(),
            Encoding::BinaryLittleEndian => code.value().to_le_bytes().to_vec(),
            Encoding::NibbleXorA => vec![(a ^ 0xA) << 4 | (b ^ 0xA), (c ^ 0xA) << 4 | (d ^ 0xA)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_examples_read_as_documented() {
        let c = |s: &str| Code::parse(s).unwrap();
        assert_eq!(Encoding::BcdHighFirst.read(&[0x08, 0x72]), Some(c("0872")));
        assert_eq!(
            Encoding::BcdNibbleSwapped.read(&[0x26, 0x25]),
            Some(c("6252"))
        );
        assert_eq!(Encoding::Ascii.read(b"1234"), Some(c("1234")));
        assert_eq!(Encoding::BcdHighFirst.read(&[0x0A, 0x72]), None);
        assert_eq!(Encoding::BinaryBigEndian.read(&[0x27, 0x10]), None, "10000");
    }

    #[test]
    fn every_code_reads_back_in_every_encoding() {
        for v in (0..10_000u16).step_by(7).chain([0, 9999]) {
            let code = Code::new(v);
            for e in Encoding::ALL {
                let bytes = e.write(code);
                assert_eq!(bytes.len(), e.width());
                assert_eq!(e.read(&bytes), Some(code), "{e:?} {code}");
                assert_eq!(Encoding::parse(e.id()), Some(e));
            }
        }
    }
}
