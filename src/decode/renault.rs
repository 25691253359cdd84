//! The Renault precode algorithm (letter + 3 digits -> 4-digit code).

use super::Code;

/// The code for a precode such as `J727`, or `None` for A000-A099, which
/// have no code. `precode` must be a valid precode (one letter, three digits).
pub fn precode_code(precode: &str) -> Option<Code> {
    let b = precode.as_bytes();
    if b.len() != 4 || !b[0].is_ascii_uppercase() || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let digit = |i: usize| u32::from(b[i] - b'0');
    let x = 10 * u32::from(b[0] - b'A') + digit(1);
    if x == 0 {
        return None;
    }
    let y = x + 10 * digit(2) + digit(3);
    let z = (7 * y) % 100;
    let hi = (259 % x) % 100;
    // The two digits of z are swapped in the code.
    Some(Code::new((100 * hi + 10 * (z % 10) + z / 10) as u16))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        for (p, c) in [
            ("J727", "6586"),
            ("J295", "7590"),
            ("U769", "5223"),
            ("A123", "0086"),
            ("Y020", "1902"),
            ("B000", "0907"),
            ("Z999", "0060"),
            ("A100", "0070"),
        ] {
            assert_eq!(
                precode_code(p).map(|c| c.to_string()).as_deref(),
                Some(c),
                "{p}"
            );
        }
        assert_eq!(precode_code("A000"), None);
        assert_eq!(precode_code("A099"), None);
    }
}
