//! Text of an accounting export: UTF-8 (with or without a byte-order mark), else the 8-bit
//! encodings French accounting tools write (Windows-1252, ISO-8859-15).

/// Which encoding to read the bytes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 when the bytes are valid UTF-8, else one of the 8-bit encodings (see [`decode`]).
    #[default]
    Auto,
    Utf8,
    Windows1252,
    Iso8859_15,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Encoding> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "windows-1252" | "cp1252" | "ansi" | "latin1" | "iso-8859-1" => {
                Some(Encoding::Windows1252)
            }
            "iso-8859-15" | "latin9" | "latin-9" => Some(Encoding::Iso8859_15),
            _ => None,
        }
    }
}

/// The text of `bytes` and the name of the encoding it was read in. A UTF-8 byte-order mark is
/// dropped. In `Auto`, bytes that are not UTF-8 are Windows-1252 when they use its 0x80–0x9F
/// letters (œ, €, ’), else ISO-8859-15 (the FEC standard's own 8-bit encoding); both agree on
/// every accented letter of French.
pub fn decode(bytes: &[u8], encoding: Encoding) -> Result<(String, &'static str), usize> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let eight_bit = |bytes: &[u8]| {
        if bytes.iter().any(|b| (0x80..=0x9F).contains(b)) {
            Encoding::Windows1252
        } else {
            Encoding::Iso8859_15
        }
    };
    let chosen = match encoding {
        Encoding::Auto => match std::str::from_utf8(bytes) {
            Ok(s) => return Ok((s.to_string(), "UTF-8")),
            Err(_) => eight_bit(bytes),
        },
        other => other,
    };
    match chosen {
        Encoding::Utf8 | Encoding::Auto => match std::str::from_utf8(bytes) {
            Ok(s) => Ok((s.to_string(), "UTF-8")),
            // The line of the first byte that is not UTF-8.
            Err(e) => Err(1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()),
        },
        Encoding::Windows1252 => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), "Windows-1252"))
        }
        Encoding::Iso8859_15 => {
            let (text, _) = encoding_rs::ISO_8859_15.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), "ISO-8859-15"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_windows_1252_and_latin9() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFSoci\xC3\xA9t\xC3\xA9", Encoding::Auto).unwrap(),
            ("Société".to_string(), "UTF-8")
        );
        assert_eq!(
            decode(b"Soci\xE9t\xE9 \x80 \x9C", Encoding::Auto).unwrap(),
            ("Société € œ".to_string(), "Windows-1252")
        );
        assert_eq!(
            decode(b"\xA4 \xE9", Encoding::Auto).unwrap(),
            ("€ é".to_string(), "ISO-8859-15")
        );
        assert_eq!(decode(b"a\nb\n\xE9", Encoding::Utf8), Err(3));
    }
}
