//! Intel HEX, as some EEPROM programmers save a read: text lines
//! `:LLAAAATT<data>CC`, each checked by its checksum.

/// Reads the image an Intel HEX text describes; gaps are erased bytes (FF).
/// An error names the line (1-based) and what is wrong with it.
pub fn parse(text: &str, max_size: usize) -> Result<Vec<u8>, String> {
    let mut image: Vec<u8> = Vec::new();
    let mut base: usize = 0;
    let mut ended = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if ended {
            return Err(format!("line {n}: a record after the end-of-file record"));
        }
        let hex = line
            .strip_prefix(':')
            .ok_or_else(|| format!("line {n}: a record starts with ':'"))?;
        // Hex digits are ASCII: anything else is named before the text is
        // cut into pairs (a cut inside a character would not be one).
        if !hex.is_ascii() {
            return Err(format!("line {n}: a character that is not a hex digit"));
        }
        if !hex.len().is_multiple_of(2) || hex.len() < 10 {
            return Err(format!(
                "line {n}: too short or an odd number of hex digits"
            ));
        }
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|j| u8::from_str_radix(&hex[j..j + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| format!("line {n}: a character that is not a hex digit"))?;
        let len = usize::from(bytes[0]);
        if bytes.len() != len + 5 {
            return Err(format!(
                "line {n}: the record says {len} data bytes but holds {}",
                bytes.len() - 5
            ));
        }
        if bytes.iter().fold(0u8, |s, b| s.wrapping_add(*b)) != 0 {
            return Err(format!("line {n}: bad checksum"));
        }
        let address = usize::from(u16::from_be_bytes([bytes[1], bytes[2]]));
        let data = &bytes[4..4 + len];
        match bytes[3] {
            0x00 => {
                let start = base + address;
                let end = start + len;
                if end > max_size {
                    return Err(format!(
                        "line {n}: data at 0x{start:X} goes past {max_size} bytes, more than any \
                         radio EEPROM holds"
                    ));
                }
                if image.len() < end {
                    image.resize(end, 0xFF);
                }
                image[start..end].copy_from_slice(data);
            }
            0x01 => ended = true,
            0x02 if len == 2 => base = usize::from(u16::from_be_bytes([data[0], data[1]])) << 4,
            0x04 if len == 2 => base = usize::from(u16::from_be_bytes([data[0], data[1]])) << 16,
            0x03 | 0x05 => {}
            t => {
                return Err(format!(
                    "line {n}: record type {t:02X} is not one Intel HEX has"
                ));
            }
        }
    }
    Ok(image)
}

/// True when the bytes look like Intel HEX text: printable lines, the
/// first of them starting with ':'.
pub fn looks_like(bytes: &[u8]) -> bool {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    first == Some(&b':')
        && bytes
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_build_the_image_and_bad_lines_are_named() {
        let text = ":040014000872123428\n:00000001FF\n";
        let image = parse(text, 65536).unwrap();
        assert_eq!(image.len(), 0x18);
        assert_eq!(&image[0x14..0x18], &[0x08, 0x72, 0x12, 0x34]);
        assert!(image[..0x14].iter().all(|b| *b == 0xFF));
        assert!(looks_like(text.as_bytes()));
        let bad = ":040014000872123429\n";
        assert_eq!(parse(bad, 65536).unwrap_err(), "line 1: bad checksum");
        let bad = ":0400140008721234ZZ\n:00000001FF\n";
        assert!(
            parse(&format!(":040014000872123428\n{bad}"), 65536)
                .unwrap_err()
                .starts_with("line 2:")
        );
        assert!(
            parse(":0400140008\n", 65536)
                .unwrap_err()
                .starts_with("line 1:")
        );
        assert!(!looks_like(&[0x3A, 0x00, 0xFF]));
    }
}
